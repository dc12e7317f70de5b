//! Message catalogue of integrated supervision: the leading group, joint meetings, the
//! inspection register, the minutes and the pages.

pub(crate) const JOINT: &[(&str, &str, &str)] = &[
    // Events.
    (
        "event.joint.seat_filled",
        "领导小组成员调整",
        "Leading-group seat filled",
    ),
    (
        "event.joint.meeting_scheduled",
        "安排联席会议",
        "Joint meeting scheduled",
    ),
    ("event.joint.agenda_edited", "调整会议议题", "Agenda edited"),
    (
        "event.joint.pack_sent",
        "发送会前材料",
        "Pre-read pack sent",
    ),
    (
        "event.joint.meeting_held",
        "召开联席会议",
        "Joint meeting held",
    ),
    (
        "event.joint.decided",
        "会议议定事项",
        "Meeting decision recorded",
    ),
    (
        "event.joint.inspection_filed",
        "报备督查检查计划",
        "Inspection plan filed",
    ),
    (
        "event.joint.inspection_approved",
        "批准督查检查计划",
        "Inspection plan approved",
    ),
    (
        "event.joint.inspection_rejected",
        "不予批准督查检查计划",
        "Inspection plan rejected",
    ),
    (
        "event.joint.inspections_merged",
        "合并为联合督查",
        "Merged into a joint inspection",
    ),
    ("event.joint.merge_declined", "不予合并", "Merge declined"),
    (
        "event.joint.inspection_done",
        "督查检查发现问题转办",
        "Inspection findings turned into items",
    ),
    // Agenda reasons.
    (
        "agenda.red_item",
        "已逾期{days}个工作日（红灯）",
        "Overdue by {days} working days (red)",
    ),
    (
        "agenda.stall",
        "{unit}：{finding}，{days}个工作日",
        "{unit}: {finding}, {days} working days",
    ),
    (
        "agenda.notice",
        "{unit}的{level}督办单{number}尚未落实",
        "{unit}'s {level} notice {number} not yet met",
    ),
    (
        "agenda.summons",
        "{unit}连续{reds}次红色督办，建议约谈",
        "{unit}: {reds} red notices in a row, summons recommended",
    ),
    (
        "agenda.help",
        "{from}向{to}提出的协调申请{days}个工作日未答复",
        "{from}'s help request to {to} unanswered for {days} working days",
    ),
    // Seats and bodies.
    ("position.head", "组长", "Head"),
    ("position.deputy", "副组长", "Deputy head"),
    ("position.office", "办公室", "Office"),
    ("position.member", "成员单位", "Member body"),
    (
        "body_kind.party_office",
        "党委督查室",
        "Party committee supervision office",
    ),
    (
        "body_kind.government_office",
        "政府督查室",
        "Government supervision office",
    ),
    ("body_kind.discipline", "纪委监委", "Discipline inspection"),
    ("body_kind.audit", "审计", "Audit"),
    ("body_kind.npc", "人大", "People's congress"),
    ("body_kind.cppcc", "政协", "CPPCC"),
    ("body_kind.hotline", "12345热线", "12345 hotline"),
    ("body_kind.department", "职能部门", "Department"),
    ("meeting_state.planned", "筹备中", "Planned"),
    ("meeting_state.held", "已召开", "Held"),
    ("decision_kind.new_item", "形成新的督办事项", "New item"),
    ("decision_kind.deadline", "调整完成时限", "Deadline changed"),
    ("decision_kind.lead", "调整牵头单位", "Lead unit changed"),
    ("decision_kind.summons", "约谈", "Summons"),
    ("decision_kind.close", "销号", "Closed"),
    ("decision_kind.note", "其他议定事项", "Other decision"),
    ("method.onsite", "实地督查", "On site"),
    ("method.written", "书面督查", "Written"),
    ("method.unannounced", "暗访", "Unannounced"),
    ("inspection_state.pending", "待审批", "Awaiting approval"),
    ("inspection_state.approved", "已批准", "Approved"),
    ("inspection_state.rejected", "不予批准", "Rejected"),
    ("inspection_state.merged", "已并入联合督查", "Merged"),
    ("inspection_state.cancelled", "已撤销", "Cancelled"),
    ("inspection_state.done", "已完成", "Done"),
    (
        "overlap_kind.same_target",
        "同一对象、时间重叠",
        "Same unit, overlapping window",
    ),
    (
        "overlap_kind.similar_topic",
        "同季度主题相近",
        "Similar topic, same quarter",
    ),
    (
        "overlap_state.proposed",
        "待牵头单位答复",
        "Awaiting the lead body",
    ),
    ("overlap_state.merged", "已合并", "Merged"),
    ("overlap_state.declined", "不合并", "Declined"),
    (
        "inspection_flag.unplanned",
        "年度计划外（一事一报）",
        "Outside the annual plan",
    ),
    (
        "inspection_flag.over_budget",
        "超出基层减负额度",
        "Over a unit's budget",
    ),
    ("burden.visits", "检查次数", "Visits"),
    ("burden.days", "驻点天数", "Days on site"),
    ("burden.forms", "填报表格", "Forms"),
    // Validation.
    (
        "validation.already_lead",
        "该单位已是牵头单位",
        "That unit already leads",
    ),
    (
        "validation.days_range",
        "驻点天数应为0–30天",
        "Days on site must be 0–30",
    ),
    (
        "validation.findings_count",
        "请填写1–20条发现问题",
        "Give 1–20 findings",
    ),
    (
        "validation.forms_range",
        "表格数应为0–50张",
        "Forms must be 0–50",
    ),
    (
        "validation.inspection_closed",
        "相关检查计划已办结、撤销或合并",
        "One of the plans is no longer open",
    ),
    (
        "validation.inspection_not_started",
        "检查尚未开始或不在可登记状态",
        "The inspection has not started or cannot take findings",
    ),
    (
        "validation.line_has_no_item",
        "该议题没有对应的督办事项",
        "This agenda line has no item",
    ),
    (
        "validation.meeting_not_held",
        "会议尚未召开",
        "The meeting has not been held",
    ),
    (
        "validation.meeting_not_yet",
        "未到会议召开日期",
        "The meeting's day has not come",
    ),
    (
        "validation.no_seats",
        "请先组建领导小组（组长、办公室和成员单位）",
        "Seat the leading group first",
    ),
    (
        "validation.not_a_leader",
        "请选择一位领导",
        "Choose a leader",
    ),
    (
        "validation.not_a_target",
        "该单位不是本次检查对象",
        "Not a unit this inspection visits",
    ),
    (
        "validation.nothing_to_do",
        "没有需要调整的内容",
        "Nothing to change",
    ),
    (
        "validation.on_agenda",
        "该事项已在议题中",
        "That item is already on the agenda",
    ),
    (
        "validation.people_range",
        "人数应为1–200人",
        "People must be 1–200",
    ),
    (
        "validation.quarter",
        "季度格式应为2026-Q4",
        "Quarter must look like 2026-Q4",
    ),
    (
        "validation.seat_taken",
        "该单位或人员已在领导小组中",
        "That unit or person already holds a seat",
    ),
    ("validation.unknown_item", "没有该督办事项", "No such item"),
    (
        "validation.unknown_seat",
        "没有该领导小组成员",
        "No such seat",
    ),
    (
        "validation.window_order",
        "结束日期不能早于开始日期",
        "The window ends before it starts",
    ),
    (
        "validation.window_too_long",
        "检查时间窗口不超过一个季度",
        "A window may span at most a quarter",
    ),
    // The minutes.
    (
        "minutes.title",
        "{scope}督查工作联席会议纪要",
        "{scope} joint supervision meeting: minutes",
    ),
    (
        "minutes.subtitle",
        "{year}年第{number}次",
        "No. {number} of {year}",
    ),
    (
        "minutes.opening",
        "{date}，{chair}主持召开{title}，地点：{place}。会议研究了督办事项推进中的梗阻问题，议定事项如下。",
        "On {date}, {chair} chaired {title} at {place}. The meeting examined where supervised items are blocked and decided as follows.",
    ),
    ("minutes.attendees", "出席：", "Present: "),
    (
        "minutes.agenda_heading",
        "一、议题及议定事项",
        "1. Agenda and decisions",
    ),
    ("minutes.why", "列入议题原因：", "On the agenda because: "),
    (
        "minutes.no_decision",
        "会议听取情况汇报，未作调整。",
        "Heard; no change decided.",
    ),
    ("minutes.decided", "会议议定：", "Decided: "),
    (
        "minutes.follow.new_item",
        "（已形成督办事项{number}，牵头单位：{unit}，完成时限：{deadline}）",
        " (item {number}, lead: {unit}, due {deadline})",
    ),
    (
        "minutes.follow.deadline",
        "（完成时限调整为{deadline}）",
        " (deadline now {deadline})",
    ),
    (
        "minutes.follow.lead",
        "（牵头单位调整为{unit}）",
        " (lead unit now {unit})",
    ),
    (
        "minutes.follow.summons",
        "（约谈对象：{unit}）",
        " (summoned: {unit})",
    ),
    (
        "minutes.memo_heading",
        "二、会议议定事项责任清单",
        "2. Commitments",
    ),
    ("minutes.col.no", "序号", "No."),
    ("minutes.col.matter", "事项", "Matter"),
    ("minutes.col.unit", "责任单位", "Responsible unit"),
    ("minutes.col.deadline", "完成时限", "Due"),
    ("minutes.col.number", "督办编号", "Item number"),
    (
        "minutes.signature",
        "{scope}督查工作领导小组办公室",
        "Office of the {scope} supervision leading group",
    ),
];
