//! The per-address login throttle: too many failures from one client address within a window
//! refuse further attempts from it until the window ends, whatever the name. Kept in the
//! database, so every node sees the same count.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};

/// Addresses are short; anything longer is not one (and is cut rather than stored whole).
const MAX_ADDR: usize = 64;

impl Services {
    fn window_start(&self, now: DateTime<Utc>) -> i64 {
        now.timestamp() - self.config.auth.address_window_minutes * 60
    }

    /// Refuses the attempt when the address has failed too often in the window.
    pub(crate) async fn throttle_check(
        &self,
        addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let limit = self.config.auth.address_failures;
        let Some(addr) = addr.filter(|_| limit > 0) else {
            return Ok(());
        };
        let addr: String = addr.chars().take(MAX_ADDR).collect();
        if self
            .store
            .throttle_count(&addr, self.window_start(now))
            .await?
            >= limit
        {
            // security-log: address_throttled
            return Err(ServiceError::Throttled);
        }
        Ok(())
    }

    /// Counts a failed attempt from the address.
    pub(crate) async fn throttle_failed(
        &self,
        addr: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        if self.config.auth.address_failures == 0 {
            return Ok(());
        }
        if let Some(addr) = addr {
            let addr: String = addr.chars().take(MAX_ADDR).collect();
            self.store
                .throttle_failed(&addr, now.timestamp(), self.window_start(now))
                .await?;
        }
        Ok(())
    }
}
