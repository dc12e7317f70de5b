//! `ducha serve`: the web server plus the checkpoint writer.

use crate::backend::Backend;
use crate::config::Config;
use ducha_domain::calendar::WorkCalendar;
use ducha_http::{AppState, HttpConfig};
use ducha_service::Services;
use std::sync::Arc;
use std::time::Duration;

/// Builds the use-case context over an open backend.
pub fn services(backend: &Backend, cfg: &Config) -> Services {
    Services::new(backend.store(), cfg.service.clone(), WorkCalendar::china())
}

/// Serves until Ctrl-C or SIGTERM; writes a final checkpoint on the way out.
pub async fn run(
    backend: Backend,
    cfg: &Config,
    on_ready: impl FnOnce(std::net::SocketAddr),
) -> anyhow::Result<()> {
    let algo = backend.init_chain(&cfg.audit.hash).await?;
    tracing::info!(hash = %algo, database = %crate::config::redact(&cfg.database.url), "store ready");
    let services = services(&backend, cfg);
    let listener = tokio::net::TcpListener::bind(&cfg.http.listen).await?;
    let addr = listener.local_addr()?;
    let state = AppState {
        services: services.clone(),
        http: Arc::new(HttpConfig {
            secure_cookies: cfg.http.secure_cookies,
        }),
    };
    let file = cfg.audit.checkpoint_file.clone();
    let every = Duration::from_secs(cfg.audit.checkpoint_interval_seconds.max(1));
    let store = services.store.clone();
    let checkpoints = tokio::spawn(async move {
        let mut last = 0;
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match crate::audit::checkpoint(store.as_ref(), &file, last).await {
                Ok(seq) => last = seq,
                Err(e) => tracing::warn!(error = %e, "cannot write checkpoint"),
            }
        }
    });
    on_ready(addr);
    ducha_http::serve(listener, state, shutdown_signal()).await?;
    checkpoints.abort();
    crate::audit::checkpoint(services.store.as_ref(), &cfg.audit.checkpoint_file, 0).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
