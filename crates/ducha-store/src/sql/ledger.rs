//! The SQL of the ledger (台账) import: the numbers of imported matters.

/// Implements `LedgerStore` and the ledger's insert inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_ledger {
    ($store:ty, $db:ty) => {
        async fn insert_ledger_ref(
            tx: &mut Tx,
            r: &NewLedgerRef,
            ev: &EventDraft,
        ) -> StoreResult<i64> {
            let item_id = ev.item_id.ok_or_else(|| {
                StoreError::Other("a ledger number needs its item before it in the change".into())
            })?;
            sqlx::query::<$db>(
                "INSERT INTO ledger_refs (scope_unit_id, ledger_ref, item_id, file_sha256, \
                 row_no, assigned_on) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(r.scope_unit_id)
            .bind(&r.ledger_ref)
            .bind(item_id)
            .bind(&r.file_sha256)
            .bind(r.row_no)
            .bind(r.assigned_on)
            .execute(&mut *tx)
            .await
            .map_err(|e| match e {
                sqlx::Error::Database(d) if d.is_unique_violation() => {
                    StoreError::Conflict("ledger number imported already".into())
                }
                e => err(e),
            })?;
            Ok(item_id)
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
                    let scope3 = d.arg(Arg::I64(scope_unit_id));
                    let ph3: Vec<String> =
                        chunk.iter().map(|n| d.arg(Arg::Text(n.clone()))).collect();
                    d.sql = format!(
                        "SELECT ledger_ref FROM ledger_refs WHERE scope_unit_id = {scope} \
                         AND ledger_ref IN ({}) \
                         UNION SELECT number FROM items WHERE scope_unit_id = {scope2} \
                         AND number IN ({}) \
                         UNION SELECT 'ducha-' || CAST(id AS TEXT) FROM items \
                         WHERE scope_unit_id = {scope3} AND 'ducha-' || CAST(id AS TEXT) IN ({})",
                        ph.join(", "),
                        ph2.join(", "),
                        ph3.join(", ")
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
        }
    };
}
