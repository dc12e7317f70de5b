//! Finalising a period (定稿): the scores are stored with the rule set's version and a digest,
//! by one event; nothing in a final period changes afterwards, and later events count in the
//! next period.

use super::Period;
use super::appeals::period_final;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, NewScorePeriod};
use sha2::Digest;

impl Services {
    /// The office finalises a period that has ended and has no appeal left to decide.
    pub async fn finalize_scores(
        &self,
        actor: &Actor,
        scope_unit_id: Option<i64>,
        period: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let period = Period::parse(period)?;
        let (scope, root) = self.assessment_scope(actor, scope_unit_id).await?;
        ensure(Self::runs_assessment(actor, &root))?;
        if self
            .store
            .score_period(scope, &period.name)
            .await?
            .is_some()
        {
            return Err(period_final());
        }
        if period.end > self.today(now) {
            return Err(ValidationErrors::single("period", "rule.period_not_over").into());
        }
        // Units keep their days to appeal.
        if self.within_appeal_window(&period, now) {
            return Err(ValidationErrors::single("period", "rule.appeal_window_open").into());
        }
        if !self
            .store
            .appeals(scope, Some(&period.name), true)
            .await?
            .is_empty()
        {
            return Err(ValidationErrors::single("period", "rule.appeals_pending").into());
        }
        let scored = self.scored(scope, &root, &period, self.today(now)).await?;
        let text = serde_json::to_string(&scored.units)
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
        let digest = ducha_domain::chain::hex(&sha2::Sha256::digest(text.as_bytes()));
        let mut units = Vec::with_capacity(scored.units.len());
        for u in &scored.units {
            let lines = u
                .lines
                .iter()
                .map(serde_json::to_string)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(Box::new(e))))?;
            let flags = serde_json::to_string(&u.flags).unwrap_or_else(|_| "[]".into());
            units.push((u.unit_id, u.base, u.total, flags, lines));
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ScoresFinalized,
                Subject {
                    unit: Some(scope),
                    ..Subject::default()
                },
                serde_json::json!({ "period": period.name, "rules_version": scored.version,
                    "digest": digest, "units": units.len() }),
                vec![],
                vec![Insert::ScorePeriod(NewScorePeriod {
                    scope_unit_id: scope,
                    period: period.name.clone(),
                    rules_version: scored.version.clone(),
                    digest,
                    finalized_by: Some(actor.user_id.0),
                    finalized_at: now,
                    units,
                })],
            )
            .await
            .map_err(|e| match e {
                ServiceError::Rule(Rule::NameTaken) => period_final(),
                other => other,
            })?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}
