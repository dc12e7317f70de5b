//! The organisation & users page (组织与用户) of the system and security admins: the units tree
//! with each unit's head count, the users table, and the forms that add a unit or a user, reset
//! a password and lift a login lock. The use cases decide who may do what (三员分立: the system
//! admin maintains units and users, the security admin unlocks); the page hides only the forms
//! they would refuse.

mod forms;

pub(crate) use forms::{
    add_unit, add_user, back, reset_password, set_active, set_position, unlock,
};

use super::form::Errs;
use super::user::PageUser;
use super::{Page, render};
use crate::AppState;
use crate::error::AppError;
use crate::extract::ApiQuery;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use ducha_domain::i18n::Lang;
use ducha_domain::org::{Role, UnitKind};
use ducha_service::{ServiceError, UnitView, UserView};
use serde::Deserialize;
use std::collections::HashMap;

/// Users per page of the table.
const PAGE_SIZE: usize = 50;

/// What was typed into the add-unit form.
#[derive(Debug, Default)]
struct UnitForm {
    parent_id: String,
    name: String,
    kind: String,
    errors: Errs,
}

/// What was typed into the add-user form (never the password).
#[derive(Debug, Default)]
struct UserForm {
    username: String,
    display_name: String,
    position: String,
    unit_id: String,
    roles: Vec<String>,
    phone: String,
    email: String,
    errors: Errs,
}

/// What the page shows besides the lists: the forms as typed and an error to announce.
#[derive(Debug, Default)]
struct View {
    unit: Option<i64>,
    q: String,
    /// 1-based page of the users table.
    page: usize,
    unit_form: UnitForm,
    user_form: UserForm,
    /// The user whose password reset failed, and why.
    reset: Option<(i64, Errs)>,
    /// The user whose new position was refused, and why.
    position: Option<(i64, Errs)>,
    /// A refusal that belongs to no field (a rule or a permission), translated.
    alert: Option<String>,
}

/// A unit of the tree, in tree order.
struct UnitNode {
    id: i64,
    name: String,
    kind: &'static str,
    /// 0 for the top of the admin's tree.
    depth: usize,
    users: usize,
}

/// A row of the users table.
struct UserLine {
    id: i64,
    username: String,
    display_name: String,
    position: String,
    unit_name: String,
    roles: Vec<&'static str>,
    active: bool,
    /// Set while a login lock holds.
    locked_until: Option<DateTime<Utc>>,
    /// An admin account: its password is reset at the console only.
    admin: bool,
    /// Phone and email, decrypted for the system admin (empty for the others).
    phone: String,
    email: String,
    /// The stored contact does not decrypt.
    contact_unreadable: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    lang: Lang,
    user: PageUser,
    units: Vec<UnitNode>,
    users: Vec<UserLine>,
    /// Users matching the filter, of which one page is shown.
    matched: usize,
    kinds: Vec<&'static str>,
    roles: Vec<&'static str>,
    /// Adds units and users and resets passwords (system admin).
    can_manage: bool,
    /// Lifts login locks (security admin).
    can_unlock: bool,
    v: View,
}

impl Page for AdminPage {
    fn lang(&self) -> Lang {
        self.lang
    }
}

impl AdminPage {
    fn filtered_by(&self, id: &i64) -> bool {
        self.v.unit == Some(*id)
    }

    fn is(&self, value: &str, id: &i64) -> bool {
        value.trim() == id.to_string()
    }

    fn kind_is(&self, kind: &str) -> bool {
        self.v.unit_form.kind == kind
    }

    /// Full-width spaces that indent a unit in a drop-down list.
    fn pad(&self, depth: &usize) -> String {
        "\u{3000}".repeat(*depth)
    }

    fn role_checked(&self, role: &str) -> bool {
        self.v.user_form.roles.iter().any(|r| r == role)
    }

    fn reset_errors(&self, id: &i64) -> Option<&Errs> {
        self.v
            .reset
            .as_ref()
            .filter(|(u, _)| u == id)
            .map(|(_, e)| e)
    }

    fn reset_error(&self, id: &i64) -> Option<String> {
        self.reset_errors(id).and_then(|e| e.get("password"))
    }

    fn position_error(&self, id: &i64) -> Option<String> {
        self.v
            .position
            .as_ref()
            .filter(|(u, _)| u == id)
            .and_then(|(_, e)| e.get("position"))
    }

    /// Whether this admin may do anything with `u`'s account on this page.
    fn has_actions(&self, u: &UserLine) -> bool {
        (self.can_manage && !u.admin) || (self.can_unlock && u.locked_until.is_some())
    }

    /// "N users" above the table.
    fn total(&self) -> String {
        self.tf("ui.admin_total", serde_json::json!({ "n": self.matched }))
    }

    /// The link to page `page` of the same filter, if there is such a page.
    fn page_link(&self, page: usize) -> Option<String> {
        let last = self.matched.div_ceil(PAGE_SIZE).max(1);
        (page >= 1 && page <= last && page != self.v.page).then(|| {
            let mut q = form_urlencoded::Serializer::new(String::new());
            if let Some(u) = self.v.unit {
                q.append_pair("unit", &u.to_string());
            }
            if !self.v.q.is_empty() {
                q.append_pair("q", &self.v.q);
            }
            q.append_pair("page", &page.to_string());
            format!("/admin?{}", q.finish())
        })
    }

    fn prev_link(&self) -> Option<String> {
        self.page_link(self.v.page.saturating_sub(1))
    }

    fn next_link(&self) -> Option<String> {
        self.page_link(self.v.page + 1)
    }
}

/// The page is the admins'; anyone else is refused before anything is read.
fn refuse(user: &PageUser) -> Option<Response> {
    (!user.is_admin()).then(|| AppError::Service(ServiceError::Forbidden).into_response())
}

/// The units in tree order (siblings by id), with their direct users counted.
fn tree(units: &[UnitView], users: &[UserView]) -> Vec<UnitNode> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for u in users {
        *counts.entry(u.unit_id).or_default() += 1;
    }
    let known: HashMap<i64, &UnitView> = units.iter().map(|u| (u.id, u)).collect();
    let mut children: HashMap<Option<i64>, Vec<&UnitView>> = HashMap::new();
    for u in units {
        let parent = u.parent_id.filter(|p| known.contains_key(p));
        children.entry(parent).or_default().push(u);
    }
    for list in children.values_mut() {
        list.sort_by_key(|u| std::cmp::Reverse(u.id));
    }
    let mut out = Vec::with_capacity(units.len());
    let mut stack: Vec<(&UnitView, usize)> = children
        .get(&None)
        .map(|c| c.iter().map(|u| (*u, 0)).collect())
        .unwrap_or_default();
    while let Some((u, depth)) = stack.pop() {
        out.push(UnitNode {
            id: u.id,
            name: u.name.clone(),
            kind: u.kind.as_str(),
            depth,
            users: counts.get(&u.id).copied().unwrap_or(0),
        });
        if let Some(c) = children.get(&Some(u.id)) {
            stack.extend(c.iter().map(|c| (*c, depth + 1)));
        }
    }
    out
}

/// Renders the page over the admin's units and users, with `status`.
async fn show(s: &AppState, user: PageUser, v: View, status: StatusCode) -> Response {
    let lists = async {
        let units = s.services.list_units(&user.actor).await?;
        let users = s.services.list_users(&user.actor).await?;
        Ok::<_, ServiceError>((units, users))
    };
    let (units, users) = match lists.await {
        Ok(l) => l,
        Err(e) => return AppError::from(e).into_response(),
    };
    let nodes = tree(&units, &users);
    let order: HashMap<i64, usize> = nodes.iter().enumerate().map(|(i, n)| (n.id, i)).collect();
    let names: HashMap<i64, &str> = units.iter().map(|u| (u.id, u.name.as_str())).collect();
    let q = v.q.trim().to_lowercase();
    let mut found: Vec<&UserView> = users
        .iter()
        .filter(|u| v.unit.is_none_or(|id| u.unit_id == id))
        .filter(|u| {
            q.is_empty()
                || u.username.to_lowercase().contains(&q)
                || u.display_name.to_lowercase().contains(&q)
        })
        .collect();
    found.sort_by_key(|u| (order.get(&u.unit_id).copied(), u.id));
    let now = ducha_service::now();
    // A page past the end shows the last one.
    let page_no = v.page.clamp(1, found.len().div_ceil(PAGE_SIZE).max(1));
    let lines = found
        .iter()
        .skip((page_no - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(|u| UserLine {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            position: u.position.clone(),
            unit_name: names.get(&u.unit_id).copied().unwrap_or("—").to_string(),
            roles: u.roles.iter().map(|r| r.as_str()).collect(),
            active: u.active,
            locked_until: u.locked_until.filter(|t| *t > now),
            admin: u.roles.iter().any(|r| r.is_admin()),
            phone: u.phone.clone().unwrap_or_default(),
            email: u.email.clone().unwrap_or_default(),
            contact_unreadable: u.contact_unreadable,
        })
        .collect();
    let html = AdminPage {
        lang: user.lang,
        can_manage: user.actor.has(Role::SystemAdmin),
        can_unlock: user.actor.has(Role::SecurityAdmin),
        user,
        units: nodes,
        users: lines,
        matched: found.len(),
        kinds: UnitKind::ALL.iter().map(|k| k.as_str()).collect(),
        // Admin accounts are made at the console, never on this page.
        roles: Role::ALL
            .iter()
            .filter(|r| !r.is_admin())
            .map(|r| r.as_str())
            .collect(),
        v: View { page: page_no, ..v },
    };
    (status, render(&html)).into_response()
}

/// Re-renders after a refusal: field errors next to their fields (422, put in place by
/// `place`), a rule or permission as an alert with its status; anything else as an error.
async fn refused(
    s: &AppState,
    user: PageUser,
    mut v: View,
    e: ServiceError,
    place: impl FnOnce(&mut View, Errs),
) -> Response {
    let (status, alert) = match e {
        ServiceError::Invalid(errors) => {
            place(&mut v, Errs::from_validation(&errors, user.lang));
            return show(s, user, v, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        ServiceError::Rule(r) => (StatusCode::CONFLICT, r.key()),
        ServiceError::Forbidden => (StatusCode::FORBIDDEN, "error.forbidden"),
        ServiceError::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
        other => return AppError::from(other).into_response(),
    };
    v.alert = Some(ducha_domain::i18n::t(alert, user.lang).to_string());
    show(s, user, v, status).await
}

/// `unit`, `q` and `page` of the page; unreadable numbers are ignored.
#[derive(Debug, Deserialize)]
pub(crate) struct AdminQuery {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    user: PageUser,
    ApiQuery(q): ApiQuery<AdminQuery>,
) -> Response {
    if let Some(r) = refuse(&user) {
        return r;
    }
    let v = View {
        unit: q.unit.trim().parse().ok(),
        q: q.q,
        page: q.page.trim().parse().unwrap_or(1),
        ..View::default()
    };
    show(&s, user, v, StatusCode::OK).await
}
