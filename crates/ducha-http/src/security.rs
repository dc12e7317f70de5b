//! Downloads are security events: every register, ledger, statistics or document file served
//! (`.xlsx`, `.docx`, `.pdf`) is recorded in the security log with who fetched it, in one
//! place rather than in each export's handler.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie_value};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a path is an export's.
fn is_export(path: &str) -> bool {
    [".xlsx", ".docx", ".pdf"].iter().any(|x| path.ends_with(x))
}

/// Records a successful export by its session's or token's user; if the log cannot be
/// written the file is not handed out.
pub(crate) async fn record_exports(
    State(s): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_string();
    if !is_export(&path) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let session = cookie_value(&parts, SESSION_COOKIE).map(str::to_string);
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string());
    let what = parts
        .uri
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_string());
    let res = next.run(Request::from_parts(parts, body)).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let now = ducha_service::now();
    let actor = match (bearer, session) {
        (Some(t), _) => s.services.token_auth(&t, now).await.map(|t| t.actor),
        (None, Some(c)) => s.services.session_actor(&c, now).await.map(|(a, _)| a),
        (None, None) => return res,
    };
    let Ok(actor) = actor else { return res };
    match s.services.record_export(&actor, &what, now).await {
        Ok(()) => res,
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
