//! What several app nodes on one database share beyond the business rows: the calendar's
//! generation, evidence bytes kept in the database, chain-head checkpoints, and the hand-back
//! of a stopping node's leases.

use crate::StoreResult;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// Which stored bytes of an evidence file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobKind {
    /// The file as uploaded.
    Original,
    /// A picture's thumbnail.
    Thumb,
}

impl BlobKind {
    /// Its name in `evidence_blobs.kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            BlobKind::Original => "original",
            BlobKind::Thumb => "thumb",
        }
    }
}

/// A stored blob: complete once its row exists.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct BlobRow {
    /// MIME type of the bytes.
    pub mime: String,
    /// Bytes in all.
    pub size: i64,
    /// Chunks, numbered from 0.
    pub chunks: i64,
}

/// A chain-head checkpoint recorded in the database.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CheckpointRow {
    /// Sequence number of the event.
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When it was written.
    pub written_at: DateTime<Utc>,
    /// The node that wrote it.
    pub node: String,
}

/// Shared state of the nodes of one database.
#[async_trait]
pub trait NodeStore: Send + Sync {
    /// The calendar's generation, moved by every commit that loads calendar days.
    async fn calendar_generation(&self) -> StoreResult<i64>;
    /// A stored blob, if complete.
    async fn blob(&self, sha256: &str, kind: BlobKind) -> StoreResult<Option<BlobRow>>;
    /// Stores `bytes` under their hash in chunks of `chunk` bytes, in one transaction, unless
    /// a blob of that hash and kind is stored already.
    async fn put_blob(
        &self,
        sha256: &str,
        kind: BlobKind,
        mime: &str,
        bytes: &[u8],
        chunk: usize,
    ) -> StoreResult<()>;
    /// Chunk `n` of a blob.
    async fn blob_chunk(
        &self,
        sha256: &str,
        kind: BlobKind,
        n: i64,
    ) -> StoreResult<Option<Vec<u8>>>;
    /// Records a checkpoint unless its sequence number is recorded; true when recorded now.
    async fn add_checkpoint(
        &self,
        seq: i64,
        hash: &str,
        at: DateTime<Utc>,
        node: &str,
    ) -> StoreResult<bool>;
    /// Every recorded checkpoint, oldest first.
    async fn checkpoints(&self) -> StoreResult<Vec<CheckpointRow>>;
    /// Hands back what `owner` holds: job leases (the job stays due) and claimed outbox rows.
    /// Returns (jobs, outbox rows).
    async fn release_leases(&self, owner: &str) -> StoreResult<(u64, u64)>;
}
