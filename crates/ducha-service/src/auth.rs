//! Login with lockout, sessions with an idle timeout and CSRF token, and API tokens.
//!
//! Only SHA-256 hashes of session and API tokens are stored, so a copy of the database does not
//! let anyone log in.

use crate::Services;
use crate::context::actor_from;
use crate::error::{ServiceError, ServiceResult};
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};
use ducha_domain::chain::hex;
use ducha_domain::org::Actor;
use ducha_store::SessionRow;
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

/// A password policy check: at least 10 characters with letters and digits.
pub fn password_ok(password: &str) -> bool {
    password.chars().count() >= 10
        && password.chars().any(|c| c.is_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit())
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

impl Services {
    /// Checks a user name and password; locks the account after too many failures.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<NewSession> {
        let username = username.trim();
        // No stored name is empty, over-long or holds control characters (PostgreSQL refuses NUL).
        let plausible =
            !username.is_empty() && username.len() <= 64 && !username.chars().any(char::is_control);
        let found = if plausible {
            self.store.user_by_name(username).await?
        } else {
            None
        };
        let Some(user) = found else {
            // Same work as a real check, so timing does not reveal which names exist.
            verify_blocking(dummy_hash().to_string(), password.to_string()).await;
            self.security_event(crate::security::login_unknown(), now)
                .await?;
            return Err(ServiceError::LoginFailed);
        };
        if user.locked_until.is_some_and(|t| t > now) {
            self.security_event(crate::security::login_refused(&user), now)
                .await?;
            return Err(ServiceError::Locked);
        }
        let mut failures = user.failed_logins;
        if user.locked_until.is_some() {
            // The lock has ended: the failures that caused it are forgotten, so one wrong
            // password does not lock the account again (one guess every lock period would
            // otherwise keep any known account locked).
            self.store.login_succeeded(user.id).await?;
            failures = 0;
        }
        if !user.active || !verify_blocking(user.password_hash.clone(), password.to_string()).await
        {
            let lock = (failures + 1 >= self.config.lockout_threshold)
                .then(|| now + Duration::minutes(self.config.lockout_minutes));
            self.store.login_failed(user.id, lock).await?;
            self.security_event(
                crate::security::login_failed(&user, failures + 1, lock),
                now,
            )
            .await?;
            tracing::info!(user_id = user.id, locked = lock.is_some(), "failed login");
            return Err(if lock.is_some() {
                ServiceError::Locked
            } else {
                ServiceError::LoginFailed
            });
        }
        self.store.login_succeeded(user.id).await?;
        self.security_event(crate::security::login_succeeded(&user), now)
            .await?;
        let token = random_token()?;
        let csrf = random_token()?;
        self.store
            .create_session(&SessionRow {
                token_hash: token_hash(&token),
                user_id: user.id,
                csrf_token: csrf.clone(),
                created_at: now,
                expires_at: now + Duration::minutes(self.config.session_idle_minutes),
                last_seen_at: now,
            })
            .await?;
        Ok(NewSession {
            token,
            csrf,
            user_id: user.id,
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
        if s.expires_at <= now {
            self.store.delete_session(&hash).await?;
            return Err(ServiceError::Unauthorized);
        }
        if now - s.last_seen_at > Duration::minutes(1) {
            let expires = now + Duration::minutes(self.config.session_idle_minutes);
            self.store.touch_session(&hash, now, expires).await?;
        }
        Ok((actor_from(s.actor)?, s.csrf_token))
    }
}
