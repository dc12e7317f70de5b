//! The staff's appeals: a list scoped to what the reader sees (a unit its subtree, the office
//! and leaders their jurisdiction), an appeal's detail with the text masked, and — for the
//! roles that call back — the original text and contact, each view recorded in the security
//! log.

use super::{CONTACT, TEXT};
use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::security::SecEvent;
use chrono::{DateTime, Utc};
use ducha_domain::appeals::{AppealCategory, AppealSource, AppealState, TrackingCode};
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::security::SecurityKind;
use ducha_domain::{UnitId, ValidationErrors};
use ducha_store::{AppealQuery, CitizenAppealRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An appeal as staff see it: personal data masked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealView {
    /// Id.
    pub id: i64,
    /// Tracking code, grouped.
    pub code: String,
    /// Source.
    pub source: AppealSource,
    /// The 12345 order number.
    pub external_no: Option<String>,
    /// The unit it is about.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Category.
    pub category: AppealCategory,
    /// The text, personal data masked.
    pub text: String,
    /// Kinds of personal data masked in it.
    pub pii: Vec<String>,
    /// A contact was given.
    pub has_contact: bool,
    /// A photo was sent.
    pub has_photo: bool,
    /// State.
    pub state: AppealState,
    /// The item it is handled through.
    pub item_id: Option<i64>,
    /// Received.
    pub received_at: DateTime<Utc>,
}

/// An appeal's page: the masked view and whether the reader may see the original.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealDetail {
    /// The appeal.
    pub appeal: AppealView,
    /// The reader calls back: may see the original text and contact.
    pub may_unmask: bool,
    /// The hot issue it joined, for a reader of hot issues.
    pub hot_id: Option<i64>,
}

/// The original text and contact, for a role that calls back.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppealUnmasked {
    /// Id.
    pub id: i64,
    /// The text as the citizen wrote it.
    pub text: String,
    /// The contact (empty when none was given).
    pub contact: String,
}

/// Filters of the appeals list.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AppealFilter {
    /// Only this state: `received`, `handling` or `closed`.
    #[serde(default)]
    pub state: Option<String>,
    /// Only this source: `public_form`, `hotline_12345` or `other`.
    #[serde(default)]
    pub source: Option<String>,
    /// Page before this id (the last id of the previous page).
    #[serde(default)]
    pub before: Option<i64>,
    /// Page size (1–200, default 50).
    #[serde(default)]
    pub limit: Option<i64>,
}

fn view(a: CitizenAppealRow, names: &HashMap<i64, String>) -> AppealView {
    AppealView {
        id: a.id,
        code: TrackingCode::parse(&a.code).map_or(a.code.clone(), |c| c.grouped()),
        source: a.source,
        external_no: a.external_no,
        unit_id: a.unit_id,
        unit_name: names.get(&a.unit_id).cloned().unwrap_or_default(),
        category: a.category,
        text: a.text_masked,
        pii: a
            .pii
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        has_contact: !a.contact_sealed.is_empty(),
        has_photo: a.photo_sha256.is_some(),
        state: a.state,
        item_id: a.item_id,
        received_at: a.received_at,
    }
}

impl Services {
    /// Appeals about units the actor sees, newest first.
    pub async fn appeals(&self, actor: &Actor, f: &AppealFilter) -> ServiceResult<Vec<AppealView>> {
        ensure(!actor.roles.iter().all(|r| r.is_admin()))?;
        let mut e = ValidationErrors::default();
        let state = f.state.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
            let p = s.parse().ok();
            if p.is_none() {
                e.add("state", "validation.unknown_choice");
            }
            p
        });
        let source = f.source.as_deref().filter(|s| !s.is_empty()).and_then(|s| {
            let p = s.parse().ok();
            if p.is_none() {
                e.add("source", "validation.unknown_choice");
            }
            p
        });
        let limit = f.limit.unwrap_or(50);
        if !(1..=200).contains(&limit) {
            e.add("limit", "validation.out_of_range");
        }
        e.into_result(())?;
        let rows = self
            .store
            .appeals_under(&AppealQuery {
                root: actor.visibility_root().clone(),
                state,
                source,
                before: f.before,
                limit,
            })
            .await?;
        self.views(rows).await
    }

    pub(crate) async fn views(
        &self,
        rows: Vec<CitizenAppealRow>,
    ) -> ServiceResult<Vec<AppealView>> {
        let mut ids: Vec<i64> = rows.iter().map(|a| a.unit_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: HashMap<i64, String> = self.store.unit_names(&ids).await?.into_iter().collect();
        Ok(rows.into_iter().map(|a| view(a, &names)).collect())
    }

    /// An appeal the actor may see; `NotFound` otherwise.
    async fn visible_appeal(&self, actor: &Actor, id: i64) -> ServiceResult<CitizenAppealRow> {
        let a = self
            .store
            .citizen_appeal(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = UnitPath::from_stored(a.unit_path.clone());
        if actor.sees(&path) {
            Ok(a)
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// Whether the actor calls back on this appeal: a supervisor of its jurisdiction, or the
    /// liaison or head of the unit it names or of a lead unit of its item.
    async fn calls_back(&self, actor: &Actor, a: &CitizenAppealRow) -> ServiceResult<bool> {
        let path = UnitPath::from_stored(a.unit_path.clone());
        if actor.supervises(&path) || actor.acts_for(UnitId(a.unit_id)) {
            return Ok(true);
        }
        if let Some(item) = a.item_id {
            return Ok(self
                .store
                .assignments_of_item(item)
                .await?
                .iter()
                .any(|x| x.role == AssignmentRole::Lead && actor.acts_for(UnitId(x.unit_id))));
        }
        Ok(false)
    }

    /// An appeal's page, masked.
    pub async fn appeal_detail(&self, actor: &Actor, id: i64) -> ServiceResult<AppealDetail> {
        let a = self.visible_appeal(actor, id).await?;
        let may_unmask = self.calls_back(actor, &a).await?;
        let hot_id = if actor.has(ducha_domain::org::Role::Supervisor)
            || actor.has(ducha_domain::org::Role::Leader)
        {
            self.store.hot_issue_of_appeal(a.id).await?.map(|h| h.id)
        } else {
            None
        };
        let appeal = self.views(vec![a]).await?.remove(0);
        Ok(AppealDetail {
            appeal,
            may_unmask,
            hot_id,
        })
    }

    /// The original text and contact, for a role that calls back; recorded in the security
    /// log.
    pub async fn appeal_unmasked(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<AppealUnmasked> {
        let a = self.visible_appeal(actor, id).await?;
        ensure(self.calls_back(actor, &a).await?)?;
        let text = if a.text_sealed.is_empty() {
            a.text_masked.clone()
        } else {
            self.open_appeal(TEXT, &a.code, &a.text_sealed)?.to_string()
        };
        let contact = self
            .open_appeal(CONTACT, &a.code, &a.contact_sealed)?
            .to_string();
        let username = self.username(actor.user_id.0).await?;
        let grouped = TrackingCode::parse(&a.code).map_or(a.code.clone(), |c| c.grouped());
        self.security_event(
            SecEvent::new(SecurityKind::PersonalDataViewed)
                .by(actor.user_id.0)
                .args(serde_json::json!({ "username": username, "appeal": grouped })),
            now,
        )
        .await?;
        Ok(AppealUnmasked { id, text, contact })
    }

    /// An appeal's photo (or its thumbnail) for a reader of the appeal: its bytes and their
    /// MIME type (a citizen's photo is small, bounded by the form's limit).
    pub async fn appeal_photo(
        &self,
        actor: &Actor,
        id: i64,
        thumb: bool,
    ) -> ServiceResult<(Vec<u8>, String)> {
        let a = self.visible_appeal(actor, id).await?;
        let (Some(sha), Some(mime)) = (a.photo_sha256, a.photo_mime) else {
            return Err(ServiceError::NotFound);
        };
        self.picture_bytes(&sha, &mime, thumb).await
    }
}
