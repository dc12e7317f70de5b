//! Rows as both backends store them. Enums are stored by name, lists as JSON text.

use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::item::{Cadence, Category, ItemState, Priority, Source, Target};
use ducha_domain::org::{Role, UnitKind, UnitPath};
use ducha_domain::report::{MetricValue, ReportKind, ReportState};
use ducha_domain::requests::RequestState;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A JSON value kept in a TEXT column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> TryFrom<String> for Json<T> {
    type Error = serde_json::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&s).map(Json)
    }
}

impl<T: Serialize> Json<T> {
    /// The stored text.
    pub fn text(&self) -> String {
        // Serialising plain data structs cannot fail.
        serde_json::to_string(&self.0).unwrap_or_else(|_| "null".into())
    }
}

/// A path column (read through the blanket `TryFrom`).
impl From<String> for PathCol {
    fn from(s: String) -> Self {
        PathCol(UnitPath::from_stored(s))
    }
}

/// A stored [`UnitPath`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PathCol(pub UnitPath);

/// Roles stored as a comma-separated list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RolesCol(pub Vec<Role>);

impl TryFrom<String> for RolesCol {
    type Error = ducha_domain::error::UnknownName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.split(',')
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse()
                    .map_err(|()| ducha_domain::error::UnknownName(p.to_string()))
            })
            .collect::<Result<_, _>>()
            .map(RolesCol)
    }
}

/// A node of the organisation tree.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct UnitRow {
    /// Id.
    pub id: i64,
    /// Parent unit.
    pub parent_id: Option<i64>,
    /// Full name, e.g. 青山县人民政府.
    pub name: String,
    /// Kind.
    #[sqlx(try_from = "String")]
    pub kind: UnitKind,
    /// Materialised path.
    #[sqlx(try_from = "String")]
    pub path: PathCol,
    /// Path of the unit's jurisdiction (nearest city, county or township at or above it).
    #[sqlx(try_from = "String")]
    pub jurisdiction_path: PathCol,
    /// Sort key among siblings.
    pub sort: i64,
}

/// Who a user is, resolved in one query: enough to build an `Actor`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ActorRow {
    /// User.
    pub user_id: i64,
    /// The user's unit.
    pub unit_id: i64,
    /// Roles.
    #[sqlx(try_from = "String")]
    pub roles: RolesCol,
    /// May log in.
    pub active: bool,
    /// The unit's path.
    #[sqlx(try_from = "String")]
    pub unit_path: PathCol,
    /// The unit's jurisdiction path.
    #[sqlx(try_from = "String")]
    pub jurisdiction_path: PathCol,
}

/// A session with its user, resolved in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionActorRow {
    /// The user.
    #[sqlx(flatten)]
    pub actor: ActorRow,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
}

/// An API token with its user, resolved in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenActorRow {
    /// The user.
    #[sqlx(flatten)]
    pub actor: ActorRow,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A new unit.
#[derive(Debug, Clone)]
pub struct NewUnit {
    /// Parent (none for the root).
    pub parent: Option<(i64, UnitPath)>,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: UnitKind,
    /// Sort key.
    pub sort: i64,
}

/// A user.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Unit.
    pub unit_id: i64,
    /// Roles.
    #[sqlx(try_from = "String")]
    pub roles: RolesCol,
    /// Argon2 PHC string.
    #[serde(skip)]
    pub password_hash: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: String,
    /// May log in.
    pub active: bool,
    /// Consecutive failed logins.
    pub failed_logins: i64,
    /// Locked until.
    pub locked_until: Option<DateTime<Utc>>,
}

/// A new user.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Unit.
    pub unit_id: i64,
    /// Roles.
    pub roles: Vec<Role>,
    /// Argon2 PHC string.
    pub password_hash: String,
    /// Phone.
    pub phone: String,
    /// Email.
    pub email: String,
}

/// A login session; only the hash of its token is stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// SHA-256 of the cookie token.
    pub token_hash: String,
    /// User.
    pub user_id: i64,
    /// Synchronizer token for cookie-authenticated writes.
    pub csrf_token: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires (idle timeout, slid on use).
    pub expires_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
}

/// A new API token.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    /// SHA-256 of the secret.
    pub token_hash: String,
    /// User.
    pub user_id: i64,
    /// Label.
    pub name: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A supervised matter.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ItemRow {
    /// Id.
    pub id: i64,
    /// Official number, given at dispatch.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Source.
    #[sqlx(try_from = "String")]
    pub source: Source,
    /// Category.
    #[sqlx(try_from = "String")]
    pub category: Category,
    /// Priority.
    #[sqlx(try_from = "String")]
    pub priority: Priority,
    /// Targets.
    #[sqlx(try_from = "String")]
    pub targets: Json<Vec<Target>>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Report cadence.
    #[sqlx(try_from = "String")]
    pub cadence: Json<Cadence>,
    /// Responsible leader.
    pub leader_id: Option<i64>,
    /// Public item.
    pub public: bool,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: ItemState,
    /// The jurisdiction that registered it.
    pub scope_unit_id: i64,
    /// Its path.
    #[sqlx(try_from = "String")]
    pub scope_path: PathCol,
    /// The registering unit (the supervision office).
    pub owner_unit_id: i64,
    /// Registered by.
    pub created_by: i64,
    /// Registered at.
    pub created_at: DateTime<Utc>,
    /// Dispatched at (the clock's start).
    pub dispatched_at: Option<DateTime<Utc>>,
    /// Closed at.
    pub closed_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new item (a draft).
#[derive(Debug, Clone)]
pub struct NewItem {
    /// Parsed fields.
    pub spec: ducha_domain::item::ItemSpec,
    /// Registering jurisdiction.
    pub scope_unit_id: i64,
    /// Its path.
    pub scope_path: UnitPath,
    /// Registering unit.
    pub owner_unit_id: i64,
    /// Registered by.
    pub created_by: i64,
    /// Registered at.
    pub created_at: DateTime<Utc>,
}

/// One unit's responsibility for an item.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AssignmentRow {
    /// Id.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// Parent assignment (none for a top-level one).
    pub parent_id: Option<i64>,
    /// Assigned unit.
    pub unit_id: i64,
    /// Its path.
    #[sqlx(try_from = "String")]
    pub unit_path: PathCol,
    /// Lead or co-unit.
    #[sqlx(try_from = "String")]
    pub role: AssignmentRole,
    /// Responsible person, named when signing.
    pub responsible_user_id: Option<i64>,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Deadline at dispatch (a return keeps it; an approved extension does not).
    pub original_deadline: NaiveDate,
    /// Targets.
    #[sqlx(try_from = "String")]
    pub targets: Json<Vec<Target>>,
    /// What the dispatcher asked.
    pub instructions: String,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: AssignmentState,
    /// Dispatched at (the clock's start).
    pub dispatched_at: DateTime<Utc>,
    /// Dispatched by.
    pub dispatched_by: i64,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Completion accepted at.
    pub completed_at: Option<DateTime<Utc>>,
    /// How often completion was returned.
    pub returned_count: i64,
    /// Latest reported progress.
    pub progress: Option<i64>,
    /// Latest report at.
    pub last_report_at: Option<DateTime<Utc>>,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new assignment.
#[derive(Debug, Clone)]
pub struct NewAssignment {
    /// Item.
    pub item_id: i64,
    /// Parent assignment.
    pub parent_id: Option<i64>,
    /// Unit.
    pub unit_id: i64,
    /// Its path.
    pub unit_path: UnitPath,
    /// Lead or co.
    pub role: AssignmentRole,
    /// Responsible person, if the dispatcher names one.
    pub responsible_user_id: Option<i64>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Targets.
    pub targets: Vec<Target>,
    /// Instructions.
    pub instructions: String,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Dispatched by.
    pub dispatched_by: i64,
}

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
