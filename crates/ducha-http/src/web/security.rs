//! The admins' own pages (三员分立): the audit admin's security log (read only, by day, kind
//! and user, paged), the security admin's page (locked accounts with unlock, live sessions to
//! end, API tokens to revoke, the policies in force), and the admins' workbench, which shows
//! each of them their own work. The use cases decide who may read or do what.

use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::error::AppError;
use crate::extract::{ApiQuery, Id};
use crate::web::form::Fields;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::org::Role;
use ducha_domain::security::{SecurityKind, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS};
use ducha_service::security::{SecurityFilter, SecurityLine, SecurityOverview, SecurityPage};
use ducha_service::{ServiceError, UserView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "security_log.html")]
struct LogPage {
    lang: Lang,
    user: PageUser,
    page: SecurityPage,
    kind: String,
    who: String,
    /// Users to filter by: (id, name).
    users: Vec<(i64, String)>,
}

impl Page for LogPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl LogPage {
    fn kinds(&self) -> Vec<&'static str> {
        SecurityKind::ALL.iter().map(|k| k.as_str()).collect()
    }

    fn text(&self, l: &SecurityLine) -> String {
        format(&l.message, self.lang, &l.args)
    }

    fn rows_label(&self) -> String {
        self.tf(
            "ui.seclog_rows",
            serde_json::json!({ "n": self.page.total }),
        )
    }

    fn next_link(&self) -> Option<String> {
        let before = self.page.next_before?;
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("day", &self.page.day.to_string());
        if !self.kind.is_empty() {
            q.append_pair("kind", &self.kind);
        }
        if !self.who.is_empty() {
            q.append_pair("user", &self.who);
        }
        q.append_pair("before", &before.to_string());
        Some(format!("/security-log?{}", q.finish()))
    }

    fn user_is(&self, id: &i64) -> bool {
        self.who == id.to_string()
    }
}

/// The page's query, as typed: unreadable numbers are ignored.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct LogQuery {
    #[serde(default)]
    day: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    before: String,
}

/// `GET /security-log`: the audit admin's security log.
pub(crate) async fn log_page(
    State(s): State<AppState>,
    user: PageUser,
    ApiQuery(q): ApiQuery<LogQuery>,
) -> Response {
    let f = SecurityFilter {
        day: Some(q.day.clone()),
        kind: Some(q.kind.clone()),
        user: q.user.trim().parse().ok(),
        before: q.before.trim().parse().ok(),
    };
    let page = match s
        .services
        .security_log(&user.actor, &f, ducha_service::now())
        .await
    {
        Ok(p) => p,
        Err(e) => return AppError::from(e).into_response(),
    };
    let users = match s.services.list_users(&user.actor).await {
        Ok(list) => list
            .into_iter()
            .map(|u| (u.id, format!("{} ({})", u.display_name, u.username)))
            .collect(),
        // The audit admin may not list accounts: the filter offers those on the page.
        Err(_) => {
            let mut seen: Vec<(i64, String)> = page
                .rows
                .iter()
                .flat_map(|r| {
                    [
                        r.actor_user.zip(r.actor_name.clone()),
                        r.target_user.zip(r.target_name.clone()),
                    ]
                })
                .flatten()
                .collect();
            seen.sort();
            seen.dedup();
            seen
        }
    };
    render(&LogPage {
        lang: user.lang,
        user,
        page,
        kind: q.kind.trim().to_string(),
        who: q.user.trim().to_string(),
        users,
    })
}

#[derive(Template)]
#[template(path = "security.html")]
struct AdminSecurityPage {
    lang: Lang,
    user: PageUser,
    o: SecurityOverview,
    /// (label key, value) of each policy in force.
    policies: Vec<(&'static str, String)>,
}

impl Page for AdminSecurityPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl AdminSecurityPage {
    fn scope_label(&self, scope: &str, areas: &str) -> String {
        let areas = if areas.is_empty() {
            self.t("token_area.all")
        } else {
            areas
                .split(',')
                .map(|a| self.label("token_area", a))
                .collect::<Vec<_>>()
                .join("、")
        };
        format!("{} · {}", self.label("token_scope", scope), areas)
    }

    fn when(&self, t: &Option<DateTime<Utc>>) -> String {
        t.map_or_else(|| self.t("ui.secadmin_never"), |t| self.local(&t))
    }
}

/// `GET /security`: the security admin's page.
pub(crate) async fn security_page(State(s): State<AppState>, user: PageUser) -> Response {
    let o = match s
        .services
        .security_overview(&user.actor, ducha_service::now())
        .await
    {
        Ok(o) => o,
        Err(e) => return AppError::from(e).into_response(),
    };
    let c = s.services.config.clone();
    let lang = user.lang;
    let tr = |k: &str| t(k, lang).to_string();
    let policies = vec![
        (
            "ui.policy_lockout",
            ducha_domain::i18n::format(
                "ui.policy_lockout_value",
                lang,
                &serde_json::json!({ "n": c.lockout_threshold, "m": c.lockout_minutes }),
            ),
        ),
        (
            "ui.policy_idle",
            ducha_domain::i18n::format(
                "ui.policy_minutes",
                lang,
                &serde_json::json!({ "n": c.session_idle_minutes }),
            ),
        ),
        ("ui.policy_password", tr("ui.policy_password_value")),
        (
            "ui.policy_tokens",
            ducha_domain::i18n::format(
                "ui.policy_tokens_value",
                lang,
                &serde_json::json!({ "d": TOKEN_DEFAULT_DAYS, "m": TOKEN_MAX_DAYS }),
            ),
        ),
        ("ui.policy_retention", tr("ui.policy_retention_value")),
    ];
    render(&AdminSecurityPage {
        lang,
        user,
        o,
        policies,
    })
}

/// The form's fields once its CSRF token is the session's.
fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

/// Back to the page with a toast, or the refusal.
fn done(r: Result<(), ServiceError>, toast: &str) -> Response {
    match r {
        Ok(()) => Redirect::to(&format!("/security?done={toast}")).into_response(),
        Err(e) => AppError::from(e).into_response(),
    }
}

/// `POST /security/users/{id}/unlock`.
pub(crate) async fn unlock(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    if let Err(r) = checked(&user, &body) {
        return *r;
    }
    let r = s
        .services
        .unlock_user(&user.actor, id, ducha_service::now())
        .await;
    done(r, "unlocked")
}

/// `POST /security/sessions/end` with the session's `id` (the hash of its token).
pub(crate) async fn end_session(
    State(s): State<AppState>,
    user: PageUser,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let r = s
        .services
        .end_session(&user.actor, f.get("id"), ducha_service::now())
        .await;
    done(r, "session_ended")
}

/// `POST /security/tokens/{id}/revoke`.
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    if let Err(r) = checked(&user, &body) {
        return *r;
    }
    if !user.actor.has(Role::SecurityAdmin) {
        return AppError::from(ServiceError::Forbidden).into_response();
    }
    let r = s
        .services
        .revoke_token(&user.actor, id, ducha_service::now())
        .await;
    done(r, "token_revoked")
}

/// A form's address opened directly: back to the page.
pub(crate) async fn back() -> Redirect {
    Redirect::to("/security")
}

#[derive(Template)]
#[template(path = "workbench_admin.html")]
struct AdminWorkbench {
    lang: Lang,
    user: PageUser,
    /// Security admin: accounts locked now.
    locked: Vec<UserView>,
    /// Audit admin: today's security log.
    today: Option<SecurityPage>,
}

impl Page for AdminWorkbench {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl AdminWorkbench {
    fn role(&self) -> &'static str {
        if self.user.actor.has(Role::SecurityAdmin) {
            "security"
        } else if self.user.actor.has(Role::AuditAdmin) {
            "audit"
        } else {
            "system"
        }
    }

    fn text(&self, l: &SecurityLine) -> String {
        format(&l.message, self.lang, &l.args)
    }
}

/// The workbench of an admin account: their own work, never business content.
pub(crate) async fn admin_workbench(s: &AppState, user: PageUser) -> Response {
    let now = ducha_service::now();
    let a = &user.actor;
    let locked = if a.has(Role::SecurityAdmin) {
        match s.services.locked_accounts(a, now).await {
            Ok(l) => l,
            Err(e) => return AppError::from(e).into_response(),
        }
    } else {
        Vec::new()
    };
    let today = if a.has(Role::AuditAdmin) {
        match s
            .services
            .security_log(a, &SecurityFilter::default(), now)
            .await
        {
            Ok(p) => Some(p),
            Err(e) => return AppError::from(e).into_response(),
        }
    } else {
        None
    };
    render(&AdminWorkbench {
        lang: user.lang,
        user,
        locked,
        today,
    })
}
