//! The ledger's workbooks: the template (an empty ledger with drop-down lists, a sheet of
//! instructions and a sheet of choices) and the full ledger, in the same columns, so that
//! what is exported imports again.

use super::super::xlsx::{Cell, head, write};
use ducha_domain::i18n::{Lang, t};
use ducha_domain::item::{Category, Priority, Source};
use ducha_domain::ledger::{Column, cadence_text};
use ducha_service::items::LedgerEntry;
use rust_xlsxwriter::{DataValidation, Format, Formula, Workbook, XlsxError};

/// Rows of the template that carry the drop-down lists.
const TEMPLATE_ROWS: u32 = 5000;

fn width(c: Column) -> f64 {
    match c {
        Column::Title | Column::Description => 36.0,
        Column::Leads | Column::CoUnits | Column::Note => 24.0,
        Column::TargetName => 20.0,
        _ => 12.0,
    }
}

/// The header's text: required columns marked *, the deadline with its two forms.
fn header(c: Column, lang: Lang) -> String {
    let mut h = t(&c.key(), lang).to_string();
    if c.required() {
        h.push('*');
    }
    if c == Column::Deadline {
        h.push_str(if lang == Lang::ZhCn {
            "（日期或N个工作日）"
        } else {
            " (date or N个工作日)"
        });
    }
    h
}

/// The template: `units` are the names the ledger may use (for their drop-down list).
pub(crate) fn template(units: &[String], lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let tr = |k: &str| t(k, lang).to_string();
    let mut wb = Workbook::new();
    let lists = tr("ledger.lists_sheet");
    // The sheet of choices, read by the drop-down lists.
    let choices: [(Column, Vec<String>); 5] = [
        (
            Column::Source,
            Source::ALL
                .iter()
                .map(|s| tr(&format!("source.{}", s.as_str())))
                .collect(),
        ),
        (
            Column::Category,
            Category::ALL
                .iter()
                .map(|s| tr(&format!("category.{}", s.as_str())))
                .collect(),
        ),
        (
            Column::Priority,
            Priority::ALL
                .iter()
                .map(|s| tr(&format!("priority.{}", s.as_str())))
                .collect(),
        ),
        (Column::Public, vec!["是".into(), "否".into()]),
        (Column::Leads, units.to_vec()),
    ];
    {
        let ws = wb.add_worksheet();
        ws.set_name(tr("ledger.sheet"))?;
        let h = head();
        for (col, c) in (0u16..).zip(Column::ALL) {
            ws.write_string_with_format(0, col, header(*c, lang), &h)?;
            ws.set_column_width(col, width(*c))?;
        }
        ws.set_freeze_panes(1, 2)?;
        let text = Format::new().set_num_format("@");
        let date = Format::new().set_num_format("yyyy-mm-dd");
        for (col, c) in (0u16..).zip(Column::ALL) {
            match c {
                Column::AssignedOn | Column::Deadline => {
                    ws.set_column_format(col, &date)?;
                }
                Column::Ref => {
                    ws.set_column_format(col, &text)?;
                }
                _ => {}
            }
        }
        for (i, (c, values)) in (0u16..).zip(&choices) {
            if values.is_empty() {
                continue;
            }
            let letter = ducha_domain::cells::column_name(usize::from(i));
            let range = format!("='{lists}'!${letter}$2:${letter}${}", values.len() + 1);
            let v = DataValidation::new()
                .allow_list_formula(Formula::new(range))
                .ignore_blank(true);
            // Several units go in one cell: a list would refuse them, so it only suggests.
            let v = if *c == Column::Leads {
                v.set_error_style(rust_xlsxwriter::DataValidationErrorStyle::Information)
            } else {
                v
            };
            let targets: &[Column] = if *c == Column::Leads {
                &[Column::Leads, Column::CoUnits]
            } else {
                std::slice::from_ref(c)
            };
            for target in targets {
                if let Some(col) = Column::ALL.iter().position(|x| x == target) {
                    let col = col as u16;
                    ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &v)?;
                }
            }
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(tr("ledger.help_sheet"))?;
        ws.set_column_width(0, 18.0)?;
        ws.set_column_width(1, 90.0)?;
        let wrap = Format::new().set_text_wrap();
        ws.merge_range(0, 0, 0, 1, &tr("ledger.help.intro"), &wrap)?;
        ws.set_row_height(0, 48)?;
        let h = head();
        ws.write_string_with_format(2, 0, tr("ledger.help.column"), &h)?;
        ws.write_string_with_format(2, 1, tr("ledger.help.meaning"), &h)?;
        let rows = [
            (Column::Ref, "ledger.help.ref"),
            (Column::Deadline, "ledger.help.deadline"),
            (Column::Leads, "ledger.help.units"),
            (Column::Cadence, "ledger.help.cadence"),
            (Column::Source, "ledger.help.choices"),
        ];
        for (r, (c, k)) in (3u32..).zip(rows) {
            ws.write_string(r, 0, header(c, lang))?;
            ws.write_string_with_format(r, 1, tr(k), &wrap)?;
        }
    }
    {
        let ws = wb.add_worksheet();
        ws.set_name(&lists)?;
        let h = head();
        for (col, (c, values)) in (0u16..).zip(&choices) {
            ws.write_string_with_format(0, col, t(&c.key(), lang), &h)?;
            ws.set_column_width(col, 16.0)?;
            for (r, v) in (1u32..).zip(values) {
                ws.write_string(r, col, v)?;
            }
        }
    }
    wb.save_to_buffer()
}

/// The full ledger: the template's columns (so it imports again), then the register's.
pub(crate) fn full(entries: &[LedgerEntry], lang: Lang, more: bool) -> Result<Vec<u8>, XlsxError> {
    let tr = |k: &str| t(k, lang).to_string();
    let extra = [
        ("ledger.number", 18.0),
        ("ui.state", 10.0),
        ("ledger.assignment_state", 10.0),
        ("ui.light", 8.0),
        ("ledger.latest_report", 40.0),
        ("ledger.latest_report_at", 16.0),
    ];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(tr("ledger.sheet"))?;
    let h = head();
    let mut col = 0u16;
    for c in Column::ALL {
        ws.write_string_with_format(0, col, header(*c, lang), &h)?;
        ws.set_column_width(col, width(*c))?;
        col += 1;
    }
    for (k, w) in extra {
        ws.write_string_with_format(0, col, tr(k), &h)?;
        ws.set_column_width(col, w)?;
        col += 1;
    }
    ws.set_freeze_panes(1, 2)?;
    let mut row = 1u32;
    for e in entries {
        let first = e.targets.first();
        let deadline = match e.deadline_working_days {
            Some(n) => Cell::Text(format!("{n}个工作日")),
            None => Cell::Date(e.item.deadline),
        };
        let cells: Vec<Cell> = Column::ALL
            .iter()
            .map(|c| match c {
                Column::Ref => Cell::Text(e.ledger_ref.clone()),
                Column::Title => Cell::Text(e.item.title.clone()),
                Column::Description => Cell::Text(e.description.clone()),
                Column::Source => Cell::Text(tr(&format!("source.{}", e.item.source.as_str()))),
                Column::Category => {
                    Cell::Text(tr(&format!("category.{}", e.item.category.as_str())))
                }
                Column::Priority => {
                    Cell::Text(tr(&format!("priority.{}", e.item.priority.as_str())))
                }
                Column::AssignedOn => e.assigned_on.map_or(Cell::Empty, Cell::Date),
                Column::Deadline => deadline.clone(),
                Column::Leads => Cell::Text(e.leads.join("、")),
                Column::CoUnits => Cell::Text(e.co_units.join("、")),
                Column::TargetName => first.map_or(Cell::Empty, |t| Cell::Text(t.name.clone())),
                Column::TargetValue => first.map_or(Cell::Empty, |t| Cell::Num(t.value)),
                Column::TargetUnit => first.map_or(Cell::Empty, |t| Cell::Text(t.unit.clone())),
                Column::Cadence => Cell::Text(cadence_text(e.cadence)),
                Column::Public => Cell::Text(if e.item.public { "是" } else { "否" }.into()),
                Column::Note => Cell::Text(e.note.clone()),
            })
            .chain([
                Cell::Text(e.item.number.clone().unwrap_or_default()),
                Cell::Text(tr(&format!("state.{}", e.item.state.as_str()))),
                e.lead_state.map_or(Cell::Empty, |s| {
                    Cell::Text(tr(&format!("assignment_state.{}", s.as_str())))
                }),
                e.item.light.map_or(Cell::Empty, |l| {
                    Cell::Text(tr(&format!("light.{}", l.as_str())))
                }),
                e.latest.as_ref().map_or(Cell::Empty, |(text, pct, _)| {
                    Cell::Text(match pct {
                        Some(p) => format!("（{p}%）{text}"),
                        None => text.clone(),
                    })
                }),
                e.latest
                    .as_ref()
                    .map_or(Cell::Empty, |(_, _, at)| Cell::Time(*at)),
            ])
            .collect();
        for (c, cell) in (0u16..).zip(&cells) {
            write(ws, row, c, cell)?;
        }
        row += 1;
        let name_col = col_of(Column::TargetName);
        for t in e.targets.iter().skip(1) {
            write(ws, row, name_col, &Cell::Text(t.name.clone()))?;
            write(ws, row, name_col + 1, &Cell::Num(t.value))?;
            write(ws, row, name_col + 2, &Cell::Text(t.unit.clone()))?;
            row += 1;
        }
    }
    ws.autofilter(0, 0, row.saturating_sub(1).max(1), col - 1)?;
    if more {
        ws.write_string(row + 1, 0, tr("ui.export_truncated"))?;
    }
    wb.save_to_buffer()
}

fn col_of(c: Column) -> u16 {
    Column::ALL.iter().position(|x| *x == c).unwrap_or(0) as u16
}
