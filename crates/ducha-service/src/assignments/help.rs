//! Ask for coordination (协调申请); while unanswered, the responsibility moves to the asked unit.

use crate::analytics::{hop_key, updates};
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult};
use crate::{Created, Done, HelpRequestView, Services};
use chrono::{DateTime, Utc};
use ducha_domain::analytics::hops::{self, Hop};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, NewHelpRequest, Update};
use serde::Deserialize;

/// A help request.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HelpInput {
    /// What is needed.
    pub text: String,
    /// The unit asked; the level above when absent.
    #[serde(default)]
    pub to_unit_id: Option<i64>,
}

impl Services {
    /// The assigned unit asks the level above, or another unit of the jurisdiction, for help.
    pub async fn request_help(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &HelpInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (item, a) = self.own_assignment(actor, assignment_id).await?;
        assignment_transition(a.state, AssignmentCommand::Ask)?;
        let mut e = ValidationErrors::default();
        let text = bounded(&mut e, "text", &input.text, true, 2000);
        let above = self
            .parent_of(&a)
            .await?
            .map_or(item.owner_unit_id, |p| p.unit_id);
        let to = input.to_unit_id.unwrap_or(above);
        let ok = to == item.owner_unit_id
            || self
                .store
                .unit(to)
                .await?
                .is_some_and(|u| u.path.0.is_within(&item.scope_path.0));
        if !ok || to == a.unit_id {
            e.add("to_unit_id", "validation.unknown_unit");
        }
        e.into_result(())?;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::HelpRequested,
                Subject::assignment(&a),
                serde_json::json!({ "to_unit_id": to, "text": text }),
                vec![],
                vec![Insert::Help(NewHelpRequest {
                    assignment_id,
                    item_id: a.item_id,
                    from_unit_id: a.unit_id,
                    to_unit_id: to,
                    text,
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

    /// The asked unit answers.
    pub async fn answer_help(
        &self,
        actor: &Actor,
        help_id: i64,
        answer: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut h = self
            .store
            .help_request(help_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let item = self
            .store
            .item(h.item_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !self.answers_for(actor, &item, h.to_unit_id) {
            return Err(ServiceError::NotFound);
        }
        if item.state != ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        if h.answered_at.is_some() {
            return Err(Rule::RequestDecided.into());
        }
        let mut e = ValidationErrors::default();
        let answer = bounded(&mut e, "text", answer, true, 2000);
        e.into_result(())?;
        let asking = self
            .store
            .assignment(h.assignment_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let hops = hops::waited(
            &self.calendar(),
            &hop_key(&asking),
            Hop::Help,
            h.to_unit_id,
            h.created_at,
            now,
        );
        h.answer = Some(answer.clone());
        h.answered_by = Some(actor.user_id.0);
        h.answered_at = Some(now);
        let waited_seconds = (now - h.created_at).num_seconds();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::HelpAnswered,
                Subject {
                    item: Some(h.item_id),
                    assignment: Some(h.assignment_id),
                    unit: Some(h.to_unit_id),
                },
                serde_json::json!({ "help_id": help_id, "answer": answer,
                    "waited_seconds": waited_seconds }),
                std::iter::once(Update::Help(h))
                    .chain(updates(hops))
                    .collect(),
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// Help requests addressed to the actor's unit (协调申请 inbox), unanswered first.
    pub async fn help_inbox(&self, actor: &Actor) -> ServiceResult<Vec<HelpRequestView>> {
        // The three admins (三员) see no business content, even addressed to their unit.
        if actor.roles.iter().all(|r| r.is_admin()) {
            return Err(crate::ServiceError::Forbidden);
        }
        let rows = self.store.help_requests_to(actor.unit_id.0, 200).await?;
        let unit = self
            .store
            .unit(actor.unit_id.0)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let mut out = Vec::with_capacity(rows.len());
        for h in rows {
            let Some(item) = self.store.item(h.item_id).await? else {
                continue;
            };
            out.push(HelpRequestView {
                can_answer: h.answered_at.is_none()
                    && item.state == ItemState::Dispatched
                    && self.answers_for(actor, &item, h.to_unit_id),
                to_unit_name: unit.clone(),
                id: h.id,
                item_id: h.item_id,
                assignment_id: h.assignment_id,
                from_unit_id: h.from_unit_id,
                to_unit_id: h.to_unit_id,
                text: h.text,
                created_at: h.created_at,
                answer: h.answer,
                answered_at: h.answered_at,
            });
        }
        Ok(out)
    }
}
