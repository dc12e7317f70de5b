//! The office's hot-issue pages (热点诉求): the jurisdiction's hot issues by size with their
//! weekly trend and places, a hot issue with its appeals, and the two forms that link it to an
//! item (a new public 三最 item prefilled from it, or an existing item).

use super::form::{Errs, Fields};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::hot::{HotIssueDetail, HotIssueView, HotItemInput, HotMergeInput, HotPlace};

#[derive(Template)]
#[template(path = "appeals_hot.html")]
struct ListPage {
    lang: Lang,
    user: PageUser,
    issues: Vec<HotIssueView>,
}

impl Page for ListPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ListPage {
    fn spark(&self, h: &HotIssueView) -> String {
        spark(h)
    }
    fn weeks_label(&self, h: &HotIssueView) -> String {
        weeks_label(h)
    }
    fn short(&self, s: &str) -> String {
        short(s, 80)
    }
}

/// The weekly trend as a row of block characters (no chart library, no inline style).
fn spark(h: &HotIssueView) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    h.weeks
        .iter()
        .map(|w| {
            if w.count == 0 {
                '·'
            } else {
                BARS[((w.percent.saturating_sub(1)) * 8 / 100).min(7) as usize]
            }
        })
        .collect()
}

/// The trend's counts for a screen reader, oldest week first.
fn weeks_label(h: &HotIssueView) -> String {
    h.weeks
        .iter()
        .map(|w| w.count.to_string())
        .collect::<Vec<_>>()
        .join(" / ")
}

fn short(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

/// `GET /appeals/hot`.
pub(crate) async fn list(State(s): State<AppState>, user: PageUser) -> Response {
    match s
        .services
        .hot_issues(&user.actor, ducha_service::now())
        .await
    {
        Ok(issues) => render(&ListPage {
            lang: user.lang,
            user,
            issues,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "appeals_hot_issue.html")]
struct DetailPage {
    lang: Lang,
    user: PageUser,
    d: HotIssueDetail,
    title: String,
    description: String,
    deadline: String,
    item_id: String,
    errs: Errs,
}

impl Page for DetailPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl DetailPage {
    fn fill(&self, key: &str, args: serde_json::Value) -> String {
        ducha_domain::i18n::format(key, self.lang, &args)
    }
    fn issue_title(&self, h: &HotIssueView) -> String {
        self.fill("hot.issue_title", serde_json::json!({ "id": h.id }))
    }
    fn heading(&self, h: &HotIssueView) -> String {
        let category = self.label("appeal_category", h.category.as_str());
        self.fill(
            "hot.heading",
            serde_json::json!({ "category": category, "place": h.scope_unit, "n": h.count }),
        )
    }
    fn place_line(&self, p: &HotPlace) -> String {
        self.fill(
            "hot.place_count",
            serde_json::json!({ "name": p.name, "n": p.count }),
        )
    }
    fn satisfaction_line(&self, h: &HotIssueView) -> String {
        let c = &h.satisfaction;
        self.fill(
            "hot.satisfaction_line",
            serde_json::json!({ "satisfied": c.satisfied, "basic": c.basic,
                "dissatisfied": c.dissatisfied }),
        )
    }
    fn spark(&self, h: &HotIssueView) -> String {
        spark(h)
    }
    fn weeks_label(&self, h: &HotIssueView) -> String {
        weeks_label(h)
    }
    fn short(&self, s: &str) -> String {
        short(s, 80)
    }
}

/// What the forms were sent with, to show them again.
#[derive(Default)]
struct Sent {
    title: Option<String>,
    description: Option<String>,
    deadline: String,
    item_id: String,
}

async fn detail_page(s: &AppState, user: PageUser, id: i64, sent: Sent, errs: Errs) -> Response {
    let status = if errs.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    match s
        .services
        .hot_issue_detail(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(d) => {
            let page = DetailPage {
                lang: user.lang,
                title: sent.title.unwrap_or_else(|| d.proposed_title.clone()),
                description: sent
                    .description
                    .unwrap_or_else(|| d.proposed_description.clone()),
                deadline: sent.deadline,
                item_id: sent.item_id,
                user,
                d,
                errs,
            };
            (status, render(&page)).into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /appeals/hot/{id}`.
pub(crate) async fn detail(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    detail_page(&s, user, id, Sent::default(), Errs::default()).await
}

/// `POST /appeals/hot/{id}/item`: makes a public 三最 item of the hot issue; on to the item's
/// page, where it is submitted, approved and dispatched as any item.
pub(crate) async fn to_item(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let lang = user.lang;
    let sent = Sent {
        title: Some(f.get("title").to_string()),
        description: Some(f.get("description").to_string()),
        deadline: f.get("deadline").to_string(),
        item_id: String::new(),
    };
    let mut errs = Errs::default();
    let deadline = match f.get("deadline").trim() {
        "" => None,
        d => match d.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                errs.add("deadline", "validation.invalid_value", lang);
                None
            }
        },
    };
    if errs.any() {
        return detail_page(&s, user, id, sent, errs).await;
    }
    let input = HotItemInput {
        title: f.get("title").to_string(),
        description: f.get("description").to_string(),
        deadline,
        deadline_working_days: None,
    };
    match s
        .services
        .hot_to_item(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(c) => Redirect::to(&format!("/items/{}?done=hot_turned", c.id)).into_response(),
        Err(ServiceError::Invalid(v)) => {
            detail_page(&s, user, id, sent, Errs::from_validation(&v, lang)).await
        }
        Err(ServiceError::Rule(r)) => {
            detail_page(&s, user, id, sent, Errs::general(r.key(), lang)).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `POST /appeals/hot/{id}/merge`: merges the hot issue into an existing item.
pub(crate) async fn merge(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let lang = user.lang;
    let sent = Sent {
        item_id: f.get("item_id").to_string(),
        ..Sent::default()
    };
    let Ok(item_id) = f
        .get("item_id")
        .trim()
        .trim_start_matches('#')
        .parse::<i64>()
    else {
        let mut errs = Errs::default();
        errs.add("item_id", "hot.unknown_item", lang);
        return detail_page(&s, user, id, sent, errs).await;
    };
    match s
        .services
        .hot_merge(
            &user.actor,
            id,
            &HotMergeInput { item_id },
            ducha_service::now(),
        )
        .await
    {
        Ok(_) => Redirect::to(&format!("/appeals/hot/{id}?done=hot_merged")).into_response(),
        Err(ServiceError::Invalid(v)) => {
            detail_page(&s, user, id, sent, Errs::from_validation(&v, lang)).await
        }
        Err(ServiceError::Rule(r)) => {
            detail_page(&s, user, id, sent, Errs::general(r.key(), lang)).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
