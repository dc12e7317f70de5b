//! Operations: whether this node can serve (the load balancer's readiness probe) and the
//! counts the metrics page shows. Neither writes anything.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Utc};
use ducha_store::OpsCounts;
use std::time::Duration;

/// Why a node cannot serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotReady {
    /// The database did not answer in time.
    Timeout,
    /// The database answered with an error (refused, gone, unreadable).
    Unreachable(String),
    /// Migrations this binary carries are not applied yet.
    Pending(Vec<i64>),
    /// The database was migrated by a newer binary.
    Newer(Vec<i64>),
}

impl std::fmt::Display for NotReady {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotReady::Timeout => write!(f, "database did not answer in time"),
            NotReady::Unreachable(e) => write!(f, "database unreachable: {e}"),
            NotReady::Pending(v) => write!(f, "migrations not applied: {v:?}"),
            NotReady::Newer(v) => write!(f, "database has migrations this binary lacks: {v:?}"),
        }
    }
}

impl Services {
    /// Ready when the database answers within `within` and its migrations are exactly the
    /// ones this binary carries.
    pub async fn readiness(&self, within: Duration) -> Result<(), NotReady> {
        let state = match tokio::time::timeout(within, self.store.schema_state()).await {
            Err(_) => return Err(NotReady::Timeout),
            Ok(Err(e)) => return Err(NotReady::Unreachable(first_line(&e.to_string()))),
            Ok(Ok(s)) => s,
        };
        let pending = state.pending();
        if !pending.is_empty() {
            return Err(NotReady::Pending(pending));
        }
        let unknown = state.unknown();
        if !unknown.is_empty() {
            return Err(NotReady::Newer(unknown));
        }
        Ok(())
    }

    /// The outbox backlog and dead letters, open sessions and the jobs' due times, read
    /// with bounded queries within `within`.
    pub async fn ops_counts(
        &self,
        now: DateTime<Utc>,
        within: Duration,
    ) -> ServiceResult<Option<OpsCounts>> {
        match tokio::time::timeout(within, self.store.ops_counts(now)).await {
            Err(_) => Ok(None),
            Ok(r) => Ok(Some(r?)),
        }
    }
}

/// The first line of an error, short enough for a probe's answer (and never a URL: the
/// drivers' messages name the failure, not the connection string).
fn first_line(s: &str) -> String {
    let line = s.lines().next().unwrap_or("");
    line.chars().take(200).collect()
}
