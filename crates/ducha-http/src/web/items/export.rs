//! `GET /items/export.xlsx`: the register as the user sees it (same filters, same order) as an
//! Excel workbook, every page of it up to [`CAP`] items, read through the same use case as the
//! page so that visibility and filtering cannot drift apart.

use super::Filters;
use crate::AppState;
use crate::web::user::PageUser;
use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use ducha_domain::ValidationErrors;
use ducha_domain::i18n::{Lang, t};
use ducha_service::ItemSummary;
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The most items one export holds; a larger register is exported in parts by its filters.
pub(crate) const CAP: usize = 5000;

/// Items fetched per round trip to the use case (its largest page).
const PAGE: i64 = 200;

/// Header key and width (in characters) of each column.
const COLUMNS: [(&str, f64); 11] = [
    ("ui.number", 18.0),
    ("ui.title", 44.0),
    ("ui.source", 12.0),
    ("ui.category", 12.0),
    ("ui.priority", 10.0),
    ("ui.state", 10.0),
    ("ui.light", 8.0),
    ("ui.deadline", 12.0),
    ("ui.public", 8.0),
    ("ui.created_at", 17.0),
    ("ui.dispatched_at", 17.0),
];

pub(crate) async fn export(
    State(s): State<AppState>,
    user: PageUser,
    RawQuery(raw): RawQuery,
) -> Response {
    let filters = Filters::parse(raw.as_deref());
    let mut invalid = ValidationErrors::default();
    let mut input = filters.input(&mut invalid);
    if !invalid.0.is_empty() {
        return crate::AppError::from(invalid).into_response();
    }
    // The whole view from its first item, whatever page the user was on.
    input.after = None;
    input.limit = Some(PAGE);
    let mut items = Vec::new();
    let mut more = false;
    loop {
        let page = match s.services.list_items(&user.actor, &input).await {
            Ok(p) => p,
            Err(e) => return crate::AppError::from(e).into_response(),
        };
        items.extend(page.items);
        match page.next_cursor {
            Some(c) if items.len() < CAP => input.after = Some(c),
            Some(_) => {
                more = true;
                break;
            }
            None => break,
        }
    }
    if items.len() > CAP {
        items.truncate(CAP);
        more = true;
    }
    let lang = user.lang;
    let built = tokio::task::spawn_blocking(move || workbook(&items, lang, more)).await;
    let bytes = match built {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the register export failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Err(e) => {
            tracing::error!(error = %e, "the register export task failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let day = s.services.today(ducha_service::now()).format("%Y%m%d");
    let name = format!("{}-{day}.xlsx", t("ui.export_file", lang));
    let disposition = format!(
        "attachment; filename=\"ducha-items-{day}.xlsx\"; filename*=UTF-8''{}",
        rfc5987(&name)
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

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let (y, m, day) = (d.year(), d.month(), d.day());
    ExcelDateTime::from_ymd(
        u16::try_from(y).map_err(|_| XlsxError::DateTimeRangeError(d.to_string()))?,
        m as u8,
        day as u8,
    )
}

fn excel_time(t: NaiveDateTime) -> Result<ExcelDateTime, XlsxError> {
    excel_date(t.date())?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// China local time (UTC+8, no daylight saving).
fn local(t: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    (t + chrono::Duration::hours(8)).naive_utc()
}

/// The workbook: one sheet, a bold frozen header row with filters, dates as Excel dates.
fn workbook(items: &[ItemSummary], lang: Lang, more: bool) -> Result<Vec<u8>, XlsxError> {
    let tr = |key: &str| t(key, lang).to_string();
    let mut wb = Workbook::new();
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(tr("ui.export_sheet"))?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0x00EE_F1F5))
        .set_border_bottom(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    for (col, (key, width)) in (0u16..).zip(COLUMNS) {
        ws.write_string_with_format(0, col, tr(key), &head)?;
        ws.set_column_width(col, width)?;
    }
    ws.set_freeze_panes(1, 0)?;
    for (row, i) in (1u32..).zip(items) {
        ws.write_string(row, 0, i.number.clone().unwrap_or_default())?;
        ws.write_string(row, 1, &i.title)?;
        ws.write_string(row, 2, tr(&format!("source.{}", i.source.as_str())))?;
        ws.write_string(row, 3, tr(&format!("category.{}", i.category.as_str())))?;
        ws.write_string(row, 4, tr(&format!("priority.{}", i.priority.as_str())))?;
        ws.write_string(row, 5, tr(&format!("state.{}", i.state.as_str())))?;
        if let Some(l) = i.light {
            ws.write_string(row, 6, tr(&format!("light.{}", l.as_str())))?;
        }
        ws.write_datetime_with_format(row, 7, excel_date(i.deadline)?, &date)?;
        ws.write_string(row, 8, tr(if i.public { "ui.yes" } else { "ui.no" }))?;
        ws.write_datetime_with_format(row, 9, excel_time(local(i.created_at))?, &time)?;
        if let Some(d) = i.dispatched_at {
            ws.write_datetime_with_format(row, 10, excel_time(local(d))?, &time)?;
        }
    }
    let last = u32::try_from(items.len()).unwrap_or(u32::MAX);
    ws.autofilter(0, 0, last, COLUMNS.len() as u16 - 1)?;
    if more {
        ws.write_string(last + 2, 0, tr("ui.export_truncated"))?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::rfc5987;

    #[test]
    fn file_names_are_encoded_for_content_disposition() {
        assert_eq!(
            rfc5987("督办台账-20261127.xlsx"),
            "%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6-20261127.xlsx"
        );
        assert_eq!(rfc5987("a b\"c"), "a%20b%22c");
    }
}
