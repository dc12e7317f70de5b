//! Assignments (交办/承办): one unit's responsibility for an item, forming a tree as each unit
//! decomposes its share down its subtree (层层分解).

use crate::Rule;
use crate::calendar::WorkCalendar;
use crate::org::str_enum;
use chrono::NaiveDate;

str_enum!(
    /// Lead (牵头/主办) or co-unit (配合/协办).
    AssignmentRole {
        /// 牵头单位.
        Lead = "lead",
        /// 配合单位.
        Co = "co",
    }
);

str_enum!(
    /// Where an assignment is in its life.
    AssignmentState {
        /// 待签收 — dispatched; the clock already runs.
        Pending = "pending",
        /// 已签收 — signed for, responsible person named.
        Signed = "signed",
        /// 办理中 — reported on or decomposed.
        InProgress = "in_progress",
        /// 申请办结 — completion requested, waiting for review by the level above.
        CompletionRequested = "completion_requested",
        /// 已办结 — completion accepted.
        Done = "done",
        /// 申请退回 — the unit says it was wrongly routed; an arbiter decides.
        RefusalRequested = "refusal_requested",
        /// 已退回 — the refusal was upheld; the assignment no longer binds the unit.
        Withdrawn = "withdrawn",
    }
);

impl AssignmentState {
    /// Whether the assignment still binds its unit.
    pub fn is_open(self) -> bool {
        !matches!(self, AssignmentState::Done | AssignmentState::Withdrawn)
    }

    /// Whether the unit is working on it (signed and not finished).
    pub fn is_working(self) -> bool {
        matches!(self, AssignmentState::Signed | AssignmentState::InProgress)
    }
}

/// A command on an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentCommand {
    /// 签收.
    Sign,
    /// 申请退回 (wrongly routed).
    Refuse,
    /// The arbiter upholds the refusal.
    UpholdRefusal,
    /// The arbiter rejects the refusal: the unit must sign.
    RejectRefusal,
    /// 分解 to sub-units.
    Decompose,
    /// 进展反馈.
    Report,
    /// 申请办结.
    RequestCompletion,
    /// The level above accepts the completion.
    AcceptCompletion,
    /// The level above returns it (退回重办); the deadline is kept.
    ReturnCompletion,
    /// 延期申请 or 协调申请: allowed while working, changes no state.
    Ask,
}

/// The assignment lifecycle: the state after `cmd`, or the rule it breaks.
pub fn assignment_transition(
    state: AssignmentState,
    cmd: AssignmentCommand,
) -> Result<AssignmentState, Rule> {
    use AssignmentCommand as C;
    use AssignmentState as S;
    match (state, cmd) {
        (S::Pending, C::Sign) => Ok(S::Signed),
        (S::Pending, C::Refuse) => Ok(S::RefusalRequested),
        (S::RefusalRequested, C::UpholdRefusal) => Ok(S::Withdrawn),
        (S::RefusalRequested, C::RejectRefusal) => Ok(S::Pending),
        (S::Signed | S::InProgress, C::Decompose | C::Report) => Ok(S::InProgress),
        (S::Signed | S::InProgress, C::RequestCompletion) => Ok(S::CompletionRequested),
        (S::CompletionRequested, C::AcceptCompletion) => Ok(S::Done),
        (S::CompletionRequested, C::ReturnCompletion) => Ok(S::InProgress),
        (s @ (S::Signed | S::InProgress), C::Ask) => Ok(s),
        _ => Err(Rule::AssignmentState),
    }
}

/// A child's deadline may not be later than its parent's, nor before the dispatch day.
pub fn check_child_deadline(
    child: NaiveDate,
    parent: NaiveDate,
    today: NaiveDate,
) -> Result<(), Rule> {
    if child > parent {
        Err(Rule::DeadlineAfterParent)
    } else if child < today {
        Err(Rule::DeadlineInPast)
    } else {
        Ok(())
    }
}

/// A refusal must come within `window` working days after the dispatch day.
pub fn check_refusal_window(
    cal: &WorkCalendar,
    dispatched_on: NaiveDate,
    today: NaiveDate,
    window: u32,
) -> Result<(), Rule> {
    if cal.working_days_between(dispatched_on, today) <= i64::from(window) {
        Ok(())
    } else {
        Err(Rule::RefusalWindowPassed)
    }
}

/// An extension is asked on or before the deadline and names a later date.
pub fn check_extension(
    current: NaiveDate,
    requested: NaiveDate,
    today: NaiveDate,
) -> Result<(), Rule> {
    if today > current {
        Err(Rule::ExtensionTooLate)
    } else if requested <= current {
        Err(Rule::ExtensionNotLater)
    } else {
        Ok(())
    }
}

/// Completion needs every sub-assignment done or withdrawn.
pub fn check_children_finished(children: &[AssignmentState]) -> Result<(), Rule> {
    if children.iter().all(|s| !s.is_open()) {
        Ok(())
    } else {
        Err(Rule::ChildrenUnfinished)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use AssignmentCommand as C;
    use AssignmentState as S;

    #[test]
    fn return_goes_back_to_work_and_acceptance_finishes() {
        let s = assignment_transition(S::Pending, C::Sign).expect("sign");
        let s = assignment_transition(s, C::Report).expect("report");
        let s = assignment_transition(s, C::RequestCompletion).expect("complete");
        assert_eq!(
            assignment_transition(s, C::ReturnCompletion),
            Ok(S::InProgress)
        );
        assert_eq!(assignment_transition(s, C::AcceptCompletion), Ok(S::Done));
        assert_eq!(
            assignment_transition(S::Done, C::Report),
            Err(Rule::AssignmentState)
        );
    }

    #[test]
    fn refusal_only_before_signing() {
        assert_eq!(
            assignment_transition(S::Pending, C::Refuse),
            Ok(S::RefusalRequested)
        );
        assert_eq!(
            assignment_transition(S::Signed, C::Refuse),
            Err(Rule::AssignmentState)
        );
        assert_eq!(
            assignment_transition(S::RefusalRequested, C::RejectRefusal),
            Ok(S::Pending)
        );
        assert_eq!(
            assignment_transition(S::RefusalRequested, C::Sign),
            Err(Rule::AssignmentState)
        );
    }

    #[test]
    fn deadlines_follow_the_parent() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        assert_eq!(
            check_child_deadline(d(12, 1), d(11, 30), d(11, 1)),
            Err(Rule::DeadlineAfterParent)
        );
        assert_eq!(check_child_deadline(d(11, 30), d(11, 30), d(11, 1)), Ok(()));
        assert_eq!(
            check_child_deadline(d(10, 30), d(11, 30), d(11, 1)),
            Err(Rule::DeadlineInPast)
        );
        assert_eq!(
            check_extension(d(11, 30), d(11, 30), d(11, 1)),
            Err(Rule::ExtensionNotLater)
        );
        assert_eq!(
            check_extension(d(11, 30), d(12, 30), d(12, 1)),
            Err(Rule::ExtensionTooLate)
        );
        assert_eq!(check_extension(d(11, 30), d(12, 30), d(11, 30)), Ok(()));
    }

    #[test]
    fn refusal_window_counts_working_days() {
        let cal = WorkCalendar::china();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).expect("date");
        // Dispatched Wednesday 2026-09-30; Oct 1-7 are holidays, so Oct 9 is only the 2nd
        // working day after it, and Oct 13 the 5th (Saturday Oct 10 is a make-up working day).
        assert_eq!(check_refusal_window(&cal, d(9, 30), d(10, 9), 3), Ok(()));
        assert_eq!(
            check_refusal_window(&cal, d(9, 30), d(10, 13), 3),
            Err(Rule::RefusalWindowPassed)
        );
    }
}
