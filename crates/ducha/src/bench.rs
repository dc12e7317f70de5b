//! `ducha bench` (filled in by the benchmark work).

use crate::config::Config;

/// Benchmark options.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {}

/// Runs the benchmark.
pub async fn run(_cfg: Config, _args: BenchArgs) -> anyhow::Result<()> {
    Ok(())
}
