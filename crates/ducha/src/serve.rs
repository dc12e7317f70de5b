//! `ducha serve`: the web server, the scheduler and the calendar watch of one node, and its
//! graceful stop.

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

/// Serves until Ctrl-C or SIGTERM, then stops gracefully: drains requests, hands job leases
/// back, records a last checkpoint and flushes the database.
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
    if cfg.scheduler.calendar_every_seconds.is_some() {
        tracing::warn!(
            "[scheduler] calendar_every_seconds is no longer used: every node watches the \
             calendar (calendar_poll_ms); remove the setting"
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
    let owner = format!("{}-{}", host_name(), std::process::id());
    // Every node, scheduler or not, watches the calendar's generation.
    let (stopping, stop) = tokio::sync::watch::channel(false);
    let signalled = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        let _ = rx.wait_for(|s| *s).await;
    };
    let calendar = tokio::spawn(services.clone().watch_calendar(
        Duration::from_millis(cfg.scheduler.calendar_poll_ms.max(10)),
        signalled(stop.clone()),
    ));
    // Every node looks for appeals to cluster; the one holding the lease clusters them.
    let hot = {
        let services = services.clone();
        let stop = signalled(stop.clone());
        tokio::spawn(async move { services.run_hot(stop).await })
    };
    let scheduler = if cfg.scheduler.enabled {
        let every = i64::try_from(cfg.audit.checkpoint_interval_seconds).unwrap_or(i64::MAX);
        let s = ducha_service::clock::Scheduler::new(
            services.clone(),
            cfg.scheduler.clone(),
            owner.clone(),
        )
        .map_err(|e| anyhow::anyhow!("cannot start the scheduler: {e}"))?
        .with_checkpoints(Some(cfg.audit.checkpoint_file.clone()), every);
        Some(tokio::spawn(s.run(signalled(stop.clone()))))
    } else {
        None
    };
    // SIGTERM or Ctrl-C: stop accepting, drain the requests in flight (bounded), stop the jobs
    // and hand their leases back, record a last checkpoint, flush the database, exit 0.
    let signal = shutdown_signal();
    tokio::spawn(async move {
        signal.await;
        let _ = stopping.send(true);
    });
    on_ready(addr);
    let drain = Duration::from_secs(cfg.http.drain_seconds);
    let served = async {
        match tls {
            Some(tls) => {
                tracing::info!(%addr, "serving HTTPS");
                ducha_http::serve_tls(listener, tls, state, signalled(stop.clone())).await
            }
            None => ducha_http::serve(listener, state, signalled(stop.clone())).await,
        }
    };
    let drained = async {
        signalled(stop.clone()).await;
        tokio::time::sleep(drain).await;
    };
    tokio::select! {
        r = served => r?,
        () = drained => tracing::warn!(
            seconds = drain.as_secs(),
            "requests still in flight after the drain period; stopping anyway"
        ),
    }
    tracing::info!("no longer serving; stopping the jobs");
    if let Some(s) = scheduler {
        let _ = s.await;
    }
    if let Some(m) = metrics {
        m.abort();
    }
    let _ = calendar.await;
    let _ = hot.await;
    match services
        .checkpoint(
            Some(&cfg.audit.checkpoint_file),
            &owner,
            ducha_service::now(),
        )
        .await
    {
        Ok(seq) => tracing::info!(head = ?seq, "last checkpoint recorded"),
        Err(e) => tracing::warn!(error = %e, "cannot record the last checkpoint"),
    }
    if !backend.close(drain).await {
        tracing::warn!("the database writer was still busy when closed");
    }
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C). The handlers are installed when this is called,
/// not when it is first polled: a signal that arrives as soon as the node is ready is not lost
/// to the default action (which would end the process without the graceful stop).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let (term, int) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate()).ok(),
            signal(SignalKind::interrupt()).ok(),
        )
    };
    async move {
        #[cfg(unix)]
        {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutting down");
    }
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
