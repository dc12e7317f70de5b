//! Hot issues (热点诉求) in the demo city: after the earlier 12345 export was imported, the
//! city's supervisor (zf.ducha1) makes public 三最 items of the two largest hot issues through
//! the real use cases; a city leader approves them, the counties of their places sign and
//! report, one is closed and some of its citizens rate it on their tracking pages. All on
//! working days in office hours.

use super::{Org, utc};
use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::hot::issue::HotIssueState;
use ducha_domain::org::UnitKind;
use ducha_domain::report::{ReportInput, Verdict};
use ducha_service::Services;
use ducha_service::assignments::{ReviewInput, SignInput};
use ducha_service::hot::{HotItemInput, SatisfactionInput};
use ducha_service::items::{AssignmentInput, DispatchInput};

/// The citizens' answers on the closed item, in order.
const ANSWERS: [&str; 6] = [
    "satisfied",
    "satisfied",
    "basic",
    "satisfied",
    "dissatisfied",
    "satisfied",
];

fn at(day: NaiveDate, hour: u32, minute: u32) -> anyhow::Result<DateTime<Utc>> {
    Ok(utc(day.and_hms_opt(hour, minute, 0).context("a time")?))
}

/// Plays the office's work on the two largest hot issues.
pub(crate) async fn story(s: &Services, org: &Org, today: NaiveDate) -> anyhow::Result<()> {
    let cal = s.calendar();
    let d0 = super::appeals::early_day(s, today)?;
    let day = |n: u32| cal.add_working_days(d0, n);
    let sup_id = s
        .store
        .user_by_name("zf.ducha1")
        .await?
        .context("the supervisor")?
        .id;
    let sup = s.actor(sup_id).await?;
    let boss = s.actor(*org.leaders.first().context("a leader")?).await?;
    s.hot_catch_up().await?;
    let issues = s.hot_issues(&sup, at(day(1), 9, 0)?).await?;
    let chosen: Vec<_> = issues
        .iter()
        .filter(|h| h.state == HotIssueState::Open)
        .take(2)
        .collect();
    anyhow::ensure!(chosen.len() == 2, "two open hot issues in the demo");
    for (k, h) in chosen.into_iter().enumerate() {
        let m = u32::try_from(k).unwrap_or(0) * 20;
        let d = s.hot_issue_detail(&sup, h.id, at(day(1), 9, 0)?).await?;
        // The office-style title the form proposes ("关于…问题的督办").
        let input = HotItemInput {
            title: d.proposed_title.clone(),
            description: d.proposed_description.clone(),
            deadline: Some(day(30)),
            deadline_working_days: None,
        };
        let item = s
            .hot_to_item(&sup, h.id, &input, at(day(1), 9, 30 + m)?)
            .await
            .map_err(|e| anyhow::anyhow!("hot issue {} to an item: {e:?}", h.id))?
            .id;
        s.submit_item(&sup, item, at(day(1), 9, 36 + m)?).await?;
        s.approve_item(
            &boss,
            item,
            "同意，回应群众关切，抓紧办理。",
            at(day(1), 14, m)?,
        )
        .await?;
        // The county of the place most of its appeals name leads.
        let place = h.places.first().context("a place")?.unit_id;
        let u = *org.by_id.get(&place).context("the place's unit")?;
        let county = if org.units[u].kind == UnitKind::County {
            u
        } else {
            org.counties[org.units[u].county.context("the place's county")?]
        };
        let dispatch = DispatchInput {
            assignments: vec![AssignmentInput {
                unit_id: org.units[county].id,
                role: "lead".into(),
                deadline: None,
                deadline_working_days: None,
                targets: None,
                instructions: "请核实群众反映的问题，限期整改，并逐一回访反映人。".into(),
                responsible_user_id: None,
            }],
        };
        let a = s
            .dispatch_item(&sup, item, &dispatch, at(day(1), 15, m)?)
            .await?
            .ids[0];
        let liaison = s
            .actor(*org.units[county].liaisons.first().context("a liaison")?)
            .await?;
        s.sign_assignment(&liaison, a, &SignInput::default(), at(day(2), 9, 10 + m)?)
            .await?;
        let report = |text: &str, percent: i64, completion: bool| ReportInput {
            text: text.into(),
            percent: Some(percent),
            completion,
            ..ReportInput::default()
        };
        let accept = ReviewInput {
            verdict: Verdict::Accept,
            comment: "情况属实，继续跟进。".into(),
        };
        let r = s
            .submit_report(
                &liaison,
                a,
                &report(
                    "已组织现场核查，责成责任单位制定整改方案，正在落实。",
                    40,
                    false,
                ),
                at(day(5), 10, m)?,
            )
            .await?
            .id;
        s.review_report(&sup, r, &accept, at(day(5), 15, m)?)
            .await?;
        if k == 0 {
            let r = s
                .submit_report(
                    &liaison,
                    a,
                    &report("问题已整改到位，已逐一回访反映群众。", 100, true),
                    at(day(10), 10, 0)?,
                )
                .await?
                .id;
            s.review_report(&sup, r, &accept, at(day(10), 15, 0)?)
                .await?;
            s.close_item(&sup, item, "整改到位，群众反馈良好。", at(day(11), 10, 0)?)
                .await?;
            let appeals = s.store.hot_appeals(h.id, 200).await?;
            let linked = appeals.iter().filter(|a| a.item_id == Some(item));
            for (i, (a, answer)) in linked.zip(ANSWERS).enumerate() {
                let minute = u32::try_from(i).unwrap_or(0) * 7;
                let input = SatisfactionInput {
                    answer: answer.into(),
                    comment: if answer == "dissatisfied" {
                        "晚上还是偶尔出现，希望持续关注。".into()
                    } else {
                        String::new()
                    },
                };
                s.rate_appeal(&a.code, &input, at(day(12), 10, minute)?)
                    .await
                    .map_err(|e| anyhow::anyhow!("a rating: {e:?}"))?;
            }
        } else {
            let r = s
                .submit_report(
                    &liaison,
                    a,
                    &report("主体整改已完成七成，剩余部分正在协调资金。", 70, false),
                    at(day(12), 10, 30)?,
                )
                .await?
                .id;
            s.review_report(&sup, r, &accept, at(day(12), 16, 0)?)
                .await?;
        }
    }
    Ok(())
}
