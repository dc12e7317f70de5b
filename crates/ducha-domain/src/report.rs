//! Progress reports (进展反馈) and their review by the level above.

use crate::org::str_enum;
use crate::text::bounded;
use crate::{Rule, ValidationErrors};
use serde::{Deserialize, Serialize};

str_enum!(
    /// A progress report or a completion request (申请办结).
    ReportKind {
        /// 进展反馈.
        Progress = "progress",
        /// 申请办结.
        Completion = "completion",
    }
);

str_enum!(
    /// Review state of a report.
    ReportState {
        /// 待审核.
        Pending = "pending",
        /// 已通过.
        Accepted = "accepted",
        /// 已退回.
        Returned = "returned",
    }
);

/// A reported value of a named target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MetricValue {
    /// The target's name.
    pub name: String,
    /// The value reached so far.
    pub value: f64,
}

/// A report as the assignee writes it, before parsing.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportInput {
    /// What was done.
    #[serde(default)]
    pub text: String,
    /// Overall progress 0–100.
    #[serde(default)]
    pub percent: Option<i64>,
    /// Values of the assignment's targets.
    #[serde(default)]
    pub metrics: Vec<MetricValue>,
    /// Problems that need coordination.
    #[serde(default)]
    pub problems: String,
    /// Whether this requests completion (申请办结).
    #[serde(default)]
    pub completion: bool,
    /// Evidence files (佐证材料) the report carries, uploaded before or reused; at most
    /// [`MAX_EVIDENCE`].
    #[serde(default)]
    pub evidence_ids: Vec<i64>,
}

/// Evidence files one report may carry (基层减负: required attachments are capped).
pub const MAX_EVIDENCE: usize = 20;

/// A parsed report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportSpec {
    /// Progress or completion.
    pub kind: ReportKind,
    /// What was done.
    pub text: String,
    /// Overall progress.
    pub percent: Option<i64>,
    /// Target values.
    pub metrics: Vec<MetricValue>,
    /// Problems.
    pub problems: String,
    /// Evidence files, in the order given, without repeats.
    pub evidence_ids: Vec<i64>,
}

impl ReportSpec {
    /// Parses a report; a completion request is 100 % unless stated.
    pub fn parse(input: &ReportInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::default();
        let text = bounded(&mut e, "text", &input.text, true, 10_000);
        let problems = bounded(&mut e, "problems", &input.problems, false, 5_000);
        if let Some(p) = input.percent
            && !(0..=100).contains(&p)
        {
            e.add("percent", "validation.percent");
        }
        if input.metrics.len() > 20 {
            e.add("metrics", "validation.too_many");
        }
        let metrics = input
            .metrics
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let name = bounded(&mut e, &format!("metrics[{i}].name"), &m.name, true, 100);
                if !m.value.is_finite() || m.value < 0.0 {
                    e.add(
                        format!("metrics[{i}].value"),
                        "validation.non_negative_number",
                    );
                }
                MetricValue {
                    name,
                    value: m.value,
                }
            })
            .collect();
        if input.evidence_ids.len() > MAX_EVIDENCE {
            e.add("evidence_ids", "validation.too_many");
        }
        let mut evidence_ids: Vec<i64> = Vec::with_capacity(input.evidence_ids.len());
        for (i, id) in input.evidence_ids.iter().enumerate() {
            if evidence_ids.contains(id) {
                e.add(format!("evidence_ids[{i}]"), "validation.duplicate");
            } else {
                evidence_ids.push(*id);
            }
        }
        let kind = if input.completion {
            ReportKind::Completion
        } else {
            ReportKind::Progress
        };
        let percent = match (kind, input.percent) {
            (ReportKind::Completion, None) => Some(100),
            (_, p) => p,
        };
        e.into_result(Self {
            kind,
            text,
            percent,
            metrics,
            problems,
            evidence_ids,
        })
    }
}

/// The reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// 通过.
    Accept,
    /// 退回.
    Return,
}

/// A report may be reviewed once; a return needs a reason.
pub fn review_report(
    state: ReportState,
    verdict: Verdict,
    comment: &str,
) -> Result<ReportState, ReviewError> {
    if state != ReportState::Pending {
        return Err(ReviewError::Rule(Rule::ReportState));
    }
    match verdict {
        Verdict::Accept => Ok(ReportState::Accepted),
        Verdict::Return if comment.trim().is_empty() => Err(ReviewError::Invalid(
            ValidationErrors::single("comment", "validation.reason_required"),
        )),
        Verdict::Return => Ok(ReportState::Returned),
    }
}

/// Why a review was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewError {
    /// Invalid input.
    Invalid(ValidationErrors),
    /// A broken rule.
    Rule(Rule),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completion_defaults_to_full_progress() {
        let r = ReportSpec::parse(&ReportInput {
            text: "已全部完成".into(),
            completion: true,
            ..Default::default()
        })
        .expect("valid");
        assert_eq!((r.kind, r.percent), (ReportKind::Completion, Some(100)));
    }

    #[test]
    fn rejects_out_of_range_percent_and_empty_text() {
        let e = ReportSpec::parse(&ReportInput {
            percent: Some(120),
            ..Default::default()
        })
        .expect_err("invalid");
        assert_eq!(e.0.len(), 2);
    }

    #[test]
    fn evidence_is_capped_and_not_repeated() {
        let too_many = ReportSpec::parse(&ReportInput {
            text: "x".into(),
            evidence_ids: (1..=21).collect(),
            ..Default::default()
        })
        .expect_err("too many");
        assert_eq!(too_many.0[0].field, "evidence_ids");
        let repeated = ReportSpec::parse(&ReportInput {
            text: "x".into(),
            evidence_ids: vec![3, 4, 3],
            ..Default::default()
        })
        .expect_err("repeated");
        assert_eq!(repeated.0[0].field, "evidence_ids[2]");
        let ok = ReportSpec::parse(&ReportInput {
            text: "x".into(),
            evidence_ids: vec![4, 3],
            ..Default::default()
        })
        .expect("valid");
        assert_eq!(ok.evidence_ids, vec![4, 3]);
    }

    #[test]
    fn a_return_needs_a_reason_and_a_review_happens_once() {
        assert!(matches!(
            review_report(ReportState::Pending, Verdict::Return, " "),
            Err(ReviewError::Invalid(_))
        ));
        assert_eq!(
            review_report(ReportState::Accepted, Verdict::Accept, ""),
            Err(ReviewError::Rule(Rule::ReportState))
        );
    }
}
