//! SQLite: an online snapshot by `VACUUM INTO` on a read-only connection (one read
//! transaction, so the copy is consistent while the server keeps writing), and a restore that
//! puts the copy in place by rename.

use super::manifest::Head;
use super::{Snapshot, refuse};
use anyhow::Context;
use serde_json::json;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The file behind an SQLite URL.
pub fn path_of(url: &str) -> PathBuf {
    PathBuf::from(
        url.trim_start_matches("sqlite://")
            .trim_start_matches("sqlite:"),
    )
}

async fn read_only(path: &Path) -> anyhow::Result<SqliteConnection> {
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .busy_timeout(Duration::from_secs(30));
    SqliteConnection::connect_with(&opts)
        .await
        .with_context(|| format!("cannot open {}", path.display()))
}

/// Writes a consistent copy of the database at `db` to `to` and reads its head and schema
/// version from the copy itself.
pub async fn snapshot(db: &Path, to: &Path) -> anyhow::Result<Snapshot> {
    if !db.is_file() {
        anyhow::bail!("no database file at {}", db.display());
    }
    let mut conn = read_only(db).await?;
    let target = to.to_str().context("the backup path is not UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut conn)
        .await
        .context("cannot copy the database (VACUUM INTO)")?;
    conn.close().await?;
    let mut copy = read_only(to).await?;
    let (seq, hash, algo): (i64, String, String) =
        sqlx::query_as("SELECT seq, hash, algo FROM event_chain WHERE id = 1")
            .fetch_one(&mut copy)
            .await
            .context("the database has no event chain")?;
    let schema_version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut copy)
            .await
            .context("the database has no migrations table")?;
    copy.close().await?;
    Ok(Snapshot {
        schema_version,
        chain: Head { seq, hash, algo },
    })
}

/// Refuses a target file that holds tables unless `force`.
pub async fn check_target(path: &Path, force: bool) -> anyhow::Result<()> {
    if force || !path.is_file() || std::fs::metadata(path)?.len() == 0 {
        return Ok(());
    }
    let mut conn = read_only(path).await?;
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master")
        .fetch_one(&mut conn)
        .await?;
    conn.close().await?;
    if tables > 0 {
        return Err(refuse(
            "backup.target_not_empty",
            json!({ "target": path.display().to_string() }),
        ));
    }
    Ok(())
}

/// Puts the backed-up file at `path`: copied beside it, flushed, then renamed over it, with
/// the old file's write-ahead log removed so it cannot be replayed onto the copy.
pub fn restore(copy: &Path, path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".restoring");
    let tmp = PathBuf::from(tmp);
    super::manifest::copy_file(copy, &tmp, "")
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
            _ => {}
        }
    }
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
