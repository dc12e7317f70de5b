//! Rows of integrated supervision: the leading group's seats, joint meetings (agenda,
//! decisions, pre-read packs) and the inspection register (plans, targets, overlaps, findings).

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::joint::agenda::Why;
use serde::Serialize;

/// A seat of a leading group, with its unit's and person's names.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SeatRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// `head`, `deputy`, `office` or `member`.
    pub position: String,
    /// The body (or the person's unit).
    pub unit_id: i64,
    /// What kind of body.
    pub body_kind: String,
    /// The person (组长, 副组长) or the body's liaison.
    pub user_id: Option<i64>,
    /// Topics on which the body leads (主角), comma-separated.
    pub lead_topics: String,
    /// Filled at.
    pub created_at: DateTime<Utc>,
    /// The unit's name.
    pub unit_name: String,
    /// The person's name.
    pub user_name: Option<String>,
}

/// A new seat.
#[derive(Debug, Clone)]
pub struct NewSeat {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Position.
    pub position: String,
    /// Unit.
    pub unit_id: i64,
    /// Body kind.
    pub body_kind: String,
    /// Person or liaison.
    pub user_id: Option<i64>,
    /// Lead topics.
    pub lead_topics: String,
    /// Filled at.
    pub created_at: DateTime<Utc>,
}

/// A joint meeting.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct MeetingRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Year of its number.
    pub year: i64,
    /// 第N次 in its year.
    pub number: i64,
    /// Title.
    pub title: String,
    /// The day it is held.
    pub held_on: NaiveDate,
    /// Where.
    pub place: String,
    /// Who chairs it.
    pub chair_user_id: Option<i64>,
    /// `planned` or `held`.
    pub state: String,
    /// What the meeting agreed in general (the minutes' opening).
    pub summary: String,
    /// When the pre-read pack went out.
    pub pack_sent_at: Option<DateTime<Utc>>,
    /// When it was recorded as held.
    pub held_at: Option<DateTime<Utc>>,
    /// Scheduled by.
    pub created_by: i64,
    /// Scheduled at.
    pub created_at: DateTime<Utc>,
    /// Optimistic concurrency.
    pub version: i64,
}

/// A new meeting with its attendees and agenda; numbered in the transaction.
#[derive(Debug, Clone)]
pub struct NewMeeting {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Year of its number.
    pub year: i64,
    /// Title.
    pub title: String,
    /// Day.
    pub held_on: NaiveDate,
    /// Place.
    pub place: String,
    /// Chair.
    pub chair_user_id: Option<i64>,
    /// The seats invited.
    pub seat_ids: Vec<i64>,
    /// The agenda.
    pub lines: Vec<NewAgendaLine>,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// An agenda line.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AgendaLineRow {
    /// Id.
    pub id: i64,
    /// The meeting.
    pub meeting_id: i64,
    /// Order.
    pub position: i64,
    /// The item discussed.
    pub item_id: Option<i64>,
    /// The item's title when proposed, or the office's topic.
    pub topic: String,
    /// Why it is there.
    #[sqlx(try_from = "String")]
    pub reasons: Json<Vec<Why>>,
    /// Weight when proposed.
    pub weight: i64,
    /// `proposed` or `office`.
    pub origin: String,
    /// Taken off the agenda.
    pub removed: bool,
    /// The office's note.
    pub note: String,
}

/// A new agenda line (its meeting is the one inserted before it when `meeting_id` is 0).
#[derive(Debug, Clone)]
pub struct NewAgendaLine {
    /// The meeting, or 0.
    pub meeting_id: i64,
    /// Order.
    pub position: i64,
    /// Item.
    pub item_id: Option<i64>,
    /// Topic.
    pub topic: String,
    /// Reasons.
    pub reasons: Vec<Why>,
    /// Weight.
    pub weight: i64,
    /// Origin.
    pub origin: String,
    /// Note.
    pub note: String,
}

/// A decision of a meeting.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct DecisionRow {
    /// Id.
    pub id: i64,
    /// The meeting.
    pub meeting_id: i64,
    /// The agenda line.
    pub line_id: i64,
    /// What kind of decision.
    pub kind: String,
    /// Its words.
    pub text: String,
    /// The item created or changed.
    pub item_id: Option<i64>,
    /// The unit concerned (new lead, summoned unit).
    pub unit_id: Option<i64>,
    /// The new deadline.
    pub deadline: Option<NaiveDate>,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A new decision.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Meeting.
    pub meeting_id: i64,
    /// Line.
    pub line_id: i64,
    /// Kind.
    pub kind: String,
    /// Words.
    pub text: String,
    /// Item.
    pub item_id: Option<i64>,
    /// Unit.
    pub unit_id: Option<i64>,
    /// Deadline.
    pub deadline: Option<NaiveDate>,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A planned inspection.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct InspectionRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The filing body.
    pub body_unit_id: i64,
    /// Topic.
    pub topic: String,
    /// Cited document.
    pub basis: String,
    /// Method.
    pub method: String,
    /// Window.
    pub window_from: NaiveDate,
    /// Window.
    pub window_to: NaiveDate,
    /// People.
    pub people: i64,
    /// Days on site per target.
    pub days_on_site: i64,
    /// Forms per target.
    pub forms: i64,
    /// In the annual plan.
    pub annual: bool,
    /// State.
    pub state: String,
    /// Why it waits for approval (`unplanned`, `over_budget`).
    #[sqlx(try_from = "String")]
    pub flags: Json<Vec<String>>,
    /// The joint inspection it was merged into.
    pub merged_into: Option<i64>,
    /// Approved or rejected by.
    pub decided_by: Option<i64>,
    /// At.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's comment.
    pub comment: String,
    /// Filed by.
    pub created_by: i64,
    /// Filed at.
    pub created_at: DateTime<Utc>,
    /// Optimistic concurrency.
    pub version: i64,
}

/// A new inspection with its targets.
#[derive(Debug, Clone)]
pub struct NewInspection {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The filing body.
    pub body_unit_id: i64,
    /// The plan.
    pub spec: ducha_domain::joint::inspections::InspectionSpec,
    /// State.
    pub state: String,
    /// Flags.
    pub flags: Vec<String>,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A target unit of an inspection.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct InspectionTargetRow {
    /// The inspection.
    pub inspection_id: i64,
    /// The unit.
    pub unit_id: i64,
}

/// An overlap between two plans.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct OverlapRow {
    /// Id.
    pub id: i64,
    /// The plan filed later.
    pub inspection_id: i64,
    /// The earlier plan.
    pub other_id: i64,
    /// `same_target` or `similar_topic`.
    pub kind: String,
    /// Shared target units.
    #[sqlx(try_from = "String")]
    pub units: Json<Vec<i64>>,
    /// Topic similarity in hundredths.
    pub similarity: i64,
    /// The plan proposed to lead the joint inspection.
    pub lead_id: i64,
    /// `proposed`, `merged` or `declined`.
    pub state: String,
    /// Why it was declined.
    pub reason: String,
    /// Answered by.
    pub decided_by: Option<i64>,
    /// At.
    pub decided_at: Option<DateTime<Utc>>,
    /// Optimistic concurrency.
    pub version: i64,
}

/// A new overlap; `inspection_id` 0 is the inspection inserted before it in the change.
#[derive(Debug, Clone)]
pub struct NewOverlap {
    /// The later plan, or 0.
    pub inspection_id: i64,
    /// The earlier plan.
    pub other_id: i64,
    /// Kind.
    pub kind: String,
    /// Shared units.
    pub units: Vec<i64>,
    /// Similarity.
    pub similarity: i64,
    /// The proposed lead plan, or 0 for the inspection inserted before it.
    pub lead_id: i64,
}

/// A finding of an inspection and its rectification item.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct InspectionFindingRow {
    /// Id.
    pub id: i64,
    /// The inspection.
    pub inspection_id: i64,
    /// The unit found wanting.
    pub unit_id: i64,
    /// What was found.
    pub text: String,
    /// The rectification item.
    pub item_id: i64,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// What inspections to read.
#[derive(Debug, Clone, Default)]
pub struct InspectionQuery {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Only this body's.
    pub body_unit_id: Option<i64>,
    /// Windows ending on or after.
    pub from: Option<NaiveDate>,
    /// Windows starting on or before.
    pub to: Option<NaiveDate>,
    /// Only these states.
    pub states: Vec<String>,
}

/// Inserts of integrated supervision.
#[derive(Debug, Clone)]
pub enum JointInsert {
    /// A seat.
    Seat(NewSeat),
    /// A meeting with attendees and agenda.
    Meeting(NewMeeting),
    /// An agenda line added by the office.
    AgendaLine(NewAgendaLine),
    /// A decision.
    Decision(NewDecision),
    /// The pre-read pack.
    Pack {
        /// Meeting.
        meeting_id: i64,
        /// The snapshot (JSON).
        content: String,
        /// At.
        created_at: DateTime<Utc>,
    },
    /// A planned inspection.
    Inspection(NewInspection),
    /// An overlap.
    Overlap(NewOverlap),
    /// A finding with its rectification item.
    Finding {
        /// Inspection.
        inspection_id: i64,
        /// Unit.
        unit_id: i64,
        /// Text.
        text: String,
        /// Item.
        item_id: i64,
        /// At.
        created_at: DateTime<Utc>,
    },
}

/// Updates of integrated supervision.
#[derive(Debug, Clone)]
pub enum JointUpdate {
    /// A meeting (state, summary, pack sent), checked against its version.
    Meeting(MeetingRow),
    /// An agenda line's position, note and removal.
    AgendaLine(AgendaLineRow),
    /// An inspection (state, flags, merge, decision), checked against its version.
    Inspection(InspectionRow),
    /// Adds target units to a joint inspection.
    AddTargets {
        /// The inspection.
        inspection_id: i64,
        /// Units.
        unit_ids: Vec<i64>,
    },
    /// An overlap's answer, checked against its version.
    Overlap(OverlapRow),
}
