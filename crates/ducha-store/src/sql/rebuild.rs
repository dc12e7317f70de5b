//! A rebuild's bulk replacement of the derived analytics tables, in one transaction.
//!
//! The tables' secondary indexes are dropped before the rows go in and made again after them
//! (from the definitions the database holds, so they stay what the migrations made): building
//! an index from sorted rows costs a fraction of keeping it while millions of rows arrive in
//! event order, and SQLite's page cache no longer spills. SQLite writes through anonymous `?`
//! multi-row INSERTs of one fixed text (prepared once) with a page cache large enough for the
//! whole write; PostgreSQL through `COPY … FROM STDIN`.

use super::Arg;
use std::fmt::Write;

/// The derived tables a rebuild replaces, in the order they are emptied.
pub const DERIVED: [&str; 6] = [
    "findings",
    "hop_log",
    "stall_stats",
    "stall_kinds",
    "stall_totals",
    "hop_facts",
];

/// SQLite's page cache for a rebuild's transaction, in KiB (`PRAGMA cache_size` takes a
/// negative figure as KiB): the rows and indexes of a million assignments fit.
pub const SQLITE_REBUILD_CACHE_KIB: i64 = 2 * 1024 * 1024;

/// Bytes of `COPY` text made and sent at once.
pub const COPY_CHUNK: usize = 4 << 20;

/// SQLite parameters per multi-row INSERT (its limit is 32,766).
pub const SQLITE_PARAMS: usize = 30_000;

/// Times the steps of a bulk write (a rebuild's, the facts' fill), each logged at debug level
/// when it ends (`RUST_LOG=ducha_store=debug`): where such a write spends its time.
pub struct Laps(std::time::Instant);

impl Default for Laps {
    fn default() -> Self {
        Self(std::time::Instant::now())
    }
}

impl Laps {
    /// Logs the time since the last step as `step`'s.
    pub fn lap(&mut self, step: &str) {
        let now = std::time::Instant::now();
        tracing::debug!(
            step,
            seconds = (now - self.0).as_secs_f64(),
            "rebuild write step"
        );
        self.0 = now;
    }
}

/// Appends one row of `COPY`'s text format (tab-separated, `\N` for NULL, newline-terminated).
pub fn copy_line(buf: &mut String, row: &[Arg]) {
    for (k, a) in row.iter().enumerate() {
        if k > 0 {
            buf.push('\t');
        }
        match a {
            Arg::Text(s) | Arg::OptText(Some(s)) => copy_text(buf, s),
            Arg::I64(v) | Arg::OptI64(Some(v)) => {
                let _ = write!(buf, "{v}");
            }
            Arg::Date(d) => {
                let _ = write!(buf, "{d}");
            }
            Arg::Time(t) | Arg::OptTime(Some(t)) => {
                // Microseconds, as sqlx binds a timestamp (truncated, not rounded).
                let _ = write!(buf, "{}", t.format("%Y-%m-%d %H:%M:%S%.6f+00"));
            }
            Arg::OptText(None) | Arg::OptI64(None) | Arg::OptTime(None) => buf.push_str("\\N"),
        }
    }
    buf.push('\n');
}

/// A text value escaped for `COPY`'s text format.
fn copy_text(buf: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => buf.push_str("\\\\"),
            '\t' => buf.push_str("\\t"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            c => buf.push(c),
        }
    }
}

/// Implements `replace_analytics` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_rebuild {
    ($store:ty, $db:ty) => {
        use $crate::sql::rebuild::{
            COPY_CHUNK, DERIVED, Laps, SQLITE_PARAMS, SQLITE_REBUILD_CACHE_KIB, copy_line,
        };

        /// Writes `rows` into `table (cols)`: `row` pushes each row's values in column order.
        async fn bulk_rows<T>(
            tx: &mut Tx,
            table: &str,
            cols: &[&str],
            rows: &[T],
            mut row: impl FnMut(&T, &mut Vec<Arg>) + Send,
        ) -> StoreResult<()>
        where
            T: Sync,
        {
            if rows.is_empty() {
                return Ok(());
            }
            let mut args = Vec::with_capacity(cols.len());
            if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                // One COPY, its text made a chunk at a time while the server takes the
                // chunks before (not a COPY of its own per chunk, the client idle meanwhile).
                let stmt = format!("COPY {table} ({}) FROM STDIN", cols.join(", "));
                let mut rest = rows.iter();
                let mut next = |buf: &mut String| {
                    for r in rest.by_ref() {
                        args.clear();
                        row(r, &mut args);
                        copy_line(buf, &args);
                        if buf.len() >= COPY_CHUNK {
                            return true;
                        }
                    }
                    false
                };
                return <$store>::copy_in(&mut *tx, &stmt, &mut next).await;
            }
            // Anonymous `?`s (SQLite finds a numbered parameter by walking a list of them all),
            // and every full chunk the same text, so the statement is prepared once.
            let per = (SQLITE_PARAMS / cols.len()).max(1);
            let one = format!("({})", vec!["?"; cols.len()].join(", "));
            let head = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
            let full = format!("{head}{}", vec![one.as_str(); per].join(", "));
            for part in rows.chunks(per) {
                let text = if part.len() == per {
                    full.clone()
                } else {
                    format!("{head}{}", vec![one.as_str(); part.len()].join(", "))
                };
                let mut d = Dynamic {
                    sql: text,
                    args: Vec::with_capacity(part.len() * cols.len()),
                    positional: true,
                };
                for r in part {
                    row(r, &mut d.args);
                }
                execute(&mut *tx, d).await?;
            }
            Ok(())
        }

        /// The secondary indexes of `tables` as the database defines them: `(name, DDL)`.
        async fn indexes_of(tx: &mut Tx, tables: &[&str]) -> StoreResult<Vec<(String, String)>> {
            let list = tables
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ");
            let q = if <$db as sqlx::Database>::NAME == "PostgreSQL" {
                // Not the indexes behind a constraint (primary keys): those stay.
                format!(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i \
                     WHERE i.schemaname = current_schema() AND i.tablename IN ({list}) \
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname) \
                     ORDER BY i.indexname"
                )
            } else {
                // SQLite's own indexes (primary keys) have no SQL text.
                format!(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
                     AND tbl_name IN ({list}) AND sql IS NOT NULL ORDER BY name"
                )
            };
            sqlx::query_as::<$db, (String, String)>(sql(q))
                .fetch_all(&mut *tx)
                .await
                .map_err(err)
        }

        /// PostgreSQL's foreign keys of the derived tables: `(table, name, definition)`. Each
        /// row `COPY` writes would otherwise look its parent up and lock it (`FOR KEY SHARE`:
        /// a million assignment rows written to); made again, the key is checked in one join.
        async fn derived_foreign_keys(tx: &mut Tx) -> StoreResult<Vec<(String, String, String)>> {
            if <$db as sqlx::Database>::NAME != "PostgreSQL" {
                return Ok(vec![]);
            }
            let list = DERIVED
                .iter()
                .map(|t| format!("'{t}'"))
                .collect::<Vec<_>>()
                .join(", ");
            sqlx::query_as::<$db, (String, String, String)>(sql(format!(
                "SELECT r.relname::text, c.conname::text, pg_get_constraintdef(c.oid) \
                 FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid \
                 WHERE c.contype = 'f' AND r.relnamespace = current_schema()::regnamespace \
                 AND r.relname IN ({list}) ORDER BY 1, 2"
            )))
            .fetch_all(&mut *tx)
            .await
            .map_err(err)
        }

        async fn run(tx: &mut Tx, text: String) -> StoreResult<()> {
            sqlx::query::<$db>(sql(text))
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            Ok(())
        }

        /// Replaces every derived analytics table with `t` in one transaction, if the chain
        /// head is still `head_seq`.
        async fn replace_analytics_tables(
            store: &$store,
            head_seq: i64,
            t: &AnalyticsTables,
        ) -> StoreResult<()> {
            let sqlite = <$db as sqlx::Database>::NAME == "SQLite";
            let mut conn = store.writer_pool().acquire().await.map_err(err)?;
            let cache: Option<i64> = if sqlite {
                let c = sqlx::query_scalar::<$db, i64>("PRAGMA cache_size")
                    .fetch_one(&mut *conn)
                    .await
                    .map_err(err)?;
                run(&mut conn, format!("PRAGMA cache_size = -{SQLITE_REBUILD_CACHE_KIB}")).await?;
                Some(c)
            } else {
                None
            };
            let done = replace_in(&mut conn, head_seq, t).await;
            if let Some(c) = cache {
                // Back to the connection's own cache, whatever happened (the pages go).
                let back = run(&mut conn, format!("PRAGMA cache_size = {c}")).await;
                done?;
                back
            } else {
                done
            }
        }

        async fn replace_in(
            conn: &mut Tx,
            head_seq: i64,
            t: &AnalyticsTables,
        ) -> StoreResult<()> {
            use sqlx::Connection;
            let postgres = <$db as sqlx::Database>::NAME == "PostgreSQL";
            let mut laps = Laps::default();
            let mut tx = conn.begin().await.map_err(err)?;
            // Takes the write lock every commit takes, then checks nothing came in.
            sqlx::query::<$db>("UPDATE event_chain SET seq = seq WHERE id = 1")
                .execute(&mut *tx)
                .await
                .map_err(err)?;
            let seq: i64 = sqlx::query_scalar::<$db, i64>("SELECT seq FROM event_chain WHERE id = 1")
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
            if seq != head_seq {
                return Err(StoreError::Conflict(format!(
                    "the chain moved from {head_seq} to {seq} during the rebuild"
                )));
            }
            laps.lap("lock");
            let indexes = indexes_of(&mut tx, &DERIVED).await?;
            for (name, _) in &indexes {
                run(&mut tx, format!("DROP INDEX {name}")).await?;
            }
            let keys = derived_foreign_keys(&mut tx).await?;
            for (table, name, _) in &keys {
                run(&mut tx, format!("ALTER TABLE {table} DROP CONSTRAINT {name}")).await?;
            }
            if postgres {
                // Dropping the indexes locked the tables already; TRUNCATE is transactional.
                run(&mut tx, format!("TRUNCATE {}", DERIVED.join(", "))).await?;
                run(&mut tx, "SET LOCAL maintenance_work_mem = '256MB'".to_string()).await?;
                // The facts' fill sorts and hashes a million rows at once: with the default
                // 4 MB they spill to disk (the completions' 4.7 s instead of 6.9 s with it).
                run(&mut tx, "SET LOCAL work_mem = '256MB'".to_string()).await?;
            } else {
                for table in DERIVED {
                    run(&mut tx, format!("DELETE FROM {table}")).await?;
                }
            }
            laps.lap("drop and empty");
            let fact_cols: Vec<&str> = HOP_FACTS_COLS.split(',').map(str::trim).collect();
            bulk_rows(&mut tx, "hop_facts", &fact_cols, &t.facts, |f, v| {
                v.extend([
                    Arg::I64(f.assignment_id),
                    Arg::I64(f.item_id),
                    Arg::I64(f.unit_id),
                    Arg::Text(f.unit_path.clone()),
                    Arg::I64(f.level),
                    Arg::OptI64(f.parent_id),
                    Arg::I64(f.reviewer_unit_id),
                    Arg::Text(f.source.clone()),
                    Arg::Text(f.category.clone()),
                    Arg::Text(f.month.clone()),
                    Arg::Time(f.dispatched_at),
                    Arg::OptTime(f.signed_at),
                    Arg::OptI64(f.sign_days),
                    Arg::OptTime(f.decomposed_at),
                    Arg::OptI64(f.decompose_days),
                    Arg::OptTime(f.first_report_at),
                    Arg::OptI64(f.first_report_days),
                    Arg::OptTime(f.completion_requested_at),
                    Arg::I64(f.review_days),
                    Arg::I64(f.reviews),
                    Arg::I64(f.decision_days),
                    Arg::I64(f.decisions),
                    Arg::I64(f.help_days),
                    Arg::I64(f.helps),
                    Arg::I64(f.extension_days),
                    Arg::I64(f.refusal_days),
                    Arg::OptTime(f.completed_at),
                    Arg::OptI64(f.done_days),
                    Arg::OptI64(f.late_days),
                ]);
            })
            .await?;
            laps.lap("hop_facts");
            bulk_rows(
                &mut tx,
                "hop_log",
                &["assignment_id", "unit_id", "hop", "days", "reason"],
                &t.log,
                |l, v| {
                    v.extend([
                        Arg::I64(l.assignment_id),
                        Arg::I64(l.unit_id),
                        Arg::Text(l.hop.clone()),
                        Arg::I64(l.days),
                        Arg::OptText(l.reason.clone()),
                    ]);
                },
            )
            .await?;
            laps.lap("hop_log");
            let paths: std::collections::HashMap<i64, String> =
                sqlx::query_as::<$db, (i64, String)>("SELECT id, path FROM units")
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(err)?
                    .into_iter()
                    .collect();
            let hop_cols: Vec<String> = STALL_HOPS
                .iter()
                .flat_map(|h| [format!("{h}_n"), format!("{h}_days"), format!("{h}_max")])
                .collect();
            fn pivoted<T>(r: Result<T, String>) -> StoreResult<T> {
                r.map_err(|e| StoreError::Other(e.into()))
            }
            let known = |unit: i64| {
                if paths.contains_key(&unit) {
                    Ok(())
                } else {
                    Err(StoreError::Other(format!("sums of unknown unit {unit}").into()))
                }
            };
            // The sums pivoted into one row per unit and month, with the unit's path.
            let wide = pivoted(pivot_sums(t.stats.iter().map(|s| {
                ((s.unit_id, s.month.as_str()), s.hop.as_str(), [s.n, s.days, s.max])
            })))?;
            wide.iter().try_for_each(|((u, _), _)| known(*u))?;
            let mut cols = vec!["unit_id", "month", "unit_path", "level"];
            cols.extend(hop_cols.iter().map(String::as_str));
            bulk_rows(&mut tx, "stall_stats", &cols, &wide, |((unit, month), sums), v| {
                let path = paths.get(unit).cloned().unwrap_or_default();
                let level = $crate::reexport::ducha_domain::analytics::hops::depth(&path);
                v.extend([
                    Arg::I64(*unit),
                    Arg::Text((*month).to_string()),
                    Arg::Text(path),
                    Arg::I64(level),
                ]);
                v.extend(sums.iter().map(|x| Arg::I64(*x)));
            })
            .await?;
            laps.lap("stall_stats");
            // The sums by source and category, pivoted the same way.
            let wide = pivoted(pivot_sums(t.kinds.iter().map(|s| {
                let key = (s.unit_id, s.month.as_str(), s.source.as_str(), s.category.as_str());
                (key, s.hop.as_str(), [s.n, s.days, s.max])
            })))?;
            wide.iter().try_for_each(|((u, ..), _)| known(*u))?;
            let mut cols = vec!["unit_id", "month", "source", "category", "unit_path", "level"];
            cols.extend(hop_cols.iter().map(String::as_str));
            bulk_rows(
                &mut tx,
                "stall_kinds",
                &cols,
                &wide,
                |((unit, month, source, category), sums), v| {
                    let path = paths.get(unit).cloned().unwrap_or_default();
                    let level = $crate::reexport::ducha_domain::analytics::hops::depth(&path);
                    v.extend([
                        Arg::I64(*unit),
                        Arg::Text((*month).to_string()),
                        Arg::Text((*source).to_string()),
                        Arg::Text((*category).to_string()),
                        Arg::Text(path),
                        Arg::I64(level),
                    ]);
                    v.extend(sums.iter().map(|x| Arg::I64(*x)));
                },
            )
            .await?;
            laps.lap("stall_kinds");
            // The sums over every month, one row per unit.
            let wide = pivoted(pivot_sums(
                t.totals.iter().map(|s| (s.unit_id, s.hop.as_str(), [s.n, s.days, s.max])),
            ))?;
            wide.iter().try_for_each(|(u, _)| known(*u))?;
            let mut cols = vec!["unit_id", "unit_path", "level"];
            cols.extend(hop_cols.iter().map(String::as_str));
            bulk_rows(&mut tx, "stall_totals", &cols, &wide, |(unit, sums), v| {
                let path = paths.get(unit).cloned().unwrap_or_default();
                let level = $crate::reexport::ducha_domain::analytics::hops::depth(&path);
                v.extend([Arg::I64(*unit), Arg::Text(path), Arg::I64(level)]);
                v.extend(sums.iter().map(|x| Arg::I64(*x)));
            })
            .await?;
            laps.lap("stall_totals");
            // Findings with their unit's path; one of a unit that does not exist is left
            // out, as a commit's `INSERT … SELECT … FROM units` leaves it.
            let findings: Vec<(&KeptFinding, &String)> = t
                .findings
                .iter()
                .filter_map(|f| paths.get(&f.draft.unit_id).map(|p| (f, p)))
                .collect();
            bulk_rows(
                &mut tx,
                "findings",
                &[
                    "kind",
                    "item_id",
                    "assignment_id",
                    "unit_id",
                    "unit_path",
                    "subject",
                    "score",
                    "args",
                    "event_seq",
                    "found_at",
                    "resolved_at",
                ],
                &findings,
                |(f, path), v| {
                    let d = &f.draft;
                    v.extend([
                        Arg::Text(d.kind.as_str().to_string()),
                        Arg::I64(d.item_id),
                        Arg::I64(d.assignment_id),
                        Arg::I64(d.unit_id),
                        Arg::Text((*path).clone()),
                        Arg::Text(d.subject.clone()),
                        Arg::I64(d.score),
                        Arg::Text(d.args.to_string()),
                        Arg::I64(f.event_seq),
                        Arg::Time(d.at),
                        Arg::OptTime(f.resolved_at),
                    ]);
                },
            )
            .await?;
            laps.lap("findings");
            for (name, ddl) in &indexes {
                run(&mut tx, ddl.clone()).await?;
                laps.lap(name);
            }
            for (table, name, def) in &keys {
                run(&mut tx, format!("ALTER TABLE {table} ADD CONSTRAINT {name} {def}")).await?;
                laps.lap(name);
            }
            // The assessment's facts of the sources that read these tables, derived again
            // from them; the other sources read only rows the commands keep, which a rebuild
            // does not touch, and keep their rows. SQLite deletes the four sources' rows
            // (indexes kept): less than deriving the notices and returns again (11 s against
            // 21.7 s at full size; the indexes made again over the whole table cost 10.7 s).
            // PostgreSQL would write each deleted row to the WAL (a 22 s commit at full size):
            // it sets the other sources' rows aside, empties the table and puts them back
            // (1–2 s for 793,000 rows against 8.6 s to derive them again), its indexes
            // dropped meanwhile.
            let (derived, kept): (Vec<FactSource>, Vec<FactSource>) =
                FactSource::ALL.into_iter().partition(|s| s.reads_analytics());
            let list = |sources: &[FactSource]| {
                sources
                    .iter()
                    .map(|s| format!("'{}'", s.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut fact_indexes = vec![];
            if postgres {
                run(
                    &mut tx,
                    format!(
                        "CREATE TEMPORARY TABLE score_facts_kept ON COMMIT DROP AS \
                         SELECT * FROM score_facts WHERE source IN ({})",
                        list(&kept)
                    ),
                )
                .await?;
                // Its indexes made again over the whole table after the rows, as the derived
                // tables' are: keeping them row by row cost 4.9 s for the 821,000 completions
                // alone, without them 1.0 s, making both over 2.6 M rows 3.5 s.
                fact_indexes = indexes_of(&mut tx, &["score_facts"]).await?;
                for (name, _) in &fact_indexes {
                    run(&mut tx, format!("DROP INDEX {name}")).await?;
                }
                run(&mut tx, "TRUNCATE score_facts".to_string()).await?;
                run(
                    &mut tx,
                    "INSERT INTO score_facts SELECT * FROM score_facts_kept".to_string(),
                )
                .await?;
                laps.lap("score_facts_kept");
            } else {
                run(
                    &mut tx,
                    format!("DELETE FROM score_facts WHERE source IN ({})", list(&derived)),
                )
                .await?;
                laps.lap("score_facts_emptied");
            }
            fill_score_sources(&mut tx, &derived).await?;
            laps.lap("score_facts");
            for (name, ddl) in &fact_indexes {
                run(&mut tx, ddl.clone()).await?;
                laps.lap(name);
            }
            tx.commit().await.map_err(err)?;
            laps.lap("commit");
            Ok(())
        }
    };
}
