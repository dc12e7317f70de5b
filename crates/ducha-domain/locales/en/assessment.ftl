# ducha — English messages, area assessment. Key `a.b_c` is Fluent id `a-b_c`.
event-assessment-rules_loaded = Rule set loaded
event-assessment-appealed = Appeal filed
event-assessment-appeal_accepted = Appeal accepted
event-assessment-appeal_rejected = Appeal rejected
event-assessment-finalized = Scores finalised

# Facts.
fact-missed_report = Report missed
fact-progress_returned = Report returned for quality
fact-completion_returned = Completion returned
fact-late_completion = Completed late
fact-late_day = Days late
fact-unfinished = Overdue at period end
fact-early_completion = Completed early
fact-orange_notice = Orange warning
fact-red_notice = Red notice
fact-summons = Summoned
fact-help_late = Help answered late
fact-late_handoff = Late hand-off
fact-dilution = Target diluted
fact-overload = Overload
fact-forwarding = Forwarded only
fact-bulletin_praise = Praised in a bulletin
fact-bulletin_criticism = Criticised in a bulletin
fact-proposal_late = Proposal reply late
fact-proposal_dissatisfied = Proposer dissatisfied

# Appeals.
appeal_state-pending = Pending
appeal_state-accepted = Accepted
appeal_state-rejected = Rejected

# Rules of the use cases.
rule-period_final = This period's scores are final
rule-period_not_over = The period has not ended yet
rule-appeal_window = The time to appeal has passed
rule-appeal_window_open = Units may still appeal: the period cannot be finalised yet
rule-appeals_pending = Decide the pending appeals first
rule-rules_version_taken = A rule set with this version is already loaded
validation-period = A period is 2026-10, 2026-Q4 or 2026
validation-rule_set_syntax = The rule set is not valid TOML of the expected shape (line { $line }): { $detail }
validation-rule_set_version = The rule set's version ({ $field }) must be 1–40 letters, digits, '.', '-' or '_'
validation-rule_set_range = The rule set's { $field } must be within { $range }
validation-rule_set_too_many = A rule set has at most { $rules } rules and { $thresholds } thresholds
validation-rule_set_rule_id = The rule id "{ $rule }" is empty or repeated
validation-rule_set_rule_value = Rule "{ $rule }": { $field } must be a number (a cap at least 0)
validation-rule_set_threshold = Threshold "{ $threshold }": the id may not be empty and { $field } must be at least 1
validation-unknown_line = No such line on the score card

# Pages.
ui-assessment = Assessment
ui-ranking = Ranking
ui-score_card = Score card
ui-score_period = Period
ui-base_score = Base
ui-total_score = Score
ui-rank = Rank
ui-rank_change = Change
ui-points = Points
ui-rule_version = Rule set
ui-final = Final
ui-open_period = Open
ui-finalize = Finalise
ui-appeal = Appeal
ui-appeals = Appeals
ui-appeal_reason = Reason
ui-contested_line = Contested line
ui-appeal_files_hint = Up to 10 supporting files: images, PDF, Word, Excel; up to 20 MB each.
ui-voided = Voided
ui-capped = Capped
ui-cadres = Cadre record
ui-cadre_hint = The items each responsible person handled in the period, for the organisation department: a factual record, not a score or a ranking.
ui-ranking_hint = Rankings are for the official bulletin and are not pushed to townships. Every point links to the event behind it.
ui-on_time = On time
ui-late = Late
ui-open_overdue = Open, overdue
ui-in_hand = In hand
ui-cadre_praise = Praise
ui-cadre_criticism = Criticism
ui-early_by = { $n ->
    [one] { $n } working day early
   *[other] { $n } working days early
}
ui-no_praise = No praise this period.
ui-previous_total = Previous score
ui-total_change = Score change
ui-trend_up = Up { $n } points on the previous period
ui-trend_down = Down { $n } points on the previous period
ui-trend_same = Same as the previous period
ui-flags = Flags
ui-period_pick = Period
ui-level_pick = Level
ui-show = Show
ui-no_lines = No points this period.
ui-appeal_hint = A unit may appeal a deduction up to { $days } working days after the period; the office decides.
ui-accept_appeal = Accept
ui-reject_appeal = Reject
ui-no_appeals = No appeals.
ui-finalize_hint = Once final, the period's scores never change; later events count in the next period.
ui-items_count = Items
ui-my_card = Our score card
toast-appealed = Appeal filed; the office will decide
toast-appeal_decided = Appeal decided
toast-finalized = The period's scores are final
flag-no_awards = Not eligible for awards
