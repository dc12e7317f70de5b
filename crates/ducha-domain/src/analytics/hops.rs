//! Hop facts (环节用时): how many working days each link of the chain took, per assignment, and
//! the per-unit sums the stall map reads.
//!
//! A hop ends with an event; the functions here turn that event's facts into a [`Derived`]:
//! patches of the assignment's [`HopFacts`] and additions to its holder's sums. The commit that
//! records the event applies them in its transaction; `ducha analytics rebuild` replays the log
//! through the same functions, so both give the same rows.

use crate::calendar::{WorkCalendar, china_date};
use crate::org::str_enum;
use crate::report::ReportKind;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

str_enum!(
    /// A link of the chain, and who holds it.
    Hop {
        /// 签收: dispatch → signing, held by the assigned unit.
        Sign = "sign",
        /// 分解: signing → first decomposition, held by the assigned unit.
        Decompose = "decompose",
        /// 首报: signing → first report, held by the assigned unit.
        FirstReport = "first_report",
        /// 审核: a progress report → its review, held by the level above.
        Review = "review",
        /// 验收: a completion request → its decision, held by the level above.
        Decision = "decision",
        /// 协调: a help request → its answer, held by the unit asked.
        Help = "help",
        /// 延期审批: an extension request → its decision, held by the level above.
        Extension = "extension",
        /// 退回裁定: a refusal → its decision, held by the level above.
        Refusal = "refusal",
        /// 误时: working days a late assignment lost, charged to whoever held it.
        Lost = "lost",
    }
);

impl Hop {
    /// The hops the stall map shows, in chain order.
    pub const MAP: [Hop; 9] = [
        Hop::Sign,
        Hop::Decompose,
        Hop::FirstReport,
        Hop::Review,
        Hop::Decision,
        Hop::Help,
        Hop::Extension,
        Hop::Refusal,
        Hop::Lost,
    ];
}

/// Working days from one instant to a later one, by their China dates: 0 on the same day or
/// when `to` is earlier.
pub fn working_days(cal: &WorkCalendar, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    cal.working_days_between(china_date(from), china_date(to))
        .max(0)
}

/// Working days `end` is past `deadline` (0 when on time).
pub fn days_late(cal: &WorkCalendar, deadline: NaiveDate, end: NaiveDate) -> i64 {
    cal.working_days_between(deadline, end).max(0)
}

/// The China month of an instant, `2026-09`: the period key of the stall map.
pub fn month_of(t: DateTime<Utc>) -> String {
    let d = china_date(t);
    format!("{:04}-{:02}", d.year(), d.month())
}

/// One row per assignment: when each hop ended and how many working days it took.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HopFacts {
    /// The assignment.
    pub assignment_id: i64,
    /// Its item.
    pub item_id: i64,
    /// The assigned unit.
    pub unit_id: i64,
    /// Its path.
    pub unit_path: String,
    /// Its depth in the organisation tree (1 for the root).
    pub level: i64,
    /// The parent assignment.
    pub parent_id: Option<i64>,
    /// The unit that reviews and decides for it: the parent's unit, or the item's office.
    pub reviewer_unit_id: i64,
    /// The item's source.
    pub source: String,
    /// The item's category.
    pub category: String,
    /// The China month of dispatch (the period key).
    pub month: String,
    /// Dispatched at: the clock's start.
    pub dispatched_at: DateTime<Utc>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Working days from dispatch to signing.
    pub sign_days: Option<i64>,
    /// First decomposition at.
    pub decomposed_at: Option<DateTime<Utc>>,
    /// Working days from signing to the first decomposition.
    pub decompose_days: Option<i64>,
    /// First report at.
    pub first_report_at: Option<DateTime<Utc>>,
    /// Working days from signing to the first report.
    pub first_report_days: Option<i64>,
    /// The completion request waiting for a decision, if any.
    pub completion_requested_at: Option<DateTime<Utc>>,
    /// Working days progress reports waited for review, summed.
    pub review_days: i64,
    /// Progress reports reviewed.
    pub reviews: i64,
    /// Working days completion requests waited for a decision, summed.
    pub decision_days: i64,
    /// Completion requests decided.
    pub decisions: i64,
    /// Working days the unit waited on answered help requests, summed.
    pub help_days: i64,
    /// Help requests answered.
    pub helps: i64,
    /// Working days extension requests waited for a decision.
    pub extension_days: i64,
    /// Working days refusals waited for a decision.
    pub refusal_days: i64,
    /// Completion accepted at.
    pub completed_at: Option<DateTime<Utc>>,
    /// Working days from dispatch to the accepted completion.
    pub done_days: Option<i64>,
    /// Working days past the deadline in force when completion was accepted.
    pub late_days: Option<i64>,
}

impl HopFacts {
    /// The facts of a freshly dispatched assignment.
    #[allow(clippy::too_many_arguments, reason = "one row's static columns")]
    pub fn new(
        assignment_id: i64,
        item_id: i64,
        unit_id: i64,
        unit_path: &str,
        parent_id: Option<i64>,
        reviewer_unit_id: i64,
        source: &str,
        category: &str,
        dispatched_at: DateTime<Utc>,
    ) -> Self {
        Self {
            assignment_id,
            item_id,
            unit_id,
            unit_path: unit_path.to_string(),
            level: depth(unit_path),
            parent_id,
            reviewer_unit_id,
            source: source.to_string(),
            category: category.to_string(),
            month: month_of(dispatched_at),
            dispatched_at,
            signed_at: None,
            sign_days: None,
            decomposed_at: None,
            decompose_days: None,
            first_report_at: None,
            first_report_days: None,
            completion_requested_at: None,
            review_days: 0,
            reviews: 0,
            decision_days: 0,
            decisions: 0,
            help_days: 0,
            helps: 0,
            extension_days: 0,
            refusal_days: 0,
            completed_at: None,
            done_days: None,
            late_days: None,
        }
    }

    /// The key the assignment's hops are summed under.
    pub fn key(&self) -> HopKey {
        HopKey {
            assignment_id: self.assignment_id,
            unit_id: self.unit_id,
            month: self.month.clone(),
        }
    }

    /// Applies a patch, exactly as the store's SQL does.
    pub fn apply(&mut self, p: &HopPatch) {
        match *p {
            HopPatch::Signed { at, days } => {
                self.signed_at = Some(at);
                self.sign_days = Some(days);
            }
            HopPatch::Decomposed { at, days } => {
                if self.decomposed_at.is_none() {
                    self.decomposed_at = Some(at);
                    self.decompose_days = Some(days);
                }
            }
            HopPatch::Reported { at, days } => {
                if self.first_report_at.is_none() {
                    self.first_report_at = Some(at);
                    self.first_report_days = Some(days);
                }
            }
            HopPatch::CompletionRequested { at } => self.completion_requested_at = Some(at),
            HopPatch::Reviewed { days } => {
                self.review_days += days;
                self.reviews += 1;
            }
            HopPatch::Decided { days, completed } => {
                self.decision_days += days;
                self.decisions += 1;
                self.completion_requested_at = None;
                if let Some(c) = completed {
                    self.completed_at = Some(c.at);
                    self.done_days = Some(c.done_days);
                    self.late_days = Some(c.late_days);
                }
            }
            HopPatch::Waited { hop, days } => match hop {
                Hop::Help => {
                    self.help_days += days;
                    self.helps += 1;
                }
                Hop::Extension => self.extension_days += days,
                _ => self.refusal_days += days,
            },
        }
    }
}

/// Depth of a stored unit path (`/1/5/` is 2).
pub fn depth(path: &str) -> i64 {
    i64::try_from(path.matches('/').count().saturating_sub(1)).unwrap_or(0)
}

/// What the sums of an assignment's hops are keyed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HopKey {
    /// The assignment.
    pub assignment_id: i64,
    /// The assigned unit (holds sign, decompose, first report).
    pub unit_id: i64,
    /// The month of dispatch.
    pub month: String,
}

/// An accepted completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// Accepted at.
    pub at: DateTime<Utc>,
    /// Working days from dispatch.
    pub done_days: i64,
    /// Working days past the deadline.
    pub late_days: i64,
}

/// A change to one assignment's [`HopFacts`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "patch", rename_all = "snake_case")]
pub enum HopPatch {
    /// Signed.
    Signed {
        /// When.
        at: DateTime<Utc>,
        /// Working days since dispatch.
        days: i64,
    },
    /// Decomposed (only the first counts).
    Decomposed {
        /// When.
        at: DateTime<Utc>,
        /// Working days since signing.
        days: i64,
    },
    /// Reported (only the first counts).
    Reported {
        /// When.
        at: DateTime<Utc>,
        /// Working days since signing.
        days: i64,
    },
    /// Completion requested.
    CompletionRequested {
        /// When.
        at: DateTime<Utc>,
    },
    /// A progress report reviewed.
    Reviewed {
        /// Working days it waited.
        days: i64,
    },
    /// A completion request decided.
    Decided {
        /// Working days it waited.
        days: i64,
        /// When accepted.
        completed: Option<Completion>,
    },
    /// A help request answered, or an extension or refusal decided.
    Waited {
        /// Which.
        hop: Hop,
        /// Working days it waited.
        days: i64,
    },
}

/// A patch of one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Patch {
    /// The assignment.
    pub assignment_id: i64,
    /// The change.
    pub patch: HopPatch,
}

/// One more finished hop for a unit's sums: `n += 1`, `days += days`, `max = max(max, days)`;
/// also one line of the hop log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatAdd {
    /// The assignment whose hop it was.
    pub assignment_id: i64,
    /// The unit that held the hop.
    pub unit_id: i64,
    /// The month of the assignment's dispatch.
    pub month: String,
    /// Which hop.
    pub hop: Hop,
    /// Working days.
    pub days: i64,
    /// Why lost days are charged (for [`Hop::Lost`]).
    pub reason: Option<crate::analytics::lost::LostReason>,
}

/// What one event changes in the derived tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Derived {
    /// Patches of hop facts.
    pub patches: Vec<Patch>,
    /// Additions to the units' sums.
    pub stats: Vec<StatAdd>,
}

impl Derived {
    fn one(k: &HopKey, patch: HopPatch, stat: Option<(i64, Hop, i64)>) -> Self {
        Self {
            patches: vec![Patch {
                assignment_id: k.assignment_id,
                patch,
            }],
            stats: stat
                .map(|(unit_id, hop, days)| StatAdd {
                    assignment_id: k.assignment_id,
                    unit_id,
                    reason: None,
                    month: k.month.clone(),
                    hop,
                    days,
                })
                .into_iter()
                .collect(),
        }
    }

    /// Appends another event's changes.
    pub fn extend(&mut self, other: Derived) {
        self.patches.extend(other.patches);
        self.stats.extend(other.stats);
    }
}

/// The unit signed at `at`.
pub fn signed(
    cal: &WorkCalendar,
    k: &HopKey,
    dispatched_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Derived {
    let days = working_days(cal, dispatched_at, at);
    Derived::one(
        k,
        HopPatch::Signed { at, days },
        Some((k.unit_id, Hop::Sign, days)),
    )
}

/// The unit decomposed at `at`; `first` when it never had before.
pub fn decomposed(
    cal: &WorkCalendar,
    k: &HopKey,
    first: bool,
    signed_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Derived {
    if !first {
        return Derived::default();
    }
    let days = working_days(cal, signed_at, at);
    Derived::one(
        k,
        HopPatch::Decomposed { at, days },
        Some((k.unit_id, Hop::Decompose, days)),
    )
}

/// The unit reported at `at`; `first` when it never had before.
pub fn reported(
    cal: &WorkCalendar,
    k: &HopKey,
    first: bool,
    kind: ReportKind,
    signed_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Derived {
    let mut d = Derived::default();
    if first {
        let days = working_days(cal, signed_at, at);
        d.extend(Derived::one(
            k,
            HopPatch::Reported { at, days },
            Some((k.unit_id, Hop::FirstReport, days)),
        ));
    }
    if kind == ReportKind::Completion {
        d.extend(Derived::one(k, HopPatch::CompletionRequested { at }, None));
    }
    d
}

/// A report submitted at `submitted_at` was reviewed at `at` by `reviewer` (the level above);
/// an accepted completion brings the assignment's deadline in force (for its lateness) and its
/// dispatch time.
pub fn reviewed(
    cal: &WorkCalendar,
    k: &HopKey,
    reviewer: i64,
    kind: ReportKind,
    submitted_at: DateTime<Utc>,
    at: DateTime<Utc>,
    accepted: Option<(NaiveDate, DateTime<Utc>)>,
) -> Derived {
    let days = working_days(cal, submitted_at, at);
    match kind {
        ReportKind::Progress => Derived::one(
            k,
            HopPatch::Reviewed { days },
            Some((reviewer, Hop::Review, days)),
        ),
        ReportKind::Completion => {
            let completed = accepted.map(|(deadline, dispatched_at)| Completion {
                at,
                done_days: working_days(cal, dispatched_at, at),
                late_days: days_late(cal, deadline, china_date(at)),
            });
            Derived::one(
                k,
                HopPatch::Decided { days, completed },
                Some((reviewer, Hop::Decision, days)),
            )
        }
    }
}

/// A help request, extension or refusal asked at `since` was answered or decided at `at` by
/// `holder` (the unit asked, or the level above).
pub fn waited(
    cal: &WorkCalendar,
    k: &HopKey,
    hop: Hop,
    holder: i64,
    since: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Derived {
    let days = working_days(cal, since, at);
    Derived::one(k, HopPatch::Waited { hop, days }, Some((holder, hop, days)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// 09:00 China time on a day of 2026.
    fn at(m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, m, d, 1, 0, 0)
            .single()
            .expect("time")
    }

    fn key() -> HopKey {
        HopKey {
            assignment_id: 7,
            unit_id: 20,
            month: "2026-09".into(),
        }
    }

    #[test]
    fn hops_count_working_days_across_the_national_day() {
        let cal = WorkCalendar::china();
        // Dispatched Mon 28 Sep; 1-7 Oct are holidays, Sat 10 Oct a make-up working day.
        let d = signed(&cal, &key(), at(9, 28), at(10, 9));
        // Working days after 28 Sep up to 9 Oct: 29, 30 Sep, 8, 9 Oct.
        assert_eq!(
            d.patches[0].patch,
            HopPatch::Signed {
                at: at(10, 9),
                days: 4
            }
        );
        assert_eq!(d.stats[0].unit_id, 20);
        assert_eq!(d.stats[0].hop, Hop::Sign);
        // Reviewed by the level above: its sums, not the unit's.
        let r = reviewed(
            &cal,
            &key(),
            10,
            ReportKind::Progress,
            at(10, 9),
            at(10, 12),
            None,
        );
        assert_eq!((r.stats[0].unit_id, r.stats[0].days), (10, 2));
    }

    #[test]
    fn only_the_first_decomposition_and_report_count() {
        let cal = WorkCalendar::china();
        let mut f = HopFacts::new(
            7,
            1,
            20,
            "/1/20/",
            None,
            10,
            "meeting",
            "livelihood",
            at(9, 1),
        );
        assert_eq!(f.level, 2);
        for d in [
            signed(&cal, &f.key(), at(9, 1), at(9, 2)),
            decomposed(&cal, &f.key(), true, at(9, 2), at(9, 4)),
            decomposed(&cal, &f.key(), false, at(9, 2), at(9, 10)),
            reported(
                &cal,
                &f.key(),
                true,
                ReportKind::Progress,
                at(9, 2),
                at(9, 8),
            ),
            reported(
                &cal,
                &f.key(),
                false,
                ReportKind::Completion,
                at(9, 2),
                at(9, 21),
            ),
        ] {
            for p in &d.patches {
                f.apply(&p.patch);
            }
        }
        assert_eq!(f.sign_days, Some(1));
        assert_eq!(f.decompose_days, Some(2));
        assert_eq!(f.first_report_days, Some(4));
        assert_eq!(f.completion_requested_at, Some(at(9, 21)));
        // Accepted two working days later; after a deadline of Fri 18 Sep that is four working
        // days late, since Sun 20 Sep is a make-up working day (国庆节调休).
        let deadline = NaiveDate::from_ymd_opt(2026, 9, 18).expect("date");
        let d = reviewed(
            &cal,
            &f.key(),
            10,
            ReportKind::Completion,
            at(9, 21),
            at(9, 23),
            Some((deadline, at(9, 1))),
        );
        f.apply(&d.patches[0].patch);
        assert_eq!((f.decision_days, f.decisions), (2, 1));
        assert_eq!(f.completion_requested_at, None);
        assert_eq!(f.late_days, Some(4));
        assert_eq!(f.done_days, Some(17));
    }

    #[test]
    fn months_are_china_months() {
        // 16:30 UTC on 31 Aug is 00:30 on 1 Sep in China.
        let t = Utc
            .with_ymd_and_hms(2026, 8, 31, 16, 30, 0)
            .single()
            .expect("t");
        assert_eq!(month_of(t), "2026-09");
    }
}
