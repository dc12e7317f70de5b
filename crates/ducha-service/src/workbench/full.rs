//! The whole of one workbench list, page by page (keyset cursors), with its total: where the
//! workbench's "see all" leads when a list holds more than the workbench shows.

use super::lists::{Cursor, Desk};
use super::owed::OwedKey;
use super::{WorkListName, WorkRows, WorkTotal};
use crate::Services;
use crate::error::ServiceResult;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::org::Actor;
use ducha_store::After;
use serde::{Deserialize, Serialize};

/// Rows per page unless asked otherwise.
const PAGE: i64 = 50;

/// Which page of a list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct WorkListInput {
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

/// A page of one workbench list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkListPage {
    /// The list.
    pub list: WorkListName,
    /// What its rows are: `items`, `assignments`, `reports` or `requests` (the shapes of the
    /// workbench's lists of the same name).
    pub kind: &'static str,
    /// The rows of this page, in the list's order.
    pub rows: WorkRows,
    /// How many rows the whole list holds.
    pub total: WorkTotal,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// How a list's cursor is written: by the kind of its sort key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyed {
    Date,
    Time,
    Id,
    Owed,
}

fn keyed(list: WorkListName) -> Keyed {
    use WorkListName as L;
    match list {
        L::Stalled
        | L::ReportsToReview
        | L::ProgressToReview
        | L::ExtensionsToDecide
        | L::RefusalsToDecide => Keyed::Time,
        L::HelpToAnswer => Keyed::Id,
        L::ToReport => Keyed::Owed,
        _ => Keyed::Date,
    }
}

/// A cursor as text: `d<date>_<id>`, `t<nanoseconds>_<id>`, `i<id>` or
/// `o<rank>_<due>_<deadline>_<id>`.
fn write(c: Cursor) -> String {
    match c {
        Cursor::Store(After::Date(d, id)) => format!("d{d}_{id}"),
        Cursor::Store(After::Time(t, id)) => {
            format!("t{}_{id}", t.timestamp_nanos_opt().unwrap_or(0))
        }
        Cursor::Store(After::Id(id)) => format!("i{id}"),
        Cursor::Owed(k) => format!("o{}_{}_{}_{}", k.rank, k.due, k.deadline, k.id),
    }
}

/// Reads a cursor of `list`'s kind; none when it is not one.
fn read(list: WorkListName, text: &str) -> Option<Cursor> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .ok()
            .filter(|d| (1900..=2200).contains(&d.year()))
    };
    let (tag, rest) = text.split_at_checked(1)?;
    let parts: Vec<&str> = rest.split('_').collect();
    let id = |s: &str| s.parse::<i64>().ok();
    Some(match (keyed(list), tag, parts.as_slice()) {
        (Keyed::Date, "d", [d, i]) => Cursor::Store(After::Date(date(d)?, id(i)?)),
        (Keyed::Time, "t", [t, i]) => {
            let t = DateTime::<Utc>::from_timestamp_nanos(t.parse().ok()?);
            Cursor::Store(After::Time(t, id(i)?))
        }
        (Keyed::Id, "i", [i]) => Cursor::Store(After::Id(id(i)?)),
        (Keyed::Owed, "o", [rank, due, deadline, i]) => Cursor::Owed(OwedKey {
            rank: rank.parse().ok().filter(|r| *r <= 2)?,
            due: date(due)?,
            deadline: date(deadline)?,
            id: id(i)?,
        }),
        _ => return None,
    })
}

impl Services {
    /// A page of the workbench list `list` of `actor`, with the list's total: the rows the
    /// workbench shows first, then the rest, in the same order. A list the actor's roles do
    /// not apply to is empty.
    pub async fn work_list(
        &self,
        actor: &Actor,
        list: WorkListName,
        input: &WorkListInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<WorkListPage> {
        let mut e = ValidationErrors::default();
        let limit = input.limit.unwrap_or(PAGE);
        if !(1..=200).contains(&limit) {
            e.add("limit", "validation.out_of_range");
        }
        let after = match input.after.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => {
                let c = read(list, text);
                if c.is_none() {
                    e.add("after", "validation.invalid_cursor");
                }
                c
            }
        };
        e.into_result(())?;
        let desk = Desk::new(self, actor, now);
        let page = self.read_list(&desk, list, after, limit).await?;
        let total = self.total_of(&desk, list, after.is_none(), &page).await?;
        Ok(WorkListPage {
            list,
            kind: page.rows.kind(),
            rows: page.rows,
            total,
            next_cursor: page.next.map(write),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_read_back_as_written_and_only_for_their_list() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let at = day
            .and_hms_nano_opt(9, 30, 1, 123_456_789)
            .expect("time")
            .and_utc();
        for (list, c) in [
            (WorkListName::ToSign, Cursor::Store(After::Date(day, 7))),
            (WorkListName::Stalled, Cursor::Store(After::Time(at, 8))),
            (WorkListName::HelpToAnswer, Cursor::Store(After::Id(9))),
            (
                WorkListName::ToReport,
                Cursor::Owed(OwedKey {
                    rank: 1,
                    due: day,
                    deadline: day,
                    id: 10,
                }),
            ),
        ] {
            assert_eq!(read(list, &write(c)), Some(c), "{list:?}");
        }
        assert_eq!(read(WorkListName::Stalled, "d2026-11-30_7"), None);
        for bad in [
            "",
            "d",
            "d2026-11-30",
            "d0001-01-01_1",
            "dx_1",
            "i1_2",
            "o3_2026-11-30_2026-11-30_1",
            "事",
        ] {
            assert_eq!(read(WorkListName::ToSign, bad), None, "{bad}");
            assert_eq!(read(WorkListName::ToReport, bad), None, "{bad}");
        }
    }
}
