//! Citizens' appeals (群众诉求) as the city's 12345 hotline exports them: eight weeks of work
//! orders about a few dozen concrete problems, each reported by several citizens in their own
//! words (generated deterministically by the hot-issue sample generator), some naming phone
//! numbers or house numbers the import masks. The city's supervision office imports the export
//! through the real import use case, so the appeals, their masking, encryption and event are
//! what an office would get.

use super::Org;
use anyhow::Context;
use chrono::{Days, NaiveDate};
use ducha_domain::org::UnitKind;
use ducha_service::Services;
use std::fmt::Write as _;

/// Work orders in the demo's export.
const ORDERS: usize = 3000;

/// Days back the earlier export reaches: orders received at least this long ago were
/// imported then, four weeks before the history's end, so that the office had time to act
/// on the hot issues they formed (`hot.rs`).
pub(crate) const EARLY_DAYS: u32 = 28;

/// The working day the earlier export was imported on (the last one before the orders it
/// holds end).
pub(crate) fn early_day(s: &Services, today: NaiveDate) -> anyhow::Result<NaiveDate> {
    let cal = s.calendar();
    let mut day = today
        .checked_sub_days(Days::new(u64::from(EARLY_DAYS) - 1))
        .context("a date")?;
    while !cal.is_working_day(day) {
        day = day.pred_opt().context("a working day")?;
    }
    Ok(day)
}

/// Imports the hotline's export as the city's supervisor: the `early` part (orders received
/// [`EARLY_DAYS`] or more days ago) on [`early_day`], the rest on the history's last working
/// day; returns how many were imported.
pub(crate) async fn story(
    s: &Services,
    org: &Org,
    today: NaiveDate,
    early: bool,
) -> anyhow::Result<usize> {
    // The generator writes about the city's own districts and townships; a place the city
    // does not have goes to a township picked by its name, the same one every time.
    let names: Vec<&str> = org.units.iter().map(|u| u.name.as_str()).collect();
    let towns: Vec<&str> = org
        .units
        .iter()
        .filter(|u| u.kind == UnitKind::Township)
        .map(|u| u.name.as_str())
        .collect();
    anyhow::ensure!(!towns.is_empty(), "the demo city has townships");
    let mut csv = String::from("工单编号,受理时间,所属区县/街道,类别,诉求内容\n");
    for a in ducha_domain::hot::sample::generate(2026, ORDERS) {
        if (a.id % 56 >= EARLY_DAYS) != early {
            continue;
        }
        let known = a.place.split('/').any(|p| names.contains(&p));
        let place = if known {
            a.place.replace('/', "")
        } else {
            let h = a
                .place
                .bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            towns[usize::try_from(h % towns.len() as u64).unwrap_or(0)].to_string()
        };
        let day = today
            .checked_sub_days(Days::new(u64::from(a.id % 56)))
            .context("a date in the last eight weeks")?;
        let hour = 8 + a.id % 10;
        let text = a.text.replace('"', "\"\"");
        writeln!(
            csv,
            "QS12345-{}{:05},{day} {hour:02}:{:02},{place},{},\"{text}\"",
            today.format("%Y%m"),
            a.id,
            a.id * 7 % 60,
            a.category
        )?;
    }
    let sup = s
        .store
        .user_by_name("zf.ducha1")
        .await?
        .context("the supervisor")?;
    let actor = s.actor(sup.id).await?;
    // Imported on the history's last working day, in the afternoon, like the rest of the
    // history (kept to office hours on working days).
    let cal = s.calendar();
    let mut day = if early { early_day(s, today)? } else { today };
    while !cal.is_working_day(day) {
        day = day.pred_opt().context("a working day")?;
    }
    let at = day.and_hms_opt(16, 30, 0).context("a time")?.and_utc() - chrono::Duration::hours(8);
    let report = s
        .import_appeals(&actor, "12345热线", csv.as_bytes(), at)
        .await
        .map_err(|e| anyhow::anyhow!("the demo's 12345 export: {e:?}"))?;
    anyhow::ensure!(
        report.rejected.is_empty(),
        "the demo's 12345 export has rejected rows: {:?}",
        report.rejected
    );
    Ok(report.imported)
}
