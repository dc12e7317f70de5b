-- The leader's dashboard (驾驶舱): the open assignments each unit holds, by light, kept by
-- triggers in the transaction that writes the light, so the dashboard reads a few thousand
-- rows instead of every open assignment of a province. A cache of `assignments.light`
-- (itself a cache of the light rules): rebuilt here from the rows, never written by code.
CREATE TABLE cockpit_lights (
    unit_id INTEGER NOT NULL,
    light INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (unit_id, light)
);

INSERT INTO cockpit_lights (unit_id, light, n)
SELECT unit_id, light, COUNT(*) FROM assignments WHERE light IS NOT NULL GROUP BY unit_id, light;

CREATE TRIGGER cockpit_lights_insert AFTER INSERT ON assignments
WHEN NEW.light IS NOT NULL
BEGIN
    INSERT INTO cockpit_lights (unit_id, light, n) VALUES (NEW.unit_id, NEW.light, 1)
    ON CONFLICT (unit_id, light) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cockpit_lights_update AFTER UPDATE OF light, unit_id ON assignments
WHEN OLD.light IS NOT NEW.light OR OLD.unit_id <> NEW.unit_id
BEGIN
    UPDATE cockpit_lights SET n = n - 1
    WHERE OLD.light IS NOT NULL AND unit_id = OLD.unit_id AND light = OLD.light;
    INSERT INTO cockpit_lights (unit_id, light, n)
    SELECT NEW.unit_id, NEW.light, 1 WHERE NEW.light IS NOT NULL
    ON CONFLICT (unit_id, light) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cockpit_lights_delete AFTER DELETE ON assignments
WHEN OLD.light IS NOT NULL
BEGIN
    UPDATE cockpit_lights SET n = n - 1 WHERE unit_id = OLD.unit_id AND light = OLD.light;
END;
