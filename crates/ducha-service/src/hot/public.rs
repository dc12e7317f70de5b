//! What citizens see of hot issues: this month's, without personal data, with what was done;
//! and their satisfaction with the item that handled their appeal, asked on the tracking page
//! once the item closed, once per appeal.

use crate::Services;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::appeals::mask::mask;
use ducha_domain::appeals::{AppealCategory, TrackingCode};
use ducha_domain::calendar::china_date;
use ducha_domain::chain::EventKind;
use ducha_domain::hot::issue::{HotIssueState, Satisfaction};
use ducha_domain::item::ItemState;
use ducha_store::{Insert, NewSatisfaction};
use serde::{Deserialize, Serialize};

/// One of this month's hot issues as the public sees it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicHot {
    /// Category.
    pub category: AppealCategory,
    /// Where (the unit all its appeals lie under).
    pub place: String,
    /// Appeals this month.
    pub month: i64,
    /// Appeals in all.
    pub total: i64,
    /// Kept empty: no citizen's text is republished on the public pages.
    pub sample: String,
    /// The public item handling it.
    pub item: Option<PublicHotItem>,
}

/// What was done: the public item handling a hot issue.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicHotItem {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// State.
    pub state: ItemState,
}

/// A submitter's answer on the tracking page.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SatisfactionInput {
    /// `satisfied`, `basic` or `dissatisfied`.
    pub answer: String,
    /// An optional comment (at most 500 characters; personal data is masked).
    #[serde(default)]
    pub comment: String,
}

/// Hot issues the public list shows at most.
const MONTH_LIST: i64 = 10;

impl Services {
    /// The month's hot issues (by appeals received since the first of the month, China
    /// time), largest first.
    pub async fn public_hot(&self, now: DateTime<Utc>) -> ServiceResult<Vec<PublicHot>> {
        let today = china_date(now);
        let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1).unwrap_or(today);
        let since = first
            .and_hms_opt(0, 0, 0)
            .and_then(|t| {
                chrono::FixedOffset::east_opt(8 * 3600)?
                    .from_local_datetime(&t)
                    .single()
            })
            .map_or(now, |t| t.with_timezone(&Utc));
        let mut out = Vec::new();
        for (hot_id, month) in self.store.hot_since(since, MONTH_LIST).await? {
            let Some(h) = self.store.hot_issue(hot_id).await? else {
                continue;
            };
            if h.state == HotIssueState::Absorbed {
                continue;
            }
            let place = match h.scope_path.split('/').rfind(|s| !s.is_empty()) {
                Some(u) => self
                    .store
                    .unit_names(&[u.parse().unwrap_or_default()])
                    .await?
                    .pop()
                    .map(|u| u.1)
                    .unwrap_or_default(),
                None => String::new(),
            };
            let item = match h.item_id {
                Some(i) => self.public_item(i).await.ok().map(|v| PublicHotItem {
                    id: v.id,
                    title: v.title,
                    state: v.state,
                }),
                None => None,
            };
            out.push(PublicHot {
                category: h.category,
                place,
                month,
                total: h.appeal_count,
                // The cached front page republishes no citizen's words: anyone could append
                // text to an appeal that joins a large hot issue, and masking is heuristic.
                // What the issue is about shows through its item's title once there is one.
                sample: String::new(),
                item,
            });
        }
        Ok(out)
    }

    /// The submitter's answer once the appeal's item closed; once per appeal.
    pub async fn rate_appeal(
        &self,
        code: &str,
        input: &SatisfactionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let unknown =
            || ServiceError::from(ValidationErrors::single("code", "appeal.code_unknown"));
        let code = TrackingCode::parse(code).ok_or_else(unknown)?;
        let a = self
            .store
            .appeal_by_code(code.as_str())
            .await?
            .ok_or_else(unknown)?;
        let mut e = ValidationErrors::default();
        let answer: Option<Satisfaction> = input.answer.parse().ok();
        if answer.is_none() {
            e.add("answer", "validation.unknown_choice");
        }
        if input.comment.chars().count() > 500 {
            e.add("comment", "validation.too_long");
        }
        e.into_result(())?;
        let item = match a.item_id {
            Some(i) => self.store.item(i).await?,
            None => None,
        };
        let Some(item) = item.filter(|i| i.state == ItemState::Closed) else {
            return Err(ValidationErrors::single("answer", "hot.not_closed").into());
        };
        if self.store.satisfaction_of(a.id).await?.is_some() {
            return Err(ValidationErrors::single("answer", "hot.already_rated").into());
        }
        let Some(answer) = answer else {
            return Err(ValidationErrors::single("answer", "validation.unknown_choice").into());
        };
        self.commit(
            None,
            now,
            EventKind::AppealRated,
            Subject {
                unit: Some(a.unit_id),
                ..Subject::item(item.id)
            },
            serde_json::json!({ "appeal": a.id, "answer": answer }),
            vec![],
            vec![Insert::Satisfaction(NewSatisfaction {
                appeal_id: a.id,
                item_id: item.id,
                answer,
                comment: mask(input.comment.trim()).text,
                at: now,
            })],
        )
        .await
        .map_err(|e| match e {
            // Sent twice at once: the second finds the first's row.
            ServiceError::Store(ducha_store::StoreError::Conflict(_)) => {
                ValidationErrors::single("answer", "hot.already_rated").into()
            }
            e => e,
        })?;
        Ok(())
    }
}
