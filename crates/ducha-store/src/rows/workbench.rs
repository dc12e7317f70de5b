//! Rows of the workbench (工作台) — what waits for a user, joined with the names a to-do line
//! shows — and the choices of its reads.

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::item::{Cadence, ItemState};
use ducha_domain::org::UnitPath;
use ducha_domain::report::ReportKind;

/// An assignment as a to-do line, with its item's title, number and cadence and its unit's
/// name.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkRow {
    /// Assignment.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// The item's title.
    pub item_title: String,
    /// The item's official number.
    pub item_number: Option<String>,
    /// Assigned unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: AssignmentState,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Latest report at.
    pub last_report_at: Option<DateTime<Utc>>,
    /// Light rank.
    pub light: Option<i64>,
    /// Why the light is not green.
    pub light_reason: Option<String>,
    /// Latest reported percent.
    pub progress: Option<i64>,
    /// Times completion was returned.
    pub returned_count: i64,
    /// A returned completion not reported on since.
    pub returned_open: bool,
    /// The item's report cadence.
    #[sqlx(try_from = "String")]
    pub cadence: Json<Cadence>,
}

impl WorkRow {
    /// Since when the unit has been silent: its latest report, else its signing, else the
    /// dispatch — the order of the `assignments_quiet` index.
    pub fn quiet_since(&self) -> DateTime<Utc> {
        self.last_report_at
            .or(self.signed_at)
            .unwrap_or(self.dispatched_at)
    }
}

/// A report waiting for review, with names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkReportRow {
    /// Report.
    pub id: i64,
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
    #[sqlx(try_from = "String")]
    pub kind: ReportKind,
    /// Percent.
    pub percent: Option<i64>,
    /// Submitted at.
    pub submitted_at: DateTime<Utc>,
}

/// A request waiting for a decision or an answer (extension, refusal or help), with names.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WorkRequestRow {
    /// Request.
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
    /// The deadline when asked (extensions).
    pub old_deadline: Option<NaiveDate>,
    /// The asked-for deadline (extensions).
    pub requested_deadline: Option<NaiveDate>,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

/// Items waiting in one state within a jurisdiction.
#[derive(Debug, Clone)]
pub struct WorkItems<'a> {
    /// Items registered within this subtree.
    pub scope: &'a UnitPath,
    /// In this state.
    pub state: ItemState,
    /// Only with this light rank.
    pub light: Option<i64>,
    /// Only those this leader approves: named to them, or to no one.
    pub approver: Option<i64>,
}

/// Which of a unit's open assignments (of dispatched items).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitWork {
    /// Not signed for yet.
    ToSign,
    /// Signed, neither reported on nor decomposed, with no open sub-assignment, in a unit that
    /// has sub-units.
    ToDecompose,
    /// Signed or in progress.
    Working,
    /// Not yet handed up (pending, signed or in progress) with a deadline on or before the
    /// date: overdue when the date is the last working day before today.
    DueBy(NaiveDate),
    /// Not yet handed up with a deadline after the first date and on or before the second:
    /// due soon, not overdue.
    DueBetween(NaiveDate, NaiveDate),
    /// Signed or in progress after a completion was returned.
    Returned,
}

/// Whose decisions a read looks for: the level above an assignment is its parent's unit, or for
/// a top-level assignment a supervisor of the item's jurisdiction.
#[derive(Debug, Clone, Copy)]
pub enum Above<'a> {
    /// Requests on sub-assignments of this unit's assignments.
    Unit(i64),
    /// Requests on top-level assignments of items registered within this subtree.
    Scope(&'a UnitPath),
}

/// Where a page of a workbench list starts: after the row with this sort key and id. Each list
/// has one kind of key: dates for deadlines, instants for silence, submission and asking, or
/// the id alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// After (date, id).
    Date(NaiveDate, i64),
    /// After (instant, id).
    Time(DateTime<Utc>, i64),
    /// After this id.
    Id(i64),
}

/// One page of a workbench list: at most `limit` rows, after `after` when given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Where the page starts; the first page when none.
    pub after: Option<After>,
    /// At most this many rows.
    pub limit: i64,
}

impl Span {
    /// The first `limit` rows.
    pub fn first(limit: i64) -> Self {
        Span { after: None, limit }
    }
}

/// A workbench list, as [`crate::WorkbenchStore::count_work`] counts it: the same rows the
/// list's read returns page by page.
#[derive(Debug, Clone, Copy)]
pub enum WorkList<'a> {
    /// Items of a state (`work_items`).
    Items(&'a WorkItems<'a>),
    /// A unit's assignments (`unit_work`).
    Unit(i64, UnitWork),
    /// Stalled or red assignments within a subtree, silent since before the instant
    /// (`stalled_assignments`).
    Stalled(&'a UnitPath, DateTime<Utc>),
    /// Reports of a kind waiting for review (`reports_waiting`).
    Reports(Above<'a>, ReportKind),
    /// Extension requests to decide (`extensions_waiting`).
    Extensions(Above<'a>),
    /// Refusals to decide (`refusals_waiting`).
    Refusals(Above<'a>),
    /// Help requests to a unit, unanswered (`help_waiting`).
    Help(i64, Option<&'a UnitPath>),
}
