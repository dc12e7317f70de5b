//! Login with lockout and a per-address throttle, the second step (TOTP two-factor, a
//! first-login password change, enrolment), sessions with idle and absolute timeouts and a
//! per-user limit, and API tokens.
//!
//! Only SHA-256 hashes of session and API tokens are stored, so a copy of the database does not
//! let anyone log in.

mod password;
mod pending;
mod throttle;
mod twofactor;

pub use twofactor::{Enrolment, TwoFactorStatus};

use crate::Services;
use crate::context::actor_from;
use crate::error::{ServiceError, ServiceResult};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use ducha_domain::chain::hex;
use ducha_domain::org::Actor;
use ducha_domain::org::Role;
use ducha_store::{PendingLoginRow, SessionRow};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// A new session: the cookie token and the CSRF token to echo in writes.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Secret for the session cookie.
    pub token: String,
    /// Synchronizer token for cookie-authenticated writes.
    pub csrf: String,
    /// The user.
    pub user_id: i64,
}

/// 32 random bytes as hex.
pub fn random_token() -> ServiceResult<String> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| {
        ServiceError::Store(ducha_store::StoreError::Other(
            format!("no randomness: {e}").into(),
        ))
    })?;
    Ok(hex(&buf))
}

/// SHA-256 of a token, as stored.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Hashes a password with Argon2id (run it off the async threads).
pub fn hash_password(password: &str) -> ServiceResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into())))
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(phc: &str, password: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The password policy's broken rule for `username`, as a message key (history aside).
pub fn password_problem(password: &str, username: &str) -> Option<&'static str> {
    ducha_domain::password::check(password, username)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password 0").unwrap_or_default())
}

/// Argon2 runs at most this many at once: each takes ~19 MiB and a core for tens of
/// milliseconds, so a flood of logins must queue rather than exhaust memory.
static ARGON2_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs an Argon2 computation off the async threads, within [`ARGON2_SLOTS`].
pub(crate) async fn argon2<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> ServiceResult<T> {
    let _slot = ARGON2_SLOTS
        .acquire()
        .await
        .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))
}

async fn verify_blocking(phc: String, password: String) -> bool {
    argon2(move || verify_password(&phc, &password))
        .await
        .unwrap_or(false)
}

/// Authentication settings (part of `[service.auth]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// Roles that must log in with a second factor (TOTP); empty: two-factor is optional.
    pub twofactor_roles: Vec<Role>,
    /// Issuer shown by authenticator apps.
    pub totp_issuer: String,
    /// Hours a session lasts at most, however active.
    pub session_absolute_hours: i64,
    /// Sessions a user may hold at once; a new login ends the oldest (0: no limit).
    pub max_sessions_per_user: i64,
    /// Minutes a login may wait between the password and its second step.
    pub pending_minutes: i64,
    /// Failed logins from one client address within the window that refuse further attempts
    /// from it until the window ends, whatever the name (0: no limit).
    pub address_failures: i64,
    /// Length of that window in minutes.
    pub address_window_minutes: i64,
    /// Take the client address from the last `X-Forwarded-For` entry (only behind a proxy
    /// that sets it; otherwise anyone could pick their address).
    pub trust_forwarded_for: bool,
}

impl Default for AuthSettings {
    fn default() -> Self {
        Self {
            twofactor_roles: vec![
                Role::SystemAdmin,
                Role::SecurityAdmin,
                Role::AuditAdmin,
                Role::Supervisor,
            ],
            totp_issuer: "ducha".into(),
            session_absolute_hours: 12,
            max_sessions_per_user: 3,
            pending_minutes: 10,
            address_failures: 30,
            address_window_minutes: 15,
            trust_forwarded_for: false,
        }
    }
}

impl AuthSettings {
    /// Checks the values types cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !(1..=24 * 30).contains(&self.session_absolute_hours)
            || !(0..=100).contains(&self.max_sessions_per_user)
            || !(1..=60).contains(&self.pending_minutes)
            || self.address_failures < 0
            || !(1..=24 * 60).contains(&self.address_window_minutes)
        {
            return Err("service.auth: session_absolute_hours must be 1–720, \
                        max_sessions_per_user 0–100, pending_minutes 1–60, address_failures at \
                        least 0 and address_window_minutes 1–1440"
                .into());
        }
        if self.totp_issuer.is_empty() || self.totp_issuer.contains(':') {
            return Err("service.auth.totp_issuer must be set and hold no ':'".into());
        }
        Ok(())
    }
}

/// What a login needs before it becomes a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LoginNeed {
    /// The TOTP code (or a recovery code).
    Code,
    /// A new password of the user's own (an admin set the current one).
    PasswordChange,
    /// Enrolment in two-factor login (required for the user's role).
    Enrol,
}

/// The answer to a login step.
#[derive(Debug, Clone)]
pub enum LoginStep {
    /// Logged in.
    Session(NewSession),
    /// The password was right; the pending token leads to the next step only.
    Pending {
        /// Secret of the pending login (a cookie or the API's `pending_token`).
        token: String,
        /// What it needs next.
        need: LoginNeed,
    },
}

impl Services {
    /// Checks a user name and password; locks the account after too many failures. Answers the
    /// same for an unknown name, a wrong password and a locked account, with the same work.
    /// `addr` is the client's address for the per-address throttle.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<LoginStep> {
        self.throttle_check(addr, now).await?;
        let username = username.trim();
        // No stored name is empty, over-long or holds control characters (PostgreSQL refuses NUL).
        let plausible =
            !username.is_empty() && username.len() <= 64 && !username.chars().any(char::is_control);
        let found = if plausible {
            self.store.user_by_name(username).await?
        } else {
            None
        };
        let locked = found
            .as_ref()
            .filter(|u| u.locked_until.is_some_and(|t| t > now))
            .cloned();
        let Some(user) = found.filter(|u| u.locked_until.is_none_or(|t| t <= now)) else {
            // Unknown, or locked: the same work as a real check and the same answer, so
            // neither timing nor status reveals which names exist.
            verify_blocking(dummy_hash().to_string(), password.to_string()).await;
            self.throttle_failed(addr, now).await?;
            let e = match &locked {
                Some(u) => crate::security::login_refused(u),
                None => crate::security::login_unknown(),
            };
            self.security_event(e, now).await?;
            return Err(ServiceError::LoginFailed);
        };
        if user.locked_until.is_some() {
            // The lock has ended: the failures that caused it are forgotten, so one wrong
            // password does not lock the account again (one guess every lock period would
            // otherwise keep any known account locked).
            self.store.login_succeeded(user.id).await?;
        }
        let good = verify_blocking(user.password_hash.clone(), password.to_string()).await;
        if !good || !user.active {
            let (count, lock) = self.count_failure(user.id, addr, now).await?;
            self.security_event(crate::security::login_failed(&user, count, lock), now)
                .await?;
            return Err(ServiceError::LoginFailed);
        }
        // The password is right; the failures are forgotten only when the whole login is
        // (a wrong code still counts toward the lock).
        match self.login_need(&user, false).await? {
            None => {
                self.store.login_succeeded(user.id).await?;
                Ok(LoginStep::Session(self.start_session(user.id, now).await?))
            }
            Some(need) => {
                let token = random_token()?;
                self.store
                    .create_pending(&PendingLoginRow {
                        token_hash: token_hash(&token),
                        user_id: user.id,
                        factor_done: false,
                        created_at: now,
                        expires_at: now + Duration::minutes(self.config.auth.pending_minutes),
                    })
                    .await?;
                Ok(LoginStep::Pending { token, need })
            }
        }
    }

    /// Records a failed login (wrong password or code): counts toward the account's lock and
    /// the address's throttle; returns the failures in a row and the lock, if reached.
    pub(crate) async fn count_failure(
        &self,
        user_id: i64,
        addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<(i64, Option<DateTime<Utc>>)> {
        let until = now + Duration::minutes(self.config.lockout_minutes);
        let threshold = self.config.lockout_threshold;
        // Counted and locked by the database in one statement: concurrent wrong guesses
        // each see the count the others left.
        let count = self.store.login_failed(user_id, until, threshold).await?;
        let lock = (count >= threshold).then_some(until);
        self.throttle_failed(addr, now).await?;
        if lock.is_some() {
            tracing::info!(user_id, "account locked after failed logins");
        }
        Ok((count, lock))
    }

    /// What a user whose password was right still needs, in order: the code when two-factor
    /// is active, their own password when an admin set it, an enrolment when their role
    /// requires two-factor login.
    pub(crate) async fn login_need(
        &self,
        user: &ducha_store::UserRow,
        factor_done: bool,
    ) -> ServiceResult<Option<LoginNeed>> {
        let totp = self.store.totp(user.id).await?;
        let active = totp.is_some_and(|t| t.active);
        if active && !factor_done {
            return Ok(Some(LoginNeed::Code));
        }
        if user.must_change_password {
            return Ok(Some(LoginNeed::PasswordChange));
        }
        if !active && self.twofactor_required(&user.roles.0) {
            return Ok(Some(LoginNeed::Enrol));
        }
        Ok(None)
    }

    /// Whether a user with `roles` must log in with a second factor.
    pub fn twofactor_required(&self, roles: &[Role]) -> bool {
        roles
            .iter()
            .any(|r| self.config.auth.twofactor_roles.contains(r))
    }

    /// Opens a session, ending the user's oldest beyond the concurrent-session limit.
    pub(crate) async fn start_session(
        &self,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<NewSession> {
        let token = random_token()?;
        let csrf = random_token()?;
        self.store
            .create_session(&SessionRow {
                token_hash: token_hash(&token),
                user_id,
                csrf_token: csrf.clone(),
                created_at: now,
                expires_at: now + Duration::minutes(self.config.session_idle_minutes),
                last_seen_at: now,
            })
            .await?;
        let username = self.username(user_id).await?;
        let e =
            crate::security::SecEvent::new(ducha_domain::security::SecurityKind::LoginSucceeded)
                .by(user_id)
                .on(user_id)
                .args(serde_json::json!({ "username": username }));
        self.security_event(e, now).await?;
        let keep = self.config.auth.max_sessions_per_user;
        if keep > 0 {
            let ended = self.store.trim_sessions(user_id, keep).await?;
            if ended > 0 {
                let e = crate::security::SecEvent::new(
                    ducha_domain::security::SecurityKind::SessionEnded,
                )
                .on(user_id)
                .message("security.msg.session_limit")
                .args(serde_json::json!({ "username": username, "ended": ended }));
                self.security_event(e, now).await?;
                tracing::info!(user_id, ended, "oldest sessions ended by a new login");
            }
        }
        Ok(NewSession {
            token,
            csrf,
            user_id,
        })
    }

    /// Ends a session.
    pub async fn logout(&self, token: &str) -> ServiceResult<()> {
        self.record_logout(
            &token_hash(token),
            ducha_domain::chain::normalize_time(Utc::now()),
        )
        .await?;
        Ok(self.store.delete_session(&token_hash(token)).await?)
    }

    /// Resolves a session cookie to its user and CSRF token, sliding the idle timeout.
    pub async fn session_actor(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Actor, String)> {
        let hash = token_hash(token);
        let s = self
            .store
            .session_actor(&hash)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let absolute = s.created_at + Duration::hours(self.config.auth.session_absolute_hours);
        if s.expires_at <= now || absolute <= now {
            self.store.delete_session(&hash).await?;
            return Err(ServiceError::Unauthorized);
        }
        if now - s.last_seen_at > Duration::minutes(1) {
            let expires = (now + Duration::minutes(self.config.session_idle_minutes)).min(absolute);
            self.store.touch_session(&hash, now, expires).await?;
        }
        Ok((actor_from(s.actor)?, s.csrf_token))
    }
}
