//! The one way a list becomes an .xlsx download: a bold frozen header with filters, text,
//! numbers, dates and China-time instants as Excel's own types, and the file sent with its
//! Chinese name.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// One cell of a list.
#[derive(Debug, Clone)]
pub(crate) enum Cell {
    /// Nothing.
    Empty,
    /// Text.
    Text(String),
    /// A number.
    Num(f64),
    /// A date.
    Date(NaiveDate),
    /// An instant, written in China time.
    Time(DateTime<Utc>),
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

/// The header's format.
pub(crate) fn head() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00EE_F1F5))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
}

/// An Excel date.
pub(crate) fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
        d.month() as u8,
        d.day() as u8,
    )
}

/// Writes `cell` at (`row`, `col`).
pub(crate) fn write(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Num(n) => {
            ws.write_number(row, col, *n)?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(
                row,
                col,
                excel_date(*d)?,
                &Format::new().set_num_format("yyyy-mm-dd"),
            )?;
        }
        Cell::Time(t) => {
            let l = (*t + chrono::Duration::hours(8)).naive_utc();
            let v = excel_date(l.date())?.and_hms(l.hour() as u16, l.minute() as u8, l.second())?;
            ws.write_datetime_with_format(
                row,
                col,
                v,
                &Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            )?;
        }
    }
    Ok(())
}

/// A workbook of one list: `columns` are (header, width in characters); `note` (for a list
/// cut short) goes two rows below the last.
pub(crate) fn table(
    sheet: &str,
    columns: &[(String, f64)],
    rows: &[Vec<Cell>],
    note: Option<&str>,
) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(sheet)?;
    let h = head();
    for (col, (name, width)) in (0u16..).zip(columns) {
        ws.write_string_with_format(0, col, name, &h)?;
        ws.set_column_width(col, *width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (r, cells) in (1u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(cells) {
            write(ws, r, c, cell)?;
        }
    }
    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    if !columns.is_empty() {
        ws.autofilter(0, 0, last, columns.len() as u16 - 1)?;
    }
    if let Some(n) = note {
        ws.write_string(last + 2, 0, n)?;
    }
    wb.save_to_buffer()
}

/// Percent-encodes a file name for `filename*` (RFC 5987: only attr-chars stay as they are).
fn rfc5987(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The download of a built workbook: `ascii` names it for old clients, `name` (Chinese) for
/// the rest; a failed build is a logged 500.
pub(crate) fn download(built: Result<Vec<u8>, XlsxError>, ascii: &str, name: &str) -> Response {
    let bytes = match built {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "an export failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let disposition = format!(
        "attachment; filename=\"{ascii}.xlsx\"; filename*=UTF-8''{}",
        rfc5987(&format!("{name}.xlsx"))
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}
