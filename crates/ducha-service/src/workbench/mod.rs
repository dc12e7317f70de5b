//! The workbench (工作台): what waits for the user, by role. The supervisor's drafts to submit,
//! approved items to dispatch, red items and stalled work; the leader's items to approve; for
//! the user's own unit what to sign, decompose, report, finish (overdue or due soon) or redo;
//! and the decisions the user owes as the level above. Each list shows its most urgent rows
//! and its true total; the whole of any list is read page by page with [`Services::work_list`].
//! A list the user's roles do not apply to is empty.

mod full;
mod lists;
mod owed;

pub use full::{WorkListInput, WorkListPage};

use crate::error::ServiceResult;
use crate::{ItemSummary, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::light::{Light, LightReason};
use ducha_domain::org::{Actor, Role};
use ducha_domain::report::ReportKind;
use ducha_store::{WorkReportRow, WorkRequestRow, WorkRow};
use lists::Desk;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Rows per list on the workbench.
pub const LIMIT: i64 = 20;
/// Lists are counted up to this many rows: a total at the cap means that many or more.
pub const COUNT_CAP: i64 = 1000;

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
    /// The user's unit: assignments not yet handed up whose deadline has passed (已逾期),
    /// the longest overdue first.
    pub overdue: Vec<WorkAssignment>,
    /// The user's unit: assignments not yet handed up whose deadline is within five working
    /// days and not past (overdue ones are in `overdue`).
    pub due_soon: Vec<WorkAssignment>,
    /// The user's unit: assignments being redone after a completion was returned.
    pub returned: Vec<WorkAssignment>,
    /// As the level above: completion requests to review.
    pub reports_to_review: Vec<WorkReport>,
    /// As the level above: routine progress reports to review (accept, or return for
    /// quality) on work not yet done, oldest first.
    pub progress_to_review: Vec<WorkReport>,
    /// As the level above: extension requests to decide.
    pub extensions_to_decide: Vec<WorkRequest>,
    /// As the level above: refusals to decide.
    pub refusals_to_decide: Vec<WorkRequest>,
    /// Help requests addressed to the user's unit, unanswered.
    pub help_to_answer: Vec<WorkRequest>,
    /// How many rows each list holds in all, by list name (`to_sign`, `stalled`, …; every
    /// list but `unit_lights`): the lists above show at most 20.
    pub totals: BTreeMap<String, WorkTotal>,
}

/// How many rows a list holds: exact below 1,000; counting stops there, and `at_least` says
/// there may be more.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkTotal {
    /// Rows in the list (at most 1,000).
    pub count: i64,
    /// The count stopped before the end of the list.
    pub at_least: bool,
}

/// The workbench's lists, by the names the API and the pages use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum WorkListName {
    /// Drafts to submit.
    ToSubmit,
    /// Approved items to dispatch.
    ToDispatch,
    /// Red items.
    RedItems,
    /// Stalled work.
    Stalled,
    /// Items to approve.
    ToApprove,
    /// Assignments to sign for.
    ToSign,
    /// Assignments to decompose.
    ToDecompose,
    /// Assignments that owe a report.
    ToReport,
    /// Overdue assignments.
    Overdue,
    /// Assignments due soon.
    DueSoon,
    /// Returned assignments.
    Returned,
    /// Completion requests to review.
    ReportsToReview,
    /// Progress reports to review.
    ProgressToReview,
    /// Extension requests to decide.
    ExtensionsToDecide,
    /// Refusals to decide.
    RefusalsToDecide,
    /// Help requests to answer.
    HelpToAnswer,
}

impl WorkListName {
    /// Every list.
    pub const ALL: [WorkListName; 16] = [
        WorkListName::ToSubmit,
        WorkListName::ToDispatch,
        WorkListName::RedItems,
        WorkListName::Stalled,
        WorkListName::ToApprove,
        WorkListName::ToSign,
        WorkListName::ToDecompose,
        WorkListName::ToReport,
        WorkListName::Overdue,
        WorkListName::DueSoon,
        WorkListName::Returned,
        WorkListName::ReportsToReview,
        WorkListName::ProgressToReview,
        WorkListName::ExtensionsToDecide,
        WorkListName::RefusalsToDecide,
        WorkListName::HelpToAnswer,
    ];

    /// The list's name.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkListName::ToSubmit => "to_submit",
            WorkListName::ToDispatch => "to_dispatch",
            WorkListName::RedItems => "red_items",
            WorkListName::Stalled => "stalled",
            WorkListName::ToApprove => "to_approve",
            WorkListName::ToSign => "to_sign",
            WorkListName::ToDecompose => "to_decompose",
            WorkListName::ToReport => "to_report",
            WorkListName::Overdue => "overdue",
            WorkListName::DueSoon => "due_soon",
            WorkListName::Returned => "returned",
            WorkListName::ReportsToReview => "reports_to_review",
            WorkListName::ProgressToReview => "progress_to_review",
            WorkListName::ExtensionsToDecide => "extensions_to_decide",
            WorkListName::RefusalsToDecide => "refusals_to_decide",
            WorkListName::HelpToAnswer => "help_to_answer",
        }
    }
}

impl FromStr for WorkListName {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        WorkListName::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or(())
    }
}

/// The rows of one list: items, assignments, reports or requests, as the list holds.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum WorkRows {
    /// Items.
    Items(Vec<ItemSummary>),
    /// Assignments.
    Assignments(Vec<WorkAssignment>),
    /// Reports waiting for review.
    Reports(Vec<WorkReport>),
    /// Extension requests, refusals or help requests.
    Requests(Vec<WorkRequest>),
}

/// Documented as `anyOf` the four arrays, not the `oneOf` a derive writes for an untagged enum:
/// an empty list is an array of every kind at once, which `oneOf` forbids.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for WorkRows {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder};
        use utoipa::openapi::{Ref, RefOr};
        let rows = |name: &str, what: &str| {
            ArrayBuilder::new()
                .items(RefOr::Ref(Ref::from_schema_name(name)))
                .description(Some(what))
                .build()
        };
        AnyOfBuilder::new()
            .item(rows("ItemSummary", "Items."))
            .item(rows("WorkAssignment", "Assignments."))
            .item(rows("WorkReport", "Reports waiting for review."))
            .item(rows(
                "WorkRequest",
                "Extension requests, refusals or help requests.",
            ))
            .description(Some(
                "The rows of one list: items, assignments, reports or requests, as the list holds.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for WorkRows {
    fn schemas(
        schemas: &mut Vec<(
            String,
            utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
        )>,
    ) {
        use utoipa::{PartialSchema, ToSchema};
        schemas.push((ItemSummary::name().into(), ItemSummary::schema()));
        <ItemSummary as ToSchema>::schemas(schemas);
        schemas.push((WorkAssignment::name().into(), WorkAssignment::schema()));
        <WorkAssignment as ToSchema>::schemas(schemas);
        schemas.push((WorkReport::name().into(), WorkReport::schema()));
        <WorkReport as ToSchema>::schemas(schemas);
        schemas.push((WorkRequest::name().into(), WorkRequest::schema()));
        <WorkRequest as ToSchema>::schemas(schemas);
    }
}

impl WorkRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            WorkRows::Items(v) => v.len(),
            WorkRows::Assignments(v) => v.len(),
            WorkRows::Reports(v) => v.len(),
            WorkRows::Requests(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// What the rows are: `items`, `assignments`, `reports` or `requests`.
    pub fn kind(&self) -> &'static str {
        match self {
            WorkRows::Items(_) => "items",
            WorkRows::Assignments(_) => "assignments",
            WorkRows::Reports(_) => "reports",
            WorkRows::Requests(_) => "requests",
        }
    }
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

/// A report waiting for review on the workbench: a completion request or a progress report.
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
        let desk = Desk::new(self, actor, now);
        // The lists side by side, in three groups: the reader pool serves them at once.
        let (oversight, unit, above) = tokio::try_join!(
            self.first_pages(&desk, &lists::OVERSIGHT),
            self.first_pages(&desk, &lists::UNIT),
            self.first_pages(&desk, &lists::ABOVE),
        )?;
        for (list, rows, total) in oversight.into_iter().chain(unit).chain(above) {
            wb.totals.insert(list.as_str().to_string(), total);
            wb.set(list, rows);
        }
        if desk.applies(WorkListName::RedItems) {
            wb.unit_lights = self.unit_lights(actor, None).await?;
            wb.unit_lights.truncate(LIMIT as usize);
        }
        Ok(wb)
    }

    /// The first page of each of `lists` with its total: counted only when the page is full.
    async fn first_pages(
        &self,
        desk: &Desk<'_>,
        lists: &[WorkListName],
    ) -> ServiceResult<Vec<(WorkListName, WorkRows, WorkTotal)>> {
        let mut out = Vec::with_capacity(lists.len());
        for list in lists {
            let page = self.read_list(desk, *list, None, LIMIT).await?;
            let total = self.total_of(desk, *list, true, &page).await?;
            out.push((*list, page.rows, total));
        }
        Ok(out)
    }
}

impl Workbench {
    /// Puts `rows` into the field of `list` (rows of another kind leave it empty).
    fn set(&mut self, list: WorkListName, rows: WorkRows) {
        use WorkListName as L;
        match (list, rows) {
            (L::ToSubmit, WorkRows::Items(v)) => self.to_submit = v,
            (L::ToDispatch, WorkRows::Items(v)) => self.to_dispatch = v,
            (L::RedItems, WorkRows::Items(v)) => self.red_items = v,
            (L::ToApprove, WorkRows::Items(v)) => self.to_approve = v,
            (L::Stalled, WorkRows::Assignments(v)) => self.stalled = v,
            (L::ToSign, WorkRows::Assignments(v)) => self.to_sign = v,
            (L::ToDecompose, WorkRows::Assignments(v)) => self.to_decompose = v,
            (L::ToReport, WorkRows::Assignments(v)) => self.to_report = v,
            (L::Overdue, WorkRows::Assignments(v)) => self.overdue = v,
            (L::DueSoon, WorkRows::Assignments(v)) => self.due_soon = v,
            (L::Returned, WorkRows::Assignments(v)) => self.returned = v,
            (L::ReportsToReview, WorkRows::Reports(v)) => self.reports_to_review = v,
            (L::ProgressToReview, WorkRows::Reports(v)) => self.progress_to_review = v,
            (L::ExtensionsToDecide, WorkRows::Requests(v)) => self.extensions_to_decide = v,
            (L::RefusalsToDecide, WorkRows::Requests(v)) => self.refusals_to_decide = v,
            (L::HelpToAnswer, WorkRows::Requests(v)) => self.help_to_answer = v,
            _ => {}
        }
    }
}

pub(crate) fn work_assignment(r: WorkRow, report_due: Option<NaiveDate>) -> WorkAssignment {
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

fn work_request(r: WorkRequestRow) -> WorkRequest {
    WorkRequest {
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
    }
}
