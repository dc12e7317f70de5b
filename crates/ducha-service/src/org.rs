//! The organisation tree and its users, managed by the system admin (系统管理员).
//!
//! `actor = None` means the operator at the console (CLI, demo seeding), who is trusted.

use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::security::SecEvent;
use crate::views::{Me, UnitView, UserView};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::org::{Actor, Role, UnitKind, check_roles};
use ducha_domain::security::SecurityKind;
use ducha_domain::text::bounded;
use ducha_store::{Insert, NewUnit, NewUser, UnitRow, Update, UserRow};
use serde::Deserialize;
use std::str::FromStr;

/// A unit to add.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitInput {
    /// Parent unit (none for the root of a new tree; console only).
    pub parent_id: Option<i64>,
    /// Name.
    pub name: String,
    /// Kind (`city`, `county`, `township`, `village`, `department`, `supervision_body`).
    pub kind: String,
    /// Sort key among siblings.
    #[serde(default)]
    pub sort: i64,
}

/// A user to add.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserInput {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Unit.
    pub unit_id: i64,
    /// Roles.
    pub roles: Vec<String>,
    /// Initial password.
    pub password: String,
    /// Phone.
    #[serde(default)]
    pub phone: String,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Position (职务), e.g. 市长 or 局长; optional.
    #[serde(default)]
    pub position: String,
}

pub(crate) fn unit_view(u: &UnitRow) -> UnitView {
    UnitView {
        id: u.id,
        parent_id: u.parent_id,
        name: u.name.clone(),
        kind: u.kind,
        depth: u.path.0.depth(),
    }
}

pub(crate) fn user_view(u: &UserRow) -> UserView {
    UserView {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        position: u.position.clone(),
        lang: ducha_domain::i18n::Lang::from_tag(&u.lang)
            .tag()
            .to_string(),
        unit_id: u.unit_id,
        roles: u.roles.0.clone(),
        active: u.active,
        locked_until: u.locked_until,
        phone: None,
        email: None,
        contact_unreadable: false,
    }
}

/// Only the system admin (or the console) keeps units and users: checked before any input is
/// read, so a refused caller learns nothing about it and costs no password hashing.
fn system_admin(actor: Option<&Actor>) -> ServiceResult<()> {
    if actor.is_some_and(|a| !a.has(Role::SystemAdmin)) {
        return Err(ServiceError::Forbidden);
    }
    Ok(())
}

fn may_admin(actor: Option<&Actor>, unit: &UnitRow) -> bool {
    actor.is_none_or(|a| a.has(Role::SystemAdmin) && unit.path.0.is_within(&a.jurisdiction))
}

impl Services {
    /// The user an admin acts on: unknown, or outside the admin's subtree, reads as absent.
    async fn admin_target(&self, actor: Option<&Actor>, user_id: i64) -> ServiceResult<UserRow> {
        let user = self
            .store
            .user(user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unit = self
            .store
            .unit(user.unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !may_admin(actor, &unit) {
            return Err(ServiceError::NotFound);
        }
        Ok(user)
    }

    /// Adds a unit below a parent the admin manages.
    pub async fn create_unit(
        &self,
        actor: Option<&Actor>,
        input: &UnitInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        system_admin(actor)?;
        let mut e = ValidationErrors::default();
        let name = bounded(&mut e, "name", &input.name, true, 100);
        let kind = UnitKind::from_str(&input.kind);
        if kind.is_err() {
            e.add("kind", "validation.unknown_choice");
        }
        let parent = match input.parent_id {
            Some(pid) => match self.store.unit(pid).await? {
                Some(p) if may_admin(actor, &p) => Some((p.id, p.path.0)),
                _ => {
                    e.add("parent_id", "validation.unknown_unit");
                    None
                }
            },
            None if actor.is_some() => {
                e.add("parent_id", "validation.required");
                None
            }
            None => None,
        };
        let kind = e.into_result(kind)?.map_err(|()| ServiceError::NotFound)?;
        let c = self
            .commit(
                actor,
                now,
                EventKind::UnitCreated,
                Subject::default(),
                serde_json::json!({ "name": name, "kind": kind, "parent_id": input.parent_id }),
                vec![],
                vec![Insert::Unit(NewUnit {
                    parent,
                    name,
                    kind,
                    sort: input.sort,
                })],
            )
            .await?;
        Ok(c.ids[0])
    }

    /// Adds a user to a unit the admin manages.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        input: &UserInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        system_admin(actor)?;
        let hash = {
            let pw = input.password.clone();
            crate::auth::argon2(move || crate::auth::hash_password(&pw)).await??
        };
        self.create_user_with_hash(actor, input, hash, now).await
    }

    /// Adds a user whose password hash is already computed (seeding many users at once).
    pub async fn create_user_with_hash(
        &self,
        actor: Option<&Actor>,
        input: &UserInput,
        password_hash: String,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        system_admin(actor)?;
        let mut e = ValidationErrors::default();
        let username = input.username.trim().to_string();
        let name_ok = (3..=64).contains(&username.len())
            && username
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        if !name_ok {
            e.add("username", "validation.username");
        }
        let display_name = bounded(&mut e, "display_name", &input.display_name, true, 50);
        let roles: Result<Vec<Role>, _> = input.roles.iter().map(|r| Role::from_str(r)).collect();
        let roles = match roles {
            // The three admin accounts are made at the console, so that no one of them can
            // create the others (三员分立).
            Ok(r) if actor.is_some() && r.iter().any(|x| x.is_admin()) => {
                e.add("roles", "validation.admin_roles_console");
                r
            }
            Ok(r) => match check_roles(&r) {
                Ok(()) => r,
                Err(key) => {
                    e.add("roles", key);
                    r
                }
            },
            Err(()) => {
                e.add("roles", "validation.unknown_role");
                vec![]
            }
        };
        if let Some(key) = crate::auth::password_problem(&input.password, &input.username) {
            e.add("password", key);
        }
        let phone = bounded(&mut e, "phone", &input.phone, false, 30);
        let email = bounded(&mut e, "email", &input.email, false, 100);
        let position = bounded(&mut e, "position", &input.position, false, 40);
        match self.store.unit(input.unit_id).await? {
            Some(u) if may_admin(actor, &u) => {}
            _ => e.add("unit_id", "validation.unknown_unit"),
        }
        e.into_result(())?;
        // With a key, the contacts are bound to the new user's id, which the insert assigns:
        // the row is written without them and they follow, encrypted, once the id is known.
        let (row_phone, row_email) = if self.encrypts_contacts() {
            (String::new(), String::new())
        } else {
            (phone.clone(), email.clone())
        };
        let c = self
            .commit(
                actor,
                now,
                EventKind::UserCreated,
                Subject {
                    unit: Some(input.unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "username": username, "roles": roles }),
                vec![],
                vec![Insert::User(NewUser {
                    username,
                    display_name,
                    unit_id: input.unit_id,
                    roles,
                    password_hash,
                    phone: row_phone,
                    email: row_email,
                    // Created by an admin: the user chooses their own password at the first
                    // login. Accounts made at the console or by the demo's seed are not.
                    must_change_password: actor.is_some(),
                    position,
                })],
            )
            .await
            .map_err(|err| match err {
                ServiceError::Rule(ducha_domain::Rule::NameTaken) => {
                    ValidationErrors::single("username", "rule.name_taken").into()
                }
                other => other,
            })?;
        if self.encrypts_contacts() {
            self.store_new_contact(c.ids[0], &phone, &email).await?;
        }
        if let Some(a) = actor {
            let roles: Vec<&str> = input.roles.iter().map(|r| r.trim()).collect();
            let e = SecEvent::new(SecurityKind::UserCreated)
                .by(a.user_id.0)
                .on(c.ids[0])
                .args(serde_json::json!({ "username": input.username.trim(), "roles": roles.join(",") }));
            self.security_event(e, now).await?;
        }
        Ok(c.ids[0])
    }

    /// Sets a user's password (admin reset); clears any lock.
    pub async fn reset_password(
        &self,
        actor: Option<&Actor>,
        user_id: i64,
        password: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self.admin_target(actor, user_id).await?;
        // Admin accounts' passwords are reset at the console only.
        if actor.is_some() && user.roles.0.iter().any(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        if let Some(key) = crate::auth::password_problem(password, &user.username) {
            return Err(ValidationErrors::single("password", key).into());
        }
        let pw = password.to_string();
        let hash = crate::auth::argon2(move || crate::auth::hash_password(&pw)).await??;
        self.commit(
            actor,
            now,
            EventKind::UserPasswordReset,
            Subject {
                unit: Some(user.unit_id),
                ..Subject::default()
            },
            serde_json::json!({ "user_id": user_id }),
            // A password an admin set is changed by its user at the next login.
            vec![Update::Password {
                user_id,
                hash,
                must_change: actor.is_some(),
                at: now,
            }],
            vec![],
        )
        .await?;
        // Whoever held the old password is logged out, and their API tokens stop working.
        self.store.revoke_credentials(user_id, now).await?;
        let e = SecEvent::new(SecurityKind::PasswordReset)
            .on(user_id)
            .args(serde_json::json!({ "username": user.username }));
        let e = match actor {
            Some(a) => e.by(a.user_id.0),
            None => e,
        };
        self.security_event(e, now).await?;
        Ok(())
    }

    /// The security admin lifts a login lock (and the failure count) before it expires.
    pub async fn unlock_user(
        &self,
        actor: &Actor,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self
            .store
            .user(user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unit = self
            .store
            .unit(user.unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !unit.path.0.is_within(&actor.jurisdiction) || !actor.roles.iter().any(|r| r.is_admin())
        {
            return Err(ServiceError::NotFound);
        }
        ensure(actor.has(Role::SecurityAdmin))?;
        self.commit(
            Some(actor),
            now,
            EventKind::UserUnlocked,
            Subject {
                unit: Some(user.unit_id),
                ..Subject::default()
            },
            serde_json::json!({ "user_id": user_id, "failed_logins": user.failed_logins }),
            vec![Update::Unlock { user_id }],
            vec![],
        )
        .await?;
        let e = SecEvent::new(SecurityKind::AccountUnlocked)
            .by(actor.user_id.0)
            .on(user_id)
            .args(serde_json::json!({ "username": user.username }));
        self.security_event(e, now).await?;
        Ok(())
    }

    /// The system admin replaces a business user's roles (admin roles stay the console's).
    pub async fn set_user_roles(
        &self,
        actor: &Actor,
        user_id: i64,
        roles: &[String],
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self.admin_target(Some(actor), user_id).await?;
        if user.roles.0.iter().any(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        let parsed: Result<Vec<Role>, _> = roles.iter().map(|r| Role::from_str(r.trim())).collect();
        let new = match parsed {
            Ok(r) if r.iter().any(|x| x.is_admin()) => {
                return Err(
                    ValidationErrors::single("roles", "validation.admin_roles_console").into(),
                );
            }
            Ok(r) => r,
            Err(()) => {
                return Err(ValidationErrors::single("roles", "validation.unknown_role").into());
            }
        };
        if let Err(key) = check_roles(&new) {
            return Err(ValidationErrors::single("roles", key).into());
        }
        if new == user.roles.0 {
            return Ok(());
        }
        let names = |rs: &[Role]| rs.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        let (from, to) = (names(&user.roles.0), names(&new));
        self.commit(
            Some(actor),
            now,
            EventKind::UserRolesChanged,
            Subject {
                unit: Some(user.unit_id),
                ..Subject::default()
            },
            serde_json::json!({ "user_id": user_id, "from": from, "to": to }),
            vec![Update::UserRoles {
                user_id,
                roles: new,
            }],
            vec![],
        )
        .await?;
        let e = SecEvent::new(SecurityKind::RolesChanged)
            .by(actor.user_id.0)
            .on(user_id)
            .args(serde_json::json!({ "username": user.username, "from": from, "to": to }));
        self.security_event(e, now).await
    }

    /// The system admin sets a user's position (职务), shown in the users list and in the
    /// workbench's greeting; an empty one removes it.
    pub async fn set_user_position(
        &self,
        actor: &Actor,
        user_id: i64,
        position: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        system_admin(Some(actor))?;
        let user = self.admin_target(Some(actor), user_id).await?;
        let mut e = ValidationErrors::default();
        let position = bounded(&mut e, "position", position, false, 40);
        e.into_result(())?;
        if position == user.position {
            return Ok(());
        }
        self.commit(
            Some(actor),
            now,
            EventKind::UserPositionChanged,
            Subject {
                unit: Some(user.unit_id),
                ..Subject::default()
            },
            serde_json::json!({ "user_id": user_id, "from": user.position, "to": position }),
            vec![Update::UserPosition { user_id, position }],
            vec![],
        )
        .await?;
        Ok(())
    }

    /// The system admin disables a user (no login; every session and API token revoked at
    /// once) or enables them again. Admin accounts are managed at the console, and nobody
    /// disables themselves.
    pub async fn set_user_active(
        &self,
        actor: &Actor,
        user_id: i64,
        active: bool,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self.admin_target(Some(actor), user_id).await?;
        if user.roles.0.iter().any(|r| r.is_admin()) {
            return Err(ServiceError::Forbidden);
        }
        if user.active == active {
            return Ok(());
        }
        let (kind, sec) = if active {
            (EventKind::UserEnabled, SecurityKind::UserEnabled)
        } else {
            (EventKind::UserDisabled, SecurityKind::UserDisabled)
        };
        self.commit(
            Some(actor),
            now,
            kind,
            Subject {
                unit: Some(user.unit_id),
                ..Subject::default()
            },
            serde_json::json!({ "user_id": user_id }),
            vec![Update::UserActive { user_id, active }],
            vec![],
        )
        .await?;
        if !active {
            self.store.revoke_credentials(user_id, now).await?;
        }
        let e = SecEvent::new(sec)
            .by(actor.user_id.0)
            .on(user_id)
            .args(serde_json::json!({ "username": user.username }));
        self.security_event(e, now).await
    }

    /// The logged-in user.
    pub async fn me(&self, actor: &Actor) -> ServiceResult<Me> {
        let user = self
            .store
            .user(actor.user_id.0)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let unit = self
            .store
            .unit(user.unit_id)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let j = actor.jurisdiction.ids().last().map_or(unit.id, |u| u.0);
        Ok(Me {
            user: user_view(&user),
            unit: unit_view(&unit),
            jurisdiction_unit_id: j,
        })
    }

    /// Units the actor may see (their jurisdiction for supervisors, leaders and the system and
    /// security admins).
    pub async fn list_units(&self, actor: &Actor) -> ServiceResult<Vec<UnitView>> {
        // The security admin reads the tree as it reads the users: to tell accounts apart by
        // their unit. Reading it changes nothing, so the separation of duties holds.
        let admin_ok = actor.has(Role::SystemAdmin) || actor.has(Role::SecurityAdmin);
        ensure(!actor.roles.iter().all(|r| r.is_admin()) || admin_ok)?;
        let root = if admin_ok {
            &actor.jurisdiction
        } else {
            actor.visibility_root()
        };
        Ok(self
            .store
            .units_under(root)
            .await?
            .iter()
            .map(unit_view)
            .collect())
    }

    /// Users the actor may see.
    pub async fn list_users(&self, actor: &Actor) -> ServiceResult<Vec<UserView>> {
        let root = if actor.has(Role::SystemAdmin) {
            &actor.jurisdiction
        } else {
            actor.visibility_root()
        };
        let admin_ok = actor.has(Role::SystemAdmin) || actor.has(Role::SecurityAdmin);
        ensure(!actor.roles.iter().all(|r| r.is_admin()) || admin_ok)?;
        let root = if admin_ok { &actor.jurisdiction } else { root };
        let users = self.store.users_under(root).await?;
        if !actor.has(Role::SystemAdmin) {
            return Ok(users.iter().map(user_view).collect());
        }
        // The system admin manages the accounts and so reads their contacts, decrypted here.
        Ok(users
            .iter()
            .map(|u| self.user_view_with_contact(u))
            .collect())
    }

    /// A user's view with the phone and email in the clear; a value that does not decrypt is
    /// left out and flagged (and logged without it), never fatal to the list.
    fn user_view_with_contact(&self, u: &UserRow) -> UserView {
        let mut v = user_view(u);
        let phone = self.open_contact(crate::secrets::PHONE, u.id, &u.phone);
        let email = self.open_contact(crate::secrets::EMAIL, u.id, &u.email);
        match (phone, email) {
            (Ok(p), Ok(e)) => {
                v.phone = Some(p.to_string());
                v.email = Some(e.to_string());
            }
            (p, e) => {
                for err in [p.err(), e.err()].into_iter().flatten() {
                    tracing::warn!(error = %err, "stored contact does not decrypt");
                }
                v.contact_unreadable = true;
            }
        }
        v
    }
}
