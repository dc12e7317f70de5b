//! The clock's side of the workbench: which working assignments owe a report (a missed or
//! coming cadence report, or none yet), and since when silence counts as a stall.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use ducha_domain::calendar::{WorkCalendar, china_date};
use ducha_domain::light::{LightFacts, LightReason, last_due_window, missed_report};
use ducha_store::WorkRow;

/// An assignment silent this many working days is stalled.
const STALLED_WORKING_DAYS: i64 = 10;
/// A cadence report due this many working days ahead, or fewer, is to be written.
const REPORT_AHEAD_WORKING_DAYS: u32 = 3;

/// Where an owed report stands in the list: its urgency (0 missed, 1 coming, 2 none reported
/// yet), the date it is or was due (the deadline for the last kind), the deadline, the
/// assignment. Ordered as the list is; also the cursor of a page of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct OwedKey {
    pub rank: u8,
    pub due: NaiveDate,
    pub deadline: NaiveDate,
    pub id: i64,
}

impl OwedKey {
    /// The cadence report's due date the list shows; none for "no report yet".
    pub fn due(&self) -> Option<NaiveDate> {
        (self.rank < 2).then_some(self.due)
    }
}

/// The start of the China day after the latest day at least [`STALLED_WORKING_DAYS`] working
/// days before `today`: silence since before this instant is a stall.
pub(crate) fn quiet_cutoff(cal: &WorkCalendar, today: NaiveDate) -> DateTime<Utc> {
    let mut day = today;
    while cal.working_days_between(day, today) < STALLED_WORKING_DAYS {
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    next.and_time(NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// The working assignments that owe a report, most urgent first: a missed cadence report, then
/// one coming within [`REPORT_AHEAD_WORKING_DAYS`], then none reported yet; by date within each.
pub(crate) fn owed(
    rows: Vec<WorkRow>,
    today: NaiveDate,
    cal: &WorkCalendar,
) -> Vec<(OwedKey, WorkRow)> {
    let horizon = cal
        .add_working_days(today, REPORT_AHEAD_WORKING_DAYS)
        .succ_opt()
        .unwrap_or(today);
    let mut owed: Vec<(OwedKey, WorkRow)> = rows
        .into_iter()
        .filter_map(|r| {
            let facts = LightFacts {
                state: r.state,
                deadline: r.deadline,
                dispatched_on: china_date(r.dispatched_at),
                progress: r.progress,
                last_report_on: r.last_report_at.map(china_date),
                returned: r.returned_open,
                cadence: r.cadence.0,
            };
            let (deadline, id) = (r.deadline, r.id);
            let key = move |rank, due| OwedKey {
                rank,
                due,
                deadline,
                id,
            };
            let missed = r.light_reason.as_deref() == Some(LightReason::MissedReport.as_str())
                || missed_report(&facts, today, cal);
            if missed {
                let due = last_due_window(facts.cadence, facts.dispatched_on, today, cal)
                    .map_or(r.deadline, |(_, due)| due);
                return Some((key(0, due), r));
            }
            let coming = last_due_window(facts.cadence, facts.dispatched_on, horizon, cal).filter(
                |(start, due)| *due >= today && facts.last_report_on.is_none_or(|d| d <= *start),
            );
            if let Some((_, due)) = coming {
                return Some((key(1, due), r));
            }
            r.last_report_at.is_none().then(|| (key(2, deadline), r))
        })
        .collect();
    owed.sort_by_key(|(k, _)| *k);
    owed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn stalled_means_ten_working_days_of_silence() {
        let cal = WorkCalendar::china();
        let at = |y, m, day, h| d(y, m, day).and_hms_opt(h, 0, 0).expect("time").and_utc();
        // Friday 20 Nov 2026: a report on Sunday 8 Nov is followed by ten working days of
        // silence (9–13 and 16–20 Nov); one on Monday 9 Nov by nine.
        assert_eq!(quiet_cutoff(&cal, d(2026, 11, 20)), at(2026, 11, 8, 16));
        // Friday 16 Oct 2026, after the National Day holiday (1–7 Oct) and its make-up working
        // Saturday 10 Oct: the ten working days are 29–30 Sep, 8–10 and 12–16 Oct.
        assert_eq!(quiet_cutoff(&cal, d(2026, 10, 16)), at(2026, 9, 28, 16));
    }
}
