//! Handing work out (交办 / 分解交办): the searchable unit picker that dispatches an approved item
//! to lead and co-units, or hands an assignment down to the units below, each picked unit with
//! its share of the targets (`shares.rs`); a refused form comes back as it was sent, at an
//! address that reloads.

use super::form::{Errs, Fields};
use super::shares::{Inherited, Shares, show};
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::extract::Id;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::i18n::Lang;
use ducha_domain::item::Target;
use ducha_service::items::{AssignmentInput, DispatchInput};
use ducha_service::{AssignmentView, ItemDetail, ServiceError, UnitView};
use serde::Deserialize;

/// The reports and events an item's detail reads for these forms: none, only its chain.
const NO_HISTORY: Option<i64> = Some(0);

#[derive(Template)]
#[template(path = "dispatch.html")]
pub(crate) struct DispatchForm {
    lang: Lang,
    user: PageUser,
    d: ItemDetail,
    /// The assignment being handed down; none when dispatching the item.
    parent: Option<AssignmentView>,
    units: Vec<UnitView>,
    /// The root of the picker: units strictly below it are offered.
    root_depth: usize,
    p: Picked,
    errs: Errs,
}

/// What the form was sent with (or is first shown with).
#[derive(Debug, Default)]
struct Picked {
    lead: Vec<i64>,
    co: Vec<i64>,
    instructions: String,
    deadline: String,
    shares: Shares,
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
        self.p.lead.contains(id)
    }
    fn is_co(&self, id: &i64) -> bool {
        self.p.co.contains(id)
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
    fn unit_name(&self, id: &i64) -> String {
        self.units
            .iter()
            .find(|u| u.id == *id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    }
    /// The targets handed down, as "新增泊位 2000 个".
    fn parent_targets(&self) -> Vec<String> {
        self.p
            .shares
            .parent
            .iter()
            .map(|t| format!("{} {} {}", t.name, show(t.value), t.unit))
            .collect()
    }
    /// Each picked unit's share, lead first, as the form shows it.
    fn shares(&self) -> Vec<ShareView> {
        let s = &self.p.shares;
        s.units
            .iter()
            .map(|u| {
                let mut v = ShareView::of(&s.parent, u.role, u.inherited.clone(), u.own.clone());
                v.uid = u.unit_id.to_string();
                v.name = self.unit_name(&u.unit_id);
                v
            })
            .collect()
    }
    /// The share a script copies for a unit picked on the page (`__U__` for its id).
    fn share_template(&self) -> ShareView {
        let parent = &self.p.shares.parent;
        let blank = Inherited {
            value: String::new(),
            auto: String::new(),
        };
        ShareView::of(
            parent,
            "co",
            vec![blank; parent.len()],
            vec![Default::default()],
        )
    }
    /// The error of a unit's target row `j`, field `sub` (`.value`, `.name`, `.unit`).
    fn row_err(&self, uid: &str, j: &usize, sub: &str) -> Option<String> {
        self.errs.get(&format!("t{uid}[{j}]{sub}"))
    }
    fn row_bad(&self, uid: &str, j: &usize, sub: &str) -> &'static str {
        self.errs.bad(&format!("t{uid}[{j}]{sub}"))
    }
    fn share_err(&self, uid: &str) -> Option<String> {
        self.errs.get(&format!("share{uid}"))
    }
}

/// A unit's share as the template writes it.
struct ShareView {
    /// The unit's id (`__U__` in the script's copy).
    uid: String,
    name: String,
    role: &'static str,
    /// (row, label, the parent's value, the share).
    rows: Vec<(usize, String, String, Inherited)>,
    /// (row, name, unit, value).
    own: Vec<(usize, String, String, String)>,
}

impl ShareView {
    fn of(
        parent: &[Target],
        role: &'static str,
        inherited: Vec<Inherited>,
        own: Vec<(String, String, String)>,
    ) -> Self {
        let p = parent.len();
        ShareView {
            uid: "__U__".into(),
            name: String::new(),
            role,
            rows: parent
                .iter()
                .zip(inherited)
                .enumerate()
                .map(|(j, (t, r))| {
                    let label = if t.unit.is_empty() {
                        t.name.clone()
                    } else {
                        format!("{}（{}）", t.name, t.unit)
                    };
                    (j, label, show(t.value), r)
                })
                .collect(),
            own: own
                .into_iter()
                .enumerate()
                .map(|(k, (n, u, v))| (p + k, n, u, v))
                .collect(),
        }
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

/// The targets the form hands down: the parent assignment's, or the item's.
fn parent_targets(d: &ItemDetail, parent: Option<&AssignmentView>) -> Vec<Target> {
    parent.map_or_else(|| d.targets.clone(), |a| a.targets.clone())
}

async fn dispatch_form(
    s: &AppState,
    user: PageUser,
    (d, parent): (ItemDetail, Option<AssignmentView>),
    p: Picked,
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
    let page = DispatchForm {
        lang: user.lang,
        user,
        d,
        parent,
        units,
        root_depth,
        p,
        errs,
    };
    (status, render(&page)).into_response()
}

/// The form as first shown: nothing picked, the targets to hand down listed.
fn fresh(d: &ItemDetail, parent: Option<&AssignmentView>) -> Picked {
    Picked {
        shares: Shares::read(&Fields::default(), &parent_targets(d, parent), &[]),
        ..Picked::default()
    }
}

/// `GET /items/{id}/dispatch`.
pub(crate) async fn dispatch_page(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
) -> Response {
    match s
        .services
        .item_detail_recent(&user.actor, id, NO_HISTORY)
        .await
    {
        Ok(d) if d.actions.contains(&"dispatch") => {
            let mut p = fresh(&d, None);
            // A matter from a ledger goes to the units the ledger named.
            if let Some(plan) = &d.ledger_plan {
                for u in &plan.units {
                    match u.role {
                        AssignmentRole::Lead => p.lead.push(u.unit_id),
                        AssignmentRole::Co => p.co.push(u.unit_id),
                    }
                }
                p.instructions.clone_from(&plan.note);
            }
            // A rectification item goes to the unit its finding named.
            if let Ok(origins) = s.services.item_origins(&user.actor, id).await {
                p.lead.extend(origins.iter().filter_map(|o| o.unit_id));
            }
            dispatch_form(&s, user, (d, None), p, Errs::default()).await
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
) -> Result<(ItemDetail, AssignmentView), Response> {
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
        .item_detail_recent(&user.actor, item, NO_HISTORY)
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
            let p = fresh(&d, Some(&a));
            dispatch_form(&s, user, (d, Some(a)), p, Errs::default()).await
        }
        Err(r) => r,
    }
}

/// Reads the picked units of a dispatch form, with their shares of `parent`'s targets, into the
/// use case's input; also returns each unit's form rows of its targets.
fn picked(
    f: &Fields,
    parent: &[Target],
    errs: &mut Errs,
    lang: Lang,
) -> (DispatchInput, Picked, Vec<Vec<usize>>) {
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
    let units: Vec<(i64, &'static str)> = lead
        .iter()
        .map(|u| (*u, "lead"))
        .chain(co.iter().map(|u| (*u, "co")))
        .collect();
    let shares = Shares::read(f, parent, &units);
    let (targets, rows): (Vec<_>, Vec<_>) = shares.targets(errs, lang).into_iter().unzip();
    let assignments = units
        .iter()
        .zip(targets)
        .map(|((unit_id, role), targets)| AssignmentInput {
            unit_id: *unit_id,
            role: (*role).into(),
            deadline,
            deadline_working_days: None,
            targets,
            instructions: instructions.clone(),
            responsible_user_id: None,
        })
        .collect();
    let kept = Picked {
        lead,
        co,
        instructions,
        deadline: deadline_text,
        shares,
    };
    (DispatchInput { assignments }, kept, rows)
}

/// The messages to show with a refused dispatch or decomposition (the form's own, or the use
/// case's with the form's field names), or the error page when it was not the form's fault.
fn shown_again(
    e: Option<ServiceError>,
    errs: Errs,
    (shares, rows): (&Shares, &[Vec<usize>]),
    lang: Lang,
) -> Result<Errs, Box<Response>> {
    match e {
        None => Ok(errs),
        Some(ServiceError::Invalid(v)) => Ok(Errs::from_validation(&shares.remap(&v, rows), lang)),
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
/// The form's "split" button (`step=shares`, for browsers without script) only shows the form
/// again with a share for every unit picked.
async fn hand_out(s: AppState, user: PageUser, to: HandTo, body: Bytes) -> Response {
    let f = Fields::parse(&body);
    if let Some(r) = user.refuse_csrf(f.get("csrf")) {
        return r;
    }
    let lang = user.lang;
    let page = match to {
        HandTo::Item(id) => s
            .services
            .item_detail_recent(&user.actor, id, NO_HISTORY)
            .await
            .map(|d| (d, None))
            .map_err(|e| crate::AppError::from(e).into_response()),
        HandTo::Assignment(id) => decomposable(&s, &user, None, id)
            .await
            .map(|(d, a)| (d, Some(a))),
    };
    let (d, parent) = match page {
        Ok(page) => page,
        Err(r) => return r,
    };
    let item = d.id;
    let mut errs = Errs::default();
    let (input, kept, rows) = picked(&f, &parent_targets(&d, parent.as_ref()), &mut errs, lang);
    let split_only = f.get("step") == "shares";
    let r = if split_only {
        Err(None)
    } else if errs.any() {
        Err(Some(None))
    } else {
        let now = ducha_service::now();
        match to {
            HandTo::Item(id) => s.services.dispatch_item(&user.actor, id, &input, now).await,
            HandTo::Assignment(id) => {
                s.services
                    .decompose_assignment(&user.actor, id, &input, now)
                    .await
            }
        }
        .map_err(|e| Some(Some(e)))
    };
    let errs = match r {
        Ok(_) => {
            let done = match to {
                HandTo::Item(_) => "dispatched",
                HandTo::Assignment(_) => "decomposed",
            };
            return Redirect::to(&format!("/items/{item}?done={done}")).into_response();
        }
        Err(None) => Errs::default(),
        Err(Some(e)) => match shown_again(e, errs, (&kept.shares, &rows), lang) {
            Ok(errs) => errs,
            Err(r) => return *r,
        },
    };
    let form = dispatch_form(&s, user, (d, parent), kept, errs).await;
    ([("hx-replace-url", form_address(to, item))], form).into_response()
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
