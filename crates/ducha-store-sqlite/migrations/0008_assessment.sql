-- Assessment (平时成绩): rule sets per jurisdiction, finalised periods with their lines, and
-- appeals (申辩). Open periods are computed from the facts on demand; finalising stores them.

-- A jurisdiction's rule sets, by version; the latest loaded is in force.
CREATE TABLE rule_sets (
    id INTEGER PRIMARY KEY,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    version TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    loaded_by INTEGER REFERENCES users (id),
    loaded_at TEXT NOT NULL,
    UNIQUE (scope_unit_id, version)
);

-- A finalised period of a jurisdiction: nothing in it changes afterwards.
CREATE TABLE score_periods (
    id INTEGER PRIMARY KEY,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    digest TEXT NOT NULL,
    finalized_by INTEGER REFERENCES users (id),
    finalized_at TEXT NOT NULL,
    UNIQUE (scope_unit_id, period)
);

CREATE TABLE score_totals (
    period_id INTEGER NOT NULL REFERENCES score_periods (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    base INTEGER NOT NULL,
    total INTEGER NOT NULL,
    flags TEXT NOT NULL,
    PRIMARY KEY (period_id, unit_id)
);

CREATE TABLE score_lines (
    period_id INTEGER NOT NULL REFERENCES score_periods (id),
    unit_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (period_id, unit_id, position)
);

-- A unit contests a line of an open period's score card.
CREATE TABLE score_appeals (
    id INTEGER PRIMARY KEY,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    line_key TEXT NOT NULL,
    reason TEXT NOT NULL,
    evidence TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX score_appeals_period ON score_appeals (scope_unit_id, period, state);
-- One pending appeal per line.
CREATE UNIQUE INDEX score_appeals_one_pending ON score_appeals (scope_unit_id, period, unit_id, line_key)
    WHERE state = 'pending';

-- The facts of a period, read by date.
CREATE INDEX notices_issued ON notices (issued_at);
CREATE INDEX reports_returned ON reports (reviewed_at) WHERE state = 'returned';
CREATE INDEX hop_facts_completed ON hop_facts (completed_at) WHERE completed_at IS NOT NULL;
CREATE INDEX findings_found ON findings (found_at);
CREATE INDEX assignments_responsible ON assignments (responsible_user_id) WHERE responsible_user_id IS NOT NULL;
