//! What the pages and the API show of sessions and suggestions.

use super::Scoped;
use super::handling::round_clock;
use crate::Services;
use crate::error::ServiceResult;
use crate::joint::scope_of;
use chrono::NaiveDate;
use ducha_domain::ValidationErrors;
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::light::Light;
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::proposals::clock::RoundClock;
use ducha_domain::proposals::{ProposalState, format_number};
use ducha_store::{
    ContactRow, OpinionRow, ProposalRow, ProposalSessionRow, ProposalUnitRow, ReplyRow,
};
use serde::{Deserialize, Serialize};

/// A session with its suggestions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// The session.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub session: ProposalSessionRow,
    /// Whether the reader runs the office (registers, routes, rates).
    pub office: bool,
    /// The suggestions the reader may see, by number.
    pub lines: Vec<ProposalLine>,
}

/// Which of a session's suggestions to list; every one when empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema), into_params(parameter_in = Query))]
pub struct ProposalFilter {
    /// Only this state: `registered`, `handling`, `replied` or `closed`.
    #[serde(default)]
    pub state: Option<String>,
    /// Only those in whose current round a unit has a part.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Only those whose worst open light is this: `green`, `blue`, `yellow` or `red`.
    #[serde(default)]
    pub light: Option<String>,
}

/// One unit's part in a suggestion's current round.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitPart {
    /// Assignment.
    pub assignment_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Name.
    pub unit_name: String,
    /// `lead` or `co`.
    pub role: String,
    /// Assignment state.
    pub state: String,
    /// Due.
    pub deadline: NaiveDate,
    /// `green`, `blue`, `yellow`, `red` (none when finished).
    pub light: Option<String>,
    /// The last day the unit may return it (退回), counted from its own dispatch: a unit
    /// reassigned after a return has a window of its own. None in a round of handling again
    /// and once the part is signed or finished.
    pub return_by: Option<NaiveDate>,
}

/// A suggestion in a list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalLine {
    /// Id.
    pub id: i64,
    /// 建议第12号.
    pub number_text: String,
    /// Number.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Proposers.
    pub proposers: String,
    /// Delegation or sector.
    pub group: String,
    /// Category.
    pub category: String,
    /// State.
    pub state: String,
    /// The current round.
    pub round: i64,
    /// The round's handling item.
    pub item_id: Option<i64>,
    /// The worst light of the round's open parts.
    pub light: Option<String>,
    /// The round's units.
    pub units: Vec<UnitPart>,
    /// Reply due.
    pub reply_due: Option<NaiveDate>,
    /// Grades of the latest round's replies.
    pub grades: Vec<String>,
    /// Satisfaction entered on them.
    pub satisfaction: Vec<String>,
}

/// One suggestion in full.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalDetail {
    /// The list line.
    pub line: ProposalLine,
    /// The session.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub session: ProposalSessionRow,
    /// The suggestion's row (text, clock, extension).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub row: ProposalRow,
    /// The current round's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub clock: Option<RoundClock>,
    /// Co-units' opinions, all rounds.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub opinions: Vec<OpinionRow>,
    /// Replies, all rounds.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub replies: Vec<ReplyRow>,
    /// Communication records.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub contacts: Vec<ContactRow>,
    /// Units' names by id (of opinions, replies and contacts).
    pub unit_names: std::collections::HashMap<i64, String>,
    /// The reader runs the office.
    pub office: bool,
    /// The reader's unit's open part (`lead` or `co`), if any.
    pub my_part: Option<String>,
}

fn light_name(rank: Option<i64>) -> Option<String> {
    rank.and_then(Light::from_rank)
        .map(|l| l.as_str().to_string())
}

fn line(
    s: &Scoped,
    cal: &WorkCalendar,
    p: &ProposalRow,
    units: &[&ProposalUnitRow],
    replies: &[&ReplyRow],
) -> ProposalLine {
    let window = u32::try_from(s.session.return_days).unwrap_or(5);
    let parts: Vec<UnitPart> = units
        .iter()
        .map(|u| UnitPart {
            return_by: (p.round == 1 && u.state == "pending")
                .then(|| cal.add_working_days(china_date(u.dispatched_at), window)),
            assignment_id: u.assignment_id,
            unit_id: u.unit_id,
            unit_name: u.unit_name.clone(),
            role: u.role.clone(),
            state: u.state.clone(),
            deadline: u.deadline,
            light: if matches!(u.state.as_str(), "done" | "withdrawn") {
                None
            } else {
                light_name(u.light)
            },
        })
        .collect();
    let worst = units
        .iter()
        .filter(|u| !matches!(u.state.as_str(), "done" | "withdrawn"))
        .filter_map(|u| u.light)
        .max();
    let last: Vec<&&ReplyRow> = replies.iter().filter(|r| r.round == p.round).collect();
    ProposalLine {
        id: p.id,
        number_text: format_number(s.kind, p.number),
        number: p.number,
        title: p.title.clone(),
        proposers: p.proposers.clone(),
        group: p.grp.clone(),
        category: p.category.clone(),
        state: p.state.clone(),
        round: p.round,
        item_id: p.item_id,
        light: light_name(worst),
        units: parts,
        reply_due: p.reply_due,
        grades: last.iter().map(|r| r.grade.clone()).collect(),
        satisfaction: last.iter().filter_map(|r| r.satisfaction.clone()).collect(),
    }
}

impl Services {
    /// The sessions of the actor's jurisdiction, latest first, and those of the levels above
    /// in which the actor's unit or one below it has a suggestion to handle (a county liaison
    /// finds the city's sessions its county handles suggestions of).
    pub async fn proposal_sessions(&self, actor: &Actor) -> ServiceResult<Vec<ProposalSessionRow>> {
        let (scope, path) = scope_of(actor)?;
        let mut out = self.store.proposal_sessions(scope).await?;
        let ids = path.ids();
        for above in ids.iter().take(ids.len().saturating_sub(1)) {
            for s in self.store.proposal_sessions(above.0).await? {
                if !self.proposal_session(actor, s.id).await?.lines.is_empty() {
                    out.push(s);
                }
            }
        }
        out.sort_by(|a, b| b.year.cmp(&a.year).then(b.id.cmp(&a.id)));
        Ok(out)
    }

    /// A session with the suggestions the actor may see: all for the office, leaders and
    /// member bodies (人大, 政协 and the other bodies of the leading group); a handling unit's
    /// own otherwise.
    pub async fn proposal_session(
        &self,
        actor: &Actor,
        session_id: i64,
    ) -> ServiceResult<SessionView> {
        let s = self.visible_session(actor, session_id).await?;
        let rows = self.store.proposals_of_session(session_id).await?;
        let units = self.store.proposal_units(session_id).await?;
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let replies = self.store.proposal_replies(&ids).await?;
        // For a handling unit's list: the suggestions a unit at or below it replied to or
        // sent an opinion on.
        let mut answered = std::collections::HashSet::new();
        if !s.all {
            let opinions = self.store.proposal_opinions(&ids).await?;
            let by_unit: Vec<(i64, i64)> = replies
                .iter()
                .map(|r| (r.unit_id, r.proposal_id))
                .chain(opinions.iter().map(|o| (o.unit_id, o.proposal_id)))
                .collect();
            if !by_unit.is_empty() {
                let unit_ids: Vec<i64> = by_unit.iter().map(|(u, _)| *u).collect();
                let near: std::collections::HashSet<i64> = self
                    .store
                    .units(&unit_ids)
                    .await?
                    .into_iter()
                    .filter(|u| actor.sees(&u.path.0))
                    .map(|u| u.id)
                    .collect();
                answered = by_unit
                    .into_iter()
                    .filter(|(u, _)| near.contains(u))
                    .map(|(_, p)| p)
                    .collect();
            }
        }
        let cal = self.calendar();
        let lines = rows
            .iter()
            .filter_map(|p| {
                let u: Vec<&ProposalUnitRow> =
                    units.iter().filter(|u| u.proposal_id == p.id).collect();
                let r: Vec<&ReplyRow> = replies.iter().filter(|r| r.proposal_id == p.id).collect();
                let visible = s.all
                    || u.iter().any(|x| {
                        x.state != "withdrawn"
                            && actor.sees(&UnitPath::from_stored(x.unit_path.clone()))
                    })
                    || answered.contains(&p.id);
                visible.then(|| line(&s, &cal, p, &u, &r))
            })
            .collect();
        Ok(SessionView {
            session: s.session,
            office: s.office,
            lines,
        })
    }

    /// A session's list as `proposal_session` reads it, narrowed by the filter; an unknown
    /// state or light is refused by name.
    pub async fn proposal_list(
        &self,
        actor: &Actor,
        session_id: i64,
        filter: &ProposalFilter,
    ) -> ServiceResult<SessionView> {
        let mut e = ValidationErrors::default();
        let state = filter.state.as_deref().filter(|s| !s.is_empty());
        if state.is_some_and(|s| s.parse::<ProposalState>().is_err()) {
            e.add("state", "validation.unknown_choice");
        }
        let light = filter.light.as_deref().filter(|s| !s.is_empty());
        if light.is_some_and(|s| s.parse::<Light>().is_err()) {
            e.add("light", "validation.unknown_choice");
        }
        e.into_result(())?;
        let mut view = self.proposal_session(actor, session_id).await?;
        view.lines.retain(|l| {
            state.is_none_or(|s| l.state == s)
                && light.is_none_or(|x| l.light.as_deref() == Some(x))
                && filter
                    .unit_id
                    .is_none_or(|u| l.units.iter().any(|p| p.unit_id == u))
        });
        Ok(view)
    }

    /// One suggestion with its clock, opinions, replies and communication.
    pub async fn proposal_detail(
        &self,
        actor: &Actor,
        proposal_id: i64,
    ) -> ServiceResult<ProposalDetail> {
        let (s, p) = self.visible_proposal(actor, proposal_id).await?;
        let units: Vec<ProposalUnitRow> = self
            .store
            .proposal_units(p.session_id)
            .await?
            .into_iter()
            .filter(|u| u.proposal_id == p.id)
            .collect();
        let opinions = self.store.proposal_opinions(&[p.id]).await?;
        let replies = self.store.proposal_replies(&[p.id]).await?;
        let contacts = self.store.proposal_contacts(&[p.id]).await?;
        let unit_names = self
            .unit_names(
                opinions
                    .iter()
                    .map(|o| o.unit_id)
                    .chain(replies.iter().map(|r| r.unit_id))
                    .chain(contacts.iter().map(|c| c.unit_id)),
            )
            .await?;
        let my_part = units
            .iter()
            .find(|u| {
                u.unit_id == actor.unit_id.0
                    && !matches!(u.state.as_str(), "done" | "withdrawn")
                    && actor.acts_for(actor.unit_id)
            })
            .map(|u| u.role.clone());
        let urefs: Vec<&ProposalUnitRow> = units.iter().collect();
        let rrefs: Vec<&ReplyRow> = replies.iter().collect();
        Ok(ProposalDetail {
            line: line(&s, &self.calendar(), &p, &urefs, &rrefs),
            clock: round_clock(&p),
            session: s.session,
            row: p,
            opinions,
            replies,
            contacts,
            unit_names,
            office: s.office,
            my_part,
        })
    }
}
