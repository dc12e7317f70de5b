//! Citizens' appeals (群众诉求): the public form (`submit.rs`, with its check question in
//! `challenge.rs` and its rate limits in `limit.rs`), tracking by code and the public pages
//! (`public.rs`), the staff's list and detail (`staff.rs`) and the 12345 import
//! (`import.rs`). Every path that stores appeals calls [`on_stored`] afterwards.
//!
//! Personal data: the text is masked ([`ducha_domain::appeals::mask`]) and the masked text is
//! what every page shows. The original text and the contact are sealed with the key ring
//! (bound to `appeals.text:<code>` / `appeals.contact:<code>`; plaintext without a key, like
//! users' contacts) and shown only to the roles that must call back: the supervisors of the
//! appeal's jurisdiction (the supervision office) and the liaison or head of the unit that
//! handles it (the unit the appeal names, or a lead unit of the item it is linked to). Each
//! such view writes a `personal_data.viewed` row in the security log.

mod challenge;
mod import;
mod limit;
mod public;
mod staff;
mod submit;

pub use challenge::Challenge;
pub use import::{ImportReport, MappingView};
pub use limit::Limiter;
pub use public::{Milestone, PublicItemView, PublicReport, PublicUnit, TrackView};
pub use staff::{AppealDetail, AppealFilter, AppealUnmasked, AppealView};
pub use submit::{PhotoUpload, Submission, Submitted};

use crate::Services;
use chrono::{DateTime, Utc};
use ducha_domain::appeals::AppealCategory;
use serde::{Deserialize, Serialize};

/// Limits of the public form (part of the layered configuration, `[service.appeals]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AppealSettings {
    /// Submissions one client address may send per minute to one node, counted in memory
    /// before anything else is read, so a flood costs no database work (0: no limit).
    pub per_address_per_minute: u32,
    /// Submissions one client address may send per hour across all nodes, counted in the
    /// database (0: no limit).
    pub per_address_per_hour: i64,
    /// Submissions with one contact per day across all nodes, counted in the database by a
    /// hash of the contact (0: no limit).
    pub per_contact_per_day: i64,
    /// Minutes a check question stays answerable.
    pub challenge_minutes: i64,
}

impl Default for AppealSettings {
    fn default() -> Self {
        Self {
            per_address_per_minute: 3,
            per_address_per_hour: 20,
            per_contact_per_day: 5,
            challenge_minutes: 60,
        }
    }
}

/// The column of the original text in associated data.
pub const TEXT: &str = "appeals.text";
/// The column of the contact in associated data.
pub const CONTACT: &str = "appeals.contact";

/// What [`on_stored`] is told of each appeal just stored.
#[derive(Debug, Clone)]
pub struct StoredAppeal {
    /// Id.
    pub id: i64,
    /// The unit it is about.
    pub unit_id: i64,
    /// That unit's path.
    pub unit_path: String,
    /// Category.
    pub category: AppealCategory,
    /// The masked text.
    pub text_masked: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// Called by the public form and the 12345 import after their appeals are committed: wakes
/// the hot-issue clustering on this node and returns at once (it clusters them within
/// milliseconds if this node holds the clustering's lease; otherwise the holder finds them
/// within `[service.hot] poll_ms`). The citizen's request never waits for the clustering, and
/// nothing here can fail the submission: the appeal is stored already.
pub async fn on_stored(services: &Services, stored: &[StoredAppeal], now: DateTime<Utc>) {
    let _ = now;
    if stored.is_empty() {
        return;
    }
    services.hot_wake();
}

impl Services {
    /// The stored form of an appeal's original text or contact: sealed when a key is
    /// configured (an empty value stays empty).
    pub(crate) fn seal_appeal(&self, column: &str, code: &str, plain: &str) -> String {
        match &self.config.secrets {
            Some(ring) if !plain.is_empty() => ring.encrypt(plain, &format!("{column}:{code}")),
            _ => plain.to_string(),
        }
    }

    /// An appeal's original text or contact in the clear.
    pub(crate) fn open_appeal(
        &self,
        column: &str,
        code: &str,
        stored: &str,
    ) -> crate::ServiceResult<ducha_crypt::Zeroizing<String>> {
        if !ducha_crypt::is_encrypted(stored) {
            return Ok(ducha_crypt::Zeroizing::new(stored.to_string()));
        }
        let fail =
            |what: String| crate::ServiceError::Store(ducha_store::StoreError::Other(what.into()));
        let ring = self.config.secrets.as_ref().ok_or_else(|| {
            fail(format!(
                "{column} of appeal {code} is encrypted but no key is configured"
            ))
        })?;
        ring.decrypt(stored, &format!("{column}:{code}"))
            .map_err(|e| fail(format!("{column} of appeal {code}: {e}")))
    }
}

/// Random bytes from the operating system.
pub(crate) fn random<const N: usize>() -> crate::ServiceResult<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| {
        crate::ServiceError::Store(ducha_store::StoreError::Other(
            format!("no randomness: {e}").into(),
        ))
    })?;
    Ok(buf)
}
