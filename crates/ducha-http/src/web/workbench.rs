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
use ducha_service::Workbench;

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
    /// The count tiles: (anchor, label key, count, urgent), only the lists that apply.
    fn tiles(&self) -> Vec<(&'static str, &'static str, usize, bool)> {
        let w = &self.w;
        [
            ("to_approve", w.to_approve.len(), true),
            ("to_sign", w.to_sign.len(), true),
            ("returned", w.returned.len(), true),
            ("reports_to_review", w.reports_to_review.len(), true),
            ("extensions_to_decide", w.extensions_to_decide.len(), true),
            ("refusals_to_decide", w.refusals_to_decide.len(), true),
            ("help_to_answer", w.help_to_answer.len(), false),
            ("to_decompose", w.to_decompose.len(), false),
            ("to_report", w.to_report.len(), false),
            ("due_soon", w.due_soon.len(), false),
            ("to_submit", w.to_submit.len(), false),
            ("to_dispatch", w.to_dispatch.len(), true),
            ("red_items", w.red_items.len(), true),
            ("stalled", w.stalled.len(), false),
        ]
        .into_iter()
        .filter(|(_, n, _)| *n > 0)
        .map(|(k, n, hot)| (k, wb_key(k), n, hot))
        .collect()
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
