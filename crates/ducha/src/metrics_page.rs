//! The Prometheus page (`[http] metrics_listen`): its own listener, so the public one never
//! shows it. The crates record into the `metrics` facade (request latency per route in
//! ducha-http, commit latency and the SQLite writer queue in the stores); this module installs
//! the recorder, keeps it tidy, and refreshes the gauges that need the database at scrape
//! time, each with a bounded query under a timeout.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use ducha_service::Services;
use metrics::{Unit, describe_gauge, describe_histogram, gauge};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Duration;

/// Histogram buckets, in seconds: a millisecond to ten seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// How long a scrape waits for the database's counts.
const COUNTS_WITHIN: Duration = Duration::from_secs(2);

/// How often histograms are folded into their buckets.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);

/// The process's recorder, installed once.
static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the global recorder (once per process) and describes every series.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets(BUCKETS)?
        .install_recorder()?;
    describe_histogram!(
        ducha_http::ops::REQUEST_SECONDS,
        Unit::Seconds,
        "Time to answer a request, by method, matched route template and status class."
    );
    describe_histogram!(
        ducha_store::COMMIT_SECONDS,
        Unit::Seconds,
        "Time from a commit's call to its acknowledgement (SQLite: including the writer queue)."
    );
    describe_gauge!(
        "ducha_store_write_queue_depth",
        "Commits waiting for the SQLite writer (absent on PostgreSQL)."
    );
    describe_gauge!(
        "ducha_outbox_backlog",
        "Outbox rows waiting for delivery (pending and held for the digest)."
    );
    describe_gauge!(
        "ducha_outbox_dead_letters",
        "Outbox rows that gave up after their last attempt."
    );
    describe_gauge!(
        "ducha_job_lag_seconds",
        Unit::Seconds,
        "How far each periodic job is behind its due time (0 when not yet due)."
    );
    describe_gauge!("ducha_sessions_open", "Sessions not yet expired.");
    describe_gauge!(
        "ducha_ready",
        "1 when the database answers and its migrations are this binary's, else 0."
    );
    Ok(HANDLE.get_or_init(|| handle).clone())
}

#[derive(Clone)]
struct Page {
    handle: PrometheusHandle,
    services: Services,
}

/// Serves `/metrics` on `listener` until the task is dropped, folding histograms every few
/// seconds.
pub async fn serve(
    listener: tokio::net::TcpListener,
    handle: PrometheusHandle,
    services: Services,
) -> std::io::Result<()> {
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(UPKEEP_EVERY);
        loop {
            tick.tick().await;
            upkeep.run_upkeep();
        }
    });
    let app = Router::new()
        .route("/metrics", get(render))
        .with_state(Page { handle, services });
    axum::serve(listener, app).await
}

/// Refreshes the database's gauges, then renders every series as Prometheus text.
async fn render(State(page): State<Page>) -> impl IntoResponse {
    let s = &page.services;
    let ready = s.readiness(COUNTS_WITHIN).await.is_ok();
    gauge!("ducha_ready").set(if ready { 1.0 } else { 0.0 });
    let now = ducha_service::now();
    match s.ops_counts(now, COUNTS_WITHIN).await {
        Ok(Some(c)) => {
            gauge!("ducha_outbox_backlog").set(c.outbox_backlog as f64);
            gauge!("ducha_outbox_dead_letters").set(c.outbox_dead as f64);
            gauge!("ducha_sessions_open").set(c.open_sessions as f64);
            for (job, due) in c.jobs {
                let lag = (now - due).num_milliseconds().max(0) as f64 / 1000.0;
                gauge!("ducha_job_lag_seconds", "job" => job).set(lag);
            }
        }
        // The gauges keep their last values; `ducha_ready` says why they are stale.
        Ok(None) => tracing::warn!("metrics: the database's counts timed out"),
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the database's counts"),
    }
    page.handle.run_upkeep();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        page.handle.render(),
    )
}
