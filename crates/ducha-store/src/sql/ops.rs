//! The shared SQL of operations: the metrics page's bounded counts and the purge of expired
//! sessions, tokens and pending logins. The schema's state is the backend's own
//! (`probe_schema`): how to prove the database is reachable differs per engine.

/// Implements `OpsStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_ops {
    ($store:ty, $db:ty) => {
        /// `SELECT COUNT(*)` of at most [`OPS_COUNT_CAP`] rows matching `filter`.
        async fn capped_count(
            store: &$store,
            table: &str,
            filter: &str,
            at: Option<DateTime<Utc>>,
        ) -> StoreResult<i64> {
            let q = sql(format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE {filter} LIMIT {}) c",
                $crate::OPS_COUNT_CAP
            ));
            let mut q = sqlx::query_scalar::<$db, i64>(q);
            if let Some(at) = at {
                q = q.bind(at);
            }
            q.fetch_one(store.reader()).await.map_err(err)
        }

        #[async_trait]
        impl OpsStore for $store {
            async fn schema_state(&self) -> StoreResult<SchemaState> {
                let mut applied = self.probe_schema().await?;
                applied.sort_unstable();
                let mut known = Self::known_migrations();
                known.sort_unstable();
                Ok(SchemaState { applied, known })
            }

            async fn ops_counts(&self, now: DateTime<Utc>) -> StoreResult<OpsCounts> {
                let outbox_backlog =
                    capped_count(self, "outbox", "state IN ('pending', 'held')", None).await?;
                let outbox_dead = capped_count(self, "outbox", "state = 'dead'", None).await?;
                let open_sessions =
                    capped_count(self, "sessions", "expires_at > $1", Some(now)).await?;
                let jobs = sqlx::query_as::<$db, (String, DateTime<Utc>)>(
                    "SELECT name, next_run_at FROM jobs ORDER BY name LIMIT 100",
                )
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                Ok(OpsCounts {
                    outbox_backlog,
                    outbox_dead,
                    open_sessions,
                    jobs,
                })
            }

            async fn purge_expired(&self, cut: &PurgeCutoffs) -> StoreResult<PurgeCounts> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                let sessions = sqlx::query::<$db>(
                    "DELETE FROM sessions WHERE expires_at <= $1 OR created_at <= $2",
                )
                .bind(cut.now)
                .bind(cut.sessions_created_before)
                .execute(&mut *tx)
                .await
                .map_err(err)?
                .rows_affected();
                let tokens = sqlx::query::<$db>(
                    "DELETE FROM api_tokens WHERE revoked_at <= $1 OR expires_at <= $1 \
                     OR (expires_at IS NULL AND created_at <= $1)",
                )
                .bind(cut.tokens_ended_before)
                .execute(&mut *tx)
                .await
                .map_err(err)?
                .rows_affected();
                let pending_logins =
                    sqlx::query::<$db>("DELETE FROM login_pending WHERE expires_at <= $1")
                        .bind(cut.now)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?
                        .rows_affected();
                let throttle_windows =
                    sqlx::query::<$db>("DELETE FROM login_throttle WHERE window_start <= $1")
                        .bind(cut.throttle_window_start)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?
                        .rows_affected();
                tx.commit().await.map_err(err)?;
                Ok(PurgeCounts {
                    sessions,
                    tokens,
                    pending_logins,
                    throttle_windows,
                })
            }
        }
    };
}
