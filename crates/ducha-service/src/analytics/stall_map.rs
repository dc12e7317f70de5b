//! The stall map (梗阻热力图): working days per hop for each unit at a level of the
//! jurisdiction, the units waiting to sign now, and the lost days charged to each; with the
//! assignments behind a unit's figures.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::analytics::hops::{Hop, HopFacts, working_days};
use ducha_domain::item::{Category, Source};
use ducha_domain::org::Actor;
use ducha_store::StallQuery;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// Filters of the stall map.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema), into_params(parameter_in = Query))]
pub struct StallMapInput {
    /// Within this unit's subtree (default: the reader's jurisdiction).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Units at this depth of the organisation tree (1 = the root); all when absent.
    #[serde(default)]
    pub level: Option<i64>,
    /// Assignments dispatched from this month, `2026-09`.
    #[serde(default)]
    pub from: Option<String>,
    /// … to this month.
    #[serde(default)]
    pub to: Option<String>,
    /// Items of this source.
    #[serde(default)]
    pub source: Option<String>,
    /// Items of this category.
    #[serde(default)]
    pub category: Option<String>,
    /// Units shown, worst first (default 50, at most 10,000).
    #[serde(default)]
    pub limit: Option<i64>,
}

/// A unit's figures for one hop.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallCellView {
    /// The hop.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub hop: Hop,
    /// How many.
    pub n: i64,
    /// Working days, summed.
    pub days: i64,
    /// Average working days.
    pub avg: f64,
    /// The longest.
    pub max: i64,
}

/// One unit of the map.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallUnit {
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Its depth in the tree.
    pub level: i64,
    /// Figures per hop (hops with none left out).
    pub cells: Vec<StallCellView>,
    /// Assignments waiting to be signed now.
    pub unsigned: i64,
    /// Working days the oldest of them has waited.
    pub unsigned_days: i64,
    /// Lost working days charged to the unit.
    pub lost_days: i64,
}

/// The stall map.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallMap {
    /// The depth of the map's root unit.
    pub root_level: i64,
    /// The level shown, if one was chosen.
    pub level: Option<i64>,
    /// The hops, in chain order (the heat map's columns).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub hops: Vec<Hop>,
    /// Units with any figure, before the limit.
    pub total_units: usize,
    /// The worst units: most lost days, then longest average dwell.
    pub units: Vec<StallUnit>,
}

/// The assignments behind a unit's figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitHops {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Its assignments, newest first (at most 200).
    pub rows: Vec<UnitHopRow>,
}

/// An assignment behind a unit's figures.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitHopRow {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Its number.
    pub item_number: Option<String>,
    /// Its title.
    pub item_title: String,
    /// The unit held it as the assigned unit (else as the level above).
    pub assigned: bool,
    /// The assigned unit's name.
    pub unit_name: String,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Working days to sign (or so far, when `signing`).
    pub sign_days: Option<i64>,
    /// Still waiting to be signed.
    pub signing: bool,
    /// Working days from signing to the first decomposition.
    pub decompose_days: Option<i64>,
    /// Working days from signing to the first report.
    pub first_report_days: Option<i64>,
    /// Working days reports waited for review, summed.
    pub review_days: i64,
    /// Working days completion requests waited for a decision, summed.
    pub decision_days: i64,
    /// Working days waited on help requests, summed.
    pub help_days: i64,
    /// Working days late at completion.
    pub late_days: Option<i64>,
}

fn month(e: &mut ValidationErrors, field: &str, raw: Option<&str>) -> Option<String> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match NaiveDate::parse_from_str(&format!("{raw}-01"), "%Y-%m-%d") {
        Ok(d) => Some(d.format("%Y-%m").to_string()),
        Err(_) => {
            e.add(field, "validation.invalid_value");
            None
        }
    }
}

impl Services {
    /// The stall map of the actor's jurisdiction (or a unit's subtree within it).
    pub async fn stall_map(
        &self,
        actor: &Actor,
        input: &StallMapInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<StallMap> {
        let mut e = ValidationErrors::default();
        let from = month(&mut e, "from", input.from.as_deref());
        let to = month(&mut e, "to", input.to.as_deref());
        let source = super::parse_choice::<Source>(&mut e, "source", input.source.as_deref());
        let category =
            super::parse_choice::<Category>(&mut e, "category", input.category.as_deref());
        if input.level.is_some_and(|l| !(1..=20).contains(&l)) {
            e.add("level", "validation.out_of_range");
        }
        let root = self.scope_root(actor, input.unit_id).await?;
        e.into_result(())?;
        let q = StallQuery {
            root: root.clone(),
            level: input.level,
            month_from: from,
            month_to: to,
            source: source.map(|s| s.as_str().to_string()),
            category: category.map(|c| c.as_str().to_string()),
        };
        let (cells, unsigned) =
            tokio::try_join!(self.store.stall_cells(&q), self.store.unsigned_under(&q))?;
        let cal = self.calendar();
        let mut by_unit: BTreeMap<i64, StallUnit> = BTreeMap::new();
        let blank = |unit_id| StallUnit {
            unit_id,
            unit_name: String::new(),
            level: 0,
            cells: vec![],
            unsigned: 0,
            unsigned_days: 0,
            lost_days: 0,
        };
        for c in cells {
            let Ok(hop) = Hop::from_str(&c.hop) else {
                continue;
            };
            let u = by_unit.entry(c.unit_id).or_insert_with(|| blank(c.unit_id));
            if hop == Hop::Lost {
                u.lost_days += c.days;
            }
            u.cells.push(StallCellView {
                hop,
                n: c.n,
                days: c.days,
                avg: (c.days as f64 / c.n.max(1) as f64 * 10.0).round() / 10.0,
                max: c.max,
            });
        }
        for (unit_id, n, oldest) in unsigned {
            let u = by_unit.entry(unit_id).or_insert_with(|| blank(unit_id));
            u.unsigned = n;
            u.unsigned_days = working_days(&cal, oldest, now);
        }
        let mut units: Vec<StallUnit> = by_unit.into_values().collect();
        for u in &mut units {
            u.cells
                .sort_by_key(|c| Hop::MAP.iter().position(|h| *h == c.hop));
        }
        let weight = |u: &StallUnit| {
            let dwell: f64 = u
                .cells
                .iter()
                .filter(|c| c.hop != Hop::Lost)
                .map(|c| c.avg)
                .sum();
            (u.lost_days + u.unsigned_days, (dwell * 10.0) as i64)
        };
        units.sort_by(|a, b| weight(b).cmp(&weight(a)).then(a.unit_id.cmp(&b.unit_id)));
        let total_units = units.len();
        units.truncate(usize::try_from(input.limit.unwrap_or(50).clamp(1, 10_000)).unwrap_or(50));
        let ids: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
        let rows: HashMap<i64, ducha_store::UnitRow> = self
            .store
            .units(&ids)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        for u in &mut units {
            if let Some(r) = rows.get(&u.unit_id) {
                u.unit_name.clone_from(&r.name);
                u.level = i64::try_from(r.path.0.depth()).unwrap_or(0);
            }
        }
        Ok(StallMap {
            root_level: i64::try_from(root.depth()).unwrap_or(1),
            level: input.level,
            hops: Hop::MAP.to_vec(),
            total_units,
            units,
        })
    }

    /// The assignments a unit of the actor's jurisdiction held, newest first: what the stall
    /// map's figures for it are made of.
    pub async fn stall_unit(
        &self,
        actor: &Actor,
        unit_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<UnitHops> {
        self.scope_root(actor, Some(unit_id)).await?;
        let facts = self.store.hop_facts_of_unit(unit_id, 200).await?;
        let mut items: Vec<i64> = facts.iter().map(|f| f.item_id).collect();
        items.sort_unstable();
        items.dedup();
        let mut units: Vec<i64> = facts.iter().map(|f| f.unit_id).collect();
        units.push(unit_id);
        units.sort_unstable();
        units.dedup();
        let (titles, names) = tokio::try_join!(
            self.store.item_titles(&items),
            self.store.unit_names(&units)
        )?;
        let titles: HashMap<i64, (Option<String>, String)> = titles
            .into_iter()
            .map(|t| (t.id, (t.number, t.title)))
            .collect();
        let names: HashMap<i64, String> = names.into_iter().collect();
        let cal = self.calendar();
        let rows = facts
            .into_iter()
            .map(|f: HopFacts| {
                let (number, title) = titles.get(&f.item_id).cloned().unwrap_or_default();
                let signing = f.signed_at.is_none() && f.completed_at.is_none();
                UnitHopRow {
                    assignment_id: f.assignment_id,
                    item_id: f.item_id,
                    item_number: number,
                    item_title: title,
                    assigned: f.unit_id == unit_id,
                    unit_name: names.get(&f.unit_id).cloned().unwrap_or_default(),
                    dispatched_at: f.dispatched_at,
                    sign_days: f
                        .sign_days
                        .or_else(|| signing.then(|| working_days(&cal, f.dispatched_at, now))),
                    signing,
                    decompose_days: f.decompose_days,
                    first_report_days: f.first_report_days,
                    review_days: f.review_days,
                    decision_days: f.decision_days,
                    help_days: f.help_days,
                    late_days: f.late_days,
                }
            })
            .collect();
        Ok(UnitHops {
            unit_id,
            unit_name: names.get(&unit_id).cloned().unwrap_or_default(),
            rows,
        })
    }
}
