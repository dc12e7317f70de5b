//! The forms of suggestions and proposals. Each posts, then goes back with a toast; a refused
//! form shows its page again with the form open and the translated messages (an import's bad
//! rows each named), and nothing changed.

use super::{Refused, proposal_page, row_messages, session_page, sessions_page};
use crate::AppState;
use crate::web::form::{Errs, Fields};
use crate::web::upload::{self, Limits};
use crate::web::user::PageUser;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::Lang;
use ducha_domain::proposals::import::ProposalInput;
use ducha_service::ServiceError;
use ducha_service::proposals::{
    ContactInput, ExtensionDecisionInput, ExtensionInput, OpinionInput, RateInput, ReplyInput,
    RouteInput, SessionInput,
};

fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

fn refused(form: &str, e: &ServiceError, lang: Lang) -> Option<Refused> {
    let errs = match e {
        ServiceError::Invalid(v) => Errs::from_validation(v, lang),
        ServiceError::Rule(r) => Errs::general(r.key(), lang),
        _ => return None,
    };
    Some(Refused {
        form: form.into(),
        errs,
        rows: vec![],
    })
}

fn date(f: &Fields, name: &str) -> Result<Option<NaiveDate>, ServiceError> {
    match f.get(name).trim() {
        "" => Ok(None),
        s => s
            .parse()
            .map(Some)
            .map_err(|_| ValidationErrors::single(name.to_string(), "validation.date").into()),
    }
}

fn opt_id(f: &Fields, name: &str) -> Option<i64> {
    f.get(name).trim().parse().ok()
}

/// `POST /proposals`: the office opens a session.
pub(crate) async fn open_session(
    State(s): State<AppState>,
    user: PageUser,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let input = SessionInput {
        kind: f.get("kind").into(),
        name: f.get("name").into(),
        year: f.get("year").trim().parse().ok(),
        return_days: f.get("return_days").trim().parse().ok(),
    };
    match s
        .services
        .open_proposal_session(&user.actor, &input, ducha_service::now())
        .await
    {
        Ok(c) => Redirect::to(&format!(
            "/proposals/sessions/{}?done=proposal_session",
            c.id
        ))
        .into_response(),
        Err(e) => match refused("session", &e, user.lang) {
            Some(r) => sessions_page(&s, user, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /proposals/sessions/{id}/register`: one suggestion by hand.
pub(crate) async fn register(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let number = f.get("number").trim();
    let input = ProposalInput {
        number: if number.is_empty() {
            None
        } else {
            Some(number.parse().unwrap_or(0))
        },
        title: f.get("title").into(),
        proposers: f.get("proposers").into(),
        group: f.get("group").into(),
        category: f.get("category").into(),
        body: f.get("body").into(),
    };
    match s
        .services
        .register_proposal(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(c) => {
            Redirect::to(&format!("/proposals/{}?done=proposal_registered", c.id)).into_response()
        }
        Err(e) => match refused("register", &e, user.lang) {
            Some(r) => session_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// The largest list accepted (5,000 rows fit well within it).
const MAX_SHEET: usize = 10 * 1024 * 1024;

/// `POST /proposals/sessions/{id}/import`: a session's list as .xlsx (multipart `file`), read
/// only after the caller's right to import, the origin and the CSRF token (the form's first
/// field) passed.
pub(crate) async fn import(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<i64>,
    req: axum::extract::Request,
) -> Response {
    // Who may import at all, before a byte of the upload is read.
    if let Err(e) = s.services.may_import_proposals(&user.actor, id).await {
        return crate::AppError::from(e).into_response();
    }
    let limits = Limits {
        body: MAX_SHEET as u64 + 64 * 1024,
        fields: 4,
    };
    let mut form = match upload::open(&user, req, limits).await {
        Ok(form) => form,
        Err(r) => return *r,
    };
    let mut file = Vec::new();
    loop {
        let mut field = match form.next().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(stop) => return stop.response(),
        };
        if field.name() != Some("file") {
            continue;
        }
        let mut data = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if data.len() + chunk.len() <= MAX_SHEET => {
                    data.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Ok(Some(_)) | Err(_) => return crate::AppError::TooLarge.into_response(),
            }
        }
        file = data;
    }
    match s
        .services
        .import_proposals(&user.actor, id, &file, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/proposals/sessions/{id}?done=proposal_imported"))
            .into_response(),
        Err(ServiceError::Invalid(v)) => {
            let rows = row_messages(&v, user.lang);
            let r = Refused {
                form: "import".into(),
                errs: Errs::default(),
                rows,
            };
            session_page(&s, user, id, Some(r)).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `POST /proposals/{id}/{action}`: route, opinion, extension, decide_extension, reply,
/// contact, rate.
pub(crate) async fn act(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, action)): Path<(i64, String)>,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let now = ducha_service::now();
    let a = &user.actor;
    let sv = &s.services;
    let r: Result<(), ServiceError> = match action.as_str() {
        "route" => sv
            .route_proposal(
                a,
                id,
                &RouteInput {
                    mode: f.get("mode").into(),
                    lead_unit_id: opt_id(&f, "lead_unit_id"),
                    co_unit_ids: f
                        .all("co_unit_ids")
                        .iter()
                        .filter_map(|v| v.parse().ok())
                        .collect(),
                },
                now,
            )
            .await
            .map(|_| ()),
        "opinion" => sv
            .send_opinion(
                a,
                id,
                &OpinionInput {
                    text: f.get("text").into(),
                },
                now,
            )
            .await
            .map(|_| ()),
        "extension" => match date(&f, "to") {
            Ok(to) => sv
                .ask_proposal_extension(
                    a,
                    id,
                    &ExtensionInput {
                        to,
                        reason: f.get("reason").into(),
                    },
                    now,
                )
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "decide_extension" => sv
            .decide_proposal_extension(
                a,
                id,
                &ExtensionDecisionInput {
                    approve: f.get("approve") == "true",
                    comment: f.get("comment").into(),
                },
                now,
            )
            .await
            .map(|_| ()),
        "reply" => match date(&f, "commitment_due") {
            Ok(due) => sv
                .reply_proposal(
                    a,
                    id,
                    &ReplyInput {
                        text: f.get("text").into(),
                        grade: f.get("grade").into(),
                        commitment: f.get("commitment").into(),
                        commitment_due: due,
                    },
                    now,
                )
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "contact" => match date(&f, "on_date") {
            Ok(on_date) => sv
                .record_contact(
                    a,
                    id,
                    &ContactInput {
                        mode: f.get("mode").into(),
                        on_date,
                        note: f.get("note").into(),
                    },
                    now,
                )
                .await
                .map(|_| ()),
            Err(e) => Err(e),
        },
        "rate" => sv
            .rate_reply(
                a,
                id,
                &RateInput {
                    reply_id: opt_id(&f, "reply_id").unwrap_or_default(),
                    satisfaction: f.get("satisfaction").into(),
                    note: f.get("note").into(),
                },
                now,
            )
            .await
            .map(|_| ()),
        _ => Err(ServiceError::NotFound),
    };
    let toast = match action.as_str() {
        "route" => "proposal_routed",
        "opinion" => "proposal_opinion",
        "extension" => "proposal_extension",
        "decide_extension" => "proposal_extension_decided",
        "reply" => "proposal_replied",
        "contact" => "proposal_contact",
        _ => "proposal_rated",
    };
    match r {
        Ok(()) => Redirect::to(&format!("/proposals/{id}?done={toast}")).into_response(),
        Err(e) => match refused(&action, &e, user.lang) {
            Some(r) => proposal_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `GET /proposals/{id}/replies/{reply}/letter.docx`.
pub(crate) async fn letter(
    State(s): State<AppState>,
    user: PageUser,
    Path((id, reply)): Path<(i64, i64)>,
) -> Response {
    match s.services.reply_docx(&user.actor, id, reply).await {
        Ok((name, bytes)) => crate::api::docx(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
