//! Rows of NPC suggestions and CPPCC proposals: sessions, suggestions with their current
//! round's clock, co-units' opinions, replies and communication records.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

/// A session's list (e.g. 市十七届人大三次会议).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ProposalSessionRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// `suggestion` or `proposal`.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Year.
    pub year: i64,
    /// Working days within which a unit may return a wrongly routed one.
    pub return_days: i64,
    /// Opened by.
    pub created_by: i64,
    /// Opened at.
    pub created_at: DateTime<Utc>,
}

/// A new session.
#[derive(Debug, Clone)]
pub struct NewProposalSession {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Kind.
    pub kind: String,
    /// Name.
    pub name: String,
    /// Year.
    pub year: i64,
    /// Return window.
    pub return_days: i64,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A suggestion, with its current round's clock.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ProposalRow {
    /// Id.
    pub id: i64,
    /// Session.
    pub session_id: i64,
    /// Number in the session.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Proposers.
    pub proposers: String,
    /// Delegation or sector.
    pub grp: String,
    /// Category.
    pub category: String,
    /// Text.
    pub body: String,
    /// State.
    pub state: String,
    /// `joint` or `split`, once routed.
    pub mode: Option<String>,
    /// The current round (0 before routing).
    pub round: i64,
    /// The current round's handling item.
    pub item_id: Option<i64>,
    /// The day the round started.
    pub started_on: Option<NaiveDate>,
    /// Last day to return it (round 1).
    pub return_by: Option<NaiveDate>,
    /// Co-units' opinions due.
    pub co_due: Option<NaiveDate>,
    /// Reply due (after an approved extension, the new date).
    pub reply_due: Option<NaiveDate>,
    /// Latest date an extension may name.
    pub extension_limit: Option<NaiveDate>,
    /// The round's extension: `requested`, `approved`, `denied`.
    pub ext_state: Option<String>,
    /// The date asked.
    pub ext_to: Option<NaiveDate>,
    /// Why.
    pub ext_reason: String,
    /// The office's comment.
    pub ext_comment: String,
    /// Asked by.
    pub ext_asked_by: Option<i64>,
    /// Decided by.
    pub ext_decided_by: Option<i64>,
    /// Registered by.
    pub created_by: i64,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Version.
    pub version: i64,
}

/// A new suggestion.
#[derive(Debug, Clone)]
pub struct NewProposal {
    /// Session.
    pub session_id: i64,
    /// The checked fields.
    pub spec: ducha_domain::proposals::import::ProposalSpec,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A co-unit's opinion to the lead.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct OpinionRow {
    /// Id.
    pub id: i64,
    /// Suggestion.
    pub proposal_id: i64,
    /// Round.
    pub round: i64,
    /// Co-unit.
    pub unit_id: i64,
    /// Text.
    pub text: String,
    /// Sent by the co-unit due date.
    pub on_time: bool,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A unit's reply in a round.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ReplyRow {
    /// Id.
    pub id: i64,
    /// Suggestion.
    pub proposal_id: i64,
    /// Round.
    pub round: i64,
    /// Replying unit.
    pub unit_id: i64,
    /// Text.
    pub text: String,
    /// `a`, `b`, `c`, `d`.
    pub grade: String,
    /// B: what was promised.
    pub commitment: String,
    /// B: by when.
    pub commitment_due: Option<NaiveDate>,
    /// B: the item that supervises the promise.
    pub follow_item_id: Option<i64>,
    /// The round's reply date in force.
    pub due: NaiveDate,
    /// Replied on.
    pub replied_on: NaiveDate,
    /// Replied by the due date.
    pub on_time: bool,
    /// The proposer's satisfaction, once entered.
    pub satisfaction: Option<String>,
    /// What the proposer said.
    pub satisfaction_note: String,
    /// Entered by.
    pub rated_by: Option<i64>,
    /// Entered at.
    pub rated_at: Option<DateTime<Utc>>,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
    /// Version.
    pub version: i64,
}

/// A communication record.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ContactRow {
    /// Id.
    pub id: i64,
    /// Suggestion.
    pub proposal_id: i64,
    /// The unit that talked with the proposer.
    pub unit_id: i64,
    /// `face`, `phone`, `written`.
    pub mode: String,
    /// When.
    pub on_date: NaiveDate,
    /// What was said.
    pub note: String,
    /// By.
    pub created_by: i64,
    /// At.
    pub created_at: DateTime<Utc>,
}

/// A top-level assignment of a suggestion's current handling item.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ProposalUnitRow {
    /// Suggestion.
    pub proposal_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Unit's name.
    pub unit_name: String,
    /// Unit's path.
    pub unit_path: String,
    /// `lead` or `co`.
    pub role: String,
    /// Assignment state.
    pub state: String,
    /// Assignment deadline.
    pub deadline: NaiveDate,
    /// Assignment light rank.
    pub light: Option<i64>,
    /// Dispatched (the start of the unit's return window).
    pub dispatched_at: DateTime<Utc>,
}

/// A new row of this part (an id of 0 in `Opinion` … refers to nothing: all ids are known).
#[derive(Debug, Clone)]
pub enum ProposalInsert {
    /// A session.
    Session(NewProposalSession),
    /// A suggestion.
    Proposal(NewProposal),
    /// A co-unit's opinion.
    Opinion(OpinionRow),
    /// A reply.
    Reply(ReplyRow),
    /// A communication record.
    Contact(ContactRow),
}

/// A whole-row update of this part, checked against its version.
#[derive(Debug, Clone)]
pub enum ProposalUpdate {
    /// A suggestion.
    Proposal(ProposalRow),
    /// A reply (satisfaction).
    Reply(ReplyRow),
}
