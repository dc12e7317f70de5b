//! Handing work out (交办 / 分解交办): the searchable unit picker that dispatches an approved item
//! to lead and co-units, or hands an assignment down to the units below; a refused form comes
//! back as it was sent.

use super::form::{Errs, Fields};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::i18n::Lang;
use ducha_service::items::{AssignmentInput, DispatchInput};
use ducha_service::{ItemDetail, ServiceError, UnitView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "dispatch.html")]
pub(crate) struct DispatchForm {
    lang: Lang,
    user: PageUser,
    d: ItemDetail,
    /// The assignment being handed down; none when dispatching the item.
    parent: Option<ducha_service::AssignmentView>,
    units: Vec<UnitView>,
    /// The root of the picker: units strictly below it are offered.
    root_depth: usize,
    lead: Vec<i64>,
    co: Vec<i64>,
    instructions: String,
    deadline: String,
    errs: Errs,
}

impl Page for DispatchForm {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl DispatchForm {
    fn action(&self) -> String {
        match &self.parent {
            Some(a) => format!("/assignments/{}/decompose", a.id),
            None => format!("/items/{}/dispatch", self.d.id),
        }
    }
    fn is_lead(&self, id: &i64) -> bool {
        self.lead.contains(id)
    }
    fn is_co(&self, id: &i64) -> bool {
        self.co.contains(id)
    }
    fn indent(&self, depth: &usize) -> usize {
        depth.saturating_sub(self.root_depth + 1) * 18
    }
    fn deadline_default(&self) -> String {
        self.parent
            .as_ref()
            .map_or(self.d.deadline, |a| a.deadline)
            .to_string()
    }
}

/// Which item an assignment's decompose form is for; found from the assignment when the
/// address does not say (an address typed or kept without its query).
#[derive(Debug, Deserialize)]
pub(crate) struct ItemQuery {
    #[serde(default)]
    item: Option<i64>,
}

/// Units strictly below `root` in the visible tree, in tree order.
fn below(units: Vec<UnitView>, root: i64) -> Vec<UnitView> {
    let mut inside = vec![root];
    units
        .into_iter()
        .filter(|u| {
            let keep = u.parent_id.is_some_and(|p| inside.contains(&p));
            if keep {
                inside.push(u.id);
            }
            keep
        })
        .collect()
}

async fn dispatch_form(
    s: &AppState,
    user: PageUser,
    d: ItemDetail,
    parent: Option<ducha_service::AssignmentView>,
    picked: (Vec<i64>, Vec<i64>, String, String),
    errs: Errs,
) -> Response {
    let all = s.services.list_units(&user.actor).await.unwrap_or_default();
    let root = match &parent {
        Some(a) => a.unit_id,
        None => s
            .services
            .me(&user.actor)
            .await
            .map_or(user.actor.unit_id.0, |m| m.jurisdiction_unit_id),
    };
    let root_depth = all.iter().find(|u| u.id == root).map_or(0, |u| u.depth);
    let units = below(all, root);
    let status = if errs.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let (lead, co, instructions, deadline) = picked;
    let page = DispatchForm {
        lang: user.lang,
        user,
        d,
        parent,
        units,
        root_depth,
        lead,
        co,
        instructions,
        deadline,
        errs,
    };
    (status, render(&page)).into_response()
}

/// `GET /items/{id}/dispatch`.
pub(crate) async fn dispatch_page(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Response {
    match s.services.item_detail(&user.actor, id).await {
        Ok(d) if d.actions.contains(&"dispatch") => {
            let empty = (vec![], vec![], String::new(), String::new());
            dispatch_form(&s, user, d, None, empty, Errs::default()).await
        }
        Ok(_) => crate::AppError::Service(ServiceError::Forbidden).into_response(),
        Err(e) => crate::AppError::from(e).into_response(),
    }
}

/// The assignment `id` as the user sees it, with its item, when they may hand it down. The
/// item is looked up from the assignment unless the address named it.
async fn decomposable(
    s: &AppState,
    user: &PageUser,
    item: Option<i64>,
    id: i64,
) -> Result<(ItemDetail, ducha_service::AssignmentView), Response> {
    let fail = |e: ServiceError| crate::AppError::from(e).into_response();
    let item = match item {
        Some(item) => item,
        None => s
            .services
            .assignment_item(&user.actor, id)
            .await
            .map_err(fail)?,
    };
    let d = s
        .services
        .item_detail(&user.actor, item)
        .await
        .map_err(fail)?;
    let a = d
        .assignments
        .iter()
        .find(|a| a.id == id && a.actions.contains(&"decompose"))
        .cloned()
        .ok_or_else(|| crate::AppError::Service(ServiceError::NotFound).into_response())?;
    Ok((d, a))
}

/// `GET /assignments/{id}/decompose?item=`.
pub(crate) async fn decompose_page(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    Query(q): Query<ItemQuery>,
) -> Response {
    match decomposable(&s, &user, q.item, id).await {
        Ok((d, a)) => {
            let empty = (vec![], vec![], String::new(), String::new());
            dispatch_form(&s, user, d, Some(a), empty, Errs::default()).await
        }
        Err(r) => r,
    }
}

/// Reads the picked units of a dispatch form into the use case's input.
fn picked(
    f: &Fields,
    errs: &mut Errs,
    lang: Lang,
) -> (DispatchInput, (Vec<i64>, Vec<i64>, String, String)) {
    let ids =
        |name: &str| -> Vec<i64> { f.all(name).iter().filter_map(|v| v.parse().ok()).collect() };
    let lead = ids("lead");
    let co: Vec<i64> = ids("co")
        .into_iter()
        .filter(|c| !lead.contains(c))
        .collect();
    let instructions = f.get("instructions").to_string();
    let deadline_text = f.get("deadline").trim().to_string();
    let deadline = match deadline_text.as_str() {
        "" => None,
        d => d
            .parse()
            .map_err(|_| errs.add("deadline", "validation.invalid_value", lang))
            .ok(),
    };
    if lead.is_empty() {
        errs.add("lead", "ui.pick_lead", lang);
    }
    let one = |unit_id: i64, role: &str| AssignmentInput {
        unit_id,
        role: role.into(),
        deadline,
        deadline_working_days: None,
        targets: None,
        instructions: instructions.clone(),
        responsible_user_id: None,
    };
    let assignments = lead
        .iter()
        .map(|u| one(*u, "lead"))
        .chain(co.iter().map(|u| one(*u, "co")))
        .collect();
    (
        DispatchInput { assignments },
        (lead, co, instructions, deadline_text),
    )
}

/// The messages to show with a refused dispatch or decomposition (the form's own, or the use
/// case's), or the error page when it was not the form's fault.
fn shown_again(e: Option<ServiceError>, errs: Errs, lang: Lang) -> Result<Errs, Box<Response>> {
    match e {
        None => Ok(errs),
        Some(ServiceError::Invalid(v)) => Ok(Errs::from_validation(&v, lang)),
        Some(ServiceError::Rule(rule)) => Ok(Errs::general(rule.key(), lang)),
        Some(e) => Err(Box::new(crate::AppError::from(e).into_response())),
    }
}

/// Where a dispatch form hands the work: the item itself (交办), or an assignment of it
/// handed down to the units below (分解交办).
#[derive(Clone, Copy)]
enum HandTo {
    Item(i64),
    Assignment(i64),
}

/// Dispatches or decomposes from the picker's form; a refused form comes back as it was sent.
async fn hand_out(s: AppState, user: PageUser, to: HandTo, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let lang = user.lang;
    let item = match to {
        HandTo::Item(id) => id,
        HandTo::Assignment(id) => match s.services.assignment_item(&user.actor, id).await {
            Ok(item) => item,
            Err(e) => return crate::AppError::from(e).into_response(),
        },
    };
    let mut errs = Errs::default();
    let (input, kept) = picked(&f, &mut errs, lang);
    let now = ducha_service::now();
    let r = if errs.any() {
        Err(None)
    } else {
        match to {
            HandTo::Item(id) => s.services.dispatch_item(&user.actor, id, &input, now).await,
            HandTo::Assignment(id) => {
                s.services
                    .decompose_assignment(&user.actor, id, &input, now)
                    .await
            }
        }
        .map_err(Some)
    };
    let e = match r {
        Ok(_) => {
            let done = match to {
                HandTo::Item(_) => "dispatched",
                HandTo::Assignment(_) => "decomposed",
            };
            return Redirect::to(&format!("/items/{item}?done={done}")).into_response();
        }
        Err(e) => e,
    };
    let errs = match shown_again(e, errs, lang) {
        Ok(errs) => errs,
        Err(r) => return *r,
    };
    let page = match to {
        HandTo::Item(id) => s
            .services
            .item_detail(&user.actor, id)
            .await
            .map(|d| (d, None))
            .map_err(|e| crate::AppError::from(e).into_response()),
        HandTo::Assignment(id) => decomposable(&s, &user, Some(item), id)
            .await
            .map(|(d, a)| (d, Some(a))),
    };
    match page {
        Ok((d, parent)) => {
            let form = dispatch_form(&s, user, d, parent, kept, errs).await;
            ([("hx-replace-url", form_address(to, item))], form).into_response()
        }
        Err(r) => r,
    }
}

/// The address of the form a refused dispatch or decomposition is shown again at: htmx would
/// otherwise leave the POST-only action's address in the bar, which a reload cannot open.
fn form_address(to: HandTo, item: i64) -> String {
    match to {
        HandTo::Item(id) => format!("/items/{id}/dispatch"),
        HandTo::Assignment(id) => format!("/assignments/{id}/decompose?item={item}"),
    }
}

/// `POST /items/{id}/dispatch`.
pub(crate) async fn dispatch(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    hand_out(s, user, HandTo::Item(id), body).await
}

/// `POST /assignments/{id}/decompose`.
pub(crate) async fn decompose(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    hand_out(s, user, HandTo::Assignment(id), body).await
}
