//! A suggestion as registered, and a session's list as read from a spreadsheet: the header names
//! the columns, every row is checked, and one bad row rejects the whole list, each bad row named
//! (`rows[N].field` with N the spreadsheet's row number). A title row above the header (often
//! merged across the columns) is passed over; a serial number column (序号) is read as the
//! number only when the list has no number column of its own.

use crate::ValidationErrors;
use crate::text::bounded;
use serde::{Deserialize, Serialize};

/// A suggestion as typed or read from a row, before checking.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposalInput {
    /// 编号: its number in the session (建议第 N 号).
    pub number: Option<i64>,
    /// 标题.
    pub title: String,
    /// 提出人 (several separated by 、 or commas).
    pub proposers: String,
    /// 代表团 (NPC) or 界别 (CPPCC).
    #[serde(default)]
    pub group: String,
    /// 类别, e.g. 城乡建设.
    #[serde(default)]
    pub category: String,
    /// The text.
    #[serde(default)]
    pub body: String,
}

/// A checked suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalSpec {
    /// Number in the session (1–99999).
    pub number: i64,
    /// Title.
    pub title: String,
    /// Proposers.
    pub proposers: String,
    /// Delegation or sector.
    pub group: String,
    /// Category.
    pub category: String,
    /// Text.
    pub body: String,
}

/// The most rows one list may hold.
pub const MAX_ROWS: usize = 5000;

impl ProposalSpec {
    /// Checks `input`, recording errors under `prefix` (empty for a form, `rows[N].` for a row).
    pub fn parse(errors: &mut ValidationErrors, prefix: &str, input: &ProposalInput) -> Self {
        let f = |name: &str| format!("{prefix}{name}");
        let number = match input.number {
            Some(n) if (1..=99_999).contains(&n) => n,
            Some(_) => {
                errors.add(f("number"), "proposal.bad_number");
                0
            }
            None => {
                errors.add(f("number"), "validation.required");
                0
            }
        };
        ProposalSpec {
            number,
            title: bounded(errors, &f("title"), &input.title, true, 200),
            proposers: bounded(errors, &f("proposers"), &input.proposers, true, 200),
            group: bounded(errors, &f("group"), &input.group, false, 100),
            category: bounded(errors, &f("category"), &input.category, false, 50),
            body: bounded(errors, &f("body"), &input.body, false, 20_000),
        }
    }
}

/// Header words of each column (Chinese and English), in [`ProposalInput`] order.
const COLUMNS: [(&str, &[&str]); 6] = [
    (
        "number",
        &[
            "编号",
            "号",
            "建议号",
            "提案号",
            "案号",
            "建议编号",
            "提案编号",
            "number",
            "no",
        ],
    ),
    (
        "title",
        &[
            "标题",
            "题目",
            "案由",
            "建议标题",
            "提案标题",
            "名称",
            "title",
        ],
    ),
    (
        "proposers",
        &[
            "提出人",
            "领衔人",
            "建议人",
            "提案人",
            "提案者",
            "领衔代表",
            "领衔委员",
            "代表",
            "委员",
            "proposers",
            "proposer",
        ],
    ),
    (
        "group",
        &[
            "代表团",
            "界别",
            "代表团/界别",
            "group",
            "delegation",
            "sector",
        ],
    ),
    ("category", &["类别", "分类", "category"]),
    (
        "body",
        &["内容", "正文", "建议内容", "提案内容", "text", "body"],
    ),
];

/// A number as a spreadsheet gives it: `12`, `12.0`, `第12号`, `建议第12号`.
fn read_number(cell: &str) -> Option<i64> {
    let plain = cell
        .trim()
        .trim_end_matches(".0")
        .trim_start_matches(['建', '议', '提', '案', '第'])
        .trim_end_matches('号');
    if plain.is_empty() || !plain.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    plain.parse().ok()
}

/// A serial number column, read as the number only without a number column.
const SERIAL: [&str; 2] = ["序号", "serial"];

/// How many non-empty rows above the header (a title, a date line) a list may have.
const ROWS_BEFORE_HEADER: usize = 5;

/// The columns a header row names, by [`COLUMNS`] index; `None` unless it names the number,
/// the title and the proposers.
fn header_columns(header: &[String]) -> Option<[Option<usize>; 6]> {
    let mut col = [None; 6];
    let mut serial = None;
    for (i, h) in header.iter().enumerate() {
        // Header cells may hold line breaks or spaces inside (标 题).
        let h: String = h
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_lowercase();
        if let Some(k) = COLUMNS
            .iter()
            .position(|(_, names)| names.contains(&h.as_str()))
        {
            col[k].get_or_insert(i);
        } else if SERIAL.contains(&h.as_str()) {
            serial.get_or_insert(i);
        }
    }
    if col[0].is_none() {
        col[0] = serial;
    }
    (col[0].is_some() && col[1].is_some() && col[2].is_some()).then_some(col)
}

/// Reads a list: the header is the first non-empty row naming the number, title and proposer
/// columns (rows above it, such as a merged title, are passed over), each later non-empty row
/// a suggestion. Fully blank rows are skipped; any bad row rejects the whole list. `first_row`
/// is the spreadsheet's number of `rows[0]` (1 for a sheet read from its top), so errors name
/// the rows as the spreadsheet numbers them. `existing` numbers are already taken in the
/// session.
pub fn parse_sheet(
    rows: &[Vec<String>],
    first_row: usize,
    existing: &[i64],
) -> Result<Vec<ProposalSpec>, ValidationErrors> {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let mut rows = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !blank(r))
        .peekable();
    if rows.peek().is_none() {
        return Err(ValidationErrors::single("file", "proposal.import_empty"));
    }
    let mut col = None;
    for _ in 0..=ROWS_BEFORE_HEADER {
        let Some((_, r)) = rows.next() else { break };
        if let Some(c) = header_columns(r) {
            col = Some(c);
            break;
        }
    }
    let Some(col) = col else {
        return Err(ValidationErrors::single("file", "proposal.import_header"));
    };
    let cell = |r: &Vec<String>, k: usize| -> String {
        col[k]
            .and_then(|i| r.get(i))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = ValidationErrors::default();
    let mut out = Vec::new();
    let mut seen: std::collections::HashSet<i64> = existing.iter().copied().collect();
    for (i, r) in rows {
        let prefix = format!("rows[{}].", first_row + i);
        let raw_number = cell(r, 0);
        let number = read_number(&raw_number);
        if number.is_none() && !raw_number.is_empty() {
            errors.add(format!("{prefix}number"), "proposal.bad_number");
        }
        let input = ProposalInput {
            number: if raw_number.is_empty() {
                None
            } else {
                number.or(Some(0))
            },
            title: cell(r, 1),
            proposers: cell(r, 2),
            group: cell(r, 3),
            category: cell(r, 4),
            body: cell(r, 5),
        };
        let mut row_errors = ValidationErrors::default();
        let spec = ProposalSpec::parse(&mut row_errors, &prefix, &input);
        if number.is_none() && !raw_number.is_empty() {
            row_errors.0.retain(|e| !e.field.ends_with("number"));
        }
        errors.0.extend(row_errors.0);
        if spec.number > 0 && !seen.insert(spec.number) {
            errors.add(format!("{prefix}number"), "proposal.duplicate_number");
        }
        out.push(spec);
        if out.len() > MAX_ROWS {
            return Err(ValidationErrors::single("file", "proposal.import_too_many"));
        }
    }
    if out.is_empty() && errors.0.is_empty() {
        errors.add("file", "proposal.import_empty");
    }
    errors.into_result(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn a_good_list_reads_in_order() {
        let rows = vec![
            row(&["编号", "标题", "提出人", "代表团", "类别", "内容"]),
            row(&[
                "1",
                "关于增设公交站点的建议",
                "张三",
                "东城代表团",
                "城乡建设",
                "…",
            ]),
            row(&["", "", "", "", "", ""]),
            row(&[
                "建议第2号",
                "关于学校午餐的建议",
                "李四、王五",
                "",
                "教育",
                "",
            ]),
            row(&["3.0", "关于路灯的建议", "赵六", "", "", ""]),
        ];
        let specs = parse_sheet(&rows, 1, &[]).expect("list");
        let numbers: Vec<i64> = specs.iter().map(|s| s.number).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert_eq!(specs[1].proposers, "李四、王五");
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_kept() {
        let rows = vec![
            row(&["number", "title", "proposers"]),
            row(&["1", "ok", "张三"]),
            row(&["x", "bad number", "张三"]),
            row(&["1", "duplicate", "张三"]),
            row(&["4", "", ""]),
            row(&["7", "taken before", "张三"]),
        ];
        let e = parse_sheet(&rows, 1, &[7]).expect_err("rejected");
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(
            got,
            [
                ("rows[3].number", "proposal.bad_number"),
                ("rows[4].number", "proposal.duplicate_number"),
                ("rows[5].title", "validation.required"),
                ("rows[5].proposers", "validation.required"),
                ("rows[6].number", "proposal.duplicate_number"),
            ]
        );
    }

    #[test]
    fn a_list_without_its_columns_or_rows_is_refused() {
        let e = parse_sheet(&[row(&["a", "b"])], 1, &[]).expect_err("header");
        assert_eq!(e.0[0].key, "proposal.import_header");
        let e = parse_sheet(&[row(&["编号", "标题", "提出人"])], 1, &[]).expect_err("empty");
        assert_eq!(e.0[0].key, "proposal.import_empty");
        assert_eq!(
            parse_sheet(&[], 1, &[]).expect_err("nothing").0[0].key,
            "proposal.import_empty"
        );
    }

    #[test]
    fn a_list_as_offices_send_it_reads() {
        // A merged title row and a date line above the header, a serial column beside the
        // proposal number, the headers of a CPPCC list, and the sheet starting at row 3.
        let rows = vec![
            row(&["市政协十四届五次会议提案汇总表", "", "", ""]),
            row(&["", "", "", "2026年3月"]),
            row(&["序号", "提案号", "案由", "提案人", "界别"]),
            row(&[
                "1",
                "第15号",
                "关于加强养老服务的提案",
                "王五",
                "社会福利界",
            ]),
            row(&["2", "第9号", "", "赵六", "经济界"]),
        ];
        let e = parse_sheet(&rows, 3, &[]).expect_err("row 7 has no title");
        let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(got, [("rows[7].title", "validation.required")]);
        let mut good = rows.clone();
        good[4][2] = "关于交通的提案".into();
        let specs = parse_sheet(&good, 3, &[]).expect("list");
        assert_eq!(
            specs
                .iter()
                .map(|s| (s.number, s.proposers.as_str(), s.group.as_str()))
                .collect::<Vec<_>>(),
            [(15, "王五", "社会福利界"), (9, "赵六", "经济界")]
        );
        // Without a number column, the serial is the number.
        let serial = vec![
            row(&["序号", "标 题", "提出人"]),
            row(&["1", "关于路灯的建议", "张三"]),
        ];
        assert_eq!(parse_sheet(&serial, 1, &[]).expect("list")[0].number, 1);
    }
}
