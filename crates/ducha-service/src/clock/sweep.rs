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
use ducha_store::{ItemRow, NoticeRow, StoreError, Update};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};

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
}

/// Rows read per page.
const PAGE: i64 = 20_000;
/// Lights written per transaction (bounded so commands are not held up long).
const WRITE: usize = 20_000;

struct Candidate {
    id: i64,
    item_id: i64,
    reason: LightReason,
}

impl Services {
    /// Sweeps every open assignment as of `now` (the scheduler's clock).
    pub async fn sweep(&self, now: DateTime<Utc>) -> ServiceResult<SweepOutcome> {
        let today = china_date(now);
        let cal = self.calendar();
        let rules = self.config.lights;
        let mut out = SweepOutcome {
            today: Some(today),
            ..SweepOutcome::default()
        };
        let open = self.store.open_notices().await?;
        let noticed: HashSet<i64> = open.iter().map(|n| n.assignment_id).collect();
        let mut facts_of_noticed: HashMap<i64, (Option<LightReason>, Option<DateTime<Utc>>)> =
            HashMap::new();
        let mut candidates = Vec::new();
        let mut changes = Vec::new();
        let mut items = BTreeSet::new();
        let mut after = 0;
        loop {
            let rows = self.store.sweep_rows(after, PAGE).await?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            for r in &rows {
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
                    out.lights[usize::try_from(l.rank()).unwrap_or(0)] += 1;
                }
                let reason = lit.and_then(|(_, r)| r);
                if reason == Some(LightReason::MissedReport) {
                    out.missed_reports += 1;
                }
                if noticed.contains(&r.id) {
                    facts_of_noticed.insert(r.id, (reason, r.last_report_at));
                } else if let Some(reason @ (LightReason::Overdue | LightReason::MissedReport)) =
                    reason
                {
                    candidates.push(Candidate {
                        id: r.id,
                        item_id: r.item_id,
                        reason,
                    });
                }
                let (rank, why) = split(lit);
                if rank != r.light || why != r.light_reason {
                    changes.push((r.id, rank, why));
                    items.insert(r.item_id);
                }
            }
            out.assignments += rows.len() as u64;
            if changes.len() >= WRITE {
                out.lights_changed += self.store.set_lights(&changes).await?;
                changes.clear();
            }
        }
        out.lights_changed += self.store.set_lights(&changes).await?;
        let items: Vec<i64> = items.into_iter().collect();
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
        self.judge_notices(open, &facts_of_noticed, today, now, &mut out)
            .await?;
        if self.config.notices.automatic {
            self.issue_by_rules(candidates, today, now, &mut out)
                .await?;
        }
        Ok(out)
    }

    /// Met, escalated or closed: one change per notice that moves.
    async fn judge_notices(
        &self,
        open: Vec<NoticeRow>,
        facts: &HashMap<i64, (Option<LightReason>, Option<DateTime<Utc>>)>,
        today: NaiveDate,
        now: DateTime<Utc>,
        out: &mut SweepOutcome,
    ) -> ServiceResult<()> {
        if open.is_empty() {
            return Ok(());
        }
        let excused: HashSet<i64> = self
            .store
            .excused_assignments()
            .await?
            .into_iter()
            .collect();
        let mut cache = Cache::default();
        for n in open {
            let fact = facts.get(&n.assignment_id);
            let step = notice_step(
                &NoticeFacts {
                    level: n.level,
                    cause: n.cause,
                    deadline: n.deadline,
                    assignment_open: fact.is_some(),
                    reason: fact.and_then(|f| f.0),
                    reported_since: fact.and_then(|f| f.1).is_some_and(|at| at > n.issued_at),
                    excused: excused.contains(&n.assignment_id),
                },
                today,
            );
            let result = match step {
                NoticeStep::Keep => continue,
                NoticeStep::Met | NoticeStep::Close => {
                    let (state, kind) = if step == NoticeStep::Met {
                        out.met += 1;
                        (NoticeState::Met, EventKind::NoticeMet)
                    } else {
                        out.closed += 1;
                        (NoticeState::Closed, EventKind::NoticeClosed)
                    };
                    self.resolve_notice(n, state, kind, today, now)
                        .await
                        .map(|_| ())
                }
                NoticeStep::Escalate(level) => {
                    let Some((item, a, unit)) = cache.get(self, n.item_id, n.assignment_id).await?
                    else {
                        continue;
                    };
                    out.escalated += 1;
                    let requirement = n.requirement.clone();
                    let spec = NoticeSpec {
                        item: &item,
                        assignment: &a,
                        unit_name: &unit,
                        level,
                        cause: n.cause,
                        requirement,
                        deadline: self.config.notices.deadline(level, today, &self.calendar()),
                        issued_by: None,
                        previous: Some(n),
                        today,
                        now,
                    };
                    let r = self.commit_notice(spec).await;
                    if let Ok((_, true)) = r {
                        out.summonses += 1;
                    }
                    r.map(|_| ())
                }
            };
            skip_races(result)?;
        }
        Ok(())
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
        out: &mut SweepOutcome,
    ) -> ServiceResult<()> {
        let cal = self.calendar();
        let excused: HashSet<i64> = self
            .store
            .excused_assignments()
            .await?
            .into_iter()
            .collect();
        let mut cache = Cache::default();
        for c in candidates {
            if excused.contains(&c.id) {
                continue;
            }
            let Some((item, a, unit)) = cache.get(self, c.item_id, c.id).await? else {
                continue;
            };
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
                deadline: self.config.notices.deadline(NoticeLevel::Blue, today, &cal),
                issued_by: None,
                previous: None,
                today,
                now,
            };
            if skip_races(self.commit_notice(spec).await.map(|_| ()))? {
                out.issued += 1;
            }
        }
        Ok(())
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

/// Items, assignments and unit names read once per sweep.
#[derive(Default)]
struct Cache {
    items: HashMap<i64, ItemRow>,
    units: HashMap<i64, String>,
}

impl Cache {
    async fn get(
        &mut self,
        s: &Services,
        item_id: i64,
        assignment_id: i64,
    ) -> ServiceResult<Option<(ItemRow, ducha_store::AssignmentRow, String)>> {
        let Some(a) = s.store.assignment(assignment_id).await? else {
            return Ok(None);
        };
        let item = match self.items.entry(item_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(v) => match s.store.item(item_id).await? {
                Some(item) => v.insert(item).clone(),
                None => return Ok(None),
            },
        };
        let unit = match self.units.entry(a.unit_id) {
            std::collections::hash_map::Entry::Occupied(e) => e.get().clone(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let name = s
                    .store
                    .unit(a.unit_id)
                    .await?
                    .map(|u| u.name)
                    .unwrap_or_default();
                v.insert(name).clone()
            }
        };
        Ok(Some((item, a, unit)))
    }
}
