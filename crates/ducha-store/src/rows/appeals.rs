//! Rows of citizens' appeals (群众诉求): the appeal, an import source's column mapping.

use chrono::{DateTime, Utc};
use ducha_domain::appeals::{AppealCategory, AppealSource, AppealState};

/// An appeal as stored. `text_sealed` and `contact_sealed` hold the original text and the
/// contact in their stored form (`enc:v1:` with a key ring, plaintext without one).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CitizenAppealRow {
    /// Id.
    pub id: i64,
    /// Tracking code, without dashes.
    pub code: String,
    /// Where it came from.
    #[sqlx(try_from = "String")]
    pub source: AppealSource,
    /// The 12345 order number of an imported work order.
    pub external_no: Option<String>,
    /// The district or township it is about.
    pub unit_id: i64,
    /// That unit's path.
    pub unit_path: String,
    /// Category.
    #[sqlx(try_from = "String")]
    pub category: AppealCategory,
    /// The text with personal data masked: what everyone sees.
    pub text_masked: String,
    /// The original text (stored form), empty when masking changed nothing.
    pub text_sealed: String,
    /// The contact (stored form), empty when none was given.
    pub contact_sealed: String,
    /// Kinds of personal data found, comma separated.
    pub pii: String,
    /// The photo's SHA-256 in the evidence store.
    pub photo_sha256: Option<String>,
    /// The photo's MIME type.
    pub photo_mime: Option<String>,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: AppealState,
    /// The item it is handled through, once linked.
    pub item_id: Option<i64>,
    /// When it was received (the hotline's time for a work order).
    pub received_at: DateTime<Utc>,
    /// When it was stored.
    pub created_at: DateTime<Utc>,
    /// The staff member who imported or registered it; none for the public form.
    pub created_by: Option<i64>,
    /// Optimistic version.
    pub version: i64,
}

/// A new appeal (state received, no item).
#[derive(Debug, Clone)]
pub struct NewCitizenAppeal {
    /// Tracking code.
    pub code: String,
    /// Source.
    pub source: AppealSource,
    /// 12345 order number.
    pub external_no: Option<String>,
    /// Unit.
    pub unit_id: i64,
    /// Unit path.
    pub unit_path: String,
    /// Category.
    pub category: AppealCategory,
    /// Masked text.
    pub text_masked: String,
    /// Original text, stored form.
    pub text_sealed: String,
    /// Contact, stored form.
    pub contact_sealed: String,
    /// Kinds found.
    pub pii: String,
    /// Photo.
    pub photo_sha256: Option<String>,
    /// Photo type.
    pub photo_mime: Option<String>,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Stored.
    pub created_at: DateTime<Utc>,
    /// By.
    pub created_by: Option<i64>,
}

/// An import source's saved column mapping.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AppealMappingRow {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The source's name, e.g. 市12345平台.
    pub source_name: String,
    /// The mapping as JSON (field → header).
    pub mapping: String,
    /// Saved by.
    pub updated_by: i64,
    /// Saved at.
    pub updated_at: DateTime<Utc>,
}

/// A page of the appeals list: a subtree, optional filters, newest first.
#[derive(Debug, Clone)]
pub struct AppealQuery {
    /// Appeals about units in this subtree.
    pub root: ducha_domain::org::UnitPath,
    /// Only this state.
    pub state: Option<AppealState>,
    /// Only this source.
    pub source: Option<AppealSource>,
    /// The page after this appeal, in the list's order (newest received first).
    pub before: Option<i64>,
    /// Page size.
    pub limit: i64,
}
