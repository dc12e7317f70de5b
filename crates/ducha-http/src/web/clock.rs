//! Pages of the clock: the inbox, the printable urge notice (督办通知单), and the calendar admin
//! page where a system admin loads a newly published year.

use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::org::Role;
use ducha_service::clock::{CalendarYear, NoticeDetail, NotificationView};
use serde::Deserialize;

pub(crate) use super::user::PageUser;

/// The page a use case's result makes, or its translated error.
fn page<T>(r: ducha_service::ServiceResult<T>, f: impl FnOnce(T) -> Response) -> Response {
    match r {
        Ok(v) => f(v),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    lang: Lang,
    user: PageUser,
    notifications: Vec<NotificationView>,
    next_before: Option<i64>,
}

impl Page for InboxPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// `before` of the inbox page.
#[derive(Debug, Deserialize)]
pub(crate) struct BeforeQuery {
    before: Option<i64>,
}

pub(crate) async fn inbox(
    State(s): State<AppState>,
    user: PageUser,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<BeforeQuery>,
) -> Response {
    let r = s.services.inbox(&user.actor, user.lang, q.before, 30).await;
    page(r, |i| {
        render(&InboxPage {
            lang: user.lang,
            notifications: i.notifications,
            next_before: i.next_before,
            user,
        })
    })
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn read_all(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    let r = s
        .services
        .mark_read(&user.actor, None, ducha_service::now())
        .await;
    page(r, |_| Redirect::to("/inbox").into_response())
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    lang: Lang,
    user: PageUser,
    d: NoticeDetail,
}

impl NoticePage {
    fn can_ack(&self) -> bool {
        self.d.notice.actions.contains(&"acknowledge")
    }
}

impl Page for NoticePage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

pub(crate) async fn notice(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    let r = s.services.notice_detail(&user.actor, id).await;
    page(r, |d| {
        render(&NoticePage {
            lang: user.lang,
            user,
            d,
        })
    })
}

pub(crate) async fn acknowledge(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    let r = s
        .services
        .acknowledge_notice(&user.actor, id, ducha_service::now())
        .await;
    page(r, |_| {
        Redirect::to(&format!("/notices/{id}")).into_response()
    })
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    lang: Lang,
    user: PageUser,
    y: CalendarYear,
    admin: bool,
    text: String,
    errors: Vec<String>,
    loaded: Option<String>,
}

impl Page for CalendarPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

/// `year` of the calendar page.
#[derive(Debug, Deserialize)]
pub(crate) struct YearQuery {
    year: Option<i32>,
}

pub(crate) async fn calendar(
    State(s): State<AppState>,
    user: PageUser,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<YearQuery>,
) -> Response {
    let this_year =
        chrono::Datelike::year(&ducha_domain::calendar::china_date(ducha_service::now()));
    let year = q
        .year
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or(this_year);
    calendar_page(&s, user, year, String::new(), vec![], None).await
}

async fn calendar_page(
    s: &AppState,
    user: PageUser,
    year: i32,
    text: String,
    errors: Vec<String>,
    loaded: Option<String>,
) -> Response {
    match s.services.calendar_year(year).await {
        Ok(y) => {
            let status = if errors.is_empty() {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            let admin = user.actor.has(Role::SystemAdmin);
            (
                status,
                render(&CalendarPage {
                    lang: user.lang,
                    user,
                    y,
                    admin,
                    text,
                    errors,
                    loaded,
                }),
            )
                .into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// The calendar file pasted or uploaded as text.
#[derive(Debug, Deserialize)]
pub(crate) struct CalendarForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    text: String,
}

pub(crate) async fn load_calendar(
    State(s): State<AppState>,
    user: PageUser,
    Form(form): Form<CalendarForm>,
) -> Response {
    if let Some(r) = user.refuse_csrf(&form.csrf) {
        return r;
    }
    let lang = user.lang;
    match s
        .services
        .load_calendar(Some(&user.actor), &form.text, ducha_service::now())
        .await
    {
        Ok(done) => {
            let year = done.years.first().copied().unwrap_or(2026);
            let msg = format!(
                "{} {} ({:?})",
                ducha_domain::i18n::t("ui.calendar_loaded", lang),
                done.days,
                done.years
            );
            calendar_page(&s, user, year, String::new(), vec![], Some(msg)).await
        }
        Err(ducha_service::ServiceError::Invalid(v)) => {
            let errors =
                v.0.iter()
                    .map(|f| format!("{}: {}", f.field, ducha_domain::i18n::t(f.key, lang)))
                    .collect();
            let year =
                chrono::Datelike::year(&ducha_domain::calendar::china_date(ducha_service::now()));
            calendar_page(&s, user, year, form.text, errors, None).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}
