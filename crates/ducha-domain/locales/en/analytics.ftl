# ducha — English messages, area analytics. Key `a.b_c` is Fluent id `a-b_c`.

# Hops.
hop-sign = Signing
hop-decompose = Decomposition
hop-first_report = First report
hop-review = Report review
hop-decision = Completion decision
hop-help = Help answer
hop-extension = Extension decision
hop-refusal = Refusal decision
hop-lost = Lost days charged
hop-work = Working

# Lost-day reasons.
lost_reason-help = help request unanswered
lost_reason-review = completion awaiting decision
lost_reason-upstream = held above before passing down
lost_reason-own = the unit's own

# Finding groups and kinds.
finding_group-stall = Stalls (肠梗阻)
finding_group-dilution = Dilution (中途变味)
finding_group-overload = Overload (层层加码)
finding_group-forwarding = Forwarding only
finding_kind-stall = No action
finding_kind-late_handoff = Late hand-off
finding_kind-co_silent = Silent co-unit
finding_kind-help_unanswered = Help unanswered
finding_kind-target_dropped = Target dropped
finding_kind-target_shrunk = Target shrunk
finding_kind-accepted_short = Accepted short of target
finding_kind-target_raised = Target raised
finding_kind-deadline_squeezed = Deadline squeezed
finding_kind-forward_only = Forwarded only

# Finding messages.
finding-stall = No action for { $quiet } working days since { $since }; { $left } working days to the deadline
finding-stall_overdue = No action for { $quiet } working days since { $since }; { $overdue } working days overdue
finding-late_handoff = Kept the work { $held } of its { $window } working days before passing it down; the units below got { $left }
finding-co_silent =
    { $days ->
        [one] A co-unit that has not reported to the lead in { $days } working day
       *[other] A co-unit that has not reported to the lead in { $days } working days
    }
finding-help_unanswered = Has not answered the help request { $from_unit } made on { $since } for { $days } working days
finding-target_dropped = Target “{ $target }” was handed to no unit below
finding-target_shrunk = Target “{ $target }”: { $given } { $unit } handed down, less than its own { $parent } { $unit }
finding-target_raised = Target “{ $target }”: { $given } { $unit } handed down, more than its own { $parent } { $unit }
finding-deadline_squeezed = Gave { $child_unit } until { $child_deadline }, { $squeezed } working days short of its own { $parent_deadline }
finding-forward_only = Passed on to { $children } units { $minutes } minutes after signing, in the same words, with nothing of its own
finding-accepted_short = Accepted short of its targets ({ $gaps }) by { $reviewer_unit }; reason: { $reason }
finding-gap_percent = progress { $reached }%
finding-gap_target = { $name } { $reached }/{ $target } { $unit }
finding-gap_unreported = { $name } not reported

# Rules.
rule-shortfall_reason = Targets are not all met or progress is below 100 %: give the reason for accepting in the comment

# Pages.
ui-analytics = Chain analytics
ui-stall_map = Stall map
ui-findings = Findings
ui-chain_title = The chain's working days
ui-chain_hint = Working days per hop; a running hop shows the days so far.
ui-dwell = Working days per hop
ui-so_far = so far
ui-working_days_short = working days
ui-wd = wd
ui-held_as_assignee = assigned
ui-held_as_reviewer = as the level above
ui-dispatched_on = Dispatched
ui-signing_now = waiting to sign
ui-back_to_map = Back to the stall map
ui-order = Order
ui-order_mixed = Each kind in turn (default)
ui-order_score = By severity
ui-live = judged today
ui-kept = on an event
ui-findings_hint = Findings are derived by rules from the event log; each names its rule, thresholds and the events behind it. By default each kind takes its turn so one kind of trouble cannot hide another. The page shows the first 100; the Excel export has them all.
ui-lost_days = Days late
ui-lost_split = Who lost the days
ui-held_by = Held by
ui-timeline_held = Who held it when
ui-findings_here = Findings on this item
ui-no_findings = No stalls or dilution found.
ui-finding_rule = Rule
ui-finding_group = Kind of trouble
ui-finding_unit = Unit
ui-finding_item = Item
ui-finding_fact = Facts
ui-finding_score = Severity
ui-finding_evidence = Evidence
ui-finding_event = Event #{ $seq }
ui-finding_group_all = All kinds
ui-level = Level
ui-level_all = All levels
ui-level_n = Level { $n }
ui-period = Dispatched in
ui-period_from = From
ui-period_to = To
ui-avg_days = Average
ui-max_days = Longest
ui-count = Count
ui-unsigned_now = Waiting to sign now
ui-unsigned_oldest = oldest
ui-stall_map_hint = Average working days per hop by unit; darker is longer. Click a unit for its assignments.
ui-stall_units = Units
ui-total_lost = Lost days charged
ui-drill_assignments = This unit's assignments
ui-export_xlsx = Export to Excel
ui-filter = Filter
ui-gap_title = Check the shortfall before deciding
ui-gap_hint = These targets are not met; accepting anyway needs a reason in the comment and is recorded as a finding.
ui-target_share = Targets handed down
