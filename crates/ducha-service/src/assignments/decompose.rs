//! Decompose an assignment into sub-assignments for units below (层层分解).

use crate::context::Subject;
use crate::error::ServiceResult;
use crate::items::DispatchInput;
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_store::{Insert, Update};

impl Services {
    /// The assigned unit passes parts of its work down its own subtree. Each child's deadline is
    /// no later than the parent's; the child's clock starts now.
    pub async fn decompose_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &DispatchInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, mut a) = self.own_assignment(actor, assignment_id).await?;
        let all = self.store.assignments_of_item(a.item_id).await?;
        let state = assignment_transition(a.state, AssignmentCommand::Decompose)?;
        let taken = all
            .iter()
            .filter(|c| c.parent_id == Some(a.id) && c.state.is_open())
            .map(|c| c.unit_id)
            .collect();
        let parent = crate::items::dispatch_parent(&a, taken);
        let new = self
            .plan_assignments(actor, &parent, &input.assignments, now)
            .await?;
        let payload = serde_json::json!({
            "parent_deadline": a.deadline,
            "parent_targets": a.targets.0,
            "parent_instructions": a.instructions,
            "children": new.iter().map(|c| serde_json::json!({
                "unit_id": c.unit_id, "role": c.role, "deadline": c.deadline,
                "targets": c.targets, "instructions": c.instructions,
            })).collect::<Vec<_>>(),
        });
        a.state = state;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::AssignmentDecomposed,
                Subject::assignment(&a),
                payload,
                vec![Update::Assignment(a)],
                new.into_iter().map(Insert::Assignment).collect(),
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}
