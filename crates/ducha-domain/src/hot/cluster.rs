//! The incremental clustering of appeals into hot issues.
//!
//! Each appeal's normalised text is cut into character bigrams (a run of one character is one
//! unigram), hashed to 64 bits. A MinHash signature of `bands × rows` values finds candidates
//! through LSH: each band's values, keyed with the appeal's scope (its place at
//! [`HotConfig::scope_depth`], e.g. the county), select a bucket, and the appeals sharing most
//! buckets are verified. Verification is a Jaccard similarity of the two bigram sets weighted
//! by inverse document frequency (so a community's or road's name counts for more than 不亮 or
//! 严重), plus bonuses when both chose the same category, name the same place or speak of the
//! same everyday concept (and a penalty when their concepts differ); places must lie on one
//! line of the org tree (the same unit, or one above the other). A place named once with its
//! ending (幸福里小区) is recognised later without it (幸福里).
//!
//! Linkage is by cluster, not by any one member (which chained unrelated problems of one
//! road or village together as the set grew): each candidate cluster is judged once, through
//! its member sharing the most buckets; the appeal joins it when it matches that member, its
//! place lies on the cluster's line, and its mean score over a few representatives spread
//! over the cluster's life reaches [`HotConfig::cluster_threshold`]. It joins the best such
//! cluster; another merges in only when their places lie on one line and their
//! representatives match each other, so an appeal filed only at the county never merges two
//! townships' problems.
//!
//! Adding one appeal touches its buckets and a bounded number of candidates, never the whole
//! set; clustering from scratch is adding each appeal in filing order, so a rebuild equals the
//! incremental result. No clock, no IO, no randomness beyond fixed seeds.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

use super::normalize::{ADMIN, concept_set, normalize, place_anchors};

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
    /// Members of a cluster, spread evenly over its life, that an appeal is compared with
    /// before it joins the cluster.
    pub representatives: usize,
    /// Mean score over a cluster's representatives at which an appeal that matches one of
    /// its members joins it (average rather than single linkage).
    pub cluster_threshold: f64,
    /// Two clusters that one appeal joins merge only when one of them has at most this many
    /// members, or their representatives match each other at `cluster_threshold`.
    pub merge_guard: usize,
    /// Taken from the score when both appeals speak of everyday concepts (lift, wages,
    /// noise …) and none of them is shared.
    pub topic_penalty: f64,
    /// Added when both appeals speak of one of the same everyday concepts.
    pub topic_bonus: f64,
    /// Fewest LSH buckets an earlier appeal must share with a new one to be a candidate.
    pub min_shared_buckets: u16,
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
            max_bucket_scan: 128,
            scope_depth: 1,
            representatives: 6,
            cluster_threshold: 0.15,
            merge_guard: 0,
            topic_penalty: 0.1,
            topic_bonus: 0.05,
            min_shared_buckets: 3,
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
    let mut out = Vec::new();
    shingles_of(&normalize(text), &[], &mut out);
    out.sort_unstable();
    out.dedup();
    out
}

fn bigram(a: char, b: char) -> u64 {
    mix((u64::from(a as u32) << 21) | u64::from(b as u32))
}

fn unigram(c: char) -> u64 {
    mix(u64::from(c as u32) | 1 << 40)
}

/// Unigrams and bigrams of `runs` into `out` (unsorted), leaving out those with a character
/// of `skip`.
fn shingles_of(runs: &[String], skip: &[char], out: &mut Vec<u64>) {
    for run in runs {
        let mut prev: Option<char> = None;
        for c in run.chars() {
            let kept = !skip.contains(&c);
            if kept {
                out.push(unigram(c));
            }
            if let Some(p) = prev
                && kept
                && !skip.contains(&p)
            {
                out.push(bigram(p, c));
            }
            prev = Some(c);
        }
    }
}

/// The MinHash signature of a shingle set: `k` minima under `k` fixed hash functions.
pub fn signature(shingles: &[u64], k: usize) -> Vec<u64> {
    let mut sig = vec![u64::MAX; k];
    let seeds: Vec<u64> = (0..k)
        .map(|i| SEEDS[i % SEEDS.len()].wrapping_mul(i as u64 + 1))
        .collect();
    for &s in shingles {
        for (m, &seed) in sig.iter_mut().zip(&seeds) {
            let v = mix(s ^ seed);
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

/// One appeal as kept by the clusterer; shingles are interned ids, sorted.
#[derive(Debug, Clone)]
struct Doc {
    /// Every shingle (for finding a place's name).
    shingles: Vec<u32>,
    /// The shingles that are not part of a place's name: what the appeal says is wrong.
    content: Vec<u32>,
    anchors: Vec<u32>,
    place: Vec<u64>,
    category: u64,
    /// The everyday concepts it speaks of (bits of the thesaurus).
    topics: u32,
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
    /// At a root, the member with the deepest place: every member's place lies on its line.
    deepest: Vec<u32>,
    /// Dense id of each shingle hash seen.
    ids: FastMap<u32>,
    /// Documents per shingle id, and the logarithm of one more (for the weights).
    df: Vec<u32>,
    ln_df: Vec<f64>,
    /// Members per LSH bucket.
    buckets: FastMap<Vec<u32>>,
    /// Appeals that named each place (bigram hash before a place-name ending), so that a
    /// later appeal writing 幸福里 without 小区 is known to name it too.
    known_places: FastMap<u32>,
    /// Scratch: buckets shared with the appeal being added, per appeal, and those touched.
    hits: Vec<u16>,
    touched: Vec<u32>,
    /// Scratch: each cluster's place among the candidates, by root.
    slot: Vec<u32>,
}

impl Clusterer {
    /// An empty clusterer.
    pub fn new(config: HotConfig) -> Self {
        Clusterer {
            config,
            docs: Vec::new(),
            parent: Vec::new(),
            members: Vec::new(),
            deepest: Vec::new(),
            ids: FastMap::default(),
            df: Vec::new(),
            ln_df: Vec::new(),
            buckets: FastMap::default(),
            known_places: FastMap::default(),
            hits: Vec::new(),
            touched: Vec::new(),
            slot: Vec::new(),
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

    /// The sorted, distinct ids of `hashes`, interning new ones.
    fn intern(&mut self, mut hashes: Vec<u64>) -> Vec<u32> {
        hashes.sort_unstable();
        hashes.dedup();
        let mut out: Vec<u32> = hashes
            .into_iter()
            .map(|h| {
                let next = self.df.len() as u32;
                let id = *self.ids.entry(h).or_insert(next);
                if id == next {
                    self.df.push(0);
                    self.ln_df.push(0.0);
                }
                id
            })
            .collect();
        out.sort_unstable();
        out
    }

    /// Inverse document frequency of shingle `id`, given `ln_n` = ln(documents + 1).
    fn idf(&self, id: u32, ln_n: f64) -> f64 {
        ln_n - self.ln_df[id as usize] + 1.0
    }

    /// Weighted Jaccard of two sorted shingle sets.
    fn similarity(&self, a: &[u32], b: &[u32], ln_n: f64) -> f64 {
        let (mut i, mut j) = (0, 0);
        let (mut common, mut union) = (0.0, 0.0);
        while i < a.len() && j < b.len() {
            if a[i] == b[j] {
                let w = self.idf(a[i], ln_n);
                common += w;
                union += w;
                i += 1;
                j += 1;
            } else if a[i] < b[j] {
                union += self.idf(a[i], ln_n);
                i += 1;
            } else {
                union += self.idf(b[j], ln_n);
                j += 1;
            }
        }
        union += a[i..].iter().map(|&s| self.idf(s, ln_n)).sum::<f64>();
        union += b[j..].iter().map(|&s| self.idf(s, ln_n)).sum::<f64>();
        if union == 0.0 { 0.0 } else { common / union }
    }

    /// How much appeals `a` and `b` look like one problem: the weighted similarity of what
    /// they say plus the bonuses, or `None` when their places rule it out.
    fn pair_score(&self, a: u32, b: u32, ln_n: f64) -> Option<f64> {
        let (x, y) = (&self.docs[a as usize], &self.docs[b as usize]);
        if !on_one_line(&x.place, &y.place) || !names_agree(x, y) {
            return None;
        }
        let mut score = self.similarity(&x.content, &y.content, ln_n);
        if x.anchors.iter().any(|n| y.anchors.binary_search(n).is_ok()) {
            score += self.config.place_bonus;
        }
        if x.category == y.category {
            score += self.config.category_bonus;
        }
        if x.topics & y.topics != 0 {
            score += self.config.topic_bonus;
        } else if x.topics != 0 && y.topics != 0 {
            score -= self.config.topic_penalty;
        }
        Some(score)
    }

    /// Up to `representatives` members of cluster `root`, spread evenly from the first to
    /// the most recent.
    fn representatives(&self, root: u32) -> impl Iterator<Item = u32> + '_ {
        let members = &self.members[root as usize];
        let k = members.len();
        let r = self.config.representatives.clamp(1, k.max(1));
        (0..r).map(move |i| {
            let at = if r == 1 { k - 1 } else { i * (k - 1) / (r - 1) };
            members[at]
        })
    }

    /// Mean score of appeal `index` against the representatives of cluster `root`.
    fn cluster_score(&self, index: u32, root: u32, ln_n: f64) -> f64 {
        let (mut sum, mut n) = (0.0, 0);
        for m in self.representatives(root) {
            sum += self.pair_score(index, m, ln_n).unwrap_or(0.0);
            n += 1;
        }
        if n == 0 { 0.0 } else { sum / f64::from(n) }
    }

    /// Mean score between the representatives of two clusters.
    fn clusters_agree(&self, a: u32, b: u32, ln_n: f64) -> bool {
        let (mut sum, mut n) = (0.0, 0);
        for x in self.representatives(a) {
            for y in self.representatives(b) {
                sum += self.pair_score(x, y, ln_n).unwrap_or(0.0);
                n += 1;
            }
        }
        n > 0 && sum / f64::from(n) >= self.config.cluster_threshold
    }

    /// Adds one appeal and returns its cluster and the clusters it merged.
    pub fn add(&mut self, appeal: HotAppeal<'_>) -> Added {
        let runs = normalize(appeal.text);
        let named = place_anchors(&runs);
        // Places named with an ending, then those named without one that earlier appeals
        // named with one.
        let mut places: Vec<[char; 2]> = named.iter().map(|(cs, _)| *cs).collect();
        let mut anchors: Vec<u64> = named
            .iter()
            .filter(|(_, class)| *class != ADMIN)
            .map(|([a, b], _)| bigram(*a, *b))
            .collect();
        for run in &runs {
            let cs: Vec<char> = run.chars().collect();
            for w in cs.windows(2) {
                let h = bigram(w[0], w[1]);
                if !anchors.contains(&h)
                    && self.known_places.get(&h).is_some_and(|&n| n >= KNOWN_PLACE)
                {
                    anchors.push(h);
                    places.push([w[0], w[1]]);
                }
            }
        }
        for ([a, b], class) in &named {
            if *class != ADMIN {
                *self.known_places.entry(bigram(*a, *b)).or_insert(0) += 1;
            }
        }
        let place_chars: Vec<char> = places.iter().flatten().copied().collect();
        let mut all = Vec::new();
        shingles_of(&runs, &[], &mut all);
        all.sort_unstable();
        all.dedup();
        let mut content = Vec::new();
        shingles_of(&runs, &place_chars, &mut content);
        let topics = concept_set(&runs);
        content.extend(
            (0..32u64)
                .filter(|i| topics & (1 << i) != 0)
                .map(|i| mix(i ^ 0xC0DE_C0DE)),
        );
        let index = self.docs.len() as u32;
        let (bands, rows) = (self.config.bands, self.config.rows);
        let sig = signature(&all, bands * rows);
        let scope = self.scope(appeal.place);
        // Band keys; an appeal with nothing comparable gets no buckets and stays alone.
        let keys: Vec<u64> = if all.is_empty() {
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
        let doc = Doc {
            shingles: self.intern(all),
            content: self.intern(content),
            anchors: self.intern(anchors),
            place: appeal.place.to_vec(),
            category: hash_str(appeal.category),
            topics,
        };
        // Candidates by the number of buckets shared, most first, then the oldest.
        self.hits.resize(self.docs.len(), 0);
        for key in &keys {
            if let Some(members) = self.buckets.get(key) {
                for &m in members.iter().rev().take(self.config.max_bucket_scan) {
                    let h = &mut self.hits[m as usize];
                    if *h == 0 {
                        self.touched.push(m);
                    }
                    *h = h.saturating_add(1);
                }
            }
        }
        // One candidate per cluster: its member sharing the most buckets (the oldest of
        // equals), so that a large cluster does not take every place among the candidates.
        let mut touched = std::mem::take(&mut self.touched);
        self.slot.resize(self.docs.len(), u32::MAX);
        let mut candidates: Vec<(u16, u32, u32)> = Vec::new();
        for m in touched.drain(..) {
            let h = std::mem::take(&mut self.hits[m as usize]);
            if h < self.config.min_shared_buckets {
                continue;
            }
            let r = self.find(m);
            match self.slot[r as usize] {
                u32::MAX => {
                    self.slot[r as usize] = candidates.len() as u32;
                    candidates.push((h, m, r));
                }
                at => {
                    let best = &mut candidates[at as usize];
                    if (h, std::cmp::Reverse(m)) > (best.0, std::cmp::Reverse(best.1)) {
                        (best.0, best.1) = (h, m);
                    }
                }
            }
        }
        self.touched = touched;
        for &(_, _, r) in &candidates {
            self.slot[r as usize] = u32::MAX;
        }
        let order = |a: &(u16, u32, u32), b: &(u16, u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        let keep = self.config.max_candidates;
        if candidates.len() > keep && keep > 0 {
            candidates.select_nth_unstable_by(keep - 1, order);
        }
        candidates.truncate(keep);
        candidates.sort_unstable_by(order);
        // The document frequencies include the new appeal before it is compared.
        for &s in &doc.shingles {
            self.df[s as usize] += 1;
            self.ln_df[s as usize] = f64::from(self.df[s as usize] + 1).ln();
        }
        self.docs.push(doc);
        self.parent.push(index);
        self.members.push(vec![index]);
        self.deepest.push(index);
        let ln_n = (self.docs.len() as f64 + 1.0).ln();
        // Clusters the appeal may join: its place lies on their line, it matches their
        // member sharing the most buckets, and their representatives on average.
        let mut joined: Vec<(f64, u32)> = Vec::new();
        for &(_, m, r) in &candidates {
            let deepest = &self.docs[self.deepest[r as usize] as usize].place;
            if !on_one_line(appeal.place, deepest) {
                continue;
            }
            match self.pair_score(index, m, ln_n) {
                Some(s) if s >= self.config.threshold => {}
                _ => continue,
            }
            let score = self.cluster_score(index, r, ln_n);
            if score >= self.config.cluster_threshold {
                joined.push((score, r));
            }
        }
        for key in keys {
            self.buckets.entry(key).or_default().push(index);
        }
        // The best cluster first; another joins it only when their places lie on one line
        // and they are small or look alike (no chaining of two large clusters by one appeal).
        joined.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut group: Vec<u32> = Vec::new();
        for &(_, r) in &joined {
            let Some(&best) = group.first() else {
                group.push(r);
                continue;
            };
            let line = group.iter().map(|&g| self.deepest[g as usize]).all(|d| {
                let d = &self.docs[d as usize].place;
                let e = &self.docs[self.deepest[r as usize] as usize].place;
                on_one_line(d, e)
            });
            let small = self.members[r as usize].len() <= self.config.merge_guard
                || self.members[best as usize].len() <= self.config.merge_guard;
            if line && (small || self.clusters_agree(best, r, ln_n)) {
                group.push(r);
            }
        }
        group.sort_unstable();
        let Some(&first) = group.first() else {
            return Added {
                index,
                cluster: index,
                merged: Vec::new(),
            };
        };
        let mut all_members = std::mem::take(&mut self.members[first as usize]);
        let mut deepest = self.deepest[first as usize];
        for &r in &group[1..] {
            self.parent[r as usize] = first;
            let more = std::mem::take(&mut self.members[r as usize]);
            all_members.extend(more);
            let d = self.deepest[r as usize];
            if self.docs[d as usize].place.len() > self.docs[deepest as usize].place.len() {
                deepest = d;
            }
        }
        if self.docs[index as usize].place.len() > self.docs[deepest as usize].place.len() {
            deepest = index;
        }
        self.parent[index as usize] = first;
        // Oldest first; the new appeal is the newest, so only a merge needs sorting.
        if group.len() > 1 {
            all_members.sort_unstable();
        }
        all_members.push(index);
        self.members[index as usize].clear();
        self.members[first as usize] = all_members;
        self.deepest[first as usize] = deepest;
        Added {
            index,
            cluster: first,
            merged: group[1..].to_vec(),
        }
    }
}

/// Appeals that must have named a place with its ending before a bare mention counts.
const KNOWN_PLACE: u32 = 2;

/// Whether one place is the other or lies under it (paths from the root).
fn on_one_line(a: &[u64], b: &[u64]) -> bool {
    a.iter().zip(b).all(|(x, y)| x == y)
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

/// Whether an appeal naming the places `anchors` (bigram ids) can be about the same
/// problem as one with `shingles`: it names none, or the other mentions one of them.
fn names_met(anchors: &[u32], shingles: &[u32]) -> bool {
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
        let county_only = add(
            &mut c,
            &[1],
            "建设路与人民路交叉口那里路灯坏了，晚上黑漆漆的",
        );
        assert_eq!(county_only.cluster, first.cluster);
        let other_township = add(
            &mut c,
            &[1, 3],
            "建设路与人民路交叉口的路灯坏了半个月，晚上黑漆漆的",
        );
        assert_ne!(other_township.cluster, first.cluster);
        // An appeal filed only at the county may be about either township's crossing: it
        // joins one, and never makes one hot issue of the two.
        let ambiguous = add(
            &mut c,
            &[1],
            "建设路与人民路交叉口的路灯坏了半个月，晚上黑漆漆的",
        );
        assert!([first.cluster, other_township.cluster].contains(&ambiguous.cluster));
        assert!(ambiguous.merged.is_empty());
        assert_ne!(
            c.cluster_of(first.index),
            c.cluster_of(other_township.index)
        );
    }

    #[test]
    fn an_appeal_bridging_two_problems_of_one_place_does_not_chain_them() {
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
        assert!(bridge.merged.is_empty(), "{bridge:?}");
        assert_ne!(c.cluster_of(a.index), c.cluster_of(b.index));
    }

    #[test]
    fn an_appeal_bridging_two_clusters_that_look_alike_merges_them_under_the_older() {
        // Strict pairs, lenient clusters: the two first appeals do not match each other
        // as a pair, but their clusters look alike once an appeal bridges them.
        let mut c = seasoned();
        c.config.threshold = 0.6;
        c.config.cluster_threshold = 0.3;
        let a = add(&mut c, &[1, 2], "幸福里小区3号楼的电梯又坏了，老人只能爬楼");
        let b = add(
            &mut c,
            &[1, 2],
            "幸福里小区3号楼电梯坏了半个月，老人上下楼太难了",
        );
        assert_ne!(a.cluster, b.cluster, "too far apart to join directly");
        let bridge = add(
            &mut c,
            &[1, 2],
            "幸福里小区3号楼的电梯又坏了半个月，老人只能爬楼，上下楼太难了",
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
