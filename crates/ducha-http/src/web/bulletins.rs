//! The bulletin pages (督查通报): the list with the draft form, one bulletin's preview with
//! every action its reader may take (edit the office's paragraphs, regenerate, submit,
//! approve or send back, publish, draft a correction) with its charts, and the Word and PDF
//! downloads.

use super::form::{Errs, Fields};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::bulletins::{BulletinSummary, BulletinView, DraftInput, EditInput, ReturnInput};

#[derive(Template)]
#[template(path = "bulletins.html")]
struct ListPage {
    lang: Lang,
    user: PageUser,
    list: Vec<BulletinSummary>,
    office: bool,
    period: String,
    errs: Option<Errs>,
}

impl Page for ListPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    lang: Lang,
    user: PageUser,
    b: BulletinView,
    /// The charts as (caption, data: URI); none when the server has no font for them.
    charts: Option<Vec<(String, String)>>,
    /// After which section the charts go (the ranking table's).
    charts_at: usize,
    errs: Option<Errs>,
}

impl Page for BulletinPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl BulletinPage {
    fn number(&self) -> String {
        self.b
            .bulletin
            .number
            .clone()
            .unwrap_or_else(|| self.t("bulletin.doc.no_number"))
    }
    fn heading(&self, i: &usize, h: &str) -> String {
        ducha_domain::bulletin::numbered(*i, h, self.lang)
    }
    fn is_praised(&self, id: &i64) -> bool {
        self.b.praised.iter().any(|u| u.unit_id == *id)
    }
    fn is_criticised(&self, id: &i64) -> bool {
        self.b.criticised.iter().any(|u| u.unit_id == *id)
    }
    fn bad(&self, field: &str) -> &'static str {
        self.errs.as_ref().map_or("", |e| e.bad(field))
    }
}

fn refused(e: &ServiceError, lang: Lang) -> Option<Errs> {
    match e {
        ServiceError::Invalid(v) => Some(Errs::from_validation(v, lang)),
        ServiceError::Rule(r) => Some(Errs::general(r.key(), lang)),
        _ => None,
    }
}

fn errors(errs: &Option<Errs>) -> Vec<String> {
    errs.as_ref()
        .map(|e| {
            let mut v: Vec<String> = e.general.iter().cloned().collect();
            v.extend(e.rest());
            v
        })
        .unwrap_or_default()
}

impl ListPage {
    fn errors(&self) -> Vec<String> {
        errors(&self.errs)
    }
}

impl BulletinPage {
    fn errors(&self) -> Vec<String> {
        errors(&self.errs)
    }
}

async fn list_page(s: &AppState, user: PageUser, errs: Option<Errs>) -> Response {
    let list = match s.services.bulletins(&user.actor, user.lang).await {
        Ok(l) => l,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let office = user.actor.has(ducha_domain::org::Role::Supervisor);
    // The month before today: what a monthly bulletin is usually about.
    let today = s.services.today(ducha_service::now());
    let prev = today
        .with_day0(0)
        .and_then(|d| d.pred_opt())
        .unwrap_or(today);
    let status = if errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ListPage {
        lang: user.lang,
        user,
        list,
        office,
        period: prev.format("%Y-%m").to_string(),
        errs,
    };
    (status, render(&page)).into_response()
}

use chrono::Datelike;

/// `GET /bulletins`.
pub(crate) async fn list(State(s): State<AppState>, user: PageUser) -> Response {
    list_page(&s, user, None).await
}

async fn bulletin_page(s: &AppState, user: PageUser, id: i64, errs: Option<Errs>) -> Response {
    let b = match s.services.bulletin(&user.actor, id, user.lang).await {
        Ok(b) => b,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let status = if errs.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    use base64::Engine as _;
    let charts = s.services.bulletin_charts(&b, user.lang).await.map(|cs| {
        cs.into_iter()
            .map(|c| {
                let src = format!(
                    "data:image/png;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(&c.png)
                );
                (c.caption, src)
            })
            .collect()
    });
    let charts_at = b
        .sections
        .iter()
        .position(|s| s.table.is_some())
        .unwrap_or(0);
    let page = BulletinPage {
        lang: user.lang,
        user,
        b,
        charts,
        charts_at,
        errs,
    };
    (status, render(&page)).into_response()
}

/// The units checked in a list of the form (a value that is no id names no unit: -1, which
/// the service refuses as unknown).
fn unit_ids(f: &Fields, name: &str) -> Vec<i64> {
    f.all(name)
        .into_iter()
        .map(|v| v.trim().parse().unwrap_or(-1))
        .collect()
}

fn id_of(raw: &str) -> Result<i64, Box<Response>> {
    raw.parse::<i64>()
        .map_err(|_| Box::new(crate::AppError::Service(ServiceError::NotFound).into_response()))
}

/// `GET /bulletins/{id}`.
pub(crate) async fn show(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    match id_of(&id) {
        Ok(id) => bulletin_page(&s, user, id, None).await,
        Err(r) => *r,
    }
}

/// `POST /bulletins`: the office drafts a bulletin.
pub(crate) async fn draft(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let input = DraftInput {
        kind: f.get("kind").into(),
        period: f.get("period").trim().into(),
        good_practice: f.get("good_practice").into(),
        criticism: f.get("criticism").into(),
        corrects_id: f.get("corrects_id").trim().parse().ok(),
        praised_unit_ids: unit_ids(&f, "praised_unit_ids"),
        criticised_unit_ids: unit_ids(&f, "criticised_unit_ids"),
    };
    match s
        .services
        .draft_bulletin(&user.actor, &input, ducha_service::now())
        .await
    {
        Ok(c) => {
            Redirect::to(&format!("/bulletins/{}?done=bulletin_drafted", c.id)).into_response()
        }
        Err(e) => match refused(&e, user.lang) {
            Some(errs) => match input.corrects_id {
                Some(old) => bulletin_page(&s, user, old, Some(errs)).await,
                None => list_page(&s, user, Some(errs)).await,
            },
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /bulletins/{id}/{action}`: edit, submit, return, approve, publish.
pub(crate) async fn act(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let id = match id_of(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let now = ducha_service::now();
    let a = &user.actor;
    let sv = &s.services;
    let (r, done) = match action.as_str() {
        "edit" => (
            sv.edit_bulletin(
                a,
                id,
                &EditInput {
                    title: f.get("title").into(),
                    good_practice: f.get("good_practice").into(),
                    criticism: f.get("criticism").into(),
                    praised_unit_ids: unit_ids(&f, "praised_unit_ids"),
                    criticised_unit_ids: unit_ids(&f, "criticised_unit_ids"),
                    refresh: f.get("refresh") == "1",
                    version: f.get("version").trim().parse().unwrap_or(-1),
                },
                now,
            )
            .await,
            "bulletin_saved",
        ),
        "submit" => (sv.submit_bulletin(a, id, now).await, "bulletin_submitted"),
        "return" => (
            sv.return_bulletin(
                a,
                id,
                &ReturnInput {
                    remark: f.get("remark").into(),
                },
                now,
            )
            .await,
            "bulletin_returned",
        ),
        "approve" => (sv.approve_bulletin(a, id, now).await, "bulletin_approved"),
        "publish" => (sv.publish_bulletin(a, id, now).await, "bulletin_published"),
        _ => return crate::AppError::Service(ServiceError::NotFound).into_response(),
    };
    match r {
        Ok(_) => Redirect::to(&format!("/bulletins/{id}?done={done}")).into_response(),
        Err(e) => match refused(&e, user.lang) {
            Some(errs) => bulletin_page(&s, user, id, Some(errs)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `GET /bulletins/{id}/bulletin.docx`.
pub(crate) async fn docx(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    let id = match id_of(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match s.services.bulletin_docx(&user.actor, id, user.lang).await {
        Ok((name, bytes)) => crate::api::docx(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /bulletins/{id}/bulletin.pdf`.
pub(crate) async fn pdf(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    let id = match id_of(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match s.services.bulletin_pdf(&user.actor, id, user.lang).await {
        Ok((name, bytes)) => crate::api::pdf(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /extensions/{id}/form.docx`: an extension request's approval form (延期审批表).
pub(crate) async fn extension_form(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    let id = match id_of(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match s
        .services
        .extension_form_docx(&user.actor, id, user.lang)
        .await
    {
        Ok((name, bytes)) => crate::api::docx(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /notices/{id}/notice.docx`: an urge notice as a 公文 by its colour.
pub(crate) async fn notice_docx(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
) -> Response {
    let id = match id_of(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match s.services.notice_docx(&user.actor, id, user.lang).await {
        Ok((name, bytes)) => crate::api::docx(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
