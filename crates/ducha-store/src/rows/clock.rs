//! Rows of the clock: calendar days, what the sweep reads, urge notices, summonses, the in-app
//! inbox, the outbox and the scheduler's jobs.

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::DayOverride;
use ducha_domain::item::Cadence;
use ducha_domain::notice::{NoticeCause, NoticeLevel, NoticeState};
use serde::Serialize;

/// One override of the working-day calendar as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CalendarDayRow {
    /// The date.
    pub day: NaiveDate,
    /// `holiday` or `workday`.
    pub kind: String,
    /// The festival.
    pub name: String,
}

impl CalendarDayRow {
    /// The override's kind.
    pub fn kind(&self) -> Option<DayOverride> {
        match self.kind.as_str() {
            "holiday" => Some(DayOverride::Holiday),
            "workday" => Some(DayOverride::Workday),
            _ => None,
        }
    }
}

/// What the sweep reads of one open assignment (with its item's cadence), in id order.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SweepRow {
    /// Assignment.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: AssignmentState,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Latest percent.
    pub progress: Option<i64>,
    /// Latest report.
    pub last_report_at: Option<DateTime<Utc>>,
    /// Returned and not reported on since.
    pub returned_open: bool,
    /// Stored light rank.
    pub light: Option<i64>,
    /// Stored reason.
    pub light_reason: Option<String>,
    /// The item's cadence.
    #[sqlx(try_from = "String")]
    pub cadence: Json<Cadence>,
}

/// A light to store: `(assignment id, rank, reason)`.
pub type LightSet = (i64, Option<i64>, Option<String>);

/// An urge notice (督办单).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct NoticeRow {
    /// Id.
    pub id: i64,
    /// Official number, e.g. 督催〔2026〕3号.
    pub number: String,
    /// Item.
    pub item_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// The unit it is addressed to.
    pub unit_id: i64,
    /// The unit's path.
    pub unit_path: String,
    /// Colour.
    #[sqlx(try_from = "String")]
    pub level: NoticeLevel,
    /// Why.
    #[sqlx(try_from = "String")]
    pub cause: NoticeCause,
    /// What the unit must do.
    pub requirement: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Must be met by.
    pub deadline: NaiveDate,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: NoticeState,
    /// The supervisor who issued it by hand (none: the rules).
    pub issued_by: Option<i64>,
    /// Issued at.
    pub issued_at: DateTime<Utc>,
    /// The notice it escalates.
    pub previous_id: Option<i64>,
    /// Acknowledged by.
    pub acknowledged_by: Option<i64>,
    /// Acknowledged at.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Met, escalated or closed on.
    pub resolved_on: Option<NaiveDate>,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new notice with what it sends. `{number}` in the notifications' and outbox messages'
/// texts is replaced by the number the notice gets.
#[derive(Debug, Clone)]
pub struct NewNotice {
    /// Number prefix, e.g. 督催.
    pub prefix: String,
    /// Counter scope (the registering jurisdiction's unit id).
    pub scope_unit_id: i64,
    /// Item.
    pub item_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit path.
    pub unit_path: String,
    /// Colour.
    pub level: NoticeLevel,
    /// Cause.
    pub cause: NoticeCause,
    /// Requirement.
    pub requirement: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Issued by hand by.
    pub issued_by: Option<i64>,
    /// Issued at.
    pub issued_at: DateTime<Utc>,
    /// Escalates.
    pub previous_id: Option<i64>,
    /// In-app notifications.
    pub notify: Vec<NewNotification>,
    /// Deliveries.
    pub outbox: Vec<NewOutbox>,
}

/// A summons recommendation (约谈): a run of red notices for one unit.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct SummonsRow {
    /// Id.
    pub id: i64,
    /// Unit.
    pub unit_id: i64,
    /// The red notice that completed the run.
    pub notice_id: i64,
    /// Reds in the run.
    pub reds: i64,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An in-app notification.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct NotificationRow {
    /// Id.
    pub id: i64,
    /// Addressee.
    pub user_id: i64,
    /// Kind, e.g. `notice.issued`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where to look.
    pub link: Option<String>,
    /// Orange, red or a summons.
    pub urgent: bool,
    /// Item.
    pub item_id: Option<i64>,
    /// Notice.
    pub notice_id: Option<i64>,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Read at.
    pub read_at: Option<DateTime<Utc>>,
}

/// A new in-app notification (its notice id is filled in when inserted with a notice).
#[derive(Debug, Clone)]
pub struct NewNotification {
    /// Addressee.
    pub user_id: i64,
    /// Kind.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Link.
    pub link: Option<String>,
    /// Urgent.
    pub urgent: bool,
    /// Item.
    pub item_id: Option<i64>,
    /// Notice.
    pub notice_id: Option<i64>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// A delivery to another system.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct OutboxRow {
    /// Id (the receiver's idempotency key).
    pub id: i64,
    /// Created at.
    pub created_at: DateTime<Utc>,
    /// Kind.
    pub kind: String,
    /// Channel name.
    pub channel: String,
    /// The target, as JSON.
    pub target: String,
    /// The message (title, text, link, urgent), as JSON.
    pub message: String,
    /// Digest grouping key (held rows).
    pub digest_key: Option<String>,
    /// held, pending, sent, dead, merged.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Due at.
    pub next_attempt_at: DateTime<Utc>,
    /// Node holding the claim.
    pub claimed_by: Option<String>,
    /// Claim expiry.
    pub claim_until: Option<DateTime<Utc>>,
    /// Last failure.
    pub last_error: Option<String>,
    /// Delivered at.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A new delivery.
#[derive(Debug, Clone)]
pub struct NewOutbox {
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Target JSON.
    pub target: String,
    /// Message JSON.
    pub message: String,
    /// Held for the digest under this key, or due at once (none).
    pub digest_key: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// A scheduled job and its lease.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct JobRow {
    /// Name.
    pub name: String,
    /// Next due.
    pub next_run_at: DateTime<Utc>,
    /// Node holding the lease.
    pub lease_owner: Option<String>,
    /// Lease expiry.
    pub lease_until: Option<DateTime<Utc>>,
    /// Last start.
    pub last_started_at: Option<DateTime<Utc>>,
    /// Last finish.
    pub last_finished_at: Option<DateTime<Utc>>,
    /// Last outcome (JSON).
    pub last_result: Option<String>,
    /// Runs so far.
    pub runs: i64,
}
