//! The SQLite backend: one file in WAL mode, a pool of readers, and a single writer connection
//! driven by a dedicated thread (see [`writer`]), so writers queue fairly in the application
//! instead of spinning on `SQLITE_BUSY`.

mod writer;

use ducha_store::sql::whole::{Exec, Flush, Whole};
use ducha_store::{Change, Committed, StoreError};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, Sqlite, SqliteConnection, SqlitePool, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// How durable a commit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `synchronous=NORMAL`: a commit survives a killed process; the OS may lose the last
    /// transactions on power loss.
    #[default]
    Normal,
    /// `synchronous=FULL`: every commit is flushed to disk before it is acknowledged.
    Full,
}

/// The migrations this binary carries.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Runs pending migrations on the writer's pool, then what a migration asks of the code: the
/// assessment's facts filled once after 0030.
async fn migrate_pool(write: &SqlitePool) -> Result<(), StoreError> {
    MIGRATOR
        .run(write)
        .await
        .map_err(|e| StoreError::Other(Box::new(e)))?;
    let mut conn = write.acquire().await.map_err(ducha_store::sql::err)?;
    let mut tx = conn.begin().await.map_err(ducha_store::sql::err)?;
    __ducha_sql::fill_score_facts_once(&mut tx).await?;
    tx.commit().await.map_err(ducha_store::sql::err)
}

/// How long the readiness probe may wait for the file's lock.
const PROBE_BUSY: Duration = Duration::from_secs(2);

/// The SQLite store.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    read: SqlitePool,
    write: SqlitePool,
    commits: mpsc::UnboundedSender<writer::Job>,
    /// Opens the file afresh, read-only and never creating it: the readiness probe.
    probe: std::sync::Arc<SqliteConnectOptions>,
    /// Commits sent to the writer and not yet answered.
    pending: Arc<AtomicUsize>,
    /// The open transaction of a copy made by [`ducha_store::EventStore::begin_whole`]: its
    /// reads and commits run on its one held connection, not on the pools and the writer.
    whole: Option<Arc<Whole<Sqlite>>>,
}

impl SqliteStore {
    /// PostgreSQL's `COPY` for the shared SQL of a rebuild's bulk write, which takes
    /// multi-row INSERTs on SQLite instead and never calls this.
    #[doc(hidden)]
    pub async fn copy_in(
        _conn: &mut SqliteConnection,
        statement: &str,
        _next: &mut (dyn FnMut(&mut String) -> bool + Send),
    ) -> Result<(), StoreError> {
        Err(StoreError::Other(
            format!("SQLite has no COPY: {statement}").into(),
        ))
    }

    /// Opens (creating if needed) the database at `url` (`sqlite://path` or a plain path) and
    /// runs pending migrations.
    pub async fn open(url: &str, durability: Durability) -> Result<Self, StoreError> {
        let opts = connect_options(url, durability)?;
        // The writer checkpoints by itself only when the background checkpoints fall behind.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts.clone().pragma("wal_autocheckpoint", "10000"))
            .await
            .map_err(ducha_store::sql::err)?;
        migrate_pool(&write).await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get() as u32 * 2);
        let read = SqlitePoolOptions::new()
            .max_connections(readers.max(4))
            .connect_with(opts.clone().read_only(true))
            .await
            .map_err(ducha_store::sql::err)?;
        // The file alone, without the serving connections' pragmas (the memory map, the
        // cache): the probe reads one small table and closes.
        let probe = std::sync::Arc::new(
            SqliteConnectOptions::new()
                .filename(opts.get_filename())
                .read_only(true)
                .create_if_missing(false)
                .busy_timeout(PROBE_BUSY),
        );
        let pending = Arc::new(AtomicUsize::new(0));
        let commits = writer::spawn(write.clone(), opts, pending.clone())
            .map_err(|e| StoreError::Other(Box::new(e)))?;
        Ok(Self {
            read,
            write,
            commits,
            probe,
            pending,
            whole: None,
        })
    }

    /// A copy of the store on one new connection of its own, held, in an open transaction
    /// (`BEGIN IMMEDIATE`: it takes the file's write lock now, and the writer waits for it).
    async fn whole(&self) -> Result<Self, StoreError> {
        if self.whole.is_some() {
            return Err(StoreError::Other(
                "a whole transaction is open already".into(),
            ));
        }
        // The statement journals of its thousands of statements (each write that a trigger
        // or a constraint might undo halfway keeps one) stay in memory, not in a temporary
        // file written and truncated for each.
        let opts = self
            .write
            .connect_options()
            .as_ref()
            .clone()
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await
            .map_err(ducha_store::sql::err)?;
        let whole = Whole::begin(pool.clone(), "BEGIN IMMEDIATE", __ducha_sql::flush_kept).await?;
        Ok(Self {
            read: pool.clone(),
            write: pool,
            commits: self.commits.clone(),
            probe: self.probe.clone(),
            pending: Arc::new(AtomicUsize::new(0)),
            whole: Some(whole),
        })
    }

    /// Commits (writing what it kept in memory first) or rolls back the transaction of a
    /// [`Self::whole`] copy, and closes it.
    async fn end_whole_transaction(&self, commit: bool) -> Result<(), StoreError> {
        let Some(whole) = &self.whole else {
            return Err(StoreError::Other("no whole transaction is open".into()));
        };
        __ducha_sql::whole_end(whole, commit, None).await
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

    /// Runs pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrate_pool(&self.write).await
    }

    /// Flushes and closes the database for a process that stops: waits (at most `patience`)
    /// until every commit sent to the writer is committed and answered, then closes the
    /// connections, which moves the write-ahead log into the database file. Returns whether
    /// the writer was idle in time.
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
        self.read.close().await;
        self.write.close().await;
        idle
    }

    /// The writer pool, for tests that tamper with the database on purpose.
    pub fn raw_pool(&self) -> &SqlitePool {
        &self.write
    }

    const PROBE_SUBTREES: bool = true;

    /// The versions of the migrations this binary carries.
    fn known_migrations() -> Vec<i64> {
        MIGRATOR
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect()
    }

    /// The applied migrations, read over a new connection to the file: the pools keep their
    /// connections open, and an open file stays readable after it is deleted, moved or made
    /// unreadable, so only a fresh open shows that the database is really there.
    async fn probe_schema(&self) -> Result<Vec<i64>, StoreError> {
        let mut conn = SqliteConnection::connect_with(self.probe.as_ref())
            .await
            .map_err(ducha_store::sql::err)?;
        let applied = sqlx::query_scalar::<_, i64>(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&mut conn)
        .await
        .map_err(ducha_store::sql::err);
        let _ = conn.close().await;
        applied
    }

    fn reader(&self) -> Exec<'_, Sqlite> {
        self.reader_for(Flush::All)
    }

    /// Where a read runs; in a whole transaction, writing `what` it kept back first.
    fn reader_for(&self, what: Flush) -> Exec<'_, Sqlite> {
        match &self.whole {
            Some(w) => Exec::Held(w, what),
            None => Exec::Pool(&self.read),
        }
    }

    async fn commit_change(&self, change: Change) -> Result<Committed, StoreError> {
        if let Some(whole) = &self.whole {
            return __ducha_sql::whole_commit(whole, change).await;
        }
        let started = Instant::now();
        let (reply, answer) = oneshot::channel();
        let stopped = || StoreError::Other("the SQLite writer has stopped".into());
        // Queue depth: up when a commit is handed over, down when the writer takes it.
        metrics::gauge!(writer::QUEUE_DEPTH).increment(1.0);
        self.pending.fetch_add(1, Ordering::AcqRel);
        if self.commits.send(writer::Job { change, reply }).is_err() {
            metrics::gauge!(writer::QUEUE_DEPTH).decrement(1.0);
            self.pending.fetch_sub(1, Ordering::AcqRel);
            return Err(stopped());
        }
        let done = answer.await.map_err(|_| stopped())?;
        metrics::histogram!(ducha_store::COMMIT_SECONDS, "backend" => "sqlite")
            .record(started.elapsed().as_secs_f64());
        done
    }

    fn writer(&self) -> Exec<'_, Sqlite> {
        match &self.whole {
            Some(w) => Exec::Held(w, Flush::All),
            None => Exec::Pool(&self.write),
        }
    }

    /// The writer's pool itself, for work that takes a connection or a transaction of its
    /// own (never in a whole transaction).
    fn writer_pool(&self) -> &SqlitePool {
        &self.write
    }

    async fn begin_write(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.write.begin_with("BEGIN IMMEDIATE").await
    }

    /// The database's raw limit: `n` single-row insert transactions on the same file and
    /// settings; returns transactions per second.
    pub async fn raw_insert_rate(&self, n: u32) -> Result<f64, StoreError> {
        let e = ducha_store::sql::err;
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS bench_raw (id INTEGER PRIMARY KEY, v TEXT NOT NULL)",
        )
        .execute(&self.write)
        .await
        .map_err(e)?;
        let start = Instant::now();
        for i in 0..n {
            let mut tx = self.begin_write().await.map_err(e)?;
            sqlx::query("INSERT INTO bench_raw (v) VALUES ($1)")
                .bind(format!("row {i}"))
                .execute(&mut *tx)
                .await
                .map_err(e)?;
            tx.commit().await.map_err(e)?;
        }
        let rate = f64::from(n) / start.elapsed().as_secs_f64();
        sqlx::query("DROP TABLE bench_raw")
            .execute(&self.write)
            .await
            .map_err(e)?;
        Ok(rate)
    }
}

fn connect_options(url: &str, durability: Durability) -> Result<SqliteConnectOptions, StoreError> {
    let opts = if url.starts_with("sqlite:") {
        SqliteConnectOptions::from_str(url).map_err(ducha_store::sql::err)?
    } else {
        SqliteConnectOptions::new().filename(Path::new(url))
    };
    Ok(opts
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match durability {
            Durability::Normal => SqliteSynchronous::Normal,
            Durability::Full => SqliteSynchronous::Full,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10))
        .pragma("cache_size", "-32000")
        // Reads through a memory map instead of a `pread` per page: a province's assessment
        // and chain view spent half their time copying pages out of the OS cache. SQLite caps
        // the map at its compile-time limit (2 GiB) and reads the rest as before.
        .pragma("mmap_size", MMAP_BYTES)
        // sqlx hands rows from the connection's thread to the caller through a channel of
        // this many rows; at its default of 50 a few hundred rows ping-pong between the two
        // threads row by row, which cost the chain view most of its time.
        .row_buffer_size(ROW_BUFFER))
}

/// The memory map's size asked for (SQLite lowers it to its own limit).
const MMAP_BYTES: &str = "2147418112";
/// Rows sqlx may buffer between a connection's thread and the caller.
const ROW_BUFFER: usize = 4096;

ducha_store::impl_sql_store!(SqliteStore, sqlx::Sqlite);
