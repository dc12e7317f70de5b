//! The item register page.

use super::{Page, render};
use crate::AppState;
use crate::extract::ApiQuery;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::item::ItemState;
use ducha_domain::light::Light;
use ducha_service::ItemSummary;
use ducha_service::items::ListInput;

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    lang: Lang,
    user: super::clock::PageUser,
    q: String,
    state: String,
    states: Vec<&'static str>,
    light: String,
    lights: Vec<&'static str>,
    items: Vec<ItemSummary>,
    next_cursor: Option<String>,
}

impl ItemsPage {
    fn is_state(&self, s: &str) -> bool {
        self.state == s
    }

    fn is_light(&self, l: &str) -> bool {
        self.light == l
    }
}

impl Page for ItemsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

pub(crate) async fn page(
    State(s): State<AppState>,
    user: super::clock::PageUser,
    ApiQuery(q): ApiQuery<ListInput>,
) -> Response {
    let page = match s.services.list_items(&user.actor, &q).await {
        Ok(p) => p,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    render(&ItemsPage {
        lang: user.lang,
        user,
        q: q.q.unwrap_or_default(),
        state: q.state.unwrap_or_default(),
        states: ItemState::ALL.iter().map(|s| s.as_str()).collect(),
        light: q.light.unwrap_or_default(),
        lights: Light::ALL.iter().map(|l| l.as_str()).collect(),
        items: page.items,
        next_cursor: page.next_cursor,
    })
}
