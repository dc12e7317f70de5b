//! Chain analytics (链条分析): an item's chain, the stall map, the findings, and the
//! assignments behind a unit's figures.

use crate::AppState;
use crate::analytics::{FindingOut, findings_out};
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody, request_lang};
use crate::extract::{ApiQuery, Id};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use ducha_service::analytics::{ChainView, FindingsInput, StallMap, StallMapInput, UnitHops};

#[utoipa::path(get, path = "/items/{id}/chain", tag = "analytics", params(("id" = i64, Path)),
    responses((status = 200, description = "Working days per hop of every assignment the caller \
        sees, who held it when, lost days and findings", body = ChainView),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn chain(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<ChainView>, AppError> {
    Ok(Json(
        s.services
            .chain_view(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/analytics/findings", tag = "analytics", params(FindingsInput),
    responses((status = 200, description = "Findings against units of the caller's \
        jurisdiction, highest score first, with messages in the caller's language",
        body = Vec<FindingOut>),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn findings(
    State(s): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FindingsInput>,
) -> Result<Json<Vec<FindingOut>>, AppError> {
    let list = s
        .services
        .findings(&auth.actor, &q, ducha_service::now())
        .await?;
    Ok(Json(findings_out(list, request_lang(&headers))))
}

#[utoipa::path(get, path = "/analytics/stall-map", tag = "analytics", params(StallMapInput),
    responses((status = 200, description = "Working days per hop by holding unit, worst \
        units first", body = StallMap),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn stall_map(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<StallMapInput>,
) -> Result<Json<StallMap>, AppError> {
    Ok(Json(
        s.services
            .stall_map(&auth.actor, &q, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/analytics/units/{id}/assignments", tag = "analytics",
    params(("id" = i64, Path)),
    responses((status = 200, description = "The assignments a unit held (as the assigned unit \
        or the level above), newest first: what its stall-map figures are made of",
        body = UnitHops),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn unit_assignments(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<UnitHops>, AppError> {
    Ok(Json(
        s.services
            .stall_unit(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}
