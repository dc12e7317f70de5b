//! The security log, read by the audit admin alone (三员分立).

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody, request_lang};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ducha_domain::i18n::format;
use ducha_service::security::{SecurityFilter, SecurityLine, SecurityPage};
use serde::Serialize;

/// A row of the security log with its message in the reader's language.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SecurityLineOutput {
    /// The row.
    #[serde(flatten)]
    pub line: SecurityLine,
    /// The message, in the language of `Accept-Language`.
    pub text: String,
}

/// A page of the security log, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SecurityLogOutput {
    /// The day shown (China time).
    pub day: chrono::NaiveDate,
    /// Rows matching the filter that day.
    pub total: i64,
    /// This page.
    pub rows: Vec<SecurityLineOutput>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

#[utoipa::path(get, path = "/security-log", tag = "audit", params(SecurityFilter),
    responses((status = 200, body = SecurityLogOutput),
        (status = 403, description = "Anyone but the audit admin", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn security_log(
    State(s): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(f): ApiQuery<SecurityFilter>,
) -> Result<Json<SecurityLogOutput>, AppError> {
    let lang = request_lang(&headers);
    let SecurityPage {
        day,
        total,
        rows,
        next_before,
    } = s
        .services
        .security_log(&auth.actor, &f, ducha_service::now())
        .await?;
    let rows = rows
        .into_iter()
        .map(|line| SecurityLineOutput {
            text: format(&line.message, lang, &line.args),
            line,
        })
        .collect();
    Ok(Json(SecurityLogOutput {
        day,
        total,
        rows,
        next_before,
    }))
}
