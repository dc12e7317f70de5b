//! The chain of an item (责任链): for each assignment the working days each hop took (or has
//! taken so far), who held it when, who answers for the days a late one lost, and the
//! findings on the item.

use super::findings::{draft_of, silence};
use super::{HelpSpan, LateFacts, lost_stats};
use crate::error::ServiceResult;
use crate::items::{depth_first, visible_sets};
use crate::{FindingView, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::analytics::findings::FindingKind;
use ducha_domain::analytics::hops::{Hop, HopFacts, days_late, working_days};
use ducha_domain::analytics::lost::LostReason;
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::calendar::china_date;
use ducha_domain::org::Actor;
use ducha_domain::requests::RequestState;
use ducha_store::{AssignmentRow, HelpRequestRow, HopLogRow, OpenAssignmentRow};
use serde::Serialize;
use std::collections::{HashMap, HashSet};

/// The hops the chain view shows as columns.
pub const CHAIN_HOPS: [Hop; 6] = [
    Hop::Sign,
    Hop::Decompose,
    Hop::FirstReport,
    Hop::Review,
    Hop::Decision,
    Hop::Help,
];

/// One hop of one assignment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainHop {
    /// Which.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hop: Hop,
    /// Working days it took (summed over reviews, decisions and help requests), or so far.
    pub days: Option<i64>,
    /// Still running: the days are so far.
    pub running: bool,
}

/// A unit's part of a late assignment's lost days.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LostShareView {
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Working days.
    pub days: i64,
    /// Why.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: LostReason,
}

/// A stretch of time a unit held an assignment.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeldSpan {
    /// The unit holding it.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// What it was doing: `sign`, `work`, `help` or `decision`.
    pub what: String,
    /// From (China date).
    pub from: NaiveDate,
    /// To (China date; today while running).
    pub to: NaiveDate,
    /// Working days.
    pub days: i64,
    /// Still running.
    pub running: bool,
    /// Held by the assigned unit itself (else by another it waited on).
    pub own: bool,
    /// Where the span starts on the item's timeline, in percent.
    pub offset_pct: f64,
    /// Its length on the timeline, in percent.
    pub width_pct: f64,
}

/// One assignment of the chain.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainRow {
    /// Assignment.
    pub assignment_id: i64,
    /// Parent.
    pub parent_id: Option<i64>,
    /// Depth in the chain (1 for top-level).
    pub depth: usize,
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Lead or co.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub role: AssignmentRole,
    /// State.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub state: AssignmentState,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Hops, in [`CHAIN_HOPS`] order.
    pub hops: Vec<ChainHop>,
    /// Working days late (at completion, or so far).
    pub late_days: Option<i64>,
    /// Who answers for the lost days.
    pub lost: Vec<LostShareView>,
    /// Who held it when.
    pub spans: Vec<HeldSpan>,
    /// Kinds of the findings against this assignment.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub findings: Vec<FindingKind>,
}

/// The chain view of an item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChainView {
    /// Item.
    pub item_id: i64,
    /// The day the running figures are counted to.
    pub today: NaiveDate,
    /// The timeline's first day (the item's dispatch).
    pub start: NaiveDate,
    /// The columns.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub hops: Vec<Hop>,
    /// The assignments the reader sees, parents before children.
    pub rows: Vec<ChainRow>,
    /// Findings on the item against units the reader sees, highest score first.
    pub findings: Vec<FindingView>,
}

fn hop(hop: Hop, days: Option<i64>, running: bool) -> ChainHop {
    ChainHop { hop, days, running }
}

impl Services {
    /// The chain view of an item the actor may see (404 otherwise).
    pub async fn chain_view(
        &self,
        actor: &Actor,
        item_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<ChainView> {
        let (item, all) = self.visible_item(actor, item_id).await?;
        let (own, visible) = visible_sets(actor, &item, &all);
        let store = &self.store;
        let ids: Vec<i64> = all.iter().map(|a| a.id).collect();
        let (facts, kept, helps, exts, refusals, charged) = tokio::try_join!(
            store.hop_facts_of_item(item_id),
            store.findings_of_item(item_id),
            store.help_requests_of_item(item_id),
            store.extensions_of_item(item_id),
            store.refusals_of_item(item_id),
            store.lost_of_assignments(&ids),
        )?;
        let facts: HashMap<i64, HopFacts> =
            facts.into_iter().map(|f| (f.assignment_id, f)).collect();
        let mut unit_ids: Vec<i64> = all.iter().map(|a| a.unit_id).collect();
        unit_ids.extend(helps.iter().map(|h| h.to_unit_id));
        unit_ids.push(item.owner_unit_id);
        unit_ids.extend(charged.iter().map(|l| l.unit_id));
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let names: HashMap<i64, String> = store.unit_names(&unit_ids).await?.into_iter().collect();
        let name = |u: i64| names.get(&u).cloned().unwrap_or_default();
        let cal = self.calendar();
        let today = self.today(now);
        let start = item.dispatched_at.map_or(today, china_date);
        let end = item.closed_at.map_or(today, china_date).max(start);
        let span_days = (end - start).num_days().max(1) as f64 + 1.0;
        let pct =
            |d: NaiveDate| ((d - start).num_days().max(0) as f64 / span_days * 100.0).min(100.0);
        let by_id: HashMap<i64, &AssignmentRow> = all.iter().map(|a| (a.id, a)).collect();
        let allowance = self.config.analytics.handoff_allowance_days;

        // Findings: kept ones still standing, and the silence ones judged today.
        let excused: HashSet<i64> = exts
            .iter()
            .filter(|x| x.state == RequestState::Pending)
            .map(|x| x.assignment_id)
            .chain(
                refusals
                    .iter()
                    .filter(|r| r.state == RequestState::Pending)
                    .map(|r| r.assignment_id),
            )
            .chain(
                helps
                    .iter()
                    .filter(|h| h.answered_at.is_none())
                    .map(|h| h.assignment_id),
            )
            .collect();
        let open: Vec<OpenAssignmentRow> = all
            .iter()
            .filter(|a| own.contains(&a.id))
            .map(|a| OpenAssignmentRow {
                id: a.id,
                item_id: a.item_id,
                unit_id: a.unit_id,
                role: a.role,
                state: a.state,
                deadline: a.deadline,
                dispatched_at: a.dispatched_at,
                signed_at: a.signed_at,
                last_report_at: a.last_report_at,
                decomposed_at: facts.get(&a.id).and_then(|f| f.decomposed_at),
            })
            .collect();
        let live = silence(&cal, &self.config.analytics, &open, &helps, &excused, today);
        let mut listed: Vec<_> = kept
            .iter()
            .filter(|f| f.resolved_at.is_none() && own.contains(&f.assignment_id))
            .map(|f| (Some(f), draft_of(f)))
            .chain(
                live.into_iter()
                    .filter(|f| {
                        own.contains(&f.assignment_id)
                            || actor.acts_for(ducha_domain::UnitId(f.unit_id))
                    })
                    .map(|f| (None, f)),
            )
            .collect();
        listed.sort_by(|a, b| b.1.score.cmp(&a.1.score).then(a.1.at.cmp(&b.1.at)));
        let badges: Vec<(i64, FindingKind)> = listed
            .iter()
            .map(|(_, f)| (f.assignment_id, f.kind))
            .collect();
        let findings = self.finding_views(listed).await?;
        // Per assignment, in their lists' order: looked up once per row instead of scanning
        // the item's lists for each of its (hundreds of) assignments.
        let mut helps_of: HashMap<i64, Vec<&HelpRequestRow>> = HashMap::new();
        for h in &helps {
            helps_of.entry(h.assignment_id).or_default().push(h);
        }
        let mut charged_of: HashMap<i64, Vec<&HopLogRow>> = HashMap::new();
        for l in &charged {
            charged_of.entry(l.assignment_id).or_default().push(l);
        }
        let mut badges_of: HashMap<i64, Vec<FindingKind>> = HashMap::new();
        for (id, k) in &badges {
            badges_of.entry(*id).or_default().push(*k);
        }

        let rows = depth_first(&all)
            .into_iter()
            .filter(|(a, _)| visible.contains(&a.id))
            .map(|(a, depth)| {
                let f = facts.get(&a.id);
                let reviewer = f.map_or(item.owner_unit_id, |f| f.reviewer_unit_id);
                let running_from = |from: DateTime<Utc>| working_days(&cal, from, now);
                let pending = a.state == AssignmentState::Pending;
                let working = a.state.is_working();
                let my_helps: &[&HelpRequestRow] = helps_of.get(&a.id).map_or(&[], Vec::as_slice);
                let unanswered: i64 = my_helps
                    .iter()
                    .filter(|h| h.answered_at.is_none())
                    .map(|h| running_from(h.created_at))
                    .sum();
                let completion = f.and_then(|f| f.completion_requested_at);
                let hops = vec![
                    hop(
                        Hop::Sign,
                        f.and_then(|f| f.sign_days)
                            .or_else(|| pending.then(|| running_from(a.dispatched_at))),
                        pending,
                    ),
                    hop(Hop::Decompose, f.and_then(|f| f.decompose_days), false),
                    {
                        let running = working && f.is_some_and(|f| f.first_report_at.is_none());
                        hop(
                            Hop::FirstReport,
                            f.and_then(|f| f.first_report_days).or_else(|| {
                                running
                                    .then(|| running_from(a.signed_at.unwrap_or(a.dispatched_at)))
                            }),
                            running,
                        )
                    },
                    hop(
                        Hop::Review,
                        f.filter(|f| f.reviews > 0).map(|f| f.review_days),
                        false,
                    ),
                    hop(
                        Hop::Decision,
                        match (f, completion) {
                            (Some(f), Some(c)) => Some(f.decision_days + running_from(c)),
                            (Some(f), None) if f.decisions > 0 => Some(f.decision_days),
                            _ => None,
                        },
                        completion.is_some(),
                    ),
                    hop(
                        Hop::Help,
                        f.filter(|f| f.helps > 0 || unanswered > 0)
                            .map(|f| f.help_days + unanswered),
                        unanswered > 0,
                    ),
                ];
                // Lateness: at completion, or so far while open.
                let done_at = a.completed_at.filter(|_| a.state == AssignmentState::Done);
                let end_at = done_at.unwrap_or(now);
                let late = if a.state.is_open() || done_at.is_some() {
                    days_late(&cal, a.deadline, china_date(end_at))
                } else {
                    0
                };
                let spans_helps: Vec<HelpSpan> = my_helps
                    .iter()
                    .map(|h| HelpSpan {
                        to_unit: h.to_unit_id,
                        from: h.created_at,
                        to: h.answered_at.filter(|t| *t <= end_at),
                    })
                    .collect();
                let lost = if done_at.is_some() {
                    // As charged when the completion was accepted.
                    charged_of
                        .get(&a.id)
                        .map_or(&[][..], Vec::as_slice)
                        .iter()
                        .map(|l| LostShareView {
                            unit_id: l.unit_id,
                            unit_name: name(l.unit_id),
                            days: l.days,
                            reason: l
                                .reason
                                .as_deref()
                                .and_then(|r| r.parse().ok())
                                .unwrap_or(LostReason::Own),
                        })
                        .collect()
                } else if late > 0 {
                    let key = super::hop_key(a);
                    let parent = a.parent_id.and_then(|p| by_id.get(&p));
                    let facts = LateFacts {
                        key: &key,
                        late,
                        reviewer,
                        upstream: parent.map(|p| (p.unit_id, p.dispatched_at)),
                        dispatched_at: a.dispatched_at,
                        helps: &spans_helps,
                        decision_days: completion.map_or(0, running_from),
                    };
                    lost_stats(&cal, allowance, &facts, end_at)
                        .into_iter()
                        .map(|s| LostShareView {
                            unit_id: s.unit_id,
                            unit_name: name(s.unit_id),
                            days: s.days,
                            reason: s.reason.unwrap_or(LostReason::Own),
                        })
                        .collect()
                } else {
                    vec![]
                };
                // Who held it when.
                let mut spans = Vec::new();
                let mut push =
                    |unit: i64, what: &str, from: DateTime<Utc>, to: Option<DateTime<Utc>>| {
                        let (f, t) = (
                            china_date(from),
                            china_date(to.unwrap_or(now)).max(china_date(from)),
                        );
                        spans.push(HeldSpan {
                            unit_id: unit,
                            unit_name: name(unit),
                            what: what.to_string(),
                            from: f,
                            to: t,
                            days: working_days(&cal, from, to.unwrap_or(now)),
                            running: to.is_none(),
                            own: unit == a.unit_id,
                            offset_pct: pct(f),
                            width_pct: ((t - f).num_days() as f64 + 1.0) / span_days * 100.0,
                        });
                    };
                let finished = a.completed_at.or(completion);
                if a.state != AssignmentState::Withdrawn {
                    push(a.unit_id, "sign", a.dispatched_at, a.signed_at.or(finished));
                    if let Some(s) = a.signed_at {
                        push(a.unit_id, "work", s, finished);
                    }
                    if let Some(c) = completion {
                        push(reviewer, "decision", c, None);
                    }
                }
                for h in my_helps {
                    push(h.to_unit_id, "help", h.created_at, h.answered_at);
                }
                ChainRow {
                    assignment_id: a.id,
                    parent_id: a.parent_id,
                    depth,
                    unit_id: a.unit_id,
                    unit_name: name(a.unit_id),
                    role: a.role,
                    state: a.state,
                    dispatched_at: a.dispatched_at,
                    deadline: a.deadline,
                    hops,
                    late_days: (late > 0).then_some(late),
                    lost,
                    spans,
                    findings: badges_of.remove(&a.id).unwrap_or_default(),
                }
            })
            .collect();
        Ok(ChainView {
            item_id,
            today,
            start,
            hops: CHAIN_HOPS.to_vec(),
            rows,
            findings,
        })
    }
}
