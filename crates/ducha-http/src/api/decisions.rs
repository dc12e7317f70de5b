//! Decisions by the level above: reviews, extensions, refusals, help answers.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use ducha_service::assignments::{DecisionInput, RefusalDecisionInput, ReviewInput, TextInput};
use ducha_service::{Created, Done, HelpRequestView};

#[utoipa::path(post, path = "/reports/{id}/review", tag = "decisions", params(("id" = i64, Path)),
    request_body = ReviewInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn review(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .review_report(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/extensions/{id}/decide", tag = "decisions", params(("id" = i64, Path)),
    request_body = DecisionInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn decide_extension(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .decide_extension(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/refusals/{id}/decide", tag = "decisions", params(("id" = i64, Path)),
    request_body = RefusalDecisionInput,
    responses((status = 200, description = "Decided; `id` is the replacement assignment when one was named", body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn decide_refusal(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<RefusalDecisionInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .decide_refusal(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/help-requests/{id}/answer", tag = "decisions", params(("id" = i64, Path)),
    request_body = TextInput,
    responses((status = 200, body = Done), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn answer_help(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<TextInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .answer_help(&auth.actor, id, &input.text, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/help-requests", tag = "decisions",
    responses((status = 200, description = "Help requests addressed to the caller's unit, unanswered first",
        body = Vec<HelpRequestView>)))]
pub(crate) async fn help_inbox(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<HelpRequestView>>, AppError> {
    Ok(Json(s.services.help_inbox(&auth.actor).await?))
}
