-- The stall map's sums over every month, one row per unit: the unfiltered map of a province
-- ranks 8,000 rows instead of aggregating one row per unit and month (about 150,000, growing
-- with every month kept). Kept by the commits beside `stall_stats` and replaced by a rebuild.
CREATE TABLE stall_totals (
    unit_id INTEGER PRIMARY KEY,
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
    lost_n INTEGER NOT NULL DEFAULT 0, lost_days INTEGER NOT NULL DEFAULT 0, lost_max INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX stall_totals_path ON stall_totals (unit_path);

-- What the monthly sums say so far.
INSERT INTO stall_totals (unit_id, unit_path, level, sign_n, sign_days, sign_max, decompose_n, decompose_days, decompose_max, first_report_n, first_report_days, first_report_max, review_n, review_days, review_max, decision_n, decision_days, decision_max, help_n, help_days, help_max, extension_n, extension_days, extension_max, refusal_n, refusal_days, refusal_max, lost_n, lost_days, lost_max)
SELECT u.id, u.path, LENGTH(u.path) - LENGTH(REPLACE(u.path, '/', '')) - 1,
    SUM(s.sign_n), SUM(s.sign_days), MAX(s.sign_max),
    SUM(s.decompose_n), SUM(s.decompose_days), MAX(s.decompose_max),
    SUM(s.first_report_n), SUM(s.first_report_days), MAX(s.first_report_max),
    SUM(s.review_n), SUM(s.review_days), MAX(s.review_max),
    SUM(s.decision_n), SUM(s.decision_days), MAX(s.decision_max),
    SUM(s.help_n), SUM(s.help_days), MAX(s.help_max),
    SUM(s.extension_n), SUM(s.extension_days), MAX(s.extension_max),
    SUM(s.refusal_n), SUM(s.refusal_days), MAX(s.refusal_max),
    SUM(s.lost_n), SUM(s.lost_days), MAX(s.lost_max)
FROM stall_stats s JOIN units u ON u.id = s.unit_id
GROUP BY u.id, u.path;
