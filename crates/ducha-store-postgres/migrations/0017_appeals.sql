-- Citizens' appeals (群众诉求): from the public form, imported 12345 work orders or other
-- channels. The text everyone sees is masked; the original text and the contact are kept
-- sealed (encrypted with the key ring, bound to `appeals.text:<code>` / `appeals.contact:<code>`)
-- for the roles that call back. A photo is kept in the evidence store by its SHA-256.

CREATE TABLE appeals (
    id BIGSERIAL PRIMARY KEY,
    -- The tracking code (查询码): 12 symbols, stored without dashes.
    code TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    -- The 12345 order number (工单编号) of an imported work order: the key of re-imports.
    external_no TEXT,
    unit_id BIGINT NOT NULL REFERENCES units (id),
    unit_path TEXT NOT NULL,
    category TEXT NOT NULL,
    text_masked TEXT NOT NULL,
    -- The original text when masking changed it (else empty), sealed.
    text_sealed TEXT NOT NULL DEFAULT '',
    contact_sealed TEXT NOT NULL DEFAULT '',
    -- Kinds of personal data found, comma separated.
    pii TEXT NOT NULL DEFAULT '',
    photo_sha256 TEXT,
    photo_mime TEXT,
    state TEXT NOT NULL,
    item_id BIGINT REFERENCES items (id),
    received_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    -- The staff member who imported or registered it; none for the public form.
    created_by BIGINT REFERENCES users (id),
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (source, external_no)
);
-- A unit's subtree, newest first (the office's list).
CREATE INDEX appeals_unit ON appeals (unit_path, id);
CREATE INDEX appeals_item ON appeals (item_id);

-- The column mapping of an import source (e.g. 市12345平台), per jurisdiction.
CREATE TABLE appeal_mappings (
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    source_name TEXT NOT NULL,
    mapping TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES users (id),
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (scope_unit_id, source_name)
);

-- Submission counters of the public form per key (`addr:<ip>`, `contact:<sha256>`) in a
-- window: every node sees the same count. Delivery state, outside the event chain.
CREATE TABLE appeal_throttle (
    key TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);

-- The key that signs the public form's check questions, made once by the first node that
-- needs it, so every node verifies what another signed.
CREATE TABLE appeal_keys (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    challenge_key TEXT NOT NULL
);
