//! Hot issues (热点诉求): every stored appeal joins a hot issue within milliseconds, decided in
//! one place (`worker.rs`: the node holding the clustering's lease keeps the clusterer in
//! memory); the office's pages of them (`views.rs`); an item made of a hot issue or a hot
//! issue merged into an item (`link.rs`); the submitters' satisfaction once the item closed
//! and the public list of the month's hot issues (`public.rs`).

mod link;
mod public;
mod views;
mod worker;

pub use link::{HotItemInput, HotMergeInput};
pub use public::{PublicHot, PublicHotItem, SatisfactionInput};
pub use views::{HotIssueDetail, HotIssueView, HotPlace, HotWeek, SatisfactionCounts};
pub(crate) use worker::HotWorker;
pub use worker::{HotPause, HotProgress};

use ducha_domain::hot::HotConfig;
use serde::{Deserialize, Serialize};

/// Settings of hot issues (part of the layered configuration, `[service.hot]`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HotSettings {
    /// The clusterer's tuning.
    pub cluster: HotConfig,
    /// Months after its item closed within which the same complaint coming back reopens the
    /// hot issue.
    pub return_months: u32,
    /// Seconds the clustering's lease protects its holder.
    pub lease_seconds: i64,
    /// Milliseconds between two looks of every node for appeals not yet clustered (stored by
    /// another node, or while another node held the lease).
    pub poll_ms: u64,
    /// Milliseconds an appeal waits behind a missing lower id (a transaction not yet
    /// committed, or rolled back) before it is clustered without it.
    pub gap_wait_ms: i64,
    /// Weeks of the trend shown.
    pub weeks: u32,
}

impl Default for HotSettings {
    fn default() -> Self {
        Self {
            cluster: HotConfig::default(),
            return_months: 3,
            lease_seconds: 30,
            poll_ms: 1000,
            gap_wait_ms: 3000,
            weeks: 8,
        }
    }
}
