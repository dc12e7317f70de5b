//! `ducha backup` and `ducha restore`.
//!
//! A backup is a new directory: the database (an SQLite copy made by `VACUUM INTO`, or a
//! `pg_dump` custom-format archive), the checkpoint file, the evidence directory, and
//! `manifest.json` with the schema version, the chain head of the snapshot and every file's
//! size and SHA-256. The checkpoint file is copied before the snapshot (each of its heads is
//! then in the snapshot) and the evidence after it (each file a snapshot's row names is then
//! in the copy). The directory is written as `NAME.partial` and renamed when complete.
//!
//! A restore checks the manifest and every file first and refuses (changing nothing) a corrupt
//! or truncated backup, another backend's, a newer schema, a non-empty target without
//! `--force`; then restores, migrates forward, verifies the chain against the restored
//! checkpoints and prints the head, which must be the manifest's.

mod manifest;
mod postgres;
mod sqlite;

use crate::backend::Backend;
use crate::config::Config;
use crate::progress::Progress;
use ducha_domain::i18n::{Lang, format};
use manifest::{FileEntry, Head, Manifest, copy_file, hash_file};
use std::path::{Path, PathBuf};

/// The database file of an SQLite backup.
const DB_SQLITE: &str = "database.sqlite";
/// The `pg_dump` archive of a PostgreSQL backup.
const DB_POSTGRES: &str = "database.pgdump";
/// The copy of the checkpoint file.
const CHECKPOINTS: &str = "checkpoints.log";
/// The copy of the evidence directory.
const EVIDENCE: &str = "evidence";

/// What a database snapshot recorded.
pub struct Snapshot {
    /// The newest migration applied.
    pub schema_version: i64,
    /// The chain head in the snapshot.
    pub chain: Head,
}

/// Where the files beside the database live.
pub struct Places {
    /// The checkpoint file.
    pub checkpoints: PathBuf,
    /// The evidence directory.
    pub evidence: PathBuf,
}

/// A refusal: the catalogue's message in Chinese, then in English.
pub fn refuse(key: &str, args: serde_json::Value) -> anyhow::Error {
    anyhow::anyhow!(
        "{} / {}",
        format(key, Lang::ZhCn, &args),
        format(key, Lang::En, &args)
    )
}

/// Names the step now under way: a line on stderr (above the bar on a terminal), and the
/// bar's message.
fn progress(p: &Progress, line: &str) {
    p.println(&format!("{}: {line}", p.task()));
    p.phase(line);
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Takes a backup of `url` and the files in `places` into the new directory `to`.
pub async fn backup(url: &str, to: &Path, places: &Places) -> anyhow::Result<()> {
    let p = Progress::new("backup", 0);
    if to.exists() {
        return Err(refuse(
            "backup.target_exists",
            serde_json::json!({ "path": to.display().to_string() }),
        ));
    }
    let mut partial = to.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    if partial.exists() {
        // Left by an interrupted backup of ours: never a complete one.
        std::fs::remove_dir_all(&partial)?;
    }
    std::fs::create_dir_all(&partial)?;
    // The copy holds password hashes and personal data: readable by its owner alone.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o700))?;
    }
    let mut files = Vec::new();
    if places.checkpoints.is_file() {
        files.push(copy_file(
            &places.checkpoints,
            &partial.join(CHECKPOINTS),
            CHECKPOINTS,
        )?);
        progress(&p, "checkpoint file copied");
    }
    let (backend, name) = if is_postgres(url) {
        ("postgres", DB_POSTGRES)
    } else {
        ("sqlite", DB_SQLITE)
    };
    progress(&p, &format!("copying the {backend} database"));
    let snap = if is_postgres(url) {
        postgres::dump(url, &partial.join(name)).await?
    } else {
        sqlite::snapshot(&sqlite::path_of(url), &partial.join(name)).await?
    };
    let (bytes, sha256) = hash_file(&partial.join(name))?;
    files.push(FileEntry {
        path: name.into(),
        bytes,
        sha256,
    });
    progress(
        &p,
        &format!(
            "database copied: {bytes} bytes, schema {}, head {} {}",
            snap.schema_version, snap.chain.seq, snap.chain.hash
        ),
    );
    if places.evidence.is_dir() {
        let before = files.len();
        copy_tree(&places.evidence, &partial, EVIDENCE, &mut files)?;
        progress(
            &p,
            &format!("{} evidence files copied", files.len() - before),
        );
    }
    let m = Manifest {
        format: manifest::FORMAT.into(),
        created_at: chrono::Utc::now(),
        ducha_version: env!("CARGO_PKG_VERSION").into(),
        backend: backend.into(),
        schema_version: snap.schema_version,
        chain: snap.chain,
        files,
    };
    m.write(&partial)?;
    std::fs::rename(&partial, to)?;
    let total: u64 = m.files.iter().map(|f| f.bytes).sum();
    p.finish(&format!("{} files, {total} bytes", m.files.len()));
    println!(
        "backup written to {}: schema {}, head {} {} {}, {} files, {total} bytes",
        to.display(),
        m.schema_version,
        m.chain.seq,
        m.chain.hash,
        m.chain.algo,
        m.files.len()
    );
    Ok(())
}

/// Copies the regular files under `dir` into `backup/prefix/…`, skipping the evidence store's
/// temporary files and any file that vanished meanwhile.
fn copy_tree(
    dir: &Path,
    backup: &Path,
    prefix: &str,
    files: &mut Vec<FileEntry>,
) -> anyhow::Result<()> {
    let mut stack = vec![(dir.to_path_buf(), prefix.to_string())];
    while let Some((d, rel)) = stack.pop() {
        for entry in std::fs::read_dir(&d)? {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let kind = entry.file_type()?;
            let r = format!("{rel}/{name}");
            if kind.is_dir() {
                stack.push((entry.path(), r));
            } else if kind.is_file() && !name.starts_with(".tmp-") {
                match copy_file(&entry.path(), &backup.join(&r), &r) {
                    Ok(f) => files.push(f),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
    }
    Ok(())
}

/// Restores the backup in `from` into the configured database and `places`; returns the exit
/// code of the chain verification that follows (0 intact).
pub async fn restore(
    cfg: &Config,
    from: &Path,
    places: &Places,
    force: bool,
) -> anyhow::Result<u8> {
    let url = cfg.database.url.as_str();
    let p = Progress::new("restore", 0);
    progress(&p, "checking the backup's files");
    let m = Manifest::read_checked(from)?;
    let (target, name, known) = if is_postgres(url) {
        (
            "postgres",
            DB_POSTGRES,
            ducha_store_postgres::PgStore::schema_version(),
        )
    } else {
        (
            "sqlite",
            DB_SQLITE,
            ducha_store_sqlite::SqliteStore::schema_version(),
        )
    };
    if m.backend != target {
        return Err(refuse(
            "backup.wrong_backend",
            serde_json::json!({ "backup": m.backend, "target": target }),
        ));
    }
    if !m.has(name) {
        return Err(refuse("backup.no_database", serde_json::json!({})));
    }
    if m.schema_version > known {
        return Err(refuse(
            "backup.newer_schema",
            serde_json::json!({ "backup": m.schema_version, "known": known }),
        ));
    }
    let checkpoints_taken =
        places.checkpoints.is_file() && std::fs::metadata(&places.checkpoints)?.len() > 0;
    if checkpoints_taken && !force {
        return Err(refuse(
            "backup.checkpoints_exist",
            serde_json::json!({ "path": places.checkpoints.display().to_string() }),
        ));
    }
    let plan = if is_postgres(url) {
        Some(postgres::check_target(url, force).await?)
    } else {
        sqlite::check_target(&sqlite::path_of(url), force).await?;
        None
    };
    // Every check passed: from here on the targets change.
    match plan {
        Some(plan) => {
            progress(&p, "restoring the database with pg_restore");
            postgres::restore(&from.join(name), url, plan).await?;
        }
        None => {
            progress(&p, "restoring the database file");
            sqlite::restore(&from.join(name), &sqlite::path_of(url))?;
        }
    }
    let mut evidence = 0;
    for f in m.under(EVIDENCE) {
        let rel = &f.path[EVIDENCE.len() + 1..];
        copy_file(&from.join(&f.path), &places.evidence.join(rel), rel)?;
        evidence += 1;
    }
    if evidence > 0 {
        progress(&p, &format!("{evidence} evidence files restored"));
    }
    if m.has(CHECKPOINTS) {
        copy_file(&from.join(CHECKPOINTS), &places.checkpoints, CHECKPOINTS)?;
        progress(&p, "checkpoint file restored");
    } else if checkpoints_taken {
        // Replaced with --force: the old file's heads belong to the replaced chain.
        std::fs::remove_file(&places.checkpoints)?;
    }
    if m.schema_version < known {
        progress(
            &p,
            &format!("migrating from schema {} to {known}", m.schema_version),
        );
    }
    let backend = Backend::open(&cfg.database).await?;
    let code = crate::audit::verify(&backend, Some(&places.checkpoints)).await?;
    let (seq, hash, algo) = backend.store().chain_head().await?;
    if seq != m.chain.seq || hash != m.chain.hash {
        return Err(refuse(
            "backup.head_mismatch",
            serde_json::json!({
                "got": format!("{seq} {hash}"),
                "want": format!("{} {}", m.chain.seq, m.chain.hash),
            }),
        ));
    }
    p.finish(&format!("head {seq}"));
    println!("restored: head {seq} {hash} {algo}");
    Ok(u8::try_from(code).unwrap_or(1))
}
