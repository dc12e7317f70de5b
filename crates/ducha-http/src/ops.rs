//! Operations on the main listener: `/healthz` and `/readyz` for load balancers and
//! orchestrators (no session, no authentication, cheap), and the layer every request passes
//! through first: an operation id in a tracing span (so every line logged while serving the
//! request carries it, and a 5xx page shows the same id), the latency histogram per matched
//! route template, and the optional access line.
//!
//! The probes sit outside `/api/v1` and outside its OpenAPI document: they are for the
//! infrastructure in front, answer plain text, and stay the same across API versions.

use crate::AppState;
use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ducha_service::ops::NotReady;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// How long `/readyz` waits for the database before answering 503.
pub const READY_WITHIN: Duration = Duration::from_secs(2);

/// The histogram of request latency, labelled by method, route template and status class.
pub const REQUEST_SECONDS: &str = "ducha_http_request_duration_seconds";

/// The response header that carries the request's operation id.
pub const OPERATION_HEADER: &str = "x-operation-id";

tokio::task_local! {
    /// The operation id of the request being served.
    pub(crate) static OPERATION: String;
}

/// The probes.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process is up and serving: 200, whatever the database does.
async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n".into())
}

/// 200 when the database answers within [`READY_WITHIN`] and its migrations are exactly this
/// binary's; 503 with a short reason otherwise (the detail goes to the log).
async fn readyz(State(state): State<AppState>) -> Response {
    match state.services.readiness(READY_WITHIN).await {
        Ok(()) => plain(StatusCode::OK, "ready\n".into()),
        Err(why) => {
            tracing::warn!(reason = %why, "not ready");
            let short = match &why {
                NotReady::Timeout => "database did not answer in time".to_string(),
                NotReady::Unreachable(_) => "database unreachable".to_string(),
                NotReady::Pending(v) => format!("migrations not applied: {v:?}"),
                NotReady::Newer(v) => format!("database migrated by a newer version: {v:?}"),
            };
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {short}\n"),
            )
        }
    }
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The operation id of the request being served, if any.
pub(crate) fn current_operation() -> Option<String> {
    OPERATION.try_with(Clone::clone).ok()
}

/// A new operation id: twelve hex digits.
pub(crate) fn new_operation_id() -> String {
    ducha_service::auth::random_token().map_or_else(|_| "unknown".into(), |t| t[..12].to_string())
}

/// Whether to log one line per request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AccessLog(pub bool);

/// Serves the request inside its operation's span, then records its latency under the
/// matched route template (never the raw path: ids and unmatched paths would make a series
/// each), answers with the operation id, and logs the access line when asked.
pub(crate) async fn observe(
    State(access): State<Arc<AccessLog>>,
    req: Request,
    next: Next,
) -> Response {
    let op = new_operation_id();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = method_label(req.method());
    let span = tracing::info_span!("request", op = %op, method, route = %route);
    let started = Instant::now();
    let mut res = OPERATION
        .scope(op.clone(), next.run(req))
        .instrument(span.clone())
        .await;
    let elapsed = started.elapsed();
    let status = res.status();
    metrics::histogram!(
        REQUEST_SECONDS,
        "method" => method,
        "route" => route,
        "status" => status_class(status),
    )
    .record(elapsed.as_secs_f64());
    if access.0 {
        span.in_scope(|| {
            tracing::info!(
                status = status.as_u16(),
                ms = elapsed.as_secs_f64() * 1000.0,
                "request served"
            );
        });
    }
    if let Ok(v) = HeaderValue::from_str(&op) {
        res.headers_mut().insert(OPERATION_HEADER, v);
    }
    res
}

/// The method as a label: the standard ones by name, anything else as `other`.
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *m {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// `2xx`, `4xx` …
fn status_class(s: StatusCode) -> &'static str {
    match s.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 5xx shows the id its request's log lines carry (not a new one), and outside a
    /// request an id is still made.
    #[tokio::test]
    async fn an_internal_error_quotes_the_request_operation() {
        let internal = || {
            crate::AppError::Service(ducha_service::ServiceError::Store(
                ducha_store::StoreError::Other("disk full".into()),
            ))
        };
        let inside = OPERATION
            .scope("abcdef012345".into(), async { internal().info().1 })
            .await;
        assert_eq!(inside.operation_id(), Some("abcdef012345"));
        let outside = internal().info().1;
        assert_eq!(outside.operation_id().map(str::len), Some(12));
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
        assert_eq!(
            method_label(&axum::http::Method::from_bytes(b"PROPFIND").expect("method")),
            "other"
        );
    }
}
