//! The organisation tree (单位), roles and who may see what.

use crate::{UnitId, UserId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $s:tt),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name { $($(#[$vdoc])* #[serde(rename = $s)] $variant),* }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable name stored in the database and used in the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),* }
            }
        }

        impl std::str::FromStr for $name {
            type Err = ();
            fn from_str(s: &str) -> Result<Self, ()> {
                match s { $($s => Ok($name::$variant),)* _ => Err(()) }
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::error::UnknownName;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse().map_err(|()| $crate::error::UnknownName(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use str_enum;

str_enum!(
    /// What a node of the organisation tree is.
    UnitKind {
        /// 市 — a prefecture-level city government.
        City = "city",
        /// 县/区 — a county or district.
        County = "county",
        /// 乡镇/街道 — a township or street office.
        Township = "township",
        /// 村/社区 — a village or community.
        Village = "village",
        /// 部门 — a department of a government level.
        Department = "department",
        /// 督查机构 — a supervision body (督查室, 纪委监委, 审计, 人大, 政协, 12345).
        SupervisionBody = "supervision_body",
    }
);

impl UnitKind {
    /// Whether this kind is a level of government whose subtree is a jurisdiction.
    pub fn is_jurisdiction(self) -> bool {
        matches!(self, UnitKind::City | UnitKind::County | UnitKind::Township)
    }
}

str_enum!(
    /// What a user may do. A user has one or more roles, all bound to their unit.
    Role {
        /// 督查员 — registers, dispatches, reviews, closes.
        Supervisor = "supervisor",
        /// 领导 — approves registration, watches the jurisdiction.
        Leader = "leader",
        /// 单位负责人 — owns and approves the unit's work.
        UnitHead = "unit_head",
        /// 联络员 — signs, decomposes and reports for the unit.
        Liaison = "liaison",
        /// 系统管理员 — units and users.
        SystemAdmin = "system_admin",
        /// 安全管理员 — security settings, locks and sessions.
        SecurityAdmin = "security_admin",
        /// 审计管理员 — reads and verifies the event log.
        AuditAdmin = "audit_admin",
    }
);

impl Role {
    /// The three separated admin roles (三员分立) may not be combined with each other or with
    /// business roles.
    pub fn is_admin(self) -> bool {
        matches!(
            self,
            Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin
        )
    }
}

/// Parses a comma-separated role list, rejecting unknown names and mixed admin roles.
pub fn parse_roles(s: &str) -> Result<Vec<Role>, &'static str> {
    let mut roles = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let r = Role::from_str(part).map_err(|_| "validation.unknown_role")?;
        if !roles.contains(&r) {
            roles.push(r);
        }
    }
    check_roles(&roles)?;
    Ok(roles)
}

/// Checks the separation of duties: at least one role, and an admin role stands alone.
pub fn check_roles(roles: &[Role]) -> Result<(), &'static str> {
    if roles.is_empty() {
        return Err("validation.required");
    }
    if roles.iter().any(|r| r.is_admin()) && roles.len() > 1 {
        return Err("validation.admin_roles_separate");
    }
    Ok(())
}

/// Joins roles into the stored comma-separated form.
pub fn roles_to_string(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A materialised path such as `/1/5/23/`: the unit ids from the root down, each followed by `/`.
/// A unit is in another's subtree exactly when its path starts with the other's path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitPath(String);

impl UnitPath {
    /// The path of a root unit.
    pub fn root(id: UnitId) -> Self {
        Self(format!("/{id}/"))
    }

    /// The path of a child of this unit.
    pub fn child(&self, id: UnitId) -> Self {
        Self(format!("{}{id}/", self.0))
    }

    /// Wraps a stored path; the store only ever holds paths built by `root` and `child`.
    pub fn from_stored(s: String) -> Self {
        Self(s)
    }

    /// The stored text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `self` is `other` or below it.
    pub fn is_within(&self, other: &UnitPath) -> bool {
        self.0.starts_with(&other.0)
    }

    /// Whether `self` is strictly below `other`.
    pub fn is_strictly_below(&self, other: &UnitPath) -> bool {
        self.0.len() > other.0.len() && self.is_within(other)
    }

    /// The half-open text range `[low, high)` holding exactly this subtree's paths, for an
    /// index range scan (`'/' + 1 == '0'`, and paths hold only digits and `/`).
    pub fn subtree_range(&self) -> (String, String) {
        let mut high = self.0.clone();
        high.pop();
        high.push('0');
        (self.0.clone(), high)
    }

    /// Depth in the tree: 1 for a root.
    pub fn depth(&self) -> usize {
        self.0.matches('/').count().saturating_sub(1)
    }

    /// The unit ids from the root down to this unit.
    pub fn ids(&self) -> Vec<UnitId> {
        self.0
            .split('/')
            .filter_map(|p| p.parse::<i64>().ok())
            .map(UnitId)
            .collect()
    }
}

/// Who is acting: the logged-in user, their unit and roles, resolved once per request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// The user's unit.
    pub unit_id: UnitId,
    /// The user's unit path.
    pub unit_path: UnitPath,
    /// The user's roles.
    pub roles: Vec<Role>,
    /// The subtree a supervisor or leader oversees: the nearest government level at or above
    /// the user's unit (a city supervision office oversees the whole city).
    pub jurisdiction: UnitPath,
    /// Whether the user's unit holds a body seat of its jurisdiction's leading group (联席会议
    /// 成员单位): it reads the jurisdiction's whole register, and writes only its own.
    pub member_body: bool,
}

impl Actor {
    /// Whether the actor holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Whether the actor may act for `unit` (sign, report, decompose): a liaison or unit head of
    /// exactly that unit.
    pub fn acts_for(&self, unit: UnitId) -> bool {
        self.unit_id == unit && (self.has(Role::Liaison) || self.has(Role::UnitHead))
    }

    /// The root of what this actor may read: the jurisdiction for supervisors, leaders and
    /// member bodies, the own unit's subtree for everyone else.
    pub fn visibility_root(&self) -> &UnitPath {
        if self.oversees() {
            &self.jurisdiction
        } else {
            &self.unit_path
        }
    }

    /// Whether the actor reads the whole jurisdiction: supervisors, leaders and the member
    /// bodies of the leading group.
    pub fn oversees(&self) -> bool {
        self.has(Role::Supervisor) || self.has(Role::Leader) || self.member_body
    }

    /// Whether the actor may see something placed at `path`.
    pub fn sees(&self, path: &UnitPath) -> bool {
        !self.roles.iter().all(|r| r.is_admin()) && path.is_within(self.visibility_root())
    }

    /// Whether the actor supervises items registered in `scope`.
    pub fn supervises(&self, scope: &UnitPath) -> bool {
        self.has(Role::Supervisor) && scope.is_within(&self.jurisdiction)
    }

    /// Whether the actor leads (approves) items registered in `scope`.
    pub fn leads(&self, scope: &UnitPath) -> bool {
        self.has(Role::Leader) && scope.is_within(&self.jurisdiction)
    }
}

/// The jurisdiction of a unit: the nearest unit at or above it that is a government level,
/// given the chain of (path, kind) from the root down to the unit.
pub fn jurisdiction_of(chain: &[(UnitPath, UnitKind)]) -> Option<UnitPath> {
    chain
        .iter()
        .rev()
        .find(|(_, k)| k.is_jurisdiction())
        .map(|(p, _)| p.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subtree_range_holds_exactly_the_subtree() {
        let p = UnitPath::root(UnitId(1)).child(UnitId(5));
        let (lo, hi) = p.subtree_range();
        for (path, inside) in [
            ("/1/5/", true),
            ("/1/5/23/", true),
            ("/1/50/", false),
            ("/1/59/7/", false),
            ("/1/4/", false),
            ("/1/", false),
        ] {
            let in_range = path >= lo.as_str() && path < hi.as_str();
            assert_eq!(in_range, inside, "{path}");
            assert_eq!(
                UnitPath::from_stored(path.into()).is_within(&p),
                inside,
                "{path}"
            );
        }
    }

    #[test]
    fn admin_roles_stand_alone() {
        assert_eq!(parse_roles("liaison,unit_head").map(|r| r.len()), Ok(2));
        assert_eq!(
            parse_roles("system_admin,audit_admin"),
            Err("validation.admin_roles_separate")
        );
        assert_eq!(
            parse_roles("supervisor,security_admin"),
            Err("validation.admin_roles_separate")
        );
        assert_eq!(parse_roles("chief"), Err("validation.unknown_role"));
        assert_eq!(parse_roles(""), Err("validation.required"));
    }

    #[test]
    fn jurisdiction_is_nearest_government_level() {
        let city = UnitPath::root(UnitId(1));
        let office = city.child(UnitId(2));
        let j = jurisdiction_of(&[
            (city.clone(), UnitKind::City),
            (office, UnitKind::SupervisionBody),
        ]);
        assert_eq!(j, Some(city));
    }
}
