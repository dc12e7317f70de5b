//! While a suggestion is handled: a co-unit's opinion to the lead (within its month), the
//! round's one extension (asked by a handling unit, decided by the office) and the record of
//! each communication with the proposer (面商 / 电话 / 书面).

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::UnitId;
use ducha_domain::assignment::{AssignmentCommand as C, AssignmentRole, assignment_transition};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::proposals::clock::{RoundClock, check_extension, on_time};
use ducha_domain::proposals::{ContactMode, ExtensionState, ProposalState};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{
    AssignmentRow, ContactRow, Insert, OpinionRow, ProposalInsert, ProposalRow, ProposalUpdate,
    Update,
};
use serde::Deserialize;

/// A co-unit's opinion.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpinionInput {
    /// The opinion.
    pub text: String,
}

/// An extension to ask.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ProposalExtensionInput))]
pub struct ExtensionInput {
    /// The new reply date.
    pub to: Option<NaiveDate>,
    /// Why.
    pub reason: String,
}

/// The office's decision on an extension.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtensionDecisionInput {
    /// Approve or deny.
    pub approve: bool,
    /// Comment (required to deny).
    #[serde(default)]
    pub comment: String,
}

/// A communication with the proposer.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactInput {
    /// `face`, `phone` or `written`.
    pub mode: String,
    /// When (today when absent).
    #[serde(default)]
    pub on_date: Option<NaiveDate>,
    /// What was said.
    pub note: String,
}

/// The round's clock as kept on the suggestion.
pub(crate) fn round_clock(p: &ProposalRow) -> Option<RoundClock> {
    Some(RoundClock {
        started_on: p.started_on?,
        return_by: p.return_by,
        co_due: p.co_due,
        reply_due: p.reply_due?,
        extension_limit: p.extension_limit?,
    })
}

impl Services {
    /// The actor's unit's top-level assignment on the suggestion's current item, in `role`,
    /// while the suggestion is handled.
    pub(crate) async fn own_part(
        &self,
        actor: &Actor,
        p: &ProposalRow,
        role: AssignmentRole,
    ) -> ServiceResult<(ducha_store::ItemRow, AssignmentRow, Vec<AssignmentRow>)> {
        if p.state != ProposalState::Handling.as_str() {
            return Err(ValidationErrors::single("state", "proposal.not_handling").into());
        }
        let item_id = p.item_id.ok_or(ServiceError::NotFound)?;
        let (item, all) = self.visible_item(actor, item_id).await?;
        let a = all
            .iter()
            .find(|a| {
                a.parent_id.is_none()
                    && a.unit_id == actor.unit_id.0
                    && a.role == role
                    && a.state.is_open()
            })
            .cloned()
            .ok_or_else(|| ValidationErrors::single("unit", "proposal.not_your_part"))?;
        if !actor.acts_for(UnitId(a.unit_id)) {
            return Err(ServiceError::Forbidden);
        }
        Ok((item, a, all))
    }

    /// A co-unit sends its opinion to the lead; its assignment is done.
    pub async fn send_opinion(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &OpinionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, p) = self.visible_proposal(actor, proposal_id).await?;
        let (_, mut a, _) = self.own_part(actor, &p, AssignmentRole::Co).await?;
        let mut e = ValidationErrors::default();
        let text = bounded(&mut e, "text", &input.text, true, 5000);
        e.into_result(())?;
        let sent = self.store.proposal_opinions(&[p.id]).await?;
        if sent
            .iter()
            .any(|o| o.round == p.round && o.unit_id == a.unit_id)
        {
            return Err(ValidationErrors::single("text", "proposal.already_sent").into());
        }
        finish(&mut a, actor, now)?;
        let today = self.today(now);
        let in_time = on_time(today, a.deadline);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalOpinionSent,
                Subject::assignment(&a),
                serde_json::json!({ "proposal_id": p.id, "round": p.round, "on_time": in_time }),
                vec![Update::Assignment(a.clone())],
                vec![Insert::Proposal(ProposalInsert::Opinion(OpinionRow {
                    id: 0,
                    proposal_id: p.id,
                    round: p.round,
                    unit_id: a.unit_id,
                    text,
                    on_time: in_time,
                    created_by: actor.user_id.0,
                    created_at: now,
                }))],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// A handling (lead) unit asks once per round to reply later, by at most a month.
    pub async fn ask_proposal_extension(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &ExtensionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (_, mut p) = self.visible_proposal(actor, proposal_id).await?;
        let (_, a, _) = self.own_part(actor, &p, AssignmentRole::Lead).await?;
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "reason", &input.reason, true, 2000);
        if input.to.is_none() {
            e.add("to", "validation.required");
        }
        e.into_result(())?;
        let to = input.to.unwrap_or_default();
        let clock = round_clock(&p).ok_or(ServiceError::NotFound)?;
        let due = p.reply_due.unwrap_or(clock.reply_due);
        check_extension(&clock, due, p.ext_state.is_some(), self.today(now), to)
            .map_err(|r| ValidationErrors::single("to", r.key()))?;
        p.ext_state = Some(ExtensionState::Requested.as_str().into());
        p.ext_to = Some(to);
        p.ext_reason = reason.clone();
        p.ext_asked_by = Some(actor.user_id.0);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalExtensionAsked,
                Subject::assignment(&a),
                serde_json::json!({ "proposal_id": p.id, "round": p.round, "to": to,
                    "due": due, "reason": reason }),
                vec![Update::Proposal(ProposalUpdate::Proposal(p))],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The office approves an extension (the reply date, the item's and the leads' deadlines
    /// move) or denies it with a comment.
    pub async fn decide_proposal_extension(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &ExtensionDecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (s, mut p) = self.visible_proposal(actor, proposal_id).await?;
        ensure(s.office)?;
        if p.ext_state.as_deref() != Some(ExtensionState::Requested.as_str())
            || p.state != ProposalState::Handling.as_str()
        {
            return Err(ValidationErrors::single("approve", "proposal.extension_pending").into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, !input.approve, 2000);
        e.into_result(())?;
        let mut updates = Vec::new();
        let item_id = p.item_id.ok_or(ServiceError::NotFound)?;
        if input.approve {
            let to = p.ext_to.ok_or(ServiceError::NotFound)?;
            let (mut item, all) = self.visible_item(actor, item_id).await?;
            if item.state != ducha_domain::item::ItemState::Dispatched {
                return Err(Rule::ItemState.into());
            }
            item.deadline = to;
            for mut a in all.into_iter().filter(|a| {
                a.parent_id.is_none() && a.role == AssignmentRole::Lead && a.state.is_open()
            }) {
                a.deadline = to;
                updates.push(Update::Assignment(a));
            }
            updates.push(Update::Item(item));
            p.reply_due = Some(to);
        }
        let state = if input.approve {
            ExtensionState::Approved
        } else {
            ExtensionState::Denied
        };
        p.ext_state = Some(state.as_str().into());
        p.ext_comment.clone_from(&comment);
        p.ext_decided_by = Some(actor.user_id.0);
        let payload = serde_json::json!({ "proposal_id": p.id, "round": p.round,
            "approve": input.approve, "to": p.ext_to, "comment": comment });
        updates.push(Update::Proposal(ProposalUpdate::Proposal(p)));
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalExtensionDecided,
                Subject::item(item_id),
                payload,
                updates,
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// A handling unit records a communication with the proposer.
    pub async fn record_contact(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &ContactInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (s, p) = self.visible_proposal(actor, proposal_id).await?;
        let handles = match p.item_id {
            Some(item) => self.store.assignments_of_item(item).await?.iter().any(|a| {
                a.parent_id.is_none()
                    && a.unit_id == actor.unit_id.0
                    && a.state != ducha_domain::assignment::AssignmentState::Withdrawn
            }),
            None => false,
        };
        ensure((handles && actor.acts_for(actor.unit_id)) || s.office)?;
        let mut e = ValidationErrors::default();
        let note = bounded(&mut e, "note", &input.note, true, 2000);
        let mode = input.mode.parse::<ContactMode>().ok();
        if mode.is_none() {
            e.add("mode", "validation.unknown_choice");
        }
        let today = self.today(now);
        let on = input.on_date.unwrap_or(today);
        if on > today {
            e.add("on_date", "validation.out_of_range");
        }
        e.into_result(())?;
        let mode = mode.unwrap_or(ContactMode::Phone);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalContacted,
                Subject {
                    item: p.item_id,
                    unit: Some(actor.unit_id.0),
                    ..Subject::default()
                },
                serde_json::json!({ "proposal_id": p.id, "mode": mode, "on_date": on }),
                vec![],
                vec![Insert::Proposal(ProposalInsert::Contact(ContactRow {
                    id: 0,
                    proposal_id: p.id,
                    unit_id: actor.unit_id.0,
                    mode: mode.as_str().into(),
                    on_date: on,
                    note,
                    created_by: actor.user_id.0,
                    created_at: now,
                }))],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}

/// Moves a unit's assignment to done through the lifecycle (signing it on the way if the unit
/// had not): its part of the suggestion is finished.
pub(crate) fn finish(
    a: &mut AssignmentRow,
    actor: &Actor,
    now: DateTime<Utc>,
) -> ServiceResult<()> {
    let mut state = a.state;
    if state == ducha_domain::assignment::AssignmentState::Pending {
        state = assignment_transition(state, C::Sign)?;
        a.signed_at = Some(now);
        a.responsible_user_id.get_or_insert(actor.user_id.0);
    }
    state = assignment_transition(state, C::RequestCompletion)?;
    a.state = assignment_transition(state, C::AcceptCompletion)?;
    a.completed_at = Some(now);
    a.progress = Some(100);
    Ok(())
}
