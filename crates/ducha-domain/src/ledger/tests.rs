use super::*;

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_string()).collect()
}

fn units() -> Vec<LedgerUnit> {
    ["市住建局", "市交通局", "东城区", "白石镇"]
        .iter()
        .zip(1..)
        .map(|(n, id)| LedgerUnit {
            id,
            name: (*n).into(),
        })
        .collect()
}

const HEADER: &[&str] = &[
    "台账编号",
    "事项名称*",
    "来源*",
    "类别*",
    "交办日期",
    "办结时限*",
    "牵头单位*",
    "配合单位",
    "目标名称",
    "目标值",
    "计量单位",
    "报送频次",
    "是否公开",
];

fn parse(rows: &[Vec<String>]) -> Result<Vec<LedgerItem>, ValidationErrors> {
    let cal = WorkCalendar::china();
    let units = units();
    let ctx = LedgerContext {
        today: NaiveDate::from_ymd_opt(2026, 11, 27).expect("date"),
        calendar: &cal,
        units: &units,
        need_lead: true,
        merged: &[],
    };
    parse_ledger(rows, 1, &ctx)
}

#[test]
fn a_ledger_reads_with_further_targets_below_a_matter() {
    let rows = vec![
        row(&["2026年督办台账"]),
        row(HEADER),
        row(&[
            "TZ-1",
            "城区停车难专项整治",
            "会议决策",
            "民生实事",
            "2026-11-02",
            "2026-12-31",
            "市住建局",
            "市交通局、东城区",
            "新增停车泊位",
            "2000",
            "个",
            "每周五",
            "是",
        ]),
        row(&[
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "建成智慧停车平台",
            "1",
            "个",
            "",
            "",
        ]),
        row(&[
            "TZ-2",
            "老旧小区改造",
            "重点工作",
            "“三最”问题",
            "",
            "20个工作日",
            "东城区",
            "",
            "",
            "",
            "",
            "每月5日",
            "否",
        ]),
    ];
    let items = parse(&rows).expect("a good ledger");
    assert_eq!(items.len(), 2);
    let a = &items[0];
    assert_eq!((a.row, a.ledger_ref.as_str()), (3, "TZ-1"));
    assert_eq!((a.leads.clone(), a.co_units.clone()), (vec![1], vec![2, 3]));
    assert_eq!(a.input.targets.len(), 2);
    assert_eq!(a.input.cadence, Some(Cadence::Weekly { weekday: 5 }));
    assert!(a.input.public);
    assert_eq!(a.assigned_on, NaiveDate::from_ymd_opt(2026, 11, 2));
    let b = &items[1];
    assert_eq!(b.input.deadline_working_days, Some(20));
    assert_eq!(b.input.category, "san_zui");
    assert_eq!(b.input.cadence, Some(Cadence::Monthly { day: 5 }));
}

#[test]
fn every_bad_cell_is_named_by_row_and_column_and_nothing_is_kept() {
    let rows = vec![
        row(HEADER),
        row(&[
            "TZ-1",
            "城区停车难专项整治",
            "会议决策",
            "民生实事",
            "2026-13-01",
            "2026-12-31",
            "市住建局",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            "TZ-1",
            "重复编号",
            "开会",
            "民生实事",
            "",
            "明年",
            "市财政局",
            "市住建局",
            "泊位",
            "很多",
            "",
            "每周5天",
            "也许",
        ]),
        row(&[
            "TZ-3",
            "",
            "会议决策",
            "民生实事",
            "",
            "2026-01-01",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
        row(&[
            "TZ-4",
            "公式",
            "会议决策",
            "民生实事",
            "",
            "#REF!",
            "白石镇",
            "",
            "",
            "",
            "",
            "",
            "",
        ]),
    ];
    let e = parse(&rows).expect_err("rejected");
    let got: Vec<(&str, &str)> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
    assert_eq!(
        got,
        [
            ("rows[2].E", "ledger.not_a_date"),
            ("rows[3].A", "ledger.duplicate_ref"),
            ("rows[3].C", "ledger.unknown_choice"),
            ("rows[3].F", "ledger.not_a_deadline"),
            ("rows[3].L", "ledger.bad_cadence"),
            ("rows[3].M", "ledger.yes_no"),
            ("rows[3].G", "ledger.unit_unknown"),
            ("rows[3].J", "ledger.not_a_number"),
            ("rows[4].G", "validation.required"),
            ("rows[4].B", "validation.required"),
            ("rows[4].F", "validation.date_in_past"),
            ("rows[5].F", "ledger.formula_error"),
        ]
    );
    // The report's line: row, column letter, header and the cell's text.
    let first = &e.0[0];
    assert_eq!(first.args["row"], 2);
    assert_eq!(first.args["col"], "E");
    assert_eq!(first.args["header"], "ledger.col.assigned_on");
    assert_eq!(first.args["value"], "2026-13-01");
    assert_eq!(
        crate::i18n::format("ledger.not_a_date", Lang::ZhCn, &first.args),
        "“2026-13-01”不是日期（应写作2026-12-31）"
    );
}

#[test]
fn files_without_a_header_or_matters_are_refused() {
    assert_eq!(parse(&[]).expect_err("empty").0[0].key, "ledger.empty");
    assert_eq!(
        parse(&[row(&["a", "b"])]).expect_err("no header").0[0].key,
        "ledger.header"
    );
    assert_eq!(
        parse(&[row(HEADER)]).expect_err("no rows").0[0].key,
        "ledger.empty"
    );
}

#[test]
fn cadences_read_back_as_written() {
    for c in [
        Cadence::None,
        Cadence::Weekly { weekday: 5 },
        Cadence::Monthly { day: 10 },
        Cadence::EveryWorkingDays { n: 10 },
    ] {
        assert_eq!(parse_cadence(&cadence_text(c)), Some(c));
    }
    assert_eq!(cadence_text(Cadence::Weekly { weekday: 5 }), "每周五");
    assert_eq!(
        parse_cadence("每周星期一"),
        Some(Cadence::Weekly { weekday: 1 })
    );
    assert_eq!(parse_cadence("每天"), None);
}
