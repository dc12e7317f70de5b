//! The HTTP face of ducha: a JSON API under `/api/v1` (with its OpenAPI document and Swagger UI)
//! and server-rendered pages.
//!
//! Architecture Invariant: handlers only translate HTTP to use cases in `ducha-service` and back;
//! no rule of the domain is decided here.

mod analytics;
mod api;
mod auth;
mod error;
mod extract;
pub mod ops;
mod security;
pub mod tls;
mod web;

use axum::Router;
use axum::http::{HeaderValue, header};
use ducha_service::Services;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::AppError;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Mark cookies `Secure` (off only for plain-HTTP demos on a single machine).
    pub secure_cookies: bool,
    /// Log one line per request (method, route template, status, milliseconds, operation id).
    pub access_log: bool,
}

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The use cases.
    pub services: Services,
    /// HTTP settings.
    pub http: Arc<HttpConfig>,
}

/// The whole application: API, documentation and pages, with security headers.
pub fn router(state: AppState) -> Router {
    let (api, openapi) = api::router();
    let openapi = Arc::new(openapi);
    let docs = utoipa_swagger_ui::SwaggerUi::new("/api/docs")
        .url("/api/v1/openapi.json", (*openapi).clone());
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
               script-src 'self'; frame-ancestors 'none'; form-action 'self'";
    let access = Arc::new(ops::AccessLog(state.http.access_log));
    Router::new()
        .merge(api)
        .merge(web::router())
        .merge(ops::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::record_exports,
        ))
        .with_state(state)
        .merge(docs)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(error::localize))
        .layer(axum::middleware::from_fn(client_scope))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(csp),
        ))
        // Pages and JSON depend on who asks: no cache (browser or proxy) keeps them. The
        // static assets, the same for everyone, say otherwise themselves.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(axum::extract::DefaultBodyLimit::max(1024 * 1024))
        .layer(CatchPanicLayer::custom(error::panic_response))
        // First of all: the operation id and its span, the latency, the access line.
        .layer(axum::middleware::from_fn_with_state(access, ops::observe))
}

/// Runs the request with its peer address as the client the security log records.
async fn client_scope(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let ext = req.extensions();
    let client = ext
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| {
            ext.get::<axum::extract::ConnectInfo<tls::Peer>>()
                .map(|c| c.0.0)
        })
        .map(|a| a.ip().to_string())
        .unwrap_or_default();
    ducha_service::security::with_client(client, next.run(req)).await
}

/// Serves the application until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer address reaches the handlers (the login throttle counts failures per address).
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// HSTS sent on every answer over TLS: a year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Serves the application over TLS until `shutdown` resolves; every answer carries
/// `Strict-Transport-Security` (which plain HTTP must never send).
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).layer(SetResponseHeaderLayer::overriding(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static(HSTS),
    ));
    axum::serve(
        tls::TlsListener::new(listener, tls)?,
        app.into_make_service_with_connect_info::<tls::Peer>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
