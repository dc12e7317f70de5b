//! The assessment's forms: a unit appeals a line with its evidence files (multipart, read
//! within limits like the report form); the office decides an appeal and finalises a period.
//! Each posts, then goes back with a toast; a refused appeal shows the card again with its form
//! open and the message.

use super::{PeriodQuery, card_page};
use crate::AppState;
use crate::web::form::Fields;
use crate::web::upload::{self, Limits, Stop};
use crate::web::user::PageUser;
use axum::body::Bytes;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::t;
use ducha_service::ServiceError;
use ducha_service::assessment::{AppealDecisionInput, AppealInput, MAX_APPEAL_EVIDENCE};

/// Largest text field of the appeal form (the reason itself is bounded far lower).
const MAX_TEXT_FIELD: usize = 64 * 1024;
/// Fields after the token: the period, jurisdiction, line and reason, and the files, with room
/// to spare; the appeal's own rules bound the files further.
const MAX_FIELDS: usize = 24;
/// Room for the form's framing and text fields beside its files.
const SLACK: u64 = 1024 * 1024;

fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

fn query(f: &Fields) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("period", f.get("period"))
        .append_pair("scope", f.get("scope"))
        .finish()
}

/// The message of a refused form, in the user's language.
fn message(user: &PageUser, e: &ServiceError) -> Option<(StatusCode, String)> {
    match e {
        ServiceError::Invalid(v) => v.0.first().map(|f| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                ducha_domain::i18n::field_message(f, user.lang),
            )
        }),
        ServiceError::Rule(r) => Some((StatusCode::CONFLICT, t(r.key(), user.lang).to_string())),
        _ => None,
    }
}

/// `POST /assessment/units/{id}/appeal`: a multipart form of the line, the reason and new
/// evidence files. Whether the user may appeal for the unit, the origin and the CSRF token are
/// checked before any file is read; the appeal itself before any file is stored, so a refused
/// appeal leaves nothing behind.
pub(crate) async fn appeal(
    State(s): State<AppState>,
    user: PageUser,
    Path(unit): Path<String>,
    req: Request,
) -> Response {
    let Ok(unit) = unit.parse::<i64>() else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    if let Err(e) = s.services.may_appeal(&user.actor, unit) {
        return crate::AppError::from(e).into_response();
    }
    let max = s.services.config.evidence.max_bytes;
    let limits = Limits {
        body: max
            .saturating_mul(MAX_APPEAL_EVIDENCE as u64)
            .saturating_add(SLACK),
        fields: MAX_FIELDS,
    };
    let mut form = match upload::open(&user, req, limits).await {
        Ok(form) => form,
        Err(r) => return *r,
    };
    let mut f = Fields::default();
    let mut files = Vec::new();
    let mut refused: Option<&'static str> = None;
    'fields: loop {
        let field = match form.next().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(Stop::TooMany) => return Stop::TooMany.response(),
            Err(Stop::Unreadable) => {
                refused = Some("validation.upload");
                break;
            }
        };
        let name = field.name().unwrap_or("").to_string();
        if name != "files" {
            // Text fields are small; a huge one is refused before it fills memory.
            match upload::small(field, MAX_TEXT_FIELD).await {
                Some(text) => f.0.push((name, text)),
                None => return crate::AppError::TooLarge.into_response(),
            }
            continue;
        }
        let mut field = field;
        let filename = field.file_name().unwrap_or("").to_string();
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > usize::try_from(max).unwrap_or(usize::MAX) {
                        refused = Some("validation.file_too_large");
                        break 'fields;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => {
                    refused = Some("validation.upload");
                    break 'fields;
                }
            }
        }
        if !(bytes.is_empty() && filename.is_empty()) {
            if files.len() == MAX_APPEAL_EVIDENCE {
                refused = Some("validation.too_many_files");
                break;
            }
            files.push((filename, bytes));
        }
    }
    let mut input = AppealInput {
        scope_unit_id: f.get("scope").parse().ok(),
        period: f.get("period").to_string(),
        unit_id: unit,
        line_key: f.get("line").to_string(),
        reason: f.get("reason").to_string(),
        evidence_ids: vec![],
    };
    let now = ducha_service::now();
    let reshow = |user: PageUser, err: (StatusCode, String)| {
        let q = PeriodQuery {
            period: f.get("period").to_string(),
            scope: f.get("scope").to_string(),
            level: String::new(),
        };
        let line = f.get("line").to_string();
        let s = s.clone();
        async move { card_page(&s, user, unit, &q, line, Some(err)).await }
    };
    if let Some(key) = refused {
        let m = t(key, user.lang).to_string();
        return reshow(user, (StatusCode::UNPROCESSABLE_ENTITY, m)).await;
    }
    // The appeal is checked before its files are stored: a refused one stores nothing.
    let mut result = s.services.check_appeal(&user.actor, &input, now).await;
    if result.is_ok() {
        for (name, bytes) in files {
            match s
                .services
                .store_evidence(&user.actor, &name, bytes, now)
                .await
            {
                Ok(v) => input.evidence_ids.push(v.id),
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
    }
    let result = match result {
        Ok(()) => s
            .services
            .appeal_line(&user.actor, &input, now)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Redirect::to(&format!(
            "/assessment/units/{unit}?{}&done=appealed",
            query(&f)
        ))
        .into_response(),
        Err(e) => match message(&user, &e) {
            Some(err) => reshow(user, err).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /assessment/appeals/{id}/decide`.
pub(crate) async fn decide(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let input = AppealDecisionInput {
        accept: f.get("verdict") == "accept",
        comment: f.get("comment").to_string(),
    };
    match s
        .services
        .decide_appeal(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to("/assessment/appeals?done=appeal_decided").into_response(),
        Err(e) => match message(&user, &e) {
            Some((_, m)) => Redirect::to(&format!(
                "/assessment/appeals?error={}",
                form_urlencoded::byte_serialize(m.as_bytes()).collect::<String>()
            ))
            .into_response(),
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /assessment/finalize`.
pub(crate) async fn finalize(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let r = s
        .services
        .finalize_scores(
            &user.actor,
            f.get("scope").parse().ok(),
            f.get("period"),
            ducha_service::now(),
        )
        .await;
    match r {
        Ok(_) => Redirect::to(&format!("/assessment?{}&done=finalized", query(&f))).into_response(),
        Err(e) => match message(&user, &e) {
            Some((_, m)) => Redirect::to(&format!(
                "/assessment?{}&error={}",
                query(&f),
                form_urlencoded::byte_serialize(m.as_bytes()).collect::<String>()
            ))
            .into_response(),
            None => crate::AppError::from(e).into_response(),
        },
    }
}
