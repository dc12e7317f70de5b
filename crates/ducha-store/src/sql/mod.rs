//! SQL shared by the SQLite and PostgreSQL backends.
//!
//! Both backends accept `$1…$N` placeholders and the same dialect for everything here, so the
//! statements live once, in [`impl_sql_store!`], which each backend crate expands for its own
//! sqlx driver as a private module `__ducha_sql`. A backend provides inherent methods `reader()`
//! and `writer()` (pools) and `commit_change()`, which runs `__ducha_sql::apply_change` in a
//! write transaction however suits the engine, `known_migrations()` and `probe_schema()` (the
//! migrations it carries and those the database applied, read so as to prove the database
//! is reachable now), `whole()` and `end_whole_transaction()` (a copy of the store whose
//! reads and commits run in one open transaction, and its end), and the constant `PROBE_SUBTREES`: whether the
//! register query should be shaped by a bounded count of the subtree's assignments (SQLite's
//! planner keeps the query's shape; PostgreSQL's turns both shapes into the same semi-join and
//! chooses by its statistics).

use crate::StoreError;

#[doc(hidden)]
pub mod analytics;
#[doc(hidden)]
pub mod appeals;
#[doc(hidden)]
pub mod assessment;
mod auth;
#[doc(hidden)]
pub mod bulletins;
mod clock;
#[doc(hidden)]
pub mod cockpit;
mod evidence;
pub mod hot;
#[doc(hidden)]
pub mod joint;
#[doc(hidden)]
pub mod ledger;
mod nodes;
mod ops;
pub mod proposals;
mod reads;
#[doc(hidden)]
pub mod rebuild;
mod score_facts;
mod security;
pub mod whole;
mod whole_writes;
#[doc(hidden)]
pub mod workbench;
mod writes;
use ducha_domain::org::UnitPath;

/// Columns of `items`, in [`crate::ItemRow`] order.
pub const ITEM_COLS: &str = "i.id, i.number, i.title, i.description, i.source, i.category, \
    i.priority, i.targets, i.deadline, i.cadence, i.leader_id, i.public, i.state, \
    i.scope_unit_id, i.scope_path, i.owner_unit_id, i.created_by, i.created_at, \
    i.dispatched_at, i.closed_at, i.light, i.deadline_working_days, i.version";

/// A bind argument of a dynamically built statement.
#[derive(Debug, Clone)]
pub enum Arg {
    /// Text.
    Text(String),
    /// Integer.
    I64(i64),
    /// Date.
    Date(chrono::NaiveDate),
    /// Instant.
    Time(chrono::DateTime<chrono::Utc>),
    /// Text or NULL.
    OptText(Option<String>),
    /// Integer or NULL.
    OptI64(Option<i64>),
    /// Instant or NULL.
    OptTime(Option<chrono::DateTime<chrono::Utc>>),
}

/// A statement with its arguments, built step by step.
#[derive(Debug, Default, Clone)]
pub struct Dynamic {
    /// The SQL text.
    pub sql: String,
    /// Its arguments, `$1` first.
    pub args: Vec<Arg>,
    /// Placeholders are anonymous `?`s, bound in the order they appear in the text, which
    /// must then be the order the arguments were added in. SQLite looks a numbered parameter
    /// up by walking a list of every parameter of the statement, so binding thousands of
    /// numbered ones costs the square of their number; anonymous ones are not in that list.
    pub positional: bool,
}

impl Dynamic {
    /// Adds an argument and returns its placeholder.
    pub fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        if self.positional {
            "?".to_string()
        } else {
            format!("${}", self.args.len())
        }
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
    if let Some(l) = q.light {
        sql += &format!(" AND i.light = {}", d.arg(Arg::I64(l)));
    }
    if let Some((path, light)) = &q.holder {
        let p = d.arg(Arg::Text(path.as_str().to_string()));
        let lit = match light {
            Some(l) => format!(" AND h.light = {}", d.arg(Arg::I64(*l))),
            None => String::new(),
        };
        sql += &format!(
            " AND i.id IN (SELECT h.item_id FROM assignments h WHERE h.unit_path = {p}{lit})"
        );
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
            // PostgreSQL names the index; SQLite says which columns in its message.
            StoreError::Conflict(
                d.constraint()
                    .map_or_else(|| d.message().to_string(), str::to_string),
            )
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
            use $crate::sql::whole::{Counters, Kept, StaleFacts, Whole};
            use $crate::*;

            type Tx = <$db as sqlx::Database>::Connection;

            const UNIT_COLS: &str = "id, parent_id, name, kind, path, jurisdiction_path, sort";
            const ACTOR_COLS: &str = "u.id AS user_id, u.unit_id, u.roles, u.active, \
                un.path AS unit_path, un.jurisdiction_path, EXISTS (SELECT 1 FROM joint_seats js \
                JOIN units sc ON sc.id = js.scope_unit_id WHERE js.unit_id = u.unit_id \
                AND sc.path = un.jurisdiction_path AND js.position IN ('office', 'member')) \
                AS member_body";
            const USER_COLS: &str = "id, username, display_name, unit_id, roles, password_hash, \
                phone, email, active, failed_logins, locked_until, notify_prefs, must_change_password, \
                position, lang";
            const ASSIGNMENT_COLS: &str = "id, item_id, parent_id, unit_id, unit_path, role, \
                responsible_user_id, deadline, original_deadline, targets, instructions, state, \
                dispatched_at, dispatched_by, signed_at, completed_at, returned_count, progress, \
                last_report_at, returned_open, light, light_reason, version";
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
                fetch_all_on(store, $crate::sql::whole::Flush::All, d).await
            }

            /// [`fetch_all`] of a table none of whose rows are kept back (`units`): what a
            /// whole transaction keeps back stays kept.
            async fn fetch_all_unkept<T>(store: &$store, d: Dynamic) -> StoreResult<Vec<T>>
            where
                T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                fetch_all_on(store, $crate::sql::whole::Flush::Nothing, d).await
            }

            /// The rows of `d`; in a whole transaction, writing `what` it kept back first.
            async fn fetch_all_on<T>(
                store: &$store,
                what: $crate::sql::whole::Flush,
                d: Dynamic,
            ) -> StoreResult<Vec<T>>
            where
                T: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let mut q = sqlx::query_as::<$db, T>(sql(d.sql));
                for a in d.args {
                    q = match a {
                        Arg::Text(s) => q.bind(s),
                        Arg::I64(v) => q.bind(v),
                        Arg::Date(v) => q.bind(v),
                        Arg::Time(v) => q.bind(v),
                        Arg::OptText(v) => q.bind(v),
                        Arg::OptI64(v) => q.bind(v),
                        Arg::OptTime(v) => q.bind(v),
                    };
                }
                q.fetch_all(store.reader_for(what)).await.map_err(err)
            }

            /// SQLite: the rows of `d` as one text, rows split by U+001E and the fields `cols`
            /// (expressions over `d`'s select list, each printed by `format('%s')`, NULL as
            /// nothing) by U+001F; `None` when there are no rows. sqlx-sqlite copies every
            /// value of every row on its connection thread and hands the rows over one by one,
            /// which for the hundreds of thousands of rows of a ranking costs far more than the
            /// query; one text crosses once. The rows come in no promised order. With the text,
            /// the number of rows: a value holding a separator would split a row in two, which
            /// the caller's count check then refuses.
            async fn fetch_packed(store: &$store, mut d: Dynamic, cols: &[&str]) -> StoreResult<Option<(String, i64)>> {
                let fmt = vec!["%s"; cols.len()].join("\u{1f}");
                d.sql = format!(
                    "SELECT group_concat(format('{fmt}', {}), char(30)), COUNT(*) FROM ({}) packed",
                    cols.join(", "),
                    d.sql
                );
                let rows: Vec<(Option<String>, i64)> = fetch_all(store, d).await?;
                Ok(rows.into_iter().next().and_then(|(text, n)| text.map(|t| (t, n))))
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
                let mut d = Dynamic {
                    positional: <$db as sqlx::Database>::NAME == "SQLite",
                    ..Dynamic::default()
                };
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

            $crate::__sql_reads!($store, $db);
            $crate::__sql_writes!($store, $db);
            $crate::__sql_whole_writes!($store, $db);
            $crate::__sql_score_facts!($store, $db);
            $crate::__sql_clock!($store, $db);
            $crate::__sql_evidence!($store, $db);
            $crate::__sql_workbench!($store, $db);
            $crate::__sql_analytics!($store, $db);
            $crate::__sql_rebuild!($store, $db);
            $crate::__sql_assessment!($store, $db);
            $crate::__sql_joint!($store, $db);
            $crate::__sql_proposals!($store, $db);
            $crate::__sql_appeals!($store, $db);
            $crate::__sql_ledger!($store, $db);
            $crate::__sql_cockpit!($store, $db);
            $crate::__sql_bulletins!($store, $db);
            $crate::__sql_hot!($store, $db);
            $crate::__sql_security!($store, $db);
            $crate::__sql_auth!($store, $db);
            $crate::__sql_ops!($store, $db);
            $crate::__sql_nodes!($store, $db);
        }
    };
}
