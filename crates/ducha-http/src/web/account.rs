//! The user's own security page: two-factor login (enrol with a QR code, confirm, recovery
//! codes shown once, turn off with a current code).

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::auth::TwoFactorStatus;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account_security.html")]
struct SecurityPage {
    lang: Lang,
    user: PageUser,
    status: TwoFactorStatus,
    recovery: Option<Vec<String>>,
    error: Option<&'static str>,
    /// The stored language of the user's deliveries (`zh-CN` or `en`).
    stored_lang: String,
}

impl Page for SecurityPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

async fn show(
    s: &AppState,
    user: PageUser,
    recovery: Option<Vec<String>>,
    error: Option<&'static str>,
) -> Response {
    let stored_lang = match s.services.me(&user.actor).await {
        Ok(me) => me.user.lang,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    match s.services.twofactor_status(&user.actor).await {
        Ok(status) => {
            let code = if error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let page = SecurityPage {
                lang: user.lang,
                user,
                status,
                recovery,
                error,
                stored_lang,
            };
            (code, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// The page.
pub(crate) async fn page(State(s): State<AppState>, user: PageUser) -> Response {
    show(&s, user, None, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

fn refused(e: &ServiceError) -> Option<&'static str> {
    match e {
        ServiceError::Invalid(v) => v.0.first().map(|f| f.key),
        _ => None,
    }
}

/// Starts (or restarts) an enrolment.
pub(crate) async fn start(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    match s
        .services
        .enrol_start(&user.actor, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to("/account/security").into_response(),
        Err(e) => match refused(&e) {
            Some(key) => show(&s, user, None, Some(key)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// Confirms the enrolment with a code; shows the recovery codes once.
pub(crate) async fn confirm(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    match s
        .services
        .enrol_confirm(&user.actor, &form.code, ducha_service::now())
        .await
    {
        Ok(codes) => show(&s, user, Some(codes), None).await,
        Err(e) => match refused(&e) {
            Some(key) => show(&s, user, None, Some(key)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// Turns two-factor login off with a current code.
pub(crate) async fn disable(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<CodeForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    match s
        .services
        .twofactor_disable(&user.actor, &form.code, ducha_service::now())
        .await
    {
        Ok(()) => Redirect::to("/account/security").into_response(),
        Err(e) => match refused(&e) {
            Some(key) => show(&s, user, None, Some(key)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct LangForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
}

/// Sets the user's language: stored for the deliveries, and the pages' cookie with it.
pub(crate) async fn set_lang(
    State(s): State<AppState>,
    user: PageUser,
    jar: axum_extra::extract::cookie::CookieJar,
    Form(form): Form<LangForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    match s.services.set_user_lang(&user.actor, &form.lang).await {
        Ok(lang) => (
            jar.add(super::lang_cookie(lang)),
            Redirect::to("/account/security?done=lang_saved"),
        )
            .into_response(),
        Err(e) => match refused(&e) {
            Some(key) => show(&s, user, None, Some(key)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}
