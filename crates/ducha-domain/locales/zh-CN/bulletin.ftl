# 督查 (ducha) — 简体中文 messages, area bulletin. Key `a.b_c` is Fluent id `a-b_c`.

# Events.
event-bulletin-drafted = 起草督查通报
event-bulletin-edited = 修改督查通报
event-bulletin-submitted = 督查通报送审
event-bulletin-returned = 督查通报退回修改
event-bulletin-approved = 督查通报签发
event-bulletin-published = 督查通报印发

# Labels.
bulletin_kind-monthly = 月度通报
bulletin_kind-quarterly = 季度通报
bulletin_state-draft = 草稿
bulletin_state-submitted = 待签发
bulletin_state-approved = 已签发
bulletin_state-published = 已印发
finding_group_none = 无

# Validation and refusals.
validation-bulletin_period = 通报期间须为已结束或当前的月份（如2026-10）或季度（如2026-Q4）
validation-bulletin_state = 通报当前状态不允许此操作
validation-bulletin_corrects = 只能更正已印发的通报
validation-bulletin_published = 已印发的通报不能修改，如需更正请另发更正通报
validation-bulletin_mention_both = 同一单位不能同时被通报表扬和通报批评
bulletin-pdf_unavailable = 服务器未安装LibreOffice（或配置的soffice路径有误），暂不能生成PDF，请下载Word版本

# The document.
bulletin-doc-title = { $scope }督查通报
bulletin-doc-subtitle = （{ $period }{ $kind }）
bulletin-doc-title_correction = 关于更正{ $number }的通报
bulletin-doc-corrects = 本通报更正{ $number }，原通报同时废止。
bulletin-doc-issuer = { $scope }督查室
bulletin-doc-draft_mark = （草稿，未印发）
bulletin-doc-no_number = （印发时编号）
bulletin-doc-red_head = 督查通报

# Headings.
bulletin-h-overall = 总体情况
bulletin-h-lists = 红黑榜
bulletin-h-ranking = 单位排名
bulletin-h-findings = 梗阻和变味问题
bulletin-h-proposals = 人大代表建议和政协委员提案办理
bulletin-h-good = 典型做法
bulletin-h-criticism = 存在问题
bulletin-h-praised = 通报表扬
bulletin-h-criticised = 通报批评

# Changes.
bulletin-change-pp_up = 比上期提高{ $d }个百分点
bulletin-change-pp_down = 比上期下降{ $d }个百分点
bulletin-change-same = 与上期持平
bulletin-change-more = 比上期增加{ $d }项
bulletin-change-fewer = 比上期减少{ $d }项

# Text.
bulletin-text-totals = { $period }，{ $scope }新交办督办事项{ $new }项，办结{ $closed }项，期末在办{ $in_hand }项。
bulletin-text-on_time = 本期到期{ $due }项，按期办结{ $on_time }项，按时办结率{ $rate }
bulletin-text-completion = 办结率{ $rate }
bulletin-text-nothing_due = 本期无到期事项。
bulletin-text-overdue = 期末逾期未办结{ $n }项
bulletin-text-red = 红榜：{ $units }。
bulletin-text-red_unit = { $unit }（到期{ $due }项全部按期办结{ $again }）
bulletin-text-red_none = 本期无单位进入红榜。
bulletin-text-black = 黑榜：{ $units }。
bulletin-text-black_unit = { $unit }（逾期未办结{ $overdue }项，逾期办结{ $late }项{ $again }）
bulletin-text-black_none = 本期无单位进入黑榜。
bulletin-text-again = ，连续两期上榜
bulletin-text-black_left = 退出黑榜：{ $units }。
bulletin-text-ranking_score = 按平时成绩排名如下表。
bulletin-text-ranking_rate = 按按时办结率排名如下表（本期无到期事项的单位列后）。
bulletin-text-rose = { $unit }上升{ $n }位
bulletin-text-fell = { $unit }下降{ $n }位
bulletin-text-moves = 与上期相比：{ $moves }。
bulletin-text-no_moves = 各单位排名与上期相同。
bulletin-text-findings = 发现{ $group }问题线索{ $n }条，涉及{ $units }
bulletin-text-findings_none = 本期未发现梗阻、变味问题线索。
bulletin-text-proposals = { $name }共{ $total }件，已答复{ $replied }件，按时答复率{ $rate }，满意{ $satisfied }件、基本满意{ $basic }件、不满意{ $dissatisfied }件
bulletin-text-proposals_new = 本期新增答复{ $n }件

# Table.
bulletin-col-rank = 名次
bulletin-col-unit = 单位
bulletin-col-due = 到期
bulletin-col-on_time = 按期办结
bulletin-col-overdue = 逾期未办结
bulletin-col-score = 平时成绩
bulletin-col-rate = 按时办结率
bulletin-col-change = 较上期
bulletin-col-new = 新列入

# Notifications.
bulletin-notify-title = 【督查通报】{ $number }
bulletin-notify-body = { $scope }督查室印发{ $number }（{ $period }），贵单位在通报中被点名，请及时阅看并落实。

# Pages.
ui-bulletins = 督查通报
ui-bulletin_new = 起草通报
ui-bulletin_kind = 通报类型
ui-bulletin_period = 通报期间
ui-bulletin_number = 文号
ui-bulletin_state = 状态
ui-bulletin_good = 典型做法（督查室撰写）
ui-bulletin_criticism = 存在问题（督查室撰写）
ui-bulletin_praised = 通报表扬单位
ui-bulletin_criticised = 通报批评单位
ui-bulletin_mentions_hint = 印发后，每个被表扬、被批评的单位在印发当期的平时成绩中各计一次。
ui-bulletin_title = 标题
ui-bulletin_corrects = 更正
ui-bulletin_refresh = 按最新数据重新生成
ui-bulletin_save = 保存草稿
ui-bulletin_submit = 送领导签发
ui-bulletin_approve = 签发
ui-bulletin_return = 退回修改
ui-bulletin_publish = 印发
ui-bulletin_correct = 起草更正通报
ui-bulletin_docx = 下载Word
ui-bulletin_pdf = 下载PDF
ui-bulletin_remark = 退回意见
ui-bulletin_preview = 通报预览
ui-bulletin_none = 尚无督查通报。
ui-bulletin_generated = 数据生成于
ui-bulletin_published_at = 印发时间
toast-bulletin_drafted = 通报草稿已生成
toast-bulletin_saved = 通报草稿已保存
toast-bulletin_submitted = 已送领导签发
toast-bulletin_returned = 已退回修改
toast-bulletin_approved = 已签发
toast-bulletin_published = 通报已印发
bulletin-pdf_failed = PDF生成失败，请稍后重试或下载Word版本
extension_form-title = 延期审批表
extension_form-old = 原办理时限
extension_form-new = 申请延期至
extension_form-asked = 申请人及时间
extension_form-reviewer = 审批单位
extension_form-decision = 审批意见
extension_form-pending = （待审批）
extension_form-sign = 审批人（签字）：　　　　　　　　　　年　　月　　日
ui-extension_form = 延期审批表
bulletin-chart-figure = 图
bulletin-chart-rates = 各单位按时办结率和办结率
bulletin-chart-on_time = 按时办结率
bulletin-chart-completed = 办结率
bulletin-chart-trend = 按时办结率走势
bulletin-chart-no_font = （服务器未配置中文图表字体，本期图表从略，以上述数据为准。）
