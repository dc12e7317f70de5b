-- The units a bulletin (督查通报) praises (通报表扬) or criticises (通报批评), by id: the office
-- names them with the draft, next to its own words, and they are frozen with the bulletin when
-- it is published (the triggers refuse any change then). Publishing gives each one a fact of
-- the assessment (`score_facts` source `bulletins`, derived from this table with the
-- bulletin's publication and its event). No bulletin had mentions before this table, so no
-- fact is missing from `score_facts`: it is not filled again.
CREATE TABLE bulletin_mentions (
    bulletin_id INTEGER NOT NULL REFERENCES bulletins (id),
    unit_id INTEGER NOT NULL REFERENCES units (id),
    -- `praise` or `criticism`.
    kind TEXT NOT NULL CHECK (kind IN ('praise', 'criticism')),
    PRIMARY KEY (bulletin_id, unit_id)
);

CREATE TRIGGER bulletin_mentions_published_no_insert BEFORE INSERT ON bulletin_mentions
WHEN (SELECT state FROM bulletins WHERE id = NEW.bulletin_id) = 'published'
BEGIN SELECT RAISE(ABORT, 'a published bulletin never changes'); END;
CREATE TRIGGER bulletin_mentions_published_no_update BEFORE UPDATE ON bulletin_mentions
WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
BEGIN SELECT RAISE(ABORT, 'a published bulletin never changes'); END;
CREATE TRIGGER bulletin_mentions_published_no_delete BEFORE DELETE ON bulletin_mentions
WHEN (SELECT state FROM bulletins WHERE id = OLD.bulletin_id) = 'published'
BEGIN SELECT RAISE(ABORT, 'a published bulletin never changes'); END;
