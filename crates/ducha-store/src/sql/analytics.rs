//! The chain analytics' SQL: the derived rows a commit writes beside its event, the reads of
//! the chain view, the stall map and the findings, and a rebuild's bulk replacement.

/// Column triples of `stall_stats`, in [`Hop::MAP`](ducha_domain::analytics::hops::Hop::MAP)
/// order.
pub const STALL_HOPS: [&str; 9] = [
    "sign",
    "decompose",
    "first_report",
    "review",
    "decision",
    "help",
    "extension",
    "refusal",
    "lost",
];

/// The stall map's sums per unit, `SUM(n), SUM(days), MAX(max)` for each hop of
/// [`STALL_HOPS`] after the unit id.
pub fn stall_sum_columns() -> String {
    STALL_HOPS
        .iter()
        .map(|h| {
            format!(
                "CAST(SUM({h}_n) AS BIGINT), CAST(SUM({h}_days) AS BIGINT), \
                 CAST(MAX({h}_max) AS BIGINT)"
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Sums of one hop each, `(key, hop, [n, days, max])`, pivoted into one row per key with the
/// column triples of [`STALL_HOPS`] (the stall tables' layout), keys in order. An unknown hop
/// is refused with its name.
pub fn pivot_sums<'a, K: Ord>(
    sums: impl IntoIterator<Item = (K, &'a str, [i64; 3])>,
) -> Result<Vec<(K, [i64; 27])>, String> {
    let mut wide: std::collections::BTreeMap<K, [i64; 27]> = std::collections::BTreeMap::new();
    for (key, hop, sum) in sums {
        let k = STALL_HOPS
            .iter()
            .position(|h| *h == hop)
            .ok_or_else(|| format!("unknown hop {hop}"))?;
        wide.entry(key).or_insert([0; 27])[3 * k..3 * k + 3].copy_from_slice(&sum);
    }
    Ok(wide.into_iter().collect())
}

/// The depth of a unit path column in SQL (`/1/5/` is 2), as [`UnitPath::depth`] counts it.
///
/// [`UnitPath::depth`]: ducha_domain::org::UnitPath::depth
pub fn depth_sql(col: &str) -> String {
    format!("(LENGTH({col}) - LENGTH(REPLACE({col}, '/', '')) - 1)")
}

/// Implements the analytics writes and `AnalyticsStore` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_analytics {
    ($store:ty, $db:ty) => {
        use $crate::reexport::ducha_domain::analytics::findings::FindingDraft;
        use $crate::reexport::ducha_domain::analytics::hops::{Hop, HopFacts, HopPatch, Patch, StatAdd};
        use $crate::sql::analytics::{STALL_HOPS, depth_sql, pivot_sums, stall_sum_columns};

        const FINDING_COLS: &str = "f.id, f.kind, f.item_id, f.assignment_id, f.unit_id, \
            f.unit_path, f.subject, f.score, f.args, f.event_seq, f.found_at, f.resolved_at";

        /// Writes the hop facts of new assignments, `(id, assignment)`, with their static
        /// columns, a few hundred to a statement (one commit's, or what a whole transaction
        /// kept back: see `Kept::hops`).
        async fn insert_hop_facts(tx: &mut Tx, hops: &[(i64, &NewAssignment)]) -> StoreResult<()> {
            use $crate::reexport::ducha_domain::analytics::hops::{depth, month_of};
            for chunk in hops.chunks(500) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO hop_facts (assignment_id, item_id, unit_id, unit_path, level, \
                     parent_id, reviewer_unit_id, source, category, month, dispatched_at) \
                     SELECT v.column1, i.id, v.column3, v.column4, v.column5, v.column6, \
                     COALESCE((SELECT p.unit_id FROM assignments p WHERE p.id = v.column6), \
                     i.owner_unit_id), i.source, i.category, v.column7, v.column8 FROM (",
                );
                q.push_values(chunk, |mut b, (id, a)| {
                    let path = a.unit_path.as_str();
                    b.push_bind(*id)
                        .push_bind(a.item_id)
                        .push_bind(a.unit_id)
                        .push_bind(path.to_string())
                        .push_bind(depth(path))
                        .push_bind(a.parent_id)
                        .push_bind(month_of(a.dispatched_at))
                        .push_bind(a.dispatched_at);
                });
                q.push(") v JOIN items i ON i.id = v.column2");
                q.build().execute(&mut *tx).await.map_err(err)?;
            }
            Ok(())
        }

        /// Applies a patch of hop facts, as [`HopFacts::apply`] does. A missing row (a
        /// database not yet rebuilt) changes nothing: derived data never blocks a write.
        async fn apply_hop_patch(tx: &mut Tx, p: &Patch) -> StoreResult<()> {
            let id = p.assignment_id;
            let q = match p.patch {
                HopPatch::Signed { at, days } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET signed_at = $2, sign_days = $3 WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(at)
                .bind(days),
                HopPatch::Decomposed { at, days } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET decomposed_at = COALESCE(decomposed_at, $2), \
                     decompose_days = CASE WHEN decomposed_at IS NULL THEN $3 \
                     ELSE decompose_days END WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(at)
                .bind(days),
                HopPatch::Reported { at, days } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET first_report_at = COALESCE(first_report_at, $2), \
                     first_report_days = CASE WHEN first_report_at IS NULL THEN $3 \
                     ELSE first_report_days END WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(at)
                .bind(days),
                HopPatch::CompletionRequested { at } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET completion_requested_at = $2 WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(at),
                HopPatch::Reviewed { days } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET review_days = review_days + $2, reviews = reviews + 1 \
                     WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(days),
                HopPatch::Decided { days, completed } => sqlx::query::<$db>(
                    "UPDATE hop_facts SET decision_days = decision_days + $2, \
                     decisions = decisions + 1, completion_requested_at = NULL, \
                     completed_at = COALESCE($3, completed_at), \
                     done_days = COALESCE($4, done_days), late_days = COALESCE($5, late_days) \
                     WHERE assignment_id = $1",
                )
                .bind(id)
                .bind(days)
                .bind(completed.map(|c| c.at))
                .bind(completed.map(|c| c.done_days))
                .bind(completed.map(|c| c.late_days)),
                HopPatch::Waited { hop, days } => {
                    let set = match hop {
                        Hop::Help => "help_days = help_days + $2, helps = helps + 1",
                        Hop::Extension => "extension_days = extension_days + $2",
                        _ => "refusal_days = refusal_days + $2",
                    };
                    sqlx::query::<$db>(sql(format!(
                        "UPDATE hop_facts SET {set} WHERE assignment_id = $1"
                    )))
                    .bind(id)
                    .bind(days)
                }
            };
            q.execute(&mut *tx).await.map_err(err)?;
            Ok(())
        }

        /// Adds a finished hop to its holder's sums and to the hop log.
        async fn apply_hop_done(tx: &mut Tx, s: &StatAdd) -> StoreResult<()> {
            let h = s.hop.as_str();
            let depth = depth_sql("path");
            sqlx::query::<$db>(sql(format!(
                "INSERT INTO stall_stats (unit_id, month, unit_path, level, {h}_n, {h}_days, \
                 {h}_max) SELECT id, $2, path, {depth}, 1, $3, $3 FROM units WHERE id = $1 \
                 ON CONFLICT (unit_id, month) DO UPDATE SET {h}_n = stall_stats.{h}_n + 1, \
                 {h}_days = stall_stats.{h}_days + excluded.{h}_days, \
                 {h}_max = CASE WHEN excluded.{h}_max > stall_stats.{h}_max \
                 THEN excluded.{h}_max ELSE stall_stats.{h}_max END"
            )))
            .bind(s.unit_id)
            .bind(&s.month)
            .bind(s.days)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            // The same sums over every month: the unfiltered stall map reads one row per unit.
            sqlx::query::<$db>(sql(format!(
                "INSERT INTO stall_totals (unit_id, unit_path, level, {h}_n, {h}_days, {h}_max) \
                 SELECT id, path, {depth}, 1, $2, $2 FROM units WHERE id = $1 \
                 ON CONFLICT (unit_id) DO UPDATE SET {h}_n = stall_totals.{h}_n + 1, \
                 {h}_days = stall_totals.{h}_days + excluded.{h}_days, \
                 {h}_max = CASE WHEN excluded.{h}_max > stall_totals.{h}_max \
                 THEN excluded.{h}_max ELSE stall_totals.{h}_max END"
            )))
            .bind(s.unit_id)
            .bind(s.days)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            // The same sums by the item's source and category, taken from the hop facts (none
            // without them, as the hop log's filtered reading has none).
            sqlx::query::<$db>(sql(format!(
                "INSERT INTO stall_kinds (unit_id, month, source, category, unit_path, level, \
                 {h}_n, {h}_days, {h}_max) SELECT u.id, $2, f.source, f.category, u.path, \
                 {depth}, 1, $3, $3 FROM units u JOIN hop_facts f ON f.assignment_id = $4 \
                 WHERE u.id = $1 \
                 ON CONFLICT (unit_id, month, source, category) DO UPDATE SET \
                 {h}_n = stall_kinds.{h}_n + 1, {h}_days = stall_kinds.{h}_days + excluded.{h}_days, \
                 {h}_max = CASE WHEN excluded.{h}_max > stall_kinds.{h}_max \
                 THEN excluded.{h}_max ELSE stall_kinds.{h}_max END",
                depth = depth_sql("u.path")
            )))
            .bind(s.unit_id)
            .bind(&s.month)
            .bind(s.days)
            .bind(s.assignment_id)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            sqlx::query::<$db>(
                "INSERT INTO hop_log (assignment_id, unit_id, hop, days, reason) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(s.assignment_id)
            .bind(s.unit_id)
            .bind(h)
            .bind(s.days)
            .bind(s.reason.map(|r| r.as_str()))
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        /// Resolves the unresolved share findings of a decomposing unit's assignment.
        async fn resolve_findings(tx: &mut Tx, assignment_id: i64, at: DateTime<Utc>) -> StoreResult<()> {
            sqlx::query::<$db>(
                "UPDATE findings SET resolved_at = $2 WHERE assignment_id = $1 \
                 AND resolved_at IS NULL \
                 AND kind IN ('target_dropped', 'target_shrunk', 'target_raised')",
            )
            .bind(assignment_id)
            .bind(at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        /// Keeps a finding, citing the event that caused it.
        async fn insert_finding(
            tx: &mut Tx,
            f: &FindingDraft,
            seq: i64,
            resolved_at: Option<DateTime<Utc>>,
        ) -> StoreResult<()> {
            sqlx::query::<$db>(
                "INSERT INTO findings (kind, item_id, assignment_id, unit_id, unit_path, \
                 subject, score, args, event_seq, found_at, resolved_at) SELECT $1, $2, $3, \
                 $4, u.path, $5, $6, $7, $8, $9, $10 FROM units u WHERE u.id = $4",
            )
            .bind(f.kind.as_str())
            .bind(f.item_id)
            .bind(f.assignment_id)
            .bind(f.unit_id)
            .bind(&f.subject)
            .bind(f.score)
            .bind(f.args.to_string())
            .bind(seq)
            .bind(f.at)
            .bind(resolved_at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        /// The hops of a stall table's row with any count, `(hop, n, days, max)`: the
        /// column triples of [`STALL_HOPS`] from column `first` on.
        fn hop_sums(
            row: &<$db as sqlx::Database>::Row,
            first: usize,
        ) -> StoreResult<Vec<(&'static str, i64, i64, i64)>> {
            use sqlx::Row;
            let mut out = Vec::new();
            for (k, hop) in STALL_HOPS.iter().enumerate() {
                let at = first + 3 * k;
                let n: i64 = row.try_get(at).map_err(err)?;
                if n > 0 {
                    let days: i64 = row.try_get(at + 1).map_err(err)?;
                    let max: i64 = row.try_get(at + 2).map_err(err)?;
                    out.push((*hop, n, days, max));
                }
            }
            Ok(out)
        }

        /// Filters of the stall map on `hop_facts` alias `f`, unit path `path_col`.
        fn stall_filters(d: &mut Dynamic, q: &StallQuery, path_col: &str, level_sql: &str) -> String {
            let mut w = d.subtree(path_col, &q.root);
            if let Some(l) = q.level {
                w += &format!(" AND {level_sql} = {}", d.arg(Arg::I64(l)));
            }
            if let Some(m) = &q.month_from {
                w += &format!(" AND f.month >= {}", d.arg(Arg::Text(m.clone())));
            }
            if let Some(m) = &q.month_to {
                w += &format!(" AND f.month <= {}", d.arg(Arg::Text(m.clone())));
            }
            if let Some(s) = &q.source {
                w += &format!(" AND f.source = {}", d.arg(Arg::Text(s.clone())));
            }
            if let Some(c) = &q.category {
                w += &format!(" AND f.category = {}", d.arg(Arg::Text(c.clone())));
            }
            w
        }

        /// Writes rows with multi-row INSERTs of `chunk` rows.
        async fn bulk<T>(
            tx: &mut Tx,
            table: &str,
            cols: &str,
            rows: &[T],
            chunk: usize,
            mut args: impl FnMut(&T, &mut Dynamic) -> String,
        ) -> StoreResult<()> {
            // SQLite looks a `$N` parameter's name up in a list as long as the statement's
            // parameters, so binding costs the square of their number per statement: SQLite's
            // statements take anonymous `?`s instead (`args` adds each row's arguments in
            // column order), and stay under its limit of 32,766 parameters.
            let sqlite = <$db as sqlx::Database>::NAME == "SQLite";
            let chunk = if sqlite {
                let cols = cols.split(',').count().max(1);
                chunk.min((30_000 / cols).max(1))
            } else {
                chunk
            };
            for part in rows.chunks(chunk) {
                let mut d = Dynamic {
                    positional: sqlite,
                    ..Dynamic::default()
                };
                let values: Vec<String> = part.iter().map(|r| args(r, &mut d)).collect();
                d.sql = format!("INSERT INTO {table} ({cols}) VALUES {}", values.join(", "));
                execute(&mut *tx, d).await?;
            }
            Ok(())
        }

        #[async_trait]
        impl AnalyticsStore for $store {
            async fn hop_facts(&self, assignment_id: i64) -> StoreResult<Option<HopFacts>> {
                let row = sqlx::query_as::<$db, HopFactsRow>(sql(format!(
                    "SELECT {HOP_FACTS_COLS} FROM hop_facts WHERE assignment_id = $1"
                )))
                .bind(assignment_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)?;
                Ok(row.map(Into::into))
            }

            async fn hop_facts_of_item(&self, item_id: i64) -> StoreResult<Vec<HopFacts>> {
                let rows = sqlx::query_as::<$db, HopFactsRow>(sql(format!(
                    "SELECT {HOP_FACTS_COLS} FROM hop_facts WHERE item_id = $1 \
                     ORDER BY assignment_id"
                )))
                .bind(item_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn lost_of_assignments(&self, ids: &[i64]) -> StoreResult<Vec<HopLogRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                // By the assignments' ids rather than a join on the item: PostgreSQL planned
                // that join as a scan of every hop fact (40 ms for a 500-assignment item).
                let mut d = Dynamic {
                    positional: <$db as sqlx::Database>::NAME == "SQLite",
                    ..Dynamic::default()
                };
                let list = d.list(ids);
                d.sql = format!(
                    "SELECT assignment_id, unit_id, hop, days, reason FROM hop_log \
                     WHERE assignment_id IN {list} AND hop = 'lost' ORDER BY id"
                );
                fetch_all(self, d).await
            }

            async fn findings_of_item(&self, item_id: i64) -> StoreResult<Vec<FindingRow>> {
                sqlx::query_as::<$db, FindingRow>(sql(format!(
                    "SELECT {FINDING_COLS} FROM findings f WHERE f.item_id = $1 ORDER BY f.id"
                )))
                .bind(item_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn findings_under(&self, q: &FindingQuery) -> StoreResult<Vec<FindingRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("f.unit_path", &q.root);
                let mut w = format!("f.resolved_at IS NULL AND {r}");
                if let Some(s) = &q.source {
                    w += &format!(" AND i.source = {}", d.arg(Arg::Text(s.clone())));
                }
                if let Some(c) = &q.category {
                    w += &format!(" AND i.category = {}", d.arg(Arg::Text(c.clone())));
                }
                let l = d.arg(Arg::I64(q.limit.clamp(1, 5000)));
                d.sql = format!(
                    "SELECT {FINDING_COLS} FROM findings f JOIN items i ON i.id = f.item_id \
                     WHERE {w} ORDER BY f.score DESC, f.id LIMIT {l}"
                );
                fetch_all(self, d).await
            }

            async fn stall_cells(&self, q: &StallQuery) -> StoreResult<Vec<StallCell>> {
                // A source or category filter reads the sums split by them; a map of every
                // month reads the sums over all months (one row per unit instead of one per
                // unit and month: a province's whole map ranks 8,000 rows, not 150,000).
                let filtered = q.source.is_some() || q.category.is_some();
                let all_months = q.month_from.is_none() && q.month_to.is_none();
                let table = match (filtered, all_months) {
                    (true, _) => "stall_kinds",
                    (false, true) => "stall_totals",
                    (false, false) => "stall_stats",
                };
                let mut d = Dynamic::default();
                let mut w = String::new();
                if let Some(s) = &q.source {
                    w += &format!("source = {} AND ", d.arg(Arg::Text(s.clone())));
                }
                if let Some(c) = &q.category {
                    w += &format!("category = {} AND ", d.arg(Arg::Text(c.clone())));
                }
                w += &d.subtree("unit_path", &q.root);
                if let Some(l) = q.level {
                    w += &format!(" AND level = {}", d.arg(Arg::I64(l)));
                }
                if let Some(m) = &q.month_from {
                    w += &format!(" AND month >= {}", d.arg(Arg::Text(m.clone())));
                }
                if let Some(m) = &q.month_to {
                    w += &format!(" AND month <= {}", d.arg(Arg::Text(m.clone())));
                }
                d.sql = format!(
                    "SELECT unit_id, {} FROM {table} WHERE {w} GROUP BY unit_id",
                    stall_sum_columns()
                );
                let mut qq = sqlx::query::<$db>(sql(d.sql));
                for a in d.args {
                    qq = match a {
                        Arg::Text(s) => qq.bind(s),
                        Arg::I64(v) => qq.bind(v),
                        Arg::Date(v) => qq.bind(v),
                        Arg::Time(v) => qq.bind(v),
                        Arg::OptText(v) => qq.bind(v),
                        Arg::OptI64(v) => qq.bind(v),
                        Arg::OptTime(v) => qq.bind(v),
                    };
                }
                let rows = qq.fetch_all(self.reader()).await.map_err(err)?;
                let mut out = Vec::new();
                for row in rows {
                    use sqlx::Row;
                    let unit_id: i64 = row.try_get(0).map_err(err)?;
                    for (k, hop) in STALL_HOPS.iter().enumerate() {
                        let n: Option<i64> = row.try_get(1 + 3 * k).map_err(err)?;
                        let days: Option<i64> = row.try_get(2 + 3 * k).map_err(err)?;
                        let max: Option<i64> = row.try_get(3 + 3 * k).map_err(err)?;
                        let n = n.unwrap_or(0);
                        if n > 0 {
                            out.push(StallCell {
                                unit_id,
                                hop: (*hop).to_string(),
                                n,
                                days: days.unwrap_or(0),
                                max: max.unwrap_or(0),
                            });
                        }
                    }
                }
                Ok(out)
            }

            async fn stall_cells_from_log(&self, q: &StallQuery) -> StoreResult<Vec<StallCell>> {
                let mut d = Dynamic::default();
                let w = stall_filters(&mut d, q, "u.path", &depth_sql("u.path"));
                d.sql = format!(
                    "SELECT l.unit_id, l.hop, COUNT(*), CAST(SUM(l.days) AS BIGINT), \
                     CAST(MAX(l.days) AS BIGINT) FROM hop_log l \
                     JOIN hop_facts f ON f.assignment_id = l.assignment_id \
                     JOIN units u ON u.id = l.unit_id WHERE {w} GROUP BY l.unit_id, l.hop"
                );
                let rows: Vec<(i64, String, i64, i64, i64)> = fetch_all(self, d).await?;
                Ok(rows
                    .into_iter()
                    .map(|(unit_id, hop, n, days, max)| StallCell {
                        unit_id,
                        hop,
                        n,
                        days,
                        max,
                    })
                    .collect())
            }

            async fn unsigned_under(&self, q: &StallQuery) -> StoreResult<Vec<UnsignedRow>> {
                let mut d = Dynamic::default();
                let w = stall_filters(&mut d, q, "f.unit_path", "f.level");
                // From the few assignments waiting to sign (their partial index) to their hop
                // facts: CROSS JOIN keeps SQLite from walking every hop fact in unit order for
                // the GROUP BY instead (2 s for a province's million, against 2 ms).
                d.sql = format!(
                    "SELECT f.unit_id, COUNT(*), MIN(f.dispatched_at) FROM assignments a \
                     CROSS JOIN hop_facts f \
                     WHERE f.assignment_id = a.id AND a.state = 'pending' AND {w} \
                     GROUP BY f.unit_id"
                );
                fetch_all(self, d).await
            }

            async fn silence_candidates(
                &self,
                root: &UnitPath,
                due_by: $crate::reexport::chrono::NaiveDate,
                co_before: DateTime<Utc>,
            ) -> StoreResult<Vec<OpenAssignmentRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("a.unit_path", root);
                let due = d.arg(Arg::Date(due_by));
                let co = d.arg(Arg::Time(co_before));
                d.sql = format!(
                    "SELECT a.id, a.item_id, a.unit_id, a.role, a.state, a.deadline, \
                     a.dispatched_at, a.signed_at, a.last_report_at, h.decomposed_at \
                     FROM assignments a LEFT JOIN hop_facts h ON h.assignment_id = a.id \
                     WHERE {r} AND a.state IN ('pending', 'signed', 'in_progress') \
                     AND (a.deadline <= {due} OR (a.role = 'co' AND a.last_report_at IS NULL \
                     AND a.dispatched_at < {co})) ORDER BY a.id"
                );
                fetch_all(self, d).await
            }

            async fn unanswered_help(
                &self,
                root: &UnitPath,
                before: DateTime<Utc>,
            ) -> StoreResult<Vec<HelpRequestRow>> {
                let mut d = Dynamic::default();
                let by_unit = d.subtree("u.path", root);
                let by_scope = d.subtree("i.scope_path", root);
                let b = d.arg(Arg::Time(before));
                let cols = HELP_COLS
                    .split(", ")
                    .map(|c| format!("h.{}", c.trim()))
                    .collect::<Vec<_>>()
                    .join(", ");
                d.sql = format!(
                    "SELECT {cols} FROM help_requests h JOIN units u ON u.id = h.to_unit_id \
                     JOIN items i ON i.id = h.item_id WHERE h.answered_at IS NULL \
                     AND h.created_at < {b} AND i.state = 'dispatched' \
                     AND ({by_unit} OR {by_scope}) ORDER BY h.id"
                );
                fetch_all(self, d).await
            }

            async fn hop_facts_of_unit(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HopFacts>> {
                // A withdrawn assignment (a refusal upheld) is no longer anyone's work.
                let live = "NOT EXISTS (SELECT 1 FROM assignments w WHERE \
                    w.id = hop_facts.assignment_id AND w.state = 'withdrawn')";
                let rows = sqlx::query_as::<$db, HopFactsRow>(sql(format!(
                    "SELECT {HOP_FACTS_COLS} FROM hop_facts WHERE unit_id = $1 AND {live} \
                     UNION SELECT {HOP_FACTS_COLS} FROM hop_facts WHERE reviewer_unit_id = $1 \
                     AND {live} ORDER BY dispatched_at DESC, assignment_id DESC LIMIT $2"
                )))
                .bind(unit_id)
                .bind(limit.clamp(1, 1000))
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn item_titles(&self, ids: &[i64]) -> StoreResult<Vec<ItemTitle>> {
                if ids.is_empty() {
                    return Ok(vec![]);
                }
                let mut out = Vec::with_capacity(ids.len());
                for part in ids.chunks(500) {
                    let mut d = Dynamic::default();
                    let list = d.list(part);
                    d.sql = format!(
                        "SELECT id, number, title, source, category FROM items WHERE id IN {list}"
                    );
                    out.extend(fetch_all::<ItemTitle>(self, d).await?);
                }
                Ok(out)
            }

            async fn analytics_missing(&self) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT COUNT(*) FROM assignments a WHERE NOT EXISTS \
                     (SELECT 1 FROM hop_facts h WHERE h.assignment_id = a.id)",
                )
                .fetch_one(self.reader())
                .await
                .map_err(err)
            }

            async fn assignment_statics(
                &self,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<AssignmentStatic>> {
                sqlx::query_as::<$db, AssignmentStatic>(
                    "SELECT a.id, a.item_id, a.parent_id, a.unit_id, a.unit_path, a.role, \
                     a.dispatched_at, a.targets, i.source, i.category, i.owner_unit_id, \
                     i.title FROM assignments a JOIN items i ON i.id = a.item_id \
                     WHERE a.id > $1 ORDER BY a.id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn analytics_tables(&self) -> StoreResult<AnalyticsTables> {
                let facts = sqlx::query_as::<$db, HopFactsRow>(sql(format!(
                    "SELECT {HOP_FACTS_COLS} FROM hop_facts ORDER BY assignment_id"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)?
                .into_iter()
                .map(Into::into)
                .collect();
                let log = sqlx::query_as::<$db, HopLogRow>(
                    "SELECT assignment_id, unit_id, hop, days, reason FROM hop_log ORDER BY id",
                )
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                let cols = STALL_HOPS
                    .iter()
                    .map(|h| format!("{h}_n, {h}_days, {h}_max"))
                    .collect::<Vec<_>>()
                    .join(", ");
                let rows = sqlx::query::<$db>(sql(format!(
                    "SELECT unit_id, month, {cols} FROM stall_stats ORDER BY unit_id, month"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                let mut stats = Vec::new();
                for row in rows {
                    use sqlx::Row;
                    let unit_id: i64 = row.try_get(0).map_err(err)?;
                    let month: String = row.try_get(1).map_err(err)?;
                    for (hop, n, days, max) in hop_sums(&row, 2)? {
                        stats.push(StatRow {
                            unit_id,
                            month: month.clone(),
                            hop: hop.to_string(),
                            n,
                            days,
                            max,
                        });
                    }
                }
                stats.sort_by(|a, b| (a.unit_id, &a.month, &a.hop).cmp(&(b.unit_id, &b.month, &b.hop)));
                let rows = sqlx::query::<$db>(sql(format!(
                    "SELECT unit_id, month, source, category, {cols} FROM stall_kinds \
                     ORDER BY unit_id, month, source, category"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                let mut kinds = Vec::new();
                for row in rows {
                    use sqlx::Row;
                    let unit_id: i64 = row.try_get(0).map_err(err)?;
                    let month: String = row.try_get(1).map_err(err)?;
                    let source: String = row.try_get(2).map_err(err)?;
                    let category: String = row.try_get(3).map_err(err)?;
                    for (hop, n, days, max) in hop_sums(&row, 4)? {
                        kinds.push(KindStatRow {
                            unit_id,
                            month: month.clone(),
                            source: source.clone(),
                            category: category.clone(),
                            hop: hop.to_string(),
                            n,
                            days,
                            max,
                        });
                    }
                }
                kinds.sort_by(|a, b| {
                    (a.unit_id, &a.month, &a.source, &a.category, &a.hop)
                        .cmp(&(b.unit_id, &b.month, &b.source, &b.category, &b.hop))
                });
                let rows = sqlx::query::<$db>(sql(format!(
                    "SELECT unit_id, {cols} FROM stall_totals ORDER BY unit_id"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                let mut totals = Vec::new();
                for row in rows {
                    use sqlx::Row;
                    let unit_id: i64 = row.try_get(0).map_err(err)?;
                    for (hop, n, days, max) in hop_sums(&row, 1)? {
                        totals.push(TotalRow {
                            unit_id,
                            hop: hop.to_string(),
                            n,
                            days,
                            max,
                        });
                    }
                }
                totals.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
                let findings = sqlx::query_as::<$db, FindingRow>(sql(format!(
                    "SELECT {FINDING_COLS} FROM findings f ORDER BY f.id"
                )))
                .fetch_all(self.reader())
                .await
                .map_err(err)?
                .into_iter()
                .map(|f| KeptFinding {
                    draft: FindingDraft {
                        kind: f.kind,
                        item_id: f.item_id,
                        assignment_id: f.assignment_id,
                        unit_id: f.unit_id,
                        subject: f.subject,
                        score: f.score,
                        args: f.args.0,
                        at: f.found_at,
                    },
                    event_seq: f.event_seq,
                    resolved_at: f.resolved_at,
                })
                .collect();
                Ok(AnalyticsTables {
                    facts,
                    log,
                    stats,
                    kinds,
                    totals,
                    findings,
                })
            }

            async fn replace_analytics(
                &self,
                head_seq: i64,
                t: &AnalyticsTables,
            ) -> StoreResult<()> {
                replace_analytics_tables(self, head_seq, t).await
            }
        }
    };
}
