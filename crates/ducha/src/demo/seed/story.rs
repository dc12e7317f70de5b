//! The demo's chain-analytics story: five items played on purpose through the real use cases,
//! on the same clock as the rest of the history, so the stall map and the findings point at
//! known culprits (see the README's "try this" table):
//!
//! - 肠梗阻: 松岭县 keeps 农村危房改造动态清零 nine of its twelve working days before passing it
//!   to 马鞍镇 and 清水镇, who get three and finish late — the lost days are the county's;
//! - 中途变味: 白石镇 hands its two villages 80 of its 120 households (户厕改造) and accepts
//!   白石村's completion at 30 of 40 with a reason; 龙潭镇 asks for completion at 90 of 120, left
//!   for 云溪县's office to decide;
//! - 转发了事: 市生态环境局 passes 秋冬季大气污染防治攻坚 to its six county branches twelve
//!   minutes after signing, in its own words and with nothing of its own;
//! - a delay caused by an unanswered help request: 长滩镇 asks 白河县农业农村局 to coordinate land
//!   for a water source; nobody answers, and 长滩镇's overdue days are charged to the bureau;
//! - 层层加码: 枫林市 turns 100 charging piles into 130 for two streets and cuts their deadline
//!   from five weeks to under two.

use super::sim::{Act, Sim};
use anyhow::Context;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use ducha_domain::item::{Cadence, ItemInput, Target};
use ducha_domain::report::{MetricValue, ReportInput, Verdict};
use ducha_service::assignments::{HelpInput, ReviewInput, SignInput};
use ducha_service::items::{AssignmentInput, DispatchInput};

/// A day relative to the demo's today, in working days.
#[derive(Debug, Clone, Copy)]
pub(super) enum Day {
    Before(u32),
    After(u32),
}

/// A unit an item or decomposition names, with its share.
#[derive(Debug, Clone)]
pub(super) struct Child {
    unit: &'static str,
    lead: bool,
    deadline: Day,
    targets: Option<Vec<(&'static str, &'static str, f64)>>,
    instructions: &'static str,
}

/// One step of the story.
#[derive(Debug, Clone)]
pub(super) enum Step {
    /// Registered, submitted, approved and dispatched in one morning.
    Item {
        key: &'static str,
        by: &'static str,
        leader: &'static str,
        title: &'static str,
        description: &'static str,
        source: &'static str,
        category: &'static str,
        targets: Vec<(&'static str, &'static str, f64)>,
        deadline: Day,
        to: Vec<Child>,
    },
    Sign {
        key: &'static str,
        unit: &'static str,
    },
    Decompose {
        key: &'static str,
        unit: &'static str,
        children: Vec<Child>,
    },
    Report {
        key: &'static str,
        unit: &'static str,
        text: &'static str,
        percent: i64,
        metrics: Vec<(&'static str, f64)>,
        completion: bool,
    },
    /// The level above reviews the unit's pending report.
    Review {
        key: &'static str,
        unit: &'static str,
        by: &'static str,
        comment: &'static str,
    },
    Help {
        key: &'static str,
        unit: &'static str,
        to: &'static str,
        text: &'static str,
    },
}

fn child(
    unit: &'static str,
    deadline: Day,
    targets: Option<Vec<(&'static str, &'static str, f64)>>,
    instructions: &'static str,
) -> Child {
    Child {
        unit,
        lead: true,
        deadline,
        targets,
        instructions,
    }
}

fn sign(key: &'static str, unit: &'static str) -> Step {
    Step::Sign { key, unit }
}

fn report(
    key: &'static str,
    unit: &'static str,
    text: &'static str,
    percent: i64,
    metrics: &[(&'static str, f64)],
) -> Step {
    Step::Report {
        key,
        unit,
        text,
        percent,
        metrics: metrics.to_vec(),
        completion: false,
    }
}

fn complete(
    key: &'static str,
    unit: &'static str,
    text: &'static str,
    metrics: &[(&'static str, f64)],
) -> Step {
    Step::Report {
        key,
        unit,
        text,
        percent: 100,
        metrics: metrics.to_vec(),
        completion: true,
    }
}

fn accept(key: &'static str, unit: &'static str, by: &'static str, comment: &'static str) -> Step {
    Step::Review {
        key,
        unit,
        by,
        comment,
    }
}

fn decompose(key: &'static str, unit: &'static str, children: Vec<Child>) -> Step {
    Step::Decompose {
        key,
        unit,
        children,
    }
}

type Targets = Vec<(&'static str, &'static str, f64)>;

fn one(name: &'static str, unit: &'static str, value: f64) -> Option<Targets> {
    Some(vec![(name, unit, value)])
}

/// The story's steps: (working days before today, time, step).
pub(super) fn steps() -> Vec<(u32, (u32, u32), Step)> {
    use Day::{After, Before};
    let hh = |n: f64| vec![("改造户厕", "户", n), ("群众满意率", "%", 90.0)];
    let houses = |n: f64| Some(hh(n));
    let item = |key, by, leader, title, description, source, category| {
        move |targets: Targets, deadline: Day, to: Vec<Child>| Step::Item {
            key,
            by,
            leader,
            title,
            description,
            source,
            category,
            targets,
            deadline,
            to,
        }
    };
    let a = item(
        "A",
        "zf.ducha1",
        "shizhang",
        "农村危房改造动态清零",
        "市政府常务会议决定：年内完成全市农村危房改造动态清零，按户建档、逐户销号。",
        "meeting",
        "livelihood",
    );
    let b = item(
        "B",
        "yunxi.dcs",
        "yunxi.head",
        "农村户厕改造提质",
        "县政府工作报告重点工作：完成农村户厕改造240户，群众满意率不低于90%。",
        "key_work",
        "livelihood",
    );
    let c = item(
        "C",
        "zf.ducha1",
        "shizhang",
        "秋冬季大气污染防治攻坚",
        "市政府工作报告重点工作：打好秋冬季大气污染防治攻坚战。",
        "key_work",
        "central_work",
    );
    let d = item(
        "D",
        "zf.ducha1",
        "shizhang",
        "农村饮水安全巩固提升",
        "民生实事：巩固提升农村饮水安全，解决3000人饮水不安全问题。",
        "key_work",
        "livelihood",
    );
    let e = item(
        "E",
        "zf.ducha1",
        "shizhang",
        "公共充电设施建设",
        "重大项目：新建公共充电桩100个，方便群众绿色出行。",
        "major_project",
        "central_work",
    );
    let branches = [
        "sthjj.qingfeng",
        "sthjj.minghu",
        "sthjj.yunxi",
        "sthjj.songling",
        "sthjj.baihe",
        "sthjj.fenglin",
    ];
    #[rustfmt::skip]
    let steps = vec![
        // 肠梗阻: 松岭县 sits on it nine of its twelve working days.
        (26, (9, 10), a(vec![("完成危房改造", "户", 80.0)], Before(14), vec![child(
            "songling",
            Before(14),
            None,
            "请松岭县牵头，按户建档、逐户销号，于期限内完成80户危房改造并报送验收资料。",
        )])),
        (26, (15, 20), sign("A", "songling")),
        (17, (10, 5), decompose("A", "songling", vec![
            child("maan", Before(14), one("完成危房改造", "户", 40.0), "马鞍镇负责马鞍村、杨柳村40户危房改造，逐户拍照建档。"),
            child("qingshui", Before(14), one("完成危房改造", "户", 40.0), "清水镇负责40户危房改造，逐户拍照建档。"),
        ])),
        (17, (15, 0), sign("A", "maan")),
        (16, (9, 30), sign("A", "qingshui")),
        (13, (16, 0), report("A", "maan", "已完成24户改造，其余16户正在施工。", 60, &[("完成危房改造", 24.0)])),
        (11, (10, 0), complete("A", "maan", "40户危房改造全部完工，已逐户拍照建档，申请办结。", &[("完成危房改造", 40.0)])),
        (10, (9, 40), accept("A", "maan", "songling.liaison", "经现场抽查，同意办结。")),
        (9, (11, 0), complete("A", "qingshui", "40户危房改造全部完工，申请办结。", &[("完成危房改造", 40.0)])),
        (8, (10, 20), accept("A", "qingshui", "songling.liaison", "资料齐全，同意办结。")),
        (7, (15, 10), complete("A", "songling", "全县80户危房改造全部完成，申请办结。", &[("完成危房改造", 80.0)])),
        (6, (10, 0), accept("A", "songling", "zf.ducha1", "同意办结，逾期问题在月度通报中说明。")),
        // 中途变味: 白石镇 hands down 80 of its 120 households and accepts 白石村 short.
        (22, (9, 30), b(hh(240.0), After(15), vec![
            child("longtan", After(15), houses(120.0), "龙潭镇负责120户户厕改造，同步建立管护台账。"),
            child("baishi", After(15), houses(120.0), "白石镇负责120户户厕改造，同步建立管护台账。"),
        ])),
        (22, (14, 0), sign("B", "longtan")),
        (21, (9, 20), sign("B", "baishi")),
        (20, (10, 30), decompose("B", "baishi", vec![
            child("baishicun", After(12), houses(40.0), "白石村完成40户户厕改造，入户验收。"),
            child("guihuacun", After(12), houses(40.0), "桂花村完成40户户厕改造，入户验收。"),
        ])),
        (19, (9, 0), sign("B", "baishicun")),
        (19, (11, 0), sign("B", "guihuacun")),
        (18, (16, 10), report("B", "longtan", "已完成45户改造，施工队伍已进场。", 40, &[("改造户厕", 45.0), ("群众满意率", 92.0)])),
        (4, (10, 0), complete("B", "baishicun", "已完成30户改造，申请办结。", &[("改造户厕", 30.0), ("群众满意率", 91.0)])),
        (3, (15, 0), accept("B", "baishicun", "baishi.liaison", "余下10户因农户外出务工暂缓改造，纳入明年计划，同意办结。")),
        // 龙潭镇 asks for completion at 90 of 120, left for yunxi.dcs to decide.
        (2, (10, 0), complete("B", "longtan", "已完成90户改造，群众满意率93%，申请办结。", &[("改造户厕", 90.0), ("群众满意率", 93.0)])),
        // 转发了事: 市生态环境局 forwards within minutes.
        (12, (9, 0), c(vec![("空气质量优良天数比率", "%", 85.0)], After(30), vec![child("sthjj", After(30), None, SHTJJ_OWN)])),
        (12, (10, 2), sign("C", "sthjj")),
        (12, (10, 14), decompose("C", "sthjj", branches.into_iter().map(|u| child(u, After(30), None, SHTJJ_OWN)).collect())),
        // A delay caused by an unanswered help request.
        (20, (9, 0), d(vec![("解决饮水不安全人口", "人", 3000.0)], Before(3), vec![child("baihe", Before(3), None, "请白河县牵头实施，按月报送工程进度。")])),
        (20, (11, 0), sign("D", "baihe")),
        (19, (10, 0), decompose("D", "baihe", vec![
            child("changtan", Before(5), one("解决饮水不安全人口", "人", 1200.0), "长滩镇负责新建水源工程，解决1200人饮水问题。"),
            child("baihezhen", Before(3), one("解决饮水不安全人口", "人", 1800.0), "白河镇负责管网延伸工程，解决1800人饮水问题。"),
        ])),
        (18, (9, 10), sign("D", "changtan")),
        (18, (14, 30), sign("D", "baihezhen")),
        (17, (9, 30), Step::Help { key: "D", unit: "changtan", to: "baihe.ny", text: "新建水源工程取水点用地需县农业农村局协调办理审批手续，请予支持。" }),
        (12, (16, 0), report("D", "baihezhen", "管网延伸工程已完成60%，受益1100人。", 60, &[("解决饮水不安全人口", 1100.0)])),
        (6, (15, 30), complete("D", "baihezhen", "管网延伸工程全部完工通水，受益1800人，申请办结。", &[("解决饮水不安全人口", 1800.0)])),
        (5, (10, 40), accept("D", "baihezhen", "baihe.liaison", "现场核查通水正常，同意办结。")),
        (5, (16, 0), report("D", "baihe", "白河镇管网延伸工程已完工；长滩镇水源工程取水点用地待县农业农村局协调，工程暂停。", 60, &[("解决饮水不安全人口", 1800.0)])),
        // 层层加码: 枫林市 raises the target and squeezes the deadline.
        (8, (9, 0), e(vec![("新建公共充电桩", "个", 100.0)], After(25), vec![child("fenglin", After(25), None, "请枫林市牵头建设100个公共充电桩。")])),
        (8, (14, 0), sign("E", "fenglin")),
        (6, (10, 0), decompose("E", "fenglin", vec![
            child("chengbei", After(3), one("新建公共充电桩", "个", 70.0), "城北街道务必于期限前建成70个充电桩，只能提前不能延后。"),
            child("gucheng", After(3), one("新建公共充电桩", "个", 60.0), "古城镇务必于期限前建成60个充电桩，只能提前不能延后。"),
        ])),
    ];
    steps
}

/// The environment bureau's instructions, which its forwarding repeats word for word.
const SHTJJ_OWN: &str = "请市生态环境局牵头，制定秋冬季大气污染防治攻坚方案，明确各县区责任分工和管控清单，落实扬尘、机动车、秸秆焚烧等重点管控措施，每月5日前报送进展。";

impl Sim<'_> {
    /// `n` working days before the demo's today.
    pub(super) fn day_before(&self, n: u32) -> NaiveDate {
        let cal = self.s.calendar();
        let mut d = self.end;
        let mut left = n;
        while left > 0 {
            d = d.pred_opt().unwrap_or(d);
            if cal.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    fn day(&self, d: Day) -> NaiveDate {
        match d {
            Day::Before(n) => self.day_before(n),
            Day::After(n) => self.s.calendar().add_working_days(self.end, n),
        }
    }

    /// Puts the story's steps on the agenda.
    pub(super) fn plan_story(&mut self) {
        for (i, (before, (h, m), _)) in steps().into_iter().enumerate() {
            let d = self.day_before(before);
            let t = NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
            self.sched(NaiveDateTime::new(d, t), Act::Story(i));
        }
    }

    async fn user_actor(&mut self, login: &str) -> anyhow::Result<ducha_domain::org::Actor> {
        let u = self
            .s
            .store
            .user_by_name(login)
            .await?
            .with_context(|| format!("no user {login}"))?;
        self.actor(u.id).await
    }

    pub(super) fn unit_id(&self, code: &str) -> anyhow::Result<i64> {
        let i = self
            .org
            .unit(code)
            .with_context(|| format!("no unit {code}"))?;
        Ok(self.org.units[i].id)
    }

    async fn story_assignment(&self, key: &str, unit: &str) -> anyhow::Result<i64> {
        let item = *self
            .story
            .get(key)
            .with_context(|| format!("story item {key}"))?;
        let unit = self.unit_id(unit)?;
        let all = self.s.store.assignments_of_item(item).await?;
        all.iter()
            .find(|a| a.unit_id == unit && a.state.is_open())
            .or_else(|| all.iter().find(|a| a.unit_id == unit))
            .map(|a| a.id)
            .context("story assignment")
    }

    fn inputs(&self, children: &[Child]) -> anyhow::Result<Vec<AssignmentInput>> {
        children
            .iter()
            .map(|c| {
                Ok(AssignmentInput {
                    unit_id: self.unit_id(c.unit)?,
                    role: if c.lead { "lead" } else { "co" }.into(),
                    deadline: Some(self.day(c.deadline)),
                    deadline_working_days: None,
                    targets: c.targets.as_ref().map(|ts| targets(ts)),
                    instructions: c.instructions.into(),
                    responsible_user_id: None,
                })
            })
            .collect()
    }

    /// Plays one step of the story.
    pub(super) async fn story_step(&mut self, i: usize) -> anyhow::Result<()> {
        let Some((_, _, step)) = steps().into_iter().nth(i) else {
            return Ok(());
        };
        match step {
            Step::Item {
                key,
                by,
                leader,
                title,
                description,
                source,
                category,
                targets: ts,
                deadline,
                to,
            } => {
                let sup = self.user_actor(by).await?;
                let boss = self.user_actor(leader).await?;
                let input = ItemInput {
                    title: title.into(),
                    description: description.into(),
                    source: source.into(),
                    category: category.into(),
                    priority: Some("high".into()),
                    targets: targets(&ts),
                    deadline: Some(self.day(deadline)),
                    deadline_working_days: None,
                    cadence: Some(Cadence::Monthly { day: 5 }),
                    leader_id: Some(boss.user_id.0),
                    public: false,
                };
                let id = self.s.create_item(&sup, &input, self.now()).await?.id;
                self.story.insert(key, id);
                self.cur += chrono::Duration::minutes(6);
                self.s.submit_item(&sup, id, self.now()).await?;
                self.cur += chrono::Duration::minutes(25);
                self.s
                    .approve_item(&boss, id, "同意，抓紧交办。", self.now())
                    .await?;
                self.cur += chrono::Duration::minutes(18);
                let input = DispatchInput {
                    assignments: self.inputs(&to)?,
                };
                self.s.dispatch_item(&sup, id, &input, self.now()).await?;
            }
            Step::Sign { key, unit } => {
                let a = self.story_assignment(key, unit).await?;
                let actor = self.user_actor(&format!("{unit}.liaison")).await?;
                self.s
                    .sign_assignment(&actor, a, &SignInput::default(), self.now())
                    .await?;
            }
            Step::Decompose {
                key,
                unit,
                children,
            } => {
                let a = self.story_assignment(key, unit).await?;
                let actor = self.user_actor(&format!("{unit}.liaison")).await?;
                let input = DispatchInput {
                    assignments: self.inputs(&children)?,
                };
                self.s
                    .decompose_assignment(&actor, a, &input, self.now())
                    .await?;
            }
            Step::Report {
                key,
                unit,
                text,
                percent,
                metrics,
                completion,
            } => {
                let a = self.story_assignment(key, unit).await?;
                let actor = self.user_actor(&format!("{unit}.liaison")).await?;
                let input = ReportInput {
                    text: text.into(),
                    percent: Some(percent),
                    metrics: metrics
                        .iter()
                        .map(|(name, value)| MetricValue {
                            name: (*name).into(),
                            value: *value,
                        })
                        .collect(),
                    problems: String::new(),
                    completion,
                    evidence_ids: vec![],
                };
                self.s.submit_report(&actor, a, &input, self.now()).await?;
            }
            Step::Review {
                key,
                unit,
                by,
                comment,
            } => {
                let a = self.story_assignment(key, unit).await?;
                let item = *self.story.get(key).context("story item")?;
                let report = self
                    .s
                    .store
                    .reports_of_item(item)
                    .await?
                    .into_iter()
                    .rfind(|r| r.assignment_id == a)
                    .context("story report")?;
                let actor = self.user_actor(by).await?;
                let input = ReviewInput {
                    verdict: Verdict::Accept,
                    comment: comment.into(),
                };
                self.s
                    .review_report(&actor, report.id, &input, self.now())
                    .await?;
            }
            Step::Help {
                key,
                unit,
                to,
                text,
            } => {
                let a = self.story_assignment(key, unit).await?;
                let actor = self.user_actor(&format!("{unit}.liaison")).await?;
                let input = HelpInput {
                    text: text.into(),
                    to_unit_id: Some(self.unit_id(to)?),
                };
                self.s.request_help(&actor, a, &input, self.now()).await?;
            }
        }
        Ok(())
    }
}

fn targets(ts: &[(&str, &str, f64)]) -> Vec<Target> {
    ts.iter()
        .map(|(name, unit, value)| Target {
            name: (*name).into(),
            unit: (*unit).into(),
            value: *value,
        })
        .collect()
}
