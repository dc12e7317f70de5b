//! `ducha bench --hot N`: the hot-issue clustering of N generated appeals from scratch, then
//! the latency of adding one more appeal at a time to the clusters of N (each of the next
//! `--hot-adds` appeals timed alone), and the pairwise precision and recall reached on them.
//! Pure computation in this process: no database, so one figure for both backends.

use super::Latency;
use ducha_domain::hot::sample::generate;
use ducha_domain::hot::{Clusterer, HotAppeal, HotConfig, pairwise_scores};
use serde::Serialize;
use std::collections::HashMap;
use std::time::Instant;

/// The clustering benchmark's figures.
#[derive(Debug, Serialize)]
pub struct HotResults {
    /// Appeals clustered from scratch.
    pub appeals: usize,
    /// Seconds to cluster them from scratch (adding each in filing order).
    pub from_scratch_s: f64,
    /// Hot issues (clusters) found among them, and those of two appeals or more.
    pub clusters: usize,
    /// Clusters of at least two appeals.
    pub clusters_of_two_or_more: usize,
    /// Adding one appeal to the clusters of all the others.
    pub add_one: Latency,
    /// Pairwise precision against the generator's labels.
    pub precision: f64,
    /// Pairwise recall against the generator's labels.
    pub recall: f64,
}

/// Runs the clustering benchmark and prints its figures as JSON (and writes them to `json`).
pub fn run(n: usize, adds: usize, json: Option<&std::path::Path>) -> anyhow::Result<()> {
    let appeals = generate(1, n + adds);
    let mut ids: HashMap<&str, u64> = HashMap::new();
    let places: Vec<Vec<u64>> = appeals
        .iter()
        .map(|a| {
            a.place
                .split('/')
                .map(|p| {
                    let next = ids.len() as u64 + 1;
                    *ids.entry(p).or_insert(next)
                })
                .collect()
        })
        .collect();
    let input = |i: usize| HotAppeal {
        place: &places[i],
        category: appeals[i].category,
        text: &appeals[i].text,
    };
    let mut c = Clusterer::new(HotConfig::default());
    let started = Instant::now();
    for i in 0..n {
        c.add(input(i));
    }
    let from_scratch_s = started.elapsed().as_secs_f64();
    let mut samples = Vec::with_capacity(adds);
    for i in n..n + adds {
        let t = Instant::now();
        c.add(input(i));
        samples.push(t.elapsed());
    }
    let predicted = c.clusters();
    let labels: Vec<u32> = appeals.iter().map(|a| a.label).collect();
    let (precision, recall) = pairwise_scores(&labels, &predicted);
    let mut sizes: HashMap<u32, usize> = HashMap::new();
    for &k in &predicted {
        *sizes.entry(k).or_default() += 1;
    }
    let results = HotResults {
        appeals: n,
        from_scratch_s,
        clusters: sizes.len(),
        clusters_of_two_or_more: sizes.values().filter(|&&s| s >= 2).count(),
        add_one: Latency::of(samples),
        precision,
        recall,
    };
    let text = serde_json::to_string_pretty(&results)?;
    println!("{text}");
    if let Some(path) = json {
        std::fs::write(path, &text)?;
    }
    Ok(())
}
