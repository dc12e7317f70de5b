//! The shared SQL of authentication: TOTP secrets, recovery codes, password history, pending
//! logins, the per-address throttle and the concurrent-session trim.

/// Implements `AuthStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_auth {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl AuthStore for $store {
            async fn totp(&self, user_id: i64) -> StoreResult<Option<TotpRow>> {
                sqlx::query_as::<$db, TotpRow>(
                    "SELECT secret, active, last_step FROM user_totp WHERE user_id = $1",
                )
                .bind(user_id)
                .fetch_optional(self.writer())
                .await
                .map_err(err)
            }
            async fn set_totp(
                &self,
                user_id: i64,
                secret: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO user_totp (user_id, secret, active, last_step, created_at) \
                     VALUES ($1, $2, FALSE, NULL, $3) ON CONFLICT (user_id) DO UPDATE SET \
                     secret = $2, active = FALSE, last_step = NULL, created_at = $3",
                )
                .bind(user_id)
                .bind(secret)
                .bind(at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
            async fn activate_totp(
                &self,
                user_id: i64,
                step: i64,
                code_hashes: &[String],
            ) -> StoreResult<()> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                let done = sqlx::query::<$db>(
                    "UPDATE user_totp SET active = TRUE, last_step = $2 \
                     WHERE user_id = $1 AND active = FALSE",
                )
                .bind(user_id)
                .bind(step)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                one_row(done.rows_affected(), "totp enrolment")?;
                sqlx::query::<$db>("DELETE FROM recovery_codes WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                for h in code_hashes {
                    sqlx::query::<$db>(
                        "INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)",
                    )
                    .bind(user_id)
                    .bind(h)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                }
                tx.commit().await.map_err(err)
            }
            async fn use_totp_step(&self, user_id: i64, step: i64) -> StoreResult<bool> {
                let r = sqlx::query::<$db>(
                    "UPDATE user_totp SET last_step = $2 WHERE user_id = $1 AND active = TRUE \
                     AND (last_step IS NULL OR last_step < $2)",
                )
                .bind(user_id)
                .bind(step)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(r.rows_affected() == 1)
            }
            async fn delete_totp(&self, user_id: i64) -> StoreResult<()> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                for table in ["recovery_codes", "user_totp"] {
                    sqlx::query::<$db>(sql(format!("DELETE FROM {table} WHERE user_id = $1")))
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await
                        .map_err(err)?;
                }
                tx.commit().await.map_err(err)
            }
            async fn use_recovery_code(
                &self,
                user_id: i64,
                code_hash: &str,
                at: DateTime<Utc>,
            ) -> StoreResult<bool> {
                let r = sqlx::query::<$db>(
                    "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 \
                     AND code_hash = $2 AND used_at IS NULL",
                )
                .bind(user_id)
                .bind(code_hash)
                .bind(at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(r.rows_affected() >= 1)
            }
            async fn recovery_codes_left(&self, user_id: i64) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                )
                .bind(user_id)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn password_history(&self, user_id: i64) -> StoreResult<Vec<String>> {
                sqlx::query_scalar::<$db, String>(
                    "SELECT password_hash FROM password_history WHERE user_id = $1 \
                     ORDER BY id DESC",
                )
                .bind(user_id)
                .fetch_all(self.writer())
                .await
                .map_err(err)
            }
            async fn create_pending(&self, p: &PendingLoginRow) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO login_pending (token_hash, user_id, factor_done, created_at, \
                     expires_at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&p.token_hash)
                .bind(p.user_id)
                .bind(p.factor_done)
                .bind(p.created_at)
                .bind(p.expires_at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
            async fn pending(&self, token_hash: &str) -> StoreResult<Option<PendingLoginRow>> {
                sqlx::query_as::<$db, PendingLoginRow>(
                    "SELECT token_hash, user_id, factor_done, created_at, expires_at \
                     FROM login_pending WHERE token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(self.writer())
                .await
                .map_err(err)
            }
            async fn pending_factor_done(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE login_pending SET factor_done = TRUE WHERE token_hash = $1",
                )
                .bind(token_hash)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
            async fn delete_pending(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query::<$db>("DELETE FROM login_pending WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(self.writer())
                    .await
                    .map_err(err)?;
                Ok(())
            }
            async fn throttle_failed(
                &self,
                addr: &str,
                now: i64,
                window_start: i64,
            ) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO login_throttle (addr, window_start, failures) VALUES ($1, $2, 1) \
                     ON CONFLICT (addr) DO UPDATE SET \
                     failures = CASE WHEN login_throttle.window_start <= $3 THEN 1 \
                     ELSE login_throttle.failures + 1 END, \
                     window_start = CASE WHEN login_throttle.window_start <= $3 THEN $2 \
                     ELSE login_throttle.window_start END \
                     RETURNING failures",
                )
                .bind(addr)
                .bind(now)
                .bind(window_start)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn throttle_count(&self, addr: &str, window_start: i64) -> StoreResult<i64> {
                let n = sqlx::query_scalar::<$db, i64>(
                    "SELECT failures FROM login_throttle WHERE addr = $1 AND window_start > $2",
                )
                .bind(addr)
                .bind(window_start)
                .fetch_optional(self.writer())
                .await
                .map_err(err)?;
                Ok(n.unwrap_or(0))
            }
            async fn trim_sessions(&self, user_id: i64, keep: i64) -> StoreResult<u64> {
                let r = sqlx::query::<$db>(
                    "DELETE FROM sessions WHERE user_id = $1 AND token_hash NOT IN \
                     (SELECT token_hash FROM sessions WHERE user_id = $1 \
                     ORDER BY created_at DESC, token_hash LIMIT $2)",
                )
                .bind(user_id)
                .bind(keep)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(r.rows_affected())
            }
        }
    };
}
