//! The measured phases: report submissions and item-list queries, both through the HTTP API of
//! a server started in this process.

use super::city::{City, Rng};
use super::{BenchArgs, Latency};
use ducha_http::{AppState, HttpConfig};
use ducha_service::Services;
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Throughput of a write phase.
#[derive(Debug, Serialize)]
pub struct Throughput {
    /// Requests answered 200.
    pub ok: usize,
    /// Requests answered otherwise.
    pub errors: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Successful requests per second.
    pub per_second: f64,
    /// Latency of each request.
    pub latency: Latency,
}

async fn start_server(services: &Services) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let state = AppState {
        services: services.clone(),
        http: Arc::new(HttpConfig {
            secure_cookies: false,
            access_log: false,
        }),
    };
    tokio::spawn(ducha_http::serve(listener, state, std::future::pending()));
    Ok(format!("http://{addr}"))
}

/// Sends `args.reports` progress reports from `args.concurrency` clients; each client owns a
/// disjoint set of assignments, as units report on their own work. With several nodes, each
/// serves its own port and client `w` sends to node `w mod nodes`.
pub async fn reports(
    nodes: &[Services],
    city: &City,
    args: &BenchArgs,
) -> anyhow::Result<Throughput> {
    let mut bases = Vec::with_capacity(nodes.len());
    for services in nodes {
        bases.push(start_server(services).await?);
    }
    ducha_notify::install_crypto();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let work = Arc::new(city.reportable.clone());
    let step = args.concurrency.max(1);
    let per_client = args.reports / step;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..args.concurrency {
        let base = bases[w % bases.len()].clone();
        let (client, work) = (client.clone(), work.clone());
        tasks.push(tokio::spawn(async move {
            let mine: Vec<&(i64, String)> = work.iter().skip(w).step_by(step).collect();
            let mut lat = Vec::with_capacity(per_client);
            let mut errors = 0;
            for n in 0..per_client {
                let Some((aid, token)) = mine.get(n % mine.len().max(1)) else {
                    break;
                };
                let body = serde_json::json!({
                    "text": format!("本周完成第{n}批任务，进展顺利"), "percent": (n % 100) as i64,
                });
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/assignments/{aid}/reports"))
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await;
                lat.push(t.elapsed());
                if !res.is_ok_and(|r| r.status().is_success()) {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let (mut lat, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (l, e) = t.await?;
        lat.extend(l);
        errors += e;
    }
    let seconds = start.elapsed().as_secs_f64();
    let ok = lat.len() - errors;
    Ok(Throughput {
        ok,
        errors,
        seconds,
        per_second: ok as f64 / seconds,
        latency: Latency::of(lat),
    })
}

/// Times item-list queries of supervisors, county and township liaisons with mixed filters,
/// including the second page through the keyset cursor.
pub async fn item_list(
    services: &Services,
    city: &City,
    args: &BenchArgs,
) -> anyhow::Result<Latency> {
    let base = start_server(services).await?;
    ducha_notify::install_crypto();
    let client = reqwest::Client::new();
    let filters = [
        "",
        "state=dispatched",
        "q=%E6%95%B4%E6%B2%BB",
        "sort=deadline",
        "source=meeting",
        "deadline_from=2026-01-01&deadline_to=2027-12-31",
        "category=livelihood&q=%E5%81%9C%E8%BD%A6",
    ];
    let mut rng = Rng::new(7);
    let mut lat: Vec<Duration> = Vec::with_capacity(args.list_queries);
    for n in 0..args.list_queries {
        let token = &city.readers[rng.below(city.readers.len())];
        let url = format!(
            "{base}/api/v1/items?limit=50&{}",
            filters[n % filters.len()]
        );
        let t = Instant::now();
        let page: serde_json::Value = client
            .get(&url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        lat.push(t.elapsed());
        if let Some(c) = page["next_cursor"].as_str() {
            let t = Instant::now();
            client
                .get(format!("{url}&after={c}"))
                .bearer_auth(token)
                .send()
                .await?
                .error_for_status()?;
            lat.push(t.elapsed());
        }
    }
    Ok(Latency::of(lat))
}
