//! The whole of one workbench list (`/workbench/{list}`), page by page: where the workbench's
//! "see all" leads for the lists the register cannot express (a unit's work to sign, stalled
//! work, decisions owed …).

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::Lang;
use ducha_service::{
    ItemSummary, ServiceError, WorkAssignment, WorkListInput, WorkListName, WorkListPage,
    WorkReport, WorkRequest, WorkRows,
};

/// Where the whole of a workbench list is shown: the register, filtered, for the item lists it
/// can express; the list's own page for the rest.
pub(crate) fn all_href(list: &str) -> String {
    match list {
        "to_submit" => "/items?state=draft&sort=deadline".into(),
        "to_dispatch" => "/items?state=approved&sort=deadline".into(),
        "red_items" => "/items?state=dispatched&light=red&sort=deadline".into(),
        other => format!("/workbench/{other}"),
    }
}

#[derive(Template)]
#[template(path = "work_list.html")]
struct WorkListView {
    lang: Lang,
    user: PageUser,
    page: WorkListPage,
    /// Whether this is a later page (a link back to the first is shown).
    later: bool,
}

impl Page for WorkListView {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl WorkListView {
    fn name(&self) -> String {
        self.t(&format!("wb.{}", self.page.list.as_str()))
    }

    /// "57 items", or "1000 or more".
    fn total(&self) -> String {
        let t = self.page.total;
        let key = if t.at_least {
            "wb.total_at_least"
        } else {
            "ui.count_all"
        };
        self.tf(key, serde_json::json!({ "n": t.count }))
    }

    fn first_href(&self) -> String {
        format!("/workbench/{}", self.page.list.as_str())
    }

    fn next_href(&self) -> Option<String> {
        let next = self.page.next_cursor.as_deref()?;
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("after", next)
            .finish();
        Some(format!("/workbench/{}?{q}", self.page.list.as_str()))
    }

    fn items(&self) -> &[ItemSummary] {
        match &self.page.rows {
            WorkRows::Items(v) => v,
            _ => &[],
        }
    }

    fn assignments(&self) -> &[WorkAssignment] {
        match &self.page.rows {
            WorkRows::Assignments(v) => v,
            _ => &[],
        }
    }

    fn reports(&self) -> &[WorkReport] {
        match &self.page.rows {
            WorkRows::Reports(v) => v,
            _ => &[],
        }
    }

    fn requests(&self) -> &[WorkRequest] {
        match &self.page.rows {
            WorkRows::Requests(v) => v,
            _ => &[],
        }
    }
}

/// `GET /workbench/{list}?after=`.
pub(crate) async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Path(list): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let Ok(list) = list.parse::<WorkListName>() else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let after = form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty());
    let later = after.is_some();
    let input = WorkListInput { after, limit: None };
    match s
        .services
        .work_list(&user.actor, list, &input, ducha_service::now())
        .await
    {
        Ok(page) => render(&WorkListView {
            lang: user.lang,
            user,
            page,
            later,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
