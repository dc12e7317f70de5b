//! The analytics lists as .xlsx, read through the same use cases as the pages.

use super::MapQuery;
use super::findings::FindingsQuery;
use crate::AppState;
use crate::analytics::findings_out;
use crate::web::user::PageUser;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ducha_domain::analytics::hops::Hop;
use ducha_domain::i18n::t;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0x00EE_F1F5))
        .set_border(FormatBorder::Thin)
}

fn xlsx(bytes: Vec<u8>, name: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{name}.xlsx\"; filename*=UTF-8''{}",
        form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

fn failed(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "an analytics export failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /analytics/stall-map/export.xlsx`: every unit of the map with its figures per hop.
pub(crate) async fn stall_map_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<MapQuery>,
) -> Response {
    let Ok(input) = q.input(10_000) else {
        return crate::AppError::from(ducha_domain::ValidationErrors::single(
            "level",
            "validation.invalid_value",
        ))
        .into_response();
    };
    let map = match s
        .services
        .stall_map(&user.actor, &input, ducha_service::now())
        .await
    {
        Ok(m) => m,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let lang = user.lang;
    let built = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(t("ui.stall_map", lang))?;
        let h = header_format();
        let mut col = 0u16;
        for key in ["ui.unit", "ui.level"] {
            ws.write_with_format(0, col, t(key, lang), &h)?;
            col += 1;
        }
        for hop in &map.hops {
            let name = t(&format!("hop.{hop}"), lang).to_string();
            if *hop == Hop::Lost {
                ws.write_with_format(0, col, &name, &h)?;
                col += 1;
                continue;
            }
            for key in ["ui.count", "ui.avg_days", "ui.max_days"] {
                ws.write_with_format(0, col, format!("{name}·{}", t(key, lang)), &h)?;
                col += 1;
            }
        }
        ws.write_with_format(0, col, t("ui.unsigned_now", lang), &h)?;
        ws.write_with_format(
            0,
            col + 1,
            format!(
                "{}·{}",
                t("ui.unsigned_now", lang),
                t("ui.unsigned_oldest", lang)
            ),
            &h,
        )?;
        for (r, u) in map.units.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write(row, 0, &u.unit_name)?;
            ws.write(row, 1, u.level as f64)?;
            let mut c = 2u16;
            for hop in &map.hops {
                if *hop == Hop::Lost {
                    ws.write(row, c, u.lost_days as f64)?;
                    c += 1;
                    continue;
                }
                if let Some(cell) = u.cells.iter().find(|x| x.hop == *hop) {
                    ws.write(row, c, cell.n as f64)?;
                    ws.write(row, c + 1, cell.avg)?;
                    ws.write(row, c + 2, cell.max as f64)?;
                }
                c += 3;
            }
            ws.write(row, c, u.unsigned as f64)?;
            ws.write(row, c + 1, u.unsigned_days as f64)?;
        }
        ws.set_column_width(0, 28)?;
        ws.set_freeze_panes(1, 1)?;
        wb.save_to_buffer()
    })
    .await;
    match built {
        Ok(Ok(bytes)) => xlsx(bytes, t("ui.stall_map", lang)),
        Ok(Err(e)) => failed(e),
        Err(e) => failed(e),
    }
}

/// `GET /analytics/findings/export.xlsx`: the findings list as filtered.
pub(crate) async fn findings_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<FindingsQuery>,
) -> Response {
    let list = match s
        .services
        .findings(&user.actor, &q.input(2000), ducha_service::now())
        .await
    {
        Ok(l) => l,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let lang = user.lang;
    let list = findings_out(list, lang);
    let built = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(t("ui.findings", lang))?;
        let h = header_format();
        let cols: [(&str, f64); 8] = [
            ("ui.finding_rule", 22.0),
            ("ui.finding_unit", 22.0),
            ("ui.number", 16.0),
            ("ui.finding_item", 36.0),
            ("ui.finding_fact", 70.0),
            ("ui.finding_score", 8.0),
            ("ui.finding_evidence", 12.0),
            ("ui.created_at", 18.0),
        ];
        for (c, (key, width)) in cols.iter().enumerate() {
            let c = u16::try_from(c).unwrap_or(0);
            ws.write_with_format(0, c, t(key, lang), &h)?;
            ws.set_column_width(c, *width)?;
        }
        for (r, f) in list.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write(row, 0, format!("{} · {}", f.group_label, f.kind_label))?;
            ws.write(row, 1, &f.finding.unit_name)?;
            ws.write(row, 2, f.finding.item_number.clone().unwrap_or_default())?;
            ws.write(row, 3, &f.finding.item_title)?;
            ws.write(row, 4, &f.message)?;
            ws.write(row, 5, f.finding.score as f64)?;
            match f.finding.event_seq {
                Some(seq) => ws.write(row, 6, format!("#{seq}"))?,
                None => ws.write(row, 6, t("ui.live", lang))?,
            };
            let local = f.finding.found_at + chrono::Duration::hours(8);
            ws.write(row, 7, local.format("%Y-%m-%d %H:%M").to_string())?;
        }
        ws.set_freeze_panes(1, 0)?;
        wb.save_to_buffer()
    })
    .await;
    match built {
        Ok(Ok(bytes)) => xlsx(bytes, t("ui.findings", lang)),
        Ok(Err(e)) => failed(e),
        Err(e) => failed(e),
    }
}
