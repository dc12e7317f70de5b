//! Use cases on supervised matters (督办事项).

mod approve;
mod close;
mod create;
mod detail;
mod dispatch;
mod list;

pub(crate) use dispatch::dispatch_parent;
pub use dispatch::{AssignmentInput, DispatchInput};
pub use list::ListInput;
