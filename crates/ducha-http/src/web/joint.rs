//! The integrated-supervision pages (整合督查资源): the leading group with its meetings and what
//! waits, a meeting with its agenda, decisions, pack and minutes, the quarter's planning
//! calendar of inspections with each unit's burden, one plan with its overlaps, and the
//! filing form.

mod forms;

pub(crate) use forms::{
    answer, decide_inspection, decision, edit_agenda, file, findings, hold, schedule, seat,
    withdraw,
};

use super::form::Errs;
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::joint::agenda::Why;
use ducha_domain::org::{Role, UnitKind};
use ducha_service::joint::{
    BurdenView, GroupView, InspectionView, MeetingSummary, MeetingView, PackView, QuarterInput,
    UnitBurden,
};
use ducha_service::{UnitView, UserView};
use serde::Deserialize;

/// A refused form: which form it was, and the messages.
pub(crate) struct Refused {
    /// The form's name (kept open on the page).
    pub form: String,
    /// The messages.
    pub errs: Errs,
}

fn status(refused: &Option<Refused>) -> StatusCode {
    if refused.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

fn reason_texts(reasons: &[Why], lang: Lang) -> Vec<String> {
    reasons.iter().map(|r| r.text(lang)).collect()
}

#[derive(Template)]
#[template(path = "joint.html")]
struct OverviewPage {
    lang: Lang,
    user: PageUser,
    group: GroupView,
    meetings: Vec<MeetingSummary>,
    waiting: Vec<InspectionView>,
    units: Vec<UnitView>,
    people: Vec<UserView>,
    today: String,
    refused: Option<Refused>,
}

impl Page for OverviewPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl OverviewPage {
    fn err(&self, field: &str) -> Option<String> {
        self.refused.as_ref().and_then(|r| r.errs.get(field))
    }
    fn general(&self) -> Option<String> {
        self.refused.as_ref().map(|r| {
            r.errs
                .general
                .clone()
                .unwrap_or_else(|| r.errs.rest().join("；"))
        })
    }
    fn leaders(&self) -> Vec<&UserView> {
        self.people
            .iter()
            .filter(|u| u.roles.contains(&Role::Leader))
            .collect()
    }
    fn unit_name(&self, id: &i64) -> String {
        self.units
            .iter()
            .find(|u| u.id == *id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    }
}

/// `GET /joint`: the leading group, its meetings and what waits for the reader.
pub(crate) async fn overview(State(s): State<AppState>, user: PageUser) -> Response {
    overview_page(&s, user, None).await
}

pub(crate) async fn overview_page(
    s: &AppState,
    user: PageUser,
    refused: Option<Refused>,
) -> Response {
    let now = ducha_service::now();
    let group = match s.services.leading_group(&user.actor).await {
        Ok(g) => g,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    if !user.actor.oversees() {
        return crate::AppError::from(ducha_service::ServiceError::Forbidden).into_response();
    }
    let meetings = s.services.meetings(&user.actor).await.unwrap_or_default();
    let waiting = s
        .services
        .inspections_waiting(&user.actor, now)
        .await
        .unwrap_or_default();
    let (units, people) = if group.can_manage {
        (
            s.services.list_units(&user.actor).await.unwrap_or_default(),
            s.services.list_users(&user.actor).await.unwrap_or_default(),
        )
    } else {
        (vec![], vec![])
    };
    let code = status(&refused);
    let page = OverviewPage {
        lang: user.lang,
        user,
        group,
        meetings,
        waiting,
        units,
        people,
        today: ducha_domain::calendar::china_date(now).to_string(),
        refused,
    };
    (code, render(&page)).into_response()
}

#[derive(Template)]
#[template(path = "joint_meeting.html")]
struct MeetingPage {
    lang: Lang,
    user: PageUser,
    m: MeetingView,
    units: Vec<UnitView>,
    refused: Option<Refused>,
}

impl Page for MeetingPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl MeetingPage {
    fn reasons(&self, r: &[Why]) -> Vec<String> {
        reason_texts(r, self.lang)
    }
    fn open(&self, form: &str) -> bool {
        self.refused.as_ref().is_some_and(|r| r.form == form)
    }
    fn error_of(&self, form: &str) -> Option<String> {
        self.refused.as_ref().filter(|r| r.form == form).map(|r| {
            r.errs
                .general
                .clone()
                .into_iter()
                .chain(r.errs.rest())
                .collect::<Vec<_>>()
                .join("；")
        })
    }
    /// Whether a decision of `kind` fits a line (with an item, or a topic of the office).
    fn kind_ok(&self, has_item: bool, kind: &&str) -> bool {
        has_item || matches!(*kind, "note" | "new_item" | "summons")
    }
    fn active_lines(&self) -> usize {
        self.m.lines.iter().filter(|l| !l.removed).count()
    }
}

/// `GET /joint/meetings/{id}`.
pub(crate) async fn meeting(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    meeting_page(&s, user, id, None).await
}

pub(crate) async fn meeting_page(
    s: &AppState,
    user: PageUser,
    id: i64,
    refused: Option<Refused>,
) -> Response {
    let m = match s
        .services
        .meeting(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(m) => m,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let units = if m.can_decide {
        s.services.list_units(&user.actor).await.unwrap_or_default()
    } else {
        vec![]
    };
    let code = status(&refused);
    let page = MeetingPage {
        lang: user.lang,
        user,
        m,
        units,
        refused,
    };
    (code, render(&page)).into_response()
}

#[derive(Template)]
#[template(path = "joint_pack.html")]
struct PackPage {
    lang: Lang,
    user: PageUser,
    meeting: MeetingSummary,
    pack: PackView,
}

impl Page for PackPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl PackPage {
    fn reasons(&self, r: &[Why]) -> Vec<String> {
        reason_texts(r, self.lang)
    }
    fn indent(&self, depth: &usize) -> usize {
        depth * 18
    }
}

/// `GET /joint/meetings/{id}/pack`: the pre-read pack as it was sent (printable).
pub(crate) async fn pack(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match s.services.meeting_pack(&user.actor, id).await {
        Ok((meeting, pack)) => render(&PackPage {
            lang: user.lang,
            user,
            meeting,
            pack,
        }),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `GET /joint/meetings/{id}/minutes.docx`.
pub(crate) async fn minutes(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match s
        .services
        .minutes_docx(&user.actor, id, user.lang, ducha_service::now())
        .await
    {
        Ok((name, bytes)) => crate::api::docx(bytes, &name),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "joint_inspections.html")]
struct CalendarPage {
    lang: Lang,
    user: PageUser,
    b: BurdenView,
    can_file: bool,
    mine: bool,
}

impl Page for CalendarPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl CalendarPage {
    fn week(&self, d: &chrono::NaiveDate) -> String {
        d.format("%m-%d").to_string()
    }
    fn budget(&self, u: &UnitBurden) -> String {
        match u.budget {
            Some(b) => format!(
                "{}/{} · {}/{} · {}/{}",
                u.load.visits, b.visits, u.load.days, b.days, u.load.forms, b.forms
            ),
            None => format!("{} · {} · {}", u.load.visits, u.load.days, u.load.forms),
        }
    }
    fn topic_of(&self, id: &i64) -> String {
        self.b
            .inspections
            .iter()
            .find(|i| i.id == *id)
            .map(|i| format!("{}：{}", i.body_name, i.topic))
            .unwrap_or_default()
    }
}

/// The calendar page's query as typed.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct CalendarQuery {
    quarter: Option<String>,
    mine: Option<String>,
}

/// `GET /joint/inspections`: the quarter's planning calendar.
pub(crate) async fn inspections(
    State(s): State<AppState>,
    user: PageUser,
    Query(raw): Query<CalendarQuery>,
) -> Response {
    // A page's query never fails on a stray value: `mine=1`, `mine=on` and `mine=true` all
    // narrow the list; anything else shows every body's plans.
    let q = QuarterInput {
        quarter: raw.quarter,
        mine: matches!(raw.mine.as_deref(), Some("1" | "true" | "on")),
    };
    match s
        .services
        .burden(&user.actor, &q, ducha_service::now())
        .await
    {
        Ok(b) => {
            let can_file = s
                .services
                .leading_group(&user.actor)
                .await
                .is_ok_and(|g| g.my_seat.is_some());
            render(&CalendarPage {
                lang: user.lang,
                user,
                b,
                can_file,
                mine: q.mine,
            })
        }
        Err(ducha_service::ServiceError::Invalid(_)) => {
            Box::pin(inspections(State(s), user, Query(CalendarQuery::default()))).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

#[derive(Template)]
#[template(path = "joint_inspection.html")]
struct InspectionPage {
    lang: Lang,
    user: PageUser,
    i: InspectionView,
    refused: Option<Refused>,
}

impl Page for InspectionPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl InspectionPage {
    fn error_of(&self, form: &str) -> Option<String> {
        self.refused.as_ref().filter(|r| r.form == form).map(|r| {
            r.errs
                .general
                .clone()
                .into_iter()
                .chain(r.errs.rest())
                .collect::<Vec<_>>()
                .join("；")
        })
    }
    fn units(&self, v: &[ducha_service::joint::UnitRef]) -> String {
        v.iter()
            .map(|u| u.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

/// `GET /joint/inspections/{id}`.
pub(crate) async fn inspection(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    inspection_page(&s, user, id, None).await
}

pub(crate) async fn inspection_page(
    s: &AppState,
    user: PageUser,
    id: i64,
    refused: Option<Refused>,
) -> Response {
    match s
        .services
        .inspection(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(i) => {
            let code = status(&refused);
            (
                code,
                render(&InspectionPage {
                    lang: user.lang,
                    user,
                    i,
                    refused,
                }),
            )
                .into_response()
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// The filing form's values, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct PlanForm {
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub basis: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub window_from: String,
    #[serde(default)]
    pub window_to: String,
    #[serde(default)]
    pub targets: Vec<i64>,
    #[serde(default)]
    pub people: String,
    #[serde(default)]
    pub days_on_site: String,
    #[serde(default)]
    pub forms: String,
    #[serde(default)]
    pub annual: bool,
}

#[derive(Template)]
#[template(path = "joint_inspection_new.html")]
struct NewPlanPage {
    lang: Lang,
    user: PageUser,
    body_name: String,
    units: Vec<UnitView>,
    f: PlanForm,
    errs: Errs,
}

impl Page for NewPlanPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl NewPlanPage {
    fn picked(&self, id: &i64) -> bool {
        self.f.targets.contains(id)
    }
    fn sel(&self, m: &str) -> &'static str {
        if self.f.method == m || (self.f.method.is_empty() && m == "onsite") {
            "selected"
        } else {
            ""
        }
    }
    fn indent(&self, depth: &usize) -> usize {
        depth.saturating_sub(1) * 14
    }
    fn grassroots(&self, k: &UnitKind) -> bool {
        !matches!(k, UnitKind::City | UnitKind::SupervisionBody)
    }
}

/// `GET /joint/inspections/new`.
pub(crate) async fn new_plan(State(s): State<AppState>, user: PageUser) -> Response {
    new_plan_page(
        &s,
        user,
        PlanForm {
            // In the annual plan only when the filer says so: an unplanned one needs the
            // office's approval (一事一报).
            annual: false,
            people: "3".into(),
            days_on_site: "1".into(),
            forms: "1".into(),
            ..PlanForm::default()
        },
        Errs::default(),
    )
    .await
}

pub(crate) async fn new_plan_page(
    s: &AppState,
    user: PageUser,
    f: PlanForm,
    errs: Errs,
) -> Response {
    let group = match s.services.leading_group(&user.actor).await {
        Ok(g) => g,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let Some(seat) = group.my_seat else {
        return crate::AppError::from(ducha_service::ServiceError::Forbidden).into_response();
    };
    let units: Vec<UnitView> = s
        .services
        .list_units(&user.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|u| u.parent_id.is_some())
        .collect();
    let code = if errs.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = NewPlanPage {
        lang: user.lang,
        user,
        body_name: seat.unit_name,
        units,
        f,
        errs,
    };
    (code, render(&page)).into_response()
}
