//! Rows of bulletins (督查通报): the bulletin and what its figures are computed from.

use chrono::{DateTime, NaiveDate, Utc};

/// A bulletin as stored.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct BulletinRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction whose office issues it.
    pub scope_unit_id: i64,
    /// `monthly` or `quarterly`.
    pub kind: String,
    /// `2026-10` or `2026-Q4`.
    pub period: String,
    /// Title.
    pub title: String,
    /// `draft`, `submitted`, `approved` or `published`.
    pub state: String,
    /// The figures of the period and the one before, JSON.
    pub figures: String,
    /// When the figures were computed.
    pub generated_at: DateTime<Utc>,
    /// The office's paragraph of good practice.
    pub good_practice: String,
    /// The office's paragraph of criticism.
    pub criticism: String,
    /// The published bulletin this one corrects.
    pub corrects_id: Option<i64>,
    /// Year of its number (once published).
    pub year: Option<i64>,
    /// Sequence of its number (once published).
    pub number: Option<i64>,
    /// The leader's remark when sending it back.
    pub remark: String,
    /// Who drafted it.
    pub created_by: i64,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The approving leader.
    pub approved_by: Option<i64>,
    /// When approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
    /// Optimistic version.
    pub version: i64,
}

/// A new draft.
#[derive(Debug, Clone)]
pub struct NewBulletin {
    /// Jurisdiction.
    pub scope_unit_id: i64,
    /// `monthly` or `quarterly`.
    pub kind: String,
    /// Period.
    pub period: String,
    /// Title.
    pub title: String,
    /// Figures, JSON.
    pub figures: String,
    /// Good practice.
    pub good_practice: String,
    /// Criticism.
    pub criticism: String,
    /// The bulletin corrected.
    pub corrects_id: Option<i64>,
    /// Who.
    pub created_by: i64,
    /// When (also the figures' time).
    pub created_at: DateTime<Utc>,
    /// The units it praises or criticises.
    pub mentions: Vec<BulletinMention>,
}

/// A unit a bulletin praises (通报表扬) or criticises (通报批评).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct BulletinMention {
    /// The unit.
    pub unit_id: i64,
    /// `praise` or `criticism`.
    pub kind: String,
}

/// A top-level assignment of a jurisdiction's item, as the bulletin's rates read it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BulletinAssignmentRow {
    /// Assignment.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// The unit.
    pub unit_id: i64,
    /// `lead` or `co`.
    pub role: String,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// When it was completed.
    pub completed_at: Option<DateTime<Utc>>,
}

/// Counts of a jurisdiction's items in a period.
#[derive(Debug, Clone, Default, sqlx::FromRow, serde::Serialize)]
pub struct BulletinItemCounts {
    /// Dispatched in the period.
    pub new_items: i64,
    /// Closed in the period.
    pub closed_items: i64,
    /// Dispatched before its end and not closed by then.
    pub in_hand: i64,
}

/// Findings of one kind against one unit, found in a period.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BulletinFindingCount {
    /// The finding's kind.
    pub kind: String,
    /// The culprit unit.
    pub unit_id: i64,
    /// How many.
    pub n: i64,
}
