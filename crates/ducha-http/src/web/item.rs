//! The item page (事项详情) and every action taken on it: the item's own steps (submit,
//! approve, send back, close), the responsibility chain's (sign, refuse, report with evidence,
//! ask for completion, an extension or help) and the level above's decisions (review, decide an
//! extension or refusal, answer help). Each action posts a form, then redirects back with a toast;
//! an invalid form re-renders the page with the action open and the messages beside its fields.

use super::form::{Errs, Fields};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::analytics::FindingOut;
use crate::extract::Id;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::report::Verdict;
use ducha_service::analytics::{ChainRow, ChainView};
use ducha_service::assignments::{
    DecisionInput, ExtensionInput, HelpInput, RefusalDecisionInput, ReviewInput, SignInput,
    TextInput,
};
use ducha_service::evidence::EvidenceView;
use ducha_service::{ItemDetail, ServiceError, UnitView, UserView};
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "item.html")]
pub(crate) struct ItemPage {
    lang: Lang,
    user: PageUser,
    d: ItemDetail,
    /// Units the user may hand work to or ask for help (loaded only when an action needs them).
    units: Vec<UnitView>,
    /// People of the user's unit, to name the responsible person when signing.
    members: Vec<UserView>,
    /// Evidence the user's unit uploaded before, per assignment it may report on.
    reusable: HashMap<i64, Vec<EvidenceView>>,
    /// The form to show open (after an error), e.g. `report-12`.
    open: String,
    errs: Errs,
    /// Show every report and event, not only the latest.
    all: bool,
    /// What was typed into the form shown open, to refill it.
    typed: Fields,
    /// Working days per hop, who held what when, lost days.
    chain: ChainView,
    /// Findings on the item, with their messages.
    findings: Vec<FindingOut>,
    /// The meeting decisions and inspection findings it came from.
    origins: Vec<ducha_service::joint::OriginView>,
}

/// Reports and events shown before "show all".
const LATEST: usize = 20;

impl Page for ItemPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ItemPage {
    fn unit_of(&self, assignment_id: &i64) -> String {
        self.d
            .assignments
            .iter()
            .find(|a| a.id == *assignment_id)
            .map(|a| a.unit_name.clone())
            .unwrap_or_default()
    }

    fn is_open(&self, form: &str) -> bool {
        self.open == form
    }

    /// Reports awaiting review first, then the latest, newest first.
    fn shown_reports(&self) -> Vec<&ducha_service::ReportView> {
        let mut v: Vec<_> = self.d.reports.iter().collect();
        v.sort_by_key(|r| (!r.can_review, std::cmp::Reverse(r.submitted_at)));
        if !self.all {
            v.truncate(LATEST.max(v.iter().filter(|r| r.can_review).count()));
        }
        v
    }

    /// The latest events, newest first.
    fn shown_events(&self) -> Vec<&ducha_service::EventView> {
        let n = if self.all { usize::MAX } else { LATEST };
        self.d.timeline.iter().rev().take(n).collect()
    }

    fn more(&self) -> bool {
        !self.all && (self.d.reports.len() > LATEST || self.d.timeline.len() > LATEST)
    }

    /// The value typed into field `name` of the open form `form-id`.
    fn typed(&self, form: &str, id: &i64, name: &str) -> &str {
        if self.is_open_at(form, id) {
            self.typed.get(name)
        } else {
            ""
        }
    }

    fn is_open_at(&self, form: &str, id: &i64) -> bool {
        self.open == format!("{form}-{id}")
    }

    fn can(&self, a: &ducha_service::AssignmentView, action: &str) -> bool {
        a.actions.contains(&action)
    }

    fn has(&self, action: &str) -> bool {
        self.d.actions.contains(&action)
    }

    /// Whether the node has children (for the expand/collapse toggle).
    fn has_children(&self, id: &i64) -> bool {
        self.d.assignments.iter().any(|a| a.parent_id == Some(*id))
    }

    fn parent_attr(&self, parent: &Option<i64>) -> String {
        parent.map(|p| p.to_string()).unwrap_or_default()
    }

    fn indent(&self, depth: &usize) -> usize {
        depth.saturating_sub(1) * 18
    }

    fn reusable_for(&self, assignment_id: &i64) -> &[EvidenceView] {
        self.reusable.get(assignment_id).map_or(&[], Vec::as_slice)
    }

    fn my_assignments(&self) -> Vec<&ducha_service::AssignmentView> {
        self.d
            .assignments
            .iter()
            .filter(|a| a.actions.iter().any(|x| *x != "decide_refusal"))
            .collect()
    }

    /// Units strictly below `unit_id` (for decomposing), from the visible tree.
    fn units_below(&self, unit_id: &i64) -> Vec<&UnitView> {
        let mut below = vec![*unit_id];
        let mut out = Vec::new();
        for u in &self.units {
            if u.parent_id.is_some_and(|p| below.contains(&p)) {
                below.push(u.id);
                out.push(u);
            }
        }
        out
    }

    fn size(&self, bytes: &i64) -> String {
        if *bytes >= 1024 * 1024 {
            format!("{:.1} MB", *bytes as f64 / 1048576.0)
        } else {
            format!("{} KB", (*bytes + 1023) / 1024)
        }
    }

    fn cadence(&self) -> String {
        use ducha_domain::item::Cadence;
        let (key, n) = match self.d.cadence {
            Cadence::None => return self.t("cadence.none"),
            Cadence::Weekly { weekday } => {
                let day = self.t(format!("weekday.{weekday}").as_str());
                return self.tf("ui.cadence_weekly_on", serde_json::json!({ "n": day }));
            }
            Cadence::Monthly { day } => ("ui.cadence_monthly_on", u32::from(day)),
            Cadence::EveryWorkingDays { n } => ("ui.cadence_every", u32::from(n)),
        };
        self.tf(key, serde_json::json!({ "n": n }))
    }

    /// The chain figures of an assignment.
    fn chain_row(&self, id: &i64) -> Option<&ChainRow> {
        self.chain.rows.iter().find(|c| c.assignment_id == *id)
    }

    /// A percentage for a style attribute.
    fn pct(&self, v: &f64) -> String {
        format!("{:.2}", v.clamp(0.0, 100.0))
    }

    /// The hop a timeline span stands for.
    fn span_hop<'a>(&self, what: &'a str) -> &'a str {
        what
    }

    /// How far a completion request falls short of its assignment's targets.
    fn gaps(&self, r: &ducha_service::ReportView) -> Vec<ducha_domain::analytics::targets::Gap> {
        if r.kind != ducha_domain::report::ReportKind::Completion {
            return vec![];
        }
        let targets = self
            .d
            .assignments
            .iter()
            .find(|a| a.id == r.assignment_id)
            .map(|a| a.targets.as_slice())
            .unwrap_or_default();
        ducha_domain::analytics::targets::completion_gaps(targets, &r.metrics, r.percent)
    }

    fn key_event(&self, kind: &str) -> bool {
        matches!(
            kind,
            "item_dispatched" | "assignment_signed" | "report_reviewed" | "item_closed"
        )
    }
}

async fn load(
    s: &AppState,
    user: PageUser,
    id: i64,
    open: String,
    errs: Errs,
    all: bool,
) -> Result<ItemPage, Response> {
    let d = s
        .services
        .item_detail_recent(&user.actor, id, (!all).then_some(LATEST as i64 + 1))
        .await
        .map_err(|e| crate::AppError::from(e).into_response())?;
    let wants = |x: &str| d.assignments.iter().any(|a| a.actions.contains(&x));
    let units = if wants("decompose") || wants("help") || wants("decide_refusal") {
        s.services.list_units(&user.actor).await.unwrap_or_default()
    } else {
        vec![]
    };
    let members = if wants("sign") {
        let unit = user.actor.unit_id.0;
        s.services
            .list_users(&user.actor)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|u| u.unit_id == unit && u.active)
            .collect()
    } else {
        vec![]
    };
    let mut reusable = HashMap::new();
    for a in d
        .assignments
        .iter()
        .filter(|a| a.actions.contains(&"report"))
    {
        if let Ok(list) = s.services.reusable_evidence(&user.actor, a.id).await {
            reusable.insert(a.id, list);
        }
    }
    let (chain, findings) = match s.services.chain_view(&user.actor, id, now()).await {
        Ok(mut c) => {
            let f = crate::analytics::findings_out(std::mem::take(&mut c.findings), user.lang);
            (c, f)
        }
        Err(e) => return Err(crate::AppError::from(e).into_response()),
    };
    let origins = s
        .services
        .item_origins(&user.actor, id)
        .await
        .unwrap_or_default();
    Ok(ItemPage {
        chain,
        findings,
        origins,
        lang: user.lang,
        user,
        d,
        units,
        members,
        reusable,
        open,
        errs,
        all,
        typed: Fields::default(),
    })
}

/// `?all=1` on the item page.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct AllQuery {
    #[serde(default)]
    all: Option<String>,
}

/// `GET /items/{id}`.
pub(crate) async fn page(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    axum::extract::Query(q): axum::extract::Query<AllQuery>,
) -> Response {
    match load(
        &s,
        user,
        id,
        String::new(),
        Errs::default(),
        q.all.is_some(),
    )
    .await
    {
        Ok(p) => render(&p),
        Err(r) => r,
    }
}

/// The answer to an action: back to the item with a toast, or the page again with the
/// action's form open and its errors shown.
pub(super) async fn outcome<T>(
    s: &AppState,
    user: PageUser,
    (item_id, form, typed): (i64, String, Fields),
    done: &str,
    r: Result<T, ServiceError>,
) -> Response {
    let lang = user.lang;
    let (status, errs) = match r {
        Ok(_) => {
            return Redirect::to(&format!("/items/{item_id}?done={done}#{form}")).into_response();
        }
        Err(ServiceError::Invalid(v)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Errs::from_validation(&v, lang),
        ),
        Err(ServiceError::Rule(rule)) => (StatusCode::CONFLICT, Errs::general(rule.key(), lang)),
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    match load(s, user, item_id, form, errs, false).await {
        Ok(mut p) => {
            p.typed = typed;
            (status, stay_on(item_id), render(&p)).into_response()
        }
        Err(r) => r,
    }
}

/// Keeps the address bar on the item page when a form comes back with errors (htmx would
/// otherwise show the POST-only action's address, which a reload cannot open).
fn stay_on(item_id: i64) -> [(&'static str, String); 1] {
    [("hx-replace-url", format!("/items/{item_id}"))]
}

pub(super) fn now() -> chrono::DateTime<chrono::Utc> {
    ducha_service::now()
}

/// A form body with its CSRF token checked, or the refusal.
fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

/// The numeric id of an action's path and its form, CSRF checked; a bad id is a 404.
fn checked_at(user: &PageUser, id: &str, body: &[u8]) -> Result<(i64, Fields), Box<Response>> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(Box::new(
            crate::AppError::Service(ServiceError::NotFound).into_response(),
        ));
    };
    Ok((id, checked(user, body)?))
}

/// The item an action on an assignment or request returns to (only used for the redirect;
/// the use case checks the user may act).
pub(super) fn item_of(f: &Fields) -> i64 {
    f.get("item").parse().unwrap_or(0)
}

/// `POST /items/{id}/{step}`: submit, approve, reject, close.
pub(crate) async fn item_step(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (id, f) = match checked_at(&user, &id, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let comment = f.get("comment");
    let sv = &s.services;
    let a = &user.actor;
    let (done, r) = match step.as_str() {
        "submit" => ("submitted", sv.submit_item(a, id, now()).await),
        "approve" => ("approved", sv.approve_item(a, id, comment, now()).await),
        "reject" => ("rejected", sv.reject_item(a, id, comment, now()).await),
        "close" => ("closed", sv.close_item(a, id, comment, now()).await),
        _ => return crate::AppError::Service(ServiceError::NotFound).into_response(),
    };
    outcome(&s, user, (id, format!("item-{step}"), f), done, r).await
}

/// `POST /assignments/{id}/{step}`: sign, refuse, extend, help.
pub(crate) async fn assignment_step(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, step)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let (id, f) = match checked_at(&user, &id, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let sv = &s.services;
    let a = &user.actor;
    let mut errs = Errs::default();
    let (done, r): (&str, Result<(), ServiceError>) = match step.as_str() {
        "sign" => {
            let responsible_user_id = f.get("responsible").parse().ok();
            let input = SignInput {
                responsible_user_id,
            };
            (
                "signed",
                sv.sign_assignment(a, id, &input, now()).await.map(drop),
            )
        }
        "refuse" => {
            let input = TextInput {
                text: f.get("reason").to_string(),
            };
            (
                "refused",
                sv.refuse_assignment(a, id, &input, now()).await.map(drop),
            )
        }
        "extend" => {
            let deadline = match f.opt("deadline").map(|d| d.parse()) {
                Some(Ok(d)) => Some(d),
                Some(Err(_)) => {
                    errs.add("deadline", "validation.invalid_value", user.lang);
                    None
                }
                None => None,
            };
            let input = ExtensionInput {
                deadline,
                reason: f.get("reason").to_string(),
            };
            let r = if errs.any() {
                Ok(())
            } else {
                sv.request_extension(a, id, &input, now()).await.map(drop)
            };
            ("extension_requested", r)
        }
        "help" => {
            let input = HelpInput {
                text: f.get("text").to_string(),
                to_unit_id: f.get("to_unit").parse().ok(),
            };
            (
                "help_requested",
                sv.request_help(a, id, &input, now()).await.map(drop),
            )
        }
        _ => return crate::AppError::Service(ServiceError::NotFound).into_response(),
    };
    let form = format!("{step}-{id}");
    if errs.any() {
        return reshow(&s, user, (item_of(&f), form, f), errs).await;
    }
    outcome(&s, user, (item_of(&f), form, f), done, r).await
}

pub(super) async fn reshow(
    s: &AppState,
    user: PageUser,
    (item, form, typed): (i64, String, Fields),
    errs: Errs,
) -> Response {
    match load(s, user, item, form, errs, false).await {
        Ok(mut p) => {
            p.typed = typed;
            (StatusCode::UNPROCESSABLE_ENTITY, stay_on(item), render(&p)).into_response()
        }
        Err(r) => r,
    }
}

/// `GET` of an item action's address (a reload, or a return after logging in): the item.
pub(crate) async fn item_step_page(Path((id, _)): Path<(String, String)>) -> Response {
    match id.parse::<i64>() {
        Ok(id) => Redirect::to(&format!("/items/{id}")).into_response(),
        Err(_) => crate::AppError::Service(ServiceError::NotFound).into_response(),
    }
}

/// `GET` of an assignment's or request's action address: the workbench, which links to it.
pub(crate) async fn action_page() -> Response {
    Redirect::to("/workbench").into_response()
}

/// `POST /reports/{id}/review`.
pub(crate) async fn review(s: State<AppState>, u: PageUser, Id(id): Id, b: Bytes) -> Response {
    decide(s, u, "reports", id, b).await
}

/// `POST /extensions/{id}/decide`.
pub(crate) async fn decide_extension(
    s: State<AppState>,
    u: PageUser,
    Id(id): Id,
    b: Bytes,
) -> Response {
    decide(s, u, "extensions", id, b).await
}

/// `POST /refusals/{id}/decide`.
pub(crate) async fn decide_refusal(
    s: State<AppState>,
    u: PageUser,
    Id(id): Id,
    b: Bytes,
) -> Response {
    decide(s, u, "refusals", id, b).await
}

/// `POST /help/{id}/answer`.
pub(crate) async fn answer_help(s: State<AppState>, u: PageUser, Id(id): Id, b: Bytes) -> Response {
    decide(s, u, "help", id, b).await
}

/// The level above's decisions.
async fn decide(
    State(s): State<AppState>,
    user: PageUser,
    what: &str,
    id: i64,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let sv = &s.services;
    let a = &user.actor;
    let approve = f.get("verdict") == "approve";
    let comment = f.get("comment").to_string();
    let (done, r): (&str, Result<(), ServiceError>) = match what {
        "reports" => {
            let verdict = if approve {
                Verdict::Accept
            } else {
                Verdict::Return
            };
            // A progress report is approved (审核), a completion accepted (验收).
            let done = match (approve, f.get("kind")) {
                (false, _) => "returned",
                (true, "progress") => "report_approved",
                (true, _) => "accepted",
            };
            let input = ReviewInput { verdict, comment };
            (done, sv.review_report(a, id, &input, now()).await.map(drop))
        }
        "extensions" => {
            let input = DecisionInput { approve, comment };
            (
                "decided",
                sv.decide_extension(a, id, &input, now()).await.map(drop),
            )
        }
        "refusals" => {
            let input = RefusalDecisionInput {
                approve,
                comment,
                reassign_to: f.get("reassign_to").parse().ok(),
            };
            (
                "decided",
                sv.decide_refusal(a, id, &input, now()).await.map(drop),
            )
        }
        "help" => (
            "answered",
            sv.answer_help(a, id, f.get("answer"), now())
                .await
                .map(drop),
        ),
        _ => return crate::AppError::Service(ServiceError::NotFound).into_response(),
    };
    let item = item_of(&f);
    outcome(&s, user, (item, format!("{what}-{id}"), f), done, r).await
}
