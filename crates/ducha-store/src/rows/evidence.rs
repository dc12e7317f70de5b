//! Rows of evidence files (佐证材料): one row per upload; the bytes live content-addressed on
//! disk, outside the database.

use super::PathCol;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// One uploaded file, with its uploader's unit path.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct EvidenceRow {
    /// Id.
    pub id: i64,
    /// Lower-case hex SHA-256 of the bytes: the file's name on disk.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// MIME type decided from the content.
    pub mime: String,
    /// The uploader's file name, sanitised.
    pub filename: String,
    /// Uploaded by.
    pub uploaded_by: i64,
    /// The uploader's unit.
    pub unit_id: i64,
    /// Its path.
    #[sqlx(try_from = "String")]
    pub unit_path: PathCol,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
}

/// A new upload.
#[derive(Debug, Clone)]
pub struct NewEvidence {
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Bytes.
    pub size: i64,
    /// MIME type.
    pub mime: String,
    /// Sanitised file name.
    pub filename: String,
    /// Uploaded by.
    pub uploaded_by: i64,
    /// The uploader's unit.
    pub unit_id: i64,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
}

/// A file a report carries.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportEvidenceRow {
    /// The report.
    pub report_id: i64,
    /// The file.
    #[sqlx(flatten)]
    pub evidence: EvidenceRow,
}

/// Where a report citing a file sits: enough to decide who may see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitationRow {
    /// The reporting assignment's unit path.
    #[sqlx(try_from = "String")]
    pub unit_path: PathCol,
    /// The item's registering jurisdiction.
    #[sqlx(try_from = "String")]
    pub scope_path: PathCol,
}
