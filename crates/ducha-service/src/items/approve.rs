//! Submit a draft for approval; the leader approves or sends it back.

use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, item_transition};
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_store::{ItemRow, Update};

impl Services {
    /// A supervisor submits a draft to the leader.
    pub async fn submit_item(
        &self,
        actor: &Actor,
        item_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        self.move_item(actor, item_id, ItemCommand::Submit, "", now)
            .await
    }

    /// The leader approves registration.
    pub async fn approve_item(
        &self,
        actor: &Actor,
        item_id: i64,
        comment: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        self.move_item(actor, item_id, ItemCommand::Approve, comment, now)
            .await
    }

    /// The leader sends the draft back, with a reason.
    pub async fn reject_item(
        &self,
        actor: &Actor,
        item_id: i64,
        reason: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        self.move_item(actor, item_id, ItemCommand::Reject, reason, now)
            .await
    }

    /// Records the approval a ledger states (its matters were approved on paper before the
    /// import): the importer, who must be a supervisor who may also approve the item, is the
    /// actor, and the comment says where it comes from, so the trail never shows a leader
    /// who did not act in the system. Takes the item as the caller read it (visible to the
    /// actor); returns the item as it is stored now.
    pub(crate) async fn approve_from_ledger(
        &self,
        actor: &Actor,
        mut item: ItemRow,
        comment: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Done, ItemRow)> {
        ensure(actor.supervises(&item.scope_path.0) && approves(actor, &item))?;
        item.state = item_transition(item.state, ItemCommand::Approve)?;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ItemApproved,
                Subject::item(item.id),
                serde_json::json!({ "comment": comment, "from_ledger": true }),
                vec![Update::Item(item.clone())],
                vec![],
            )
            .await?;
        item.version += 1;
        let done = Done {
            event_seq: c.event.seq,
        };
        Ok((done, item))
    }

    async fn move_item(
        &self,
        actor: &Actor,
        item_id: i64,
        cmd: ItemCommand,
        comment: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (item, _) = self.visible_item(actor, item_id).await?;
        Ok(self.move_loaded(actor, item, cmd, comment, now).await?.0)
    }

    /// A supervisor submits a draft the caller read (visible to the actor); returns the item
    /// as it is stored now.
    pub(crate) async fn submit_loaded(
        &self,
        actor: &Actor,
        item: ItemRow,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Done, ItemRow)> {
        self.move_loaded(actor, item, ItemCommand::Submit, "", now)
            .await
    }

    /// Moves an item the caller read (visible to the actor); returns the item as it is
    /// stored now (its version one up).
    async fn move_loaded(
        &self,
        actor: &Actor,
        mut item: ItemRow,
        cmd: ItemCommand,
        comment: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Done, ItemRow)> {
        let scope = &item.scope_path.0;
        let (allowed, kind) = match cmd {
            ItemCommand::Submit => (actor.supervises(scope), EventKind::ItemSubmitted),
            ItemCommand::Approve => (approves(actor, &item), EventKind::ItemApproved),
            _ => (approves(actor, &item), EventKind::ItemRejected),
        };
        ensure(allowed)?;
        item.state = item_transition(item.state, cmd)?;
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", comment, cmd == ItemCommand::Reject, 2000);
        e.into_result(())?;
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject::item(item.id),
                serde_json::json!({ "comment": comment }),
                vec![Update::Item(item.clone())],
                vec![],
            )
            .await?;
        // The row as written: `Update::Item` moves the version one up.
        item.version += 1;
        let done = Done {
            event_seq: c.event.seq,
        };
        Ok((done, item))
    }
}

/// Whether the actor decides on registering this item: its responsible leader when one is
/// named, otherwise any leader of its jurisdiction.
pub(crate) fn approves(actor: &Actor, item: &ItemRow) -> bool {
    actor.leads(&item.scope_path.0) && item.leader_id.is_none_or(|l| l == actor.user_id.0)
}
