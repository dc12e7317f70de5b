-- The register filtered by light and sorted by deadline (the dashboard's red list: "light =
-- red, by deadline, ten rows" over a whole province) walked the deadline index and filtered
-- out every closed item due earlier (87,000 rows at a province's size, 70 ms on PostgreSQL);
-- with the light first, the ten are the start of one range.
CREATE INDEX items_light_deadline ON items (light, deadline, id);
