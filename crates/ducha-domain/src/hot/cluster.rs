//! The incremental clustering of appeals into hot issues.
//!
//! Each appeal's normalised text is cut into character bigrams (a run of one character is one
//! unigram), hashed to 64 bits. A MinHash signature of `bands × rows` values finds candidates
//! through LSH: each band's values, keyed with the appeal's scope (its place at
//! [`HotConfig::scope_depth`], e.g. the county), select a bucket, and the appeals sharing most
//! buckets are verified. Verification is a Jaccard similarity of the two bigram sets weighted
//! by inverse document frequency (so a community's or road's name counts for more than 不亮 or
//! 严重), plus a bonus when both chose the same category; places must lie on one line of the
//! org tree (the same unit, or one above the other). An appeal joins every cluster one of
//! whose members it matches, so clusters merge when a new appeal bridges two (single linkage).
//!
//! Adding one appeal touches its buckets and a bounded number of candidates, never the whole
//! set; clustering from scratch is adding each appeal in filing order, so a rebuild equals the
//! incremental result. No clock, no IO, no randomness beyond fixed seeds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::normalize::{ADMIN, concepts, normalize, place_anchors};

/// Tuning of the clustering (configuration `[service.hot]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotConfig {
    /// LSH bands.
    pub bands: usize,
    /// MinHash values per band.
    pub rows: usize,
    /// Weighted similarity (plus the category bonus) at which two appeals are the same issue.
    pub threshold: f64,
    /// Added to the similarity when both appeals have the same category.
    pub category_bonus: f64,
    /// Added when both appeals name the same place (a road's, a community's name).
    pub place_bonus: f64,
    /// Most candidates verified per new appeal (those sharing the most buckets first).
    pub max_candidates: usize,
    /// Most members of one bucket looked at (the most recent first).
    pub max_bucket_scan: usize,
    /// Depth of the place path that scopes the buckets (0 = the whole tree is one scope).
    pub scope_depth: usize,
}

impl Default for HotConfig {
    fn default() -> Self {
        HotConfig {
            bands: 32,
            rows: 1,
            threshold: 0.25,
            category_bonus: 0.05,
            place_bonus: 0.1,
            max_candidates: 64,
            max_bucket_scan: 256,
            scope_depth: 1,
        }
    }
}

/// An appeal as the clustering sees it.
#[derive(Debug, Clone, Copy)]
pub struct HotAppeal<'a> {
    /// Its place as the path of unit ids from the root of the org tree to the unit named.
    pub place: &'a [u64],
    /// The category chosen.
    pub category: &'a str,
    /// The citizen's text.
    pub text: &'a str,
}

/// What adding an appeal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// The appeal's index (the order it was added in, from 0).
    pub index: u32,
    /// Its cluster, named by the index of the cluster's first appeal.
    pub cluster: u32,
    /// Clusters that this appeal merged into `cluster` (each named by its first appeal).
    pub merged: Vec<u32>,
}

/// A fast hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type FastMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// SplitMix64's finaliser: a good, cheap 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash_str(s: &str) -> u64 {
    let mut h = 0xCBF2_9CE4_8422_2325u64;
    for b in s.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3);
    }
    mix(h)
}

/// The sorted, distinct shingle hashes of `text`: character bigrams of each normalised run, a
/// single-character run as itself.
pub fn shingles(text: &str) -> Vec<u64> {
    shingles_of(&normalize(text), &[])
}

fn bigram(a: char, b: char) -> u64 {
    mix((u64::from(a as u32) << 21) | u64::from(b as u32))
}

/// Unigrams and bigrams of `runs`, leaving out those with a character of `skip`.
fn shingles_of(runs: &[String], skip: &[char]) -> Vec<u64> {
    let mut out = Vec::new();
    for run in runs {
        let cs: Vec<char> = run.chars().collect();
        out.extend(
            cs.iter()
                .filter(|c| !skip.contains(c))
                .map(|&c| mix(u64::from(c as u32) | 1 << 40)),
        );
        for w in cs.windows(2) {
            if !skip.contains(&w[0]) && !skip.contains(&w[1]) {
                out.push(bigram(w[0], w[1]));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The MinHash signature of a shingle set: `k` minima under `k` fixed hash functions.
pub fn signature(shingles: &[u64], k: usize) -> Vec<u64> {
    let mut sig = vec![u64::MAX; k];
    for &s in shingles {
        for (i, m) in sig.iter_mut().enumerate() {
            let v = mix(s ^ SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1));
            if v < *m {
                *m = v;
            }
        }
    }
    sig
}

const SEEDS: [u64; 8] = [
    0x243F_6A88_85A3_08D3,
    0x1319_8A2E_0370_7344,
    0xA409_3822_299F_31D0,
    0x082E_FA98_EC4E_6C89,
    0x4528_21E6_38D0_1377,
    0xBE54_66CF_34E9_0C6C,
    0xC0AC_29B7_C97C_50DD,
    0x3F84_D5B5_B547_0917,
];

/// One appeal as kept by the clusterer.
#[derive(Debug, Clone)]
struct Doc {
    /// Every shingle (for the signature and for finding a place's name).
    shingles: Vec<u64>,
    /// The shingles that are not part of a place's name: what the appeal says is wrong.
    content: Vec<u64>,
    anchors: Vec<u64>,
    place: Vec<u64>,
    category: u64,
}

/// The clusters of every appeal added so far, and the index to add more.
#[derive(Debug, Clone)]
pub struct Clusterer {
    config: HotConfig,
    docs: Vec<Doc>,
    /// Union-find parents; a root is its cluster's first appeal (smallest index).
    parent: Vec<u32>,
    /// Members of each cluster, kept at its root (empty elsewhere), oldest first.
    members: Vec<Vec<u32>>,
    /// Documents per shingle.
    df: FastMap<u32>,
    /// Members per LSH bucket.
    buckets: FastMap<Vec<u32>>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: HotConfig) -> Self {
        Clusterer {
            config,
            docs: Vec::new(),
            parent: Vec::new(),
            members: Vec::new(),
            df: FastMap::default(),
            buckets: FastMap::default(),
        }
    }

    /// How many appeals were added.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The cluster of appeal `index` (named by its first appeal).
    pub fn cluster_of(&mut self, index: u32) -> u32 {
        self.find(index)
    }

    /// The cluster of every appeal, by index.
    pub fn clusters(&mut self) -> Vec<u32> {
        (0..self.docs.len() as u32).map(|i| self.find(i)).collect()
    }

    fn find(&mut self, mut x: u32) -> u32 {
        let mut root = x;
        while self.parent[root as usize] != root {
            root = self.parent[root as usize];
        }
        while self.parent[x as usize] != root {
            let next = self.parent[x as usize];
            self.parent[x as usize] = root;
            x = next;
        }
        root
    }

    fn scope(&self, place: &[u64]) -> u64 {
        let depth = self.config.scope_depth.min(place.len());
        place[..depth]
            .iter()
            .fold(0x9E37_79B9_7F4A_7C15, |h, &p| mix(h ^ p))
    }

    fn idf(&self, s: u64) -> f64 {
        let df = self.df.get(&s).copied().unwrap_or(0);
        ((self.docs.len() as f64 + 1.0) / (f64::from(df) + 1.0)).ln() + 1.0
    }

    /// Weighted Jaccard of two sorted shingle sets.
    fn similarity(&self, a: &[u64], b: &[u64]) -> f64 {
        let (mut i, mut j) = (0, 0);
        let (mut common, mut union) = (0.0, 0.0);
        while i < a.len() && j < b.len() {
            if a[i] == b[j] {
                let w = self.idf(a[i]);
                common += w;
                union += w;
                i += 1;
                j += 1;
            } else if a[i] < b[j] {
                union += self.idf(a[i]);
                i += 1;
            } else {
                union += self.idf(b[j]);
                j += 1;
            }
        }
        union += a[i..].iter().map(|&s| self.idf(s)).sum::<f64>();
        union += b[j..].iter().map(|&s| self.idf(s)).sum::<f64>();
        if union == 0.0 { 0.0 } else { common / union }
    }

    /// Adds one appeal and returns its cluster and the clusters it merged.
    pub fn add(&mut self, appeal: HotAppeal<'_>) -> Added {
        let runs = normalize(appeal.text);
        let named = place_anchors(&runs);
        let place_chars: Vec<char> = named.iter().flat_map(|(cs, _)| *cs).collect();
        let doc = Doc {
            shingles: shingles_of(&runs, &[]),
            content: {
                let mut c = shingles_of(&runs, &place_chars);
                c.extend(concepts(&runs).iter().map(|name| hash_str(name)));
                c.sort_unstable();
                c.dedup();
                c
            },
            anchors: {
                let mut a: Vec<u64> = named
                    .iter()
                    .filter(|(_, class)| *class != ADMIN)
                    .map(|([a, b], _)| bigram(*a, *b))
                    .collect();
                a.sort_unstable();
                a
            },
            place: appeal.place.to_vec(),
            category: hash_str(appeal.category),
        };
        let index = self.docs.len() as u32;
        let (bands, rows) = (self.config.bands, self.config.rows);
        let sig = signature(&doc.shingles, bands * rows);
        let scope = self.scope(&doc.place);
        // Band keys; an appeal with nothing comparable gets no buckets and stays alone.
        let keys: Vec<u64> = if doc.shingles.is_empty() {
            Vec::new()
        } else {
            (0..bands)
                .map(|b| {
                    sig[b * rows..(b + 1) * rows]
                        .iter()
                        .fold(mix(scope ^ b as u64), |h, &v| mix(h ^ v))
                })
                .collect()
        };
        // Candidates by the number of buckets shared.
        let mut hits: FastMap<u32> = FastMap::default();
        for key in &keys {
            if let Some(members) = self.buckets.get(key) {
                for &m in members.iter().rev().take(self.config.max_bucket_scan) {
                    *hits.entry(u64::from(m)).or_insert(0) += 1;
                }
            }
        }
        let mut candidates: Vec<(u32, u32)> =
            hits.into_iter().map(|(m, n)| (n, m as u32)).collect();
        candidates.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        candidates.truncate(self.config.max_candidates);
        // The document frequencies include the new appeal before it is compared.
        for &s in &doc.shingles {
            *self.df.entry(s).or_insert(0) += 1;
        }
        self.docs.push(doc);
        self.parent.push(index);
        self.members.push(vec![index]);
        let mut roots: Vec<u32> = Vec::new();
        let mut refused: Vec<u32> = Vec::new();
        for &(_, m) in &candidates {
            let r = self.find(m);
            if roots.contains(&r) || refused.contains(&r) {
                continue;
            }
            let (new, old) = (&self.docs[index as usize], &self.docs[m as usize]);
            if !on_one_line(&new.place, &old.place) || !names_agree(new, old) {
                continue;
            }
            let mut score = self.similarity(&new.content, &old.content);
            if new.anchors.iter().any(|a| old.anchors.contains(a)) {
                score += self.config.place_bonus;
            }
            if new.category == old.category {
                score += self.config.category_bonus;
            }
            if score < self.config.threshold {
                continue;
            }
            // The whole cluster must be able to be about the new appeal's place (the most
            // recent members checked), so an appeal naming no place, or filed only at the
            // county, cannot chain two places.
            let agree = self.members[r as usize]
                .iter()
                .rev()
                .take(self.config.max_bucket_scan)
                .all(|&o| {
                    let (new, old) = (&self.docs[index as usize], &self.docs[o as usize]);
                    on_one_line(&new.place, &old.place) && names_agree(new, old)
                });
            if agree {
                roots.push(r);
            } else {
                refused.push(r);
            }
        }
        for key in keys {
            self.buckets.entry(key).or_default().push(index);
        }
        roots.sort_unstable();
        let Some(&first) = roots.first() else {
            return Added {
                index,
                cluster: index,
                merged: Vec::new(),
            };
        };
        let mut joined = std::mem::take(&mut self.members[first as usize]);
        for &r in &roots[1..] {
            self.parent[r as usize] = first;
            let more = std::mem::take(&mut self.members[r as usize]);
            joined.extend(more);
        }
        self.parent[index as usize] = first;
        // Oldest first; the new appeal is the newest, so only a merge needs sorting.
        if roots.len() > 1 {
            joined.sort_unstable();
        }
        joined.push(index);
        self.members[index as usize].clear();
        self.members[first as usize] = joined;
        Added {
            index,
            cluster: first,
            merged: roots[1..].to_vec(),
        }
    }
}

/// Whether one place is the other or lies under it (paths from the root).
fn on_one_line(a: &[u64], b: &[u64]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

/// Whether the places two appeals name let them be about one problem: each mentions one of the
/// other's places (if it names any), and not both name a place the other does not mention
/// (two crossings of one road, two communities whose complaints share a sentence).
fn names_agree(a: &Doc, b: &Doc) -> bool {
    let unmatched = |x: &Doc, y: &Doc| {
        x.anchors
            .iter()
            .any(|n| y.shingles.binary_search(n).is_err())
    };
    names_met(&a.anchors, &b.shingles)
        && names_met(&b.anchors, &a.shingles)
        && !(unmatched(a, b) && unmatched(b, a))
}

/// Whether an appeal naming the places `anchors` (bigram hashes) can be about the same
/// problem as one with `shingles`: it names none, or the other mentions one of them.
fn names_met(anchors: &[u64], shingles: &[u64]) -> bool {
    anchors.is_empty() || anchors.iter().any(|a| shingles.binary_search(a).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clusterer that has seen other appeals elsewhere, so words have frequencies.
    fn seasoned() -> Clusterer {
        let mut c = Clusterer::new(HotConfig::default());
        for a in super::super::sample::generate(11, 400) {
            add(&mut c, &[9, 9], &a.text);
        }
        c
    }

    fn add(c: &mut Clusterer, place: &[u64], text: &str) -> Added {
        c.add(HotAppeal {
            place,
            category: "市政设施",
            text,
        })
    }

    #[test]
    fn edge_cases_stay_alone_without_panicking() {
        let mut c = Clusterer::new(HotConfig::default());
        for text in [
            "",
            "   ",
            "灯",
            "12345678901",
            "🙏😡🙏",
            "，。！",
            "谢谢！",
            "a",
        ] {
            let a = add(&mut c, &[1, 2], text);
            assert_eq!(a.cluster, a.index, "{text:?} joined something");
        }
        // Twice the same nothing is still nothing in common.
        let a = add(&mut c, &[1, 2], "");
        assert_eq!(a.cluster, a.index);
    }

    #[test]
    fn the_same_problem_in_other_words_joins_and_another_place_does_not() {
        let mut c = seasoned();
        let first = add(
            &mut c,
            &[1, 2],
            "建设路与人民路交叉口的路灯坏了半个月，晚上黑漆漆的",
        );
        let same = add(
            &mut c,
            &[1, 2],
            "您好，人民路与建设路交叉口路灯不亮了，黑漆漆的，走夜路很危险！",
        );
        assert_eq!(same.cluster, first.cluster);
        let other_crossing = add(
            &mut c,
            &[1, 2],
            "建设路与解放路交叉口的路灯坏了半个月，晚上黑漆漆的",
        );
        assert_ne!(other_crossing.cluster, first.cluster);
        let other_township = add(
            &mut c,
            &[1, 3],
            "建设路与人民路交叉口的路灯坏了半个月，晚上黑漆漆的",
        );
        assert_ne!(other_township.cluster, first.cluster);
        let county_only = add(
            &mut c,
            &[1],
            "建设路与人民路交叉口那里路灯坏了，晚上黑漆漆的",
        );
        assert_eq!(county_only.cluster, first.cluster);
    }

    #[test]
    fn an_appeal_bridging_two_clusters_merges_them_under_the_older() {
        let mut c = seasoned();
        let a = add(&mut c, &[1, 2], "幸福里小区的电梯又坏了，老人只能爬楼");
        let b = add(
            &mut c,
            &[1, 2],
            "幸福里小区楼下饭店的油烟直排，熏得家里全是味",
        );
        assert_ne!(a.cluster, b.cluster, "too far apart to join directly");
        let bridge = add(
            &mut c,
            &[1, 2],
            "幸福里小区的电梯又坏了，老人只能爬楼，楼下饭店的油烟直排，熏得家里全是味",
        );
        assert_eq!(bridge.cluster, a.index);
        assert_eq!(bridge.merged, vec![b.index]);
        assert_eq!(c.cluster_of(b.index), a.index);
    }

    #[test]
    fn rebuilding_from_scratch_equals_adding_one_by_one() {
        let appeals = super::super::sample::generate(7, 300);
        let run = |appeals: &[super::super::sample::SampleAppeal]| {
            let mut c = Clusterer::new(HotConfig::default());
            for a in appeals {
                let place: Vec<u64> = a.place.split('/').map(hash_str).collect();
                c.add(HotAppeal {
                    place: &place,
                    category: a.category,
                    text: &a.text,
                });
            }
            c.clusters()
        };
        let once = run(&appeals);
        assert_eq!(once, run(&appeals));
        assert!(once.iter().enumerate().any(|(i, &k)| k as usize != i));
    }
}
