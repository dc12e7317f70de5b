//! The clustering against labelled appeals: the shipped set (seed 1) and a held-out set
//! generated with another seed, each asserted at pairwise precision ≥ 0.9 and recall ≥ 0.85.

use std::collections::HashMap;

use ducha_domain::hot::sample::{SampleAppeal, generate, to_tsv};
use ducha_domain::hot::{Clusterer, HotAppeal, HotConfig, pairwise_scores};

const SHIPPED: &str = include_str!("data/appeals-labelled.tsv");

fn parse(tsv: &str) -> Vec<(u32, Vec<u64>, String, String)> {
    let mut ids: HashMap<String, u64> = HashMap::new();
    tsv.lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "{line}");
            let place = f[2]
                .split('/')
                .map(|p| {
                    let n = ids.len() as u64 + 1;
                    *ids.entry(p.to_string()).or_insert(n)
                })
                .collect();
            (
                f[1].parse().expect("label"),
                place,
                f[3].to_string(),
                f[4].to_string(),
            )
        })
        .collect()
}

fn scores(tsv: &str) -> (f64, f64, usize, usize) {
    let rows = parse(tsv);
    let mut c = Clusterer::new(HotConfig::default());
    for (_, place, category, text) in &rows {
        c.add(HotAppeal {
            place,
            category,
            text,
        });
    }
    let labels: Vec<u32> = rows.iter().map(|r| r.0).collect();
    let predicted = c.clusters();
    let (p, r) = pairwise_scores(&labels, &predicted);
    let mut distinct = predicted.clone();
    distinct.sort_unstable();
    distinct.dedup();
    let mut truth = labels.clone();
    truth.sort_unstable();
    truth.dedup();
    eprintln!(
        "{} appeals, {} labels, {} clusters: precision {p:.3} recall {r:.3}",
        rows.len(),
        truth.len(),
        distinct.len()
    );
    (p, r, rows.len(), truth.len())
}

#[test]
fn shipped_set_is_the_generators_output() {
    let generated: Vec<SampleAppeal> = generate(1, 1200);
    assert_eq!(
        to_tsv(&generated),
        SHIPPED,
        "regenerate with `cargo run -p ducha-domain --example hot_sample`"
    );
}

#[test]
fn shipped_set_clusters_with_precision_and_recall() {
    let (p, r, n, labels) = scores(SHIPPED);
    assert!(n >= 1000 && labels >= 150, "{n} appeals, {labels} labels");
    assert!(p >= 0.9, "precision {p:.3}");
    assert!(r >= 0.85, "recall {r:.3}");
}

#[test]
fn held_out_sets_cluster_with_precision_and_recall() {
    for seed in [2, 3] {
        let (p, r, _, _) = scores(&to_tsv(&generate(seed, 1200)));
        assert!(p >= 0.9, "seed {seed}: precision {p:.3}");
        assert!(r >= 0.85, "seed {seed}: recall {r:.3}");
    }
}
