//! The purge job's step: security data that has run out (expired sessions and pending logins,
//! ended throttle windows, API tokens expired or revoked longer ago than the retention) is
//! deleted. Idempotent: a rerun finds nothing more to delete.

use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Duration, Utc};
use ducha_store::{PurgeCounts, PurgeCutoffs};

impl Services {
    /// Deletes what expired by `now`; tokens only once `token_retention_days` have passed
    /// since they expired or were revoked (their owners and the security admin still see
    /// them until then).
    pub async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        token_retention_days: i64,
    ) -> ServiceResult<PurgeCounts> {
        let auth = &self.config.auth;
        let cut = PurgeCutoffs {
            now,
            sessions_created_before: now - Duration::hours(auth.session_absolute_hours),
            tokens_ended_before: now - Duration::days(token_retention_days.max(0)),
            throttle_window_start: now.timestamp() - auth.address_window_minutes * 60,
        };
        let done = self.store.purge_expired(&cut).await?;
        if done != PurgeCounts::default() {
            tracing::info!(
                sessions = done.sessions,
                tokens = done.tokens,
                pending_logins = done.pending_logins,
                throttle_windows = done.throttle_windows,
                "expired security data purged"
            );
        }
        Ok(done)
    }
}
