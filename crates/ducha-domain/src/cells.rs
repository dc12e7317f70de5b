//! Spreadsheet cells as imports read them: column letters, dates as offices type them (or as
//! Excel's serial numbers), and the error values a broken formula leaves in a cell.

use chrono::{Duration, NaiveDate};

/// The spreadsheet's letters of the 0-based column `i` (0 → A, 25 → Z, 26 → AA).
pub fn column_name(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(char::from(b'A' + r as u8));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// A date as a cell holds it: `2026-12-31`, `2026/12/31`, `2026.12.31`, `2026年12月31日`, or
/// an Excel serial day number (a date cell read without its format); `None` otherwise.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(serial) = s.parse::<f64>() {
        // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included); whole days only.
        if !(1.0..200_000.0).contains(&serial) || serial.fract() != 0.0 {
            return None;
        }
        return NaiveDate::from_ymd_opt(1899, 12, 30)?
            .checked_add_signed(Duration::days(serial as i64));
    }
    const DATE: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"];
    // A date cell written with midnight (2026-12-31 00:00:00) is still a date.
    let s = s.strip_suffix(" 00:00:00").unwrap_or(s);
    DATE.iter()
        .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
}

/// Whether a cell holds the error value of a broken formula (`#DIV/0!`, `#REF!` …).
pub fn is_formula_error(s: &str) -> bool {
    const ERRORS: &[&str] = &[
        "#DIV/0!",
        "#N/A",
        "#NAME?",
        "#NULL!",
        "#NUM!",
        "#REF!",
        "#VALUE!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#DATA!",
    ];
    ERRORS.contains(&s.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_as_spreadsheets_letter_them() {
        let got: Vec<String> = [0, 3, 25, 26, 27, 701, 702].map(column_name).to_vec();
        assert_eq!(got, ["A", "D", "Z", "AA", "AB", "ZZ", "AAA"]);
    }

    #[test]
    fn dates_as_offices_type_them() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31);
        for s in [
            "2026-12-31",
            "2026/12/31",
            "2026年12月31日",
            "2026.12.31",
            "46387",
            " 2026-12-31 00:00:00",
        ] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in ["2026-13-01", "2026-02-30", "明年", "46387.5", "-3", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
        assert!(is_formula_error("#DIV/0!") && !is_formula_error("#1"));
    }
}
