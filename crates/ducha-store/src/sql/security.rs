//! The security log's shared SQL (the chained append, pages, the verifier's reads), scoped
//! API tokens, and the sessions and locks the security admin manages.

/// Implements `SecurityStore` inside the module that [`impl_sql_store!`](crate::impl_sql_store)
/// generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_security {
    ($store:ty, $db:ty) => {
        const SECURITY_COLS: &str = "seq, at, kind, actor_user, target_user, client, message, \
            args, prev_hash, hash";
        const TOKEN_COLS: &str = "t.id, t.user_id, u.username, u.display_name, t.name, t.scope, \
            t.areas, t.created_at, t.expires_at, t.last_used_at, t.revoked_at";
        const SESSION_LIST_COLS: &str = "s.token_hash, s.user_id, u.username, u.display_name, \
            un.path AS unit_path, s.created_at, s.last_seen_at, s.expires_at";

        /// The filter's WHERE clause (without `before`).
        fn security_filter(d: &mut Dynamic, q: &SecurityQuery) -> String {
            let mut w = format!(
                "at >= {} AND at < {}",
                d.arg(Arg::Time(q.from)),
                d.arg(Arg::Time(q.to))
            );
            if let Some(k) = &q.kind {
                w += &format!(" AND kind = {}", d.arg(Arg::Text(k.clone())));
            }
            if let Some(u) = q.user {
                let a = d.arg(Arg::I64(u));
                let b = d.arg(Arg::I64(u));
                w += &format!(" AND (actor_user = {a} OR target_user = {b})");
            }
            w
        }

        #[async_trait]
        impl SecurityStore for $store {
            async fn append_security(
                &self,
                d: &$crate::reexport::ducha_domain::security::SecurityDraft,
            ) -> StoreResult<$crate::reexport::ducha_domain::security::SecurityRecord> {
                use $crate::reexport::ducha_domain::security::SecurityRecord;
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                // Moving the head first takes its lock: appends queue here, one at a time.
                let (seq, prev_hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
                    "UPDATE security_chain SET seq = seq + 1, algo = CASE WHEN seq = 0 THEN \
                     (SELECT algo FROM event_chain WHERE id = 1) ELSE algo END WHERE id = 1 \
                     RETURNING seq - 1, hash, algo",
                )
                .fetch_one(&mut *tx)
                .await
                .map_err(err)?;
                let algo: HashAlgo = algo.parse().map_err(|()| {
                    StoreError::Other(format!("unknown hash algorithm {algo}").into())
                })?;
                let rec = SecurityRecord::chain(algo, (seq, &prev_hash), d);
                sqlx::query::<$db>(
                    "INSERT INTO security_log (seq, at, kind, actor_user, target_user, client, \
                     message, args, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, \
                     $9, $10)",
                )
                .bind(rec.seq)
                .bind(rec.at)
                .bind(&rec.kind)
                .bind(rec.actor_user)
                .bind(rec.target_user)
                .bind(&rec.client)
                .bind(&rec.message)
                .bind(&rec.args)
                .bind(&rec.prev_hash)
                .bind(&rec.hash)
                .execute(&mut *tx)
                .await
                .map_err(err)?;
                sqlx::query::<$db>("UPDATE security_chain SET hash = $1 WHERE id = 1")
                    .bind(&rec.hash)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                tx.commit().await.map_err(err)?;
                Ok(rec)
            }

            async fn security_after(
                &self,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<$crate::reexport::ducha_domain::security::SecurityRecord>> {
                let rows = sqlx::query_as::<$db, SecurityRow>(sql(format!(
                    "SELECT {SECURITY_COLS} FROM security_log WHERE seq > $1 ORDER BY seq LIMIT $2"
                )))
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn security_head(&self) -> StoreResult<(i64, String, HashAlgo)> {
                let (seq, hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
                    "SELECT seq, hash, algo FROM security_chain WHERE id = 1",
                )
                .fetch_one(self.reader())
                .await
                .map_err(err)?;
                let algo = algo.parse().map_err(|()| {
                    StoreError::Other(format!("unknown hash algorithm {algo}").into())
                })?;
                Ok((seq, hash, algo))
            }

            async fn security_rows(
                &self,
                q: &SecurityQuery,
            ) -> StoreResult<Vec<$crate::reexport::ducha_domain::security::SecurityRecord>> {
                let mut d = Dynamic::default();
                let mut w = security_filter(&mut d, q);
                if let Some(b) = q.before {
                    w += &format!(" AND seq < {}", d.arg(Arg::I64(b)));
                }
                let limit = d.arg(Arg::I64(q.limit.clamp(1, 500)));
                d.sql = format!(
                    "SELECT {SECURITY_COLS} FROM security_log WHERE {w} ORDER BY seq DESC \
                     LIMIT {limit}"
                );
                let rows: Vec<SecurityRow> = fetch_all(self, d).await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn security_count(&self, q: &SecurityQuery) -> StoreResult<i64> {
                let mut d = Dynamic::default();
                let w = security_filter(&mut d, q);
                d.sql = format!("SELECT COUNT(*) FROM security_log WHERE {w}");
                let rows: Vec<(i64,)> = fetch_all(self, d).await?;
                Ok(rows.first().map_or(0, |r| r.0))
            }

            async fn create_scoped_token(&self, t: &NewScopedToken) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, \
                     scope, areas) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(&t.token_hash)
                .bind(t.user_id)
                .bind(&t.name)
                .bind(t.created_at)
                .bind(t.expires_at)
                .bind(&t.scope)
                .bind(&t.areas)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }

            async fn scoped_token(&self, token_hash: &str) -> StoreResult<Option<ScopedTokenRow>> {
                sqlx::query_as::<$db, ScopedTokenRow>(sql(format!(
                    "SELECT {ACTOR_COLS}, t.id AS token_id, t.scope, t.areas, t.expires_at, \
                     t.revoked_at, t.last_used_at FROM api_tokens t \
                     JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id \
                     WHERE t.token_hash = $1"
                )))
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn touch_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<()> {
                sqlx::query::<$db>("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(at)
                    .execute(self.writer())
                    .await
                    .map_err(err)?;
                Ok(())
            }

            async fn token(&self, id: i64) -> StoreResult<Option<TokenRow>> {
                sqlx::query_as::<$db, TokenRow>(sql(format!(
                    "SELECT {TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.id = $1"
                )))
                .bind(id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn tokens_of(&self, user_id: i64) -> StoreResult<Vec<TokenRow>> {
                sqlx::query_as::<$db, TokenRow>(sql(format!(
                    "SELECT {TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     WHERE t.user_id = $1 ORDER BY t.id DESC"
                )))
                .bind(user_id)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }

            async fn valid_tokens_under(
                &self,
                root: &UnitPath,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<TokenRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("un.path", root);
                let n = d.arg(Arg::Time(now));
                d.sql = format!(
                    "SELECT {TOKEN_COLS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
                     JOIN units un ON un.id = u.unit_id WHERE {r} AND t.revoked_at IS NULL \
                     AND t.expires_at > {n} ORDER BY t.id DESC LIMIT 500"
                );
                fetch_all(self, d).await
            }

            async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> StoreResult<bool> {
                let r = sqlx::query::<$db>(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                )
                .bind(id)
                .bind(at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(r.rows_affected() == 1)
            }

            async fn revoke_credentials(&self, user_id: i64, at: DateTime<Utc>) -> StoreResult<u64> {
                let mut tx = self.writer_pool().begin().await.map_err(err)?;
                let sessions = sqlx::query::<$db>("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?
                    .rows_affected();
                // A login half done with the old password does not finish either.
                sqlx::query::<$db>("DELETE FROM login_pending WHERE user_id = $1")
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(err)?;
                let tokens = sqlx::query::<$db>(
                    "UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 \
                     AND revoked_at IS NULL",
                )
                .bind(user_id)
                .bind(at)
                .execute(&mut *tx)
                .await
                .map_err(err)?
                .rows_affected();
                tx.commit().await.map_err(err)?;
                Ok(sessions + tokens)
            }

            async fn sessions_under(
                &self,
                root: &UnitPath,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<SessionListRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("un.path", root);
                let n = d.arg(Arg::Time(now));
                d.sql = format!(
                    "SELECT {SESSION_LIST_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
                     JOIN units un ON un.id = u.unit_id WHERE {r} AND s.expires_at > {n} \
                     ORDER BY s.last_seen_at DESC LIMIT 500"
                );
                fetch_all(self, d).await
            }

            async fn session_row(&self, token_hash: &str) -> StoreResult<Option<SessionListRow>> {
                sqlx::query_as::<$db, SessionListRow>(sql(format!(
                    "SELECT {SESSION_LIST_COLS} FROM sessions s JOIN users u ON u.id = s.user_id \
                     JOIN units un ON un.id = u.unit_id WHERE s.token_hash = $1"
                )))
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }

            async fn locked_users(
                &self,
                root: &UnitPath,
                now: DateTime<Utc>,
            ) -> StoreResult<Vec<UserRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("u.path", root);
                let n = d.arg(Arg::Time(now));
                d.sql = format!(
                    "SELECT {} FROM users JOIN units u ON u.id = users.unit_id WHERE {r} \
                     AND users.locked_until > {n} ORDER BY users.locked_until, users.id",
                    USER_COLS
                        .split(", ")
                        .map(|c| format!("users.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                fetch_all(self, d).await
            }
        }
    };
}
