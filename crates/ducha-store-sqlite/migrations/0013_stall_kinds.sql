-- The stall map's sums split by the item's source and category, so that a filtered map reads
-- sums as the unfiltered one does instead of aggregating the hop log (millions of lines in a
-- province). Kept by the commits beside `stall_stats` and replaced by a rebuild.
CREATE TABLE stall_kinds (
    unit_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    level INTEGER NOT NULL,
    sign_n INTEGER NOT NULL DEFAULT 0, sign_days INTEGER NOT NULL DEFAULT 0, sign_max INTEGER NOT NULL DEFAULT 0,
    decompose_n INTEGER NOT NULL DEFAULT 0, decompose_days INTEGER NOT NULL DEFAULT 0, decompose_max INTEGER NOT NULL DEFAULT 0,
    first_report_n INTEGER NOT NULL DEFAULT 0, first_report_days INTEGER NOT NULL DEFAULT 0, first_report_max INTEGER NOT NULL DEFAULT 0,
    review_n INTEGER NOT NULL DEFAULT 0, review_days INTEGER NOT NULL DEFAULT 0, review_max INTEGER NOT NULL DEFAULT 0,
    decision_n INTEGER NOT NULL DEFAULT 0, decision_days INTEGER NOT NULL DEFAULT 0, decision_max INTEGER NOT NULL DEFAULT 0,
    help_n INTEGER NOT NULL DEFAULT 0, help_days INTEGER NOT NULL DEFAULT 0, help_max INTEGER NOT NULL DEFAULT 0,
    extension_n INTEGER NOT NULL DEFAULT 0, extension_days INTEGER NOT NULL DEFAULT 0, extension_max INTEGER NOT NULL DEFAULT 0,
    refusal_n INTEGER NOT NULL DEFAULT 0, refusal_days INTEGER NOT NULL DEFAULT 0, refusal_max INTEGER NOT NULL DEFAULT 0,
    lost_n INTEGER NOT NULL DEFAULT 0, lost_days INTEGER NOT NULL DEFAULT 0, lost_max INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month, source, category)
);
CREATE INDEX stall_kinds_source ON stall_kinds (source, unit_path, month);
CREATE INDEX stall_kinds_category ON stall_kinds (category, unit_path, month);

-- What the hop log says so far (a database the commits kept before this table existed).
INSERT INTO stall_kinds (unit_id, month, source, category, unit_path, level, sign_n, sign_days, sign_max, decompose_n, decompose_days, decompose_max, first_report_n, first_report_days, first_report_max, review_n, review_days, review_max, decision_n, decision_days, decision_max, help_n, help_days, help_max, extension_n, extension_days, extension_max, refusal_n, refusal_days, refusal_max, lost_n, lost_days, lost_max)
SELECT l.unit_id, f.month, f.source, f.category, u.path,
    LENGTH(u.path) - LENGTH(REPLACE(u.path, '/', '')) - 1,
    SUM(CASE WHEN l.hop = 'sign' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'sign' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'sign' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'decompose' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'decompose' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'decompose' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'first_report' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'first_report' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'first_report' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'review' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'review' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'review' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'decision' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'decision' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'decision' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'help' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'help' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'help' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'extension' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'extension' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'extension' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'refusal' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'refusal' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'refusal' THEN l.days ELSE 0 END),
    SUM(CASE WHEN l.hop = 'lost' THEN 1 ELSE 0 END), SUM(CASE WHEN l.hop = 'lost' THEN l.days ELSE 0 END), MAX(CASE WHEN l.hop = 'lost' THEN l.days ELSE 0 END)
FROM hop_log l JOIN hop_facts f ON f.assignment_id = l.assignment_id
JOIN units u ON u.id = l.unit_id
GROUP BY l.unit_id, f.month, f.source, f.category, u.path;
