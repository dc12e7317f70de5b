//! The SQL of citizens' appeals: the appeals, import mappings, the public form's counters and
//! signing key, and the public items.

/// Implements `AppealStore` and the appeals' writes inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_appeals {
    ($store:ty, $db:ty) => {
        const CITIZEN_APPEAL_COLS: &str = "id, code, source, external_no, unit_id, unit_path, category, \
            text_masked, text_sealed, contact_sealed, pii, photo_sha256, photo_mime, state, \
            item_id, received_at, created_at, created_by, version";
        const MAPPING_COLS: &str =
            "scope_unit_id, source_name, mapping, updated_by, updated_at";

        async fn insert_citizen_appeal(tx: &mut Tx, a: &NewCitizenAppeal) -> StoreResult<i64> {
            sqlx::query_scalar::<$db, i64>(
                "INSERT INTO appeals (code, source, external_no, unit_id, unit_path, category, \
                 text_masked, text_sealed, contact_sealed, pii, photo_sha256, photo_mime, state, \
                 received_at, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                 $9, $10, $11, $12, 'received', $13, $14, $15) RETURNING id",
            )
            .bind(&a.code)
            .bind(a.source.as_str())
            .bind(&a.external_no)
            .bind(a.unit_id)
            .bind(&a.unit_path)
            .bind(a.category.as_str())
            .bind(&a.text_masked)
            .bind(&a.text_sealed)
            .bind(&a.contact_sealed)
            .bind(&a.pii)
            .bind(&a.photo_sha256)
            .bind(&a.photo_mime)
            .bind(a.received_at)
            .bind(a.created_at)
            .bind(a.created_by)
            .fetch_one(&mut *tx)
            .await
            .map_err(err)
        }

        async fn update_citizen_appeal(tx: &mut Tx, a: &CitizenAppealRow) -> StoreResult<()> {
            let r = sqlx::query::<$db>(
                "UPDATE appeals SET state = $2, item_id = $3, version = version + 1 \
                 WHERE id = $1 AND version = $4",
            )
            .bind(a.id)
            .bind(a.state.as_str())
            .bind(a.item_id)
            .bind(a.version)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            one_row(r.rows_affected(), "appeal")
        }

        async fn save_appeal_mapping(tx: &mut Tx, m: &AppealMappingRow) -> StoreResult<()> {
            sqlx::query::<$db>(
                "INSERT INTO appeal_mappings (scope_unit_id, source_name, mapping, updated_by, \
                 updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (scope_unit_id, source_name) \
                 DO UPDATE SET mapping = excluded.mapping, updated_by = excluded.updated_by, \
                 updated_at = excluded.updated_at",
            )
            .bind(m.scope_unit_id)
            .bind(&m.source_name)
            .bind(&m.mapping)
            .bind(m.updated_by)
            .bind(m.updated_at)
            .execute(&mut *tx)
            .await
            .map_err(err)?;
            Ok(())
        }

        #[async_trait]
        impl AppealStore for $store {
            async fn citizen_appeal(&self, id: i64) -> StoreResult<Option<CitizenAppealRow>> {
                by_id(self, CITIZEN_APPEAL_COLS, "appeals", id).await
            }
            async fn appeal_by_code(&self, code: &str) -> StoreResult<Option<CitizenAppealRow>> {
                sqlx::query_as::<$db, CitizenAppealRow>(sql(format!(
                    "SELECT {CITIZEN_APPEAL_COLS} FROM appeals WHERE code = $1"
                )))
                .bind(code)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn appeals_under(&self, q: &AppealQuery) -> StoreResult<Vec<CitizenAppealRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("unit_path", &q.root);
                let mut s = format!("SELECT {CITIZEN_APPEAL_COLS} FROM appeals WHERE {r}");
                if let Some(st) = q.state {
                    s += &format!(" AND state = {}", d.arg(Arg::Text(st.as_str().into())));
                }
                if let Some(src) = q.source {
                    s += &format!(" AND source = {}", d.arg(Arg::Text(src.as_str().into())));
                }
                // Newest received first (a 12345 export's orders arrive in any order), the
                // next page after the appeal `before`.
                if let Some(b) = q.before {
                    let mut at = || format!("(SELECT received_at FROM appeals WHERE id = {})", d.arg(Arg::I64(b)));
                    let (older, same) = (at(), at());
                    let id = d.arg(Arg::I64(b));
                    s += &format!(" AND (received_at < {older} OR (received_at = {same} AND id < {id}))");
                }
                s += &format!(
                    " ORDER BY received_at DESC, id DESC LIMIT {}",
                    d.arg(Arg::I64(q.limit.clamp(1, 500)))
                );
                d.sql = s;
                fetch_all(self, d).await
            }
            async fn appeals_of_item(&self, item_id: i64) -> StoreResult<Vec<CitizenAppealRow>> {
                of_item(self, CITIZEN_APPEAL_COLS, "appeals", item_id).await
            }
            async fn known_order_nos(
                &self,
                source: $crate::reexport::ducha_domain::appeals::AppealSource,
                nos: &[String],
            ) -> StoreResult<Vec<String>> {
                let mut out = Vec::new();
                for chunk in nos.chunks(500) {
                    let mut d = Dynamic::default();
                    let src = d.arg(Arg::Text(source.as_str().into()));
                    let ph: Vec<String> =
                        chunk.iter().map(|n| d.arg(Arg::Text(n.clone()))).collect();
                    d.sql = format!(
                        "SELECT external_no FROM appeals WHERE source = {src} \
                         AND external_no IN ({})",
                        ph.join(", ")
                    );
                    let rows: Vec<(String,)> = fetch_all(self, d).await?;
                    out.extend(rows.into_iter().map(|r| r.0));
                }
                Ok(out)
            }
            async fn appeal_mappings(
                &self,
                scope_unit_id: i64,
            ) -> StoreResult<Vec<AppealMappingRow>> {
                sqlx::query_as::<$db, AppealMappingRow>(sql(format!(
                    "SELECT {MAPPING_COLS} FROM appeal_mappings WHERE scope_unit_id = $1 \
                     ORDER BY source_name"
                )))
                .bind(scope_unit_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn appeal_hit(&self, key: &str, now: i64, window_start: i64) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO appeal_throttle (key, window_start, hits) VALUES ($1, $2, 1) \
                     ON CONFLICT (key) DO UPDATE SET \
                     hits = CASE WHEN appeal_throttle.window_start <= $3 THEN 1 \
                     ELSE appeal_throttle.hits + 1 END, \
                     window_start = CASE WHEN appeal_throttle.window_start <= $3 THEN $2 \
                     ELSE appeal_throttle.window_start END \
                     RETURNING hits",
                )
                .bind(key)
                .bind(now)
                .bind(window_start)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn appeal_challenge_key(&self, candidate: &str) -> StoreResult<String> {
                sqlx::query::<$db>(
                    "INSERT INTO appeal_keys (id, challenge_key) VALUES (1, $1) \
                     ON CONFLICT (id) DO NOTHING",
                )
                .bind(candidate)
                .execute(self.writer())
                .await
                .map_err(err)?;
                sqlx::query_scalar::<$db, String>(
                    "SELECT challenge_key FROM appeal_keys WHERE id = 1",
                )
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn public_items(&self, limit: i64) -> StoreResult<Vec<ItemRow>> {
                sqlx::query_as::<$db, ItemRow>(sql(format!(
                    "SELECT {ITEM_COLS} FROM items i WHERE i.public = TRUE \
                     AND i.state IN ('dispatched', 'closed') ORDER BY i.id DESC LIMIT $1"
                )))
                .bind(limit.clamp(1, 500))
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
        }
    };
}
