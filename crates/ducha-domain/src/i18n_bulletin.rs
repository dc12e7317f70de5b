//! Message catalogue of bulletins (督查通报): events, states, the generated text and the
//! pages' words.

pub(crate) const BULLETIN: &[(&str, &str, &str)] = &[
    // Events.
    ("event.bulletin.drafted", "起草督查通报", "Bulletin drafted"),
    ("event.bulletin.edited", "修改督查通报", "Bulletin edited"),
    (
        "event.bulletin.submitted",
        "督查通报送审",
        "Bulletin submitted",
    ),
    (
        "event.bulletin.returned",
        "督查通报退回修改",
        "Bulletin sent back",
    ),
    (
        "event.bulletin.approved",
        "督查通报签发",
        "Bulletin approved",
    ),
    (
        "event.bulletin.published",
        "督查通报印发",
        "Bulletin published",
    ),
    // Labels.
    ("bulletin_kind.monthly", "月度通报", "Monthly"),
    ("bulletin_kind.quarterly", "季度通报", "Quarterly"),
    ("bulletin_state.draft", "草稿", "Draft"),
    ("bulletin_state.submitted", "待签发", "Awaiting approval"),
    ("bulletin_state.approved", "已签发", "Approved"),
    ("bulletin_state.published", "已印发", "Published"),
    ("finding_group_none", "无", "None"),
    // Validation and refusals.
    (
        "validation.bulletin_period",
        "通报期间须为已结束或当前的月份（如2026-10）或季度（如2026-Q4）",
        "The period must be a month (e.g. 2026-10) or quarter (e.g. 2026-Q4) that has begun",
    ),
    (
        "validation.bulletin_state",
        "通报当前状态不允许此操作",
        "The bulletin's state does not allow this",
    ),
    (
        "validation.bulletin_corrects",
        "只能更正已印发的通报",
        "Only a published bulletin can be corrected",
    ),
    (
        "validation.bulletin_published",
        "已印发的通报不能修改，如需更正请另发更正通报",
        "A published bulletin never changes; issue a correction instead",
    ),
    (
        "bulletin.pdf_unavailable",
        "服务器未安装LibreOffice（或配置的soffice路径有误），暂不能生成PDF，请下载Word版本",
        "LibreOffice is not installed on the server (or the configured soffice path is wrong): no PDF for now; download the Word file",
    ),
    (
        "bulletin.pdf_failed",
        "PDF生成失败，请稍后重试或下载Word版本",
        "The PDF could not be made; try again later or download the Word file",
    ),
    // The extension approval form (延期审批表).
    (
        "extension_form.title",
        "延期审批表",
        "Extension Approval Form",
    ),
    ("extension_form.old", "原办理时限", "Deadline when asked"),
    ("extension_form.new", "申请延期至", "Extension asked to"),
    ("extension_form.asked", "申请人及时间", "Asked by, on"),
    ("extension_form.reviewer", "审批单位", "Deciding unit"),
    ("extension_form.decision", "审批意见", "Decision"),
    ("extension_form.pending", "（待审批）", "(pending)"),
    (
        "extension_form.sign",
        "审批人（签字）：　　　　　　　　　　年　　月　　日",
        "Approved by (signature):                    Date:",
    ),
    ("ui.extension_form", "延期审批表", "Approval form"),
    // The charts.
    ("bulletin.chart.figure", "图", "Figure "),
    (
        "bulletin.chart.rates",
        "各单位按时办结率和办结率",
        "On-time and completion rate by unit",
    ),
    ("bulletin.chart.on_time", "按时办结率", "On-time rate"),
    ("bulletin.chart.completed", "办结率", "Completion rate"),
    (
        "bulletin.chart.trend",
        "按时办结率走势",
        "On-time rate over recent periods",
    ),
    (
        "bulletin.chart.no_font",
        "（服务器未配置中文图表字体，本期图表从略，以上述数据为准。）",
        "(The server has no Chinese font configured for charts: they are left out; the figures above stand.)",
    ),
    // The document.
    (
        "bulletin.doc.title",
        "{scope}督查通报",
        "{scope} Supervision Bulletin",
    ),
    (
        "bulletin.doc.subtitle",
        "（{period}{kind}）",
        "({kind}, {period})",
    ),
    (
        "bulletin.doc.title_correction",
        "关于更正{number}的通报",
        "Correction of {number}",
    ),
    (
        "bulletin.doc.corrects",
        "本通报更正{number}，原通报同时废止。",
        "This bulletin corrects {number}, which is withdrawn.",
    ),
    (
        "bulletin.doc.issuer",
        "{scope}督查室",
        "Supervision Office of {scope}",
    ),
    (
        "bulletin.doc.draft_mark",
        "（草稿，未印发）",
        "(Draft, not published)",
    ),
    (
        "bulletin.doc.no_number",
        "（印发时编号）",
        "(numbered when published)",
    ),
    ("bulletin.doc.red_head", "督查通报", "SUPERVISION BULLETIN"),
    // Headings.
    ("bulletin.h.overall", "总体情况", "Overview"),
    (
        "bulletin.h.lists",
        "红黑榜",
        "Commended and criticised units",
    ),
    ("bulletin.h.ranking", "单位排名", "Ranking of units"),
    (
        "bulletin.h.findings",
        "梗阻和变味问题",
        "Stalls and dilution",
    ),
    (
        "bulletin.h.proposals",
        "人大代表建议和政协委员提案办理",
        "NPC suggestions and CPPCC proposals",
    ),
    ("bulletin.h.good", "典型做法", "Good practice"),
    ("bulletin.h.criticism", "存在问题", "Shortcomings"),
    // Changes.
    (
        "bulletin.change.pp_up",
        "比上期提高{d}个百分点",
        "up {d} percentage points on the last period",
    ),
    (
        "bulletin.change.pp_down",
        "比上期下降{d}个百分点",
        "down {d} percentage points on the last period",
    ),
    (
        "bulletin.change.same",
        "与上期持平",
        "the same as the last period",
    ),
    (
        "bulletin.change.more",
        "比上期增加{d}项",
        "{d} more than the last period",
    ),
    (
        "bulletin.change.fewer",
        "比上期减少{d}项",
        "{d} fewer than the last period",
    ),
    // Text.
    (
        "bulletin.text.totals",
        "{period}，{scope}新交办督办事项{new}项，办结{closed}项，期末在办{in_hand}项。",
        "In {period}, {scope} dispatched {new} new items and closed {closed}; {in_hand} were in hand at the end.",
    ),
    (
        "bulletin.text.on_time",
        "本期到期{due}项，按期办结{on_time}项，按时办结率{rate}",
        "{due} assignments fell due, {on_time} were completed on time, an on-time rate of {rate}",
    ),
    (
        "bulletin.text.completion",
        "办结率{rate}",
        "completion rate {rate}",
    ),
    (
        "bulletin.text.nothing_due",
        "本期无到期事项。",
        "Nothing fell due in the period.",
    ),
    (
        "bulletin.text.overdue",
        "期末逾期未办结{n}项",
        "{n} assignments were overdue and open at the end",
    ),
    (
        "bulletin.text.red",
        "红榜：{units}。",
        "Commended: {units}.",
    ),
    (
        "bulletin.text.red_unit",
        "{unit}（到期{due}项全部按期办结{again}）",
        "{unit} ({due} due, all on time{again})",
    ),
    (
        "bulletin.text.red_none",
        "本期无单位进入红榜。",
        "No unit is commended in this period.",
    ),
    (
        "bulletin.text.black",
        "黑榜：{units}。",
        "Criticised: {units}.",
    ),
    (
        "bulletin.text.black_unit",
        "{unit}（逾期未办结{overdue}项，逾期办结{late}项{again}）",
        "{unit} ({overdue} overdue and open, {late} completed late{again})",
    ),
    (
        "bulletin.text.black_none",
        "本期无单位进入黑榜。",
        "No unit is criticised in this period.",
    ),
    (
        "bulletin.text.again",
        "，连续两期上榜",
        ", for the second period running",
    ),
    (
        "bulletin.text.black_left",
        "退出黑榜：{units}。",
        "Off the criticised list since the last period: {units}.",
    ),
    (
        "bulletin.text.ranking_score",
        "按平时成绩排名如下表。",
        "Units ranked by their assessment scores:",
    ),
    (
        "bulletin.text.ranking_rate",
        "按按时办结率排名如下表（本期无到期事项的单位列后）。",
        "Units ranked by on-time rate (units with nothing due last):",
    ),
    ("bulletin.text.rose", "{unit}上升{n}位", "{unit} rose {n}"),
    ("bulletin.text.fell", "{unit}下降{n}位", "{unit} fell {n}"),
    (
        "bulletin.text.moves",
        "与上期相比：{moves}。",
        "Compared with the last period: {moves}.",
    ),
    (
        "bulletin.text.no_moves",
        "各单位排名与上期相同。",
        "Every unit holds its place of the last period.",
    ),
    (
        "bulletin.text.findings",
        "发现{group}问题线索{n}条，涉及{units}",
        "{n} findings of {group}, concerning {units}",
    ),
    (
        "bulletin.text.findings_none",
        "本期未发现梗阻、变味问题线索。",
        "No stall or dilution was found in the period.",
    ),
    (
        "bulletin.text.proposals",
        "{name}共{total}件，已答复{replied}件，按时答复率{rate}，满意{satisfied}件、基本满意{basic}件、不满意{dissatisfied}件",
        "{name}: {total} in all, {replied} replied, on-time reply rate {rate}, {satisfied} satisfied, {basic} basically satisfied, {dissatisfied} dissatisfied",
    ),
    (
        "bulletin.text.proposals_new",
        "本期新增答复{n}件",
        "{n} replied in this period",
    ),
    // Table.
    ("bulletin.col.rank", "名次", "Place"),
    ("bulletin.col.unit", "单位", "Unit"),
    ("bulletin.col.due", "到期", "Due"),
    ("bulletin.col.on_time", "按期办结", "On time"),
    ("bulletin.col.overdue", "逾期未办结", "Overdue"),
    ("bulletin.col.score", "平时成绩", "Score"),
    ("bulletin.col.rate", "按时办结率", "On-time rate"),
    ("bulletin.col.change", "较上期", "Change"),
    ("bulletin.col.new", "新列入", "new"),
    // Notifications.
    (
        "bulletin.notify.title",
        "【督查通报】{number}",
        "[Bulletin] {number}",
    ),
    (
        "bulletin.notify.body",
        "{scope}督查室印发{number}（{period}），贵单位在通报中被点名，请及时阅看并落实。",
        "The supervision office of {scope} published {number} ({period}); your unit is named in it.",
    ),
    // Pages.
    ("ui.bulletins", "督查通报", "Bulletins"),
    ("ui.bulletin_new", "起草通报", "Draft a bulletin"),
    ("ui.bulletin_kind", "通报类型", "Kind"),
    ("ui.bulletin_period", "通报期间", "Period"),
    ("ui.bulletin_number", "文号", "Number"),
    ("ui.bulletin_state", "状态", "State"),
    (
        "ui.bulletin_good",
        "典型做法（督查室撰写）",
        "Good practice (written by the office)",
    ),
    (
        "ui.bulletin_criticism",
        "存在问题（督查室撰写）",
        "Shortcomings (written by the office)",
    ),
    ("ui.bulletin_title", "标题", "Title"),
    ("ui.bulletin_corrects", "更正", "Corrects"),
    (
        "ui.bulletin_refresh",
        "按最新数据重新生成",
        "Regenerate from the latest data",
    ),
    ("ui.bulletin_save", "保存草稿", "Save draft"),
    ("ui.bulletin_submit", "送领导签发", "Submit for approval"),
    ("ui.bulletin_approve", "签发", "Approve"),
    ("ui.bulletin_return", "退回修改", "Send back"),
    ("ui.bulletin_publish", "印发", "Publish"),
    ("ui.bulletin_correct", "起草更正通报", "Draft a correction"),
    ("ui.bulletin_docx", "下载Word", "Download Word"),
    ("ui.bulletin_pdf", "下载PDF", "Download PDF"),
    ("ui.bulletin_remark", "退回意见", "Remark"),
    ("ui.bulletin_preview", "通报预览", "Preview"),
    ("ui.bulletin_none", "尚无督查通报。", "No bulletins yet."),
    ("ui.bulletin_generated", "数据生成于", "Figures as of"),
    ("ui.bulletin_published_at", "印发时间", "Published"),
    (
        "toast.bulletin_drafted",
        "通报草稿已生成",
        "Draft generated",
    ),
    ("toast.bulletin_saved", "通报草稿已保存", "Draft saved"),
    (
        "toast.bulletin_submitted",
        "已送领导签发",
        "Submitted for approval",
    ),
    ("toast.bulletin_returned", "已退回修改", "Sent back"),
    ("toast.bulletin_approved", "已签发", "Approved"),
    ("toast.bulletin_published", "通报已印发", "Published"),
];
