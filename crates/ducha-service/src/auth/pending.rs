//! The second step of a login. The password was right; a pending login (not a session: it
//! opens no business page or API) leads only to what is still needed: the two-factor code, a
//! password of the user's own, or the enrolment their role requires.

use super::{Enrolment, LoginNeed, LoginStep, token_hash};
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_store::{PendingLoginRow, UserRow};

impl Services {
    /// The pending login and its user, while it lasts and the account may log in.
    async fn pending_login(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<(PendingLoginRow, UserRow)> {
        let hash = token_hash(token);
        let p = self
            .store
            .pending(&hash)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let user = self.store.user(p.user_id).await?;
        match user {
            Some(u)
                if p.expires_at > now && u.active && u.locked_until.is_none_or(|t| t <= now) =>
            {
                Ok((p, u))
            }
            _ => {
                self.store.delete_pending(&hash).await?;
                Err(ServiceError::Unauthorized)
            }
        }
    }

    /// What the pending login still needs; a session once nothing is left.
    async fn pending_next(
        &self,
        token: &str,
        p: &PendingLoginRow,
        user: &UserRow,
        now: DateTime<Utc>,
    ) -> ServiceResult<LoginStep> {
        match self.login_need(user, p.factor_done).await? {
            Some(need) => Ok(LoginStep::Pending {
                token: token.to_string(),
                need,
            }),
            None => {
                self.store.delete_pending(&p.token_hash).await?;
                self.store.login_succeeded(user.id).await?;
                Ok(LoginStep::Session(self.start_session(user.id, now).await?))
            }
        }
    }

    /// What a pending login needs now (for the page that asks for it).
    pub async fn pending_need(&self, token: &str, now: DateTime<Utc>) -> ServiceResult<LoginNeed> {
        let (p, user) = self.pending_login(token, now).await?;
        match self.pending_next_need(&p, &user).await? {
            Some(need) => Ok(need),
            None => Err(ServiceError::Unauthorized),
        }
    }

    async fn pending_next_need(
        &self,
        p: &PendingLoginRow,
        user: &UserRow,
    ) -> ServiceResult<Option<LoginNeed>> {
        self.login_need(user, p.factor_done).await
    }

    /// The second factor of a pending login: the TOTP code or a recovery code. A wrong one
    /// counts as a failed login (toward the lock and the address's throttle).
    pub async fn login_code(
        &self,
        token: &str,
        code: &str,
        addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<LoginStep> {
        self.throttle_check(addr, now).await?;
        let (p, user) = self.pending_login(token, now).await?;
        if self.pending_next_need(&p, &user).await? != Some(LoginNeed::Code) {
            return self.pending_next(token, &p, &user, now).await;
        }
        if !self.second_factor_ok(user.id, code, now).await? {
            let (count, lock) = self.count_failure(user.id, addr, now).await?;
            let e = crate::security::login_failed(&user, count, lock);
            let e = if lock.is_some() {
                e
            } else {
                e.message("security.msg.login_failed_code")
            };
            self.security_event(e, now).await?;
            return Err(ServiceError::CodeWrong);
        }
        self.store.pending_factor_done(&p.token_hash).await?;
        let p = PendingLoginRow {
            factor_done: true,
            ..p
        };
        self.pending_next(token, &p, &user, now).await
    }

    /// A pending login's new password (an admin had set the current one).
    pub async fn login_new_password(
        &self,
        token: &str,
        new_password: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<LoginStep> {
        let (p, user) = self.pending_login(token, now).await?;
        if self.pending_next_need(&p, &user).await? != Some(LoginNeed::PasswordChange) {
            return self.pending_next(token, &p, &user, now).await;
        }
        let hash = self
            .new_password_hash(&user, new_password, "new_password")
            .await?;
        self.set_own_password(&user, hash, now).await?;
        let user = self
            .store
            .user(user.id)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        self.pending_next(token, &p, &user, now).await
    }

    /// A pending login that must enrol: the secret to show (started once, then the same).
    pub async fn login_enrolment(
        &self,
        token: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Enrolment> {
        let (p, user) = self.pending_login(token, now).await?;
        if self.pending_next_need(&p, &user).await? != Some(LoginNeed::Enrol) {
            return Err(ServiceError::Unauthorized);
        }
        let actor = self.actor(user.id).await?;
        match self.twofactor_status(&actor).await?.enrolling {
            Some(e) => Ok(e),
            None => self.enrol_begin(user.id, &user.username, now).await,
        }
    }

    /// A pending login confirms its enrolment with a code: returns the recovery codes (shown
    /// once) and the session.
    pub async fn login_enrol_confirm(
        &self,
        token: &str,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Vec<String>, LoginStep)> {
        let (p, user) = self.pending_login(token, now).await?;
        if self.pending_next_need(&p, &user).await? != Some(LoginNeed::Enrol) {
            return Err(ServiceError::Unauthorized);
        }
        let codes = self.enrol_finish(user.id, code, now).await?;
        // The confirming code was the second factor of this login.
        let p = PendingLoginRow {
            factor_done: true,
            ..p
        };
        self.store.pending_factor_done(&p.token_hash).await?;
        Ok((codes, self.pending_next(token, &p, &user, now).await?))
    }
}
