//! `ducha analytics rebuild`: the derived tables replayed from the event log and the
//! assignment rows, through the same functions the commands call.

use super::{HelpSpan, LateFacts, lost_stats};
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::analytics::findings::{self, ChildFacts, FindingDraft, ParentFacts};
use ducha_domain::analytics::hops::{self, Derived, Hop, HopFacts, HopKey};
use ducha_domain::analytics::targets::completion_gaps;
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::chain::EventKind;
use ducha_domain::item::Target;
use ducha_domain::report::{MetricValue, ReportKind};
use ducha_store::{
    AnalyticsTables, AssignmentStatic, HopLogRow, KeptFinding, ReplayEvent, Store, StoreError,
};
use serde::Deserialize;
use serde_json::Value;
// A fast hasher: millions of lookups by assignment id, month and unit; SipHash and its
// resistance to chosen keys are not needed for ids read from our own log.
use foldhash::HashMap;
use std::str::FromStr;
use std::sync::Arc;
use tokio::sync::mpsc;

mod shards;
use shards::Shards;

/// Events read per page.
const PAGE: i64 = 20_000;
/// Pages read ahead of the replay.
const READ_AHEAD: usize = 2;
/// Times a rebuild catches up with events committed while it ran before it gives up.
const CATCH_UPS: usize = 5;

/// How far a rebuild is: `(phase, done, total)`, phase `assignments` or `events`.
pub type RebuildProgress<'a> = &'a mut (dyn FnMut(&'static str, u64, u64) + Send);

/// What a rebuild did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RebuildStats {
    /// Assignments with hop facts.
    pub assignments: usize,
    /// Events replayed.
    pub events: u64,
    /// Hop-log lines.
    pub hops: usize,
    /// Findings kept.
    pub findings: usize,
}

/// One assignment as the replay tracks it.
struct Replay {
    facts: HopFacts,
    /// Its key, shared with every hop it derives (not a new copy for each of ten million
    /// events).
    key: Arc<HopKey>,
    /// Its month, source and category, interned.
    month: u32,
    source: u32,
    category: u32,
    role_lead: bool,
    targets: Vec<Target>,
    title: String,
    withdrawn: bool,
    children: Vec<i64>,
    helps: Vec<HelpSpan>,
}

/// A report waiting for review.
struct PendingReport {
    kind: ReportKind,
    submitted_at: DateTime<Utc>,
    percent: Option<i64>,
    metrics: Vec<MetricValue>,
}

#[derive(Deserialize)]
struct ChildPayload {
    unit_id: i64,
    role: String,
    deadline: NaiveDate,
    #[serde(default)]
    targets: Vec<Target>,
    #[serde(default)]
    instructions: String,
}

/// A sum of one hop: count, working days, most working days.
type Sum = (i64, i64, i64);

/// Adds a finished hop of `days` to its sum, as [`ducha_store::add_stat`] does.
fn add(sum: &mut Sum, days: i64) {
    sum.0 += 1;
    sum.1 += days;
    sum.2 = sum.2.max(days);
}

/// Strings kept once each, by number.
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    list: Vec<String>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&k) = self.ids.get(s) {
            return k;
        }
        let k = u32::try_from(self.list.len()).unwrap_or(u32::MAX);
        self.list.push(s.to_string());
        self.ids.insert(s.to_string(), k);
        k
    }
}

/// The state of a replay.
struct State<'a> {
    cal: &'a WorkCalendar,
    rules: ducha_domain::analytics::AnalyticsRules,
    assignments: HashMap<i64, Replay>,
    reports: HashMap<i64, PendingReport>,
    helps: HashMap<i64, (i64, usize)>,
    requests: HashMap<i64, DateTime<Utc>>,
    refusals: HashMap<i64, DateTime<Utc>>,
    /// The hop log, each line with the event behind it (the shards' logs merge in event
    /// order).
    log: Vec<(i64, HopLogRow)>,
    /// The event being replayed.
    seq: i64,
    /// The stall sums by (unit, month, hop) and by (unit, month, source, category, hop), the
    /// strings interned in `names`: as [`ducha_store::add_stat`] and [`ducha_store::add_kind_stat`] add them, without
    /// allocating the key's strings and comparing them in a tree for each of millions of hops.
    sums: HashMap<(i64, u32, Hop), Sum>,
    kind_sums: HashMap<(i64, u32, u32, u32, Hop), Sum>,
    names: Names,
    findings: Vec<KeptFinding>,
    /// Indexes into `findings` of each assignment's share findings, resolved or not (a
    /// decomposition resolves them; scanning every finding for each was quadratic).
    shares: HashMap<i64, Vec<usize>>,
}

/// The payload fields the replay reads, each as the JSON value it holds (absent when the key
/// is): parsing only these skips the rest of the payload (report texts, titles …) without
/// building a `Value` tree of it, which cost a tree of allocations for each of millions of
/// events. The fields keep `Value`'s lenient reading (a field of an unexpected type reads as
/// absent, as `Value::get(…).and_then(Value::as_i64)` did).
#[derive(Deserialize, Default)]
struct Payload {
    ids: Option<Value>,
    kind: Option<Value>,
    percent: Option<Value>,
    metrics: Option<Value>,
    report_id: Option<Value>,
    to_unit_id: Option<Value>,
    help_id: Option<Value>,
    extension_id: Option<Value>,
    refusal_id: Option<Value>,
    deadline: Option<Value>,
    comment: Option<Value>,
    children: Option<Value>,
    parent_deadline: Option<Value>,
    parent_instructions: Option<Value>,
}

impl Payload {
    /// Reads a payload; one that is not an object with these fields once each (never written
    /// by the use cases) is read through a whole `Value`, as before.
    fn parse(text: &str) -> ServiceResult<Self> {
        if let Ok(p) = serde_json::from_str::<Payload>(text) {
            return Ok(p);
        }
        let v: Value = serde_json::from_str(text)
            .map_err(|x| ServiceError::Store(StoreError::Other(Box::new(x))))?;
        let field = |k: &str| v.get(k).filter(|x| !x.is_null()).cloned();
        Ok(Payload {
            ids: field("ids"),
            kind: field("kind"),
            percent: field("percent"),
            metrics: field("metrics"),
            report_id: field("report_id"),
            to_unit_id: field("to_unit_id"),
            help_id: field("help_id"),
            extension_id: field("extension_id"),
            refusal_id: field("refusal_id"),
            deadline: field("deadline"),
            comment: field("comment"),
            children: field("children"),
            parent_deadline: field("parent_deadline"),
            parent_instructions: field("parent_instructions"),
        })
    }
}

fn id_at(v: Option<&Value>) -> Option<i64> {
    v.and_then(Value::as_i64)
}

fn ids(p: &Payload) -> Vec<i64> {
    p.ids
        .as_ref()
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

impl State<'_> {
    fn add_statics(&mut self, rows: Vec<AssignmentStatic>) {
        for s in rows {
            let reviewer = s
                .parent_id
                .and_then(|p| self.assignments.get(&p).map(|r| r.facts.unit_id))
                .unwrap_or(s.owner_unit_id);
            let facts = HopFacts::new(
                s.id,
                s.item_id,
                s.unit_id,
                &s.unit_path,
                s.parent_id,
                reviewer,
                &s.source,
                &s.category,
                s.dispatched_at,
            );
            let key = Arc::new(facts.key());
            let month = self.names.id(&facts.month);
            let source = self.names.id(&facts.source);
            let category = self.names.id(&facts.category);
            self.assignments.insert(
                s.id,
                Replay {
                    facts,
                    key,
                    month,
                    source,
                    category,
                    role_lead: s.role == "lead",
                    targets: s.targets.0,
                    title: s.title,
                    withdrawn: false,
                    children: vec![],
                    helps: vec![],
                },
            );
        }
    }

    fn key(&self, id: i64) -> Option<Arc<HopKey>> {
        self.assignments.get(&id).map(|r| r.key.clone())
    }

    fn reviewer(&self, id: i64) -> i64 {
        self.assignments
            .get(&id)
            .map_or(0, |r| r.facts.reviewer_unit_id)
    }

    fn apply(&mut self, d: Derived) {
        for p in &d.patches {
            if let Some(r) = self.assignments.get_mut(&p.assignment_id) {
                r.facts.apply(&p.patch);
            }
        }
        for s in d.stats {
            let r = self.assignments.get(&s.assignment_id);
            // The assignment's own month (every hop of it is), interned once.
            let month = match r {
                Some(r) if r.key.month == s.month => r.month,
                _ => self.names.id(&s.month),
            };
            let hop = s.hop;
            add(
                self.sums.entry((s.unit_id, month, hop)).or_default(),
                s.days,
            );
            // As a commit adds it: only for an assignment with hop facts.
            if let Some(r) = r {
                let key = (s.unit_id, month, r.source, r.category, hop);
                add(self.kind_sums.entry(key).or_default(), s.days);
            }
            let row = HopLogRow {
                assignment_id: s.assignment_id,
                unit_id: s.unit_id,
                hop: s.hop.as_str().to_string(),
                days: s.days,
                reason: s.reason.map(|r| r.as_str().to_string()),
            };
            self.log.push((self.seq, row));
        }
    }

    fn keep(&mut self, found: Vec<FindingDraft>, seq: i64) {
        for draft in found {
            if draft.kind.is_share() {
                self.shares
                    .entry(draft.assignment_id)
                    .or_default()
                    .push(self.findings.len());
            }
            self.findings.push(KeptFinding {
                draft,
                event_seq: seq,
                resolved_at: None,
            });
        }
    }

    /// Replays one event, as the command that recorded it derived its rows.
    fn event(&mut self, e: &ReplayEvent) -> ServiceResult<()> {
        self.seq = e.seq;
        let Ok(kind) = EventKind::from_str(&e.kind) else {
            return Ok(());
        };
        let relevant = matches!(
            kind,
            EventKind::AssignmentSigned
                | EventKind::AssignmentDecomposed
                | EventKind::ReportSubmitted
                | EventKind::ReportAccepted
                | EventKind::ReportReturned
                | EventKind::HelpRequested
                | EventKind::HelpAnswered
                | EventKind::ExtensionRequested
                | EventKind::ExtensionApproved
                | EventKind::ExtensionDenied
                | EventKind::AssignmentRefused
                | EventKind::RefusalUpheld
                | EventKind::RefusalRejected
        );
        if !relevant {
            return Ok(());
        }
        let mut p = Payload::parse(&e.payload)?;
        let Some(aid) = e.assignment_id else {
            return Ok(());
        };
        let Some(key) = self.key(aid) else {
            return Ok(());
        };
        let cal = self.cal;
        let at = e.at;
        match kind {
            EventKind::AssignmentSigned => {
                let dispatched = self.assignments[&aid].facts.dispatched_at;
                self.apply(hops::signed(cal, &key, dispatched, at));
            }
            EventKind::AssignmentDecomposed => self.decomposed(aid, &key, &mut p, e)?,
            EventKind::ReportSubmitted => {
                let r = &self.assignments[&aid];
                let kind = p
                    .kind
                    .as_ref()
                    .and_then(Value::as_str)
                    .and_then(|k| ReportKind::from_str(k).ok())
                    .unwrap_or(ReportKind::Progress);
                let first = r.facts.first_report_at.is_none();
                let signed = r.facts.signed_at.unwrap_or(r.facts.dispatched_at);
                self.apply(hops::reported(cal, &key, first, kind, signed, at));
                if let Some(&rid) = ids(&p).first() {
                    let metrics = match kind {
                        ReportKind::Completion => p
                            .metrics
                            .take()
                            .and_then(|m| serde_json::from_value(m).ok())
                            .unwrap_or_default(),
                        ReportKind::Progress => vec![],
                    };
                    self.reports.insert(
                        rid,
                        PendingReport {
                            kind,
                            submitted_at: at,
                            percent: id_at(p.percent.as_ref()),
                            metrics,
                        },
                    );
                }
            }
            EventKind::ReportAccepted | EventKind::ReportReturned => {
                let Some(r) = id_at(p.report_id.as_ref()).and_then(|id| self.reports.remove(&id))
                else {
                    return Ok(());
                };
                self.reviewed(aid, &key, kind == EventKind::ReportAccepted, r, &mut p, e);
            }
            EventKind::HelpRequested => {
                if let (Some(&hid), Some(to)) = (ids(&p).first(), id_at(p.to_unit_id.as_ref()))
                    && let Some(r) = self.assignments.get_mut(&aid)
                {
                    r.helps.push(HelpSpan {
                        to_unit: to,
                        from: at,
                        to: None,
                    });
                    self.helps.insert(hid, (aid, r.helps.len() - 1));
                }
            }
            EventKind::HelpAnswered => {
                let Some((asker, k)) =
                    id_at(p.help_id.as_ref()).and_then(|h| self.helps.get(&h).copied())
                else {
                    return Ok(());
                };
                let Some(r) = self.assignments.get_mut(&asker) else {
                    return Ok(());
                };
                let span = &mut r.helps[k];
                span.to = Some(at);
                let (to, from) = (span.to_unit, span.from);
                let key = r.key.clone();
                self.apply(hops::waited(cal, &key, Hop::Help, to, from, at));
            }
            EventKind::ExtensionRequested => {
                if let Some(&x) = ids(&p).first() {
                    self.requests.insert(x, at);
                }
            }
            EventKind::ExtensionApproved | EventKind::ExtensionDenied => {
                if let Some(since) =
                    id_at(p.extension_id.as_ref()).and_then(|x| self.requests.remove(&x))
                {
                    let holder = self.reviewer(aid);
                    self.apply(hops::waited(cal, &key, Hop::Extension, holder, since, at));
                }
            }
            EventKind::AssignmentRefused => {
                if let Some(&x) = ids(&p).first() {
                    self.refusals.insert(x, at);
                }
            }
            EventKind::RefusalUpheld | EventKind::RefusalRejected => {
                if let Some(since) =
                    id_at(p.refusal_id.as_ref()).and_then(|x| self.refusals.remove(&x))
                {
                    let holder = self.reviewer(aid);
                    self.apply(hops::waited(cal, &key, Hop::Refusal, holder, since, at));
                }
                if kind == EventKind::RefusalUpheld {
                    let parent = self.assignments.get_mut(&aid).and_then(|r| {
                        r.withdrawn = true;
                        r.facts.parent_id
                    });
                    if let Some(pid) = parent
                        && let Some(pr) = self.assignments.get_mut(&pid)
                    {
                        pr.children.extend(ids(&p));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn decomposed(
        &mut self,
        aid: i64,
        key: &HopKey,
        p: &mut Payload,
        e: &ReplayEvent,
    ) -> ServiceResult<()> {
        let cal = self.cal;
        let r = &self.assignments[&aid];
        let first = r.children.is_empty();
        let signed = r.facts.signed_at.unwrap_or(r.facts.dispatched_at);
        let children: Vec<ChildPayload> = p
            .children
            .take()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|x| ServiceError::Store(StoreError::Other(Box::new(x))))?
            .unwrap_or_default();
        let deadline: NaiveDate = p
            .parent_deadline
            .take()
            .and_then(|d| serde_json::from_value(d).ok())
            .unwrap_or_else(|| china_date(e.at));
        let instructions = p
            .parent_instructions
            .as_ref()
            .and_then(Value::as_str)
            .unwrap_or_default();
        let text = if instructions.trim().is_empty() {
            r.title.as_str()
        } else {
            instructions
        };
        let parent = ParentFacts {
            assignment_id: aid,
            item_id: r.facts.item_id,
            unit_id: r.facts.unit_id,
            dispatched_at: r.facts.dispatched_at,
            signed_at: r.facts.signed_at,
            deadline,
            targets: &r.targets,
            text,
            reported: r.facts.first_report_at.is_some(),
            decomposed_before: !first,
        };
        let new: Vec<ChildFacts<'_>> = children
            .iter()
            .map(|c| ChildFacts {
                unit_id: c.unit_id,
                lead: c.role == "lead",
                deadline: c.deadline,
                targets: &c.targets,
                instructions: &c.instructions,
            })
            .collect();
        let open: Vec<ChildFacts<'_>> = r
            .children
            .iter()
            .filter_map(|c| self.assignments.get(c))
            .filter(|c| !c.withdrawn)
            .map(|c| ChildFacts {
                unit_id: c.facts.unit_id,
                lead: c.role_lead,
                deadline,
                targets: &c.targets,
                instructions: "",
            })
            .chain(new.iter().cloned())
            .collect();
        let found = findings::decomposition(cal, &self.rules, &parent, &open, &new, e.at);
        let hops = hops::decomposed(cal, key, first, signed, e.at);
        self.apply(hops);
        for &k in self.shares.get(&aid).map_or(&[][..], Vec::as_slice) {
            let f = &mut self.findings[k];
            if f.resolved_at.is_none() {
                f.resolved_at = Some(e.at);
            }
        }
        self.keep(found, e.seq);
        if let Some(r) = self.assignments.get_mut(&aid) {
            r.children.extend(ids(p));
        }
        Ok(())
    }

    fn reviewed(
        &mut self,
        aid: i64,
        key: &HopKey,
        accepted: bool,
        rep: PendingReport,
        p: &mut Payload,
        e: &ReplayEvent,
    ) {
        let cal = self.cal;
        let r = &self.assignments[&aid];
        let reviewer = r.facts.reviewer_unit_id;
        let accepting = accepted && rep.kind == ReportKind::Completion;
        let deadline: Option<NaiveDate> = p
            .deadline
            .take()
            .and_then(|d| serde_json::from_value(d).ok());
        let (Some(deadline), dispatched) = (deadline, r.facts.dispatched_at) else {
            return;
        };
        let hops = hops::reviewed(
            cal,
            key,
            reviewer,
            rep.kind,
            rep.submitted_at,
            e.at,
            accepting.then_some((deadline, dispatched)),
        );
        let mut found = None;
        let mut lost = vec![];
        if accepting {
            let gaps = completion_gaps(&r.targets, &rep.metrics, rep.percent);
            let reason = p
                .comment
                .as_ref()
                .and_then(Value::as_str)
                .unwrap_or_default();
            found = findings::accepted_short(
                r.facts.item_id,
                aid,
                r.facts.unit_id,
                reviewer,
                &gaps,
                reason,
                e.at,
            );
            let late = hops::days_late(cal, deadline, china_date(e.at));
            if late > 0 {
                let upstream = r.facts.parent_id.and_then(|pid| {
                    self.assignments
                        .get(&pid)
                        .map(|pr| (pr.facts.unit_id, pr.facts.dispatched_at))
                });
                let this = hops::working_days(cal, rep.submitted_at, e.at);
                let facts = LateFacts {
                    key,
                    late,
                    reviewer,
                    upstream,
                    dispatched_at: dispatched,
                    helps: &r.helps,
                    decision_days: this,
                };
                lost = lost_stats(cal, self.rules.handoff_allowance_days, &facts, e.at);
            }
        }
        let mut d = hops;
        d.stats.extend(lost);
        self.apply(d);
        self.keep(found.into_iter().collect(), e.seq);
    }
}

/// Pages of the event log after `after` up to `head`, read by a task of their own at most
/// [`READ_AHEAD`] pages ahead of the replay; ends after the last page or the first error.
fn read_ahead(
    store: Arc<dyn Store>,
    mut after: i64,
    head: i64,
) -> mpsc::Receiver<Result<Vec<ReplayEvent>, StoreError>> {
    let (tx, rx) = mpsc::channel(READ_AHEAD);
    tokio::spawn(async move {
        while after < head {
            let page = store.replay_events_after(after, PAGE).await;
            let last = match &page {
                Ok(p) => p.last().map(|e| e.seq),
                Err(_) => None,
            };
            // A closed channel: the replay stopped (an error); nothing more to read.
            if tx.send(page).await.is_err() {
                return;
            }
            match last {
                Some(seq) => after = seq,
                None => return,
            }
        }
    });
    rx
}

impl Services {
    /// Replays the event log into every derived analytics table and replaces them in one
    /// transaction. Events committed while it runs are caught up with before the write.
    pub async fn rebuild_analytics(
        &self,
        progress: RebuildProgress<'_>,
    ) -> ServiceResult<RebuildStats> {
        self.replay_analytics(progress, true).await.map(|(s, _)| s)
    }

    /// Replays the log; writes the tables when `write`, and returns them either way with the
    /// figures (a dry run checks the stored tables against the log).
    pub async fn replay_analytics(
        &self,
        progress: RebuildProgress<'_>,
        write: bool,
    ) -> ServiceResult<(RebuildStats, AnalyticsTables)> {
        let cal = self.calendar();
        let mut st = Shards::new(&cal, self.config.analytics);
        let mut after = 0;
        for _ in 0..=CATCH_UPS {
            let started = std::time::Instant::now();
            let (head, _, _) = self.store.chain_head().await?;
            loop {
                let rows = self.store.assignment_statics(st.max_id, 50_000).await?;
                if rows.is_empty() {
                    break;
                }
                st.add_statics(rows);
                progress("assignments", st.assignments() as u64, 0);
            }
            // The next pages are read while this one is replayed (the store's connection
            // thread and the replay on the two cores instead of one after the other).
            let mut pages = read_ahead(self.store.clone(), after, head);
            while let Some(page) = pages.recv().await {
                let page = page?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                st.page(&page, head)?;
                progress("events", after.min(head) as u64, head as u64);
            }
            after = after.min(head);
            let tables = st.take_tables();
            let stats = RebuildStats {
                assignments: tables.facts.len(),
                events: st.events,
                hops: tables.log.len(),
                findings: tables.findings.len(),
            };
            if !write {
                return Ok((stats, tables));
            }
            let replayed = std::time::Instant::now();
            tracing::info!(
                seconds = (replayed - started).as_secs_f64(),
                events = st.events,
                "rebuild: log replayed"
            );
            progress("writing", 0, 0);
            match self.store.replace_analytics(head, &tables).await {
                Ok(()) => {
                    tracing::info!(
                        seconds = replayed.elapsed().as_secs_f64(),
                        "rebuild: tables written"
                    );
                    return Ok((stats, tables));
                }
                Err(StoreError::Conflict(_)) => st.restore(tables),
                Err(e) => return Err(e.into()),
            }
        }
        Err(ServiceError::Store(StoreError::Conflict(
            "events keep arriving: run the rebuild when the system is quieter".into(),
        )))
    }

    /// Rebuilds the derived tables when some assignment has none (the first start after an
    /// upgrade); returns whether it did.
    pub async fn ensure_analytics(&self) -> ServiceResult<bool> {
        if self.store.analytics_missing().await? == 0 {
            return Ok(false);
        }
        self.rebuild_analytics(&mut |_, _, _| {}).await?;
        Ok(true)
    }

    /// Every derived analytics table as stored (for the rebuild's equality test and audits).
    pub async fn analytics_tables(&self) -> ServiceResult<AnalyticsTables> {
        Ok(self.store.analytics_tables().await?)
    }
}
