//! `POST /items/import`: a ledger (台账) imported in one request, for scripts and tests; the
//! page runs the same use case as a job with progress.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use ducha_domain::ValidationErrors;
use ducha_service::items::{LedgerMode, LedgerOutcome, LedgerProgress};
use serde::Deserialize;

/// What the imported matters become.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct LedgerQuery {
    /// `draft` (registered as drafts) or `dispatch` (dispatched to the units the ledger names).
    mode: String,
}

#[utoipa::path(post, path = "/items/import", tag = "items", params(LedgerQuery),
    request_body(content = Vec<u8>, description = "A ledger as .xlsx or .xls (first sheet), \
        the template's columns", content_type = "application/octet-stream"),
    responses((status = 200, description = "Every matter registered (those imported before \
        skipped)", body = LedgerOutcome),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "Nothing imported: each bad cell named as \
            `rows[N].<column letter>`", body = ErrorBody)))]
pub(crate) async fn import(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<LedgerQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<LedgerOutcome>, AppError> {
    s.services.may_import_ledger(&auth.actor)?;
    let mode = match q.mode.as_str() {
        "draft" => LedgerMode::Draft,
        "dispatch" => LedgerMode::Dispatch,
        _ => return Err(ValidationErrors::single("mode", "ledger.mode").into()),
    };
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest("validation.upload")
        }
    })?;
    let progress = LedgerProgress::default();
    Ok(Json(
        s.services
            .import_ledger(&auth.actor, &body, mode, &progress, ducha_service::now())
            .await?,
    ))
}
