//! `GET /workbench/{list}/export.xlsx`: the whole of one workbench list, read page by page
//! through the same use case as the page, written by the shared list writer.

use super::user::PageUser;
use super::xlsx::{self, Cell};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use ducha_domain::i18n::t;
use ducha_service::{ServiceError, WorkListInput, WorkListName, WorkRows};

/// The most rows one export holds.
const CAP: usize = 5000;

pub(crate) async fn export(
    State(s): State<AppState>,
    user: PageUser,
    Path(list): Path<String>,
) -> Response {
    let Ok(name) = list.parse::<WorkListName>() else {
        return crate::AppError::Service(ServiceError::NotFound).into_response();
    };
    let lang = user.lang;
    let tr = |k: &str| t(k, lang).to_string();
    let label = |prefix: &str, v: &str| tr(&format!("{prefix}.{v}"));
    let mut input = WorkListInput {
        after: None,
        limit: Some(200),
    };
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut head: Vec<(String, f64)>;
    let mut more = false;
    loop {
        let page = match s
            .services
            .work_list(&user.actor, name, &input, ducha_service::now())
            .await
        {
            Ok(p) => p,
            Err(e) => return crate::AppError::from(e).into_response(),
        };
        let cols = |keys: &[(&str, f64)]| keys.iter().map(|(k, w)| (tr(k), *w)).collect();
        match page.rows {
            WorkRows::Items(v) => {
                head = cols(&[
                    ("ui.number", 18.0),
                    ("ui.title", 44.0),
                    ("ui.state", 10.0),
                    ("ui.light", 8.0),
                    ("ui.deadline", 12.0),
                ]);
                rows.extend(v.into_iter().map(|i| {
                    vec![
                        Cell::Text(i.number.unwrap_or_default()),
                        Cell::Text(i.title),
                        Cell::Text(label("state", i.state.as_str())),
                        i.light
                            .map_or(Cell::Empty, |l| Cell::Text(label("light", l.as_str()))),
                        Cell::Date(i.deadline),
                    ]
                }));
            }
            WorkRows::Assignments(v) => {
                head = cols(&[
                    ("ui.number", 18.0),
                    ("ui.title", 44.0),
                    ("ledger.col.leads", 20.0),
                    ("ledger.assignment_state", 10.0),
                    ("ui.light", 8.0),
                    ("ui.deadline", 12.0),
                ]);
                rows.extend(v.into_iter().map(|a| {
                    vec![
                        Cell::Text(a.item_number.unwrap_or_default()),
                        Cell::Text(a.item_title),
                        Cell::Text(a.unit_name),
                        Cell::Text(label("assignment_state", a.state.as_str())),
                        a.light
                            .map_or(Cell::Empty, |l| Cell::Text(label("light", l.as_str()))),
                        Cell::Date(a.deadline),
                    ]
                }));
            }
            WorkRows::Reports(v) => {
                head = cols(&[
                    ("ui.number", 18.0),
                    ("ui.title", 44.0),
                    ("ledger.col.leads", 20.0),
                    ("ledger.latest_report_at", 16.0),
                ]);
                rows.extend(v.into_iter().map(|r| {
                    vec![
                        Cell::Text(r.item_number.unwrap_or_default()),
                        Cell::Text(r.item_title),
                        Cell::Text(r.unit_name),
                        Cell::Time(r.submitted_at),
                    ]
                }));
            }
            WorkRows::Requests(v) => {
                head = cols(&[
                    ("ui.number", 18.0),
                    ("ui.title", 44.0),
                    ("ledger.col.leads", 20.0),
                    ("ledger.problem", 40.0),
                    ("ui.created_at", 16.0),
                ]);
                rows.extend(v.into_iter().map(|r| {
                    vec![
                        Cell::Text(r.item_number.unwrap_or_default()),
                        Cell::Text(r.item_title),
                        Cell::Text(r.unit_name),
                        Cell::Text(r.text),
                        Cell::Time(r.created_at),
                    ]
                }));
            }
        }
        match page.next_cursor {
            Some(_) if rows.len() >= CAP => {
                more = true;
                break;
            }
            Some(c) => input.after = Some(c),
            None => break,
        }
    }
    rows.truncate(CAP);
    let title = tr(&format!("wb.{}", name.as_str()));
    let note = more.then(|| tr("ui.export_truncated"));
    let built = xlsx::table(&title, &head, &rows, note.as_deref());
    let day = s.services.today(ducha_service::now()).format("%Y%m%d");
    xlsx::download(
        built,
        &format!("ducha-{}-{day}", name.as_str()),
        &format!("{title}-{day}"),
    )
}
