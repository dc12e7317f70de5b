//! The workbench (工作台): what waits for the user, by role. The supervisor's drafts to submit,
//! approved items to dispatch, red items and stalled work; the leader's items to approve; for
//! the user's own unit what to sign, decompose, report, finish or redo; and the decisions the
//! user owes as the level above. Each list is capped and most urgent first; a list the user's
//! roles do not apply to is empty.

use crate::error::ServiceResult;
use crate::items::summary;
use crate::{ItemSummary, Services};
use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::item::ItemState;
use ducha_domain::light::{Light, LightFacts, LightReason, last_due_window, missed_report};
use ducha_domain::org::{Actor, Role};
use ducha_domain::report::ReportKind;
use ducha_store::{Above, UnitWork, WorkItems, WorkReportRow, WorkRequestRow, WorkRow};
use serde::Serialize;

/// Rows per list.
pub const LIMIT: i64 = 20;
/// An assignment silent this many working days is stalled.
const STALLED_WORKING_DAYS: i64 = 10;
/// A deadline this many working days ahead, or fewer, is due soon.
const DUE_SOON_WORKING_DAYS: u32 = 5;
/// A cadence report due this many working days ahead, or fewer, is to be written.
const REPORT_AHEAD_WORKING_DAYS: u32 = 3;
/// A unit's working assignments read to find the reports it owes: those with the earliest
/// deadlines, enough to fill the list many times over.
const WORKING_READ: i64 = 100;

/// What waits for the user.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Workbench {
    /// The user's roles.
    pub roles: Vec<Role>,
    /// Supervisor: drafts registered in the jurisdiction, to submit for approval.
    pub to_submit: Vec<ItemSummary>,
    /// Supervisor: approved items, to dispatch.
    pub to_dispatch: Vec<ItemSummary>,
    /// Supervisor and leader: dispatched items whose light is red, earliest deadline first.
    pub red_items: Vec<ItemSummary>,
    /// Supervisor: assignments in the jurisdiction waiting on their unit that have been silent
    /// for ten working days or more (no report, signing or dispatch since), or whose light is
    /// red; longest silent first.
    pub stalled: Vec<WorkAssignment>,
    /// Leader: items pending approval that this leader approves.
    pub to_approve: Vec<ItemSummary>,
    /// Leader and supervisor: open assignments per light for each unit of the jurisdiction,
    /// most red first.
    pub unit_lights: Vec<crate::clock::UnitLights>,
    /// The user's unit: assignments to sign for (待签收).
    pub to_sign: Vec<WorkAssignment>,
    /// The user's unit: signed, neither reported on nor decomposed, in a unit with sub-units.
    pub to_decompose: Vec<WorkAssignment>,
    /// The user's unit: working assignments that missed a cadence report, have one due within
    /// three working days (`report_due`), or have no report yet.
    pub to_report: Vec<WorkAssignment>,
    /// The user's unit: assignments not yet handed up whose deadline is within five working
    /// days or past.
    pub due_soon: Vec<WorkAssignment>,
    /// The user's unit: assignments being redone after a completion was returned.
    pub returned: Vec<WorkAssignment>,
    /// As the level above: completion requests to review.
    pub reports_to_review: Vec<WorkReport>,
    /// As the level above: extension requests to decide.
    pub extensions_to_decide: Vec<WorkRequest>,
    /// As the level above: refusals to decide.
    pub refusals_to_decide: Vec<WorkRequest>,
    /// Help requests addressed to the user's unit, unanswered.
    pub help_to_answer: Vec<WorkRequest>,
}

/// An assignment on the workbench.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkAssignment {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// The item's title.
    pub item_title: String,
    /// The item's official number.
    pub item_number: Option<String>,
    /// The assigned unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// State.
    pub state: AssignmentState,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Light.
    pub light: Option<Light>,
    /// Why the light is not green.
    pub light_reason: Option<LightReason>,
    /// Latest reported percent.
    pub progress: Option<i64>,
    /// Times completion was returned.
    pub returned_count: i64,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Latest report at.
    pub last_report_at: Option<DateTime<Utc>>,
    /// On `to_report`: the cadence report's due date (missed or coming); none when the
    /// assignment is listed for having no report yet.
    pub report_due: Option<NaiveDate>,
}

/// A completion request on the workbench.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkReport {
    /// Report.
    pub report_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// The item's title.
    pub item_title: String,
    /// The item's official number.
    pub item_number: Option<String>,
    /// The reporting unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Progress or completion.
    pub kind: ReportKind,
    /// Percent.
    pub percent: Option<i64>,
    /// Submitted at.
    pub submitted_at: DateTime<Utc>,
}

/// An extension request, refusal or help request on the workbench.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkRequest {
    /// The request.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// The item's title.
    pub item_title: String,
    /// The item's official number.
    pub item_number: Option<String>,
    /// The asking unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// The reason or the question.
    pub text: String,
    /// Extensions: the deadline when asked.
    pub old_deadline: Option<NaiveDate>,
    /// Extensions: the asked-for deadline.
    pub requested_deadline: Option<NaiveDate>,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

impl Services {
    /// What waits for `actor` at `now`. Administrators get their roles and empty lists.
    pub async fn workbench(&self, actor: &Actor, now: DateTime<Utc>) -> ServiceResult<Workbench> {
        let mut wb = Workbench {
            roles: actor.roles.clone(),
            ..Workbench::default()
        };
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Ok(wb);
        }
        let supervisor = actor.has(Role::Supervisor);
        let unit = actor.acts_for(actor.unit_id).then_some(actor.unit_id.0);
        let (oversight, unit_lists, decisions) = tokio::try_join!(
            self.oversight(actor, now),
            self.unit_lists(unit, now),
            self.decisions(actor, unit, supervisor),
        )?;
        (wb.to_submit, wb.to_dispatch, wb.red_items, wb.stalled) = oversight.0;
        (wb.to_approve, wb.unit_lights) = oversight.1;
        (
            wb.to_sign,
            wb.to_decompose,
            wb.to_report,
            wb.due_soon,
            wb.returned,
        ) = unit_lists;
        (
            wb.reports_to_review,
            wb.extensions_to_decide,
            wb.refusals_to_decide,
            wb.help_to_answer,
        ) = decisions;
        Ok(wb)
    }

    /// The supervisor's and the leader's lists.
    #[allow(
        clippy::type_complexity,
        reason = "destructured at once by the one caller"
    )]
    async fn oversight(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<(
        (
            Vec<ItemSummary>,
            Vec<ItemSummary>,
            Vec<ItemSummary>,
            Vec<WorkAssignment>,
        ),
        (Vec<ItemSummary>, Vec<crate::clock::UnitLights>),
    )> {
        let s = &*self.store;
        let scope = &actor.jurisdiction;
        let items = |state, light, approver| async move {
            let q = WorkItems {
                scope,
                state,
                light,
                approver,
                limit: LIMIT,
            };
            Ok::<_, crate::ServiceError>(s.work_items(&q).await?.iter().map(summary).collect())
        };
        let mut supervised = Default::default();
        if actor.has(Role::Supervisor) {
            let quiet_before = quiet_cutoff(&self.calendar(), self.today(now));
            supervised = (
                items(ItemState::Draft, None, None).await?,
                items(ItemState::Approved, None, None).await?,
                items(ItemState::Dispatched, Some(Light::Red.rank()), None).await?,
                s.stalled_assignments(scope, quiet_before, LIMIT)
                    .await?
                    .into_iter()
                    .map(|r| work_assignment(r, None))
                    .collect(),
            );
        }
        if actor.has(Role::Leader) && !actor.has(Role::Supervisor) {
            // Red items are the ones a leader decides on: a meeting, a summons, more hands.
            supervised.2 = items(ItemState::Dispatched, Some(Light::Red.rank()), None).await?;
        }
        let mut led = Default::default();
        if actor.has(Role::Leader) {
            led = items(ItemState::PendingApproval, None, Some(actor.user_id.0)).await?;
        }
        let mut lights = Vec::new();
        if actor.has(Role::Supervisor) || actor.has(Role::Leader) {
            lights = self.unit_lights(actor, None).await?;
            lights.truncate(LIMIT as usize);
        }
        Ok((supervised, (led, lights)))
    }

    /// The lists of the user's own unit, when the user acts for it.
    #[allow(
        clippy::type_complexity,
        reason = "destructured at once by the one caller"
    )]
    async fn unit_lists(
        &self,
        unit: Option<i64>,
        now: DateTime<Utc>,
    ) -> ServiceResult<(
        Vec<WorkAssignment>,
        Vec<WorkAssignment>,
        Vec<WorkAssignment>,
        Vec<WorkAssignment>,
        Vec<WorkAssignment>,
    )> {
        let Some(unit) = unit else {
            return Ok(Default::default());
        };
        let s = &*self.store;
        let cal = self.calendar();
        let today = self.today(now);
        let list = |which| async move {
            Ok::<_, crate::ServiceError>(
                s.unit_work(unit, which, LIMIT)
                    .await?
                    .into_iter()
                    .map(|r| work_assignment(r, None))
                    .collect::<Vec<_>>(),
            )
        };
        let due_by = cal.add_working_days(today, DUE_SOON_WORKING_DAYS);
        let working = s.unit_work(unit, UnitWork::Working, WORKING_READ).await?;
        Ok((
            list(UnitWork::ToSign).await?,
            list(UnitWork::ToDecompose).await?,
            to_report(working, today, &cal),
            list(UnitWork::DueBy(due_by)).await?,
            list(UnitWork::Returned).await?,
        ))
    }

    /// The decisions owed as the level above: for the user's unit (the parent unit of the
    /// assignments concerned), and for a supervisor on the top-level assignments of the
    /// jurisdiction's items; plus the help requests to the user's unit.
    async fn decisions(
        &self,
        actor: &Actor,
        unit: Option<i64>,
        supervisor: bool,
    ) -> ServiceResult<(
        Vec<WorkReport>,
        Vec<WorkRequest>,
        Vec<WorkRequest>,
        Vec<WorkRequest>,
    )> {
        let s = &*self.store;
        let mut above = Vec::new();
        if let Some(u) = unit {
            above.push(Above::Unit(u));
        }
        if supervisor {
            above.push(Above::Scope(&actor.jurisdiction));
        }
        let (mut reports, mut extensions, mut refusals) = (Vec::new(), Vec::new(), Vec::new());
        for who in above {
            reports.extend(s.completions_waiting(who, LIMIT).await?);
            extensions.extend(s.extensions_waiting(who, LIMIT).await?);
            refusals.extend(s.refusals_waiting(who, LIMIT).await?);
        }
        reports.sort_by_key(|r| (r.submitted_at, r.id));
        reports.dedup_by_key(|r| r.id);
        reports.truncate(LIMIT as usize);
        extensions.sort_by_key(|r| (r.created_at, r.id));
        refusals.sort_by_key(|r| (r.created_at, r.id));
        let help = match (unit, supervisor) {
            (Some(_), _) => s.help_waiting(actor.unit_id.0, None, LIMIT).await?,
            // A supervisor answers for the office only on the items the office registered.
            (None, true) => {
                s.help_waiting(actor.unit_id.0, Some(&actor.jurisdiction), LIMIT)
                    .await?
            }
            (None, false) => Vec::new(),
        };
        Ok((
            reports.into_iter().map(work_report).collect(),
            requests(extensions),
            requests(refusals),
            requests(help),
        ))
    }
}

/// The start of the China day after the latest day at least [`STALLED_WORKING_DAYS`] working
/// days before `today`: silence since before this instant is a stall.
fn quiet_cutoff(cal: &WorkCalendar, today: NaiveDate) -> DateTime<Utc> {
    let mut day = today;
    while cal.working_days_between(day, today) < STALLED_WORKING_DAYS {
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    next.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// The working assignments that owe a report, most urgent first: a missed cadence report, then
/// one coming within [`REPORT_AHEAD_WORKING_DAYS`], then none reported yet; by date within each.
fn to_report(rows: Vec<WorkRow>, today: NaiveDate, cal: &WorkCalendar) -> Vec<WorkAssignment> {
    let horizon = cal
        .add_working_days(today, REPORT_AHEAD_WORKING_DAYS)
        .succ_opt()
        .unwrap_or(today);
    let mut owed: Vec<(u8, NaiveDate, WorkRow)> = rows
        .into_iter()
        .filter_map(|r| {
            let facts = LightFacts {
                state: r.state,
                deadline: r.deadline,
                dispatched_on: china_date(r.dispatched_at),
                progress: r.progress,
                last_report_on: r.last_report_at.map(china_date),
                returned: r.returned_open,
                cadence: r.cadence.0,
            };
            let missed = r.light_reason.as_deref() == Some(LightReason::MissedReport.as_str())
                || missed_report(&facts, today, cal);
            if missed {
                let due = last_due_window(facts.cadence, facts.dispatched_on, today, cal)
                    .map_or(r.deadline, |(_, due)| due);
                return Some((0, due, r));
            }
            let coming = last_due_window(facts.cadence, facts.dispatched_on, horizon, cal).filter(
                |(start, due)| *due >= today && facts.last_report_on.is_none_or(|d| d <= *start),
            );
            if let Some((_, due)) = coming {
                return Some((1, due, r));
            }
            r.last_report_at.is_none().then_some((2, r.deadline, r))
        })
        .collect();
    owed.sort_by_key(|(rank, date, r)| (*rank, *date, r.deadline, r.id));
    owed.truncate(LIMIT as usize);
    owed.into_iter()
        .map(|(rank, due, r)| work_assignment(r, (rank < 2).then_some(due)))
        .collect()
}

fn work_assignment(r: WorkRow, report_due: Option<NaiveDate>) -> WorkAssignment {
    WorkAssignment {
        assignment_id: r.id,
        item_id: r.item_id,
        item_title: r.item_title,
        item_number: r.item_number,
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        state: r.state,
        deadline: r.deadline,
        light: r.light.and_then(Light::from_rank),
        light_reason: r.light_reason.as_deref().and_then(|x| x.parse().ok()),
        progress: r.progress,
        returned_count: r.returned_count,
        signed_at: r.signed_at,
        last_report_at: r.last_report_at,
        report_due,
    }
}

fn work_report(r: WorkReportRow) -> WorkReport {
    WorkReport {
        report_id: r.id,
        assignment_id: r.assignment_id,
        item_id: r.item_id,
        item_title: r.item_title,
        item_number: r.item_number,
        unit_id: r.unit_id,
        unit_name: r.unit_name,
        kind: r.kind,
        percent: r.percent,
        submitted_at: r.submitted_at,
    }
}

fn requests(mut rows: Vec<WorkRequestRow>) -> Vec<WorkRequest> {
    rows.dedup_by_key(|r| r.id);
    rows.truncate(LIMIT as usize);
    rows.into_iter()
        .map(|r| WorkRequest {
            id: r.id,
            assignment_id: r.assignment_id,
            item_id: r.item_id,
            item_title: r.item_title,
            item_number: r.item_number,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            text: r.text,
            old_deadline: r.old_deadline,
            requested_deadline: r.requested_deadline,
            created_at: r.created_at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn stalled_means_ten_working_days_of_silence() {
        let cal = WorkCalendar::china();
        let at = |y, m, day, h| d(y, m, day).and_hms_opt(h, 0, 0).expect("time").and_utc();
        // Friday 20 Nov 2026: a report on Sunday 8 Nov is followed by ten working days of
        // silence (9–13 and 16–20 Nov); one on Monday 9 Nov by nine.
        assert_eq!(quiet_cutoff(&cal, d(2026, 11, 20)), at(2026, 11, 8, 16));
        // Friday 16 Oct 2026, after the National Day holiday (1–7 Oct) and its make-up working
        // Saturday 10 Oct: the ten working days are 29–30 Sep, 8–10 and 12–16 Oct.
        assert_eq!(quiet_cutoff(&cal, d(2026, 10, 16)), at(2026, 9, 28, 16));
    }
}
