//! Rows of what flows up the chain: reports, help, extension and refusal requests, events.

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::report::{MetricValue, ReportKind, ReportState};
use ducha_domain::requests::RequestState;
use serde::Serialize;

/// A progress report or completion request.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ReportRow {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Author.
    pub author_id: i64,
    /// Progress or completion.
    #[sqlx(try_from = "String")]
    pub kind: ReportKind,
    /// Text.
    pub text: String,
    /// Percent.
    pub percent: Option<i64>,
    /// Target values.
    #[sqlx(try_from = "String")]
    pub metrics: Json<Vec<MetricValue>>,
    /// Problems needing coordination.
    pub problems: String,
    /// Review state.
    #[sqlx(try_from = "String")]
    pub state: ReportState,
    /// Submitted at.
    pub submitted_at: DateTime<Utc>,
    /// Reviewer.
    pub reviewer_id: Option<i64>,
    /// Reviewed at.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Review comment.
    pub review_comment: String,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new report.
#[derive(Debug, Clone)]
pub struct NewReport {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Author.
    pub author_id: i64,
    /// Parsed content.
    pub spec: ducha_domain::report::ReportSpec,
    /// Submitted at.
    pub submitted_at: DateTime<Utc>,
}

/// A request for coordination.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct HelpRequestRow {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Asking unit.
    pub from_unit_id: i64,
    /// Asked unit.
    pub to_unit_id: i64,
    /// What is needed.
    pub text: String,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Answer.
    pub answer: Option<String>,
    /// Answered by.
    pub answered_by: Option<i64>,
    /// Answered at.
    pub answered_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new help request.
#[derive(Debug, Clone)]
pub struct NewHelpRequest {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Asking unit.
    pub from_unit_id: i64,
    /// Asked unit.
    pub to_unit_id: i64,
    /// Text.
    pub text: String,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

/// A request to move a deadline.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ExtensionRow {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Deadline when asked.
    pub old_deadline: NaiveDate,
    /// Asked-for deadline.
    pub requested_deadline: NaiveDate,
    /// Reason.
    pub reason: String,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Decided by.
    pub decided_by: Option<i64>,
    /// Decided at.
    pub decided_at: Option<DateTime<Utc>>,
    /// Decision comment.
    pub comment: String,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new extension request.
#[derive(Debug, Clone)]
pub struct NewExtension {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Current deadline.
    pub old_deadline: NaiveDate,
    /// Asked-for deadline.
    pub requested_deadline: NaiveDate,
    /// Reason.
    pub reason: String,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

/// A request to hand back a wrongly routed assignment.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RefusalRow {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Why it is not this unit's remit.
    pub reason: String,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: RequestState,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Decided by.
    pub decided_by: Option<i64>,
    /// Decided at.
    pub decided_at: Option<DateTime<Utc>>,
    /// Decision comment.
    pub comment: String,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new refusal.
#[derive(Debug, Clone)]
pub struct NewRefusal {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Reason.
    pub reason: String,
    /// Asked by.
    pub created_by: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

/// An event row as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Actor.
    pub actor_user: Option<i64>,
    /// Actor's unit.
    pub actor_unit: Option<i64>,
    /// Kind name.
    pub kind: String,
    /// Item.
    pub item_id: Option<i64>,
    /// Assignment.
    pub assignment_id: Option<i64>,
    /// Unit.
    pub unit_id: Option<i64>,
    /// Payload text.
    pub payload: String,
    /// Previous hash.
    pub prev_hash: String,
    /// Hash.
    pub hash: String,
}

impl From<EventRow> for ducha_domain::chain::EventRecord {
    fn from(r: EventRow) -> Self {
        Self {
            seq: r.seq,
            at: r.at,
            actor_user: r.actor_user,
            actor_unit: r.actor_unit,
            kind: r.kind,
            item_id: r.item_id,
            assignment_id: r.assignment_id,
            unit_id: r.unit_id,
            payload: r.payload,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}
