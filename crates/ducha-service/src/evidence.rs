//! Evidence files (佐证材料): uploaded once, kept content-addressed on disk, shown as thumbnails
//! when they are pictures, and reused by later reports (collect once, 一次采集、多次使用).
//!
//! Who may read a file: units that see the uploader's unit (the unit itself, the units above
//! it, the supervisors and leaders of its jurisdiction), and whoever may see a report citing
//! it. Anyone else gets "not found".

mod blobs;
mod files;
mod sniff;

use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use chrono::{DateTime, Utc};
use ducha_domain::org::Actor;
use ducha_domain::{UnitId, ValidationErrors};
use ducha_store::{EvidenceRow, NewEvidence, StoreError};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Where evidence files are kept and how large one may be.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvidenceSettings {
    /// Where the bytes live: `filesystem` (under `dir`; one node, or a directory every node
    /// mounts) or `database` (tables every node of a cluster reads).
    pub store: EvidenceStorage,
    /// Directory of the files (relative to the working directory unless absolute) when they
    /// are kept on the filesystem.
    pub dir: PathBuf,
    /// Largest file accepted, in bytes.
    pub max_bytes: u64,
}

impl Default for EvidenceSettings {
    fn default() -> Self {
        Self {
            store: EvidenceStorage::Filesystem,
            dir: PathBuf::from("data/evidence"),
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Where evidence bytes are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceStorage {
    /// Content-addressed files under the configured directory (the single-node default).
    Filesystem,
    /// Content-addressed chunks in the database, shared by every node.
    Database,
}

/// How many of its unit's files a reporter is offered to reuse.
pub const REUSABLE: i64 = 50;

/// An evidence file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceView {
    /// Id.
    pub id: i64,
    /// File name as uploaded (cleaned).
    pub filename: String,
    /// MIME type, decided from the content.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// Lower-case hex SHA-256 of the content (what a report's event records).
    pub sha256: String,
    /// A picture, with a thumbnail.
    pub is_image: bool,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
}

impl From<&EvidenceRow> for EvidenceView {
    fn from(r: &EvidenceRow) -> Self {
        Self {
            id: r.id,
            filename: r.filename.clone(),
            mime: r.mime.clone(),
            size: r.size,
            sha256: r.sha256.clone(),
            is_image: r.mime.starts_with("image/"),
            created_at: r.created_at,
        }
    }
}

/// A stored file to send: what it is and where its bytes are.
#[derive(Clone)]
pub struct EvidenceFile {
    /// The file.
    pub view: EvidenceView,
    /// The MIME type of those bytes (a thumbnail's may differ from the original's).
    pub mime: String,
    source: blobs::Source,
}

impl std::fmt::Debug for EvidenceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceFile")
            .field("view", &self.view)
            .field("mime", &self.mime)
            .finish_non_exhaustive()
    }
}

impl EvidenceFile {
    /// Opens the bytes: their length and a reader that yields them a piece at a time, so a
    /// large file never sits whole in memory. Bytes recorded but gone are a storage fault.
    pub async fn open(&self) -> std::io::Result<(u64, EvidenceReader)> {
        self.source.open().await
    }
}

pub use blobs::EvidenceReader;

fn invalid(key: &'static str) -> ServiceError {
    ValidationErrors::single("file", key).into()
}

fn io_error(e: impl std::error::Error + Send + Sync + 'static) -> ServiceError {
    ServiceError::Store(StoreError::Other(Box::new(e)))
}

impl Services {
    /// Stores an uploaded file: checks its size and type (from its content), keeps its bytes
    /// once per content, makes a thumbnail of a picture, and records the upload for the
    /// uploader's unit.
    pub async fn store_evidence(
        &self,
        actor: &Actor,
        filename: &str,
        bytes: Vec<u8>,
        now: DateTime<Utc>,
    ) -> ServiceResult<EvidenceView> {
        // The separated admin roles do no supervision work.
        ensure(!actor.roles.iter().all(|r| r.is_admin()))?;
        if bytes.is_empty() {
            return Err(invalid("validation.file_empty"));
        }
        if bytes.len() as u64 > self.config.evidence.max_bytes {
            return Err(invalid("validation.file_too_large"));
        }
        let clean = sniff::clean_name(filename);
        let kind = sniff::sniff(&bytes, &clean).ok_or_else(|| invalid("validation.file_type"))?;
        // Hashing and decoding take a while: off the async workers.
        let prepared = tokio::task::spawn_blocking(move || {
            let sha256 = ducha_domain::chain::HashAlgo::Sha256.hex_digest(&bytes);
            let thumb = if kind.is_image() {
                match files::thumbnail(&bytes, kind.mime) {
                    Some(t) => Some(t),
                    None => return None,
                }
            } else {
                None
            };
            Some((sha256, bytes, thumb))
        })
        .await
        .map_err(io_error)?;
        let stored = match prepared {
            Some((sha256, bytes, thumb)) => {
                let len = bytes.len();
                self.blobs().save(&sha256, kind.mime, bytes, thumb).await?;
                Some((sha256, len))
            }
            None => None,
        };
        // A picture that does not decode is not the picture it claims to be.
        let (sha256, size) = stored.ok_or_else(|| invalid("validation.file_type"))?;
        let row = NewEvidence {
            sha256,
            size: i64::try_from(size).map_err(io_error)?,
            mime: kind.mime.to_string(),
            filename: sniff::stored_name(&clean, kind),
            uploaded_by: actor.user_id.0,
            unit_id: actor.unit_id.0,
            created_at: now,
        };
        let id = self.store.insert_evidence(&row).await?;
        Ok(EvidenceView {
            id,
            filename: row.filename,
            mime: row.mime,
            size: row.size,
            sha256: row.sha256,
            is_image: kind.is_image(),
            created_at: now,
        })
    }

    /// Keeps a picture in the evidence store without an upload row (a citizen's photo has no
    /// uploader): typed by its content, one of `allowed`, re-encoded from its pixels so that
    /// none of its metadata (EXIF GPS position, camera serial, owner) is kept, and decoded for
    /// its thumbnail. Returns the kept picture's SHA-256 and MIME type; `None` when it is not
    /// such a picture. It goes where every evidence file goes (`[service.evidence] store`), so
    /// any node can show it.
    pub(crate) async fn keep_picture(
        &self,
        bytes: Vec<u8>,
        allowed: &'static [&'static str],
    ) -> ServiceResult<Option<(String, String)>> {
        let Some(kind) = sniff::sniff(&bytes, "").filter(|k| allowed.contains(&k.mime)) else {
            return Ok(None);
        };
        let prepared = tokio::task::spawn_blocking(move || {
            let (bytes, mime) = files::scrubbed(&bytes, kind.mime)?;
            let sha256 = ducha_domain::chain::HashAlgo::Sha256.hex_digest(&bytes);
            files::thumbnail(&bytes, mime).map(|thumb| (sha256, mime, bytes, thumb))
        })
        .await
        .map_err(io_error)?;
        let Some((sha256, mime, bytes, thumb)) = prepared else {
            return Ok(None);
        };
        self.blobs().save(&sha256, mime, bytes, Some(thumb)).await?;
        Ok(Some((sha256, mime.to_string())))
    }

    /// The bytes of a kept picture (or of its thumbnail) and their MIME type.
    pub(crate) async fn picture_bytes(
        &self,
        sha256: &str,
        mime: &str,
        thumb: bool,
    ) -> ServiceResult<(Vec<u8>, String)> {
        let kind = if thumb {
            ducha_store::BlobKind::Thumb
        } else {
            ducha_store::BlobKind::Original
        };
        let (source, mime) = self.blobs().locate(sha256, kind, mime).await?;
        let (len, mut reader) = source.open().await.map_err(io_error)?;
        let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
        while let Some(piece) = reader.next_chunk().await.map_err(io_error)? {
            bytes.extend_from_slice(&piece);
        }
        Ok((bytes, mime))
    }

    /// A file the actor may read, with where its bytes are.
    pub async fn evidence_file(&self, actor: &Actor, id: i64) -> ServiceResult<EvidenceFile> {
        let row = self.readable_evidence(actor, id).await?;
        let (source, mime) = self
            .blobs()
            .locate(&row.sha256, ducha_store::BlobKind::Original, &row.mime)
            .await?;
        Ok(EvidenceFile {
            source,
            mime,
            view: EvidenceView::from(&row),
        })
    }

    /// The thumbnail of a picture the actor may read; a file that is no picture has none.
    pub async fn evidence_thumb(&self, actor: &Actor, id: i64) -> ServiceResult<EvidenceFile> {
        let row = self.readable_evidence(actor, id).await?;
        if !row.mime.starts_with("image/") {
            return Err(ServiceError::NotFound);
        }
        let (source, mime) = self
            .blobs()
            .locate(&row.sha256, ducha_store::BlobKind::Thumb, &row.mime)
            .await?;
        Ok(EvidenceFile {
            source,
            mime,
            view: EvidenceView::from(&row),
        })
    }

    fn blobs(&self) -> blobs::Blobs {
        blobs::Blobs::new(&self.config.evidence, self.store.clone())
    }

    /// Files the actor's unit uploaded before, newest first, to attach to a report on
    /// `assignment_id` without uploading them again.
    pub async fn reusable_evidence(
        &self,
        actor: &Actor,
        assignment_id: i64,
    ) -> ServiceResult<Vec<EvidenceView>> {
        let (_, a) = self.visible_assignment(actor, assignment_id).await?;
        ensure(actor.acts_for(UnitId(a.unit_id)))?;
        let rows = self.store.unit_evidence(a.unit_id, REUSABLE).await?;
        Ok(rows.iter().map(EvidenceView::from).collect())
    }

    /// The files a report names, in order; each must be one the actor may read (an unknown
    /// or foreign id is refused alike).
    pub(crate) async fn evidence_for_report(
        &self,
        actor: &Actor,
        ids: &[i64],
    ) -> ServiceResult<Vec<EvidenceRow>> {
        let rows = self.store.evidence(ids).await?;
        let mut out = Vec::with_capacity(ids.len());
        let mut errors = ValidationErrors::default();
        for (i, id) in ids.iter().enumerate() {
            match rows.iter().find(|r| r.id == *id) {
                Some(r) if self.may_read(actor, r).await? => out.push(r.clone()),
                _ => errors.add(format!("evidence_ids[{i}]"), "validation.unknown_evidence"),
            }
        }
        errors.into_result(out).map_err(Into::into)
    }

    /// The files among `ids` the actor may read, by id (an appeal's or a card's files shown
    /// to whoever reads it: a file they may not open is left out rather than refused).
    pub(crate) async fn readable_views(
        &self,
        actor: &Actor,
        ids: &[i64],
    ) -> ServiceResult<std::collections::HashMap<i64, EvidenceView>> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        for r in self.store.evidence(&ids).await? {
            if self.may_read(actor, &r).await? {
                out.insert(r.id, EvidenceView::from(&r));
            }
        }
        Ok(out)
    }

    async fn readable_evidence(&self, actor: &Actor, id: i64) -> ServiceResult<EvidenceRow> {
        let row = self
            .store
            .evidence(&[id])
            .await?
            .into_iter()
            .next()
            .ok_or(ServiceError::NotFound)?;
        if self.may_read(actor, &row).await? {
            Ok(row)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    async fn may_read(&self, actor: &Actor, row: &EvidenceRow) -> ServiceResult<bool> {
        if actor.sees(&row.unit_path.0) {
            return Ok(true);
        }
        let citations = self.store.evidence_citations(row.id).await?;
        Ok(citations.iter().any(|c| {
            let scope = &c.scope_path.0;
            actor.supervises(scope) || actor.leads(scope) || actor.sees(&c.unit_path.0)
        }))
    }
}
