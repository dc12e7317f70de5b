-- The clock: the working-day calendar, computed lights, urge notices, summonses, the in-app
-- inbox, the notification outbox and the scheduler's job leases.

CREATE TABLE calendar_days (
    day TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('holiday', 'workday')),
    name TEXT NOT NULL
);

-- Derived columns (recomputable from the rows, the calendar and the rules): the light's rank
-- (0 green, 1 blue, 2 yellow, 3 red; NULL once finished) and its reason.
ALTER TABLE assignments ADD COLUMN light INTEGER;
ALTER TABLE assignments ADD COLUMN light_reason TEXT;
-- A returned completion not reported on since.
ALTER TABLE assignments ADD COLUMN returned_open INTEGER NOT NULL DEFAULT 0;
-- The worst light of the item's open assignments.
ALTER TABLE items ADD COLUMN light INTEGER;
CREATE INDEX items_light ON items (light, id);
-- A deadline given as N working days from dispatch: dispatch counts it from its own day.
ALTER TABLE items ADD COLUMN deadline_working_days INTEGER;

ALTER TABLE users ADD COLUMN notify_prefs TEXT NOT NULL DEFAULT '{}';

CREATE TABLE counters (
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (name, year)
);

CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL UNIQUE,
    item_id INTEGER NOT NULL REFERENCES items (id),
    assignment_id INTEGER NOT NULL REFERENCES assignments (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    unit_path TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('blue', 'orange', 'red')),
    cause TEXT NOT NULL,
    requirement TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    deadline TEXT NOT NULL,
    state TEXT NOT NULL,
    issued_by INTEGER REFERENCES users (id),
    issued_at TEXT NOT NULL,
    previous_id INTEGER REFERENCES notices (id),
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at TEXT,
    resolved_on TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
-- One open notice per assignment: a rerun sweep, or a second node, cannot issue it twice.
CREATE UNIQUE INDEX notices_one_open ON notices (assignment_id) WHERE state = 'open';
CREATE INDEX notices_item ON notices (item_id, id);
CREATE INDEX notices_unit ON notices (unit_id, id);
CREATE INDEX notices_open ON notices (state, id);

CREATE TABLE summons (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    notice_id INTEGER NOT NULL UNIQUE REFERENCES notices (id),
    reds INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX summons_unit ON summons (unit_id, id);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT,
    urgent INTEGER NOT NULL,
    item_id INTEGER,
    notice_id INTEGER,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);

-- Deliveries to other systems, written in the transaction of the event that causes them.
-- held: waiting for the daily digest; pending: due at next_attempt_at; sent; dead (gave up);
-- merged: went out inside a digest.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    message TEXT NOT NULL,
    digest_key TEXT,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claim_until TEXT,
    last_error TEXT,
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at, id);

CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    next_run_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    last_started_at TEXT,
    last_finished_at TEXT,
    last_result TEXT,
    runs INTEGER NOT NULL DEFAULT 0
);
