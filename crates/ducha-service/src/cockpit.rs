//! The leader's dashboard (驾驶舱): the lights of the units under the reader, the on-time trend
//! by deadline month, the stall map's worst units, the worst red items, items by source and
//! category, and the progress of NPC suggestions and CPPCC proposals — read from aggregates
//! in a few bounded queries, run at once.
//!
//! Every figure is one the register can list: a unit's bar is `holder_id` + `holder_light`, a
//! month's is `deadline_from`/`deadline_to`, a source's is `source`, a red item is `light=red`.

use crate::Services;
use crate::analytics::{StallMapInput, StallUnit};
use crate::error::{ServiceError, ServiceResult};
use crate::items::ListInput;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::item::{Category, ItemState, Source};
use ducha_domain::org::{Actor, Role};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::str::FromStr;

/// Months of the on-time trend, this one included.
const TREND_MONTHS: u32 = 12;
/// Units in the lights chart, worst first (the table lists them too).
const UNITS_SHOWN: i64 = 20;
/// Red items listed.
const RED_SHOWN: i64 = 10;
/// Units of the stall summary.
const STALL_SHOWN: i64 = 10;

/// What the dashboard shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct CockpitInput {
    /// The units of the lights chart: this depth of the tree (default: the level below the
    /// reader's jurisdiction).
    #[serde(default)]
    pub level: Option<i64>,
}

/// Open assignments by light.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LightCounts {
    /// 绿灯.
    pub green: i64,
    /// 蓝灯.
    pub blue: i64,
    /// 黄灯.
    pub yellow: i64,
    /// 红灯.
    pub red: i64,
}

/// One depth of the tree under the reader: the open assignments its units hold.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelLights {
    /// Depth in the tree (1 = the root).
    pub level: i64,
    /// Units at this depth holding any.
    pub units: i64,
    /// By light.
    pub lights: LightCounts,
}

/// One unit: the open assignments it holds itself.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = CockpitUnitLights))]
pub struct UnitLights {
    /// The unit.
    pub unit_id: i64,
    /// Its name.
    pub name: String,
    /// By light.
    pub lights: LightCounts,
}

/// The items due in one month.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthLine {
    /// `2026-11`.
    pub month: String,
    /// First day, for the register's `deadline_from`.
    pub from: NaiveDate,
    /// Last day, for `deadline_to`.
    pub to: NaiveDate,
    /// Items with their deadline in the month (what the register lists).
    pub due: i64,
    /// Closed by the deadline.
    pub on_time: i64,
    /// Closed after it, or still open past it.
    pub late: i64,
    /// On time ÷ (on time + late), in percent to one decimal; none before anything fell due.
    pub rate: Option<f64>,
}

/// Items of one source or category.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedCount {
    /// The source's or category's name.
    pub name: String,
    /// Items.
    pub n: i64,
    /// Of which open (dispatched, not closed).
    pub open: i64,
}

/// One of the worst red items.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedItem {
    /// Item.
    pub id: i64,
    /// Its number.
    pub number: Option<String>,
    /// Its title.
    pub title: String,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// Calendar days past it.
    pub days_over: i64,
}

/// A session of suggestions or proposals: how far its replies are.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionProgress {
    /// Session.
    pub session_id: i64,
    /// `suggestion` (人大) or `proposal` (政协).
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Registered.
    pub total: i64,
    /// Replied.
    pub replied: i64,
    /// Replies on time, in percent.
    pub on_time_rate: Option<f64>,
    /// Proposers satisfied or basically satisfied.
    pub satisfied: i64,
    /// Proposers dissatisfied.
    pub dissatisfied: i64,
}

/// The dashboard.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cockpit {
    /// The reader's jurisdiction.
    pub root_id: i64,
    /// Its name.
    pub root_name: String,
    /// Its depth.
    pub root_level: i64,
    /// Today (China time).
    pub today: NaiveDate,
    /// Open assignments of the whole subtree by light.
    pub totals: LightCounts,
    /// By depth under the root.
    pub levels: Vec<LevelLights>,
    /// The depth of `units`.
    pub level: i64,
    /// The units at that depth, most red first (at most 20).
    pub units: Vec<UnitLights>,
    /// Items by deadline month, oldest first (twelve months to this one).
    pub trend: Vec<MonthLine>,
    /// Items by source, most first.
    pub sources: Vec<NamedCount>,
    /// Items by category.
    pub categories: Vec<NamedCount>,
    /// Red items, longest overdue first.
    pub red_items: Vec<RedItem>,
    /// The stall map's worst units one level below the root.
    pub stall: Vec<StallUnit>,
    /// The newest session of suggestions and of proposals of the jurisdiction.
    pub proposals: Vec<SessionProgress>,
}

/// The first day of the month `back` months before `d`'s.
fn month_start(d: NaiveDate, back: u32) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    first
        .checked_sub_months(chrono::Months::new(back))
        .unwrap_or(first)
}

/// The register's query of the dashboard's red items: red, longest overdue first.
fn red_list_input() -> ListInput {
    ListInput {
        light: Some("red".into()),
        sort: Some("deadline".into()),
        limit: Some(RED_SHOWN),
        ..ListInput::default()
    }
}

/// The stall map's query of the dashboard's summary: the worst units one level below the
/// root at `root_level`.
fn stall_map_input(root_level: i64) -> StallMapInput {
    StallMapInput {
        level: Some(root_level + 1),
        limit: Some(STALL_SHOWN),
        ..StallMapInput::default()
    }
}

impl Services {
    /// The dashboard of the actor's jurisdiction: leaders and supervisors only.
    pub async fn cockpit(
        &self,
        actor: &Actor,
        input: &CockpitInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Cockpit> {
        if !(actor.has(Role::Leader) || actor.has(Role::Supervisor)) {
            return Err(ServiceError::Forbidden);
        }
        let root = actor.jurisdiction.clone();
        let root_level = i64::try_from(root.depth()).unwrap_or(1);
        let level = input.level.unwrap_or(root_level + 1);
        if !(root_level..=root_level + 10).contains(&level) {
            let mut e = ducha_domain::ValidationErrors::default();
            e.add("level", "validation.out_of_range");
            e.into_result(())?;
        }
        let root_id = root.ids().last().map_or(0, |u| u.0);
        let today = self.today(now);
        let red_input = red_list_input();
        let stall_input = stall_map_input(root_level);
        let (lights, items, red, stall, root_unit, proposals) = tokio::try_join!(
            async {
                Ok::<_, ServiceError>(self.store.cockpit_lights(&root, level, UNITS_SHOWN).await?)
            },
            async {
                Ok::<_, ServiceError>(
                    self.store
                        .cockpit_items(actor.visibility_root(), Some(&actor.jurisdiction))
                        .await?,
                )
            },
            self.list_items(actor, &red_input),
            self.stall_map(actor, &stall_input, now),
            async { Ok::<_, ServiceError>(self.store.unit(root_id).await?) },
            self.session_progress(actor, root_id, now),
        )?;

        let mut totals = LightCounts::default();
        let mut levels = Vec::new();
        let mut units = Vec::new();
        for r in lights {
            let lights = LightCounts {
                green: r.green,
                blue: r.blue,
                yellow: r.yellow,
                red: r.red,
            };
            match (r.unit_id, r.name) {
                (Some(unit_id), Some(name)) => units.push(UnitLights {
                    unit_id,
                    name,
                    lights,
                }),
                _ => {
                    totals.green += r.green;
                    totals.blue += r.blue;
                    totals.yellow += r.yellow;
                    totals.red += r.red;
                    levels.push(LevelLights {
                        level: r.depth,
                        units: r.units,
                        lights,
                    });
                }
            }
        }
        levels.sort_by_key(|l| l.level);

        let first = month_start(today, TREND_MONTHS - 1);
        let mut trend: Vec<MonthLine> = (0..TREND_MONTHS)
            .rev()
            .map(|back| {
                let from = month_start(today, back);
                let to = from
                    .checked_add_months(chrono::Months::new(1))
                    .and_then(|d| d.pred_opt())
                    .unwrap_or(from);
                MonthLine {
                    month: from.format("%Y-%m").to_string(),
                    from,
                    to,
                    ..MonthLine::default()
                }
            })
            .collect();
        let mut sources: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut categories: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for r in &items {
            let state = ItemState::from_str(&r.state).ok();
            let open = i64::from(state == Some(ItemState::Dispatched)) * r.n;
            let s = sources.entry(r.source.clone()).or_default();
            s.0 += r.n;
            s.1 += open;
            let c = categories.entry(r.category.clone()).or_default();
            c.0 += r.n;
            c.1 += open;
            if let Some(line) = trend.iter_mut().find(|m| m.month == r.month) {
                line.due += r.n;
                if r.on_time == 1 {
                    line.on_time += r.n;
                } else if state == Some(ItemState::Closed)
                    || (state == Some(ItemState::Dispatched) && line.to < today)
                {
                    line.late += r.n;
                }
            }
        }
        for m in &mut trend {
            let judged = m.on_time + m.late;
            m.rate =
                (judged > 0).then(|| (m.on_time as f64 * 1000.0 / judged as f64).round() / 10.0);
        }
        debug_assert!(trend.first().is_none_or(|m| m.from == first));
        let named = |map: BTreeMap<String, (i64, i64)>, order: &[&str]| {
            let mut v: Vec<NamedCount> = map
                .into_iter()
                .map(|(name, (n, open))| NamedCount { name, n, open })
                .collect();
            v.sort_by_key(|c| {
                (
                    std::cmp::Reverse(c.n),
                    order.iter().position(|o| *o == c.name),
                )
            });
            v
        };
        let source_order: Vec<&str> = Source::ALL.iter().map(|s| s.as_str()).collect();
        let category_order: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();

        let red_items = red
            .items
            .into_iter()
            .map(|i| RedItem {
                id: i.id,
                number: i.number,
                title: i.title,
                deadline: i.deadline,
                days_over: (today - i.deadline).num_days().max(0),
            })
            .collect();
        Ok(Cockpit {
            root_id,
            root_name: root_unit.map(|u| u.name).unwrap_or_default(),
            root_level,
            today,
            totals,
            levels,
            level,
            units,
            trend,
            sources: named(sources, &source_order),
            categories: named(categories, &category_order),
            red_items,
            stall: stall.units,
            proposals,
        })
    }

    /// The dashboard's parts one after another, each timed (for `ducha bench`: which part
    /// costs what at province scale).
    #[doc(hidden)]
    pub async fn cockpit_parts_for_benchmark(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<(&'static str, std::time::Duration)>> {
        let root = actor.jurisdiction.clone();
        let root_level = i64::try_from(root.depth()).unwrap_or(1);
        let root_id = root.ids().last().map_or(0, |u| u.0);
        let mut out = Vec::new();
        let t = std::time::Instant::now();
        self.store
            .cockpit_lights(&root, root_level + 1, UNITS_SHOWN)
            .await?;
        out.push(("lights", t.elapsed()));
        let t = std::time::Instant::now();
        self.store
            .cockpit_items(actor.visibility_root(), Some(&actor.jurisdiction))
            .await?;
        out.push(("items", t.elapsed()));
        let t = std::time::Instant::now();
        self.list_items(actor, &red_list_input()).await?;
        out.push(("red list", t.elapsed()));
        let t = std::time::Instant::now();
        self.stall_map(actor, &stall_map_input(root_level), now)
            .await?;
        out.push(("stall map", t.elapsed()));
        let t = std::time::Instant::now();
        self.session_progress(actor, root_id, now).await?;
        out.push(("sessions", t.elapsed()));
        Ok(out)
    }

    /// The newest session of each kind registered in the jurisdiction, with its reply figures.
    async fn session_progress(
        &self,
        actor: &Actor,
        root_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<SessionProgress>> {
        let mut sessions = self.store.proposal_sessions(root_id).await?;
        sessions.sort_by(|a, b| b.year.cmp(&a.year).then(b.id.cmp(&a.id)));
        let mut out = Vec::new();
        for kind in ["suggestion", "proposal"] {
            let Some(s) = sessions.iter().find(|s| s.kind == kind) else {
                continue;
            };
            let stats = self.proposal_stats(actor, s.id, now).await?;
            let w = stats.whole;
            out.push(SessionProgress {
                session_id: s.id,
                kind: kind.to_string(),
                name: s.name.clone(),
                total: w.total,
                replied: w.replied,
                on_time_rate: w.on_time_rate,
                satisfied: w.satisfied + w.basic,
                dissatisfied: w.dissatisfied,
            });
        }
        Ok(out)
    }
}
