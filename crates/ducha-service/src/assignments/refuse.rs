//! Refuse a wrongly routed assignment (申请退回) within the window; the level above decides.

use super::{RefusalDecisionInput, TextInput};
use crate::analytics::{hop_key, updates};
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::items::{AssignmentInput, Parent, dispatch_parent};
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::hops::{self, Hop};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition, check_refusal_window};
use ducha_domain::calendar::china_date;
use ducha_domain::chain::EventKind;
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::requests::decide;
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, NewRefusal, Update};

impl Services {
    /// The unit hands the assignment back with reasons, before signing.
    pub async fn refuse_assignment(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &TextInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, mut a) = self.own_assignment(actor, assignment_id).await?;
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "text", &input.text, true, 2000);
        e.into_result(())?;
        a.state = assignment_transition(a.state, AssignmentCommand::Refuse)?;
        // One refusal per assignment: a rejected refusal is final.
        let refused_before = self
            .store
            .refusals_of_item(a.item_id)
            .await?
            .iter()
            .any(|r| r.assignment_id == a.id);
        if refused_before {
            return Err(Rule::RequestDecided.into());
        }
        check_refusal_window(
            &self.calendar(),
            china_date(a.dispatched_at),
            self.today(now),
            self.return_window(a.item_id, a.parent_id.is_none()).await?,
        )?;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::AssignmentRefused,
                Subject::assignment(&a),
                serde_json::json!({ "reason": reason }),
                vec![Update::Assignment(a.clone())],
                vec![Insert::Refusal(NewRefusal {
                    assignment_id,
                    item_id: a.item_id,
                    reason,
                    created_by: actor.user_id.0,
                    created_at: now,
                })],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The level above upholds the refusal (the assignment is withdrawn) or rejects it (the unit
    /// must sign).
    pub async fn decide_refusal(
        &self,
        actor: &Actor,
        refusal_id: i64,
        input: &RefusalDecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let mut r = self
            .store
            .refusal(refusal_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (item, mut a) = self.visible_assignment(actor, r.assignment_id).await?;
        let parent = self.parent_of(&a).await?;
        ensure(Self::is_level_above(actor, &item, parent.as_ref()))?;
        if item.state != ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, !input.approve, 2000);
        e.into_result(())?;
        self.check_proposal_return(&a, input.approve, input.reassign_to)
            .await?;
        r.state = decide(r.state, input.approve)?;
        r.decided_by = Some(actor.user_id.0);
        r.decided_at = Some(now);
        r.comment.clone_from(&comment);
        let (cmd, kind) = if input.approve {
            (AssignmentCommand::UpholdRefusal, EventKind::RefusalUpheld)
        } else {
            (AssignmentCommand::RejectRefusal, EventKind::RefusalRejected)
        };
        a.state = assignment_transition(a.state, cmd)?;
        let reviewer = parent.as_ref().map_or(item.owner_unit_id, |p| p.unit_id);
        let hops = hops::waited(
            &self.calendar(),
            &hop_key(&a),
            Hop::Refusal,
            reviewer,
            r.created_at,
            now,
        );
        let replacement = match (input.approve, input.reassign_to) {
            (true, Some(unit_id)) => {
                let siblings = self.store.assignments_of_item(a.item_id).await?;
                let mut taken: Vec<i64> = siblings
                    .iter()
                    .filter(|s| s.parent_id == a.parent_id && s.state.is_open())
                    .map(|s| s.unit_id)
                    .collect();
                taken.push(a.unit_id);
                let plan = AssignmentInput {
                    unit_id,
                    role: a.role.as_str().into(),
                    deadline: Some(a.deadline),
                    deadline_working_days: None,
                    targets: Some(a.targets.0.clone()),
                    instructions: a.instructions.clone(),
                    responsible_user_id: None,
                };
                let to = match &parent {
                    Some(p) => dispatch_parent(p, taken),
                    None => Parent {
                        item_id: item.id,
                        parent_id: None,
                        root: &item.scope_path.0,
                        deadline: item.deadline,
                        targets: &item.targets.0,
                        taken,
                        need_lead: false,
                    },
                };
                // The plan copies the refused assignment: only the unit came from the client,
                // so that is the field to name.
                self.plan_assignments(actor, &to, &[plan], now)
                    .await
                    .map_err(|e| match e {
                        ServiceError::Invalid(mut v) => {
                            for f in &mut v.0 {
                                f.field = "reassign_to".into();
                            }
                            ServiceError::Invalid(v)
                        }
                        other => other,
                    })?
            }
            _ => vec![],
        };
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject::assignment(&a),
                serde_json::json!({ "refusal_id": refusal_id, "comment": comment,
                    "reassign_to": input.reassign_to }),
                [Update::Refusal(r), Update::Assignment(a.clone())]
                    .into_iter()
                    .chain(updates(hops))
                    .collect(),
                replacement.into_iter().map(Insert::Assignment).collect(),
            )
            .await?;
        Ok(Created {
            id: c.ids.first().copied().unwrap_or(a.id),
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}
