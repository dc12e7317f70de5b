# 督查 (ducha) — 简体中文 messages, area security. Key `a.b_c` is Fluent id `a-b_c`.

# What a security row says; `{username}` is the account concerned.
security-msg-login_succeeded = { $username } 登录成功
security-msg-login_failed = { $username } 登录失败：密码错误（第 { $failures } 次）
security-msg-login_failed_unknown = 使用不存在的用户名登录失败
security-msg-login_failed_locked = { $username } 登录被拒绝：账号已锁定
security-msg-login_failed_disabled = { $username } 登录被拒绝：账号已停用
security-msg-account_locked = { $username } 连续 { $failures } 次登录失败，账号锁定至 { $until }
security-msg-account_unlocked = 解除 { $username } 的登录锁定
security-msg-logout = { $username } 退出登录
security-msg-logout_tokens = { $username } 退出登录，其 { $tokens } 个 API 令牌随之撤销
security-msg-session_ended = 结束 { $username } 的会话
security-msg-login_failed_code = { $username } 登录失败：双因素验证码错误（第 { $failures } 次）
security-msg-password_changed = { $username } 修改了自己的密码
security-msg-twofactor_enrolled = { $username } 启用了双因素认证
security-msg-twofactor_disabled = { $username } 停用了双因素认证
security-msg-twofactor_reset = 重置 { $username } 的双因素认证并结束其会话
security-msg-session_limit = { $username } 新登录，超出同时在线会话上限，结束其最早的 { $ended } 个会话
security-msg-sessions_revoked = 撤销 { $username } 的全部会话和 API 令牌
security-msg-user_created = 新增用户 { $username }（角色：{ $roles }）
security-msg-user_disabled = 停用用户 { $username }，其会话和 API 令牌已撤销
security-msg-user_enabled = 启用用户 { $username }
security-msg-roles_changed = { $username } 的角色由 { $from } 改为 { $to }
security-msg-password_reset = 重置 { $username } 的密码，其会话和 API 令牌已撤销
security-msg-token_created = { $username } 创建 API 令牌“{ $name }”（{ $scope }，范围：{ $areas }，{ $days } 天后到期）
security-msg-token_revoked = 撤销 { $username } 的 API 令牌“{ $name }”
security-msg-exported = { $username } 导出 { $what }
security-msg-config_loaded = 服务启动并加载配置（监听 { $listen }，数据库：{ $backend }，哈希：{ $hash }，登录失败 { $lockout } 次锁定，会话空闲 { $idle } 分钟）

# Events of the event log.
event-user-disabled = 停用用户
event-user-enabled = 启用用户
event-user-roles_changed = 变更用户角色

# Kinds, as the filter lists them.
security_kind-login-succeeded = 登录成功
security_kind-login-failed = 登录失败
security_kind-account-locked = 账号锁定
security_kind-account-unlocked = 解除锁定
security_kind-logout = 退出登录
security_kind-session-ended = 结束会话
security_kind-user-created = 新增用户
security_kind-user-disabled = 停用用户
security_kind-user-enabled = 启用用户
security_kind-user-roles_changed = 角色变更
security_kind-user-password_reset = 重置密码
security_kind-token-created = 创建令牌
security_kind-token-revoked = 撤销令牌
security_kind-export = 数据导出
security_kind-config-loaded = 加载配置

# Token scopes.
token_scope-read = 只读
token_scope-write = 读写
token_area-all = 全部
token_area-items = 督办事项
token_area-assignments = 承办任务
token_area-analytics = 链条分析
token_area-proposals = 建议提案
token_area-joint = 整合督查
token_area-assessment = 平时成绩

# Refusals.
validation-token_days = 有效期须为 1 至 90 天
validation-token_scope = 权限须为 read（只读）或 write（读写）
validation-token_area = 未知的范围
error-token_needs_session = API 令牌不能用于创建或管理令牌，请登录后操作
error-token_scope = 此 API 令牌无权执行该请求
validation-bad_day = 日期格式应为 YYYY-MM-DD
validation-self_disable = 不能停用自己的账号

# The audit admin's security log page.
ui-seclog = 安全审计日志
ui-seclog_note = 记录每次登录、登录失败、锁定与解锁、管理员操作、令牌、导出和配置加载，只读。日志逐条哈希链接，ducha audit verify 一并校验；系统从不删除，保存期不少于 180 天。
ui-seclog_day = 日期
ui-seclog_kind = 类型
ui-seclog_user = 用户
ui-seclog_all_kinds = 全部类型
ui-seclog_all_users = 全部用户
ui-seclog_time = 时间
ui-seclog_actor = 操作人
ui-seclog_target = 涉及账号
ui-seclog_client = 客户端地址
ui-seclog_message = 内容
ui-seclog_empty = 这一天没有符合条件的记录
ui-seclog_rows = 共 { $n } 条
ui-seclog_console = 控制台

# The security admin's page.
ui-secadmin = 安全管理
ui-secadmin_note = 锁定账号、在线会话、API 令牌和正在执行的安全策略。用户与单位由系统管理员维护，日志由审计管理员查阅。
ui-secadmin_locked = 锁定的账号
ui-secadmin_no_locked = 没有锁定的账号
ui-secadmin_sessions = 在线会话
ui-secadmin_no_sessions = 没有在线会话
ui-secadmin_end_session = 结束会话
ui-secadmin_tokens = API 令牌
ui-secadmin_no_tokens = 没有有效的 API 令牌
ui-secadmin_revoke = 撤销
ui-secadmin_policies = 正在执行的安全策略
ui-secadmin_started = 开始
ui-secadmin_last_seen = 最近活动
ui-secadmin_expires = 到期
ui-secadmin_last_used = 最近使用
ui-secadmin_never = 从未
ui-secadmin_scope = 权限
ui-secadmin_token_name = 名称
ui-secadmin_owner = 所有人
ui-secadmin_failures = 失败次数
ui-policy_lockout = 连续登录失败锁定
ui-policy_lockout_value = { $n } 次失败后锁定 { $m } 分钟
ui-policy_idle = 会话空闲超时
ui-policy_minutes = { $n } 分钟
ui-policy_password = 密码规则
ui-policy_password_value = 至少 10 位，含字母和数字
ui-policy_tokens = API 令牌有效期
ui-policy_tokens_value = 默认 { $d } 天，最长 { $m } 天；不能由令牌创建；重置密码或停用账号时撤销
ui-policy_retention = 安全日志保存
ui-policy_retention_value = 永久保存（不少于 180 天），只追加，哈希链校验

# The system admin's user actions and the admins' workbench.
ui-admin_disable = 停用
ui-admin_enable = 启用
ui-admin_disable_hint = 停用后无法登录，其会话和 API 令牌立即撤销
toast-user_disabled = 已停用用户
toast-user_enabled = 已启用用户
toast-session_ended = 已结束会话
toast-token_revoked = 已撤销令牌
wb-admin_locked = 等待处理的锁定账号
wb-admin_locked_none = 当前没有锁定的账号
wb-admin_today = 今日安全事件
wb-admin_sysadmin = 维护单位和用户：新增、重置密码、停用。
wb-admin_open = 打开
