//! The pages of NPC suggestions and CPPCC proposals (人大建议 / 政协提案): the sessions, one
//! session's list with registration and the .xlsx import, one suggestion with its clock, the
//! units' parts and lights, opinions, replies (with their Word letter) and communication, and
//! the statistics with their .xlsx.

mod export;
mod forms;

pub(crate) use export::{stats_download, stats_xlsx};
pub(crate) use forms::{act, import, letter, open_session, register};

use super::form::Errs;
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::{Lang, t};
use ducha_service::UnitView;
use ducha_service::proposals::{ProposalDetail, SessionView, Stats};
use ducha_store::ProposalSessionRow;

/// A refused form: which, and its messages.
pub(crate) struct Refused {
    pub form: String,
    pub errs: Errs,
    /// An import's bad rows, each as `第N行 标题：…`.
    pub rows: Vec<String>,
}

impl Refused {
    fn messages(&self) -> Vec<String> {
        self.errs
            .general
            .clone()
            .into_iter()
            .chain(self.errs.rest())
            .collect()
    }
}

fn code(refused: &Option<Refused>) -> StatusCode {
    if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

#[derive(Template)]
#[template(path = "proposals.html")]
struct SessionsPage {
    lang: Lang,
    user: PageUser,
    sessions: Vec<ProposalSessionRow>,
    office: bool,
    refused: Option<Refused>,
}

impl Page for SessionsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl SessionsPage {
    fn errors(&self) -> Vec<String> {
        self.refused
            .as_ref()
            .map(Refused::messages)
            .unwrap_or_default()
    }
}

/// `GET /proposals`.
pub(crate) async fn sessions(State(s): State<AppState>, user: PageUser) -> Response {
    sessions_page(&s, user, None).await
}

pub(crate) async fn sessions_page(
    s: &AppState,
    user: PageUser,
    refused: Option<Refused>,
) -> Response {
    let sessions = match s.services.proposal_sessions(&user.actor).await {
        Ok(v) => v,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let page = SessionsPage {
        lang: user.lang,
        office: user.actor.has(ducha_domain::org::Role::Supervisor),
        user,
        sessions,
        refused,
    };
    (code(&page.refused), render(&page)).into_response()
}

#[derive(Template)]
#[template(path = "proposal_session.html")]
struct SessionPage {
    lang: Lang,
    user: PageUser,
    v: SessionView,
    refused: Option<Refused>,
}

impl Page for SessionPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl SessionPage {
    fn open(&self, form: &str) -> bool {
        self.refused.as_ref().is_some_and(|r| r.form == form)
    }
    fn errors(&self, form: &str) -> Vec<String> {
        self.refused
            .as_ref()
            .filter(|r| r.form == form)
            .map(Refused::messages)
            .unwrap_or_default()
    }
    fn bad_rows(&self) -> Vec<String> {
        self.refused
            .as_ref()
            .map(|r| r.rows.clone())
            .unwrap_or_default()
    }
    fn kind_label(&self) -> String {
        self.label("proposal_kind", &self.v.session.kind)
    }
}

/// `GET /proposals/sessions/{id}`.
pub(crate) async fn session(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    session_page(&s, user, id, None).await
}

pub(crate) async fn session_page(
    s: &AppState,
    user: PageUser,
    id: i64,
    refused: Option<Refused>,
) -> Response {
    let v = match s.services.proposal_session(&user.actor, id).await {
        Ok(v) => v,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let page = SessionPage {
        lang: user.lang,
        user,
        v,
        refused,
    };
    (code(&page.refused), render(&page)).into_response()
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage {
    lang: Lang,
    user: PageUser,
    d: ProposalDetail,
    units: Vec<UnitView>,
    today: String,
    refused: Option<Refused>,
}

impl Page for ProposalPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ProposalPage {
    fn open(&self, form: &str) -> bool {
        self.refused.as_ref().is_some_and(|r| r.form == form)
    }
    fn errors(&self, form: &str) -> Vec<String> {
        self.refused
            .as_ref()
            .filter(|r| r.form == form)
            .map(Refused::messages)
            .unwrap_or_default()
    }
    fn unit(&self, id: &i64) -> String {
        self.d.unit_names.get(id).cloned().unwrap_or_default()
    }
    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_else(|| "—".into())
    }
    fn is(&self, state: &str) -> bool {
        self.d.row.state == state
    }
    fn mine(&self, part: &str) -> bool {
        self.d.my_part.as_deref() == Some(part)
    }
    fn round_label(&self, n: &i64) -> String {
        self.tn("pp.round", n)
    }
    fn asking(&self) -> bool {
        self.d.row.ext_state.as_deref() == Some("requested")
    }
}

/// `GET /proposals/{id}`.
pub(crate) async fn proposal(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    proposal_page(&s, user, id, None).await
}

/// `GET /proposals/{id}/{action}`: the suggestion's page (a form posts here).
pub(crate) async fn proposal_action_page(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, _)): Path<(String, String)>,
) -> Response {
    match id.parse() {
        Ok(id) => proposal_page(&s, user, id, None).await,
        Err(_) => crate::AppError::from(ducha_service::ServiceError::NotFound).into_response(),
    }
}

pub(crate) async fn proposal_page(
    s: &AppState,
    user: PageUser,
    id: i64,
    refused: Option<Refused>,
) -> Response {
    let d = match s.services.proposal_detail(&user.actor, id).await {
        Ok(d) => d,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let units = if d.office {
        s.services.list_units(&user.actor).await.unwrap_or_default()
    } else {
        vec![]
    };
    let page = ProposalPage {
        lang: user.lang,
        user,
        d,
        units,
        today: ducha_domain::calendar::china_date(ducha_service::now()).to_string(),
        refused,
    };
    (code(&page.refused), render(&page)).into_response()
}

#[derive(Template)]
#[template(path = "proposal_stats.html")]
struct StatsPage {
    lang: Lang,
    user: PageUser,
    st: Stats,
}

impl Page for StatsPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl StatsPage {
    fn rate(&self, r: &Option<f64>) -> String {
        r.map(|r| format!("{r:.1}%")).unwrap_or_else(|| "—".into())
    }
}

/// `GET /proposals/sessions/{id}/stats`.
pub(crate) async fn stats(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match s
        .services
        .proposal_stats(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(st) => render(&StatsPage {
            lang: user.lang,
            user,
            st,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `第N行 标题：message` for each `rows[N].field` error of an import.
pub(crate) fn row_messages(v: &ducha_domain::ValidationErrors, lang: Lang) -> Vec<String> {
    v.0.iter()
        .map(|f| {
            let msg = t(f.key, lang);
            match f
                .field
                .strip_prefix("rows[")
                .and_then(|r| r.split_once("]."))
            {
                Some((n, field)) => format!(
                    "{} {}：{}",
                    ducha_domain::i18n::format("pp.row", lang, &serde_json::json!({ "n": n })),
                    t(&format!("pp.{}", col(field)), lang),
                    msg
                ),
                None => msg.to_string(),
            }
        })
        .collect()
}

fn col(field: &str) -> &str {
    match field {
        "title" => "proposal_title",
        other => other,
    }
}
