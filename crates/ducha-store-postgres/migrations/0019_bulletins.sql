-- Bulletins (督查通报): a jurisdiction's monthly or quarterly official report. The figures are
-- computed from the data of the period when the draft is made (or refreshed) and kept as JSON,
-- with those of the period before, so the text says what changed; the office writes the good
-- practice and criticism. A draft is submitted, approved by a leader and published; only then
-- does it get its number (督查通报〔2026〕11号, a sequence per jurisdiction and year). A
-- published bulletin never changes (the triggers refuse it): a correction is a new bulletin
-- citing the old one.

CREATE TABLE bulletins (
    id BIGSERIAL PRIMARY KEY,
    scope_unit_id BIGINT NOT NULL REFERENCES units (id),
    -- `monthly` or `quarterly`.
    kind TEXT NOT NULL,
    -- `2026-10` or `2026-Q4`.
    period TEXT NOT NULL,
    title TEXT NOT NULL,
    -- `draft`, `submitted`, `approved` or `published`.
    state TEXT NOT NULL,
    -- The period's figures and the previous period's, JSON.
    figures TEXT NOT NULL,
    generated_at TIMESTAMPTZ NOT NULL,
    good_practice TEXT NOT NULL DEFAULT '',
    criticism TEXT NOT NULL DEFAULT '',
    -- The published bulletin this one corrects.
    corrects_id BIGINT REFERENCES bulletins (id),
    -- The year and sequence of its number, given when published.
    year BIGINT,
    number BIGINT,
    -- The leader's remark when sending a draft back.
    remark TEXT NOT NULL DEFAULT '',
    created_by BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    approved_by BIGINT REFERENCES users (id),
    approved_at TIMESTAMPTZ,
    published_at TIMESTAMPTZ,
    version BIGINT NOT NULL DEFAULT 0,
    UNIQUE (scope_unit_id, year, number)
);
CREATE INDEX bulletins_scope ON bulletins (scope_unit_id, id);

CREATE FUNCTION bulletins_published_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.state = 'published' THEN
        RAISE EXCEPTION 'a published bulletin never changes';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER bulletins_published_no_change BEFORE UPDATE OR DELETE ON bulletins
FOR EACH ROW EXECUTE FUNCTION bulletins_published_final();
