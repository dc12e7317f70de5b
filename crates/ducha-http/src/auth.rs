//! Who is calling: a bearer API token, or a session cookie with CSRF protection on writes.

use crate::AppState;
use crate::error::AppError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum_extra::extract::cookie::{Cookie, SameSite};
use ducha_domain::org::Actor;
use ducha_service::ServiceError;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "ducha_session";
/// Header carrying the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The acting user.
    pub actor: Actor,
    /// The API token the request came with (none for a session).
    pub token: Option<i64>,
}

pub(crate) fn cookie_value<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(name)?.strip_prefix('='))
}

/// Rejects requests that a browser sent on behalf of another site.
pub(crate) fn same_origin(parts: &Parts) -> bool {
    if let Some(site) = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        && !matches!(site, "same-origin" | "none")
    {
        return false;
    }
    match (
        parts.headers.get(header::ORIGIN),
        parts.headers.get(header::HOST),
    ) {
        (Some(origin), Some(host)) => {
            let origin = origin.to_str().unwrap_or("");
            let host = host.to_str().unwrap_or("");
            origin.split("://").nth(1) == Some(host)
        }
        _ => true,
    }
}

/// The client's address for the login throttle: the peer of the connection, or the last
/// `X-Forwarded-For` entry when the configuration trusts a proxy in front.
pub(crate) fn client_addr(parts: &Parts, trust_forwarded_for: bool) -> Option<String> {
    if trust_forwarded_for
        && let Some(last) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
    {
        return Some(last.chars().take(64).collect());
    }
    // Plain HTTP records the peer as a `SocketAddr`, HTTPS as a `tls::Peer`.
    let ext = &parts.extensions;
    ext.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| {
            ext.get::<axum::extract::ConnectInfo<crate::tls::Peer>>()
                .map(|c| c.0.0)
        })
        .map(|a| a.ip().to_string())
}

/// Name of the cookie holding a pending login (between the password and its next step).
pub const PENDING_COOKIE: &str = "ducha_pending";

/// Builds the pending-login cookie: only the login pages see it.
pub(crate) fn pending_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((PENDING_COOKIE, token))
        .path("/login")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .build()
}

/// Builds the session cookie.
pub(crate) fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .build()
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let now = ducha_service::now();
        let services = &state.services;
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if let Some(token) = bearer {
            let t = services.token_auth(token.trim(), now).await?;
            // The scope is enforced here, once for every route: by method and by the area
            // of the path below `/api/v1`.
            let path = parts
                .extensions
                .get::<axum::extract::OriginalUri>()
                .map_or(parts.uri.path(), |o| o.0.path());
            let path = path.strip_prefix("/api/v1").unwrap_or(path);
            let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
            if !t.scope.allows(writes, path) {
                return Err(AppError::TokenRefused("error.token_scope"));
            }
            return Ok(Auth {
                actor: t.actor,
                token: Some(t.token_id),
            });
        }
        let token = cookie_value(parts, SESSION_COOKIE).ok_or(ServiceError::Unauthorized)?;
        let (actor, csrf) = services.session_actor(token, now).await?;
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if !same_origin(parts) || sent != Some(csrf.as_str()) {
                return Err(AppError::Csrf);
            }
        }
        Ok(Auth { actor, token: None })
    }
}
