//! Login, logout, the current user and API tokens.

use crate::AppState;
use crate::auth::{Auth, SESSION_COOKIE, client_addr, same_origin, session_cookie};
use crate::error::{AppError, ErrorBody, ErrorDetail, request_lang};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_service::Me;
use ducha_service::auth::{LoginNeed, LoginStep};
use ducha_service::tokens::{TokenInput, TokenView};
use serde::{Deserialize, Serialize};

/// Credentials, and the answers a login may need after the password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct LoginInput {
    /// Login name (not needed with `pending_token`).
    #[serde(default)]
    pub username: String,
    /// Password (not needed with `pending_token`).
    #[serde(default)]
    pub password: String,
    /// The two-factor code from the authenticator app, or a recovery code; may be sent with
    /// the password at once.
    #[serde(default)]
    pub code: Option<String>,
    /// A new password of the user's own, when the answer asked for `password_change`.
    #[serde(default)]
    pub new_password: Option<String>,
    /// Continues a login that answered `login_pending` (instead of name and password).
    #[serde(default)]
    pub pending_token: Option<String>,
}

/// A new session.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginOutput {
    /// Send as `X-CSRF-Token` on cookie-authenticated writes.
    pub csrf_token: String,
    /// The user.
    pub me: Me,
}

/// The password was right but the login needs another step (401 with `code` =
/// `login_pending`): send `pending_token` with what `need` names (`code`, `new_password`).
/// `enrol` is done on the web page `/login/step`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginPending {
    /// `code`: `login_pending`.
    pub error: ErrorDetail,
    /// What the login needs next.
    pub need: LoginNeed,
    /// Continues this login for a few minutes; opens nothing else.
    pub pending_token: String,
}

/// The login's 401 as documented: a refusal (`error` alone), or a pending step
/// ([`LoginPending`]: `error` with `code` = `login_pending`, `need` and `pending_token`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LoginRefusal {
    /// Why; `code` is `login_pending` when the login needs another step.
    pub error: ErrorDetail,
    /// What the login needs next (pending steps only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need: Option<LoginNeed>,
    /// Continues this login for a few minutes (pending steps only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_token: Option<String>,
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
        (status = 401, description = "Wrong user name, password or code, or a locked account \
            (one answer for all, so it does not tell which names exist); or, with `code` = \
            `login_pending`, the next step this login needs", body = LoginRefusal),
        (status = 400, description = "Unreadable body", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "The new password breaks the policy", body = ErrorBody),
        (status = 429, description = "Too many failures from this address", body = ErrorBody)))]
pub(crate) async fn login(
    State(s): State<AppState>,
    _: SameOrigin,
    headers: HeaderMap,
    parts: ClientAddr,
    jar: CookieJar,
    ApiJson(input): ApiJson<LoginInput>,
) -> Result<Response, AppError> {
    let now = ducha_service::now();
    let addr = parts.0.as_deref();
    let mut step = match &input.pending_token {
        Some(token) => LoginStep::Pending {
            need: s.services.pending_need(token, now).await?,
            token: token.clone(),
        },
        None => {
            s.services
                .login(&input.username, &input.password, addr, now)
                .await?
        }
    };
    // Each answer the request carries is used once, in the order the login asks for them.
    let (mut code, mut new_password) = (input.code.as_deref(), input.new_password.as_deref());
    let session = loop {
        match step {
            LoginStep::Session(session) => break session,
            LoginStep::Pending { token, need } => {
                step = match (need, code.take(), new_password.take()) {
                    (LoginNeed::Code, Some(c), np) => {
                        new_password = np;
                        s.services.login_code(&token, c, addr, now).await?
                    }
                    (LoginNeed::PasswordChange, c, Some(np)) => {
                        code = c;
                        s.services.login_new_password(&token, np, now).await?
                    }
                    _ => {
                        let lang = request_lang(&headers);
                        let body = LoginPending {
                            error: ErrorDetail {
                                code: "login_pending",
                                key: "error.login_pending",
                                message: ducha_domain::i18n::t("error.login_pending", lang)
                                    .to_string(),
                                fields: vec![],
                                operation_id: None,
                            },
                            need,
                            pending_token: token,
                        };
                        return Ok((StatusCode::UNAUTHORIZED, Json(body)).into_response());
                    }
                };
            }
        }
    };
    let actor = s.services.actor(session.user_id).await?;
    let me = s.services.me(&actor).await?;
    let jar = jar.add(session_cookie(session.token, s.http.secure_cookies));
    Ok((
        jar,
        Json(LoginOutput {
            csrf_token: session.csrf,
            me,
        }),
    )
        .into_response())
}

/// The client's address (see [`client_addr`]).
pub(crate) struct ClientAddr(pub Option<String>);

impl axum::extract::FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, AppError> {
        Ok(ClientAddr(client_addr(
            parts,
            s.services.config.auth.trust_forwarded_for,
        )))
    }
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
