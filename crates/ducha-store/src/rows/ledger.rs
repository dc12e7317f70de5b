//! Rows of the ledger (台账) import.

use chrono::NaiveDate;

/// The ledger number of an item created by an import; the item is the one its change inserts.
#[derive(Debug, Clone)]
pub struct NewLedgerRef {
    /// The importer's jurisdiction.
    pub scope_unit_id: i64,
    /// 台账编号, or `<file sha256 prefix>#<row>` for a ledger without numbers.
    pub ledger_ref: String,
    /// SHA-256 of the imported file.
    pub file_sha256: String,
    /// The spreadsheet's row.
    pub row_no: i64,
    /// 交办日期 as the ledger gives it.
    pub assigned_on: Option<NaiveDate>,
    /// The units the ledger names and its note, as JSON, for a matter its import does not
    /// dispatch (see migration `0028_ledger_plans_jobs`).
    pub plan: Option<String>,
}

/// A ledger import and its progress (table `ledger_jobs`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LedgerJobRow {
    /// Id.
    pub id: i64,
    /// Who started it (the only reader).
    pub user_id: i64,
    /// `running`, `done`, `rejected` or `failed`.
    pub state: String,
    /// Matters to register (known once every cell was checked).
    pub total: i64,
    /// Matters registered so far.
    pub done: i64,
    /// The outcome as JSON once ended.
    pub result: Option<String>,
    /// Started at.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last written at.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}
