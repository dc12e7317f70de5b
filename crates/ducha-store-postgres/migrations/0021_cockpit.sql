-- The leader's dashboard (驾驶舱): the open assignments each unit holds, by light, kept by
-- triggers in the transaction that writes the light, so the dashboard reads a few thousand
-- rows instead of every open assignment of a province. A cache of `assignments.light`
-- (itself a cache of the light rules): rebuilt here from the rows, never written by code.
CREATE TABLE cockpit_lights (
    unit_id BIGINT NOT NULL,
    light BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (unit_id, light)
);

INSERT INTO cockpit_lights (unit_id, light, n)
SELECT unit_id, light, COUNT(*) FROM assignments WHERE light IS NOT NULL GROUP BY unit_id, light;

-- One row's move: the old count down, the new one up, the lower key first so that two
-- transactions moving lights of one unit take the rows in the same order.
CREATE FUNCTION cockpit_lights_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key BIGINT[];
    new_key BIGINT[];
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.light IS NOT NULL THEN
        old_key := ARRAY[OLD.unit_id, OLD.light];
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.light IS NOT NULL THEN
        new_key := ARRAY[NEW.unit_id, NEW.light];
    END IF;
    IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
        UPDATE cockpit_lights SET n = n - 1 WHERE unit_id = old_key[1] AND light = old_key[2];
        old_key := NULL;
    END IF;
    IF new_key IS NOT NULL THEN
        INSERT INTO cockpit_lights (unit_id, light, n) VALUES (new_key[1], new_key[2], 1)
        ON CONFLICT (unit_id, light) DO UPDATE SET n = cockpit_lights.n + 1;
    END IF;
    IF old_key IS NOT NULL THEN
        UPDATE cockpit_lights SET n = n - 1 WHERE unit_id = old_key[1] AND light = old_key[2];
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cockpit_lights_insert AFTER INSERT ON assignments
FOR EACH ROW WHEN (NEW.light IS NOT NULL) EXECUTE FUNCTION cockpit_lights_track();
CREATE TRIGGER cockpit_lights_update AFTER UPDATE OF light, unit_id ON assignments
FOR EACH ROW WHEN (OLD.light IS DISTINCT FROM NEW.light OR OLD.unit_id <> NEW.unit_id)
EXECUTE FUNCTION cockpit_lights_track();
CREATE TRIGGER cockpit_lights_delete AFTER DELETE ON assignments
FOR EACH ROW WHEN (OLD.light IS NOT NULL) EXECUTE FUNCTION cockpit_lights_track();
