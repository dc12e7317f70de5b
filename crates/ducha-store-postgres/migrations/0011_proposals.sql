-- NPC deputies' suggestions (人大代表建议) and CPPCC members' proposals (政协委员提案): a
-- session's list, each suggestion's current round of handling with its legal clock, co-units'
-- opinions, replies with grades and the proposer's satisfaction, and communication records.
-- Each round is handled through an item (source npc_suggestion / cppcc_proposal), so lights
-- and urge notices run on the items' clock.

CREATE TABLE proposal_sessions (
    id BIGSERIAL PRIMARY KEY,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    year BIGINT NOT NULL,
    return_days BIGINT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (scope_unit_id, name)
);

-- One suggestion; the clock columns are its current round's (a round handled again gets new
-- ones; the replies keep each round's due date).
CREATE TABLE proposals (
    id BIGSERIAL PRIMARY KEY,
    session_id BIGINT NOT NULL REFERENCES proposal_sessions (id),
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    proposers TEXT NOT NULL,
    grp TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    mode TEXT,
    round BIGINT NOT NULL DEFAULT 0,
    item_id BIGINT REFERENCES items (id),
    started_on DATE,
    return_by DATE,
    co_due DATE,
    reply_due DATE,
    extension_limit DATE,
    ext_state TEXT,
    ext_to DATE,
    ext_reason TEXT NOT NULL DEFAULT '',
    ext_comment TEXT NOT NULL DEFAULT '',
    ext_asked_by BIGINT REFERENCES users (id),
    ext_decided_by BIGINT REFERENCES users (id),
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (session_id, number)
);
CREATE INDEX proposals_item ON proposals (item_id);

CREATE TABLE proposal_opinions (
    id BIGSERIAL PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    round BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    on_time BOOLEAN NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (proposal_id, round, unit_id)
);

-- A unit's reply in a round, graded; the office enters the proposer's satisfaction on it. A
-- B grade's commitment is supervised as its own item.
CREATE TABLE proposal_replies (
    id BIGSERIAL PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    round BIGINT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    grade TEXT NOT NULL,
    commitment TEXT NOT NULL DEFAULT '',
    commitment_due DATE,
    follow_item_id BIGINT REFERENCES items (id),
    due DATE NOT NULL,
    replied_on DATE NOT NULL,
    on_time BOOLEAN NOT NULL,
    satisfaction TEXT,
    satisfaction_note TEXT NOT NULL DEFAULT '',
    rated_by BIGINT REFERENCES users (id),
    rated_at TIMESTAMPTZ,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (proposal_id, round, unit_id)
);
CREATE INDEX proposal_replies_unit ON proposal_replies (unit_id);

CREATE TABLE proposal_contacts (
    id BIGSERIAL PRIMARY KEY,
    proposal_id BIGINT NOT NULL REFERENCES proposals (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    mode TEXT NOT NULL,
    on_date DATE NOT NULL,
    note TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX proposal_contacts_proposal ON proposal_contacts (proposal_id);
