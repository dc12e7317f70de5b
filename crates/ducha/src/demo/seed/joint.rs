//! The demo's integrated supervision (整合督查资源), played on the history's clock through the
//! real use cases:
//!
//! - the leading group: 市委书记 heads it, 市长 deputises, the two supervision offices run it,
//!   纪委监委, 审计局, 人大, 政协 and 12345 sit as member bodies with their liaisons;
//! - 市政府督查室 inspected two streets five weeks ago; its findings became rectification items,
//!   approved, dispatched and under way;
//! - a joint meeting three weeks ago, its agenda proposed from the red and stalled items: it
//!   extended one deadline, turned one line into a new item dispatched at once, summoned a unit;
//!   the minutes are a Word download;
//! - the next meeting in three working days, its agenda proposed and its pack not yet sent;
//! - this quarter's plans: 审计局's fund audit and 纪委监委's conduct check both visit 龙潭镇
//!   the same week — merged into one joint inspection led by 审计局; 人大's and 政协's
//!   business-environment checks overlap in topic — declined with a reason; 双河乡 gets four
//!   visits in one week, over its budget of three, approved by the office with a condition;
//!   12345's unannounced visit is outside the annual plan and waits for approval (一事一报).

use super::sim::{Act, Sim};
use anyhow::Context;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use ducha_domain::joint::inspections::InspectionInput;
use ducha_domain::org::Actor;
use ducha_domain::report::ReportInput;
use ducha_service::assignments::SignInput;
use ducha_service::items::{AssignmentInput, DispatchInput};
use ducha_service::joint::{
    AnswerInput, DecisionInput, FindingInput, FindingsInput, HoldInput, InspectionDecisionInput,
    MeetingInput, SeatInput, WithdrawInput,
};

/// One step of the demo's integrated supervision.
#[derive(Debug, Clone)]
pub(super) enum JointStep {
    Seats,
    /// A plan filed: (login, topic, method, window from/to as days after today (negative:
    /// before), target codes, annual).
    File(
        &'static str,
        &'static str,
        &'static str,
        i64,
        i64,
        &'static [&'static str],
        bool,
    ),
    /// The findings of the past inspection, turned into items.
    Findings,
    /// The rectification items approved and dispatched to the units found wanting.
    Rectify,
    /// The units sign and report on their rectification items.
    RectifyReport(u8),
    ScheduleHeld,
    Hold,
    Decide,
    /// The units of the new item sign and report.
    FollowUp(u8),
    /// The lead body answers the proposed merge of the plan of this topic: merge or decline.
    Answer(&'static str, bool),
    /// The office approves the plan of this topic.
    Approve(&'static str),
    /// The body that filed the plan of this topic withdraws it (login, topic).
    Withdraw(&'static str, &'static str),
    ScheduleNext,
}

const SEATS: &[(&str, &str, &str, &str)] = &[
    // (position, unit code or leader login, body kind, liaison login)
    ("head", "shuji", "", ""),
    ("deputy", "shizhang", "", ""),
    ("office", "sw", "party_office", "sw.ducha1"),
    ("office", "zf", "government_office", "zf.ducha1"),
    ("member", "jw", "discipline", "jw.liaison"),
    ("member", "sj", "audit", "sj.liaison"),
    ("member", "rd", "npc", "rd.liaison"),
    ("member", "zx", "cppcc", "zx.liaison"),
    ("member", "rx12345", "hotline", "rx12345.liaison"),
];

fn lead_topics(code: &str) -> &'static str {
    match code {
        "jw" => "作风建设，纪律，微腐败",
        "sj" => "资金，审计，财务",
        "rd" => "执法检查，代表建议",
        "zx" => "民主监督，政协提案",
        "rx12345" => "群众诉求，热线",
        _ => "",
    }
}

/// Topics of the quarter's plans.
const P0: &str = "重点项目建设进度实地督查";
const P_CONDUCT: &str = "基层干部作风建设专项检查";
const P_FUNDS: &str = "乡村振兴衔接资金使用专项审计";
const P_LAW: &str = "优化营商环境条例实施情况执法检查";
const P_SUPERVISE: &str = "优化营商环境条例实施情况民主监督";
const P_OVER: &str = "村级财务公开情况检查";
const P_UNPLANNED: &str = "群众反映集中问题暗访";
const P_WITHDRAWN: &str = "森林防火责任落实情况检查";

impl Sim<'_> {
    fn at_time(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        NaiveDateTime::new(d, NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default())
    }

    /// Puts integrated supervision on the agenda.
    pub(super) fn plan_joint(&mut self) {
        use JointStep as J;
        let b = |s: &Self, n: u32| s.day_before(n);
        let mut plan: Vec<(NaiveDateTime, JointStep)> = vec![
            (Self::at_time(b(self, 70), 9, 5), J::Seats),
            (
                Self::at_time(b(self, 32), 10, 0),
                J::File(
                    "zf.ducha1",
                    P0,
                    "onsite",
                    -36,
                    -33,
                    &["dongguan", "shawan"],
                    true,
                ),
            ),
            (Self::at_time(b(self, 23), 15, 0), J::Findings),
            (Self::at_time(b(self, 22), 10, 0), J::Rectify),
            (Self::at_time(b(self, 21), 9, 20), J::RectifyReport(0)),
            (Self::at_time(b(self, 12), 10, 40), J::RectifyReport(40)),
            (Self::at_time(b(self, 4), 15, 10), J::RectifyReport(75)),
            (Self::at_time(b(self, 18), 10, 0), J::ScheduleHeld),
            (Self::at_time(b(self, 14), 15, 0), J::Hold),
            (Self::at_time(b(self, 14), 16, 0), J::Decide),
            (Self::at_time(b(self, 13), 9, 40), J::FollowUp(0)),
            (Self::at_time(b(self, 7), 16, 20), J::FollowUp(30)),
            (
                Self::at_time(b(self, 12), 9, 30),
                J::File(
                    "jw.liaison",
                    P_CONDUCT,
                    "onsite",
                    3,
                    7,
                    &["longtan", "baishi"],
                    true,
                ),
            ),
            (
                Self::at_time(b(self, 11), 14, 30),
                J::File(
                    "sj.liaison",
                    P_FUNDS,
                    "onsite",
                    5,
                    10,
                    &["longtan", "taohua"],
                    true,
                ),
            ),
            (Self::at_time(b(self, 10), 10, 15), J::Answer(P_FUNDS, true)),
            (
                Self::at_time(b(self, 10), 16, 0),
                J::File(
                    "jw.liaison",
                    P_WITHDRAWN,
                    "onsite",
                    15,
                    16,
                    &["taohua"],
                    true,
                ),
            ),
            (
                Self::at_time(b(self, 3), 11, 0),
                J::Withdraw("jw.liaison", P_WITHDRAWN),
            ),
            (
                Self::at_time(b(self, 9), 9, 0),
                J::File("rd.liaison", P_LAW, "onsite", 8, 12, &["swj", "fgw"], true),
            ),
            (
                Self::at_time(b(self, 8), 11, 0),
                J::File("zx.liaison", P_SUPERVISE, "written", 9, 11, &["gxj"], true),
            ),
            (Self::at_time(b(self, 7), 10, 30), J::Answer(P_LAW, false)),
            (
                Self::at_time(b(self, 6), 9, 0),
                J::File(
                    "rx12345.liaison",
                    "群众诉求办理情况回访",
                    "onsite",
                    2,
                    2,
                    &["shuanghe"],
                    true,
                ),
            ),
            (
                Self::at_time(b(self, 6), 14, 0),
                J::File(
                    "zf.ducha1",
                    "冬季安全生产隐患排查督查",
                    "onsite",
                    3,
                    3,
                    &["shuanghe"],
                    true,
                ),
            ),
            (
                Self::at_time(b(self, 5), 9, 30),
                J::File(
                    "sj.liaison",
                    "村级集体经济项目审计",
                    "onsite",
                    4,
                    4,
                    &["shuanghe"],
                    true,
                ),
            ),
            (
                Self::at_time(b(self, 4), 10, 0),
                J::File("jw.liaison", P_OVER, "onsite", 5, 5, &["shuanghe"], true),
            ),
            (Self::at_time(b(self, 3), 11, 0), J::Approve(P_OVER)),
            (
                Self::at_time(b(self, 2), 15, 30),
                J::File(
                    "rx12345.liaison",
                    P_UNPLANNED,
                    "unannounced",
                    4,
                    5,
                    &["gaofeng"],
                    false,
                ),
            ),
            (Self::at_time(b(self, 1), 16, 0), J::ScheduleNext),
        ];
        plan.sort_by_key(|(at, _)| *at);
        for (at, step) in plan {
            self.sched(at, Act::Joint(step));
        }
    }

    async fn fresh(&self, login: &str) -> anyhow::Result<Actor> {
        let u = self
            .s
            .store
            .user_by_name(login)
            .await?
            .with_context(|| format!("no user {login}"))?;
        Ok(self.s.actor(u.id).await?)
    }

    fn days_from_today(&self, n: i64) -> NaiveDate {
        if n >= 0 {
            self.end.checked_add_days(Days::new(n.unsigned_abs()))
        } else {
            self.end.checked_sub_days(Days::new(n.unsigned_abs()))
        }
        .unwrap_or(self.end)
    }

    /// The plan of a topic.
    async fn plan_of(&self, sup: &Actor, topic: &str) -> anyhow::Result<i64> {
        let from = self.days_from_today(-120);
        let to = self.days_from_today(120);
        self.s
            .inspections(sup, from, to, self.now())
            .await?
            .into_iter()
            .find(|i| i.topic == topic)
            .map(|i| i.id)
            .with_context(|| format!("no plan {topic}"))
    }

    /// The items the meetings decided about, or the rectification items, by the note they
    /// were made with.
    async fn rectification_items(&self, sup: &Actor) -> anyhow::Result<Vec<(i64, i64)>> {
        let id = self.plan_of(sup, P0).await?;
        Ok(self
            .s
            .store
            .inspection_findings(id)
            .await?
            .iter()
            .map(|f| (f.item_id, f.unit_id))
            .collect())
    }

    /// Signs or reports on every open assignment of `item` as its unit's liaison.
    async fn work_on(&mut self, item: i64, percent: u8) -> anyhow::Result<()> {
        let all = self.s.store.assignments_of_item(item).await?;
        for a in all.iter().filter(|a| a.state.is_open()) {
            let Some(&u) = self.org.by_id.get(&a.unit_id) else {
                continue;
            };
            let Some(user) = self.org.liaison(u, &mut self.rng) else {
                continue;
            };
            let actor = self.actor(user).await?;
            if percent == 0 {
                self.s
                    .sign_assignment(&actor, a.id, &SignInput::default(), self.now())
                    .await?;
            } else {
                let input = ReportInput {
                    text: format!(
                        "已制定整改方案并分解到责任人，完成约{percent}%，剩余事项按时限推进。"
                    ),
                    percent: Some(i64::from(percent)),
                    metrics: vec![],
                    problems: String::new(),
                    completion: false,
                    evidence_ids: vec![],
                };
                self.s
                    .submit_report(&actor, a.id, &input, self.now())
                    .await?;
            }
        }
        Ok(())
    }

    /// Plays one step.
    pub(super) async fn joint_step(&mut self, step: JointStep) -> anyhow::Result<()> {
        let sup = self.fresh("zf.ducha1").await?;
        let now = self.now();
        match step {
            JointStep::Seats => {
                for &(position, who, kind, liaison) in SEATS {
                    let input = if position == "head" || position == "deputy" {
                        let u = self.s.store.user_by_name(who).await?.context("leader")?;
                        SeatInput {
                            position: position.into(),
                            unit_id: None,
                            body_kind: None,
                            user_id: Some(u.id),
                            lead_topics: String::new(),
                        }
                    } else {
                        let unit = self.unit_id(who)?;
                        let l = self
                            .s
                            .store
                            .user_by_name(liaison)
                            .await?
                            .context("liaison")?;
                        SeatInput {
                            position: position.into(),
                            unit_id: Some(unit),
                            body_kind: Some(kind.into()),
                            user_id: Some(l.id),
                            lead_topics: lead_topics(who).into(),
                        }
                    };
                    self.s.fill_seat(&sup, &input, now).await?;
                }
                // The member bodies now read the register: their actors change.
                self.forget_actors();
            }
            JointStep::File(login, topic, method, from, to, targets, annual) => {
                let actor = self.fresh(login).await?;
                let mut ids = Vec::new();
                for t in targets {
                    ids.push(self.unit_id(t)?);
                }
                let input = InspectionInput {
                    topic: topic.into(),
                    basis: "《青山市2026年度督查检查考核计划》（青办发〔2026〕3号）".into(),
                    method: method.into(),
                    window_from: self.days_from_today(from),
                    window_to: self.days_from_today(to),
                    target_unit_ids: ids,
                    people: 4,
                    days_on_site: 1,
                    forms: 1,
                    annual,
                };
                self.s.file_inspection(&actor, &input, now).await?;
            }
            JointStep::Findings => {
                let id = self.plan_of(&sup, P0).await?;
                let due = self.s.calendar().add_working_days(self.today(), 25);
                let input = FindingsInput {
                    findings: vec![
                        FindingInput {
                            unit_id: self.unit_id("dongguan")?,
                            text: "老旧小区改造项目施工组织混乱，现场安全围挡缺失，进度滞后计划约三周。".into(),
                            deadline: due,
                        },
                        FindingInput {
                            unit_id: self.unit_id("shawan")?,
                            text: "污水管网配套工程征地协调迟缓，部分标段停工待料。".into(),
                            deadline: due,
                        },
                    ],
                };
                self.s.record_findings(&sup, id, &input, now).await?;
            }
            JointStep::Rectify => {
                let leader = self.fresh("shizhang").await?;
                for (item, unit) in self.rectification_items(&sup).await? {
                    self.s
                        .approve_item(&leader, item, "同意，按督查发现问题限期整改。", now)
                        .await?;
                    let input = DispatchInput {
                        assignments: vec![AssignmentInput {
                            unit_id: unit,
                            role: "lead".into(),
                            deadline: None,
                            deadline_working_days: None,
                            targets: None,
                            instructions: "请对照督查发现问题逐项整改，整改结果纳入平时成绩。"
                                .into(),
                            responsible_user_id: None,
                        }],
                    };
                    self.s.dispatch_item(&sup, item, &input, now).await?;
                }
            }
            JointStep::RectifyReport(p) => {
                for (item, _) in self.rectification_items(&sup).await? {
                    self.work_on(item, p).await?;
                }
            }
            JointStep::ScheduleHeld => {
                let held_on = self.day_before(14);
                let input = MeetingInput {
                    title: format!("{}年第四季度督查工作联席会议", held_on.format("%Y")),
                    held_on,
                    place: "市委第一会议室".into(),
                    chair_user_id: None,
                    seat_ids: vec![],
                };
                self.s.schedule_meeting(&sup, &input, now).await?;
            }
            JointStep::Hold => {
                let m = self.held_meeting(&sup).await?;
                let input = HoldInput {
                    summary: "会议听取了市委督查室、市政府督查室关于重点督办事项推进情况的汇报，逐项研究了红灯事项和梗阻问题，明确了责任单位和完成时限。".into(),
                };
                self.s.hold_meeting(&sup, m, &input, now).await?;
            }
            JointStep::Decide => {
                let m = self.held_meeting(&sup).await?;
                let view = self.s.meeting(&sup, m, now).await?;
                let story: Vec<i64> = self.story.values().copied().collect();
                let lines: Vec<_> = view
                    .lines
                    .iter()
                    .filter(|l| l.item_id.is_some_and(|i| !story.contains(&i)))
                    .collect();
                let cal = self.s.calendar();
                if let Some(l) = lines.first() {
                    let input = DecisionInput {
                        line_id: l.id,
                        kind: "deadline".into(),
                        text: "考虑到冬季施工条件，同意将完成时限顺延10个工作日，届时不再调整。"
                            .into(),
                        deadline: Some(cal.add_working_days(self.today(), 10)),
                        ..DecisionInput::default()
                    };
                    self.s.record_decision(&sup, m, &input, now).await?;
                }
                if let Some(l) = lines.get(1) {
                    let all = self
                        .s
                        .store
                        .assignments_of_item(l.item_id.unwrap_or_default())
                        .await?;
                    let lead = all
                        .iter()
                        .find(|a| a.parent_id.is_none())
                        .map(|a| a.unit_id)
                        .context("a lead unit")?;
                    let zrj = self.unit_id("zrj")?;
                    let co: Vec<i64> = if lead == zrj { vec![] } else { vec![lead] };
                    let input = DecisionInput {
                        line_id: l.id,
                        kind: "new_item".into(),
                        text: "该事项涉及用地报批，由市自然资源和规划局牵头开展专题协调，原承办单位配合，一个月内解决用地指标问题。".into(),
                        title: format!("专题协调：{}用地保障", l.title.chars().take(30).collect::<String>()),
                        unit_id: Some(zrj),
                        co_unit_ids: co,
                        deadline: Some(cal.add_working_days(self.today(), 22)),
                    };
                    self.s.record_decision(&sup, m, &input, now).await?;
                }
                if let Some(l) = lines.get(2) {
                    let input = DecisionInput {
                        line_id: l.id,
                        kind: "summons".into(),
                        text: "对承办单位主要负责同志进行约谈，要求一周内报送整改措施。".into(),
                        ..DecisionInput::default()
                    };
                    self.s.record_decision(&sup, m, &input, now).await?;
                }
                for l in lines.iter().skip(3).take(2) {
                    let input = DecisionInput {
                        line_id: l.id,
                        kind: "note".into(),
                        text: "听取汇报，责成承办单位按序时进度推进，下次会议报告进展。".into(),
                        ..DecisionInput::default()
                    };
                    self.s.record_decision(&sup, m, &input, now).await?;
                }
            }
            JointStep::FollowUp(p) => {
                let m = self.held_meeting(&sup).await?;
                let view = self.s.meeting(&sup, m, now).await?;
                let items: Vec<i64> = view
                    .lines
                    .iter()
                    .flat_map(|l| &l.decisions)
                    .filter(|d| d.kind == "new_item")
                    .filter_map(|d| d.item_id)
                    .collect();
                for item in items {
                    self.work_on(item, p).await?;
                }
            }
            JointStep::Answer(topic, merge) => {
                let id = self.plan_of(&sup, topic).await?;
                let v = self.s.inspection(&sup, id, now).await?;
                let o = v
                    .overlaps
                    .iter()
                    .find(|o| o.state == "proposed")
                    .context("a proposed merge")?;
                let lead = self.s.inspection(&sup, o.lead_id, now).await?;
                let idx = *self.org.by_id.get(&lead.body_unit_id).context("body")?;
                let who = self.org.liaison(idx, &mut self.rng).context("liaison")?;
                let actor = self.fresh_id(who).await?;
                let input = AnswerInput {
                    merge,
                    reason: if merge {
                        String::new()
                    } else {
                        "人大执法检查与政协民主监督性质不同，分别开展；检查材料共享，不重复向被检查单位要材料。".into()
                    },
                };
                self.s.answer_overlap(&actor, o.id, &input, now).await?;
            }
            JointStep::Withdraw(login, topic) => {
                let actor = self.fresh(login).await?;
                let id = self.plan_of(&sup, topic).await?;
                let input = WithdrawInput {
                    reason: "与巡察工作时间冲突，并入下季度计划统筹开展。".into(),
                };
                self.s.withdraw_inspection(&actor, id, &input, now).await?;
            }
            JointStep::Approve(topic) => {
                let id = self.plan_of(&sup, topic).await?;
                let input = InspectionDecisionInput {
                    approve: true,
                    comment: "确有必要，同意开展；请与前次检查共享材料，不再另行要求填表。".into(),
                };
                self.s.decide_inspection(&sup, id, &input, now).await?;
            }
            JointStep::ScheduleNext => {
                let held_on = self.s.calendar().add_working_days(self.end, 3);
                let input = MeetingInput {
                    title: format!("{}年督查工作联席会议（月度调度）", held_on.format("%Y")),
                    held_on,
                    place: "市政府第三会议室".into(),
                    chair_user_id: None,
                    seat_ids: vec![],
                };
                self.s.schedule_meeting(&sup, &input, now).await?;
            }
        }
        Ok(())
    }

    async fn fresh_id(&self, user: i64) -> anyhow::Result<Actor> {
        Ok(self.s.actor(user).await?)
    }

    /// The meeting held three weeks ago.
    async fn held_meeting(&self, sup: &Actor) -> anyhow::Result<i64> {
        let day = self.day_before(14);
        self.s
            .meetings(sup)
            .await?
            .into_iter()
            .find(|m| m.held_on == day)
            .map(|m| m.id)
            .context("the held meeting")
    }
}
