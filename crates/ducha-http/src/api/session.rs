//! Login, logout, the current user and API tokens.

use crate::AppState;
use crate::auth::{Auth, SESSION_COOKIE, same_origin, session_cookie};
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_service::Me;
use ducha_service::tokens::{TokenInput, TokenView};
use serde::{Deserialize, Serialize};

/// Credentials.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginOutput {
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
    /// The user.
    pub me: Me,
}

/// Checks that a browser request comes from this site.
pub(crate) struct SameOrigin;

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SameOrigin {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        if same_origin(parts) {
            Ok(SameOrigin)
        } else {
            Err(AppError::Csrf)
        }
    }
}

#[utoipa::path(post, path = "/auth/login", tag = "session", security(),
    request_body = LoginInput,
    responses((status = 200, description = "Logged in; the session cookie is set", body = LoginOutput),
        (status = 401, description = "Wrong user name or password", body = ErrorBody),
        (status = 423, description = "Locked after too many failures", body = ErrorBody)))]
pub(crate) async fn login(
    State(s): State<AppState>,
    _: SameOrigin,
    jar: CookieJar,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<(CookieJar, Json<LoginOutput>), AppError> {
    let now = ducha_service::now();
    let session = s
        .services
        .login(&input.username, &input.password, now)
        .await?;
    let actor = s.services.actor(session.user_id).await?;
    let me = s.services.me(&actor).await?;
    let jar = jar.add(session_cookie(session.token, s.http.secure_cookies));
    Ok((
        jar,
        Json(LoginOutput {
            csrf_token: session.csrf,
            me,
        }),
    ))
}

#[utoipa::path(post, path = "/auth/logout", tag = "session",
    responses((status = 204, description = "Logged out")))]
pub(crate) async fn logout(
    State(s): State<AppState>,
    _auth: Auth,
    jar: CookieJar,
) -> Result<(CookieJar, axum::http::StatusCode), AppError> {
    if let Some(c) = jar.get(SESSION_COOKIE) {
        s.services.logout(c.value()).await?;
    }
    Ok((
        jar.remove(Cookie::build(SESSION_COOKIE).path("/")),
        axum::http::StatusCode::NO_CONTENT,
    ))
}

#[utoipa::path(get, path = "/me", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(State(s): State<AppState>, auth: Auth) -> Result<Json<Me>, AppError> {
    Ok(Json(s.services.me(&auth.actor).await?))
}

/// The new token's secret, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TokenOutput {
    /// Id.
    pub id: i64,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

#[utoipa::path(post, path = "/tokens", tag = "session", request_body = TokenInput,
    responses((status = 200, body = TokenOutput),
        (status = 403, description = "Requested with an API token: only a session makes tokens",
            body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn create_token(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<Json<TokenOutput>, AppError> {
    if auth.token.is_some() {
        return Err(AppError::TokenRefused("error.token_needs_session"));
    }
    let t = s
        .services
        .create_token(&auth.actor, false, &input, ducha_service::now())
        .await?;
    Ok(Json(TokenOutput {
        id: t.id,
        token: t.secret,
        expires_at: t.expires_at,
    }))
}

#[utoipa::path(get, path = "/tokens", tag = "session",
    responses((status = 200, description = "The caller's own tokens, never their secrets",
        body = Vec<TokenView>), (status = 401, body = ErrorBody)))]
pub(crate) async fn list_tokens(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<TokenView>>, AppError> {
    Ok(Json(s.services.list_tokens(&auth.actor).await?))
}

#[utoipa::path(delete, path = "/tokens/{id}", tag = "session", params(("id" = i64, Path)),
    responses((status = 204, description = "Revoked (by its owner, or the security admin)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<axum::http::StatusCode, AppError> {
    if auth.token.is_some() {
        return Err(AppError::TokenRefused("error.token_needs_session"));
    }
    s.services
        .revoke_token(&auth.actor, id, ducha_service::now())
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
