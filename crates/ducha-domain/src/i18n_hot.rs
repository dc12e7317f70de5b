//! Message catalogue of hot issues (热点诉求): events, states, refusals and the office's and
//! the public pages' words.

pub(crate) const HOT: &[(&str, &str, &str)] = &[
    // Events.
    (
        "event.hot.turned",
        "热点诉求转为督办事项",
        "Hot issue made an item",
    ),
    (
        "event.hot.merged",
        "热点诉求并入督办事项",
        "Hot issue merged into an item",
    ),
    (
        "event.appeal.rated",
        "群众评价办理结果",
        "Citizen rated the outcome",
    ),
    // States and answers.
    ("hot_state.open", "待处理", "Open"),
    ("hot_state.item", "已转督办", "Made an item"),
    ("hot_state.merged", "已并入事项", "Merged into an item"),
    ("hot_state.absorbed", "已合并", "Joined into another"),
    ("hot_state.returned", "反弹回潮", "Returned"),
    // Refusals.
    (
        "hot.already_linked",
        "该热点诉求已转办或并入事项",
        "This hot issue is already linked to an item",
    ),
    (
        "hot.unknown_item",
        "找不到该督办事项",
        "No such item in your jurisdiction",
    ),
    (
        "hot.item_closed",
        "该事项已办结，不能再并入",
        "The item is closed: nothing can be merged into it",
    ),
    (
        "hot.not_closed",
        "事项办结后才能评价",
        "You can rate once the item is closed",
    ),
    (
        "hot.already_rated",
        "您已评价过，谢谢",
        "You have rated this already, thank you",
    ),
    // The office's pages.
    ("hot.title", "热点诉求", "Hot issues"),
    ("hot.of_appeal", "查看所属热点诉求", "Its hot issue"),
    (
        "hot.lead",
        "相似的群众诉求自动归并为热点，按件数排列；可转为督办事项或并入已有事项。",
        "Similar appeals are grouped into hot issues, largest first; make an item of one or merge it into an existing item.",
    ),
    ("hot.none", "暂无热点诉求", "No hot issues yet"),
    ("hot.count", "件数", "Appeals"),
    ("hot.issue", "诉求内容", "What people say"),
    ("hot.places", "涉及地区", "Places"),
    ("hot.trend", "每周件数", "Appeals per week"),
    ("hot.week", "周（周一）", "Week (Monday)"),
    ("hot.last", "最近", "Latest"),
    ("hot.pieces", "件", " appeals"),
    ("hot.appeals", "归并的诉求", "Appeals in this hot issue"),
    ("hot.to_item", "转为督办事项", "Make an item of it"),
    (
        "hot.to_item_hint",
        "登记为“三最”类公开事项（草稿），之后按常规送审、交办；相关诉求人可凭查询码查看进展。",
        "Registered as a public 三最 item (a draft), then approved and dispatched as usual; submitters follow its progress by their code.",
    ),
    ("hot.make_item", "转为督办事项", "Make the item"),
    ("hot.merge", "并入已有事项", "Merge into an existing item"),
    ("hot.merge_item", "事项编号（ID）", "Item id"),
    ("hot.merge_button", "并入", "Merge"),
    (
        "hot.linked_hint",
        "该热点已关联督办事项，后续同类诉求自动关联。",
        "This hot issue is linked to an item; appeals joining it later are linked too.",
    ),
    ("hot.satisfaction", "群众评价", "Submitters' rating"),
    (
        "hot.returned_hint",
        "事项办结后同类诉求再次出现，建议重新办理或另立新事项。",
        "The complaint came back after its item closed: reopen it or make a new item.",
    ),
    (
        "toast.hot_turned",
        "已转为督办事项，请完善后送审",
        "Item made: complete it and submit it for approval",
    ),
    ("toast.hot_merged", "已并入督办事项", "Merged into the item"),
    // The public pages.
    (
        "hot.pub_none",
        "本月暂无热点诉求",
        "No hot issues this month",
    ),
    ("hot.pub_month", "本月", "This month"),
    ("hot.pub_done", "办理情况", "What is being done"),
    ("hot.pub_pending", "正在研究处理", "Under review"),
    (
        "hot.rate_q",
        "事项已办结，您对办理结果是否满意？",
        "The item is closed. Are you satisfied with the outcome?",
    ),
    ("hot.comment", "意见建议（可不填）", "Comment (optional)"),
    ("hot.rate", "提交评价", "Send"),
    ("hot.thanks", "感谢您的评价", "Thank you for your rating"),
    ("hot.your_rating", "您的评价", "Your rating"),
];
