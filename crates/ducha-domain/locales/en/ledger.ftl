# ducha — English messages, area ledger. Key `a.b_c` is Fluent id `a-b_c`.

# Columns (the template's header and the report's column names).
ledger-col-ref = Ledger no.
ledger-col-title = Matter
ledger-col-description = Description
ledger-col-source = Source
ledger-col-category = Category
ledger-col-priority = Priority
ledger-col-assigned_on = Assigned on
ledger-col-deadline = Deadline
ledger-col-leads = Lead units
ledger-col-co_units = Co-units
ledger-col-target_name = Target
ledger-col-target_value = Target value
ledger-col-target_unit = Unit of measure
ledger-col-cadence = Report cadence
ledger-col-public = Public
ledger-col-note = Notes

# Whole-file refusals.
ledger-empty = The ledger holds no matter: fill in one row per matter below the header
ledger-header = No header row found: a ledger needs the columns Matter, Deadline and Lead units; use the template
ledger-too_many = Too many matters: at most { $max } per import; import the ledger in parts
ledger-not_excel = The file is not an Excel workbook (.xlsx or .xls)
ledger-unreadable = The workbook cannot be read: the file may be damaged or incomplete
ledger-too_large = The workbook unpacks too large; remove extra sheets or formatting and import again
ledger-merged = Row { $row }: { $range } is a merged cell; a ledger's cells must not be merged across columns
ledger-mode = Choose the state of the imported matters

# One cell.
ledger-cell = Row { $row }, column { $col } ({ $header })
ledger-formula_error = The formula fails ({ $value }); enter a value instead
ledger-duplicate_ref = Ledger no. "{ $value }" repeats row { $first }
ledger-unknown_choice = "{ $value }" is not one of the choices; pick one from the template's list
ledger-not_a_date = "{ $value }" is not a date (write 2026-12-31)
ledger-assigned_in_future = "{ $value }" is after today; a matter cannot be assigned in the future
ledger-not_a_deadline = "{ $value }" is neither a date nor "N working days"
ledger-bad_cadence = "{ $value }" is not a cadence (write 无, 每周五, 每月5日 or 每10个工作日)
ledger-yes_no = "{ $value }" must be 是 (yes) or 否 (no)
ledger-unit_unknown = "{ $value }" is not a unit of your jurisdiction (use the name in the org tree)
ledger-unit_ambiguous = Several units of your jurisdiction are named "{ $value }"
ledger-unit_twice = Unit "{ $value }" is named twice (a unit cannot both lead and assist)
ledger-not_a_number = "{ $value }" is not a number

# The template's explanation sheet.
ledger-sheet = Ledger
ledger-help_sheet = How to fill in
ledger-lists_sheet = Choices
ledger-help-intro = One matter per row; a matter's further targets go on the rows below it with only Target, Target value and Unit of measure filled. Columns marked * are required.
ledger-help-ref = Your ledger's own number; re-importing a number already imported registers nothing twice.
ledger-help-deadline = A date (2026-12-31), or "N个工作日" (N working days from dispatch).
ledger-help-units = Unit names as in the org tree, several separated by 、, all in your jurisdiction.
ledger-help-cadence = 无, 每周一…每周五, 每月N日 (1–28), 每N个工作日.
ledger-help-choices = Pick source, category, priority and public from the drop-down lists.
ledger-help-column = Column
ledger-help-meaning = What to enter

# The import page.
ledger-import = Import ledger
ledger-import_hint = Download the template, fill it in and upload it (.xlsx or .xls). Every cell is checked: if any is wrong, nothing is imported and each error is listed.
ledger-template = Download the template
ledger-export = Export the full ledger
ledger-file = Ledger file
ledger-mode_label = After import
ledger-mode-draft = Register as drafts (submit and dispatch later)
ledger-mode-dispatch = Dispatch as the ledger says (the matters were approved already; without the right to approve, they are submitted to the leader for approval)
ledger-report = Check result
ledger-rejected =
    { $n ->
        [one] The ledger has { $n } error; nothing was imported. Correct it and upload again.
       *[other] The ledger has { $n } errors; nothing was imported. Correct them and upload again.
    }
ledger-done = Imported { $items } matters with { $assignments } assignments; { $already } were imported before and were skipped.
ledger-download_report = Download the check result
ledger-where = Where
ledger-problem = Problem
ledger-progress = Importing…
ledger-approved_comment = Imported from the ledger: the matter on row { $row } was approved already
ledger-report_file = Ledger check
ledger-file_name = Ledger
ledger-latest_report = Latest report
ledger-latest_report_at = Latest report at
ledger-assignment_state = Assignment state
ledger-number = Official number
ledger-for_approval = The importer may not approve items: the matters were submitted to the leader for approval and are dispatched once approved.
ledger-failed = The import did not finish and nothing was registered: { $reason }
ledger-plan_title = Units named in the ledger
ledger-plan_help = This matter was imported from a ledger, which names the lead and co-units below; once approved, it is dispatched to them unless others are chosen.
