//! `ducha analytics …`: rebuilding and checking the chain analytics' derived tables.

use crate::backend::Backend;
use crate::config::Config;
use crate::progress::Progress;
use crate::{AnalyticsCommand, explain, with_db};

/// Runs an analytics command; returns the exit code.
pub async fn run(cfg: Config, cmd: AnalyticsCommand) -> anyhow::Result<u8> {
    let AnalyticsCommand::Rebuild { db, check } = cmd;
    let cfg = with_db(cfg, &db)?;
    let backend = Backend::open_existing(&cfg.database).await?;
    let s = crate::serve::services(&backend, &cfg);
    s.init_calendar(ducha_service::now())
        .await
        .map_err(explain)?;
    let bar = Progress::new("analytics rebuild", 0);
    let started = std::time::Instant::now();
    let mut progress = |phase: &'static str, done: u64, total: u64| {
        if total > 0 {
            bar.set_length(total);
        }
        bar.phase(phase);
        bar.set(done);
    };
    let (stats, replayed) = s
        .replay_analytics(&mut progress, !check)
        .await
        .map_err(explain)?;
    bar.finish(&format!("{} events replayed", stats.events));
    let secs = started.elapsed().as_secs_f64();
    if !check {
        println!(
            "rebuilt in {secs:.1} s: {} events replayed, {} assignments, {} hops, {} findings",
            stats.events, stats.assignments, stats.hops, stats.findings
        );
        return Ok(0);
    }
    let stored = s.analytics_tables().await.map_err(explain)?;
    let bad: Vec<String> = [
        first_difference("hop facts", &stored.facts, &replayed.facts),
        first_difference("hop log", &stored.log, &replayed.log),
        first_difference("stall sums", &stored.stats, &replayed.stats),
        first_difference(
            "stall sums by source and category",
            &stored.kinds,
            &replayed.kinds,
        ),
        first_difference(
            "stall sums over all months",
            &stored.totals,
            &replayed.totals,
        ),
        first_difference("findings", &stored.findings, &replayed.findings),
    ]
    .into_iter()
    .flatten()
    .collect();
    if bad.is_empty() {
        println!(
            "OK: the stored analytics equal a replay of {} events ({} assignments, {} hops, {} findings)",
            stats.events, stats.assignments, stats.hops, stats.findings
        );
        Ok(0)
    } else {
        println!("DIFFERS from a replay of the log:");
        for line in bad {
            println!("  {line}");
        }
        Ok(1)
    }
}

/// Where two tables first differ, as a line: the row number and both rows.
fn first_difference<T: PartialEq + std::fmt::Debug>(
    name: &str,
    stored: &[T],
    replayed: &[T],
) -> Option<String> {
    if stored == replayed {
        return None;
    }
    let i = stored
        .iter()
        .zip(replayed)
        .position(|(a, b)| a != b)
        .unwrap_or(stored.len().min(replayed.len()));
    Some(format!(
        "{name}: {} stored, {} replayed; row {i}: stored {:?} / replayed {:?}",
        stored.len(),
        replayed.len(),
        stored.get(i),
        replayed.get(i)
    ))
}
