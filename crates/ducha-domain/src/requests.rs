//! Requests that go up the chain: help (协调), extension (延期) and refusal (退回).

use crate::Rule;
use crate::org::str_enum;

str_enum!(
    /// State of an extension or refusal request.
    RequestState {
        /// 待审批.
        Pending = "pending",
        /// 已同意.
        Approved = "approved",
        /// 未同意.
        Denied = "denied",
    }
);

/// A request is decided once.
pub fn decide(state: RequestState, approve: bool) -> Result<RequestState, Rule> {
    match state {
        RequestState::Pending if approve => Ok(RequestState::Approved),
        RequestState::Pending => Ok(RequestState::Denied),
        _ => Err(Rule::RequestDecided),
    }
}
