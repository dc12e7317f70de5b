# 督查 (ducha) — 简体中文 messages, area ledger. Key `a.b_c` is Fluent id `a-b_c`.

# Columns (the template's header and the report's column names).
ledger-col-ref = 台账编号
ledger-col-title = 事项名称
ledger-col-description = 事项内容
ledger-col-source = 来源
ledger-col-category = 类别
ledger-col-priority = 紧急程度
ledger-col-assigned_on = 交办日期
ledger-col-deadline = 办结时限
ledger-col-leads = 牵头单位
ledger-col-co_units = 配合单位
ledger-col-target_name = 目标名称
ledger-col-target_value = 目标值
ledger-col-target_unit = 计量单位
ledger-col-cadence = 报送频次
ledger-col-public = 是否公开
ledger-col-note = 备注

# Whole-file refusals.
ledger-empty = 台账中没有事项：请在表头下逐行填写
ledger-header = 未找到表头：台账须有“事项名称”“办结时限”“牵头单位”等列，请使用下载的模板
ledger-too_many = 台账事项过多：一次最多导入{ $max }项，请分批导入
ledger-not_excel = 文件不是Excel工作簿（.xlsx或.xls）
ledger-unreadable = 无法读取该工作簿：文件可能已损坏或不完整
ledger-too_large = 工作簿解压后过大，请删去多余的工作表或格式后再导入
ledger-merged = 第{ $row }行 { $range }为合并单元格：台账中横向合并的单元格无法逐列读取，请取消合并后再导入
ledger-mode = 请选择导入后事项的状态

# One cell.
ledger-cell = 第{ $row }行 { $col }列 { $header }
ledger-formula_error = 公式出错（{ $value }），请改为数值或文字
ledger-duplicate_ref = 台账编号“{ $value }”与第{ $first }行重复
ledger-unknown_choice = “{ $value }”不是可选项，请从模板的下拉列表中选择
ledger-not_a_date = “{ $value }”不是日期（应写作2026-12-31）
ledger-assigned_in_future = “{ $value }”晚于今天，交办日期不能在将来
ledger-not_a_deadline = “{ $value }”既不是日期也不是“N个工作日”
ledger-bad_cadence = “{ $value }”不是报送频次（可写：无、每周五、每月5日、每10个工作日）
ledger-yes_no = “{ $value }”应填“是”或“否”
ledger-unit_unknown = “{ $value }”不是本辖区内的单位（请按组织机构中的全称填写）
ledger-unit_ambiguous = 辖区内有多个名为“{ $value }”的单位，请联系管理员区分名称
ledger-unit_twice = 单位“{ $value }”重复填写（同一单位不能既牵头又配合）
ledger-not_a_number = “{ $value }”不是数值

# The template's explanation sheet.
ledger-sheet = 台账
ledger-help_sheet = 填写说明
ledger-lists_sheet = 可选项
ledger-help-intro = 每行填写一项督办事项；同一事项有多个目标时，在其下一行只填“目标名称、目标值、计量单位”（事项名称留空）。带*的列为必填。
ledger-help-ref = 本单位台账中的编号。再次导入同一编号的事项不会重复登记；不填时以文件和行号识别。
ledger-help-deadline = 填写日期（如2026-12-31），或“N个工作日”（自交办之日起按工作日计算）。
ledger-help-units = 填写组织机构中的单位全称，多个单位以“、”分隔；须为本辖区内的单位。
ledger-help-cadence = 无、每周一至每周五、每月N日（1—28）、每N个工作日。
ledger-help-choices = 来源、类别、紧急程度、是否公开从下拉列表中选择。
ledger-help-column = 列
ledger-help-meaning = 填写要求

# The import page.
ledger-import = 导入台账
ledger-import_hint = 下载模板，按说明填写后上传（.xlsx或.xls）。系统逐行逐列检查：任何一处有误，整份台账都不导入，并列出每处错误；全部无误才登记。
ledger-template = 下载台账模板
ledger-export = 导出完整台账
ledger-file = 台账文件
ledger-mode_label = 导入后
ledger-mode-draft = 登记为草稿（再逐项报批、交办）
ledger-mode-dispatch = 按台账直接交办（台账所列事项已经领导审定；无审批权限的，导入后报送领导审批）
ledger-report = 检查结果
ledger-rejected = 台账有{ $n }处错误，未导入任何事项。请逐一修改后重新上传。
ledger-done = 已导入{ $items }项事项、{ $assignments }个交办单位；{ $already }项此前已导入，未重复登记。
ledger-download_report = 下载检查结果
ledger-where = 位置
ledger-problem = 问题
ledger-progress = 正在导入…
ledger-approved_comment = 依台账导入：台账第{ $row }行所列事项已经领导审定
ledger-report_file = 台账检查结果
ledger-file_name = 督办台账
ledger-latest_report = 最新进展
ledger-latest_report_at = 最新报送时间
ledger-assignment_state = 办理状态
ledger-number = 督办文号
ledger-for_approval = 导入人员无事项审批权限，所列事项已报送领导审批，经审批后方可交办。
ledger-failed = 导入未完成，未登记任何事项：{ $reason }
ledger-plan_title = 台账拟定单位
ledger-plan_help = 该事项由台账导入，台账列明下列牵头、配合单位；审批通过后，交办时默认选定上述单位。
