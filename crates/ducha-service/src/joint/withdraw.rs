//! The filing body (or the office) withdraws a plan that has not been carried out: it stops
//! weighing on its target units' budget, and its open merge proposals lapse with it.

use super::inspections::state;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::joint::inspections::InspectionState;
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_store::{JointUpdate, Update};
use serde::Deserialize;

/// Why a plan is withdrawn.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WithdrawInput {
    /// The reason, kept on the plan.
    #[serde(default)]
    pub reason: String,
}

impl Services {
    /// Withdraws (撤销) a pending or approved plan; the filing body or the office may.
    pub async fn withdraw_inspection(
        &self,
        actor: &Actor,
        id: i64,
        input: &WithdrawInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut r, path) = self.visible_inspection(actor, id).await?;
        ensure(Self::may_withdraw(actor, &path, r.body_unit_id))?;
        if !state(&r).open() {
            return Err(ValidationErrors::single("reason", "validation.inspection_closed").into());
        }
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "reason", &input.reason, true, 1000);
        e.into_result(())?;
        r.state = InspectionState::Cancelled.as_str().into();
        r.comment.clone_from(&reason);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::InspectionWithdrawn,
                Subject {
                    unit: Some(r.body_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "inspection_id": id, "reason": reason }),
                vec![Update::Joint(JointUpdate::Inspection(r))],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The office of the jurisdiction, or the body that filed the plan.
    pub(crate) fn may_withdraw(
        actor: &Actor,
        scope: &ducha_domain::org::UnitPath,
        body_unit_id: i64,
    ) -> bool {
        Self::runs_office(actor, scope) || actor.unit_id.0 == body_unit_id
    }
}
