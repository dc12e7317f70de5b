//! `ducha calendar …` and `ducha jobs …`: the clock's console commands.

use crate::backend::Backend;
use crate::config::Config;
use crate::{CalendarCommand, JobsCommand, explain, with_db};
use anyhow::Context;
use ducha_service::clock::{Clock, JobName, Scheduler};

/// Opens the configured database with its calendar loaded.
async fn services(cfg: &Config) -> anyhow::Result<ducha_service::Services> {
    let backend = Backend::open(&cfg.database).await?;
    backend.init_chain(&cfg.audit.hash).await?;
    let s = crate::serve::services(&backend, cfg);
    s.init_calendar(ducha_service::now())
        .await
        .map_err(explain)?;
    Ok(s)
}

/// Runs a calendar command; returns the exit code.
pub async fn calendar(cfg: Config, cmd: CalendarCommand) -> anyhow::Result<u8> {
    match cmd {
        CalendarCommand::Show { db, year } => {
            if !(2000..=2100).contains(&year) {
                anyhow::bail!("year must be 2000–2100");
            }
            let s = services(&with_db(cfg, &db)?).await?;
            let y = s.calendar_year(year).await.map_err(explain)?;
            if !y.published {
                println!(
                    "{year}: 未载入国务院节假日安排（仅按周末计算）/ no official schedule loaded (weekends only)"
                );
            }
            println!("{year} 法定节假日 / holidays ({}):", y.holidays.len());
            for d in &y.holidays {
                println!("  {} {}  {}", d.date, weekday(d.date), d.name);
            }
            println!(
                "{year} 调休上班 / make-up working days ({}):",
                y.workdays.len()
            );
            for d in &y.workdays {
                println!("  {} {}  {}", d.date, weekday(d.date), d.name);
            }
            println!("{year} 全年工作日 / working days: {}", y.working_days);
        }
        CalendarCommand::Add { db, date, n } => {
            if n > 10_000 {
                anyhow::bail!("N must be at most 10000");
            }
            let s = services(&with_db(cfg, &db)?).await?;
            let d = s.add_working_days(date, n);
            println!("{d} {}", weekday(d));
        }
        CalendarCommand::Load { db, file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let s = services(&with_db(cfg, &db)?).await?;
            let done = s
                .load_calendar(None, &text, ducha_service::now())
                .await
                .map_err(explain)?;
            println!(
                "loaded {} days for {:?} (event {})",
                done.days, done.years, done.event_seq
            );
        }
    }
    Ok(0)
}

fn weekday(d: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]
        [d.weekday().num_days_from_monday() as usize]
}

/// Runs a jobs command; returns the exit code.
pub async fn jobs(cfg: Config, cmd: JobsCommand) -> anyhow::Result<u8> {
    match cmd {
        JobsCommand::RunOnce { db, job, at } => {
            let Some(name) = JobName::parse(&job) else {
                let names: Vec<&str> = JobName::ALL.iter().map(|j| j.as_str()).collect();
                anyhow::bail!("unknown job {job}: use one of {}", names.join(", "));
            };
            let cfg = with_db(cfg, &db)?;
            let s = services(&cfg).await?;
            let owner = format!("cli-{}", std::process::id());
            let mut sched = Scheduler::new(s, cfg.scheduler.clone(), owner).map_err(explain)?;
            if let Some(at) = at {
                let t = chrono::DateTime::parse_from_rfc3339(&at).with_context(|| {
                    format!("--at {at}: use RFC 3339, e.g. 2026-11-27T09:00:00+08:00")
                })?;
                sched = sched.with_clock(Clock::Fixed(t.with_timezone(&chrono::Utc)));
            }
            sched.ensure_jobs().await.map_err(explain)?;
            match sched.run_once(name, true).await.map_err(explain)? {
                Some(outcome) => println!("{outcome}"),
                None => {
                    eprintln!("{job} is running on another node; try again when its lease ends");
                    return Ok(2);
                }
            }
        }
        JobsCommand::List { db } => {
            let cfg = with_db(cfg, &db)?;
            let backend = Backend::open(&cfg.database).await?;
            let s = crate::serve::services(&backend, &cfg);
            for j in s.store.jobs().await.map_err(|e| anyhow::anyhow!(e))? {
                println!(
                    "{:<9} runs {:>6}  next {}  lease {}  last {}",
                    j.name,
                    j.runs,
                    j.next_run_at.format("%Y-%m-%d %H:%M:%S"),
                    j.lease_owner.as_deref().unwrap_or("-"),
                    j.last_result.as_deref().unwrap_or("-"),
                );
            }
        }
    }
    Ok(0)
}
