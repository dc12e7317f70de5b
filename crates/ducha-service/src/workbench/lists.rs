//! Each workbench list as reads of the store: who gets which list, what each one holds (due
//! soon, overdue, stalled …), a page of it after a cursor, and its total.

use super::owed::{self, OwedKey};
use super::{
    COUNT_CAP, WorkListName, WorkRows, WorkTotal, work_assignment, work_report, work_request,
};
use crate::Services;
use crate::error::ServiceResult;
use crate::items::summary;
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::calendar::WorkCalendar;
use ducha_domain::item::ItemState;
use ducha_domain::light::Light;
use ducha_domain::org::{Actor, Role, UnitPath};
use ducha_domain::report::ReportKind;
use ducha_store::{
    Above, After, ItemRow, Span, UnitWork, WorkItems, WorkList, WorkReportRow, WorkRequestRow,
    WorkRow,
};
use std::sync::Arc;

/// A deadline this many working days ahead, or fewer, is due soon.
const DUE_SOON_WORKING_DAYS: u32 = 5;

/// The supervisor's and the leader's lists.
pub(super) const OVERSIGHT: [WorkListName; 5] = [
    WorkListName::ToSubmit,
    WorkListName::ToDispatch,
    WorkListName::RedItems,
    WorkListName::Stalled,
    WorkListName::ToApprove,
];
/// The lists of the user's own unit.
pub(super) const UNIT: [WorkListName; 6] = [
    WorkListName::ToSign,
    WorkListName::ToDecompose,
    WorkListName::ToReport,
    WorkListName::Overdue,
    WorkListName::DueSoon,
    WorkListName::Returned,
];
/// The decisions owed as the level above, and the help requests to answer.
pub(super) const ABOVE: [WorkListName; 5] = [
    WorkListName::ReportsToReview,
    WorkListName::ProgressToReview,
    WorkListName::ExtensionsToDecide,
    WorkListName::RefusalsToDecide,
    WorkListName::HelpToAnswer,
];

/// Where a page of a list starts: after a row of the store's order, or of the order of the
/// reports owed (computed, not stored).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cursor {
    /// A list read from the store.
    Store(After),
    /// The reports owed.
    Owed(OwedKey),
}

/// A page of a list as read.
pub(super) struct ListPage {
    pub rows: WorkRows,
    /// Where the next page starts, when there is one.
    pub next: Option<Cursor>,
    /// The list's total, when reading the page established it.
    pub total: Option<WorkTotal>,
}

impl ListPage {
    fn of(rows: WorkRows, next: Option<Cursor>) -> Self {
        ListPage {
            rows,
            next,
            total: None,
        }
    }
}

/// The total of the reports owed: `at_least` when the unit's working assignments were not all
/// read, or the owed ones reach the cap.
fn owed_total(owed: usize, complete: bool) -> WorkTotal {
    let count = i64::try_from(owed).unwrap_or(COUNT_CAP);
    WorkTotal {
        count: count.min(COUNT_CAP),
        at_least: !complete || count >= COUNT_CAP,
    }
}

/// Who asks, and when: what every list is read against.
pub(super) struct Desk<'a> {
    actor: &'a Actor,
    /// The user's unit, when the user acts for it.
    unit: Option<i64>,
    supervisor: bool,
    leader: bool,
    pub(super) today: NaiveDate,
    pub(super) cal: Arc<WorkCalendar>,
}

impl<'a> Desk<'a> {
    pub(super) fn new(s: &Services, actor: &'a Actor, now: DateTime<Utc>) -> Self {
        Desk {
            actor,
            unit: actor.acts_for(actor.unit_id).then_some(actor.unit_id.0),
            supervisor: actor.has(Role::Supervisor),
            leader: actor.has(Role::Leader),
            today: s.today(now),
            cal: s.calendar(),
        }
    }

    /// Whether the user's roles give them `list`.
    pub(super) fn applies(&self, list: WorkListName) -> bool {
        use WorkListName as L;
        match list {
            L::ToSubmit | L::ToDispatch | L::Stalled => self.supervisor,
            // Red items are the ones a leader decides on: a meeting, a summons, more hands.
            L::RedItems => self.supervisor || self.leader,
            L::ToApprove => self.leader,
            L::ToSign | L::ToDecompose | L::ToReport | L::Overdue | L::DueSoon | L::Returned => {
                self.unit.is_some()
            }
            L::ReportsToReview
            | L::ProgressToReview
            | L::ExtensionsToDecide
            | L::RefusalsToDecide
            | L::HelpToAnswer => self.unit.is_some() || self.supervisor,
        }
    }

    /// The items of an item list.
    fn items(&self, list: WorkListName) -> WorkItems<'a> {
        use WorkListName as L;
        let (state, light, approver) = match list {
            L::ToSubmit => (ItemState::Draft, None, None),
            L::ToDispatch => (ItemState::Approved, None, None),
            L::ToApprove => (ItemState::PendingApproval, None, Some(self.actor.user_id.0)),
            _ => (ItemState::Dispatched, Some(Light::Red.rank()), None),
        };
        WorkItems {
            scope: &self.actor.jurisdiction,
            state,
            light,
            approver,
        }
    }

    /// Which of the unit's assignments a unit list holds. Overdue means the light's rule: the
    /// deadline (moved to the next working day when it falls on a day off) is before today.
    fn unit_work(&self, list: WorkListName) -> UnitWork {
        use WorkListName as L;
        let overdue_by = last_working_day_before(&self.cal, self.today);
        match list {
            L::ToSign => UnitWork::ToSign,
            L::ToDecompose => UnitWork::ToDecompose,
            L::Overdue => UnitWork::DueBy(overdue_by),
            L::DueSoon => UnitWork::DueBetween(
                overdue_by,
                self.cal.add_working_days(self.today, DUE_SOON_WORKING_DAYS),
            ),
            L::Returned => UnitWork::Returned,
            _ => UnitWork::Working,
        }
    }

    /// Whose decisions the user owes: the user's unit, as the parent of sub-assignments, and a
    /// supervisor on the top-level assignments of the jurisdiction's items.
    fn aboves(&self) -> Vec<Above<'a>> {
        let mut v = Vec::new();
        if let Some(u) = self.unit {
            v.push(Above::Unit(u));
        }
        if self.supervisor {
            v.push(Above::Scope(&self.actor.jurisdiction));
        }
        v
    }

    /// The help requests to answer: those to the unit, or for a supervisor who does not act
    /// for it, those to the office on the items it registered.
    fn help(&self) -> (i64, Option<&'a UnitPath>) {
        match self.unit {
            Some(u) => (u, None),
            None => (self.actor.unit_id.0, Some(&self.actor.jurisdiction)),
        }
    }

    fn quiet_before(&self) -> DateTime<Utc> {
        owed::quiet_cutoff(&self.cal, self.today)
    }
}

/// The latest working day strictly before `today`: a deadline on or before it is overdue
/// (one on a later day off runs to the next working day, which is today or later).
fn last_working_day_before(cal: &WorkCalendar, today: NaiveDate) -> NaiveDate {
    let mut day = today;
    // Holidays are at most a few weeks long; the bound only guards against a broken calendar.
    for _ in 0..60 {
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
        if cal.is_working_day(day) {
            break;
        }
    }
    day
}

impl Services {
    /// A page of `list`: at most `limit` rows after `after`, the cursor of the last row when
    /// more follow, and the list's total when reading it told. A list the user's roles do not
    /// apply to is empty.
    pub(super) async fn read_list(
        &self,
        desk: &Desk<'_>,
        list: WorkListName,
        after: Option<Cursor>,
        limit: i64,
    ) -> ServiceResult<ListPage> {
        use WorkListName as L;
        let s = &*self.store;
        let after_store = match after {
            Some(Cursor::Store(a)) => Some(a),
            _ => None,
        };
        // One row more than asked tells whether another page follows.
        let span = Span {
            after: after_store,
            limit: limit + 1,
        };
        let applies = desk.applies(list);
        let cut = |n: usize| usize::try_from(limit).unwrap_or(0).min(n);
        Ok(match list {
            L::ToSubmit | L::ToDispatch | L::RedItems | L::ToApprove => {
                let mut rows: Vec<ItemRow> = if applies {
                    s.work_items(&desk.items(list), span).await?
                } else {
                    Vec::new()
                };
                let more = rows.len() > cut(rows.len());
                rows.truncate(cut(rows.len()));
                let next = more
                    .then(|| {
                        rows.last()
                            .map(|r| Cursor::Store(After::Date(r.deadline, r.id)))
                    })
                    .flatten();
                ListPage::of(WorkRows::Items(rows.iter().map(summary).collect()), next)
            }
            L::ToReport => {
                let from = match after {
                    Some(Cursor::Owed(k)) => Some(k),
                    _ => None,
                };
                let (owed, complete) = if applies {
                    self.owed(desk).await?
                } else {
                    (Vec::new(), true)
                };
                let total = owed_total(owed.len(), complete);
                let mut page: Vec<_> = owed
                    .into_iter()
                    .filter(|(k, _)| from.is_none_or(|f| *k > f))
                    .collect();
                let more = page.len() > cut(page.len());
                page.truncate(cut(page.len()));
                let next = more
                    .then(|| page.last().map(|(k, _)| Cursor::Owed(*k)))
                    .flatten();
                let rows = page
                    .into_iter()
                    .map(|(k, r)| work_assignment(r, k.due()))
                    .collect();
                ListPage {
                    rows: WorkRows::Assignments(rows),
                    next,
                    total: Some(total),
                }
            }
            L::Stalled | L::ToSign | L::ToDecompose | L::Overdue | L::DueSoon | L::Returned => {
                let mut rows: Vec<WorkRow> = match (applies, list, desk.unit) {
                    (false, ..) => Vec::new(),
                    (true, L::Stalled, _) => {
                        let scope = &desk.actor.jurisdiction;
                        s.stalled_assignments(scope, desk.quiet_before(), span)
                            .await?
                    }
                    (true, _, Some(unit)) => s.unit_work(unit, desk.unit_work(list), span).await?,
                    (true, _, None) => Vec::new(),
                };
                let more = rows.len() > cut(rows.len());
                rows.truncate(cut(rows.len()));
                let next = more
                    .then(|| {
                        rows.last().map(|r| {
                            Cursor::Store(match list {
                                L::Stalled => After::Time(r.quiet_since(), r.id),
                                _ => After::Date(r.deadline, r.id),
                            })
                        })
                    })
                    .flatten();
                let rows = rows.into_iter().map(|r| work_assignment(r, None)).collect();
                ListPage::of(WorkRows::Assignments(rows), next)
            }
            L::ReportsToReview | L::ProgressToReview => {
                let kind = match list {
                    L::ReportsToReview => ReportKind::Completion,
                    _ => ReportKind::Progress,
                };
                let mut rows: Vec<WorkReportRow> = Vec::new();
                if applies {
                    for who in desk.aboves() {
                        rows.extend(s.reports_waiting(who, kind, span).await?);
                    }
                }
                rows.sort_by_key(|r| (r.submitted_at, r.id));
                rows.dedup_by_key(|r| r.id);
                let more = rows.len() > cut(rows.len());
                rows.truncate(cut(rows.len()));
                let next = more
                    .then(|| {
                        rows.last()
                            .map(|r| Cursor::Store(After::Time(r.submitted_at, r.id)))
                    })
                    .flatten();
                ListPage::of(
                    WorkRows::Reports(rows.into_iter().map(work_report).collect()),
                    next,
                )
            }
            L::ExtensionsToDecide | L::RefusalsToDecide | L::HelpToAnswer => {
                let mut rows: Vec<WorkRequestRow> = Vec::new();
                if applies && list == L::HelpToAnswer {
                    let (unit, scope) = desk.help();
                    rows = s.help_waiting(unit, scope, span).await?;
                } else if applies {
                    for who in desk.aboves() {
                        rows.extend(match list {
                            L::ExtensionsToDecide => s.extensions_waiting(who, span).await?,
                            _ => s.refusals_waiting(who, span).await?,
                        });
                    }
                    rows.sort_by_key(|r| (r.created_at, r.id));
                    rows.dedup_by_key(|r| r.id);
                }
                let more = rows.len() > cut(rows.len());
                rows.truncate(cut(rows.len()));
                let next = more
                    .then(|| {
                        rows.last().map(|r| {
                            Cursor::Store(match list {
                                L::HelpToAnswer => After::Id(r.id),
                                _ => After::Time(r.created_at, r.id),
                            })
                        })
                    })
                    .flatten();
                ListPage::of(
                    WorkRows::Requests(rows.into_iter().map(work_request).collect()),
                    next,
                )
            }
        })
    }

    /// The total of `list` of which `page` was read (`first`: its first page): the page
    /// itself when it is the whole list, the total reading it told, or else the count.
    pub(super) async fn total_of(
        &self,
        desk: &Desk<'_>,
        list: WorkListName,
        first: bool,
        page: &ListPage,
    ) -> ServiceResult<WorkTotal> {
        Ok(match page.total {
            Some(t) => t,
            None if first && page.next.is_none() => WorkTotal {
                count: i64::try_from(page.rows.len()).unwrap_or(i64::MAX),
                at_least: false,
            },
            None => self.count_list(desk, list).await?,
        })
    }

    /// How many rows `list` holds, counted up to [`COUNT_CAP`].
    pub(super) async fn count_list(
        &self,
        desk: &Desk<'_>,
        list: WorkListName,
    ) -> ServiceResult<WorkTotal> {
        use WorkListName as L;
        if !desk.applies(list) {
            return Ok(WorkTotal::default());
        }
        let s = &*self.store;
        let cap = COUNT_CAP;
        let count = match list {
            L::ToSubmit | L::ToDispatch | L::RedItems | L::ToApprove => {
                s.count_work(WorkList::Items(&desk.items(list)), cap)
                    .await?
            }
            L::ToReport => {
                // Computed from the unit's working assignments, read up to the cap.
                let (owed, complete) = self.owed(desk).await?;
                return Ok(owed_total(owed.len(), complete));
            }
            L::Stalled => {
                let list = WorkList::Stalled(&desk.actor.jurisdiction, desk.quiet_before());
                s.count_work(list, cap).await?
            }
            L::ToSign | L::ToDecompose | L::Overdue | L::DueSoon | L::Returned => match desk.unit {
                Some(unit) => {
                    s.count_work(WorkList::Unit(unit, desk.unit_work(list)), cap)
                        .await?
                }
                None => 0,
            },
            L::HelpToAnswer => {
                let (unit, scope) = desk.help();
                s.count_work(WorkList::Help(unit, scope), cap).await?
            }
            L::ReportsToReview
            | L::ProgressToReview
            | L::ExtensionsToDecide
            | L::RefusalsToDecide => {
                let mut n = 0;
                for who in desk.aboves() {
                    let list = match list {
                        L::ReportsToReview => WorkList::Reports(who, ReportKind::Completion),
                        L::ProgressToReview => WorkList::Reports(who, ReportKind::Progress),
                        L::ExtensionsToDecide => WorkList::Extensions(who),
                        _ => WorkList::Refusals(who),
                    };
                    n += s.count_work(list, cap).await?;
                }
                n
            }
        };
        Ok(WorkTotal {
            count: count.min(cap),
            at_least: count >= cap,
        })
    }

    /// The reports the user's unit owes, most urgent first, and whether every working
    /// assignment of the unit was read (the read stops at [`COUNT_CAP`]).
    async fn owed(&self, desk: &Desk<'_>) -> ServiceResult<(Vec<(OwedKey, WorkRow)>, bool)> {
        let Some(unit) = desk.unit else {
            return Ok((Vec::new(), true));
        };
        let rows = self
            .store
            .unit_work(unit, UnitWork::Working, Span::first(COUNT_CAP))
            .await?;
        let complete = rows.len() < usize::try_from(COUNT_CAP).unwrap_or(usize::MAX);
        Ok((owed::owed(rows, desk.today, &desk.cal), complete))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn overdue_means_a_deadline_before_the_last_working_day() {
        let cal = WorkCalendar::china();
        // Monday 23 Nov 2026: Friday's deadline is overdue, Saturday's runs to today.
        assert_eq!(
            last_working_day_before(&cal, d(2026, 11, 23)),
            d(2026, 11, 20)
        );
        // Sunday: the same Friday.
        assert_eq!(
            last_working_day_before(&cal, d(2026, 11, 22)),
            d(2026, 11, 20)
        );
        // Thursday 8 Oct 2026, after the National Day holiday (1–7 Oct): 30 Sep.
        assert_eq!(
            last_working_day_before(&cal, d(2026, 10, 8)),
            d(2026, 9, 30)
        );
        // A Tuesday: Monday.
        assert_eq!(
            last_working_day_before(&cal, d(2026, 11, 24)),
            d(2026, 11, 23)
        );
    }
}
