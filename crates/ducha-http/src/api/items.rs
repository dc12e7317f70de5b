//! The item register and the item lifecycle.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use ducha_domain::item::ItemInput;
use ducha_service::items::{DispatchInput, ListInput};
use ducha_service::{Created, Done, ItemDetail, ItemPage};
use serde::Deserialize;

/// An optional comment (approval, closing).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    /// Comment; required when rejecting.
    #[serde(default)]
    pub comment: String,
}

/// An edit of a draft, checked against the version it was read at.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EditInput {
    /// The `version` of the item as read.
    pub version: i64,
    /// The new fields.
    #[serde(flatten)]
    pub item: ItemInput,
}

#[utoipa::path(get, path = "/items", tag = "items", params(ListInput),
    responses((status = 200, body = ItemPage), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListInput>,
) -> Result<Json<ItemPage>, AppError> {
    Ok(Json(s.services.list_items(&auth.actor, &q).await?))
}

#[utoipa::path(post, path = "/items", tag = "items", request_body = ItemInput,
    responses((status = 200, description = "Registered as a draft", body = Created),
        (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn create(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ItemInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .create_item(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/items/{id}", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = ItemDetail), (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<ItemDetail>, AppError> {
    Ok(Json(s.services.item_detail(&auth.actor, id).await?))
}

#[utoipa::path(put, path = "/items/{id}", tag = "items", params(("id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<EditInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .edit_item(
                &auth.actor,
                id,
                input.version,
                &input.item,
                ducha_service::now(),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/items/{id}/submit", tag = "items", params(("id" = i64, Path)),
    responses((status = 200, body = Done), (status = 409, body = ErrorBody)))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .submit_item(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/items/{id}/approve", tag = "items", params(("id" = i64, Path)),
    request_body = CommentInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody)))]
pub(crate) async fn approve(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .approve_item(&auth.actor, id, &input.comment, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/items/{id}/reject", tag = "items", params(("id" = i64, Path)),
    request_body = CommentInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn reject(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .reject_item(&auth.actor, id, &input.comment, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/items/{id}/dispatch", tag = "items", params(("id" = i64, Path)),
    request_body = DispatchInput,
    responses((status = 200, description = "Dispatched; ids of the new assignments", body = Created),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn dispatch(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<DispatchInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .dispatch_item(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/items/{id}/close", tag = "items", params(("id" = i64, Path)),
    request_body = CommentInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody)))]
pub(crate) async fn close(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .close_item(&auth.actor, id, &input.comment, ducha_service::now())
            .await?,
    ))
}
