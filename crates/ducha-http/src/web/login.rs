//! The login page.

use super::{Page, render, safe_next};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, client_addr, same_origin};
use crate::error::request_lang;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequest, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    next: String,
    username: String,
    error: Option<&'static str>,
}

impl Page for LoginPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct NextQuery {
    #[serde(default)]
    next: String,
    #[serde(default)]
    expired: Option<String>,
}

pub(crate) async fn page(headers: HeaderMap, Query(q): Query<NextQuery>) -> Response {
    render(&LoginPage {
        lang: request_lang(&headers),
        next: safe_next(&q.next),
        username: String::new(),
        error: q.expired.map(|_| "ui.session_expired"),
    })
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

pub(crate) async fn submit(
    State(s): State<AppState>,
    headers: HeaderMap,
    jar: CookieJar,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let lang = request_lang(&headers);
    let Ok(Form(form)) = Form::<LoginForm>::from_request(
        axum::extract::Request::from_parts(parts.clone(), body),
        &(),
    )
    .await
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let page = |error| LoginPage {
        lang,
        next: safe_next(&form.next),
        username: form.username.clone(),
        error: Some(error),
    };
    if !same_origin(&parts) {
        return (StatusCode::FORBIDDEN, render(&page("error.csrf"))).into_response();
    }
    let addr = client_addr(&parts, s.services.config.auth.trust_forwarded_for);
    match s
        .services
        .login(
            &form.username,
            &form.password,
            addr.as_deref(),
            ducha_service::now(),
        )
        .await
    {
        Ok(step) => super::login_step::after(&s, jar, step, &safe_next(&form.next)),
        Err(ServiceError::LoginFailed | ServiceError::Locked) => (
            StatusCode::UNAUTHORIZED,
            render(&page("error.login_failed")),
        )
            .into_response(),
        Err(ServiceError::Throttled) => (
            StatusCode::TOO_MANY_REQUESTS,
            render(&page("error.throttled")),
        )
            .into_response(),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct LogoutForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn logout(
    State(s): State<AppState>,
    jar: CookieJar,
    Form(form): Form<LogoutForm>,
) -> Response {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        let valid = s
            .services
            .session_actor(c.value(), ducha_service::now())
            .await
            .is_ok_and(|(_, csrf)| csrf == form.csrf);
        if !valid {
            return StatusCode::FORBIDDEN.into_response();
        }
        let _ = s.services.logout(c.value()).await;
    }
    (
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        Redirect::to("/login"),
    )
        .into_response()
}
