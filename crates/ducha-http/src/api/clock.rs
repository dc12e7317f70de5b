//! The clock: calendar, urge notices, summonses, the inbox and its preferences, dead letters.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{AppError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Id};
use axum::Json;
use axum::extract::{Path, State};
use chrono::NaiveDate;
use ducha_service::clock::{
    CalendarLoaded, CalendarYear, Inbox, NoticeDetail, NoticeInput, NoticeView, NotifyPrefs,
    OutboxView, SummonsView, UnitLights,
};
use ducha_service::{Created, Done};
use serde::{Deserialize, Serialize};

/// A calendar file's text: `DATE holiday|workday NAME` per line.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct CalendarText {
    /// The file's content.
    text: String,
}

#[utoipa::path(get, path = "/calendar/{year}", tag = "clock", params(("year" = i32, Path)),
    responses((status = 200, body = CalendarYear),
        (status = 422, description = "Not a year from 2000 to 2100", body = ErrorBody)))]
pub(crate) async fn calendar_year(
    State(s): State<AppState>,
    _auth: Auth,
    Path(year): Path<String>,
) -> Result<Json<CalendarYear>, AppError> {
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or_else(|| {
            AppError::from(ducha_domain::ValidationErrors::single(
                "year",
                "validation.out_of_range",
            ))
        })?;
    Ok(Json(s.services.calendar_year(year).await?))
}

#[utoipa::path(post, path = "/calendar", tag = "clock", request_body = CalendarText,
    responses((status = 200, body = CalendarLoaded), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn load_calendar(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<CalendarText>,
) -> Result<Json<CalendarLoaded>, AppError> {
    if input.text.len() > 64 * 1024 {
        return Err(ducha_domain::ValidationErrors::single("text", "validation.too_long").into());
    }
    Ok(Json(
        s.services
            .load_calendar(Some(&auth.actor), &input.text, ducha_service::now())
            .await?,
    ))
}

/// `n` working days after `from`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AddQuery {
    /// Start date (not counted).
    from: NaiveDate,
    /// Working days, 0–1000.
    n: u32,
}

/// A date.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct DateOut {
    /// The date.
    date: NaiveDate,
}

#[utoipa::path(get, path = "/calendar/add", tag = "clock", params(AddQuery),
    responses((status = 200, body = DateOut), (status = 422, body = ErrorBody)))]
pub(crate) async fn calendar_add(
    State(s): State<AppState>,
    _auth: Auth,
    ApiQuery(q): ApiQuery<AddQuery>,
) -> Result<Json<DateOut>, AppError> {
    let year = chrono::Datelike::year(&q.from);
    if q.n > 1000 || !(2000..=2100).contains(&year) {
        return Err(ducha_domain::ValidationErrors::single("n", "validation.out_of_range").into());
    }
    Ok(Json(DateOut {
        date: s.services.add_working_days(q.from, q.n),
    }))
}

#[utoipa::path(post, path = "/assignments/{id}/notices", tag = "clock", params(("id" = i64, Path)),
    request_body = NoticeInput,
    responses((status = 200, body = Created), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn issue_notice(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<Json<Created>, AppError> {
    Ok(Json(
        s.services
            .issue_notice(&auth.actor, id, &input, ducha_service::now())
            .await?,
    ))
}

/// Paging of lists newest first.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Before {
    /// Only rows with a smaller id.
    before: Option<i64>,
    /// Page size (default 50).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/notices", tag = "clock", params(Before),
    responses((status = 200, description = "Notices within what the caller sees, newest first", body = Vec<NoticeView>)))]
pub(crate) async fn notices(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<Before>,
) -> Result<Json<Vec<NoticeView>>, AppError> {
    Ok(Json(
        s.services
            .list_notices(&auth.actor, q.before, q.limit.unwrap_or(50))
            .await?,
    ))
}

#[utoipa::path(get, path = "/notices/{id}", tag = "clock", params(("id" = i64, Path)),
    responses((status = 200, body = NoticeDetail), (status = 404, body = ErrorBody)))]
pub(crate) async fn notice(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<NoticeDetail>, AppError> {
    Ok(Json(s.services.notice_detail(&auth.actor, id).await?))
}

#[utoipa::path(post, path = "/notices/{id}/acknowledge", tag = "clock", params(("id" = i64, Path)),
    responses((status = 200, body = Done), (status = 409, body = ErrorBody)))]
pub(crate) async fn acknowledge(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Done>, AppError> {
    Ok(Json(
        s.services
            .acknowledge_notice(&auth.actor, id, ducha_service::now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/summonses", tag = "clock",
    responses((status = 200, description = "Summons recommendations (约谈) after consecutive red notices", body = Vec<SummonsView>)))]
pub(crate) async fn summonses(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<Vec<SummonsView>>, AppError> {
    Ok(Json(s.services.list_summonses(&auth.actor).await?))
}

#[utoipa::path(get, path = "/inbox", tag = "clock", params(Before),
    responses((status = 200, body = Inbox)))]
pub(crate) async fn inbox(
    State(s): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<Before>,
) -> Result<Json<Inbox>, AppError> {
    // Titles and texts in the reader's language (cookie, else Accept-Language).
    let lang = crate::error::request_lang(&headers);
    Ok(Json(
        s.services
            .inbox(&auth.actor, lang, q.before, q.limit.unwrap_or(50))
            .await?,
    ))
}

/// Which notifications to mark read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub(crate) struct ReadInput {
    /// These; all when absent.
    ids: Option<Vec<i64>>,
}

/// How many rows a command changed.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub(crate) struct Count {
    /// Rows.
    count: u64,
}

#[utoipa::path(post, path = "/inbox/read", tag = "clock", request_body = ReadInput,
    responses((status = 200, body = Count)))]
pub(crate) async fn mark_read(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<ReadInput>,
) -> Result<Json<Count>, AppError> {
    let count = s
        .services
        .mark_read(&auth.actor, input.ids.as_deref(), ducha_service::now())
        .await?;
    Ok(Json(Count { count }))
}

#[utoipa::path(get, path = "/me/notify-prefs", tag = "clock", responses((status = 200, body = NotifyPrefs)))]
pub(crate) async fn prefs(
    State(s): State<AppState>,
    auth: Auth,
) -> Result<Json<NotifyPrefs>, AppError> {
    Ok(Json(s.services.notify_prefs(&auth.actor).await?))
}

#[utoipa::path(put, path = "/me/notify-prefs", tag = "clock", request_body = NotifyPrefs,
    responses((status = 200, body = NotifyPrefs), (status = 422, body = ErrorBody)))]
pub(crate) async fn set_prefs(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<NotifyPrefs>,
) -> Result<Json<NotifyPrefs>, AppError> {
    Ok(Json(
        s.services.set_notify_prefs(&auth.actor, &input).await?,
    ))
}

/// The language of one's e-mails, text messages and digests.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub(crate) struct UserLang {
    /// `zh-CN` or `en`.
    lang: String,
}

#[utoipa::path(put, path = "/me/lang", tag = "clock", request_body = UserLang,
    responses((status = 200, body = UserLang),
        (status = 422, description = "Neither zh-CN nor en", body = ErrorBody)))]
pub(crate) async fn set_lang(
    State(s): State<AppState>,
    auth: Auth,
    ApiJson(input): ApiJson<UserLang>,
) -> Result<Json<UserLang>, AppError> {
    let lang = s.services.set_user_lang(&auth.actor, &input.lang).await?;
    Ok(Json(UserLang {
        lang: lang.tag().to_string(),
    }))
}

/// Outbox rows in a state.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct StateQuery {
    /// `dead` (default), `pending`, `held`, `sent` or `merged`.
    state: Option<String>,
}

#[utoipa::path(get, path = "/outbox", tag = "clock", params(StateQuery),
    responses((status = 200, description = "Deliveries in a state (the dead-letter view by default); system admins", body = Vec<OutboxView>)))]
pub(crate) async fn outbox(
    State(s): State<AppState>,
    auth: Auth,
    headers: axum::http::HeaderMap,
    ApiQuery(q): ApiQuery<StateQuery>,
) -> Result<Json<Vec<OutboxView>>, AppError> {
    let state = q.state.unwrap_or_else(|| "dead".into());
    let lang = crate::error::request_lang(&headers);
    Ok(Json(s.services.outbox(&auth.actor, &state, lang).await?))
}

#[utoipa::path(post, path = "/outbox/{id}/retry", tag = "clock", params(("id" = i64, Path)),
    responses((status = 200, body = Count), (status = 404, body = ErrorBody)))]
pub(crate) async fn retry(
    State(s): State<AppState>,
    auth: Auth,
    Id(id): Id,
) -> Result<Json<Count>, AppError> {
    s.services.retry_dead_letter(&auth.actor, id).await?;
    Ok(Json(Count { count: 1 }))
}

/// Which subtree.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UnitQuery {
    /// A unit the caller sees; default the caller's whole view.
    unit_id: Option<i64>,
}

#[utoipa::path(get, path = "/lights/units", tag = "clock", params(UnitQuery),
    responses((status = 200, description = "Open assignments per light for each unit, most red first", body = Vec<UnitLights>),
        (status = 404, body = ErrorBody)))]
pub(crate) async fn unit_lights(
    State(s): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<UnitQuery>,
) -> Result<Json<Vec<UnitLights>>, AppError> {
    Ok(Json(s.services.unit_lights(&auth.actor, q.unit_id).await?))
}
