# ducha — English messages, area security. Key `a.b_c` is Fluent id `a-b_c`.

# What a security row says; `{username}` is the account concerned.
security-msg-login_succeeded = { $username } logged in
security-msg-login_failed = { $username } failed to log in: wrong password (failure { $failures })
security-msg-login_failed_unknown = Login failed with a user name that does not exist
security-msg-login_failed_locked = { $username } was refused: the account is locked
security-msg-login_failed_disabled = { $username } was refused: the account is disabled
security-msg-account_locked = { $username } locked until { $until } after { $failures } failed logins
security-msg-account_unlocked = Lifted the login lock of { $username }
security-msg-logout = { $username } logged out
security-msg-logout_tokens = { $username } logged out; their { $tokens } API token(s) revoked with it
security-msg-session_ended = Ended a session of { $username }
security-msg-login_failed_code = { $username } failed to log in: wrong two-factor code (failure { $failures })
security-msg-password_changed = { $username } changed their own password
security-msg-twofactor_enrolled = { $username } turned two-factor login on
security-msg-twofactor_disabled = { $username } turned two-factor login off
security-msg-twofactor_reset = Reset the two-factor login of { $username } and ended their sessions
security-msg-session_limit = { $username } logged in beyond the concurrent-session limit: { $ended } oldest session(s) ended
security-msg-sessions_revoked = Revoked every session and API token of { $username }
security-msg-user_created = Added user { $username } (roles: { $roles })
security-msg-user_disabled = Disabled user { $username }; their sessions and API tokens were revoked
security-msg-user_enabled = Enabled user { $username }
security-msg-roles_changed = Roles of { $username } changed from { $from } to { $to }
security-msg-password_reset = Reset the password of { $username }; their sessions and API tokens were revoked
security-msg-token_created = { $username } created API token "{ $name }" ({ $scope }, areas: { $areas }, expires in { $days } days)
security-msg-token_revoked = Revoked API token "{ $name }" of { $username }
security-msg-exported = { $username } exported { $what }
security-msg-config_loaded = Server started with its configuration (listening on { $listen }, database: { $backend }, hash: { $hash }, lock after { $lockout } failures, sessions idle { $idle } minutes)

# Events of the event log.
event-user-disabled = User disabled
event-user-enabled = User enabled
event-user-roles_changed = User roles changed

# Kinds, as the filter lists them.
security_kind-login-succeeded = Login
security_kind-login-failed = Failed login
security_kind-account-locked = Account locked
security_kind-account-unlocked = Account unlocked
security_kind-logout = Logout
security_kind-session-ended = Session ended
security_kind-user-created = User added
security_kind-user-disabled = User disabled
security_kind-user-enabled = User enabled
security_kind-user-roles_changed = Roles changed
security_kind-user-password_reset = Password reset
security_kind-token-created = Token created
security_kind-token-revoked = Token revoked
security_kind-export = Export
security_kind-config-loaded = Configuration loaded

# Token scopes.
token_scope-read = read only
token_scope-write = read and write
token_area-all = all
token_area-items = items
token_area-assignments = assignments
token_area-analytics = analytics
token_area-proposals = proposals
token_area-joint = joint supervision
token_area-assessment = assessment

# Refusals.
validation-token_days = The lifetime must be 1 to 90 days
validation-token_scope = The scope must be read or write
validation-token_area = Unknown area
error-token_needs_session = An API token cannot create or manage tokens: log in to do so
error-token_scope = This API token's scope does not allow the request
validation-bad_day = The date must read YYYY-MM-DD
validation-self_disable = You cannot disable your own account

# The audit admin's security log page.
ui-seclog = Security log
ui-seclog_note = Every login, failed login, lock and unlock, admin action, token, export and configuration load, read only. Rows are hash-chained and checked by ducha audit verify; the system never deletes them, so they are kept for at least 180 days.
ui-seclog_day = Day
ui-seclog_kind = Kind
ui-seclog_user = User
ui-seclog_all_kinds = All kinds
ui-seclog_all_users = All users
ui-seclog_time = Time
ui-seclog_actor = By
ui-seclog_target = Account
ui-seclog_client = Client address
ui-seclog_message = What
ui-seclog_empty = Nothing recorded that day for this filter
ui-seclog_rows =
    { $n ->
        [one] { $n } row
       *[other] { $n } rows
    }
ui-seclog_console = console

# The security admin's page.
ui-secadmin = Security
ui-secadmin_note = Locked accounts, active sessions, API tokens and the policies in force. Users and units are the system admin's; the log is the audit admin's.
ui-secadmin_locked = Locked accounts
ui-secadmin_no_locked = No account is locked
ui-secadmin_sessions = Active sessions
ui-secadmin_no_sessions = No active session
ui-secadmin_end_session = End session
ui-secadmin_tokens = API tokens
ui-secadmin_no_tokens = No valid API token
ui-secadmin_revoke = Revoke
ui-secadmin_policies = Policies in force
ui-secadmin_started = Started
ui-secadmin_last_seen = Last seen
ui-secadmin_expires = Expires
ui-secadmin_last_used = Last used
ui-secadmin_never = never
ui-secadmin_scope = Scope
ui-secadmin_token_name = Name
ui-secadmin_owner = Owner
ui-secadmin_failures = Failures
ui-policy_lockout = Lock after failed logins
ui-policy_lockout_value = { $n } failures lock for { $m } minutes
ui-policy_idle = Session idle timeout
ui-policy_minutes =
    { $n ->
        [one] { $n } minute
       *[other] { $n } minutes
    }
ui-policy_password = Password rules
ui-policy_password_value = At least 10 characters with letters and digits
ui-policy_tokens = API token lifetime
ui-policy_tokens_value = { $d } days by default, { $m } at most; never made by a token; revoked with a password reset or a disabled account
ui-policy_retention = Security log retention
ui-policy_retention_value = Kept for good (at least 180 days), append-only, hash-chained

# The system admin's user actions and the admins' workbench.
ui-admin_disable = Disable
ui-admin_enable = Enable
ui-admin_disable_hint = A disabled user cannot log in; their sessions and API tokens end at once
toast-user_disabled = User disabled
toast-user_enabled = User enabled
toast-session_ended = Session ended
toast-token_revoked = Token revoked
wb-admin_locked = Locked accounts waiting
wb-admin_locked_none = No account is locked now
wb-admin_today = Security events today
wb-admin_sysadmin = Maintain units and users: add, reset passwords, disable.
wb-admin_open = Open
