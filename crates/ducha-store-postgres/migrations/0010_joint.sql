-- Integrated supervision (整合督查资源): the leading group's seats, joint meetings with their
-- agenda, decisions and pre-read packs, and one inspection register across bodies with the
-- overlaps between their plans and the findings turned into rectification items.

-- A seat of a jurisdiction's leading group: a person (组长, 副组长) or a body (办公室, 成员单位)
-- with its liaison. A unit that holds a body seat reads the jurisdiction's whole register.
CREATE TABLE joint_seats (
    id BIGSERIAL PRIMARY KEY,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    position TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    body_kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users (id),
    lead_topics TEXT NOT NULL DEFAULT '',
    seat_key TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (scope_unit_id, seat_key)
);
CREATE INDEX joint_seats_unit ON joint_seats (unit_id);

CREATE TABLE meetings (
    id BIGSERIAL PRIMARY KEY,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    year BIGINT NOT NULL,
    number BIGINT NOT NULL,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    place TEXT NOT NULL,
    chair_user_id BIGINT REFERENCES users (id),
    state TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    pack_sent_at TIMESTAMPTZ,
    held_at TIMESTAMPTZ,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (scope_unit_id, year, number)
);
CREATE INDEX meetings_pack ON meetings (held_on) WHERE state = 'planned' AND pack_sent_at IS NULL;

CREATE TABLE meeting_attendees (
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    seat_id BIGINT NOT NULL REFERENCES joint_seats (id),
    PRIMARY KEY (meeting_id, seat_id)
);

-- A line of the agenda: an item with the reasons it is there (proposed) or a topic the office
-- added; a removed line stays, marked.
CREATE TABLE agenda_lines (
    id BIGSERIAL PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    position BIGINT NOT NULL,
    item_id BIGINT REFERENCES items (id),
    topic TEXT NOT NULL,
    reasons TEXT NOT NULL,
    weight BIGINT NOT NULL,
    origin TEXT NOT NULL,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX agenda_lines_meeting ON agenda_lines (meeting_id, position);

-- A decision of a held meeting against an agenda line; `item_id` is the item it created or
-- changed.
CREATE TABLE meeting_decisions (
    id BIGSERIAL PRIMARY KEY,
    meeting_id BIGINT NOT NULL REFERENCES meetings (id),
    line_id BIGINT NOT NULL REFERENCES agenda_lines (id),
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    item_id BIGINT REFERENCES items (id),
    unit_id BIGINT REFERENCES units (id),
    deadline DATE,
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions (meeting_id, id);
CREATE INDEX meeting_decisions_item ON meeting_decisions (item_id);

-- The pre-read pack as it was sent: a snapshot of each line's chain, lights and latest reports.
CREATE TABLE meeting_packs (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings (id),
    content TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- A planned inspection of a body (督查检查计划).
CREATE TABLE inspections (
    id BIGSERIAL PRIMARY KEY,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    body_unit_id BIGINT NOT NULL REFERENCES units (id),
    topic TEXT NOT NULL,
    basis TEXT NOT NULL,
    method TEXT NOT NULL,
    window_from DATE NOT NULL,
    window_to DATE NOT NULL,
    people BIGINT NOT NULL,
    days_on_site BIGINT NOT NULL,
    forms BIGINT NOT NULL,
    annual BOOLEAN NOT NULL,
    state TEXT NOT NULL,
    flags TEXT NOT NULL,
    merged_into BIGINT REFERENCES inspections (id),
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMPTZ,
    comment TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX inspections_scope ON inspections (scope_unit_id, window_from);
CREATE INDEX inspections_body ON inspections (body_unit_id, window_from);

CREATE TABLE inspection_targets (
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    PRIMARY KEY (inspection_id, unit_id)
);
CREATE INDEX inspection_targets_unit ON inspection_targets (unit_id, inspection_id);

-- An overlap found when `inspection_id` was filed, with the earlier plan `other_id`; the merge
-- is proposed to the lead body.
CREATE TABLE inspection_overlaps (
    id BIGSERIAL PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    other_id BIGINT NOT NULL REFERENCES inspections (id),
    kind TEXT NOT NULL,
    units TEXT NOT NULL,
    similarity BIGINT NOT NULL,
    lead_id BIGINT NOT NULL REFERENCES inspections (id),
    state TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users (id),
    decided_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX inspection_overlaps_inspection ON inspection_overlaps (inspection_id);
CREATE INDEX inspection_overlaps_other ON inspection_overlaps (other_id);

-- A finding of an inspection and the rectification item it became.
CREATE TABLE inspection_findings (
    id BIGSERIAL PRIMARY KEY,
    inspection_id BIGINT NOT NULL REFERENCES inspections (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    text TEXT NOT NULL,
    item_id BIGINT NOT NULL REFERENCES items (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX inspection_findings_inspection ON inspection_findings (inspection_id);
CREATE INDEX inspection_findings_item ON inspection_findings (item_id);
