//! Decompose an assignment into sub-assignments for units below (层层分解).

use crate::analytics::{hop_key, updates};
use crate::context::Subject;
use crate::error::ServiceResult;
use crate::items::DispatchInput;
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::findings::{self, ChildFacts, FindingDraft, ParentFacts};
use ducha_domain::analytics::hops;
use ducha_domain::assignment::{
    AssignmentCommand, AssignmentRole, AssignmentState, assignment_transition,
};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_store::{AssignmentRow, Insert, ItemRow, NewAssignment, Update};

impl Services {
    /// The hop facts and findings of a decomposition of `a` into `new` at `now`: the first
    /// decomposition ends the decompose hop; the rules judge the hand-off, the deadlines and
    /// the shares over every child still carrying a part (the parent's earlier share findings
    /// are resolved and judged again).
    fn decomposition_analytics(
        &self,
        item: &ItemRow,
        a: &AssignmentRow,
        all: &[AssignmentRow],
        new: &[NewAssignment],
        now: DateTime<Utc>,
    ) -> (Vec<Update>, Vec<FindingDraft>) {
        let cal = self.calendar();
        let earlier: Vec<&AssignmentRow> =
            all.iter().filter(|c| c.parent_id == Some(a.id)).collect();
        let hops = hops::decomposed(
            &cal,
            &hop_key(a),
            earlier.is_empty(),
            a.signed_at.unwrap_or(a.dispatched_at),
            now,
        );
        let text = if a.instructions.trim().is_empty() {
            item.title.as_str()
        } else {
            a.instructions.as_str()
        };
        let parent = ParentFacts {
            assignment_id: a.id,
            item_id: a.item_id,
            unit_id: a.unit_id,
            dispatched_at: a.dispatched_at,
            signed_at: a.signed_at,
            deadline: a.deadline,
            targets: &a.targets.0,
            text,
            reported: a.last_report_at.is_some(),
            decomposed_before: !earlier.is_empty(),
        };
        let new: Vec<ChildFacts<'_>> = new
            .iter()
            .map(|c| ChildFacts {
                unit_id: c.unit_id,
                lead: c.role == AssignmentRole::Lead,
                deadline: c.deadline,
                targets: &c.targets,
                instructions: &c.instructions,
            })
            .collect();
        let open: Vec<ChildFacts<'_>> = earlier
            .iter()
            .filter(|c| c.state != AssignmentState::Withdrawn)
            .map(|c| ChildFacts {
                unit_id: c.unit_id,
                lead: c.role == AssignmentRole::Lead,
                deadline: c.deadline,
                targets: &c.targets.0,
                instructions: &c.instructions,
            })
            .chain(new.iter().cloned())
            .collect();
        let found =
            findings::decomposition(&cal, &self.config.analytics, &parent, &open, &new, now);
        let mut out: Vec<Update> = updates(hops).collect();
        out.push(Update::ResolveFindings {
            assignment_id: a.id,
            at: now,
        });
        (out, found)
    }

    /// The assigned unit passes parts of its work down its own subtree. Each child's deadline is
    /// no later than the parent's; the child's clock starts now.
    pub async fn decompose_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &DispatchInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (item, mut a) = self.own_assignment(actor, assignment_id).await?;
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
        let (hop_updates, findings) = self.decomposition_analytics(&item, &a, &all, &new, now);
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
                std::iter::once(Update::Assignment(a))
                    .chain(hop_updates)
                    .collect(),
                new.into_iter()
                    .map(Insert::Assignment)
                    .chain(findings.into_iter().map(Insert::Finding))
                    .collect(),
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}
