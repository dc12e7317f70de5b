//! The integrated-supervision forms. Each posts, then goes back with a toast; a refused form
//! shows its page again with the form open and the translated message, and nothing changed.

use super::{PlanForm, Refused, inspection_page, meeting_page, new_plan_page, overview_page};
use crate::AppState;
use crate::web::form::{Errs, Fields};
use crate::web::user::PageUser;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use ducha_domain::i18n::Lang;
use ducha_domain::joint::inspections::InspectionInput;
use ducha_service::ServiceError;
use ducha_service::joint::{
    AgendaEditInput, AnswerInput, DecisionInput, FindingInput, FindingsInput, HoldInput,
    InspectionDecisionInput, MeetingInput, SeatInput, WithdrawInput,
};

fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

fn id_of(raw: &str) -> Result<i64, Box<Response>> {
    raw.parse::<i64>()
        .map_err(|_| Box::new(crate::AppError::Service(ServiceError::NotFound).into_response()))
}

/// The messages of a refused command, or `None` when it is not the form's fault.
fn refused(form: &str, e: &ServiceError, lang: Lang) -> Option<Refused> {
    let errs = match e {
        ServiceError::Invalid(v) => Errs::from_validation(v, lang),
        ServiceError::Rule(r) => Errs::general(r.key(), lang),
        _ => return None,
    };
    Some(Refused {
        form: form.into(),
        errs,
    })
}

fn date(f: &Fields, name: &str) -> Result<Option<NaiveDate>, ServiceError> {
    match f.get(name).trim() {
        "" => Ok(None),
        s => s.parse().map(Some).map_err(|_| {
            ducha_domain::ValidationErrors::single(name.to_string(), "validation.date").into()
        }),
    }
}

fn opt_id(f: &Fields, name: &str) -> Option<i64> {
    f.get(name).trim().parse().ok()
}

/// `POST /joint/seats`.
pub(crate) async fn seat(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let input = SeatInput {
        position: f.get("position").into(),
        unit_id: opt_id(&f, "unit_id"),
        body_kind: f.opt("body_kind").map(str::to_string),
        user_id: opt_id(&f, "user_id"),
        lead_topics: f.get("lead_topics").into(),
    };
    match s
        .services
        .fill_seat(&user.actor, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to("/joint?done=seat_filled").into_response(),
        Err(e) => match refused("seat", &e, user.lang) {
            Some(r) => overview_page(&s, user, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/meetings`.
pub(crate) async fn schedule(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let r = match date(&f, "held_on") {
        Ok(Some(held_on)) => {
            let input = MeetingInput {
                title: f.get("title").into(),
                held_on,
                place: f.get("place").into(),
                chair_user_id: opt_id(&f, "chair_user_id"),
                seat_ids: vec![],
            };
            s.services
                .schedule_meeting(&user.actor, &input, ducha_service::now())
                .await
        }
        Ok(None) => {
            Err(ducha_domain::ValidationErrors::single("held_on", "validation.required").into())
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(c) => Redirect::to(&format!("/joint/meetings/{}?done=meeting_scheduled", c.id))
            .into_response(),
        Err(e) => match refused("meeting", &e, user.lang) {
            Some(r) => overview_page(&s, user, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/meetings/{id}/agenda`.
pub(crate) async fn edit_agenda(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    // An item is named by its official number (督〔2026〕15号), its title or its id.
    let mut item_id = opt_id(&f, "item_id").or_else(|| opt_id(&f, "item"));
    let named = f.get("item").trim();
    if item_id.is_none() && !named.is_empty() {
        let q = ducha_service::items::ListInput {
            q: Some(named.into()),
            limit: Some(2),
            ..Default::default()
        };
        item_id = Some(
            s.services
                .list_items(&user.actor, &q)
                .await
                .ok()
                .filter(|p| p.items.len() == 1)
                .map_or(0, |p| p.items[0].id),
        );
    }
    let input = AgendaEditInput {
        op: f.get("op").into(),
        line_id: opt_id(&f, "line_id"),
        item_id,
        topic: f.get("topic").into(),
        note: f.get("note").into(),
    };
    match s
        .services
        .edit_agenda(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => {
            Redirect::to(&format!("/joint/meetings/{id}?done=agenda_edited#agenda")).into_response()
        }
        Err(e) => match refused("agenda", &e, user.lang) {
            Some(r) => meeting_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/meetings/{id}/hold`.
pub(crate) async fn hold(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let input = HoldInput {
        summary: f.get("summary").into(),
    };
    match s
        .services
        .hold_meeting(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/joint/meetings/{id}?done=meeting_held")).into_response(),
        Err(e) => match refused("hold", &e, user.lang) {
            Some(r) => meeting_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/meetings/{id}/decisions`.
pub(crate) async fn decision(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let line = opt_id(&f, "line_id").unwrap_or_default();
    let form = format!("decide-{line}");
    let r = match date(&f, "deadline") {
        Ok(deadline) => {
            let input = DecisionInput {
                line_id: line,
                kind: f.get("kind").into(),
                text: f.get("text").into(),
                title: f.get("title").into(),
                unit_id: opt_id(&f, "unit_id"),
                co_unit_ids: f
                    .all("co_unit_ids")
                    .iter()
                    .filter_map(|v| v.parse().ok())
                    .collect(),
                deadline,
            };
            s.services
                .record_decision(&user.actor, id, &input, ducha_service::now())
                .await
        }
        Err(e) => Err(e),
    };
    match r {
        Ok(_) => Redirect::to(&format!(
            "/joint/meetings/{id}?done=decision_recorded#line-{line}"
        ))
        .into_response(),
        Err(e) => match refused(&form, &e, user.lang) {
            Some(r) => meeting_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

fn number(
    f: &Fields,
    name: &str,
    errs: &mut ducha_domain::ValidationErrors,
    key: &'static str,
) -> u32 {
    match f.get(name).trim() {
        "" => 0,
        v => v.parse().unwrap_or_else(|_| {
            errs.add(name, key);
            0
        }),
    }
}

/// `POST /joint/inspections`: a body files a plan; its page shows the overlaps at once.
pub(crate) async fn file(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let form = PlanForm {
        topic: f.get("topic").into(),
        basis: f.get("basis").into(),
        method: f.get("method").into(),
        window_from: f.get("window_from").into(),
        window_to: f.get("window_to").into(),
        targets: f
            .all("targets")
            .iter()
            .filter_map(|v| v.parse().ok())
            .collect(),
        people: f.get("people").into(),
        days_on_site: f.get("days_on_site").into(),
        forms: f.get("forms").into(),
        annual: f.checked("annual"),
    };
    let mut e = ducha_domain::ValidationErrors::default();
    let people = number(&f, "people", &mut e, "validation.people_range");
    let days = number(&f, "days_on_site", &mut e, "validation.days_range");
    let forms = number(&f, "forms", &mut e, "validation.forms_range");
    let from = date(&f, "window_from");
    let to = date(&f, "window_to");
    let r = match (from, to) {
        (Ok(Some(from)), Ok(Some(to))) if e.0.is_empty() => {
            let input = InspectionInput {
                topic: form.topic.clone(),
                basis: form.basis.clone(),
                method: form.method.clone(),
                window_from: from,
                window_to: to,
                target_unit_ids: form.targets.clone(),
                people,
                days_on_site: days,
                forms,
                annual: form.annual,
            };
            s.services
                .file_inspection(&user.actor, &input, ducha_service::now())
                .await
        }
        (from, to) => {
            for (name, d) in [("window_from", from), ("window_to", to)] {
                match d {
                    Ok(Some(_)) => {}
                    Ok(None) => e.add(name, "validation.required"),
                    Err(_) => e.add(name, "validation.date"),
                }
            }
            Err(e.into())
        }
    };
    match r {
        Ok(v) => {
            let done = if v.overlaps.is_empty() {
                "inspection_filed"
            } else {
                "inspection_overlaps"
            };
            Redirect::to(&format!("/joint/inspections/{}?done={done}", v.id)).into_response()
        }
        Err(e) => match refused("file", &e, user.lang) {
            Some(r) => new_plan_page(&s, user, form, r.errs).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/inspections/{id}/decide`.
pub(crate) async fn decide_inspection(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let input = InspectionDecisionInput {
        approve: f.get("verdict") == "approve",
        comment: f.get("comment").into(),
    };
    match s
        .services
        .decide_inspection(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/joint/inspections/{id}?done=inspection_decided"))
            .into_response(),
        Err(e) => match refused("decide", &e, user.lang) {
            Some(r) => inspection_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/inspections/{id}/withdraw`.
pub(crate) async fn withdraw(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let input = WithdrawInput {
        reason: f.get("reason").into(),
    };
    match s
        .services
        .withdraw_inspection(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!(
            "/joint/inspections/{id}?done=inspection_withdrawn"
        ))
        .into_response(),
        Err(e) => match refused("withdraw", &e, user.lang) {
            Some(r) => inspection_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/overlaps/{id}/answer`: back to the plan it was answered from.
pub(crate) async fn answer(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let back = opt_id(&f, "from").unwrap_or_default();
    let input = AnswerInput {
        merge: f.get("answer") == "merge",
        reason: f.get("reason").into(),
    };
    match s
        .services
        .answer_overlap(&user.actor, id, &input, ducha_service::now())
        .await
    {
        Ok(_) => {
            let done = if input.merge {
                "merged"
            } else {
                "merge_declined"
            };
            Redirect::to(&format!("/joint/inspections/{back}?done={done}")).into_response()
        }
        Err(e) => match refused(&format!("answer-{id}"), &e, user.lang) {
            Some(r) => inspection_page(&s, user, back, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}

/// `POST /joint/inspections/{id}/findings`: the filled rows become rectification items.
pub(crate) async fn findings(
    State(s): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (id, f) = match id_of(&id).and_then(|id| checked(&user, &body).map(|f| (id, f))) {
        Ok(x) => x,
        Err(r) => return *r,
    };
    let units = f.all("unit_id");
    let texts = f.all("text");
    let dates = f.all("deadline");
    let mut rows = Vec::new();
    let mut e = ducha_domain::ValidationErrors::default();
    for (k, text) in texts.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        let unit = units.get(k).and_then(|u| u.parse().ok());
        let deadline = dates.get(k).and_then(|d| d.parse::<NaiveDate>().ok());
        match (unit, deadline) {
            (Some(unit_id), Some(deadline)) => rows.push(FindingInput {
                unit_id,
                text: (*text).to_string(),
                deadline,
            }),
            (None, _) => e.add(format!("findings[{k}].unit_id"), "validation.required"),
            (_, None) => e.add(format!("findings[{k}].deadline"), "validation.date"),
        }
    }
    let r = if e.0.is_empty() {
        s.services
            .record_findings(
                &user.actor,
                id,
                &FindingsInput { findings: rows },
                ducha_service::now(),
            )
            .await
    } else {
        Err(e.into())
    };
    match r {
        Ok(_) => {
            Redirect::to(&format!("/joint/inspections/{id}?done=findings_recorded")).into_response()
        }
        Err(e) => match refused("findings", &e, user.lang) {
            Some(r) => inspection_page(&s, user, id, Some(r)).await,
            None => crate::AppError::from(e).into_response(),
        },
    }
}
