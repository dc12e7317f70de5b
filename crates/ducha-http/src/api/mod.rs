//! The JSON API under `/api/v1`, documented by OpenAPI.

mod analytics;
mod answers;
mod appeals;
mod assessment;
mod bulletins;
mod hot;
mod joint;
pub(crate) use joint::{docx, pdf};
mod assignments;
mod audit;
mod clock;
mod cockpit;
mod decisions;
mod evidence;
mod items;
mod ledger;
mod org;
mod proposals;
mod security;
mod session;
mod workbench;

use crate::AppState;
use axum::Router;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "ducha 督查 API",
        description = "Integrated supervision & follow-up platform. Authenticate with a session \
            cookie from `POST /api/v1/auth/login` (send its `csrf_token` as `X-CSRF-Token` on \
            writes) or with `Authorization: Bearer <API token>`. Errors are \
            `{\"error\": {code, key, message, fields}}` in the language of `Accept-Language` \
            (zh-CN by default)."
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "session", description = "Login, logout, the current user, API tokens"),
        (name = "items", description = "Supervised matters (督办事项) and their register"),
        (name = "assignments", description = "The responsibility chain (交办/承办)"),
        (name = "decisions", description = "Reviews and decisions by the level above"),
        (name = "org", description = "Units and users"),
        (name = "audit", description = "The tamper-evident event log and the security log"),
        (name = "clock", description = "Working-day calendar, urge notices, inbox, deliveries"),
        (name = "analytics", description = "Chain analytics (链条分析): dwell per hop, the stall \
            map, findings of stalls (肠梗阻) and dilution (中途变味)"),
        (name = "assessment", description = "Continuous grades (平时成绩): rankings, score cards \
            whose every line links to its events, appeals (申辩), finalising, the cadre record and \
            rule sets"),
        (name = "joint", description = "Integrated supervision (整合督查资源): the leading group, \
            joint meetings with their proposed agenda, pre-read pack, decisions and minutes, and \
            one inspection register across bodies with overlaps, merges and each unit's burden"),
        (name = "proposals", description = "NPC suggestions and CPPCC proposals (人大建议/政协提案): \
            sessions and their lists, routing with the legal clock, returns, opinions, the one \
            extension, graded replies, satisfaction and statistics"),
        (name = "appeals", description = "Citizens' appeals (群众诉求): the list and an appeal \
            with personal data masked, the original for the roles that call back, the 12345 \
            import with saved column mappings and its row-by-row report; hot issues (热点诉求) \
            with their trend and places, made into items or merged into them; the public form is \
            the page `/public/appeal`"),
        (name = "bulletins", description = "Bulletins (督查通报): monthly and quarterly reports \
            generated from the data, approved by a leader, published with their number and never \
            changed; the Word document per GB/T 9704"),
        (name = "evidence", description = "Evidence files (佐证材料): upload once, attach to reports, reuse; \
            download at `/evidence/{id}` and `/evidence/{id}/thumb`"),
    )
)]
struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// The API routes and their OpenAPI document.
pub fn router() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let v1 = OpenApiRouter::new()
        .routes(routes!(session::login))
        .routes(routes!(session::logout))
        .routes(routes!(session::me))
        .routes(routes!(session::create_token, session::list_tokens))
        .routes(routes!(session::revoke_token))
        .routes(routes!(security::security_log))
        .routes(routes!(org::set_active))
        .routes(routes!(org::set_roles))
        .routes(routes!(org::set_position))
        .routes(routes!(items::list, items::create))
        .routes(routes!(items::detail, items::edit))
        .routes(routes!(items::submit))
        .routes(routes!(items::approve))
        .routes(routes!(items::reject))
        .routes(routes!(items::dispatch))
        .routes(routes!(items::close))
        .routes(routes!(workbench::workbench))
        .routes(routes!(workbench::work_list))
        .routes(routes!(assignments::sign))
        .routes(routes!(assignments::refuse))
        .routes(routes!(assignments::decompose))
        .routes(routes!(assignments::report))
        .routes(routes!(assignments::extension))
        .routes(routes!(assignments::help))
        .routes(routes!(decisions::review))
        .routes(routes!(decisions::decide_extension))
        .routes(routes!(decisions::decide_refusal))
        .routes(routes!(decisions::answer_help))
        .routes(routes!(decisions::help_inbox))
        .routes(routes!(org::units, org::create_unit))
        .routes(routes!(org::users, org::create_user))
        .routes(routes!(org::reset_password))
        .routes(routes!(org::unlock))
        .routes(routes!(org::reset_twofactor))
        .routes(routes!(audit::head))
        .routes(routes!(clock::calendar_year))
        .routes(routes!(clock::load_calendar))
        .routes(routes!(clock::calendar_add))
        .routes(routes!(clock::issue_notice))
        .routes(routes!(clock::notices))
        .routes(routes!(clock::notice))
        .routes(routes!(clock::acknowledge))
        .routes(routes!(clock::summonses))
        .routes(routes!(clock::unit_lights))
        .routes(routes!(clock::inbox))
        .routes(routes!(clock::mark_read))
        .routes(routes!(clock::prefs, clock::set_prefs))
        .routes(routes!(clock::set_lang))
        .routes(routes!(clock::outbox))
        .routes(routes!(clock::retry))
        .routes(routes!(evidence::reusable))
        .routes(routes!(analytics::chain))
        .routes(routes!(analytics::findings))
        .routes(routes!(analytics::stall_map))
        .routes(routes!(analytics::unit_assignments))
        .routes(routes!(cockpit::cockpit))
        .routes(routes!(assessment::scores))
        .routes(routes!(assessment::card))
        .routes(routes!(assessment::appeals, assessment::appeal))
        .routes(routes!(assessment::decide))
        .routes(routes!(assessment::finalize))
        .routes(routes!(assessment::cadres))
        .routes(routes!(assessment::rules, assessment::load_rules))
        .routes(routes!(bulletins::list, bulletins::draft))
        .routes(routes!(bulletins::show, bulletins::edit))
        .routes(routes!(bulletins::submit))
        .routes(routes!(bulletins::send_back))
        .routes(routes!(bulletins::approve))
        .routes(routes!(bulletins::publish))
        .routes(routes!(bulletins::docx))
        .routes(routes!(bulletins::pdf))
        .routes(routes!(joint::group))
        .routes(routes!(joint::fill_seat))
        .routes(routes!(joint::meetings, joint::schedule))
        .routes(routes!(joint::meeting))
        .routes(routes!(joint::edit_agenda))
        .routes(routes!(joint::hold))
        .routes(routes!(joint::decide))
        .routes(routes!(joint::pack))
        .routes(routes!(joint::minutes))
        .routes(routes!(joint::inspections, joint::file))
        .routes(routes!(joint::waiting))
        .routes(routes!(joint::inspection))
        .routes(routes!(joint::decide_inspection))
        .routes(routes!(joint::withdraw_inspection))
        .routes(routes!(joint::findings))
        .routes(routes!(joint::answer))
        .routes(routes!(proposals::sessions, proposals::open_session))
        .routes(routes!(proposals::session))
        .routes(routes!(proposals::register))
        .routes(routes!(proposals::statistics))
        .routes(routes!(proposals::statistics_xlsx))
        .routes(routes!(proposals::letter))
        .routes(routes!(proposals::detail))
        .routes(routes!(proposals::route))
        .routes(routes!(proposals::return_it))
        .routes(routes!(proposals::decide_return))
        .routes(routes!(proposals::opinion))
        .routes(routes!(proposals::extension))
        .routes(routes!(proposals::decide_extension))
        .routes(routes!(proposals::reply))
        .routes(routes!(proposals::contact))
        .routes(routes!(proposals::satisfaction))
        .routes(routes!(appeals::list))
        .routes(routes!(hot::list))
        .routes(routes!(hot::detail))
        .routes(routes!(hot::to_item))
        .routes(routes!(hot::merge))
        .routes(routes!(appeals::sources, appeals::save_source))
        .routes(routes!(appeals::detail))
        .routes(routes!(appeals::original))
        .merge(
            OpenApiRouter::new()
                .routes(routes!(ledger::import))
                .layer(axum::extract::DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        .merge(
            OpenApiRouter::new()
                .routes(routes!(appeals::import))
                .layer(axum::extract::DefaultBodyLimit::max(20 * 1024 * 1024)),
        )
        // A session's list may be larger than the default body limit.
        .merge(
            OpenApiRouter::new()
                .routes(routes!(proposals::import))
                .layer(axum::extract::DefaultBodyLimit::max(10 * 1024 * 1024)),
        )
        // The upload reads its own, larger limit from the settings (see `evidence::upload`).
        .merge(
            OpenApiRouter::new()
                .routes(routes!(evidence::upload))
                .layer(axum::extract::DefaultBodyLimit::disable()),
        );
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", v1)
        .split_for_parts();
    answers::document(&mut doc);
    (router, doc)
}
#[cfg(test)]
mod openapi_tests;
