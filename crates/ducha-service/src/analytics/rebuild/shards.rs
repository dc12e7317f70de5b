//! The replay split by item over the machine's cores, and its tables merged.

use super::{Names, State, Sum};
use crate::error::{ServiceError, ServiceResult};
use ducha_domain::analytics::hops::HopFacts;
use ducha_domain::calendar::WorkCalendar;
use ducha_store::{
    AnalyticsTables, AssignmentStatic, HopLogRow, KindStatRow, ReplayEvent, StatRow, StoreError,
    TotalRow,
};
use foldhash::HashMap;

/// The replay split by item over the machine's cores (at least two, at most eight): an item's
/// assignments, and every event of them, belong to one shard (an event only ever touches its
/// own item: its assignment, the assignment's parent, children, reports, help requests,
/// extensions and refusals), so the shards replay a page side by side and their tables merge
/// afterwards — sums added, the hop log and the findings in event order, as one replay would
/// have written them.
pub(super) struct Shards<'a> {
    states: Vec<State<'a>>,
    /// The largest assignment id read.
    pub(super) max_id: i64,
    pub(super) events: u64,
    /// Set by [`Shards::take_tables`] for [`Shards::restore`]: the event of each hop-log
    /// line, and the shard each hop-log line and each finding came from.
    log_seqs: Vec<i64>,
    log_from: Vec<u8>,
    findings_from: Vec<u8>,
}

/// A sum's key by unit, month, source, category and hop, as names.
type KindKey<'s> = (i64, &'s str, &'s str, &'s str, &'s str);

/// Sorts `v` by key and adds the sums of equal keys, as one replay's map would have held them.
fn merged<K: Ord>(mut v: Vec<(K, Sum)>) -> Vec<(K, Sum)> {
    v.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut out: Vec<(K, Sum)> = Vec::with_capacity(v.len());
    for (k, s) in v {
        match out.last_mut() {
            Some((last, t)) if *last == k => {
                t.0 += s.0;
                t.1 += s.1;
                t.2 = t.2.max(s.2);
            }
            _ => out.push((k, s)),
        }
    }
    out
}

/// Merges lists, each in ascending `seq`, into one in that order (equal seqs keep the order
/// of the lists); returns it with the list each element came from.
fn merge_ordered<T>(lists: Vec<Vec<T>>, seq: impl Fn(&T) -> i64) -> (Vec<T>, Vec<u8>) {
    let total = lists.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(total);
    let mut from = Vec::with_capacity(total);
    let mut its: Vec<_> = lists
        .into_iter()
        .map(|l| l.into_iter().peekable())
        .collect();
    loop {
        let mut best: Option<(usize, i64)> = None;
        for (k, it) in its.iter_mut().enumerate() {
            if let Some(x) = it.peek() {
                let s = seq(x);
                if best.is_none_or(|(_, b)| s < b) {
                    best = Some((k, s));
                }
            }
        }
        let Some((k, _)) = best else { break };
        out.extend(its[k].next());
        from.push(u8::try_from(k).unwrap_or(u8::MAX));
    }
    (out, from)
}

impl<'a> Shards<'a> {
    pub(super) fn new(
        cal: &'a WorkCalendar,
        rules: ducha_domain::analytics::AnalyticsRules,
    ) -> Self {
        // At least two, so that the merge is exercised wherever the rebuild runs.
        let n = std::thread::available_parallelism()
            .map_or(2, std::num::NonZeroUsize::get)
            .clamp(2, 8);
        let states = (0..n)
            .map(|_| State {
                cal,
                rules,
                assignments: HashMap::default(),
                reports: HashMap::default(),
                helps: HashMap::default(),
                requests: HashMap::default(),
                refusals: HashMap::default(),
                log: vec![],
                seq: 0,
                sums: HashMap::default(),
                kind_sums: HashMap::default(),
                names: Names::default(),
                findings: vec![],
                shares: HashMap::default(),
            })
            .collect();
        Shards {
            states,
            max_id: 0,
            events: 0,
            log_seqs: vec![],
            log_from: vec![],
            findings_from: vec![],
        }
    }

    pub(super) fn assignments(&self) -> usize {
        self.states.iter().map(|s| s.assignments.len()).sum()
    }

    /// The shard of an item's assignments and events.
    fn shard(&self, item_id: i64) -> usize {
        // `rem_euclid` of a positive count is below it.
        usize::try_from(item_id.rem_euclid(self.states.len() as i64)).unwrap_or(0)
    }

    /// Hands each assignment row to its item's shard (rows come in id order: a parent before
    /// its children, as [`State::add_statics`] needs).
    pub(super) fn add_statics(&mut self, rows: Vec<AssignmentStatic>) {
        let mut parts: Vec<Vec<AssignmentStatic>> = self.states.iter().map(|_| vec![]).collect();
        for s in rows {
            self.max_id = self.max_id.max(s.id);
            parts[self.shard(s.item_id)].push(s);
        }
        for (st, rows) in self.states.iter_mut().zip(parts) {
            st.add_statics(rows);
        }
    }

    /// Replays the events of `page` up to `head`, each shard its own on a thread of its own.
    pub(super) fn page(&mut self, page: &[ReplayEvent], head: i64) -> ServiceResult<()> {
        let n = self.states.len();
        let mut mine: Vec<Vec<&ReplayEvent>> = (0..n)
            .map(|_| Vec::with_capacity(page.len() / n + 1))
            .collect();
        for e in page.iter().filter(|e| e.seq <= head) {
            self.events += 1;
            // By the event's item; one without (never written with an assignment) goes to
            // the shard that holds its assignment, if any.
            let shard = match (e.item_id, e.assignment_id) {
                (Some(item), _) => Some(self.shard(item)),
                (None, Some(a)) => self
                    .states
                    .iter()
                    .position(|s| s.assignments.contains_key(&a)),
                (None, None) => None,
            };
            if let Some(k) = shard {
                mine[k].push(e);
            }
        }
        let replay = |st: &mut State<'_>, events: &[&ReplayEvent]| -> ServiceResult<()> {
            events.iter().try_for_each(|e| st.event(e))
        };
        std::thread::scope(|scope| {
            let mut work = self.states.iter_mut().zip(&mine);
            let here = work.next();
            let others: Vec<_> = work
                .map(|(st, events)| scope.spawn(move || replay(st, events)))
                .collect();
            let mut done = here.map_or(Ok(()), |(st, events)| replay(st, events));
            for h in others {
                let r = h.join().unwrap_or_else(|_| {
                    Err(ServiceError::Store(StoreError::Other(
                        "a replay thread panicked".into(),
                    )))
                });
                done = done.and(r);
            }
            done
        })
    }

    /// The tables replayed so far, the shards' merged; the hop log and the findings move out
    /// of the shards (millions of lines moved, not cloned) and go back with [`Shards::restore`] if the
    /// replay goes on.
    pub(super) fn take_tables(&mut self) -> AnalyticsTables {
        let logs: Vec<_> = self
            .states
            .iter_mut()
            .map(|s| std::mem::take(&mut s.log))
            .collect();
        let (log, from) = merge_ordered(logs, |(seq, _)| *seq);
        self.log_from = from;
        let (seqs, log): (Vec<i64>, Vec<HopLogRow>) = log.into_iter().unzip();
        self.log_seqs = seqs;
        let found: Vec<_> = self
            .states
            .iter_mut()
            .map(|s| std::mem::take(&mut s.findings))
            .collect();
        let (findings, from) = merge_ordered(found, |f| f.event_seq);
        self.findings_from = from;
        let mut stats: Vec<((i64, &str, &str), Sum)> = vec![];
        let mut kinds: Vec<(KindKey<'_>, Sum)> = vec![];
        for st in &self.states {
            let name = |k: &u32| st.names.list[*k as usize].as_str();
            stats.extend(
                st.sums
                    .iter()
                    .map(|((u, m, hop), s)| ((*u, name(m), hop.as_str()), *s)),
            );
            kinds.extend(st.kind_sums.iter().map(|((u, m, so, c, hop), s)| {
                ((*u, name(m), name(so), name(c), hop.as_str()), *s)
            }));
        }
        let stats = merged(stats);
        // The sums over every month, by unit and hop.
        let totals = merged(
            stats
                .iter()
                .map(|((u, _, hop), s)| ((*u, *hop), *s))
                .collect(),
        );
        let stats: Vec<StatRow> = stats
            .into_iter()
            .map(|((unit_id, month, hop), (n, days, max))| StatRow {
                unit_id,
                month: month.to_string(),
                hop: hop.to_string(),
                n,
                days,
                max,
            })
            .collect();
        let kinds: Vec<KindStatRow> = merged(kinds)
            .into_iter()
            .map(
                |((unit_id, month, source, category, hop), (n, days, max))| KindStatRow {
                    unit_id,
                    month: month.to_string(),
                    source: source.to_string(),
                    category: category.to_string(),
                    hop: hop.to_string(),
                    n,
                    days,
                    max,
                },
            )
            .collect();
        let totals: Vec<TotalRow> = totals
            .into_iter()
            .map(|((unit_id, hop), (n, days, max))| TotalRow {
                unit_id,
                hop: hop.to_string(),
                n,
                days,
                max,
            })
            .collect();
        let mut facts: Vec<HopFacts> = self
            .states
            .iter()
            .flat_map(|s| s.assignments.values().map(|r| r.facts.clone()))
            .collect();
        facts.sort_by_key(|f| f.assignment_id);
        AnalyticsTables {
            facts,
            log,
            stats,
            kinds,
            totals,
            findings,
        }
    }

    /// Puts back what [`Shards::take_tables`] moved out, each line into its own shard in the
    /// order it had there.
    pub(super) fn restore(&mut self, t: AnalyticsTables) {
        let seqs = std::mem::take(&mut self.log_seqs);
        let from = std::mem::take(&mut self.log_from);
        for ((seq, row), k) in seqs.into_iter().zip(t.log).zip(from) {
            self.states[usize::from(k)].log.push((seq, row));
        }
        let from = std::mem::take(&mut self.findings_from);
        for (f, k) in t.findings.into_iter().zip(from) {
            self.states[usize::from(k)].findings.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use ducha_domain::analytics::AnalyticsRules;
    use ducha_domain::analytics::findings::{FindingDraft, FindingKind};
    use ducha_store::KeptFinding;
    use serde_json::Value;

    fn line(assignment_id: i64) -> HopLogRow {
        HopLogRow {
            assignment_id,
            unit_id: 1,
            hop: "sign".into(),
            days: 1,
            reason: None,
        }
    }

    fn finding(assignment_id: i64, event_seq: i64) -> KeptFinding {
        KeptFinding {
            draft: FindingDraft {
                kind: FindingKind::Stall,
                item_id: 1,
                assignment_id,
                unit_id: 1,
                subject: String::new(),
                score: 1,
                args: Value::Null,
                at: DateTime::UNIX_EPOCH,
            },
            event_seq,
            resolved_at: None,
        }
    }

    #[test]
    fn lists_merge_in_event_order_each_keeping_its_own() {
        let (out, from) = merge_ordered(vec![vec![1, 4, 4, 9], vec![2, 3, 10], vec![]], |x| *x);
        assert_eq!(out, vec![1, 2, 3, 4, 4, 9, 10]);
        assert_eq!(from, vec![0, 1, 1, 0, 0, 0, 1]);
    }

    #[test]
    fn equal_keys_add_counts_and_days_and_keep_the_longest() {
        let m = merged(vec![
            (("b", 1), (1, 5, 5)),
            (("a", 1), (2, 3, 2)),
            (("b", 1), (1, 9, 9)),
        ]);
        assert_eq!(m, vec![(("a", 1), (2, 3, 2)), (("b", 1), (2, 14, 9))]);
    }

    /// A replay that catches up puts back what it took: each shard's lines and findings, in
    /// the order it had them (its share findings are indexes into its own list).
    #[test]
    fn a_restored_replay_has_each_shards_lines_back() {
        let cal = WorkCalendar::china();
        let mut sh = Shards::new(&cal, AnalyticsRules::default());
        for (k, st) in (0_i64..).zip(sh.states.iter_mut()) {
            for seq in [1, 5, 9] {
                st.log.push((seq + k, line(100 * k + seq)));
                st.log.push((seq + k, line(100 * k + seq + 1)));
            }
            st.findings.push(finding(100 * k, 3 + 2 * k));
            st.findings.push(finding(100 * k + 1, 3 + 2 * k));
        }
        // Each shard's (seq, assignment) of its lines and of its findings.
        type Held = Vec<(Vec<(i64, i64)>, Vec<(i64, i64)>)>;
        let held = |sh: &Shards<'_>| -> Held {
            sh.states
                .iter()
                .map(|s| {
                    (
                        s.log.iter().map(|(q, l)| (*q, l.assignment_id)).collect(),
                        s.findings
                            .iter()
                            .map(|f| (f.event_seq, f.draft.assignment_id))
                            .collect(),
                    )
                })
                .collect()
        };
        let before = held(&sh);
        let t = sh.take_tables();
        assert!(sh.states.iter().all(|s| s.log.is_empty()));
        let seqs = sh.log_seqs.clone();
        assert!(seqs.is_sorted(), "{seqs:?}");
        assert_eq!(t.log.len(), 6 * sh.states.len());
        assert!(t.findings.is_sorted_by_key(|f| f.event_seq));
        sh.restore(t);
        assert_eq!(held(&sh), before);
    }
}
