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
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::{Lang, format, t};
use ducha_service::items::{LedgerEnded, LedgerJob, LedgerMode, LedgerProblem, LedgerProgress};
use ducha_service::{ServiceError, Services};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock, Mutex};

/// The largest ledger accepted.
const MAX_FILE: usize = 20 * 1024 * 1024;

/// How often a running import's progress is written to its row.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The counters of the imports running on this node, fresher than their rows (on SQLite the
/// import's own transaction holds the writer until it ends). The rows in `ledger_jobs` are
/// what every node answers from: state, progress and outcome.
static RUNNING: LazyLock<Mutex<HashMap<i64, Arc<LedgerProgress>>>> =
    LazyLock::new(Default::default);

fn running_here(id: i64) -> Option<Arc<LedgerProgress>> {
    RUNNING.lock().ok()?.get(&id).cloned()
}

/// The user's import `id`, from its row (any node), with this node's counters while it runs
/// here.
async fn job(s: &AppState, user: &PageUser, id: i64) -> Result<JobView, Response> {
    let j = s
        .services
        .ledger_job(&user.actor, id)
        .await
        .map_err(|e| crate::AppError::from(e).into_response())?;
    Ok(view(&j, running_here(id).as_deref(), user.lang))
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
    id: i64,
    total: i64,
    done: i64,
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
    fn percent(&self) -> i64 {
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
fn line(f: &LedgerProblem, lang: Lang) -> (String, String) {
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
    let problem = if f.args.is_null() {
        t(&f.key, lang).to_string()
    } else {
        format(&f.key, lang, &f.args)
    };
    (place, problem)
}

fn view(j: &LedgerJob, here: Option<&LedgerProgress>, lang: Lang) -> JobView {
    let count = |a: &std::sync::atomic::AtomicUsize| {
        i64::try_from(a.load(Ordering::Relaxed)).unwrap_or(i64::MAX)
    };
    let (total, done) = match (here, &j.ended) {
        (Some(p), None) => (count(&p.total).max(j.total), count(&p.done).max(j.done)),
        _ => (j.total, j.done),
    };
    let mut v = JobView {
        id: j.id,
        total,
        done,
        problems: vec![],
        summary: None,
        failed: None,
        created: vec![],
    };
    match &j.ended {
        Some(LedgerEnded::Done(o)) => {
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
        Some(LedgerEnded::Rejected(e)) => v.problems = e.iter().map(|f| line(f, lang)).collect(),
        Some(LedgerEnded::Failed(k)) => {
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
    Path(id): Path<i64>,
) -> Response {
    let v = match job(&s, &user, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
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
    let id = match s
        .services
        .start_ledger_job(&user.actor, ducha_service::now())
        .await
    {
        Ok(id) => id,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let progress = Arc::new(LedgerProgress::default());
    if let Ok(mut running) = RUNNING.lock() {
        running.insert(id, progress.clone());
    }
    let services = s.services.clone();
    let actor = user.actor.clone();
    tokio::spawn(run(services, actor, file, mode, id, progress));
    Redirect::to(&format!("/items/import/jobs/{id}")).into_response()
}

/// Runs the import, writing its progress to its row meanwhile and its outcome at the end.
async fn run(
    services: Services,
    actor: ducha_domain::org::Actor,
    file: Vec<u8>,
    mode: LedgerMode,
    id: i64,
    progress: Arc<LedgerProgress>,
) {
    let mut import = {
        let (services, progress) = (services.clone(), progress.clone());
        tokio::spawn(async move {
            services
                .import_ledger(&actor, &file, mode, &progress, ducha_service::now())
                .await
        })
    };
    let mut tick = tokio::time::interval(PROGRESS_EVERY);
    let outcome = loop {
        tokio::select! {
            r = &mut import => break r,
            _ = tick.tick() => {
                // Beside the import, which runs on: a write held up (on SQLite until the
                // import's transaction ends) only delays the next one.
                let write = services.ledger_job_progress(id, &progress, ducha_service::now());
                if let Ok(Err(e)) = tokio::time::timeout(PROGRESS_EVERY * 4, write).await {
                    tracing::warn!(job = id, error = %e, "ledger import progress not written");
                }
            }
        }
    };
    let ended = match outcome {
        Ok(Ok(o)) => LedgerEnded::Done(o),
        Ok(Err(ServiceError::Invalid(e))) => LedgerEnded::rejected(&e),
        Ok(Err(e)) => LedgerEnded::Failed(crate::AppError::from(e).info().1.key().to_string()),
        Err(e) => {
            tracing::error!(job = id, error = %e, "ledger import stopped");
            LedgerEnded::Failed("error.internal".into())
        }
    };
    if let Err(e) = services
        .end_ledger_job(id, &progress, &ended, ducha_service::now())
        .await
    {
        tracing::error!(job = id, error = %e, "ledger import outcome not written");
    }
    if let Ok(mut running) = RUNNING.lock() {
        running.remove(&id);
    }
}

/// `GET /items/import/jobs/{id}/report.xlsx`: a rejected ledger's problems, one per row.
pub(crate) async fn report_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
) -> Response {
    let v = match job(&s, &user, id).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let lang = user.lang;
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
