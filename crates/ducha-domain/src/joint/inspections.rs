//! The inspection register (督查检查计划): a planned inspection's description, the overlaps
//! between bodies' plans, and the burden they put on a grassroots unit per quarter.

use crate::ValidationErrors;
use crate::org::{UnitKind, str_enum};
use crate::text::{bounded, similarity};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

str_enum!(
    /// How an inspection is carried out.
    Method {
        /// 实地督查.
        Onsite = "onsite",
        /// 书面督查.
        Written = "written",
        /// 暗访.
        Unannounced = "unannounced",
    }
);

str_enum!(
    /// Where an inspection plan is.
    InspectionState {
        /// 待审批: outside the annual plan (一事一报) or over a unit's budget.
        Pending = "pending",
        /// 已批准 / 列入年度计划: may take place in its window.
        Approved = "approved",
        /// 不予批准.
        Rejected = "rejected",
        /// 已并入联合督查: carried out by another body's joint inspection.
        Merged = "merged",
        /// 已撤销.
        Cancelled = "cancelled",
        /// 已完成: carried out, findings recorded.
        Done = "done",
    }
);

impl InspectionState {
    /// Whether the inspection still weighs on its target units (it will or did take place).
    pub fn counts(self) -> bool {
        matches!(
            self,
            InspectionState::Pending | InspectionState::Approved | InspectionState::Done
        )
    }

    /// Whether another plan may still overlap it (it has not happened yet).
    pub fn open(self) -> bool {
        matches!(self, InspectionState::Pending | InspectionState::Approved)
    }
}

str_enum!(
    /// Why two plans overlap.
    OverlapKind {
        /// The same target unit in overlapping windows.
        SameTarget = "same_target",
        /// A similar topic in the same quarter.
        SimilarTopic = "similar_topic",
    }
);

str_enum!(
    /// What became of a proposed merge.
    OverlapState {
        /// 待答复: the lead body has not answered.
        Proposed = "proposed",
        /// 已合并.
        Merged = "merged",
        /// 不合并 (with a reason).
        Declined = "declined",
    }
);

/// A planned inspection as a body files it.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionInput {
    /// Topic (检查主题).
    pub topic: String,
    /// The document it rests on (依据文件), e.g. 青政办发〔2026〕12号.
    #[serde(default)]
    pub basis: String,
    /// `onsite`, `written` or `unannounced`.
    pub method: String,
    /// First day of the window.
    pub window_from: NaiveDate,
    /// Last day of the window.
    pub window_to: NaiveDate,
    /// The units inspected.
    pub target_unit_ids: Vec<i64>,
    /// People sent.
    #[serde(default)]
    pub people: u32,
    /// Days spent at each target unit (0 for a written inspection).
    #[serde(default)]
    pub days_on_site: u32,
    /// Forms each target unit must fill in.
    #[serde(default)]
    pub forms: u32,
    /// Whether it is part of the body's approved annual plan (列入年度计划).
    #[serde(default)]
    pub annual: bool,
}

/// A valid plan.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionSpec {
    /// Topic.
    pub topic: String,
    /// Cited document.
    pub basis: String,
    /// Method.
    pub method: Method,
    /// Window.
    pub window_from: NaiveDate,
    /// Window.
    pub window_to: NaiveDate,
    /// Target units, sorted, distinct.
    pub targets: Vec<i64>,
    /// People.
    pub people: u32,
    /// Days per target.
    pub days_on_site: u32,
    /// Forms per target.
    pub forms: u32,
    /// In the annual plan.
    pub annual: bool,
}

impl InspectionSpec {
    /// Checks a plan filed on `today`.
    pub fn parse(i: &InspectionInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let topic = bounded(&mut e, "topic", &i.topic, true, 200);
        let basis = bounded(&mut e, "basis", &i.basis, false, 200);
        let method = i.method.parse::<Method>().ok();
        if method.is_none() {
            e.add("method", "validation.unknown_choice");
        }
        if i.window_to < i.window_from {
            e.add("window_to", "validation.window_order");
        } else if i.window_to < today {
            e.add("window_to", "rule.deadline_in_past");
        } else if (i.window_to - i.window_from).num_days() > 92 {
            e.add("window_to", "validation.window_too_long");
        } else if (i.window_from - today).num_days() > 366 * 2 {
            // Plans are filed for this year and the next, not for decades ahead.
            e.add("window_from", "validation.out_of_range");
        }
        let mut targets = i.target_unit_ids.clone();
        targets.sort_unstable();
        targets.dedup();
        if targets.is_empty() {
            e.add("target_unit_ids", "validation.required");
        } else if targets.len() > 200 {
            e.add("target_unit_ids", "validation.too_many");
        }
        if i.people == 0 || i.people > 200 {
            e.add("people", "validation.people_range");
        }
        if i.days_on_site > 30 {
            e.add("days_on_site", "validation.days_range");
        }
        if i.forms > 50 {
            e.add("forms", "validation.forms_range");
        }
        let method = e.into_result(method)?.unwrap_or(Method::Onsite);
        Ok(Self {
            topic,
            basis,
            method,
            window_from: i.window_from,
            window_to: i.window_to,
            targets,
            people: i.people,
            days_on_site: if method == Method::Written {
                0
            } else {
                i.days_on_site.max(1)
            },
            forms: i.forms,
            annual: i.annual,
        })
    }
}

/// A plan as the overlap check sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Id (0 for the one being filed).
    pub id: i64,
    /// The filing body.
    pub body_unit_id: i64,
    /// Topic.
    pub topic: String,
    /// Window.
    pub from: NaiveDate,
    /// Window.
    pub to: NaiveDate,
    /// Target units, sorted.
    pub targets: Vec<i64>,
}

/// An overlap of a new plan with an earlier one of another body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Overlap {
    /// The earlier plan.
    pub other_id: i64,
    /// Why.
    pub kind: OverlapKind,
    /// The target units both visit in overlapping windows.
    pub units: Vec<i64>,
    /// Topic similarity in hundredths.
    pub similarity: i64,
}

/// The quarter a day is in, as (year, 1–4).
pub fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), d.month0() / 3 + 1)
}

/// The first and last day of a quarter.
pub fn quarter_bounds(year: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let from = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
    let to = if q == 4 {
        NaiveDate::from_ymd_opt(year, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(year, q * 3 + 1, 1)?.pred_opt()?
    };
    Some((from, to))
}

/// The overlaps of `new` with other bodies' open plans: the same target unit in overlapping
/// windows, or (without a shared unit) a topic at least `threshold` similar in the same
/// quarter. Earlier plans first.
pub fn overlaps(new: &Plan, others: &[Plan], threshold: f64) -> Vec<Overlap> {
    let mut out = Vec::new();
    for o in others {
        if o.body_unit_id == new.body_unit_id || o.id == new.id {
            continue;
        }
        let windows_meet = new.from <= o.to && o.from <= new.to;
        let same_quarter = quarter_of(new.from) == quarter_of(o.from);
        let sim = similarity(&new.topic, &o.topic);
        let sim_h = (sim * 100.0).round() as i64;
        let units: Vec<i64> = new
            .targets
            .iter()
            .copied()
            .filter(|u| o.targets.binary_search(u).is_ok())
            .collect();
        if windows_meet && !units.is_empty() {
            out.push(Overlap {
                other_id: o.id,
                kind: OverlapKind::SameTarget,
                units,
                similarity: sim_h,
            });
        } else if (windows_meet || same_quarter) && sim >= threshold {
            out.push(Overlap {
                other_id: o.id,
                kind: OverlapKind::SimilarTopic,
                units,
                similarity: sim_h,
            });
        }
    }
    out.sort_by_key(|o| o.other_id);
    out
}

/// What a unit may bear in a quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Budget {
    /// Inspections that visit it (any method).
    pub visits: u32,
    /// Days of inspectors on site.
    pub days: u32,
    /// Forms to fill in.
    pub forms: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            visits: 3,
            days: 5,
            forms: 6,
        }
    }
}

/// The burden budgets per level (configuration `[service.joint.budgets]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Budgets {
    /// 乡镇/街道.
    pub township: Budget,
    /// 村/社区.
    pub village: Budget,
    /// 县/区.
    pub county: Budget,
    /// 部门.
    pub department: Budget,
}

impl Default for Budgets {
    fn default() -> Self {
        Self {
            township: Budget::default(),
            village: Budget {
                visits: 2,
                days: 3,
                forms: 4,
            },
            county: Budget {
                visits: 6,
                days: 10,
                forms: 12,
            },
            department: Budget {
                visits: 6,
                days: 10,
                forms: 12,
            },
        }
    }
}

impl Budgets {
    /// The budget of a unit of `kind` (none for the city and the supervision bodies).
    pub fn of(&self, kind: UnitKind) -> Option<Budget> {
        match kind {
            UnitKind::Township => Some(self.township),
            UnitKind::Village => Some(self.village),
            UnitKind::County => Some(self.county),
            UnitKind::Department => Some(self.department),
            UnitKind::City | UnitKind::SupervisionBody => None,
        }
    }

    /// Every budget is at least one visit, within sane bounds.
    pub fn validate(&self) -> Result<(), &'static str> {
        for b in [self.township, self.village, self.county, self.department] {
            if b.visits == 0 || b.visits > 100 || b.days > 500 || b.forms > 500 {
                return Err("budgets: visits 1–100, days and forms 0–500");
            }
        }
        Ok(())
    }
}

/// What the counted plans put on one unit in a quarter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Load {
    /// Visits.
    pub visits: u32,
    /// Days on site.
    pub days: u32,
    /// Forms.
    pub forms: u32,
}

impl Load {
    /// Adds one plan's weight.
    pub fn add(&mut self, days_on_site: u32, forms: u32) {
        self.visits += 1;
        self.days += days_on_site;
        self.forms += forms;
    }

    /// Which dimensions exceed `budget` (`visits`, `days`, `forms`).
    pub fn over(&self, budget: &Budget) -> Vec<&'static str> {
        let mut v = Vec::new();
        if self.visits > budget.visits {
            v.push("visits");
        }
        if self.days > budget.days {
            v.push("days");
        }
        if self.forms > budget.forms {
            v.push("forms");
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn plan(id: i64, body: i64, topic: &str, from: NaiveDate, to: NaiveDate, t: &[i64]) -> Plan {
        Plan {
            id,
            body_unit_id: body,
            topic: topic.into(),
            from,
            to,
            targets: t.to_vec(),
        }
    }

    #[test]
    fn same_township_in_overlapping_windows_from_two_bodies() {
        let earlier = vec![
            plan(1, 10, "安全生产大检查", d(12, 7), d(12, 11), &[5, 8]),
            plan(2, 11, "耕地保护专项审计", d(12, 14), d(12, 18), &[8]),
            plan(3, 12, "安全生产检查", d(12, 1), d(12, 4), &[9]),
            plan(4, 12, "河长制落实情况", d(12, 9), d(12, 10), &[8]),
        ];
        let new = plan(0, 12, "农村人居环境整治", d(12, 10), d(12, 15), &[8, 20]);
        let o = overlaps(&new, &earlier, 0.5);
        // Plan 4 is the same body's own; 3 shares no unit and no topic.
        assert_eq!(
            o.iter().map(|o| (o.other_id, o.kind)).collect::<Vec<_>>(),
            vec![(1, OverlapKind::SameTarget), (2, OverlapKind::SameTarget)]
        );
        assert_eq!(o[0].units, vec![8]);
        // Touching windows meet; a day apart do not.
        let apart = plan(0, 12, "农村人居环境整治", d(12, 12), d(12, 13), &[8]);
        assert!(overlaps(&apart, &earlier[..1], 0.5).is_empty());
        let touching = plan(0, 12, "农村人居环境整治", d(12, 11), d(12, 11), &[8]);
        assert_eq!(overlaps(&touching, &earlier[..1], 0.5).len(), 1);
    }

    #[test]
    fn similar_topic_in_the_same_quarter_without_a_shared_unit() {
        let earlier = vec![plan(1, 10, "安全生产大检查", d(10, 8), d(10, 20), &[5])];
        let new = plan(0, 11, "安全生产大检查督查", d(11, 20), d(11, 25), &[6]);
        let o = overlaps(&new, &earlier, 0.5);
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].kind, OverlapKind::SimilarTopic);
        assert!(o[0].similarity >= 50);
        let next_quarter = plan(0, 11, "安全生产大检查督查", d(1, 5), d(1, 9), &[6]);
        assert!(overlaps(&next_quarter, &earlier, 0.5).is_empty());
    }

    #[test]
    fn a_plan_is_checked_and_a_written_one_takes_no_days() {
        let today = d(12, 1);
        let mut i = InspectionInput {
            topic: " 秸秆禁烧 ".into(),
            method: "written".into(),
            window_from: d(12, 3),
            window_to: d(12, 5),
            target_unit_ids: vec![4, 2, 4],
            people: 3,
            days_on_site: 2,
            forms: 1,
            ..Default::default()
        };
        let s = InspectionSpec::parse(&i, today).expect("valid");
        assert_eq!((s.topic.as_str(), s.days_on_site), ("秸秆禁烧", 0));
        assert_eq!(s.targets, vec![2, 4]);
        i.method = "onsite".into();
        i.days_on_site = 0;
        assert_eq!(
            InspectionSpec::parse(&i, today)
                .expect("valid")
                .days_on_site,
            1
        );
        i.method = "drone".into();
        i.window_to = d(12, 2);
        i.target_unit_ids.clear();
        i.people = 0;
        let e = InspectionSpec::parse(&i, today).expect_err("invalid");
        let keys: Vec<_> = e.0.iter().map(|f| (f.field.as_str(), f.key)).collect();
        assert_eq!(
            keys,
            vec![
                ("method", "validation.unknown_choice"),
                ("window_to", "validation.window_order"),
                ("target_unit_ids", "validation.required"),
                ("people", "validation.people_range"),
            ]
        );
    }

    #[test]
    fn load_over_budget_names_the_dimension() {
        let b = Budgets::default().of(UnitKind::Township).expect("budget");
        let mut l = Load::default();
        for _ in 0..3 {
            l.add(1, 2);
        }
        assert!(l.over(&b).is_empty());
        l.add(3, 0);
        assert_eq!(l.over(&b), vec!["visits", "days"]);
        assert_eq!(Budgets::default().of(UnitKind::City), None);
        assert_eq!(quarter_of(d(12, 31)), (2026, 4));
        assert_eq!(quarter_bounds(2026, 2), Some((d(4, 1), d(6, 30))));
    }
}
