//! `GET /proposals/sessions/{id}/stats.xlsx`: a session's statistics, the whole session and one
//! row per handling unit, as the page shows them.

use crate::AppState;
use crate::extract::Id;
use crate::web::user::PageUser;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::{Lang, t};
use ducha_domain::org::Actor;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

/// The columns, by message key.
const HEAD: [&str; 14] = [
    "pp.unit",
    "pp.total",
    "pp.replied",
    "pp.reply_count",
    "pp.on_time",
    "pp.overdue",
    "pp.on_time_rate",
    "grade.a",
    "grade.b",
    "grade.c",
    "grade.d",
    "satisfaction.satisfied",
    "satisfaction.basic",
    "satisfaction.dissatisfied",
];

pub(crate) async fn stats_xlsx(State(s): State<AppState>, user: PageUser, Id(id): Id) -> Response {
    stats_download(&s, &user.actor, id, user.lang).await
}

/// The statistics workbook as a download, in `lang`; the page's and the API's.
pub(crate) async fn stats_download(s: &AppState, actor: &Actor, id: i64, lang: Lang) -> Response {
    let st = match s
        .services
        .proposal_stats(actor, id, ducha_service::now())
        .await
    {
        Ok(st) => st,
        Err(e) => return crate::AppError::from(e).into_response(),
    };
    let name = format!("{}-{}", st.session.name, t("pp.statistics", lang));
    let built = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let h = Format::new().set_bold().set_border(FormatBorder::Thin);
        let ws = wb.add_worksheet();
        ws.set_name(t("pp.statistics", lang))?;
        for (c, k) in HEAD.iter().chain(["pp.rehandled"].iter()).enumerate() {
            ws.write_with_format(0, u16::try_from(c).unwrap_or(0), t(k, lang), &h)?;
        }
        for (r, l) in std::iter::once(&st.whole)
            .chain(st.units.iter())
            .enumerate()
        {
            let row = u32::try_from(r + 1).unwrap_or(u32::MAX);
            ws.write(row, 0, &l.name)?;
            let nums = [
                l.total,
                l.replied,
                l.replies,
                l.on_time,
                l.overdue,
                -1,
                l.grades.a,
                l.grades.b,
                l.grades.c,
                l.grades.d,
                l.satisfied,
                l.basic,
                l.dissatisfied,
                l.rehandled,
            ];
            for (c, n) in nums.iter().enumerate() {
                let col = u16::try_from(c + 1).unwrap_or(0);
                if *n >= 0 {
                    ws.write(row, col, *n as f64)?;
                } else if let Some(rate) = l.on_time_rate {
                    ws.write(row, col, rate)?;
                }
            }
        }
        ws.set_column_width(0, 28)?;
        ws.set_freeze_panes(1, 1)?;
        wb.save_to_buffer()
    })
    .await;
    match built {
        Ok(Ok(bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!(
                        "attachment; filename=\"proposals-{id}.xlsx\"; filename*=UTF-8''{}.xlsx",
                        urlencode(&name)
                    ),
                ),
            ],
            bytes,
        )
            .into_response(),
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
