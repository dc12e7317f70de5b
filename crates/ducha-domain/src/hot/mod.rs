//! Hot issues (热点诉求): citizens' appeals about the same concrete problem, found by the
//! similarity of their Chinese text together with their place and category.
//!
//! - [`normalize`]: one spelling for what citizens write in many, boilerplate left out;
//! - [`cluster`]: shingles, MinHash and LSH buckets, the weighted verification and the
//!   incremental clusterer;
//! - [`sample`]: a deterministic generator of realistic labelled appeals (tests, benchmark,
//!   demo city);
//! - [`trend`]: counts per week and a complaint returning after its item closed;
//! - [`issue`]: a hot issue's states, satisfaction and place on the org tree.

pub mod cluster;
pub mod issue;
pub mod normalize;
pub mod sample;
pub mod trend;

pub use cluster::{Added, Clusterer, HotAppeal, HotConfig};

/// Pairwise precision and recall of a clustering against the true labels: over all pairs of
/// items, precision is the share of pairs put together that belong together, recall the share
/// of pairs that belong together that were put together. With no pairs either way, 1.
pub fn pairwise_scores(labels: &[u32], predicted: &[u32]) -> (f64, f64) {
    use std::collections::HashMap;
    fn pairs(n: u64) -> u64 {
        n * n.saturating_sub(1) / 2
    }
    let mut both: HashMap<(u32, u32), u64> = HashMap::new();
    let mut by_label: HashMap<u32, u64> = HashMap::new();
    let mut by_pred: HashMap<u32, u64> = HashMap::new();
    for (&l, &p) in labels.iter().zip(predicted) {
        *both.entry((l, p)).or_default() += 1;
        *by_label.entry(l).or_default() += 1;
        *by_pred.entry(p).or_default() += 1;
    }
    let tp: u64 = both.values().map(|&n| pairs(n)).sum();
    let same_pred: u64 = by_pred.values().map(|&n| pairs(n)).sum();
    let same_label: u64 = by_label.values().map(|&n| pairs(n)).sum();
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    (ratio(tp, same_pred), ratio(tp, same_label))
}
