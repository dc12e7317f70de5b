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
use ducha_domain::chain::{EventKind, EventRecord};
use ducha_domain::item::Target;
use ducha_domain::report::{MetricValue, ReportKind};
use ducha_store::{
    AnalyticsTables, AssignmentStatic, HopLogRow, KeptFinding, KindStatRow, KindSums, StatRow,
    StatSums, StoreError, add_kind_stat, add_stat,
};
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::str::FromStr;

/// Events read per page.
const PAGE: i64 = 20_000;
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

/// The state of a replay.
struct State<'a> {
    cal: &'a WorkCalendar,
    rules: ducha_domain::analytics::AnalyticsRules,
    assignments: HashMap<i64, Replay>,
    max_id: i64,
    reports: HashMap<i64, PendingReport>,
    helps: HashMap<i64, (i64, usize)>,
    requests: HashMap<i64, DateTime<Utc>>,
    refusals: HashMap<i64, DateTime<Utc>>,
    log: Vec<HopLogRow>,
    sums: StatSums,
    kind_sums: KindSums,
    findings: Vec<KeptFinding>,
    /// Indexes into `findings` of each assignment's share findings, resolved or not (a
    /// decomposition resolves them; scanning every finding for each was quadratic).
    shares: HashMap<i64, Vec<usize>>,
    events: u64,
}

fn id_at(p: &Value, key: &str) -> Option<i64> {
    p.get(key).and_then(Value::as_i64)
}

fn ids(p: &Value) -> Vec<i64> {
    p.get("ids")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default()
}

impl State<'_> {
    fn add_statics(&mut self, rows: Vec<AssignmentStatic>) {
        for s in rows {
            self.max_id = self.max_id.max(s.id);
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
            self.assignments.insert(
                s.id,
                Replay {
                    facts,
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

    fn key(&self, id: i64) -> Option<HopKey> {
        self.assignments.get(&id).map(|r| r.facts.key())
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
            add_stat(&mut self.sums, &s);
            // As a commit adds it: only for an assignment with hop facts.
            if let Some(r) = self.assignments.get(&s.assignment_id) {
                add_kind_stat(&mut self.kind_sums, &s, &r.facts.source, &r.facts.category);
            }
            self.log.push(HopLogRow {
                assignment_id: s.assignment_id,
                unit_id: s.unit_id,
                hop: s.hop.as_str().to_string(),
                days: s.days,
                reason: s.reason.map(|r| r.as_str().to_string()),
            });
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
    fn event(&mut self, e: &EventRecord) -> ServiceResult<()> {
        self.events += 1;
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
        let p: Value = serde_json::from_str(&e.payload)
            .map_err(|x| ServiceError::Store(StoreError::Other(Box::new(x))))?;
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
            EventKind::AssignmentDecomposed => self.decomposed(aid, &key, &p, e)?,
            EventKind::ReportSubmitted => {
                let r = &self.assignments[&aid];
                let kind = p
                    .get("kind")
                    .and_then(Value::as_str)
                    .and_then(|k| ReportKind::from_str(k).ok())
                    .unwrap_or(ReportKind::Progress);
                let first = r.facts.first_report_at.is_none();
                let signed = r.facts.signed_at.unwrap_or(r.facts.dispatched_at);
                self.apply(hops::reported(cal, &key, first, kind, signed, at));
                if let Some(&rid) = ids(&p).first() {
                    let metrics = match kind {
                        ReportKind::Completion => p
                            .get("metrics")
                            .cloned()
                            .and_then(|m| serde_json::from_value(m).ok())
                            .unwrap_or_default(),
                        ReportKind::Progress => vec![],
                    };
                    self.reports.insert(
                        rid,
                        PendingReport {
                            kind,
                            submitted_at: at,
                            percent: p.get("percent").and_then(Value::as_i64),
                            metrics,
                        },
                    );
                }
            }
            EventKind::ReportAccepted | EventKind::ReportReturned => {
                let Some(r) = id_at(&p, "report_id").and_then(|id| self.reports.remove(&id)) else {
                    return Ok(());
                };
                self.reviewed(aid, &key, kind == EventKind::ReportAccepted, r, &p, e);
            }
            EventKind::HelpRequested => {
                if let (Some(&hid), Some(to)) = (ids(&p).first(), id_at(&p, "to_unit_id"))
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
                    id_at(&p, "help_id").and_then(|h| self.helps.get(&h).copied())
                else {
                    return Ok(());
                };
                let Some(r) = self.assignments.get_mut(&asker) else {
                    return Ok(());
                };
                let span = &mut r.helps[k];
                span.to = Some(at);
                let (to, from) = (span.to_unit, span.from);
                let key = r.facts.key();
                self.apply(hops::waited(cal, &key, Hop::Help, to, from, at));
            }
            EventKind::ExtensionRequested => {
                if let Some(&x) = ids(&p).first() {
                    self.requests.insert(x, at);
                }
            }
            EventKind::ExtensionApproved | EventKind::ExtensionDenied => {
                if let Some(since) =
                    id_at(&p, "extension_id").and_then(|x| self.requests.remove(&x))
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
                if let Some(since) = id_at(&p, "refusal_id").and_then(|x| self.refusals.remove(&x))
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
        p: &Value,
        e: &EventRecord,
    ) -> ServiceResult<()> {
        let cal = self.cal;
        let r = &self.assignments[&aid];
        let first = r.children.is_empty();
        let signed = r.facts.signed_at.unwrap_or(r.facts.dispatched_at);
        let children: Vec<ChildPayload> = p
            .get("children")
            .cloned()
            .map(serde_json::from_value)
            .transpose()
            .map_err(|x| ServiceError::Store(StoreError::Other(Box::new(x))))?
            .unwrap_or_default();
        let deadline: NaiveDate = p
            .get("parent_deadline")
            .cloned()
            .and_then(|d| serde_json::from_value(d).ok())
            .unwrap_or_else(|| china_date(e.at));
        let instructions = p
            .get("parent_instructions")
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
        p: &Value,
        e: &EventRecord,
    ) {
        let cal = self.cal;
        let r = &self.assignments[&aid];
        let reviewer = r.facts.reviewer_unit_id;
        let accepting = accepted && rep.kind == ReportKind::Completion;
        let deadline: Option<NaiveDate> = p
            .get("deadline")
            .cloned()
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
            let reason = p.get("comment").and_then(Value::as_str).unwrap_or_default();
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

    fn tables(&self) -> AnalyticsTables {
        let mut facts: Vec<HopFacts> = self.assignments.values().map(|r| r.facts.clone()).collect();
        facts.sort_by_key(|f| f.assignment_id);
        AnalyticsTables {
            facts,
            log: self.log.clone(),
            stats: self
                .sums
                .iter()
                .map(|((unit_id, month, hop), (n, days, max))| StatRow {
                    unit_id: *unit_id,
                    month: month.clone(),
                    hop: hop.clone(),
                    n: *n,
                    days: *days,
                    max: *max,
                })
                .collect(),
            kinds: self
                .kind_sums
                .iter()
                .map(
                    |((unit_id, month, source, category, hop), (n, days, max))| KindStatRow {
                        unit_id: *unit_id,
                        month: month.clone(),
                        source: source.clone(),
                        category: category.clone(),
                        hop: hop.clone(),
                        n: *n,
                        days: *days,
                        max: *max,
                    },
                )
                .collect(),
            findings: self.findings.clone(),
        }
    }
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
        let mut st = State {
            cal: &cal,
            rules: self.config.analytics,
            assignments: HashMap::new(),
            max_id: 0,
            reports: HashMap::new(),
            helps: HashMap::new(),
            requests: HashMap::new(),
            refusals: HashMap::new(),
            log: vec![],
            sums: StatSums::new(),
            kind_sums: KindSums::new(),
            findings: vec![],
            shares: HashMap::new(),
            events: 0,
        };
        let mut after = 0;
        for _ in 0..=CATCH_UPS {
            let (head, _, _) = self.store.chain_head().await?;
            loop {
                let rows = self.store.assignment_statics(st.max_id, 50_000).await?;
                if rows.is_empty() {
                    break;
                }
                st.add_statics(rows);
                progress("assignments", st.assignments.len() as u64, 0);
            }
            while after < head {
                let page = self.store.events_after(after, PAGE).await?;
                let Some(last) = page.last() else { break };
                after = last.seq;
                for e in page.iter().filter(|e| e.seq <= head) {
                    st.event(e)?;
                }
                progress("events", after.min(head) as u64, head as u64);
            }
            after = after.min(head);
            let tables = st.tables();
            let stats = RebuildStats {
                assignments: tables.facts.len(),
                events: st.events,
                hops: tables.log.len(),
                findings: tables.findings.len(),
            };
            if !write {
                return Ok((stats, tables));
            }
            progress("writing", 0, 0);
            match self.store.replace_analytics(head, &tables).await {
                Ok(()) => return Ok((stats, tables)),
                Err(StoreError::Conflict(_)) => continue,
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
