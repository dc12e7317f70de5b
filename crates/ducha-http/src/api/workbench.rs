//! The workbench (工作台): what waits for the caller, and the whole of each of its lists.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::ApiQuery;
use axum::Json;
use axum::extract::{Path, State};
use ducha_service::{ServiceError, WorkListInput, WorkListName, WorkListPage, Workbench};

#[utoipa::path(get, path = "/workbench", tag = "items",
    responses((status = 200, description = "What waits for the caller, by role, most urgent first \
        (at most 20 per list, with each list's true size in `totals`); lists the caller's roles \
        do not apply to are empty", body = Workbench),
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

#[utoipa::path(get, path = "/workbench/{list}", tag = "items",
    params(("list" = WorkListName, Path, description = "A list of the workbench, e.g. `to_sign`"),
        WorkListInput),
    responses((status = 200, description = "A page of the list, in the workbench's order, with \
        the list's total", body = WorkListPage),
        (status = 404, description = "No such list", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn work_list(
    State(s): State<AppState>,
    auth: Auth,
    Path(list): Path<String>,
    ApiQuery(q): ApiQuery<WorkListInput>,
) -> Result<Json<WorkListPage>, AppError> {
    let list = list
        .parse::<WorkListName>()
        .map_err(|()| AppError::Service(ServiceError::NotFound))?;
    Ok(Json(
        s.services
            .work_list(&auth.actor, list, &q, ducha_service::now())
            .await?,
    ))
}
