//! `ducha bench`: builds a deterministic synthetic city through the real use cases, then
//! measures report submissions through the HTTP API, item-list latency, the render time of the
//! register and item pages, and the database's raw single-row insert limit on the same
//! settings — all in one run, per backend. With
//! `--sweep-assignments N` it measures the daily sweep instead (see [`sweep`]); with
//! `--analytics` and/or `--assessment`, chain analytics and assessment over a bulk-loaded
//! province (see [`province`]); with `--hot N`, the hot-issue clustering of N appeals (see
//! [`hot`]); with `--ledger N`, the import of an Excel ledger of N matters (see [`ledger`]).

mod city;
mod hot;
mod ledger;
mod load;
mod pages;
mod province;
mod province_city;
mod province_sql;
mod sweep;
mod sweep_city;
mod sweep_history;
mod sweep_sql;

use crate::backend::Backend;
use crate::config::Config;
use anyhow::Context;
use serde::Serialize;
use std::path::PathBuf;
use std::time::Duration;

/// Benchmark options.
#[derive(clap::Args, Debug, Clone)]
pub struct BenchArgs {
    /// Units in the synthetic city.
    #[arg(long, default_value_t = 800)]
    pub units: usize,
    /// Assignments to create (8 per item).
    #[arg(long, default_value_t = 100_000)]
    pub assignments: usize,
    /// Report submissions to send through the API.
    #[arg(long, default_value_t = 20_000)]
    pub reports: usize,
    /// Concurrent API clients.
    #[arg(long, default_value_t = 32)]
    pub concurrency: usize,
    /// Item-list queries to time.
    #[arg(long, default_value_t = 600)]
    pub list_queries: usize,
    /// Timed requests per page and user in the page-render phase.
    #[arg(long, default_value_t = 200)]
    pub page_samples: usize,
    /// Single-row insert transactions for the raw limit.
    #[arg(long, default_value_t = 20_000)]
    pub raw_inserts: u32,
    /// Also run on PostgreSQL: a server URL; a fresh database is created on it.
    #[arg(long)]
    pub pg: Option<String>,
    /// Directory for the SQLite benchmark file (a fresh file each run).
    #[arg(long, default_value = "data/bench")]
    pub data_dir: PathBuf,
    /// Write the results as JSON to this file as well.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Measure the daily sweep instead, over a bulk-loaded city of this many open assignments.
    #[arg(long)]
    pub sweep_assignments: Option<usize>,
    /// The measured day of the sweep benchmark (China time); the next working day follows.
    #[arg(long, default_value = "2026-12-01")]
    pub sweep_day: chrono::NaiveDate,
    /// Measure chain analytics over a bulk-loaded province instead: the rebuild, the stall
    /// map, the chain view and report submissions with the hop facts maintained or skipped.
    #[arg(long)]
    pub analytics: bool,
    /// Measure a quarter's assessment scores over the bulk-loaded province (with
    /// `--analytics`, on the same load).
    #[arg(long)]
    pub assessment: bool,
    /// Province benchmark: also time the pages (register, item pages, workbench, the
    /// dashboard's data) as the province's supervisor and a city's, a county's and a
    /// township's liaison, `--page-samples` requests each.
    #[arg(long)]
    pub pages: bool,
    /// Units of the province.
    #[arg(long, default_value_t = 8_000)]
    pub province_units: usize,
    /// Assignments of the province.
    #[arg(long, default_value_t = 1_000_000)]
    pub province_assignments: usize,
    /// Events of the province's log (approximately: progress reports are drawn to reach it).
    #[arg(long, default_value_t = 10_000_000)]
    pub province_events: usize,
    /// Assignments of the item whose chain view is timed.
    #[arg(long, default_value_t = 500)]
    pub chain_assignments: usize,
    /// The province's today (China time): the log ends the night before.
    #[arg(long, default_value = "2026-12-01")]
    pub province_day: chrono::NaiveDate,
    /// Rebuilds and assessment rankings to time on the same load.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Timed requests per stall map.
    #[arg(long, default_value_t = 50)]
    pub map_samples: usize,
    /// Timed chain views.
    #[arg(long, default_value_t = 200)]
    pub chain_samples: usize,
    /// Report submissions per round of the hop-facts A/B.
    #[arg(long, default_value_t = 4_000)]
    pub ab_reports: usize,
    /// Pairs of rounds (maintained, skipped) of the hop-facts A/B.
    #[arg(long, default_value_t = 3)]
    pub ab_rounds: usize,
    /// The assessment period to rank.
    #[arg(long, default_value = "2026-Q3")]
    pub period: String,
    /// PostgreSQL only (with `--pg`): the report benchmark and the province benchmark.
    #[arg(long)]
    pub skip_sqlite: bool,
    /// PostgreSQL: app nodes on the same database for the report submissions (each its own
    /// connections, writers and HTTP server in this process; the clients take turns).
    #[arg(long, default_value_t = 1)]
    pub nodes: usize,
    /// PostgreSQL: group-commit writers per node (default: the configured `writers`; 0 = one
    /// transaction per request, as before group commit).
    #[arg(long)]
    pub pg_writers: Option<usize>,
    /// Province benchmark: measure on this database, loaded by an earlier run with the same
    /// sizes (the province is generated again in memory, not written), instead of loading.
    #[arg(long)]
    pub reuse: Option<String>,
    /// Province benchmark with `--reuse`: keep the derived tables the earlier run rebuilt
    /// instead of rebuilding them first (to time the reads alone).
    #[arg(long, requires = "reuse")]
    pub no_rebuild: bool,
    /// Measure the hot-issue clustering instead: this many generated appeals from scratch,
    /// then adding one at a time.
    #[arg(long)]
    pub hot: Option<usize>,
    /// Appeals added one at a time (each timed) after the `--hot` ones.
    #[arg(long, default_value_t = 1_000)]
    pub hot_adds: usize,
    /// Measure the import of an Excel ledger of this many matters instead (as drafts, then
    /// dispatched).
    #[arg(long)]
    pub ledger: Option<usize>,
}

/// The configuration for timed clients: they log in with passwords only, many times over, so
/// the second factor and the session limit (which have their own tests) are off.
fn password_logins(cfg: &Config) -> Config {
    let mut cfg = cfg.clone();
    cfg.service.auth.twofactor_roles = Vec::new();
    cfg.service.auth.max_sessions_per_user = 0;
    cfg
}

/// Latency summary in milliseconds.
#[derive(Debug, Serialize)]
pub struct Latency {
    /// Samples.
    pub count: usize,
    /// Median.
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
}

impl Latency {
    fn of(mut samples: Vec<Duration>) -> Self {
        samples.sort_unstable();
        let pick = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len().max(1)) - 1;
            samples.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
        };
        Self {
            count: samples.len(),
            p50_ms: pick(0.50),
            p95_ms: pick(0.95),
            p99_ms: pick(0.99),
        }
    }
}

/// One backend's results.
#[derive(Debug, Serialize)]
pub struct Results {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Settings that matter for the figures.
    pub settings: String,
    /// The synthetic city.
    pub city: city::CityStats,
    /// Report submissions through the API.
    pub reports: load::Throughput,
    /// Item-list latency through the API.
    pub item_list: Latency,
    /// Server time of the register and item pages.
    pub pages: pages::PageTimes,
    /// Single-row insert transactions per second.
    pub raw_inserts_per_second: f64,
    /// Report submissions per second ÷ raw inserts per second.
    pub ratio_to_raw: f64,
}

/// Runs the benchmark on SQLite, and on PostgreSQL when asked.
pub async fn run(cfg: Config, args: BenchArgs) -> anyhow::Result<()> {
    if let Some(n) = args.hot {
        return hot::run(n, args.hot_adds, args.json.as_deref());
    }
    if let Some(n) = args.ledger {
        return ledger::run(cfg, args, n).await;
    }
    if let Some(n) = args.sweep_assignments {
        return sweep::run(cfg, args, n).await;
    }
    if args.analytics || args.assessment || args.pages {
        return province::run(cfg, args).await;
    }
    let mut all = Vec::new();
    if !(args.skip_sqlite && args.pg.is_some()) {
        std::fs::create_dir_all(&args.data_dir)?;
        let file = args.data_dir.join("bench.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let mut db = cfg.database.clone();
        db.url = format!("sqlite://{}", file.display());
        let settings = format!(
            "WAL, synchronous={}, 1 writer + readers",
            db.sqlite_durability
        );
        let backend = Backend::open(&db).await?;
        all.push(one("sqlite", settings, &[backend], &cfg, &args).await?);
    }
    if let Some(url) = &args.pg {
        let fresh = city::fresh_pg_database(url).await?;
        let mut db = cfg.database.clone();
        db.url = fresh;
        if let Some(w) = args.pg_writers {
            db.writers = w;
        }
        let nodes = args.nodes.max(1);
        let settings = format!(
            "{nodes} node(s), {} connections + {} group-commit writers per node",
            db.max_connections, db.writers
        );
        let mut backends = Vec::with_capacity(nodes);
        for _ in 0..nodes {
            backends.push(Backend::open(&db).await?);
        }
        all.push(one("postgres", settings, &backends, &cfg, &args).await?);
    }
    let json = serde_json::to_string_pretty(&all)?;
    if let Some(path) = &args.json {
        std::fs::write(path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    print_table(&all);
    println!("\n{json}");
    Ok(())
}

/// The results as a table, one column per backend.
fn print_table(all: &[Results]) {
    let row = |name: &str, f: &dyn Fn(&Results) -> String| {
        let cells: Vec<String> = all.iter().map(|r| format!("{:>18}", f(r))).collect();
        println!("{name:<60}{}", cells.join(""));
    };
    row("", &|r| r.backend.to_string());
    row("units / assignments", &|r| {
        format!("{} / {}", r.city.units, r.city.assignments)
    });
    row("reports per second (through the API)", &|r| {
        format!("{:.0}", r.reports.per_second)
    });
    row("report latency p50 ms", &|r| {
        format!("{:.1}", r.reports.latency.p50_ms)
    });
    row("report latency p99 ms", &|r| {
        format!("{:.1}", r.reports.latency.p99_ms)
    });
    row("report errors", &|r| r.reports.errors.to_string());
    row("item list p50 ms", &|r| {
        format!("{:.1}", r.item_list.p50_ms)
    });
    row("item list p95 ms", &|r| {
        format!("{:.1}", r.item_list.p95_ms)
    });
    if let Some(first) = all.first() {
        for (n, p) in first.pages.pages.iter().enumerate() {
            let name = format!("{}, {} p50/p95/p99 ms", p.page, p.user);
            row(&name, &|r| {
                r.pages.pages.get(n).map_or(String::new(), |p| {
                    format!(
                        "{:.1}/{:.1}/{:.1}",
                        p.latency.p50_ms, p.latency.p95_ms, p.latency.p99_ms
                    )
                })
            });
        }
    }
    row("raw single-row inserts per second", &|r| {
        format!("{:.0}", r.raw_inserts_per_second)
    });
    row("reports / raw inserts", &|r| {
        format!("{:.2}", r.ratio_to_raw)
    });
}

/// Measures one backend; `nodes` are app nodes on one database (the first builds the city and
/// serves the other phases; the report clients take turns over all of them).
async fn one(
    name: &'static str,
    settings: String,
    nodes: &[Backend],
    cfg: &Config,
    args: &BenchArgs,
) -> anyhow::Result<Results> {
    let backend = nodes.first().context("no node")?;
    backend.init_chain(&cfg.audit.hash).await?;
    let cfg = &password_logins(cfg);
    let services = crate::serve::services(backend, cfg);
    let all_services: Vec<_> = std::iter::once(services.clone())
        .chain(nodes[1..].iter().map(|b| crate::serve::services(b, cfg)))
        .collect();
    // Five phases: the city, reports, the item list, pages, raw inserts.
    let p = crate::progress::Progress::new("bench", 5);
    p.phase("city");
    p.println(&format!("[{name}] building the synthetic city …"));
    let city = city::build(&services, args).await?;
    backend.analyze().await?;
    p.println(&format!("[{name}] {}", city.stats));
    p.inc(1);
    p.phase("reports");
    let reports = load::reports(&all_services, &city, args).await?;
    p.inc(1);
    p.println(&format!(
        "[{name}] reports through the API at concurrency {}: {:.0}/s, p50 {:.1} ms, p99 {:.1} ms, errors {}",
        args.concurrency,
        reports.per_second,
        reports.latency.p50_ms,
        reports.latency.p99_ms,
        reports.errors
    ));
    p.phase("item list");
    let item_list = load::item_list(&services, &city, args).await?;
    p.inc(1);
    p.println(&format!(
        "[{name}] item list through the API ({} queries): p50 {:.1} ms, p95 {:.1} ms",
        item_list.count, item_list.p50_ms, item_list.p95_ms
    ));
    p.phase("pages");
    p.println(&format!("[{name}] page render times (in-process) …"));
    let pages = pages::run(&services, &city, args.page_samples).await?;
    p.inc(1);
    p.phase("raw inserts");
    let raw = backend.raw_insert_rate(args.raw_inserts).await?;
    p.inc(1);
    let ratio = reports.per_second / raw;
    p.finish(&format!("{name} measured"));
    eprintln!(
        "[{name}] raw single-row insert transactions: {raw:.0}/s; reports reach {ratio:.2} of it"
    );
    Ok(Results {
        backend: name,
        settings,
        city: city.stats,
        reports,
        item_list,
        pages,
        raw_inserts_per_second: raw,
        ratio_to_raw: ratio,
    })
}
