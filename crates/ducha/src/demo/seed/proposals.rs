//! The demo's NPC suggestions and CPPCC proposals (人大建议 / 政协提案), played on the history's
//! clock through the real use cases: one session of each, with suggestions in every state —
//! not yet routed, returned as wrongly routed, extended, replied with each grade, rated,
//! dissatisfied and handled again, B-grade commitments under supervision.

use super::sim::{Act, Sim};
use anyhow::Context;
use chrono::{Days, NaiveDateTime, NaiveTime};
use ducha_domain::org::Actor;
use ducha_domain::proposals::import::ProposalInput;
use ducha_service::assignments::TextInput;
use ducha_service::proposals::{
    ExtensionDecisionInput, ExtensionInput, OpinionInput, RateInput, ReplyInput, RouteInput,
    SessionInput,
};

/// The sessions: (kind, name).
const SESSIONS: [(&str, &str); 2] = [
    ("suggestion", "市十七届人大六次会议"),
    ("proposal", "市政协十四届五次会议"),
];

/// A suggestion of the demo: (title, proposers, group, category, lead, co-units).
type Entry = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);

/// Each session's suggestions.
const LIST: [Entry; 8] = [
    (
        "关于加快老旧小区加装电梯的建议",
        "陈建华、刘敏",
        "云溪代表团",
        "城乡建设",
        "zjj",
        &[],
    ),
    (
        "关于优化中心城区公交线网的建议",
        "周晓明",
        "市直代表团",
        "交通",
        "jtj",
        &[],
    ),
    (
        "关于推进义务教育集团化办学的建议",
        "李婉清、王强",
        "青山代表团",
        "教育",
        "jyj",
        &["czj"],
    ),
    (
        "关于加强农村饮用水安全保障的建议",
        "赵德胜",
        "农业界",
        "农业农村",
        "slj",
        &[],
    ),
    (
        "关于规范校外培训机构管理的建议",
        "孙丽",
        "教育界",
        "教育",
        "jyj",
        &[],
    ),
    (
        "关于增设社区嵌入式养老服务站的建议",
        "吴芳、郑伟",
        "社会福利界",
        "民政",
        "mzj",
        &[],
    ),
    (
        "关于治理城区噪声扰民的建议",
        "冯涛",
        "云溪代表团",
        "生态环境",
        "sthjj",
        &[],
    ),
    (
        "关于支持专精特新企业融资的建议",
        "何静",
        "经济界",
        "工业经济",
        "czj",
        &[],
    ),
];

/// One step of the demo's suggestions.
#[derive(Debug, Clone)]
pub(super) enum ProposalStep {
    /// Both sessions opened and their lists registered.
    Register,
    /// Suggestion `n` (1-based, of both sessions) routed.
    Route(usize),
    /// The co-units of suggestion `n` send their opinions.
    Opinion(usize),
    /// Suggestion `n` replied with a grade (B: a commitment two months on).
    Reply(usize, &'static str),
    /// The office enters the proposer's satisfaction on suggestion `n`'s latest reply.
    Rate(usize, &'static str),
    /// Suggestion `n`'s lead asks for 20 more days, and the office approves.
    Extend(usize),
    /// Suggestion `n`'s lead returns it as wrongly routed.
    Return(usize),
}

impl Sim<'_> {
    /// Puts the suggestions on the agenda.
    pub(super) fn plan_proposals(&mut self) {
        use ProposalStep as P;
        let at = |s: &Self, n: u32, h: u32| {
            NaiveDateTime::new(
                s.day_before(n),
                NaiveTime::from_hms_opt(h, 10, 0).unwrap_or_default(),
            )
        };
        let mut plan = vec![(at(self, 82, 10), P::Register)];
        for n in 2..=6 {
            plan.push((at(self, 80, 11), P::Route(n)));
        }
        plan.extend([
            // Routed later, so that its extended reply date is still ahead when the demo is
            // served in the weeks after the day it is seeded for.
            (at(self, 30, 11), P::Route(7)),
            (at(self, 4, 11), P::Route(8)),
            (at(self, 62, 15), P::Opinion(3)),
            (at(self, 40, 16), P::Reply(2, "a")),
            (at(self, 38, 10), P::Rate(2, "satisfied")),
            (at(self, 35, 16), P::Reply(3, "b")),
            (at(self, 33, 10), P::Rate(3, "basic")),
            (at(self, 30, 16), P::Reply(4, "c")),
            (at(self, 28, 10), P::Rate(4, "satisfied")),
            (at(self, 20, 16), P::Reply(5, "d")),
            (at(self, 45, 16), P::Reply(6, "a")),
            (at(self, 15, 10), P::Rate(6, "dissatisfied")),
            (at(self, 24, 9), P::Extend(7)),
            (at(self, 2, 15), P::Return(8)),
        ]);
        for (when, step) in plan {
            self.sched(when, Act::Proposal(step));
        }
    }

    async fn login(&self, login: &str) -> anyhow::Result<Actor> {
        let u = self
            .s
            .store
            .user_by_name(login)
            .await?
            .with_context(|| format!("no user {login}"))?;
        Ok(self.s.actor(u.id).await?)
    }

    /// The ids of suggestion `n` in both sessions.
    async fn both(&self, sup: &Actor, n: usize) -> anyhow::Result<Vec<i64>> {
        let mut out = Vec::new();
        for s in self.s.proposal_sessions(sup).await? {
            let v = self.s.proposal_session(sup, s.id).await?;
            out.extend(
                v.lines
                    .iter()
                    .filter(|l| l.number == n as i64)
                    .map(|l| l.id),
            );
        }
        Ok(out)
    }

    /// Plays one step.
    pub(super) async fn proposal_step(&mut self, step: ProposalStep) -> anyhow::Result<()> {
        let sup = self.login("zf.ducha1").await?;
        let now = self.now();
        let today = self.today();
        match step {
            ProposalStep::Register => {
                for (kind, name) in SESSIONS {
                    let input = SessionInput {
                        kind: kind.into(),
                        name: name.into(),
                        year: None,
                        return_days: Some(5),
                    };
                    let id = self.s.open_proposal_session(&sup, &input, now).await?.id;
                    for (k, (title, who, group, cat, _, _)) in LIST.iter().enumerate() {
                        let title = if kind == "proposal" {
                            title.replace("建议", "提案")
                        } else {
                            (*title).to_string()
                        };
                        let input = ProposalInput {
                            number: Some(k as i64 + 1),
                            title,
                            proposers: (*who).into(),
                            group: (*group).into(),
                            category: (*cat).into(),
                            body: format!(
                                "{}。建议有关部门加强统筹，明确时间表和责任单位，切实回应群众关切。",
                                LIST[k]
                                    .0
                                    .trim_start_matches("关于")
                                    .trim_end_matches("的建议")
                            ),
                        };
                        self.s.register_proposal(&sup, id, &input, now).await?;
                    }
                }
            }
            ProposalStep::Route(n) => {
                let (_, _, _, _, lead, co) = LIST[n - 1];
                let input = RouteInput {
                    mode: "joint".into(),
                    lead_unit_id: Some(self.unit_id(lead)?),
                    co_unit_ids: co
                        .iter()
                        .map(|c| self.unit_id(c))
                        .collect::<Result<_, _>>()?,
                };
                for id in self.both(&sup, n).await? {
                    self.s.route_proposal(&sup, id, &input, now).await?;
                }
            }
            ProposalStep::Opinion(n) => {
                for co in LIST[n - 1].5 {
                    let who = self.login(&format!("{co}.liaison")).await?;
                    for id in self.both(&sup, n).await? {
                        let input = OpinionInput {
                            text: "我局同意主办单位意见，将在年度预算中统筹安排所需资金。".into(),
                        };
                        self.s.send_opinion(&who, id, &input, now).await?;
                    }
                }
            }
            ProposalStep::Reply(n, grade) => {
                let who = self.login(&format!("{}.liaison", LIST[n - 1].4)).await?;
                for id in self.both(&sup, n).await? {
                    let b = grade == "b";
                    let input = ReplyInput {
                        text: reply_text(grade).into(),
                        grade: grade.into(),
                        commitment: if b {
                            "年底前完成首批试点并向代表委员通报".into()
                        } else {
                            String::new()
                        },
                        commitment_due: b
                            .then(|| today.checked_add_days(Days::new(60)).unwrap_or(today)),
                    };
                    self.s.reply_proposal(&who, id, &input, now).await?;
                }
            }
            ProposalStep::Rate(n, sat) => {
                for id in self.both(&sup, n).await? {
                    let d = self.s.proposal_detail(&sup, id).await?;
                    let reply = d.replies.last().context("no reply")?.id;
                    let input = RateInput {
                        reply_id: reply,
                        satisfaction: sat.into(),
                        note: if sat == "dissatisfied" {
                            "认为答复过于原则，希望明确具体点位和时间。".into()
                        } else {
                            String::new()
                        },
                    };
                    self.s.rate_reply(&sup, id, &input, now).await?;
                }
            }
            ProposalStep::Extend(n) => {
                let who = self.login(&format!("{}.liaison", LIST[n - 1].4)).await?;
                for id in self.both(&sup, n).await? {
                    let d = self.s.proposal_detail(&sup, id).await?;
                    let due = d.row.reply_due.context("due")?;
                    let limit = d.row.extension_limit.context("limit")?;
                    let to = due
                        .checked_add_days(Days::new(25))
                        .unwrap_or(due)
                        .min(limit);
                    let input = ExtensionInput {
                        to: Some(to),
                        reason: "涉及多部门联合论证，需待规划调整方案批复后答复。".into(),
                    };
                    self.s.ask_proposal_extension(&who, id, &input, now).await?;
                    let ok = ExtensionDecisionInput {
                        approve: true,
                        comment: String::new(),
                    };
                    self.s.decide_proposal_extension(&sup, id, &ok, now).await?;
                }
            }
            ProposalStep::Return(n) => {
                let who = self.login(&format!("{}.liaison", LIST[n - 1].4)).await?;
                for id in self.both(&sup, n).await? {
                    let d = self.s.proposal_detail(&sup, id).await?;
                    let a = d.line.units.first().context("unit")?.assignment_id;
                    let input = TextInput {
                        text:
                            "企业融资支持属金融监管和工信部门职责，建议改由市工业和信息化局主办。"
                                .into(),
                    };
                    self.s.refuse_assignment(&who, a, &input, now).await?;
                }
            }
        }
        Ok(())
    }
}

fn reply_text(grade: &str) -> &'static str {
    match grade {
        "a" => {
            "经认真研究，您提出的问题已基本解决：相关点位已完成建设并投入使用，后续将持续做好运行维护。"
        }
        "b" => {
            "您的建议很有针对性，我们已将其列入本年度工作计划，正在组织实施，预计年底前完成首批试点。"
        }
        "c" => {
            "您的建议很有价值，但受资金和用地条件限制，目前暂难全部实施，我们将积极创造条件逐步解决。"
        }
        _ => "您的建议对我们改进工作很有参考价值，我们将在今后制定相关政策时认真研究吸纳。",
    }
}
