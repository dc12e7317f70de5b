# 督查 (ducha) — 简体中文 messages, area hot. Key `a.b_c` is Fluent id `a-b_c`.

# Events.
event-hot-turned = 热点诉求转为督办事项
event-hot-merged = 热点诉求并入督办事项
event-appeal-rated = 群众评价办理结果

# States and answers.
hot_state-open = 待处理
hot_state-item = 已转督办
hot_state-merged = 已并入事项
hot_state-absorbed = 已合并
hot_state-returned = 反弹回潮

# Refusals.
hot-already_linked = 该热点诉求已转办或并入事项
hot-unknown_item = 找不到该督办事项
hot-item_closed = 该事项已办结，不能再并入
hot-not_closed = 事项办结后才能评价
hot-already_rated = 您已评价过，谢谢

# The office's pages.
hot-title = 热点诉求
hot-of_appeal = 查看所属热点诉求
hot-lead = 相似的群众诉求自动归并为热点，按件数排列；可转为督办事项或并入已有事项。
hot-none = 暂无热点诉求
hot-count = 件数
hot-issue = 诉求内容
hot-places = 涉及地区
hot-trend = 每周件数
hot-week = 周（周一）
hot-last = 最近
hot-pieces = 件
hot-appeals = 归并的诉求
hot-to_item = 转为督办事项
hot-to_item_hint = 登记为“三最”类公开事项（草稿），之后按常规送审、交办；相关诉求人可凭查询码查看进展。
hot-make_item = 转为督办事项
hot-merge = 并入已有事项
hot-merge_item = 事项编号（ID）
hot-merge_button = 并入
hot-linked_hint = 该热点已关联督办事项，后续同类诉求自动关联。
hot-satisfaction = 群众评价
hot-returned_hint = 事项办结后同类诉求再次出现，建议重新办理或另立新事项。
toast-hot_turned = 已转为督办事项，请完善后送审
toast-hot_merged = 已并入督办事项

# The public pages.
hot-pub_none = 本月暂无热点诉求
hot-pub_month = 本月
hot-pub_done = 办理情况
hot-pub_pending = 正在研究处理
hot-rate_q = 事项已办结，您对办理结果是否满意？
hot-comment = 意见建议（可不填）
hot-rate = 提交评价
hot-thanks = 感谢您的评价
hot-your_rating = 您的评价
