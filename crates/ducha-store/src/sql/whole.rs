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

use crate::{
    Change, EventRecord, Insert, ItemRow, NewAssignment, NewLedgerRef, StoreError, Update,
};
use ducha_domain::chain::HashAlgo;
use futures_util::{StreamExt, TryStreamExt, stream};
use sqlx::pool::PoolConnection;
use sqlx::{Database, Either, Error, Execute, Executor, Pool, SqlStr};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The chain head as a transaction's last event left it: sequence, hash, algorithm.
pub type ChainHead = (i64, String, HashAlgo);

/// Writes what a whole transaction kept back (see [`Kept`]) on its connection: the backend's
/// statements, made by [`impl_sql_store!`](crate::impl_sql_store).
pub type FlushKept<DB> = for<'c> fn(
    &'c mut <DB as Database>::Connection,
    Kept,
) -> futures_util::future::BoxFuture<'c, Result<(), StoreError>>;

/// Rows a whole transaction's commits made and has not written yet: each is written with
/// others in one statement, or once instead of several times. A ledger import makes the same
/// few rows for thousands of matters, and on PostgreSQL each statement is a round trip.
#[derive(Debug, Default)]
pub struct Kept {
    /// Events chained, in chain order. Nothing in a whole transaction reads the `events`
    /// table but through a read (which writes them first) or a commit [`keeps_event_back`]
    /// does not allow (idem), and nothing refers to its rows.
    pub events: Vec<EventRecord>,
    /// The last update of one item, as its commits wrote it one after another: registering,
    /// submitting, approving and dispatching a matter update its row three times, each
    /// checked against the version the one before left. Written before any other commit
    /// touches an item or reads, checked against the version the first of them read.
    pub item: Option<KeptItem>,
    /// New items whose ids were reserved (see [`Whole::take_id`]) and that no later commit
    /// updates any more: each written once, by one multi-row INSERT, as the kept commits left
    /// it (no UPDATE rewrites the row and its indexes).
    pub new_items: Vec<KeptItem>,
    /// New assignments whose ids were reserved, `(id, row)`: written after the new items they
    /// belong to (and before any kept update reads them back), their hop facts with them.
    pub assignments: Vec<(i64, NewAssignment)>,
    /// The hop facts of new assignments (see `insert_hop_facts`), written after the item.
    pub hops: Vec<(i64, NewAssignment)>,
    /// Ledger numbers of new items, `(item, number)`: read only at the import's start.
    pub ledger_refs: Vec<(i64, NewLedgerRef)>,
}

/// An item's row as its last kept update left it (see [`Kept::item`]).
#[derive(Debug)]
pub struct KeptItem {
    /// The row, `version` the one its last update read (or 0, a new row's, when none did).
    pub row: ItemRow,
    /// The version the first kept update read: the row in the table still has it (for a new
    /// item, not in the table yet: 0).
    pub read_at: i64,
    /// The version the row has once written: the one after the last update's, 0 for a new
    /// item no commit updated.
    pub left: i64,
    /// A new item (see [`Kept::new_items`]): INSERTed when written, not UPDATEd.
    pub new: bool,
    /// The official number a kept commit gave it (`Update::NumberItem`), if any.
    pub number: Option<String>,
    /// Whether a kept commit rolled its light up from its assignments (`Update::ItemLight`):
    /// done when the update is written, after every assignment the commits wrote.
    pub roll_light: bool,
}

/// What [`Whole::flush`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// Everything kept back: before a read or a commit that may read anything.
    All,
    /// The kept items, assignments, hop facts and ledger numbers, not the events: before a
    /// commit whose rows neither read nor refer to the events.
    Rows,
    /// The kept items and assignments (and the assignments' hop facts) only: before a read
    /// of the `items` table alone.
    Item,
    /// The new items and assignments kept back (and the hop facts), not the kept item
    /// update: before the update another item's replaced is written (see
    /// [`Whole::keep_item`]).
    Replaced,
    /// Nothing: before a read of a table none of whose rows are ever kept back (`units`).
    Nothing,
}

/// Whether a whole transaction may keep `change`'s event back (see [`Whole::events`]): none
/// of its rows' statements reads the event log, nor does the upkeep of what it touches. The
/// kinds a ledger import writes (registering, numbering, approving and dispatching a matter,
/// and the hop facts and findings a dispatch derives); any other change writes the events
/// kept back first, and its own at once.
pub fn keeps_event_back(change: &Change) -> bool {
    change.updates.iter().all(|u| {
        matches!(
            u,
            Update::Item(_)
                | Update::NumberItem { .. }
                | Update::Assignment(_)
                | Update::ItemLight { .. }
                | Update::Hop(_)
                | Update::HopDone(_)
                | Update::ResolveFindings { .. }
        )
    }) && change.inserts.iter().all(|i| {
        matches!(
            i,
            Insert::Item(_) | Insert::Assignment(_) | Insert::LedgerRef(_) | Insert::Finding(_)
        )
    })
}

/// How many chained events a whole transaction keeps back at most before it writes them.
pub const EVENTS_HELD: usize = 1000;

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
    /// What its commits made stale among the assessment's facts, derived once before the
    /// commit.
    pub stale: std::sync::Mutex<StaleFacts>,
    /// Rows made and not yet written (see [`Kept`]).
    pub kept: std::sync::Mutex<Kept>,
    /// Writes [`Self::kept`].
    flush: FlushKept<DB>,
    /// Ids reserved from a table's sequence and not used yet, by table (see
    /// [`Self::take_id`]).
    ids: std::sync::Mutex<BTreeMap<&'static str, std::collections::VecDeque<i64>>>,
    /// The size of the last block of ids reserved, by table.
    id_blocks: std::sync::Mutex<BTreeMap<&'static str, i64>>,
    /// Whether writing kept rows failed: whatever the caller does with that error, the
    /// transaction then only rolls back (the rows are no longer kept anywhere).
    failed: std::sync::atomic::AtomicBool,
}

/// The items (and assignments whose item a commit did not name) whose `score_facts` a whole
/// transaction's commits made stale.
#[derive(Debug, Default)]
pub struct StaleFacts {
    /// Items.
    pub items: std::collections::BTreeSet<i64>,
    /// Assignments, their items looked up before the commit.
    pub assignments: std::collections::BTreeSet<i64>,
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
    pub async fn begin(
        pool: Pool<DB>,
        begin: &'static str,
        flush: FlushKept<DB>,
    ) -> Result<Arc<Self>, StoreError>
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
            stale: std::sync::Mutex::new(StaleFacts::default()),
            kept: std::sync::Mutex::new(Kept::default()),
            flush,
            ids: std::sync::Mutex::new(BTreeMap::new()),
            id_blocks: std::sync::Mutex::new(BTreeMap::new()),
            failed: std::sync::atomic::AtomicBool::new(false),
        }))
    }

    /// Writes `what` of the rows kept back (see [`Kept`]) on `conn`.
    pub async fn flush(&self, conn: &mut DB::Connection, what: Flush) -> Result<(), StoreError> {
        if what == Flush::Nothing {
            return Ok(());
        }
        let out = match self.kept.lock() {
            Ok(mut k) => Kept {
                events: if what == Flush::All {
                    std::mem::take(&mut k.events)
                } else {
                    Vec::new()
                },
                item: if what == Flush::Replaced {
                    None
                } else {
                    k.item.take()
                },
                new_items: std::mem::take(&mut k.new_items),
                assignments: match k.item.as_ref() {
                    // The item update written next may not be the new item kept: that one's
                    // assignments wait for it (they refer to it).
                    Some(p) if what == Flush::Replaced && p.new => {
                        let id = p.row.id;
                        let (wait, out): (Vec<_>, Vec<_>) = std::mem::take(&mut k.assignments)
                            .into_iter()
                            .partition(|(_, a)| a.item_id == id);
                        k.assignments = wait;
                        out
                    }
                    _ => std::mem::take(&mut k.assignments),
                },
                hops: std::mem::take(&mut k.hops),
                ledger_refs: if matches!(what, Flush::Item | Flush::Replaced) {
                    Vec::new()
                } else {
                    std::mem::take(&mut k.ledger_refs)
                },
            },
            Err(_) => return Err(StoreError::Other("the kept rows' lock is poisoned".into())),
        };
        if out.events.is_empty()
            && out.item.is_none()
            && out.new_items.is_empty()
            && out.assignments.is_empty()
            && out.hops.is_empty()
            && out.ledger_refs.is_empty()
        {
            return Ok(());
        }
        let done = (self.flush)(conn, out).await;
        if done.is_err() {
            // The rows it took are gone from memory: the transaction must not commit.
            self.failed.store(true, std::sync::atomic::Ordering::SeqCst);
        }
        done
    }

    /// Keeps `rec` back (see [`Kept::events`]); whether [`EVENTS_HELD`] are kept now.
    pub fn keep_event(&self, rec: EventRecord) -> bool {
        self.kept.lock().map_or(true, |mut k| {
            k.events.push(rec);
            k.events.len() >= EVENTS_HELD
        })
    }

    /// Keeps the hop facts of new assignment `id` back (see [`Kept::hops`]).
    pub fn keep_hops(&self, id: i64, a: &NewAssignment) -> Result<(), StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        k.hops.push((id, a.clone()));
        Ok(())
    }

    /// Keeps the ledger number of new item `item_id` back (see [`Kept::ledger_refs`]).
    pub fn keep_ledger_ref(&self, item_id: i64, r: &NewLedgerRef) -> Result<(), StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        k.ledger_refs.push((item_id, r.clone()));
        Ok(())
    }

    /// Keeps `row`'s update back (see [`Kept::item`]): it follows the kept update of the
    /// same item when it read the version that one leaves. Returns the kept update it
    /// replaces otherwise, to write first (a new item's goes to [`Kept::new_items`] instead).
    pub fn keep_item(&self, row: &ItemRow) -> Result<Option<KeptItem>, StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        let current = k.item.take();
        // A new item kept earlier (another item's commits came in between) goes on.
        let earlier = k
            .new_items
            .iter()
            .position(|p| p.row.id == row.id && p.left == row.version);
        let (prev, before) = match (current, earlier) {
            (Some(p), _) if p.row.id == row.id && p.left == row.version => (Some(p), None),
            (current, Some(i)) => {
                let p = k.new_items.remove(i);
                let before = match current {
                    Some(q) if q.new => {
                        k.new_items.push(q);
                        None
                    }
                    other => other,
                };
                (Some(p), before)
            }
            (Some(p), None) if p.new => {
                k.new_items.push(p);
                (None, None)
            }
            (other, None) => (None, other),
        };
        let (read_at, number, roll_light, new) = match prev {
            Some(p) => (p.read_at, p.number, p.roll_light, p.new),
            None => (row.version, None, false, false),
        };
        k.item = Some(KeptItem {
            row: row.clone(),
            read_at,
            left: row.version + 1,
            number,
            roll_light,
            new,
        });
        Ok(before)
    }

    /// Keeps new item `row` back, its id reserved (see [`Kept::new_items`]). Returns the kept
    /// update of another item it replaces, to write first.
    pub fn keep_new_item(&self, row: ItemRow) -> Result<Option<KeptItem>, StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        let before = match k.item.take() {
            Some(p) if p.new => {
                k.new_items.push(p);
                None
            }
            other => other,
        };
        k.item = Some(KeptItem {
            read_at: row.version,
            left: row.version,
            row,
            number: None,
            roll_light: false,
            new: true,
        });
        Ok(before)
    }

    /// Keeps new assignment `a` back, its id reserved (see [`Kept::assignments`]).
    pub fn keep_assignment(&self, id: i64, a: &NewAssignment) -> Result<(), StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        k.assignments.push((id, a.clone()));
        Ok(())
    }

    /// A new kept item's row as the transaction's commits left it, for a read of it; `None`
    /// when it is not a new item kept, or its light waits for a roll-up from the assignments
    /// (the caller then reads the table, which writes it first).
    pub fn kept_item(&self, id: i64) -> Option<ItemRow> {
        let k = self.kept.lock().ok()?;
        let p = k
            .item
            .iter()
            .chain(k.new_items.iter().rev())
            .find(|p| p.row.id == id)?;
        // Only a new item's kept row is the whole truth: an update of a row in the table
        // does not write its number or light, which the table may have from elsewhere.
        if p.roll_light || !p.new {
            return None;
        }
        let mut row = p.row.clone();
        row.version = p.left;
        if p.number.is_some() {
            row.number.clone_from(&p.number);
        }
        Some(row)
    }

    /// The next id reserved from `table`'s sequence (see [`Self::reserve_ids`]), if any left.
    pub fn take_id(&self, table: &'static str) -> Option<i64> {
        self.ids.lock().ok().and_then(|mut m| {
            m.get_mut(table)
                .and_then(std::collections::VecDeque::pop_front)
        })
    }

    /// How many ids to reserve from `table`'s sequence next: 16 the first time, then twice
    /// as many each time, up to 1024.
    pub fn next_id_block(&self, table: &'static str) -> i64 {
        self.id_blocks.lock().map_or(16, |mut m| {
            let b = m.entry(table).or_insert(8);
            *b = (*b * 2).min(1024);
            *b
        })
    }

    /// Adds ids reserved from `table`'s sequence, to be taken by [`Self::take_id`].
    pub fn reserve_ids(&self, table: &'static str, ids: Vec<i64>) {
        if let Ok(mut m) = self.ids.lock() {
            m.entry(table).or_default().extend(ids);
        }
    }

    /// Adds `number` or a light roll-up to the kept update of `item_id`, if that is the item
    /// kept; otherwise the caller writes it.
    pub fn fold_into_item(
        &self,
        item_id: i64,
        number: Option<&str>,
        roll_light: bool,
    ) -> Result<bool, StoreError> {
        let mut k = self
            .kept
            .lock()
            .map_err(|_| StoreError::Other("the kept rows' lock is poisoned".into()))?;
        let k = &mut *k;
        match k
            .item
            .iter_mut()
            .chain(k.new_items.iter_mut())
            .find(|p| p.row.id == item_id)
        {
            Some(p) => {
                if let Some(n) = number {
                    p.number = Some(n.to_string());
                }
                p.roll_light |= roll_light;
                Ok(true)
            }
            _ => Ok(false),
        }
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
        let before = match before {
            Ok(()) if self.failed.load(std::sync::atomic::Ordering::SeqCst) => Err(
                StoreError::Other("rows kept back could not be written: rolled back".into()),
            ),
            b => b,
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
    /// The held connection of a whole transaction, writing first what it kept back (see
    /// [`Flush`]).
    Held(&'a Arc<Whole<DB>>, Flush),
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

/// The events kept back could not be written: the statement that needed them fails with it.
fn unwritten(e: StoreError) -> Error {
    Error::Protocol(format!("writing the events kept back: {e}"))
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
            Exec::Held(w, what) => {
                let w = w.clone();
                // Collected under the lock: the statements of a whole transaction return few
                // rows, and the lock must not outlive the stream's consumer.
                stream::once(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    w.flush(conn, what).await.map_err(unwritten)?;
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
            Exec::Held(w, what) => {
                let w = w.clone();
                Box::pin(async move {
                    let mut guard = w.conn.lock().await;
                    let conn = &mut **guard.as_mut().ok_or_else(ended)?;
                    w.flush(conn, what).await.map_err(unwritten)?;
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
            Exec::Held(w, _) => {
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
            Exec::Held(w, _) => {
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
