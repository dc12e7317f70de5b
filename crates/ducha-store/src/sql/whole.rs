//! A whole transaction (see [`crate::EventStore::begin_whole`]) on one connection held for its
//! whole life, shared by both backends.
//!
//! The copy of the store that runs it used to answer every statement through a pool of one
//! connection: each statement acquired the connection and gave it back, and sqlx tests a
//! connection it is given back with a round trip of its own (a ping) in a spawned task. A
//! ledger import sends some twenty statements per matter, so half its round trips were pings.
//! Here the connection is taken once and every statement runs on it ([`Exec::Held`]).
//!
//! The transaction also keeps what it alone may change in memory and writes it once, before
//! the commit: the chain head (the first event locks it) and the counters it numbered from
//! (the first number claimed locks the counter's row). Rewriting one row for every event or
//! number made a long transaction quadratic on PostgreSQL, where each rewrite of a row the
//! transaction already rewrote walks every version it made before.

use crate::StoreError;
use ducha_domain::chain::HashAlgo;
use futures_util::{StreamExt, TryStreamExt, stream};
use sqlx::pool::PoolConnection;
use sqlx::{Database, Either, Error, Execute, Executor, Pool, SqlStr};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The chain head as a transaction's last event left it: sequence, hash, algorithm.
pub type ChainHead = (i64, String, HashAlgo);

/// One open whole transaction: its connection and what it keeps until the commit.
pub struct Whole<DB: Database> {
    /// The one-connection pool the connection came from (closed at the end).
    pool: Pool<DB>,
    /// The connection, in the transaction; `None` once it has ended.
    conn: tokio::sync::Mutex<Option<PoolConnection<DB>>>,
    /// The chain head, once the first event locked it.
    pub head: std::sync::Mutex<Option<ChainHead>>,
    /// The last number claimed from each counter (`name`, `year`) the transaction numbered
    /// from; the first claim of each locked the counter's row.
    pub counters: std::sync::Mutex<Counters>,
}

/// Numbers claimed in a whole transaction, by counter.
pub type Counters = BTreeMap<(String, i64), i64>;

impl<DB: Database> std::fmt::Debug for Whole<DB> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Whole").finish_non_exhaustive()
    }
}

impl<DB: Database> Whole<DB> {
    /// Takes the one connection of `pool` and runs `begin` on it.
    pub async fn begin(pool: Pool<DB>, begin: &'static str) -> Result<Arc<Self>, StoreError>
    where
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    {
        let mut conn = pool.acquire().await.map_err(super::err)?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(begin))
            .execute(&mut *conn)
            .await
            .map_err(super::err)?;
        Ok(Arc::new(Self {
            pool,
            conn: tokio::sync::Mutex::new(Some(conn)),
            head: std::sync::Mutex::new(None),
            counters: std::sync::Mutex::new(Counters::new()),
        }))
    }

    /// The connection, for a statement or a commit; an error once the transaction ended.
    pub async fn conn(
        &self,
    ) -> Result<tokio::sync::MappedMutexGuard<'_, PoolConnection<DB>>, StoreError> {
        let guard = self.conn.lock().await;
        tokio::sync::MutexGuard::try_map(guard, Option::as_mut)
            .map_err(|_| StoreError::Other("the whole transaction has ended".into()))
    }

    /// Ends the transaction: `before` writes what it kept (only when committing; its error
    /// rolls back), then COMMIT or ROLLBACK, and the connection is closed.
    pub async fn end(&self, commit: bool, before: Result<(), StoreError>) -> Result<(), StoreError>
    where
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    {
        let taken = self.conn.lock().await.take();
        let Some(mut conn) = taken else {
            return Err(StoreError::Other("the whole transaction has ended".into()));
        };
        let end = if commit && before.is_ok() {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        let done = sqlx::raw_sql(sqlx::AssertSqlSafe(end))
            .execute(&mut *conn)
            .await;
        drop(conn);
        self.pool.close().await;
        before?;
        done.map(|_| ()).map_err(super::err)
    }
}

/// Where a store's statements run: its pool, or the connection of its whole transaction.
#[derive(Debug)]
pub enum Exec<'a, DB: Database> {
    /// A pool (each statement on a connection it lends).
    Pool(&'a Pool<DB>),
    /// The held connection of a whole transaction.
    Held(&'a Arc<Whole<DB>>),
}

impl<DB: Database> Clone for Exec<'_, DB> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<DB: Database> Copy for Exec<'_, DB> {}

fn ended() -> Error {
    Error::PoolClosed
}

impl<'a, DB: Database> Executor<'a> for Exec<'a, DB>
where
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    type Database = DB;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::stream::BoxStream<'e, Result<Either<DB::QueryResult, DB::Row>, Error>>
    where
        'a: 'e,
        E: 'q + Execute<'q, DB>,
    {
        match self {
            Exec::Pool(p) => p.fetch_many(query),
            Exec::Held(w) => {
                let w = w.clone();
                // Collected under the lock: the statements of a whole transaction return few
                // rows, and the lock must not outlive the stream's consumer.
                stream::once(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    conn.fetch_many(query).try_collect::<Vec<_>>().await
                })
                .map_ok(|rows| stream::iter(rows.into_iter().map(Ok)))
                .try_flatten()
                .boxed()
            }
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> futures_util::future::BoxFuture<'e, Result<Option<DB::Row>, Error>>
    where
        'a: 'e,
        E: 'q + Execute<'q, DB>,
    {
        match self {
            Exec::Pool(p) => p.fetch_optional(query),
            Exec::Held(w) => {
                let w = w.clone();
                Box::pin(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    conn.fetch_optional(query).await
                })
            }
        }
    }

    fn prepare_with<'e>(
        self,
        sql: SqlStr,
        parameters: &'e [DB::TypeInfo],
    ) -> futures_util::future::BoxFuture<'e, Result<DB::Statement, Error>>
    where
        'a: 'e,
    {
        match self {
            Exec::Pool(p) => p.prepare_with(sql, parameters),
            Exec::Held(w) => {
                let w = w.clone();
                Box::pin(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    conn.prepare_with(sql, parameters).await
                })
            }
        }
    }

    fn describe<'e>(
        self,
        sql: SqlStr,
    ) -> futures_util::future::BoxFuture<'e, Result<sqlx::Describe<DB>, Error>>
    where
        'a: 'e,
    {
        match self {
            Exec::Pool(p) => p.describe(sql),
            Exec::Held(w) => {
                let w = w.clone();
                Box::pin(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    conn.describe(sql).await
                })
            }
        }
    }
}
