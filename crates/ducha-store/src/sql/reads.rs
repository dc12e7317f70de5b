//! The read half of the shared SQL: units, users, sessions, items and their rows.

/// Implements `OrgStore`, `SessionStore` and `ItemStore` inside the module that
/// [`impl_sql_store!`](crate::impl_sql_store) generates; not for direct use.
#[doc(hidden)]
#[macro_export]
macro_rules! __sql_reads {
    ($store:ty, $db:ty) => {
        #[async_trait]
        impl OrgStore for $store {
            async fn unit(&self, id: i64) -> StoreResult<Option<UnitRow>> {
                by_id(self, UNIT_COLS, "units", id).await
            }
            async fn unit_names(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                fetch_all(self, ids_query("id, name", "units", ids)).await
            }

            async fn user_names(&self, ids: &[i64]) -> StoreResult<Vec<(i64, String)>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                fetch_all(self, ids_query("id, display_name", "users", ids)).await
            }

            async fn units(&self, ids: &[i64]) -> StoreResult<Vec<UnitRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                fetch_all_unkept(self, ids_query(UNIT_COLS, "units", ids)).await
            }
            async fn units_under(&self, root: &UnitPath) -> StoreResult<Vec<UnitRow>> {
                fetch_all(self, under_query(UNIT_COLS, "units", "path", root, "path")).await
            }
            async fn user(&self, id: i64) -> StoreResult<Option<UserRow>> {
                by_id(self, USER_COLS, "users", id).await
            }
            async fn users(&self, ids: &[i64]) -> StoreResult<Vec<UserRow>> {
                if ids.is_empty() {
                    return Ok(Vec::new());
                }
                fetch_all(self, ids_query(USER_COLS, "users", ids)).await
            }
            async fn user_by_name(&self, username: &str) -> StoreResult<Option<UserRow>> {
                sqlx::query_as::<$db, UserRow>(sql(format!(
                    "SELECT {USER_COLS} FROM users WHERE username = $1"
                )))
                .bind(username)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn users_under(&self, root: &UnitPath) -> StoreResult<Vec<UserRow>> {
                let mut d = Dynamic::default();
                let r = d.subtree("u.path", root);
                d.sql = format!(
                    "SELECT {} FROM users JOIN units u ON u.id = users.unit_id WHERE {r} \
                 ORDER BY u.path, users.id",
                    USER_COLS
                        .split(", ")
                        .map(|c| format!("users.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                fetch_all(self, d).await
            }
            async fn actor_row(&self, user_id: i64) -> StoreResult<Option<ActorRow>> {
                sqlx::query_as::<$db, ActorRow>(sql(format!(
                    "SELECT {ACTOR_COLS} FROM users u JOIN units un ON un.id = u.unit_id \
                 WHERE u.id = $1"
                )))
                .bind(user_id)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn counts(&self) -> StoreResult<(i64, i64)> {
                sqlx::query_as::<$db, (i64, i64)>(
                    "SELECT (SELECT COUNT(*) FROM units), (SELECT COUNT(*) FROM users)",
                )
                .fetch_one(self.reader())
                .await
                .map_err(err)
            }
            async fn user_contacts(
                &self,
                after: i64,
                limit: i64,
            ) -> StoreResult<Vec<(i64, String, String)>> {
                sqlx::query_as::<$db, (i64, String, String)>(
                    "SELECT id, phone, email FROM users WHERE id > $1 ORDER BY id LIMIT $2",
                )
                .bind(after)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn set_user_contact(
                &self,
                id: i64,
                new: (&str, &str),
                old: (&str, &str),
            ) -> StoreResult<bool> {
                let done = sqlx::query::<$db>(
                    "UPDATE users SET phone = $1, email = $2 \
                     WHERE id = $3 AND phone = $4 AND email = $5",
                )
                .bind(new.0)
                .bind(new.1)
                .bind(id)
                .bind(old.0)
                .bind(old.1)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(done.rows_affected() == 1)
            }
        }

        #[async_trait]
        impl SessionStore for $store {
            async fn create_session(&self, s: &SessionRow) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, \
                 expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&s.token_hash)
                .bind(s.user_id)
                .bind(&s.csrf_token)
                .bind(s.created_at)
                .bind(s.expires_at)
                .bind(s.last_seen_at)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
            async fn session_actor(
                &self,
                token_hash: &str,
            ) -> StoreResult<Option<SessionActorRow>> {
                sqlx::query_as::<$db, SessionActorRow>(sql(format!(
                    "SELECT {ACTOR_COLS}, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN units un ON un.id = u.unit_id WHERE s.token_hash = $1"
                )))
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn token_actor(&self, token_hash: &str) -> StoreResult<Option<TokenActorRow>> {
                sqlx::query_as::<$db, TokenActorRow>(sql(format!(
                    "SELECT {ACTOR_COLS}, t.expires_at FROM api_tokens t \
                 JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id \
                 WHERE t.token_hash = $1"
                )))
                .bind(token_hash)
                .fetch_optional(self.reader())
                .await
                .map_err(err)
            }
            async fn touch_session(
                &self,
                token_hash: &str,
                seen: DateTime<Utc>,
                expires: DateTime<Utc>,
            ) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
                )
                .bind(token_hash)
                .bind(seen)
                .bind(expires)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
            async fn delete_user_sessions(&self, user_id: i64) -> StoreResult<()> {
                sqlx::query::<$db>("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id)
                    .execute(self.writer())
                    .await
                    .map_err(err)?;
                Ok(())
            }
            async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
                sqlx::query::<$db>("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(self.writer())
                    .await
                    .map_err(err)?;
                Ok(())
            }
            async fn create_api_token(&self, t: &NewApiToken) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(&t.token_hash)
                .bind(t.user_id)
                .bind(&t.name)
                .bind(t.created_at)
                .bind(t.expires_at)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn login_failed(
                &self,
                user_id: i64,
                lock_until: DateTime<Utc>,
                threshold: i64,
            ) -> StoreResult<i64> {
                sqlx::query_scalar::<$db, i64>(
                    "UPDATE users SET failed_logins = failed_logins + 1, \
                 locked_until = CASE WHEN failed_logins + 1 >= $3 THEN $2 \
                 ELSE locked_until END WHERE id = $1 \
                 RETURNING failed_logins",
                )
                .bind(user_id)
                .bind(lock_until)
                .bind(threshold)
                .fetch_one(self.writer())
                .await
                .map_err(err)
            }
            async fn login_succeeded(&self, user_id: i64) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                )
                .bind(user_id)
                .execute(self.writer())
                .await
                .map_err(err)?;
                Ok(())
            }
        }

        #[async_trait]
        impl ItemStore for $store {
            async fn item(&self, id: i64) -> StoreResult<Option<ItemRow>> {
                // A whole transaction answers for an item it keeps back (see `Kept`);
                // otherwise the items table alone: only kept items and assignments are
                // written first.
                if let Some(row) = self.whole.as_ref().and_then(|w| w.kept_item(id)) {
                    return Ok(Some(row));
                }
                sqlx::query_as::<$db, ItemRow>(sql(format!(
                    "SELECT {ITEM_COLS} FROM items i WHERE id = $1"
                )))
                .bind(id)
                .fetch_optional(self.reader_for($crate::sql::whole::Flush::Item))
                .await
                .map_err(err)
            }
            async fn list_items(&self, q: &ItemQuery) -> StoreResult<Vec<ItemRow>> {
                let small = async |root: Option<&UnitPath>| -> StoreResult<bool> {
                    let Some(root) = root else { return Ok(false) };
                    let rows: Vec<(i64,)> =
                        fetch_all(self, $crate::sql::subtree_probe(root)).await?;
                    Ok(rows
                        .first()
                        .is_some_and(|r| r.0 < $crate::sql::SMALL_SUBTREE))
                };
                let (units, unit) = if Self::PROBE_SUBTREES {
                    let units = if q.visible_scope.is_none() {
                        small(q.visible_units.as_ref()).await?
                    } else {
                        false
                    };
                    (units, small(q.unit.as_ref()).await?)
                } else {
                    (false, false)
                };
                fetch_all(self, $crate::sql::item_list(q, units, unit)).await
            }
            async fn assignment(&self, id: i64) -> StoreResult<Option<AssignmentRow>> {
                by_id(self, ASSIGNMENT_COLS, "assignments", id).await
            }
            async fn assignments_of_item(&self, item_id: i64) -> StoreResult<Vec<AssignmentRow>> {
                of_item(self, ASSIGNMENT_COLS, "assignments", item_id).await
            }
            async fn report(&self, id: i64) -> StoreResult<Option<ReportRow>> {
                by_id(self, REPORT_COLS, "reports", id).await
            }
            async fn reports_of_item(&self, item_id: i64) -> StoreResult<Vec<ReportRow>> {
                of_item(self, REPORT_COLS, "reports", item_id).await
            }
            async fn recent_reports_of_item(
                &self,
                item_id: i64,
                latest: i64,
            ) -> StoreResult<Vec<ReportRow>> {
                sqlx::query_as::<$db, ReportRow>(sql(format!(
                    "SELECT {REPORT_COLS} FROM reports WHERE item_id = $1 AND (state = 'pending' \
                     OR id IN (SELECT id FROM reports WHERE item_id = $1 ORDER BY id DESC LIMIT $2)) \
                     ORDER BY id"
                )))
                .bind(item_id)
                .bind(latest)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn help_request(&self, id: i64) -> StoreResult<Option<HelpRequestRow>> {
                by_id(self, HELP_COLS, "help_requests", id).await
            }
            async fn help_requests_of_item(
                &self,
                item_id: i64,
            ) -> StoreResult<Vec<HelpRequestRow>> {
                of_item(self, HELP_COLS, "help_requests", item_id).await
            }
            async fn help_requests_to(
                &self,
                unit_id: i64,
                limit: i64,
            ) -> StoreResult<Vec<HelpRequestRow>> {
                sqlx::query_as::<$db, HelpRequestRow>(sql(format!(
                    "SELECT {HELP_COLS} FROM help_requests WHERE to_unit_id = $1 \
                 ORDER BY (answered_at IS NULL) DESC, id DESC LIMIT $2"
                )))
                .bind(unit_id)
                .bind(limit)
                .fetch_all(self.reader())
                .await
                .map_err(err)
            }
            async fn extension(&self, id: i64) -> StoreResult<Option<ExtensionRow>> {
                by_id(self, EXTENSION_COLS, "extensions", id).await
            }
            async fn extensions_of_item(&self, item_id: i64) -> StoreResult<Vec<ExtensionRow>> {
                of_item(self, EXTENSION_COLS, "extensions", item_id).await
            }
            async fn refusal(&self, id: i64) -> StoreResult<Option<RefusalRow>> {
                by_id(self, REFUSAL_COLS, "refusals", id).await
            }
            async fn refusals_of_item(&self, item_id: i64) -> StoreResult<Vec<RefusalRow>> {
                of_item(self, REFUSAL_COLS, "refusals", item_id).await
            }
        }
    };
}
