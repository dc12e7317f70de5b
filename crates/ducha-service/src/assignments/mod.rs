//! Use cases on assignments (交办/承办): sign, refuse, decompose, report, review, extension
//! and help requests.

mod decompose;
mod extension;
mod help;
mod refuse;
mod report;
mod review;
mod sign;

use crate::error::ServiceResult;
use crate::{ServiceError, Services};
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::{Rule, UnitId};
use ducha_store::{AssignmentRow, ItemRow};
use serde::Deserialize;

pub use extension::ExtensionInput;
pub use help::HelpInput;
pub use review::ReviewInput;
pub use sign::SignInput;

/// A decision on a request, with a comment (required when denying).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionInput {
    /// Approve (uphold) or deny.
    pub approve: bool,
    /// Comment.
    #[serde(default)]
    pub comment: String,
}

/// The decision on a refusal: uphold it (optionally handing the work to the right unit at once)
/// or reject it (the unit must sign).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusalDecisionInput {
    /// Uphold (true) or reject (false).
    pub approve: bool,
    /// Comment; required when rejecting.
    #[serde(default)]
    pub comment: String,
    /// When upholding: the unit that gets the work instead, with the same role, deadline,
    /// targets and instructions; its clock starts now.
    #[serde(default)]
    pub reassign_to: Option<i64>,
}

/// A free-text input (a reason, a question, an answer).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextInput {
    /// The text.
    pub text: String,
}

impl Services {
    /// Loads an assignment of a dispatched item that the actor works on for its unit.
    pub(crate) async fn own_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> ServiceResult<(ItemRow, AssignmentRow)> {
        let (item, a) = self.visible_assignment(actor, assignment_id).await?;
        if !actor.acts_for(UnitId(a.unit_id)) {
            return Err(ServiceError::Forbidden);
        }
        if item.state != ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        Ok((item, a))
    }

    /// The item of an assignment the actor may see (a page address that names only the
    /// assignment finds its item by it).
    pub async fn assignment_item(&self, actor: &Actor, assignment_id: i64) -> ServiceResult<i64> {
        Ok(self
            .visible_assignment(actor, assignment_id)
            .await?
            .1
            .item_id)
    }

    /// Whether the actor answers for `unit` on this item: its liaison or head, or a supervisor
    /// when the unit is the item's supervision office.
    pub(crate) fn answers_for(&self, actor: &Actor, item: &ItemRow, unit: i64) -> bool {
        actor.acts_for(UnitId(unit))
            || (unit == item.owner_unit_id && actor.supervises(&item.scope_path.0))
    }
}
