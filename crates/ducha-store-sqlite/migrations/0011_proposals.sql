-- NPC deputies' suggestions (人大代表建议) and CPPCC members' proposals (政协委员提案): a
-- session's list, each suggestion's current round of handling with its legal clock, co-units'
-- opinions, replies with grades and the proposer's satisfaction, and communication records.
-- Each round is handled through an item (source npc_suggestion / cppcc_proposal), so lights
-- and urge notices run on the items' clock.

CREATE TABLE proposal_sessions (
    id INTEGER PRIMARY KEY,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    year INTEGER NOT NULL,
    return_days INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (scope_unit_id, name)
);

-- One suggestion; the clock columns are its current round's (a round handled again gets new
-- ones; the replies keep each round's due date).
CREATE TABLE proposals (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES proposal_sessions (id),
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    proposers TEXT NOT NULL,
    grp TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    mode TEXT,
    round INTEGER NOT NULL DEFAULT 0,
    item_id INTEGER REFERENCES items (id),
    started_on TEXT,
    return_by TEXT,
    co_due TEXT,
    reply_due TEXT,
    extension_limit TEXT,
    ext_state TEXT,
    ext_to TEXT,
    ext_reason TEXT NOT NULL DEFAULT '',
    ext_comment TEXT NOT NULL DEFAULT '',
    ext_asked_by INTEGER REFERENCES users (id),
    ext_decided_by INTEGER REFERENCES users (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (session_id, number)
);
CREATE INDEX proposals_item ON proposals (item_id);

CREATE TABLE proposal_opinions (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    round INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    on_time INTEGER NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    UNIQUE (proposal_id, round, unit_id)
);

-- A unit's reply in a round, graded; the office enters the proposer's satisfaction on it. A
-- B grade's commitment is supervised as its own item.
CREATE TABLE proposal_replies (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    round INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    grade TEXT NOT NULL,
    commitment TEXT NOT NULL DEFAULT '',
    commitment_due TEXT,
    follow_item_id INTEGER REFERENCES items (id),
    due TEXT NOT NULL,
    replied_on TEXT NOT NULL,
    on_time INTEGER NOT NULL,
    satisfaction TEXT,
    satisfaction_note TEXT NOT NULL DEFAULT '',
    rated_by INTEGER REFERENCES users (id),
    rated_at TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (proposal_id, round, unit_id)
);
CREATE INDEX proposal_replies_unit ON proposal_replies (unit_id);

CREATE TABLE proposal_contacts (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES proposals (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    mode TEXT NOT NULL,
    on_date TEXT NOT NULL,
    note TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
CREATE INDEX proposal_contacts_proposal ON proposal_contacts (proposal_id);
