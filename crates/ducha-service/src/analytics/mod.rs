//! Chain analytics (链条分析): the derived rows each command writes beside its event, and the
//! views that read them — the chain of an item with its dwell per hop, the stall map across
//! units and levels, and the findings list — plus the rebuild that replays the log.
//!
//! The commands and the rebuild call the same domain functions with the same facts (the
//! rows a command reads were written by earlier events, whose facts the rebuild tracks as it
//! replays them), so the derived tables are a cache of the log; a test proves it.

mod chain;
mod findings;
mod rebuild;
mod stall_map;

pub use chain::{CHAIN_HOPS, ChainHop, ChainRow, ChainView, HeldSpan, LostShareView};
pub use findings::{FindingView, FindingsInput};
pub use rebuild::{RebuildProgress, RebuildStats};
pub use stall_map::{StallCellView, StallMap, StallMapInput, StallUnit, UnitHopRow, UnitHops};

use chrono::{DateTime, Utc};
use ducha_domain::analytics::hops::{Derived, Hop, HopKey, StatAdd, month_of, working_days};
use ducha_domain::analytics::lost::{LostInput, LostReason, Wait, split_lost};
use ducha_domain::calendar::WorkCalendar;
use ducha_store::{AssignmentRow, Update};

/// The instant of a China-local date and time.
pub(crate) fn china_instant(d: chrono::NaiveDate, t: chrono::NaiveTime) -> DateTime<Utc> {
    (d.and_time(t) - chrono::Duration::hours(8)).and_utc()
}

/// Parses an optional enum filter, recording an unknown value under `field`.
pub(crate) fn parse_choice<T: std::str::FromStr>(
    e: &mut ducha_domain::ValidationErrors,
    field: &str,
    raw: Option<&str>,
) -> Option<T> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match T::from_str(raw) {
        Ok(v) => Some(v),
        Err(_) => {
            e.add(field, "validation.unknown_choice");
            None
        }
    }
}

/// The key an assignment's hops are summed under.
pub(crate) fn hop_key(a: &AssignmentRow) -> HopKey {
    HopKey {
        assignment_id: a.id,
        unit_id: a.unit_id,
        month: month_of(a.dispatched_at),
    }
}

/// The updates that write `d`.
pub(crate) fn updates(d: Derived) -> impl Iterator<Item = Update> {
    d.patches
        .into_iter()
        .map(Update::Hop)
        .chain(d.stats.into_iter().map(Update::HopDone))
}

/// A help request of a late assignment, as the lost-day split reads it.
#[derive(Debug, Clone)]
pub(crate) struct HelpSpan {
    /// The unit asked.
    pub to_unit: i64,
    /// Asked at.
    pub from: DateTime<Utc>,
    /// Answered at, if it was.
    pub to: Option<DateTime<Utc>>,
}

/// What a late assignment's lost days are split by.
#[derive(Debug, Clone)]
pub(crate) struct LateFacts<'a> {
    /// The key of the late assignment.
    pub key: &'a HopKey,
    /// Working days late.
    pub late: i64,
    /// The level above (parent's unit, or the item's office).
    pub reviewer: i64,
    /// The parent's unit and when the parent was dispatched, and when this one was.
    pub upstream: Option<(i64, DateTime<Utc>)>,
    /// When this one was dispatched.
    pub dispatched_at: DateTime<Utc>,
    /// Its help requests, oldest first.
    pub helps: &'a [HelpSpan],
    /// Working days the completion request being accepted (or still waiting) has waited for
    /// the level above; earlier, returned requests were the unit's to redo.
    pub decision_days: i64,
}

/// The lost-day shares of a late assignment at `at`, as hop-log lines charged to each unit.
pub(crate) fn lost_stats(
    cal: &WorkCalendar,
    allowance: i64,
    f: &LateFacts<'_>,
    at: DateTime<Utc>,
) -> Vec<StatAdd> {
    let mut waits: Vec<Wait> = f
        .helps
        .iter()
        .map(|h| Wait {
            unit_id: h.to_unit,
            days: working_days(cal, h.from, h.to.unwrap_or(at)),
            reason: LostReason::Help,
        })
        .collect();
    waits.push(Wait {
        unit_id: f.reviewer,
        days: f.decision_days,
        reason: LostReason::Review,
    });
    let input = LostInput {
        unit_id: f.key.unit_id,
        lost: f.late,
        upstream: f
            .upstream
            .map(|(unit, since)| (unit, working_days(cal, since, f.dispatched_at))),
        waits,
    };
    split_lost(&input, allowance)
        .into_iter()
        .map(|s| StatAdd {
            assignment_id: f.key.assignment_id,
            unit_id: s.unit_id,
            month: f.key.month.clone(),
            hop: Hop::Lost,
            days: s.days,
            reason: Some(s.reason),
        })
        .collect()
}
