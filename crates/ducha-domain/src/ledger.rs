//! An office's ledger (台账) of supervised matters as read from a spreadsheet: one row per
//! matter, further targets of a matter on the rows below it (the 事项名称 cell left empty, as a
//! merged cell reads), every cell checked by the same rules as the item form, and any bad cell
//! rejecting the whole ledger, each named by its row and column letter.

use crate::calendar::WorkCalendar;
use crate::cells::{column_name, is_formula_error, parse_date};
use crate::i18n::{Lang, t};
use crate::item::{Cadence, Category, ItemInput, ItemSpec, Priority, Source, Target};
use crate::text::bounded;
use crate::{FieldError, ValidationErrors};
use chrono::NaiveDate;
use std::collections::HashMap;

/// Declares [`Column`] with its list and names (a small local cousin of `str_enum!`).
macro_rules! str_enum_columns {
    ($($(#[$doc:meta])* $v:ident = $s:literal,)*) => {
        /// A column of the ledger, in the template's order.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Column { $($(#[$doc])* $v,)* }
        impl Column {
            /// Every column, in the template's order.
            pub const ALL: &'static [Column] = &[$(Column::$v,)*];
            /// The stable name (`ledger.col.<name>` is its header).
            pub fn as_str(self) -> &'static str {
                match self { $(Column::$v => $s,)* }
            }
        }
    };
}

str_enum_columns! {
    /// 台账编号 — the office's own number of the matter; the key of a re-import.
    Ref = "ref",
    /// 事项名称.
    Title = "title",
    /// 事项内容.
    Description = "description",
    /// 来源.
    Source = "source",
    /// 类别.
    Category = "category",
    /// 紧急程度.
    Priority = "priority",
    /// 交办日期 — when the matter was assigned on paper.
    AssignedOn = "assigned_on",
    /// 办结时限 — a date or N个工作日.
    Deadline = "deadline",
    /// 牵头单位 (several separated by 、).
    Leads = "leads",
    /// 配合单位.
    CoUnits = "co_units",
    /// 目标名称.
    TargetName = "target_name",
    /// 目标值.
    TargetValue = "target_value",
    /// 单位 (of measure).
    TargetUnit = "target_unit",
    /// 报送频次.
    Cadence = "cadence",
    /// 是否公开.
    Public = "public",
    /// 备注 — what is asked of the units (交办要求).
    Note = "note",
}

impl Column {
    /// The header's message key.
    pub fn key(self) -> String {
        format!("ledger.col.{}", self.as_str())
    }

    /// Whether every matter must fill it.
    pub fn required(self) -> bool {
        matches!(
            self,
            Column::Title | Column::Source | Column::Category | Column::Deadline | Column::Leads
        )
    }

    /// Other header words offices use for it.
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Ref => &["编号", "序号", "台账号", "事项编号"],
            Column::Title => &["事项", "督办事项", "任务名称", "名称"],
            Column::Description => &["内容", "工作内容", "任务内容", "具体内容"],
            Column::Source => &["事项来源"],
            Column::Category => &["事项类别", "分类"],
            Column::Priority => &["优先级", "紧急程度"],
            Column::AssignedOn => &["交办时间"],
            Column::Deadline => &["完成时限", "时限", "办结期限", "办结时间"],
            Column::Leads => &["牵头单位", "责任单位", "主办单位"],
            Column::CoUnits => &["配合单位", "协办单位"],
            Column::TargetName => &["目标", "工作目标"],
            Column::TargetValue => &["目标值", "目标数"],
            Column::TargetUnit => &["计量单位", "单位"],
            Column::Cadence => &["报送频次", "反馈频次", "报送要求"],
            Column::Public => &["是否公开", "公开"],
            Column::Note => &["备注", "交办要求"],
        }
    }
}

/// The most matters one ledger may hold.
pub const MAX_ITEMS: usize = 10_000;

/// The most rows (matters and their further targets) one ledger may hold.
pub const MAX_ROWS: usize = 30_000;

/// How many non-empty rows above the header (a title, a date line) a ledger may have.
const ROWS_BEFORE_HEADER: usize = 5;

/// A unit a ledger may name: strictly inside the importer's jurisdiction.
#[derive(Debug, Clone)]
pub struct LedgerUnit {
    /// Id.
    pub id: i64,
    /// Name as the org tree spells it.
    pub name: String,
}

/// What the rules need besides the rows.
pub struct LedgerContext<'a> {
    /// Today (deadlines may not lie before it; 交办日期 may not lie after it).
    pub today: NaiveDate,
    /// The working-day calendar (a deadline in working days is counted with it).
    pub calendar: &'a WorkCalendar,
    /// The units the ledger may name.
    pub units: &'a [LedgerUnit],
    /// Whether every matter must name a lead unit (when the import dispatches; a draft may
    /// leave its units to the dispatch form).
    pub need_lead: bool,
    /// The sheet's merged ranges as (row as the spreadsheet numbers it, first and last
    /// 0-based column).
    pub merged: &'a [(usize, usize, usize)],
}

/// One matter as read and checked.
#[derive(Debug, Clone)]
pub struct LedgerItem {
    /// The spreadsheet's number of its first row.
    pub row: usize,
    /// 台账编号 (empty when the ledger has none).
    pub ledger_ref: String,
    /// The item as the form would send it; [`ItemSpec::parse`] accepted it.
    pub input: ItemInput,
    /// 交办日期, when given.
    pub assigned_on: Option<NaiveDate>,
    /// Lead units.
    pub leads: Vec<i64>,
    /// Co-units.
    pub co_units: Vec<i64>,
    /// 备注: what is asked of the units.
    pub note: String,
}

/// Reads a ledger: the header is the first non-empty row naming at least 事项名称, 办结时限
/// and 牵头单位 (rows above it are passed over), every later non-empty row a matter or a
/// further target of the matter above. `first_row` is the spreadsheet's number of `rows[0]`.
/// Errors are `rows[N].<letter>` fields whose arguments name the row, the column's letter and
/// header key and the cell's text.
pub fn parse_ledger(
    rows: &[Vec<String>],
    first_row: usize,
    ctx: &LedgerContext<'_>,
) -> Result<Vec<LedgerItem>, ValidationErrors> {
    let blank = |r: &Vec<String>| r.iter().all(|c| c.trim().is_empty());
    let mut rows = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !blank(r))
        .peekable();
    if rows.peek().is_none() {
        return Err(ValidationErrors::single("file", "ledger.empty"));
    }
    let mut cols = None;
    for _ in 0..=ROWS_BEFORE_HEADER {
        let Some((_, r)) = rows.next() else { break };
        if let Some(c) = header_columns(r) {
            cols = Some(c);
            break;
        }
    }
    let Some(cols) = cols else {
        return Err(ValidationErrors::single("file", "ledger.header"));
    };
    let header_row = rows.peek().map_or(usize::MAX, |(i, _)| first_row + i);
    // A range merged across columns below the header hides every cell but its first (a
    // range merged down one column reads as the matter's further rows, which is allowed).
    let mut merged = ValidationErrors::default();
    for (row, c0, c1) in ctx
        .merged
        .iter()
        .copied()
        .filter(|(r, a, b)| *r >= header_row && a != b)
    {
        let range = format!("{}{row}:{}{row}", column_name(c0), column_name(c1));
        merged.0.push(FieldError {
            field: format!("rows[{row}]"),
            key: "ledger.merged",
            args: serde_json::json!({ "row": row, "range": range }),
        });
    }
    merged.into_result(())?;
    let mut p = Problems::default();
    let mut items: Vec<(LedgerItem, Vec<usize>)> = Vec::new();
    let mut refs: HashMap<String, usize> = HashMap::new();
    let mut count = 0usize;
    for (i, r) in rows {
        count += 1;
        if count > MAX_ROWS {
            return Err(too_many());
        }
        let row = first_row + i;
        let cell = |c: Column| -> (String, usize) {
            let idx = cols.get(&c).copied().unwrap_or(usize::MAX);
            let text = r.get(idx).map(|s| s.trim().to_string()).unwrap_or_default();
            (text, idx)
        };
        let mut broken = false;
        for c in Column::ALL {
            let (text, idx) = cell(*c);
            if is_formula_error(&text) {
                p.add(row, idx, *c, "ledger.formula_error", &text);
                broken = true;
            }
        }
        if broken {
            continue;
        }
        let (title, _) = cell(Column::Title);
        let (reference, ref_idx) = cell(Column::Ref);
        let same_ref = items
            .last()
            .is_some_and(|(it, _)| !reference.is_empty() && it.ledger_ref == reference);
        let continuation = title.is_empty()
            && (reference.is_empty() || same_ref)
            && !items.is_empty()
            && !cell(Column::TargetName).0.is_empty();
        if continuation {
            if let Some((item, target_rows)) = items.last_mut() {
                let target = read_target(&mut p, row, &cell);
                item.input.targets.push(target);
                target_rows.push(row);
            }
            continue;
        }
        if items.len() >= MAX_ITEMS {
            return Err(too_many());
        }
        if !reference.is_empty() {
            let (bounded_ref, too_long) = {
                let mut e = ValidationErrors::default();
                let b = bounded(&mut e, "ref", &reference, false, 50);
                (b, e.0.first().map(|f| f.key))
            };
            if let Some(key) = too_long {
                p.add(row, ref_idx, Column::Ref, key, &reference);
            } else if let Some(first) = refs.insert(bounded_ref.clone(), row) {
                p.add_with(
                    row,
                    ref_idx,
                    Column::Ref,
                    "ledger.duplicate_ref",
                    &reference,
                    serde_json::json!({ "first": first }),
                );
            }
        }
        let mut input = ItemInput {
            title: title.clone(),
            description: cell(Column::Description).0,
            source: String::new(),
            category: String::new(),
            priority: None,
            targets: Vec::new(),
            deadline: None,
            deadline_working_days: None,
            cadence: None,
            leader_id: None,
            public: false,
        };
        let (source, idx) = cell(Column::Source);
        match choice(
            &source,
            Source::ALL,
            |s| format!("source.{}", s.as_str()),
            |s| s.as_str(),
        ) {
            Some(s) => input.source = s.as_str().into(),
            None if source.is_empty() => {}
            None => p.add(row, idx, Column::Source, "ledger.unknown_choice", &source),
        }
        let (category, idx) = cell(Column::Category);
        let plain: String = category.chars().filter(|c| !"“”\"".contains(*c)).collect();
        match choice(
            &plain,
            Category::ALL,
            |c| format!("category.{}", c.as_str()),
            |c| c.as_str(),
        )
        .or_else(|| (plain == "三最" || plain == "三最问题").then_some(Category::SanZui))
        {
            Some(c) => input.category = c.as_str().into(),
            None if category.is_empty() => {}
            None => p.add(
                row,
                idx,
                Column::Category,
                "ledger.unknown_choice",
                &category,
            ),
        }
        let (priority, idx) = cell(Column::Priority);
        match choice(
            &priority,
            Priority::ALL,
            |x| format!("priority.{}", x.as_str()),
            |x| x.as_str(),
        ) {
            Some(x) => input.priority = Some(x.as_str().into()),
            None if priority.is_empty() => {}
            None => p.add(
                row,
                idx,
                Column::Priority,
                "ledger.unknown_choice",
                &priority,
            ),
        }
        let (assigned, idx) = cell(Column::AssignedOn);
        let assigned_on = if assigned.is_empty() {
            None
        } else {
            match parse_date(&assigned) {
                Some(d) if d > ctx.today => {
                    p.add(
                        row,
                        idx,
                        Column::AssignedOn,
                        "ledger.assigned_in_future",
                        &assigned,
                    );
                    None
                }
                Some(d) => Some(d),
                None => {
                    p.add(row, idx, Column::AssignedOn, "ledger.not_a_date", &assigned);
                    None
                }
            }
        };
        let (deadline, idx) = cell(Column::Deadline);
        if !deadline.is_empty() {
            if let Some(d) = parse_date(&deadline) {
                input.deadline = Some(d);
            } else if let Some(n) = working_days(&deadline) {
                input.deadline_working_days = Some(n);
            } else {
                p.add(
                    row,
                    idx,
                    Column::Deadline,
                    "ledger.not_a_deadline",
                    &deadline,
                );
            }
        }
        let (cadence, idx) = cell(Column::Cadence);
        match parse_cadence(&cadence) {
            Some(c) => input.cadence = Some(c),
            None => p.add(row, idx, Column::Cadence, "ledger.bad_cadence", &cadence),
        }
        let (public, idx) = cell(Column::Public);
        match yes_no(&public) {
            Some(b) => input.public = b,
            None => p.add(row, idx, Column::Public, "ledger.yes_no", &public),
        }
        let (leads_text, idx) = cell(Column::Leads);
        let leads = read_units(&mut p, row, idx, Column::Leads, &leads_text, ctx.units);
        if leads_text.is_empty() && ctx.need_lead {
            p.add(row, idx, Column::Leads, "validation.required", "");
        }
        let (co_text, idx) = cell(Column::CoUnits);
        let co_units: Vec<i64> = read_units(&mut p, row, idx, Column::CoUnits, &co_text, ctx.units)
            .into_iter()
            .filter(|id| {
                let twice = leads.contains(id);
                if twice {
                    p.add(row, idx, Column::CoUnits, "ledger.unit_twice", &co_text);
                }
                !twice
            })
            .collect();
        let (note, idx) = cell(Column::Note);
        let mut e = ValidationErrors::default();
        let note = bounded(&mut e, "note", &note, false, 5000);
        if let Some(f) = e.0.first() {
            p.add(row, idx, Column::Note, f.key, &note);
        }
        let mut target_rows = Vec::new();
        if !cell(Column::TargetName).0.is_empty()
            || !cell(Column::TargetValue).0.is_empty()
            || !cell(Column::TargetUnit).0.is_empty()
        {
            input.targets.push(read_target(&mut p, row, &cell));
            target_rows.push(row);
        }
        items.push((
            LedgerItem {
                row,
                ledger_ref: reference,
                input,
                assigned_on,
                leads,
                co_units,
                note,
            },
            target_rows,
        ));
    }
    // The item form's own rules, each error put back on its cell.
    for (item, target_rows) in &items {
        if let Err(e) = ItemSpec::parse(&item.input, ctx.today, ctx.calendar) {
            for f in e.0 {
                let (row, col) = cell_of(&f.field, item.row, target_rows);
                // Source and category words that were not understood are reported already.
                let raw = value_of(&item.input, col, &f.field);
                let already = p.0.iter().any(|x| x.row == row && x.col == col);
                if !already {
                    let idx = cols.get(&col).copied().unwrap_or(usize::MAX);
                    p.add(row, idx, col, f.key, &raw);
                }
            }
        }
    }
    if items.is_empty() && p.0.is_empty() {
        return Err(ValidationErrors::single("file", "ledger.empty"));
    }
    if !p.0.is_empty() {
        return Err(p.into_errors());
    }
    Ok(items.into_iter().map(|(i, _)| i).collect())
}

fn too_many() -> ValidationErrors {
    ValidationErrors::single_with(
        "file",
        "ledger.too_many",
        serde_json::json!({ "max": MAX_ITEMS }),
    )
}

/// The cell an item form error belongs to.
fn cell_of(field: &str, row: usize, target_rows: &[usize]) -> (usize, Column) {
    if let Some(rest) = field.strip_prefix("targets[") {
        let (n, part) = rest.split_once(']').unwrap_or(("0", ""));
        let n: usize = n.parse().unwrap_or(0);
        let r = target_rows.get(n).copied().unwrap_or(row);
        let col = match part {
            ".value" => Column::TargetValue,
            ".unit" => Column::TargetUnit,
            _ => Column::TargetName,
        };
        return (r, col);
    }
    let col = match field {
        "title" => Column::Title,
        "description" => Column::Description,
        "source" => Column::Source,
        "category" => Column::Category,
        "priority" => Column::Priority,
        "cadence" => Column::Cadence,
        "public" => Column::Public,
        _ => Column::Deadline,
    };
    (row, col)
}

fn value_of(input: &ItemInput, col: Column, field: &str) -> String {
    let target = || {
        field
            .strip_prefix("targets[")
            .and_then(|r| r.split_once(']'))
            .and_then(|(n, _)| n.parse::<usize>().ok())
            .and_then(|n| input.targets.get(n))
    };
    match col {
        Column::Title => input.title.clone(),
        Column::Description => input.description.clone(),
        Column::Deadline => input
            .deadline
            .map(|d| d.to_string())
            .or(input.deadline_working_days.map(|n| format!("{n}个工作日")))
            .unwrap_or_default(),
        Column::TargetName => target().map(|t| t.name.clone()).unwrap_or_default(),
        Column::TargetUnit => target().map(|t| t.unit.clone()).unwrap_or_default(),
        Column::TargetValue => target().map(|t| t.value.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn read_target(p: &mut Problems, row: usize, cell: &dyn Fn(Column) -> (String, usize)) -> Target {
    let (name, _) = cell(Column::TargetName);
    let (unit, _) = cell(Column::TargetUnit);
    let (value, idx) = cell(Column::TargetValue);
    let number = value.replace([',', '，'], "").parse::<f64>();
    let value = match number {
        Ok(v) if v.is_finite() => v,
        _ => {
            let key = if value.is_empty() {
                "validation.required"
            } else {
                "ledger.not_a_number"
            };
            p.add(row, idx, Column::TargetValue, key, &value);
            0.0
        }
    };
    Target { name, unit, value }
}

/// The enum value a cell names: its Chinese or English label, or its stable name.
fn choice<T: Copy>(
    cell: &str,
    all: &[T],
    key: impl Fn(T) -> String,
    name: impl Fn(T) -> &'static str,
) -> Option<T> {
    let cell = cell.trim();
    if cell.is_empty() {
        return None;
    }
    all.iter().copied().find(|v| {
        let k = key(*v);
        cell == t(&k, Lang::ZhCn) || cell.eq_ignore_ascii_case(t(&k, Lang::En)) || cell == name(*v)
    })
}

/// `20个工作日`, `20工作日`, `20 working days`.
fn working_days(s: &str) -> Option<u32> {
    let s = s.trim();
    let n = s
        .strip_suffix("个工作日")
        .or_else(|| s.strip_suffix("工作日"))
        .or_else(|| s.strip_suffix("working days"))?;
    n.trim().parse().ok()
}

const WEEKDAYS: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];

/// 报送频次 as written: empty or 无 (none), 每周一…每周日, 每月N日, 每N个工作日; `None` when
/// not understood (its range is the item form's rule).
pub fn parse_cadence(s: &str) -> Option<Cadence> {
    let s = s.trim();
    if s.is_empty() || ["无", "不定期", "none", "None"].contains(&s) {
        return Some(Cadence::None);
    }
    if let Some(d) = s.strip_prefix("每周") {
        let d = d.trim_start_matches(['星', '期']);
        let n = WEEKDAYS
            .iter()
            .position(|w| *w == d)
            .or_else(|| (d == "天").then_some(6))
            .map(|i| i as u8 + 1)
            .or_else(|| d.parse::<u8>().ok())?;
        return Some(Cadence::Weekly { weekday: n });
    }
    if let Some(d) = s.strip_prefix("每月") {
        let d = d.trim_end_matches(['日', '号']).trim_start_matches('第');
        return d.parse().ok().map(|day| Cadence::Monthly { day });
    }
    if let Some(n) = s.strip_prefix("每") {
        return working_days(n)
            .and_then(|n| u16::try_from(n).ok())
            .map(|n| Cadence::EveryWorkingDays { n });
    }
    None
}

/// How the ledger writes a cadence (what [`parse_cadence`] reads back).
pub fn cadence_text(c: Cadence) -> String {
    match c {
        Cadence::None => "无".into(),
        Cadence::Weekly { weekday } => format!(
            "每周{}",
            WEEKDAYS
                .get(usize::from(weekday.saturating_sub(1)))
                .unwrap_or(&"一")
        ),
        Cadence::Monthly { day } => format!("每月{day}日"),
        Cadence::EveryWorkingDays { n } => format!("每{n}个工作日"),
    }
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" | "否" | "不公开" | "no" | "n" | "false" | "0" => Some(false),
        "是" | "公开" | "yes" | "y" | "true" | "1" => Some(true),
        _ => None,
    }
}

/// The units a cell names, separated by 、，,；; or line breaks.
fn read_units(
    p: &mut Problems,
    row: usize,
    idx: usize,
    col: Column,
    text: &str,
    units: &[LedgerUnit],
) -> Vec<i64> {
    let mut out = Vec::new();
    for name in text
        .split(['、', '，', ',', '；', ';', '\n', '/'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        let mut found = units.iter().filter(|u| u.name == name);
        match (found.next(), found.next()) {
            (Some(u), None) if out.contains(&u.id) => {
                p.add(row, idx, col, "ledger.unit_twice", name);
            }
            (Some(u), None) => out.push(u.id),
            (Some(_), Some(_)) => p.add(row, idx, col, "ledger.unit_ambiguous", name),
            (None, _) => p.add(row, idx, col, "ledger.unit_unknown", name),
        }
    }
    out
}

/// The columns a header row names; `None` unless it names every required column but 来源
/// and 类别 (which may be missing only to be reported row by row).
fn header_columns(header: &[String]) -> Option<HashMap<Column, usize>> {
    let mut col = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        // Headers may carry line breaks, spaces, a required mark or a hint in brackets.
        let h: String = h
            .chars()
            .filter(|c| !c.is_whitespace() && !"*＊".contains(*c))
            .collect();
        let h = h
            .split(['（', '('])
            .next()
            .unwrap_or_default()
            .to_lowercase();
        if h.is_empty() {
            continue;
        }
        let found = Column::ALL.iter().find(|c| {
            let k = c.key();
            h == t(&k, Lang::ZhCn)
                || h == t(&k, Lang::En).to_lowercase()
                || c.aliases().contains(&h.as_str())
        });
        if let Some(c) = found {
            col.entry(*c).or_insert(i);
        }
    }
    [Column::Title, Column::Deadline, Column::Leads]
        .iter()
        .all(|c| col.contains_key(c))
        .then_some(col)
}

/// A problem of one cell.
#[derive(Debug)]
struct Problem {
    row: usize,
    col: Column,
    error: FieldError,
}

#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, row: usize, idx: usize, col: Column, key: &'static str, value: &str) {
        self.add_with(row, idx, col, key, value, serde_json::Value::Null);
    }

    fn add_with(
        &mut self,
        row: usize,
        idx: usize,
        col: Column,
        key: &'static str,
        value: &str,
        extra: serde_json::Value,
    ) {
        let letter = if idx == usize::MAX {
            String::new()
        } else {
            column_name(idx)
        };
        let shown: String = value.chars().take(40).collect();
        let mut args = serde_json::json!({
            "row": row, "col": letter, "header": col.key(), "value": shown,
        });
        if let (Some(a), serde_json::Value::Object(x)) = (args.as_object_mut(), extra) {
            a.extend(x);
        }
        self.0.push(Problem {
            row,
            col,
            error: FieldError {
                field: format!("rows[{row}].{letter}"),
                key,
                args,
            },
        });
    }

    fn into_errors(mut self) -> ValidationErrors {
        self.0.sort_by_key(|p| p.row);
        ValidationErrors(self.0.into_iter().map(|p| p.error).collect())
    }
}

#[cfg(test)]
mod tests;
