//! Rows of the chain analytics: hop facts, the hop log, the stall map's sums and kept findings,
//! and what `ducha analytics rebuild` reads and writes.

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::analytics::findings::{FindingDraft, FindingKind};
use ducha_domain::analytics::hops::{HopFacts, StatAdd};
use ducha_domain::assignment::{AssignmentRole, AssignmentState};
use ducha_domain::item::Target;
use ducha_domain::org::UnitPath;
use serde::Serialize;

/// Columns of `hop_facts`, in [`HopFactsRow`] order.
pub const HOP_FACTS_COLS: &str = "assignment_id, item_id, unit_id, unit_path, level, parent_id, \
    reviewer_unit_id, source, category, month, dispatched_at, signed_at, sign_days, \
    decomposed_at, decompose_days, first_report_at, first_report_days, \
    completion_requested_at, review_days, reviews, decision_days, decisions, help_days, helps, \
    extension_days, refusal_days, completed_at, done_days, late_days";

/// A stored [`HopFacts`].
#[derive(Debug, Clone, sqlx::FromRow)]
#[allow(missing_docs, reason = "the fields are HopFacts' own")]
pub struct HopFactsRow {
    pub assignment_id: i64,
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub level: i64,
    pub parent_id: Option<i64>,
    pub reviewer_unit_id: i64,
    pub source: String,
    pub category: String,
    pub month: String,
    pub dispatched_at: DateTime<Utc>,
    pub signed_at: Option<DateTime<Utc>>,
    pub sign_days: Option<i64>,
    pub decomposed_at: Option<DateTime<Utc>>,
    pub decompose_days: Option<i64>,
    pub first_report_at: Option<DateTime<Utc>>,
    pub first_report_days: Option<i64>,
    pub completion_requested_at: Option<DateTime<Utc>>,
    pub review_days: i64,
    pub reviews: i64,
    pub decision_days: i64,
    pub decisions: i64,
    pub help_days: i64,
    pub helps: i64,
    pub extension_days: i64,
    pub refusal_days: i64,
    pub completed_at: Option<DateTime<Utc>>,
    pub done_days: Option<i64>,
    pub late_days: Option<i64>,
}

impl From<HopFactsRow> for HopFacts {
    fn from(r: HopFactsRow) -> Self {
        HopFacts {
            assignment_id: r.assignment_id,
            item_id: r.item_id,
            unit_id: r.unit_id,
            unit_path: r.unit_path,
            level: r.level,
            parent_id: r.parent_id,
            reviewer_unit_id: r.reviewer_unit_id,
            source: r.source,
            category: r.category,
            month: r.month,
            dispatched_at: r.dispatched_at,
            signed_at: r.signed_at,
            sign_days: r.sign_days,
            decomposed_at: r.decomposed_at,
            decompose_days: r.decompose_days,
            first_report_at: r.first_report_at,
            first_report_days: r.first_report_days,
            completion_requested_at: r.completion_requested_at,
            review_days: r.review_days,
            reviews: r.reviews,
            decision_days: r.decision_days,
            decisions: r.decisions,
            help_days: r.help_days,
            helps: r.helps,
            extension_days: r.extension_days,
            refusal_days: r.refusal_days,
            completed_at: r.completed_at,
            done_days: r.done_days,
            late_days: r.late_days,
        }
    }
}

/// A kept finding.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct FindingRow {
    /// Id.
    pub id: i64,
    /// What it says.
    #[sqlx(try_from = "String")]
    pub kind: FindingKind,
    /// Item.
    pub item_id: i64,
    /// The culprit's assignment.
    pub assignment_id: i64,
    /// The culprit unit.
    pub unit_id: i64,
    /// Its path.
    pub unit_path: String,
    /// What within the assignment it is about.
    pub subject: String,
    /// Severity.
    pub score: i64,
    /// Facts and thresholds.
    #[sqlx(try_from = "String")]
    pub args: Json<serde_json::Value>,
    /// The event that caused it.
    pub event_seq: i64,
    /// Found at.
    pub found_at: DateTime<Utc>,
    /// Resolved by a later decomposition, if so.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// One line of the hop log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, Serialize)]
pub struct HopLogRow {
    /// The assignment.
    pub assignment_id: i64,
    /// The unit charged.
    pub unit_id: i64,
    /// The hop.
    pub hop: String,
    /// Working days.
    pub days: i64,
    /// For lost days: why.
    pub reason: Option<String>,
}

/// One cell of the stall map: a unit's sums for one hop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StallCell {
    /// The unit that held the hops.
    pub unit_id: i64,
    /// The hop's name.
    pub hop: String,
    /// How many.
    pub n: i64,
    /// Working days, summed.
    pub days: i64,
    /// The longest.
    pub max: i64,
}

/// What a list shows of an item.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct ItemTitle {
    /// Id.
    pub id: i64,
    /// Official number.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Source name.
    pub source: String,
    /// Category name.
    pub category: String,
}

/// What part of the stall map to read.
#[derive(Debug, Clone)]
pub struct StallQuery {
    /// Units within this subtree.
    pub root: UnitPath,
    /// Units at this depth only.
    pub level: Option<i64>,
    /// Assignments dispatched in months from (inclusive), `2026-09`.
    pub month_from: Option<String>,
    /// … to (inclusive).
    pub month_to: Option<String>,
    /// Items of this source only.
    pub source: Option<String>,
    /// Items of this category only.
    pub category: Option<String>,
}

/// Units with assignments waiting to be signed: `(unit_id, count, earliest dispatch)`.
pub type UnsignedRow = (i64, i64, DateTime<Utc>);

/// What the findings list reads.
#[derive(Debug, Clone)]
pub struct FindingQuery {
    /// Culprit units within this subtree.
    pub root: UnitPath,
    /// Only items of this source.
    pub source: Option<String>,
    /// Only items of this category.
    pub category: Option<String>,
    /// At most this many, highest score first.
    pub limit: i64,
}

/// An open assignment with what the silence rules read.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenAssignmentRow {
    /// Assignment.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Lead or co.
    #[sqlx(try_from = "String")]
    pub role: AssignmentRole,
    /// State.
    #[sqlx(try_from = "String")]
    pub state: AssignmentState,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Latest report at.
    pub last_report_at: Option<DateTime<Utc>>,
    /// First decomposition at.
    pub decomposed_at: Option<DateTime<Utc>>,
}

/// The static facts of an assignment a rebuild starts from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignmentStatic {
    /// Assignment.
    pub id: i64,
    /// Item.
    pub item_id: i64,
    /// Parent assignment.
    pub parent_id: Option<i64>,
    /// Unit.
    pub unit_id: i64,
    /// Its path.
    pub unit_path: String,
    /// Lead or co.
    pub role: String,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Targets.
    #[sqlx(try_from = "String")]
    pub targets: Json<Vec<Target>>,
    /// The item's source.
    pub source: String,
    /// The item's category.
    pub category: String,
    /// The item's office.
    pub owner_unit_id: i64,
    /// The item's title.
    pub title: String,
}

/// Every derived table, in a stable order: what a rebuild writes and the equality test
/// compares.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AnalyticsTables {
    /// Hop facts by assignment.
    pub facts: Vec<HopFacts>,
    /// The hop log in order.
    pub log: Vec<HopLogRow>,
    /// The stall map's sums by unit, month and hop.
    pub stats: Vec<StatRow>,
    /// The same sums split by the item's source and category (the filtered stall map's).
    pub kinds: Vec<KindStatRow>,
    /// The same sums over every month, by unit and hop (the unfiltered stall map's).
    pub totals: Vec<TotalRow>,
    /// Kept findings in order (without ids).
    pub findings: Vec<KeptFinding>,
}

/// The sums of one hop for one unit and month of dispatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRow {
    /// Unit.
    pub unit_id: i64,
    /// Month of dispatch.
    pub month: String,
    /// Hop.
    pub hop: String,
    /// How many.
    pub n: i64,
    /// Working days.
    pub days: i64,
    /// The longest.
    pub max: i64,
}

/// The sums of one hop for one unit over every month of dispatch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalRow {
    /// Unit.
    pub unit_id: i64,
    /// Hop.
    pub hop: String,
    /// How many.
    pub n: i64,
    /// Working days.
    pub days: i64,
    /// The longest.
    pub max: i64,
}

/// The sums of one hop for one unit, month of dispatch, source and category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindStatRow {
    /// Unit.
    pub unit_id: i64,
    /// Month of dispatch.
    pub month: String,
    /// The item's source.
    pub source: String,
    /// The item's category.
    pub category: String,
    /// Hop.
    pub hop: String,
    /// How many.
    pub n: i64,
    /// Working days.
    pub days: i64,
    /// The longest.
    pub max: i64,
}

/// A kept finding as a rebuild writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeptFinding {
    /// The finding.
    pub draft: FindingDraft,
    /// The event that caused it.
    pub event_seq: i64,
    /// Resolved at.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The sums of [`StatAdd`]s, as a rebuild accumulates them: by (unit, month, hop).
pub type StatSums = std::collections::BTreeMap<(i64, String, String), (i64, i64, i64)>;

/// Adds one finished hop to `sums`.
pub fn add_stat(sums: &mut StatSums, s: &StatAdd) {
    let e = sums
        .entry((s.unit_id, s.month.clone(), s.hop.as_str().to_string()))
        .or_insert((0, 0, 0));
    e.0 += 1;
    e.1 += s.days;
    e.2 = e.2.max(s.days);
}

/// The sums of [`StatAdd`]s split by the assignment's item's source and category: by (unit,
/// month, source, category, hop).
pub type KindSums =
    std::collections::BTreeMap<(i64, String, String, String, String), (i64, i64, i64)>;

/// Adds one finished hop of an assignment of an item of `source` and `category` to `sums`.
pub fn add_kind_stat(sums: &mut KindSums, s: &StatAdd, source: &str, category: &str) {
    let e = sums
        .entry((
            s.unit_id,
            s.month.clone(),
            source.to_string(),
            category.to_string(),
            s.hop.as_str().to_string(),
        ))
        .or_insert((0, 0, 0));
    e.0 += 1;
    e.1 += s.days;
    e.2 = e.2.max(s.days);
}

/// An event as a replay of the derived tables reads it: what the derivations depend on,
/// without the actor and the chain's hashes (a tenth of the bytes of ten million events that
/// a rebuild would read, copy and drop).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReplayEvent {
    /// Position in the chain.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// What happened (an event kind's name).
    pub kind: String,
    /// The item concerned.
    pub item_id: Option<i64>,
    /// The assignment concerned.
    pub assignment_id: Option<i64>,
    /// Details as JSON text.
    pub payload: String,
}
