//! Rows of the security log, scoped API tokens and the sessions the security admin sees.

use super::{ActorRow, PathCol};
use chrono::{DateTime, Utc};
use ducha_domain::security::SecurityRecord;

/// A stored security row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecurityRow {
    /// Sequence number.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Kind name.
    pub kind: String,
    /// Who acted.
    pub actor_user: Option<i64>,
    /// Whose account.
    pub target_user: Option<i64>,
    /// Client address.
    pub client: String,
    /// Message key.
    pub message: String,
    /// Arguments as JSON text.
    pub args: String,
    /// Previous hash.
    pub prev_hash: String,
    /// Hash.
    pub hash: String,
}

impl From<SecurityRow> for SecurityRecord {
    fn from(r: SecurityRow) -> Self {
        Self {
            seq: r.seq,
            at: r.at,
            kind: r.kind,
            actor_user: r.actor_user,
            target_user: r.target_user,
            client: r.client,
            message: r.message,
            args: r.args,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// A filter of the security log: a time range, and optionally a kind and a user (as actor
/// or as target); newest first, before `before` (a sequence number).
#[derive(Debug, Clone)]
pub struct SecurityQuery {
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// Kind name.
    pub kind: Option<String>,
    /// A user who acted or was concerned.
    pub user: Option<i64>,
    /// Rows with a lower sequence number only.
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}

/// A new API token with its scope and lifetime.
#[derive(Debug, Clone)]
pub struct NewScopedToken {
    /// SHA-256 of the secret.
    pub token_hash: String,
    /// Owner.
    pub user_id: i64,
    /// Label.
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// Areas, comma-separated; empty for all.
    pub areas: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expiry (always set).
    pub expires_at: DateTime<Utc>,
}

/// An API token as its owner and the security admin list it (never its secret or hash).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Owner's login name.
    pub username: String,
    /// Owner's display name.
    pub display_name: String,
    /// Label.
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// Areas, comma-separated.
    pub areas: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expiry (none for tokens made before lifetimes were required: they no longer work).
    pub expires_at: Option<DateTime<Utc>>,
    /// Last request made with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// An API token with its user, resolved in one query.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScopedTokenRow {
    /// The user.
    #[sqlx(flatten)]
    pub actor: ActorRow,
    /// Token id.
    pub token_id: i64,
    /// `read` or `write`.
    pub scope: String,
    /// Areas.
    pub areas: String,
    /// Expiry.
    pub expires_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// An open session as the security admin sees it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionListRow {
    /// The hash of its token (not the token: it lets no one in).
    pub token_hash: String,
    /// The user.
    pub user_id: i64,
    /// Login name.
    pub username: String,
    /// Display name.
    pub display_name: String,
    /// The user's unit's path.
    #[sqlx(try_from = "String")]
    pub unit_path: PathCol,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}
