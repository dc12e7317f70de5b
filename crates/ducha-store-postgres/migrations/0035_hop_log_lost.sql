-- The lost days of each assignment: what the assessment's facts read for every completion
-- (its own share) and for the lost-days source. Through the index by assignment alone, every
-- completion of a province read its assignment's hop-log lines from all over the table
-- (15 s of a rebuild's fill at 821,000 completions); this one holds only the lost lines,
-- with what those readings need.
CREATE INDEX hop_log_lost ON hop_log (assignment_id, unit_id, days, reason) WHERE hop = 'lost';
