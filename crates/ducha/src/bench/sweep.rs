//! `ducha bench --sweep-assignments N`: the daily sweep (lights, missed reports, notices and
//! their escalation) over a synthetic city of N open assignments, bulk-loaded into a fresh
//! database. Measures the cold first sweep of the day (every light new), a rerun the same day
//! (the sweep runs every 15 minutes), and, after the day's reports and completion requests,
//! the first sweep of the next working day.

use super::BenchArgs;
use super::city::Rng;
use super::sweep_city::{self, SweepCity, at, china};
use super::sweep_sql::{self, Worked};
use crate::backend::Backend;
use crate::config::Config;
use anyhow::Context;
use chrono::NaiveDate;
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::light::{LightRules, light_of, pace_percent};
use ducha_service::clock::SweepOutcome;
use serde::Serialize;
use std::collections::BTreeSet;
use std::time::Instant;

const SEED: u64 = 0x5_3EE9;

/// What was generated and loaded.
#[derive(Debug, Serialize)]
pub struct SweepCityStats {
    /// Units.
    pub units: usize,
    /// Users.
    pub users: usize,
    /// Items.
    pub items: usize,
    /// Open assignments.
    pub assignments: usize,
    /// Notices issued before the measured day (all states).
    pub notices: usize,
    /// Of which still open.
    pub open_notices: usize,
    /// Summonses recorded before the measured day.
    pub summonses: usize,
    /// Pending extensions and unanswered help requests.
    pub excuses: usize,
    /// Seconds to generate in memory.
    pub generate_seconds: f64,
    /// Seconds to insert.
    pub load_seconds: f64,
}

/// The work done between the measured day's sweeps and the next day's.
#[derive(Debug, Serialize, Default)]
pub struct DayWork {
    /// Progress reports.
    pub reports: usize,
    /// Completion requests.
    pub completion_requests: usize,
}

/// One measured sweep.
#[derive(Debug, Serialize)]
pub struct SweepRun {
    /// What it is.
    pub label: &'static str,
    /// The day swept.
    pub day: NaiveDate,
    /// Wall-clock seconds of `Services::sweep`.
    pub seconds: f64,
    /// What it did.
    pub outcome: SweepOutcome,
    /// Events appended.
    pub events: i64,
    /// Open notices afterwards.
    pub open_notices: i64,
    /// Open assignments lit for being overdue or for a missed report afterwards.
    pub flagged: i64,
}

/// One backend's results.
#[derive(Debug, Serialize)]
pub struct SweepResults {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Settings that matter for the figures.
    pub settings: String,
    /// The city.
    pub city: SweepCityStats,
    /// The day's work between the measured day and the next working day.
    pub day_work: DayWork,
    /// The sweeps, in order.
    pub sweeps: Vec<SweepRun>,
}

/// The loaded database, by driver.
enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn load(&self, city: &SweepCity, hash: &str) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => {
                sweep_sql::sqlite::load(p, city, hash).await?;
                // A live database does not carry the load's WAL around.
                sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(p)
                    .await?;
            }
            Db::Postgres(p) => {
                sweep_sql::postgres::load(p, city, hash).await?;
                sweep_sql::pg_sequences(p).await?;
                // What autovacuum would have done on a live database.
                sqlx::query("VACUUM ANALYZE").execute(p).await?;
            }
        }
        Ok(())
    }

    async fn open_notices(&self) -> anyhow::Result<Vec<(i64, String)>> {
        match self {
            Db::Sqlite(p) => sweep_sql::sqlite::open_notices(p).await,
            Db::Postgres(p) => sweep_sql::postgres::open_notices(p).await,
        }
    }

    async fn consistency(&self) -> anyhow::Result<(i64, i64)> {
        match self {
            Db::Sqlite(p) => sweep_sql::sqlite::consistency(p).await,
            Db::Postgres(p) => sweep_sql::postgres::consistency(p).await,
        }
    }

    async fn work(&self, rows: &[Worked], items: &[i64]) -> anyhow::Result<()> {
        match self {
            Db::Sqlite(p) => sweep_sql::sqlite::work(p, rows, items).await,
            Db::Postgres(p) => sweep_sql::postgres::work(p, rows, items).await,
        }
    }
}

/// Runs the sweep benchmark on SQLite, and on PostgreSQL when asked.
pub async fn run(cfg: Config, args: BenchArgs, n: usize) -> anyhow::Result<()> {
    let cal = WorkCalendar::china();
    let day = args.sweep_day;
    let hash = ducha_service::auth::hash_password("Bench2026pass")
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut all = Vec::new();

    std::fs::create_dir_all(&args.data_dir)?;
    let file = args.data_dir.join("sweep.db");
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
    all.push(one("sqlite", settings, &backend, &cfg, n, day, &cal, &hash).await?);
    drop(backend);

    if let Some(url) = &args.pg {
        let mut db = cfg.database.clone();
        db.url = super::city::fresh_pg_database(url).await?;
        let settings = format!("{} connections per node", db.max_connections);
        let backend = Backend::open(&db).await?;
        all.push(one("postgres", settings, &backend, &cfg, n, day, &cal, &hash).await?);
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

#[allow(clippy::too_many_arguments)]
async fn one(
    name: &'static str,
    settings: String,
    backend: &Backend,
    cfg: &Config,
    n: usize,
    day: NaiveDate,
    cal: &WorkCalendar,
    hash: &str,
) -> anyhow::Result<SweepResults> {
    backend.init_chain(&cfg.audit.hash).await?;
    let db = match backend {
        Backend::Sqlite(s) => Db::Sqlite(s.raw_pool().clone()),
        Backend::Postgres(s) => Db::Postgres(s.raw_pool().clone()),
    };
    eprintln!("[{name}] generating {n} open assignments …");
    let start = Instant::now();
    let mut city = sweep_city::generate(n, day, cal, SEED);
    let generate_seconds = start.elapsed().as_secs_f64();
    let start = Instant::now();
    db.load(&city, hash).await?;
    let stats = SweepCityStats {
        units: city.units.len(),
        users: city.users.len(),
        items: city.items.len(),
        assignments: city.assignments.len(),
        notices: city.notices.len(),
        open_notices: city.open_notices(),
        summonses: city.summonses.len(),
        excuses: city.excuses.len(),
        generate_seconds,
        load_seconds: start.elapsed().as_secs_f64(),
    };
    eprintln!(
        "[{name}] {} units, {} users, {} items, {} open assignments, {} notices ({} open), \
         generated in {:.1} s, loaded in {:.1} s",
        stats.units,
        stats.users,
        stats.items,
        stats.assignments,
        stats.notices,
        stats.open_notices,
        stats.generate_seconds,
        stats.load_seconds
    );
    let services = crate::serve::services(backend, cfg);
    let next = cal.add_working_days(day, 1);
    let mut sweeps = Vec::new();
    sweeps.push(
        sweep(
            name,
            &services,
            &db,
            "cold, first of the day",
            at(day, 0, 30),
        )
        .await?,
    );
    sweeps.push(sweep(name, &services, &db, "rerun, same day", at(day, 0, 45)).await?);
    let day_work = work(&db, &mut city, cal).await?;
    eprintln!(
        "[{name}] the day's work: {} reports, {} completion requests",
        day_work.reports, day_work.completion_requests
    );
    sweeps.push(sweep(name, &services, &db, "next working day", at(next, 0, 30)).await?);
    Ok(SweepResults {
        backend: name,
        settings,
        city: stats,
        day_work,
        sweeps,
    })
}

async fn sweep(
    name: &str,
    services: &ducha_service::Services,
    db: &Db,
    label: &'static str,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<SweepRun> {
    let (before, _, _) = services.store.chain_head().await?;
    let start = Instant::now();
    let outcome = services
        .sweep(now)
        .await
        .map_err(|e| anyhow::anyhow!("sweep: {e:?}"))?;
    let seconds = start.elapsed().as_secs_f64();
    let (after, _, _) = services.store.chain_head().await?;
    let (open_notices, flagged) = db.consistency().await?;
    eprintln!(
        "[{name}] sweep {} ({label}): {seconds:.2} s, {} assignments, {} lights changed, \
         {} issued, {} escalated, {} met, {} summonses",
        china(now),
        outcome.assignments,
        outcome.lights_changed,
        outcome.issued,
        outcome.escalated,
        outcome.met,
        outcome.summonses
    );
    Ok(SweepRun {
        label,
        day: china(now),
        seconds,
        outcome,
        events: after - before,
        open_notices,
        flagged,
    })
}

/// The measured day's work, written as the commands would write it (rows and lights; the
/// sweep reads nothing else): 30 % of the units with an open missed-report notice report,
/// 10 % of the overdue ones that have no open sub-assignments ask for completion, and 0.5 %
/// of all units in progress report as usual.
async fn work(db: &Db, city: &mut SweepCity, cal: &WorkCalendar) -> anyhow::Result<DayWork> {
    let day = city.day;
    let rules = LightRules::default();
    let mut rng = Rng::new(SEED ^ 0xDA7);
    let mut chosen: Vec<(usize, bool)> = Vec::new();
    for (aid, cause) in db.open_notices().await? {
        let Some(i) = usize::try_from(aid - 1).ok() else {
            continue;
        };
        let a = &city.assignments[i];
        let reporting = matches!(
            a.state,
            AssignmentState::Signed | AssignmentState::InProgress
        );
        if cause == "missed_report" && reporting && rng.below(10) < 3 {
            chosen.push((i, false));
        } else if cause == "overdue"
            && a.state == AssignmentState::InProgress
            && !a.has_children
            && rng.below(10) == 0
        {
            chosen.push((i, true));
        }
    }
    for (i, a) in city.assignments.iter().enumerate() {
        if a.state == AssignmentState::InProgress && rng.below(1000) < 5 {
            chosen.push((i, false));
        }
    }
    chosen.sort_unstable();
    chosen.dedup_by_key(|c| c.0);
    let mut out = DayWork::default();
    let mut rows = Vec::with_capacity(chosen.len());
    let mut items = BTreeSet::new();
    for (i, complete) in chosen {
        let when = at(day, 9 + rng.below(9) as u32, rng.below(60) as u32);
        let a = &mut city.assignments[i];
        a.last_report_at = Some(when);
        a.returned_open = false;
        if complete {
            a.state = AssignmentState::CompletionRequested;
            a.progress = Some(100);
            out.completion_requests += 1;
        } else {
            a.state = AssignmentState::InProgress;
            let pace = pace_percent(china(a.dispatched_at), a.deadline, day, cal);
            let was = a.progress.unwrap_or(0);
            a.progress = Some((pace - 10 + rng.below(25) as i64).clamp(was, 99));
            out.reports += 1;
        }
        let a = &city.assignments[i];
        let lit = light_of(&city.facts(a), day, cal, &rules);
        let (light, reason) = match lit {
            Some((l, r)) => (Some(l.rank()), r.map(|r| r.as_str().to_string())),
            None => (None, None),
        };
        rows.push((
            a.id,
            a.state.as_str(),
            a.progress,
            a.last_report_at,
            light,
            reason,
        ));
        items.insert(city.items[a.item].id);
    }
    let items: Vec<i64> = items.into_iter().collect();
    db.work(&rows, &items).await?;
    Ok(out)
}

/// One backend's sweeps as a table, one column per sweep.
fn print_table(r: &SweepResults) {
    println!(
        "\nsweep on {} ({}): {} open assignments, {} items, {} units; {} notices before the day ({} open)",
        r.backend,
        r.settings,
        r.city.assignments,
        r.city.items,
        r.city.units,
        r.city.notices,
        r.city.open_notices
    );
    let row = |name: &str, f: &dyn Fn(&SweepRun) -> String| {
        let cells: Vec<String> = r.sweeps.iter().map(|s| format!("{:>24}", f(s))).collect();
        println!("{name:<34}{}", cells.join(""));
    };
    row("", &|s| s.label.to_string());
    row("day", &|s| s.day.to_string());
    row("wall time s", &|s| format!("{:.2}", s.seconds));
    row("open assignments", &|s| s.outcome.assignments.to_string());
    row("lights changed", &|s| s.outcome.lights_changed.to_string());
    row("green / blue / yellow / red", &|s| {
        let l = s.outcome.lights;
        format!("{}/{}/{}/{}", l[0], l[1], l[2], l[3])
    });
    row("missed reports", &|s| s.outcome.missed_reports.to_string());
    row("notices issued", &|s| s.outcome.issued.to_string());
    row("notices escalated", &|s| s.outcome.escalated.to_string());
    row("notices met / closed", &|s| {
        format!("{} / {}", s.outcome.met, s.outcome.closed)
    });
    row("summonses", &|s| s.outcome.summonses.to_string());
    row("events appended", &|s| s.events.to_string());
    row("open notices / flagged after", &|s| {
        format!("{} / {}", s.open_notices, s.flagged)
    });
}
