-- The leader's dashboard (驾驶舱): items counted by where they are registered, source,
-- category, deadline month, state, light (-1 for none) and whether they closed on time, kept by
-- triggers in the transaction that writes the item, so the dashboard reads a few thousand
-- tally rows instead of grouping every item of a province. A cache of `items`: rebuilt here
-- from the rows, never written by code.
CREATE TABLE cockpit_items (
    scope_path TEXT NOT NULL,
    source TEXT NOT NULL,
    category TEXT NOT NULL,
    month TEXT NOT NULL,
    state TEXT NOT NULL,
    light BIGINT NOT NULL,
    on_time BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (scope_path, source, category, month, state, light, on_time)
);

-- An item's key in the tally (the closing day in China time, UTC+8, as the dashboard reads it).
CREATE FUNCTION cockpit_items_key(i items) RETURNS TEXT[] LANGUAGE sql STABLE AS $$
    SELECT ARRAY[i.scope_path, i.source, i.category, SUBSTR(CAST(i.deadline AS TEXT), 1, 7),
                 i.state, CAST(COALESCE(i.light, -1) AS TEXT),
                 CASE WHEN i.closed_at IS NOT NULL
                           AND CAST((i.closed_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)
                               <= i.deadline
                      THEN '1' ELSE '0' END]
$$;

CREATE FUNCTION cockpit_items_add(k TEXT[], d BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
    VALUES (k[1], k[2], k[3], k[4], k[5], CAST(k[6] AS BIGINT), CAST(k[7] AS BIGINT), d)
    ON CONFLICT (scope_path, source, category, month, state, light, on_time)
    DO UPDATE SET n = cockpit_items.n + d
$$;

INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
SELECT k[1], k[2], k[3], k[4], k[5], CAST(k[6] AS BIGINT), CAST(k[7] AS BIGINT), COUNT(*)
FROM (SELECT cockpit_items_key(items) AS k FROM items) s
GROUP BY k;

-- One row's move: the old count down, the new one up, the lower key first so that two
-- transactions moving items between the same two rows take them in the same order.
CREATE FUNCTION cockpit_items_track() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_key TEXT[];
    new_key TEXT[];
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_key := cockpit_items_key(OLD);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_key := cockpit_items_key(NEW);
    END IF;
    IF old_key IS NOT NULL AND new_key IS NOT NULL AND old_key = new_key THEN
        RETURN NULL;
    END IF;
    IF old_key IS NOT NULL AND (new_key IS NULL OR old_key < new_key) THEN
        PERFORM cockpit_items_add(old_key, -1);
        old_key := NULL;
    END IF;
    IF new_key IS NOT NULL THEN
        PERFORM cockpit_items_add(new_key, 1);
    END IF;
    IF old_key IS NOT NULL THEN
        PERFORM cockpit_items_add(old_key, -1);
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER cockpit_items_insert AFTER INSERT ON items
FOR EACH ROW EXECUTE FUNCTION cockpit_items_track();
CREATE TRIGGER cockpit_items_update
AFTER UPDATE OF scope_path, source, category, deadline, state, light, closed_at ON items
FOR EACH ROW EXECUTE FUNCTION cockpit_items_track();
CREATE TRIGGER cockpit_items_delete AFTER DELETE ON items
FOR EACH ROW EXECUTE FUNCTION cockpit_items_track();
