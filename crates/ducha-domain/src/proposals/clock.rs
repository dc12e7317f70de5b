//! The legal clock of a suggestion (办理时限): a unit may return a wrongly routed one within the
//! session's 3–7 working days; co-units send their opinion to the lead within one month; the
//! lead replies within three months of routing; one extension of at most one month, approved by
//! the office; a dissatisfied proposer's suggestion is handled again within one month.
//!
//! Periods follow the Civil Code: the day the period starts is not counted (第二百零一条), a
//! period of months ends on the same day of the last month (or that month's last day), and a
//! period ending on a day off ends on the next working day (第二百零三条).

use crate::calendar::WorkCalendar;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The periods of the clock (configuration `[service.proposals]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClockRules {
    /// The return window a new session gets unless the office chooses (working days, 3–7).
    pub return_days: u32,
    /// Months within which co-units send their opinion to the lead.
    pub co_months: u32,
    /// Months within which the lead replies to the proposer.
    pub reply_months: u32,
    /// Months an approved extension may add at most.
    pub extension_months: u32,
    /// Months within which a suggestion handled again is answered again.
    pub rehandle_months: u32,
}

impl Default for ClockRules {
    fn default() -> Self {
        Self {
            return_days: 5,
            co_months: 1,
            reply_months: 3,
            extension_months: 1,
            rehandle_months: 1,
        }
    }
}

impl ClockRules {
    /// Checks the periods; the message names what is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !RETURN_DAYS.contains(&self.return_days) {
            return Err("return_days must be 3–7".into());
        }
        if self.co_months == 0 || self.co_months > self.reply_months || self.reply_months > 12 {
            return Err("co_months must be 1–reply_months, reply_months at most 12".into());
        }
        if self.extension_months > 6 || self.rehandle_months == 0 || self.rehandle_months > 6 {
            return Err("extension_months 0–6, rehandle_months 1–6".into());
        }
        Ok(())
    }
}

/// The return windows an office may choose for a session (working days).
pub const RETURN_DAYS: std::ops::RangeInclusive<u32> = 3..=7;

/// The end of a period of `months` months starting on `start`, moved to the next working day
/// when it falls on a day off.
pub fn months_end(cal: &WorkCalendar, start: NaiveDate, months: u32) -> NaiveDate {
    let end = start
        .checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX);
    cal.next_working_day_from(end)
}

/// The dates of one handling round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoundClock {
    /// The day the round started (routing, or the proposer's dissatisfaction).
    pub started_on: NaiveDate,
    /// The last day a unit may return it as wrongly routed (round 1 only).
    pub return_by: Option<NaiveDate>,
    /// The last day co-units send their opinion to the lead (round 1 with co-units only).
    pub co_due: Option<NaiveDate>,
    /// The last day to reply (before any extension).
    pub reply_due: NaiveDate,
    /// The latest day an extension may name.
    pub extension_limit: NaiveDate,
}

/// The clock of the first round, routed on `routed_on` with the session's return window.
pub fn first_round(
    cal: &WorkCalendar,
    rules: &ClockRules,
    routed_on: NaiveDate,
    return_days: u32,
    has_co_units: bool,
) -> RoundClock {
    RoundClock {
        started_on: routed_on,
        return_by: Some(cal.add_working_days(routed_on, return_days)),
        co_due: has_co_units.then(|| months_end(cal, routed_on, rules.co_months)),
        reply_due: months_end(cal, routed_on, rules.reply_months),
        extension_limit: months_end(cal, routed_on, rules.reply_months + rules.extension_months),
    }
}

/// The clock of a round handled again, started on `on` (the proposer's dissatisfaction).
pub fn again(cal: &WorkCalendar, rules: &ClockRules, on: NaiveDate) -> RoundClock {
    RoundClock {
        started_on: on,
        return_by: None,
        co_due: None,
        reply_due: months_end(cal, on, rules.rehandle_months),
        extension_limit: months_end(cal, on, rules.rehandle_months + rules.extension_months),
    }
}

/// Why an extension cannot be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionRefused {
    /// The round already had its one extension (asked, granted or denied).
    AlreadyAsked,
    /// The reply is already overdue.
    TooLate,
    /// The new date is not after the current one.
    NotLater,
    /// The new date is beyond the one month allowed.
    TooLong,
}

impl ExtensionRefused {
    /// The message key.
    pub fn key(self) -> &'static str {
        match self {
            ExtensionRefused::AlreadyAsked => "proposal.extension_once",
            ExtensionRefused::TooLate => "rule.extension_too_late",
            ExtensionRefused::NotLater => "rule.extension_not_later",
            ExtensionRefused::TooLong => "proposal.extension_too_long",
        }
    }
}

/// Checks an extension asked on `today` for a new reply date `to`, when the round's reply is
/// due on `due` and `asked_before` tells whether the round already had one.
pub fn check_extension(
    clock: &RoundClock,
    due: NaiveDate,
    asked_before: bool,
    today: NaiveDate,
    to: NaiveDate,
) -> Result<(), ExtensionRefused> {
    if asked_before {
        Err(ExtensionRefused::AlreadyAsked)
    } else if today > due {
        Err(ExtensionRefused::TooLate)
    } else if to <= due {
        Err(ExtensionRefused::NotLater)
    } else if to > clock.extension_limit {
        Err(ExtensionRefused::TooLong)
    } else {
        Ok(())
    }
}

/// Whether a reply given on `replied_on` was on time for a round due on `due`.
pub fn on_time(replied_on: NaiveDate, due: NaiveDate) -> bool {
    replied_on <= due
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn the_clock_moves_off_weekends_and_the_national_day() {
        let cal = WorkCalendar::china();
        let r = ClockRules::default();
        // Routed Wednesday 1 July 2026: five working days skip the weekend of 4–5 July; one
        // month ends Saturday 1 August, so Monday 3 August; three months end on 1 October, in
        // the National Day holiday (1–7 October), so Thursday 8 October; the extension may reach
        // 1 November, a Sunday, so Monday 2 November.
        let c = first_round(&cal, &r, d(2026, 7, 1), 5, true);
        assert_eq!(c.return_by, Some(d(2026, 7, 8)));
        assert_eq!(c.co_due, Some(d(2026, 8, 3)));
        assert_eq!(c.reply_due, d(2026, 10, 8));
        assert_eq!(c.extension_limit, d(2026, 11, 2));
        assert_eq!(first_round(&cal, &r, d(2026, 7, 1), 3, false).co_due, None);
        // Months end on the last day of a shorter month.
        assert_eq!(months_end(&cal, d(2026, 11, 30), 3), d(2027, 3, 1));
        assert_eq!(months_end(&cal, d(2026, 8, 31), 1), d(2026, 9, 30));
        // Handled again from Tuesday 20 October: within a month, Friday 20 November.
        let again = again(&cal, &r, d(2026, 10, 20));
        assert_eq!(again.reply_due, d(2026, 11, 20));
        assert_eq!((again.return_by, again.co_due), (None, None));
    }

    #[test]
    fn one_extension_of_at_most_a_month() {
        let cal = WorkCalendar::china();
        let c = first_round(&cal, &ClockRules::default(), d(2026, 7, 1), 5, true);
        let due = c.reply_due;
        let ok = |today, to| check_extension(&c, due, false, today, to);
        assert_eq!(ok(d(2026, 10, 8), d(2026, 11, 2)), Ok(()));
        assert_eq!(
            ok(d(2026, 10, 8), d(2026, 11, 3)),
            Err(ExtensionRefused::TooLong)
        );
        assert_eq!(
            ok(d(2026, 10, 9), d(2026, 10, 30)),
            Err(ExtensionRefused::TooLate)
        );
        assert_eq!(ok(d(2026, 9, 1), due), Err(ExtensionRefused::NotLater));
        assert_eq!(
            check_extension(&c, due, true, d(2026, 9, 1), d(2026, 10, 30)),
            Err(ExtensionRefused::AlreadyAsked)
        );
        assert!(on_time(due, due) && !on_time(d(2026, 10, 9), due));
    }

    #[test]
    fn rules_are_checked() {
        assert!(ClockRules::default().validate().is_ok());
        let bad = ClockRules {
            return_days: 8,
            ..ClockRules::default()
        };
        assert!(bad.validate().is_err());
        let bad = ClockRules {
            co_months: 4,
            ..ClockRules::default()
        };
        assert!(bad.validate().is_err());
    }
}
