//! The PostgreSQL backend, for several stateless app nodes on one database.

use ducha_domain::chain::HashAlgo;
use ducha_store::StoreError;

/// The chain head this process committed last, shared by clones of the store.
type ChainCache = std::sync::Arc<std::sync::Mutex<Option<(i64, String, HashAlgo)>>>;
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use std::time::{Duration, Instant};

/// The migrations this binary carries.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL store.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    chain: ChainCache,
}

impl PgStore {
    /// Connects to `url` and runs pending migrations.
    pub async fn open(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(30))
            .connect(url)
            .await
            .map_err(ducha_store::sql::err)?;
        let store = Self {
            pool,
            chain: ChainCache::default(),
        };
        store.migrate().await?;
        Ok(store)
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
            .map_err(|e| StoreError::Other(Box::new(e)))
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

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    async fn commit_change(
        &self,
        change: ducha_store::Change,
    ) -> Result<ducha_store::Committed, StoreError> {
        let started = Instant::now();
        let cached = self.chain.lock().map(|c| c.clone()).unwrap_or(None);
        let mut tx = self.pool.begin().await.map_err(ducha_store::sql::err)?;
        let (done, algo) = __ducha_sql::apply_change(&mut tx, change, cached).await?;
        tx.commit().await.map_err(ducha_store::sql::err)?;
        if let Ok(mut c) = self.chain.lock() {
            *c = Some((done.event.seq, done.event.hash.clone(), algo));
        }
        metrics::histogram!(ducha_store::COMMIT_SECONDS, "backend" => "postgres")
            .record(started.elapsed().as_secs_f64());
        Ok(done)
    }

    fn writer(&self) -> &PgPool {
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
