//! The demo's bulletins (督查通报), through the real use cases on the history's last working
//! day, after the 12345 import: last month's bulletin drafted by 市政府督查室 with its good
//! practice and criticism, approved by the mayor and published (numbered, the units on its
//! red and black lists notified); this month's left as a draft.

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use ducha_service::Services;
use ducha_service::bulletins::DraftInput;

/// Plays the bulletins; returns how many were made.
pub(crate) async fn story(s: &Services, today: NaiveDate) -> anyhow::Result<usize> {
    let user = |name: &'static str| async move {
        let u = s.store.user_by_name(name).await?.context(name)?;
        anyhow::Ok(s.actor(u.id).await.map_err(|e| anyhow::anyhow!("{e:?}"))?)
    };
    let sup = user("zf.ducha1").await?;
    let mayor = user("shizhang").await?;
    let cal = s.calendar();
    let mut day = today;
    while !cal.is_working_day(day) {
        day = day.pred_opt().context("a working day")?;
    }
    // After the 12345 import (16:30), a few minutes apart, within office hours.
    let at = |h: u32, m: u32| -> anyhow::Result<chrono::DateTime<chrono::Utc>> {
        Ok(day.and_hms_opt(h, m, 0).context("a time")?.and_utc() - chrono::Duration::hours(8))
    };
    let first = today.with_day(1).context("first of the month")?;
    let last_month = first.pred_opt().context("last month")?;
    let err = |e: ducha_service::ServiceError| anyhow::anyhow!("the demo's bulletin: {e:?}");
    let published = s
        .draft_bulletin(
            &sup,
            &DraftInput {
                kind: "monthly".into(),
                period: last_month.format("%Y-%m").to_string(),
                good_practice: "云溪县建立“周调度、月通报”机制，县领导逐项过堂，牵头事项全部按期办结。\n\
                    市交通运输局对跨部门事项实行“首问负责”，协调申请平均两个工作日内答复。"
                    .into(),
                criticism: "个别单位签收后长期未分解、未报送，存在“以文件落实文件”现象；\
                    部分事项目标层层下达时被打折扣。请被点名单位于五个工作日内书面说明情况并限期整改。"
                    .into(),
                corrects_id: None,
            },
            at(16, 35)?,
        )
        .await
        .map_err(err)?
        .id;
    s.submit_bulletin(&sup, published, at(16, 40)?)
        .await
        .map_err(err)?;
    s.approve_bulletin(&mayor, published, at(16, 45)?)
        .await
        .map_err(err)?;
    s.publish_bulletin(&sup, published, at(16, 50)?)
        .await
        .map_err(err)?;
    s.draft_bulletin(
        &sup,
        &DraftInput {
            kind: "monthly".into(),
            period: today.format("%Y-%m").to_string(),
            good_practice: String::new(),
            criticism: String::new(),
            corrects_id: None,
        },
        at(16, 55)?,
    )
    .await
    .map_err(err)?;
    Ok(2)
}
