//! A 12345 hotline export read as appeals: the header row names the columns, a mapping saved
//! per source says which header holds which field (or the usual header words are recognised),
//! and every row is checked on its own. A bad row is named in the rejection report by its row
//! number, its column's header and the rule it broke, while the good rows import: an office
//! receives these exports monthly and expects to fix the few bad rows, not the whole file.
//! Re-importing is idempotent by the order number (工单编号): the service skips numbers it
//! already holds.

use super::{AppealCategory, Contact, MAX_TEXT};
use crate::ValidationErrors;
use crate::org::str_enum;
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

str_enum!(
    /// A field of an appeal that a column of an export can hold.
    ImportField {
        /// 工单编号 — the hotline's order number (required; the key of re-imports).
        OrderNo = "order_no",
        /// 诉求内容 (required).
        Text = "text",
        /// 所属区县/街道 (required): matched against the org tree's unit names.
        Place = "place",
        /// 类别 (optional; unknown words become 其他).
        Category = "category",
        /// 受理时间 (optional; the import's time when absent).
        ReceivedAt = "received_at",
        /// 来电号码 / 联系方式 (optional; stored encrypted).
        Contact = "contact",
    }
);

impl ImportField {
    /// Whether an export must have this column.
    pub fn required(self) -> bool {
        matches!(self, Self::OrderNo | Self::Text | Self::Place)
    }

    /// Header words recognised when no mapping names the column.
    fn words(self) -> &'static [&'static str] {
        match self {
            Self::OrderNo => &[
                "工单编号",
                "工单号",
                "编号",
                "受理编号",
                "order_no",
                "order",
            ],
            Self::Text => &[
                "诉求内容",
                "来电内容",
                "反映内容",
                "内容",
                "问题描述",
                "text",
            ],
            Self::Place => &[
                "所属区县/街道",
                "所属区县",
                "区县/街道",
                "所属街道",
                "属地",
                "区域",
                "地区",
                "place",
            ],
            Self::Category => &["类别", "诉求类别", "分类", "问题分类", "category"],
            Self::ReceivedAt => &["受理时间", "来电时间", "登记时间", "时间", "received_at"],
            Self::Contact => &["来电号码", "联系电话", "联系方式", "电话", "contact"],
        }
    }
}

/// Which header holds which field (field name → header text), saved per source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnMapping(pub BTreeMap<String, String>);

impl ColumnMapping {
    /// Checks a mapping as typed: known fields, headers of at most 50 characters, no header
    /// given to two fields. Empty headers are dropped (the field is recognised by its words).
    pub fn parse(raw: &BTreeMap<String, String>) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let mut out = BTreeMap::new();
        let mut seen = HashSet::new();
        for (field, header) in raw {
            let header = header.trim();
            if field.parse::<ImportField>().is_err() {
                e.add(format!("mapping.{field}"), "validation.unknown_choice");
            } else if header.chars().count() > 50 {
                e.add(format!("mapping.{field}"), "validation.too_long");
            } else if !header.is_empty() {
                if !seen.insert(header.to_string()) {
                    e.add(format!("mapping.{field}"), "appeal.mapping_twice");
                }
                out.insert(field.clone(), header.to_string());
            }
        }
        e.into_result(Self(out))
    }
}

/// The most data rows one file may hold.
pub const MAX_ROWS: usize = 10_000;
/// The longest order number.
pub const MAX_ORDER_NO: usize = 64;

/// A unit a place cell can name: its name, id and depth in the tree (deeper wins).
#[derive(Debug, Clone)]
pub struct Place {
    /// The unit's name, e.g. 东城县 or A1镇.
    pub name: String,
    /// The unit.
    pub unit_id: i64,
    /// Depth in the tree.
    pub depth: usize,
}

/// A good row, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedRow {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The hotline's order number.
    pub order_no: String,
    /// The text as exported.
    pub text: String,
    /// The unit the place cell names.
    pub unit_id: i64,
    /// Category.
    pub category: AppealCategory,
    /// When the hotline received it (none: the import's time).
    pub received_at: Option<DateTime<Utc>>,
    /// The caller's contact when it reads as one.
    pub contact: Option<Contact>,
}

/// A rejected row: its number, the header of the column at fault and the rule (a message
/// key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The column's header as in the file.
    pub column: String,
    /// The broken rule's message key.
    pub rule: String,
}

/// What a file holds once read: the good rows and the rejected ones.
#[derive(Debug, Clone, Default)]
pub struct ReadSheet {
    /// Good rows.
    pub rows: Vec<ImportedRow>,
    /// Rejected rows, in row order.
    pub rejected: Vec<Rejection>,
}

/// Reads the rows of an export. `first_row` is the spreadsheet's number of `rows[0]`; the
/// header is the first of the top three rows that names every required column (a title row
/// above it is passed over). A missing required column or a file over [`MAX_ROWS`] rejects
/// the whole file (nothing could be read right); anything else rejects one row.
pub fn read_sheet(
    rows: &[Vec<String>],
    first_row: usize,
    mapping: &ColumnMapping,
    places: &[Place],
) -> Result<ReadSheet, ValidationErrors> {
    let mut header_at = None;
    let mut columns = BTreeMap::new();
    let mut missing = Vec::new();
    for (h, header) in rows.iter().enumerate().take(3) {
        let (cols, miss) = resolve(header, mapping);
        if miss.is_empty() {
            header_at = Some(h);
            columns = cols;
            break;
        }
        if h == 0 {
            missing = miss;
        }
    }
    let Some(h) = header_at else {
        let names: Vec<String> = missing
            .iter()
            .map(|f| {
                mapping
                    .0
                    .get(f.as_str())
                    .cloned()
                    .unwrap_or_else(|| f.words()[0].to_string())
            })
            .collect();
        return Err(ValidationErrors::single_with(
            "file",
            "appeal.import_missing_columns",
            serde_json::json!({ "columns": names.join("、") }),
        ));
    };
    let header = &rows[h];
    let data = &rows[h + 1..];
    if data.len() > MAX_ROWS {
        return Err(ValidationErrors::single_with(
            "file",
            "appeal.import_too_many_rows",
            serde_json::json!({ "max": MAX_ROWS }),
        ));
    }
    let mut out = ReadSheet::default();
    let mut seen: HashSet<String> = HashSet::new();
    for (k, cells) in data.iter().enumerate() {
        let row = first_row + h + 1 + k;
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |f: ImportField| -> (&str, String) {
            match columns.get(&f) {
                Some(&c) => (
                    cells.get(c).map_or("", |s| s.trim()),
                    header.get(c).cloned().unwrap_or_default(),
                ),
                None => ("", String::new()),
            }
        };
        let mut reject = |col: String, rule: &str| {
            out.rejected.push(Rejection {
                row,
                column: col,
                rule: rule.to_string(),
            });
        };
        let (order_no, col) = cell(ImportField::OrderNo);
        if order_no.is_empty() {
            reject(col, "appeal.import_required");
            continue;
        }
        if order_no.chars().count() > MAX_ORDER_NO || order_no.chars().any(char::is_control) {
            reject(col, "appeal.import_bad_order_no");
            continue;
        }
        if !seen.insert(order_no.to_string()) {
            reject(col, "appeal.import_duplicate_in_file");
            continue;
        }
        let (text, col) = cell(ImportField::Text);
        if text.is_empty() {
            reject(col, "appeal.import_required");
            continue;
        }
        if text.chars().count() > MAX_TEXT {
            reject(col, "appeal.import_text_too_long");
            continue;
        }
        let (place, col) = cell(ImportField::Place);
        let Some(unit_id) = match_place(place, places) else {
            reject(
                col,
                if place.is_empty() {
                    "appeal.import_required"
                } else {
                    "appeal.import_unknown_place"
                },
            );
            continue;
        };
        let (when, col) = cell(ImportField::ReceivedAt);
        let received_at = if when.is_empty() {
            None
        } else if let Some(t) = parse_time(when) {
            Some(t)
        } else {
            reject(col, "appeal.import_bad_time");
            continue;
        };
        let (category, _) = cell(ImportField::Category);
        let (contact, _) = cell(ImportField::Contact);
        out.rows.push(ImportedRow {
            row,
            order_no: order_no.to_string(),
            text: text.to_string(),
            unit_id,
            category: AppealCategory::from_words(category),
            received_at,
            contact: Contact::parse(contact),
        });
    }
    Ok(out)
}

/// Finds each field's column in a header row: by the mapping's header, else by the field's
/// usual words. Returns the columns found and the required fields not found.
fn resolve(
    header: &[String],
    mapping: &ColumnMapping,
) -> (BTreeMap<ImportField, usize>, Vec<ImportField>) {
    let norm = |s: &str| s.trim().replace([' ', '\u{3000}'], "");
    let cols: Vec<String> = header.iter().map(|h| norm(h)).collect();
    let mut found = BTreeMap::new();
    let mut missing = Vec::new();
    for f in ImportField::ALL {
        let at = match mapping.0.get(f.as_str()) {
            Some(h) => cols.iter().position(|c| *c == norm(h)),
            None => f
                .words()
                .iter()
                .find_map(|w| cols.iter().position(|c| c.eq_ignore_ascii_case(w))),
        };
        match at {
            Some(c) => {
                found.insert(*f, c);
            }
            None if f.required() => missing.push(*f),
            None => {}
        }
    }
    (found, missing)
}

impl PartialOrd for ImportField {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ImportField {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

/// The unit a place cell names: of the units whose name it contains, the deepest (then the
/// longest name).
pub fn match_place(cell: &str, places: &[Place]) -> Option<i64> {
    if cell.is_empty() {
        return None;
    }
    places
        .iter()
        .filter(|p| !p.name.is_empty() && cell.contains(p.name.as_str()))
        .max_by_key(|p| (p.depth, p.name.chars().count()))
        .map(|p| p.unit_id)
}

/// A time as exports write it, in China time: `2026-11-03 09:12[:00]`, with `/` or as
/// `2026年11月3日 9:12`, a date alone (midnight), ISO with `T`, or an Excel serial number.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    let china = chrono::FixedOffset::east_opt(8 * 3600)?;
    let local = if let Ok(serial) = s.parse::<f64>() {
        // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
        if !(1.0..200_000.0).contains(&serial) {
            return None;
        }
        let base = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
        base + Duration::seconds((serial * 86_400.0).round() as i64)
    } else {
        const WITH_TIME: &[&str] = &[
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d %H:%M",
            "%Y/%m/%d %H:%M:%S",
            "%Y/%m/%d %H:%M",
            "%Y-%m-%dT%H:%M:%S",
            "%Y年%m月%d日 %H:%M:%S",
            "%Y年%m月%d日 %H:%M",
            "%Y年%m月%d日%H:%M",
        ];
        const DATE: &[&str] = &["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"];
        WITH_TIME
            .iter()
            .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            .or_else(|| {
                DATE.iter()
                    .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                    .and_then(|d| d.and_hms_opt(0, 0, 0))
            })?
    };
    china
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// Reads CSV text (RFC 4180: quoted fields with doubled quotes and line breaks, `,`
/// separators, CRLF or LF, an optional UTF-8 BOM) into rows of cells. `None` when a quote is
/// left open or the file holds more than `max_rows` rows.
pub fn parse_csv(text: &str, max_rows: usize) -> Option<Vec<Vec<String>>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cell.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => quoted = true,
            ',' => row.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
                any = false;
                if rows.len() > max_rows {
                    return None;
                }
            }
            _ => cell.push(c),
        }
    }
    if quoted {
        return None;
    }
    if any {
        row.push(cell);
        rows.push(row);
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places() -> Vec<Place> {
        vec![
            Place {
                name: "东城县".into(),
                unit_id: 2,
                depth: 1,
            },
            Place {
                name: "A1镇".into(),
                unit_id: 3,
                depth: 2,
            },
            Place {
                name: "西山县".into(),
                unit_id: 5,
                depth: 1,
            },
        ]
    }

    fn sheet(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn good_rows_import_and_bad_rows_are_named() {
        let rows = sheet(&[
            &["2026年11月12345工单"],
            &[
                "工单编号",
                "受理时间",
                "所属区县/街道",
                "类别",
                "诉求内容",
                "来电号码",
            ],
            &[
                "GD001",
                "2026-11-03 09:12:00",
                "东城县/A1镇",
                "物业管理",
                "小区电梯停运三天无人修",
                "13812345678",
            ],
            &["GD002", "2026/11/4 10:00", "西山县", "", "路灯不亮", ""],
            &["", "2026-11-05", "东城县", "交通", "公交站牌倒了", ""],
            &["GD003", "昨天", "东城县", "交通", "公交站牌倒了", ""],
            &["GD004", "", "南湖县", "交通", "公交站牌倒了", ""],
            &["GD002", "", "西山县", "", "重复的单号", ""],
            &["GD005", "", "东城县", "", "", ""],
            &["", "", "", "", "", ""],
        ]);
        let got = read_sheet(&rows, 1, &ColumnMapping::default(), &places()).expect("read");
        let ok: Vec<(&str, i64, usize)> = got
            .rows
            .iter()
            .map(|r| (r.order_no.as_str(), r.unit_id, r.row))
            .collect();
        assert_eq!(ok, vec![("GD001", 3, 3), ("GD002", 5, 4)]);
        assert_eq!(got.rows[0].category, AppealCategory::Housing);
        assert_eq!(
            got.rows[0].contact,
            Some(Contact::Phone("13812345678".into()))
        );
        assert_eq!(
            got.rows[0].received_at.map(|t| t.to_rfc3339()),
            Some("2026-11-03T01:12:00+00:00".into())
        );
        let bad: Vec<(usize, &str, &str)> = got
            .rejected
            .iter()
            .map(|r| (r.row, r.column.as_str(), r.rule.as_str()))
            .collect();
        assert_eq!(
            bad,
            vec![
                (5, "工单编号", "appeal.import_required"),
                (6, "受理时间", "appeal.import_bad_time"),
                (7, "所属区县/街道", "appeal.import_unknown_place"),
                (8, "工单编号", "appeal.import_duplicate_in_file"),
                (9, "诉求内容", "appeal.import_required"),
            ]
        );
    }

    #[test]
    fn a_saved_mapping_names_other_headers() {
        let rows = sheet(&[
            &["单号", "问题", "街镇"],
            &["X-1", "噪音扰民到半夜", "A1镇"],
        ]);
        let none = read_sheet(&rows, 1, &ColumnMapping::default(), &places()).expect_err("refused");
        assert_eq!(none.0[0].key, "appeal.import_missing_columns");
        assert_eq!(
            none.0[0].args["columns"],
            "工单编号、诉求内容、所属区县/街道"
        );
        let raw: BTreeMap<String, String> =
            [("order_no", "单号"), ("text", "问题"), ("place", "街镇")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        let m = ColumnMapping::parse(&raw).expect("mapping");
        let got = read_sheet(&rows, 1, &m, &places()).expect("read");
        assert_eq!(got.rows.len(), 1);
        assert_eq!(got.rows[0].unit_id, 3);
        assert_eq!(got.rows[0].category, AppealCategory::Other);
        let bad: BTreeMap<String, String> =
            [("order_no", "单号"), ("text", "单号"), ("nonsense", "x")]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
        let e = ColumnMapping::parse(&bad).expect_err("refused");
        let keys: Vec<&str> = e.0.iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            vec!["validation.unknown_choice", "appeal.mapping_twice"]
        );
    }

    #[test]
    fn times_as_exports_write_them() {
        let cases = [
            ("2026-11-03 09:12:00", Some("2026-11-03T01:12:00+00:00")),
            ("2026/11/3 9:12", Some("2026-11-03T01:12:00+00:00")),
            ("2026年11月3日 09:12", Some("2026-11-03T01:12:00+00:00")),
            ("2026-11-03", Some("2026-11-02T16:00:00+00:00")),
            ("46329.5", Some("2026-11-03T04:00:00+00:00")),
            ("2026-13-03", None),
            ("明天", None),
            ("-5", None),
        ];
        for (s, want) in cases {
            assert_eq!(
                parse_time(s).map(|t| t.to_rfc3339()).as_deref(),
                want,
                "{s}"
            );
        }
    }

    #[test]
    fn csv_quotes_and_line_breaks() {
        let text =
            "\u{feff}工单编号,诉求内容\r\nGD1,\"含逗号, 和\"\"引号\"\"\n第二行\"\r\nGD2,普通\n";
        let rows = parse_csv(text, 10).expect("csv");
        assert_eq!(
            rows,
            vec![
                vec!["工单编号".to_string(), "诉求内容".into()],
                vec!["GD1".into(), "含逗号, 和\"引号\"\n第二行".into()],
                vec!["GD2".into(), "普通".into()],
            ]
        );
        assert_eq!(parse_csv("a,\"open", 10), None);
        assert_eq!(parse_csv("a\nb\nc\n", 1), None);
        assert_eq!(parse_csv("", 10), Some(vec![]));
    }
}
