//! Supervised matters (督办事项): what they are, how they are registered and how they move.

use crate::calendar::WorkCalendar;
use crate::org::str_enum;
use crate::text::bounded;
use crate::{Rule, ValidationErrors};
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

str_enum!(
    /// Where a supervised matter comes from.
    Source {
        /// 会议决策 — a Party committee or government meeting decision.
        Meeting = "meeting",
        /// 领导批示 — a leader's written instruction.
        Instruction = "instruction",
        /// 重点工作 — key work of the year (government work report).
        KeyWork = "key_work",
        /// 重大项目 — a major project.
        MajorProject = "major_project",
        /// 人大建议 — a people's congress deputy's suggestion.
        NpcSuggestion = "npc_suggestion",
        /// 政协提案 — a CPPCC proposal.
        CppccProposal = "cppcc_proposal",
        /// 群众诉求 — a citizen's appeal (12345, "三最").
        CitizenAppeal = "citizen_appeal",
        /// 上级交办 — assigned by a superior level.
        SuperiorAssignment = "superior_assignment",
        /// 督查发现 — a finding of an inspection.
        InspectionFinding = "inspection_finding",
    }
);

str_enum!(
    /// What kind of work a matter is.
    Category {
        /// 中心工作.
        CentralWork = "central_work",
        /// 民生实事.
        Livelihood = "livelihood",
        /// "三最" — the citizens' most direct, real and pressing issues.
        SanZui = "san_zui",
    }
);

str_enum!(
    /// How urgent a matter is.
    Priority {
        /// 一般.
        Normal = "normal",
        /// 重要.
        High = "high",
        /// 紧急.
        Urgent = "urgent",
    }
);

str_enum!(
    /// Where an item is in its life.
    ItemState {
        /// 草稿 — being written by the supervision office.
        Draft = "draft",
        /// 待审批 — waiting for the leader.
        PendingApproval = "pending_approval",
        /// 已审批 — approved, not yet dispatched.
        Approved = "approved",
        /// 办理中 — dispatched; the clock runs.
        Dispatched = "dispatched",
        /// 已办结 — closed (销号).
        Closed = "closed",
    }
);

/// A measurable target (目标): what, in which unit of measure, how much.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// What is measured, e.g. 新增停车泊位.
    pub name: String,
    /// Unit of measure, e.g. 个.
    #[serde(default)]
    pub unit: String,
    /// The value to reach.
    pub value: f64,
}

/// Parses a target list, recording errors under `field[i].…`.
pub fn parse_targets(errors: &mut ValidationErrors, field: &str, raw: &[Target]) -> Vec<Target> {
    if raw.len() > 20 {
        errors.add(field, "validation.too_many");
    }
    let mut seen = Vec::new();
    raw.iter()
        .enumerate()
        .map(|(i, t)| {
            let name = bounded(errors, &format!("{field}[{i}].name"), &t.name, true, 100);
            let unit = bounded(errors, &format!("{field}[{i}].unit"), &t.unit, false, 20);
            if !t.value.is_finite() || t.value < 0.0 {
                errors.add(
                    format!("{field}[{i}].value"),
                    "validation.non_negative_number",
                );
            }
            if seen.contains(&name) {
                errors.add(format!("{field}[{i}].name"), "validation.duplicate");
            }
            seen.push(name.clone());
            Target {
                name,
                unit,
                value: t.value,
            }
        })
        .collect()
}

/// How often assignees report (报送频次).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Cadence {
    /// No periodic report; report at milestones and on completion.
    None,
    /// Every week, by the given weekday (1 = Monday … 7 = Sunday).
    Weekly {
        /// ISO weekday number.
        weekday: u8,
    },
    /// Every month, by the given day of the month (1–28).
    Monthly {
        /// Day of month.
        day: u8,
    },
    /// Every N working days after dispatch.
    EveryWorkingDays {
        /// N.
        n: u16,
    },
}

impl Cadence {
    /// Checks the cadence's parameters.
    pub fn validate(self, errors: &mut ValidationErrors, field: &str) {
        let ok = match self {
            Cadence::None => true,
            Cadence::Weekly { weekday } => (1..=7).contains(&weekday),
            Cadence::Monthly { day } => (1..=28).contains(&day),
            // Not daily: PRODUCT.md §6 rules out daily check-ins.
            Cadence::EveryWorkingDays { n } => (2..=250).contains(&n),
        };
        if !ok {
            errors.add(field, "validation.out_of_range");
        }
    }

    /// The weekday of a weekly cadence.
    pub fn weekday(self) -> Option<Weekday> {
        match self {
            Cadence::Weekly { weekday } => Weekday::try_from(weekday.saturating_sub(1)).ok(),
            _ => None,
        }
    }
}

/// The fields of an item as the supervision office writes them, before parsing.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemInput {
    /// Title.
    pub title: String,
    /// What must be done.
    #[serde(default)]
    pub description: String,
    /// Source name (see [`Source`]).
    pub source: String,
    /// Category name (see [`Category`]).
    pub category: String,
    /// Priority name (see [`Priority`]); default `normal`.
    #[serde(default)]
    pub priority: Option<String>,
    /// Measurable targets.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Deadline as a date; or give `deadline_working_days`.
    pub deadline: Option<NaiveDate>,
    /// Deadline as N working days from dispatch (1–500), instead of a date.
    #[serde(default)]
    pub deadline_working_days: Option<u32>,
    /// Report cadence; default none.
    #[serde(default)]
    pub cadence: Option<Cadence>,
    /// Responsible leader (a user id).
    #[serde(default)]
    pub leader_id: Option<i64>,
    /// Whether the public may follow it.
    #[serde(default)]
    pub public: bool,
}

/// A parsed, valid item description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemSpec {
    /// Title.
    pub title: String,
    /// What must be done.
    pub description: String,
    /// Source.
    pub source: Source,
    /// Category.
    pub category: Category,
    /// Priority.
    pub priority: Priority,
    /// Targets.
    pub targets: Vec<Target>,
    /// Deadline (for `deadline_working_days`, counted from today until dispatch re-anchors it).
    pub deadline: NaiveDate,
    /// N working days from dispatch, when the deadline was given that way.
    pub deadline_working_days: Option<u32>,
    /// Report cadence.
    pub cadence: Cadence,
    /// Responsible leader.
    pub leader_id: Option<i64>,
    /// Public item.
    pub public: bool,
}

impl ItemSpec {
    /// Parses raw input; `today` bounds the deadline, and counts a deadline given in working
    /// days (dispatch counts it again from its own day).
    pub fn parse(
        input: &ItemInput,
        today: NaiveDate,
        cal: &WorkCalendar,
    ) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let title = bounded(&mut e, "title", &input.title, true, 200);
        let description = bounded(&mut e, "description", &input.description, false, 10_000);
        let source = Source::from_str(&input.source);
        if source.is_err() {
            e.add("source", "validation.unknown_choice");
        }
        let category = Category::from_str(&input.category);
        if category.is_err() {
            e.add("category", "validation.unknown_choice");
        }
        let priority = match &input.priority {
            None => Ok(Priority::Normal),
            Some(p) if p.is_empty() => Ok(Priority::Normal),
            Some(p) => Priority::from_str(p),
        };
        if priority.is_err() {
            e.add("priority", "validation.unknown_choice");
        }
        let targets = parse_targets(&mut e, "targets", &input.targets);
        let deadline = match (input.deadline, input.deadline_working_days) {
            (Some(_), Some(_)) => {
                e.add("deadline", "validation.deadline_either");
                e.add("deadline_working_days", "validation.deadline_either");
                None
            }
            (None, Some(n)) if !(1..=500).contains(&n) => {
                e.add("deadline_working_days", "validation.out_of_range");
                None
            }
            (None, Some(n)) => Some(cal.add_working_days(today, n)),
            (None, None) => {
                e.add("deadline", "validation.required");
                None
            }
            (Some(d), None) if d < today => {
                e.add("deadline", "validation.date_in_past");
                None
            }
            (Some(d), None) if d.year() > today.year() + 10 => {
                e.add("deadline", "validation.out_of_range");
                None
            }
            (Some(d), None) => Some(d),
        };
        let cadence = input.cadence.unwrap_or(Cadence::None);
        cadence.validate(&mut e, "cadence");
        match (source, category, priority, deadline) {
            (Ok(source), Ok(category), Ok(priority), Some(deadline)) if e.0.is_empty() => {
                Ok(Self {
                    title,
                    description,
                    source,
                    category,
                    priority,
                    targets,
                    deadline,
                    deadline_working_days: input.deadline_working_days,
                    cadence,
                    leader_id: input.leader_id,
                    public: input.public,
                })
            }
            _ => Err(e),
        }
    }
}

/// The official number of an item, e.g. `督〔2026〕15号`.
pub fn format_number(prefix: &str, year: i32, seq: i64) -> String {
    format!("{prefix}〔{year}〕{seq}号")
}

/// A command that moves an item between states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemCommand {
    /// Edit the draft.
    Edit,
    /// Submit the draft for leader approval.
    Submit,
    /// The leader approves.
    Approve,
    /// The leader sends it back to draft.
    Reject,
    /// Dispatch to the lead and co-units; the clock starts.
    Dispatch,
    /// Close (办结/销号).
    Close,
}

/// The item lifecycle: the state after `cmd`, or the rule it breaks.
pub fn item_transition(state: ItemState, cmd: ItemCommand) -> Result<ItemState, Rule> {
    use ItemCommand as C;
    use ItemState as S;
    match (state, cmd) {
        (S::Draft, C::Edit) => Ok(S::Draft),
        (S::Draft, C::Submit) => Ok(S::PendingApproval),
        (S::PendingApproval, C::Approve) => Ok(S::Approved),
        (S::PendingApproval, C::Reject) => Ok(S::Draft),
        (S::Approved, C::Dispatch) => Ok(S::Dispatched),
        (S::Dispatched, C::Close) => Ok(S::Closed),
        _ => Err(Rule::ItemState),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ItemInput {
        ItemInput {
            title: " 城区停车难专项整治 ".into(),
            description: String::new(),
            source: "meeting".into(),
            category: "livelihood".into(),
            priority: None,
            targets: vec![Target {
                name: "新增停车泊位".into(),
                unit: "个".into(),
                value: 2000.0,
            }],
            deadline: NaiveDate::from_ymd_opt(2026, 12, 31),
            deadline_working_days: None,
            cadence: Some(Cadence::Monthly { day: 5 }),
            leader_id: None,
            public: true,
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 1).expect("date")
    }

    #[test]
    fn no_daily_check_ins() {
        let mut e = ValidationErrors::default();
        Cadence::EveryWorkingDays { n: 1 }.validate(&mut e, "cadence");
        assert_eq!(e.0.len(), 1, "every working day is a daily check-in");
        let mut e = ValidationErrors::default();
        Cadence::EveryWorkingDays { n: 2 }.validate(&mut e, "cadence");
        assert!(e.0.is_empty());
    }

    #[test]
    fn a_deadline_in_working_days() {
        let mut i = input();
        i.deadline = None;
        i.deadline_working_days = Some(30);
        // 30 working days from Friday 25 Sep 2026 (Mid-Autumn) run through the National Day
        // week (and its make-up Saturday 10 Oct) to Thursday 12 Nov.
        let spec = ItemSpec::parse(&i, d(2026, 9, 25), &WorkCalendar::china()).expect("valid");
        assert_eq!(spec.deadline, d(2026, 11, 12));
        assert_eq!(spec.deadline_working_days, Some(30));
        i.deadline = Some(d(2026, 12, 31));
        let e = ItemSpec::parse(&i, d(2026, 9, 25), &WorkCalendar::china()).expect_err("both");
        let fields: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(
            fields,
            [
                ("deadline", "validation.deadline_either"),
                ("deadline_working_days", "validation.deadline_either")
            ]
        );
        i.deadline = None;
        i.deadline_working_days = Some(0);
        let e = ItemSpec::parse(&i, d(2026, 9, 25), &WorkCalendar::china()).expect_err("zero");
        assert_eq!(e.0[0].key, "validation.out_of_range");
    }

    #[test]
    fn parses_a_valid_item_and_trims_the_title() {
        let spec = ItemSpec::parse(&input(), today(), &WorkCalendar::china()).expect("valid");
        assert_eq!(spec.title, "城区停车难专项整治");
        assert_eq!(spec.priority, Priority::Normal);
    }

    #[test]
    fn names_every_invalid_field() {
        let mut i = input();
        i.title = "  ".into();
        i.source = "rumour".into();
        i.deadline = NaiveDate::from_ymd_opt(2026, 10, 1);
        i.targets[0].value = -1.0;
        i.cadence = Some(Cadence::Monthly { day: 31 });
        let e = ItemSpec::parse(&i, today(), &WorkCalendar::china()).expect_err("invalid");
        let fields: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(
            fields,
            vec![
                ("title", "validation.required"),
                ("source", "validation.unknown_choice"),
                ("targets[0].value", "validation.non_negative_number"),
                ("deadline", "validation.date_in_past"),
                ("cadence", "validation.out_of_range"),
            ]
        );
    }

    #[test]
    fn lifecycle_rejects_skipping_approval() {
        assert_eq!(
            item_transition(ItemState::Draft, ItemCommand::Dispatch),
            Err(Rule::ItemState)
        );
        assert_eq!(
            item_transition(ItemState::Approved, ItemCommand::Dispatch),
            Ok(ItemState::Dispatched)
        );
        assert_eq!(
            item_transition(ItemState::Closed, ItemCommand::Close),
            Err(Rule::ItemState)
        );
    }

    #[test]
    fn formats_the_official_number() {
        assert_eq!(format_number("督", 2026, 15), "督〔2026〕15号");
    }
}
