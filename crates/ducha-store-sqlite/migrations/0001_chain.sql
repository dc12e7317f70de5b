-- The responsibility chain: units, users, items, assignments, reports, requests, and the
-- append-only, hash-chained event log.

CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES units (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'county', 'township', 'village', 'department', 'supervision_body')),
    path TEXT UNIQUE,
    -- The nearest government level at or above the unit: what its supervisors oversee.
    jurisdiction_path TEXT,
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT
);

CREATE TABLE items (
    id INTEGER PRIMARY KEY,
    number TEXT UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    targets TEXT NOT NULL,
    deadline TEXT NOT NULL,
    cadence TEXT NOT NULL,
    leader_id INTEGER REFERENCES users (id),
    public INTEGER NOT NULL,
    state TEXT NOT NULL,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    scope_path TEXT NOT NULL,
    owner_unit_id INTEGER NOT NULL REFERENCES units (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    dispatched_at TEXT,
    closed_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_scope ON items (scope_path);
CREATE INDEX items_deadline ON items (deadline, id);
CREATE INDEX items_state ON items (state, id);

CREATE TABLE item_counters (
    scope_unit_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (scope_unit_id, year)
);

CREATE TABLE assignments (
    id INTEGER PRIMARY KEY,
    item_id INTEGER NOT NULL REFERENCES items (id),
    parent_id INTEGER REFERENCES assignments (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    unit_path TEXT NOT NULL,
    role TEXT NOT NULL,
    responsible_user_id INTEGER REFERENCES users (id),
    deadline TEXT NOT NULL,
    original_deadline TEXT NOT NULL,
    targets TEXT NOT NULL,
    instructions TEXT NOT NULL,
    state TEXT NOT NULL,
    dispatched_at TEXT NOT NULL,
    dispatched_by INTEGER NOT NULL REFERENCES users (id),
    signed_at TEXT,
    completed_at TEXT,
    returned_count INTEGER NOT NULL DEFAULT 0,
    progress INTEGER,
    last_report_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX assignments_item ON assignments (item_id, unit_path);
CREATE INDEX assignments_unit_path ON assignments (unit_path, item_id);
CREATE INDEX assignments_parent ON assignments (parent_id);

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    item_id INTEGER NOT NULL REFERENCES items (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    percent INTEGER,
    metrics TEXT NOT NULL,
    problems TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    reviewer_id INTEGER REFERENCES users (id),
    reviewed_at TEXT,
    review_comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX reports_item ON reports (item_id);
CREATE INDEX reports_assignment ON reports (assignment_id);

CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    item_id INTEGER NOT NULL REFERENCES items (id),
    from_unit_id INTEGER NOT NULL REFERENCES units (id),
    to_unit_id INTEGER NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    answer TEXT,
    answered_by INTEGER REFERENCES users (id),
    answered_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX help_requests_item ON help_requests (item_id);
CREATE INDEX help_requests_to ON help_requests (to_unit_id, id);

CREATE TABLE extensions (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    item_id INTEGER NOT NULL REFERENCES items (id),
    old_deadline TEXT NOT NULL,
    requested_deadline TEXT NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX extensions_item ON extensions (item_id);
-- One pending extension per assignment, also under concurrent requests.
CREATE UNIQUE INDEX extensions_one_pending ON extensions (assignment_id) WHERE state = 'pending';

CREATE TABLE refusals (
    id INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    item_id INTEGER NOT NULL REFERENCES items (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT,
    comment TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX refusals_item ON refusals (item_id);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor_user INTEGER,
    actor_unit INTEGER,
    kind TEXT NOT NULL,
    item_id INTEGER,
    assignment_id INTEGER,
    unit_id INTEGER,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_item ON events (item_id, seq);
CREATE INDEX events_assignment ON events (assignment_id, seq);
CREATE INDEX events_unit ON events (unit_id, seq);

-- Append-only: the application never updates or deletes events.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The chain's head, one row: its lock serialises appends.
CREATE TABLE event_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    algo TEXT NOT NULL
);
INSERT INTO event_chain (id, seq, hash, algo)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');
