//! What operations read: the schema's state, the gauges of the metrics page, and what a purge
//! removed.

use chrono::{DateTime, Utc};

/// The migrations the database has applied against those this binary carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaState {
    /// Versions applied successfully, ascending.
    pub applied: Vec<i64>,
    /// Versions this binary knows, ascending.
    pub known: Vec<i64>,
}

impl SchemaState {
    /// Known versions the database has not applied.
    pub fn pending(&self) -> Vec<i64> {
        self.known
            .iter()
            .filter(|v| !self.applied.contains(v))
            .copied()
            .collect()
    }

    /// Applied versions this binary does not know (a newer binary migrated the database).
    pub fn unknown(&self) -> Vec<i64> {
        self.applied
            .iter()
            .filter(|v| !self.known.contains(v))
            .copied()
            .collect()
    }
}

/// The counts the metrics page shows, each read with a bounded query (capped at
/// [`OPS_COUNT_CAP`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpsCounts {
    /// Outbox rows waiting to go out (`pending` and digest-`held`).
    pub outbox_backlog: i64,
    /// Outbox rows that gave up after their last attempt (`dead`).
    pub outbox_dead: i64,
    /// Sessions not yet expired.
    pub open_sessions: i64,
    /// Each job's name and when it is due next.
    pub jobs: Vec<(String, DateTime<Utc>)>,
}

/// Counts above this are shown as this: a scrape never walks a huge table.
pub const OPS_COUNT_CAP: i64 = 1_000_000;

/// What a purge removed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PurgeCounts {
    /// Sessions past their idle or absolute expiry.
    pub sessions: u64,
    /// API tokens expired or revoked longer ago than the retention.
    pub tokens: u64,
    /// Pending logins (between the password and the second step) that expired.
    pub pending_logins: u64,
    /// Per-address failure windows that have ended.
    pub throttle_windows: u64,
}

/// The cut-offs of a purge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeCutoffs {
    /// Now: sessions and pending logins that expired by now go.
    pub now: DateTime<Utc>,
    /// Sessions created before this are past the absolute lifetime.
    pub sessions_created_before: DateTime<Utc>,
    /// Tokens that expired or were revoked before this go.
    pub tokens_ended_before: DateTime<Utc>,
    /// Throttle windows that started at or before this (epoch seconds) have ended.
    pub throttle_window_start: i64,
}
