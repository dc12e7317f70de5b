//! The office records what an inspection found: each finding becomes a rectification item (a
//! draft submitted for approval, citing the inspection), checked whole before the first is
//! written; none at all closes an inspection that found nothing.

use super::inspections::state;
use crate::context::Subject;
use crate::error::{ServiceResult, ensure};
use crate::{Created, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemInput, ItemSpec};
use ducha_domain::joint::inspections::InspectionState;
use ducha_domain::org::Actor;
use ducha_domain::text::bounded;
use ducha_store::{Insert, JointInsert, JointUpdate, Update};
use serde::Deserialize;

/// One finding.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingInput {
    /// The unit found wanting (a target of the inspection).
    pub unit_id: i64,
    /// What was found and must be put right.
    pub text: String,
    /// By when.
    pub deadline: NaiveDate,
}

/// An inspection's findings.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = InspectionFindingsInput))]
pub struct FindingsInput {
    /// The findings (1–20).
    pub findings: Vec<FindingInput>,
}

impl Services {
    /// The office records an inspection's findings: each becomes a rectification item (a
    /// draft submitted for approval, citing the inspection), and the plan is done.
    pub async fn record_findings(
        &self,
        actor: &Actor,
        id: i64,
        input: &FindingsInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (mut r, path) = self.visible_inspection(actor, id).await?;
        ensure(Self::runs_office(actor, &path))?;
        let today = self.today(now);
        if state(&r) != InspectionState::Approved || r.window_from > today {
            return Err(
                ValidationErrors::single("findings", "validation.inspection_not_started").into(),
            );
        }
        // None at all is a result too: the inspection found nothing to rectify.
        if input.findings.len() > 20 {
            return Err(ValidationErrors::single("findings", "validation.findings_count").into());
        }
        let targets = self
            .targets_of(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default();
        let mut e = ValidationErrors::default();
        let mut texts = Vec::new();
        for (k, f) in input.findings.iter().enumerate() {
            texts.push(bounded(
                &mut e,
                &format!("findings[{k}].text"),
                &f.text,
                true,
                1000,
            ));
            if !targets.contains(&f.unit_id) {
                e.add(format!("findings[{k}].unit_id"), "validation.not_a_target");
            }
            if f.deadline < today {
                e.add(format!("findings[{k}].deadline"), "rule.deadline_in_past");
            }
        }
        let names = self
            .unit_names(
                input
                    .findings
                    .iter()
                    .map(|f| f.unit_id)
                    .chain([r.body_unit_id]),
            )
            .await?;
        let body = names.get(&r.body_unit_id).cloned().unwrap_or_default();
        // Every rectification item is checked before the first is written: a bad row
        // anywhere leaves the register as it was.
        let mut items = Vec::new();
        for (k, (f, text)) in input.findings.iter().zip(&texts).enumerate() {
            let unit = names.get(&f.unit_id).cloned().unwrap_or_default();
            let title: String = format!("{}整改：{}", unit, r.topic)
                .chars()
                .take(200)
                .collect();
            let item = ItemInput {
                title,
                description: format!(
                    "{text}\n（{body}{}督查检查发现，{}至{}；整改责任单位：{unit}）",
                    ducha_domain::text::quoted(&r.topic),
                    r.window_from,
                    r.window_to
                ),
                source: "inspection_finding".into(),
                category: "central_work".into(),
                priority: Some("high".into()),
                targets: vec![],
                deadline: Some(f.deadline),
                deadline_working_days: None,
                cadence: None,
                leader_id: None,
                public: false,
            };
            if let Err(bad) = ItemSpec::parse(&item, today, &self.calendar()) {
                for fe in bad.0 {
                    e.add(format!("findings[{k}].{}", fe.field), fe.key);
                }
            }
            items.push((f.unit_id, text.clone(), item));
        }
        e.into_result(())?;
        let mut inserts = Vec::new();
        let mut item_ids = Vec::new();
        for (unit_id, text, item) in items {
            let created = self.create_item(actor, &item, now).await?;
            self.submit_item(actor, created.id, now).await?;
            item_ids.push(created.id);
            inserts.push(Insert::Joint(JointInsert::Finding {
                inspection_id: id,
                unit_id,
                text,
                item_id: created.id,
                created_at: now,
            }));
        }
        r.state = InspectionState::Done.as_str().into();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::InspectionDone,
                Subject {
                    unit: Some(r.body_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "inspection_id": id, "items": item_ids }),
                vec![Update::Joint(JointUpdate::Inspection(r))],
                inserts,
            )
            .await?;
        Ok(Created {
            id: item_ids.first().copied().unwrap_or(id),
            ids: item_ids,
            event_seq: c.event.seq,
        })
    }
}
