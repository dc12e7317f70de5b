//! Message catalogue of the ledger (台账): its columns, the import's cell rules, the import
//! page and the lists' Excel exports.

pub(crate) const LEDGER: &[(&str, &str, &str)] = &[
    // Columns (the template's header and the report's column names).
    ("ledger.col.ref", "台账编号", "Ledger no."),
    ("ledger.col.title", "事项名称", "Matter"),
    ("ledger.col.description", "事项内容", "Description"),
    ("ledger.col.source", "来源", "Source"),
    ("ledger.col.category", "类别", "Category"),
    ("ledger.col.priority", "紧急程度", "Priority"),
    ("ledger.col.assigned_on", "交办日期", "Assigned on"),
    ("ledger.col.deadline", "办结时限", "Deadline"),
    ("ledger.col.leads", "牵头单位", "Lead units"),
    ("ledger.col.co_units", "配合单位", "Co-units"),
    ("ledger.col.target_name", "目标名称", "Target"),
    ("ledger.col.target_value", "目标值", "Target value"),
    ("ledger.col.target_unit", "计量单位", "Unit of measure"),
    ("ledger.col.cadence", "报送频次", "Report cadence"),
    ("ledger.col.public", "是否公开", "Public"),
    ("ledger.col.note", "备注", "Notes"),
    // Whole-file refusals.
    (
        "ledger.empty",
        "台账中没有事项：请在表头下逐行填写",
        "The ledger holds no matter: fill in one row per matter below the header",
    ),
    (
        "ledger.header",
        "未找到表头：台账须有“事项名称”“办结时限”“牵头单位”等列，请使用下载的模板",
        "No header row found: a ledger needs the columns Matter, Deadline and Lead units; use the template",
    ),
    (
        "ledger.too_many",
        "台账事项过多：一次最多导入{max}项，请分批导入",
        "Too many matters: at most {max} per import; import the ledger in parts",
    ),
    (
        "ledger.not_excel",
        "文件不是Excel工作簿（.xlsx或.xls）",
        "The file is not an Excel workbook (.xlsx or .xls)",
    ),
    (
        "ledger.unreadable",
        "无法读取该工作簿：文件可能已损坏或不完整",
        "The workbook cannot be read: the file may be damaged or incomplete",
    ),
    (
        "ledger.too_large",
        "工作簿解压后过大，请删去多余的工作表或格式后再导入",
        "The workbook unpacks too large; remove extra sheets or formatting and import again",
    ),
    (
        "ledger.merged",
        "第{row}行 {range}为合并单元格：台账中横向合并的单元格无法逐列读取，请取消合并后再导入",
        "Row {row}: {range} is a merged cell; a ledger's cells must not be merged across columns",
    ),
    (
        "ledger.mode",
        "请选择导入后事项的状态",
        "Choose the state of the imported matters",
    ),
    // One cell.
    (
        "ledger.cell",
        "第{row}行 {col}列 {header}",
        "Row {row}, column {col} ({header})",
    ),
    (
        "ledger.formula_error",
        "公式出错（{value}），请改为数值或文字",
        "The formula fails ({value}); enter a value instead",
    ),
    (
        "ledger.duplicate_ref",
        "台账编号“{value}”与第{first}行重复",
        "Ledger no. \"{value}\" repeats row {first}",
    ),
    (
        "ledger.unknown_choice",
        "“{value}”不是可选项，请从模板的下拉列表中选择",
        "\"{value}\" is not one of the choices; pick one from the template's list",
    ),
    (
        "ledger.not_a_date",
        "“{value}”不是日期（应写作2026-12-31）",
        "\"{value}\" is not a date (write 2026-12-31)",
    ),
    (
        "ledger.assigned_in_future",
        "“{value}”晚于今天，交办日期不能在将来",
        "\"{value}\" is after today; a matter cannot be assigned in the future",
    ),
    (
        "ledger.not_a_deadline",
        "“{value}”既不是日期也不是“N个工作日”",
        "\"{value}\" is neither a date nor \"N working days\"",
    ),
    (
        "ledger.bad_cadence",
        "“{value}”不是报送频次（可写：无、每周五、每月5日、每10个工作日）",
        "\"{value}\" is not a cadence (write 无, 每周五, 每月5日 or 每10个工作日)",
    ),
    (
        "ledger.yes_no",
        "“{value}”应填“是”或“否”",
        "\"{value}\" must be 是 (yes) or 否 (no)",
    ),
    (
        "ledger.unit_unknown",
        "“{value}”不是本辖区内的单位（请按组织机构中的全称填写）",
        "\"{value}\" is not a unit of your jurisdiction (use the name in the org tree)",
    ),
    (
        "ledger.unit_ambiguous",
        "辖区内有多个名为“{value}”的单位，请联系管理员区分名称",
        "Several units of your jurisdiction are named \"{value}\"",
    ),
    (
        "ledger.unit_twice",
        "单位“{value}”重复填写（同一单位不能既牵头又配合）",
        "Unit \"{value}\" is named twice (a unit cannot both lead and assist)",
    ),
    (
        "ledger.not_a_number",
        "“{value}”不是数值",
        "\"{value}\" is not a number",
    ),
    // The template's explanation sheet.
    ("ledger.sheet", "台账", "Ledger"),
    ("ledger.help_sheet", "填写说明", "How to fill in"),
    ("ledger.lists_sheet", "可选项", "Choices"),
    (
        "ledger.help.intro",
        "每行填写一项督办事项；同一事项有多个目标时，在其下一行只填“目标名称、目标值、计量单位”（事项名称留空）。带*的列为必填。",
        "One matter per row; a matter's further targets go on the rows below it with only Target, Target value and Unit of measure filled. Columns marked * are required.",
    ),
    (
        "ledger.help.ref",
        "本单位台账中的编号。再次导入同一编号的事项不会重复登记；不填时以文件和行号识别。",
        "Your ledger's own number; re-importing a number already imported registers nothing twice.",
    ),
    (
        "ledger.help.deadline",
        "填写日期（如2026-12-31），或“N个工作日”（自交办之日起按工作日计算）。",
        "A date (2026-12-31), or \"N个工作日\" (N working days from dispatch).",
    ),
    (
        "ledger.help.units",
        "填写组织机构中的单位全称，多个单位以“、”分隔；须为本辖区内的单位。",
        "Unit names as in the org tree, several separated by 、, all in your jurisdiction.",
    ),
    (
        "ledger.help.cadence",
        "无、每周一至每周五、每月N日（1—28）、每N个工作日。",
        "无, 每周一…每周五, 每月N日 (1–28), 每N个工作日.",
    ),
    (
        "ledger.help.choices",
        "来源、类别、紧急程度、是否公开从下拉列表中选择。",
        "Pick source, category, priority and public from the drop-down lists.",
    ),
    ("ledger.help.column", "列", "Column"),
    ("ledger.help.meaning", "填写要求", "What to enter"),
    // The import page.
    ("ledger.import", "导入台账", "Import ledger"),
    (
        "ledger.import_hint",
        "下载模板，按说明填写后上传（.xlsx或.xls）。系统逐行逐列检查：任何一处有误，整份台账都不导入，并列出每处错误；全部无误才登记。",
        "Download the template, fill it in and upload it (.xlsx or .xls). Every cell is checked: if any is wrong, nothing is imported and each error is listed.",
    ),
    ("ledger.template", "下载台账模板", "Download the template"),
    ("ledger.export", "导出完整台账", "Export the full ledger"),
    ("ledger.file", "台账文件", "Ledger file"),
    ("ledger.mode_label", "导入后", "After import"),
    (
        "ledger.mode.draft",
        "登记为草稿（再逐项报批、交办）",
        "Register as drafts (submit and dispatch later)",
    ),
    (
        "ledger.mode.dispatch",
        "按台账直接交办（台账所列事项已经领导审定；无审批权限的，导入后报送领导审批）",
        "Dispatch as the ledger says (the matters were approved already; without the right to approve, they are submitted to the leader for approval)",
    ),
    (
        "ledger.for_approval",
        "导入人员无事项审批权限，所列事项已报送领导审批，经审批后方可交办。",
        "The importer may not approve items: the matters were submitted to the leader for approval and are dispatched once approved.",
    ),
    (
        "ledger.failed",
        "导入未完成，未登记任何事项：{reason}",
        "The import did not finish and nothing was registered: {reason}",
    ),
    ("ledger.report", "检查结果", "Check result"),
    (
        "ledger.rejected",
        "台账有{n}处错误，未导入任何事项。请逐一修改后重新上传。",
        "The ledger has {n} errors; nothing was imported. Correct them and upload again.",
    ),
    (
        "ledger.done",
        "已导入{items}项事项、{assignments}个交办单位；{already}项此前已导入，未重复登记。",
        "Imported {items} matters with {assignments} assignments; {already} were imported before and were skipped.",
    ),
    (
        "ledger.download_report",
        "下载检查结果",
        "Download the check result",
    ),
    ("ledger.where", "位置", "Where"),
    ("ledger.problem", "问题", "Problem"),
    ("ledger.progress", "正在导入…", "Importing…"),
    (
        "ledger.approved_comment",
        "依台账导入：台账第{row}行所列事项已经领导审定",
        "Imported from the ledger: the matter on row {row} was approved already",
    ),
    ("ledger.report_file", "台账检查结果", "Ledger check"),
    ("ledger.file_name", "督办台账", "Ledger"),
    ("ledger.latest_report", "最新进展", "Latest report"),
    (
        "ledger.latest_report_at",
        "最新报送时间",
        "Latest report at",
    ),
    ("ledger.assignment_state", "办理状态", "Assignment state"),
    ("ledger.number", "督办文号", "Official number"),
];
