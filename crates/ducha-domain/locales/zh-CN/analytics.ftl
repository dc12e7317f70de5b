# 督查 (ducha) — 简体中文 messages, area analytics. Key `a.b_c` is Fluent id `a-b_c`.

# Hops.
hop-sign = 签收
hop-decompose = 分解交办
hop-first_report = 首次报送
hop-review = 进展审核
hop-decision = 办结验收
hop-help = 协调答复
hop-extension = 延期审批
hop-refusal = 退回裁定
hop-lost = 误时（逾期责任）
hop-work = 办理

# Lost-day reasons.
lost_reason-help = 协调申请未答复
lost_reason-review = 办结申请待验收
lost_reason-upstream = 上级压件后才交办
lost_reason-own = 本单位

# Finding groups and kinds.
finding_group-stall = 肠梗阻
finding_group-dilution = 中途变味
finding_group-overload = 层层加码
finding_group-forwarding = 转发了事
finding_kind-stall = 久拖不动
finding_kind-late_handoff = 压件后交办
finding_kind-co_silent = 配合单位未报送
finding_kind-help_unanswered = 协调申请未答复
finding_kind-target_dropped = 目标未下达
finding_kind-target_shrunk = 目标打折扣
finding_kind-accepted_short = 未达标即验收
finding_kind-target_raised = 目标层层加码
finding_kind-deadline_squeezed = 期限层层压缩
finding_kind-forward_only = 以文件落实文件

# Finding messages.
finding-stall = 自{ $since }起{ $quiet }个工作日无任何动作，距截止仅剩{ $left }个工作日
finding-stall_overdue = 自{ $since }起{ $quiet }个工作日无任何动作，已超期{ $overdue }个工作日
finding-late_handoff = 持有{ $held }个工作日（本级期限共{ $window }个工作日）才向下交办，下级仅剩{ $left }个工作日
finding-co_silent = 作为配合单位，交办{ $days }个工作日来未向牵头单位报送任何进展
finding-help_unanswered = { $from_unit }于{ $since }提出的协调申请，{ $days }个工作日未答复
finding-target_dropped = 目标“{ $target }”未分解给任何下级单位
finding-target_shrunk = 目标“{ $target }”下达合计{ $given }{ $unit }，低于本级目标{ $parent }{ $unit }
finding-target_raised = 目标“{ $target }”下达{ $given }{ $unit }，高于本级目标{ $parent }{ $unit }
finding-deadline_squeezed = 给{ $child_unit }的期限为{ $child_deadline }，比本级期限{ $parent_deadline }压缩{ $squeezed }个工作日
finding-forward_only = 签收后{ $minutes }分钟即原文转发给{ $children }个下级单位，未提出本级措施和目标
finding-accepted_short = 未达目标即验收通过（{ $gaps }），验收单位：{ $reviewer_unit }；理由：{ $reason }
finding-gap_percent = 进度{ $reached }%
finding-gap_target = { $name }完成{ $reached }/{ $target }{ $unit }
finding-gap_unreported = { $name }未报送

# Rules.
rule-shortfall_reason = 目标未全部完成或进度未达100%，验收通过须在意见中说明理由

# Pages.
ui-analytics = 链条分析
ui-stall_map = 梗阻热力图
ui-findings = 问题线索
ui-chain_title = 责任链用时
ui-chain_hint = 各环节用时按法定工作日计算；进行中的环节显示已用天数。
ui-dwell = 环节用时（工作日）
ui-so_far = 至今
ui-working_days_short = 个工作日
ui-wd = 工作日
ui-held_as_assignee = 承办
ui-held_as_reviewer = 上级审核
ui-dispatched_on = 交办时间
ui-signing_now = 待签收
ui-back_to_map = 返回热力图
ui-order = 排序
ui-order_mixed = 各类别轮流（默认）
ui-order_score = 按严重度
ui-live = 今日判定
ui-kept = 事件触发
ui-findings_hint = 问题线索由规则从事件日志中自动发现，每条注明规则、阈值和依据的事件；默认各类别轮流排列，避免某一类问题淹没其他问题。页面显示前100条，导出 Excel 可得全部。
ui-lost_days = 误时
ui-lost_split = 误时责任
ui-held_by = 持有单位
ui-timeline_held = 谁在何时持有
ui-findings_here = 本事项问题线索
ui-no_findings = 未发现梗阻或变味问题。
ui-finding_rule = 规则
ui-finding_group = 问题类型
ui-finding_unit = 责任单位
ui-finding_item = 事项
ui-finding_fact = 事实
ui-finding_score = 严重度
ui-finding_evidence = 依据
ui-finding_event = 事件 #{ $seq }
ui-finding_group_all = 全部类别
ui-level = 层级
ui-level_all = 全部层级
ui-level_n = 第{ $n }级
ui-period = 交办月份
ui-period_from = 起
ui-period_to = 止
ui-avg_days = 平均
ui-max_days = 最长
ui-count = 次数
ui-unsigned_now = 当前待签收
ui-unsigned_oldest = 最久
ui-stall_map_hint = 按单位统计各环节平均用时（工作日），颜色越深用时越长；点击单位查看明细。
ui-stall_units = 单位
ui-total_lost = 误时合计
ui-drill_assignments = 该单位的交办
ui-export_xlsx = 导出 Excel
ui-filter = 筛选
ui-gap_title = 验收前请核对差距
ui-gap_hint = 以下目标未达成；如仍验收通过，须在意见中说明理由，并记入问题线索。
ui-target_share = 下达目标
