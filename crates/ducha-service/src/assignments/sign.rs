//! Sign for an assignment (签收), naming the responsible person.

use crate::analytics::{hop_key, updates};
use crate::context::Subject;
use crate::error::ServiceResult;
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::hops;
use ducha_domain::assignment::{AssignmentCommand, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::Update;
use serde::Deserialize;

/// Signing details.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInput {
    /// Responsible person (责任人) of the unit; the signer when absent.
    #[serde(default)]
    pub responsible_user_id: Option<i64>,
}

impl Services {
    /// The unit's liaison or head signs; the clock has run since dispatch regardless.
    pub async fn sign_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &SignInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (_, mut a) = self.own_assignment(actor, assignment_id).await?;
        a.state = assignment_transition(a.state, AssignmentCommand::Sign)?;
        let responsible = input.responsible_user_id.unwrap_or(actor.user_id.0);
        let in_unit = self
            .store
            .user(responsible)
            .await?
            .is_some_and(|u| u.unit_id == a.unit_id);
        if !in_unit {
            return Err(ValidationErrors::single(
                "responsible_user_id",
                Rule::ResponsibleNotInUnit.key(),
            )
            .into());
        }
        a.responsible_user_id = Some(responsible);
        a.signed_at = Some(now);
        let hops = hops::signed(&self.calendar(), &hop_key(&a), a.dispatched_at, now);
        let dwell_seconds = (now - a.dispatched_at).num_seconds();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::AssignmentSigned,
                Subject::assignment(&a),
                serde_json::json!({ "responsible_user_id": responsible,
                    "dwell_seconds": dwell_seconds, "parent_id": a.parent_id }),
                std::iter::once(Update::Assignment(a))
                    .chain(updates(hops))
                    .collect(),
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
