-- The workbench (工作台): each of its lists is one bounded read. Partial indexes keep the rows
-- that wait small; SQLite uses one only when the query repeats its condition, which the
-- queries in ducha-store's sql/workbench.rs do word for word.

-- A unit's open assignments by deadline: what it must sign, decompose, report or redo.
CREATE INDEX assignments_unit_open ON assignments (unit_id, deadline, id)
    WHERE state NOT IN ('done', 'withdrawn');
-- Assignments waiting on their unit, longest silent first (no report, signing or dispatch
-- since): the supervisor's stalled list walks it and stops at the limit.
CREATE INDEX assignments_quiet ON assignments (COALESCE(last_report_at, signed_at, dispatched_at), id)
    WHERE state IN ('pending', 'signed', 'in_progress');
-- The red ones among them, in the same order.
CREATE INDEX assignments_red ON assignments (COALESCE(last_report_at, signed_at, dispatched_at), id)
    WHERE light = 3;
-- Lights by unit read from the index alone.
CREATE INDEX assignments_unit_light ON assignments (unit_path, unit_id, light)
    WHERE light IS NOT NULL;
-- What waits for the level above, oldest first.
CREATE INDEX reports_pending_completion ON reports (submitted_at, id)
    WHERE state = 'pending' AND kind = 'completion';
CREATE INDEX extensions_pending ON extensions (created_at, id) WHERE state = 'pending';
CREATE INDEX refusals_pending ON refusals (created_at, id) WHERE state = 'pending';
CREATE INDEX help_requests_open ON help_requests (to_unit_id, id) WHERE answered_at IS NULL;
