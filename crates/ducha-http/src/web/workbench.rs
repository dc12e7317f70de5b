//! The workbench (工作台): what is waiting for the signed-in user, by role — drafts and
//! dispatches and red items for the supervision office, approvals and lights by unit for
//! leaders, signing, handing down, reporting and decisions for the units.

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::Lang;
use ducha_service::{WorkTotal, Workbench};

/// Units shown in the workbench's lights table.
const TOP_UNITS: usize = 12;

#[derive(Template)]
#[template(path = "workbench.html")]
struct WorkbenchPage {
    lang: Lang,
    user: PageUser,
    w: Workbench,
}

impl Page for WorkbenchPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl WorkbenchPage {
    /// The count tiles: (anchor, label key, total as shown, urgent), only the lists that hold
    /// something.
    fn tiles(&self) -> Vec<(&'static str, &'static str, String, bool)> {
        [
            ("to_approve", true),
            ("to_sign", true),
            ("overdue", true),
            ("returned", true),
            ("reports_to_review", true),
            ("progress_to_review", false),
            ("extensions_to_decide", true),
            ("refusals_to_decide", true),
            ("help_to_answer", false),
            ("to_decompose", false),
            ("to_report", false),
            ("due_soon", false),
            ("to_submit", false),
            ("to_dispatch", true),
            ("red_items", true),
            ("stalled", false),
        ]
        .into_iter()
        .filter(|(k, _)| self.total(k).count > 0)
        .map(|(k, hot)| (k, wb_key(k), self.count(k), hot))
        .collect()
    }

    fn total(&self, list: &str) -> WorkTotal {
        self.w.totals.get(list).copied().unwrap_or_default()
    }

    /// A list's total as its badge shows it: `57`, or `1000+` where counting stopped.
    fn count(&self, list: &str) -> String {
        let t = self.total(list);
        if t.at_least {
            format!("{}+", t.count)
        } else {
            t.count.to_string()
        }
    }

    /// Whether a list holds more than the `shown` rows.
    fn more(&self, list: &str, shown: &usize) -> bool {
        let t = self.total(list);
        t.at_least || t.count > i64::try_from(*shown).unwrap_or(i64::MAX)
    }

    /// "Showing the first 20 of 57".
    fn shown_of(&self, list: &str, shown: &usize) -> String {
        let t = self.total(list);
        let key = if t.at_least {
            "wb.shown_of_at_least"
        } else {
            "wb.shown_of"
        };
        self.tf(key, serde_json::json!({ "shown": shown, "n": t.count }))
    }

    /// Where the whole of a list is shown.
    fn all_href(&self, list: &str) -> String {
        super::work_list::all_href(list)
    }

    fn all_clear(&self) -> bool {
        self.tiles().is_empty()
    }

    fn oversees(&self) -> bool {
        !self.w.unit_lights.is_empty()
    }

    /// The units with the most red, then yellow, lights: where attention is due first.
    fn top_units(&self) -> Vec<&ducha_service::clock::UnitLights> {
        let mut v: Vec<_> = self.w.unit_lights.iter().collect();
        v.sort_by_key(|u| {
            (
                std::cmp::Reverse(u.red),
                std::cmp::Reverse(u.yellow),
                u.unit_id,
            )
        });
        v.truncate(TOP_UNITS);
        v
    }
}

fn wb_key(k: &str) -> &'static str {
    ducha_domain::i18n::catalogue_key(&format!("wb.{k}")).unwrap_or("wb.empty_list")
}

/// `GET /workbench`.
pub(crate) async fn page(State(s): State<AppState>, user: PageUser) -> Response {
    // The three admins see their own work, never business content (三员分立).
    if user.admin_only() {
        return super::security::admin_workbench(&s, user).await;
    }
    match s
        .services
        .workbench(&user.actor, ducha_service::now())
        .await
    {
        Ok(w) => render(&WorkbenchPage {
            lang: user.lang,
            user,
            w,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
