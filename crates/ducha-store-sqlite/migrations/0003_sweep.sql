-- The sweep's item roll-up reads each item's worst light from this index alone (one seek per
-- item for MAX) instead of visiting every assignment row.
CREATE INDEX assignments_item_light ON assignments (item_id, light);
-- "A notice resolved today is not followed by a new one the same day": looked up on every run.
CREATE INDEX notices_resolved ON notices (resolved_on);
