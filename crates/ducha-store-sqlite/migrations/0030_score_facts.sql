-- The assessment's facts (平时成绩), kept as the commits happen so that a period's ranking reads
-- one range of rows instead of joining every notice, report and hop fact to its assignment and
-- item at ranking time. A cache of the rows the other parts keep: each commit that changes a
-- fact's rows derives its item's rows of that source again, with the one SQL a rebuild and the
-- first start after this migration fill the whole table with (`derive_sql` in
-- `ducha-store/src/sql/assessment.rs`); never written otherwise.
--
-- One row per fact a period may count: `source` (notices, summonses, returns, completions,
-- lost_days, unfinished, help, findings, proposals), the unit it counts for or against with its
-- path (the subtree filter), item, assignment, role, the item's priority, `at` (the instant it
-- counts at), `seq` (the event behind it), a quantity, what kind within the source, a date
-- (the deadline in force), and the bounds a period's reading needs: `until` (a help request's
-- answer; an unfinished assignment's completion) and `ends` (a finding's resolution).
CREATE TABLE score_facts (
    source TEXT NOT NULL,
    unit_id INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    assignment_id INTEGER,
    role TEXT,
    priority TEXT NOT NULL,
    at TEXT NOT NULL,
    seq INTEGER,
    quantity INTEGER,
    what TEXT,
    deadline TEXT,
    until TEXT,
    ends TEXT
);
CREATE INDEX score_facts_at ON score_facts (source, at);
CREATE INDEX score_facts_item ON score_facts (item_id, source);

-- Whether the table was filled (by the store, after migrating: the fill is code).
CREATE TABLE score_facts_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    filled INTEGER NOT NULL
);
INSERT INTO score_facts_state (id, filled) VALUES (1, 0);
