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
}
