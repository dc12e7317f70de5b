//! The words of the demo's history: instructions, reports, reviews, requests and answers.

/// How a source introduces an item's description.
pub fn source_phrase(source: &str) -> &'static str {
    match source {
        "meeting" => "根据市委常委会会议、市政府常务会议议定事项",
        "instruction" => "根据市领导批示精神",
        "key_work" => "根据《政府工作报告》重点工作任务分工",
        "major_project" => "根据全市重大项目建设推进计划",
        "npc_suggestion" => "根据市人大常委会交办的代表建议",
        "cppcc_proposal" => "根据市政协交办的委员提案",
        "citizen_appeal" => "根据12345热线和群众来信来访反映的集中诉求",
        "superior_assignment" => "根据省委、省政府交办事项",
        _ => "根据督查检查发现问题清单",
    }
}

/// Opening clauses of progress reports.
pub const OPENINGS: &[&str] = &[
    "已召开专题推进会议，",
    "主要负责同志带队实地调研督导，",
    "已制定细化实施方案，",
    "成立工作专班，实行周调度，",
    "组织相关科室逐项对账销号，",
    "会同相关部门开展联合检查，",
];

/// Middle clauses of progress reports.
pub const MIDDLES: &[&str] = &[
    "明确责任分工和时间节点，",
    "逐项建立问题清单、任务清单、责任清单，",
    "对照目标任务序时推进，",
    "加强与相关部门沟通对接，",
    "落实挂图作战、销号管理，",
];

/// Problems that need coordination.
pub const PROBLEMS: &[&str] = &[
    "项目资金尚未完全到位，需上级统筹解决。",
    "涉及征地拆迁，个别群众诉求较高，推进难度较大。",
    "部分审批手续仍在办理中。",
    "受连续降雨影响，施工进度有所滞后。",
    "涉及跨部门协调事项较多，需上级统筹调度。",
];

/// Comments accepting a progress report.
pub const PROGRESS_OK: &[&str] = &[
    "已阅，请继续抓好落实。",
    "进展情况属实，请按序时进度推进。",
    "同意，请注意留存佐证材料。",
];

/// Comments returning a progress report for quality.
pub const PROGRESS_BACK: &[&str] = &[
    "进展情况表述笼统，缺少具体数据，请补充后重新报送。",
    "未对照目标任务逐项反馈，请按要求重新报送。",
];

/// Comments accepting a completion request.
pub const DONE_OK: &[&str] = &[
    "经核查属实，同意办结。",
    "目标任务已完成，佐证材料齐全，同意办结。",
    "经实地核查，整改到位，同意销号。",
];

/// Comments returning a completion request (退回重办).
pub const DONE_BACK: &[&str] = &[
    "佐证材料不充分，部分点位整改不彻底，请补充现场照片和验收资料后重新报送。",
    "经实地核查，仍有部分问题未整改到位，退回重办。",
    "完成情况与目标任务不符，请核实数据后重新申请办结。",
];

/// Comments closing an item.
pub const CLOSE: &[&str] = &[
    "各承办单位均已办结，经核查目标任务全部完成，同意销号。",
    "经督查室实地核查，事项已办结，予以销号。",
];

/// Reasons for refusing a wrongly routed assignment.
pub const REFUSE: &[&str] = &[
    "该事项不属于本单位职能范围，申请退回，建议调整承办单位。",
    "本单位辖区内不涉及该项工作任务，申请退回。",
    "该项工作已明确由其他单位牵头负责，申请退回。",
];

/// Upholding a refusal.
pub const REFUSE_OK: &str = "经核实，退回理由成立，同意退回，另行明确承办单位。";
/// Rejecting a refusal.
pub const REFUSE_NO: &str = "该事项涉及本单位职责，退回理由不成立，请按要求签收办理。";

/// Reasons for an extension.
pub const EXTEND: &[&str] = &[
    "受汛期连续降雨影响，施工进度滞后，申请延期。",
    "项目前期审批手续办理时间较长，申请延期。",
    "涉及群众房屋征收，协商工作需要时间，申请延期。",
    "设备采购招标流标一次，重新招标需要时间，申请延期。",
];

/// Approving an extension.
pub const EXTEND_OK: &str = "同意延期，请严格按新时限完成，不得再次延期。";
/// Denying an extension.
pub const EXTEND_NO: &[&str] = &[
    "延期理由不充分，请按原定时限完成。",
    "该事项为市委、市政府明确的硬任务，不予延期，请加大力度推进。",
];

/// Help requests.
pub const HELP: &[&str] = &[
    "项目建设资金缺口较大，恳请统筹协调解决。",
    "涉及用地审批，请协调自然资源和规划部门加快办理。",
    "施工涉及管线迁改，请协调供电、燃气等单位配合。",
    "涉及跨区域协调，请上级明确责任分工。",
];

/// Answers to help requests.
pub const HELP_ANSWER: &[&str] = &[
    "已协调财政部门，专项资金将于本月下达。",
    "已召开协调会，明确相关部门于10个工作日内办结手续。",
    "已函告相关单位，请直接对接落实。",
    "已报分管领导同意，由牵头单位统筹调度解决。",
];

/// A leader's reason for sending a draft back.
pub const REJECT: &str = "目标任务不够量化，请进一步细化可考核指标、明确完成时限后再报。";

/// A leader's approval.
pub const APPROVE: &[&str] = &[
    "同意。请督查室抓紧交办，压实责任。",
    "同意，请按程序交办，定期调度。",
    "同意立项督办。",
];

/// A title in quotation marks, its own quotation marks turned into inner ones.
pub fn quoted(title: &str) -> String {
    format!("“{}”", title.replace('“', "‘").replace('”', "’"))
}

/// Instructions to a lead unit.
pub fn lead_instructions(title: &str) -> String {
    format!(
        "请牵头负责{}，制定工作方案，明确时间表、路线图，按要求报送进展。",
        quoted(title)
    )
}

/// Instructions to a co-unit.
pub fn co_instructions(title: &str) -> String {
    format!(
        "请积极配合做好{}相关工作，及时向牵头单位反馈情况。",
        quoted(title)
    )
}

/// Instructions to a unit below (分解下达).
pub fn child_instructions(title: &str, unit: &str) -> String {
    format!(
        "请{unit}结合实际，抓好{}辖区内任务落实，按时报送进展。",
        quoted(title)
    )
}
