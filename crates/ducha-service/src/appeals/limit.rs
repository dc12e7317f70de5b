//! The public form's rate limits. Per node, in memory: a client address's submissions per
//! minute, checked first so that a flood is refused without touching the database (nothing
//! else slows down). Across nodes, in the database: an address's submissions per hour and a
//! contact's per day (by a hash of the contact, never the contact itself), counted once a
//! submission is valid, so a typo costs nothing.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Addresses are short; anything longer is cut.
const MAX_ADDR: usize = 64;
/// Addresses remembered per node before old windows are dropped.
const MAX_ENTRIES: usize = 50_000;

/// Submissions per address in the current minute, on this node.
#[derive(Debug, Clone, Default)]
pub struct Limiter(Arc<Mutex<HashMap<String, (i64, u32)>>>);

impl Limiter {
    /// Counts a request from `addr` at `minute`; false when it goes over `limit`.
    pub fn allow(&self, addr: &str, minute: i64, limit: u32) -> bool {
        if limit == 0 {
            return true;
        }
        let mut map = match self.0.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, (m, _)| *m == minute);
        }
        let e = map.entry(addr.to_string()).or_insert((minute, 0));
        if e.0 != minute {
            *e = (minute, 0);
        }
        e.1 = e.1.saturating_add(1);
        e.1 <= limit
    }
}

fn limited() -> ServiceError {
    ServiceError::Limited("appeal.rate_limited")
}

impl Services {
    /// The per-node check of an address, before anything is read.
    pub(crate) fn appeal_gate(&self, addr: Option<&str>, now: DateTime<Utc>) -> ServiceResult<()> {
        let Some(addr) = addr.filter(|a| !a.is_empty()) else {
            return Ok(());
        };
        let addr: String = addr.chars().take(MAX_ADDR).collect();
        let limit = self.config.appeals.per_address_per_minute;
        if self
            .appeal_limiter
            .allow(&addr, now.timestamp().div_euclid(60), limit)
        {
            Ok(())
        } else {
            Err(limited())
        }
    }

    /// The shared counts of a valid submission: its address per hour, its contact per day.
    pub(crate) async fn appeal_count(
        &self,
        addr: Option<&str>,
        contact_key: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let s = &self.config.appeals;
        let t = now.timestamp();
        if let Some(addr) = addr.filter(|a| !a.is_empty() && s.per_address_per_hour > 0) {
            let key: String = format!("addr:{}", addr.chars().take(MAX_ADDR).collect::<String>());
            if self.store.appeal_hit(&key, t, t - 3600).await? > s.per_address_per_hour {
                return Err(limited());
            }
        }
        if let Some(c) = contact_key.filter(|_| s.per_contact_per_day > 0) {
            let key = format!(
                "contact:{}",
                ducha_domain::chain::HashAlgo::Sha256.hex_digest(c.as_bytes())
            );
            if self.store.appeal_hit(&key, t, t - 86_400).await? > s.per_contact_per_day {
                return Err(limited());
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Limiter;

    #[test]
    fn an_address_gets_its_minute() {
        let l = Limiter::default();
        assert!(l.allow("10.0.0.1", 5, 2));
        assert!(l.allow("10.0.0.1", 5, 2));
        assert!(!l.allow("10.0.0.1", 5, 2));
        assert!(l.allow("10.0.0.2", 5, 2), "another address is not slowed");
        assert!(l.allow("10.0.0.1", 6, 2), "the next minute starts again");
        assert!(
            l.allow("10.0.0.1", 6, 0) && l.allow("10.0.0.1", 6, 0),
            "0 is no limit"
        );
    }
}
