//! Rows as both backends store them. Enums are stored by name, lists as JSON text.

mod analytics;
mod appeals;
mod assessment;
mod bulletins;
mod clock;
mod evidence;
mod joint;
mod ledger;
mod ops;
mod proposals;
mod requests;
mod security;
mod workbench;

pub use analytics::*;
pub use appeals::*;
pub use assessment::*;
pub use bulletins::*;
pub use clock::*;
pub use evidence::*;
pub use joint::*;
pub use ledger::*;
pub use ops::*;
pub use proposals::*;
pub use requests::*;
pub use security::*;
pub use workbench::*;

use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::item::{Cadence, Category, ItemState, Priority, Source, Target};
use ducha_domain::org::{Role, UnitKind, UnitPath};
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
    /// The unit holds a body seat of a leading group.
    pub member_body: bool,
}

/// A session with its user, resolved in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionActorRow {
    /// The user.
    #[sqlx(flatten)]
    pub actor: ActorRow,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Start (for the absolute lifetime).
    pub created_at: DateTime<Utc>,
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
    /// Notification preferences (JSON).
    pub notify_prefs: String,
    /// Must choose a new password before any business access (an admin set this one).
    pub must_change_password: bool,
    /// Position (职务), e.g. 市长; empty when none was given.
    pub position: String,
    /// The language of the user's deliveries (`zh-CN` or `en`).
    pub lang: String,
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
    /// Must choose their own password at the first login (created by an admin).
    pub must_change_password: bool,
    /// Position (职务).
    pub position: String,
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
    /// Worst light rank of the open assignments (derived; none when nothing is open).
    pub light: Option<i64>,
    /// N working days from dispatch, when the deadline was given that way.
    pub deadline_working_days: Option<i64>,
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
    /// A returned completion not reported on since.
    pub returned_open: bool,
    /// Light rank (derived; none once finished).
    pub light: Option<i64>,
    /// Why the light is not green.
    pub light_reason: Option<String>,
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
    /// Light rank at dispatch.
    pub light: Option<i64>,
    /// Its reason.
    pub light_reason: Option<String>,
}

/// Open assignments of a subtree by light: a depth's totals (`unit_id` empty, `units` the
/// units holding any), or one unit of the charted depth.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LightTallyRow {
    /// The depth (the root of the whole tree is 1).
    pub depth: i64,
    /// The unit, for a row of one unit.
    pub unit_id: Option<i64>,
    /// Its name.
    pub name: Option<String>,
    /// Units holding open lit assignments.
    pub units: i64,
    /// 绿灯.
    pub green: i64,
    /// 蓝灯.
    pub blue: i64,
    /// 黄灯.
    pub yellow: i64,
    /// 红灯.
    pub red: i64,
}

/// Visible items of one group (see `CockpitStore::cockpit_items`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemTallyRow {
    /// Source name.
    pub source: String,
    /// Category name.
    pub category: String,
    /// Deadline month, `2026-11`.
    pub month: String,
    /// State name.
    pub state: String,
    /// Light rank.
    pub light: Option<i64>,
    /// 1 when closed on or before the deadline.
    pub on_time: i64,
    /// How many.
    pub n: i64,
}
