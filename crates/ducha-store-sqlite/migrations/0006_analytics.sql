-- Chain analytics (链条分析): derived from the event log and the assignment rows, kept in step
-- by the commit that causes each change and rebuilt by `ducha analytics rebuild`.

-- One row per assignment: when each hop ended and how many working days it took.
CREATE TABLE hop_facts (
    assignment_id INTEGER PRIMARY KEY REFERENCES assignments (id),
    item_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    level INTEGER NOT NULL,
    parent_id INTEGER,
    reviewer_unit_id INTEGER NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    dispatched_at TEXT NOT NULL,
    signed_at TEXT,
    sign_days INTEGER,
    decomposed_at TEXT,
    decompose_days INTEGER,
    first_report_at TEXT,
    first_report_days INTEGER,
    completion_requested_at TEXT,
    review_days INTEGER NOT NULL DEFAULT 0,
    reviews INTEGER NOT NULL DEFAULT 0,
    decision_days INTEGER NOT NULL DEFAULT 0,
    decisions INTEGER NOT NULL DEFAULT 0,
    help_days INTEGER NOT NULL DEFAULT 0,
    helps INTEGER NOT NULL DEFAULT 0,
    extension_days INTEGER NOT NULL DEFAULT 0,
    refusal_days INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    done_days INTEGER,
    late_days INTEGER
);
CREATE INDEX hop_facts_item ON hop_facts (item_id);
CREATE INDEX hop_facts_unit ON hop_facts (unit_id, dispatched_at);
CREATE INDEX hop_facts_reviewer ON hop_facts (reviewer_unit_id, dispatched_at);

-- Every finished hop, charged to the unit that held it (lost days with the reason).
CREATE TABLE hop_log (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    hop TEXT NOT NULL,
    days INTEGER NOT NULL,
    reason TEXT
);
CREATE INDEX hop_log_assignment ON hop_log (assignment_id);

-- The stall map's sums per holding unit and month of dispatch, one column triple per hop.
CREATE TABLE stall_stats (
    unit_id INTEGER NOT NULL,
    month TEXT NOT NULL,
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
    PRIMARY KEY (unit_id, month)
);
CREATE INDEX stall_stats_map ON stall_stats (level, unit_path, month);

-- Findings judged when an event was committed (decompositions, accepted completions).
CREATE TABLE findings (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id INTEGER NOT NULL,
    assignment_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL,
    unit_path TEXT NOT NULL,
    subject TEXT NOT NULL,
    score INTEGER NOT NULL,
    args TEXT NOT NULL,
    event_seq INTEGER NOT NULL,
    found_at TEXT NOT NULL,
    resolved_at TEXT
);
-- The units waiting to sign (the stall map's live column).
CREATE INDEX assignments_unsigned ON assignments (unit_path) WHERE state = 'pending';

CREATE INDEX findings_open ON findings (unit_path, score) WHERE resolved_at IS NULL;
CREATE INDEX findings_item ON findings (item_id);
CREATE INDEX findings_assignment ON findings (assignment_id);
