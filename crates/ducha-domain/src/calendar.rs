//! The working-day calendar (工作日): official holidays and make-up working days (调休).
//!
//! Periods follow the Civil Code: the day a period starts is not counted (第二百零一条), and a
//! period whose last day is a statutory holiday ends on the next working day (第二百零三条).

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;
use std::collections::BTreeMap;

/// What the official schedule says about one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOverride {
    /// 法定节假日 (or a day off in the holiday block).
    Holiday,
    /// 调休上班 — a weekend day that is a working day.
    Workday,
}

/// One line of a calendar file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarEntry {
    /// The date.
    pub date: NaiveDate,
    /// Holiday or make-up working day.
    pub kind: DayOverride,
    /// The festival's name.
    pub name: String,
}

/// A line of a calendar file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {key}")]
pub struct CalendarLineError {
    /// 1-based line number.
    pub line: usize,
    /// Message key.
    pub key: &'static str,
}

/// Parses `DATE KIND NAME` lines (`#` comments and blank lines allowed).
pub fn parse_calendar(text: &str) -> Result<Vec<CalendarEntry>, CalendarLineError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |key| CalendarLineError { line: i + 1, key };
        let mut parts = line.splitn(3, char::is_whitespace);
        let date = parts
            .next()
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .ok_or_else(|| err("calendar.bad_date"))?;
        let kind = match parts.next() {
            Some("holiday") => DayOverride::Holiday,
            Some("workday") => DayOverride::Workday,
            _ => return Err(err("calendar.bad_kind")),
        };
        let name = parts.next().unwrap_or("").trim().to_string();
        out.push(CalendarEntry { date, kind, name });
    }
    Ok(out)
}

/// Working-day arithmetic over weekends plus the official overrides.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    overrides: BTreeMap<NaiveDate, DayOverride>,
    /// `index[i]` = working days in `(INDEX_BASE, INDEX_BASE + i]`: counts between two dates in
    /// O(1), which the sweep over a million assignments needs.
    index: Vec<u32>,
}

/// The first day of the O(1) index; dates outside it are counted day by day.
const INDEX_BASE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};
/// Days covered by the index (2000-01-01 to 2100-12-31).
const INDEX_DAYS: usize = 36_890;

/// The State Council schedules built into the binary (2024–2026), as a calendar file.
pub const CHINA_SCHEDULE: &str = include_str!("../data/cn-holidays.txt");
const CHINA: &str = CHINA_SCHEDULE;

impl WorkCalendar {
    /// The calendar with the State Council's published schedules (2024–2026) built in.
    pub fn china() -> Self {
        // The embedded file is checked by a unit test, so it always parses.
        Self::from_entries(parse_calendar(CHINA).unwrap_or_default())
    }

    /// A calendar from explicit entries.
    pub fn from_entries(entries: impl IntoIterator<Item = CalendarEntry>) -> Self {
        let mut cal = Self::default();
        cal.extend(entries);
        cal
    }

    /// Adds or replaces entries (a newly published year).
    pub fn extend(&mut self, entries: impl IntoIterator<Item = CalendarEntry>) {
        for e in entries {
            self.overrides.insert(e.date, e.kind);
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        let mut index = Vec::with_capacity(INDEX_DAYS);
        let mut n = 0u32;
        let mut d = INDEX_BASE;
        index.push(0);
        for _ in 1..INDEX_DAYS {
            d = succ(d);
            if self.is_working_day(d) {
                n += 1;
            }
            index.push(n);
        }
        self.index = index;
    }

    fn ordinal(&self, d: NaiveDate) -> Option<u32> {
        let off = usize::try_from((d - INDEX_BASE).num_days()).ok()?;
        self.index.get(off).copied()
    }

    /// Every override, in date order.
    pub fn entries(&self) -> impl Iterator<Item = (NaiveDate, DayOverride)> + '_ {
        self.overrides.iter().map(|(d, k)| (*d, *k))
    }

    /// The last year with an official schedule loaded.
    pub fn last_scheduled_year(&self) -> Option<i32> {
        self.overrides.keys().next_back().map(|d| d.year())
    }

    /// Whether `d` lies in a year up to the last one with an official schedule loaded; later
    /// dates are counted Monday to Friday until their year is loaded.
    pub fn schedules(&self, d: NaiveDate) -> bool {
        self.last_scheduled_year().is_some_and(|y| d.year() <= y)
    }

    /// Whether people work on `d`.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        match self.overrides.get(&d) {
            Some(DayOverride::Workday) => true,
            Some(DayOverride::Holiday) => false,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `start` (the start day itself is not counted). With `n = 0`,
    /// `start` itself if it is a working day, else the next working day.
    pub fn add_working_days(&self, start: NaiveDate, n: u32) -> NaiveDate {
        let mut d = start;
        if n == 0 {
            return self.next_working_day_from(d);
        }
        let mut left = n;
        while left > 0 {
            d = succ(d);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// `d` if it is a working day, else the next working day after it (第二百零三条).
    pub fn next_working_day_from(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.is_working_day(d) {
            d = succ(d);
        }
        d
    }

    /// The end of a period of `days` calendar days starting on `start` (the start day not
    /// counted), moved to the next working day when it falls on a day off.
    pub fn period_end(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let end = start
            .checked_add_days(Days::new(u64::from(days)))
            .unwrap_or(NaiveDate::MAX);
        self.next_working_day_from(end)
    }

    /// Working days in `(from, to]`: how many working days have passed since `from` when it is
    /// `to`; negative when `to` is before `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.working_days_between(to, from);
        }
        if let (Some(a), Some(b)) = (self.ordinal(from), self.ordinal(to)) {
            return i64::from(b) - i64::from(a);
        }
        let mut n = 0;
        let mut d = from;
        while d < to {
            d = succ(d);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// The entries of one year, sorted by date.
    pub fn year(&self, year: i32) -> Vec<(NaiveDate, DayOverride)> {
        self.overrides
            .iter()
            .filter(|(d, _)| d.year() == year)
            .map(|(d, k)| (*d, *k))
            .collect()
    }
}

/// The calendar date in China (UTC+8, no daylight saving) at instant `t`.
pub fn china_date(t: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    (t + chrono::Duration::hours(8)).date_naive()
}

fn succ(d: NaiveDate) -> NaiveDate {
    d.succ_opt().unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn knows_how_far_schedules_are_loaded() {
        let cal = WorkCalendar::china();
        assert_eq!(cal.last_scheduled_year(), Some(2026));
        assert!(cal.schedules(d(2026, 12, 31)));
        // 2027-01-01 is New Year's Day, but until 2027 is loaded it counts as a Friday.
        assert!(!cal.schedules(d(2027, 1, 1)));
        assert!(cal.is_working_day(d(2027, 1, 1)));
        assert_eq!(WorkCalendar::default().last_scheduled_year(), None);
        assert!(!WorkCalendar::default().schedules(d(2026, 1, 5)));
    }

    #[test]
    fn embedded_schedule_parses_completely() {
        let entries = parse_calendar(CHINA).expect("embedded calendar");
        assert_eq!(entries.iter().filter(|e| e.date.year() == 2026).count(), 39);
        assert!(entries.iter().all(|e| !e.name.is_empty()));
    }

    #[test]
    fn spring_festival_2026_and_its_make_up_saturdays() {
        let cal = WorkCalendar::china();
        assert!(cal.is_working_day(d(2026, 2, 14)), "Saturday make-up day");
        assert!(!cal.is_working_day(d(2026, 2, 16)), "holiday Monday");
        assert!(cal.is_working_day(d(2026, 2, 28)), "Saturday make-up day");
        // Friday 13 Feb + 1 working day = Saturday 14 Feb; + 2 = Tuesday 24 Feb.
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 14));
        assert_eq!(cal.add_working_days(d(2026, 2, 13), 2), d(2026, 2, 24));
        assert_eq!(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 24)), 2);
    }

    #[test]
    fn national_day_week_2026() {
        let cal = WorkCalendar::china();
        assert!(cal.is_working_day(d(2026, 9, 20)), "Sunday make-up day");
        assert!(!cal.is_working_day(d(2026, 10, 5)));
        assert!(cal.is_working_day(d(2026, 10, 10)), "Saturday make-up day");
        assert_eq!(cal.add_working_days(d(2026, 9, 30), 3), d(2026, 10, 10));
    }

    #[test]
    fn civil_code_period_rules() {
        let cal = WorkCalendar::china();
        // Start day not counted: 10 days from 2026-11-02 ends 2026-11-12 (a Thursday).
        assert_eq!(cal.period_end(d(2026, 11, 2), 10), d(2026, 11, 12));
        // A period ending on National Day moves to the next working day, Thursday 8 Oct.
        assert_eq!(cal.period_end(d(2026, 9, 21), 10), d(2026, 10, 8));
        // A period ending on a Sunday moves to Monday.
        assert_eq!(cal.period_end(d(2026, 11, 1), 7), d(2026, 11, 9));
    }

    #[test]
    fn indexed_counts_match_day_by_day_counts() {
        let cal = WorkCalendar::china();
        let slow = |from: NaiveDate, to: NaiveDate| {
            let mut n = 0;
            let mut x = from;
            while x < to {
                x = succ(x);
                n += i64::from(cal.is_working_day(x));
            }
            n
        };
        let days = [
            d(2023, 12, 30),
            d(2024, 2, 9),
            d(2025, 9, 28),
            d(2026, 2, 13),
            d(2026, 10, 9),
        ];
        for a in days {
            for b in days {
                if a <= b {
                    assert_eq!(cal.working_days_between(a, b), slow(a, b), "{a}..{b}");
                }
            }
        }
        // Outside the index the count still works, day by day.
        assert_eq!(cal.working_days_between(d(1999, 12, 31), d(2000, 1, 3)), 1);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(
            parse_calendar("# c\n2027-01-01 holiday 元旦\n2027-13-01 holiday x"),
            Err(CalendarLineError {
                line: 3,
                key: "calendar.bad_date"
            })
        );
        assert_eq!(
            parse_calendar("2027-01-01 festival 元旦"),
            Err(CalendarLineError {
                line: 1,
                key: "calendar.bad_kind"
            })
        );
    }
}
