//! Identifier newtypes, so a unit id can never be passed where an item id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<i64> for $name {
            fn from(v: i64) -> Self {
                Self(v)
            }
        }
    )*};
}

id_type!(
    /// A node of the organisation tree (单位).
    UnitId,
    /// A person who logs in (用户).
    UserId,
    /// A supervised matter (督办事项).
    ItemId,
    /// One unit's responsibility for an item (交办/承办).
    AssignmentId,
    /// A progress or completion report (进展反馈).
    ReportId,
    /// A request for coordination (协调申请).
    HelpRequestId,
    /// A request to move a deadline (延期申请).
    ExtensionId,
    /// A request to hand back a wrongly routed assignment (退回申请).
    RefusalId,
);
