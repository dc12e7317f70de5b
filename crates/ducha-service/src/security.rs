//! The security log (安全审计日志): recording, the audit admin's reading, and the security
//! admin's overview of locks, sessions and tokens (三员分立).
//!
//! Every use case records through [`Services::security_event`]. The client's address comes
//! from the request scope ([`with_client`], set once by the HTTP layer for each request), so the
//! use cases do not grow a parameter they would only pass on to the log; at the console it is
//! empty.

use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::org::user_view;
use crate::views::UserView;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::calendar::china_date;
use ducha_domain::org::{Actor, Role};
use ducha_domain::security::{SecurityDraft, SecurityKind, SecurityRecord};
use ducha_store::{SecurityQuery, SessionListRow};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::str::FromStr;

tokio::task_local! {
    static CLIENT: String;
}

/// Runs `f` with `client` as the address the security log records for it.
pub async fn with_client<F: Future>(client: String, f: F) -> F::Output {
    CLIENT.scope(client, f).await
}

/// The client address of the current request (empty outside one).
pub fn client() -> String {
    CLIENT.try_with(Clone::clone).unwrap_or_default()
}

/// A security event to record: what, who, whom, and the message's arguments.
#[derive(Debug, Clone)]
pub struct SecEvent {
    kind: SecurityKind,
    actor: Option<i64>,
    target: Option<i64>,
    message: &'static str,
    args: serde_json::Value,
}

impl SecEvent {
    /// An event of `kind` with its usual message.
    pub fn new(kind: SecurityKind) -> Self {
        Self {
            kind,
            actor: None,
            target: None,
            message: kind.message_key(),
            args: serde_json::json!({}),
        }
    }

    /// Done by `user`.
    pub fn by(mut self, user: i64) -> Self {
        self.actor = Some(user);
        self
    }

    /// Concerning `user`'s account.
    pub fn on(mut self, user: i64) -> Self {
        self.target = Some(user);
        self
    }

    /// Described by another message key than the kind's.
    pub fn message(mut self, key: &'static str) -> Self {
        self.message = key;
        self
    }

    /// The message's arguments (a JSON object; never a secret).
    pub fn args(mut self, args: serde_json::Value) -> Self {
        self.args = args;
        self
    }
}

/// A row of the security log as the audit admin reads it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityLine {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Kind (`login.failed`, `account.locked`, …).
    pub kind: String,
    /// Who acted.
    pub actor_user: Option<i64>,
    /// Their display name.
    pub actor_name: Option<String>,
    /// Whose account.
    pub target_user: Option<i64>,
    /// Their display name.
    pub target_name: Option<String>,
    /// The client's address.
    pub client: String,
    /// The message key.
    pub message: String,
    /// Its arguments.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub args: serde_json::Value,
}

/// A page of the security log, newest first.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecurityPage {
    /// The day shown (China time).
    pub day: NaiveDate,
    /// Rows matching the filter that day.
    pub total: i64,
    /// This page.
    pub rows: Vec<SecurityLine>,
    /// Pass as `before` for the next page, if there is one.
    pub next_before: Option<i64>,
}

/// The audit admin's filter: a day (default today), a kind, a user; paged by `before`.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SecurityFilter {
    /// `YYYY-MM-DD` (China time); today when empty.
    #[serde(default)]
    pub day: Option<String>,
    /// A kind name.
    #[serde(default)]
    pub kind: Option<String>,
    /// A user id (acting or concerned).
    #[serde(default)]
    pub user: Option<i64>,
    /// Rows before this sequence number (the previous page's `next_before`).
    #[serde(default)]
    pub before: Option<i64>,
}

/// Rows per page of the log.
pub const SECURITY_PAGE: i64 = 50;

/// What the security admin manages: locked accounts, live sessions, valid tokens.
#[derive(Debug, Clone)]
pub struct SecurityOverview {
    /// Accounts locked now.
    pub locked: Vec<UserView>,
    /// Sessions not yet expired.
    pub sessions: Vec<SessionListRow>,
    /// Tokens neither revoked nor expired.
    pub tokens: Vec<ducha_store::TokenRow>,
}

fn is_audit_admin(actor: &Actor) -> bool {
    actor.has(Role::AuditAdmin)
}

/// The security admin manages accounts within their jurisdiction.
fn is_security_admin(actor: &Actor) -> bool {
    actor.has(Role::SecurityAdmin)
}

impl Services {
    /// Records a security event, chained after the last one, with the request's client.
    pub async fn security_event(&self, e: SecEvent, now: DateTime<Utc>) -> ServiceResult<()> {
        let draft = SecurityDraft {
            at: now,
            kind: e.kind,
            actor_user: e.actor,
            target_user: e.target,
            client: client(),
            message: e.message.to_string(),
            args: e.args,
        };
        self.store.append_security(&draft).await?;
        Ok(())
    }

    /// Records that `actor` downloaded `what` (a register, ledger, statistics or document).
    pub async fn record_export(
        &self,
        actor: &Actor,
        what: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let username = self.username(actor.user_id.0).await?;
        let e = SecEvent::new(SecurityKind::Exported)
            .by(actor.user_id.0)
            .args(serde_json::json!({ "username": username, "what": what }));
        self.security_event(e, now).await
    }

    /// A user's login name (empty if unknown), for a message's arguments.
    pub(crate) async fn username(&self, user_id: i64) -> ServiceResult<String> {
        Ok(self
            .store
            .user(user_id)
            .await?
            .map(|u| u.username)
            .unwrap_or_default())
    }

    /// A page of the security log; the audit admin's alone.
    pub async fn security_log(
        &self,
        actor: &Actor,
        f: &SecurityFilter,
        now: DateTime<Utc>,
    ) -> ServiceResult<SecurityPage> {
        ensure(is_audit_admin(actor))?;
        let mut e = ValidationErrors::default();
        let day = match f.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => china_date(now),
            // Years the log can hold: others would overflow the time arithmetic or the
            // database's timestamps.
            Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
                .unwrap_or_else(|| {
                    e.add("day", "validation.bad_day");
                    china_date(now)
                }),
        };
        let kind = f.kind.as_deref().map(str::trim).filter(|k| !k.is_empty());
        if kind.is_some_and(|k| SecurityKind::from_str(k).is_err()) {
            e.add("kind", "validation.unknown_choice");
        }
        e.into_result(())?;
        // The day in China (UTC+8, no DST) as a UTC range.
        let from = day
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc() - Duration::hours(8))
            .ok_or(ServiceError::NotFound)?;
        let q = SecurityQuery {
            from,
            to: from + Duration::days(1),
            kind: kind.map(str::to_string),
            user: f.user,
            before: f.before,
            limit: SECURITY_PAGE + 1,
        };
        let total = self.store.security_count(&q).await?;
        let mut rows = self.store.security_rows(&q).await?;
        let more = rows.len() as i64 > SECURITY_PAGE;
        rows.truncate(SECURITY_PAGE as usize);
        let next_before = more.then(|| rows.last().map(|r| r.seq)).flatten();
        let mut ids: Vec<i64> = rows
            .iter()
            .flat_map(|r| [r.actor_user, r.target_user])
            .flatten()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let names: std::collections::HashMap<i64, String> =
            self.store.user_names(&ids).await?.into_iter().collect();
        let line = |r: SecurityRecord| SecurityLine {
            seq: r.seq,
            at: r.at,
            actor_name: r.actor_user.and_then(|u| names.get(&u).cloned()),
            target_name: r.target_user.and_then(|u| names.get(&u).cloned()),
            kind: r.kind,
            actor_user: r.actor_user,
            target_user: r.target_user,
            client: r.client,
            message: r.message,
            args: serde_json::from_str(&r.args).unwrap_or_default(),
        };
        Ok(SecurityPage {
            day,
            total,
            rows: rows.into_iter().map(line).collect(),
            next_before,
        })
    }

    /// Accounts locked now in the security admin's jurisdiction (their workbench's list).
    pub async fn locked_accounts(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<UserView>> {
        ensure(is_security_admin(actor))?;
        Ok(self
            .store
            .locked_users(&actor.jurisdiction, now)
            .await?
            .iter()
            .map(user_view)
            .collect())
    }

    /// Locked accounts, live sessions and valid tokens of the security admin's jurisdiction.
    pub async fn security_overview(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<SecurityOverview> {
        let locked = self.locked_accounts(actor, now).await?;
        let sessions = self.store.sessions_under(&actor.jurisdiction, now).await?;
        let tokens = self
            .store
            .valid_tokens_under(&actor.jurisdiction, now)
            .await?;
        Ok(SecurityOverview {
            locked,
            sessions,
            tokens,
        })
    }

    /// The security admin ends someone's session (given by the hash of its token).
    pub async fn end_session(
        &self,
        actor: &Actor,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        ensure(is_security_admin(actor))?;
        let s = self
            .store
            .session_row(token_hash)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !s.unit_path.0.is_within(&actor.jurisdiction) {
            return Err(ServiceError::NotFound);
        }
        self.store.delete_session(token_hash).await?;
        let e = SecEvent::new(SecurityKind::SessionEnded)
            .by(actor.user_id.0)
            .on(s.user_id)
            .args(serde_json::json!({ "username": s.username }));
        self.security_event(e, now).await
    }
}

/// A failed login with a name that matches no account (the name is not kept: it may be a
/// password typed into the wrong field).
pub(crate) fn login_unknown() -> SecEvent {
    SecEvent::new(SecurityKind::LoginFailed).message("security.msg.login_failed_unknown")
}

/// A login refused because the account is locked.
pub(crate) fn login_refused(user: &ducha_store::UserRow) -> SecEvent {
    SecEvent::new(SecurityKind::LoginFailed)
        .on(user.id)
        .message("security.msg.login_failed_locked")
        .args(serde_json::json!({ "username": user.username }))
}

/// A wrong password (or a disabled account); with `lock`, the failure that locked it.
pub(crate) fn login_failed(
    user: &ducha_store::UserRow,
    failures: i64,
    lock: Option<DateTime<Utc>>,
) -> SecEvent {
    let args = serde_json::json!({
        "username": user.username,
        "failures": failures,
        "until": lock.map(|t| (t + Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()),
    });
    match lock {
        Some(_) => SecEvent::new(SecurityKind::AccountLocked)
            .on(user.id)
            .args(args),
        None if !user.active => SecEvent::new(SecurityKind::LoginFailed)
            .on(user.id)
            .message("security.msg.login_failed_disabled")
            .args(args),
        None => SecEvent::new(SecurityKind::LoginFailed)
            .on(user.id)
            .args(args),
    }
}

impl Services {
    /// Records the end of the session with this token hash, if it is one.
    /// Logging out also revokes the user's API tokens (a token minted from a stolen session
    /// must not outlive the owner's logout), recorded with how many.
    pub(crate) async fn record_logout(&self, hash: &str, now: DateTime<Utc>) -> ServiceResult<()> {
        if let Some(s) = self.store.session_row(hash).await? {
            let mut revoked = 0;
            for t in self.store.tokens_of(s.user_id).await? {
                let live = t.revoked_at.is_none() && t.expires_at.is_some_and(|e| e > now);
                if live && self.store.revoke_token(t.id, now).await? {
                    revoked += 1;
                }
            }
            let e = SecEvent::new(SecurityKind::Logout)
                .by(s.user_id)
                .on(s.user_id)
                .args(serde_json::json!({ "username": s.username, "tokens": revoked }));
            let e = if revoked > 0 {
                e.message("security.msg.logout_tokens")
            } else {
                e
            };
            self.security_event(e, now).await?;
        }
        Ok(())
    }
}
