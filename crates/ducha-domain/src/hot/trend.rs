//! What the office's hot-issue page shows besides the texts: the count per week and whether a
//! complaint coming back counts as the same issue returning after its item closed.

use chrono::{Datelike, Duration, Months, NaiveDate};

/// The Monday of `day`'s week (weeks run Monday to Sunday, as in China).
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Appeals received per week over the `weeks` weeks ending with `today`'s, oldest first, as
/// (Monday, count); appeals outside the window are left out.
pub fn weekly_counts(
    received: &[NaiveDate],
    today: NaiveDate,
    weeks: u32,
) -> Vec<(NaiveDate, u32)> {
    let last = week_of(today);
    let mut out: Vec<(NaiveDate, u32)> = (0..weeks)
        .rev()
        .map(|k| (last - Duration::weeks(i64::from(k)), 0))
        .collect();
    for &day in received {
        let w = week_of(day);
        if let Some(slot) = out.iter_mut().find(|(monday, _)| *monday == w) {
            slot.1 += 1;
        }
    }
    out
}

/// Whether an appeal received on `received` about an issue whose item closed on `closed`
/// brings the issue back: on or after the close and within `months` calendar months of it.
pub fn returns_after_close(closed: NaiveDate, received: NaiveDate, months: u32) -> bool {
    received >= closed
        && closed
            .checked_add_months(Months::new(months))
            .is_some_and(|until| received <= until)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn weeks_start_on_monday() {
        for (day, monday) in [
            ("2026-12-07", "2026-12-07"),
            ("2026-12-06", "2026-11-30"),
            ("2026-12-09", "2026-12-07"),
            ("2027-01-01", "2026-12-28"),
        ] {
            assert_eq!(week_of(d(day)), d(monday), "{day}");
        }
    }

    #[test]
    fn weekly_counts_fill_empty_weeks_and_drop_old_ones() {
        let got = weekly_counts(
            &[
                d("2026-12-07"),
                d("2026-12-08"),
                d("2026-11-24"),
                d("2026-10-01"),
            ],
            d("2026-12-09"),
            3,
        );
        assert_eq!(
            got,
            vec![
                (d("2026-11-23"), 1),
                (d("2026-11-30"), 0),
                (d("2026-12-07"), 2)
            ]
        );
        assert!(weekly_counts(&[], d("2026-12-09"), 0).is_empty());
    }

    #[test]
    fn a_complaint_returns_within_the_months_after_the_close() {
        let closed = d("2026-08-31");
        for (received, months, returns) in [
            ("2026-08-31", 3, true),
            ("2026-11-30", 3, true),
            ("2026-12-01", 3, false),
            ("2026-08-30", 3, false),
            ("2026-09-15", 0, false),
            ("2026-08-31", 0, true),
        ] {
            assert_eq!(
                returns_after_close(closed, d(received), months),
                returns,
                "{received} within {months}"
            );
        }
    }
}
