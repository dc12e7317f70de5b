//! The SQL of the leader's dashboard (驾驶舱): the triggers' tally of lit assignments per unit
//! (migration `0021_cockpit`), their tally of items per scope (`0029_cockpit_items`), and one
//! grouped pass over the visible items registered outside the reader's scope.

/// Implements `CockpitStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_cockpit {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl CockpitStore for $store {
            async fn cockpit_lights(
                &self,
                root: &UnitPath,
                level: i64,
                top: i64,
            ) -> StoreResult<Vec<LightTallyRow>> {
                // Added up in the database: a province's tally has tens of thousands of rows
                // (a unit and a light each), and handing each to the service cost more than
                // the rest of the dashboard together.
                let mut d = Dynamic::default();
                let r = d.subtree("u.path", root);
                let level = d.arg(Arg::I64(level));
                let top = d.arg(Arg::I64(top));
                let by = |rank: i64| {
                    format!("CAST(SUM(CASE WHEN t.light = {rank} THEN t.n ELSE 0 END) AS BIGINT)")
                };
                let (green, blue, yellow, red) = (by(0), by(1), by(2), by(3));
                d.sql = format!(
                    "WITH per AS (SELECT t.unit_id, u.name, \
                     CAST(LENGTH(u.path) - LENGTH(REPLACE(u.path, '/', '')) - 1 AS BIGINT) \
                     AS depth, {green} AS green, {blue} AS blue, {yellow} AS yellow, \
                     {red} AS red FROM cockpit_lights t JOIN units u ON u.id = t.unit_id \
                     WHERE {r} AND t.n > 0 GROUP BY t.unit_id, u.name, u.path) \
                     SELECT depth, CAST(NULL AS BIGINT) AS unit_id, CAST(NULL AS TEXT) AS name, \
                     CAST(COUNT(*) AS BIGINT) AS units, CAST(SUM(green) AS BIGINT) AS green, \
                     CAST(SUM(blue) AS BIGINT) AS blue, CAST(SUM(yellow) AS BIGINT) AS yellow, \
                     CAST(SUM(red) AS BIGINT) AS red FROM per GROUP BY depth \
                     UNION ALL SELECT * FROM (SELECT depth, unit_id, name, \
                     CAST(1 AS BIGINT) AS units, green, blue, yellow, red FROM per \
                     WHERE depth = {level} \
                     ORDER BY red DESC, yellow DESC, green + blue + yellow + red DESC, unit_id \
                     LIMIT {top}) x"
                );
                fetch_all(self, d).await
            }

            async fn cockpit_items(
                &self,
                visible_units: &UnitPath,
                visible_scope: Option<&UnitPath>,
            ) -> StoreResult<Vec<ItemTallyRow>> {
                // The closing day in China time (UTC+8, no daylight saving).
                let closed_day = if <$db as sqlx::Database>::NAME == "SQLite" {
                    "DATE(i.closed_at, '+8 hours')"
                } else {
                    "CAST((i.closed_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)"
                };
                let grouped = |w: &str| {
                    format!(
                        "SELECT i.source, i.category, SUBSTR(CAST(i.deadline AS TEXT), 1, 7) AS month, \
                         i.state, i.light, \
                         CAST(CASE WHEN i.closed_at IS NOT NULL AND {closed_day} <= i.deadline \
                         THEN 1 ELSE 0 END AS BIGINT) AS on_time, COUNT(*) AS n \
                         FROM items i WHERE {w} \
                         GROUP BY i.source, i.category, SUBSTR(CAST(i.deadline AS TEXT), 1, 7), \
                         i.state, i.light, \
                         CASE WHEN i.closed_at IS NOT NULL AND {closed_day} <= i.deadline \
                         THEN 1 ELSE 0 END",
                    )
                };
                let mut d = Dynamic::default();
                let u = d.subtree("a.unit_path", visible_units);
                let assigned =
                    format!("EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND {u})");
                d.sql = match visible_scope {
                    // As the register: registered in the scope — counted by the triggers'
                    // tally (migration 0029) — or, registered elsewhere, assigned within the
                    // units: grouped from those items.
                    Some(s) => {
                        let (lo, hi) = s.subtree_range();
                        let lo = d.arg(Arg::Text(lo));
                        let hi = d.arg(Arg::Text(hi));
                        let outside = format!(
                            "(i.scope_path < {lo} OR i.scope_path >= {hi}) AND {assigned}"
                        );
                        format!(
                            "SELECT t.source, t.category, t.month, t.state, \
                             NULLIF(t.light, -1) AS light, CAST(t.on_time AS BIGINT) AS on_time, \
                             CAST(SUM(t.n) AS BIGINT) AS n FROM cockpit_items t \
                             WHERE t.scope_path >= {lo} AND t.scope_path < {hi} AND t.n > 0 \
                             GROUP BY t.source, t.category, t.month, t.state, t.light, t.on_time \
                             UNION ALL {}",
                            grouped(&outside)
                        )
                    }
                    None => grouped(&assigned),
                };
                fetch_all(self, d).await
            }
        }
    };
}
