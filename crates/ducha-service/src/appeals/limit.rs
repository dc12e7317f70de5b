//! The public form's rate limits. Per node, in memory: a client address's submissions per
//! minute, checked first so that a flood is refused without touching the database (nothing
//! else slows down). Across nodes, in the database: an address's submissions per hour and a
//! contact's per day (by a hash of the contact, never the contact itself), counted once a
//! submission is valid, so a typo costs nothing.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

/// Addresses are short; anything longer is cut.
const MAX_ADDR: usize = 64;
/// Addresses remembered per node before old windows are dropped.
const MAX_ENTRIES: usize = 50_000;

/// The window of the per-node address limit, in seconds.
const WINDOW: i64 = 60;

/// Submissions per address in the last minute (a sliding window), on this node, on a clock
/// that tests may fix.
#[derive(Debug, Clone, Default)]
pub struct Limiter {
    seen: Arc<Mutex<HashMap<String, VecDeque<i64>>>>,
    fixed: Arc<Mutex<Option<i64>>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Limiter {
    /// The limiter's time in seconds: the fixed one, or the system's.
    pub fn now(&self) -> i64 {
        (*lock(&self.fixed)).unwrap_or_else(|| crate::now().timestamp())
    }

    /// Fixes the limiter's clock at `at` (seconds), or lets it follow the system's.
    pub fn set_clock(&self, at: Option<i64>) {
        *lock(&self.fixed) = at;
    }

    /// Counts a request from `addr` at `now` (seconds); false when the last minute already
    /// had `limit` (a refused request is not counted).
    pub fn allow(&self, addr: &str, now: i64, limit: u32) -> bool {
        if limit == 0 {
            return true;
        }
        let mut map = lock(&self.seen);
        let since = now - WINDOW;
        if map.len() >= MAX_ENTRIES {
            map.retain(|_, q| q.back().is_some_and(|t| *t > since));
        }
        let q = map.entry(addr.to_string()).or_default();
        while q.front().is_some_and(|t| *t <= since) {
            q.pop_front();
        }
        if q.len() < usize::try_from(limit).unwrap_or(usize::MAX) {
            q.push_back(now);
            true
        } else {
            false
        }
    }
}

fn limited() -> ServiceError {
    ServiceError::Limited("appeal.rate_limited")
}

impl Services {
    /// The per-node check of an address, before anything of its request is read: the
    /// caller of [`Services::submit_appeal`] asks it first.
    pub fn appeal_gate(&self, addr: Option<&str>) -> ServiceResult<()> {
        let Some(addr) = addr.filter(|a| !a.is_empty()) else {
            return Ok(());
        };
        let addr: String = addr.chars().take(MAX_ADDR).collect();
        let limit = self.config.appeals.per_address_per_minute;
        if self
            .appeal_limiter
            .allow(&addr, self.appeal_limiter.now(), limit)
        {
            Ok(())
        } else {
            Err(limited())
        }
    }

    /// Fixes the clock of the per-node address limit (tests step it instead of waiting);
    /// `None` follows the system clock again.
    pub fn set_form_clock(&self, at: Option<DateTime<Utc>>) {
        self.appeal_limiter.set_clock(at.map(|t| t.timestamp()));
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
        assert!(l.allow("10.0.0.1", 100, 2));
        assert!(l.allow("10.0.0.1", 130, 2));
        assert!(!l.allow("10.0.0.1", 150, 2));
        assert!(l.allow("10.0.0.2", 150, 2), "another address is not slowed");
        assert!(
            !l.allow("10.0.0.1", 159, 2),
            "a minute boundary changes nothing"
        );
        assert!(l.allow("10.0.0.1", 160, 2), "the first one left the window");
        assert!(!l.allow("10.0.0.1", 170, 2));
        assert!(
            l.allow("10.0.0.1", 170, 0) && l.allow("10.0.0.1", 170, 0),
            "0 is no limit"
        );
        l.set_clock(Some(42));
        assert_eq!(l.now(), 42);
    }
}
