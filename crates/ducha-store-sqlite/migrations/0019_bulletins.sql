-- Bulletins (督查通报): a jurisdiction's monthly or quarterly official report. The figures are
-- computed from the data of the period when the draft is made (or refreshed) and kept as JSON,
-- with those of the period before, so the text says what changed; the office writes the good
-- practice and criticism. A draft is submitted, approved by a leader and published; only then
-- does it get its number (督查通报〔2026〕11号, a sequence per jurisdiction and year). A
-- published bulletin never changes (the triggers refuse it): a correction is a new bulletin
-- citing the old one.

CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY,
    scope_unit_id INTEGER NOT NULL REFERENCES units (id),
    -- `monthly` or `quarterly`.
    kind TEXT NOT NULL,
    -- `2026-10` or `2026-Q4`.
    period TEXT NOT NULL,
    title TEXT NOT NULL,
    -- `draft`, `submitted`, `approved` or `published`.
    state TEXT NOT NULL,
    -- The period's figures and the previous period's, JSON.
    figures TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    good_practice TEXT NOT NULL DEFAULT '',
    criticism TEXT NOT NULL DEFAULT '',
    -- The published bulletin this one corrects.
    corrects_id INTEGER REFERENCES bulletins (id),
    -- The year and sequence of its number, given when published.
    year INTEGER,
    number INTEGER,
    -- The leader's remark when sending a draft back.
    remark TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    approved_by INTEGER REFERENCES users (id),
    approved_at TEXT,
    published_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    UNIQUE (scope_unit_id, year, number)
);
CREATE INDEX bulletins_scope ON bulletins (scope_unit_id, id);

CREATE TRIGGER bulletins_published_no_update BEFORE UPDATE ON bulletins
WHEN OLD.state = 'published'
BEGIN SELECT RAISE(ABORT, 'a published bulletin never changes'); END;
CREATE TRIGGER bulletins_published_no_delete BEFORE DELETE ON bulletins
WHEN OLD.state = 'published'
BEGIN SELECT RAISE(ABORT, 'a published bulletin never changes'); END;
