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
hot-item_not_public = 该事项未公开，群众无法凭查询码查看进展，不能并入；请并入公开事项或转为新的督办事项
hot-issue_title = 热点诉求 #{ $id }
hot-heading = { $category } · { $place } · { $n }件
hot-place_count = { $name }：{ $n }件
hot-satisfaction_line = 群众评价：满意 { $satisfied } · 基本满意 { $basic } · 不满意 { $dissatisfied }
hot-list_sep = 、
hot-proposed_title = 关于{ $place }{ $topic }问题的督办
hot-proposed_description = { $place }自{ $since }起共收到同类群众诉求{ $n }件（涉及{ $places }），主要反映{ $topic }问题，请相关单位核实办理。
hot-concept-noise = 噪音扰民
hot-concept-light = 路灯不亮
hot-concept-drain = 下水道堵塞
hot-concept-heating = 供暖不达标
hot-concept-lift = 电梯故障
hot-concept-wages = 拖欠农民工工资
hot-concept-parking = 车辆乱停乱放
hot-concept-garbage = 垃圾清运不及时
hot-concept-water = 停水及供水不足
hot-concept-quality = 自来水水质
hot-concept-road = 道路破损
hot-concept-cover = 井盖缺损
hot-concept-build = 夜间施工扰民
hot-concept-fumes = 餐饮油烟扰民
hot-concept-dance = 广场舞噪音
hot-concept-dogs = 犬只管理
hot-concept-bus = 公交线路和班次
hot-concept-leak = 房屋漏水
hot-concept-fees = 物业和停车收费
hot-concept-trees = 树木修剪
hot-concept-river = 河道污染
hot-concept-farm = 农田灌溉
hot-concept-stalls = 占道经营
hot-concept-signal = 交通信号灯
hot-concept-fitness = 健身器材损坏
hot-concept-ebike = 电动车充电安全
hot-concept-school = 学校周边秩序
hot-concept-none = 群众反映集中
