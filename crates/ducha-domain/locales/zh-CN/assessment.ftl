# 督查 (ducha) — 简体中文 messages, area assessment. Key `a.b_c` is Fluent id `a-b_c`.
event-assessment-rules_loaded = 载入考核细则
event-assessment-appealed = 提出申辩
event-assessment-appeal_accepted = 申辩成立
event-assessment-appeal_rejected = 申辩不成立
event-assessment-finalized = 成绩定稿

# Facts.
fact-missed_report = 未按时报送进展
fact-progress_returned = 报送内容空泛被退回
fact-completion_returned = 办结申请被退回重办
fact-late_completion = 逾期办结
fact-late_day = 逾期天数
fact-unfinished = 期末逾期未办结
fact-early_completion = 提前办结
fact-orange_notice = 橙色预警督办单
fact-red_notice = 红色督办单
fact-summons = 被约谈
fact-help_late = 协调申请答复超时
fact-late_handoff = 压件后交办
fact-dilution = 目标打折扣
fact-overload = 层层加码
fact-forwarding = 以文件落实文件
fact-bulletin_praise = 通报表扬
fact-bulletin_criticism = 通报批评
fact-proposal_late = 建议提案答复超期
fact-proposal_dissatisfied = 建议提案答复不满意

# Appeals.
appeal_state-pending = 待裁定
appeal_state-accepted = 申辩成立
appeal_state-rejected = 申辩不成立

# Rules of the use cases.
rule-period_final = 该期成绩已定稿，不能再修改
rule-period_not_over = 该期尚未结束，不能定稿
rule-appeal_window = 已超过申辩期限
rule-appeal_window_open = 申辩期尚未结束，不能定稿
rule-appeals_pending = 尚有未裁定的申辩，请先裁定
rule-rules_version_taken = 该版本号的考核细则已载入
validation-period = 期间格式应为 2026-10、2026-Q4 或 2026
validation-rule_set_syntax = 考核细则格式有误（第 { $line } 行）：{ $detail }
validation-rule_set_version = 考核细则的版本号（{ $field }）须为 1–40 个字母、数字或“.”“-”“_”
validation-rule_set_range = 考核细则的 { $field } 须在 { $range } 之间
validation-rule_set_too_many = 考核细则至多 { $rules } 条规则、{ $thresholds } 个阈值
validation-rule_set_rule_id = 规则编号“{ $rule }”为空或重复
validation-rule_set_rule_value = 规则“{ $rule }”的 { $field } 须为数字（上限不小于 0）
validation-rule_set_threshold = 阈值“{ $threshold }”的编号不能为空，{ $field } 至少为 1
validation-unknown_line = 成绩单中没有这一项

# Pages.
ui-assessment = 平时成绩
ui-ranking = 成绩排名
ui-score_card = 成绩单
ui-score_period = 考核期间
ui-base_score = 基础分
ui-total_score = 得分
ui-rank = 名次
ui-rank_change = 名次变化
ui-points = 分值
ui-rule_version = 细则版本
ui-final = 已定稿
ui-open_period = 未定稿
ui-finalize = 定稿
ui-appeal = 申辩
ui-appeals = 申辩处理
ui-appeal_reason = 申辩理由
ui-contested_line = 申辩事项
ui-appeal_files_hint = 可附佐证材料，最多 10 个文件；图片、PDF、Word、Excel，单个文件不超过 20 MB。
ui-voided = 已撤销
ui-capped = 封顶
ui-cadres = 干部履职记录
ui-cadre_hint = 按责任人列出本期承办事项的办理情况，供组织部门参考；这是事实记录，不打分、不排名。
ui-ranking_hint = 排名用于督查通报，不向乡镇推送。每一分都可追溯到具体事件。
ui-on_time = 按期办结
ui-late = 逾期办结
ui-open_overdue = 逾期未办结
ui-in_hand = 在办
ui-flags = 提示
ui-period_pick = 考核期间
ui-level_pick = 层级
ui-show = 查看
ui-no_lines = 本期没有加减分事项。
ui-appeal_hint = 对扣分有异议的，可在期末后5个工作日内申辩，由督查室裁定。
ui-accept_appeal = 申辩成立
ui-reject_appeal = 申辩不成立
ui-no_appeals = 暂无申辩。
ui-finalize_hint = 定稿后本期成绩不再变化，之后发生的事项计入下一期。
ui-items_count = 承办事项
ui-my_card = 本单位成绩单
toast-appealed = 申辩已提交，等待督查室裁定
toast-appeal_decided = 申辩已裁定
toast-finalized = 本期成绩已定稿
flag-no_awards = 取消评优资格
