//! Rule sets (考核细则) as data: what each fact is worth, read from TOML and checked once.

use crate::item::Priority;
use crate::org::str_enum;
use serde::{Deserialize, Serialize};

str_enum!(
    /// A fact the system records that a rule may score.
    FactKind {
        /// 未按时报送: a report fell due and none came (the sweep's missed-report notice).
        MissedReport = "missed_report",
        /// 报送内容空泛: a progress report returned for quality.
        ProgressReturned = "progress_returned",
        /// 退回重办: a completion returned as false or substandard.
        CompletionReturned = "completion_returned",
        /// 逾期办结: a completion accepted after the deadline (once per assignment).
        LateCompletion = "late_completion",
        /// 逾期天数: each working day a completion was late, less days charged to others.
        LateDay = "late_day",
        /// 期末未办结: open and past its deadline at the end of the period.
        Unfinished = "unfinished",
        /// 提前办结: a completion accepted well before the deadline.
        EarlyCompletion = "early_completion",
        /// 橙色预警督办单.
        OrangeNotice = "orange_notice",
        /// 红色督办单.
        RedNotice = "red_notice",
        /// 约谈: three consecutive red notices.
        Summons = "summons",
        /// 协调申请答复超时: a help request answered late or still unanswered (against the unit
        /// asked).
        HelpLate = "help_late",
        /// 压件后交办: a late hand-off finding.
        LateHandoff = "late_handoff",
        /// 中途变味: a dilution finding (target dropped or shrunk, accepted short).
        Dilution = "dilution",
        /// 层层加码: a target raised or a deadline squeezed.
        Overload = "overload",
        /// 以文件落实文件: forwarding only.
        Forwarding = "forwarding",
        /// 通报表扬 (from published bulletins).
        BulletinPraise = "bulletin_praise",
        /// 通报批评 (from published bulletins).
        BulletinCriticism = "bulletin_criticism",
        /// 建议提案答复超期 (NPC suggestions and CPPCC proposals).
        ProposalLate = "proposal_late",
        /// 建议提案代表委员不满意.
        ProposalDissatisfied = "proposal_dissatisfied",
    }
);

/// One rule: what a fact is worth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A stable id within the set, e.g. `missed-report`.
    pub id: String,
    /// The fact it scores.
    pub fact: FactKind,
    /// Points per fact (negative for a deduction, positive for a bonus); per working day for
    /// [`FactKind::LateDay`].
    pub points: f64,
    /// At most this many points (in absolute value) from this rule for one item.
    #[serde(default)]
    pub cap_per_item: Option<f64>,
    /// At most this many points (in absolute value) from this rule in one period.
    #[serde(default)]
    pub cap_per_period: Option<f64>,
    /// Whether co-units are scored at all (at the set's `co_share`).
    #[serde(default = "yes")]
    pub co_units: bool,
    /// Whether the item's priority weight applies.
    #[serde(default = "yes")]
    pub weighted: bool,
    /// What the rule says, for people (zh-CN).
    #[serde(default)]
    pub name: String,
}

fn yes() -> bool {
    true
}

/// Weights of an item's points by its priority.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// 一般.
    pub normal: f64,
    /// 重要.
    pub high: f64,
    /// 紧急.
    pub urgent: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            normal: 1.0,
            high: 1.2,
            urgent: 1.5,
        }
    }
}

impl Weights {
    /// The weight of a priority.
    pub fn of(&self, p: Priority) -> f64 {
        match p {
            Priority::Normal => self.normal,
            Priority::High => self.high,
            Priority::Urgent => self.urgent,
        }
    }
}

/// A threshold: so many facts of a kind in a year have a consequence (e.g. two summonses → not
/// eligible for awards, 取消评优资格).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// A stable id.
    pub id: String,
    /// The fact counted.
    pub fact: FactKind,
    /// How many in the calendar year trigger it.
    pub count: u32,
    /// What follows, for people (zh-CN).
    pub effect: String,
}

/// A rule set (考核细则) of a jurisdiction, versioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The version recorded with every score, e.g. `2026.1`.
    pub version: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// The score a unit starts each period with.
    pub base: f64,
    /// A co-unit's share of a lead's points (配合单位减半).
    pub co_share: f64,
    /// Weights by the item's priority.
    #[serde(default)]
    pub weights: Weights,
    /// A completion at least this many working days before its deadline counts as early.
    #[serde(default = "early")]
    pub early_days: i64,
    /// A help request is late after this many working days without an answer.
    #[serde(default = "help_days")]
    pub help_answer_days: i64,
    /// The rules.
    pub rules: Vec<Rule>,
    /// Thresholds.
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
}

fn early() -> i64 {
    5
}

fn help_days() -> i64 {
    3
}

/// Why a rule set was refused: a message key and what it names (the rule, the field, the
/// line), so the message can be translated with them filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key} {args}")]
pub struct RuleSetError {
    /// Message key, `validation.rule_set_…`.
    pub key: &'static str,
    /// What the message names.
    pub args: serde_json::Value,
}

impl RuleSetError {
    fn new(key: &'static str, args: serde_json::Value) -> Self {
        Self { key, args }
    }

    /// Not valid TOML of the expected shape: the parser's words and the line.
    fn syntax(e: &toml::de::Error, text: &str) -> Self {
        let line = e
            .span()
            .and_then(|s| text.get(..s.start))
            .map_or(0, |before| before.matches('\n').count() + 1);
        Self::new(
            "validation.rule_set_syntax",
            serde_json::json!({ "line": line, "detail": e.message() }),
        )
    }
}

/// The default rule set (PRODUCT.md §5), documented line by line in the file.
pub const DEFAULT_RULES: &str = include_str!("../../data/assessment-default.toml");

impl RuleSet {
    /// Parses and checks a rule set.
    pub fn parse(text: &str) -> Result<Self, RuleSetError> {
        let set: RuleSet = toml::from_str(text).map_err(|e| RuleSetError::syntax(&e, text))?;
        set.check()?;
        Ok(set)
    }

    /// The shipped default.
    pub fn default_set() -> Self {
        // The shipped file is checked by a test; an empty set is the safe fallback.
        Self::parse(DEFAULT_RULES).unwrap_or_else(|_| RuleSet {
            version: "empty".into(),
            title: String::new(),
            base: 100.0,
            co_share: 0.5,
            weights: Weights::default(),
            early_days: early(),
            help_answer_days: help_days(),
            rules: vec![],
            thresholds: vec![],
        })
    }

    fn check(&self) -> Result<(), RuleSetError> {
        use serde_json::json;
        let bad = |key, args| Err(RuleSetError::new(key, args));
        let v = self.version.trim();
        if v.is_empty()
            || v.len() > 40
            || !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c))
        {
            return bad("validation.rule_set_version", json!({ "field": "version" }));
        }
        let finite = |x: f64| x.is_finite() && x.abs() <= 10_000.0;
        if !finite(self.base) {
            return bad(
                "validation.rule_set_range",
                json!({ "field": "base", "range": "-10000–10000" }),
            );
        }
        if !(0.0..=1.0).contains(&self.co_share) {
            return bad(
                "validation.rule_set_range",
                json!({ "field": "co_share", "range": "0–1" }),
            );
        }
        let w = self.weights;
        for (field, x) in [
            ("weights.normal", w.normal),
            ("weights.high", w.high),
            ("weights.urgent", w.urgent),
        ] {
            if !(0.0..=10.0).contains(&x) {
                return bad(
                    "validation.rule_set_range",
                    json!({ "field": field, "range": "0–10" }),
                );
            }
        }
        for (field, x) in [
            ("early_days", self.early_days),
            ("help_answer_days", self.help_answer_days),
        ] {
            if !(0..=250).contains(&x) {
                return bad(
                    "validation.rule_set_range",
                    json!({ "field": field, "range": "0–250" }),
                );
            }
        }
        if self.rules.len() > 200 || self.thresholds.len() > 50 {
            return bad(
                "validation.rule_set_too_many",
                json!({ "rules": 200, "thresholds": 50 }),
            );
        }
        let mut ids = std::collections::HashSet::new();
        for r in &self.rules {
            if r.id.trim().is_empty() || !ids.insert(r.id.as_str()) {
                return bad("validation.rule_set_rule_id", json!({ "rule": r.id }));
            }
            if !finite(r.points) {
                return bad(
                    "validation.rule_set_rule_value",
                    json!({ "rule": r.id, "field": "points" }),
                );
            }
            for (field, cap) in [
                ("cap_per_item", r.cap_per_item),
                ("cap_per_period", r.cap_per_period),
            ] {
                if cap.is_some_and(|c| !finite(c) || c < 0.0) {
                    return bad(
                        "validation.rule_set_rule_value",
                        json!({ "rule": r.id, "field": field }),
                    );
                }
            }
        }
        for t in &self.thresholds {
            if t.id.trim().is_empty() || t.count == 0 {
                return bad(
                    "validation.rule_set_threshold",
                    json!({ "threshold": t.id, "field": "count" }),
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_set_parses_and_covers_the_facts_of_practice() {
        let set = RuleSet::parse(DEFAULT_RULES).expect("the shipped rule set");
        assert_eq!(set.base, 100.0);
        assert_eq!(set.co_share, 0.5);
        let points = |f: FactKind| set.rules.iter().find(|r| r.fact == f).map(|r| r.points);
        // PRODUCT.md §5: missing report −10, report without substance −5, unfinished −5 (lead),
        // returned as substandard −2, bulletin praise +1.
        assert_eq!(points(FactKind::MissedReport), Some(-10.0));
        assert_eq!(points(FactKind::ProgressReturned), Some(-5.0));
        assert_eq!(points(FactKind::Unfinished), Some(-5.0));
        assert_eq!(points(FactKind::CompletionReturned), Some(-2.0));
        assert_eq!(points(FactKind::BulletinPraise), Some(1.0));
        assert!(
            set.thresholds
                .iter()
                .any(|t| t.fact == FactKind::Summons && t.count == 2)
        );
    }

    #[test]
    fn bad_sets_are_named() {
        let head = "version = \"1\"\nbase = 100\nco_share = 0.5\n";
        let rule = |id: &str, extra: &str| {
            format!("[[rules]]\nid = \"{id}\"\nfact = \"summons\"\npoints = -1\n{extra}")
        };
        let bad: Vec<(String, &str, serde_json::Value)> = vec![
            (
                "version = \"\"\nbase = 100\nco_share = 0.5\nrules = []".into(),
                "validation.rule_set_version",
                serde_json::json!({ "field": "version" }),
            ),
            (
                "version = \"1\"\nbase = 100\nco_share = 2\nrules = []".into(),
                "validation.rule_set_range",
                serde_json::json!({ "field": "co_share", "range": "0–1" }),
            ),
            (
                format!("{head}{}{}", rule("a", ""), rule("a", "")),
                "validation.rule_set_rule_id",
                serde_json::json!({ "rule": "a" }),
            ),
            (
                format!(
                    "{head}{}{}",
                    rule("a", ""),
                    rule("b", "cap_per_period = -3\n")
                ),
                "validation.rule_set_rule_value",
                serde_json::json!({ "rule": "b", "field": "cap_per_period" }),
            ),
            (
                format!(
                    "{head}rules = []\n[[thresholds]]\nid = \"t\"\nfact = \"summons\"\ncount = 0\neffect = \"\"\n"
                ),
                "validation.rule_set_threshold",
                serde_json::json!({ "threshold": "t", "field": "count" }),
            ),
        ];
        for (text, key, args) in bad {
            let e = RuleSet::parse(&text).expect_err(&text);
            assert_eq!((e.key, e.args), (key, args), "{text}");
        }
        // Syntax: the parser's words and the line they are about.
        for (text, line, says) in [
            (format!("{head}rules = []\nbogus = 1"), 5, "bogus"),
            (
                format!("{head}{}", rule("a", "").replace("summons", "nonsense")),
                6,
                "nonsense",
            ),
        ] {
            let e = RuleSet::parse(&text).expect_err(&text);
            assert_eq!(e.key, "validation.rule_set_syntax");
            assert_eq!(e.args["line"], line, "{text}: {}", e.args);
            assert!(
                e.args["detail"].as_str().is_some_and(|d| d.contains(says)),
                "{}",
                e.args
            );
        }
    }
}
