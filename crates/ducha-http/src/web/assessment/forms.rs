//! The assessment's forms: a unit appeals a line; the office decides an appeal and finalises a
//! period. Each posts, then goes back with a toast; a refused appeal shows the card again with
//! its form open and the message.

use super::{PeriodQuery, card_page};
use crate::AppState;
use crate::web::form::Fields;
use crate::web::user::PageUser;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::t;
use ducha_service::ServiceError;
use ducha_service::assessment::{AppealDecisionInput, AppealInput};

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

/// `POST /assessment/units/{id}/appeal`.
pub(crate) async fn appeal(
    State(s): State<AppState>,
    user: PageUser,
    Path(unit): Path<String>,
    body: Bytes,
) -> Response {
    let Ok(unit) = unit.parse::<i64>() else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let input = AppealInput {
        scope_unit_id: f.get("scope").parse().ok(),
        period: f.get("period").to_string(),
        unit_id: unit,
        line_key: f.get("line").to_string(),
        reason: f.get("reason").to_string(),
        evidence_ids: vec![],
    };
    match s
        .services
        .appeal_line(&user.actor, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/assessment/units/{unit}?{}&done=appealed",
            query(&f)
        ))
        .into_response(),
        Err(e) => match message(&user, &e) {
            Some(err) => {
                let q = PeriodQuery {
                    period: f.get("period").to_string(),
                    scope: f.get("scope").to_string(),
                    level: String::new(),
                };
                card_page(&s, user, unit, &q, input.line_key, Some(err)).await
            }
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
