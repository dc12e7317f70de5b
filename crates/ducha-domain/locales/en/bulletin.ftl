# ducha — English messages, area bulletin. Key `a.b_c` is Fluent id `a-b_c`.

# Events.
event-bulletin-drafted = Bulletin drafted
event-bulletin-edited = Bulletin edited
event-bulletin-submitted = Bulletin submitted
event-bulletin-returned = Bulletin sent back
event-bulletin-approved = Bulletin approved
event-bulletin-published = Bulletin published

# Labels.
bulletin_kind-monthly = Monthly
bulletin_kind-quarterly = Quarterly
bulletin_state-draft = Draft
bulletin_state-submitted = Awaiting approval
bulletin_state-approved = Approved
bulletin_state-published = Published
finding_group_none = None

# Validation and refusals.
validation-bulletin_period = The period must be a month (e.g. 2026-10) or quarter (e.g. 2026-Q4) that has begun
validation-bulletin_state = The bulletin's state does not allow this
validation-bulletin_corrects = Only a published bulletin can be corrected
validation-bulletin_published = A published bulletin never changes; issue a correction instead
validation-bulletin_mention_both = A unit cannot be both commended and criticised
bulletin-pdf_unavailable = LibreOffice is not installed on the server (or the configured soffice path is wrong): no PDF for now; download the Word file

# The document.
bulletin-doc-title = { $scope } Supervision Bulletin
bulletin-doc-subtitle = ({ $kind }, { $period })
bulletin-doc-title_correction = Correction of { $number }
bulletin-doc-corrects = This bulletin corrects { $number }, which is withdrawn.
bulletin-doc-issuer = Supervision Office of { $scope }
bulletin-doc-draft_mark = (Draft, not published)
bulletin-doc-no_number = (numbered when published)
bulletin-doc-red_head = SUPERVISION BULLETIN

# Headings.
bulletin-h-overall = Overview
bulletin-h-lists = Commended and criticised units
bulletin-h-ranking = Ranking of units
bulletin-h-findings = Stalls and dilution
bulletin-h-proposals = NPC suggestions and CPPCC proposals
bulletin-h-good = Good practice
bulletin-h-criticism = Shortcomings
bulletin-h-praised = Units commended
bulletin-h-criticised = Units criticised

# Changes.
bulletin-change-pp_up = up { $d } percentage points on the last period
bulletin-change-pp_down = down { $d } percentage points on the last period
bulletin-change-same = the same as the last period
bulletin-change-more = { $d } more than the last period
bulletin-change-fewer = { $d } fewer than the last period

# Text.
bulletin-text-totals = In { $period }, { $scope } dispatched { $new } new items and closed { $closed }; { $in_hand } were in hand at the end.
bulletin-text-on_time = { $due } assignments fell due, { $on_time } were completed on time, an on-time rate of { $rate }
bulletin-text-completion = completion rate { $rate }
bulletin-text-nothing_due = Nothing fell due in the period.
bulletin-text-overdue =
    { $n ->
        [one] { $n } assignment was overdue and open at the end
       *[other] { $n } assignments were overdue and open at the end
    }
bulletin-text-red = Commended: { $units }.
bulletin-text-red_unit = { $unit } ({ $due } due, all on time{ $again })
bulletin-text-red_none = No unit is commended in this period.
bulletin-text-black = Criticised: { $units }.
bulletin-text-black_unit = { $unit } ({ $overdue } overdue and open, { $late } completed late{ $again })
bulletin-text-black_none = No unit is criticised in this period.
bulletin-text-again = , for the second period running
bulletin-text-black_left = Off the criticised list since the last period: { $units }.
bulletin-text-ranking_score = Units ranked by their assessment scores:
bulletin-text-ranking_rate = Units ranked by on-time rate (units with nothing due last):
bulletin-text-rose = { $unit } rose { $n }
bulletin-text-fell = { $unit } fell { $n }
bulletin-text-moves = Compared with the last period: { $moves }.
bulletin-text-no_moves = Every unit holds its place of the last period.
bulletin-text-findings =
    { $n ->
        [one] { $n } finding of { $group }, concerning { $units }
       *[other] { $n } findings of { $group }, concerning { $units }
    }
bulletin-text-findings_none = No stall or dilution was found in the period.
bulletin-text-proposals = { $name }: { $total } in all, { $replied } replied, on-time reply rate { $rate }, { $satisfied } satisfied, { $basic } basically satisfied, { $dissatisfied } dissatisfied
bulletin-text-proposals_new = { $n } replied in this period

# Table.
bulletin-col-rank = Place
bulletin-col-unit = Unit
bulletin-col-due = Due
bulletin-col-on_time = On time
bulletin-col-overdue = Overdue
bulletin-col-score = Score
bulletin-col-rate = On-time rate
bulletin-col-change = Change
bulletin-col-new = new

# Notifications.
bulletin-notify-title = [Bulletin] { $number }
bulletin-notify-body = The supervision office of { $scope } published { $number } ({ $period }); your unit is named in it.

# Pages.
ui-bulletins = Bulletins
ui-bulletin_new = Draft a bulletin
ui-bulletin_kind = Kind
ui-bulletin_period = Period
ui-bulletin_number = Number
ui-bulletin_state = State
ui-bulletin_good = Good practice (written by the office)
ui-bulletin_criticism = Shortcomings (written by the office)
ui-bulletin_praised = Units commended
ui-bulletin_criticised = Units criticised
ui-bulletin_mentions_hint = Once published, each unit commended or criticised counts once in its assessment for the period of publication.
ui-bulletin_title = Title
ui-bulletin_corrects = Corrects
ui-bulletin_refresh = Regenerate from the latest data
ui-bulletin_save = Save draft
ui-bulletin_submit = Submit for approval
ui-bulletin_approve = Approve
ui-bulletin_return = Send back
ui-bulletin_publish = Publish
ui-bulletin_correct = Draft a correction
ui-bulletin_docx = Download Word
ui-bulletin_pdf = Download PDF
ui-bulletin_remark = Remark
ui-bulletin_preview = Preview
ui-bulletin_none = No bulletins yet.
ui-bulletin_generated = Figures as of
ui-bulletin_published_at = Published
toast-bulletin_drafted = Draft generated
toast-bulletin_saved = Draft saved
toast-bulletin_submitted = Submitted for approval
toast-bulletin_returned = Sent back
toast-bulletin_approved = Approved
toast-bulletin_published = Published
bulletin-pdf_failed = The PDF could not be made; try again later or download the Word file
extension_form-title = Extension Approval Form
extension_form-old = Deadline when asked
extension_form-new = Extension asked to
extension_form-asked = Asked by, on
extension_form-reviewer = Deciding unit
extension_form-decision = Decision
extension_form-pending = (pending)
extension_form-sign = Approved by (signature):                    Date:
ui-extension_form = Approval form
bulletin-chart-figure = Figure{" "}
bulletin-chart-rates = On-time and completion rate by unit
bulletin-chart-on_time = On-time rate
bulletin-chart-completed = Completion rate
bulletin-chart-trend = On-time rate over recent periods
bulletin-chart-no_font = (The server has no Chinese font configured for charts: they are left out; the figures above stand.)
