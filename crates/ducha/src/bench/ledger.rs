//! `ducha bench --ledger N`: an office's Excel ledger (台账) of N matters, written with
//! rust_xlsxwriter as the template lays it out, imported through the real use case — read,
//! every cell checked, then each matter registered, submitted, approved from the ledger and
//! dispatched to a lead and a co-unit in one transaction — once as drafts and once
//! dispatched, on a fresh database per backend.

use super::BenchArgs;
use crate::backend::Backend;
use crate::config::Config;
use anyhow::Context;
use ducha_service::Services;
use ducha_service::items::{LedgerMode, LedgerProgress};
use ducha_service::org::{UnitInput, UserInput};
use serde::Serialize;
use std::time::Instant;

/// Counties and departments the ledger names.
const UNITS: usize = 40;

/// One timed import.
#[derive(Debug, Serialize)]
pub struct ImportRun {
    /// `draft` or `dispatch`.
    pub mode: &'static str,
    /// Matters in the ledger.
    pub matters: usize,
    /// Size of the .xlsx file.
    pub file_bytes: usize,
    /// Seconds from the bytes to the committed transaction.
    pub seconds: f64,
    /// Matters per second.
    pub per_second: f64,
    /// Assignments made.
    pub assignments: usize,
    /// Events appended.
    pub events: i64,
}

/// One backend's results.
#[derive(Debug, Serialize)]
pub struct LedgerResults {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// Settings that matter for the figures.
    pub settings: String,
    /// The imports, in order.
    pub runs: Vec<ImportRun>,
}

/// Runs the ledger benchmark on SQLite, and on PostgreSQL when asked.
pub async fn run(cfg: Config, args: BenchArgs, n: usize) -> anyhow::Result<()> {
    let mut all = Vec::new();
    if !(args.skip_sqlite && args.pg.is_some()) {
        std::fs::create_dir_all(&args.data_dir)?;
        let file = args.data_dir.join("ledger.db");
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
        }
        let mut db = cfg.database.clone();
        db.url = format!("sqlite://{}", file.display());
        let settings = format!("WAL, synchronous={}", db.sqlite_durability);
        let backend = Backend::open(&db).await?;
        all.push(one("sqlite", settings, &backend, &cfg, n).await?);
        backend.close(std::time::Duration::from_secs(10)).await;
    }
    if let Some(url) = &args.pg {
        let mut db = cfg.database.clone();
        db.url = super::city::fresh_pg_database(url).await?;
        let settings = format!("{} connections", db.max_connections);
        let backend = Backend::open(&db).await?;
        all.push(one("postgres", settings, &backend, &cfg, n).await?);
        backend.close(std::time::Duration::from_secs(10)).await;
    }
    let json = serde_json::to_string_pretty(&all)?;
    if let Some(path) = &args.json {
        std::fs::write(path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    }
    for r in &all {
        for run in &r.runs {
            println!(
                "{:<10}{:<10}{:>7} matters {:>8.2} s {:>8.0}/s {:>7} assignments {:>7} events",
                r.backend,
                run.mode,
                run.matters,
                run.seconds,
                run.per_second,
                run.assignments,
                run.events
            );
        }
    }
    println!("\n{json}");
    Ok(())
}

fn err(e: ducha_service::ServiceError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

async fn one(
    name: &'static str,
    settings: String,
    backend: &Backend,
    cfg: &Config,
    n: usize,
) -> anyhow::Result<LedgerResults> {
    backend.init_chain(&cfg.audit.hash).await?;
    let services = crate::serve::services(backend, cfg);
    let units = city(&services).await?;
    // The office's director, also a leader of the city: may dispatch a ledger directly.
    let hash = ducha_service::auth::hash_password("Bench2026pass").map_err(err)?;
    let director = services
        .create_user_with_hash(
            None,
            &UserInput {
                username: "director".into(),
                display_name: "秘书长".into(),
                unit_id: units.office,
                roles: vec!["supervisor".into(), "leader".into()],
                password: "Bench2026pass".into(),
                phone: String::new(),
                email: String::new(),
                position: String::new(),
            },
            hash,
            ducha_service::now(),
        )
        .await
        .map_err(err)?;
    let actor = services.actor(director).await.map_err(err)?;
    backend.analyze().await?;
    let mut runs = Vec::new();
    for (mode, label) in [
        (LedgerMode::Draft, "draft"),
        (LedgerMode::Dispatch, "dispatch"),
    ] {
        let file = ledger(n, label, &units.names)?;
        let events_before = services
            .store
            .chain_head()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .0;
        let progress = LedgerProgress::default();
        let start = Instant::now();
        let out = services
            .import_ledger(&actor, &file, mode, &progress, ducha_service::now())
            .await
            .map_err(err)?;
        let seconds = start.elapsed().as_secs_f64();
        let events = services
            .store
            .chain_head()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .0
            - events_before;
        anyhow::ensure!(
            out.items.len() == n,
            "{} of {n} matters imported",
            out.items.len()
        );
        eprintln!(
            "[{name}] {label}: {n} matters in {seconds:.2} s ({} assignments, {events} events)",
            out.assignments
        );
        runs.push(ImportRun {
            mode: label,
            matters: n,
            file_bytes: file.len(),
            seconds,
            per_second: n as f64 / seconds.max(1e-9),
            assignments: out.assignments,
            events,
        });
    }
    Ok(LedgerResults {
        backend: name,
        settings,
        runs,
    })
}

/// The benchmark city's units.
struct Units {
    office: i64,
    /// Names of the units a ledger may name.
    names: Vec<String>,
}

async fn city(s: &Services) -> anyhow::Result<Units> {
    let now = ducha_service::now();
    let unit = |parent: Option<i64>, name: String, kind: &'static str| async move {
        s.create_unit(
            None,
            &UnitInput {
                parent_id: parent,
                name,
                kind: kind.into(),
                sort: 0,
            },
            now,
        )
        .await
        .map_err(err)
    };
    let city = unit(None, "基准市".into(), "city").await?;
    let office = unit(Some(city), "基准市督查室".into(), "supervision_body").await?;
    let mut names = Vec::new();
    for i in 0..UNITS {
        let (name, kind) = if i % 4 == 0 {
            (format!("第{i}县"), "county")
        } else {
            (format!("市第{i}局"), "department")
        };
        unit(Some(city), name.clone(), kind).await?;
        names.push(name);
    }
    Ok(Units { office, names })
}

/// A valid ledger of `n` matters in the template's columns, numbered `<prefix>-N`: every
/// other one with a second target on the row below.
pub fn ledger(n: usize, prefix: &str, units: &[String]) -> anyhow::Result<Vec<u8>> {
    let header = [
        "台账编号",
        "事项名称",
        "事项内容",
        "来源",
        "类别",
        "紧急程度",
        "交办日期",
        "办结时限",
        "牵头单位",
        "配合单位",
        "目标名称",
        "目标值",
        "计量单位",
        "报送频次",
        "是否公开",
        "备注",
    ];
    let sources = ["会议决策", "领导批示", "重点工作"];
    let categories = ["民生实事", "中心工作", "“三最”问题"];
    let deadline = (chrono::Utc::now() + chrono::Duration::days(120))
        .date_naive()
        .to_string();
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "基准市督查室督办台账")?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string(1, c as u16, *h)?;
    }
    let mut r: u32 = 2;
    for i in 0..n {
        let lead = &units[i % units.len()];
        let co = &units[(i * 7 + 3) % units.len()];
        let co = if co == lead { "" } else { co.as_str() };
        let cells = [
            format!("{prefix}-{i:05}"),
            format!("第{i}项督办事项：推进重点民生工程建设"),
            "按期完成建设任务并报送进展".into(),
            sources[i % sources.len()].into(),
            categories[i % categories.len()].into(),
            String::new(),
            "2026-01-05".into(),
            if i % 5 == 0 {
                "60个工作日".into()
            } else {
                deadline.clone()
            },
            lead.clone(),
            co.into(),
            "完成投资".into(),
            format!("{}", 100 + i % 900),
            "万元".into(),
            "每月5日".into(),
            "否".into(),
            "请按月报送进展".into(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16, v)?;
            }
        }
        r += 1;
        if i % 2 == 0 {
            ws.write_string(r, 10, "受益群众")?;
            ws.write_string(r, 11, "5000")?;
            ws.write_string(r, 12, "人")?;
            r += 1;
        }
    }
    Ok(book.save_to_buffer()?)
}
