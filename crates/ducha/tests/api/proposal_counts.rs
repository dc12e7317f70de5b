//! The statistics of a session counted independently from its suggestions' rows, to check the
//! service's statistics and the page against.

use chrono::NaiveDate;

/// One statistics line's figures.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Counts {
    pub(crate) total: i64,
    pub(crate) replied: i64,
    pub(crate) replies: i64,
    pub(crate) on_time: i64,
    pub(crate) overdue: i64,
    pub(crate) a: i64,
    pub(crate) b: i64,
    pub(crate) c: i64,
    pub(crate) d: i64,
    pub(crate) satisfied: i64,
    pub(crate) basic: i64,
    pub(crate) dissatisfied: i64,
    pub(crate) rehandled: i64,
}

impl Counts {
    /// The page's cells (`data-k`) and what each must show.
    pub(crate) fn cells(&self) -> Vec<(&'static str, String)> {
        let due = self.replies + self.overdue;
        let rate = if due == 0 {
            "—".to_string()
        } else {
            format!("{:.1}%", self.on_time as f64 * 100.0 / due as f64)
        };
        vec![
            ("total", self.total.to_string()),
            ("replied", self.replied.to_string()),
            ("replies", self.replies.to_string()),
            ("on_time", self.on_time.to_string()),
            ("overdue", self.overdue.to_string()),
            ("rate", rate),
            ("a", self.a.to_string()),
            ("b", self.b.to_string()),
            ("c", self.c.to_string()),
            ("d", self.d.to_string()),
            ("satisfied", self.satisfied.to_string()),
            ("basic", self.basic.to_string()),
            ("dissatisfied", self.dissatisfied.to_string()),
            ("rehandled", self.rehandled.to_string()),
        ]
    }
}

pub(crate) fn counts_of(l: &ducha_service::proposals::StatsLine) -> Counts {
    Counts {
        total: l.total,
        replied: l.replied,
        replies: l.replies,
        on_time: l.on_time,
        overdue: l.overdue,
        a: l.grades.a,
        b: l.grades.b,
        c: l.grades.c,
        d: l.grades.d,
        satisfied: l.satisfied,
        basic: l.basic,
        dissatisfied: l.dissatisfied,
        rehandled: l.rehandled,
    }
}

/// The statistics as the rules define them, from the suggestions' rows: the whole session
/// (key `None`) and each unit that leads a suggestion's current round or replied to one.
/// Replies count every round; a lead part still open in a suggestion being handled whose reply
/// date is before `today` is a reply due and not come; grades and satisfaction count each
/// unit's final reply to each suggestion (its latest round); a suggestion is handled again from
/// its second round.
pub(crate) fn expected_stats(
    rows: &[ducha_service::proposals::ProposalDetail],
    today: NaiveDate,
) -> std::collections::BTreeMap<Option<i64>, Counts> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut out: BTreeMap<Option<i64>, Counts> = BTreeMap::new();
    let mut of_unit: BTreeMap<Option<i64>, BTreeSet<i64>> = BTreeMap::new();
    let mut replied: BTreeMap<Option<i64>, BTreeSet<i64>> = BTreeMap::new();
    let mut again: BTreeMap<Option<i64>, BTreeSet<i64>> = BTreeMap::new();
    for d in rows {
        let p = d.row.id;
        of_unit.entry(None).or_default().insert(p);
        if d.row.round > 1 {
            again.entry(None).or_default().insert(p);
        }
        for u in d
            .line
            .units
            .iter()
            .filter(|u| u.role == "lead" && u.state != "withdrawn")
        {
            of_unit.entry(Some(u.unit_id)).or_default().insert(p);
            if d.row.round > 1 {
                again.entry(Some(u.unit_id)).or_default().insert(p);
            }
            let waiting = d.row.state == "handling" && u.state != "done";
            if waiting && d.row.reply_due.is_some_and(|due| due < today) {
                for key in [None, Some(u.unit_id)] {
                    out.entry(key).or_default().overdue += 1;
                }
            }
        }
        for r in &d.replies {
            for key in [None, Some(r.unit_id)] {
                of_unit.entry(key).or_default().insert(p);
                replied.entry(key).or_default().insert(p);
                if r.round > 1 {
                    again.entry(key).or_default().insert(p);
                }
                let c = out.entry(key).or_default();
                c.replies += 1;
                c.on_time += i64::from(r.on_time);
            }
            let latest = d
                .replies
                .iter()
                .filter(|x| x.unit_id == r.unit_id)
                .map(|x| x.round)
                .max();
            if latest != Some(r.round) {
                continue;
            }
            for key in [None, Some(r.unit_id)] {
                let c = out.entry(key).or_default();
                match r.grade.as_str() {
                    "a" => c.a += 1,
                    "b" => c.b += 1,
                    "c" => c.c += 1,
                    _ => c.d += 1,
                }
                match r.satisfaction.as_deref() {
                    Some("satisfied") => c.satisfied += 1,
                    Some("basic") => c.basic += 1,
                    Some("dissatisfied") => c.dissatisfied += 1,
                    _ => {}
                }
            }
        }
    }
    for (key, props) in of_unit {
        let c = out.entry(key).or_default();
        c.total = props.len() as i64;
        c.replied = replied.get(&key).map_or(0, |s| s.len() as i64);
        c.rehandled = again.get(&key).map_or(0, |s| s.len() as i64);
    }
    out
}
