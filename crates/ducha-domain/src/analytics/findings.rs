//! Findings (问题线索): where the chain stalled or the decision changed on its way down, each
//! naming the unit that answers for it, the rule, its thresholds and the facts behind it.
//!
//! Findings caused by an event (a decomposition, an accepted completion) are judged when it is
//! committed and kept; findings about silence (a stall, a co-unit that never reported, an
//! unanswered help request) depend on the day and are judged when read.

use super::AnalyticsRules;
use super::hops::working_days;
use super::targets::{Gap, ShareIssue, compare_shares};
use crate::assignment::AssignmentState;
use crate::calendar::{WorkCalendar, china_date};
use crate::item::Target;
use crate::org::str_enum;
use crate::text::similarity;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;

str_enum!(
    /// What a finding says.
    FindingKind {
        /// 肠梗阻: no action for a long time while the deadline approaches.
        Stall = "stall",
        /// The unit passed the work down only after most of its own time was gone.
        LateHandoff = "late_handoff",
        /// A co-unit never reported to the lead.
        CoSilent = "co_silent",
        /// A help request went unanswered.
        HelpUnanswered = "help_unanswered",
        /// 中途变味: a target of the unit was handed to nobody below.
        TargetDropped = "target_dropped",
        /// 中途变味: the shares handed down add up to less than the unit's target.
        TargetShrunk = "target_shrunk",
        /// 中途变味: a completion was accepted below its targets.
        AcceptedShort = "accepted_short",
        /// 层层加码: the shares handed down exceed the unit's target.
        TargetRaised = "target_raised",
        /// 层层加码: a deadline handed down was cut well short of the unit's own.
        DeadlineSqueezed = "deadline_squeezed",
        /// 以文件落实文件: the work was passed down within minutes with the same words and
        /// nothing of the unit's own.
        ForwardOnly = "forward_only",
    }
);

str_enum!(
    /// The four kinds of trouble the findings fall into.
    FindingGroup {
        /// 肠梗阻.
        Stall = "stall",
        /// 中途变味 (打折扣).
        Dilution = "dilution",
        /// 层层加码.
        Overload = "overload",
        /// 转发了事.
        Forwarding = "forwarding",
    }
);

impl FindingKind {
    /// Its group.
    pub fn group(self) -> FindingGroup {
        use FindingKind as K;
        match self {
            K::Stall | K::LateHandoff | K::CoSilent | K::HelpUnanswered => FindingGroup::Stall,
            K::TargetDropped | K::TargetShrunk | K::AcceptedShort => FindingGroup::Dilution,
            K::TargetRaised | K::DeadlineSqueezed => FindingGroup::Overload,
            K::ForwardOnly => FindingGroup::Forwarding,
        }
    }

    /// Judged on the day they are read rather than kept.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            FindingKind::Stall | FindingKind::CoSilent | FindingKind::HelpUnanswered
        )
    }

    /// Judged again by every later decomposition of the same unit's assignment (the
    /// earlier judgement is resolved).
    pub fn is_share(self) -> bool {
        matches!(
            self,
            FindingKind::TargetDropped | FindingKind::TargetShrunk | FindingKind::TargetRaised
        )
    }
}

/// A finding as a rule produces it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingDraft {
    /// What it says.
    pub kind: FindingKind,
    /// The item.
    pub item_id: i64,
    /// The culprit's assignment on the item.
    pub assignment_id: i64,
    /// The unit that answers for it.
    pub unit_id: i64,
    /// What within the assignment it is about (a target's name, a unit below), or empty.
    pub subject: String,
    /// Severity for ranking: roughly working days lost or percentage points off.
    pub score: i64,
    /// The facts and thresholds the message shows.
    pub args: serde_json::Value,
    /// When it was found (the event's time, or the start of the silence).
    pub at: DateTime<Utc>,
}

/// The decomposing unit's assignment, as the rules read it.
#[derive(Debug, Clone)]
pub struct ParentFacts<'a> {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// Signed at.
    pub signed_at: Option<DateTime<Utc>>,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Its targets.
    pub targets: &'a [Target],
    /// What it was asked: its instructions, or the item's description when it has none.
    pub text: &'a str,
    /// Whether it reported before.
    pub reported: bool,
    /// Whether it passed work down before: only the first hand-off can be a late one (a
    /// later decomposition adds or replaces a unit below, it does not hold the work).
    pub decomposed_before: bool,
}

/// A child of a decomposition, as the rules read it.
#[derive(Debug, Clone)]
pub struct ChildFacts<'a> {
    /// Unit.
    pub unit_id: i64,
    /// Lead (or co-unit).
    pub lead: bool,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Targets.
    pub targets: &'a [Target],
    /// Instructions.
    pub instructions: &'a str,
}

/// The findings of a decomposition at `at`: `open` are every open child of the parent after
/// it (earlier ones and the new ones), `new` the children it created. Share findings are
/// judged over `open`; the caller resolves the parent's earlier share findings first.
pub fn decomposition(
    cal: &WorkCalendar,
    rules: &AnalyticsRules,
    parent: &ParentFacts<'_>,
    open: &[ChildFacts<'_>],
    new: &[ChildFacts<'_>],
    at: DateTime<Utc>,
) -> Vec<FindingDraft> {
    let draft = |kind, subject: String, score: i64, args| FindingDraft {
        kind,
        item_id: parent.item_id,
        assignment_id: parent.assignment_id,
        unit_id: parent.unit_id,
        subject,
        score,
        args,
        at,
    };
    let mut out = Vec::new();
    let today = china_date(at);
    let start = china_date(parent.dispatched_at);
    let window = cal.working_days_between(start, parent.deadline);
    let held = working_days(cal, parent.dispatched_at, at);
    let left = cal.working_days_between(today, parent.deadline).max(0);
    if !parent.decomposed_before
        && window > 0
        && held >= rules.handoff_min_days
        && held as f64 > rules.handoff_share * window as f64
    {
        out.push(draft(
            FindingKind::LateHandoff,
            String::new(),
            held,
            json!({ "held": held, "window": window, "left": left,
                    "share": rules.handoff_share, "min_days": rules.handoff_min_days }),
        ));
    }
    for c in new {
        let child_left = cal.working_days_between(today, c.deadline).max(0);
        let squeezed = left - child_left;
        if squeezed >= rules.squeeze_min_days && squeezed as f64 > rules.squeeze_share * left as f64
        {
            out.push(draft(
                FindingKind::DeadlineSqueezed,
                c.unit_id.to_string(),
                squeezed,
                json!({ "child_unit_id": c.unit_id, "parent_deadline": parent.deadline,
                        "child_deadline": c.deadline, "squeezed": squeezed, "left": left,
                        "share": rules.squeeze_share }),
            ));
        }
    }
    let shares: Vec<&[Target]> = open.iter().map(|c| c.targets).collect();
    let has_lead = open.iter().any(|c| c.lead);
    for issue in compare_shares(parent.targets, &shares, has_lead, rules) {
        out.push(match issue {
            ShareIssue::Dropped { name } => draft(
                FindingKind::TargetDropped,
                name.clone(),
                30,
                json!({ "target": name }),
            ),
            ShareIssue::Shrunk {
                name,
                unit,
                parent: p,
                given,
            } => draft(
                FindingKind::TargetShrunk,
                name.clone(),
                percent_off(p, given),
                json!({ "target": name, "unit": unit, "parent": p, "given": given,
                        "tolerance": rules.dilution_tolerance }),
            ),
            ShareIssue::Raised {
                name,
                unit,
                parent: p,
                given,
            } => draft(
                FindingKind::TargetRaised,
                name.clone(),
                percent_off(p, given) / 2,
                json!({ "target": name, "unit": unit, "parent": p, "given": given,
                        "share": rules.raise_share }),
            ),
        });
    }
    if let Some(signed) = parent.signed_at
        && !new.is_empty()
        && !parent.reported
        && (at - signed).num_minutes() <= rules.forward_minutes
        && new.iter().all(|c| forwards(parent, c, rules))
    {
        let minutes = (at - signed).num_minutes();
        out.push(draft(
            FindingKind::ForwardOnly,
            String::new(),
            15,
            json!({ "minutes": minutes, "children": new.len(),
                    "similarity": rules.forward_similarity,
                    "forward_minutes": rules.forward_minutes }),
        ));
    }
    out
}

/// Whether a child only carries the parent's words and targets.
fn forwards(parent: &ParentFacts<'_>, c: &ChildFacts<'_>, rules: &AnalyticsRules) -> bool {
    let same_text = c.instructions.trim().is_empty()
        || similarity(c.instructions, parent.text) >= rules.forward_similarity;
    let own_targets = c.targets.iter().any(|t| {
        !parent
            .targets
            .iter()
            .any(|p| p.name == t.name && (p.value - t.value).abs() < 1e-9)
    });
    same_text && !own_targets
}

/// Percentage points between a value and its reference, rounded.
fn percent_off(reference: f64, value: f64) -> i64 {
    if reference <= 0.0 {
        return 0;
    }
    (((reference - value).abs() / reference) * 100.0).round() as i64
}

/// The finding of a completion accepted despite `gaps` by `reviewer_unit`, against the unit
/// whose completion it was.
pub fn accepted_short(
    item_id: i64,
    assignment_id: i64,
    unit_id: i64,
    reviewer_unit: i64,
    gaps: &[Gap],
    reason: &str,
    at: DateTime<Utc>,
) -> Option<FindingDraft> {
    if gaps.is_empty() {
        return None;
    }
    let worst = gaps
        .iter()
        .map(|g| percent_off(g.target, g.reached.unwrap_or(0.0)))
        .max()
        .unwrap_or(0);
    Some(FindingDraft {
        kind: FindingKind::AcceptedShort,
        item_id,
        assignment_id,
        unit_id,
        subject: String::new(),
        score: 20 + worst / 2,
        args: json!({ "gaps": gaps, "reviewer_unit_id": reviewer_unit, "reason": reason }),
        at,
    })
}

/// An open assignment as the silence rules read it.
#[derive(Debug, Clone)]
pub struct OpenFacts {
    /// Assignment.
    pub assignment_id: i64,
    /// Item.
    pub item_id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Co-unit (not lead).
    pub co: bool,
    /// State.
    pub state: AssignmentState,
    /// Dispatched at.
    pub dispatched_at: DateTime<Utc>,
    /// The unit's latest action on it: dispatch, signing, decomposition or report.
    pub last_action_at: DateTime<Utc>,
    /// Whether it ever reported.
    pub reported: bool,
    /// Deadline in force.
    pub deadline: NaiveDate,
    /// Waiting on another unit (a pending extension or refusal, an unanswered help
    /// request): the silence is not the unit's.
    pub excused: bool,
}

/// 肠梗阻: the unit has not acted for `stall_quiet_days` working days while its deadline is
/// `stall_near_days` or fewer working days away, or past.
pub fn stall(
    cal: &WorkCalendar,
    rules: &AnalyticsRules,
    f: &OpenFacts,
    today: NaiveDate,
) -> Option<FindingDraft> {
    let waiting = matches!(
        f.state,
        AssignmentState::Pending | AssignmentState::Signed | AssignmentState::InProgress
    );
    if !waiting || f.excused {
        return None;
    }
    let quiet = cal.working_days_between(china_date(f.last_action_at), today);
    let left = cal.working_days_between(today, f.deadline);
    if quiet < rules.stall_quiet_days || left > rules.stall_near_days {
        return None;
    }
    let overdue = (-left).max(0);
    Some(FindingDraft {
        kind: FindingKind::Stall,
        item_id: f.item_id,
        assignment_id: f.assignment_id,
        unit_id: f.unit_id,
        subject: String::new(),
        score: quiet + overdue,
        args: json!({ "quiet": quiet, "left": left, "state": f.state,
                      "since": china_date(f.last_action_at), "deadline": f.deadline,
                      "quiet_days": rules.stall_quiet_days, "near_days": rules.stall_near_days }),
        at: f.last_action_at,
    })
}

/// A co-unit that has not reported `co_silent_days` working days after dispatch.
pub fn co_silent(
    cal: &WorkCalendar,
    rules: &AnalyticsRules,
    f: &OpenFacts,
    today: NaiveDate,
) -> Option<FindingDraft> {
    if !f.co || f.reported || !f.state.is_open() || f.state == AssignmentState::RefusalRequested {
        return None;
    }
    let days = cal.working_days_between(china_date(f.dispatched_at), today);
    (days >= rules.co_silent_days).then(|| FindingDraft {
        kind: FindingKind::CoSilent,
        item_id: f.item_id,
        assignment_id: f.assignment_id,
        unit_id: f.unit_id,
        subject: String::new(),
        score: days / 2,
        args: json!({ "days": days, "since": china_date(f.dispatched_at),
                      "co_silent_days": rules.co_silent_days }),
        at: f.dispatched_at,
    })
}

/// A help request as the rule reads it.
#[derive(Debug, Clone)]
pub struct HelpFacts {
    /// The request.
    pub help_id: i64,
    /// Item.
    pub item_id: i64,
    /// The asking assignment.
    pub assignment_id: i64,
    /// The asking unit.
    pub from_unit_id: i64,
    /// The unit asked.
    pub to_unit_id: i64,
    /// Asked at.
    pub created_at: DateTime<Utc>,
}

/// A help request unanswered for more than `help_answer_days` working days: against the unit
/// asked (the waiting is not the asker's).
pub fn help_unanswered(
    cal: &WorkCalendar,
    rules: &AnalyticsRules,
    h: &HelpFacts,
    today: NaiveDate,
) -> Option<FindingDraft> {
    let days = cal.working_days_between(china_date(h.created_at), today);
    (days > rules.help_answer_days).then(|| FindingDraft {
        kind: FindingKind::HelpUnanswered,
        item_id: h.item_id,
        assignment_id: h.assignment_id,
        unit_id: h.to_unit_id,
        subject: h.help_id.to_string(),
        score: days * 2,
        args: json!({ "days": days, "help_id": h.help_id, "from_unit_id": h.from_unit_id,
                      "since": china_date(h.created_at), "answer_days": rules.help_answer_days }),
        at: h.created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        // China time h:min.
        Utc.with_ymd_and_hms(2026, m, d, h - 8, min, 0)
            .single()
            .expect("time")
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).expect("date")
    }

    fn t(name: &str, unit: &str, value: f64) -> Target {
        Target {
            name: name.into(),
            unit: unit.into(),
            value,
        }
    }

    #[test]
    fn a_county_that_held_the_work_nine_days_leaves_the_townships_three() {
        let cal = WorkCalendar::china();
        let rules = AnalyticsRules::default();
        let targets = [t("改造户数", "户", 120.0)];
        // Dispatched Tue 1 Dec, deadline Thu 17 Dec: 12 working days. Decomposed on
        // Mon 14 Dec: the county kept 9, the townships get 3.
        let parent = ParentFacts {
            assignment_id: 2,
            item_id: 1,
            unit_id: 20,
            dispatched_at: at(12, 1, 9, 0),
            signed_at: Some(at(12, 2, 9, 0)),
            deadline: day(12, 17),
            targets: &targets,
            text: "完成老旧小区改造120户",
            reported: false,
            decomposed_before: false,
        };
        let a = [t("改造户数", "户", 60.0)];
        let b = [t("改造户数", "户", 60.0)];
        let kids = [
            ChildFacts {
                unit_id: 40,
                lead: true,
                deadline: day(12, 17),
                targets: &a,
                instructions: "龙潭镇负责石桥村、青溪村60户",
            },
            ChildFacts {
                unit_id: 41,
                lead: true,
                deadline: day(12, 17),
                targets: &b,
                instructions: "白石镇负责白石社区60户",
            },
        ];
        let found = decomposition(&cal, &rules, &parent, &kids, &kids, at(12, 14, 10, 0));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].kind, FindingKind::LateHandoff);
        assert_eq!(found[0].unit_id, 20);
        assert_eq!(found[0].args["held"], 9);
        assert_eq!(found[0].args["window"], 12);
        assert_eq!(found[0].args["left"], 3);
        // Passed down on the third day: nothing to find.
        assert!(decomposition(&cal, &rules, &parent, &kids, &kids, at(12, 4, 10, 0)).is_empty());
        // Passed down on the third day, and on the tenth a unit added below: the second
        // decomposition is no hand-off of the work, so no late hand-off either.
        let again = ParentFacts {
            decomposed_before: true,
            ..parent.clone()
        };
        let late = decomposition(&cal, &rules, &again, &kids, &kids[1..], at(12, 14, 10, 0));
        assert!(
            late.iter().all(|f| f.kind != FindingKind::LateHandoff),
            "{late:?}"
        );
    }

    #[test]
    fn forwarding_dilution_and_squeezing_are_named() {
        let cal = WorkCalendar::china();
        let rules = AnalyticsRules::default();
        let targets = [t("改造户数", "户", 120.0), t("满意率", "%", 90.0)];
        let text = "请于12月31日前完成老旧小区改造120户，满意率不低于90%。";
        let parent = ParentFacts {
            assignment_id: 2,
            item_id: 1,
            unit_id: 20,
            dispatched_at: at(12, 1, 9, 0),
            signed_at: Some(at(12, 1, 15, 0)),
            deadline: day(12, 31),
            targets: &targets,
            text,
            reported: false,
            decomposed_before: false,
        };
        // Signed at 15:00, passed on at 15:12 with the same words and targets.
        let copy = ChildFacts {
            unit_id: 40,
            lead: true,
            deadline: day(12, 31),
            targets: &targets,
            instructions: text,
        };
        let found = decomposition(
            &cal,
            &rules,
            &parent,
            std::slice::from_ref(&copy),
            std::slice::from_ref(&copy),
            at(12, 1, 15, 12),
        );
        let kinds: Vec<_> = found.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![FindingKind::ForwardOnly]);
        // A township given 80 households and a deadline cut from 31 Dec to 11 Dec.
        let less = [t("改造户数", "户", 80.0), t("满意率", "%", 90.0)];
        let cut = ChildFacts {
            unit_id: 41,
            lead: true,
            deadline: day(12, 11),
            targets: &less,
            instructions: "白石镇完成80户改造",
        };
        let found = decomposition(
            &cal,
            &rules,
            &parent,
            std::slice::from_ref(&cut),
            std::slice::from_ref(&cut),
            at(12, 2, 10, 0),
        );
        let kinds: Vec<_> = found.iter().map(|f| (f.kind, f.score)).collect();
        // 21 working days left on 2 Dec, 7 for the township: 14 squeezed; 80 of 120 is 33 % off.
        assert_eq!(
            kinds,
            vec![
                (FindingKind::DeadlineSqueezed, 14),
                (FindingKind::TargetShrunk, 33)
            ]
        );
    }

    #[test]
    fn silence_is_judged_on_the_day() {
        let cal = WorkCalendar::china();
        let rules = AnalyticsRules::default();
        let f = OpenFacts {
            assignment_id: 5,
            item_id: 1,
            unit_id: 30,
            co: true,
            state: AssignmentState::Signed,
            dispatched_at: at(11, 2, 9, 0),
            last_action_at: at(11, 3, 9, 0),
            reported: false,
            deadline: day(11, 27),
            excused: false,
        };
        // 3 Nov → 20 Nov: 13 working days quiet; 5 left.
        let s = stall(&cal, &rules, &f, day(11, 20)).expect("stalled");
        assert_eq!(s.args["quiet"], 13);
        assert_eq!(s.args["left"], 5);
        assert!(
            stall(
                &cal,
                &rules,
                &OpenFacts {
                    excused: true,
                    ..f.clone()
                },
                day(11, 20)
            )
            .is_none()
        );
        assert!(stall(&cal, &rules, &f, day(11, 10)).is_none());
        let c = co_silent(&cal, &rules, &f, day(11, 23)).expect("silent co-unit");
        assert_eq!(c.args["days"], 15);
        let h = HelpFacts {
            help_id: 9,
            item_id: 1,
            assignment_id: 5,
            from_unit_id: 30,
            to_unit_id: 31,
            created_at: at(11, 18, 10, 0),
        };
        assert!(help_unanswered(&cal, &rules, &h, day(11, 23)).is_none());
        let u = help_unanswered(&cal, &rules, &h, day(11, 24)).expect("unanswered");
        assert_eq!(u.unit_id, 31);
    }
}
