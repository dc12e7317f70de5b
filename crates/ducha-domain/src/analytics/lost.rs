//! Responsibility for lost days (误时责任): the working days a late assignment lost, split
//! among the units that held it. Supervise matters, not people, and do not blame the
//! grassroots: days the unit spent waiting on others — a help request not yet answered, the
//! completion request the level above sat on before accepting it — count against those others,
//! and days the level above kept the work before passing it down count against it beyond a
//! short allowance. Only what remains is the unit's own.

use crate::org::str_enum;
use serde::Serialize;

str_enum!(
    /// Why lost days are charged to a unit.
    LostReason {
        /// The unit asked for help had not answered.
        Help = "help",
        /// The level above had not decided the completion request it then accepted.
        Review = "review",
        /// The level above kept the work before passing it down.
        Upstream = "upstream",
        /// The unit's own.
        Own = "own",
    }
);

/// Working days the late unit spent waiting on another unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wait {
    /// The unit waited on.
    pub unit_id: i64,
    /// Working days.
    pub days: i64,
    /// What it waited for.
    pub reason: LostReason,
}

/// What the split reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostInput {
    /// The late unit.
    pub unit_id: i64,
    /// Working days late (at completion, or so far).
    pub lost: i64,
    /// The level above and the working days it kept the work before passing it down.
    pub upstream: Option<(i64, i64)>,
    /// Waits on other units, in the order they began.
    pub waits: Vec<Wait>,
}

/// A unit's part of the lost days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LostShare {
    /// The unit charged.
    pub unit_id: i64,
    /// Working days.
    pub days: i64,
    /// Why.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub reason: LostReason,
}

/// Splits `lost` days: waits on others first (each up to its length), then the level above's
/// hold beyond `allowance` working days, and the rest to the unit itself. Shares are merged
/// per unit and reason, in that order; they add up to `lost`.
pub fn split_lost(input: &LostInput, allowance: i64) -> Vec<LostShare> {
    let mut left = input.lost.max(0);
    let mut out: Vec<LostShare> = Vec::new();
    let mut charge = |unit_id: i64, days: i64, reason: LostReason, left: &mut i64| {
        let d = days.min(*left);
        if d <= 0 {
            return;
        }
        *left -= d;
        match out
            .iter_mut()
            .find(|s| s.unit_id == unit_id && s.reason == reason)
        {
            Some(s) => s.days += d,
            None => out.push(LostShare {
                unit_id,
                days: d,
                reason,
            }),
        }
    };
    for w in &input.waits {
        if w.unit_id != input.unit_id {
            charge(w.unit_id, w.days, w.reason, &mut left);
        }
    }
    if let Some((unit, held)) = input.upstream {
        charge(unit, held - allowance, LostReason::Upstream, &mut left);
    }
    let own = left;
    charge(input.unit_id, own, LostReason::Own, &mut left);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_on_others_are_theirs_and_the_rest_is_own() {
        // A township 6 working days late: it waited 4 days on an unanswered help request to
        // the county's housing bureau (31), and the county (20) kept the work 9 working days
        // before passing it down (allowance 3).
        let input = LostInput {
            unit_id: 40,
            lost: 6,
            upstream: Some((20, 9)),
            waits: vec![Wait {
                unit_id: 31,
                days: 4,
                reason: LostReason::Help,
            }],
        };
        let split = split_lost(&input, 3);
        assert_eq!(
            split,
            vec![
                LostShare {
                    unit_id: 31,
                    days: 4,
                    reason: LostReason::Help
                },
                LostShare {
                    unit_id: 20,
                    days: 2,
                    reason: LostReason::Upstream
                },
            ]
        );
        // Late 12: the waits are charged in full, the rest is the township's own.
        let split = split_lost(&LostInput { lost: 12, ..input }, 3);
        let days: Vec<(i64, i64)> = split.iter().map(|s| (s.unit_id, s.days)).collect();
        assert_eq!(days, vec![(31, 4), (20, 6), (40, 2)]);
        assert_eq!(split.iter().map(|s| s.days).sum::<i64>(), 12);
    }

    #[test]
    fn on_time_loses_nothing() {
        let input = LostInput {
            unit_id: 1,
            lost: 0,
            upstream: Some((2, 30)),
            waits: vec![],
        };
        assert!(split_lost(&input, 3).is_empty());
    }
}
