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
    // A bad certificate or key stops the start here, before anything is opened.
    let tls = match &cfg.http.tls {
        Some(t) => Some(ducha_http::tls::server_config(&t.cert, &t.key)?),
        None => None,
    };
    let algo = backend.init_chain(&cfg.audit.hash).await?;
    tracing::info!(hash = %algo, database = %crate::config::redact(&cfg.database.url), "store ready");
    if !cfg.plaintext_secrets.is_empty() {
        tracing::warn!(
            settings = ?cfg.plaintext_secrets,
            "secrets are given in plaintext in the configuration; encrypt them with \
             `ducha secrets encrypt SETTING` and a key in [secrets]"
        );
    }
    let services = services(&backend, cfg);
    // Personal data must read with the keys given (a wrong or missing key stops the start);
    // with a key, plaintext left from before is encrypted now.
    let contacts = services
        .secure_contacts(false)
        .await
        .map_err(|e| anyhow::anyhow!("cannot read users' personal data: {e}"))?;
    if contacts.rewritten > 0 {
        tracing::info!(
            users = contacts.rewritten,
            "users' phone and email encrypted"
        );
    }
    services
        .init_calendar(ducha_service::now())
        .await
        .map_err(|e| anyhow::anyhow!("cannot load the calendar: {e}"))?;
    if services
        .ensure_analytics()
        .await
        .map_err(|e| anyhow::anyhow!("cannot rebuild the chain analytics: {e}"))?
    {
        tracing::info!("chain analytics rebuilt from the event log");
    }
    let listener = tokio::net::TcpListener::bind(&cfg.http.listen).await?;
    let addr = listener.local_addr()?;
    let backend_name = match backend {
        Backend::Sqlite(_) => "sqlite",
        Backend::Postgres(_) => "postgres",
    };
    let loaded =
        ducha_service::security::SecEvent::new(ducha_domain::security::SecurityKind::ConfigLoaded)
            .args(serde_json::json!({
                "listen": addr.to_string(), "backend": backend_name, "hash": algo.as_str(),
                "lockout": cfg.service.lockout_threshold, "idle": cfg.service.session_idle_minutes,
            }));
    services
        .security_event(loaded, ducha_service::now())
        .await
        .map_err(|e| anyhow::anyhow!("cannot write the security log: {e}"))?;
    let state = AppState {
        services: services.clone(),
        http: Arc::new(HttpConfig {
            secure_cookies: cfg.http.secure_cookies,
            access_log: cfg.log.access,
        }),
    };
    // The metrics page, on its own listener when configured.
    let metrics = match &cfg.http.metrics_listen {
        Some(at) => {
            let handle = crate::metrics_page::install()?;
            if matches!(backend, Backend::Sqlite(_)) {
                // Present from the start, at 0, so a scrape shows the series before a commit.
                metrics::gauge!("ducha_store_write_queue_depth").increment(0.0);
            }
            let listener = tokio::net::TcpListener::bind(at).await?;
            let maddr = listener.local_addr()?;
            tracing::info!("metrics listening on http://{maddr}/metrics");
            Some(tokio::spawn(crate::metrics_page::serve(
                listener,
                handle,
                services.clone(),
            )))
        }
        None => None,
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
    let (stop_jobs, jobs_stopped) = tokio::sync::oneshot::channel::<()>();
    let scheduler = if cfg.scheduler.enabled {
        let owner = format!("{}-{}", host_name(), std::process::id());
        let s =
            ducha_service::clock::Scheduler::new(services.clone(), cfg.scheduler.clone(), owner)
                .map_err(|e| anyhow::anyhow!("cannot start the scheduler: {e}"))?;
        Some(tokio::spawn(s.run(async {
            let _ = jobs_stopped.await;
        })))
    } else {
        None
    };
    on_ready(addr);
    match tls {
        Some(tls) => {
            tracing::info!(%addr, "serving HTTPS");
            ducha_http::serve_tls(listener, tls, state, shutdown_signal()).await?;
        }
        None => ducha_http::serve(listener, state, shutdown_signal()).await?,
    }
    let _ = stop_jobs.send(());
    if let Some(s) = scheduler {
        let _ = s.await;
    }
    checkpoints.abort();
    if let Some(m) = metrics {
        m.abort();
    }
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

/// This machine's name, for job leases.
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into())
}
