//! The sweep benchmark city's past: the valid reasons to wait (pending extensions, unanswered
//! help requests) and the urge notices and summonses the sweeps before the measured day would
//! have left behind.

use super::city::Rng;
use super::sweep_city::{
    Assignment, Excuse, NOTICE_PREFIX, Notice, Summons, SweepCity, at, chance, china, plus,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentState;
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::light::{LightReason, LightRules, light_of};
use ducha_domain::notice::{
    NoticeCause, NoticeFacts, NoticeLevel, NoticeRules, NoticeState, NoticeStep, notice_step,
    summons_due,
};
use std::collections::HashMap;

/// Pending extensions for some overdue assignments (asked before their deadline) and
/// unanswered help requests to the level above for a few hundred others.
pub(super) fn excuses(city: &mut SweepCity, rng: &mut Rng) {
    let day = city.day;
    for (i, a) in city.assignments.iter().enumerate() {
        let liaison = city.staff[a.unit].1;
        if a.state == AssignmentState::InProgress && a.deadline < day && chance(rng, 0.05) {
            let asked = at(plus(a.deadline, -2), 10, 0).max(a.dispatched_at);
            city.excuses.push(Excuse {
                assignment: i,
                to_unit: None,
                created_by: liaison,
                created_at: asked,
            });
        } else if a.state == AssignmentState::InProgress && chance(rng, 0.0004) {
            let to = city.units[a.unit].parent_id.unwrap_or(1);
            city.excuses.push(Excuse {
                assignment: i,
                to_unit: Some(to),
                created_by: liaison,
                created_at: at(plus(day, -3), 11, 0).max(a.dispatched_at),
            });
        }
    }
}

/// Replays the sweeps of the days before the measured day for every assignment that was
/// overdue or behind on reports on the eve of it, with the domain's rules as the sweep applies
/// them: on working days only, the open notices judged first (escalated up to the cap of reds
/// per assignment, a red completing a run recording a summons), then a blue notice for each
/// assignment without one, unless its notice was resolved that day.
pub(super) fn replay_notices(city: &mut SweepCity, rng: &mut Rng, cal: &WorkCalendar) {
    let lights = LightRules::default();
    let rules = NoticeRules::default();
    let eve = plus(city.day, -1);
    let flagged = |r: Option<LightReason>| {
        matches!(r, Some(LightReason::Overdue | LightReason::MissedReport))
    };
    let reason = |city: &SweepCity, a: &Assignment, d: NaiveDate| {
        light_of(&city.facts(a), d, cal, &lights).and_then(|(_, r)| r)
    };
    let excused: std::collections::HashSet<usize> =
        city.excuses.iter().map(|e| e.assignment).collect();
    // (assignment, first day of its current run of overdue or missed reports)
    let mut tracks: Vec<(usize, NaiveDate)> = Vec::new();
    for (i, a) in city.assignments.iter().enumerate() {
        if !flagged(reason(city, a, eve)) {
            continue;
        }
        let reported = a.last_report_at.map(china);
        let mut start = eve;
        while (eve - start).num_days() < 60 {
            let before = plus(start, -1);
            if before <= china(a.dispatched_at)
                || reported.is_some_and(|r| r >= before)
                || !flagged(reason(city, a, before))
            {
                break;
            }
            start = before;
        }
        tracks.push((i, start));
    }
    let Some(first) = tracks.iter().map(|t| t.1).min() else {
        return;
    };
    let mut open: HashMap<usize, usize> = HashMap::new(); // assignment → notice index
    let mut reds: HashMap<usize, u32> = HashMap::new(); // assignment → red notices so far
    let mut levels: HashMap<i64, Vec<NoticeLevel>> = HashMap::new();
    let mut seq: HashMap<i32, i64> = HashMap::new();
    let mut d = first;
    while d <= eve {
        // Notices move on working days only.
        if !cal.is_working_day(d) {
            d = plus(d, 1);
            continue;
        }
        let issued_at = at(d, 0, 15);
        let mut resolved_today = std::collections::HashSet::new();
        let mut judged: Vec<(usize, usize)> = open.iter().map(|(a, n)| (*n, *a)).collect();
        judged.sort_unstable();
        for (n, a) in judged {
            let asg = &city.assignments[a];
            let notice = &city.notices[n];
            let step = notice_step(
                &NoticeFacts {
                    level: notice.level,
                    cause: notice.cause,
                    deadline: notice.deadline,
                    assignment_open: true,
                    reason: reason(city, asg, d),
                    // Every unit in the replay is still behind: nothing came since.
                    reported_since: false,
                    excused: excused.contains(&a),
                    reds: reds.get(&a).copied().unwrap_or(0),
                    max_reds: rules.max_reds_per_assignment,
                },
                d,
            );
            match step {
                NoticeStep::Keep | NoticeStep::Close => {}
                NoticeStep::Met => {
                    city.notices[n].state = NoticeState::Met;
                    city.notices[n].resolved_on = Some(d);
                    open.remove(&a);
                    resolved_today.insert(a);
                }
                NoticeStep::Escalate(level) => {
                    city.notices[n].state = NoticeState::Escalated;
                    city.notices[n].resolved_on = Some(d);
                    let (cause, prev) = (city.notices[n].cause, city.notices[n].id);
                    let new = issue(
                        city,
                        rng,
                        cal,
                        &rules,
                        &mut seq,
                        &mut levels,
                        (a, level, cause, Some(prev)),
                        d,
                        issued_at,
                    );
                    if level == NoticeLevel::Red {
                        *reds.entry(a).or_default() += 1;
                    }
                    open.insert(a, new);
                }
            }
        }
        for &(a, start) in &tracks {
            if start > d
                || open.contains_key(&a)
                || excused.contains(&a)
                || resolved_today.contains(&a)
            {
                continue;
            }
            let cause = match reason(city, &city.assignments[a], d) {
                Some(LightReason::Overdue) => NoticeCause::Overdue,
                Some(LightReason::MissedReport) => NoticeCause::MissedReport,
                _ => continue,
            };
            let new = issue(
                city,
                rng,
                cal,
                &rules,
                &mut seq,
                &mut levels,
                (a, NoticeLevel::Blue, cause, None),
                d,
                issued_at,
            );
            open.insert(a, new);
        }
        d = plus(d, 1);
    }
    city.counters.extend(
        seq.into_iter()
            .map(|(y, s)| (format!("notice:{NOTICE_PREFIX}"), i64::from(y), s)),
    );
}

/// Records one notice (and the summons a red one may complete); returns its index.
#[allow(clippy::too_many_arguments)]
fn issue(
    city: &mut SweepCity,
    rng: &mut Rng,
    cal: &WorkCalendar,
    rules: &NoticeRules,
    seq: &mut HashMap<i32, i64>,
    levels: &mut HashMap<i64, Vec<NoticeLevel>>,
    (a, level, cause, previous_id): (usize, NoticeLevel, NoticeCause, Option<i64>),
    day: NaiveDate,
    issued_at: DateTime<Utc>,
) -> usize {
    let id = city.notices.len() as i64 + 1;
    let s = seq.entry(day.year()).or_insert(0);
    *s += 1;
    let unit = city.assignments[a].unit;
    let unit_id = city.units[unit].id;
    let acknowledged = chance(rng, 0.6).then(|| {
        let when = issued_at + chrono::Duration::hours(9 + rng.below(8) as i64);
        (city.staff[unit].1, when)
    });
    city.notices.push(Notice {
        id,
        number: ducha_domain::item::format_number(NOTICE_PREFIX, day.year(), *s),
        assignment: a,
        level,
        cause,
        issued_on: day,
        deadline: rules.deadline(level, day, cal),
        state: NoticeState::Open,
        issued_at,
        previous_id,
        acknowledged: acknowledged.filter(|(_, t)| china(*t) < city.day),
        resolved_on: None,
    });
    let run = levels.entry(unit_id).or_default();
    if level == NoticeLevel::Red && summons_due(run, rules) {
        let reds = run
            .iter()
            .rev()
            .take_while(|l| **l == NoticeLevel::Red)
            .count() as i64
            + 1;
        city.summonses.push(Summons {
            id: city.summonses.len() as i64 + 1,
            unit_id,
            notice_id: id,
            reds,
            created_at: issued_at,
        });
        run.clear();
    } else {
        run.push(level);
    }
    city.notices.len() - 1
}
