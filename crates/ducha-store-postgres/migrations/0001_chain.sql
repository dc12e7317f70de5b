-- The responsibility chain: units, users, items, assignments, reports, requests, and the
-- append-only, hash-chained event log.

CREATE TABLE units (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES units (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('city', 'county', 'township', 'village', 'department', 'supervision_body')),
    path TEXT UNIQUE,
    -- The nearest government level at or above the unit: what its supervisors oversee.
    jurisdiction_path TEXT,
    sort BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX units_parent ON units (parent_id);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ
);

CREATE TABLE items (
    id BIGSERIAL PRIMARY KEY,
    number TEXT UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    priority TEXT NOT NULL,
    targets TEXT NOT NULL,
    deadline DATE NOT NULL,
    cadence TEXT NOT NULL,
    leader_id BIGINT REFERENCES users (id),
    public BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    scope_path TEXT NOT NULL,
    owner_unit_id BIGINT NOT NULL REFERENCES units (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    dispatched_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX items_scope ON items (scope_path);
CREATE INDEX items_deadline ON items (deadline, id);
CREATE INDEX items_state ON items (state, id);

CREATE TABLE item_counters (
    scope_unit_id BIGINT NOT NULL,
    year BIGINT NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (scope_unit_id, year)
);

CREATE TABLE assignments (
    id BIGSERIAL PRIMARY KEY,
    item_id BIGINT NOT NULL REFERENCES items (id),
    parent_id BIGINT REFERENCES assignments (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    unit_path TEXT NOT NULL,
    role TEXT NOT NULL,
    responsible_user_id BIGINT REFERENCES users (id),
    deadline DATE NOT NULL,
    original_deadline DATE NOT NULL,
    targets TEXT NOT NULL,
    instructions TEXT NOT NULL,
    state TEXT NOT NULL,
    dispatched_at TIMESTAMPTZ NOT NULL,
    dispatched_by BIGINT NOT NULL REFERENCES users (id),
    signed_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    returned_count BIGINT NOT NULL DEFAULT 0,
    progress BIGINT,
    last_report_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX assignments_item ON assignments (item_id, unit_path);
CREATE INDEX assignments_unit_path ON assignments (unit_path, item_id);
CREATE INDEX assignments_parent ON assignments (parent_id);

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    item_id BIGINT NOT NULL REFERENCES items (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    percent BIGINT,
    metrics TEXT NOT NULL,
    problems TEXT NOT NULL,
    state TEXT NOT NULL,
    submitted_at TIMESTAMPTZ NOT NULL,
    reviewer_id BIGINT REFERENCES users (id),
    reviewed_at TIMESTAMPTZ,
    review_comment TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX reports_item ON reports (item_id);
CREATE INDEX reports_assignment ON reports (assignment_id);

CREATE TABLE help_requests (
    id BIGSERIAL PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    item_id BIGINT NOT NULL REFERENCES items (id),
    from_unit_id BIGINT NOT NULL REFERENCES units (id),
    to_unit_id BIGINT NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES users (id),
    answered_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX help_requests_item ON help_requests (item_id);
CREATE INDEX help_requests_to ON help_requests (to_unit_id, id);

CREATE TABLE extensions (
    id BIGSERIAL PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    item_id BIGINT NOT NULL REFERENCES items (id),
    old_deadline DATE NOT NULL,
    requested_deadline DATE NOT NULL,
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMPTZ,
    comment TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX extensions_item ON extensions (item_id);
-- One pending extension per assignment, also under concurrent requests.
CREATE UNIQUE INDEX extensions_one_pending ON extensions (assignment_id) WHERE state = 'pending';

CREATE TABLE refusals (
    id BIGSERIAL PRIMARY KEY,
    assignment_id BIGINT NOT NULL REFERENCES assignments (id),
    item_id BIGINT NOT NULL REFERENCES items (id),
    reason TEXT NOT NULL,
    state TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMPTZ,
    comment TEXT NOT NULL DEFAULT '',
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX refusals_item ON refusals (item_id);

CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    at TIMESTAMPTZ NOT NULL,
    actor_user BIGINT,
    actor_unit BIGINT,
    kind TEXT NOT NULL,
    item_id BIGINT,
    assignment_id BIGINT,
    unit_id BIGINT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_item ON events (item_id, seq);
CREATE INDEX events_assignment ON events (assignment_id, seq);
CREATE INDEX events_unit ON events (unit_id, seq);

-- Append-only: the application never updates or deletes events.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_change BEFORE UPDATE OR DELETE ON events
FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- The chain's head, one row: its lock serialises appends.
CREATE TABLE event_chain (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    algo TEXT NOT NULL
);
INSERT INTO event_chain (id, seq, hash, algo)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 'sha256');
