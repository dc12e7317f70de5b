-- The workbench (工作台) shows the routine progress reports waiting for review by the level
-- above, oldest first, as it shows completion requests (reports_pending_completion in
-- 0004_workbench): a supervisor's read walks the pending ones of this index and stops at its
-- limit. SQLite uses the partial index only when the query repeats its condition, which
-- ducha-store's sql/workbench.rs does word for word.
CREATE INDEX reports_pending_progress ON reports (submitted_at, id)
    WHERE state = 'pending' AND kind = 'progress';
