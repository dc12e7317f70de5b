//! Server-rendered pages (askama templates, htmx for partial updates, assets compiled in).
//! Every page but the login page is wrapped in `shell.html`: sidebar, top bar, toast.

mod account;
mod admin;
mod analytics;
mod appeals;
mod assessment;
mod bulletins;
mod clock;
mod cockpit;
mod dispatch;
mod evidence;
mod form;
mod hot;
mod item;
mod item_form;
mod items;
mod joint;
mod ledger;
mod login;
mod login_step;
pub(crate) mod proposals;
mod public;
mod report;
mod security;
mod shares;
mod upload;
mod user;
mod work_list;
mod work_list_export;
mod workbench;
mod xlsx;

use crate::AppState;
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use ducha_domain::i18n::{Lang, t};

/// Page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/workbench") }))
        .route("/workbench", get(workbench::page))
        .route("/workbench/{list}", get(work_list::page))
        .route(
            "/workbench/{list}/export.xlsx",
            get(work_list_export::export),
        )
        .route(
            "/items/new",
            get(item_form::new_item).post(item_form::create),
        )
        .route(
            "/items/{id}/edit",
            get(item_form::edit_item).post(item_form::update),
        )
        .route(
            "/items/{id}/dispatch",
            get(dispatch::dispatch_page).post(dispatch::dispatch),
        )
        .route(
            "/items/{id}/{step}",
            get(item::item_step_page).post(item::item_step),
        )
        .route(
            "/assignments/{id}/decompose",
            get(dispatch::decompose_page).post(dispatch::decompose),
        )
        .route(
            "/assignments/{id}/report",
            get(item::action_page)
                .post(report::report)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route(
            "/assignments/{id}/{step}",
            get(item::action_page).post(item::assignment_step),
        )
        .route(
            "/reports/{id}/review",
            get(item::action_page).post(item::review),
        )
        .route(
            "/extensions/{id}/decide",
            get(item::action_page).post(item::decide_extension),
        )
        .route("/extensions/{id}/form.docx", get(bulletins::extension_form))
        .route(
            "/refusals/{id}/decide",
            get(item::action_page).post(item::decide_refusal),
        )
        .route(
            "/help/{id}/answer",
            get(item::action_page).post(item::answer_help),
        )
        .route("/login", get(login::page).post(login::submit))
        .route(
            "/login/step",
            get(login_step::page).post(login_step::submit),
        )
        .route("/logout", post(login::logout))
        .route("/account/security", get(account::page))
        .route("/account/security/start", post(account::start))
        .route("/account/security/confirm", post(account::confirm))
        .route("/account/security/disable", post(account::disable))
        .route("/account/lang", post(account::set_lang))
        .route("/items", get(items::page))
        // A static segment: axum matches it before `/items/{id}`.
        .route("/items/export.xlsx", get(items::export))
        .route("/items/ledger.xlsx", get(ledger::full))
        .route(
            "/items/import",
            get(ledger::page)
                .post(ledger::import)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/items/import/template", get(ledger::template))
        .route("/items/import/jobs/{id}", get(ledger::job_page))
        .route(
            "/items/import/jobs/{id}/report.xlsx",
            get(ledger::report_xlsx),
        )
        .route("/items/{id}", get(item::page))
        .route("/inbox", get(clock::inbox))
        .route("/inbox/read", post(clock::read_all))
        .route("/notices/{id}", get(clock::notice))
        .route("/notices/{id}/acknowledge", post(clock::acknowledge))
        .route("/calendar", get(clock::calendar).post(clock::load_calendar))
        .route("/admin", get(admin::page))
        .route("/admin/units", get(admin::back).post(admin::add_unit))
        .route("/admin/users", get(admin::back).post(admin::add_user))
        .route(
            "/admin/users/{id}/password",
            get(admin::back).post(admin::reset_password),
        )
        .route(
            "/admin/users/{id}/position",
            get(admin::back).post(admin::set_position),
        )
        .route(
            "/admin/users/{id}/unlock",
            get(admin::back).post(admin::unlock),
        )
        .route(
            "/admin/users/{id}/active",
            get(admin::back).post(admin::set_active),
        )
        .route("/security-log", get(security::log_page))
        .route("/security", get(security::security_page))
        .route(
            "/security/users/{id}/unlock",
            get(security::back).post(security::unlock),
        )
        .route(
            "/security/sessions/end",
            get(security::back).post(security::end_session),
        )
        .route(
            "/security/tokens/{id}/revoke",
            get(security::back).post(security::revoke_token),
        )
        .route("/assessment", get(assessment::board))
        .route("/assessment/export.xlsx", get(assessment::scores_xlsx))
        .route(
            "/assessment/finalize",
            get(assessment::board).post(assessment::finalize),
        )
        .route("/assessment/units/{id}", get(assessment::card))
        .route(
            "/assessment/units/{id}/appeal",
            // The form reads its own limit (see `upload`).
            get(assessment::card)
                .post(assessment::appeal)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/assessment/appeals", get(assessment::appeals))
        .route(
            "/assessment/appeals/{id}/decide",
            get(assessment::appeals).post(assessment::decide),
        )
        .route("/assessment/cadres", get(assessment::cadres))
        .route("/joint", get(joint::overview))
        .route("/joint/seats", get(joint::overview).post(joint::seat))
        .route(
            "/joint/meetings",
            get(joint::overview).post(joint::schedule),
        )
        .route("/joint/meetings/{id}", get(joint::meeting))
        .route(
            "/joint/meetings/{id}/agenda",
            get(joint::meeting).post(joint::edit_agenda),
        )
        .route(
            "/joint/meetings/{id}/hold",
            get(joint::meeting).post(joint::hold),
        )
        .route(
            "/joint/meetings/{id}/decisions",
            get(joint::meeting).post(joint::decision),
        )
        .route("/joint/meetings/{id}/pack", get(joint::pack))
        .route("/joint/meetings/{id}/minutes.docx", get(joint::minutes))
        .route(
            "/joint/inspections",
            get(joint::inspections).post(joint::file),
        )
        .route("/joint/inspections/new", get(joint::new_plan))
        .route("/joint/inspections/{id}", get(joint::inspection))
        .route(
            "/joint/inspections/{id}/decide",
            get(joint::inspection).post(joint::decide_inspection),
        )
        .route(
            "/joint/inspections/{id}/findings",
            get(joint::inspection).post(joint::findings),
        )
        .route(
            "/joint/inspections/{id}/withdraw",
            get(joint::inspection).post(joint::withdraw),
        )
        .route("/joint/overlaps/{id}/answer", post(joint::answer))
        .merge(proposals_routes())
        .route("/bulletins", get(bulletins::list).post(bulletins::draft))
        .route("/bulletins/{id}", get(bulletins::show))
        .route("/bulletins/{id}/bulletin.docx", get(bulletins::docx))
        .route("/bulletins/{id}/bulletin.pdf", get(bulletins::pdf))
        .route("/bulletins/{id}/{action}", post(bulletins::act))
        .route("/notices/{id}/notice.docx", get(bulletins::notice_docx))
        .merge(appeals_routes())
        .route("/cockpit", get(cockpit::page))
        .route("/static/cockpit.js", get(cockpit_js))
        .route("/analytics", get(analytics::stall_map))
        .route("/analytics/stall-map", get(analytics::stall_map))
        .route(
            "/analytics/stall-map/export.xlsx",
            get(analytics::stall_map_xlsx),
        )
        .route("/analytics/units/{id}", get(analytics::unit_page))
        .route("/analytics/findings", get(analytics::findings_page))
        .route(
            "/analytics/findings/export.xlsx",
            get(analytics::findings_xlsx),
        )
        .route("/evidence/{id}", get(evidence::file))
        .route("/evidence/{id}/thumb", get(evidence::thumb))
        .route("/lang/{tag}", get(set_lang))
        .route("/static/app.css", get(css))
        .route("/static/app.js", get(app_js))
        .route("/static/htmx.min.js", get(htmx_js))
        .route("/static/charts.js", get(charts_js))
        .route("/static/echarts.min.js", get(echarts_js))
}

/// The public pages (no login) and the staff's appeals pages.
fn appeals_routes() -> Router<AppState> {
    Router::new()
        .route("/public", get(public::index))
        .route("/public/items/{id}", get(public::item))
        // The form reads its own limit (the photo's).
        .route(
            "/public/appeal",
            get(public::appeal_form)
                .post(public::submit)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/public/track", get(public::track_form))
        .route("/public/track/{code}", get(public::track))
        .route("/public/track/{code}/rate", post(public::rate))
        .route("/appeals", get(appeals::list))
        .route("/appeals/hot", get(hot::list))
        .route("/appeals/hot/{id}", get(hot::detail))
        .route("/appeals/hot/{id}/item", post(hot::to_item))
        .route("/appeals/hot/{id}/merge", post(hot::merge))
        // A static segment: axum matches it before `/appeals/{id}`.
        .route(
            "/appeals/import",
            get(appeals::import_page)
                .post(appeals::import)
                .layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/appeals/mapping", post(appeals::save_mapping))
        .route("/appeals/{id}", get(appeals::detail))
        .route("/appeals/{id}/original", post(appeals::original))
        .route("/appeals/{id}/photo", get(appeals::photo))
}

/// The pages of suggestions and proposals.
fn proposals_routes() -> Router<AppState> {
    use proposals as p;
    Router::new()
        .route("/proposals", get(p::sessions).post(p::open_session))
        .route("/proposals/sessions/{id}", get(p::session))
        .route("/proposals/sessions/{id}/register", post(p::register))
        // The form reads its own limit (see `upload`).
        .route(
            "/proposals/sessions/{id}/import",
            post(p::import).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/proposals/sessions/{id}/stats", get(p::stats))
        .route("/proposals/sessions/{id}/stats.xlsx", get(p::stats_xlsx))
        .route("/proposals/{id}", get(p::proposal))
        .route(
            "/proposals/{id}/{action}",
            get(p::proposal_action_page).post(p::act),
        )
        .route(
            "/proposals/{id}/replies/{reply}/letter.docx",
            get(p::letter),
        )
}

/// Translation helpers shared by page templates.
pub(crate) trait Page {
    /// The page's language.
    fn lang(&self) -> Lang;

    /// The text of `key`.
    fn t(&self, key: &str) -> String {
        t(key, self.lang()).to_string()
    }

    /// The text of `key` with `args` filled in through Fluent (plural selectors included).
    fn tf(&self, key: &str, args: serde_json::Value) -> String {
        ducha_domain::i18n::format(key, self.lang(), &args)
    }

    /// The text of `key` for a count `n` (English picks singular or plural).
    fn tn(&self, key: &str, n: impl serde::Serialize) -> String {
        self.tf(key, serde_json::json!({ "n": n }))
    }

    /// The text of `key` with two named arguments (a template cannot write a JSON object).
    fn t2(
        &self,
        key: &str,
        a: &str,
        va: impl serde::Serialize,
        b: &str,
        vb: impl serde::Serialize,
    ) -> String {
        let mut args = serde_json::Map::new();
        args.insert(a.into(), serde_json::json!(va));
        args.insert(b.into(), serde_json::json!(vb));
        self.tf(key, serde_json::Value::Object(args))
    }

    /// An instant as China local time (UTC+8), to the minute.
    fn local(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        (*t + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The label of an enum value, keyed `prefix.name`.
    fn label(&self, prefix: &str, name: &str) -> String {
        self.t(&format!("{prefix}.{name}"))
    }
}

/// Renders a template, or a plain 500 if rendering fails.
pub(crate) fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    lang: Lang,
    status: u16,
    title_key: &'static str,
    key: &'static str,
    operation_id: Option<String>,
}

impl Page for ErrorPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// The page a browser sees for an error: its translated message and, for 5xx, the operation
/// id to quote.
pub(crate) fn error_page(
    lang: Lang,
    status: StatusCode,
    key: &'static str,
    operation_id: Option<String>,
) -> Response {
    let title_key = if status == StatusCode::NOT_FOUND {
        "ui.not_found_title"
    } else {
        "ui.error_title"
    };
    let page = ErrorPage {
        lang,
        status: status.as_u16(),
        title_key,
        key,
        operation_id,
    };
    (status, render(&page)).into_response()
}

/// The pages' language cookie.
pub(crate) fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build(("lang", lang.tag()))
        .path("/")
        .permanent()
        .build()
}

/// The language switch of the top bar: the pages' cookie, and for a signed-in user who
/// clicked it on one of our pages the stored language of their deliveries too (a link
/// followed from another site changes only the cookie).
async fn set_lang(
    axum::extract::State(s): axum::extract::State<AppState>,
    axum::extract::Path(tag): axum::extract::Path<String>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
) -> (CookieJar, Redirect) {
    let lang = Lang::from_tag(&tag);
    // Back to the page the switch was clicked on, when it is one of ours.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let ours = headers
        .get(header::REFERER)
        .and_then(|r| r.to_str().ok())
        .and_then(|r| {
            let rest = r.split_once("://")?.1;
            let (h, path) = rest.split_at(rest.find('/')?);
            (Some(h) == host).then(|| safe_next(path))
        });
    let same_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|site| site == "same-origin");
    if same_site
        && ours.is_some()
        && let Some(token) = jar.get(crate::auth::SESSION_COOKIE)
        && let Ok((actor, _)) = s
            .services
            .session_actor(token.value(), ducha_service::now())
            .await
        && let Err(e) = s.services.set_user_lang(&actor, lang.tag()).await
    {
        tracing::warn!(error = %e, "the user's language was not stored");
    }
    let back = ours.unwrap_or_else(|| "/workbench".to_string());
    (jar.add(lang_cookie(lang)), Redirect::to(&back))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

async fn css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    )
}

async fn app_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    )
}

async fn htmx_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/htmx.min.js"),
    )
}

async fn charts_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/charts.js"),
    )
}

async fn cockpit_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/cockpit.js"),
    )
}

async fn echarts_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/echarts.min.js"),
    )
}

/// A local path to return to after login; anything else goes to the workbench. Only plain
/// ASCII paths of this site pass: no scheme, no `//` or `/\\` (another host once a browser drops
/// tabs and newlines), no control characters (they would also break the Location header).
pub(crate) fn safe_next(next: &str) -> String {
    let plain = next.bytes().all(|b| b.is_ascii_graphic());
    if plain && next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") {
        next.to_string()
    } else {
        "/workbench".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use ducha_domain::i18n::knows;

    #[test]
    fn only_local_plain_paths_are_followed_after_login() {
        for (next, to) in [
            ("/items?q=a&state=draft", "/items?q=a&state=draft"),
            ("//evil.example", "/workbench"),
            ("/\\evil.example", "/workbench"),
            ("/\t/evil.example", "/workbench"),
            ("/x\r\nSet-Cookie:a=b", "/workbench"),
            ("https://evil.example/", "/workbench"),
            ("/事项", "/workbench"),
            ("", "/workbench"),
        ] {
            assert_eq!(safe_next(next), to, "{next:?}");
        }
    }
    use std::path::Path;

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs" || x == "html") {
                out.push(p);
            }
        }
    }

    /// Every message key written in a template or in the code has a translation, so no page
    /// or error ever shows a raw key.
    #[test]
    fn every_key_in_code_and_templates_is_translated() {
        let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        files(&crates, &mut paths);
        let prefixes = [
            "validation.",
            "rule.",
            "error.",
            "calendar.",
            "ui.",
            "toast.",
            "wb.",
        ];
        let mut missing = Vec::new();
        let mut seen = 0;
        for p in paths
            .iter()
            .filter(|p| !p.components().any(|c| c.as_os_str() == "target"))
        {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            for piece in text.split('"').skip(1).step_by(2) {
                let is_key = prefixes.iter().any(|pre| piece.starts_with(pre))
                    && !piece.ends_with('.')
                    && !piece.ends_with(".html")
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.');
                if is_key {
                    seen += 1;
                    if !knows(piece) {
                        missing.push(format!("{}: {piece}", p.display()));
                    }
                }
            }
        }
        assert!(seen > 50, "the scan found only {seen} keys");
        assert!(
            missing.is_empty(),
            "untranslated keys:\n{}",
            missing.join("\n")
        );
    }
}
