//! The joint meeting's proposed agenda: the jurisdiction's trouble, one line per item, ranked,
//! each line with every reason it is there.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why an item is put before the meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// 红灯: overdue by `days` working days.
    RedItem {
        /// Working days overdue.
        days: i64,
    },
    /// A stall finding (肠梗阻) against `unit`.
    Stall {
        /// The unit that answers for it.
        unit: String,
        /// The finding's message key.
        finding: String,
        /// Working days lost or waiting.
        days: i64,
        /// Further findings of this kind on the item.
        #[serde(default, skip_serializing_if = "is_zero")]
        more: i64,
    },
    /// An escalated urge notice still open.
    Notice {
        /// The notice's unit.
        unit: String,
        /// `orange` or `red`.
        level: String,
        /// Its number.
        number: String,
        /// Further open notices on the item.
        #[serde(default, skip_serializing_if = "is_zero")]
        more: i64,
    },
    /// A summons recommended after consecutive red notices.
    Summons {
        /// The unit.
        unit: String,
        /// Reds in the run.
        reds: i64,
        /// Further summonses on the item.
        #[serde(default, skip_serializing_if = "is_zero")]
        more: i64,
    },
    /// A help request unanswered for `days` working days.
    Help {
        /// Who asked.
        from: String,
        /// Who was asked.
        to: String,
        /// Working days waiting.
        days: i64,
        /// Further unanswered requests on the item.
        #[serde(default, skip_serializing_if = "is_zero")]
        more: i64,
    },
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

impl Why {
    /// The unit this reason is against, if it names one (a help request: the unit asked).
    pub fn unit(&self) -> Option<&str> {
        match self {
            Why::RedItem { .. } => None,
            Why::Stall { unit, .. } | Why::Notice { unit, .. } | Why::Summons { unit, .. } => {
                Some(unit)
            }
            Why::Help { to, .. } => Some(to),
        }
    }

    /// How much this reason weighs: a summons above an open red notice above an overdue item
    /// above a stall above an unanswered help request; longer waits weigh more, within a band.
    pub fn weight(&self) -> i64 {
        match self {
            Why::Summons { reds, .. } => 400 + (*reds).min(9) * 10,
            Why::Notice { level, .. } if level == "red" => 300,
            Why::Notice { .. } => 190,
            Why::RedItem { days } => 200 + (*days).clamp(0, 99),
            Why::Stall { days, .. } => 120 + (*days).clamp(0, 79),
            Why::Help { days, .. } => 100 + (*days).clamp(0, 19),
        }
    }

    /// The message key that explains it.
    pub fn key(&self) -> &'static str {
        match self {
            // Red on its last day (or red for an overdue hop below it): no "0 days overdue".
            Why::RedItem { days: 0 } => "agenda.red_light",
            Why::RedItem { .. } => "agenda.red_item",
            Why::Stall { .. } => "agenda.stall",
            Why::Notice { .. } => "agenda.notice",
            Why::Summons { .. } => "agenda.summons",
            Why::Help { .. } => "agenda.help",
        }
    }

    /// The reason in words, in `lang`.
    pub fn text(&self, lang: crate::i18n::Lang) -> String {
        use crate::i18n::{format, t};
        let mut args = serde_json::to_value(self).unwrap_or_default();
        if let Why::Stall { finding, .. } = self {
            args["finding"] = t(&format!("finding_kind.{finding}"), lang).into();
        }
        if let Why::Notice { level, .. } = self {
            args["level"] = t(&format!("notice.{level}"), lang).into();
        }
        let mut text = format(self.key(), lang, &args);
        if self.more() > 0 {
            text.push_str(&format(
                "agenda.more",
                lang,
                &serde_json::json!({ "n": self.more() }),
            ));
        }
        text
    }

    /// Further reasons of the same kind folded into this one.
    pub fn more(&self) -> i64 {
        match self {
            Why::RedItem { .. } => 0,
            Why::Stall { more, .. }
            | Why::Notice { more, .. }
            | Why::Summons { more, .. }
            | Why::Help { more, .. } => *more,
        }
    }

    fn set_more(&mut self, n: i64) {
        match self {
            Why::RedItem { .. } => {}
            Why::Stall { more, .. }
            | Why::Notice { more, .. }
            | Why::Summons { more, .. }
            | Why::Help { more, .. } => *more = n,
        }
    }

    /// The short name of the reason's kind (stored with the agenda line).
    pub fn kind(&self) -> &'static str {
        match self {
            Why::RedItem { .. } => "red_item",
            Why::Stall { .. } => "stall",
            Why::Notice { .. } => "notice",
            Why::Summons { .. } => "summons",
            Why::Help { .. } => "help",
        }
    }
}

/// One proposed line: an item and every reason it is there, strongest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proposed {
    /// The item.
    pub item_id: i64,
    /// The line's weight: its strongest reason, plus a tenth of each further one.
    pub weight: i64,
    /// The reasons, strongest first.
    pub reasons: Vec<Why>,
}

/// Ranks `(item, reason)` pairs into at most `limit` lines: one per item, heaviest first, ties
/// by item id; the same input gives the same agenda. Each kind of reason shows once per line, its
/// strongest, with how many more of that kind there are; a line weighs its strongest reason plus
/// a tenth of the strongest of each other kind, so a pile of one kind does not outweigh a worse
/// trouble.
pub fn propose(candidates: Vec<(i64, Why)>, limit: usize) -> Vec<Proposed> {
    let mut by_item: BTreeMap<i64, Vec<Why>> = BTreeMap::new();
    for (item, why) in candidates {
        let reasons = by_item.entry(item).or_default();
        if !reasons.contains(&why) {
            reasons.push(why);
        }
    }
    let mut lines: Vec<Proposed> = by_item
        .into_iter()
        .map(|(item_id, mut all)| {
            all.sort_by(|a, b| {
                b.weight()
                    .cmp(&a.weight())
                    .then_with(|| a.key().cmp(b.key()))
                    .then_with(|| {
                        a.text(crate::i18n::Lang::ZhCn)
                            .cmp(&b.text(crate::i18n::Lang::ZhCn))
                    })
            });
            let mut reasons: Vec<Why> = Vec::new();
            for w in all.iter() {
                if !reasons.iter().any(|r| r.kind() == w.kind()) {
                    let mut first = w.clone();
                    let n = all.iter().filter(|x| x.kind() == w.kind()).count() as i64;
                    first.set_more(n - 1);
                    reasons.push(first);
                }
            }
            let weight =
                reasons[0].weight() + reasons[1..].iter().map(|r| r.weight() / 10).sum::<i64>();
            Proposed {
                item_id,
                weight,
                reasons,
            }
        })
        .collect();
    lines.sort_by(|a, b| b.weight.cmp(&a.weight).then(a.item_id.cmp(&b.item_id)));
    lines.truncate(limit);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stall(days: i64) -> Why {
        Why::Stall {
            unit: "白石镇".into(),
            finding: "late_handoff".into(),
            days,
            more: 0,
        }
    }

    #[test]
    fn one_line_per_item_heaviest_first_with_every_reason() {
        let lines = propose(
            vec![
                (7, stall(12)),
                (3, Why::RedItem { days: 4 }),
                (7, Why::RedItem { days: 2 }),
                (
                    9,
                    Why::Help {
                        from: "龙潭镇".into(),
                        to: "云溪县".into(),
                        days: 6,
                        more: 0,
                    },
                ),
                (7, stall(12)),
            ],
            10,
        );
        let order: Vec<i64> = lines.iter().map(|l| l.item_id).collect();
        // Item 7: red (202) + a tenth of its stall (13) = 215; item 3: 204; item 9: 106.
        assert_eq!(order, vec![7, 3, 9]);
        assert_eq!(lines[0].weight, 215);
        assert_eq!(lines[0].reasons.len(), 2, "the duplicate stall counts once");
        assert_eq!(lines[0].reasons[0].kind(), "red_item");
    }

    #[test]
    fn a_pile_of_one_kind_shows_once_and_does_not_outweigh_worse_trouble() {
        let notice = |n: i64| Why::Notice {
            unit: format!("单位{n}"),
            level: "orange".into(),
            number: format!("督催〔2026〕{n}号"),
            more: 0,
        };
        let mut c: Vec<(i64, Why)> = (1..=30).map(|n| (5, notice(n))).collect();
        c.push((6, Why::RedItem { days: 3 }));
        let lines = propose(c, 10);
        assert_eq!(lines[0].item_id, 6, "red outranks thirty orange notices");
        let five = &lines[1];
        assert_eq!(five.reasons.len(), 1);
        assert_eq!(five.reasons[0].more(), 29);
        assert_eq!(five.weight, 190);
        assert!(five.reasons[0].text(crate::i18n::Lang::ZhCn).contains("29"));
    }

    #[test]
    fn summons_outranks_everything_and_the_limit_holds() {
        let mut c: Vec<(i64, Why)> = (1..=30).map(|i| (i, Why::RedItem { days: i })).collect();
        c.push((
            99,
            Why::Summons {
                unit: "松岭县".into(),
                reds: 3,
                more: 0,
            },
        ));
        let lines = propose(c, 5);
        assert_eq!(lines.len(), 5);
        assert_eq!(lines[0].item_id, 99);
        assert_eq!(lines[1].item_id, 30);
    }

    #[test]
    fn waits_weigh_within_their_band_only() {
        assert!(stall(500).weight() < Why::RedItem { days: 0 }.weight());
        assert!(
            Why::Help {
                from: String::new(),
                to: String::new(),
                days: 400,
                more: 0,
            }
            .weight()
                < stall(0).weight()
        );
    }
}
