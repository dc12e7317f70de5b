//! The SQL of the ledger (台账) import: the numbers of imported matters.

/// Implements `LedgerStore` and the ledger's insert inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_ledger {
    ($store:ty, $db:ty) => {
        /// Writes the ledger number of the item `ev` inserted; in a whole transaction (`held`)
        /// keeps it back (see [`Kept::ledger_refs`]). Returns the item.
        async fn insert_ledger_ref(
            tx: &mut Tx,
            r: &NewLedgerRef,
            ev: &EventDraft,
            held: Option<&Whole<$db>>,
        ) -> StoreResult<i64> {
            let item_id = ev.item_id.ok_or_else(|| {
                StoreError::Other("a ledger number needs its item before it in the change".into())
            })?;
            if let Some(w) = held {
                w.keep_ledger_ref(item_id, r)?;
                return Ok(item_id);
            }
            write_ledger_refs(tx, &[(item_id, r.clone())]).await?;
            Ok(item_id)
        }

        /// Writes ledger numbers, `(item, number)`, a few hundred to a statement; a number
        /// imported already is a conflict.
        pub(super) async fn write_ledger_refs(
            tx: &mut Tx,
            refs: &[(i64, NewLedgerRef)],
        ) -> StoreResult<()> {
            for chunk in refs.chunks(500) {
                let mut q = sqlx::QueryBuilder::<$db>::new(
                    "INSERT INTO ledger_refs (scope_unit_id, ledger_ref, item_id, file_sha256, \
                     row_no, assigned_on, plan) ",
                );
                q.push_values(chunk, |mut b, (item_id, r)| {
                    b.push_bind(r.scope_unit_id)
                        .push_bind(r.ledger_ref.clone())
                        .push_bind(*item_id)
                        .push_bind(r.file_sha256.clone())
                        .push_bind(r.row_no)
                        .push_bind(r.assigned_on)
                        .push_bind(r.plan.clone());
                });
                q.build().execute(&mut *tx).await.map_err(|e| match e {
                    sqlx::Error::Database(d) if d.is_unique_violation() => {
                        StoreError::Conflict("ledger number imported already".into())
                    }
                    e => err(e),
                })?;
            }
            Ok(())
        }

        #[async_trait]
        impl LedgerStore for $store {
            async fn ledger_refs_taken(
                &self,
                scope_unit_id: i64,
                refs: &[String],
            ) -> StoreResult<Vec<String>> {
                let mut out = Vec::new();
                for chunk in refs.chunks(500) {
                    let mut d = Dynamic::default();
                    let scope = d.arg(Arg::I64(scope_unit_id));
                    let ph: Vec<String> =
                        chunk.iter().map(|n| d.arg(Arg::Text(n.clone()))).collect();
                    // An export names matters made by hand by their official number, or
                    // `ducha-<id>` before they have one: those are in the ledger too.
                    let scope2 = d.arg(Arg::I64(scope_unit_id));
                    let ph2: Vec<String> =
                        chunk.iter().map(|n| d.arg(Arg::Text(n.clone()))).collect();
                    // `ducha-<id>` by the item's id (an index), not by making the text of
                    // every item's id in the scope.
                    let ids: Vec<String> = chunk
                        .iter()
                        .filter_map(|r| {
                            let id = r.strip_prefix("ducha-")?.parse::<i64>().ok()?;
                            (format!("ducha-{id}") == *r).then_some(id)
                        })
                        .map(|id| d.arg(Arg::I64(id)))
                        .collect();
                    let by_id = if ids.is_empty() {
                        String::new()
                    } else {
                        let scope3 = d.arg(Arg::I64(scope_unit_id));
                        format!(
                            " UNION SELECT 'ducha-' || CAST(id AS TEXT) FROM items \
                             WHERE scope_unit_id = {scope3} AND id IN ({})",
                            ids.join(", ")
                        )
                    };
                    d.sql = format!(
                        "SELECT ledger_ref FROM ledger_refs WHERE scope_unit_id = {scope} \
                         AND ledger_ref IN ({}) \
                         UNION SELECT number FROM items WHERE scope_unit_id = {scope2} \
                         AND number IN ({}){by_id}",
                        ph.join(", "),
                        ph2.join(", "),
                    );
                    let rows: Vec<(String,)> = fetch_all(self, d).await?;
                    out.extend(rows.into_iter().map(|r| r.0));
                }
                Ok(out)
            }

            async fn ledger_refs_of_items(
                &self,
                item_ids: &[i64],
            ) -> StoreResult<Vec<(i64, String)>> {
                let mut out = Vec::new();
                for chunk in item_ids.chunks(500) {
                    let mut d = Dynamic::default();
                    let ph: Vec<String> = chunk.iter().map(|n| d.arg(Arg::I64(*n))).collect();
                    d.sql = format!(
                        "SELECT item_id, ledger_ref FROM ledger_refs WHERE item_id IN ({})",
                        ph.join(", ")
                    );
                    let rows: Vec<(i64, String)> = fetch_all(self, d).await?;
                    out.extend(rows);
                }
                Ok(out)
            }

            async fn ledger_plan(&self, item_id: i64) -> StoreResult<Option<String>> {
                let row: Option<(Option<String>,)> = sqlx::query_as::<$db, (Option<String>,)>(
                    "SELECT plan FROM ledger_refs WHERE item_id = $1",
                )
                .bind(item_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)?;
                Ok(row.and_then(|r| r.0))
            }

            async fn create_ledger_job(
                &self,
                user_id: i64,
                now: DateTime<Utc>,
                forget: DateTime<Utc>,
            ) -> StoreResult<i64> {
                sqlx::query::<$db>(
                    "DELETE FROM ledger_jobs WHERE created_at < $1 AND state <> 'running'",
                )
                .bind(forget)
                .execute(self.writer())
                .await
                .map_err(err)?;
                let (id,): (i64,) = sqlx::query_as::<$db, (i64,)>(
                    "INSERT INTO ledger_jobs (user_id, state, total, done, created_at, \
                     updated_at) VALUES ($1, 'running', 0, 0, $2, $2) RETURNING id",
                )
                .bind(user_id)
                .bind(now)
                .fetch_one(self.writer())
                .await
                .map_err(err)?;
                Ok(id)
            }

            async fn ledger_job_progress(
                &self,
                id: i64,
                total: i64,
                done: i64,
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE ledger_jobs SET total = $2, done = $3, updated_at = $4 \
                     WHERE id = $1 AND state = 'running'",
                )
                .bind(id)
                .bind(total)
                .bind(done)
                .bind(now)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn end_ledger_job(
                &self,
                id: i64,
                state: &str,
                result: &str,
                (total, done): (i64, i64),
                now: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE ledger_jobs SET state = $2, result = $3, total = $4, done = $5, \
                     updated_at = $6 WHERE id = $1",
                )
                .bind(id)
                .bind(state)
                .bind(result)
                .bind(total)
                .bind(done)
                .bind(now)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }

            async fn ledger_job(&self, id: i64) -> StoreResult<Option<LedgerJobRow>> {
                sqlx::query_as::<$db, LedgerJobRow>(
                    "SELECT id, user_id, state, total, done, result, created_at, updated_at \
                     FROM ledger_jobs WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
        }
    };
}
