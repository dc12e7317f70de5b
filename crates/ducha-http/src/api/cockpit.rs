//! The leader's dashboard (驾驶舱) as one JSON answer: what `/cockpit` draws and refreshes.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::State;
use ducha_service::cockpit::{Cockpit, CockpitInput};

#[utoipa::path(get, path = "/cockpit", tag = "analytics", params(CockpitInput),
    responses((status = 200, description = "The dashboard of the caller's jurisdiction (leaders \
        and supervisors): lights by unit and level, items by deadline month, source and \
        category, the worst red items, the stall map's worst units, suggestions' and \
        proposals' replies. Every figure is one the register (`GET /items`) lists with the \
        matching filters.", body = Cockpit),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn cockpit(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CockpitInput>,
) -> Result<Json<Cockpit>, AppError> {
    Ok(Json(
        s.services
            .cockpit(&auth.actor, &q, ducha_service::now())
            .await?,
    ))
}
