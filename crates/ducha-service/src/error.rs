//! Service errors: what the caller did wrong, or what failed underneath.

use ducha_domain::{Rule, ValidationErrors};
use ducha_store::StoreError;

/// Why a use case did not happen. Nothing was changed in every case.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Invalid input, per field.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// A lifecycle or consistency rule.
    #[error("rule broken: {0}")]
    Rule(#[from] Rule),
    /// Absent, or outside what the user may see (deliberately indistinguishable).
    #[error("not found")]
    NotFound,
    /// Visible, but the user's role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// No valid session or token.
    #[error("unauthorized")]
    Unauthorized,
    /// Wrong user name or password.
    #[error("login failed")]
    LoginFailed,
    /// Too many failed logins.
    #[error("account locked")]
    Locked,
    /// A wrong or reused two-factor code (or recovery code).
    #[error("wrong code")]
    CodeWrong,
    /// Too many failed logins from this client address: refused for a while.
    #[error("too many attempts")]
    Throttled,
    /// Too many requests of some kind from this client or for this contact; the message key
    /// says which.
    #[error("rate limited: {0}")]
    Limited(&'static str),
    /// A service the server relies on is not there (LibreOffice for PDF, say); the message
    /// key says which.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ServiceError::NotFound,
            StoreError::Conflict(what) if what.contains("changed meanwhile") => {
                ServiceError::Rule(Rule::Concurrent)
            }
            // One open notice per assignment (notices_one_open).
            StoreError::Conflict(what)
                if what.contains("notices_one_open") || what.contains("notices.assignment_id") =>
            {
                ServiceError::Rule(Rule::NoticeOpen)
            }
            StoreError::Conflict(_) => ServiceError::Rule(Rule::NameTaken),
            other => ServiceError::Store(other),
        }
    }
}

/// Result of a use case.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Returns `Forbidden` unless `ok`.
pub(crate) fn ensure(ok: bool) -> ServiceResult<()> {
    if ok {
        Ok(())
    } else {
        Err(ServiceError::Forbidden)
    }
}
