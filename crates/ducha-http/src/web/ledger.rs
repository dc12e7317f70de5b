//! The ledger (台账) pages: the template to fill in, the import (an upload that runs as a job
//! whose progress the page polls, then its report: every bad cell, or what was registered),
//! the report as .xlsx, and the full ledger export.

mod book;

use super::form::Errs;
use super::items::Filters;
use super::upload::{self, Limits};
use super::user::PageUser;
use super::xlsx::{self, Cell};
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::{Lang, format, t};
use ducha_domain::{FieldError, ValidationErrors};
use ducha_service::items::{LedgerMode, LedgerOutcome, LedgerProgress};
use ducha_service::{ServiceError, Services};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock, Mutex};

/// The largest ledger accepted.
const MAX_FILE: usize = 20 * 1024 * 1024;

/// How an import ended.
enum Ended {
    Done(LedgerOutcome),
    Rejected(ValidationErrors),
    Failed(&'static str),
}

/// An import running or ended on this node, for the user who started it.
struct Job {
    user_id: i64,
    progress: LedgerProgress,
    ended: Mutex<Option<Ended>>,
}

/// Imports of this node by id; the oldest ended ones are forgotten past [`KEEP`]. (The page
/// polls the node that runs the import: behind a load balancer, keep sessions on one node.)
static JOBS: LazyLock<Mutex<HashMap<u64, Arc<Job>>>> = LazyLock::new(Default::default);
static NEXT: AtomicU64 = AtomicU64::new(1);
const KEEP: usize = 100;

fn job(id: u64, user_id: i64) -> Option<Arc<Job>> {
    let jobs = JOBS.lock().ok()?;
    jobs.get(&id).filter(|j| j.user_id == user_id).cloned()
}

#[derive(Template)]
#[template(path = "ledger_import.html")]
struct ImportPage {
    lang: Lang,
    user: PageUser,
    errs: Errs,
    /// The job shown, with its state.
    job: Option<JobView>,
}

/// What the page shows of a job.
struct JobView {
    id: u64,
    total: usize,
    done: usize,
    /// (where, problem) lines of a rejected ledger.
    problems: Vec<(String, String)>,
    /// The summary of an ended import.
    summary: Option<String>,
    /// The error of a failed one.
    failed: Option<String>,
    created: Vec<i64>,
}

impl JobView {
    fn running(&self) -> bool {
        self.summary.is_none() && self.failed.is_none() && self.problems.is_empty()
    }
    fn percent(&self) -> usize {
        (self.done * 100).checked_div(self.total).unwrap_or(0)
    }
}

impl Page for ImportPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ImportPage {
    fn rejected(&self, n: usize) -> String {
        format("ledger.rejected", self.lang, &serde_json::json!({ "n": n }))
    }
}

/// A bad cell's place and problem in `lang`.
fn line(f: &FieldError, lang: Lang) -> (String, String) {
    let header = f
        .args
        .get("header")
        .and_then(|h| h.as_str())
        .map(|h| t(h, lang).to_string())
        .unwrap_or_default();
    let mut args = f.args.clone();
    if let Some(a) = args.as_object_mut() {
        a.insert("header".into(), header.into());
    }
    let place = if f.args.get("col").is_some() {
        format("ledger.cell", lang, &args)
    } else if f.args.get("row").is_some() {
        format("ap.row", lang, &args)
    } else {
        t("ledger.file", lang).to_string()
    };
    (place, ducha_domain::i18n::field_message(f, lang))
}

fn view(id: u64, j: &Job, lang: Lang) -> JobView {
    let ended = j.ended.lock().ok();
    let mut v = JobView {
        id,
        total: j.progress.total.load(Ordering::Relaxed),
        done: j.progress.done.load(Ordering::Relaxed),
        problems: vec![],
        summary: None,
        failed: None,
        created: vec![],
    };
    match ended.as_deref().and_then(|e| e.as_ref()) {
        Some(Ended::Done(o)) => {
            let mut summary = format(
                "ledger.done",
                lang,
                &serde_json::json!({ "items": o.items.len(), "assignments": o.assignments,
                    "already": o.already.len() }),
            );
            if o.for_approval {
                summary.push_str(t("ledger.for_approval", lang));
            }
            v.summary = Some(summary);
            v.created = o.items.iter().take(50).copied().collect();
        }
        Some(Ended::Rejected(e)) => v.problems = e.0.iter().map(|f| line(f, lang)).collect(),
        Some(Ended::Failed(k)) => {
            v.failed = Some(format(
                "ledger.failed",
                lang,
                &serde_json::json!({ "reason": t(k, lang) }),
            ));
        }
        None => {}
    }
    v
}

/// `GET /items/import`.
pub(crate) async fn page(State(s): State<AppState>, user: PageUser) -> Response {
    if let Err(e) = s.services.may_import_ledger(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let page = ImportPage {
        lang: user.lang,
        user,
        errs: Errs::default(),
        job: None,
    };
    render(&page)
}

/// `GET /items/import/jobs/{id}`: the job's progress (polled) or its report.
pub(crate) async fn job_page(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<u64>,
) -> Response {
    if let Err(e) = s.services.may_import_ledger(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let Some(j) = job(id, user.actor.user_id.0) else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let v = view(id, &j, user.lang);
    let status = if v.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = ImportPage {
        lang: user.lang,
        user,
        errs: Errs::default(),
        job: Some(v),
    };
    (status, render(&page)).into_response()
}

/// `POST /items/import`: reads the upload, starts the import and sends the browser to its page.
pub(crate) async fn import(State(s): State<AppState>, user: PageUser, req: Request) -> Response {
    if let Err(e) = s.services.may_import_ledger(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let limits = Limits {
        body: MAX_FILE as u64 + 64 * 1024,
        fields: 4,
    };
    let mut form = match upload::open(&user, req, limits).await {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let mut file = Vec::new();
    let mut mode = None;
    loop {
        let mut field = match form.next().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(stop) => return stop.response(),
        };
        match field.name() {
            Some("mode") => {
                mode = match upload::small(field, 64).await.as_deref() {
                    Some("draft") => Some(LedgerMode::Draft),
                    Some("dispatch") => Some(LedgerMode::Dispatch),
                    _ => None,
                };
            }
            Some("file") => loop {
                match field.chunk().await {
                    Ok(Some(c)) if file.len() + c.len() <= MAX_FILE => file.extend_from_slice(&c),
                    Ok(None) => break,
                    Ok(Some(_)) | Err(_) => return crate::AppError::TooLarge.into_response(),
                }
            },
            _ => {}
        }
    }
    let lang = user.lang;
    let Some(mode) = mode else {
        let page = ImportPage {
            lang,
            errs: Errs::from_validation(&ValidationErrors::single("mode", "ledger.mode"), lang),
            user,
            job: None,
        };
        return (StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response();
    };
    let id = NEXT.fetch_add(1, Ordering::Relaxed);
    let j = Arc::new(Job {
        user_id: user.actor.user_id.0,
        progress: LedgerProgress::default(),
        ended: Mutex::new(None),
    });
    if let Ok(mut jobs) = JOBS.lock() {
        if jobs.len() >= KEEP
            && let Some(oldest) = jobs
                .iter()
                .filter(|(_, j)| j.ended.lock().is_ok_and(|e| e.is_some()))
                .map(|(k, _)| *k)
                .min()
        {
            jobs.remove(&oldest);
        }
        jobs.insert(id, j.clone());
    }
    let services = s.services.clone();
    let actor = user.actor.clone();
    tokio::spawn(run(services, actor, file, mode, j));
    Redirect::to(&format!("/items/import/jobs/{id}")).into_response()
}

async fn run(
    services: Services,
    actor: ducha_domain::org::Actor,
    file: Vec<u8>,
    mode: LedgerMode,
    j: Arc<Job>,
) {
    let outcome = services
        .import_ledger(&actor, &file, mode, &j.progress, ducha_service::now())
        .await;
    let ended = match outcome {
        Ok(o) => Ended::Done(o),
        Err(ServiceError::Invalid(e)) => Ended::Rejected(e),
        Err(e) => Ended::Failed(crate::AppError::from(e).info().1.key()),
    };
    if let Ok(mut slot) = j.ended.lock() {
        *slot = Some(ended);
    }
}

/// `GET /items/import/jobs/{id}/report.xlsx`: a rejected ledger's problems, one per row.
pub(crate) async fn report_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<u64>,
) -> Response {
    if let Err(e) = s.services.may_import_ledger(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let Some(j) = job(id, user.actor.user_id.0) else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let lang = user.lang;
    let v = view(id, &j, lang);
    let columns = [
        (t("ledger.where", lang).to_string(), 28.0),
        (t("ledger.problem", lang).to_string(), 70.0),
    ];
    let rows: Vec<Vec<Cell>> = v
        .problems
        .into_iter()
        .map(|(w, p)| vec![Cell::Text(w), Cell::Text(p)])
        .collect();
    let name = t("ledger.report_file", lang);
    xlsx::download(
        xlsx::table(name, &columns, &rows, None),
        "ducha-ledger-check",
        name,
    )
}

/// `GET /items/import/template`: the template, its unit list from the importer's jurisdiction.
pub(crate) async fn template(State(s): State<AppState>, user: PageUser) -> Response {
    if let Err(e) = s.services.may_import_ledger(&user.actor) {
        return crate::AppError::from(e).into_response();
    }
    let units = match s.services.store.units_under(&user.actor.jurisdiction).await {
        Ok(u) => u,
        Err(e) => return crate::AppError::from(ServiceError::from(e)).into_response(),
    };
    let names: Vec<String> = units
        .into_iter()
        .filter(|u| u.path.0.is_strictly_below(&user.actor.jurisdiction))
        .map(|u| u.name)
        .collect();
    let lang = user.lang;
    let built = tokio::task::spawn_blocking(move || book::template(&names, lang))
        .await
        .unwrap_or_else(|e| Err(rust_xlsxwriter::XlsxError::ParameterError(e.to_string())));
    let name = format!(
        "{}（{}）",
        t("ledger.file_name", lang),
        t("ledger.template", lang)
    );
    xlsx::download(built, "ducha-ledger-template", &name)
}

/// `GET /items/ledger.xlsx`: the full ledger of the register as filtered.
pub(crate) async fn full(
    State(s): State<AppState>,
    user: PageUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let filters = Filters::parse(raw.as_deref());
    let mut invalid = ValidationErrors::default();
    let input = filters.input(&mut invalid);
    if !invalid.0.is_empty() {
        return crate::AppError::from(invalid).into_response();
    }
    let (entries, more) = match s.services.ledger_entries(&user.actor, &input).await {
        Ok(x) => x,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let lang = user.lang;
    let built = tokio::task::spawn_blocking(move || book::full(&entries, lang, more))
        .await
        .unwrap_or_else(|e| Err(rust_xlsxwriter::XlsxError::ParameterError(e.to_string())));
    let day = s.services.today(ducha_service::now()).format("%Y%m%d");
    xlsx::download(
        built,
        &format!("ducha-ledger-{day}"),
        &format!("{}-{day}", t("ledger.file_name", lang)),
    )
}
