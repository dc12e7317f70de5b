//! Hot issues (热点诉求) for supervisors: the jurisdiction's hot issues by size, one with its
//! appeals, and what the office does with one — an item made of it, or a merge into an item.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use ducha_service::hot::{HotIssueDetail, HotIssueView, HotItemInput, HotMergeInput};
use ducha_service::{Created, Done};
use serde::Serialize;

/// The jurisdiction's hot issues.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct HotList {
    /// Largest first.
    issues: Vec<HotIssueView>,
}

#[utoipa::path(get, path = "/appeals/hot", tag = "appeals",
    responses((status = 200, body = HotList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(crate) async fn list(State(s): State<AppState>, auth: Auth) -> Result<Json<HotList>, AppError> {
    let issues = s
        .services
        .hot_issues(&auth.actor, ducha_service::now())
        .await?;
    Ok(Json(HotList { issues }))
}

#[utoipa::path(get, path = "/appeals/hot/{id}", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, body = HotIssueDetail), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<HotIssueDetail>, AppError> {
    Ok(Json(
        s.services
            .hot_issue_detail(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/appeals/hot/{id}/item", tag = "appeals",
    params(("id" = i64, Path)), request_body = HotItemInput,
    responses((status = 200, description = "A public 三最 item registered as a draft; the hot \
        issue's appeals are linked to it", body = Created),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn to_item(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<HotItemInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .hot_to_item(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/appeals/hot/{id}/merge", tag = "appeals",
    params(("id" = i64, Path)), request_body = HotMergeInput,
    responses((status = 200, description = "Merged; the hot issue's appeals are linked to the \
        item", body = Done),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn merge(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<HotMergeInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .hot_merge(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}
