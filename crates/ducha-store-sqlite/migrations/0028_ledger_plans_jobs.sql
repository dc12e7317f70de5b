-- What a ledger (台账) names for a matter that is not dispatched by its import (imported as a
-- draft, or sent to the leader for approval): its lead and co-units and its note, as JSON
-- {"leads": [unit id, …], "co_units": […], "note": "…"}, so the leader approves the matter
-- with its units in view and the dispatch sends it to them. NULL for rows imported before.
ALTER TABLE ledger_refs ADD COLUMN plan TEXT;

-- Ledger imports and their progress, kept in the database so that any node answers the page
-- that polls one (behind the load balancer a poll may reach another node than the one that
-- runs the import). `state` is running, done, rejected or failed; `result` the outcome as
-- JSON once ended. Only the user who started one reads it.
CREATE TABLE ledger_jobs (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    state TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    done INTEGER NOT NULL DEFAULT 0,
    result TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ledger_jobs_created ON ledger_jobs (created_at);
