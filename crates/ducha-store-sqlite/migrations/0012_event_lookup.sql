-- The assessment cites, for each fact, the event of some kinds on an assignment at an instant
-- (a notice's, a return's, an acceptance's). Covering that lookup makes it one index seek
-- instead of reading every event of the assignment from the table; a quarter's ranking of a
-- province makes hundreds of thousands of them.
CREATE INDEX events_assignment_at ON events (assignment_id, at, kind, seq);
