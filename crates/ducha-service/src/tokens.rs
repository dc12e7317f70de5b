//! API tokens: scoped (read or write, optionally limited to areas), with a bounded lifetime,
//! listed without their secret, revocable by their owner and by the security admin, and made
//! only from a logged-in session (a token never mints another).
//!
//! Only the SHA-256 of a token's secret is stored.

use crate::Services;
use crate::auth::{random_token, token_hash};
use crate::context::actor_from;
use crate::error::{ServiceError, ServiceResult};
use crate::security::SecEvent;
use chrono::{DateTime, Duration, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::org::{Actor, Role};
use ducha_domain::security::{
    SecurityKind, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenArea, TokenScope,
};
use ducha_store::{NewScopedToken, TokenRow};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// An API token to create.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInput {
    /// What it is for.
    pub name: String,
    /// `read` (GET only) or `write`; `read` when absent.
    #[serde(default)]
    pub scope: Option<String>,
    /// Areas it is limited to (`items`, `assignments`, `analytics`, `proposals`, `joint`,
    /// `assessment`); every area when absent or empty.
    #[serde(default)]
    pub areas: Vec<String>,
    /// Days until it expires: 1 to 90, 30 when absent.
    #[serde(default)]
    pub days: Option<i64>,
}

/// An API token as its owner and the security admin see it: never its secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenView {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// Owner's login name.
    pub username: String,
    /// What it is for.
    pub name: String,
    /// `read` or `write`.
    pub scope: String,
    /// Areas it is limited to (empty: every area).
    pub areas: Vec<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Expires (none: made before lifetimes were required, and no longer valid).
    pub expires_at: Option<DateTime<Utc>>,
    /// Last used.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A new token: its id and its secret, shown once.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Id.
    pub id: i64,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
    /// Expiry.
    pub expires_at: DateTime<Utc>,
}

/// Who a token acts as, and what it may do.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    /// The user.
    pub actor: Actor,
    /// The token's id.
    pub token_id: i64,
    /// Its scope.
    pub scope: TokenScope,
}

/// A token's view.
pub fn token_view(t: &TokenRow) -> TokenView {
    TokenView {
        id: t.id,
        user_id: t.user_id,
        username: t.username.clone(),
        name: t.name.clone(),
        scope: t.scope.clone(),
        areas: t
            .areas
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect(),
        created_at: t.created_at,
        expires_at: t.expires_at,
        last_used_at: t.last_used_at,
        revoked_at: t.revoked_at,
    }
}

impl Services {
    /// Creates an API token acting as `actor`; the secret is returned once. `via_token` says
    /// the request was itself authenticated by a token: refused, only a session mints tokens.
    pub async fn create_token(
        &self,
        actor: &Actor,
        via_token: bool,
        input: &TokenInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<NewToken> {
        if via_token {
            return Err(ServiceError::Forbidden);
        }
        let mut e = ValidationErrors::default();
        let name = ducha_domain::text::bounded(&mut e, "name", &input.name, true, 100);
        let write = match input.scope.as_deref().map(str::trim) {
            None | Some("" | "read") => false,
            Some("write") => true,
            Some(_) => {
                e.add("scope", "validation.token_scope");
                false
            }
        };
        let mut areas = Vec::new();
        for a in &input.areas {
            match TokenArea::from_str(a.trim()) {
                Ok(area) if !areas.contains(&area) => areas.push(area),
                Ok(_) => {}
                Err(()) => e.add("areas", "validation.token_area"),
            }
        }
        let days = input.days.unwrap_or(TOKEN_DEFAULT_DAYS);
        if !(1..=TOKEN_MAX_DAYS).contains(&days) {
            e.add("days", "validation.token_days");
        }
        e.into_result(())?;
        let scope = TokenScope { write, areas };
        let secret = format!("dk_{}", random_token()?);
        let expires_at = now + Duration::days(days);
        let id = self
            .store
            .create_scoped_token(&NewScopedToken {
                token_hash: token_hash(&secret),
                user_id: actor.user_id.0,
                name: name.clone(),
                scope: if write { "write" } else { "read" }.into(),
                areas: scope.areas_text(),
                created_at: now,
                expires_at,
            })
            .await?;
        let username = self.username(actor.user_id.0).await?;
        let areas = if scope.areas.is_empty() {
            "all".to_string()
        } else {
            scope.areas_text()
        };
        let e = SecEvent::new(SecurityKind::TokenCreated)
            .by(actor.user_id.0)
            .on(actor.user_id.0)
            .args(serde_json::json!({
                "username": username, "name": name, "token_id": id,
                "scope": if write { "write" } else { "read" }, "areas": areas, "days": days,
            }));
        self.security_event(e, now).await?;
        Ok(NewToken {
            id,
            secret,
            expires_at,
        })
    }

    /// The caller's own tokens, newest first (revoked and expired ones too).
    pub async fn list_tokens(&self, actor: &Actor) -> ServiceResult<Vec<TokenView>> {
        Ok(self
            .store
            .tokens_of(actor.user_id.0)
            .await?
            .iter()
            .map(token_view)
            .collect())
    }

    /// Revokes a token: its owner may, and the security admin of the owner's jurisdiction.
    /// Anyone else's token is "not found".
    pub async fn revoke_token(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let t = self.store.token(id).await?.ok_or(ServiceError::NotFound)?;
        if t.user_id != actor.user_id.0 {
            let owner = self
                .store
                .actor_row(t.user_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            let within = owner.unit_path.0.is_within(&actor.jurisdiction);
            if !(actor.has(Role::SecurityAdmin) && within) {
                return Err(ServiceError::NotFound);
            }
        }
        if self.store.revoke_token(id, now).await? {
            let e = SecEvent::new(SecurityKind::TokenRevoked)
                .by(actor.user_id.0)
                .on(t.user_id)
                .args(serde_json::json!({
                    "username": t.username, "name": t.name, "token_id": id,
                }));
            self.security_event(e, now).await?;
        }
        Ok(())
    }

    /// Resolves a bearer token to its user and scope; an expired, revoked or lifetime-less
    /// token, or a disabled user, is unauthorized. Records the use (at most once a minute).
    pub async fn token_auth(&self, token: &str, now: DateTime<Utc>) -> ServiceResult<TokenAuth> {
        let t = self
            .store
            .scoped_token(&token_hash(token))
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let valid = t.revoked_at.is_none() && t.expires_at.is_some_and(|e| e > now);
        if !valid {
            return Err(ServiceError::Unauthorized);
        }
        if t.last_used_at
            .is_none_or(|u| now - u > Duration::minutes(1))
        {
            self.store.touch_token(t.token_id, now).await?;
        }
        let scope = TokenScope::from_stored(&t.scope, &t.areas);
        Ok(TokenAuth {
            token_id: t.token_id,
            scope,
            actor: actor_from(t.actor)?,
        })
    }
}
