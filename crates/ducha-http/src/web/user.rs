//! The signed-in user of a page: who they are, their unit, their unread count, the language, the
//! toast a previous action left, and which section of the sidebar is current.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, cookie_value};
use crate::error::request_lang;
use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::{Lang, catalogue_key};
use ducha_domain::org::{Actor, Role};

/// The signed-in user of a page, or the redirect to the login page.
pub(crate) struct PageUser {
    pub actor: Actor,
    pub csrf: String,
    pub name: String,
    /// Position (职务), e.g. 市长; empty for most.
    pub position: String,
    pub unit_name: String,
    pub unread: i64,
    pub lang: Lang,
    /// The request path, for the sidebar.
    pub path: String,
    /// The message key of the toast to show (`?done=signed` → `toast.signed`).
    pub toast: Option<&'static str>,
}

/// Resolves the session of a page request; sends anyone else to log in and come back.
impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, Response> {
        let lang = request_lang(&parts.headers);
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0)
            .clone();
        // A form posted after the session ended returns to the page it was on: its own
        // address only takes POSTs.
        let from = if parts.method == Method::GET || parts.method == Method::HEAD {
            None
        } else {
            parts
                .headers
                .get(header::REFERER)
                .and_then(|r| r.to_str().ok())
                .and_then(|r| r.split_once("://"))
                .and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_string()))
        };
        let login = |expired: bool| {
            let next = match &from {
                Some(page) => page.as_str(),
                None if parts.method == Method::GET => {
                    uri.path_and_query().map_or("/workbench", |p| p.as_str())
                }
                None => "/workbench",
            };
            let next = form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>();
            let flag = if expired { "expired=1&" } else { "" };
            Redirect::to(&format!("/login?{flag}next={next}")).into_response()
        };
        let Some(token) = cookie_value(parts, SESSION_COOKIE) else {
            return Err(login(false));
        };
        let Ok((actor, csrf)) = s.services.session_actor(token, ducha_service::now()).await else {
            return Err(login(true));
        };
        let (name, position, unit_name) = s
            .services
            .me(&actor)
            .await
            .map(|m| (m.user.display_name, m.user.position, m.unit.name))
            .unwrap_or_default();
        let unread = s.services.unread_count(&actor).await.unwrap_or(0);
        let toast = uri.query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "done")
                .and_then(|(_, v)| catalogue_key(&format!("toast.{v}")))
        });
        Ok(PageUser {
            actor,
            csrf,
            name,
            position,
            unit_name,
            unread,
            lang,
            path: uri.path().to_string(),
            toast,
        })
    }
}

impl PageUser {
    /// The workbench's greeting: "您好，林志远市长" for someone with a position (its short form:
    /// 副市长（城建、交通、应急） greets as 副市长), "您好，王芳" otherwise.
    pub(crate) fn greeting(&self) -> String {
        let short = self.position.split(['（', '(']).next().unwrap_or("").trim();
        let key = if short.is_empty() {
            "wb.hello"
        } else {
            "wb.hello_position"
        };
        ducha_domain::i18n::format(
            key,
            self.lang,
            &serde_json::json!({ "name": self.name, "position": short }),
        )
    }

    /// The refusal of a form whose CSRF token is not the session's.
    pub(crate) fn refuse_csrf(&self, token: &str) -> Option<Response> {
        (self.csrf != token).then(|| crate::AppError::Csrf.into_response())
    }

    /// Registers and dispatches items.
    pub(crate) fn is_supervisor(&self) -> bool {
        self.actor.has(Role::Supervisor)
    }

    /// Reads the chain analytics of its jurisdiction or unit (everyone but the admins).
    pub(crate) fn sees_analytics(&self) -> bool {
        !self.actor.roles.iter().all(|r| r.is_admin())
    }

    /// Reads the assessment's ranking (supervisors and leaders; units open their own card).
    pub(crate) fn reads_scores(&self) -> bool {
        self.actor.has(Role::Supervisor) || self.actor.has(Role::Leader)
    }

    /// Reads the jurisdiction's joint meetings and inspection register (supervisors, leaders
    /// and the member bodies of the leading group).
    pub(crate) fn oversees(&self) -> bool {
        self.actor.oversees()
    }

    /// Manages units and users.
    pub(crate) fn is_admin(&self) -> bool {
        self.actor.has(Role::SystemAdmin) || self.actor.has(Role::SecurityAdmin)
    }

    /// An admin account (system, security or audit): no business pages in its sidebar.
    pub(crate) fn admin_only(&self) -> bool {
        !self.actor.roles.is_empty() && self.actor.roles.iter().all(|r| r.is_admin())
    }

    /// Whether the user holds `role` (by its name), for the sidebar's admin entries.
    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.actor.roles.iter().any(|r| r.as_str() == role)
    }

    /// `on` for the sidebar entry of the current section.
    pub(crate) fn nav(&self, section: &str) -> &'static str {
        let p = self.path.as_str();
        let current = match section {
            "new" => p == "/items/new",
            "items" => (p == "/items" || p.starts_with("/items/")) && p != "/items/new",
            "workbench" => p == "/workbench" || p == "/" || p.starts_with("/workbench/"),
            "security" => p == "/security" || p.starts_with("/security/"),
            other => p
                .strip_prefix('/')
                .is_some_and(|rest| rest.starts_with(other)),
        };
        if current { "on" } else { "" }
    }
}
