//! Commands of the assigned unit.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use ducha_domain::report::ReportInput;
use ducha_service::assignments::{ExtensionInput, HelpInput, SignInput, TextInput};
use ducha_service::items::DispatchInput;
use ducha_service::{Created, Done};

#[utoipa::path(post, path = "/assignments/{id}/sign", tag = "assignments", params(("id" = i64, Path)),
    request_body = SignInput,
    responses((status = 200, body = Done), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(crate) async fn sign(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<SignInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .sign_assignment(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assignments/{id}/refuse", tag = "assignments", params(("id" = i64, Path)),
    request_body = TextInput,
    responses((status = 200, description = "Refusal filed", body = Created), (status = 409, body = ErrorBody)))]
pub(crate) async fn refuse(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<TextInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .refuse_assignment(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assignments/{id}/decompose", tag = "assignments", params(("id" = i64, Path)),
    request_body = DispatchInput,
    responses((status = 200, description = "Sub-assignments created", body = Created),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn decompose(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<DispatchInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .decompose_assignment(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assignments/{id}/reports", tag = "assignments", params(("id" = i64, Path)),
    request_body = ReportInput,
    responses((status = 200, description = "Report submitted (a completion request when `completion`)", body = Created),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn report(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ReportInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .submit_report(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assignments/{id}/extensions", tag = "assignments", params(("id" = i64, Path)),
    request_body = ExtensionInput,
    responses((status = 200, body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn extension(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ExtensionInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .request_extension(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/assignments/{id}/help-requests", tag = "assignments", params(("id" = i64, Path)),
    request_body = HelpInput,
    responses((status = 200, body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn help(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<HelpInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .request_help(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}
