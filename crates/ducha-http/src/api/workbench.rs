//! The workbench (工作台): what waits for the caller.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use axum::Json;
use axum::extract::State;
use ducha_service::Workbench;

#[utoipa::path(get, path = "/workbench", tag = "items",
    responses((status = 200, description = "What waits for the caller, by role, most urgent first \
        (at most 20 per list); lists the caller's roles do not apply to are empty", body = Workbench),
        (status = 401, body = ErrorBody)))]
pub(crate) async fn workbench(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Workbench>, AppError> {
    Ok(Json(
        s.services
            .workbench(&auth.actor, ducha_service::now())
            .await?,
    ))
}
