//! The leader's dashboard (驾驶舱) at `/cockpit`, and its wall-screen mode (`?wall=1`: dark,
//! large, no navigation, its data fetched again every `refresh` seconds without reloading the
//! page). The page is a frame: `cockpit.js` draws every chart and its data table from the one
//! JSON answer of `/api/v1/cockpit`.

use super::user::PageUser;
use super::{Page, error_page, render};
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::Response;
use ducha_domain::i18n::{Lang, t};
use ducha_domain::item::{Category, Source};
use ducha_domain::light::Light;
use ducha_domain::org::Role;
use serde::Deserialize;

/// Seconds between refreshes of the wall screen, by default and at least.
const REFRESH: u32 = 60;
const REFRESH_MIN: u32 = 2;

/// The page's query.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CockpitQuery {
    #[serde(default)]
    wall: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    refresh: String,
}

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    lang: Lang,
    user: PageUser,
    api: String,
    words: String,
    wall_href: String,
}

#[derive(Template)]
#[template(path = "cockpit_wall.html")]
struct WallPage {
    lang: Lang,
    api: String,
    words: String,
    refresh: u32,
}

impl Page for CockpitPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl CockpitPage {
    /// The desktop page does not refresh itself.
    fn refresh_seconds(&self) -> u32 {
        0
    }
}

impl WallPage {
    fn refresh_seconds(&self) -> u32 {
        self.refresh
    }
}

impl Page for WallPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// The words the script writes, in the page's language.
fn words(lang: Lang) -> String {
    let mut m = serde_json::Map::new();
    let mut put = |k: String| {
        m.insert(k.clone(), t(&k, lang).into());
    };
    for l in Light::ALL {
        put(format!("light.{}", l.as_str()));
    }
    for s in Source::ALL {
        put(format!("source.{}", s.as_str()));
    }
    for c in Category::ALL {
        put(format!("category.{}", c.as_str()));
    }
    for k in SCRIPT_KEYS {
        put((*k).to_string());
    }
    serde_json::Value::Object(m).to_string()
}

/// Keys `cockpit.js` reads from the words.
const SCRIPT_KEYS: &[&str] = &[
    "cockpit.unit",
    "cockpit.level",
    "cockpit.level_n",
    "cockpit.units_at_level",
    "cockpit.total",
    "cockpit.month",
    "cockpit.due",
    "cockpit.on_time",
    "cockpit.late",
    "cockpit.rate",
    "cockpit.items",
    "cockpit.open",
    "cockpit.source",
    "cockpit.category",
    "cockpit.number",
    "cockpit.title_col",
    "cockpit.deadline",
    "cockpit.days_over",
    "cockpit.lost_days",
    "cockpit.unsigned",
    "cockpit.session",
    "cockpit.registered",
    "cockpit.replied",
    "cockpit.satisfied",
    "cockpit.dissatisfied",
    "cockpit.none",
    "cockpit.updated",
    "cockpit.failed",
    "cockpit.kind.suggestion",
    "cockpit.kind.proposal",
];

/// `GET /cockpit`: leaders and supervisors.
pub(crate) async fn page(user: PageUser, Query(q): Query<CockpitQuery>) -> Response {
    let lang = user.lang;
    if !(user.actor.has(Role::Leader) || user.actor.has(Role::Supervisor)) {
        return error_page(lang, StatusCode::FORBIDDEN, "error.forbidden", None);
    }
    let level: Option<i64> = q.level.trim().parse().ok();
    let api = match level {
        Some(l) => format!("/api/v1/cockpit?level={l}"),
        None => "/api/v1/cockpit".to_string(),
    };
    if !q.wall.is_empty() && q.wall != "0" {
        let refresh = q
            .refresh
            .trim()
            .parse()
            .unwrap_or(REFRESH)
            .clamp(REFRESH_MIN, 3600);
        return render(&WallPage {
            lang,
            api,
            words: words(lang),
            refresh,
        });
    }
    render(&CockpitPage {
        lang,
        user,
        api,
        words: words(lang),
        wall_href: match level {
            Some(l) => format!("/cockpit?wall=1&level={l}"),
            None => "/cockpit?wall=1".into(),
        },
    })
}
