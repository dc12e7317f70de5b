//! Statistics of a session, whole and per handling unit: suggestions, replies, the on-time
//! reply rate, the A/B/C/D grades and satisfaction of each unit's final reply, and how many
//! were handled again. Computed from the rows on each read (a session holds hundreds).
//!
//! The on-time rate counts a reply that is due and has not come as not on time: a unit that
//! never answers does not score better than one that answered a day late.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Utc};
use ducha_domain::org::Actor;
use ducha_store::{ProposalSessionRow, ReplyRow};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Counts of grades.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeCounts {
    /// A.
    pub a: i64,
    /// B.
    pub b: i64,
    /// C.
    pub c: i64,
    /// D.
    pub d: i64,
}

/// One line of the statistics (the session, or one unit).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsLine {
    /// The unit (none for the whole session).
    pub unit_id: Option<i64>,
    /// Its name (the session's for the whole).
    pub name: String,
    /// Suggestions: all of the session, or those the unit leads or replied to.
    pub total: i64,
    /// Suggestions with a reply (of the unit).
    pub replied: i64,
    /// Replies, every round.
    pub replies: i64,
    /// Of them, given by their due date.
    pub on_time: i64,
    /// Replies due (in the current round, its date passed) that have not come.
    pub overdue: i64,
    /// `on_time / (replies + overdue)` in percent, one decimal (none when nothing was due).
    pub on_time_rate: Option<f64>,
    /// Grades of the final replies (each unit's latest round per suggestion).
    pub grades: GradeCounts,
    /// Final replies rated satisfied.
    pub satisfied: i64,
    /// … basically satisfied.
    pub basic: i64,
    /// … dissatisfied.
    pub dissatisfied: i64,
    /// Suggestions handled again (a second round or more).
    pub rehandled: i64,
}

/// A session's statistics.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stats {
    /// The session.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub session: ProposalSessionRow,
    /// The whole session.
    pub whole: StatsLine,
    /// Per handling unit, by name.
    pub units: Vec<StatsLine>,
}

fn add(line: &mut StatsLine, replies: &[&ReplyRow]) {
    line.replies += i64::try_from(replies.len()).unwrap_or(0);
    line.on_time += i64::try_from(replies.iter().filter(|r| r.on_time).count()).unwrap_or(0);
    // The final reply of each (suggestion, unit).
    let mut last: HashMap<(i64, i64), &ReplyRow> = HashMap::new();
    for r in replies {
        let e = last.entry((r.proposal_id, r.unit_id)).or_insert(r);
        if r.round > e.round {
            *e = r;
        }
    }
    for r in last.values() {
        match r.grade.as_str() {
            "a" => line.grades.a += 1,
            "b" => line.grades.b += 1,
            "c" => line.grades.c += 1,
            _ => line.grades.d += 1,
        }
        match r.satisfaction.as_deref() {
            Some("satisfied") => line.satisfied += 1,
            Some("basic") => line.basic += 1,
            Some("dissatisfied") => line.dissatisfied += 1,
            _ => {}
        }
    }
    let replied: HashSet<i64> = replies.iter().map(|r| r.proposal_id).collect();
    line.replied = i64::try_from(replied.len()).unwrap_or(0);
}

/// The rate, once `replies`, `on_time` and `overdue` are counted.
fn rate(line: &mut StatsLine) {
    let due = line.replies + line.overdue;
    line.on_time_rate =
        (due > 0).then(|| (line.on_time as f64 * 1000.0 / due as f64).round() / 10.0);
}

impl Services {
    /// A session's statistics, for the readers of the whole session.
    pub async fn proposal_stats(
        &self,
        actor: &Actor,
        session_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Stats> {
        let s = self.visible_session(actor, session_id).await?;
        crate::error::ensure(s.all)?;
        let rows = self.store.proposals_of_session(session_id).await?;
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let replies = self.store.proposal_replies(&ids).await?;
        let units = self.store.proposal_units(session_id).await?;
        let again: HashSet<i64> = rows.iter().filter(|p| p.round > 1).map(|p| p.id).collect();
        let mut whole = StatsLine {
            name: s.session.name.clone(),
            total: i64::try_from(rows.len()).unwrap_or(0),
            rehandled: i64::try_from(again.len()).unwrap_or(0),
            ..StatsLine::default()
        };
        add(&mut whole, &replies.iter().collect::<Vec<_>>());
        // Lead parts of the current round whose reply date passed without their reply.
        let today = self.today(now);
        let overdue: Vec<(i64, i64)> = units
            .iter()
            .filter(|u| u.role == "lead" && u.state != "withdrawn" && u.state != "done")
            .filter_map(|u| {
                let p = rows.iter().find(|p| p.id == u.proposal_id)?;
                let due = p.reply_due?;
                (p.state == "handling" && due < today).then_some((u.unit_id, p.id))
            })
            .collect();
        whole.overdue = i64::try_from(overdue.len()).unwrap_or(0);
        rate(&mut whole);
        // A unit's suggestions: those it leads in the current round or replied to.
        let mut of_unit: BTreeMap<i64, HashSet<i64>> = BTreeMap::new();
        for u in units
            .iter()
            .filter(|u| u.role == "lead" && u.state != "withdrawn")
        {
            of_unit.entry(u.unit_id).or_default().insert(u.proposal_id);
        }
        for r in &replies {
            of_unit.entry(r.unit_id).or_default().insert(r.proposal_id);
        }
        let names = self.unit_names(of_unit.keys().copied()).await?;
        let mut lines: Vec<StatsLine> = of_unit
            .into_iter()
            .map(|(unit, props)| {
                let mine: Vec<&ReplyRow> = replies.iter().filter(|r| r.unit_id == unit).collect();
                let rehandled = mine
                    .iter()
                    .filter(|r| r.round > 1)
                    .map(|r| r.proposal_id)
                    .chain(
                        units
                            .iter()
                            .filter(|u| u.unit_id == unit && again.contains(&u.proposal_id))
                            .map(|u| u.proposal_id),
                    )
                    .collect::<HashSet<_>>()
                    .len();
                let mut line = StatsLine {
                    unit_id: Some(unit),
                    name: names.get(&unit).cloned().unwrap_or_default(),
                    total: i64::try_from(props.len()).unwrap_or(0),
                    rehandled: i64::try_from(rehandled).unwrap_or(0),
                    ..StatsLine::default()
                };
                add(&mut line, &mine);
                line.overdue =
                    i64::try_from(overdue.iter().filter(|(u, _)| *u == unit).count()).unwrap_or(0);
                rate(&mut line);
                line
            })
            .collect();
        lines.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Stats {
            session: s.session,
            whole,
            units: lines,
        })
    }
}
