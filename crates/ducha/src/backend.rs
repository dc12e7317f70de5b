//! Picks the store by URL scheme: the only place that names a concrete backend.

use crate::config::DatabaseConfig;
use anyhow::Context;
use ducha_domain::chain::HashAlgo;
use ducha_store::Store;
use ducha_store_postgres::PgStore;
use ducha_store_sqlite::{Durability, SqliteStore};
use std::sync::Arc;

/// An open backend.
#[derive(Clone, Debug)]
pub enum Backend {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

impl Backend {
    /// Opens a database that must already exist (for auditing: a mistyped path must not verify
    /// an empty new file).
    pub async fn open_existing(db: &DatabaseConfig) -> anyhow::Result<Self> {
        let url = db.url.as_str();
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            if !std::path::Path::new(path).is_file() {
                anyhow::bail!("no database file at {path}");
            }
        }
        Self::open(db).await
    }

    /// Opens the database (creating an SQLite file if needed) and migrates it.
    pub async fn open(db: &DatabaseConfig) -> anyhow::Result<Self> {
        let url = db.url.as_str();
        let redacted = crate::config::redact(url);
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let s = PgStore::open_with(url, db.max_connections, db.writers)
                .await
                .with_context(|| format!("cannot open {redacted}"))?;
            Ok(Backend::Postgres(s))
        } else {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            if let Some(dir) = std::path::Path::new(path)
                .parent()
                .filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            let durability = if db.sqlite_durability == "full" {
                Durability::Full
            } else {
                Durability::Normal
            };
            let s = SqliteStore::open(path, durability)
                .await
                .with_context(|| format!("cannot open {redacted}"))?;
            Ok(Backend::Sqlite(s))
        }
    }

    /// The store behind the use cases.
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Backend::Sqlite(s) => Arc::new(s.clone()),
            Backend::Postgres(s) => Arc::new(s.clone()),
        }
    }

    /// Sets the chain's hash algorithm if the chain is new; returns the one in force.
    pub async fn init_chain(&self, hash: &str) -> anyhow::Result<HashAlgo> {
        let algo: HashAlgo = hash
            .parse()
            .map_err(|()| anyhow::anyhow!("unknown hash {hash}"))?;
        Ok(self.store().init_chain(algo).await?)
    }

    /// Flushes and closes the database at the end of a process: the writers' queued commits
    /// are committed first (waiting at most `patience`); returns whether they were.
    pub async fn close(&self, patience: std::time::Duration) -> bool {
        match self {
            Backend::Sqlite(s) => s.close(patience).await,
            // Bounded: a request still holding a connection after the drain must not keep the
            // process from exiting.
            Backend::Postgres(s) => s.close(patience).await,
        }
    }

    /// Brings planner statistics up to date after a bulk load, as a live database has them.
    pub async fn analyze(&self) -> anyhow::Result<()> {
        if let Backend::Postgres(s) = self {
            s.analyze().await?;
        }
        Ok(())
    }

    /// Single-row insert transactions per second on this database.
    pub async fn raw_insert_rate(&self, n: u32) -> anyhow::Result<f64> {
        Ok(match self {
            Backend::Sqlite(s) => s.raw_insert_rate(n).await?,
            Backend::Postgres(s) => s.raw_insert_rate(n).await?,
        })
    }
}
