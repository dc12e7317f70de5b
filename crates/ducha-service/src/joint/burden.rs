//! The burden on grassroots units (基层减负): per quarter, how many inspections visit each
//! unit, for how many days on site and how many forms, against its level's budget; and the
//! planning calendar that shows it week by week with the overlaps.

use super::inspections::InspectionView;
use super::scope_of;
use crate::Services;
use crate::error::{ServiceResult, ensure};
use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::joint::inspections::{Budget, InspectionState, Load, quarter_bounds, quarter_of};
use ducha_domain::org::Actor;
use ducha_store::{InspectionQuery, InspectionRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Which quarter.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema), into_params(parameter_in = Query))]
pub struct QuarterInput {
    /// `2026-Q4` (default: this quarter).
    #[serde(default)]
    pub quarter: Option<String>,
    /// List only the reader's own body's plans (those it files or supports).
    #[serde(default)]
    pub mine: bool,
}

/// One week of a unit's row in the calendar.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeekCell {
    /// Plans at the unit that week.
    pub plans: Vec<i64>,
    /// Two or more bodies' plans the same week.
    pub overlap: bool,
}

/// A unit's burden in a quarter.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitBurden {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// What the counted plans put on it.
    pub load: Load,
    /// What its level may bear (none for levels without a budget).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub budget: Option<Budget>,
    /// The dimensions over budget.
    pub over: Vec<String>,
    /// The plans counted.
    pub plans: Vec<i64>,
    /// Week by week (calendar only).
    pub weeks: Vec<WeekCell>,
}

impl UnitBurden {
    /// Adds a plan's weight and judges the budget again.
    pub(crate) fn add(&mut self, days_on_site: u32, forms: u32, plan: i64) {
        self.load.add(days_on_site, forms);
        if plan != 0 {
            self.plans.push(plan);
        }
        self.over = self
            .budget
            .map(|b| self.load.over(&b).into_iter().map(str::to_string).collect())
            .unwrap_or_default();
    }
}

/// The planning calendar of a quarter.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BurdenView {
    /// `2026-Q4`.
    pub quarter: String,
    /// The quarter before and after, for paging.
    pub previous: String,
    /// Next.
    pub next: String,
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The Mondays that start each week column.
    pub weeks: Vec<NaiveDate>,
    /// Every unit a counted plan visits, most burdened first.
    pub units: Vec<UnitBurden>,
    /// The quarter's plans (all states).
    pub inspections: Vec<InspectionView>,
}

fn u32_of(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}

/// Parses `2026-Q4`.
fn parse_quarter(s: &str) -> Option<(i32, u32)> {
    let (y, q) = s.trim().split_once(['-', ' '])?;
    let y: i32 = y.parse().ok()?;
    let q: u32 = q.trim_start_matches(['Q', 'q']).parse().ok()?;
    ((2000..=2100).contains(&y) && (1..=4).contains(&q)).then_some((y, q))
}

fn label((y, q): (i32, u32)) -> String {
    format!("{y}-Q{q}")
}

impl Services {
    /// The burden of `units` from the counted plans (targets by plan).
    pub(crate) async fn burden_of(
        &self,
        units: &[i64],
        counted: &[&InspectionRow],
        targets: &HashMap<i64, Vec<i64>>,
    ) -> ServiceResult<Vec<UnitBurden>> {
        let rows = self.store.units(units).await?;
        let budgets = self.config.joint.budgets;
        let mut out: Vec<UnitBurden> = rows
            .into_iter()
            .map(|u| UnitBurden {
                unit_id: u.id,
                name: u.name,
                kind: u.kind.as_str().into(),
                load: Load::default(),
                budget: budgets.of(u.kind),
                over: vec![],
                plans: vec![],
                weeks: vec![],
            })
            .collect();
        for p in counted {
            let Some(t) = targets.get(&p.id) else {
                continue;
            };
            for b in out.iter_mut().filter(|b| t.contains(&b.unit_id)) {
                b.add(u32_of(p.days_on_site), u32_of(p.forms), p.id);
            }
        }
        out.sort_by(|a, b| {
            b.load
                .visits
                .cmp(&a.load.visits)
                .then(a.unit_id.cmp(&b.unit_id))
        });
        Ok(out)
    }

    /// The planning calendar of a quarter: each visited unit's burden week by week, with the
    /// quarter's plans.
    pub async fn burden(
        &self,
        actor: &Actor,
        input: &QuarterInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<BurdenView> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.oversees())?;
        let q = match input.quarter.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(s) => parse_quarter(s)
                .ok_or_else(|| ValidationErrors::single("quarter", "validation.quarter"))?,
            None => quarter_of(self.today(now)),
        };
        let (from, to) = quarter_bounds(q.0, q.1)
            .ok_or_else(|| ValidationErrors::single("quarter", "validation.quarter"))?;
        let rows = self
            .store
            .inspections(&InspectionQuery {
                scope_unit_id: scope,
                from: Some(from),
                to: Some(to),
                ..InspectionQuery::default()
            })
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut targets: HashMap<i64, Vec<i64>> = HashMap::new();
        for t in self.store.inspection_targets(&ids).await? {
            targets.entry(t.inspection_id).or_default().push(t.unit_id);
        }
        let counted: Vec<&InspectionRow> = rows
            .iter()
            .filter(|r| {
                r.state
                    .parse::<InspectionState>()
                    .is_ok_and(InspectionState::counts)
                    && quarter_of(r.window_from) == q
            })
            .collect();
        let mut units: Vec<i64> = counted
            .iter()
            .flat_map(|r| targets.get(&r.id).cloned().unwrap_or_default())
            .collect();
        units.sort_unstable();
        units.dedup();
        let mut burden = self.burden_of(&units, &counted, &targets).await?;
        let first_monday = from
            .checked_sub_days(Days::new(u64::from(from.weekday().num_days_from_monday())))
            .unwrap_or(from);
        let weeks: Vec<NaiveDate> = (0..14)
            .filter_map(|w| first_monday.checked_add_days(Days::new(7 * w)))
            .filter(|d| *d <= to)
            .collect();
        for b in &mut burden {
            b.weeks = weeks
                .iter()
                .map(|mon| {
                    let sun = mon.checked_add_days(Days::new(6)).unwrap_or(*mon);
                    let here: Vec<&&InspectionRow> = counted
                        .iter()
                        .filter(|r| {
                            r.window_from <= sun
                                && r.window_to >= *mon
                                && targets.get(&r.id).is_some_and(|t| t.contains(&b.unit_id))
                        })
                        .collect();
                    let mut bodies: Vec<i64> = here.iter().map(|r| r.body_unit_id).collect();
                    bodies.sort_unstable();
                    bodies.dedup();
                    WeekCell {
                        plans: here.iter().map(|r| r.id).collect(),
                        overlap: bodies.len() > 1,
                    }
                })
                .collect();
        }
        let mut inspections = self
            .inspection_views(actor, rows, &path, now, false)
            .await?;
        if input.mine {
            let me = actor.unit_id.0;
            inspections.retain(|i| i.body_unit_id == me || i.supporting.iter().any(|u| u.id == me));
        }
        let prev = if q.1 == 1 {
            (q.0 - 1, 4)
        } else {
            (q.0, q.1 - 1)
        };
        let next = if q.1 == 4 {
            (q.0 + 1, 1)
        } else {
            (q.0, q.1 + 1)
        };
        Ok(BurdenView {
            quarter: label(q),
            previous: label(prev),
            next: label(next),
            from,
            to,
            weeks,
            units: burden,
            inspections,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_quarter;

    #[test]
    fn quarters_parse() {
        assert_eq!(parse_quarter("2026-Q4"), Some((2026, 4)));
        assert_eq!(parse_quarter("2026-q1"), Some((2026, 1)));
        assert_eq!(parse_quarter("2026-Q5"), None);
        assert_eq!(parse_quarter("Q4"), None);
    }
}
