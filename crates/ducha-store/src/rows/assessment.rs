//! Rows of the assessment (平时成绩): the facts of a period, rule sets, finalised periods and
//! appeals.

use super::Json;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::org::UnitPath;
use serde::Serialize;

/// Where the facts of a period come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactSource {
    /// Urge notices issued (missed reports, orange and red notices).
    Notices,
    /// Summonses.
    Summonses,
    /// Reports returned.
    Returns,
    /// Completions accepted (late or early).
    Completions,
    /// Lost days charged at completion.
    LostDays,
    /// Assignments open past their deadline at the period's end.
    Unfinished,
    /// Help requests answered late or not at all.
    Help,
    /// Findings of the chain analytics.
    Findings,
    /// Replies to NPC suggestions and CPPCC proposals given late, or rated dissatisfied.
    Proposals,
    /// Units praised or criticised by a published bulletin (no item: `item_id` 0).
    Bulletins,
}

impl FactSource {
    /// Every source, in the order a rebuild fills them.
    pub const ALL: [FactSource; 10] = [
        FactSource::Notices,
        FactSource::Summonses,
        FactSource::Returns,
        FactSource::Completions,
        FactSource::LostDays,
        FactSource::Unfinished,
        FactSource::Help,
        FactSource::Findings,
        FactSource::Proposals,
        FactSource::Bulletins,
    ];

    /// The name `score_facts.source` stores.
    pub fn as_str(self) -> &'static str {
        match self {
            FactSource::Notices => "notices",
            FactSource::Summonses => "summonses",
            FactSource::Returns => "returns",
            FactSource::Completions => "completions",
            FactSource::LostDays => "lost_days",
            FactSource::Unfinished => "unfinished",
            FactSource::Help => "help",
            FactSource::Findings => "findings",
            FactSource::Proposals => "proposals",
            FactSource::Bulletins => "bulletins",
        }
    }

    /// The bit of this source in a set of sources.
    pub fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// Whether its derivation reads the chain analytics' derived tables (hop facts, hop
    /// log, findings): the sources a rebuild of those tables derives again. The others read
    /// only rows the commands keep, which a rebuild does not touch.
    pub fn reads_analytics(self) -> bool {
        matches!(
            self,
            FactSource::Completions
                | FactSource::LostDays
                | FactSource::Unfinished
                | FactSource::Findings
        )
    }

    /// Whether its rows are kept per item (and assignment): every source but `bulletins`,
    /// whose rows are made once, when their bulletin is published.
    pub fn per_item(self) -> bool {
        self != FactSource::Bulletins
    }
}

/// What facts to read.
#[derive(Debug, Clone)]
pub struct FactQuery {
    /// Units within this subtree.
    pub root: UnitPath,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    /// The last day of the period (for deadlines).
    pub last_day: NaiveDate,
}

/// A raw fact as a source gives it; the service turns it into a domain fact.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FactRow {
    /// The unit it counts for or against.
    pub unit_id: i64,
    /// The item.
    pub item_id: i64,
    /// The assignment.
    pub assignment_id: Option<i64>,
    /// The assignment's role (`lead`/`co`), when the unit is its assignee.
    pub role: Option<String>,
    /// The item's priority.
    pub priority: String,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// The event behind it.
    pub seq: Option<i64>,
    /// A number (days) where the source has one.
    pub quantity: Option<i64>,
    /// What kind within the source (notice level + cause, report kind, finding kind).
    pub what: Option<String>,
    /// A second date (the deadline in force, or a help request's answer day).
    pub deadline: Option<NaiveDate>,
    /// A second instant (a help request's answer).
    pub until: Option<DateTime<Utc>>,
}

/// A stored rule set.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct RuleSetRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// The TOML text.
    pub body: String,
    /// Loaded by.
    pub loaded_by: Option<i64>,
    /// Loaded at.
    pub loaded_at: DateTime<Utc>,
}

/// A new rule set.
#[derive(Debug, Clone)]
pub struct NewRuleSet {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Version.
    pub version: String,
    /// Title.
    pub title: String,
    /// TOML text.
    pub body: String,
    /// Loaded by.
    pub loaded_by: Option<i64>,
    /// Loaded at.
    pub loaded_at: DateTime<Utc>,
}

/// A finalised period.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ScorePeriodRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// `2026-10`, `2026-Q4` or `2026`.
    pub period: String,
    /// The rule set's version it was scored with.
    pub rules_version: String,
    /// SHA-256 of the scores as stored (canonical JSON).
    pub digest: String,
    /// Finalised by.
    pub finalized_by: Option<i64>,
    /// Finalised at.
    pub finalized_at: DateTime<Utc>,
}

/// A unit's stored total.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ScoreTotalRow {
    /// Unit.
    pub unit_id: i64,
    /// Base (hundredths).
    pub base: i64,
    /// Total (hundredths).
    pub total: i64,
    /// Thresholds reached.
    #[sqlx(try_from = "String")]
    pub flags: Json<Vec<String>>,
}

/// A stored line (its JSON).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScoreLineRow {
    /// Unit.
    pub unit_id: i64,
    /// Order on the card.
    pub position: i64,
    /// The line as JSON.
    pub line: String,
}

/// A period to finalise, with every unit's total and lines.
#[derive(Debug, Clone)]
pub struct NewScorePeriod {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The period.
    pub period: String,
    /// Rule set version.
    pub rules_version: String,
    /// Digest of the scores.
    pub digest: String,
    /// Finalised by.
    pub finalized_by: Option<i64>,
    /// Finalised at.
    pub finalized_at: DateTime<Utc>,
    /// (unit, base, total, flags JSON, lines as JSON in order).
    pub units: Vec<(i64, i64, i64, String, Vec<String>)>,
}

/// An appeal (申辩) against a line.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AppealRow {
    /// Id.
    pub id: i64,
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The period.
    pub period: String,
    /// The appealing unit.
    pub unit_id: i64,
    /// The line's key.
    pub line_key: String,
    /// Why.
    pub reason: String,
    /// Evidence file ids.
    #[sqlx(try_from = "String")]
    pub evidence: Json<Vec<i64>>,
    /// `pending`, `accepted` or `rejected`.
    pub state: String,
    /// Filed by.
    pub created_by: i64,
    /// Filed at.
    pub created_at: DateTime<Utc>,
    /// Decided by.
    pub decided_by: Option<i64>,
    /// Decided at.
    pub decided_at: Option<DateTime<Utc>>,
    /// The decision's comment.
    pub comment: String,
    /// Optimistic-lock version.
    pub version: i64,
}

/// A new appeal.
#[derive(Debug, Clone)]
pub struct NewAppeal {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// The period.
    pub period: String,
    /// The unit.
    pub unit_id: i64,
    /// The line's key.
    pub line_key: String,
    /// Why.
    pub reason: String,
    /// Evidence ids.
    pub evidence: Vec<i64>,
    /// Filed by.
    pub created_by: i64,
    /// Filed at.
    pub created_at: DateTime<Utc>,
}

/// An assignment as the cadre record reads it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CadreRow {
    /// The responsible person.
    pub user_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// State now.
    pub state: String,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Completed at.
    pub completed_at: Option<DateTime<Utc>>,
    /// Working days late at completion.
    pub late_days: Option<i64>,
    /// Of those, the days charged to the unit itself (not to the units it waited on).
    pub own_late_days: i64,
}

/// A unit a published bulletin praised or criticised, as the cadre record reads it.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct CadreMentionRow {
    /// The bulletin.
    pub bulletin_id: i64,
    /// Its title.
    pub title: String,
    /// Published at.
    pub published_at: DateTime<Utc>,
    /// The unit it names.
    pub unit_id: i64,
    /// `praise` or `criticism`.
    pub kind: String,
}
