//! Targets on their way down the chain: how the shares a unit hands down compare with its own
//! targets, and how far a completion falls short of them.

use super::AnalyticsRules;
use crate::item::Target;
use crate::report::MetricValue;
use serde::Serialize;

/// How a target adds up across the units below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// An amount (个, 户, 公里, 万元 …): the shares add up to the whole.
    Amount,
    /// A rate (%): every unit must reach it; higher is stricter.
    Rate,
    /// A time limit (个工作日, 天, 小时): every unit must keep within it; lower is stricter.
    Limit,
}

/// The kind of a target, by its unit of measure.
pub fn kind_of(unit: &str) -> TargetKind {
    match unit.trim() {
        "%" | "％" | "‰" | "百分比" => TargetKind::Rate,
        "个工作日" | "工作日" | "天" | "日" | "小时" | "分钟" => TargetKind::Limit,
        _ => TargetKind::Amount,
    }
}

/// The `i`th of `k` even shares of `targets`: amounts are split (whole numbers stay whole, the
/// last share takes the remainder, so the shares add up to the whole); rates and time limits
/// are handed on as they are.
pub fn even_share(targets: &[Target], k: usize, i: usize) -> Vec<Target> {
    let k = k.max(1);
    targets
        .iter()
        .map(|t| {
            let value = match kind_of(&t.unit) {
                TargetKind::Amount if k > 1 => {
                    let whole = t.value.fract() == 0.0;
                    let step = |v: f64| {
                        if whole {
                            v.floor()
                        } else {
                            (v * 10.0).floor() / 10.0
                        }
                    };
                    let share = step(t.value / k as f64);
                    if i + 1 == k {
                        let rest = t.value - share * (k - 1) as f64;
                        if whole {
                            rest.round()
                        } else {
                            (rest * 10.0).round() / 10.0
                        }
                    } else {
                        share
                    }
                }
                _ => t.value,
            };
            Target {
                name: t.name.clone(),
                unit: t.unit.clone(),
                value,
            }
        })
        .collect()
}

/// How the units below were given a parent target.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "issue", rename_all = "snake_case")]
pub enum ShareIssue {
    /// No unit below carries it.
    Dropped {
        /// Target name.
        name: String,
    },
    /// The shares fall short of it (or a rate or limit was loosened).
    Shrunk {
        /// Target name.
        name: String,
        /// Unit of measure.
        unit: String,
        /// The parent's value.
        parent: f64,
        /// What the units below were given (the sum, or the loosest value).
        given: f64,
    },
    /// The shares exceed it beyond the threshold (or a rate or limit was tightened): 层层加码.
    Raised {
        /// Target name.
        name: String,
        /// Unit of measure.
        unit: String,
        /// The parent's value.
        parent: f64,
        /// What the units below were given (the sum, or the strictest value).
        given: f64,
    },
}

/// Compares the targets the open children of a decomposition carry with the parent's. Drops
/// are only judged when some child is a lead (co-units support; they need not carry targets).
pub fn compare_shares(
    parent: &[Target],
    children: &[&[Target]],
    has_lead: bool,
    rules: &AnalyticsRules,
) -> Vec<ShareIssue> {
    let tol = rules.dilution_tolerance;
    let mut out = Vec::new();
    for p in parent {
        let given: Vec<f64> = children
            .iter()
            .filter_map(|ts| ts.iter().find(|t| t.name == p.name).map(|t| t.value))
            .collect();
        if given.is_empty() {
            if has_lead {
                out.push(ShareIssue::Dropped {
                    name: p.name.clone(),
                });
            }
            continue;
        }
        let (loose, strict, low, high) = match kind_of(&p.unit) {
            TargetKind::Amount => {
                let sum: f64 = given.iter().sum();
                let sum = (sum * 1000.0).round() / 1000.0;
                (
                    sum,
                    sum,
                    p.value * (1.0 - tol),
                    p.value * (1.0 + rules.raise_share),
                )
            }
            TargetKind::Rate => (
                given.iter().copied().fold(f64::INFINITY, f64::min),
                given.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                p.value * (1.0 - tol),
                p.value * (1.0 + tol),
            ),
            TargetKind::Limit => {
                // Lower is stricter: flip the signs, compare as a rate.
                let loose = given.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let strict = given.iter().copied().fold(f64::INFINITY, f64::min);
                if loose > p.value * (1.0 + tol) {
                    out.push(shrunk(p, loose));
                } else if strict < p.value * (1.0 - rules.raise_share) {
                    out.push(raised(p, strict));
                }
                continue;
            }
        };
        if loose < low {
            out.push(shrunk(p, loose));
        } else if strict > high {
            out.push(raised(p, strict));
        }
    }
    out
}

fn shrunk(p: &Target, given: f64) -> ShareIssue {
    ShareIssue::Shrunk {
        name: p.name.clone(),
        unit: p.unit.clone(),
        parent: p.value,
        given,
    }
}

fn raised(p: &Target, given: f64) -> ShareIssue {
    ShareIssue::Raised {
        name: p.name.clone(),
        unit: p.unit.clone(),
        parent: p.value,
        given,
    }
}

/// How far a completion request falls short of an assignment's targets.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Gap {
    /// Target name, or empty for overall progress.
    pub name: String,
    /// Unit of measure (`%` for overall progress).
    pub unit: String,
    /// The target.
    pub target: f64,
    /// What was reported; none when the target was not reported on.
    pub reached: Option<f64>,
}

/// The shortfalls of a completion: overall progress below 100 %, and each target not reached
/// (a time limit: exceeded) or not reported on.
pub fn completion_gaps(
    targets: &[Target],
    metrics: &[MetricValue],
    percent: Option<i64>,
) -> Vec<Gap> {
    let mut out = Vec::new();
    if let Some(p) = percent
        && p < 100
    {
        out.push(Gap {
            name: String::new(),
            unit: "%".into(),
            target: 100.0,
            reached: Some(p as f64),
        });
    }
    for t in targets {
        let reached = metrics.iter().find(|m| m.name == t.name).map(|m| m.value);
        let short = match (reached, kind_of(&t.unit)) {
            (None, _) => true,
            (Some(v), TargetKind::Limit) => v > t.value + 1e-9,
            (Some(v), _) => v + 1e-9 < t.value,
        };
        if short {
            out.push(Gap {
                name: t.name.clone(),
                unit: t.unit.clone(),
                target: t.value,
                reached,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(name: &str, unit: &str, value: f64) -> Target {
        Target {
            name: name.into(),
            unit: unit.into(),
            value,
        }
    }

    #[test]
    fn shares_are_judged_by_kind() {
        let rules = AnalyticsRules::default();
        let parent = [
            t("改造户数", "户", 120.0),
            t("满意率", "%", 90.0),
            t("办结时限", "个工作日", 10.0),
            t("新增泊位", "个", 500.0),
        ];
        let a = [
            t("改造户数", "户", 60.0),
            t("满意率", "%", 90.0),
            t("办结时限", "个工作日", 10.0),
        ];
        let b = [
            t("改造户数", "户", 50.0),
            t("满意率", "%", 85.0),
            t("办结时限", "个工作日", 5.0),
        ];
        let issues = compare_shares(&parent, &[&a, &b], true, &rules);
        assert_eq!(
            issues,
            vec![
                // 60 + 50 < 120 × 0.98.
                shrunk(&parent[0], 110.0),
                // 85 % < 90 %.
                shrunk(&parent[1], 85.0),
                // 5 working days < 10 × 0.8: tightened.
                raised(&parent[2], 5.0),
                ShareIssue::Dropped {
                    name: "新增泊位".into()
                },
            ]
        );
        // Rounding within tolerance, and a co-unit only decomposition, are not dilution.
        let c = [t("改造户数", "户", 59.0)];
        let d = [t("改造户数", "户", 59.0)];
        assert!(compare_shares(&parent[..1], &[&c, &d], true, &rules).is_empty());
        assert!(compare_shares(&parent, &[], false, &rules).is_empty());
        // 层层加码: 150 > 120 × 1.2.
        let e = [t("改造户数", "户", 150.0)];
        assert_eq!(
            compare_shares(&parent[..1], &[&e], true, &rules),
            vec![raised(&parent[0], 150.0)]
        );
    }

    #[test]
    fn even_shares_add_up_to_the_whole() {
        let ts = [
            t("改造户数", "户", 121.0),
            t("满意率", "%", 90.0),
            t("资金", "万元", 10.5),
        ];
        let shares: Vec<Vec<Target>> = (0..3).map(|i| even_share(&ts, 3, i)).collect();
        let sum = |n: usize| shares.iter().map(|s| s[n].value).sum::<f64>();
        assert_eq!(shares[0][0].value, 40.0);
        assert_eq!(shares[2][0].value, 41.0);
        assert!((sum(0) - 121.0).abs() < 1e-9 && (sum(2) - 10.5).abs() < 1e-9);
        assert!(
            shares.iter().all(|s| s[1].value == 90.0),
            "rates are handed on"
        );
        let rules = AnalyticsRules::default();
        let refs: Vec<&[Target]> = shares.iter().map(Vec::as_slice).collect();
        assert!(compare_shares(&ts, &refs, true, &rules).is_empty());
        assert_eq!(even_share(&ts, 1, 0), ts.to_vec());
    }

    #[test]
    fn completion_gaps_name_every_shortfall() {
        let targets = [t("改造户数", "户", 120.0), t("办结时限", "天", 10.0)];
        let m = |n: &str, v| MetricValue {
            name: n.into(),
            value: v,
        };
        let gaps = completion_gaps(
            &targets,
            &[m("改造户数", 3.0), m("办结时限", 12.0)],
            Some(20),
        );
        assert_eq!(gaps.len(), 3);
        assert_eq!(gaps[0].reached, Some(20.0));
        assert_eq!(gaps[1].reached, Some(3.0));
        assert_eq!(gaps[2].name, "办结时限");
        assert!(
            completion_gaps(
                &targets,
                &[m("改造户数", 120.0), m("办结时限", 9.0)],
                Some(100)
            )
            .is_empty()
        );
        assert_eq!(completion_gaps(&targets, &[], None).len(), 2);
    }
}
