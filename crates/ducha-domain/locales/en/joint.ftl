# ducha — English messages, area joint. Key `a.b_c` is Fluent id `a-b_c`.

# Events.
event-joint-seat_filled = Leading-group seat filled
event-joint-meeting_scheduled = Joint meeting scheduled
event-joint-agenda_edited = Agenda edited
event-joint-pack_sent = Pre-read pack sent
event-joint-meeting_held = Joint meeting held
event-joint-decided = Meeting decision recorded
event-joint-inspection_filed = Inspection plan filed
event-joint-inspection_approved = Inspection plan approved
event-joint-inspection_rejected = Inspection plan rejected
event-joint-inspections_merged = Merged into a joint inspection
event-joint-merge_declined = Merge declined
event-joint-inspection_withdrawn = Inspection plan withdrawn
toast-inspection_withdrawn = The plan was withdrawn.
ui-withdraw_plan = Withdraw the plan
ui-withdraw_reason = Why it is withdrawn
event-joint-inspection_done = Inspection findings turned into items

# Agenda reasons.
agenda-red_light = Red light
agenda-red_item =
    { $days ->
        [one] Overdue by { $days } working day (red)
       *[other] Overdue by { $days } working days (red)
    }
agenda-stall =
    { $days ->
        [one] { $unit }: { $finding }, { $days } working day
       *[other] { $unit }: { $finding }, { $days } working days
    }
agenda-notice = { $unit }: { $level } { $number } not yet met
agenda-summons = { $unit }: { $reds } red notices in a row, summons recommended
agenda-help =
    { $days ->
        [one] { $from }'s help request to { $to } unanswered for { $days } working day
       *[other] { $from }'s help request to { $to } unanswered for { $days } working days
    }
agenda-more = {" "}(and { $n } more like it)

# Seats and bodies.
position-head = Head
position-deputy = Deputy head
position-office = Office
position-member = Member body
body_kind-party_office = Party committee supervision office
body_kind-government_office = Government supervision office
body_kind-discipline = Discipline inspection
body_kind-audit = Audit
body_kind-npc = People's congress
body_kind-cppcc = CPPCC
body_kind-hotline = 12345 hotline
body_kind-department = Department
meeting_state-planned = Planned
meeting_state-held = Held
decision_kind-new_item = New item
decision_kind-deadline = Deadline changed
decision_kind-lead = Lead unit changed
decision_kind-summons = Summons
decision_kind-close = Closed
decision_kind-note = Other decision
method-onsite = On site
method-written = Written
method-unannounced = Unannounced
inspection_state-pending = Awaiting approval
inspection_state-approved = Approved
inspection_state-rejected = Rejected
inspection_state-merged = Merged
inspection_state-cancelled = Cancelled
inspection_state-done = Done
overlap_kind-same_target = Same unit, overlapping window
overlap_kind-similar_topic = Similar topic, same quarter
overlap_state-proposed = Awaiting the lead body
overlap_state-merged = Merged
overlap_state-declined = Declined
inspection_flag-unplanned = Outside the annual plan
inspection_flag-over_budget = Over a unit's budget
burden-visits = Visits
burden-days = Days on site
burden-forms = Forms

# Validation.
validation-already_lead = That unit already leads
validation-days_range = Days on site must be 0–30
validation-findings_count = Give 1–20 findings
validation-forms_range = Forms must be 0–50
validation-inspection_closed = One of the plans is no longer open
validation-inspection_not_started = The inspection has not started or cannot take findings
validation-line_has_no_item = This agenda line has no item
validation-meeting_not_held = The meeting has not been held
validation-meeting_not_yet = The meeting's day has not come
validation-no_seats = Seat the leading group first
validation-not_a_leader = Choose a leader
validation-not_a_target = Not a unit this inspection visits
validation-nothing_to_do = Nothing to change
validation-on_agenda = That item is already on the agenda
validation-people_range = People must be 1–200
validation-quarter = Quarter must look like 2026-Q4
validation-seat_taken = That unit or person already holds a seat
validation-unknown_item = No such item
validation-unknown_seat = No such seat
validation-window_order = The window ends before it starts
validation-window_too_long = A window may span at most a quarter

# The minutes.
minutes-title = { $scope } joint supervision meeting: minutes
minutes-subtitle = No. { $number } of { $year }
minutes-opening = On { $date }, { $chair } chaired { $title } at { $place }. The meeting examined where supervised items are blocked and decided as follows.
minutes-attendees = Present:{" "}
minutes-agenda_heading = 1. Agenda and decisions
minutes-why = On the agenda because:{" "}
minutes-no_decision = Heard; no change decided.
minutes-decided = Decided:{" "}
minutes-follow-new_item = {" "}(item { $number }, lead: { $unit }, due { $deadline })
minutes-follow-deadline = {" "}(deadline now { $deadline })
minutes-follow-lead = {" "}(lead unit now { $unit })
minutes-follow-summons = {" "}(summoned: { $unit })
minutes-memo_heading = 2. Commitments
minutes-col-no = No.
minutes-col-matter = Matter
minutes-col-unit = Responsible unit
minutes-col-deadline = Due
minutes-col-number = Item number
minutes-signature = Office of the { $scope } supervision leading group

# Toasts.
toast-seat_filled = Seat filled
toast-meeting_scheduled = Meeting scheduled with a proposed agenda
toast-agenda_edited = Agenda updated
toast-meeting_held = Meeting held: record its decisions
toast-decision_recorded = Decision recorded
toast-inspection_filed = Inspection plan filed
toast-inspection_overlaps = Filed: it overlaps other bodies' plans; a merge is proposed
toast-inspection_decided = Decision recorded
toast-merged = Merged into a joint inspection
toast-merge_declined = Merge declined
toast-findings_recorded = Findings turned into rectification items awaiting approval
validation-date = Enter a valid date

# Pages.
ui-joint = Joint meeting
ui-joint_meetings = Meetings
ui-inspection_plans = Inspection plans
ui-joint_waiting = Waiting for me
ui-nothing_waiting = No plans or merges waiting
ui-leading_group = Leading group
ui-no_seats = No leading group yet
ui-fill_seat = Fill a seat
ui-position = Position
ui-body_kind = Kind of body
ui-seat_person = Person (a leader for head/deputy, the liaison for a body)
ui-lead_topics = Leads on (lead role)
ui-lead_topics_hint = e.g. conduct, audit follow-up
ui-liaison = Liaison
ui-meeting = Meeting
ui-no_meetings = No meetings yet
ui-meeting_no = No. { $n } of { $year }
ui-meeting_number = Number
ui-held_on = Date
ui-place = Place
ui-chair = Chair
ui-chair_default = The group's head
ui-schedule_meeting = Schedule a meeting
ui-schedule_hint = The agenda is proposed from red items, stall findings, escalated notices, summonses and unanswered help requests; the office edits it.
ui-pack = Pre-read pack
ui-pack_sent = Sent
ui-pack_pending = Not yet
ui-pack_pending_hint = Generated and sent to the attendees two working days before
ui-pack_made = Made
ui-attendees = Attendees
ui-meeting_summary = What the meeting agreed in general (for the minutes)
ui-hold_meeting = Record as held
ui-hold_later = On the day, record the meeting as held and its decisions.
ui-minutes_docx = Minutes (Word)
ui-agenda = Agenda
ui-agenda_hint = Lines are ranked by how badly the work is blocked, each with its reasons; reorder, remove, annotate or add.
ui-agenda_empty = No agenda lines
ui-office_topic = Office topic
ui-removed = Removed
ui-note = Note
ui-move_up = Move up
ui-move_down = Move down
ui-remove_line = Remove
ui-restore_line = Restore
ui-add_topic = Add a topic
ui-add_item_line = Add an item
ui-add_item_hint = Item number or title
ui-refresh_agenda = Refresh the proposal
ui-refresh_hint = Add the trouble that appeared since (nothing twice).
ui-record_decision = Record a decision
ui-decision_kind = Kind
ui-decision_text = The decision (for the minutes)
ui-new_item_title = New item's title
ui-decision_deadline = Deadline
ui-decision_unit = Lead unit / unit summoned
ui-decision_hint = New item: title, lead, co-units and deadline; approved by the meeting and dispatched at once. A changed deadline or lead applies to this line's item at once.
ui-planning_calendar = Planning calendar
ui-file_inspection = File a plan
ui-file_hint = Filing checks overlaps with other bodies' plans (same unit in overlapping windows, or a similar topic) and each unit's burden budget; plans outside the annual plan or over a budget need the office's approval.
ui-burden = Quarter's burden (visits / days / forms)
ui-burden_hint = Each unit's visits, days on site and forms this quarter against its level's budget; weeks with two or more bodies visiting are red.
ui-burden_legend = Figures are used/budget
ui-week_busy = Visited
ui-week_clash = Several bodies the same week
ui-no_plans = No plans this quarter
ui-quarter_plans = This quarter's plans
ui-inspection = Inspection
ui-window = Window
ui-window_from = From
ui-window_to = To
ui-joint_with = Jointly with{" "}
ui-overlap = Overlap
ui-overlaps = Overlaps with other bodies' plans
ui-no_overlaps = No overlaps
ui-shared_units = Units both visit
ui-similarity = Topic similarity
ui-merge_lead = Lead (main role)
ui-merge_support = Supporting
ui-merge_hint = Merged, the lead body runs one joint inspection with the other's units; the grassroots receive it once. Declining needs a reason.
ui-merge = Merge
ui-decline_merge = Decline
ui-decline_reason = Reason for declining
ui-merge_proposed = Merge proposed
ui-inspecting_body = Inspecting body
ui-method = Method
ui-basis = Cited document
ui-people = People
ui-annual_plan = In the annual plan
ui-annual_plan_check = Part of our approved annual plan (otherwise it needs approval)
ui-merged_into = Merged into
ui-office_comment = Office's comment
ui-approval_hint = Outside the annual plan or over a budget: it may start only once approved; rejecting needs a reason.
ui-inspection_findings = Findings and rectification
ui-no_findings_yet = No findings recorded
ui-inspection_findings_hint = Each finding becomes a rectification item citing this inspection, dispatched through the chain; nothing is reported twice.
ui-finding_text = Finding
ui-rectify_by = Rectify by
ui-record_findings = Record and turn into items
ui-rectification_item = Rectification item
ui-inspection_topic = Topic
ui-chain = Chain
ui-colon = :{" "}
ui-lparen = {" "}(
ui-rparen = )
ui-all_bodies = All bodies
ui-my_body_plans = My body's plans
origin-meeting = Decided by the joint meeting:{" "}
origin-inspection = Rectifies a finding of the inspection:{" "}
ui-inspected_units = Units inspected
ui-latest_reports = Latest reports
