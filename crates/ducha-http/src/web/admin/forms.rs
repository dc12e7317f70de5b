//! The admin page's forms: add a unit, add a user, reset a password, lift a login lock,
//! disable or enable a user. Each
//! checks the CSRF token and that the user is an admin, calls its use case, and on success
//! returns to the page with a toast; a refusal re-renders the page (see [`super::refused`]).

use super::{UnitForm, UserForm, View, refuse, refused};
use crate::AppState;
use crate::extract::Id;
use crate::web::form::{Errs, Fields};
use crate::web::user::PageUser;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use ducha_service::ServiceError;
use ducha_service::org::{UnitInput, UserInput};

/// A form's address opened directly (a reload after a refused form): back to the page.
pub(crate) async fn back() -> Redirect {
    Redirect::to("/admin")
}

/// The form's fields once its CSRF token is the session's and the user is an admin.
fn checked(user: &PageUser, body: &[u8]) -> Result<Fields, Box<Response>> {
    let f = Fields::parse(body);
    match user.refuse_csrf(f.get("csrf")).or_else(|| refuse(user)) {
        Some(r) => Err(Box::new(r)),
        None => Ok(f),
    }
}

pub(crate) async fn add_unit(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let form = UnitForm {
        parent_id: f.get("parent_id").to_string(),
        name: f.get("name").to_string(),
        kind: f.get("kind").to_string(),
        errors: Errs::default(),
    };
    let input = UnitInput {
        parent_id: form.parent_id.trim().parse().ok(),
        name: form.name.clone(),
        kind: form.kind.clone(),
        sort: 0,
    };
    match s
        .services
        .create_unit(Some(&user.actor), &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to("/admin?done=unit_created").into_response(),
        Err(e) => {
            refused(&s, user, View::default(), e, |v, errors| {
                v.unit_form = UnitForm { errors, ..form }
            })
            .await
        }
    }
}

pub(crate) async fn add_user(State(s): State<AppState>, user: PageUser, body: Bytes) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let form = UserForm {
        username: f.get("username").to_string(),
        display_name: f.get("display_name").to_string(),
        position: f.get("position").to_string(),
        unit_id: f.get("unit_id").to_string(),
        roles: f.all("roles").into_iter().map(str::to_string).collect(),
        phone: f.get("phone").to_string(),
        email: f.get("email").to_string(),
        errors: Errs::default(),
    };
    let unit_id = form.unit_id.trim().parse().ok();
    let input = UserInput {
        username: form.username.clone(),
        display_name: form.display_name.clone(),
        // No unit picked is no unit at all: the use case names the field.
        unit_id: unit_id.unwrap_or(0),
        roles: form.roles.clone(),
        password: f.get("password").to_string(),
        phone: form.phone.clone(),
        email: form.email.clone(),
        position: form.position.clone(),
    };
    match s
        .services
        .create_user(Some(&user.actor), &input, ducha_service::now())
        .await
    {
        Ok(_) => Redirect::to(&format!("/admin?done=user_created&unit={}", input.unit_id))
            .into_response(),
        Err(e) => {
            let e = match e {
                // Nothing picked reads better as "required" than as an unknown unit.
                ServiceError::Invalid(mut errors) if unit_id.is_none() => {
                    for err in errors.0.iter_mut().filter(|e| e.field == "unit_id") {
                        err.key = "validation.required";
                    }
                    ServiceError::Invalid(errors)
                }
                other => other,
            };
            let v = View {
                unit: unit_id,
                ..View::default()
            };
            refused(&s, user, v, e, |v, errors| {
                v.user_form = UserForm { errors, ..form }
            })
            .await
        }
    }
}

pub(crate) async fn reset_password(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let r = s
        .services
        .reset_password(
            Some(&user.actor),
            id,
            f.get("password"),
            ducha_service::now(),
        )
        .await;
    match r {
        Ok(()) => Redirect::to("/admin?done=password_reset").into_response(),
        Err(e) => {
            // Show the row the form belongs to, with its form open.
            let unit = s
                .services
                .list_users(&user.actor)
                .await
                .ok()
                .and_then(|us| us.into_iter().find(|u| u.id == id))
                .map(|u| u.unit_id);
            let v = View {
                unit,
                ..View::default()
            };
            refused(&s, user, v, e, |v, errors| v.reset = Some((id, errors))).await
        }
    }
}

pub(crate) async fn set_position(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let r = s
        .services
        .set_user_position(&user.actor, id, f.get("position"), ducha_service::now())
        .await;
    // Back on the row's unit, with its form open when refused.
    let unit = s
        .services
        .list_users(&user.actor)
        .await
        .ok()
        .and_then(|us| us.into_iter().find(|u| u.id == id))
        .map(|u| u.unit_id);
    match r {
        Ok(()) => Redirect::to(&format!(
            "/admin?done=position_changed&unit={}",
            unit.unwrap_or_default()
        ))
        .into_response(),
        Err(e) => {
            let v = View {
                unit,
                ..View::default()
            };
            refused(&s, user, v, e, |v, errors| v.position = Some((id, errors))).await
        }
    }
}

pub(crate) async fn unlock(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    if let Err(r) = checked(&user, &body) {
        return *r;
    }
    match s
        .services
        .unlock_user(&user.actor, id, ducha_service::now())
        .await
    {
        Ok(()) => Redirect::to("/admin?done=unlocked").into_response(),
        // Unlocking has no fields: whatever is refused is said in the alert.
        Err(e) => {
            refused(&s, user, View::default(), e, |v, errors| {
                v.alert = errors.rest().into_iter().next();
            })
            .await
        }
    }
}

/// Disables a user (their sessions and API tokens end at once) or enables them again.
pub(crate) async fn set_active(
    State(s): State<AppState>,
    user: PageUser,
    Id(id): Id,
    body: Bytes,
) -> Response {
    let f = match checked(&user, &body) {
        Ok(f) => f,
        Err(r) => return *r,
    };
    let active = f.get("active") == "true";
    match s
        .services
        .set_user_active(&user.actor, id, active, ducha_service::now())
        .await
    {
        Ok(()) => {
            let done = if active {
                "user_enabled"
            } else {
                "user_disabled"
            };
            Redirect::to(&format!("/admin?done={done}")).into_response()
        }
        Err(e) => {
            refused(&s, user, View::default(), e, |v, errors| {
                v.alert = errors.rest().into_iter().next();
            })
            .await
        }
    }
}
