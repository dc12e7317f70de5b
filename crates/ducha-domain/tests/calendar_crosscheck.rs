//! Every day of 2024–2026 against an independent source: the `chinese_holiday` crate's copy of
//! the State Council notices (it covers dates up to 2026-12-25; the last week of 2026 has no
//! override in either source and is checked as plain weekdays).

use chinese_holiday::{Ymd, chinese_holiday};
use chrono::{Datelike, NaiveDate, Weekday};
use ducha_domain::calendar::WorkCalendar;

#[test]
fn every_day_of_2024_to_2026_agrees_with_an_independent_source() {
    let cal = WorkCalendar::china();
    let mut d = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let last_covered = NaiveDate::from_ymd_opt(2026, 12, 25).expect("date");
    let end = NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let mut checked = 0;
    let mut working = [0; 3];
    while d <= end {
        let expected = if d <= last_covered {
            let ymd = Ymd::new(
                u16::try_from(d.year()).expect("year"),
                u8::try_from(d.month()).expect("month"),
                u8::try_from(d.day()).expect("day"),
            );
            chinese_holiday(ymd).is_workday()
        } else {
            !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        };
        assert_eq!(cal.is_working_day(d), expected, "{d}");
        checked += 1;
        working[usize::try_from(d.year() - 2024).expect("year")] += i32::from(expected);
        d = d.succ_opt().expect("date");
    }
    assert_eq!(checked, 1096);
    // Yearly totals of working days (2025 gained two statutory holiday days).
    assert_eq!(working, [251, 248, 248]);
}
