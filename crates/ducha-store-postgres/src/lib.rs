//! The PostgreSQL backend, for several stateless app nodes on one database. Reads use a
//! pool; commits go to a node's writers, which group them into shared transactions (see
//! [`writer`]).

mod writer;

pub use writer::MAX_BATCH;

use ducha_store::StoreError;
use ducha_store::sql::whole::{Exec, Flush, Whole};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

/// The chain head this process committed last, shared by clones of the store.
type ChainCache = Arc<std::sync::Mutex<Option<(i64, String, ducha_domain::chain::HashAlgo)>>>;

/// Writer connections per node by default: while one batch waits for its commit to reach
/// the disk, the next one writes its rows.
pub const DEFAULT_WRITERS: usize = 2;

/// The migrations this binary carries.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The writers' queue; `None` with no writers: each commit its own transaction.
    commits: Option<Arc<writer::Writers>>,
    /// Without writers, the chain head this process committed last.
    chain: ChainCache,
    /// Commits sent to the writers and not yet answered.
    pending: Arc<AtomicUsize>,
    /// The open transaction of a copy made by [`ducha_store::EventStore::begin_whole`]: its
    /// reads and commits run on its one held connection, not on the pool and the writers.
    whole: Option<Arc<Whole<sqlx::Postgres>>>,
}

/// Begins a whole transaction: the dashboard's tallies are moved once, before the commit
/// (migration `0031_deferred_tallies`), not row by row; and no table is read whole where an
/// index answers. The plan PostgreSQL keeps for a prepared statement (its own, or a foreign
/// key's check) after a few runs is made for the sizes the statistics knew: into an empty
/// database, each of thousands of matters then scanned all of the tables the transaction
/// itself was filling.
const WHOLE_BEGIN: &str = "BEGIN; SET LOCAL enable_seqscan = off; SELECT begin_deferred_tallies()";
/// Adds the moves a whole transaction deferred to the tallies.
const WHOLE_FOLD: &str = "SELECT fold_deferred_tallies()";

impl PgStore {
    /// Writes rows in `COPY`'s text format with `statement` (`COPY … FROM STDIN`) on `conn`,
    /// as one `COPY`: `next` appends the next chunk of rows to the buffer it is given and says
    /// whether more follow. A rebuild's bulk write (the shared SQL calls it; SQLite's has no
    /// `COPY`).
    #[doc(hidden)]
    pub async fn copy_in(
        conn: &mut sqlx::PgConnection,
        statement: &str,
        next: &mut (dyn FnMut(&mut String) -> bool + Send),
    ) -> Result<(), StoreError> {
        let mut copy = conn
            .copy_in_raw(statement)
            .await
            .map_err(ducha_store::sql::err)?;
        let mut buf = String::with_capacity(ducha_store::sql::rebuild::COPY_CHUNK + (64 << 10));
        loop {
            buf.clear();
            let more = next(&mut buf);
            if !buf.is_empty() {
                copy.send(buf.as_bytes())
                    .await
                    .map_err(ducha_store::sql::err)?;
            }
            if !more {
                break;
            }
        }
        copy.finish().await.map_err(ducha_store::sql::err)?;
        Ok(())
    }

    /// Connects to `url` and runs pending migrations, with [`DEFAULT_WRITERS`] writers.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        Self::open_with(url, max_connections, DEFAULT_WRITERS).await
    }

    /// Connects to `url` and runs pending migrations: a pool of `max_connections` for reads
    /// and other work, and `writers` connections more for the group commits. With no writers
    /// each commit is a transaction of its own on the pool, as before group commit: they all
    /// queue on the chain head's lock, one commit at a time (kept to measure against).
    pub async fn open_with(
        url: &str,
        max_connections: u32,
        writers: usize,
    ) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(ducha_store::sql::err)?;
        let pending = Arc::new(AtomicUsize::new(0));
        let commits = if writers == 0 {
            None
        } else {
            let opts = pool.connect_options().as_ref().clone();
            Some(Arc::new(
                writer::spawn(opts, writers, pending.clone())
                    .map_err(|e| StoreError::Other(Box::new(e)))?,
            ))
        };
        let store = Self {
            pool,
            commits,
            chain: ChainCache::default(),
            pending,
            whole: None,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// A copy of the store on one new connection of its own, held, in an open transaction.
    async fn whole(&self) -> Result<Self, StoreError> {
        if self.whole.is_some() {
            return Err(StoreError::Other(
                "a whole transaction is open already".into(),
            ));
        }
        let opts = self.pool.connect_options().as_ref().clone();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(ducha_store::sql::err)?;
        let whole = Whole::begin(pool.clone(), WHOLE_BEGIN, __ducha_sql::flush_kept).await?;
        Ok(Self {
            pool,
            commits: None,
            chain: ChainCache::default(),
            pending: Arc::new(AtomicUsize::new(0)),
            whole: Some(whole),
        })
    }

    /// Commits (writing what it kept and deferred first) or rolls back the transaction of a
    /// [`Self::whole`] copy, and closes it.
    async fn end_whole_transaction(&self, commit: bool) -> Result<(), StoreError> {
        let Some(whole) = &self.whole else {
            return Err(StoreError::Other("no whole transaction is open".into()));
        };
        __ducha_sql::whole_end(whole, commit, Some(WHOLE_FOLD)).await
    }

    /// Waits (at most `patience`) until every commit handed to the writers is answered, then
    /// stops the writers and closes every connection, theirs and the pool's. Returns whether
    /// all of it happened in time.
    pub async fn close(&self, patience: Duration) -> bool {
        let start = Instant::now();
        let idle = loop {
            if self.pending.load(Ordering::Acquire) == 0 {
                break true;
            }
            if start.elapsed() >= patience {
                break false;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let writers_closed = match &self.commits {
            Some(w) => {
                let _ = w.stop.send(true);
                let mut stopped = w.stopped.clone();
                let left = patience.saturating_sub(start.elapsed());
                tokio::time::timeout(left, stopped.wait_for(|s| *s))
                    .await
                    .is_ok_and(|r| r.is_ok())
            }
            None => true,
        };
        let left = patience.saturating_sub(start.elapsed());
        idle && writers_closed && tokio::time::timeout(left, self.pool.close()).await.is_ok()
    }

    /// Commits handed to the writers and not yet answered (for tests that need a batch to
    /// have formed).
    pub fn pending_commits(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// The newest migration this build knows (a database at a higher version was written by a
    /// newer ducha).
    pub fn schema_version() -> i64 {
        sqlx::migrate!("./migrations")
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// Runs pending migrations (several nodes may start at once: sqlx takes an advisory lock).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Other(Box::new(e)))?;
        // What a migration asks of the code: the assessment's facts after 0030.
        use sqlx::Connection;
        let mut conn = self.pool.acquire().await.map_err(ducha_store::sql::err)?;
        let mut tx = conn.begin().await.map_err(ducha_store::sql::err)?;
        __ducha_sql::fill_score_facts_once(&mut tx).await?;
        tx.commit().await.map_err(ducha_store::sql::err)
    }

    /// The pool, for tests that tamper with the database on purpose.
    pub fn raw_pool(&self) -> &PgPool {
        &self.pool
    }

    const PROBE_SUBTREES: bool = false;

    /// The versions of the migrations this binary carries.
    fn known_migrations() -> Vec<i64> {
        MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect()
    }

    /// The applied migrations, read through the pool (which tests a connection before handing
    /// it out, so a dead server or a refused database fails here).
    async fn probe_schema(&self) -> Result<Vec<i64>, StoreError> {
        // A connection of its own, not one of the pool's: a node whose pool is busy serving
        // requests is not unready, and one that cannot open a connection (the server down or
        // out of connections) would not come back after a restart either.
        use sqlx::Connection;
        let opts = self.pool.connect_options();
        let mut conn = sqlx::PgConnection::connect_with(&opts)
            .await
            .map_err(ducha_store::sql::err)?;
        let versions = sqlx::query_scalar::<_, i64>(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(ducha_store::sql::err);
        let _ = conn.close().await;
        versions
    }

    /// Refreshes the planner's statistics (autovacuum does this in time on a live database).
    pub async fn analyze(&self) -> Result<(), StoreError> {
        sqlx::query("ANALYZE")
            .execute(&self.pool)
            .await
            .map_err(ducha_store::sql::err)?;
        Ok(())
    }

    fn reader(&self) -> Exec<'_, sqlx::Postgres> {
        self.reader_for(Flush::All)
    }

    /// Where a read runs; in a whole transaction, writing `what` it kept back first.
    fn reader_for(&self, what: Flush) -> Exec<'_, sqlx::Postgres> {
        match &self.whole {
            Some(w) => Exec::Held(w, what),
            None => Exec::Pool(&self.pool),
        }
    }

    async fn commit_change(
        &self,
        change: ducha_store::Change,
    ) -> Result<ducha_store::Committed, StoreError> {
        if let Some(whole) = &self.whole {
            return __ducha_sql::whole_commit(whole, change).await;
        }
        let started = Instant::now();
        let Some(commits) = &self.commits else {
            let done = self.commit_alone(change).await;
            metrics::histogram!(ducha_store::COMMIT_SECONDS, "backend" => "postgres")
                .record(started.elapsed().as_secs_f64());
            return done;
        };
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Other("the PostgreSQL writers have stopped".into());
        metrics::gauge!(writer::QUEUE_DEPTH).increment(1.0);
        self.pending.fetch_add(1, Ordering::AcqRel);
        if commits
            .queue
            .send(writer::Job { change, reply })
            .await
            .is_err()
        {
            metrics::gauge!(writer::QUEUE_DEPTH).decrement(1.0);
            self.pending.fetch_sub(1, Ordering::AcqRel);
            return Err(stopped());
        }
        let done = answer.await.map_err(|_| stopped())?;
        metrics::histogram!(ducha_store::COMMIT_SECONDS, "backend" => "postgres")
            .record(started.elapsed().as_secs_f64());
        done
    }

    /// One commit in a transaction of its own, with the chain head cached from the last.
    async fn commit_alone(
        &self,
        change: ducha_store::Change,
    ) -> Result<ducha_store::Committed, StoreError> {
        let cached = self.chain.lock().map(|c| c.clone()).unwrap_or(None);
        let mut tx = self.pool.begin().await.map_err(ducha_store::sql::err)?;
        let (done, algo) = __ducha_sql::apply_change(&mut tx, change, cached).await?;
        tx.commit().await.map_err(writer::commit_error)?;
        if let Ok(mut c) = self.chain.lock() {
            *c = Some((done.event.seq, done.event.hash.clone(), algo));
        }
        Ok(done)
    }

    fn writer(&self) -> Exec<'_, sqlx::Postgres> {
        self.reader()
    }

    /// The pool itself, for work that takes a connection or a transaction of its own (never
    /// in a whole transaction).
    fn writer_pool(&self) -> &PgPool {
        &self.pool
    }

    /// The database's raw limit: `n` single-row insert transactions; returns transactions per
    /// second.
    pub async fn raw_insert_rate(&self, n: u32) -> Result<f64, StoreError> {
        let e = ducha_store::sql::err;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_raw (id BIGSERIAL PRIMARY KEY, v TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await
        .map_err(e)?;
        let start = Instant::now();
        for i in 0..n {
            let mut tx = self.pool.begin().await.map_err(e)?;
            sqlx::query("INSERT INTO bench_raw (v) VALUES ($1)")
                .bind(format!("row {i}"))
                .execute(&mut *tx)
                .await
                .map_err(e)?;
            tx.commit().await.map_err(e)?;
        }
        let rate = f64::from(n) / start.elapsed().as_secs_f64();
        sqlx::query("DROP TABLE bench_raw")
            .execute(&self.pool)
            .await
            .map_err(e)?;
        Ok(rate)
    }
}

ducha_store::impl_sql_store!(PgStore, sqlx::Postgres);
