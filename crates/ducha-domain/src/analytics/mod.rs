//! Chain analytics (链条分析): where a decision stalls on its way down the chain (肠梗阻) and
//! where it is weakened (中途变味).
//!
//! Everything here is derived from the event log and the assignment rows, never typed in:
//! - [`hops`]: per-assignment dwell times in working days (dispatch → sign, sign → first
//!   decomposition, sign → first report, report → review, completion request → decision, and the
//!   waits on help requests, extensions and refusals), as patches a commit applies and a rebuild
//!   replays, plus the per-unit sums the stall map reads;
//! - [`findings`]: the rules that name a culprit — stalls, late hand-offs, dilution,
//!   层层加码, forwarding only, silent co-units, unanswered help requests;
//! - [`lost`]: who answers for the working days a late assignment lost;
//! - [`targets`]: how targets travel down the chain and how far a completion fell short.
//!
//! The same functions serve the commit that causes a change and `ducha analytics rebuild`,
//! which replays the log: the derived tables are a cache of the log.

pub mod findings;
pub mod hops;
pub mod lost;
pub mod targets;

use serde::{Deserialize, Serialize};

/// Thresholds of the analytics rules (configuration `[service.analytics]`); defaults from
/// practice.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalyticsRules {
    /// An open assignment whose unit has not acted for this many working days is stalled …
    pub stall_quiet_days: i64,
    /// … when its deadline is this many working days away or fewer (or past).
    pub stall_near_days: i64,
    /// A unit that passed work down only after keeping more than this share of its own
    /// working days holds it too long (late hand-off) …
    pub handoff_share: f64,
    /// … if it kept it at least this many working days.
    pub handoff_min_days: i64,
    /// Working days a unit may take to pass work down before the days count against it when
    /// the unit below finishes late.
    pub handoff_allowance_days: i64,
    /// Children's shares may fall short of the parent's target by this fraction (rounding)
    /// before it counts as dilution.
    pub dilution_tolerance: f64,
    /// Children's shares above the parent's target by more than this fraction are 层层加码.
    pub raise_share: f64,
    /// A child's deadline earlier than the parent's by more than this share of the parent's
    /// remaining working days is 层层加码 …
    pub squeeze_share: f64,
    /// … if the difference is at least this many working days.
    pub squeeze_min_days: i64,
    /// A decomposition within this many minutes of signing, passing the parent's text on
    /// with nothing of its own, is forwarding only (以文件落实文件).
    pub forward_minutes: i64,
    /// Character-bigram similarity from which a child's text counts as the parent's.
    pub forward_similarity: f64,
    /// A co-unit that has not reported this many working days after dispatch is silent.
    pub co_silent_days: i64,
    /// A help request unanswered for more than this many working days is a finding against
    /// the unit asked.
    pub help_answer_days: i64,
}

impl Default for AnalyticsRules {
    fn default() -> Self {
        Self {
            stall_quiet_days: 10,
            stall_near_days: 10,
            handoff_share: 0.5,
            handoff_min_days: 5,
            handoff_allowance_days: 3,
            dilution_tolerance: 0.02,
            raise_share: 0.2,
            squeeze_share: 0.3,
            squeeze_min_days: 5,
            forward_minutes: 60,
            forward_similarity: 0.8,
            co_silent_days: 15,
            help_answer_days: 3,
        }
    }
}
