//! The login's next step after a right password: the two-factor code, a password of the user's
//! own (an admin set the current one) or the enrolment their role requires. The pending login
//! lives in a cookie only the login pages see; it is not a session and opens nothing else.

use super::{Page, render, safe_next};
use crate::AppState;
use crate::auth::{PENDING_COOKIE, client_addr, pending_cookie, same_origin, session_cookie};
use crate::error::request_lang;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_domain::i18n::Lang;
use ducha_service::auth::{Enrolment, LoginNeed, LoginStep};
use ducha_service::{ServiceError, Services};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login_step.html")]
struct StepPage {
    lang: Lang,
    next: String,
    need: &'static str,
    enrolment: Option<Enrolment>,
    recovery: Option<Vec<String>>,
    error: Option<&'static str>,
}

impl Page for StepPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

fn need_name(need: LoginNeed) -> &'static str {
    match need {
        LoginNeed::Code => "code",
        LoginNeed::PasswordChange => "password_change",
        LoginNeed::Enrol => "enrol",
    }
}

fn forget_pending(jar: CookieJar) -> CookieJar {
    jar.remove(Cookie::build(PENDING_COOKIE).path("/login"))
}

/// Where a login step leads: into the application with a session, or to the next step.
pub(crate) fn after(s: &AppState, jar: CookieJar, step: LoginStep, next: &str) -> Response {
    match step {
        LoginStep::Session(session) => {
            let jar = forget_pending(jar).add(session_cookie(session.token, s.http.secure_cookies));
            (jar, Redirect::to(next)).into_response()
        }
        LoginStep::Pending { token, .. } => {
            let jar = jar.add(pending_cookie(token, s.http.secure_cookies));
            let next = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            (jar, Redirect::to(&format!("/login/step?next={next}"))).into_response()
        }
    }
}

async fn enrolment_of(
    services: &Services,
    need: LoginNeed,
    token: &str,
) -> Result<Option<Enrolment>, ServiceError> {
    if need != LoginNeed::Enrol {
        return Ok(None);
    }
    services
        .login_enrolment(token, ducha_service::now())
        .await
        .map(Some)
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
}

/// The page of the next step; back to the login page when there is no pending login.
pub(crate) async fn page(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
    Query(q): Query<NextQuery>,
) -> Response {
    let lang = request_lang(&headers);
    let Some(token) = jar.get(PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Redirect::to("/login").into_response();
    };
    let now = ducha_service::now();
    let Ok(need) = s.services.pending_need(&token, now).await else {
        return (forget_pending(jar), Redirect::to("/login?expired=1")).into_response();
    };
    match enrolment_of(&s.services, need, &token).await {
        Ok(enrolment) => render(&StepPage {
            lang,
            next: safe_next(&q.next),
            need: need_name(need),
            enrolment,
            recovery: None,
            error: None,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct StepForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password2: String,
    #[serde(default)]
    next: String,
}

/// Answers the step the pending login needs.
pub(crate) async fn submit(
    State(s): State<AppState>,
    jar: CookieJar,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let lang = request_lang(&parts.headers);
    let Ok(Form(form)) = Form::<StepForm>::from_request(
        axum::extract::Request::from_parts(parts.clone(), body),
        &(),
    )
    .await
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    if !same_origin(&parts) {
        return crate::AppError::Csrf.into_response();
    }
    let next = safe_next(&form.next);
    let Some(token) = jar.get(PENDING_COOKIE).map(|c| c.value().to_string()) else {
        return Redirect::to("/login").into_response();
    };
    let now = ducha_service::now();
    let services = &s.services;
    let Ok(need) = services.pending_need(&token, now).await else {
        return (forget_pending(jar), Redirect::to("/login?expired=1")).into_response();
    };
    let addr = client_addr(&parts, services.config.auth.trust_forwarded_for);
    let result = match need {
        LoginNeed::Code => services
            .login_code(&token, &form.code, addr.as_deref(), now)
            .await
            .map(|step| (step, None)),
        LoginNeed::PasswordChange if form.new_password != form.new_password2 => Err(
            ducha_domain::ValidationErrors::single("new_password", "auth.passwords_differ").into(),
        ),
        LoginNeed::PasswordChange => services
            .login_new_password(&token, &form.new_password, now)
            .await
            .map(|step| (step, None)),
        LoginNeed::Enrol => services
            .login_enrol_confirm(&token, &form.code, now)
            .await
            .map(|(codes, step)| (step, Some(codes))),
    };
    match result {
        // The recovery codes are shown once, with the way on.
        Ok((LoginStep::Session(session), Some(codes))) => {
            let jar = forget_pending(jar).add(session_cookie(session.token, s.http.secure_cookies));
            let page = StepPage {
                lang,
                next,
                need: "",
                enrolment: None,
                recovery: Some(codes),
                error: None,
            };
            (jar, render(&page)).into_response()
        }
        Ok((step, _)) => after(&s, jar, step, &next),
        Err(e) => {
            let (status, key) = match &e {
                ServiceError::Invalid(v) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    v.0.first().map_or("validation.required", |f| f.key),
                ),
                ServiceError::CodeWrong => (StatusCode::UNAUTHORIZED, "error.code_wrong"),
                ServiceError::Throttled => (StatusCode::TOO_MANY_REQUESTS, "error.throttled"),
                // Locked meanwhile, or the pending login ended: start again.
                ServiceError::Unauthorized => {
                    return (forget_pending(jar), Redirect::to("/login?expired=1")).into_response();
                }
                _ => return crate::AppError::from(e).into_response(),
            };
            let enrolment = enrolment_of(services, need, &token).await.ok().flatten();
            let page = StepPage {
                lang,
                next,
                need: need_name(need),
                enrolment,
                recovery: None,
                error: Some(key),
            };
            (status, render(&page)).into_response()
        }
    }
}
