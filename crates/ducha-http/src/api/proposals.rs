//! NPC suggestions and CPPCC proposals (人大建议 / 政协提案): sessions and their lists (by hand
//! or as an .xlsx), routing, returns and the office's decision, co-units' opinions, the one
//! extension, replies with grades, communication, satisfaction and statistics.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::Response;
use ducha_domain::proposals::import::ProposalInput;
use ducha_service::assignments::TextInput;
use ducha_service::proposals::{
    ContactInput, ExtensionDecisionInput, ExtensionInput, OpinionInput, ProposalDetail,
    ProposalFilter, RateInput, ReplyInput, ReturnDecisionInput, RouteInput, SessionInput,
    SessionView, Stats,
};
use ducha_service::{Created, Done};
use ducha_store::ProposalSessionRow;
use serde::Serialize;

/// The sessions of the reader's jurisdiction.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SessionList {
    /// Latest first.
    #[schema(value_type = Vec<Object>)]
    sessions: Vec<ProposalSessionRow>,
}

#[utoipa::path(get, path = "/proposals/sessions", tag = "proposals",
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(crate) async fn sessions(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<SessionList>, AppError> {
    let sessions = s.services.proposal_sessions(&auth.actor).await?;
    Ok(Json(SessionList { sessions }))
}

#[utoipa::path(post, path = "/proposals/sessions", tag = "proposals", request_body = SessionInput,
    responses((status = 200, description = "Opened", body = Created),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn open_session(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<SessionInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .open_proposal_session(&auth.actor, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/proposals/sessions/{id}", tag = "proposals",
    params(("id" = i64, Path), ProposalFilter),
    responses((status = 200, description = "The suggestions the reader may see, by number",
        body = SessionView), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn session(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiQuery(filter): ApiQuery<ProposalFilter>,
) -> Result<Json<SessionView>, AppError> {
    Ok(Json(
        s.services.proposal_list(&auth.actor, id, &filter).await?,
    ))
}

#[utoipa::path(post, path = "/proposals/sessions/{id}/proposals", tag = "proposals",
    params(("id" = i64, Path)), request_body = ProposalInput,
    responses((status = 200, description = "Registered", body = Created),
        (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn register(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<ProposalInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .register_proposal(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/proposals/sessions/{id}/import", tag = "proposals",
    params(("id" = i64, Path)),
    request_body(content = Vec<u8>, description = "The session's list as .xlsx (first sheet, \
        a header row naming the columns)", content_type =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    responses((status = 200, description = "Every row registered", body = Created),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 422, description = "Nothing registered; each bad row named as \
            `rows[N].field`", body = ErrorBody)))]
pub(crate) async fn import(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Created>, AppError> {
    // A list over the limit is the API's translated 413, like every other body.
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest("validation.upload")
        }
    })?;
    Ok(Json(
        s.services
            .import_proposals(&auth.actor, id, &body, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/proposals/sessions/{id}/statistics", tag = "proposals",
    params(("id" = i64, Path)),
    responses((status = 200, description = "On-time reply rate, grades, satisfaction and \
        handling again, for the session and per unit", body = Stats),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn statistics(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Stats>, AppError> {
    Ok(Json(
        s.services
            .proposal_stats(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/proposals/sessions/{id}/statistics.xlsx", tag = "proposals",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The statistics as .xlsx (the session, then one \
        row per unit), in the request's language", content_type =
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn statistics_xlsx(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    headers: axum::http::HeaderMap,
) -> Response {
    let lang = crate::error::request_lang(&headers);
    crate::web::proposals::stats_download(&s, &auth.actor, id, lang).await
}

#[utoipa::path(get, path = "/proposals/{id}/replies/{reply}/letter.docx", tag = "proposals",
    params(("id" = i64, Path), ("reply" = i64, Path)),
    responses((status = 200, description = "The reply letter (答复函) as Word", content_type =
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn letter(
    State(s): State<AppState>,
    auth: Auth,
    axum::extract::Path((id, reply)): axum::extract::Path<(String, String)>,
) -> Result<Response, AppError> {
    // Ids that are not numbers name nothing: 404 like every other path, not axum's plain 400.
    let (Ok(id), Ok(reply)) = (id.parse::<i64>(), reply.parse::<i64>()) else {
        return Err(ducha_service::ServiceError::NotFound.into());
    };
    let (name, bytes) = s.services.reply_docx(&auth.actor, id, reply).await?;
    Ok(crate::api::docx(bytes, &name))
}

#[utoipa::path(get, path = "/proposals/{id}", tag = "proposals", params(("id" = i64, Path)),
    responses((status = 200, description = "The suggestion with its clock, opinions, replies \
        and communication", body = ProposalDetail), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<ProposalDetail>, AppError> {
    Ok(Json(s.services.proposal_detail(&auth.actor, id).await?))
}

/// A command on one suggestion: its path, body, description and service call.
macro_rules! act {
    ($name:ident, $path:literal, $input:ty, $out:ty, $desc:literal, $call:ident) => {
        #[utoipa::path(post, path = $path, tag = "proposals", params(("id" = i64, Path)),
                    request_body = $input,
                    responses((status = 200, description = $desc, body = $out),
                        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
                        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
        pub(crate) async fn $name(
            State(s): State<AppState>,
            auth: Auth,
            Id(id): Id,
            ApiJson(input): ApiJson<$input>,
        ) -> Result<Json<$out>, AppError> {
            Ok(Json(
                s.services
                    .$call(&auth.actor, id, &input, ducha_service::now())
                    .await?,
            ))
        }
    };
}

act!(
    route,
    "/proposals/{id}/route",
    RouteInput,
    Created,
    "Routed: the round's item is dispatched and its legal clock starts",
    route_proposal
);
act!(
    return_it,
    "/proposals/{id}/return",
    TextInput,
    Created,
    "Returned within the session's window; `id` is the return",
    return_proposal
);
act!(
    decide_return,
    "/proposals/{id}/return/decide",
    ReturnDecisionInput,
    Created,
    "Decided; `id` is the new assignment when one was reassigned",
    decide_proposal_return
);
act!(
    opinion,
    "/proposals/{id}/opinion",
    OpinionInput,
    Created,
    "The co-unit's opinion sent to the lead",
    send_opinion
);
act!(
    extension,
    "/proposals/{id}/extension",
    ExtensionInput,
    Done,
    "The round's one extension asked",
    ask_proposal_extension
);
act!(
    decide_extension,
    "/proposals/{id}/extension/decide",
    ExtensionDecisionInput,
    Done,
    "Decided; approved moves the reply date",
    decide_proposal_extension
);
act!(
    reply,
    "/proposals/{id}/reply",
    ReplyInput,
    Created,
    "Replied with a grade; a B grade's commitment became a follow-up item",
    reply_proposal
);
act!(
    contact,
    "/proposals/{id}/contacts",
    ContactInput,
    Created,
    "Communication with the proposer recorded",
    record_contact
);
act!(
    satisfaction,
    "/proposals/{id}/satisfaction",
    RateInput,
    Done,
    "Entered; dissatisfied starts another round on a new clock",
    rate_reply
);
