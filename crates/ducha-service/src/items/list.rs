//! The item register (台账): filters, keyword search and keyset pagination.

use crate::error::{ServiceResult, ensure};
use crate::{ItemPage, ItemSummary, Services};
use chrono::NaiveDate;
use ducha_domain::ValidationErrors;
use ducha_domain::item::{Category, ItemState, Source};
use ducha_domain::light::Light;
use ducha_domain::org::{Actor, Role};
use ducha_store::{ItemQuery, ItemRow, ItemSort};
use serde::Deserialize;
use std::str::FromStr;

/// Register filters as the client sends them; every one optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListInput {
    /// Source name.
    pub source: Option<String>,
    /// Category name.
    pub category: Option<String>,
    /// State name.
    pub state: Option<String>,
    /// Light: `green`, `blue`, `yellow` or `red`.
    pub light: Option<String>,
    /// Only items assigned within this unit's subtree.
    pub unit_id: Option<i64>,
    /// Only items with an assignment held by exactly this unit (not its subtree).
    pub holder_id: Option<i64>,
    /// With `holder_id`: that assignment's light, `green`, `blue`, `yellow` or `red`.
    pub holder_light: Option<String>,
    /// Deadline on or after (YYYY-MM-DD).
    pub deadline_from: Option<NaiveDate>,
    /// Deadline on or before (YYYY-MM-DD).
    pub deadline_to: Option<NaiveDate>,
    /// Title or number contains.
    pub q: Option<String>,
    /// `newest` (default) or `deadline`.
    pub sort: Option<String>,
    /// The `next_cursor` of the previous page.
    pub after: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<i64>,
}

fn choice<T: FromStr>(e: &mut ValidationErrors, field: &str, v: &Option<String>) -> Option<T> {
    let v = v.as_deref().filter(|s| !s.is_empty())?;
    let parsed = T::from_str(v).ok();
    if parsed.is_none() {
        e.add(field, "validation.unknown_choice");
    }
    parsed
}

fn parse_sort(e: &mut ValidationErrors, sort: Option<&str>, after: Option<&str>) -> ItemSort {
    let deadline = match sort.filter(|s| !s.is_empty()) {
        None | Some("newest") => false,
        Some("deadline") => true,
        Some(_) => {
            e.add("sort", "validation.unknown_choice");
            false
        }
    };
    let Some(cursor) = after.filter(|s| !s.is_empty()) else {
        return if deadline {
            ItemSort::Deadline
        } else {
            ItemSort::Newest
        };
    };
    let parsed = if deadline {
        cursor.strip_prefix('d').and_then(|rest| {
            let (date, id) = rest.split_once('_')?;
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .ok()
                .filter(|d| plausible(*d))?;
            Some(ItemSort::DeadlineAfter(date, id.parse().ok()?))
        })
    } else {
        cursor
            .strip_prefix('n')
            .and_then(|id| id.parse().ok())
            .map(ItemSort::NewestAfter)
    };
    parsed.unwrap_or_else(|| {
        e.add("after", "validation.invalid_cursor");
        ItemSort::Newest
    })
}

/// Dates every backend stores (PostgreSQL refuses years before 4713 BC; SQLite compares text),
/// and far wider than any deadline.
fn plausible(d: NaiveDate) -> bool {
    (1900..=2200).contains(&chrono::Datelike::year(&d))
}

fn cursor(sort: &ItemSort, last: &ItemRow) -> String {
    match sort {
        ItemSort::Newest | ItemSort::NewestAfter(_) => format!("n{}", last.id),
        ItemSort::Deadline | ItemSort::DeadlineAfter(..) => {
            format!("d{}_{}", last.deadline, last.id)
        }
    }
}

pub(crate) fn summary(i: &ItemRow) -> ItemSummary {
    ItemSummary {
        id: i.id,
        number: i.number.clone(),
        title: i.title.clone(),
        source: i.source,
        category: i.category,
        priority: i.priority,
        state: i.state,
        deadline: i.deadline,
        public: i.public,
        light: i.light.and_then(Light::from_rank),
        created_at: i.created_at,
        dispatched_at: i.dispatched_at,
    }
}

impl Services {
    /// A page of the items the actor may see.
    pub async fn list_items(&self, actor: &Actor, input: &ListInput) -> ServiceResult<ItemPage> {
        ensure(!actor.roles.iter().all(|r| r.is_admin()))?;
        let mut e = ValidationErrors::default();
        let source = choice::<Source>(&mut e, "source", &input.source);
        let category = choice::<Category>(&mut e, "category", &input.category);
        let state = choice::<ItemState>(&mut e, "state", &input.state);
        let light = choice::<Light>(&mut e, "light", &input.light);
        let holder_light = choice::<Light>(&mut e, "holder_light", &input.holder_light);
        let sort = parse_sort(&mut e, input.sort.as_deref(), input.after.as_deref());
        let limit = input.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            e.add("limit", "validation.out_of_range");
        }
        for (field, date) in [
            ("deadline_from", input.deadline_from),
            ("deadline_to", input.deadline_to),
        ] {
            if date.is_some_and(|d| !plausible(d)) {
                e.add(field, "validation.out_of_range");
            }
        }
        let keyword = input.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if keyword.is_some_and(|k| k.chars().count() > 100) {
            e.add("q", "validation.too_long");
        } else if keyword.is_some_and(|k| k.chars().any(char::is_control)) {
            e.add("q", "validation.control_chars");
        }
        let unit = match input.unit_id {
            None => None,
            Some(uid) => match self.store.unit(uid).await? {
                Some(u) if actor.sees(&u.path.0) => Some(u.path.0),
                _ => {
                    e.add("unit_id", "validation.unknown_unit");
                    None
                }
            },
        };
        let holder = match input.holder_id {
            None => None,
            Some(uid) => match self.store.unit(uid).await? {
                Some(u) if actor.sees(&u.path.0) => Some((u.path.0, holder_light.map(Light::rank))),
                _ => {
                    e.add("holder_id", "validation.unknown_unit");
                    None
                }
            },
        };
        e.into_result(())?;
        let oversees = actor.has(Role::Supervisor) || actor.has(Role::Leader);
        let q = ItemQuery {
            visible_units: Some(actor.visibility_root().clone()),
            visible_scope: oversees.then(|| actor.jurisdiction.clone()),
            source,
            category,
            state,
            light: light.map(Light::rank),
            unit,
            holder,
            deadline_from: input.deadline_from,
            deadline_to: input.deadline_to,
            keyword: keyword.map(str::to_string),
            sort: sort.clone(),
            limit: limit + 1,
        };
        let mut rows = self.store.list_items(&q).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|l| cursor(&sort, l))
        } else {
            None
        };
        Ok(ItemPage {
            items: rows.iter().map(summary).collect(),
            next_cursor,
        })
    }
}
