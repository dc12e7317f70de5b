# ducha — English messages, area ui. Key `a.b_c` is Fluent id `a-b_c`.

# Shell and navigation.
ui-workbench = Workbench
ui-new_item = Register item
ui-admin = Organisation & users
ui-menu = Menu
ui-language = Language
ui-skip = Skip to content
ui-close_toast = Dismiss
ui-loading = Loading…

# Error pages.
ui-error_title = Something went wrong
ui-not_found_title = Not found
ui-not_found_hint = It does not exist, or it is outside your unit's scope.
ui-operation_id = Operation ID (quote it to your administrator)
ui-go_home = Back to the workbench
ui-form_errors = Please correct the fields marked in red.

# Register.
ui-all_sources = All sources
ui-category = Category
ui-all_categories = All categories
ui-priority = Priority
ui-sort = Sort
ui-sort_newest = Newest first
ui-sort_deadline = Nearest deadline first
ui-deadline_from = Deadline from
ui-deadline_to = Deadline to
ui-filter_unit = Assigned unit
ui-all_units = All units
ui-export = Export to Excel
ui-reset = Reset
ui-first_page = First page
ui-public = Public
ui-filters = Filters
ui-filters_invalid = These filters are invalid and were ignored:
ui-count_all =
    { $n ->
        [one] { $n } item
       *[other] { $n } items
    }
ui-count_page =
    { $n ->
        [one] { $n } item on this page; more on the next
       *[other] { $n } items on this page; more on the next
    }
ui-empty_hint = Loosen the filters, or reset them to see every item.
ui-page_position = Page position
ui-page_size = Page size
ui-created_at = Registered
ui-dispatched_at = Dispatched
ui-yes = Yes
ui-no = No
ui-export_sheet = Item register
ui-export_file = item-register
ui-export_truncated = Only the first 5,000 items were exported; narrow the filters and export in parts.

# Item form.
ui-edit_item = Edit item
ui-basic_info = Basics
ui-deadline_date = Deadline date
ui-deadline_after_dispatch =
    { $n ->
        [one] { $n } working day after dispatch
       *[other] { $n } working days after dispatch
    }
ui-deadline_unscheduled = The holiday schedule of the deadline's year is not loaded yet; working days are counted Monday to Friday until it is. Check the deadline once it is loaded.
ui-calendar_until = Holiday schedules are loaded up to { $year }; later dates are counted Monday to Friday until their year is loaded, so check deadlines then.
ui-calendar_none = No holiday schedule is loaded; working days are counted Monday to Friday.
ui-deadline_days = Or: working days after dispatch
ui-deadline_hint = Give a date, or a number of working days after dispatch (a deadline on a day off moves to the next working day).
ui-cadence = Report cadence
cadence-none = None (at milestones and on completion)
cadence-weekly = Weekly
cadence-monthly = Monthly
cadence-every_working_days = Every N working days
ui-cadence_weekday = Weekday (1 = Monday … 7 = Sunday)
ui-cadence_day = Day of month (1–28)
ui-cadence_n = Working days N (≥ 2)
ui-leader = Responsible leader
ui-no_leader = (any leader of the jurisdiction approves)
ui-public_flag = Public item (progress may be shown to citizens)
ui-target_name = Target
ui-target_unit = Unit of measure
ui-target_value = Value
ui-targets_hint = Optional: measurable targets, e.g. "2000 new parking spaces".
ui-save_draft = Save draft
ui-save = Save
ui-submit = Submit
ui-created = Registered
ui-cadence_every =
    { $n ->
        [one] Every working day
       *[other] Every { $n } working days
    }
ui-cadence_weekly_on = Weekly on { $n }
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
ui-cadence_monthly_on = Monthly, on day { $n }
ui-cancel = Cancel

# Dispatch form.
ui-lead_unit = Lead unit
ui-co_units = Co-units
ui-search_units = Search units…
ui-pick_lead = Pick one lead unit
ui-instructions = Instructions
ui-unit_deadline = Deadline for the unit (default: the item's)
ui-sub_units = Units below
ui-shares = Targets handed down
ui-shares_hint = Prefilled with an even split among the units picked; change any value, and the values you have not changed share what is left. Leave a value blank to hand that target to no one there; a unit may also get targets of its own.
ui-shares_of_parent = Targets to hand down:{" "}
ui-shares_own_hint = Nothing measurable to hand down; a unit may get targets of its own.
ui-shares_pick_first = Pick the units above, then give each its share.
ui-shares_split = Split the targets among the units picked
ui-own_target = A target of its own
ui-unit_targets = This unit's targets:{" "}
ui-add_target = + Add a target

# Item actions.
ui-actions = Actions
ui-submit_for_approval = Submit for approval
ui-approve = Approve
ui-reject = Send back
ui-dispatch = Dispatch
ui-close_item = Close the item
ui-sign = Sign
ui-refuse = Refuse
ui-decompose = Decompose
ui-report = Report progress
ui-request_completion = Request completion
ui-request_extension = Ask for an extension
ui-ask_help = Ask for help
ui-review = Review
ui-accept = Accept
ui-approve_report = Approve
ui-report_kind = Type
ui-return = Return
ui-decide = Decide
ui-uphold = Approve
ui-deny = Deny
ui-answer = Answer
ui-reason = Reason
ui-comment = Comment
ui-responsible_person = Responsible person
ui-percent = Progress (%)
ui-report_text = What was done
ui-problems = Problems
ui-metric_value = Value reached
ui-evidence = Evidence
ui-evidence_hint = Images, PDF, Word, Excel; up to 20 MB each.
ui-reuse_evidence = Reuse evidence your unit uploaded
ui-new_deadline = New deadline
ui-help_to = Unit asked
ui-question = What needs help
ui-reassign_to = Approve and hand to (optional)
ui-no_assignments = Not dispatched yet; the responsibility chain shows here once it is.
ui-refusal = Refusal
ui-unread = unread
ui-no_actions = Nothing for you to do here.
ui-reports = Reports
ui-no_reports = No reports yet.
ui-requests = Requests
ui-returned_times = Times returned
ui-expand_all = Expand all
ui-collapse_all = Collapse all
ui-show_timeline = Show the whole history
ui-chain_hash = Chain hash
ui-via = via
ui-latest_progress = Latest progress

# Admin.
ui-admin_units = Organisation
ui-admin_users = Users
ui-admin_user_count = Users
ui-admin_user_unit = Unit
ui-admin_keyword = User name or name
ui-admin_no_users = No users match
ui-admin_total =
    { $n ->
        [one] { $n } user
       *[other] { $n } users
    }
ui-admin_prev_page = Previous page
ui-admin_add_unit = Add a unit
ui-admin_parent = Parent unit
ui-admin_unit_kind = Kind
ui-admin_unit_name = Unit name
ui-admin_add_user = Add a user
ui-admin_display_name = Name
ui-admin_position = Position
ui-admin_set_position = Change position
ui-admin_save_position = Save position
toast-position_changed = Position changed.
event-user-position_changed = User position changed
ui-admin_position_hint = e.g. 市长, 局长 (mayor, director): the workbench greets the user with it
ui-admin_roles = Roles
ui-admin_roles_hint = Pick one or more. Admin accounts are created at the server console.
ui-admin_initial_password = Initial password
ui-admin_password_rules = Password rules: at least 10 characters, with both letters and digits.
ui-admin_phone = Phone
ui-admin_email = Email
ui-admin_optional = optional
ui-admin_active = Active
ui-admin_inactive = Disabled
ui-admin_locked_until = Locked until
ui-admin_reset_password = Reset password
ui-admin_new_password = New password
ui-admin_reset_ends_sessions = Resetting ends all of the user's sessions at once; they log in again with the new password.
ui-admin_unlock = Unlock
ui-admin_unlock_hint = Locked after repeated failed logins; once unlocked the user may log in at once.
ui-admin_sysadmin_note = The system admin maintains units and users; the security admin unlocks locked accounts (separated admin roles).
ui-admin_secadmin_note = The system admin maintains units and users; you unlock accounts locked after failed logins (separated admin roles).

# Toasts after a successful action.
toast-created = The item is registered as a draft.
toast-saved = Saved.
toast-submitted = Sent for approval.
toast-approved = Approved; ready to dispatch.
toast-rejected = Sent back for changes.
toast-dispatched = Dispatched; the clock has started.
toast-signed = Signed.
toast-refused = Refusal sent to the level above.
toast-decomposed = Handed down to the units below.
toast-reported = Progress reported.
toast-completion_requested = Completion sent for review.
toast-extension_requested = Extension requested.
toast-help_requested = Help requested.
toast-accepted = Accepted.
toast-report_approved = Report approved.
toast-returned = Returned for more work.
toast-closed = The item is closed.
toast-decided = Decided.
toast-answered = Answered.
toast-unit_created = Unit added.
toast-user_created = User added.
toast-password_reset = Password reset; the user's sessions are ended.
toast-unlocked = Account unlocked.
toast-lang_saved = Language saved.

# Workbench.
wb-hello = Hello, { $name }
wb-hello_position = Hello, { $name } ({ $position })
wb-to_submit = Drafts to submit
wb-to_dispatch = Approved, to dispatch
wb-red_items = Red items
wb-stalled = Stalled
wb-to_approve = Awaiting my approval
wb-unit_lights = Lights by unit
wb-to_sign = To sign
wb-to_decompose = To hand down
wb-to_report = To report
wb-due_soon = Due soon
wb-returned = Returned to me
wb-reports_to_review = Completions to review
wb-extensions_to_decide = Extensions to decide
wb-refusals_to_decide = Refusals to decide
wb-help_to_answer = Help requests to answer
wb-all_clear = Nothing waiting for you.
wb-empty_list = None
wb-overdue = Overdue
wb-progress_to_review = Progress reports to review
wb-shown_of = Showing the first { $shown } of { $n }
wb-shown_of_at_least = Showing the first { $shown } of { $n } or more
wb-see_all = See all
wb-total_at_least = { $n } or more
wb-report_due = report due

# Enum labels the pages show.
category-central_work = Central work
category-livelihood = Livelihood
category-san_zui = "Three most" issue
priority-normal = Normal
priority-high = High
priority-urgent = Urgent
unit_kind-city = City
unit_kind-county = County
unit_kind-township = Township
unit_kind-village = Village
unit_kind-department = Department
unit_kind-supervision_body = Supervision body
user_role-supervisor = Supervisor
user_role-leader = Leader
user_role-unit_head = Unit head
user_role-liaison = Liaison
user_role-system_admin = System admin
user_role-security_admin = Security admin
user_role-audit_admin = Audit admin
report_kind-progress = Progress
report_kind-completion = Completion
report_state-pending = Pending review
report_state-accepted = Accepted
report_state-returned = Returned
request_state-pending = Pending
request_state-approved = Approved
request_state-denied = Denied
