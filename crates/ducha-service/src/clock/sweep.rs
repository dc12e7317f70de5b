//! The sweep: one idempotent pass over every open assignment that recomputes lights (with the
//! missed-report rule), judges open notices (met, escalated, closed) and issues new ones by the
//! rules. Running it twice on the same day changes nothing the second time, so a node that dies
//! mid-sweep loses nothing: the next run finishes the work.

use super::lights::split;
use super::notices::NoticeSpec;
use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::calendar::china_date;
use ducha_domain::chain::EventKind;
use ducha_domain::i18n::{Lang, t};
use ducha_domain::light::{LightFacts, LightReason, light_of};
use ducha_domain::notice::{
    NoticeCause, NoticeFacts, NoticeLevel, NoticeState, NoticeStep, notice_step,
};
use ducha_store::{ItemRow, LightSet, NoticeRow, StoreError, Update};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// What a sweep did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SweepOutcome {
    /// The day swept (China).
    pub today: Option<NaiveDate>,
    /// Open assignments evaluated.
    pub assignments: u64,
    /// Lights that changed.
    pub lights_changed: u64,
    /// Open assignments per light: green, blue, yellow, red.
    pub lights: [u64; 4],
    /// Missed reports found.
    pub missed_reports: u64,
    /// Notices issued by the rules.
    pub issued: u64,
    /// Notices escalated.
    pub escalated: u64,
    /// Notices met.
    pub met: u64,
    /// Notices closed with their assignment.
    pub closed: u64,
    /// Summonses recommended.
    pub summonses: u64,
    /// Joint meetings' pre-read packs sent.
    pub packs: u64,
}

/// Rows read per page.
const PAGE: i64 = 20_000;
/// Id ranges read at once, each on its own reader connection: decoding rows is most of a
/// sweep's time and runs on the task that reads them.
const SCANS: i64 = 2;
/// Lights written per transaction (bounded so commands are not held up long).
const WRITE: usize = 20_000;
/// Batches of lights waiting for the writer while the reads go on.
const WRITES_QUEUED: usize = 4;
/// Units whose notices are committed at once; the SQLite writer groups concurrent commits
/// into shared transactions, so this is what makes a few thousand notices quick.
const UNITS_AT_ONCE: usize = 32;

struct Candidate {
    id: i64,
    item_id: i64,
    unit_id: i64,
    reason: LightReason,
}

/// The facts of an assignment with an open notice: its light's reason and last report.
type NoticedFacts = HashMap<i64, (Option<LightReason>, Option<DateTime<Utc>>)>;

/// What one range scan saw.
#[derive(Default)]
struct Scan {
    assignments: u64,
    lights: [u64; 4],
    missed_reports: u64,
    noticed: NoticedFacts,
    candidates: Vec<Candidate>,
    items: Vec<i64>,
}

/// Notice counts of one unit's share of the work.
#[derive(Default)]
struct Tally {
    issued: u64,
    escalated: u64,
    met: u64,
    closed: u64,
    summonses: u64,
}

impl Tally {
    fn add(&mut self, t: Tally) {
        self.issued += t.issued;
        self.escalated += t.escalated;
        self.met += t.met;
        self.closed += t.closed;
        self.summonses += t.summonses;
    }
}

/// What the sweep does with one open notice.
enum Judged {
    Resolve(NoticeRow, NoticeState, EventKind),
    Escalate(NoticeRow, NoticeLevel),
}

fn stopped(what: &str) -> ServiceError {
    ServiceError::Store(StoreError::Other(format!("sweep: {what}").into()))
}

impl Services {
    /// Sweeps every open assignment as of `now` (the scheduler's clock).
    pub async fn sweep(&self, now: DateTime<Utc>) -> ServiceResult<SweepOutcome> {
        let today = china_date(now);
        let mut out = SweepOutcome {
            today: Some(today),
            ..SweepOutcome::default()
        };
        let open = self.store.open_notices().await?;
        let noticed: Arc<HashSet<i64>> = Arc::new(open.iter().map(|n| n.assignment_id).collect());
        // Lights are written by one task while the ranges are still being read.
        let (lights, mut queued) = mpsc::channel::<Vec<LightSet>>(WRITES_QUEUED);
        let store = self.store.clone();
        let writer = tokio::spawn(async move {
            let mut changed = 0;
            while let Some(batch) = queued.recv().await {
                changed += store.set_lights(&batch).await?;
            }
            Ok::<u64, StoreError>(changed)
        });
        let mut scans = JoinSet::new();
        for (after, last) in self.id_ranges().await? {
            let (s, noticed, lights) = (self.clone(), noticed.clone(), lights.clone());
            scans.spawn(async move { s.scan(after, last, today, &noticed, &lights).await });
        }
        drop(lights);
        let mut seen = Scan::default();
        let mut failed = None;
        while let Some(joined) = scans.join_next().await {
            match joined.map_err(|e| stopped(&e.to_string())).and_then(|r| r) {
                Ok(s) => {
                    seen.assignments += s.assignments;
                    for (all, part) in seen.lights.iter_mut().zip(s.lights) {
                        *all += part;
                    }
                    seen.missed_reports += s.missed_reports;
                    seen.noticed.extend(s.noticed);
                    seen.candidates.extend(s.candidates);
                    seen.items.extend(s.items);
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        if let Some(e) = failed {
            scans.abort_all();
            // The writer's own failure, if that is what stopped the scans, says more.
            return Err(match writer.await {
                Ok(Err(w)) => w.into(),
                _ => e,
            });
        }
        out.assignments = seen.assignments;
        out.lights = seen.lights;
        out.missed_reports = seen.missed_reports;
        out.lights_changed = writer.await.map_err(|e| stopped(&e.to_string()))??;
        let mut items = seen.items;
        items.sort_unstable();
        items.dedup();
        self.store.roll_up_item_lights(&items).await?;
        if out.lights_changed > 0 {
            let payload = serde_json::json!({
                "today": today, "changed": out.lights_changed, "lights": out.lights,
                "missed_reports": out.missed_reports,
            });
            self.commit(
                None,
                now,
                EventKind::LightsSwept,
                Subject::default(),
                payload,
                vec![],
                vec![],
            )
            .await?;
        }
        out.packs = self.send_due_packs(now).await?;
        // Urge notices are working-day business: on a day off only the lights move.
        if !self.calendar().is_working_day(today) {
            return Ok(out);
        }
        let mut tally = self.judge_notices(open, &seen.noticed, today, now).await?;
        if self.config.notices.automatic {
            // A notice resolved today is not followed by a new one the same day, so a second
            // run of the day issues nothing.
            let resolved: HashSet<i64> = self.store.resolved_on(today).await?.into_iter().collect();
            let mut candidates = seen.candidates;
            candidates.retain(|c| !resolved.contains(&c.id));
            candidates.sort_unstable_by_key(|c| c.id);
            tally.add(self.issue_by_rules(candidates, today, now).await?);
        }
        out.issued = tally.issued;
        out.escalated = tally.escalated;
        out.met = tally.met;
        out.closed = tally.closed;
        out.summonses = tally.summonses;
        Ok(out)
    }

    /// Splits the ids of the open assignments into [`SCANS`] ranges `(after, last]`; the last
    /// range is open-ended. The highest open id is found by bisection on `sweep_rows`.
    async fn id_ranges(&self) -> ServiceResult<Vec<(i64, i64)>> {
        let next = |after: i64| async move {
            Ok::<_, ServiceError>(self.store.sweep_rows(after, 1).await?.first().map(|r| r.id))
        };
        let Some(first) = next(0).await? else {
            return Ok(vec![(0, i64::MAX)]);
        };
        // The highest open id lies in [lo, hi].
        let (mut lo, mut hi) = (first, first);
        loop {
            hi = hi.saturating_mul(2);
            match next(hi).await? {
                Some(id) => lo = id,
                None => break,
            }
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match next(mid).await? {
                Some(id) => lo = id,
                None => hi = mid,
            }
        }
        let mut ranges = Vec::new();
        let mut after = 0;
        for k in 1..SCANS {
            let last = lo / SCANS * k;
            if last > after {
                ranges.push((after, last));
                after = last;
            }
        }
        ranges.push((after, i64::MAX));
        Ok(ranges)
    }

    /// Reads the open assignments with ids in `(after, last]`, computes their lights, queues
    /// the changed ones for the writer and collects what the notice rules need.
    async fn scan(
        &self,
        mut after: i64,
        last: i64,
        today: NaiveDate,
        noticed: &HashSet<i64>,
        lights: &mpsc::Sender<Vec<LightSet>>,
    ) -> ServiceResult<Scan> {
        let cal = self.calendar();
        let rules = self.config.lights;
        let mut s = Scan::default();
        let mut changes = Vec::new();
        // Ids per open row seen so far: the last page of a range asks only for what it needs.
        let mut spread: Option<f64> = None;
        loop {
            let limit = match spread {
                Some(d) if last < i64::MAX => {
                    let left = (last - after) as f64 / d;
                    (left * 1.05) as i64 + 64
                }
                _ => PAGE,
            }
            .clamp(1, PAGE);
            let rows = self.store.sweep_rows(after, limit).await?;
            let (Some(first), Some(end)) = (rows.first(), rows.last()) else {
                break;
            };
            spread = Some(((end.id - first.id + 1) as f64 / rows.len() as f64).max(1.0));
            let full = rows.len() as i64 == limit;
            after = end.id;
            for r in rows.iter().take_while(|r| r.id <= last) {
                s.assignments += 1;
                let f = LightFacts {
                    state: r.state,
                    deadline: r.deadline,
                    dispatched_on: china_date(r.dispatched_at),
                    progress: r.progress,
                    last_report_on: r.last_report_at.map(china_date),
                    returned: r.returned_open,
                    cadence: r.cadence.0,
                };
                let lit = light_of(&f, today, &cal, &rules);
                if let Some((l, _)) = lit {
                    s.lights[usize::try_from(l.rank()).unwrap_or(0)] += 1;
                }
                let reason = lit.and_then(|(_, r)| r);
                if reason == Some(LightReason::MissedReport) {
                    s.missed_reports += 1;
                }
                if noticed.contains(&r.id) {
                    s.noticed.insert(r.id, (reason, r.last_report_at));
                } else if let Some(reason @ (LightReason::Overdue | LightReason::MissedReport)) =
                    reason
                {
                    s.candidates.push(Candidate {
                        id: r.id,
                        item_id: r.item_id,
                        unit_id: r.unit_id,
                        reason,
                    });
                }
                let (rank, why) = split(lit);
                if rank != r.light || why != r.light_reason {
                    changes.push((r.id, rank, why));
                    s.items.push(r.item_id);
                }
            }
            if changes.len() >= WRITE {
                let batch = std::mem::take(&mut changes);
                lights
                    .send(batch)
                    .await
                    .map_err(|_| stopped("the light writer stopped"))?;
            }
            if after >= last || !full {
                break;
            }
        }
        if !changes.is_empty() {
            lights
                .send(changes)
                .await
                .map_err(|_| stopped("the light writer stopped"))?;
        }
        Ok(s)
    }

    /// Met, escalated or closed: one change per notice that moves. Each unit's notices are
    /// judged in order (a red notice's summons depends on the unit's earlier ones); units
    /// run side by side.
    async fn judge_notices(
        &self,
        open: Vec<NoticeRow>,
        facts: &NoticedFacts,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> ServiceResult<Tally> {
        if open.is_empty() {
            return Ok(Tally::default());
        }
        let excused: HashSet<i64> = self
            .store
            .excused_assignments()
            .await?
            .into_iter()
            .collect();
        let mut by_unit: BTreeMap<i64, Vec<Judged>> = BTreeMap::new();
        for n in open {
            let fact = facts.get(&n.assignment_id);
            let mut facts_of = NoticeFacts {
                level: n.level,
                cause: n.cause,
                deadline: n.deadline,
                assignment_open: fact.is_some(),
                reason: fact.and_then(|f| f.0),
                reported_since: fact.and_then(|f| f.1).is_some_and(|at| at > n.issued_at),
                excused: excused.contains(&n.assignment_id),
                reds: 0,
                max_reds: self.config.notices.max_reds_per_assignment,
            };
            let mut step = notice_step(&facts_of, today);
            // The reds so far (the escalation cap) matter only to an open red about to
            // escalate: counted for those alone, not for every open red on every run.
            if n.level == NoticeLevel::Red && matches!(step, NoticeStep::Escalate(_)) {
                let all = self.store.notices_of_item(n.item_id).await?;
                let count = all
                    .iter()
                    .filter(|x| x.assignment_id == n.assignment_id && x.level == NoticeLevel::Red)
                    .count();
                facts_of.reds = u32::try_from(count).unwrap_or(u32::MAX);
                step = notice_step(&facts_of, today);
            }
            let judged = match step {
                NoticeStep::Keep => continue,
                NoticeStep::Met => Judged::Resolve(n, NoticeState::Met, EventKind::NoticeMet),
                NoticeStep::Close => {
                    Judged::Resolve(n, NoticeState::Closed, EventKind::NoticeClosed)
                }
                NoticeStep::Escalate(level) => Judged::Escalate(n, level),
            };
            let unit = match &judged {
                Judged::Resolve(n, ..) | Judged::Escalate(n, _) => n.unit_id,
            };
            by_unit.entry(unit).or_default().push(judged);
        }
        let items = Arc::new(Mutex::new(HashMap::new()));
        self.per_unit(by_unit, |s, work| {
            let items = items.clone();
            async move {
                let mut tally = Tally::default();
                let mut unit_name = None;
                for j in work {
                    let result = match j {
                        Judged::Resolve(n, state, kind) => {
                            let r = s.resolve_notice(n, state, kind, today, now).await;
                            if r.is_ok() {
                                if state == NoticeState::Met {
                                    tally.met += 1;
                                } else {
                                    tally.closed += 1;
                                }
                            }
                            r
                        }
                        Judged::Escalate(n, level) => {
                            let Some((item, a)) =
                                s.notice_subject(&items, n.item_id, n.assignment_id).await?
                            else {
                                continue;
                            };
                            let unit = s.unit_name(&mut unit_name, a.unit_id).await?;
                            let spec = NoticeSpec {
                                item: &item,
                                assignment: &a,
                                unit_name: &unit,
                                level,
                                cause: n.cause,
                                requirement: n.requirement.clone(),
                                deadline: s.config.notices.deadline(level, today, &s.calendar()),
                                issued_by: None,
                                previous: Some(n),
                                today,
                                now,
                            };
                            match s.commit_notice(spec).await {
                                Ok((_, summons)) => {
                                    tally.escalated += 1;
                                    tally.summonses += u64::from(summons);
                                    Ok(())
                                }
                                Err(e) => Err(e),
                            }
                        }
                    };
                    skip_races(result)?;
                }
                Ok(tally)
            }
        })
        .await
    }

    async fn resolve_notice(
        &self,
        mut n: NoticeRow,
        state: NoticeState,
        kind: EventKind,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        n.state = state;
        n.resolved_on = Some(today);
        let subject = Subject {
            item: Some(n.item_id),
            assignment: Some(n.assignment_id),
            unit: Some(n.unit_id),
        };
        let payload = serde_json::json!({ "notice": n.id, "number": n.number, "level": n.level });
        self.commit(
            None,
            now,
            kind,
            subject,
            payload,
            vec![Update::Notice(n)],
            vec![],
        )
        .await?;
        Ok(())
    }

    /// A blue notice for each overdue or report-missing assignment without an open one.
    async fn issue_by_rules(
        &self,
        candidates: Vec<Candidate>,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> ServiceResult<Tally> {
        let excused: HashSet<i64> = self
            .store
            .excused_assignments()
            .await?
            .into_iter()
            .collect();
        let mut by_unit: BTreeMap<i64, Vec<Candidate>> = BTreeMap::new();
        for c in candidates {
            if !excused.contains(&c.id) {
                by_unit.entry(c.unit_id).or_default().push(c);
            }
        }
        let items = Arc::new(Mutex::new(HashMap::new()));
        self.per_unit(by_unit, |s, work| {
            let items = items.clone();
            async move {
                let cal = s.calendar();
                let mut tally = Tally::default();
                let mut unit_name = None;
                for c in work {
                    let Some((item, a)) = s.notice_subject(&items, c.item_id, c.id).await? else {
                        continue;
                    };
                    let unit = s.unit_name(&mut unit_name, a.unit_id).await?;
                    let cause = match c.reason {
                        LightReason::Overdue => NoticeCause::Overdue,
                        _ => NoticeCause::MissedReport,
                    };
                    let requirement = t(&format!("notice.require_{cause}"), Lang::ZhCn).to_string();
                    let spec = NoticeSpec {
                        item: &item,
                        assignment: &a,
                        unit_name: &unit,
                        level: NoticeLevel::Blue,
                        cause,
                        requirement,
                        deadline: s.config.notices.deadline(NoticeLevel::Blue, today, &cal),
                        issued_by: None,
                        previous: None,
                        today,
                        now,
                    };
                    if skip_races(s.commit_notice(spec).await.map(|_| ()))? {
                        tally.issued += 1;
                    }
                }
                Ok(tally)
            }
        })
        .await
    }

    /// Runs `work` for each unit's share, [`UNITS_AT_ONCE`] units at a time, and adds up the
    /// tallies; the first failure stops the rest.
    async fn per_unit<W, F, Fut>(
        &self,
        shares: BTreeMap<i64, Vec<W>>,
        work: F,
    ) -> ServiceResult<Tally>
    where
        W: Send + 'static,
        F: Fn(Services, Vec<W>) -> Fut,
        Fut: Future<Output = ServiceResult<Tally>> + Send + 'static,
    {
        let mut total = Tally::default();
        let mut running = JoinSet::new();
        for (_, share) in shares {
            if running.len() >= UNITS_AT_ONCE
                && let Some(done) = running.join_next().await
            {
                total.add(done.map_err(|e| stopped(&e.to_string()))??);
            }
            running.spawn(work(self.clone(), share));
        }
        while let Some(done) = running.join_next().await {
            total.add(done.map_err(|e| stopped(&e.to_string()))??);
        }
        Ok(total)
    }

    /// The item (read once per sweep) and the assignment a notice is about.
    async fn notice_subject(
        &self,
        items: &Mutex<HashMap<i64, ItemRow>>,
        item_id: i64,
        assignment_id: i64,
    ) -> ServiceResult<Option<(ItemRow, ducha_store::AssignmentRow)>> {
        let Some(a) = self.store.assignment(assignment_id).await? else {
            return Ok(None);
        };
        let cached = items.lock().ok().and_then(|m| m.get(&item_id).cloned());
        let item = match cached {
            Some(item) => item,
            None => match self.store.item(item_id).await? {
                Some(item) => {
                    if let Ok(mut m) = items.lock() {
                        m.insert(item_id, item.clone());
                    }
                    item
                }
                None => return Ok(None),
            },
        };
        Ok(Some((item, a)))
    }

    /// The unit's name, read once per unit's share.
    async fn unit_name(&self, cached: &mut Option<String>, unit_id: i64) -> ServiceResult<String> {
        if let Some(name) = cached {
            return Ok(name.clone());
        }
        let name = self
            .store
            .unit(unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        *cached = Some(name.clone());
        Ok(name)
    }
}

/// A concurrent sweep on another node (or a command) got there first: not an error.
fn skip_races(r: ServiceResult<()>) -> ServiceResult<bool> {
    match r {
        Ok(()) => Ok(true),
        Err(ServiceError::Store(StoreError::Conflict(_)))
        | Err(ServiceError::Rule(
            ducha_domain::Rule::Concurrent | ducha_domain::Rule::NoticeOpen,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}
