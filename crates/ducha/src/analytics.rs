//! `ducha analytics …`: rebuilding and checking the chain analytics' derived tables.

use crate::backend::Backend;
use crate::config::Config;
use crate::{AnalyticsCommand, explain, with_db};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Instant;

/// Runs an analytics command; returns the exit code.
pub async fn run(cfg: Config, cmd: AnalyticsCommand) -> anyhow::Result<u8> {
    let AnalyticsCommand::Rebuild { db, check } = cmd;
    let cfg = with_db(cfg, &db)?;
    let backend = Backend::open_existing(&cfg.database).await?;
    let s = crate::serve::services(&backend, &cfg);
    s.init_calendar(ducha_service::now())
        .await
        .map_err(explain)?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} {per_sec} eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut last_line = Instant::now();
    let terminal = !bar.is_hidden();
    let mut progress = |phase: &'static str, done: u64, total: u64| {
        bar.set_message(phase);
        if total > 0 {
            bar.set_length(total);
        }
        bar.set_position(done);
        // Off a terminal the bar is hidden: plain lines for the log, every few seconds.
        if !terminal && last_line.elapsed().as_secs() >= 5 {
            last_line = Instant::now();
            eprintln!("analytics rebuild: {phase} {done}/{total}");
        }
    };
    let (stats, replayed) = s
        .replay_analytics(&mut progress, !check)
        .await
        .map_err(explain)?;
    bar.finish_and_clear();
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
