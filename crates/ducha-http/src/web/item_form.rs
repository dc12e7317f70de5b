//! The item form: register a draft (登记) and edit it.

use super::form::{Errs, Fields};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_domain::item::{Cadence, Category, ItemInput, ItemSpec, Priority, Source, Target};
use ducha_domain::org::Role;
use ducha_service::{ItemDetail, ServiceError, UserView};

/// The values a form shows: what was typed, so an invalid form comes back as it was sent.
#[derive(Debug, Default)]
pub(crate) struct ItemValues {
    title: String,
    description: String,
    source: String,
    category: String,
    priority: String,
    targets: Vec<(String, String, String)>,
    deadline: String,
    deadline_days: String,
    cadence: String,
    cadence_n: String,
    leader: String,
    public: bool,
    version: i64,
}

impl ItemValues {
    fn from_detail(d: &ItemDetail) -> Self {
        let (cadence, n) = match d.cadence {
            Cadence::None => ("none", String::new()),
            Cadence::Weekly { weekday } => ("weekly", weekday.to_string()),
            Cadence::Monthly { day } => ("monthly", day.to_string()),
            Cadence::EveryWorkingDays { n } => ("every_working_days", n.to_string()),
        };
        ItemValues {
            title: d.title.clone(),
            description: d.description.clone(),
            source: d.source.as_str().into(),
            category: d.category.as_str().into(),
            priority: d.priority.as_str().into(),
            targets: d
                .targets
                .iter()
                .map(|t| (t.name.clone(), t.unit.clone(), t.value.to_string()))
                .collect(),
            deadline: if d.deadline_working_days.is_some() {
                String::new()
            } else {
                d.deadline.to_string()
            },
            deadline_days: d
                .deadline_working_days
                .map(|n| n.to_string())
                .unwrap_or_default(),
            cadence: cadence.into(),
            cadence_n: n,
            leader: d.leader_id.map(|l| l.to_string()).unwrap_or_default(),
            public: d.public,
            version: d.version,
        }
    }

    fn from_form(f: &Fields) -> Self {
        let names = f.all("target_name");
        let units = f.all("target_unit");
        let values = f.all("target_value");
        ItemValues {
            title: f.get("title").into(),
            description: f.get("description").into(),
            source: f.get("source").into(),
            category: f.get("category").into(),
            priority: f.get("priority").into(),
            targets: (0..names.len())
                .map(|i| {
                    let at = |v: &[&str]| v.get(i).copied().unwrap_or("").to_string();
                    (at(&names), at(&units), at(&values))
                })
                .filter(|(n, u, v)| {
                    !(n.trim().is_empty() && u.trim().is_empty() && v.trim().is_empty())
                })
                .collect(),
            deadline: f.get("deadline").into(),
            deadline_days: f.get("deadline_days").into(),
            cadence: f.get("cadence").into(),
            cadence_n: f.get("cadence_n").into(),
            leader: f.get("leader").into(),
            public: f.checked("public"),
            version: f.get("version").parse().unwrap_or(0),
        }
    }

    /// The use case's input, or the fields that are not even numbers or dates.
    fn input(&self, errs: &mut Errs, lang: Lang) -> ItemInput {
        let mut targets = Vec::new();
        for (i, (name, unit, value)) in self.targets.iter().enumerate() {
            let value = match value.trim().parse::<f64>() {
                Ok(v) => v,
                Err(_) => {
                    errs.add(
                        &format!("targets[{i}].value"),
                        "validation.non_negative_number",
                        lang,
                    );
                    0.0
                }
            };
            targets.push(Target {
                name: name.clone(),
                unit: unit.clone(),
                value,
            });
        }
        let deadline = match self.deadline.trim() {
            "" => None,
            d => d
                .parse()
                .map_err(|_| errs.add("deadline", "validation.invalid_value", lang))
                .ok(),
        };
        let deadline_working_days = match self.deadline_days.trim() {
            "" => None,
            d => d
                .parse()
                .map_err(|_| errs.add("deadline_working_days", "validation.out_of_range", lang))
                .ok(),
        };
        let n: Option<u16> = self.cadence_n.trim().parse().ok();
        let byte = n.and_then(|n| u8::try_from(n).ok());
        let cadence = match self.cadence.as_str() {
            "weekly" => byte.map(|weekday| Cadence::Weekly { weekday }),
            "monthly" => byte.map(|day| Cadence::Monthly { day }),
            "every_working_days" => n.map(|n| Cadence::EveryWorkingDays { n }),
            _ => Some(Cadence::None),
        }
        .unwrap_or_else(|| {
            errs.add("cadence", "validation.out_of_range", lang);
            Cadence::None
        });
        ItemInput {
            title: self.title.clone(),
            description: self.description.clone(),
            source: self.source.clone(),
            category: self.category.clone(),
            priority: Some(self.priority.clone()).filter(|p| !p.is_empty()),
            targets,
            deadline,
            deadline_working_days,
            cadence: Some(cadence),
            leader_id: self.leader.parse().ok(),
            public: self.public,
        }
    }
}

#[derive(Template)]
#[template(path = "item_form.html")]
pub(crate) struct ItemForm {
    lang: Lang,
    user: PageUser,
    /// The draft being edited; none when registering.
    item_id: Option<i64>,
    v: ItemValues,
    leaders: Vec<UserView>,
    errs: Errs,
    /// The last year whose official holiday schedule is loaded.
    scheduled_until: Option<i32>,
}

impl Page for ItemForm {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl ItemForm {
    fn sources(&self) -> Vec<&'static str> {
        Source::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn categories(&self) -> Vec<&'static str> {
        Category::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn priorities(&self) -> Vec<&'static str> {
        Priority::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn cadences(&self) -> [&'static str; 4] {
        ["none", "weekly", "monthly", "every_working_days"]
    }
    /// The target rows to show: those typed plus blank ones to fill.
    fn target_rows(&self) -> Vec<(String, String, String)> {
        let mut rows = self.v.targets.clone();
        rows.resize(rows.len().max(1) + 2, Default::default());
        rows
    }
    /// Says how far the working-day calendar is loaded, so a deadline counted in working days
    /// beyond it is not taken as final.
    fn calendar_hint(&self) -> String {
        match self.scheduled_until {
            Some(y) => self.tf("ui.calendar_until", serde_json::json!({ "year": y })),
            None => self.t("ui.calendar_none"),
        }
    }
    fn action(&self) -> String {
        match self.item_id {
            Some(id) => format!("/items/{id}/edit"),
            None => "/items/new".into(),
        }
    }
}

async fn leaders(s: &AppState, user: &PageUser) -> Vec<UserView> {
    s.services
        .list_users(&user.actor)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|u| u.active && u.roles.contains(&Role::Leader))
        .collect()
}

async fn show_form(
    s: &AppState,
    user: PageUser,
    item_id: Option<i64>,
    v: ItemValues,
    errs: Errs,
) -> Response {
    let status = if errs.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let leaders = leaders(s, &user).await;
    let page = ItemForm {
        lang: user.lang,
        user,
        item_id,
        v,
        leaders,
        errs,
        scheduled_until: s.services.calendar().last_scheduled_year(),
    };
    (status, render(&page)).into_response()
}

/// `GET /items/new`.
pub(crate) async fn new_item(State(s): State<AppState>, user: PageUser) -> Response {
    if !user.is_supervisor() {
        return crate::AppError::Service(ServiceError::Forbidden).into_response();
    }
    let v = ItemValues {
        source: "meeting".into(),
        category: "central_work".into(),
        priority: "normal".into(),
        cadence: "none".into(),
        ..ItemValues::default()
    };
    show_form(&s, user, None, v, Errs::default()).await
}

/// `GET /items/{id}/edit`.
pub(crate) async fn edit_item(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    match s.services.item_detail(&user.actor, id).await {
        Ok(d) if d.actions.contains(&"edit") => {
            show_form(
                &s,
                user,
                Some(id),
                ItemValues::from_detail(&d),
                Errs::default(),
            )
            .await
        }
        Ok(_) => crate::AppError::Service(ServiceError::Forbidden).into_response(),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// `POST /items/new` and `POST /items/{id}/edit`.
async fn save(s: AppState, user: PageUser, item_id: Option<i64>, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let lang = user.lang;
    let v = ItemValues::from_form(&f);
    let mut errs = Errs::default();
    let input = v.input(&mut errs, lang);
    let now = ducha_service::now();
    if errs.any() {
        // Show the domain's own messages for the other fields too, not one error at a time.
        let today = s.services.today(now);
        if let Err(e) = ItemSpec::parse(&input, today, &s.services.calendar()) {
            for f in &e.0 {
                if !errs.has(&f.field) {
                    errs.add(&f.field, f.key, lang);
                }
            }
        }
        return show_form(&s, user, item_id, v, errs).await;
    }
    let r = match item_id {
        None => s
            .services
            .create_item(&user.actor, &input, now)
            .await
            .map(|c| (c.id, "created")),
        Some(id) => s
            .services
            .edit_item(&user.actor, id, v.version, &input, now)
            .await
            .map(|_| (id, "saved")),
    };
    match r {
        Ok((id, done)) => Redirect::to(&format!("/items/{id}?done={done}")).into_response(),
        Err(ServiceError::Invalid(e)) => {
            let errs = Errs::from_validation(&e, lang);
            show_form(&s, user, item_id, v, errs).await
        }
        Err(ServiceError::Rule(rule)) => {
            show_form(&s, user, item_id, v, Errs::general(rule.key(), lang)).await
        }
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

pub(crate) async fn create(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    save(s, user, None, body).await
}

pub(crate) async fn update(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    save(s, user, Some(id), body).await
}
