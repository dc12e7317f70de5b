//! `ducha bench --analytics` and `ducha bench --assessment`: chain analytics and assessment over
//! a bulk-loaded synthetic province (default 8,000 units, 1,000,000 assignments, about
//! 10,000,000 events; see [`province_city`](super::province_city)). Measures, per backend:
//!
//! - `--analytics`: the rebuild of the derived tables from the whole event log; the stall map
//!   of the whole province, unfiltered and with each filter; the chain view of an item with
//!   500 assignments; and report submissions through the use case with the derived rows
//!   maintained and, alternately, skipped;
//! - `--assessment`: a quarter's ranking of every unit of the province (which scores the
//!   quarter before it too, for the rank change);
//! - `--pages`: the register (plain and filtered), item pages, the workbench and one whole
//!   list of it as the province's supervisor and as a city's, a county's and a township's
//!   liaison, and the dashboard's data, through the application router (see
//!   [`pages`](super::pages)).

use super::province_city::{self, Province};
use super::province_sql::{self, Sink};
use super::sweep_city::at;
use super::{BenchArgs, Latency};
use crate::backend::Backend;
use crate::config::Config;
use anyhow::Context;
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::report::ReportInput;
use ducha_service::Services;
use ducha_service::analytics::StallMapInput;
use serde::Serialize;
use std::sync::Arc;
use std::time::Instant;

const SEED: u64 = 0x9_0F1C;

/// What was generated and loaded.
#[derive(Debug, Serialize)]
pub struct ProvinceStats {
    /// Units.
    pub units: usize,
    /// Users.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Assignments.
    pub assignments: usize,
    /// Of which done.
    pub done: usize,
    /// Reports.
    pub reports: usize,
    /// Events in the log.
    pub events: u64,
    /// Notices.
    pub notices: usize,
    /// Help requests.
    pub helps: usize,
    /// Assignments of the chain view's item.
    pub chain_assignments: usize,
    /// Seconds to generate in memory.
    pub generate_seconds: f64,
    /// Seconds to write (rows, events with their hashes, indexes).
    pub load_seconds: f64,
}

/// One rebuild.
#[derive(Debug, Serialize)]
pub struct Rebuild {
    /// Wall-clock seconds.
    pub seconds: f64,
    /// Events replayed.
    pub events: u64,
    /// Hop-log lines written.
    pub hops: usize,
    /// Findings written.
    pub findings: usize,
}

/// A named latency.
#[derive(Debug, Serialize)]
pub struct Named {
    /// What was asked.
    pub name: String,
    /// Units in the answer (stall map) or rows (chain view).
    pub rows: usize,
    /// Latency.
    pub latency: Latency,
}

/// One round of report submissions.
#[derive(Debug, Serialize)]
pub struct Round {
    /// Whether the commits maintained the derived rows.
    pub hop_facts: bool,
    /// Reports submitted.
    pub reports: usize,
    /// Errors.
    pub errors: usize,
    /// Reports per second.
    pub per_second: f64,
}

/// One backend's results.
#[derive(Debug, Serialize)]
pub struct ProvinceResults {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The province.
    pub province: ProvinceStats,
    /// Rebuilds, in order.
    pub rebuilds: Vec<Rebuild>,
    /// Stall maps.
    pub stall_maps: Vec<Named>,
    /// Chain view.
    pub chain_view: Option<Named>,
    /// The leader's dashboard (`Services::cockpit`) of the whole province.
    pub cockpit: Option<Named>,
    /// Report rounds, in order.
    pub report_rounds: Vec<Round>,
    /// Median reports/s without the derived rows ÷ with them, minus one: the fall.
    pub report_fall: Option<f64>,
    /// Seconds of each quarter ranking.
    pub assessment_seconds: Vec<f64>,
    /// Units ranked and lines scored.
    pub assessment_units: usize,
    /// Lines on all the units' cards.
    pub assessment_lines: usize,
    /// Page times at province scale (with `--pages`).
    pub pages: Vec<super::pages::PageTiming>,
}

/// The median of some figures.
pub fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// Runs the province benchmark on SQLite, and on PostgreSQL when asked.
pub async fn run(cfg: Config, args: BenchArgs) -> anyhow::Result<()> {
    let cal = WorkCalendar::china();
    let hash = ducha_service::auth::hash_password("Bench2026pass")
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    eprintln!(
        "generating the province: {} units, {} assignments, about {} events …",
        args.province_units, args.province_assignments, args.province_events
    );
    let start = Instant::now();
    let p = province_city::generate(
        args.province_units,
        args.province_assignments,
        args.province_events,
        args.chain_assignments,
        args.province_day,
        &cal,
        SEED,
    );
    let generate_seconds = start.elapsed().as_secs_f64();
    eprintln!(
        "generated in {generate_seconds:.1} s: {} items, {} reports, {} events",
        p.items.len(),
        p.reports.len(),
        p.events.len()
    );
    let mut all = Vec::new();
    if let Some(url) = &args.reuse {
        let mut db = cfg.database.clone();
        db.url.clone_from(url);
        let backend = Backend::open_existing(&db).await?;
        let name = if url.starts_with("sqlite") {
            "sqlite"
        } else {
            "postgres"
        };
        all.push(one(name, &backend, &cfg, &args, &p, &hash, generate_seconds).await?);
    } else if !args.skip_sqlite {
        std::fs::create_dir_all(&args.data_dir)?;
        let file = args.data_dir.join("province.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let mut db = cfg.database.clone();
        db.url = format!("sqlite://{}", file.display());
        let backend = Backend::open(&db).await?;
        all.push(one("sqlite", &backend, &cfg, &args, &p, &hash, generate_seconds).await?);
        eprintln!("[sqlite] database kept at {}", file.display());
    }
    if let Some(url) = args.pg.as_ref().filter(|_| args.reuse.is_none()) {
        let mut db = cfg.database.clone();
        db.url = super::city::fresh_pg_database(url).await?;
        let backend = Backend::open(&db).await?;
        all.push(
            one(
                "postgres",
                &backend,
                &cfg,
                &args,
                &p,
                &hash,
                generate_seconds,
            )
            .await?,
        );
        eprintln!(
            "[postgres] database kept at {}",
            crate::config::redact(&db.url)
        );
    }
    let json = serde_json::to_string_pretty(&all)?;
    if let Some(path) = &args.json {
        std::fs::write(path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    for r in &all {
        print_table(r);
    }
    println!("\n{json}");
    Ok(())
}

async fn one(
    name: &'static str,
    backend: &Backend,
    cfg: &Config,
    args: &BenchArgs,
    p: &Province,
    hash: &str,
    generate_seconds: f64,
) -> anyhow::Result<ProvinceResults> {
    let algo = backend.init_chain(&cfg.audit.hash).await?;
    let sink = match backend {
        Backend::Sqlite(s) => Sink::Sqlite(s.raw_pool().clone()),
        Backend::Postgres(s) => Sink::Postgres(s.raw_pool().clone()),
    };
    let start = Instant::now();
    let events = if args.reuse.is_some() {
        let (seq, _, _) = backend.store().chain_head().await?;
        u64::try_from(seq).unwrap_or(0)
    } else {
        eprintln!("[{name}] loading …");
        let events = province_sql::load(&sink, p, hash, algo).await?;
        settle(&sink).await?;
        events
    };
    let load_seconds = start.elapsed().as_secs_f64();
    let province = ProvinceStats {
        units: p.units.len(),
        users: p.users.len(),
        items: p.items.len(),
        assignments: p.assignments.len(),
        done: p
            .assignments
            .iter()
            .filter(|a| a.state == AssignmentState::Done)
            .count(),
        reports: p.reports.len(),
        events,
        notices: p.notices.len(),
        helps: p.helps.len(),
        chain_assignments: p
            .assignments
            .iter()
            .filter(|a| a.item as usize == p.campaign)
            .count(),
        generate_seconds,
        load_seconds,
    };
    eprintln!("[{name}] {province:?}");
    let services = crate::serve::services(backend, cfg);
    let supervisor = services
        .actor(p.supervisor)
        .await
        .map_err(|e| anyhow::anyhow!("supervisor: {e:?}"))?;
    let now = at(p.day, 10, 0);
    let mut out = ProvinceResults {
        backend: name,
        province,
        rebuilds: vec![],
        stall_maps: vec![],
        chain_view: None,
        cockpit: None,
        report_rounds: vec![],
        report_fall: None,
        assessment_seconds: vec![],
        assessment_units: 0,
        assessment_lines: 0,
        pages: vec![],
    };
    // The derived tables: rebuilt from the log (timed when measuring the analytics; the
    // assessment reads them too).
    let rebuilds = match (args.no_rebuild, args.analytics) {
        (true, _) => 0,
        (false, true) => args.runs.max(1),
        (false, false) => 1,
    };
    for k in 0..rebuilds {
        let start = Instant::now();
        let s = services
            .rebuild_analytics(&mut |_, _, _| {})
            .await
            .map_err(|e| anyhow::anyhow!("rebuild: {e:?}"))?;
        let seconds = start.elapsed().as_secs_f64();
        eprintln!(
            "[{name}] rebuild {}: {seconds:.1} s, {} events, {} assignments, {} hops, {} findings",
            k + 1,
            s.events,
            s.assignments,
            s.hops,
            s.findings
        );
        settle(&sink).await?;
        out.rebuilds.push(Rebuild {
            seconds,
            events: s.events,
            hops: s.hops,
            findings: s.findings,
        });
    }
    if args.analytics {
        out.stall_maps = stall_maps(&services, &supervisor, p, args.map_samples, now).await?;
        out.chain_view =
            Some(chain_view(&services, &supervisor, p, args.chain_samples, now).await?);
        light_up(&sink).await?;
        out.cockpit = Some(cockpit(&services, &supervisor, args.map_samples, now).await?);
        out.report_rounds = report_rounds(&services, p, args, now).await?;
        let rate = |on: bool| {
            median(
                &out.report_rounds
                    .iter()
                    .filter(|r| r.hop_facts == on)
                    .map(|r| r.per_second)
                    .collect::<Vec<_>>(),
            )
        };
        if !out.report_rounds.is_empty() {
            out.report_fall = Some(1.0 - rate(true) / rate(false));
        }
    }
    if args.assessment {
        for k in 0..args.runs.max(1) {
            let start = Instant::now();
            let board = services
                .score_board(&supervisor, None, &args.period, None, now)
                .await
                .map_err(|e| anyhow::anyhow!("scores: {e:?}"))?;
            let seconds = start.elapsed().as_secs_f64();
            out.assessment_units = board.units.len();
            out.assessment_lines = board.units.iter().map(|u| u.lines).sum();
            eprintln!(
                "[{name}] scores of {} ({}): {seconds:.2} s, {} units, {} lines",
                args.period,
                k + 1,
                out.assessment_units,
                out.assessment_lines
            );
            out.assessment_seconds.push(seconds);
        }
    }
    if args.pages {
        let services = crate::serve::services(backend, &super::password_logins(cfg));
        out.pages = super::pages::time_pages(
            &services,
            &viewers(p),
            &[p.items[p.campaign].id],
            args.page_samples,
        )
        .await?;
    }
    Ok(out)
}

/// Whose pages `--pages` times: the province's supervisor, then the liaisons of the first
/// city, county and township.
fn viewers(p: &Province) -> Vec<super::pages::Viewer> {
    let mut out = vec![super::pages::Viewer {
        who: "supervisor",
        username: "sup".into(),
        user_id: p.supervisor,
        whole_list: "/workbench/progress_to_review",
        sees_largest: true,
    }];
    for (kind, who) in [
        ("city", "city liaison"),
        ("county", "county liaison"),
        ("township", "township liaison"),
    ] {
        // The first two units (the province and its office) have no liaison of their own.
        if let Some(i) = (2..p.units.len()).find(|&i| p.units[i].kind == kind) {
            out.push(super::pages::Viewer {
                who,
                username: format!("liaison{}", p.units[i].id),
                user_id: p.staff[i].1,
                whole_list: "/workbench/to_sign",
                sees_largest: false,
            });
        }
    }
    out
}

/// What a live database would have after a load: statistics and a checkpointed log.
async fn settle(sink: &Sink) -> anyhow::Result<()> {
    match sink {
        Sink::Sqlite(p) => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(p)
                .await?;
        }
        Sink::Postgres(p) => {
            sqlx::query("VACUUM ANALYZE").execute(p).await?;
        }
    }
    Ok(())
}

async fn timed<F, Fut>(samples: usize, warmup: usize, mut f: F) -> anyhow::Result<(Latency, usize)>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<usize>>,
{
    let mut rows = 0;
    for _ in 0..warmup {
        rows = f().await?;
    }
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        rows = f().await?;
        times.push(start.elapsed());
    }
    Ok((Latency::of(times), rows))
}

async fn stall_maps(
    s: &Services,
    actor: &ducha_domain::org::Actor,
    p: &Province,
    samples: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Named>> {
    let quarter_from = format!("{}", (p.day - chrono::Duration::days(92)).format("%Y-%m"));
    let quarter_to = format!("{}", (p.day - chrono::Duration::days(31)).format("%Y-%m"));
    let city = p
        .units
        .iter()
        .find(|u| u.kind == "city" && u.parent_id.is_some());
    let mut inputs: Vec<(String, StallMapInput)> = vec![
        ("whole province".into(), StallMapInput::default()),
        (
            "whole province, every unit (limit 10,000)".into(),
            StallMapInput {
                limit: Some(10_000),
                ..Default::default()
            },
        ),
        (
            "townships (level 4)".into(),
            StallMapInput {
                level: Some(4),
                ..Default::default()
            },
        ),
        (
            format!("months {quarter_from} to {quarter_to}"),
            StallMapInput {
                from: Some(quarter_from.clone()),
                to: Some(quarter_to.clone()),
                ..Default::default()
            },
        ),
        (
            "source = npc_suggestion".into(),
            StallMapInput {
                source: Some("npc_suggestion".into()),
                ..Default::default()
            },
        ),
        (
            "category + months".into(),
            StallMapInput {
                category: Some(ducha_domain::item::Category::ALL[0].as_str().into()),
                from: Some(quarter_from),
                to: Some(quarter_to),
                ..Default::default()
            },
        ),
    ];
    if let Some(c) = city {
        inputs.push((
            "one prefecture city".into(),
            StallMapInput {
                unit_id: Some(c.id),
                ..Default::default()
            },
        ));
    }
    let mut out = Vec::new();
    for (name, input) in inputs {
        let (latency, rows) = timed(samples, 3, || async {
            let m = s
                .stall_map(actor, &input, now)
                .await
                .map_err(|e| anyhow::anyhow!("stall map: {e:?}"))?;
            Ok(m.total_units)
        })
        .await?;
        eprintln!(
            "[stall map] {name}: {rows} units, p50 {:.1} ms, p95 {:.1} ms",
            latency.p50_ms, latency.p95_ms
        );
        out.push(Named {
            name,
            rows,
            latency,
        });
    }
    Ok(out)
}

async fn chain_view(
    s: &Services,
    actor: &ducha_domain::org::Actor,
    p: &Province,
    samples: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Named> {
    let item = p.items[p.campaign].id;
    let (latency, rows) = timed(samples, 10, || async {
        let v = s
            .chain_view(actor, item, now)
            .await
            .map_err(|e| anyhow::anyhow!("chain view: {e:?}"))?;
        Ok(v.rows.len())
    })
    .await?;
    eprintln!(
        "[chain view] item {item}: {rows} rows, p50 {:.1} ms, p95 {:.1} ms",
        latency.p50_ms, latency.p95_ms
    );
    Ok(Named {
        name: format!("item {item}"),
        rows,
        latency,
    })
}

/// Lights for the open assignments, which the loader leaves unset (the sweep would compute
/// them): a fixed share of each (red 10 %, yellow 10 %, blue 10 %, green the rest) by id, and
/// the items' roll-up. The dashboard's tally follows through its triggers, as in service.
async fn light_up(sink: &Sink) -> anyhow::Result<()> {
    let start = Instant::now();
    sink.exec(
        "UPDATE assignments SET light = CASE id % 10 WHEN 0 THEN 3 WHEN 1 THEN 2 WHEN 2 THEN 1 \
         ELSE 0 END WHERE state NOT IN ('done', 'withdrawn') AND light IS NULL",
    )
    .await?;
    sink.exec(
        "UPDATE items SET light = (SELECT MAX(a.light) FROM assignments a \
         WHERE a.item_id = items.id) WHERE closed_at IS NULL",
    )
    .await?;
    settle(sink).await?;
    eprintln!(
        "[cockpit] lights set in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The dashboard of the whole province as its supervisor: what `GET /api/v1/cockpit` answers.
async fn cockpit(
    s: &Services,
    actor: &ducha_domain::org::Actor,
    samples: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Named> {
    let input = ducha_service::cockpit::CockpitInput::default();
    let (latency, rows) = timed(samples, 3, || async {
        let c = s
            .cockpit(actor, &input, now)
            .await
            .map_err(|e| anyhow::anyhow!("cockpit: {e:?}"))?;
        Ok(c.units.len())
    })
    .await?;
    eprintln!(
        "[cockpit] whole province: {rows} units charted, p50 {:.1} ms, p95 {:.1} ms",
        latency.p50_ms, latency.p95_ms
    );
    // Each part alone, one after another: where the time goes.
    let mut parts: std::collections::BTreeMap<&str, Vec<std::time::Duration>> =
        std::collections::BTreeMap::new();
    for _ in 0..samples.min(30) {
        for (name, took) in s
            .cockpit_parts_for_benchmark(actor, now)
            .await
            .map_err(|e| anyhow::anyhow!("cockpit parts: {e:?}"))?
        {
            parts.entry(name).or_default().push(took);
        }
    }
    for (name, times) in parts {
        let l = Latency::of(times);
        eprintln!(
            "[cockpit]   part {name}: p50 {:.1} ms, p95 {:.1} ms",
            l.p50_ms, l.p95_ms
        );
    }
    Ok(Named {
        name: "whole province".into(),
        rows,
        latency,
    })
}

/// Rounds of progress reports through the use case from `concurrency` tasks, alternately with
/// the derived rows maintained and skipped (on/off, then off/on, …), each round on assignments
/// of its own.
async fn report_rounds(
    s: &Services,
    p: &Province,
    args: &BenchArgs,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<Round>> {
    let per = args.ab_reports;
    let rounds = args.ab_rounds * 2;
    if per == 0 || rounds == 0 {
        return Ok(vec![]);
    }
    // Open assignments of open items, spread over the province.
    let open: Vec<usize> = (0..p.assignments.len())
        .filter(|&k| {
            let a = &p.assignments[k];
            matches!(
                a.state,
                AssignmentState::Signed | AssignmentState::InProgress
            ) && p.items[a.item as usize].closed_at.is_none()
        })
        .collect();
    // A warm-up round (not counted) first, then on/off, off/on, on/off, ….
    let warmup = per.div_ceil(4);
    let step = (open.len() / (per * rounds + warmup)).max(1);
    let chosen: Vec<usize> = open.iter().step_by(step).copied().collect();
    anyhow::ensure!(
        chosen.len() >= per * rounds + warmup,
        "only {} open assignments for {} reports",
        chosen.len(),
        per * rounds + warmup
    );
    let (warm, chosen) = chosen.split_at(warmup);
    let off = s.without_hop_facts_for_benchmark();
    let mut out = Vec::new();
    for &k in warm {
        let a = &p.assignments[k];
        let actor = s
            .actor(p.staff[a.unit as usize].1)
            .await
            .map_err(|e| anyhow::anyhow!("actor: {e:?}"))?;
        let input = ReportInput {
            text: "本周完成入户走访，整改推进中。".into(),
            percent: Some(60),
            ..Default::default()
        };
        let _ = s.submit_report(&actor, a.id, &input, now).await;
    }
    for r in 0..rounds {
        let on = (r % 2 == 0) == (r / 2 % 2 == 0);
        let svc = if on { s.clone() } else { off.clone() };
        let work: Vec<(i64, i64)> = chosen[r * per..(r + 1) * per]
            .iter()
            .map(|&k| {
                let a = &p.assignments[k];
                (a.id, p.staff[a.unit as usize].1)
            })
            .collect();
        let work = Arc::new(work);
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let errors = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..args.concurrency.max(1) {
            let (svc, work, next, errors) =
                (svc.clone(), work.clone(), next.clone(), errors.clone());
            tasks.push(tokio::spawn(async move {
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(&(aid, user)) = work.get(k) else {
                        break;
                    };
                    let input = ReportInput {
                        text: "本周完成入户走访，整改推进中。".into(),
                        percent: Some(60),
                        ..Default::default()
                    };
                    let when = now + chrono::Duration::milliseconds(k as i64);
                    let ok = match svc.actor(user).await {
                        Ok(actor) => svc.submit_report(&actor, aid, &input, when).await.is_ok(),
                        Err(_) => false,
                    };
                    if !ok {
                        errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            }));
        }
        for t in tasks {
            t.await?;
        }
        let secs = start.elapsed().as_secs_f64().max(1e-9);
        let errors = errors.load(std::sync::atomic::Ordering::Relaxed);
        let round = Round {
            hop_facts: on,
            reports: per,
            errors,
            per_second: (per - errors) as f64 / secs,
        };
        eprintln!(
            "[reports] round {} (hop facts {}): {:.0}/s, {} errors",
            r + 1,
            if on { "maintained" } else { "skipped" },
            round.per_second,
            errors
        );
        out.push(round);
        anyhow::ensure!(errors == 0, "{errors} report submissions failed");
    }
    Ok(out)
}

fn print_table(r: &ProvinceResults) {
    let p = &r.province;
    println!(
        "\nprovince on {}: {} units, {} items, {} assignments ({} done), {} reports, {} events; \
         generated in {:.1} s, loaded in {:.1} s",
        r.backend,
        p.units,
        p.items,
        p.assignments,
        p.done,
        p.reports,
        p.events,
        p.generate_seconds,
        p.load_seconds
    );
    if !r.rebuilds.is_empty() {
        let secs: Vec<f64> = r.rebuilds.iter().map(|b| b.seconds).collect();
        println!(
            "{:<58}{:>10.1}  (runs: {})",
            "analytics rebuild, s (median)",
            median(&secs),
            secs.iter()
                .map(|s| format!("{s:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for m in &r.stall_maps {
        println!(
            "{:<58}{:>10}",
            format!("stall map, {} ({} units) p50/p95 ms", m.name, m.rows),
            format!("{:.1}/{:.1}", m.latency.p50_ms, m.latency.p95_ms)
        );
    }
    if let Some(c) = &r.chain_view {
        println!(
            "{:<58}{:>10}",
            format!("chain view, {} rows p50/p95 ms", c.rows),
            format!("{:.1}/{:.1}", c.latency.p50_ms, c.latency.p95_ms)
        );
    }
    if let Some(c) = &r.cockpit {
        println!(
            "{:<58}{:>10}",
            format!("cockpit data, {} p50/p95 ms", c.name),
            format!("{:.1}/{:.1}", c.latency.p50_ms, c.latency.p95_ms)
        );
    }
    for (k, round) in r.report_rounds.iter().enumerate() {
        println!(
            "{:<58}{:>10.0}",
            format!(
                "reports/s, round {} (hop facts {})",
                k + 1,
                if round.hop_facts { "on" } else { "off" }
            ),
            round.per_second
        );
    }
    if let Some(f) = r.report_fall {
        println!(
            "{:<58}{:>9.1}%",
            "report throughput fall with hop facts (medians)",
            f * 100.0
        );
    }
    if !r.assessment_seconds.is_empty() {
        println!(
            "{:<58}{:>10.2}  (runs: {})",
            format!("quarter ranking, {} units, s (median)", r.assessment_units),
            median(&r.assessment_seconds),
            r.assessment_seconds
                .iter()
                .map(|s| format!("{s:.2}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    for t in &r.pages {
        println!(
            "{:<58}{:>10}",
            format!("{} as {} p50/p95 ms", t.page, t.user),
            format!("{:.1}/{:.1}", t.latency.p50_ms, t.latency.p95_ms)
        );
    }
}
