//! The scoring engine: facts and a rule set in, each unit's lines and total out.
//!
//! Points are kept in hundredths (`i64`) and every order is fixed, so a score recomputed from
//! the same facts and rule version is the same, byte for byte.

use super::rules::{FactKind, RuleSet};
use crate::item::Priority;
use chrono::NaiveDate;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A fact a rule may score, with the events behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact {
    /// What happened.
    pub kind: FactKind,
    /// The unit it counts for (or against).
    pub unit_id: i64,
    /// The item.
    pub item_id: i64,
    /// The unit's assignment, if the fact is about one.
    pub assignment_id: Option<i64>,
    /// The unit was a co-unit (配合单位) on it.
    pub co: bool,
    /// The item's priority.
    pub priority: Priority,
    /// How many (working days for [`FactKind::LateDay`], else 1).
    pub quantity: i64,
    /// The events behind it (sequence numbers), the first being the one that decided it.
    pub events: Vec<i64>,
    /// The day it happened.
    pub on: NaiveDate,
}

/// One line of a score card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Line {
    /// A stable key (rule, assignment, first event): what an appeal names.
    pub key: String,
    /// The rule.
    pub rule_id: String,
    /// The fact it scored.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub fact: FactKind,
    /// The unit.
    pub unit_id: i64,
    /// The item.
    pub item_id: i64,
    /// The assignment.
    pub assignment_id: Option<i64>,
    /// Scored as a co-unit.
    pub co: bool,
    /// How many (days for a per-day rule).
    pub quantity: i64,
    /// Points in hundredths after caps and appeals (−1000 is −10 points).
    pub points: i64,
    /// Points in hundredths before caps.
    pub raw: i64,
    /// Voided by an accepted appeal.
    pub voided: bool,
    /// The events behind it.
    pub events: Vec<i64>,
    /// The day of the fact.
    pub on: NaiveDate,
}

/// A unit's score for a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitScore {
    /// The unit.
    pub unit_id: i64,
    /// The base, in hundredths.
    pub base: i64,
    /// The total, in hundredths.
    pub total: i64,
    /// Lines, in the order of their facts.
    pub lines: Vec<Line>,
    /// Thresholds reached in the calendar year (their ids).
    pub flags: Vec<String>,
}

/// Hundredths of `x`, rounded half away from zero.
fn cents(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

/// The lines accepted appeals voided: `(unit, line key)`. A key alone does not name its
/// unit (a bulletin's criticism of several units, or days one unit lost charged to another,
/// make the same key on several cards), so an appeal voids its own unit's line only.
pub type Voided = BTreeSet<(i64, String)>;

/// The key of the line `rule_id` makes of `f`: what an appeal names. An unfinished
/// assignment's line cites its latest event before the period's end, which moves with every
/// report while the period is open: its key names the assignment alone, so that an appeal
/// keeps its line.
pub fn line_key(rule_id: &str, f: &Fact) -> String {
    let event = if f.kind == FactKind::Unfinished {
        0
    } else {
        f.events.first().copied().unwrap_or(0)
    };
    format!(
        "{}:{}:{}",
        rule_id,
        f.assignment_id.unwrap_or(f.item_id),
        event
    )
}

/// How many facts of each kind each unit had, for the thresholds: a fact every one of whose
/// lines an accepted appeal voided does not count (the appeal found it was not the unit's).
pub fn year_counts(
    rules: &RuleSet,
    facts: &[Fact],
    voided: &Voided,
) -> HashMap<(i64, FactKind), u32> {
    let mut counts = HashMap::new();
    for f in facts {
        let mut keys = rules
            .rules
            .iter()
            .filter(|r| r.fact == f.kind)
            .map(|r| (f.unit_id, line_key(&r.id, f)))
            .peekable();
        if keys.peek().is_some() && keys.all(|k| voided.contains(&k)) {
            continue;
        }
        *counts.entry((f.unit_id, f.kind)).or_insert(0) += 1;
    }
    counts
}

/// The lost days of each unit on each item counted once: one [`FactKind::LateDay`] fact per
/// unit and item, of the most days charged on any one assignment (with every event behind
/// them). The days a unit held the work before passing it down delayed every unit below at
/// once, and its own lateness on the item is those same days: summing the assignments'
/// charges would count them again for each.
fn lost_days_once(facts: &[Fact]) -> Vec<Cow<'_, Fact>> {
    let mut out: Vec<Cow<'_, Fact>> = Vec::with_capacity(facts.len());
    let mut at: HashMap<(i64, i64), usize> = HashMap::new();
    for f in facts {
        if f.kind != FactKind::LateDay {
            out.push(Cow::Borrowed(f));
            continue;
        }
        let Some(&i) = at.get(&(f.unit_id, f.item_id)) else {
            at.insert((f.unit_id, f.item_id), out.len());
            out.push(Cow::Borrowed(f));
            continue;
        };
        let kept = out[i].to_mut();
        let rank = |x: &Fact| {
            (
                std::cmp::Reverse(x.quantity),
                x.on,
                x.events.first().copied(),
                x.assignment_id,
                x.co,
            )
        };
        let mut events: Vec<i64> = kept.events.iter().chain(&f.events).copied().collect();
        if rank(f) < rank(kept) {
            *kept = f.clone();
        }
        let first = kept.events.first().copied();
        events.sort_unstable();
        events.dedup();
        events.retain(|e| Some(*e) != first);
        kept.events = first.into_iter().chain(events).collect();
    }
    out
}

/// Scores `units` (every unit appears, facts or not) from `facts` of the period under `rules`.
/// Lines whose key is in `voided` count zero; `year` counts each unit's facts by kind in the
/// calendar year so far, for the thresholds.
pub fn score(
    rules: &RuleSet,
    units: &[i64],
    facts: &[Fact],
    voided: &Voided,
    year: &HashMap<(i64, FactKind), u32>,
) -> Vec<UnitScore> {
    let merged = lost_days_once(facts);
    let mut sorted: Vec<&Fact> = merged.iter().map(AsRef::as_ref).collect();
    sorted.sort_by(|a, b| {
        (
            a.unit_id,
            a.on,
            a.events.first(),
            a.kind.as_str(),
            a.assignment_id,
            a.quantity,
            a.co,
        )
            .cmp(&(
                b.unit_id,
                b.on,
                b.events.first(),
                b.kind.as_str(),
                b.assignment_id,
                b.quantity,
                b.co,
            ))
    });
    // Two facts may make the same key (two findings of one decomposition, say): the later
    // ones get `:2`, `:3` …, so every line of a card has a key of its own to appeal.
    // The facts are sorted by unit first: the keys and caps are counted per unit, in maps
    // emptied as the next unit's facts begin, and each unit's lines are handed over at once.
    let mut keys: HashMap<String, u32> = HashMap::new();
    let mut lines: BTreeMap<i64, Vec<Line>> = units.iter().map(|u| (*u, Vec::new())).collect();
    let mut per_item: HashMap<(&str, i64), i64> = HashMap::new();
    let mut per_period: HashMap<&str, i64> = HashMap::new();
    let mut unit_lines: Vec<Line> = Vec::new();
    let mut unit = sorted.first().map(|f| f.unit_id);
    for f in sorted {
        if unit != Some(f.unit_id) {
            if let Some(u) = unit {
                lines.entry(u).or_default().append(&mut unit_lines);
            }
            unit = Some(f.unit_id);
            keys.clear();
            per_item.clear();
            per_period.clear();
        }
        for r in rules.rules.iter().filter(|r| r.fact == f.kind) {
            if f.co && !r.co_units {
                continue;
            }
            let mut x = r.points;
            if f.kind == FactKind::LateDay {
                x *= f.quantity as f64;
            }
            if r.weighted {
                x *= rules.weights.of(f.priority);
            }
            if f.co {
                x *= rules.co_share;
            }
            let raw = cents(x);
            let mut key = line_key(&r.id, f);
            let n = match keys.get_mut(&key) {
                Some(n) => {
                    *n += 1;
                    *n
                }
                None => {
                    keys.insert(key.clone(), 1);
                    1
                }
            };
            if n > 1 {
                key = format!("{key}:{n}");
            }
            let voided_line = voided.contains(&(f.unit_id, key.clone()));
            let mut points = if voided_line { 0 } else { raw };
            let mut clamp = |used: &mut i64, cap: Option<f64>| {
                if let Some(cap) = cap {
                    let room = (cents(cap) - used.abs()).max(0);
                    points = points.signum() * points.abs().min(room);
                }
            };
            let item_used = per_item.entry((r.id.as_str(), f.item_id)).or_default();
            clamp(item_used, r.cap_per_item);
            let period_used = per_period.entry(r.id.as_str()).or_default();
            clamp(period_used, r.cap_per_period);
            *per_item.entry((r.id.as_str(), f.item_id)).or_default() += points;
            *per_period.entry(r.id.as_str()).or_default() += points;
            unit_lines.push(Line {
                key,
                rule_id: r.id.clone(),
                fact: f.kind,
                unit_id: f.unit_id,
                item_id: f.item_id,
                assignment_id: f.assignment_id,
                co: f.co,
                quantity: f.quantity,
                points,
                raw,
                voided: voided_line,
                events: f.events.clone(),
                on: f.on,
            });
        }
    }
    if let Some(u) = unit {
        lines.entry(u).or_default().append(&mut unit_lines);
    }
    let base = cents(rules.base);
    lines
        .into_iter()
        .map(|(unit_id, lines)| {
            let total = base + lines.iter().map(|l| l.points).sum::<i64>();
            let flags = rules
                .thresholds
                .iter()
                .filter(|t| year.get(&(unit_id, t.fact)).copied().unwrap_or(0) >= t.count)
                .map(|t| t.id.clone())
                .collect();
            UnitScore {
                unit_id,
                base,
                total,
                lines,
                flags,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::rules::{Rule, Threshold, Weights};

    fn rule(id: &str, fact: FactKind, points: f64) -> Rule {
        Rule {
            id: id.into(),
            fact,
            points,
            cap_per_item: None,
            cap_per_period: None,
            co_units: true,
            weighted: true,
            name: String::new(),
        }
    }

    fn set(rules: Vec<Rule>) -> RuleSet {
        RuleSet {
            version: "t".into(),
            title: String::new(),
            base: 100.0,
            co_share: 0.5,
            weights: Weights::default(),
            early_days: 5,
            help_answer_days: 3,
            rules,
            thresholds: vec![Threshold {
                id: "no-awards".into(),
                fact: FactKind::Summons,
                count: 2,
                effect: String::new(),
            }],
        }
    }

    fn fact(kind: FactKind, unit: i64, item: i64, seq: i64) -> Fact {
        Fact {
            kind,
            unit_id: unit,
            item_id: item,
            assignment_id: Some(item * 10 + unit),
            co: false,
            priority: Priority::Normal,
            quantity: 1,
            events: vec![seq],
            on: NaiveDate::from_ymd_opt(2026, 10, 1 + u32::try_from(seq % 20).unwrap_or(0))
                .expect("date"),
        }
    }

    fn total(s: &[UnitScore], unit: i64) -> i64 {
        s.iter().find(|u| u.unit_id == unit).map_or(0, |u| u.total)
    }

    /// Keys and caps are each unit's own: two units with the same facts on the same assignment
    /// (a joint meeting's item, say) get the same keys and the same capped points, whichever
    /// unit's facts come first.
    #[test]
    fn keys_and_caps_are_per_unit() {
        let mut r = rule("m", FactKind::MissedReport, -1.0);
        r.cap_per_item = Some(1.5);
        r.cap_per_period = Some(3.0);
        let same = |unit: i64, item: i64| Fact {
            assignment_id: Some(70),
            ..fact(FactKind::MissedReport, unit, item, 5)
        };
        let facts: Vec<Fact> = [2, 1]
            .into_iter()
            .flat_map(|u| [same(u, 7), same(u, 7), same(u, 8), same(u, 9), same(u, 9)])
            .collect();
        let scores = score(
            &set(vec![r]),
            &[1, 2, 3],
            &facts,
            &BTreeSet::new(),
            &HashMap::new(),
        );
        let card = |u: i64| -> (i64, Vec<(String, i64)>) {
            let s = scores.iter().find(|s| s.unit_id == u).expect("unit");
            (
                s.total,
                s.lines.iter().map(|l| (l.key.clone(), l.points)).collect(),
            )
        };
        let expected = (
            // Item 7: −1, −0.5 (its cap); item 8: −1; item 9: −0.5 (the period's cap), 0.
            10000 - 300,
            vec![
                ("m:70:5".to_string(), -100),
                ("m:70:5:2".to_string(), -50),
                ("m:70:5:3".to_string(), -100),
                ("m:70:5:4".to_string(), -50),
                ("m:70:5:5".to_string(), 0),
            ],
        );
        assert_eq!(card(1), expected);
        assert_eq!(card(2), expected);
        assert_eq!(card(3), (10000, vec![]));
    }

    /// (case, rules, facts, expected totals of units 1 and 2 in hundredths)
    #[test]
    fn the_rules_table() {
        let late_day = |cap: Option<f64>| {
            let mut r = rule("late-day", FactKind::LateDay, -0.5);
            r.cap_per_item = cap;
            r
        };
        let days = |n: i64, seq: i64| Fact {
            quantity: n,
            ..fact(FactKind::LateDay, 1, 7, seq)
        };
        type Case = (&'static str, Vec<Rule>, Vec<Fact>, [i64; 2]);
        let cases: Vec<Case> = vec![
            (
                "a lead's missed report costs 10",
                vec![rule("m", FactKind::MissedReport, -10.0)],
                vec![fact(FactKind::MissedReport, 1, 7, 1)],
                [9000, 10000],
            ),
            (
                "a co-unit pays half",
                vec![rule("u", FactKind::Unfinished, -5.0)],
                vec![Fact {
                    co: true,
                    ..fact(FactKind::Unfinished, 1, 7, 1)
                }],
                [10000 - 250, 10000],
            ),
            (
                "an urgent item weighs 1.5",
                vec![rule("m", FactKind::MissedReport, -10.0)],
                vec![Fact {
                    priority: Priority::Urgent,
                    ..fact(FactKind::MissedReport, 1, 7, 1)
                }],
                [10000 - 1500, 10000],
            ),
            (
                "days late are per day, capped per item",
                vec![late_day(Some(5.0))],
                vec![days(12, 1)],
                [10000 - 500, 10000],
            ),
            (
                "without a cap every day counts",
                vec![late_day(None)],
                vec![days(12, 1)],
                [10000 - 600, 10000],
            ),
            (
                "a unit's lost days on an item count once, the longest charge",
                // The county held the work: 4 days charged through one township's assignment,
                // 9 through another's, the same days.
                vec![late_day(None)],
                vec![
                    Fact {
                        assignment_id: Some(72),
                        ..days(4, 1)
                    },
                    Fact {
                        assignment_id: Some(73),
                        ..days(9, 2)
                    },
                ],
                [10000 - 450, 10000],
            ),
            (
                "two findings of one decomposition are two lines",
                vec![rule("d", FactKind::Dilution, -3.0)],
                vec![
                    fact(FactKind::Dilution, 1, 7, 4),
                    fact(FactKind::Dilution, 1, 7, 4),
                ],
                [10000 - 600, 10000],
            ),
            (
                "a period cap bounds a bonus",
                vec![{
                    let mut r = rule("p", FactKind::BulletinPraise, 1.0);
                    r.cap_per_period = Some(2.0);
                    r
                }],
                (1..=5)
                    .map(|s| fact(FactKind::BulletinPraise, 1, s, s))
                    .collect(),
                [10200, 10000],
            ),
            (
                "a rule that spares co-units",
                vec![{
                    let mut r = rule("e", FactKind::EarlyCompletion, 0.5);
                    r.co_units = false;
                    r
                }],
                vec![Fact {
                    co: true,
                    ..fact(FactKind::EarlyCompletion, 1, 7, 1)
                }],
                [10000, 10000],
            ),
            (
                "an unweighted rule ignores priority",
                vec![{
                    let mut r = rule("s", FactKind::Summons, -3.0);
                    r.weighted = false;
                    r
                }],
                vec![Fact {
                    priority: Priority::Urgent,
                    ..fact(FactKind::Summons, 1, 7, 1)
                }],
                [9700, 10000],
            ),
            (
                "a help request answered late costs the unit asked, not the asker",
                vec![rule("h", FactKind::HelpLate, -1.0)],
                // Unit 1 asked unit 2 on its assignment of item 7: the fact is unit 2's.
                vec![Fact {
                    assignment_id: Some(71),
                    ..fact(FactKind::HelpLate, 2, 7, 1)
                }],
                [10000, 9900],
            ),
            (
                "days waited on the unit asked are its, the rest the late unit's own",
                vec![late_day(None)],
                vec![
                    Fact {
                        assignment_id: Some(71),
                        ..days(2, 3)
                    },
                    Fact {
                        unit_id: 2,
                        assignment_id: Some(71),
                        ..days(4, 3)
                    },
                ],
                [10000 - 100, 10000 - 200],
            ),
            (
                "a co-unit's own late days count at the co-unit share",
                vec![late_day(None)],
                vec![Fact {
                    co: true,
                    ..days(4, 1)
                }],
                [10000 - 100, 10000],
            ),
        ];
        for (case, rules, facts, want) in cases {
            let s = score(
                &set(rules),
                &[1, 2],
                &facts,
                &BTreeSet::new(),
                &HashMap::new(),
            );
            assert_eq!([total(&s, 1), total(&s, 2)], want, "{case}");
        }
    }

    #[test]
    fn a_fact_voided_on_appeal_does_not_count_towards_a_threshold() {
        let rules = set(vec![rule("s", FactKind::Summons, -3.0)]);
        let facts = vec![
            fact(FactKind::Summons, 1, 7, 1),
            fact(FactKind::Summons, 1, 8, 2),
        ];
        let none = BTreeSet::new();
        let year = year_counts(&rules, &facts, &none);
        assert_eq!(year.get(&(1, FactKind::Summons)), Some(&2));
        let s = score(&rules, &[1], &facts, &none, &year);
        assert_eq!(s[0].flags, vec!["no-awards".to_string()]);
        // The office accepted the appeal against the second summons: one stands, no flag.
        let voided = BTreeSet::from([(facts[1].unit_id, line_key("s", &facts[1]))]);
        let year = year_counts(&rules, &facts, &voided);
        assert_eq!(year.get(&(1, FactKind::Summons)), Some(&1));
        assert!(
            score(&rules, &[1], &facts, &voided, &year)[0]
                .flags
                .is_empty()
        );
        // A threshold counts facts no rule scores (no line to appeal): both count.
        let unscored = set(vec![]);
        let year = year_counts(&unscored, &facts, &voided);
        assert_eq!(year.get(&(1, FactKind::Summons)), Some(&2));
    }

    #[test]
    fn every_line_of_a_card_has_a_key_of_its_own() {
        let rules = set(vec![
            rule("d", FactKind::Dilution, -3.0),
            rule("l", FactKind::LateDay, -0.5),
        ]);
        let lost = |assignment, n, seq| Fact {
            assignment_id: Some(assignment),
            quantity: n,
            ..fact(FactKind::LateDay, 1, 7, seq)
        };
        let facts = vec![
            // A target shrunk and another dropped, by one decomposition (event 4).
            fact(FactKind::Dilution, 1, 7, 4),
            fact(FactKind::Dilution, 1, 7, 4),
            // The county's own lateness and the days charged to it through a township's.
            lost(71, 3, 9),
            lost(72, 5, 8),
        ];
        let s = score(&rules, &[1], &facts, &BTreeSet::new(), &HashMap::new());
        let keys: Vec<&str> = s[0].lines.iter().map(|l| l.key.as_str()).collect();
        assert_eq!(keys, vec!["d:71:4", "d:71:4:2", "l:72:8"]);
        let late = &s[0].lines[2];
        assert_eq!(
            (late.quantity, late.points, late.events.clone()),
            (5, -250, vec![8, 9])
        );
        // Voiding one of the twin lines leaves the other.
        let voided = BTreeSet::from([(1, "d:71:4:2".to_string())]);
        let s = score(&rules, &[1], &facts, &voided, &HashMap::new());
        assert_eq!(s[0].total, 10000 - 300 - 250);
    }

    #[test]
    fn appeals_void_a_line_and_thresholds_flag_the_year() {
        let rules = set(vec![rule("m", FactKind::MissedReport, -10.0)]);
        let facts = vec![
            fact(FactKind::MissedReport, 1, 7, 1),
            fact(FactKind::MissedReport, 1, 8, 2),
        ];
        let s = score(&rules, &[1], &facts, &BTreeSet::new(), &HashMap::new());
        let key = s[0].lines[1].key.clone();
        assert_eq!(key, "m:81:2");
        let voided = BTreeSet::from([(1, key)]);
        let year = HashMap::from([((1, FactKind::Summons), 2)]);
        let s2 = score(&rules, &[1], &facts, &voided, &year);
        assert_eq!(s2[0].total, 9000);
        assert!(s2[0].lines[1].voided && s2[0].lines[1].raw == -1000);
        assert_eq!(s2[0].flags, vec!["no-awards".to_string()]);
        // The same facts in another order give the same card, byte for byte.
        let mut reversed = facts.clone();
        reversed.reverse();
        let s3 = score(&rules, &[1], &reversed, &voided, &year);
        assert_eq!(
            serde_json::to_string(&s2).expect("json"),
            serde_json::to_string(&s3).expect("json")
        );
    }

    /// Two units' lines with one key (a bulletin criticising both, no assignment): an appeal
    /// accepted for one voids its line and counts towards its thresholds only.
    #[test]
    fn an_appeal_voids_its_own_units_line_only() {
        let rules = set(vec![rule("b", FactKind::BulletinCriticism, -5.0)]);
        let mut one = fact(FactKind::BulletinCriticism, 1, 0, 40);
        let mut two = fact(FactKind::BulletinCriticism, 2, 0, 40);
        one.assignment_id = None;
        two.assignment_id = None;
        let facts = vec![one, two];
        let s = score(&rules, &[1, 2], &facts, &BTreeSet::new(), &HashMap::new());
        assert_eq!(s[0].lines[0].key, s[1].lines[0].key);
        let voided = BTreeSet::from([(1, s[0].lines[0].key.clone())]);
        let s2 = score(&rules, &[1, 2], &facts, &voided, &HashMap::new());
        assert_eq!((total(&s2, 1), total(&s2, 2)), (10000, 9500));
        let year = year_counts(&rules, &facts, &voided);
        assert_eq!(
            (
                year.get(&(1, FactKind::BulletinCriticism)),
                year.get(&(2, FactKind::BulletinCriticism))
            ),
            (None, Some(&1))
        );
    }

    /// An unfinished assignment's line keeps its key while new events move the event it
    /// cites (an open period), so a pending appeal keeps its line.
    #[test]
    fn an_unfinished_line_keeps_its_key_as_events_come() {
        let earlier = fact(FactKind::Unfinished, 1, 7, 3);
        let mut later = earlier.clone();
        later.events = vec![9];
        assert_eq!(line_key("u", &earlier), line_key("u", &later));
        let missed = fact(FactKind::MissedReport, 1, 7, 3);
        let mut moved = missed.clone();
        moved.events = vec![9];
        assert_ne!(line_key("m", &missed), line_key("m", &moved));
    }
}
