//! Register an item as a draft, and edit the draft.

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, ItemInput, ItemSpec, item_transition};
use ducha_domain::org::{Actor, Role};
use ducha_store::{HotTurn, Insert, Json, NewItem, NewLedgerRef, Update};

impl Services {
    async fn check_leader(&self, actor: &Actor, spec: &ItemSpec) -> ServiceResult<()> {
        if let Some(lid) = spec.leader_id {
            let ok = match self.store.user(lid).await? {
                Some(u) => {
                    u.roles.0.contains(&Role::Leader)
                        && self
                            .store
                            .unit(u.unit_id)
                            .await?
                            .is_some_and(|unit| unit.path.0.is_within(&actor.jurisdiction))
                }
                None => false,
            };
            if !ok {
                return Err(
                    ValidationErrors::single("leader_id", "validation.unknown_user").into(),
                );
            }
        }
        Ok(())
    }

    /// A supervisor registers an item in their jurisdiction as a draft.
    pub async fn create_item(
        &self,
        actor: &Actor,
        input: &ItemInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        self.create_item_from(actor, input, None, None, now).await
    }

    /// [`Self::create_item`], recording the ledger number of an imported matter with it (in
    /// the same commit, so a re-import finds it exactly when the item exists), or linking the
    /// hot issue it is made of (in the same commit, so there is never an item without its
    /// link, and of two clicks at once the second makes nothing).
    pub(crate) async fn create_item_from(
        &self,
        actor: &Actor,
        input: &ItemInput,
        ledger: Option<NewLedgerRef>,
        hot: Option<(HotTurn, i64)>,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        ensure(actor.has(Role::Supervisor))?;
        let spec = ItemSpec::parse(input, self.today(now), &self.calendar())?;
        self.check_leader(actor, &spec).await?;
        let scope_unit_id = actor
            .jurisdiction
            .ids()
            .last()
            .map_or(actor.unit_id.0, |u| u.0);
        let mut payload = serde_json::json!({ "title": spec.title, "source": spec.source,
            "category": spec.category, "deadline": spec.deadline, "targets": spec.targets });
        if let Some(l) = &ledger {
            payload["ledger"] = serde_json::json!({ "ref": l.ledger_ref, "row": l.row_no,
                "file_sha256": l.file_sha256, "assigned_on": l.assigned_on });
        }
        let mut inserts = vec![Insert::Item(NewItem {
            spec,
            scope_unit_id,
            scope_path: actor.jurisdiction.clone(),
            owner_unit_id: actor.unit_id.0,
            created_by: actor.user_id.0,
            created_at: now,
        })];
        inserts.extend(ledger.map(Insert::LedgerRef));
        if let Some((turn, appeals)) = hot {
            payload["hot_issue"] = serde_json::json!(turn.hot_id);
            payload["appeals"] = serde_json::json!(appeals);
            inserts.push(Insert::HotTurn(turn));
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ItemCreated,
                Subject::default(),
                payload,
                vec![],
                inserts,
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// A supervisor edits a draft.
    pub async fn edit_item(
        &self,
        actor: &Actor,
        item_id: i64,
        version: i64,
        input: &ItemInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut item, _) = self.visible_item(actor, item_id).await?;
        ensure(actor.supervises(&item.scope_path.0))?;
        item_transition(item.state, ItemCommand::Edit)?;
        if item.version != version {
            return Err(ducha_domain::Rule::Concurrent.into());
        }
        let spec = ItemSpec::parse(input, self.today(now), &self.calendar())?;
        self.check_leader(actor, &spec).await?;
        item.title.clone_from(&spec.title);
        item.description.clone_from(&spec.description);
        item.source = spec.source;
        item.category = spec.category;
        item.priority = spec.priority;
        item.targets = Json(spec.targets.clone());
        item.deadline = spec.deadline;
        item.deadline_working_days = spec.deadline_working_days.map(i64::from);
        item.cadence = Json(spec.cadence);
        item.leader_id = spec.leader_id;
        item.public = spec.public;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ItemUpdated,
                Subject::item(item_id),
                serde_json::to_value(&spec).map_err(|e| {
                    ServiceError::Store(ducha_store::StoreError::Other(Box::new(e)))
                })?,
                vec![Update::Item(item)],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
