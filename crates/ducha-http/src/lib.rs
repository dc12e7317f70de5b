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
mod web;

use axum::Router;
use axum::http::{HeaderValue, header};
use ducha_service::Services;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;

/// HTTP settings.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Mark cookies `Secure` (off only for plain-HTTP demos on a single machine).
    pub secure_cookies: bool,
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
    Router::new()
        .merge(api)
        .merge(web::router())
        .with_state(state)
        .merge(docs)
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn(error::localize))
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
        .layer(TraceLayer::new_for_http())
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
