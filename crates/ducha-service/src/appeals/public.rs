//! What anyone may read without a login: an appeal followed by its code, and the public items
//! (`items.public` set, dispatched or closed) with their state, light, milestones and the public
//! parts of their accepted reports (date, unit, percent, text with personal data masked; never
//! the problems, metrics, reviewers or evidence). Nothing here names a person.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::appeals::mask::mask;
use ducha_domain::appeals::{AppealCategory, AppealState, TrackingCode};
use ducha_domain::calendar::china_date;
use ducha_domain::item::ItemState;
use ducha_domain::light::Light;
use ducha_domain::report::ReportState;
use ducha_store::ItemRow;
use serde::Serialize;
use std::collections::HashMap;

/// An appeal as its code shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackView {
    /// The code, grouped.
    pub code: String,
    /// State.
    pub state: AppealState,
    /// Category.
    pub category: AppealCategory,
    /// The unit it is about.
    pub unit_name: String,
    /// Received on (China date).
    pub received_on: NaiveDate,
    /// The text with personal data masked.
    pub text: String,
    /// The public item it is handled through, once linked (and public).
    pub item: Option<PublicItemView>,
    /// The item closed and the submitter has not yet said how satisfied they are.
    pub ask_rating: bool,
    /// What the submitter answered (`satisfied`, `basic`, `dissatisfied`).
    pub rated: Option<String>,
}

/// A dated step of a public item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Milestone {
    /// China date.
    pub on: NaiveDate,
    /// Message key of what happened (`public.milestone.*`).
    pub key: String,
}

/// The public part of an accepted report.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicReport {
    /// China date it was submitted.
    pub on: NaiveDate,
    /// The reporting unit.
    pub unit_name: String,
    /// Progress in percent.
    pub percent: Option<i64>,
    /// The text, personal data masked.
    pub text: String,
    /// A completion report.
    pub completion: bool,
}

/// A public item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicItemView {
    /// Id.
    pub id: i64,
    /// Official number.
    pub number: Option<String>,
    /// Title.
    pub title: String,
    /// Description, personal data masked.
    pub description: String,
    /// State.
    pub state: ItemState,
    /// Light.
    pub light: Option<Light>,
    /// Deadline.
    pub deadline: NaiveDate,
    /// Lead units.
    pub lead_units: Vec<String>,
    /// Dated steps, oldest first.
    pub milestones: Vec<Milestone>,
    /// Accepted reports, newest first.
    pub reports: Vec<PublicReport>,
    /// Appeals linked to it.
    pub appeals: i64,
}

/// A unit a citizen may choose on the form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicUnit {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Depth below the top level shown (0 for the city).
    pub depth: usize,
}

/// How many public items the index lists.
pub const PUBLIC_LIST: i64 = 100;

fn is_public(item: &ItemRow) -> bool {
    item.public && matches!(item.state, ItemState::Dispatched | ItemState::Closed)
}

impl Services {
    /// The units a citizen may choose (the city, districts and counties, townships), in tree
    /// order.
    pub async fn public_units(&self) -> ServiceResult<Vec<PublicUnit>> {
        let all = self
            .store
            .units_under(&ducha_domain::org::UnitPath::from_stored("/".into()))
            .await?;
        let top = all.iter().map(|u| u.path.0.depth()).min().unwrap_or(1);
        Ok(all
            .into_iter()
            .filter(|u| super::submit::citizen_unit(u.kind))
            .map(|u| PublicUnit {
                id: u.id,
                depth: u.path.0.depth() - top,
                name: u.name,
            })
            .collect())
    }

    /// An appeal by its code, as its submitter follows it.
    pub async fn track_appeal(&self, code: &str) -> ServiceResult<TrackView> {
        let unknown =
            || ServiceError::from(ValidationErrors::single("code", "appeal.code_unknown"));
        let code = TrackingCode::parse(code).ok_or_else(unknown)?;
        let a = self
            .store
            .appeal_by_code(code.as_str())
            .await?
            .ok_or_else(unknown)?;
        let unit_name = self
            .store
            .unit_names(&[a.unit_id])
            .await?
            .pop()
            .map(|u| u.1)
            .unwrap_or_default();
        let item = match a.item_id {
            Some(id) => self.public_item(id).await.ok(),
            None => None,
        };
        let rated = match &item {
            Some(i) if i.state == ItemState::Closed => self.store.satisfaction_of(a.id).await?,
            _ => None,
        };
        let ask_rating =
            rated.is_none() && item.as_ref().is_some_and(|i| i.state == ItemState::Closed);
        Ok(TrackView {
            ask_rating,
            rated,
            code: code.grouped(),
            state: a.state,
            category: a.category,
            unit_name,
            received_on: china_date(a.received_at),
            text: a.text_masked,
            item,
        })
    }

    /// The public items, newest first, with their lead units (no milestones or reports).
    pub async fn public_items(&self) -> ServiceResult<Vec<PublicItemView>> {
        let items = self.store.public_items(PUBLIC_LIST).await?;
        let mut out = Vec::with_capacity(items.len());
        for i in items {
            out.push(self.public_view(i, false).await?);
        }
        Ok(out)
    }

    /// One public item with its milestones and reports; `NotFound` for any other id.
    pub async fn public_item(&self, id: i64) -> ServiceResult<PublicItemView> {
        let item = self.store.item(id).await?.ok_or(ServiceError::NotFound)?;
        if !is_public(&item) {
            return Err(ServiceError::NotFound);
        }
        self.public_view(item, true).await
    }

    async fn public_view(&self, item: ItemRow, full: bool) -> ServiceResult<PublicItemView> {
        let assignments = self.store.assignments_of_item(item.id).await?;
        let leads: Vec<i64> = assignments
            .iter()
            .filter(|a| a.parent_id.is_none() && a.role.as_str() == "lead")
            .map(|a| a.unit_id)
            .collect();
        let mut unit_ids: Vec<i64> = assignments.iter().map(|a| a.unit_id).collect();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        let names: HashMap<i64, String> = self
            .store
            .unit_names(&unit_ids)
            .await?
            .into_iter()
            .collect();
        let lead_units = leads.iter().filter_map(|u| names.get(u).cloned()).collect();
        let mut milestones = Vec::new();
        let mut reports = Vec::new();
        let mut appeals = 0;
        if full {
            let unit_of: HashMap<i64, i64> =
                assignments.iter().map(|a| (a.id, a.unit_id)).collect();
            let day = |t: DateTime<Utc>| china_date(t);
            if let Some(t) = item.dispatched_at {
                milestones.push(Milestone {
                    on: day(t),
                    key: "public.milestone.dispatched".into(),
                });
            }
            for r in self.store.reports_of_item(item.id).await? {
                if r.state != ReportState::Accepted {
                    continue;
                }
                let completion = r.kind.as_str() == "completion";
                if completion {
                    milestones.push(Milestone {
                        on: day(r.reviewed_at.unwrap_or(r.submitted_at)),
                        key: "public.milestone.completed".into(),
                    });
                }
                reports.push(PublicReport {
                    on: day(r.submitted_at),
                    unit_name: unit_of
                        .get(&r.assignment_id)
                        .and_then(|u| names.get(u))
                        .cloned()
                        .unwrap_or_default(),
                    percent: r.percent,
                    text: mask(&r.text).text,
                    completion,
                });
            }
            if let Some(t) = item.closed_at {
                milestones.push(Milestone {
                    on: day(t),
                    key: "public.milestone.closed".into(),
                });
            }
            milestones.sort_by_key(|m| m.on);
            reports.reverse();
            appeals = i64::try_from(self.store.appeals_of_item(item.id).await?.len()).unwrap_or(0);
        }
        Ok(PublicItemView {
            id: item.id,
            number: item.number,
            title: mask(&item.title).text,
            description: mask(&item.description).text,
            state: item.state,
            light: item.light.and_then(Light::from_rank),
            deadline: item.deadline,
            lead_units,
            milestones,
            reports,
            appeals,
        })
    }
}
