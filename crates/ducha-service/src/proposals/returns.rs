//! A wrongly routed suggestion returned (退回) by a handling unit within the session's window,
//! and the office's decision: uphold the return and reassign, or keep the routing. Both are the
//! round's item's own refusal and decision, reached from the suggestion so that a caller names
//! the suggestion, and so that a reader outside it gets `NotFound` before anything is read.

use crate::assignments::{RefusalDecisionInput, TextInput};
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::org::Actor;
use ducha_domain::proposals::ProposalState;
use serde::Deserialize;

/// The office's decision on a return.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnDecisionInput {
    /// The return (the id `return` answered with).
    pub refusal_id: i64,
    /// Uphold the return (true) or keep the routing (false).
    pub approve: bool,
    /// Comment; required when keeping the routing.
    #[serde(default)]
    pub comment: String,
    /// When upholding: the unit that handles it instead, in the same role and on the same
    /// clock.
    #[serde(default)]
    pub reassign_to: Option<i64>,
}

impl Services {
    /// A handling unit returns the suggestion within the session's return window; `id` is the
    /// return, for the office's decision.
    pub async fn return_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &TextInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, p) = self.visible_proposal(actor, proposal_id).await?;
        if p.state != ProposalState::Handling.as_str() {
            return Err(ValidationErrors::single("state", "proposal.not_handling").into());
        }
        let item_id = p.item_id.ok_or(ServiceError::NotFound)?;
        let part = self
            .store
            .assignments_of_item(item_id)
            .await?
            .into_iter()
            .find(|a| a.parent_id.is_none() && a.unit_id == actor.unit_id.0 && a.state.is_open())
            .ok_or_else(|| ValidationErrors::single("unit", "proposal.not_your_part"))?;
        self.refuse_assignment(actor, part.id, input, now).await
    }

    /// The office decides a return of this suggestion.
    pub async fn decide_proposal_return(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &ReturnDecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (s, p) = self.visible_proposal(actor, proposal_id).await?;
        ensure(s.office)?;
        let r = self
            .store
            .refusal(input.refusal_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if p.item_id != Some(r.item_id) {
            return Err(ServiceError::NotFound);
        }
        let decision = RefusalDecisionInput {
            approve: input.approve,
            comment: input.comment.clone(),
            reassign_to: input.reassign_to,
        };
        self.decide_refusal(actor, r.id, &decision, now).await
    }
}
