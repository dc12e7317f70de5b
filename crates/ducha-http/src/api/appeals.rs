//! Citizens' appeals (群众诉求) for staff: the list of what the reader sees, an appeal with
//! personal data masked, the original and the contact for the roles that call back (recorded
//! in the security log), the import sources' column mappings and the 12345 import with its
//! row-by-row report. The public form is a page (`POST /public/appeal`), not part of the API.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use ducha_service::appeals::{
    AppealDetail, AppealFilter, AppealUnmasked, AppealView, ImportReport, MappingView,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A page of appeals.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct AppealList {
    /// Newest first.
    appeals: Vec<AppealView>,
}

#[utoipa::path(get, path = "/appeals", tag = "appeals", params(AppealFilter),
    responses((status = 200, body = AppealList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn list(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(filter): ApiQuery<AppealFilter>,
) -> Result<Json<AppealList>, AppError> {
    let appeals = s.services.appeals(&auth.actor, &filter).await?;
    Ok(Json(AppealList { appeals }))
}

#[utoipa::path(get, path = "/appeals/{id}", tag = "appeals", params(("id" = i64, Path)),
    responses((status = 200, description = "Personal data masked", body = AppealDetail),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn detail(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<AppealDetail>, AppError> {
    Ok(Json(s.services.appeal_detail(&auth.actor, id).await?))
}

#[utoipa::path(get, path = "/appeals/{id}/original", tag = "appeals",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The original text and the contact, for the \
        supervisors of the appeal's jurisdiction and the liaison or head of the unit handling \
        it; every answer writes a row of the security log", body = AppealUnmasked),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn original(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<AppealUnmasked>, AppError> {
    Ok(Json(
        s.services
            .appeal_unmasked(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

/// The office's import sources.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct SourceList {
    /// By name.
    sources: Vec<MappingView>,
}

/// A source's column mapping to save.
#[derive(Deserialize, utoipa::ToSchema)]
pub(crate) struct MappingInput {
    /// The source's name, e.g. 市12345平台.
    source_name: String,
    /// Field (`order_no`, `text`, `place`, `category`, `received_at`, `contact`) → the
    /// export's header; a field left out is recognised by its usual headers.
    #[serde(default)]
    mapping: BTreeMap<String, String>,
}

#[utoipa::path(get, path = "/appeals/sources", tag = "appeals",
    responses((status = 200, body = SourceList), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub(crate) async fn sources(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<SourceList>, AppError> {
    Ok(Json(SourceList {
        sources: s.services.appeal_sources(&auth.actor).await?,
    }))
}

#[utoipa::path(post, path = "/appeals/sources", tag = "appeals", request_body = MappingInput,
    responses((status = 200, description = "Saved; the sources now", body = SourceList),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn save_source(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<MappingInput>,
) -> Result<Json<SourceList>, AppError> {
    s.services
        .save_appeal_mapping(
            &auth.actor,
            &input.source_name,
            &input.mapping,
            ducha_service::now(),
        )
        .await?;
    Ok(Json(SourceList {
        sources: s.services.appeal_sources(&auth.actor).await?,
    }))
}

/// Which source an import comes from.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ImportQuery {
    /// The source's name (its saved mapping is used).
    source: String,
}

#[utoipa::path(post, path = "/appeals/import", tag = "appeals", params(ImportQuery),
    request_body(content = Vec<u8>, description = "A 12345 export as .xlsx (first sheet) or \
        UTF-8 .csv, a header row naming the columns", content_type = "application/octet-stream"),
    responses((status = 200, description = "Good rows imported; the report names each rejected \
        row (row, column, rule) and the order numbers imported before", body = ImportReport),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, description = "Nothing imported: the file cannot be read or lacks a \
            required column", body = ErrorBody)))]
pub(crate) async fn import(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ImportQuery>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<ImportReport>, AppError> {
    s.services.may_import_appeals(&auth.actor)?;
    let body = body.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest("validation.upload")
        }
    })?;
    Ok(Json(
        s.services
            .import_appeals(&auth.actor, &q.source, &body, ducha_service::now())
            .await?,
    ))
}
