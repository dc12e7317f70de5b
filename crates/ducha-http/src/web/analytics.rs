//! The chain analytics pages (链条分析): the stall map (梗阻热力图) with its heat map and table,
//! the assignments behind a unit's figures, and the findings list (问题线索); each list also as
//! .xlsx.

mod export;
mod findings;

pub(crate) use export::{findings_xlsx, stall_map_xlsx};
pub(crate) use findings::findings_page;

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ducha_domain::analytics::hops::Hop;
use ducha_domain::i18n::Lang;
use ducha_domain::item::{Category, Source};
use ducha_service::ServiceError;
use ducha_service::analytics::{StallMap, StallMapInput, StallUnit, UnitHops};
use serde::Deserialize;

/// The stall map's filters as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct MapQuery {
    #[serde(default)]
    level: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    unit_id: String,
}

impl MapQuery {
    /// The use case's input, or the field that is not a number.
    pub(crate) fn input(&self, limit: i64) -> Result<StallMapInput, &'static str> {
        let num = |s: &str, field: &'static str| -> Result<Option<i64>, &'static str> {
            let s = s.trim();
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse().map(Some).map_err(|_| field)
            }
        };
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        Ok(StallMapInput {
            unit_id: num(&self.unit_id, "unit_id")?,
            level: num(&self.level, "level")?,
            from: opt(&self.from),
            to: opt(&self.to),
            source: opt(&self.source),
            category: opt(&self.category),
            limit: Some(limit),
        })
    }

    /// The query string of these filters (for the export link).
    pub(crate) fn query(&self) -> String {
        let pairs = [
            ("level", &self.level),
            ("from", &self.from),
            ("to", &self.to),
            ("source", &self.source),
            ("category", &self.category),
            ("unit_id", &self.unit_id),
        ];
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs.iter().filter(|(_, v)| !v.is_empty()))
            .finish()
    }
}

#[derive(Template)]
#[template(path = "analytics_map.html")]
struct MapPage {
    lang: Lang,
    user: PageUser,
    q: MapQuery,
    map: Option<StallMap>,
    errors: Vec<(String, String)>,
    levels: Vec<i64>,
    sources: Vec<&'static str>,
    categories: Vec<&'static str>,
}

impl Page for MapPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl MapPage {
    fn err(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn sel(&self, value: &str, current: &str) -> &'static str {
        if value == current { "selected" } else { "" }
    }

    fn cell<'a>(
        &self,
        u: &'a StallUnit,
        hop: &Hop,
    ) -> Option<&'a ducha_service::analytics::StallCellView> {
        u.cells.iter().find(|c| c.hop == *hop)
    }

    /// The heat class of an average (working days).
    fn heat(&self, avg: &f64) -> &'static str {
        match *avg {
            a if a < 1.0 => "heat-0",
            a if a < 3.0 => "heat-1",
            a if a < 5.0 => "heat-2",
            a if a < 10.0 => "heat-3",
            a if a < 20.0 => "heat-4",
            _ => "heat-5",
        }
    }

    /// The heat map's height: a row per unit shown in it.
    fn chart_height(&self) -> usize {
        let n = self
            .map
            .as_ref()
            .map_or(0, |m| m.units.len().min(CHART_UNITS));
        110 + 24 * n
    }

    fn level_label(&self, l: &i64) -> String {
        self.tn("ui.level_n", l)
    }

    /// The heat map's data for the chart script: hop labels, unit names, `[x, y, avg]`.
    fn heatmap(&self) -> String {
        let Some(map) = &self.map else {
            return String::new();
        };
        let hops: Vec<String> = map
            .hops
            .iter()
            .map(|h| self.label("hop", h.as_str()))
            .collect();
        let shown = &map.units[..map.units.len().min(CHART_UNITS)];
        let units: Vec<&str> = shown.iter().map(|u| u.unit_name.as_str()).collect();
        let ids: Vec<i64> = shown.iter().map(|u| u.unit_id).collect();
        let mut data = Vec::new();
        for (y, u) in shown.iter().enumerate() {
            for (x, h) in map.hops.iter().enumerate() {
                let v = if *h == Hop::Lost {
                    Some(u.lost_days as f64)
                } else if *h == Hop::Sign && u.unsigned > 0 {
                    let done = u
                        .cells
                        .iter()
                        .find(|c| c.hop == Hop::Sign)
                        .map_or(0.0, |c| c.avg);
                    Some(done.max(u.unsigned_days as f64))
                } else {
                    u.cells.iter().find(|c| c.hop == *h).map(|c| c.avg)
                };
                if let Some(v) = v {
                    data.push(serde_json::json!([x, y, v]));
                }
            }
        }
        serde_json::json!({ "hops": hops, "units": units, "ids": ids, "data": data,
            "unit": self.t("ui.working_days_short") })
        .to_string()
    }
}

/// Units the heat map shows (the table below shows every unit of the page).
const CHART_UNITS: usize = 25;

const SOURCES: [&str; 9] = [
    "meeting",
    "instruction",
    "key_work",
    "major_project",
    "npc_suggestion",
    "cppcc_proposal",
    "citizen_appeal",
    "superior_assignment",
    "inspection_finding",
];
const CATEGORIES: [&str; 3] = ["central_work", "livelihood", "san_zui"];

/// `GET /analytics/stall-map` (and `/analytics`).
pub(crate) async fn stall_map(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<MapQuery>,
) -> Response {
    let lang = user.lang;
    let root = user.actor.visibility_root().depth() as i64;
    let mut page = MapPage {
        lang,
        user,
        q: q.clone(),
        map: None,
        errors: vec![],
        levels: (root..root + 4).collect(),
        sources: SOURCES.to_vec(),
        categories: CATEGORIES.to_vec(),
    };
    // Source and category names are checked by the use case; keep the lists the same.
    debug_assert!(Source::ALL.len() == SOURCES.len() && Category::ALL.len() == CATEGORIES.len());
    let input = match q.input(60) {
        Ok(i) => i,
        Err(field) => {
            page.errors
                .push((field.into(), page.t("validation.invalid_value")));
            return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
        }
    };
    match s
        .services
        .stall_map(&page.user.actor, &input, ducha_service::now())
        .await
    {
        Ok(m) => {
            page.map = Some(m);
            render(&page)
        }
        Err(ServiceError::Invalid(v)) => {
            page.errors =
                v.0.iter()
                    .map(|f| (f.field.clone(), page.t(f.key)))
                    .collect();
            (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "analytics_unit.html")]
struct UnitPage {
    lang: Lang,
    user: PageUser,
    u: UnitHops,
}

impl Page for UnitPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl UnitPage {
    fn opt(&self, v: &Option<i64>) -> String {
        v.map_or_else(|| "—".to_string(), |d| d.to_string())
    }

    fn sum(&self, v: &i64) -> String {
        if *v == 0 {
            "—".to_string()
        } else {
            v.to_string()
        }
    }
}

/// `GET /analytics/units/{id}`: the assignments behind a unit's figures.
pub(crate) async fn unit_page(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match s
        .services
        .stall_unit(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(u) => render(&UnitPage {
            lang: user.lang,
            user,
            u,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
