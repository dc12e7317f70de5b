//! Units and users.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use ducha_service::org::{UnitInput, UserInput};
use ducha_service::{UnitView, UserView};
use serde::{Deserialize, Serialize};

/// The id of a created row.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IdOutput {
    /// Id.
    pub id: i64,
}

/// A new password.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PasswordInput {
    /// The password.
    pub password: String,
}

#[utoipa::path(get, path = "/units", tag = "org", responses((status = 200, body = Vec<UnitView>)))]
pub(crate) async fn units(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<UnitView>>, AppError> {
    Ok(Json(s.services.list_units(&auth.actor).await?))
}

#[utoipa::path(post, path = "/units", tag = "org", request_body = UnitInput,
    responses((status = 200, body = IdOutput), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_unit(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<Json<IdOutput>, AppError> {
    let id = s
        .services
        .create_unit(Some(&auth.actor), &input, ducha_service::now())
        .await?;
    Ok(Json(IdOutput { id }))
}

#[utoipa::path(get, path = "/users", tag = "org", responses((status = 200, body = Vec<UserView>)))]
pub(crate) async fn users(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<UserView>>, AppError> {
    Ok(Json(s.services.list_users(&auth.actor).await?))
}

#[utoipa::path(post, path = "/users", tag = "org", request_body = UserInput,
    responses((status = 200, body = IdOutput), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_user(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<Json<IdOutput>, AppError> {
    let id = s
        .services
        .create_user(Some(&auth.actor), &input, ducha_service::now())
        .await?;
    Ok(Json(IdOutput { id }))
}

#[utoipa::path(post, path = "/users/{id}/password", tag = "org", params(("id" = i64, Path)),
    request_body = PasswordInput,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn reset_password(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<PasswordInput>,
) -> Result<StatusCode, AppError> {
    s.services
        .reset_password(Some(&auth.actor), id, &input.password, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{id}/twofactor/reset", tag = "org", params(("id" = i64, Path)),
    responses((status = 204, description = "The user's two-factor login is removed and their \
            sessions end; they enrol again at the next login (security admin)"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn reset_twofactor(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    s.services
        .twofactor_reset(&auth.actor, id, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{id}/unlock", tag = "org", params(("id" = i64, Path)),
    responses((status = 204, description = "The login lock is lifted (security admin)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn unlock(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    s.services
        .unlock_user(&auth.actor, id, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether a user may log in.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ActiveInput {
    /// `false` disables the account and revokes its sessions and API tokens at once.
    pub active: bool,
}

#[utoipa::path(post, path = "/users/{id}/active", tag = "org", params(("id" = i64, Path)),
    request_body = ActiveInput,
    responses((status = 204, description = "Disabled or enabled (system admin)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn set_active(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ActiveInput>,
) -> Result<StatusCode, AppError> {
    s.services
        .set_user_active(&auth.actor, id, input.active, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A user's new roles.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RolesInput {
    /// Business roles (`supervisor`, `leader`, `unit_head`, `liaison`, …); admin roles are
    /// given at the console only.
    pub roles: Vec<String>,
}

/// A user's new position.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PositionInput {
    /// Position (职务), e.g. 市长; empty for none; at most 40 characters.
    pub position: String,
}

#[utoipa::path(post, path = "/users/{id}/position", tag = "org", params(("id" = i64, Path)),
    request_body = PositionInput,
    responses((status = 204, description = "Position set (system admin)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn set_position(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<PositionInput>,
) -> Result<StatusCode, AppError> {
    s.services
        .set_user_position(&auth.actor, id, &input.position, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/users/{id}/roles", tag = "org", params(("id" = i64, Path)),
    request_body = RolesInput,
    responses((status = 204, description = "Roles replaced (system admin)"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn set_roles(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<RolesInput>,
) -> Result<StatusCode, AppError> {
    s.services
        .set_user_roles(&auth.actor, id, &input.roles, ducha_service::now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
