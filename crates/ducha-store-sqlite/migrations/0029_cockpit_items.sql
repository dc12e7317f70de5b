-- The leader's dashboard (驾驶舱): items counted by where they are registered, source,
-- category, deadline month, state, light (-1 for none) and whether they closed on time, kept by
-- triggers in the transaction that writes the item, so the dashboard reads a few thousand
-- tally rows instead of grouping every item of a province (0.3–0.6 s at 111,408 items). A cache
-- of `items`: rebuilt here from the rows, never written by code.
CREATE TABLE cockpit_items (
    scope_path TEXT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    state TEXT NOT NULL,
    light INTEGER NOT NULL,
    on_time INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (scope_path, source, category, month, state, light, on_time)
);

INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
SELECT scope_path, source, category, SUBSTR(CAST(deadline AS TEXT), 1, 7), state,
       COALESCE(light, -1),
       CASE WHEN closed_at IS NOT NULL AND DATE(closed_at, '+8 hours') <= deadline
            THEN 1 ELSE 0 END,
       COUNT(*)
FROM items
GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER cockpit_items_insert AFTER INSERT ON items
BEGIN
    INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
    VALUES (NEW.scope_path, NEW.source, NEW.category, SUBSTR(CAST(NEW.deadline AS TEXT), 1, 7),
            NEW.state, COALESCE(NEW.light, -1),
            CASE WHEN NEW.closed_at IS NOT NULL AND DATE(NEW.closed_at, '+8 hours') <= NEW.deadline
                 THEN 1 ELSE 0 END,
            1)
    ON CONFLICT (scope_path, source, category, month, state, light, on_time)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cockpit_items_update
AFTER UPDATE OF scope_path, source, category, deadline, state, light, closed_at ON items
WHEN OLD.scope_path IS NOT NEW.scope_path OR OLD.source IS NOT NEW.source
  OR OLD.category IS NOT NEW.category OR OLD.deadline IS NOT NEW.deadline
  OR OLD.state IS NOT NEW.state OR OLD.light IS NOT NEW.light
  OR OLD.closed_at IS NOT NEW.closed_at
BEGIN
    UPDATE cockpit_items SET n = n - 1
    WHERE scope_path = OLD.scope_path AND source = OLD.source AND category = OLD.category
      AND month = SUBSTR(CAST(OLD.deadline AS TEXT), 1, 7) AND state = OLD.state
      AND light = COALESCE(OLD.light, -1)
      AND on_time = CASE WHEN OLD.closed_at IS NOT NULL
                              AND DATE(OLD.closed_at, '+8 hours') <= OLD.deadline
                         THEN 1 ELSE 0 END;
    INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
    VALUES (NEW.scope_path, NEW.source, NEW.category, SUBSTR(CAST(NEW.deadline AS TEXT), 1, 7),
            NEW.state, COALESCE(NEW.light, -1),
            CASE WHEN NEW.closed_at IS NOT NULL AND DATE(NEW.closed_at, '+8 hours') <= NEW.deadline
                 THEN 1 ELSE 0 END,
            1)
    ON CONFLICT (scope_path, source, category, month, state, light, on_time)
    DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER cockpit_items_delete AFTER DELETE ON items
BEGIN
    UPDATE cockpit_items SET n = n - 1
    WHERE scope_path = OLD.scope_path AND source = OLD.source AND category = OLD.category
      AND month = SUBSTR(CAST(OLD.deadline AS TEXT), 1, 7) AND state = OLD.state
      AND light = COALESCE(OLD.light, -1)
      AND on_time = CASE WHEN OLD.closed_at IS NOT NULL
                              AND DATE(OLD.closed_at, '+8 hours') <= OLD.deadline
                         THEN 1 ELSE 0 END;
END;
