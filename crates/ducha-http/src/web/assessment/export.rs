//! `GET /assessment/export.xlsx`: a period's scores for the performance office — a summary
//! sheet (ranking) and a lines sheet (every point with its rule and events).

use super::PeriodQuery;
use crate::AppState;
use crate::web::user::PageUser;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::t;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

/// Lines on one sheet at most: a sheet's rows less its header.
const LINES_PER_SHEET: usize = 1_048_575;

pub(crate) async fn scores_xlsx(
    State(s): State<AppState>,
    user: PageUser,
    Query(q): Query<PeriodQuery>,
) -> Response {
    let period = q.period();
    let now = ducha_service::now();
    let board = match s
        .services
        .score_board(&user.actor, q.scope(), &period, None, now)
        .await
    {
        Ok(b) => b,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let cards = match s
        .services
        .score_cards(&user.actor, q.scope(), &period, now)
        .await
    {
        Ok(c) => c,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let lang = user.lang;
    let name = format!("{}-{}", t("ui.assessment", lang), board.period);
    let built = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let h = Format::new().set_bold().set_border(FormatBorder::Thin);
        let ws = wb.add_worksheet();
        ws.set_name(t("ui.ranking", lang))?;
        let head = [
            "ui.rank",
            "ui.unit",
            "ui.total_score",
            "ui.rank_change",
            "ui.previous_total",
            "ui.total_change",
            "ui.points",
            "ui.flags",
        ];
        for (c, k) in head.iter().enumerate() {
            ws.write_with_format(0, u16::try_from(c).unwrap_or(0), t(k, lang), &h)?;
        }
        for (r, u) in board.units.iter().enumerate() {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write(row, 0, u.rank as f64)?;
            ws.write(row, 1, &u.unit_name)?;
            ws.write(row, 2, u.total)?;
            ws.write(
                row,
                3,
                u.previous_rank
                    .map_or(String::new(), |p| format!("{p} → {}", u.rank)),
            )?;
            // The previous period's score and the change as numbers (a sheet is for sums),
            // blank when there was no previous period.
            if let (Some(p), Some(d)) = (u.previous_total, u.total_change) {
                ws.write(row, 4, p)?;
                ws.write(row, 5, d)?;
            }
            ws.write(row, 6, u.deductions + u.bonuses)?;
            let flags: Vec<String> = u
                .flags
                .iter()
                .map(|f| t(&format!("flag.{}", f.replace('-', "_")), lang).to_string())
                .collect();
            ws.write(row, 7, flags.join("、"))?;
        }
        ws.set_column_width(1, 28)?;
        ws.set_freeze_panes(1, 0)?;
        // Every line, a sheet of them at a time: a province's year has more lines than a
        // sheet has rows (1,048,576), so they go on in "成绩单 2", "成绩单 3" ….
        let lines: Vec<_> = cards
            .iter()
            .flat_map(|c| c.lines.iter().map(move |l| (c, l)))
            .collect();
        let head = [
            "ui.unit",
            "ui.finding_rule",
            "ui.points",
            "ui.number",
            "ui.finding_item",
            "ui.finding_evidence",
            "ui.created_at",
            "ui.appeal",
        ];
        let per_sheet = LINES_PER_SHEET;
        let sheets = lines.len().div_ceil(per_sheet).max(1);
        for n in 0..sheets {
            let ws = wb.add_worksheet();
            let base = t("ui.score_card", lang);
            if n == 0 {
                ws.set_name(base)?;
            } else {
                ws.set_name(format!("{base} {}", n + 1))?;
            }
            for (c, k) in head.iter().enumerate() {
                ws.write_with_format(0, u16::try_from(c).unwrap_or(0), t(k, lang), &h)?;
            }
            for (row, (c, l)) in (1u32..).zip(lines.iter().skip(n * per_sheet).take(per_sheet)) {
                ws.write(row, 0, &c.unit_name)?;
                ws.write(row, 1, t(&format!("fact.{}", l.line.fact), lang))?;
                ws.write(row, 2, l.value)?;
                ws.write(row, 3, l.item_number.clone().unwrap_or_default())?;
                ws.write(row, 4, &l.item_title)?;
                let events: Vec<String> = l.line.events.iter().map(|e| format!("#{e}")).collect();
                ws.write(row, 5, events.join(" "))?;
                ws.write(row, 6, l.line.on.to_string())?;
                // An appealed line says how the appeal stands (an accepted one voided it).
                if let Some(a) = &l.appeal {
                    ws.write(row, 7, t(&format!("appeal_state.{a}"), lang))?;
                }
            }
            ws.set_column_width(0, 24)?;
            ws.set_column_width(4, 36)?;
            ws.set_freeze_panes(1, 0)?;
        }
        wb.save_to_buffer()
    })
    .await;
    match built {
        Ok(Ok(bytes)) => {
            let disposition = format!(
                "attachment; filename=\"assessment.xlsx\"; filename*=UTF-8''{}.xlsx",
                form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
            );
            (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(Err(e)) => {
            tracing::error!(error = %e, "the assessment export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "the assessment export failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
