//! PostgreSQL through its own tools: `pg_dump --format=custom` of a snapshot exported by a
//! repeatable-read transaction (so the manifest's head is the dump's exactly), and
//! `pg_restore` into a database created for it (UTF-8, `C.UTF-8`) or an empty one.

use super::manifest::Head;
use super::{Snapshot, refuse};
use anyhow::Context;
use reqwest::Url;
use serde_json::json;
use sqlx::{AssertSqlSafe, Connection, PgConnection};
use std::path::Path;
use std::process::Command;

/// A libpq tool run with the URL's password in `PGPASSWORD`, not on its command line.
fn tool(name: &str, url: &str) -> anyhow::Result<(Command, String)> {
    let mut u = Url::parse(url).context("the database URL is not a URL")?;
    // The URL holds the password percent-encoded; libpq wants it as typed.
    let password = u.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    let _ = u.set_password(None);
    let mut cmd = Command::new(name);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    Ok((cmd, u.to_string()))
}

/// Runs a prepared tool; a missing tool is named with its Debian package.
fn run(mut cmd: Command, name: &str) -> anyhow::Result<()> {
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse("backup.tool_missing", json!({ "tool": name })));
        }
        Err(e) => return Err(e).with_context(|| format!("cannot run {name}")),
    };
    if !out.status.success() {
        anyhow::bail!(
            "{name} failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// Dumps the database at `url` to `to` from one exported snapshot, read for the head too.
pub async fn dump(url: &str, to: &Path) -> anyhow::Result<Snapshot> {
    let mut conn = PgConnection::connect(url)
        .await
        .with_context(|| format!("cannot open {}", crate::config::redact(url)))?;
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut conn)
        .await?;
    let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
        .fetch_one(&mut conn)
        .await?;
    let (seq, hash, algo): (i64, String, String) =
        sqlx::query_as("SELECT seq, hash, algo FROM event_chain WHERE id = 1")
            .fetch_one(&mut conn)
            .await
            .context("the database has no event chain")?;
    let schema_version: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await
            .context("the database has no migrations table")?;
    let (mut cmd, dsn) = tool("pg_dump", url)?;
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--file")
        .arg(to)
        .arg("--dbname")
        .arg(dsn);
    // The exporting transaction stays open until pg_dump has read everything.
    tokio::task::spawn_blocking(move || run(cmd, "pg_dump")).await??;
    sqlx::raw_sql("COMMIT").execute(&mut conn).await?;
    conn.close().await?;
    Ok(Snapshot {
        schema_version,
        chain: Head { seq, hash, algo },
    })
}

/// The target database: its name and a URL of the server's maintenance database.
struct Target {
    name: String,
    admin_url: String,
}

fn target(url: &str) -> anyhow::Result<Target> {
    let mut u = Url::parse(url).context("the database URL is not a URL")?;
    let name = u.path().trim_start_matches('/').to_string();
    if name.is_empty() {
        anyhow::bail!("the database URL names no database");
    }
    u.set_path("/postgres");
    Ok(Target {
        name,
        admin_url: u.to_string(),
    })
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// What the restore will do with the target.
pub enum Plan {
    /// Create the database (dropped again if the restore fails).
    Create,
    /// Restore into the existing empty database, in one transaction.
    Into,
    /// Drop the non-empty database and create it again (`--force`).
    Replace,
}

/// Looks at the target without changing it: absent, empty (and UTF-8), or refused unless
/// `force`.
pub async fn check_target(url: &str, force: bool) -> anyhow::Result<Plan> {
    let t = target(url)?;
    let mut admin = PgConnection::connect(&t.admin_url)
        .await
        .with_context(|| format!("cannot open {}", crate::config::redact(&t.admin_url)))?;
    let found: Option<String> = sqlx::query_scalar(
        "SELECT pg_encoding_to_char(encoding)::text FROM pg_database WHERE datname = $1",
    )
    .bind(&t.name)
    .fetch_optional(&mut admin)
    .await?;
    admin.close().await?;
    let Some(encoding) = found else {
        return Ok(Plan::Create);
    };
    let mut conn = PgConnection::connect(url)
        .await
        .with_context(|| format!("cannot open {}", crate::config::redact(url)))?;
    let relations: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') \
           AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'",
    )
    .fetch_one(&mut conn)
    .await?;
    conn.close().await?;
    if relations > 0 {
        if force {
            return Ok(Plan::Replace);
        }
        return Err(refuse(
            "backup.target_not_empty",
            json!({ "target": crate::config::redact(url) }),
        ));
    }
    if encoding != "UTF8" {
        return Err(refuse(
            "backup.target_encoding",
            json!({ "encoding": encoding }),
        ));
    }
    Ok(Plan::Into)
}

async fn admin(t: &Target, sql: String) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(&t.admin_url).await?;
    sqlx::raw_sql(AssertSqlSafe(sql))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    Ok(())
}

/// Restores the dump `file` into `url` as `plan` says.
pub async fn restore(file: &Path, url: &str, plan: Plan) -> anyhow::Result<()> {
    let t = target(url)?;
    let create = format!(
        "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' \
         LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'",
        ident(&t.name)
    );
    let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", ident(&t.name));
    match plan {
        Plan::Into => {}
        Plan::Create => admin(&t, create).await?,
        Plan::Replace => {
            admin(&t, drop.clone()).await?;
            admin(&t, create).await?;
        }
    }
    let (mut cmd, dsn) = tool("pg_restore", url)?;
    cmd.args([
        "--no-owner",
        "--no-acl",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg("--dbname")
    .arg(dsn)
    .arg(file);
    let done = tokio::task::spawn_blocking(move || run(cmd, "pg_restore")).await?;
    if done.is_err() && matches!(plan, Plan::Create) {
        // Nothing is left behind: the database did not exist before.
        if let Err(e) = admin(&t, drop).await {
            eprintln!("restore: could not drop the half-restored database: {e:#}");
        }
    }
    done
}
