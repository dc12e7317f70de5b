//! The cadre record (干部履职记录): per responsible person, the items they answered for in a
//! period and how each went — a factual record for the organisation department, not a score
//! and not a ranking. Next to the items, what the period said of them: the items they closed
//! ahead of their deadline, and the published bulletins (督查通报) that praised or criticised
//! the units they answered for.

use super::Period;
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::calendar::china_date;
use ducha_domain::org::Actor;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One item a responsible person answered for.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CadreItem {
    /// Item.
    pub item_id: i64,
    /// Its number.
    pub item_number: Option<String>,
    /// Its title.
    pub item_title: String,
    /// The unit.
    pub unit_name: String,
    /// `on_time`, `late`, `open_overdue` or `in_hand`.
    pub outcome: String,
    /// Working days late that were the unit's own (days charged to units it waited on are
    /// left out).
    pub late_days: i64,
    /// Deadline in force.
    pub deadline: chrono::NaiveDate,
}

/// An item a responsible person closed ahead of its deadline in the period (提前办结).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CadreEarly {
    /// Item.
    pub item_id: i64,
    /// Its number.
    pub item_number: Option<String>,
    /// Its title.
    pub item_title: String,
    /// The unit.
    pub unit_name: String,
    /// Deadline in force.
    pub deadline: chrono::NaiveDate,
    /// The day it was completed (China time).
    pub completed_on: chrono::NaiveDate,
    /// Working days ahead of the deadline (the working-day calendar's count, at least 1).
    pub early_days: i64,
}

/// A published bulletin (督查通报) of the period that named one of the units a responsible
/// person answered for.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CadreMention {
    /// The bulletin (its page is `/bulletins/{bulletin_id}`).
    pub bulletin_id: i64,
    /// Its title.
    pub title: String,
    /// The day it was published (China time).
    pub published_on: chrono::NaiveDate,
    /// The unit it named.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
}

/// A responsible person's record for a period.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CadreRecord {
    /// The person.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Items, with outcomes.
    pub items: Vec<CadreItem>,
    /// Finished on time.
    pub on_time: usize,
    /// Finished late.
    pub late: usize,
    /// Open past the deadline at the period's end.
    pub open_overdue: usize,
    /// Still in hand within the deadline.
    pub in_hand: usize,
    /// Working days late that were the units' own, summed.
    pub late_days: i64,
    /// Praise: items closed ahead of their deadline in the period.
    pub early: Vec<CadreEarly>,
    /// Praise: published bulletins of the period that praised (通报表扬) a unit of theirs.
    pub praise: Vec<CadreMention>,
    /// Criticism: published bulletins of the period that criticised (通报批评) a unit of
    /// theirs.
    pub criticism: Vec<CadreMention>,
}

impl Services {
    /// The cadre record of a jurisdiction's responsible persons for a period (its
    /// supervisors and leaders).
    pub async fn cadre_records(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        period: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<CadreRecord>> {
        let period = Period::parse(period)?;
        let (_, root) = self.assessment_scope(actor, scope_unit_id).await?;
        if !Self::reads_assessment(actor, &root) {
            return Err(ServiceError::Forbidden);
        }
        let (from, to) = period.instants();
        let (rows, mentions) = tokio::try_join!(
            self.store.cadre_rows(&root, from, to),
            self.store.cadre_mentions(&root, from, to)
        )?;
        let end = period.last_day().min(self.today(now));
        let mut items: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
        items.sort_unstable();
        items.dedup();
        let mut users: Vec<i64> = rows.iter().map(|r| r.user_id).collect();
        users.sort_unstable();
        users.dedup();
        let mut units: Vec<i64> = rows
            .iter()
            .map(|r| r.unit_id)
            .chain(mentions.iter().map(|m| m.unit_id))
            .collect();
        units.sort_unstable();
        units.dedup();
        let (titles, names, unit_names) = tokio::try_join!(
            self.store.item_titles(&items),
            self.store.user_names(&users),
            self.store.unit_names(&units)
        )?;
        let titles: HashMap<i64, (Option<String>, String)> = titles
            .into_iter()
            .map(|t| (t.id, (t.number, t.title)))
            .collect();
        let names: HashMap<i64, String> = names.into_iter().collect();
        let unit_names: HashMap<i64, String> = unit_names.into_iter().collect();
        let cal = self.calendar();
        let mut out: BTreeMap<i64, CadreRecord> = BTreeMap::new();
        let mut owned: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for r in rows {
            let done = r.completed_at.filter(|t| *t < to);
            let (outcome, late_days) = match done {
                // Late, but only the days charged to the unit itself are the person's: days
                // it waited on an unanswered help request or the level above are not.
                Some(_) if r.late_days.unwrap_or(0) > 0 => ("late", r.own_late_days),
                Some(_) => ("on_time", 0),
                None if r.deadline < end => (
                    "open_overdue",
                    cal.working_days_between(r.deadline, end).max(0),
                ),
                None => ("in_hand", 0),
            };
            let rec = out.entry(r.user_id).or_insert_with(|| CadreRecord {
                user_id: r.user_id,
                name: names.get(&r.user_id).cloned().unwrap_or_default(),
                items: vec![],
                on_time: 0,
                late: 0,
                open_overdue: 0,
                in_hand: 0,
                late_days: 0,
                early: vec![],
                praise: vec![],
                criticism: vec![],
            });
            match outcome {
                "late" => rec.late += 1,
                "on_time" => rec.on_time += 1,
                "open_overdue" => rec.open_overdue += 1,
                _ => rec.in_hand += 1,
            }
            rec.late_days += late_days;
            let (number, title) = titles.get(&r.item_id).cloned().unwrap_or_default();
            let unit_name = unit_names.get(&r.unit_id).cloned().unwrap_or_default();
            // Early by the same count the assessment's early-completion facts use.
            if let Some(done) = done.filter(|_| outcome == "on_time") {
                let completed_on = china_date(done);
                let early_days = cal.working_days_between(completed_on, r.deadline);
                if early_days > 0 {
                    rec.early.push(CadreEarly {
                        item_id: r.item_id,
                        item_number: number.clone(),
                        item_title: title.clone(),
                        unit_name: unit_name.clone(),
                        deadline: r.deadline,
                        completed_on,
                        early_days,
                    });
                }
            }
            rec.items.push(CadreItem {
                item_id: r.item_id,
                item_number: number,
                item_title: title,
                unit_name,
                outcome: outcome.into(),
                late_days,
                deadline: r.deadline,
            });
            owned.entry(r.user_id).or_default().insert(r.unit_id);
        }
        // The bulletins that named a unit the person answered for in the period.
        for (user, units) in &owned {
            let Some(rec) = out.get_mut(user) else {
                continue;
            };
            for m in mentions.iter().filter(|m| units.contains(&m.unit_id)) {
                let mention = CadreMention {
                    bulletin_id: m.bulletin_id,
                    title: m.title.clone(),
                    published_on: china_date(m.published_at),
                    unit_id: m.unit_id,
                    unit_name: unit_names.get(&m.unit_id).cloned().unwrap_or_default(),
                };
                match m.kind.as_str() {
                    "praise" => rec.praise.push(mention),
                    "criticism" => rec.criticism.push(mention),
                    _ => {}
                }
            }
        }
        Ok(out.into_values().collect())
    }
}
