//! Integrated supervision: the leading group, joint meetings (agenda, pack, decisions,
//! minutes) and the inspection register (plans, overlaps, burden, approvals, findings).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use ducha_domain::joint::inspections::InspectionInput;
use ducha_service::joint::{
    AgendaEditInput, AnswerInput, BurdenView, DecisionInput, FiledView, FindingsInput, GroupView,
    HoldInput, InspectionDecisionInput, InspectionView, MeetingInput, MeetingSummary, MeetingView,
    PackView, QuarterInput, SeatInput, WithdrawInput,
};
use ducha_service::{Created, Done};

#[utoipa::path(get, path = "/joint/group", tag = "joint",
    responses((status = 200, description = "The jurisdiction's leading group: head, deputies, \
        office and member bodies", body = GroupView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(crate) async fn group(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<GroupView>, AppError> {
    Ok(Json(s.services.leading_group(&auth.actor).await?))
}

#[utoipa::path(post, path = "/joint/seats", tag = "joint", request_body = SeatInput,
    responses((status = 200, description = "Seat filled", body = Created),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn fill_seat(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SeatInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .fill_seat(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/joint/meetings", tag = "joint",
    responses((status = 200, description = "Joint meetings, latest first", body = Vec<MeetingSummary>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn meetings(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<MeetingSummary>>, AppError> {
    Ok(Json(s.services.meetings(&auth.actor).await?))
}

#[utoipa::path(post, path = "/joint/meetings", tag = "joint", request_body = MeetingInput,
    responses((status = 200, description = "Scheduled, with the agenda proposed from the \
        jurisdiction's red items, stall findings, escalated notices, summonses and unanswered \
        help requests", body = Created),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn schedule(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .schedule_meeting(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/joint/meetings/{id}", tag = "joint", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn meeting(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<MeetingView>, AppError> {
    Ok(Json(
        s.services
            .meeting(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/meetings/{id}/agenda", tag = "joint",
    params(("id" = i64, Path)), request_body = AgendaEditInput,
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn edit_agenda(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<AgendaEditInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .edit_agenda(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/meetings/{id}/hold", tag = "joint",
    params(("id" = i64, Path)), request_body = HoldInput,
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn hold(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<HoldInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .hold_meeting(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/meetings/{id}/decisions", tag = "joint",
    params(("id" = i64, Path)), request_body = DecisionInput,
    responses((status = 200, description = "Recorded; a new item is dispatched through the chain",
        body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn decide(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .record_decision(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/joint/meetings/{id}/pack", tag = "joint", params(("id" = i64, Path)),
    responses((status = 200, description = "The pre-read pack as it was sent", body = PackView),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn pack(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<PackView>, AppError> {
    Ok(Json(s.services.meeting_pack(&auth.actor, id).await?.1))
}

#[utoipa::path(get, path = "/joint/meetings/{id}/minutes.docx", tag = "joint",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The minutes (会议纪要) as Word", content_type =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn minutes(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    let lang = crate::error::request_lang(&headers);
    let (name, bytes) = s
        .services
        .minutes_docx(&auth.actor, id, lang, ducha_service::now())
        .await?;
    Ok(docx(bytes, &name))
}

/// A Word document as a download.
pub(crate) fn docx(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A PDF document as a download.
pub(crate) fn pdf(bytes: Vec<u8>, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

#[utoipa::path(get, path = "/joint/inspections", tag = "joint", params(QuarterInput),
    responses((status = 200, description = "The quarter's plans and each visited unit's burden \
        week by week", body = BurdenView), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn inspections(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<QuarterInput>,
) -> Result<Json<BurdenView>, AppError> {
    Ok(Json(
        s.services
            .burden(&auth.actor, &q, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/inspections", tag = "joint", request_body = InspectionInput,
    responses((status = 200, description = "Filed; overlaps with other bodies' plans are found \
        at once and proposed as merges", body = FiledView),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn file(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<InspectionInput>,
) -> Result<Json<FiledView>, AppError> {
    Ok(Json(
        s.services
            .file_inspection(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/joint/inspections/waiting", tag = "joint",
    responses((status = 200, description = "Plans awaiting the office's approval and merges \
        awaiting the reader's body", body = Vec<InspectionView>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub(crate) async fn waiting(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<InspectionView>>, AppError> {
    Ok(Json(
        s.services
            .inspections_waiting(&auth.actor, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/joint/inspections/{id}", tag = "joint", params(("id" = i64, Path)),
    responses((status = 200, body = InspectionView), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn inspection(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<InspectionView>, AppError> {
    Ok(Json(
        s.services
            .inspection(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/inspections/{id}/decide", tag = "joint",
    params(("id" = i64, Path)), request_body = InspectionDecisionInput,
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn decide_inspection(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<InspectionDecisionInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .decide_inspection(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/inspections/{id}/withdraw", tag = "joint",
    params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 200, body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn withdraw_inspection(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .withdraw_inspection(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/inspections/{id}/findings", tag = "joint",
    params(("id" = i64, Path)), request_body = FindingsInput,
    responses((status = 200, description = "Each finding became a rectification item (ids)",
        body = Created), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn findings(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<FindingsInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .record_findings(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/joint/overlaps/{id}/answer", tag = "joint",
    params(("id" = i64, Path)), request_body = AnswerInput,
    responses((status = 200, description = "Merged into one joint inspection, or declined with \
        a reason", body = Done), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn answer(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<AnswerInput>,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .answer_overlap(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}
