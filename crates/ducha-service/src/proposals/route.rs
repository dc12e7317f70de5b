//! Routing (交办): the office names the lead and co-units (主办/协办) or the units that each
//! handle a part (分办). The round's handling item is registered, approved by the office's
//! routing and dispatched: the lead's assignment is due on the reply date, each co-unit's on
//! its opinion date, so the items' lights and urge notices run the legal clock.

use super::Scoped;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::items::{AssignmentInput, DispatchInput};
use crate::{Created, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, ItemInput, ItemState, item_transition};
use ducha_domain::org::Actor;
use ducha_domain::proposals::clock::{RoundClock, first_round};
use ducha_domain::proposals::{ProposalState, RoutingMode, format_number};
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{ProposalRow, ProposalUpdate, ReplyRow, Update};
use serde::Deserialize;

/// Where to route a suggestion.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RouteInput {
    /// `joint` (主办/协办, the default) or `split` (分办).
    #[serde(default)]
    pub mode: String,
    /// The lead unit (主办), or the first unit of a split.
    pub lead_unit_id: Option<i64>,
    /// Co-units (协办), or the other units of a split.
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
}

impl Services {
    /// The office routes a registered suggestion; its clock starts today.
    ///
    /// The routing is committed first and takes the suggestion (its row is versioned), then
    /// the round's item is registered, approved with the link to the suggestion and
    /// dispatched: a second submission of the same form is refused before it writes anything,
    /// instead of dispatching a second item (on this node it waits for the first, on another
    /// the suggestion's version refuses it; at worst a draft item is left undispatched). A
    /// routing cut short before its item was dispatched (the process stopped in between) is
    /// finished by routing again.
    pub async fn route_proposal(
        &self,
        actor: &Actor,
        proposal_id: i64,
        input: &RouteInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let _held = self.lock_proposal(proposal_id).await;
        let (s, mut p) = self.visible_proposal(actor, proposal_id).await?;
        ensure(s.office)?;
        let unfinished = self.unfinished_routing(&p).await?;
        if p.state != ProposalState::Registered.as_str() && unfinished.is_none() {
            return Err(ValidationErrors::single("state", "proposal.not_registered").into());
        }
        let mode = if input.mode.is_empty() {
            Some(RoutingMode::Joint)
        } else {
            input.mode.parse::<RoutingMode>().ok()
        };
        let mut e = ValidationErrors::default();
        if mode.is_none() {
            e.add("mode", "validation.unknown_choice");
        }
        if input.lead_unit_id.is_none() {
            e.add("lead_unit_id", "validation.required");
        }
        e.into_result(())?;
        let mode = mode.unwrap_or(RoutingMode::Joint);
        let lead = input.lead_unit_id.unwrap_or_default();
        let today = self.today(now);
        let split = mode == RoutingMode::Split;
        let has_co = !split && !input.co_unit_ids.is_empty();
        let mut clock = first_round(
            &self.calendar(),
            &self.config.proposals,
            today,
            u32::try_from(s.session.return_days).unwrap_or(5),
            has_co,
        );
        // Finishing a routing whose item exists: its dates are the routing's, kept on the row.
        if let (Some(Some(_)), Some(c)) = (unfinished, super::handling::round_clock(&p)) {
            clock = RoundClock {
                co_due: c.co_due.or(clock.co_due),
                ..c
            };
        }
        let mut units = vec![(lead, "lead", clock.reply_due)];
        for u in &input.co_unit_ids {
            let (role, due) = if split {
                ("lead", clock.reply_due)
            } else {
                ("co", clock.co_due.unwrap_or(clock.reply_due))
            };
            units.push((*u, role, due));
        }
        let ids: Vec<i64> = units.iter().map(|u| u.0).collect();
        self.check_units(&ids, &s).await?;
        if let Some(Some(item_id)) = unfinished {
            // Approved and linked, not dispatched: dispatch it now.
            let event_seq = self.dispatch_round(actor, item_id, &units, now).await?;
            return Ok(Created {
                id: item_id,
                ids: vec![item_id],
                event_seq,
            });
        }
        set_clock(&mut p, &clock, None, 1);
        p.mode = Some(mode.as_str().into());
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ProposalRouted,
                Subject::default(),
                serde_json::json!({ "proposal_id": p.id, "number": p.number, "mode": mode,
                    "units": units.iter().map(|(u, r, d)| serde_json::json!({
                        "unit_id": u, "role": r, "deadline": d })).collect::<Vec<_>>(),
                    "return_by": clock.return_by, "co_due": clock.co_due,
                    "reply_due": clock.reply_due }),
                vec![Update::Proposal(ProposalUpdate::Proposal(p.clone()))],
                vec![],
            )
            .await?;
        p.version += 1;
        let item_id = self
            .handling_item(actor, &s, &p, &units, clock.reply_due, 1, now)
            .await?;
        Ok(Created {
            id: item_id,
            ids: vec![item_id],
            event_seq: c.event.seq,
        })
    }

    /// A routing that was committed but whose item is missing (`Some(None)`) or approved and
    /// not dispatched (`Some(Some(item))`); `None` for any other suggestion.
    async fn unfinished_routing(&self, p: &ProposalRow) -> ServiceResult<Option<Option<i64>>> {
        if p.state != ProposalState::Handling.as_str() || p.round != 1 {
            return Ok(None);
        }
        let Some(item_id) = p.item_id else {
            return Ok(Some(None));
        };
        let approved = self
            .store
            .item(item_id)
            .await?
            .is_some_and(|i| i.state == ItemState::Approved);
        Ok(approved.then_some(Some(item_id)))
    }

    /// The units exist below the session's jurisdiction, each once (checked before anything
    /// is written).
    async fn check_units(&self, ids: &[i64], s: &Scoped) -> ServiceResult<()> {
        let found = self.store.units(ids).await?;
        for (k, u) in ids.iter().enumerate() {
            let field = if k == 0 {
                "lead_unit_id"
            } else {
                "co_unit_ids"
            };
            if !found
                .iter()
                .any(|f| f.id == *u && f.path.0.is_strictly_below(&s.path))
            {
                return Err(ValidationErrors::single(field, "validation.unknown_unit").into());
            }
            if ids[..k].contains(u) {
                return Err(ValidationErrors::single(field, "rule.duplicate_unit").into());
            }
        }
        Ok(())
    }

    /// Registers a round's handling item, approves it by the office's routing (linking it to
    /// `p`, whose row must be as last read: a concurrent change refuses the approval) and
    /// dispatches it to `units` (unit, role, deadline).
    #[allow(clippy::too_many_arguments, reason = "the round's parts, read once")]
    pub(crate) async fn handling_item(
        &self,
        actor: &Actor,
        s: &Scoped,
        p: &ProposalRow,
        units: &[(i64, &str, NaiveDate)],
        due: NaiveDate,
        round: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        let number = format_number(s.kind, p.number);
        let title = if round > 1 {
            format!("{}（重新办理）：{}", number, p.title)
        } else {
            format!("{}：{}", number, p.title)
        };
        let description = format!(
            "{}\n提出人：{}{}\n\n{}",
            s.session.name,
            p.proposers,
            if p.grp.is_empty() {
                String::new()
            } else {
                format!("（{}）", p.grp)
            },
            p.body
        );
        self.office_item(
            actor,
            s,
            ItemLink::Round(p.clone()),
            &title,
            &description,
            units,
            due,
            now,
        )
        .await
    }

    /// Registers an item for a suggestion (a round's handling, or a B grade's commitment),
    /// approves it by the office's authority over the suggestion — the approval links it to
    /// the suggestion or reply, so a second attempt fails there — and dispatches it to `units`
    /// (unit, role, deadline).
    #[allow(clippy::too_many_arguments, reason = "the item's parts, read once")]
    pub(crate) async fn office_item(
        &self,
        actor: &Actor,
        s: &Scoped,
        link: ItemLink,
        title: &str,
        description: &str,
        units: &[(i64, &str, NaiveDate)],
        due: NaiveDate,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        let title: String = title.chars().take(200).collect();
        let description: String = description.chars().take(10_000).collect();
        let created = self
            .create_item(
                actor,
                &ItemInput {
                    title,
                    description,
                    source: s.kind.item_source().into(),
                    category: "livelihood".into(),
                    priority: Some("normal".into()),
                    targets: vec![],
                    deadline: Some(due),
                    deadline_working_days: None,
                    cadence: None,
                    leader_id: None,
                    public: false,
                },
                now,
            )
            .await?;
        let (mut item, _) = self.visible_item(actor, created.id).await?;
        item.state = item_transition(item.state, ItemCommand::Submit)?;
        item.state = item_transition(item.state, ItemCommand::Approve)?;
        let proposal_id = link.proposal_id();
        self.commit(
            Some(actor),
            now,
            EventKind::ItemApproved,
            Subject::item(item.id),
            serde_json::json!({ "comment": "", "by_proposal": proposal_id }),
            vec![Update::Item(item.clone()), link.update(item.id)],
            vec![],
        )
        .await?;
        self.dispatch_round(actor, item.id, units, now).await?;
        Ok(item.id)
    }

    /// Dispatches an approved item of a suggestion to `units` (unit, role, deadline); the
    /// dispatch's event.
    async fn dispatch_round(
        &self,
        actor: &Actor,
        item_id: i64,
        units: &[(i64, &str, NaiveDate)],
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        let assignments = units
            .iter()
            .map(|(u, role, d)| AssignmentInput {
                unit_id: *u,
                role: (*role).into(),
                deadline: Some(*d),
                deadline_working_days: None,
                targets: None,
                instructions: String::new(),
                responsible_user_id: None,
            })
            .collect();
        let c = self
            .dispatch_item(actor, item_id, &DispatchInput { assignments }, now)
            .await
            .map_err(|e| match e {
                crate::ServiceError::Rule(Rule::DuplicateUnit) => {
                    ValidationErrors::single("co_unit_ids", "rule.duplicate_unit").into()
                }
                other => other,
            })?;
        Ok(c.event_seq)
    }
}

/// What an item made for a suggestion is linked to, on its approval.
pub(crate) enum ItemLink {
    /// The suggestion's round of handling (the row as last read).
    Round(ProposalRow),
    /// A B grade's commitment (the reply as last read).
    Follow(ReplyRow),
}

impl ItemLink {
    fn proposal_id(&self) -> i64 {
        match self {
            ItemLink::Round(p) => p.id,
            ItemLink::Follow(r) => r.proposal_id,
        }
    }

    fn update(self, item_id: i64) -> Update {
        match self {
            ItemLink::Round(mut p) => {
                p.item_id = Some(item_id);
                Update::Proposal(ProposalUpdate::Proposal(p))
            }
            ItemLink::Follow(mut r) => {
                r.follow_item_id = Some(item_id);
                Update::Proposal(ProposalUpdate::Reply(r))
            }
        }
    }
}

/// Puts a round's clock on the suggestion and starts the round (its item, when known).
pub(crate) fn set_clock(p: &mut ProposalRow, c: &RoundClock, item_id: Option<i64>, round: i64) {
    p.state = ProposalState::Handling.as_str().into();
    p.round = round;
    p.item_id = item_id;
    p.started_on = Some(c.started_on);
    p.return_by = c.return_by;
    p.co_due = c.co_due;
    p.reply_due = Some(c.reply_due);
    p.extension_limit = Some(c.extension_limit);
    p.ext_state = None;
    p.ext_to = None;
    p.ext_reason.clear();
    p.ext_comment.clear();
    p.ext_asked_by = None;
    p.ext_decided_by = None;
}
