//! The reply (答复) and what follows: a handling unit replies with a grade once its co-units'
//! opinions are in; the office enters the proposer's satisfaction on each reply. A B grade's
//! commitment becomes an item with its date, so the promise is supervised; a dissatisfied
//! proposer sends the suggestion back for another round with a new clock.

use super::handling::finish;
use super::route::ItemLink;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, item_transition};
use ducha_domain::org::Actor;
use ducha_domain::proposals::clock::{again, on_time};
use ducha_domain::proposals::{
    Grade, ProposalState, Satisfaction, after_satisfaction, format_number, needs_commitment,
};
use ducha_domain::text::bounded;
use ducha_store::{Insert, ProposalInsert, ProposalUpdate, ReplyRow, Update};
use serde::Deserialize;

/// A reply to the proposer.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyInput {
    /// The reply's text.
    pub text: String,
    /// `a`, `b`, `c` or `d`.
    pub grade: String,
    /// B: what the unit promises.
    #[serde(default)]
    pub commitment: String,
    /// B: by when.
    #[serde(default)]
    pub commitment_due: Option<NaiveDate>,
}

/// The proposer's satisfaction with a reply, as the office learned it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateInput {
    /// The reply.
    pub reply_id: i64,
    /// `satisfied`, `basic` or `dissatisfied`.
    pub satisfaction: String,
    /// What the proposer said (required when dissatisfied).
    #[serde(default)]
    pub note: String,
}

impl Services {
    /// A lead (or split) unit replies to the proposer. In a joint routing the co-units'
    /// opinions come first. The unit's assignment is done; the round's item closes with the
    /// last reply.
    pub async fn reply_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &ReplyInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let _held = self.lock_proposal(proposal_id).await;
        let (_, mut p) = self.visible_proposal(actor, proposal_id).await?;
        let (mut item, mut a, all) = self.own_part(actor, &p, AssignmentRole::Lead).await?;
        let today = self.today(now);
        let mut e = ValidationErrors::default();
        let text = bounded(&mut e, "text", &input.text, true, 20_000);
        let grade = input.grade.parse::<Grade>().ok();
        if grade.is_none() {
            e.add("grade", "validation.unknown_choice");
        }
        let commitment = bounded(&mut e, "commitment", &input.commitment, false, 2000);
        if grade.is_some_and(needs_commitment) {
            if commitment.is_empty() {
                e.add("commitment", "proposal.commitment_needed");
            }
            match input.commitment_due {
                None => e.add("commitment_due", "proposal.commitment_needed"),
                Some(d) if d <= today => e.add("commitment_due", "validation.date_in_past"),
                // The promise becomes an item, whose deadline is at most ten years ahead.
                Some(d) if chrono::Datelike::year(&d) > chrono::Datelike::year(&today) + 10 => {
                    e.add("commitment_due", "validation.out_of_range")
                }
                Some(_) => {}
            }
        }
        e.into_result(())?;
        let grade = grade.unwrap_or(Grade::D);
        let co_open = all
            .iter()
            .any(|x| x.parent_id.is_none() && x.role == AssignmentRole::Co && x.state.is_open());
        if co_open {
            return Err(ValidationErrors::single("text", "proposal.opinions_pending").into());
        }
        let due = p.reply_due.ok_or(ServiceError::NotFound)?;
        finish(&mut a, actor, now)?;
        let mut updates = vec![Update::Assignment(a.clone())];
        let leads_open = all
            .iter()
            .any(|x| x.parent_id.is_none() && x.id != a.id && x.state.is_open());
        if !leads_open {
            item.state = item_transition(item.state, ItemCommand::Close)?;
            item.closed_at = Some(now);
            updates.push(Update::Item(item));
            p.state = ProposalState::Replied.as_str().into();
        }
        // The suggestion's row is written with every reply (its version checked), so that two
        // units of a split routing replying at once cannot both see the other open and leave
        // it handled with every part done: the second is refused and sent again.
        updates.push(Update::Proposal(ProposalUpdate::Proposal(p.clone())));
        let in_time = on_time(today, due);
        let b = needs_commitment(grade);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalReplied,
                Subject::assignment(&a),
                serde_json::json!({ "proposal_id": p.id, "round": p.round, "grade": grade,
                    "due": due, "on_time": in_time, "item_closed": !leads_open }),
                updates,
                vec![Insert::Proposal(ProposalInsert::Reply(ReplyRow {
                    id: 0,
                    proposal_id: p.id,
                    round: p.round,
                    unit_id: a.unit_id,
                    text,
                    grade: grade.as_str().into(),
                    commitment: if b { commitment } else { String::new() },
                    commitment_due: if b { input.commitment_due } else { None },
                    follow_item_id: None,
                    due,
                    replied_on: today,
                    on_time: in_time,
                    satisfaction: None,
                    satisfaction_note: String::new(),
                    rated_by: None,
                    rated_at: None,
                    created_by: actor.user_id.0,
                    created_at: now,
                    version: 0,
                }))],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The office enters the proposer's satisfaction with a reply. A B grade's commitment is
    /// dispatched as an item to the replying unit (unless the proposer is dissatisfied: the
    /// next round answers again); when the round's replies are all rated, the suggestion closes
    /// or, if any left the proposer dissatisfied, goes to those units for another round whose
    /// clock starts today.
    pub async fn rate_reply(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &RateInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let _held = self.lock_proposal(proposal_id).await;
        let (s, mut p) = self.visible_proposal(actor, proposal_id).await?;
        ensure(s.office)?;
        let replies = self.store.proposal_replies(&[p.id]).await?;
        let mut r = replies
            .iter()
            .find(|r| r.id == input.reply_id)
            .cloned()
            .ok_or_else(|| ValidationErrors::single("reply_id", "validation.invalid_value"))?;
        if p.state != ProposalState::Replied.as_str() || r.round != p.round {
            return Err(ValidationErrors::single("reply_id", "proposal.not_replied").into());
        }
        if r.satisfaction.is_some() {
            return Err(ValidationErrors::single("reply_id", "proposal.already_rated").into());
        }
        let sat = input.satisfaction.parse::<Satisfaction>().ok();
        let mut e = ValidationErrors::default();
        if sat.is_none() {
            e.add("satisfaction", "validation.unknown_choice");
        }
        let dissatisfied = sat == Some(Satisfaction::Dissatisfied);
        let note = bounded(&mut e, "note", &input.note, dissatisfied, 2000);
        e.into_result(())?;
        let sat = sat.unwrap_or(Satisfaction::Satisfied);
        let today = self.today(now);
        // A B grade's promise becomes an item unless the proposer is dissatisfied (the next
        // round answers again).
        let promise = (r.grade == Grade::B.as_str() && !dissatisfied)
            .then_some(r.commitment_due)
            .flatten();
        r.satisfaction = Some(sat.as_str().into());
        r.satisfaction_note.clone_from(&note);
        r.rated_by = Some(actor.user_id.0);
        r.rated_at = Some(now);
        let mut all_rated: Vec<Satisfaction> = replies
            .iter()
            .filter(|x| x.round == p.round && x.id != r.id)
            .filter_map(|x| x.satisfaction.as_deref().and_then(|v| v.parse().ok()))
            .collect();
        let pending = replies
            .iter()
            .filter(|x| x.round == p.round && x.id != r.id)
            .count()
            > all_rated.len();
        all_rated.push(sat);
        let mut again_units = Vec::new();
        if !pending {
            match after_satisfaction(&all_rated) {
                ProposalState::Closed => p.state = ProposalState::Closed.as_str().into(),
                _ => {
                    again_units = replies
                        .iter()
                        .filter(|x| x.round == p.round)
                        .filter(|x| {
                            if x.id == r.id {
                                dissatisfied
                            } else {
                                x.satisfaction.as_deref() == Some("dissatisfied")
                            }
                        })
                        .map(|x| x.unit_id)
                        .collect();
                }
            }
        }
        // The round's item, the event's subject (a new round's item comes after).
        let rated_item = p.item_id;
        let again_clock = (!again_units.is_empty())
            .then(|| again(&self.calendar(), &self.config.proposals, today));
        if let Some(clock) = &again_clock {
            let round = p.round + 1;
            super::route::set_clock(&mut p, clock, None, round);
        }
        // The rating is committed first and takes the reply and the suggestion (both rows are
        // versioned): a second submission is refused before any item is made. The items then
        // link themselves to the reply and the suggestion when they are approved.
        let payload = serde_json::json!({ "proposal_id": p.id, "reply_id": r.id,
            "round": r.round, "satisfaction": sat, "commitment_due": promise,
            "again": !again_units.is_empty(), "new_round": p.round, "reply_due": p.reply_due });
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalRated,
                Subject {
                    item: rated_item,
                    ..Subject::default()
                },
                payload,
                vec![
                    Update::Proposal(ProposalUpdate::Reply(r.clone())),
                    Update::Proposal(ProposalUpdate::Proposal(p.clone())),
                ],
                vec![],
            )
            .await?;
        r.version += 1;
        p.version += 1;
        if let Some(due) = promise {
            let title = format!(
                "{}答复承诺：{}",
                format_number(s.kind, p.number),
                r.commitment
            );
            let description = format!("{}\n{}\n\n{}", s.session.name, p.title, r.text);
            let due = due.max(today);
            let unit = r.unit_id;
            self.office_item(
                actor,
                &s,
                ItemLink::Follow(r),
                &title,
                &description,
                &[(unit, "lead", due)],
                due,
                now,
            )
            .await?;
        }
        if let Some(clock) = again_clock {
            let units: Vec<(i64, &str, NaiveDate)> = again_units
                .iter()
                .map(|u| (*u, "lead", clock.reply_due))
                .collect();
            self.handling_item(actor, &s, &p, &units, clock.reply_due, p.round, now)
                .await?;
        }
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
