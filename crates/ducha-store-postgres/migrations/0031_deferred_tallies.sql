-- The dashboard's tallies (migrations 0021 and 0029) in a long transaction: a ledger import
-- registers and dispatches thousands of matters in one transaction, and each move of a matter
-- rewrote the same few tally rows. PostgreSQL makes every rewrite of a row that the
-- transaction already rewrote walk all the versions it made before, so the import grew with
-- the square of its size (10,000 matters: 100,000 rewrites of 30 rows). Such a transaction
-- now calls begin_deferred_tallies() first: the triggers note each move in a temporary table,
-- and fold_deferred_tallies() adds the moves up and writes each tally row once, in key order,
-- just before the commit. Every other transaction keeps the tallies as before.

CREATE FUNCTION begin_deferred_tallies() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMPORARY TABLE deferred_item_tally (
        key TEXT[] NOT NULL,
        delta BIGINT NOT NULL
    ) ON COMMIT DROP;
    CREATE TEMPORARY TABLE deferred_light_tally (
        unit_id BIGINT NOT NULL,
        light BIGINT NOT NULL,
        delta BIGINT NOT NULL
    ) ON COMMIT DROP;
    PERFORM set_config('ducha.defer_tallies', 'on', true);
END;
$$;

CREATE FUNCTION fold_deferred_tallies() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('ducha.defer_tallies', 'off', true);
    INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
    SELECT t.key[1], t.key[2], t.key[3], t.key[4], t.key[5], CAST(t.key[6] AS BIGINT),
           CAST(t.key[7] AS BIGINT), CAST(SUM(t.delta) AS BIGINT)
    FROM pg_temp.deferred_item_tally t
    GROUP BY t.key HAVING SUM(t.delta) <> 0 ORDER BY t.key
    ON CONFLICT (scope_path, source, category, month, state, light, on_time)
    DO UPDATE SET n = cockpit_items.n + EXCLUDED.n;
    DELETE FROM pg_temp.deferred_item_tally;
    INSERT INTO cockpit_lights (unit_id, light, n)
    SELECT t.unit_id, t.light, CAST(SUM(t.delta) AS BIGINT)
    FROM pg_temp.deferred_light_tally t
    GROUP BY t.unit_id, t.light HAVING SUM(t.delta) <> 0 ORDER BY t.unit_id, t.light
    ON CONFLICT (unit_id, light) DO UPDATE SET n = cockpit_lights.n + EXCLUDED.n;
    DELETE FROM pg_temp.deferred_light_tally;
END;
$$;

CREATE OR REPLACE FUNCTION cockpit_items_add(k TEXT[], d BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ducha.defer_tallies', true) = 'on' THEN
        INSERT INTO pg_temp.deferred_item_tally (key, delta) VALUES (k, d);
        RETURN;
    END IF;
    INSERT INTO cockpit_items (scope_path, source, category, month, state, light, on_time, n)
    VALUES (k[1], k[2], k[3], k[4], k[5], CAST(k[6] AS BIGINT), CAST(k[7] AS BIGINT), d)
    ON CONFLICT (scope_path, source, category, month, state, light, on_time)
    DO UPDATE SET n = cockpit_items.n + d;
END;
$$;

CREATE OR REPLACE FUNCTION cockpit_lights_track() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF current_setting('ducha.defer_tallies', true) = 'on' THEN
        IF old_key IS NOT NULL THEN
            INSERT INTO pg_temp.deferred_light_tally (unit_id, light, delta)
            VALUES (old_key[1], old_key[2], -1);
        END IF;
        IF new_key IS NOT NULL THEN
            INSERT INTO pg_temp.deferred_light_tally (unit_id, light, delta)
            VALUES (new_key[1], new_key[2], 1);
        END IF;
        RETURN NULL;
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
