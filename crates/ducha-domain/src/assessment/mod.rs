//! Assessment (平时成绩): continuous grades for units, computed from facts the system already
//! holds — every point traces to the event behind it.
//!
//! - [`rules`]: a rule set as versioned data (TOML per jurisdiction): points per fact, the
//!   co-unit share, weights by priority, caps per item and per period, thresholds;
//! - [`engine`]: facts + rules → each unit's lines and total, deterministically (points in
//!   hundredths, a fixed order), so the same events and rule version give the same numbers.

pub mod engine;
pub mod rules;

pub use engine::{Fact, Line, UnitScore, Voided, line_key, score, year_counts};
pub use rules::{FactKind, RuleSet};
