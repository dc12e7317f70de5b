//! The chain head, for publication and external checkpoints.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use axum::Json;
use axum::extract::State;
use ducha_domain::org::Role;
use ducha_service::ServiceError;
use serde::Serialize;

/// The newest event of the chain.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HeadOutput {
    /// Sequence number.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// Hash algorithm.
    pub algo: String,
}

#[utoipa::path(get, path = "/audit/head", tag = "audit",
    responses((status = 200, body = HeadOutput), (status = 403, body = ErrorBody)))]
pub(crate) async fn head(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<HeadOutput>, AppError> {
    if !(auth.actor.has(Role::AuditAdmin) || auth.actor.has(Role::Supervisor)) {
        return Err(ServiceError::Forbidden.into());
    }
    let (seq, hash, algo) = s
        .services
        .store
        .chain_head()
        .await
        .map_err(ServiceError::from)?;
    Ok(Json(HeadOutput {
        seq,
        hash,
        algo: algo.as_str().to_string(),
    }))
}
