//! The office makes an item of a hot issue (through the item's own use case: a draft of
//! category 三最, public, its title and text taken from the hot issue and edited), or merges
//! the hot issue into an existing item; either way its appeals — and those that join it later
//! — are linked to the item, and their submitters follow the item's public progress.

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::hot::issue::HotIssueState;
use ducha_domain::item::{ItemInput, ItemState};
use ducha_domain::org::{Actor, UnitPath};
use ducha_store::{HotIssueRow, HotLink, HotTurn, Update};
use serde::Deserialize;

/// The item a supervisor makes of a hot issue: what the form prefilled, as edited.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotItemInput {
    /// Title.
    pub title: String,
    /// What must be done.
    #[serde(default)]
    pub description: String,
    /// Deadline as a date; or give `deadline_working_days`.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    /// Deadline as N working days from dispatch.
    #[serde(default)]
    pub deadline_working_days: Option<u32>,
}

/// The existing item a hot issue is merged into.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HotMergeInput {
    /// The item's id.
    pub item_id: i64,
}

impl Services {
    async fn linkable_hot(&self, actor: &Actor, id: i64) -> ServiceResult<HotIssueRow> {
        let h = self.visible_hot(actor, id).await?;
        ensure(actor.supervises(&UnitPath::from_stored(h.scope_path.clone())))?;
        if !h.state.can_link() {
            return Err(ValidationErrors::single("hot_issue", "hot.already_linked").into());
        }
        Ok(h)
    }

    /// A supervisor makes a public 三最 item (a draft, through `create_item`) of a hot issue
    /// and links its appeals to it.
    pub async fn hot_to_item(
        &self,
        actor: &Actor,
        hot_id: i64,
        input: &HotItemInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let h = self.linkable_hot(actor, hot_id).await?;
        let item = ItemInput {
            title: input.title.clone(),
            description: input.description.clone(),
            source: "citizen_appeal".into(),
            category: "san_zui".into(),
            priority: None,
            targets: Vec::new(),
            deadline: input.deadline,
            deadline_working_days: input.deadline_working_days,
            cadence: None,
            leader_id: None,
            public: true,
        };
        // The item and the hot issue's link commit together: a second click (on any node)
        // finds the issue linked once the first committed, and makes nothing.
        let turn = HotTurn {
            hot_id: h.id,
            from: h.state,
        };
        match self
            .create_item_from(actor, &item, None, Some((turn, h.appeal_count)), now)
            .await
        {
            Ok(c) => Ok(c),
            // Another click linked it first: this one made nothing.
            Err(e) => match self.store.hot_issue(h.id).await? {
                Some(cur) if !cur.state.can_link() => {
                    Err(ValidationErrors::single("hot_issue", "hot.already_linked").into())
                }
                _ => Err(e),
            },
        }
    }

    /// A supervisor merges a hot issue into an existing item of the jurisdiction that is not
    /// closed, linking its appeals to it.
    pub async fn hot_merge(
        &self,
        actor: &Actor,
        hot_id: i64,
        input: &HotMergeInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let h = self.linkable_hot(actor, hot_id).await?;
        let (item, _) = match self.visible_item(actor, input.item_id).await {
            Ok(x) => x,
            Err(ServiceError::NotFound) => {
                return Err(ValidationErrors::single("item_id", "hot.unknown_item").into());
            }
            Err(e) => return Err(e),
        };
        ensure(actor.supervises(&item.scope_path.0))?;
        if item.state == ItemState::Closed {
            return Err(ValidationErrors::single("item_id", "hot.item_closed").into());
        }
        // The submitters follow their appeal through the item's public page: an internal
        // item would show them nothing, so the office merges only into a public one (or
        // makes a public item of the hot issue).
        if !item.public {
            return Err(ValidationErrors::single("item_id", "hot.item_not_public").into());
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::HotIssueMerged,
                Subject::item(item.id),
                serde_json::json!({ "hot_issue": h.id, "appeals": h.appeal_count }),
                vec![Update::HotLink(HotLink {
                    hot_id: h.id,
                    from: h.state,
                    state: HotIssueState::Merged,
                    item_id: item.id,
                })],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
