//! The backup's manifest (`manifest.json`): what was backed up, from which schema version and
//! chain head, and every file with its size and SHA-256, checked before a restore touches
//! anything.

use super::refuse;
use anyhow::Context;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Component, Path};

/// The manifest's file name inside a backup directory.
pub const MANIFEST: &str = "manifest.json";
/// The format tag a manifest carries.
pub const FORMAT: &str = "ducha-backup/1";

/// A backup's manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`FORMAT`].
    pub format: String,
    /// When the backup was taken.
    pub created_at: DateTime<Utc>,
    /// The ducha version that took it.
    pub ducha_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied to the backed-up database.
    pub schema_version: i64,
    /// The event chain's head in the snapshot.
    pub chain: Head,
    /// Every file of the backup, relative to its directory.
    pub files: Vec<FileEntry>,
}

/// A chain head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    /// Sequence number of the last event.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// The chain's hash algorithm.
    pub algo: String,
}

/// One file of a backup.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the backup directory, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
}

impl Manifest {
    /// Writes the manifest into `dir` and flushes it to disk.
    pub fn write(&self, dir: &Path) -> anyhow::Result<()> {
        let path = dir.join(MANIFEST);
        let mut f =
            File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        f.write_all(serde_json::to_string_pretty(self)?.as_bytes())?;
        f.write_all(b"\n")?;
        f.sync_all()?;
        Ok(())
    }

    /// Reads the manifest of the backup in `dir` and checks every file it lists (a safe relative
    /// path, present, the same size and SHA-256), so a corrupt or truncated backup is refused
    /// before anything is restored.
    pub fn read_checked(dir: &Path) -> anyhow::Result<Self> {
        let path = dir.join(MANIFEST);
        let unreadable = || {
            refuse(
                "backup.manifest_unreadable",
                json!({ "path": path.display().to_string() }),
            )
        };
        let text = std::fs::read_to_string(&path).map_err(|_| unreadable())?;
        let m: Manifest = serde_json::from_str(&text).map_err(|_| unreadable())?;
        if m.format != FORMAT {
            return Err(unreadable());
        }
        for f in &m.files {
            let file = json!({ "file": f.path });
            if !safe_relative(&f.path) {
                return Err(refuse("backup.bad_path", file));
            }
            let p = dir.join(&f.path);
            if !p.is_file() {
                return Err(refuse("backup.file_missing", file));
            }
            let (bytes, sha256) = hash_file(&p)?;
            if bytes != f.bytes || sha256 != f.sha256 {
                return Err(refuse("backup.file_corrupt", file));
            }
        }
        Ok(m)
    }

    /// The entries under `prefix/`.
    pub fn under<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a FileEntry> + 'a {
        self.files.iter().filter(move |f| {
            f.path
                .strip_prefix(prefix)
                .is_some_and(|r| r.starts_with('/'))
        })
    }

    /// Whether the manifest lists `path`.
    pub fn has(&self, path: &str) -> bool {
        self.files.iter().any(|f| f.path == path)
    }
}

/// A path made only of plain names (no root, no `..`), so a manifest cannot point outside the
/// backup or the restore's targets.
fn safe_relative(path: &str) -> bool {
    !path.is_empty()
        && !path.contains('\\')
        && Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
}

/// The size and SHA-256 of a file, read in blocks.
pub fn hash_file(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    Ok((bytes, ducha_domain::chain::hex(&hasher.finalize())))
}

/// Copies `from` to `to` (creating its directory), flushes it, and returns its entry under
/// `name`, hashed as it was copied.
pub fn copy_file(from: &Path, to: &Path, name: &str) -> std::io::Result<FileEntry> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut src = File::open(from)?;
    let mut dst = File::create(to)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = src.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n])?;
        bytes += n as u64;
    }
    dst.sync_all()?;
    Ok(FileEntry {
        path: name.to_string(),
        bytes,
        sha256: ducha_domain::chain::hex(&hasher.finalize()),
    })
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn only_plain_relative_paths_are_safe() {
        for ok in [
            "database.sqlite",
            "evidence/sha256/ab/cdef",
            "checkpoints.log",
        ] {
            assert!(safe_relative(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../x", "evidence/../../x", "./x", "a\\b"] {
            assert!(!safe_relative(bad), "{bad}");
        }
    }
}
