//! Warning lights (亮灯) and report cadences: computed from an assignment's facts, the date and
//! the calendar, by rules held as data — never typed in.

use crate::assignment::AssignmentState;
use crate::calendar::WorkCalendar;
use crate::item::Cadence;
use crate::org::str_enum;
use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

str_enum!(
    /// The light of an assignment, an item (worst of its open assignments) or a unit.
    Light {
        /// 绿灯 — on track.
        Green = "green",
        /// 蓝灯 — the deadline is near.
        Blue = "blue",
        /// 黄灯 — behind pace, a missed report, or a report returned for quality.
        Yellow = "yellow",
        /// 红灯 — overdue.
        Red = "red",
    }
);

impl Light {
    /// Severity, for roll-ups and storage: green 0 < blue 1 < yellow 2 < red 3.
    pub fn rank(self) -> i64 {
        match self {
            Light::Green => 0,
            Light::Blue => 1,
            Light::Yellow => 2,
            Light::Red => 3,
        }
    }

    /// The light of a stored rank.
    pub fn from_rank(rank: i64) -> Option<Light> {
        Light::ALL.get(usize::try_from(rank).ok()?).copied()
    }
}

str_enum!(
    /// Why a light is not green.
    LightReason {
        /// The deadline has passed (超期).
        Overdue = "overdue",
        /// The deadline is within the warning window (临期).
        DeadlineNear = "deadline_near",
        /// Reported progress is behind the elapsed working-time pace (滞后于序时进度).
        BehindPace = "behind_pace",
        /// A report fell due and none came (未按时报送).
        MissedReport = "missed_report",
        /// The latest completion was returned for quality (退回重办).
        Returned = "returned",
    }
);

/// The light rules (PRODUCT.md §5); defaults from practice, overridable in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LightRules {
    /// Blue when the deadline is this many working days away or fewer.
    pub blue_within_working_days: i64,
    /// Yellow when progress trails the elapsed-time pace by more than this many points.
    pub pace_lag_percent: i64,
    /// Yellow when a report fell due and none came.
    pub yellow_on_missed_report: bool,
    /// Yellow while a returned completion has not been reported on again.
    pub yellow_on_return: bool,
}

impl Default for LightRules {
    fn default() -> Self {
        Self {
            blue_within_working_days: 3,
            pace_lag_percent: 20,
            yellow_on_missed_report: true,
            yellow_on_return: true,
        }
    }
}

/// What the rules look at for one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightFacts {
    /// State.
    pub state: AssignmentState,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Dispatch date in China (the clock's start).
    pub dispatched_on: NaiveDate,
    /// Latest reported percent (none: nothing reported; the pace rule then does not apply).
    pub progress: Option<i64>,
    /// Date of the latest report.
    pub last_report_on: Option<NaiveDate>,
    /// A completion was returned and not reported on since.
    pub returned: bool,
    /// The item's report cadence.
    pub cadence: Cadence,
}

/// The light of an open assignment on `today` and why; `None` for a finished one (done or
/// withdrawn), which no longer takes part in roll-ups. Red beats yellow beats blue.
pub fn light_of(
    f: &LightFacts,
    today: NaiveDate,
    cal: &WorkCalendar,
    rules: &LightRules,
) -> Option<(Light, Option<LightReason>)> {
    if !f.state.is_open() {
        return None;
    }
    // Waiting for the level above: the unit's clock is not what is late.
    let waiting = matches!(
        f.state,
        AssignmentState::CompletionRequested | AssignmentState::RefusalRequested
    );
    // A deadline on a day off ends on the next working day (Civil Code art. 203).
    let deadline = cal.next_working_day_from(f.deadline);
    if today > deadline && f.state != AssignmentState::CompletionRequested {
        return Some((Light::Red, Some(LightReason::Overdue)));
    }
    if !waiting {
        if rules.yellow_on_return && f.returned {
            return Some((Light::Yellow, Some(LightReason::Returned)));
        }
        if rules.yellow_on_missed_report && missed_report(f, today, cal) {
            return Some((Light::Yellow, Some(LightReason::MissedReport)));
        }
        if behind_pace(f, today, cal, rules) {
            return Some((Light::Yellow, Some(LightReason::BehindPace)));
        }
        if cal.working_days_between(today, deadline) <= rules.blue_within_working_days {
            return Some((Light::Blue, Some(LightReason::DeadlineNear)));
        }
    }
    Some((Light::Green, None))
}

/// Elapsed working-time share in percent, from dispatch to the deadline.
pub fn pace_percent(
    dispatched_on: NaiveDate,
    deadline: NaiveDate,
    today: NaiveDate,
    cal: &WorkCalendar,
) -> i64 {
    let total = cal.working_days_between(dispatched_on, deadline);
    if total <= 0 {
        return 100;
    }
    let elapsed = cal
        .working_days_between(dispatched_on, today)
        .clamp(0, total);
    elapsed * 100 / total
}

/// Only reported progress is compared with the pace; a unit that reports nothing is caught by
/// the missed-report rule (or, without a cadence, by the deadline).
fn behind_pace(f: &LightFacts, today: NaiveDate, cal: &WorkCalendar, rules: &LightRules) -> bool {
    let Some(progress) = f.progress else {
        return false;
    };
    let pace = pace_percent(f.dispatched_on, f.deadline, today, cal);
    pace - progress.clamp(0, 100) > rules.pace_lag_percent
}

/// Whether a report fell due before `today` and none came since the one before it was due.
pub fn missed_report(f: &LightFacts, today: NaiveDate, cal: &WorkCalendar) -> bool {
    let Some((window_start, _due)) = last_due_window(f.cadence, f.dispatched_on, today, cal) else {
        return false;
    };
    f.last_report_on.is_none_or(|r| r <= window_start)
}

/// The latest report due date strictly before `today`, with the start of its window (the
/// previous due date, or the dispatch date): `(window_start, due)`. A report is due on the
/// cadence's day (moved to the next working day when it is a day off), the first one at least
/// three days after dispatch.
pub fn last_due_window(
    cadence: Cadence,
    dispatched_on: NaiveDate,
    today: NaiveDate,
    cal: &WorkCalendar,
) -> Option<(NaiveDate, NaiveDate)> {
    let first_allowed = dispatched_on.checked_add_days(Days::new(3))?;
    let yesterday = today.pred_opt()?;
    if yesterday < first_allowed {
        return None;
    }
    let (prev, due) = match cadence {
        Cadence::None => return None,
        Cadence::Weekly { .. } => {
            let wd = cadence.weekday()?;
            // The latest cadence weekday on or before yesterday whose (moved) due date is past.
            let mut nominal = yesterday;
            while nominal.weekday() != wd {
                nominal = nominal.pred_opt()?;
            }
            let mut due = cal.next_working_day_from(nominal);
            if due >= today {
                nominal = nominal.checked_sub_days(Days::new(7))?;
                due = cal.next_working_day_from(nominal);
            }
            // The window starts at the previous nominal date: a report filed on a moved due
            // date (after a holiday) also counts for the next one.
            (nominal.checked_sub_days(Days::new(7))?, due)
        }
        Cadence::Monthly { day } => {
            let day = u32::from(day).clamp(1, 28);
            let mut nominal = yesterday.with_day(day)?;
            if nominal > yesterday {
                nominal = nominal.checked_sub_months(Months::new(1))?;
            }
            let mut due = cal.next_working_day_from(nominal);
            if due >= today {
                nominal = nominal.checked_sub_months(Months::new(1))?;
                due = cal.next_working_day_from(nominal);
            }
            (nominal.checked_sub_months(Months::new(1))?, due)
        }
        Cadence::EveryWorkingDays { n } => {
            let n = i64::from(n.max(1));
            let elapsed = cal.working_days_between(dispatched_on, yesterday);
            let k = elapsed / n;
            if k == 0 {
                return None;
            }
            let at = |k: i64| {
                cal.add_working_days(dispatched_on, u32::try_from(k * n).unwrap_or(u32::MAX))
            };
            (if k == 1 { dispatched_on } else { at(k - 1) }, at(k))
        }
    };
    if due < first_allowed {
        return None;
    }
    Some((prev.max(dispatched_on), due))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn facts(dispatched_on: NaiveDate, deadline: NaiveDate) -> LightFacts {
        LightFacts {
            state: AssignmentState::InProgress,
            deadline,
            dispatched_on,
            progress: Some(50),
            last_report_on: None,
            returned: false,
            cadence: Cadence::None,
        }
    }

    fn light(f: &LightFacts, today: NaiveDate) -> (Light, Option<LightReason>) {
        light_of(f, today, &WorkCalendar::china(), &LightRules::default()).expect("open")
    }

    #[test]
    fn red_when_overdue_and_blue_three_working_days_before() {
        // Deadline Thursday 8 Oct 2026, right after the National Day week.
        let f = facts(d(2026, 9, 1), d(2026, 10, 8));
        assert_eq!(
            light(&f, d(2026, 10, 9)),
            (Light::Red, Some(LightReason::Overdue))
        );
        assert_eq!(
            light(&f, d(2026, 10, 8)).0,
            Light::Yellow,
            "behind pace beats near"
        );
        let mut on_track = f;
        on_track.progress = Some(90);
        assert_eq!(light(&on_track, d(2026, 10, 8)).0, Light::Blue, "due today");
        // 28 Sep → 8 Oct: 29, 30 Sep and 8 Oct are the working days left (1–7 Oct are off).
        assert_eq!(light(&on_track, d(2026, 9, 28)).0, Light::Blue);
        // 24 Sep: 25–27 Sep are the Mid-Autumn holiday, so 4 working days are left.
        assert_eq!(light(&on_track, d(2026, 9, 24)).0, Light::Green);
    }

    #[test]
    fn spring_festival_stretches_the_blue_window() {
        // Deadline Tuesday 24 Feb 2026. From Thursday 12 Feb: 13 Feb, Saturday 14 Feb (a
        // make-up working day) and 24 Feb — 15–23 Feb are off.
        let mut f = facts(d(2026, 1, 5), d(2026, 2, 24));
        f.progress = Some(100);
        assert_eq!(light(&f, d(2026, 2, 12)).0, Light::Blue, "3 working days");
        assert_eq!(light(&f, d(2026, 2, 11)).0, Light::Green, "4 working days");
    }

    #[test]
    fn yellow_when_behind_pace_by_more_than_the_threshold() {
        // 2–27 Nov 2026: 19 working days after 2 Nov (2 Nov not counted). On 16 Nov, 10 have
        // passed: pace 52%.
        let mut f = facts(d(2026, 11, 2), d(2026, 11, 27));
        f.progress = Some(32);
        assert_eq!(
            light(&f, d(2026, 11, 16)).0,
            Light::Green,
            "lag 20 is not more than 20"
        );
        f.progress = Some(31);
        assert_eq!(
            light(&f, d(2026, 11, 16)),
            (Light::Yellow, Some(LightReason::BehindPace))
        );
        f.progress = None;
        assert_eq!(
            light(&f, d(2026, 11, 4)).0,
            Light::Green,
            "pace 10%: nothing yet is fine"
        );
    }

    #[test]
    fn returned_completion_is_yellow_until_the_next_report() {
        let mut f = facts(d(2026, 11, 2), d(2026, 12, 31));
        f.returned = true;
        assert_eq!(
            light(&f, d(2026, 11, 5)),
            (Light::Yellow, Some(LightReason::Returned))
        );
        let rules = LightRules {
            yellow_on_return: false,
            ..LightRules::default()
        };
        let got = light_of(&f, d(2026, 11, 5), &WorkCalendar::china(), &rules);
        assert_eq!(got, Some((Light::Green, None)), "the rule is data");
    }

    #[test]
    fn finished_and_waiting_assignments() {
        let mut f = facts(d(2026, 11, 2), d(2026, 11, 10));
        f.state = AssignmentState::Done;
        assert_eq!(
            light_of(
                &f,
                d(2026, 12, 1),
                &WorkCalendar::china(),
                &LightRules::default()
            ),
            None
        );
        f.state = AssignmentState::CompletionRequested;
        assert_eq!(
            light(&f, d(2026, 12, 1)).0,
            Light::Green,
            "the reviewer is late, not the unit"
        );
        f.state = AssignmentState::Pending;
        assert_eq!(
            light(&f, d(2026, 12, 1)).0,
            Light::Red,
            "not signing does not stop the clock"
        );
    }

    #[test]
    fn monthly_report_by_the_fifth_moves_past_national_day() {
        let cal = WorkCalendar::china();
        let cadence = Cadence::Monthly { day: 5 };
        // 5 Oct 2026 is a holiday: the October report is due Thursday 8 Oct.
        assert_eq!(
            last_due_window(cadence, d(2026, 8, 20), d(2026, 10, 8), &cal),
            Some((d(2026, 8, 20), d(2026, 9, 7))),
            "5 Sep is a Saturday: the September report was due Monday 7 Sep"
        );
        assert_eq!(
            last_due_window(cadence, d(2026, 8, 20), d(2026, 10, 9), &cal),
            Some((d(2026, 9, 5), d(2026, 10, 8)))
        );
        let mut f = facts(d(2026, 8, 20), d(2026, 12, 31));
        f.cadence = cadence;
        f.progress = Some(100);
        f.last_report_on = Some(d(2026, 9, 4));
        assert!(
            !missed_report(&f, d(2026, 10, 8), &cal),
            "due today, not missed yet"
        );
        assert!(missed_report(&f, d(2026, 10, 9), &cal));
        f.last_report_on = Some(d(2026, 9, 7));
        assert!(
            !missed_report(&f, d(2026, 10, 9), &cal),
            "filed on the moved September due date: counts for October too"
        );
        f.last_report_on = Some(d(2026, 9, 8));
        assert!(
            !missed_report(&f, d(2026, 10, 9), &cal),
            "reported inside the window"
        );
        assert_eq!(light(&f, d(2026, 10, 9)).0, Light::Green);
        f.last_report_on = Some(d(2026, 9, 4));
        assert_eq!(
            light(&f, d(2026, 10, 9)),
            (Light::Yellow, Some(LightReason::MissedReport))
        );
    }

    #[test]
    fn weekly_and_working_day_cadences() {
        let cal = WorkCalendar::china();
        // Weekly by Friday; dispatched Monday 2 Nov 2026. Friday 6 Nov is the first due date.
        let weekly = Cadence::Weekly { weekday: 5 };
        assert_eq!(
            last_due_window(weekly, d(2026, 11, 2), d(2026, 11, 6), &cal),
            None
        );
        assert_eq!(
            last_due_window(weekly, d(2026, 11, 2), d(2026, 11, 9), &cal),
            Some((d(2026, 11, 2), d(2026, 11, 6)))
        );
        assert_eq!(
            last_due_window(weekly, d(2026, 11, 2), d(2026, 11, 14), &cal),
            Some((d(2026, 11, 6), d(2026, 11, 13)))
        );
        // Friday 25 Sep 2026 is Mid-Autumn (due Monday 28 Sep); Friday 2 Oct is National Day
        // (due Thursday 8 Oct).
        assert_eq!(
            last_due_window(weekly, d(2026, 9, 1), d(2026, 10, 8), &cal),
            Some((d(2026, 9, 18), d(2026, 9, 28)))
        );
        assert_eq!(
            last_due_window(weekly, d(2026, 9, 1), d(2026, 10, 9), &cal),
            Some((d(2026, 9, 25), d(2026, 10, 8)))
        );
        // Every 5 working days from Friday 13 Feb 2026: 14 Feb (make-up Saturday), 24–27 Feb.
        let every5 = Cadence::EveryWorkingDays { n: 5 };
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 5), d(2026, 2, 27));
        assert_eq!(
            last_due_window(every5, d(2026, 2, 13), d(2026, 2, 27), &cal),
            None
        );
        assert_eq!(
            last_due_window(every5, d(2026, 2, 13), d(2026, 3, 2), &cal),
            Some((d(2026, 2, 13), d(2026, 2, 27)))
        );
        assert_eq!(
            last_due_window(Cadence::None, d(2026, 1, 1), d(2026, 12, 1), &cal),
            None
        );
    }

    #[test]
    fn a_deadline_on_a_holiday_ends_on_the_next_working_day() {
        // Saturday 3 Oct 2026 is in the National Day holiday: the deadline is Thursday 8 Oct.
        let mut f = facts(d(2026, 9, 1), d(2026, 10, 3));
        f.progress = Some(100);
        assert_eq!(
            light(&f, d(2026, 10, 5)).0,
            Light::Blue,
            "not red during the holiday"
        );
        assert_eq!(light(&f, d(2026, 10, 8)).0, Light::Blue);
        assert_eq!(
            light(&f, d(2026, 10, 9)),
            (Light::Red, Some(LightReason::Overdue))
        );
    }

    #[test]
    fn ranks_round_trip() {
        for l in Light::ALL {
            assert_eq!(Light::from_rank(l.rank()), Some(*l));
        }
        assert_eq!(Light::from_rank(4), None);
    }
}
