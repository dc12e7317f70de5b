//! Use cases of ducha, one file each, shared by the API, the web pages, jobs and the CLI.
//!
//! Every command takes the acting user and `now`, checks visibility (a foreign item is
//! "not found"), then the role, then the domain rule, and commits its rows with exactly one event.

pub mod analytics;
pub mod appeals;
pub mod assessment;
pub mod assignments;
pub mod audit;
pub mod auth;
pub mod bulletins;
pub mod clock;
pub mod cockpit;
mod context;
mod error;
pub mod evidence;
pub mod gongwen;
pub mod hot;
pub mod items;
pub mod joint;
pub mod ops;
pub mod org;
pub mod proposals;
pub mod secrets;
pub mod security;
mod sheet;
pub mod tokens;
mod views;
pub mod workbench;

pub use analytics::FindingView;
pub use context::{Config, Services};
pub use error::{ServiceError, ServiceResult};
pub use views::*;
pub use workbench::{
    WorkAssignment, WorkListInput, WorkListName, WorkListPage, WorkReport, WorkRequest, WorkRows,
    WorkTotal, Workbench,
};

/// The current instant at the precision both stores keep (microseconds).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    ducha_domain::chain::normalize_time(chrono::Utc::now())
}
