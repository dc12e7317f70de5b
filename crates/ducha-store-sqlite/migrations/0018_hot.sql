-- Hot issues (热点诉求): citizens' appeals about the same concrete problem, grouped by the
-- incremental clusterer. The groups are derived from the appeals (in id order), decided in one
-- place: the node holding the lease in `hot_state`, which writes each batch fenced by its
-- lease's epoch. What the office does with a hot issue (an item made of it, a merge into an
-- item) is a state change with its event.

CREATE TABLE hot_issues (
    id INTEGER PRIMARY KEY,
    -- The cluster's first appeal: the issue's identity, stable across rebuilds.
    first_appeal_id INTEGER NOT NULL UNIQUE REFERENCES appeals (id),
    -- The deepest unit path every member's unit lies under (the jurisdiction's scope).
    scope_path TEXT NOT NULL,
    category TEXT NOT NULL,
    appeal_count INTEGER NOT NULL DEFAULT 0,
    first_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    -- open | item (an item was made of it) | merged (merged into an existing item)
    -- | absorbed (joined into an older hot issue) | returned (came back after its item closed)
    state TEXT NOT NULL DEFAULT 'open',
    item_id INTEGER REFERENCES items (id),
    absorbed_into INTEGER REFERENCES hot_issues (id),
    returned_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hot_issues_scope ON hot_issues (scope_path, appeal_count);
CREATE INDEX hot_issues_item ON hot_issues (item_id);
CREATE INDEX hot_issues_last ON hot_issues (last_at);

-- Each appeal's hot issue.
CREATE TABLE hot_members (
    appeal_id INTEGER PRIMARY KEY REFERENCES appeals (id),
    hot_id INTEGER NOT NULL REFERENCES hot_issues (id)
);
CREATE INDEX hot_members_hot ON hot_members (hot_id, appeal_id);

-- Clusters joined because an appeal bridged them: the older one keeps its identity.
CREATE TABLE hot_merges (
    id INTEGER PRIMARY KEY,
    hot_id INTEGER NOT NULL REFERENCES hot_issues (id),
    absorbed_id INTEGER NOT NULL REFERENCES hot_issues (id),
    appeal_id INTEGER NOT NULL REFERENCES appeals (id),
    at TEXT NOT NULL
);

-- The one place that decides: the lease of the node that keeps the clusterer in memory, the
-- epoch that fences a former holder's writes, and the last appeal clustered.
CREATE TABLE hot_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    lease_owner TEXT,
    lease_until TEXT,
    epoch INTEGER NOT NULL DEFAULT 0,
    last_appeal_id INTEGER NOT NULL DEFAULT 0
);
INSERT INTO hot_state (id) VALUES (1);

-- A submitter's satisfaction with the item that handled the appeal, once per appeal.
CREATE TABLE appeal_satisfaction (
    appeal_id INTEGER PRIMARY KEY REFERENCES appeals (id),
    item_id INTEGER NOT NULL REFERENCES items (id),
    answer TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    at TEXT NOT NULL
);
CREATE INDEX appeal_satisfaction_item ON appeal_satisfaction (item_id);
