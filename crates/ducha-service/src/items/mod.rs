//! Use cases on supervised matters (督办事项).

mod approve;
mod close;
mod create;
mod detail;
mod dispatch;
mod import;
mod import_jobs;
mod ledger;
mod list;

pub(crate) use detail::{depth_first, visible_sets};
pub use dispatch::{AssignmentInput, DispatchInput};
pub(crate) use dispatch::{DispatchMemo, Parent, dispatch_parent};
pub use import::{LedgerMode, LedgerOutcome, LedgerPlan, LedgerProgress};
pub use import_jobs::{LedgerEnded, LedgerJob, LedgerProblem};
pub use ledger::{LEDGER_CAP, LedgerEntry};
pub use list::ListInput;
pub(crate) use list::summary;
