//! Choosing a password: the policy (length, letters and digits, not common, not the user name)
//! and the history (none of the last five may come back).

use super::verify_password;
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_store::{Update, UserRow};

/// Passwords remembered, the current one included: none of them may be chosen again.
pub const HISTORY: usize = 5;

impl Services {
    /// Checks `new` for `user` under `field` and hashes it.
    pub(crate) async fn new_password_hash(
        &self,
        user: &UserRow,
        new: &str,
        field: &str,
    ) -> ServiceResult<String> {
        if let Some(key) = super::password_problem(new, &user.username) {
            return Err(ValidationErrors::single(field, key).into());
        }
        let mut earlier = vec![user.password_hash.clone()];
        earlier.extend(self.store.password_history(user.id).await?);
        earlier.truncate(HISTORY);
        let pw = new.to_string();
        let (reused, hash) = super::argon2(move || {
            let reused = earlier.iter().any(|h| verify_password(h, &pw));
            (reused, super::hash_password(&pw))
        })
        .await?;
        if reused {
            return Err(ValidationErrors::single(field, "validation.password_reused").into());
        }
        hash
    }

    /// Stores a password the user chose: the old one joins the history.
    pub(crate) async fn set_own_password(
        &self,
        user: &UserRow,
        hash: String,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let actor = self.actor(user.id).await?;
        self.commit(
            Some(&actor),
            now,
            EventKind::UserPasswordChanged,
            crate::context::Subject {
                unit: Some(user.unit_id),
                ..Default::default()
            },
            serde_json::json!({ "user_id": user.id }),
            vec![Update::Password {
                user_id: user.id,
                hash,
                must_change: false,
                at: now,
            }],
            vec![],
        )
        .await?;
        let e =
            crate::security::SecEvent::new(ducha_domain::security::SecurityKind::PasswordChanged)
                .by(user.id)
                .on(user.id)
                .args(serde_json::json!({ "username": user.username }));
        self.security_event(e, now).await?;
        Ok(())
    }

    /// The logged-in user changes their password, proving the current one.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self
            .store
            .user(actor.user_id.0)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let (phc, pw) = (user.password_hash.clone(), current.to_string());
        if !super::argon2(move || verify_password(&phc, &pw)).await? {
            return Err(ValidationErrors::single(
                "current_password",
                "validation.password_current",
            )
            .into());
        }
        let hash = self.new_password_hash(&user, new, "new_password").await?;
        self.set_own_password(&user, hash, now).await
    }
}
