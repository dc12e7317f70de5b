//! The item register page.

use super::{Page, render};
use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie_value};
use crate::error::request_lang;
use crate::extract::ApiQuery;
use askama::Template;
use axum::extract::{OriginalUri, State};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::item::ItemState;
use ducha_service::ItemSummary;
use ducha_service::items::ListInput;

#[derive(Template)]
#[template(path = "items.html")]
struct ItemsPage {
    lang: Lang,
    user_name: String,
    csrf: String,
    q: String,
    state: String,
    states: Vec<&'static str>,
    items: Vec<ItemSummary>,
    next_cursor: Option<String>,
}

impl ItemsPage {
    fn is_state(&self, s: &str) -> bool {
        self.state == s
    }
}

impl Page for ItemsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

pub(crate) async fn page(
    State(s): State<AppState>,
    OriginalUri(uri): OriginalUri,
    parts: Parts,
    ApiQuery(q): ApiQuery<ListInput>,
) -> Response {
    let lang = request_lang(&parts.headers);
    // Back to the login page, then here; "expired" only when there was a session to expire.
    let login = |expired: bool| {
        let next = uri.path_and_query().map_or("/items", |p| p.as_str());
        let next = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
        let flag = if expired { "expired=1&" } else { "" };
        Redirect::to(&format!("/login?{flag}next={next}")).into_response()
    };
    let Some(token) = cookie_value(&parts, SESSION_COOKIE) else {
        return login(false);
    };
    let Ok((actor, csrf)) = s.services.session_actor(token, ducha_service::now()).await else {
        return login(true);
    };
    let page = match s.services.list_items(&actor, &q).await {
        Ok(p) => p,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let me = s
        .services
        .me(&actor)
        .await
        .map(|m| m.user.display_name)
        .unwrap_or_default();
    render(&ItemsPage {
        lang,
        user_name: me,
        csrf,
        q: q.q.unwrap_or_default(),
        state: q.state.unwrap_or_default(),
        states: ItemState::ALL.iter().map(|s| s.as_str()).collect(),
        items: page.items,
        next_cursor: page.next_cursor,
    })
}
