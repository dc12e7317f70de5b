//! Urge notices (督办单/催办单): blue reminder → orange warning → red, each with a requirement
//! and a deadline; an unmet notice escalates, three reds in a row for one unit recommend a
//! summons (约谈) of its head.

use crate::calendar::WorkCalendar;
use crate::light::LightReason;
use crate::org::str_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

str_enum!(
    /// The colour of a notice.
    NoticeLevel {
        /// 蓝色提醒 — reminder.
        Blue = "blue",
        /// 橙色预警 — warning.
        Orange = "orange",
        /// 红色督办 — red.
        Red = "red",
    }
);

impl NoticeLevel {
    /// The level an unmet notice escalates to (an unmet red is followed by another red).
    pub fn next(self) -> NoticeLevel {
        match self {
            NoticeLevel::Blue => NoticeLevel::Orange,
            NoticeLevel::Orange | NoticeLevel::Red => NoticeLevel::Red,
        }
    }

    /// Orange and red notices go out at once on every channel; blue ones wait for the digest.
    pub fn urgent(self) -> bool {
        !matches!(self, NoticeLevel::Blue)
    }
}

str_enum!(
    /// Where a notice is.
    NoticeState {
        /// Issued, its deadline not passed or not yet judged.
        Open = "open",
        /// The requirement was met (the cause is gone).
        Met = "met",
        /// Not met by its deadline: the next notice was issued.
        Escalated = "escalated",
        /// Withdrawn because the assignment finished or was withdrawn.
        Closed = "closed",
    }
);

str_enum!(
    /// Why a notice was issued.
    NoticeCause {
        /// The assignment is overdue.
        Overdue = "overdue",
        /// A report fell due and none came.
        MissedReport = "missed_report",
        /// A supervisor issued it by hand.
        Manual = "manual",
    }
);

impl NoticeCause {
    /// The automatic cause behind a light, if the rules issue notices for it.
    pub fn of_light(reason: Option<LightReason>) -> Option<NoticeCause> {
        match reason? {
            LightReason::Overdue => Some(NoticeCause::Overdue),
            LightReason::MissedReport => Some(NoticeCause::MissedReport),
            _ => None,
        }
    }
}

/// The notice rules (PRODUCT.md §5); overridable in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NoticeRules {
    /// Issue notices automatically (off: only by hand).
    pub automatic: bool,
    /// Working days a blue notice gives.
    pub blue_working_days: u32,
    /// Working days an orange notice gives.
    pub orange_working_days: u32,
    /// Working days a red notice gives.
    pub red_working_days: u32,
    /// Consecutive red notices for one unit that recommend summoning its head (约谈).
    pub summon_after_reds: u32,
    /// Red notices one assignment gets at most; the last stays open until it is met.
    pub max_reds_per_assignment: u32,
}

impl Default for NoticeRules {
    fn default() -> Self {
        Self {
            automatic: true,
            blue_working_days: 3,
            orange_working_days: 3,
            red_working_days: 5,
            summon_after_reds: 3,
            max_reds_per_assignment: 3,
        }
    }
}

impl NoticeRules {
    /// The deadline of a notice of `level` issued on `issued_on`.
    pub fn deadline(
        &self,
        level: NoticeLevel,
        issued_on: NaiveDate,
        cal: &WorkCalendar,
    ) -> NaiveDate {
        let n = match level {
            NoticeLevel::Blue => self.blue_working_days,
            NoticeLevel::Orange => self.orange_working_days,
            NoticeLevel::Red => self.red_working_days,
        };
        cal.add_working_days(issued_on, n.max(1))
    }
}

/// What the sweep does with an open notice on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeStep {
    /// Leave it open.
    Keep,
    /// The requirement was met.
    Met,
    /// Unmet after its deadline: escalate to the given level.
    Escalate(NoticeLevel),
    /// The assignment finished or left the unit: close it.
    Close,
}

/// What the sweep knows about a notice's assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeFacts {
    /// The notice's level.
    pub level: NoticeLevel,
    /// Its cause.
    pub cause: NoticeCause,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// The assignment is still open.
    pub assignment_open: bool,
    /// The assignment's current light reason.
    pub reason: Option<LightReason>,
    /// A report (or completion request) came after the notice was issued.
    pub reported_since: bool,
    /// The unit has a valid reason to wait: a pending extension or refusal, or an unanswered
    /// help request to the level above.
    pub excused: bool,
    /// Red notices the assignment has had so far (this one included).
    pub reds: u32,
    /// How many reds the rules issue per assignment at most.
    pub max_reds: u32,
}

/// The step for one open notice: closed with its assignment; met when its cause is gone (or,
/// for a manual notice, when the unit reported); escalated the working day after its deadline
/// unless the unit has a valid reason.
pub fn notice_step(f: &NoticeFacts, today: NaiveDate) -> NoticeStep {
    if !f.assignment_open {
        return NoticeStep::Close;
    }
    // Met when the unit did what was asked: no longer overdue (finished, or a new deadline
    // approved); reported since (a report-missing or a hand-issued notice). A missed-report
    // notice whose assignment then also goes overdue is not met: it stays and escalates.
    let met = match f.cause {
        NoticeCause::Overdue => f.reason != Some(LightReason::Overdue),
        NoticeCause::MissedReport | NoticeCause::Manual => f.reported_since,
    };
    if met {
        return NoticeStep::Met;
    }
    if today > f.deadline && !f.excused {
        // After the last red the rules say enough: the summons and the joint meeting take over.
        if f.level == NoticeLevel::Red && f.reds >= f.max_reds {
            return NoticeStep::Keep;
        }
        return NoticeStep::Escalate(f.level.next());
    }
    NoticeStep::Keep
}

/// Whether issuing one more red notice to a unit whose notices since its last summons were
/// `previous_levels` (newest last) completes a run of `rules.summon_after_reds` reds.
pub fn summons_due(previous_levels: &[NoticeLevel], rules: &NoticeRules) -> bool {
    let need = usize::try_from(rules.summon_after_reds.max(1)).unwrap_or(usize::MAX);
    let run = previous_levels
        .iter()
        .rev()
        .take_while(|l| **l == NoticeLevel::Red)
        .count()
        + 1;
    run >= need
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn open_notice(level: NoticeLevel, cause: NoticeCause) -> NoticeFacts {
        NoticeFacts {
            level,
            cause,
            deadline: d(2026, 10, 8),
            assignment_open: true,
            reason: Some(LightReason::Overdue),
            reported_since: false,
            excused: false,
            reds: u32::from(level == NoticeLevel::Red),
            max_reds: 3,
        }
    }

    #[test]
    fn ladder_blue_orange_red_red() {
        let f = open_notice(NoticeLevel::Blue, NoticeCause::Overdue);
        assert_eq!(
            notice_step(&f, d(2026, 10, 8)),
            NoticeStep::Keep,
            "deadline day"
        );
        assert_eq!(
            notice_step(&f, d(2026, 10, 9)),
            NoticeStep::Escalate(NoticeLevel::Orange)
        );
        let f = open_notice(NoticeLevel::Orange, NoticeCause::Overdue);
        assert_eq!(
            notice_step(&f, d(2026, 10, 9)),
            NoticeStep::Escalate(NoticeLevel::Red)
        );
        let f = open_notice(NoticeLevel::Red, NoticeCause::Overdue);
        assert_eq!(
            notice_step(&f, d(2026, 10, 9)),
            NoticeStep::Escalate(NoticeLevel::Red)
        );
    }

    #[test]
    fn met_excused_and_closed() {
        let mut f = open_notice(NoticeLevel::Blue, NoticeCause::Overdue);
        f.excused = true;
        assert_eq!(
            notice_step(&f, d(2026, 10, 9)),
            NoticeStep::Keep,
            "pending extension"
        );
        f.reason = Some(LightReason::BehindPace);
        assert_eq!(
            notice_step(&f, d(2026, 10, 9)),
            NoticeStep::Met,
            "no longer overdue"
        );
        let mut m = open_notice(NoticeLevel::Orange, NoticeCause::MissedReport);
        m.reason = Some(LightReason::Overdue);
        assert_eq!(
            notice_step(&m, d(2026, 10, 9)),
            NoticeStep::Escalate(NoticeLevel::Red),
            "going overdue does not meet a missed-report notice"
        );
        m.reported_since = true;
        assert_eq!(notice_step(&m, d(2026, 10, 9)), NoticeStep::Met);
        let mut h = open_notice(NoticeLevel::Orange, NoticeCause::Manual);
        assert_eq!(
            notice_step(&h, d(2026, 10, 9)),
            NoticeStep::Escalate(NoticeLevel::Red)
        );
        h.assignment_open = false;
        assert_eq!(notice_step(&h, d(2026, 10, 9)), NoticeStep::Close);
    }

    #[test]
    fn deadlines_in_working_days() {
        let cal = WorkCalendar::china();
        let rules = NoticeRules::default();
        // A blue notice on Wednesday 30 Sep 2026 gives 3 working days: 8, 9 and Saturday 10 Oct.
        assert_eq!(
            rules.deadline(NoticeLevel::Blue, d(2026, 9, 30), &cal),
            d(2026, 10, 10)
        );
        // A red one gives 5: 8, 9, Saturday 10, 12 and 13 Oct.
        assert_eq!(
            rules.deadline(NoticeLevel::Red, d(2026, 9, 30), &cal),
            d(2026, 10, 13)
        );
    }

    #[test]
    fn three_reds_in_a_row_summon() {
        use NoticeLevel::{Blue, Orange, Red};
        let rules = NoticeRules::default();
        assert!(!summons_due(&[Blue, Orange], &rules));
        assert!(!summons_due(&[Blue, Orange, Red], &rules));
        assert!(summons_due(&[Blue, Orange, Red, Red], &rules));
        assert!(
            !summons_due(&[Red, Red, Blue], &rules),
            "a blue breaks the run"
        );
    }
}
