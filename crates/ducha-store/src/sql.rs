//! SQL shared by the SQLite and PostgreSQL backends.
//!
//! Both backends accept `$1…$N` placeholders and the same dialect for everything here, so the
//! statements live once, in [`impl_sql_store!`], which each backend crate expands for its own
//! sqlx driver as a private module `__ducha_sql`. A backend provides inherent methods `reader()`
//! and `writer()` (pools) and `commit_change()`, which runs `__ducha_sql::apply_change` in a
//! write transaction however suits the engine, and the constant `PROBE_SUBTREES`: whether the
//! register query should be shaped by a bounded count of the subtree's assignments (SQLite's
//! planner keeps the query's shape; PostgreSQL's turns both shapes into the same semi-join and
//! chooses by its statistics).

use crate::StoreError;
use ducha_domain::org::UnitPath;

/// Columns of `items`, in [`crate::ItemRow`] order.
pub const ITEM_COLS: &str = "i.id, i.number, i.title, i.description, i.source, i.category, \
    i.priority, i.targets, i.deadline, i.cadence, i.leader_id, i.public, i.state, \
    i.scope_unit_id, i.scope_path, i.owner_unit_id, i.created_by, i.created_at, \
    i.dispatched_at, i.closed_at, i.version";

/// A bind argument of a dynamically built statement.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text.
    Text(String),
    /// Integer.
    I64(i64),
    /// Date.
    Date(chrono::NaiveDate),
}

/// A statement with its arguments, built step by step.
#[derive(Debug, Default)]
pub struct Dynamic {
    /// The SQL text.
    pub sql: String,
    /// Its arguments, `$1` first.
    pub args: Vec<Arg>,
}

impl Dynamic {
    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }

    /// Appends `col >= low AND col < high` for a subtree.
    pub fn subtree(&mut self, col: &str, root: &UnitPath) -> String {
        let (lo, hi) = root.subtree_range();
        let lo = self.arg(Arg::Text(lo));
        let hi = self.arg(Arg::Text(hi));
        format!("({col} >= {lo} AND {col} < {hi})")
    }

    /// A placeholder list `($1, $2, …)` for an `IN` clause.
    pub fn list(&mut self, ids: &[i64]) -> String {
        let ph: Vec<String> = ids.iter().map(|i| self.arg(Arg::I64(*i))).collect();
        format!("({})", ph.join(", "))
    }
}

/// Subtrees with fewer assignments than this are listed from the assignments side.
pub const SMALL_SUBTREE: i64 = 2000;

/// Counts a subtree's assignments, stopping at [`SMALL_SUBTREE`]: a bounded probe that tells
/// which way round the register query should run.
pub fn subtree_probe(root: &UnitPath) -> Dynamic {
    let mut d = Dynamic::default();
    let r = d.subtree("unit_path", root);
    let limit = d.arg(Arg::I64(SMALL_SUBTREE));
    d.sql = format!("SELECT COUNT(*) FROM (SELECT 1 FROM assignments WHERE {r} LIMIT {limit}) s");
    d
}

/// "Item has an assignment in this subtree". A small subtree is collected first and the items
/// looked up by id; a large one is checked per item while walking the register in order, which
/// stops as soon as the page is full.
fn assigned_within(d: &mut Dynamic, root: &UnitPath, small: bool) -> String {
    let r = d.subtree("a.unit_path", root);
    if small {
        format!("i.id IN (SELECT a.item_id FROM assignments a WHERE {r})")
    } else {
        format!("EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND {r})")
    }
}

/// Builds the item register query. `small_units` and `small_unit` say whether the visibility
/// subtree and the unit filter's subtree are small (see [`subtree_probe`]).
pub fn item_list(q: &crate::ItemQuery, small_units: bool, small_unit: bool) -> Dynamic {
    use crate::ItemSort;
    let mut d = Dynamic::default();
    let mut sql = format!("SELECT {ITEM_COLS} FROM items i WHERE 1 = 1");
    // Next to the registering scope, the OR must not be an IN list: it would turn into a
    // union of two index scans and a sort of everything visible.
    let small_units = small_units && q.visible_scope.is_none();
    let units = q
        .visible_units
        .as_ref()
        .map(|u| assigned_within(&mut d, u, small_units));
    let scope = q
        .visible_scope
        .as_ref()
        .map(|s| d.subtree("i.scope_path", s));
    match (units, scope) {
        (Some(u), Some(s)) => sql += &format!(" AND ({s} OR {u})"),
        (Some(c), None) | (None, Some(c)) => sql += &format!(" AND {c}"),
        (None, None) => {}
    }
    if let Some(s) = q.source {
        sql += &format!(" AND i.source = {}", d.arg(Arg::Text(s.as_str().into())));
    }
    if let Some(c) = q.category {
        sql += &format!(" AND i.category = {}", d.arg(Arg::Text(c.as_str().into())));
    }
    if let Some(s) = q.state {
        sql += &format!(" AND i.state = {}", d.arg(Arg::Text(s.as_str().into())));
    }
    if let Some(u) = &q.unit {
        sql += &format!(" AND {}", assigned_within(&mut d, u, small_unit));
    }
    if let Some(f) = q.deadline_from {
        sql += &format!(" AND i.deadline >= {}", d.arg(Arg::Date(f)));
    }
    if let Some(t) = q.deadline_to {
        sql += &format!(" AND i.deadline <= {}", d.arg(Arg::Date(t)));
    }
    if let Some(k) = q.keyword.as_deref().filter(|k| !k.is_empty()) {
        let escaped = k
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let p = d.arg(Arg::Text(format!("%{}%", escaped.to_lowercase())));
        sql += &format!(
            " AND (LOWER(i.title) LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(i.number, '')) LIKE {p} ESCAPE '\\')"
        );
    }
    match &q.sort {
        ItemSort::Newest => sql += " ORDER BY i.id DESC",
        ItemSort::NewestAfter(id) => {
            sql += &format!(" AND i.id < {} ORDER BY i.id DESC", d.arg(Arg::I64(*id)));
        }
        ItemSort::Deadline => sql += " ORDER BY i.deadline ASC, i.id ASC",
        ItemSort::DeadlineAfter(date, id) => {
            let dp = d.arg(Arg::Date(*date));
            let ip = d.arg(Arg::I64(*id));
            sql += &format!(
                " AND (i.deadline > {dp} OR (i.deadline = {dp} AND i.id > {ip})) \
                 ORDER BY i.deadline ASC, i.id ASC"
            );
        }
    }
    sql += &format!(" LIMIT {}", d.arg(Arg::I64(q.limit.clamp(1, 500))));
    d.sql = sql;
    d
}

/// Maps a driver error: unique violations become conflicts.
pub fn err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(d.constraint().unwrap_or("unique").to_string())
        }
        _ => StoreError::Other(Box::new(e)),
    }
}

/// Checks that an optimistic update hit its row.
pub fn one_row(affected: u64, what: &str) -> Result<(), StoreError> {
    if affected == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!("{what} changed meanwhile")))
    }
}

/// Implements every store trait for `$store` on sqlx driver `$db`.
#[macro_export]
macro_rules! impl_sql_store {
    ($store:ty, $db:ty) => {
        mod __ducha_sql {
            use super::*;
            use $crate::reexport::async_trait::async_trait;
            use $crate::reexport::chrono::{DateTime, Utc};
            use $crate::reexport::ducha_domain::chain::{EventDraft, EventRecord, HashAlgo};
            use $crate::reexport::ducha_domain::org::UnitPath;
            use $crate::reexport::serde_json;
            use $crate::reexport::sqlx::{self, AssertSqlSafe};
            use $crate::sql::{err, one_row, Arg, Dynamic, ITEM_COLS};
            use $crate::*;

            type Tx = sqlx::Transaction<'static, $db>;

            const UNIT_COLS: &str = "id, parent_id, name, kind, path, jurisdiction_path, sort";
            const ACTOR_COLS: &str = "u.id AS user_id, u.unit_id, u.roles, u.active, \
                un.path AS unit_path, un.jurisdiction_path";
            const USER_COLS: &str = "id, username, display_name, unit_id, roles, password_hash, \
                phone, email, active, failed_logins, locked_until";
            const ASSIGNMENT_COLS: &str = "id, item_id, parent_id, unit_id, unit_path, role, \
                responsible_user_id, deadline, original_deadline, targets, instructions, state, \
                dispatched_at, dispatched_by, signed_at, completed_at, returned_count, progress, \
                last_report_at, version";
            const REPORT_COLS: &str = "id, assignment_id, item_id, author_id, kind, text, percent, \
                metrics, problems, state, submitted_at, reviewer_id, reviewed_at, review_comment, \
                version";
            const HELP_COLS: &str = "id, assignment_id, item_id, from_unit_id, to_unit_id, text, \
                created_by, created_at, answer, answered_by, answered_at, version";
            const EXTENSION_COLS: &str = "id, assignment_id, item_id, old_deadline, \
                requested_deadline, reason, state, created_by, created_at, decided_by, \
                decided_at, comment, version";
            const REFUSAL_COLS: &str = "id, assignment_id, item_id, reason, state, created_by, \
                created_at, decided_by, decided_at, comment, version";
            const EVENT_COLS: &str = "seq, at, actor_user, actor_unit, kind, item_id, \
                assignment_id, unit_id, payload, prev_hash, hash";

            fn sql(s: String) -> AssertSqlSafe<String> {
                AssertSqlSafe(s)
            }

            async fn fetch_all<T>(store: &$store, d: Dynamic) -> StoreResult<Vec<T>>
            where
                T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let mut q = sqlx::query_as::<$db, T>(sql(d.sql));
                for a in d.args {
                    q = match a {
                        Arg::Text(s) => q.bind(s),
                        Arg::I64(v) => q.bind(v),
                        Arg::Date(v) => q.bind(v),
                    };
                }
                q.fetch_all(store.reader()).await.map_err(err)
            }

            async fn by_id<T>(store: &$store, cols: &str, table: &str, id: i64) -> StoreResult<Option<T>>
            where
                T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                sqlx::query_as::<$db, T>(sql(format!("SELECT {cols} FROM {table} WHERE id = $1")))
                    .bind(id)
                    .fetch_optional(store.reader())
                    .await
                    .map_err(err)
            }

            async fn of_item<T>(store: &$store, cols: &str, table: &str, item: i64) -> StoreResult<Vec<T>>
            where
                T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                sqlx::query_as::<$db, T>(sql(format!(
                    "SELECT {cols} FROM {table} WHERE item_id = $1 ORDER BY id"
                )))
                .bind(item)
                .fetch_all(store.reader())
                .await
                .map_err(err)
            }

            fn ids_query(cols: &str, table: &str, ids: &[i64]) -> Dynamic {
                let mut d = Dynamic::default();
                let list = d.list(ids);
                d.sql = format!("SELECT {cols} FROM {table} WHERE id IN {list}");
                d
            }

            fn under_query(cols: &str, table: &str, col: &str, root: &UnitPath, order: &str) -> Dynamic {
                let mut d = Dynamic::default();
                let r = d.subtree(col, root);
                d.sql = format!("SELECT {cols} FROM {table} WHERE {r} ORDER BY {order}");
                d
            }

            #[async_trait]
            impl OrgStore for $store {
                async fn unit(&self, id: i64) -> StoreResult<Option<UnitRow>> {
                    by_id(self, UNIT_COLS, "units", id).await
                }
                async fn units(&self, ids: &[i64]) -> StoreResult<Vec<UnitRow>> {
                    if ids.is_empty() {
                        return Ok(Vec::new());
                    }
                    fetch_all(self, ids_query(UNIT_COLS, "units", ids)).await
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
                        USER_COLS.split(", ").map(|c| format!("users.{c}")).collect::<Vec<_>>().join(", ")
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
                async fn session_actor(&self, token_hash: &str) -> StoreResult<Option<SessionActorRow>> {
                    sqlx::query_as::<$db, SessionActorRow>(sql(format!(
                        "SELECT {ACTOR_COLS}, s.csrf_token, s.expires_at, s.last_seen_at \
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
                    locked_until: Option<DateTime<Utc>>,
                ) -> StoreResult<i64> {
                    sqlx::query_scalar::<$db, i64>(
                        "UPDATE users SET failed_logins = failed_logins + 1, \
                         locked_until = COALESCE($2, locked_until) WHERE id = $1 \
                         RETURNING failed_logins",
                    )
                    .bind(user_id)
                    .bind(locked_until)
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
                    by_id(self, ITEM_COLS, "items i", id).await
                }
                async fn list_items(&self, q: &ItemQuery) -> StoreResult<Vec<ItemRow>> {
                    let small = async |root: Option<&UnitPath>| -> StoreResult<bool> {
                        let Some(root) = root else { return Ok(false) };
                        let rows: Vec<(i64,)> = fetch_all(self, $crate::sql::subtree_probe(root)).await?;
                        Ok(rows.first().is_some_and(|r| r.0 < $crate::sql::SMALL_SUBTREE))
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
                async fn help_request(&self, id: i64) -> StoreResult<Option<HelpRequestRow>> {
                    by_id(self, HELP_COLS, "help_requests", id).await
                }
                async fn help_requests_of_item(&self, item_id: i64) -> StoreResult<Vec<HelpRequestRow>> {
                    of_item(self, HELP_COLS, "help_requests", item_id).await
                }
                async fn help_requests_to(&self, unit_id: i64, limit: i64) -> StoreResult<Vec<HelpRequestRow>> {
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

            async fn apply_update(tx: &mut Tx, u: &Update, ev: &mut EventDraft) -> StoreResult<()> {
                let affected = match u {
                    Update::Item(r) => sqlx::query::<$db>(
                        "UPDATE items SET title = $2, description = $3, source = $4, \
                         category = $5, priority = $6, targets = $7, deadline = $8, cadence = $9, \
                         leader_id = $10, public = $11, state = $12, dispatched_at = $13, \
                         closed_at = $14, version = version + 1 WHERE id = $1 AND version = $15",
                    )
                    .bind(r.id)
                    .bind(&r.title)
                    .bind(&r.description)
                    .bind(r.source.as_str())
                    .bind(r.category.as_str())
                    .bind(r.priority.as_str())
                    .bind(r.targets.text())
                    .bind(r.deadline)
                    .bind(r.cadence.text())
                    .bind(r.leader_id)
                    .bind(r.public)
                    .bind(r.state.as_str())
                    .bind(r.dispatched_at)
                    .bind(r.closed_at)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::NumberItem { item_id, scope_unit_id, year, prefix } => {
                        let seq = sqlx::query_scalar::<$db, i64>(
                            "INSERT INTO item_counters (scope_unit_id, year, last_seq) \
                             VALUES ($1, $2, 1) ON CONFLICT (scope_unit_id, year) \
                             DO UPDATE SET last_seq = item_counters.last_seq + 1 RETURNING last_seq",
                        )
                        .bind(scope_unit_id)
                        .bind(i64::from(*year))
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(err)?;
                        let number = $crate::reexport::ducha_domain::item::format_number(prefix, *year, seq);
                        ev.payload["number"] = serde_json::Value::String(number.clone());
                        sqlx::query::<$db>("UPDATE items SET number = $2 WHERE id = $1")
                            .bind(item_id)
                            .bind(number)
                            .execute(&mut **tx)
                            .await
                    }
                    Update::Assignment(r) => sqlx::query::<$db>(
                        "UPDATE assignments SET responsible_user_id = $2, deadline = $3, \
                         state = $4, signed_at = $5, completed_at = $6, returned_count = $7, \
                         progress = $8, last_report_at = $9, version = version + 1 \
                         WHERE id = $1 AND version = $10",
                    )
                    .bind(r.id)
                    .bind(r.responsible_user_id)
                    .bind(r.deadline)
                    .bind(r.state.as_str())
                    .bind(r.signed_at)
                    .bind(r.completed_at)
                    .bind(r.returned_count)
                    .bind(r.progress)
                    .bind(r.last_report_at)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::Report(r) => sqlx::query::<$db>(
                        "UPDATE reports SET state = $2, reviewer_id = $3, reviewed_at = $4, \
                         review_comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
                    )
                    .bind(r.id)
                    .bind(r.state.as_str())
                    .bind(r.reviewer_id)
                    .bind(r.reviewed_at)
                    .bind(&r.review_comment)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::Help(r) => sqlx::query::<$db>(
                        "UPDATE help_requests SET answer = $2, answered_by = $3, answered_at = $4, \
                         version = version + 1 WHERE id = $1 AND version = $5",
                    )
                    .bind(r.id)
                    .bind(&r.answer)
                    .bind(r.answered_by)
                    .bind(r.answered_at)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::Extension(r) => sqlx::query::<$db>(
                        "UPDATE extensions SET state = $2, decided_by = $3, decided_at = $4, \
                         comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
                    )
                    .bind(r.id)
                    .bind(r.state.as_str())
                    .bind(r.decided_by)
                    .bind(r.decided_at)
                    .bind(&r.comment)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::Refusal(r) => sqlx::query::<$db>(
                        "UPDATE refusals SET state = $2, decided_by = $3, decided_at = $4, \
                         comment = $5, version = version + 1 WHERE id = $1 AND version = $6",
                    )
                    .bind(r.id)
                    .bind(r.state.as_str())
                    .bind(r.decided_by)
                    .bind(r.decided_at)
                    .bind(&r.comment)
                    .bind(r.version)
                    .execute(&mut **tx)
                    .await,
                    Update::Unlock { user_id } => sqlx::query::<$db>(
                        "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                    )
                    .bind(user_id)
                    .execute(&mut **tx)
                    .await,
                    Update::Password { user_id, hash } => sqlx::query::<$db>(
                        "UPDATE users SET password_hash = $2, failed_logins = 0, \
                         locked_until = NULL WHERE id = $1",
                    )
                    .bind(user_id)
                    .bind(hash)
                    .execute(&mut **tx)
                    .await,
                };
                one_row(affected.map_err(err)?.rows_affected(), "row")
            }

            async fn apply_insert(tx: &mut Tx, i: &Insert, ev: &mut EventDraft) -> StoreResult<i64> {
                let id = match i {
                    Insert::Unit(u) => {
                        let id = sqlx::query_scalar::<$db, i64>(
                            "INSERT INTO units (parent_id, name, kind, sort) VALUES ($1, $2, $3, $4) \
                             RETURNING id",
                        )
                        .bind(u.parent.as_ref().map(|p| p.0))
                        .bind(&u.name)
                        .bind(u.kind.as_str())
                        .bind(u.sort)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(err)?;
                        let path = match &u.parent {
                            Some((_, p)) => p.child(id.into()),
                            None => UnitPath::root(id.into()),
                        };
                        sqlx::query::<$db>(
                            "UPDATE units SET path = $2, jurisdiction_path = CASE WHEN $3 THEN $2 \
                             ELSE COALESCE((SELECT p.jurisdiction_path FROM units p \
                             WHERE p.id = units.parent_id), $2) END WHERE id = $1",
                        )
                        .bind(id)
                        .bind(path.as_str())
                        .bind(u.kind.is_jurisdiction())
                            .execute(&mut **tx)
                            .await
                            .map_err(err)?;
                        ev.unit_id.get_or_insert(id);
                        id
                    }
                    Insert::User(u) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO users (username, display_name, unit_id, roles, password_hash, \
                         phone, email) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                    )
                    .bind(&u.username)
                    .bind(&u.display_name)
                    .bind(u.unit_id)
                    .bind($crate::reexport::ducha_domain::org::roles_to_string(&u.roles))
                    .bind(&u.password_hash)
                    .bind(&u.phone)
                    .bind(&u.email)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                    Insert::Item(n) => {
                        let s = &n.spec;
                        let id = sqlx::query_scalar::<$db, i64>(
                            "INSERT INTO items (title, description, source, category, priority, \
                             targets, deadline, cadence, leader_id, public, state, scope_unit_id, \
                             scope_path, owner_unit_id, created_by, created_at) VALUES ($1, $2, \
                             $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12, $13, $14, $15) \
                             RETURNING id",
                        )
                        .bind(&s.title)
                        .bind(&s.description)
                        .bind(s.source.as_str())
                        .bind(s.category.as_str())
                        .bind(s.priority.as_str())
                        .bind(Json(&s.targets).text())
                        .bind(s.deadline)
                        .bind(Json(&s.cadence).text())
                        .bind(s.leader_id)
                        .bind(s.public)
                        .bind(n.scope_unit_id)
                        .bind(n.scope_path.as_str())
                        .bind(n.owner_unit_id)
                        .bind(n.created_by)
                        .bind(n.created_at)
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(err)?;
                        ev.item_id.get_or_insert(id);
                        id
                    }
                    Insert::Assignment(a) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO assignments (item_id, parent_id, unit_id, unit_path, role, \
                         responsible_user_id, deadline, original_deadline, targets, instructions, \
                         state, dispatched_at, dispatched_by) VALUES ($1, $2, $3, $4, $5, $6, $7, \
                         $7, $8, $9, 'pending', $10, $11) RETURNING id",
                    )
                    .bind(a.item_id)
                    .bind(a.parent_id)
                    .bind(a.unit_id)
                    .bind(a.unit_path.as_str())
                    .bind(a.role.as_str())
                    .bind(a.responsible_user_id)
                    .bind(a.deadline)
                    .bind(Json(&a.targets).text())
                    .bind(&a.instructions)
                    .bind(a.dispatched_at)
                    .bind(a.dispatched_by)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                    Insert::Report(r) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO reports (assignment_id, item_id, author_id, kind, text, \
                         percent, metrics, problems, state, submitted_at) VALUES ($1, $2, $3, $4, \
                         $5, $6, $7, $8, 'pending', $9) RETURNING id",
                    )
                    .bind(r.assignment_id)
                    .bind(r.item_id)
                    .bind(r.author_id)
                    .bind(r.spec.kind.as_str())
                    .bind(&r.spec.text)
                    .bind(r.spec.percent)
                    .bind(Json(&r.spec.metrics).text())
                    .bind(&r.spec.problems)
                    .bind(r.submitted_at)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                    Insert::Help(h) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO help_requests (assignment_id, item_id, from_unit_id, \
                         to_unit_id, text, created_by, created_at) VALUES ($1, $2, $3, $4, $5, \
                         $6, $7) RETURNING id",
                    )
                    .bind(h.assignment_id)
                    .bind(h.item_id)
                    .bind(h.from_unit_id)
                    .bind(h.to_unit_id)
                    .bind(&h.text)
                    .bind(h.created_by)
                    .bind(h.created_at)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                    Insert::Extension(x) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO extensions (assignment_id, item_id, old_deadline, \
                         requested_deadline, reason, state, created_by, created_at) VALUES ($1, \
                         $2, $3, $4, $5, 'pending', $6, $7) RETURNING id",
                    )
                    .bind(x.assignment_id)
                    .bind(x.item_id)
                    .bind(x.old_deadline)
                    .bind(x.requested_deadline)
                    .bind(&x.reason)
                    .bind(x.created_by)
                    .bind(x.created_at)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                    Insert::Refusal(r) => sqlx::query_scalar::<$db, i64>(
                        "INSERT INTO refusals (assignment_id, item_id, reason, state, created_by, \
                         created_at) VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id",
                    )
                    .bind(r.assignment_id)
                    .bind(r.item_id)
                    .bind(&r.reason)
                    .bind(r.created_by)
                    .bind(r.created_at)
                    .fetch_one(&mut **tx)
                    .await
                    .map_err(err)?,
                };
                Ok(id)
            }

            async fn insert_event(tx: &mut Tx, rec: &EventRecord) -> StoreResult<()> {
                sqlx::query::<$db>(
                    "INSERT INTO events (seq, at, actor_user, actor_unit, kind, item_id, \
                     assignment_id, unit_id, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, \
                     $6, $7, $8, $9, $10, $11)",
                )
                .bind(rec.seq)
                .bind(rec.at)
                .bind(rec.actor_user)
                .bind(rec.actor_unit)
                .bind(&rec.kind)
                .bind(rec.item_id)
                .bind(rec.assignment_id)
                .bind(rec.unit_id)
                .bind(&rec.payload)
                .bind(&rec.prev_hash)
                .bind(&rec.hash)
                .execute(&mut **tx)
                .await
                .map_err(err)?;
                Ok(())
            }

            /// Appends the event after the chain head. With the head this process saw last, one
            /// conditional UPDATE moves the head (and takes its row lock); if another writer got
            /// there first, the head is read under the lock instead.
            async fn append_event(
                tx: &mut Tx,
                ev: &EventDraft,
                cached: Option<(i64, String, HashAlgo)>,
            ) -> StoreResult<(EventRecord, HashAlgo)> {
                if let Some((seq, hash, algo)) = cached {
                    let rec = EventRecord::chain(algo, (seq, &hash), ev);
                    let moved = sqlx::query::<$db>(
                        "UPDATE event_chain SET seq = $2, hash = $3 \
                         WHERE id = 1 AND seq = $1 AND hash = $4",
                    )
                    .bind(seq)
                    .bind(rec.seq)
                    .bind(&rec.hash)
                    .bind(&hash)
                    .execute(&mut **tx)
                    .await
                    .map_err(err)?
                    .rows_affected();
                    if moved == 1 {
                        insert_event(tx, &rec).await?;
                        return Ok((rec, algo));
                    }
                }
                let (seq, prev_hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
                    "UPDATE event_chain SET seq = seq + 1 WHERE id = 1 RETURNING seq - 1, hash, algo",
                )
                .fetch_one(&mut **tx)
                .await
                .map_err(err)?;
                let algo: HashAlgo = algo
                    .parse()
                    .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
                let rec = EventRecord::chain(algo, (seq, &prev_hash), ev);
                insert_event(tx, &rec).await?;
                sqlx::query::<$db>("UPDATE event_chain SET hash = $1 WHERE id = 1")
                    .bind(&rec.hash)
                    .execute(&mut **tx)
                    .await
                    .map_err(err)?;
                Ok((rec, algo))
            }

            /// Applies a change inside an open transaction: its rows, then its event after the
            /// chain head `cached` (the head seen last, if any). Returns the outcome and the
            /// chain's algorithm; the caller commits.
            pub(super) async fn apply_change(
                tx: &mut Tx,
                change: Change,
                cached: Option<(i64, String, HashAlgo)>,
            ) -> StoreResult<(Committed, HashAlgo)> {
                let Change { updates, inserts, mut event } = change;
                for u in &updates {
                    apply_update(tx, u, &mut event).await?;
                }
                let mut ids = Vec::with_capacity(inserts.len());
                for i in &inserts {
                    ids.push(apply_insert(tx, i, &mut event).await?);
                }
                if !ids.is_empty() && event.payload.is_object() {
                    event.payload["ids"] = serde_json::json!(ids);
                }
                let (rec, algo) = append_event(tx, &event, cached).await?;
                Ok((Committed { ids, event: rec }, algo))
            }

            #[async_trait]
            impl EventStore for $store {
                async fn commit(&self, change: Change) -> StoreResult<Committed> {
                    self.commit_change(change).await
                }
                async fn item_events(&self, item_id: i64) -> StoreResult<Vec<EventRecord>> {
                    let rows = sqlx::query_as::<$db, EventRow>(sql(format!(
                        "SELECT {EVENT_COLS} FROM events WHERE item_id = $1 ORDER BY seq"
                    )))
                    .bind(item_id)
                    .fetch_all(self.reader())
                    .await
                    .map_err(err)?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }
                async fn events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<EventRecord>> {
                    let rows = sqlx::query_as::<$db, EventRow>(sql(format!(
                        "SELECT {EVENT_COLS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"
                    )))
                    .bind(after)
                    .bind(limit)
                    .fetch_all(self.reader())
                    .await
                    .map_err(err)?;
                    Ok(rows.into_iter().map(Into::into).collect())
                }
                async fn chain_head(&self) -> StoreResult<(i64, String, HashAlgo)> {
                    let (seq, hash, algo) = sqlx::query_as::<$db, (i64, String, String)>(
                        "SELECT seq, hash, algo FROM event_chain WHERE id = 1",
                    )
                    .fetch_one(self.reader())
                    .await
                    .map_err(err)?;
                    let algo = algo
                        .parse()
                        .map_err(|()| StoreError::Other(format!("unknown hash algorithm {algo}").into()))?;
                    Ok((seq, hash, algo))
                }
                async fn init_chain(&self, algo: HashAlgo) -> StoreResult<HashAlgo> {
                    sqlx::query::<$db>("UPDATE event_chain SET algo = $1 WHERE id = 1 AND seq = 0")
                        .bind(algo.as_str())
                        .execute(self.writer())
                        .await
                        .map_err(err)?;
                    Ok(self.chain_head().await?.2)
                }
            }
        }
    };
}
