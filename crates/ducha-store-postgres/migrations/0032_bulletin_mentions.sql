-- The units a bulletin (督查通报) praises (通报表扬) or criticises (通报批评), by id: the office
-- names them with the draft, next to its own words, and they are frozen with the bulletin when
-- it is published (the trigger refuses any change then). Publishing gives each one a fact of
-- the assessment (`score_facts` source `bulletins`, derived from this table with the
-- bulletin's publication and its event). No bulletin had mentions before this table, so no
-- fact is missing from `score_facts`: it is not filled again.
CREATE TABLE bulletin_mentions (
    bulletin_id BIGINT NOT NULL REFERENCES bulletins (id),
    unit_id BIGINT NOT NULL REFERENCES units (id),
    -- `praise` or `criticism`.
    kind TEXT NOT NULL CHECK (kind IN ('praise', 'criticism')),
    PRIMARY KEY (bulletin_id, unit_id)
);

CREATE FUNCTION bulletin_mentions_published_final() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    b BIGINT;
BEGIN
    IF TG_OP = 'INSERT' THEN
        b := NEW.bulletin_id;
    ELSE
        b := OLD.bulletin_id;
    END IF;
    IF (SELECT state FROM bulletins WHERE id = b) = 'published' THEN
        RAISE EXCEPTION 'a published bulletin never changes';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER bulletin_mentions_published_no_change
BEFORE INSERT OR UPDATE OR DELETE ON bulletin_mentions
FOR EACH ROW EXECUTE FUNCTION bulletin_mentions_published_final();
