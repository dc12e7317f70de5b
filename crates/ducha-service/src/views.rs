//! What the use cases return: rows joined with names, plus the actions the user may take.

use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::item::{Cadence, Category, ItemState, Priority, Source, Target};
use ducha_domain::light::{Light, LightReason};
use ducha_domain::org::{Role, UnitKind};
use ducha_domain::report::{MetricValue, ReportKind, ReportState};
use ducha_domain::requests::RequestState;
use serde::Serialize;

/// A unit of the organisation tree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitView {
    /// Id.
    pub id: i64,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: UnitKind,
    /// Depth (1 = root).
    pub depth: usize,
}

/// A user.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserView {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name.
    pub display_name: String,
    /// Position (职务); empty when none was given.
    pub position: String,
    /// The language of the user's e-mails, text messages and digests: `zh-CN` or `en`.
    pub lang: String,
    /// Unit.
    pub unit_id: i64,
    /// Roles.
    pub roles: Vec<Role>,
    /// May log in.
    pub active: bool,
    /// Login is refused until then after too many failed attempts (past: no longer locked).
    pub locked_until: Option<DateTime<Utc>>,
    /// Phone, in the system admin's user list only (decrypted for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Email, in the system admin's user list only (decrypted for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The stored phone or email does not decrypt (moved to this row, or its key is gone).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub contact_unreadable: bool,
}

/// The logged-in user.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The user.
    pub user: UserView,
    /// The user's unit.
    pub unit: UnitView,
    /// The jurisdiction's unit id (what supervisors and leaders oversee).
    pub jurisdiction_unit_id: i64,
}

/// One line of the item register.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSummary {
    /// Id.
    pub id: i64,
    /// Official number (after dispatch).
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Source.
    pub source: Source,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// State.
    pub state: ItemState,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Public item.
    pub public: bool,
    /// Worst light of the open assignments (none before dispatch and after closing).
    pub light: Option<Light>,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Dispatched at.
    pub dispatched_at: Option<DateTime<Utc>>,
}

/// A page of the register.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemPage {
    /// The items.
    pub items: Vec<ItemSummary>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// An item with everything about it the user may see.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemDetail {
    /// Id.
    pub id: i64,
    /// Official number.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Source.
    pub source: Source,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// Targets.
    pub targets: Vec<Target>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// The deadline was given as this many working days from dispatch.
    pub deadline_working_days: Option<i64>,
    /// The deadline falls in a year whose holiday schedule is not loaded (counted Monday to
    /// Friday until it is).
    pub deadline_unscheduled: bool,
    /// Report cadence.
    pub cadence: Cadence,
    /// Responsible leader.
    pub leader_id: Option<i64>,
    /// Public item.
    pub public: bool,
    /// State.
    pub state: ItemState,
    /// Registering jurisdiction.
    pub scope_unit_id: i64,
    /// Registering unit.
    pub owner_unit_id: i64,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Dispatched at.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// Closed at.
    pub closed_at: Option<DateTime<Utc>>,
    /// Worst light of the open assignments.
    pub light: Option<Light>,
    /// Urge notices, oldest first.
    pub notices: Vec<crate::clock::NoticeView>,
    /// Version for optimistic locking.
    pub version: i64,
    /// What the user may do on the item (`edit`, `submit`, `approve`, `reject`, `dispatch`,
    /// `close`).
    pub actions: Vec<&'static str>,
    /// The assignment tree, depth-first, parents before children.
    pub assignments: Vec<AssignmentView>,
    /// Reports.
    pub reports: Vec<ReportView>,
    /// Help requests.
    pub help_requests: Vec<HelpRequestView>,
    /// Extension requests.
    pub extensions: Vec<ExtensionView>,
    /// Refusals.
    pub refusals: Vec<RefusalView>,
    /// Timeline of events.
    pub timeline: Vec<EventView>,
    /// What the ledger it was imported from names, while it is not dispatched.
    pub ledger_plan: Option<LedgerPlanView>,
}

/// The units a ledger (台账) named for a matter not yet dispatched, and its note: what the
/// leader approves and a dispatch that names no units uses.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LedgerPlanView {
    /// Lead units first, then co-units.
    pub units: Vec<PlannedUnit>,
    /// 备注: what is asked of the units.
    pub note: String,
}

/// A unit a ledger named.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlannedUnit {
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Lead or co-unit.
    pub role: AssignmentRole,
}

/// One node of the assignment tree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignmentView {
    /// Id.
    pub id: i64,
    /// Parent assignment.
    pub parent_id: Option<i64>,
    /// Depth (1 = dispatched by the supervision office).
    pub depth: usize,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Lead or co-unit.
    pub role: AssignmentRole,
    /// State.
    pub state: AssignmentState,
    /// Responsible person.
    pub responsible_user_id: Option<i64>,
    /// Responsible person's name.
    pub responsible_name: Option<String>,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Deadline at dispatch.
    pub original_deadline: NaiveDate,
    /// Targets.
    pub targets: Vec<Target>,
    /// Instructions.
    pub instructions: String,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Completion accepted at.
    pub completed_at: Option<DateTime<Utc>>,
    /// Times completion was returned.
    pub returned_count: i64,
    /// Latest progress.
    pub progress: Option<i64>,
    /// Latest report at.
    pub last_report_at: Option<DateTime<Utc>>,
    /// Light (none once finished).
    pub light: Option<Light>,
    /// Why the light is not green.
    pub light_reason: Option<LightReason>,
    /// Version for optimistic locking.
    pub version: i64,
    /// What the user may do (`sign`, `refuse`, `decompose`, `report`, `complete`, `extend`,
    /// `help`, `decide_refusal`).
    pub actions: Vec<&'static str>,
}

/// A report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Author.
    pub author_id: i64,
    /// Author's name.
    pub author_name: String,
    /// Progress or completion.
    pub kind: ReportKind,
    /// Text.
    pub text: String,
    /// Percent.
    pub percent: Option<i64>,
    /// Target values.
    pub metrics: Vec<MetricValue>,
    /// Problems.
    pub problems: String,
    /// Review state.
    pub state: ReportState,
    /// Submitted at.
    pub submitted_at: DateTime<Utc>,
    /// Reviewed at.
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Review comment.
    pub review_comment: String,
    /// Whether the user may review it.
    pub can_review: bool,
    /// Evidence files it carries, in the order given.
    pub evidence: Vec<crate::evidence::EvidenceView>,
}

/// A help request.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpRequestView {
    /// Id.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Asking unit.
    pub from_unit_id: i64,
    /// Asked unit.
    pub to_unit_id: i64,
    /// Asked unit's name.
    pub to_unit_name: String,
    /// Text.
    pub text: String,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Answer.
    pub answer: Option<String>,
    /// Answered at.
    pub answered_at: Option<DateTime<Utc>>,
    /// Whether the user may answer.
    pub can_answer: bool,
}

/// An extension request.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtensionView {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Deadline when asked.
    pub old_deadline: NaiveDate,
    /// Asked-for deadline.
    pub requested_deadline: NaiveDate,
    /// Reason.
    pub reason: String,
    /// State.
    pub state: RequestState,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Decision comment.
    pub comment: String,
    /// Whether the user may decide.
    pub can_decide: bool,
}

/// A refusal.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusalView {
    /// Id.
    pub id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Reason.
    pub reason: String,
    /// State.
    pub state: RequestState,
    /// Asked at.
    pub created_at: DateTime<Utc>,
    /// Decision comment.
    pub comment: String,
    /// Whether the user may decide.
    pub can_decide: bool,
}

/// One event of the timeline.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventView {
    /// Sequence number in the chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Kind.
    pub kind: String,
    /// Actor's name.
    pub actor_name: Option<String>,
    /// Actor's unit name.
    pub actor_unit_name: Option<String>,
    /// Assignment concerned.
    pub assignment_id: Option<i64>,
    /// Details.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    /// Hash in the chain.
    pub hash: String,
}

/// The id of what a command created, with the event that recorded it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Created {
    /// The new row's id (the first, when several were created).
    pub id: i64,
    /// All ids created.
    pub ids: Vec<i64>,
    /// The event's sequence number.
    pub event_seq: i64,
}

/// The outcome of a command that changed existing rows.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Done {
    /// The event's sequence number.
    pub event_seq: i64,
}
