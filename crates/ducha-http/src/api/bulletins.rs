//! Bulletins (督查通报): the jurisdiction's list, one bulletin with its generated text, the
//! office's draft and edits, the leader's approval or return, publication, the .docx and PDF.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, Id};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use ducha_service::bulletins::{BulletinSummary, BulletinView, DraftInput, EditInput, ReturnInput};
use ducha_service::{Created, Done};

#[utoipa::path(get, path = "/bulletins", tag = "bulletins",
    responses((status = 200, description = "The jurisdiction's bulletins, latest period first \
        (drafts only for its office and leaders)", body = Vec<BulletinSummary>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
) -> Result<Json<Vec<BulletinSummary>>, AppError> {
    let lang = crate::error::request_lang(&headers);
    Ok(Json(s.services.bulletins(&auth.actor, lang).await?))
}

#[utoipa::path(post, path = "/bulletins", tag = "bulletins", request_body = DraftInput,
    responses((status = 200, description = "Drafted from the period's figures", body = Created),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn draft(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<DraftInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .draft_bulletin(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/bulletins/{id}", tag = "bulletins", params(("id" = i64, Path)),
    responses((status = 200, description = "The bulletin with its figures and text", body = BulletinView),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn show(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Result<Json<BulletinView>, AppError> {
    let lang = crate::error::request_lang(&headers);
    Ok(Json(s.services.bulletin(&auth.actor, id, lang).await?))
}

#[utoipa::path(put, path = "/bulletins/{id}", tag = "bulletins", params(("id" = i64, Path)),
    request_body = EditInput,
    responses((status = 200, description = "Draft edited", body = Done),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn edit(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<EditInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .edit_bulletin(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/bulletins/{id}/submit", tag = "bulletins", params(("id" = i64, Path)),
    responses((status = 200, description = "Sent to the leader", body = Done),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .submit_bulletin(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/bulletins/{id}/return", tag = "bulletins", params(("id" = i64, Path)),
    request_body = ReturnInput,
    responses((status = 200, description = "Sent back to the office", body = Done),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn send_back(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ReturnInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .return_bulletin(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/bulletins/{id}/approve", tag = "bulletins", params(("id" = i64, Path)),
    responses((status = 200, description = "Approved (签发) by a leader", body = Done),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn approve(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .approve_bulletin(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/bulletins/{id}/publish", tag = "bulletins", params(("id" = i64, Path)),
    responses((status = 200, description = "Published with its number; the units named are \
        notified; it never changes afterwards", body = Done),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn publish(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .publish_bulletin(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/bulletins/{id}/bulletin.docx", tag = "bulletins",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The bulletin as a 公文 (GB/T 9704) Word document",
        content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn docx(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = crate::error::request_lang(&headers);
    let (name, bytes) = s.services.bulletin_docx(&auth.actor, id, lang).await?;
    Ok(super::docx(bytes, &name))
}

#[utoipa::path(get, path = "/bulletins/{id}/bulletin.pdf", tag = "bulletins",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The bulletin as PDF with its CJK fonts embedded \
        (its Word document converted by LibreOffice on the server)",
        content_type = "application/pdf"),
        (status = 404, body = ErrorBody),
        (status = 503, description = "LibreOffice is not installed or the conversion failed",
            body = ErrorBody)))]
pub(crate) async fn pdf(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = crate::error::request_lang(&headers);
    let (name, bytes) = s.services.bulletin_pdf(&auth.actor, id, lang).await?;
    Ok(super::pdf(bytes, &name))
}
