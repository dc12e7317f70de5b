//! Where evidence bytes live: content-addressed files under the configured directory (one
//! node, the default), or content-addressed chunks in the database that every node of a
//! cluster reads (`[service.evidence] store = "database"`). Either way a download is read a
//! piece at a time.

use super::{EvidenceSettings, EvidenceStorage, files, io_error};
use crate::error::{ServiceError, ServiceResult};
use ducha_store::{BlobKind, Store, StoreError};
use std::io;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::io::AsyncReadExt;

/// Bytes per stored chunk and per piece read: a download holds one piece in memory.
pub(crate) const CHUNK: usize = 256 * 1024;

/// The configured place of evidence bytes.
pub(crate) struct Blobs {
    storage: EvidenceStorage,
    dir: PathBuf,
    store: Arc<dyn Store>,
}

/// Where one stored file's bytes are.
#[derive(Clone)]
pub(crate) enum Source {
    /// A file on disk.
    File(PathBuf),
    /// A blob's chunks in the database.
    Database {
        store: Arc<dyn Store>,
        sha256: String,
        kind: BlobKind,
        chunks: i64,
        size: u64,
    },
}

fn missing(what: &str) -> ServiceError {
    ServiceError::Store(StoreError::Other(
        format!("the stored bytes of {what} are missing").into(),
    ))
}

impl Blobs {
    pub(crate) fn new(settings: &EvidenceSettings, store: Arc<dyn Store>) -> Self {
        Self {
            storage: settings.store,
            dir: settings.dir.clone(),
            store,
        }
    }

    /// Keeps a file's bytes and thumbnail unless they are kept already; the thumbnail first,
    /// so stored bytes always have their thumbnail.
    pub(crate) async fn save(
        &self,
        sha256: &str,
        mime: &str,
        bytes: Vec<u8>,
        thumb: Option<Vec<u8>>,
    ) -> ServiceResult<()> {
        match self.storage {
            EvidenceStorage::Filesystem => {
                let (dir, sha) = (self.dir.clone(), sha256.to_string());
                tokio::task::spawn_blocking(move || {
                    files::save(&dir, &sha, &bytes, thumb.as_deref())
                })
                .await
                .map_err(io_error)?
                .map_err(io_error)
            }
            EvidenceStorage::Database => {
                if let Some(t) = thumb {
                    let t_mime = files::thumb_mime(&t);
                    self.store
                        .put_blob(sha256, BlobKind::Thumb, t_mime, &t, CHUNK)
                        .await?;
                }
                self.store
                    .put_blob(sha256, BlobKind::Original, mime, &bytes, CHUNK)
                    .await?;
                Ok(())
            }
        }
    }

    /// Where the bytes of `kind` for a file with this hash are, and their MIME type
    /// (`mime` is the recorded original's).
    pub(crate) async fn locate(
        &self,
        sha256: &str,
        kind: BlobKind,
        mime: &str,
    ) -> ServiceResult<(Source, String)> {
        match self.storage {
            EvidenceStorage::Filesystem => match kind {
                BlobKind::Original => Ok((
                    Source::File(files::original(&self.dir, sha256)),
                    mime.to_string(),
                )),
                BlobKind::Thumb => {
                    let path = files::thumb(&self.dir, sha256);
                    let head = {
                        let path = path.clone();
                        tokio::task::spawn_blocking(move || files::head(&path))
                            .await
                            .map_err(io_error)?
                            .map_err(io_error)?
                    };
                    Ok((Source::File(path), files::thumb_mime(&head).to_string()))
                }
            },
            EvidenceStorage::Database => {
                let row = self
                    .store
                    .blob(sha256, kind)
                    .await?
                    .ok_or_else(|| missing(sha256))?;
                let size = u64::try_from(row.size).map_err(io_error)?;
                Ok((
                    Source::Database {
                        store: self.store.clone(),
                        sha256: sha256.to_string(),
                        kind,
                        chunks: row.chunks,
                        size,
                    },
                    row.mime,
                ))
            }
        }
    }
}

impl Source {
    /// The length of the bytes and a reader of them.
    pub(crate) async fn open(&self) -> io::Result<(u64, EvidenceReader)> {
        match self {
            Source::File(path) => {
                let file = tokio::fs::File::open(path).await?;
                let len = file.metadata().await?.len();
                Ok((len, EvidenceReader(Inner::File(file))))
            }
            Source::Database {
                store,
                sha256,
                kind,
                chunks,
                size,
            } => Ok((
                *size,
                EvidenceReader(Inner::Database {
                    store: store.clone(),
                    sha256: sha256.clone(),
                    kind: *kind,
                    next: 0,
                    chunks: *chunks,
                }),
            )),
        }
    }
}

/// Reads a stored file's bytes a piece at a time.
pub struct EvidenceReader(Inner);

enum Inner {
    File(tokio::fs::File),
    Database {
        store: Arc<dyn Store>,
        sha256: String,
        kind: BlobKind,
        next: i64,
        chunks: i64,
    },
}

impl std::fmt::Debug for EvidenceReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceReader").finish_non_exhaustive()
    }
}

impl EvidenceReader {
    /// The next piece of the bytes, or none at their end.
    pub async fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        match &mut self.0 {
            Inner::File(file) => {
                let mut buf = vec![0u8; CHUNK];
                let n = file.read(&mut buf).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.truncate(n);
                Ok(Some(buf))
            }
            Inner::Database {
                store,
                sha256,
                kind,
                next,
                chunks,
            } => {
                if *next >= *chunks {
                    return Ok(None);
                }
                let piece = store
                    .blob_chunk(sha256, *kind, *next)
                    .await
                    .map_err(io::Error::other)?
                    .ok_or_else(|| io::Error::other(format!("chunk {next} of {sha256} missing")))?;
                *next += 1;
                Ok(Some(piece))
            }
        }
    }
}
