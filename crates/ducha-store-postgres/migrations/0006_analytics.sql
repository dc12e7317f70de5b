-- Chain analytics (链条分析): derived from the event log and the assignment rows, kept in step
-- by the commit that causes each change and rebuilt by `ducha analytics rebuild`.

-- One row per assignment: when each hop ended and how many working days it took.
CREATE TABLE hop_facts (
    assignment_id BIGINT PRIMARY KEY REFERENCES assignments (id),
    item_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    level BIGINT NOT NULL,
    parent_id BIGINT,
    reviewer_unit_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    dispatched_at TIMESTAMPTZ NOT NULL,
    signed_at TIMESTAMPTZ,
    sign_days BIGINT,
    decomposed_at TIMESTAMPTZ,
    decompose_days BIGINT,
    first_report_at TIMESTAMPTZ,
    first_report_days BIGINT,
    completion_requested_at TIMESTAMPTZ,
    review_days BIGINT NOT NULL DEFAULT 0,
    reviews BIGINT NOT NULL DEFAULT 0,
    decision_days BIGINT NOT NULL DEFAULT 0,
    decisions BIGINT NOT NULL DEFAULT 0,
    help_days BIGINT NOT NULL DEFAULT 0,
    helps BIGINT NOT NULL DEFAULT 0,
    extension_days BIGINT NOT NULL DEFAULT 0,
    refusal_days BIGINT NOT NULL DEFAULT 0,
    completed_at TIMESTAMPTZ,
    done_days BIGINT,
    late_days BIGINT
);
CREATE INDEX hop_facts_item ON hop_facts (item_id);
CREATE INDEX hop_facts_unit ON hop_facts (unit_id, dispatched_at);
CREATE INDEX hop_facts_reviewer ON hop_facts (reviewer_unit_id, dispatched_at);

-- Every finished hop, charged to the unit that held it (lost days with the reason).
CREATE TABLE hop_log (
    id BIGSERIAL PRIMARY KEY,
    assignment_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    hop TEXT NOT NULL,
    days BIGINT NOT NULL,
    reason TEXT
);
CREATE INDEX hop_log_assignment ON hop_log (assignment_id);

-- The stall map's sums per holding unit and month of dispatch, one column triple per hop.
CREATE TABLE stall_stats (
    unit_id BIGINT NOT NULL,
    month TEXT NOT NULL,
    unit_path TEXT NOT NULL,
    level BIGINT NOT NULL,
    sign_n BIGINT NOT NULL DEFAULT 0, sign_days BIGINT NOT NULL DEFAULT 0, sign_max BIGINT NOT NULL DEFAULT 0,
    decompose_n BIGINT NOT NULL DEFAULT 0, decompose_days BIGINT NOT NULL DEFAULT 0, decompose_max BIGINT NOT NULL DEFAULT 0,
    first_report_n BIGINT NOT NULL DEFAULT 0, first_report_days BIGINT NOT NULL DEFAULT 0, first_report_max BIGINT NOT NULL DEFAULT 0,
    review_n BIGINT NOT NULL DEFAULT 0, review_days BIGINT NOT NULL DEFAULT 0, review_max BIGINT NOT NULL DEFAULT 0,
    decision_n BIGINT NOT NULL DEFAULT 0, decision_days BIGINT NOT NULL DEFAULT 0, decision_max BIGINT NOT NULL DEFAULT 0,
    help_n BIGINT NOT NULL DEFAULT 0, help_days BIGINT NOT NULL DEFAULT 0, help_max BIGINT NOT NULL DEFAULT 0,
    extension_n BIGINT NOT NULL DEFAULT 0, extension_days BIGINT NOT NULL DEFAULT 0, extension_max BIGINT NOT NULL DEFAULT 0,
    refusal_n BIGINT NOT NULL DEFAULT 0, refusal_days BIGINT NOT NULL DEFAULT 0, refusal_max BIGINT NOT NULL DEFAULT 0,
    lost_n BIGINT NOT NULL DEFAULT 0, lost_days BIGINT NOT NULL DEFAULT 0, lost_max BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (unit_id, month)
);
CREATE INDEX stall_stats_map ON stall_stats (level, unit_path, month);

-- Findings judged when an event was committed (decompositions, accepted completions).
CREATE TABLE findings (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    item_id BIGINT NOT NULL,
    assignment_id BIGINT NOT NULL,
    unit_id BIGINT NOT NULL,
    unit_path TEXT NOT NULL,
    subject TEXT NOT NULL,
    score BIGINT NOT NULL,
    args TEXT NOT NULL,
    event_seq BIGINT NOT NULL,
    found_at TIMESTAMPTZ NOT NULL,
    resolved_at TIMESTAMPTZ
);
-- The units waiting to sign (the stall map's live column).
CREATE INDEX assignments_unsigned ON assignments (unit_path) WHERE state = 'pending';

CREATE INDEX findings_open ON findings (unit_path, score) WHERE resolved_at IS NULL;
CREATE INDEX findings_item ON findings (item_id);
CREATE INDEX findings_assignment ON findings (assignment_id);
