//! Server-rendered pages: login and the item register. The full workbench builds on these.

mod items;
mod login;

use crate::AppState;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_domain::i18n::{Lang, t};

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/items") }))
        .route("/login", get(login::page).post(login::submit))
        .route("/logout", post(login::logout))
        .route("/items", get(items::page))
        .route("/lang/{tag}", get(set_lang))
        .route("/static/app.css", get(css))
}

/// Translation helpers shared by page templates.
pub(crate) trait Page {
    /// The page's language.
    fn lang(&self) -> Lang;

    /// The text of `key`.
    fn t(&self, key: &str) -> String {
        t(key, self.lang()).to_string()
    }

    /// The label of an enum value, keyed `prefix.name`.
    fn label(&self, prefix: &str, name: &str) -> String {
        self.t(&format!("{prefix}.{name}"))
    }
}

/// Renders a template, or a plain 500 if rendering fails.
pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

async fn set_lang(
    axum::extract::Path(tag): axum::extract::Path<String>,
    jar: CookieJar,
) -> (CookieJar, Redirect) {
    let lang = Lang::from_tag(&tag);
    let cookie = Cookie::build(("lang", lang.tag()))
        .path("/")
        .permanent()
        .build();
    (jar.add(cookie), Redirect::to("/items"))
}

async fn css() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

/// A local path to return to after login; anything else goes to the register.
pub(crate) fn safe_next(next: &str) -> String {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next.to_string()
    } else {
        "/items".to_string()
    }
}
