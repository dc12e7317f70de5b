//! The security log (安全审计日志) and API token scopes.
//!
//! The security log records who logged in, failed, was locked or unlocked, what the admins
//! changed, which tokens were made or revoked, what was exported and when the configuration was
//! loaded. It is a chain of its own, hashed like the event log ([`crate::chain`]): each row's hash
//! covers the previous row's hash and the row's canonical content, with the same hash function.
//! A row never holds a secret: no password, token or session value, only ids, names and a
//! message key with its arguments.

use crate::chain::{ChainError, GENESIS, HashAlgo, normalize_time};
use crate::org::str_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

str_enum!(
    /// What happened, as the audit admin filters it.
    SecurityKind {
        /// A password (and code, where required) was accepted; a session began.
        LoginSucceeded = "login.succeeded",
        /// A login was refused: wrong password, unknown name, disabled or locked account.
        LoginFailed = "login.failed",
        /// Too many failures locked an account.
        AccountLocked = "account.locked",
        /// The security admin lifted a lock.
        AccountUnlocked = "account.unlocked",
        /// A session ended by logging out.
        Logout = "logout",
        /// The security admin ended someone's session.
        SessionEnded = "session.ended",
        /// The system admin (or the console) added a user.
        UserCreated = "user.created",
        /// A user's account was disabled: no login, sessions and tokens revoked.
        UserDisabled = "user.disabled",
        /// A disabled account was enabled again.
        UserEnabled = "user.enabled",
        /// A user's roles were changed.
        RolesChanged = "user.roles_changed",
        /// An admin set a user's password.
        PasswordReset = "user.password_reset",
        /// A user chose a new password themselves (at the first login or later).
        PasswordChanged = "user.password_changed",
        /// A user turned two-factor login on.
        TwofactorEnrolled = "twofactor.enrolled",
        /// A user turned their two-factor login off (with a current code).
        TwofactorDisabled = "twofactor.disabled",
        /// The security admin reset a user's two-factor login (a lost phone).
        TwofactorReset = "twofactor.reset",
        /// An API token was created.
        TokenCreated = "token.created",
        /// An API token was revoked (by its owner or the security admin).
        TokenRevoked = "token.revoked",
        /// A register, ledger, statistics or document was downloaded.
        Exported = "export",
        /// `ducha serve` loaded its configuration.
        ConfigLoaded = "config.loaded",
        /// A callback role viewed an appeal's original text and contact (unmasked).
        PersonalDataViewed = "personal_data.viewed",
    }
);

impl SecurityKind {
    /// The message key that describes a row of this kind (its arguments fill it in).
    pub fn message_key(self) -> &'static str {
        match self {
            SecurityKind::LoginSucceeded => "security.msg.login_succeeded",
            SecurityKind::LoginFailed => "security.msg.login_failed",
            SecurityKind::AccountLocked => "security.msg.account_locked",
            SecurityKind::AccountUnlocked => "security.msg.account_unlocked",
            SecurityKind::Logout => "security.msg.logout",
            SecurityKind::SessionEnded => "security.msg.session_ended",
            SecurityKind::UserCreated => "security.msg.user_created",
            SecurityKind::UserDisabled => "security.msg.user_disabled",
            SecurityKind::UserEnabled => "security.msg.user_enabled",
            SecurityKind::RolesChanged => "security.msg.roles_changed",
            SecurityKind::PasswordReset => "security.msg.password_reset",
            SecurityKind::PasswordChanged => "security.msg.password_changed",
            SecurityKind::TwofactorEnrolled => "security.msg.twofactor_enrolled",
            SecurityKind::TwofactorDisabled => "security.msg.twofactor_disabled",
            SecurityKind::TwofactorReset => "security.msg.twofactor_reset",
            SecurityKind::TokenCreated => "security.msg.token_created",
            SecurityKind::TokenRevoked => "security.msg.token_revoked",
            SecurityKind::Exported => "security.msg.exported",
            SecurityKind::ConfigLoaded => "security.msg.config_loaded",
            SecurityKind::PersonalDataViewed => "security.msg.personal_data_viewed",
        }
    }
}

/// A security row as a use case produces it, before the store numbers and chains it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecurityDraft {
    /// When it happened (truncated to microseconds when recorded).
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: SecurityKind,
    /// Who acted (none for the console and for failures of unknown names).
    pub actor_user: Option<i64>,
    /// Whose account it concerns.
    pub target_user: Option<i64>,
    /// The client's address as the server saw it (empty at the console).
    pub client: String,
    /// The message key describing it.
    pub message: String,
    /// The message's arguments, a JSON object; never a secret.
    pub args: serde_json::Value,
}

/// A recorded security row: numbered, chained and immutable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityRecord {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened (a [`SecurityKind`] name).
    pub kind: String,
    /// Who acted.
    pub actor_user: Option<i64>,
    /// Whose account it concerns.
    pub target_user: Option<i64>,
    /// The client's address.
    pub client: String,
    /// The message key.
    pub message: String,
    /// The message's arguments as JSON text, hashed exactly as stored.
    pub args: String,
    /// The previous row's hash ([`GENESIS`] for the first).
    pub prev_hash: String,
    /// This row's hash.
    pub hash: String,
}

impl SecurityRecord {
    /// Numbers and chains a draft after `prev` (seq, hash).
    pub fn chain(algo: HashAlgo, prev: (i64, &str), d: &SecurityDraft) -> Self {
        let mut rec = SecurityRecord {
            seq: prev.0 + 1,
            at: normalize_time(d.at),
            kind: d.kind.as_str().to_string(),
            actor_user: d.actor_user,
            target_user: d.target_user,
            client: d.client.clone(),
            message: d.message.clone(),
            args: d.args.to_string(),
            prev_hash: prev.1.to_string(),
            hash: String::new(),
        };
        rec.hash = rec.compute_hash(algo);
        rec
    }

    /// The canonical bytes: previous hash, a JSON array of the fixed fields, the arguments.
    pub fn canonical(&self) -> Vec<u8> {
        let header = serde_json::json!([
            self.seq,
            self.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            self.kind,
            self.actor_user,
            self.target_user,
            self.client,
            self.message,
        ]);
        format!("{}\n{}\n{}", self.prev_hash, header, self.args).into_bytes()
    }

    /// Recomputes this row's hash from its content.
    pub fn compute_hash(&self, algo: HashAlgo) -> String {
        algo.hex_digest(&self.canonical())
    }
}

/// Verifies security rows in order, one at a time, keeping only the last link; the errors
/// are the event chain's, naming the first bad row.
#[derive(Debug)]
pub struct SecurityVerifier {
    algo: HashAlgo,
    last_seq: i64,
    last_hash: String,
}

impl SecurityVerifier {
    /// A verifier for a chain starting at the genesis.
    pub fn new(algo: HashAlgo) -> Self {
        Self {
            algo,
            last_seq: 0,
            last_hash: GENESIS.to_string(),
        }
    }

    /// Checks the next row.
    pub fn push(&mut self, r: &SecurityRecord) -> Result<(), ChainError> {
        let expected = self.last_seq + 1;
        if r.seq != expected {
            return Err(ChainError::Missing {
                seq: expected,
                found: r.seq,
            });
        }
        if r.compute_hash(self.algo) != r.hash {
            return Err(ChainError::Altered { seq: r.seq });
        }
        if r.prev_hash != self.last_hash {
            return Err(ChainError::BrokenLink { seq: r.seq });
        }
        self.last_seq = r.seq;
        self.last_hash.clone_from(&r.hash);
        Ok(())
    }

    /// The last verified (seq, hash).
    pub fn head(&self) -> (i64, &str) {
        (self.last_seq, &self.last_hash)
    }
}

str_enum!(
    /// A part of the API a token may be limited to.
    TokenArea {
        /// Items, the register, the workbench, notices and the inbox.
        Items = "items",
        /// Assignments and what hangs off them: reports, extensions, refusals, help requests,
        /// evidence.
        Assignments = "assignments",
        /// Chain analytics.
        Analytics = "analytics",
        /// Suggestions and proposals.
        Proposals = "proposals",
        /// Integrated supervision: the leading group, meetings, inspections.
        Joint = "joint",
        /// The assessment.
        Assessment = "assessment",
        /// Citizens' appeals and the 12345 import.
        Appeals = "appeals",
    }
);

impl TokenArea {
    /// The area of an API path (below `/api/v1`), if it belongs to one.
    pub fn of_path(path: &str) -> Option<TokenArea> {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        Some(match first {
            "items" | "workbench" | "notices" | "summonses" | "lights" | "inbox" => {
                TokenArea::Items
            }
            "assignments" | "reports" | "extensions" | "refusals" | "help-requests"
            | "evidence" => TokenArea::Assignments,
            "analytics" => TokenArea::Analytics,
            "proposals" => TokenArea::Proposals,
            "joint" => TokenArea::Joint,
            "assessment" => TokenArea::Assessment,
            "appeals" => TokenArea::Appeals,
            _ => return None,
        })
    }
}

/// What an API token may do: read only, or write too; in every area, or only in some.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenScope {
    /// May send POST, PUT, PATCH and DELETE.
    pub write: bool,
    /// The areas it is limited to; empty means every area.
    pub areas: Vec<TokenArea>,
}

/// Longest lifetime of an API token, in days.
pub const TOKEN_MAX_DAYS: i64 = 90;
/// Lifetime of an API token when none is asked, in days.
pub const TOKEN_DEFAULT_DAYS: i64 = 30;

impl TokenScope {
    /// The stored form of the areas: names joined by commas (empty for every area).
    pub fn areas_text(&self) -> String {
        self.areas
            .iter()
            .map(|a| a.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the stored form; unknown names are dropped (and so allow nothing more).
    pub fn from_stored(scope: &str, areas: &str) -> Self {
        TokenScope {
            write: scope == "write",
            areas: areas
                .split(',')
                .filter_map(|a| a.trim().parse().ok())
                .collect(),
        }
    }

    /// Whether a request with this method to this API path (below `/api/v1`) is allowed.
    /// A limited token reaches its areas and reads `/me`; everything outside an area (the
    /// organisation, tokens, the calendar, the logs) needs an unlimited one.
    pub fn allows(&self, writes: bool, path: &str) -> bool {
        if writes && !self.write {
            return false;
        }
        if self.areas.is_empty() {
            return true;
        }
        match TokenArea::of_path(path) {
            Some(area) => self.areas.contains(&area),
            None => !writes && path.trim_end_matches('/') == "/me",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rows(n: i64) -> Vec<SecurityRecord> {
        let mut out: Vec<SecurityRecord> = Vec::new();
        for i in 0..n {
            let prev = out
                .last()
                .map_or((0, GENESIS.to_string()), |r| (r.seq, r.hash.clone()));
            let d = SecurityDraft {
                at: Utc
                    .with_ymd_and_hms(2026, 12, 1, 8, 0, 0)
                    .single()
                    .expect("time")
                    + chrono::Duration::seconds(i),
                kind: SecurityKind::LoginFailed,
                actor_user: None,
                target_user: Some(7),
                client: "10.0.0.8".into(),
                message: SecurityKind::LoginFailed.message_key().into(),
                args: serde_json::json!({ "username": "town_a1" }),
            };
            out.push(SecurityRecord::chain(HashAlgo::Sm3, (prev.0, &prev.1), &d));
        }
        out
    }

    fn verify(rows: &[SecurityRecord]) -> Result<(), ChainError> {
        let mut v = SecurityVerifier::new(HashAlgo::Sm3);
        rows.iter().try_for_each(|r| v.push(r))
    }

    #[test]
    fn the_security_chain_names_the_first_bad_row() {
        assert_eq!(verify(&rows(4)), Ok(()));
        let mut edited = rows(4);
        edited[1].client = "192.168.1.1".into();
        assert_eq!(verify(&edited), Err(ChainError::Altered { seq: 2 }));
        let mut deleted = rows(4);
        deleted.remove(2);
        assert_eq!(
            verify(&deleted),
            Err(ChainError::Missing { seq: 3, found: 4 })
        );
        let mut rehashed = rows(4);
        rehashed[1].target_user = Some(8);
        rehashed[1].hash = rehashed[1].compute_hash(HashAlgo::Sm3);
        assert_eq!(verify(&rehashed), Err(ChainError::BrokenLink { seq: 3 }));
    }

    #[test]
    fn scopes_limit_methods_and_areas() {
        let read_all = TokenScope {
            write: false,
            areas: vec![],
        };
        assert!(read_all.allows(false, "/items"));
        assert!(read_all.allows(false, "/units"));
        assert!(!read_all.allows(true, "/items"));
        let items_write = TokenScope {
            write: true,
            areas: vec![TokenArea::Items, TokenArea::Assignments],
        };
        for (writes, path, ok) in [
            (true, "/items/3/submit", true),
            (true, "/assignments/4/reports", true),
            (false, "/workbench", true),
            (false, "/me", true),
            (false, "/analytics/stall-map", false),
            (false, "/proposals/sessions", false),
            (false, "/units", false),
            (true, "/tokens", false),
            (false, "/security-log", false),
        ] {
            assert_eq!(items_write.allows(writes, path), ok, "{writes} {path}");
        }
        let stored = TokenScope::from_stored("read", &items_write.areas_text());
        assert_eq!(stored.areas, items_write.areas);
        assert!(!stored.write);
    }
}
