//! Delivery of the outbox: claim due rows, send each through its channel, record the outcome;
//! retries back off exponentially and end in the dead-letter view. The daily digest merges the
//! held (non-urgent) rows of each addressee into one message.

use super::notify::{OutboxMessage, UserRef};
use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use chrono::{DateTime, Duration, Utc};
use ducha_domain::i18n::{Lang, Message as I18nMessage};
use ducha_domain::org::{Actor, Role};
use ducha_notify::{DeliveryError, Message, Notifier, Target};
use ducha_store::{NewOutbox, OutboxRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// What one delivery run did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliverOutcome {
    /// Delivered.
    pub sent: u64,
    /// Failed, to be retried.
    pub retried: u64,
    /// Given up (dead letters).
    pub dead: u64,
}

/// What one digest run did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DigestOutcome {
    /// Held rows merged.
    pub merged: u64,
    /// Digests queued.
    pub digests: u64,
}

/// An outbox row as the dead-letter view shows it (targets without secrets).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OutboxView {
    /// Id.
    pub id: i64,
    /// Kind.
    pub kind: String,
    /// Channel.
    pub channel: String,
    /// Title of the message.
    pub title: String,
    /// State.
    pub state: String,
    /// Attempts.
    pub attempts: i64,
    /// Last error.
    pub last_error: Option<String>,
    /// Created at.
    pub created_at: DateTime<Utc>,
}

/// Rows claimed per round: one, sent at once, so a claim never outlives its lease while earlier
/// rows of a batch are still being sent (another node could then claim and send it too).
const CLAIM: i64 = 1;

impl Services {
    /// Delivers every due row once (rows failing now are retried by a later run). `lease` is
    /// how long a claim protects a row from other nodes.
    pub async fn deliver_outbox(
        &self,
        notifier: &Notifier,
        owner: &str,
        lease: Duration,
    ) -> ServiceResult<DeliverOutcome> {
        let mut out = DeliverOutcome::default();
        let settings = &self.config.notify;
        loop {
            let now = Utc::now();
            let rows = self
                .store
                .claim_outbox(owner, now, now + lease, CLAIM)
                .await?;
            if rows.is_empty() {
                return Ok(out);
            }
            for row in rows {
                let result = match self.decode(&row).await {
                    Ok((target, msg)) => notifier.deliver(&target, &msg, Utc::now()).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => {
                        if self.store.outbox_sent(row.id, owner, Utc::now()).await? {
                            out.sent += 1;
                        }
                    }
                    Err(e) => {
                        let attempts = row.attempts + 1;
                        let retry = e.retryable && attempts < settings.max_attempts;
                        let retry_at = retry.then(|| {
                            let exp = u32::try_from(attempts - 1).unwrap_or(20).min(20);
                            let secs = settings.retry_base_seconds.max(1).saturating_mul(1 << exp);
                            Utc::now() + Duration::seconds(secs.min(3600))
                        });
                        tracing::warn!(id = row.id, channel = %row.channel, attempts, retry, error = %e.message, "delivery failed");
                        self.store
                            .outbox_failed(row.id, owner, &e.message, retry_at)
                            .await?;
                        if retry {
                            out.retried += 1;
                        } else {
                            out.dead += 1;
                        }
                    }
                }
            }
        }
    }

    /// Merges the held rows of each addressee into one digest message, due at once.
    pub async fn run_digest(&self, now: DateTime<Utc>) -> ServiceResult<DigestOutcome> {
        let mut out = DigestOutcome::default();
        let held = self.store.held_outbox(10_000).await?;
        let mut groups: BTreeMap<String, Vec<OutboxRow>> = BTreeMap::new();
        for r in held {
            groups
                .entry(r.digest_key.clone().unwrap_or_default())
                .or_default()
                .push(r);
        }
        for rows in groups.into_values() {
            let Some(first) = rows.first() else { continue };
            // The digest is sent to one addressee, in that addressee's language (a robot's
            // in zh-CN).
            let lang = self.reader_lang(&first.target).await;
            let mut lines = Vec::new();
            for r in &rows {
                if let Ok(m) = serde_json::from_str::<OutboxMessage>(&r.message) {
                    let line = I18nMessage::new(
                        "notify.digest.line",
                        serde_json::json!({ "title": I18nMessage::render(&m.title, lang),
                            "text": I18nMessage::render(&m.text, lang) }),
                    );
                    lines.push(line.text(lang));
                }
            }
            let message = OutboxMessage {
                title: I18nMessage::new(
                    "notify.digest.title",
                    serde_json::json!({ "n": rows.len() }),
                )
                .stored(),
                text: lines.join("\n"),
                link: Some(format!(
                    "{}/inbox",
                    self.config.notify.base_url.trim_end_matches('/')
                )),
                urgent: false,
            };
            let digest = NewOutbox {
                kind: "digest".into(),
                channel: first.channel.clone(),
                target: first.target.clone(),
                message: serde_json::to_string(&message).unwrap_or_default(),
                digest_key: None,
                // Due at once on the wall clock, even when the job clock runs ahead.
                created_at: now.min(crate::now()),
            };
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            match self.store.merge_held(&ids, &digest).await {
                Ok(_) => {
                    out.merged += ids.len() as u64;
                    out.digests += 1;
                }
                Err(ducha_store::StoreError::Conflict(_)) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    /// The outbox rows in a state (`dead` for the dead-letter view), for system admins; titles
    /// in the admin's `lang`.
    pub async fn outbox(
        &self,
        actor: &Actor,
        state: &str,
        lang: Lang,
    ) -> ServiceResult<Vec<OutboxView>> {
        ensure(actor.has(Role::SystemAdmin))?;
        if !["held", "pending", "sent", "dead", "merged"].contains(&state) {
            let mut e = ducha_domain::ValidationErrors::default();
            e.add("state", "validation.unknown_choice");
            return Err(e.into());
        }
        Ok(self
            .store
            .outbox_in_state(state, 200)
            .await?
            .into_iter()
            .map(|r| OutboxView {
                title: serde_json::from_str::<OutboxMessage>(&r.message)
                    .map(|m| I18nMessage::render(&m.title, lang))
                    .unwrap_or_default(),
                id: r.id,
                kind: r.kind,
                channel: r.channel,
                state: r.state,
                attempts: r.attempts,
                last_error: r.last_error,
                created_at: r.created_at,
            })
            .collect())
    }

    /// A system admin sends a dead letter again.
    pub async fn retry_dead_letter(&self, actor: &Actor, id: i64) -> ServiceResult<()> {
        ensure(actor.has(Role::SystemAdmin))?;
        if self.store.retry_outbox(id, Utc::now()).await? {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }
}

fn fatal(message: String) -> DeliveryError {
    DeliveryError {
        retryable: false,
        message,
    }
}

impl Services {
    /// The target an outbox row names, with the language to write in: a user's address or
    /// phone read now (decrypted) and the user's language, or a stored or configured target
    /// (a robot, a gateway) in zh-CN.
    async fn target_of(&self, stored: &str) -> Result<(Target, Lang), DeliveryError> {
        let Ok(r) = serde_json::from_str::<UserRef>(stored) else {
            let target = self.config.notify.resolve(stored).map_err(fatal)?;
            return Ok((target, Lang::ZhCn));
        };
        let user = self
            .store
            .user(r.user)
            .await
            .map_err(|e| DeliveryError {
                retryable: true,
                message: format!("cannot read user {}: {e}", r.user),
            })?
            .ok_or_else(|| fatal(format!("user {} no longer exists", r.user)))?;
        let (column, value) = match r.via.as_str() {
            "email" => (crate::secrets::EMAIL, &user.email),
            "sms" => (crate::secrets::PHONE, &user.phone),
            other => return Err(fatal(format!("unknown channel {other}"))),
        };
        let clear = self
            .open_contact(column, user.id, value)
            .map_err(|e| fatal(e.to_string()))?;
        if clear.is_empty() {
            return Err(fatal(format!("user {} has no {} now", user.id, r.via)));
        }
        let target = if r.via == "email" {
            Target::Email {
                to: clear.to_string(),
            }
        } else {
            Target::Sms {
                phone: clear.to_string(),
            }
        };
        Ok((target, Lang::from_tag(&user.lang)))
    }

    /// The language an outbox row is written in for its addressee: a user's own, zh-CN for a
    /// robot or gateway (a unit's group has no one reader) or a user no longer there.
    async fn reader_lang(&self, stored: &str) -> Lang {
        let Ok(r) = serde_json::from_str::<UserRef>(stored) else {
            return Lang::ZhCn;
        };
        match self.store.user(r.user).await {
            Ok(Some(u)) => Lang::from_tag(&u.lang),
            _ => Lang::ZhCn,
        }
    }

    async fn decode(&self, row: &OutboxRow) -> Result<(Target, Message), DeliveryError> {
        let (target, lang) = self.target_of(&row.target).await?;
        let m: OutboxMessage =
            serde_json::from_str(&row.message).map_err(|e| fatal(format!("bad message: {e}")))?;
        Ok((
            target,
            Message {
                id: row.id,
                kind: row.kind.clone(),
                // In the addressee's language.
                title: I18nMessage::render(&m.title, lang),
                text: I18nMessage::render(&m.text, lang),
                link: m.link,
                urgent: m.urgent,
            },
        ))
    }
}
