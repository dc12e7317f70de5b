//! A bulletin's way to publication: the office submits a draft, a leader of the jurisdiction
//! approves it (签发) or sends it back with a remark, the office publishes it — the store
//! gives it the jurisdiction's next number of the year, and the units on its red and black
//! lists are notified in the same commit.

use super::{ReturnInput, invalid, rights, snapshot};
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Datelike, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::bulletin::BulletinState;
use ducha_domain::chain::EventKind;
use ducha_domain::i18n::Message;
use ducha_domain::org::{Actor, Role};
use ducha_domain::text::bounded;
use ducha_store::{BulletinRow, NewNotification, Update};
use std::collections::BTreeSet;

impl Services {
    async fn move_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        from: BulletinState,
        kind: EventKind,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut BulletinRow),
    ) -> ServiceResult<Done> {
        let (mut b, path, _) = self.visible_bulletin(actor, id).await?;
        let r = rights(actor, &path);
        ensure(match kind {
            EventKind::BulletinApproved | EventKind::BulletinReturned => r.leader,
            _ => r.office,
        })?;
        if b.state != from.as_str() {
            return Err(invalid("state", "validation.bulletin_state"));
        }
        change(&mut b);
        let scope = b.scope_unit_id;
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject {
                    unit: Some(scope),
                    ..Subject::default()
                },
                serde_json::json!({ "bulletin_id": id, "state": b.state, "remark": b.remark }),
                vec![Update::Bulletin(b)],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The office sends a draft to the leader.
    pub async fn submit_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        self.move_bulletin(
            actor,
            id,
            BulletinState::Draft,
            EventKind::BulletinSubmitted,
            now,
            |b| {
                b.state = BulletinState::Submitted.as_str().into();
                b.remark.clear();
            },
        )
        .await
    }

    /// A leader sends a submitted draft back to the office with a remark.
    pub async fn return_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        input: &ReturnInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        // Only leaders send back: anyone else is refused before their input is read.
        ensure(actor.has(Role::Leader))?;
        let mut e = ValidationErrors::default();
        let remark = bounded(&mut e, "remark", &input.remark, true, 1000);
        e.into_result(())?;
        self.move_bulletin(
            actor,
            id,
            BulletinState::Submitted,
            EventKind::BulletinReturned,
            now,
            |b| {
                b.state = BulletinState::Draft.as_str().into();
                b.remark = remark;
            },
        )
        .await
    }

    /// A leader of the jurisdiction approves (签发) a submitted bulletin.
    pub async fn approve_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let user = actor.user_id.0;
        self.move_bulletin(
            actor,
            id,
            BulletinState::Submitted,
            EventKind::BulletinApproved,
            now,
            |b| {
                b.state = BulletinState::Approved.as_str().into();
                b.approved_by = Some(user);
                b.approved_at = Some(now);
            },
        )
        .await
    }

    /// The office publishes an approved bulletin: it gets its number, and the units named on
    /// its red and black lists and those it praises or criticises are notified; each unit it
    /// praises or criticises gets a fact of the assessment at this instant, citing this
    /// event. Nothing in it changes afterwards.
    pub async fn publish_bulletin(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (b, path, scope_name) = self.visible_bulletin(actor, id).await?;
        ensure(rights(actor, &path).office)?;
        if b.state != BulletinState::Approved.as_str() {
            let key = if b.state == BulletinState::Published.as_str() {
                "validation.bulletin_published"
            } else {
                "validation.bulletin_state"
            };
            return Err(invalid("state", key));
        }
        let snap = snapshot(&b);
        // The units it praises and criticises are frozen with it; each gets a fact of the
        // assessment in the commit (the store derives them from the publication).
        let mentions = self.store.bulletin_mentions(id).await?;
        let of = |kind: &str| -> Vec<i64> {
            mentions
                .iter()
                .filter(|m| m.kind == kind)
                .map(|m| m.unit_id)
                .collect()
        };
        let (praised, criticised) = (of("praise"), of("criticism"));
        let named: BTreeSet<i64> = snap
            .current
            .red_list()
            .iter()
            .chain(snap.current.black_list().iter())
            .map(|u| u.unit_id)
            .chain(mentions.iter().map(|m| m.unit_id))
            .collect();
        // The number is given by the store in the commit, which fills it into the
        // notifications.
        let year = self.today(now).year();
        let mut users = BTreeSet::new();
        for u in &named {
            for x in self.store.users_of_unit(*u).await? {
                if crate::clock::addressed(&x) {
                    users.insert(x.id);
                }
            }
        }
        // Stored as keys and arguments, rendered in each reader's language.
        let args = serde_json::json!({ "scope": scope_name, "number": "{number}",
            "period": { "period": b.period } });
        let title = Message::new("bulletin.notify.title", args.clone()).stored();
        let body = Message::new("bulletin.notify.body", args).stored();
        let notify: Vec<NewNotification> = users
            .iter()
            .map(|u| NewNotification {
                user_id: *u,
                kind: "bulletin.published".into(),
                title: title.clone(),
                body: body.clone(),
                link: Some(format!("/bulletins/{id}")),
                urgent: false,
                item_id: None,
                notice_id: None,
                created_at: now,
            })
            .collect();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::BulletinPublished,
                Subject {
                    unit: Some(b.scope_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "bulletin_id": id, "period": b.period,
                    "named_units": named, "praised": praised, "criticised": criticised,
                    "notified": users.len() }),
                vec![Update::PublishBulletin {
                    id,
                    version: b.version,
                    year,
                    at: now,
                    notify,
                }],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
