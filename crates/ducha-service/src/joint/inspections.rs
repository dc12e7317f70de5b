//! The inspection register (督查检查计划): bodies file planned inspections; filing finds the
//! overlaps with other bodies' plans at once and proposes merging them into one joint
//! inspection, which the lead body accepts or declines with a reason; plans outside the annual
//! plan (一事一报) or over a unit's quarterly budget wait for the office's approval; findings
//! become rectification items that cite the inspection.

use super::burden::UnitBurden;
use super::group::topics;
use super::scope_of;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Done, Services};
use chrono::{DateTime, Days, NaiveDate, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::joint::inspections::{
    InspectionInput, InspectionSpec, InspectionState, OverlapState, Plan, overlaps, quarter_bounds,
    quarter_of,
};
use ducha_domain::org::{Actor, Role, UnitKind, UnitPath};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{
    Insert, InspectionQuery, InspectionRow, JointInsert, JointUpdate, NewInspection, NewOverlap,
    OverlapRow, SeatRow, Update,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A unit named in a view.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
}

/// An overlap as a plan's page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverlapView {
    /// Id.
    pub id: i64,
    /// The plan filed later.
    pub inspection_id: i64,
    /// The earlier plan.
    pub other_id: i64,
    /// `same_target` or `similar_topic`.
    pub kind: String,
    /// The target units both visit.
    pub units: Vec<UnitRef>,
    /// Topic similarity in per cent.
    pub similarity: i64,
    /// The plan proposed to lead.
    pub lead_id: i64,
    /// The lead plan's body.
    pub lead_body: String,
    /// The lead plan's topic.
    pub lead_topic: String,
    /// The other plan.
    pub support_id: i64,
    /// Its body.
    pub support_body: String,
    /// Its topic.
    pub support_topic: String,
    /// `proposed`, `merged` or `declined`.
    pub state: String,
    /// Why declined.
    pub reason: String,
    /// The reader may answer it (the lead body, or the office).
    pub can_answer: bool,
}

/// A finding and its rectification item.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FindingRef {
    /// The unit.
    pub unit_name: String,
    /// What was found.
    pub text: String,
    /// The rectification item.
    pub item_id: i64,
    /// Its number, once dispatched.
    pub item_number: Option<String>,
    /// Its state.
    pub item_state: String,
}

/// A planned inspection.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionView {
    /// Id.
    pub id: i64,
    /// The filing body.
    pub body_unit_id: i64,
    /// Its name.
    pub body_name: String,
    /// Topic.
    pub topic: String,
    /// Cited document.
    pub basis: String,
    /// Method.
    pub method: String,
    /// Window.
    pub window_from: NaiveDate,
    /// Window.
    pub window_to: NaiveDate,
    /// People.
    pub people: i64,
    /// Days on site per target.
    pub days_on_site: i64,
    /// Forms per target.
    pub forms: i64,
    /// In the annual plan.
    pub annual: bool,
    /// State.
    pub state: String,
    /// Why it waits (`unplanned`, `over_budget`).
    pub flags: Vec<String>,
    /// The joint inspection it was merged into.
    pub merged_into: Option<i64>,
    /// The office's comment on its decision.
    pub comment: String,
    /// Target units.
    pub targets: Vec<UnitRef>,
    /// Bodies whose plans were merged into this one (配角).
    pub supporting: Vec<UnitRef>,
    /// Overlaps with other plans.
    pub overlaps: Vec<OverlapView>,
    /// Findings and their items.
    pub findings: Vec<FindingRef>,
    /// The reader may approve or reject it.
    pub can_decide: bool,
    /// The reader may record its findings.
    pub can_record: bool,
    /// The reader may withdraw it (the filing body or the office, before it is carried out).
    pub can_withdraw: bool,
}

/// What filing returns: the plan, its overlaps and its targets' burden.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FiledView {
    /// The plan.
    pub id: i64,
    /// `pending` or `approved`.
    pub state: String,
    /// Why it waits.
    pub flags: Vec<String>,
    /// Overlaps found, each proposed as a merge.
    pub overlaps: Vec<OverlapView>,
    /// The targets' burden this quarter, this plan included.
    pub burden: Vec<UnitBurden>,
}

/// The office's decision on a plan awaiting approval.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InspectionDecisionInput {
    /// Approve or reject.
    pub approve: bool,
    /// Why; required when rejecting.
    #[serde(default)]
    pub comment: String,
}

/// The lead body's answer to a proposed merge.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerInput {
    /// Merge into one joint inspection, or not.
    pub merge: bool,
    /// Why not; required when declining.
    #[serde(default)]
    pub reason: String,
}

fn plan_of(r: &InspectionRow, targets: &HashMap<i64, Vec<i64>>) -> Plan {
    Plan {
        id: r.id,
        body_unit_id: r.body_unit_id,
        topic: r.topic.clone(),
        from: r.window_from,
        to: r.window_to,
        targets: targets.get(&r.id).cloned().unwrap_or_default(),
    }
}

pub(super) fn state(r: &InspectionRow) -> InspectionState {
    r.state.parse().unwrap_or(InspectionState::Cancelled)
}

impl Services {
    /// The actor's body seat in its jurisdiction, if its unit holds one and the actor acts for
    /// it (liaison, head, or a supervisor of that unit).
    async fn acting_body(&self, actor: &Actor, scope: i64) -> ServiceResult<Option<SeatRow>> {
        let acts = actor.acts_for(actor.unit_id) || actor.has(Role::Supervisor);
        if !acts {
            return Ok(None);
        }
        Ok(self
            .store
            .seats_of_unit(actor.unit_id.0)
            .await?
            .into_iter()
            .find(|s| s.scope_unit_id == scope))
    }

    /// Targets of plans, by plan.
    pub(super) async fn targets_of(&self, ids: &[i64]) -> ServiceResult<HashMap<i64, Vec<i64>>> {
        let mut m: HashMap<i64, Vec<i64>> = HashMap::new();
        for t in self.store.inspection_targets(ids).await? {
            m.entry(t.inspection_id).or_default().push(t.unit_id);
        }
        Ok(m)
    }

    /// A body files a planned inspection.
    pub async fn file_inspection(
        &self,
        actor: &Actor,
        input: &InspectionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<FiledView> {
        let (scope, path) = scope_of(actor)?;
        let seat = self
            .acting_body(actor, scope)
            .await?
            .ok_or(ServiceError::Forbidden)?;
        let today = self.today(now);
        let spec = InspectionSpec::parse(input, today)?;
        let units = self.store.units(&spec.targets).await?;
        if units.len() != spec.targets.len()
            || units.iter().any(|u| {
                !u.path.0.is_within(&path)
                    || u.path.0 == path
                    || matches!(u.kind, UnitKind::City | UnitKind::SupervisionBody)
            })
        {
            return Err(
                ValidationErrors::single("target_unit_ids", "validation.unknown_unit").into(),
            );
        }
        // Plans that could meet this one: open ones of the quarter around its window.
        let (y, q) = quarter_of(spec.window_from);
        let (qf, qt) = quarter_bounds(y, q).unwrap_or((spec.window_from, spec.window_to));
        let nearby = self
            .store
            .inspections(&InspectionQuery {
                scope_unit_id: scope,
                from: Some(qf.min(spec.window_from)),
                to: Some(qt.max(spec.window_to)),
                ..InspectionQuery::default()
            })
            .await?;
        let ids: Vec<i64> = nearby.iter().map(|r| r.id).collect();
        let targets = self.targets_of(&ids).await?;
        let open: Vec<Plan> = nearby
            .iter()
            .filter(|r| state(r).open())
            .map(|r| plan_of(r, &targets))
            .collect();
        let new = Plan {
            id: 0,
            body_unit_id: seat.unit_id,
            topic: spec.topic.clone(),
            from: spec.window_from,
            to: spec.window_to,
            targets: spec.targets.clone(),
        };
        let found = overlaps(&new, &open, self.config.joint.topic_similarity);
        // The burden of the quarter with this plan in it.
        let counted: Vec<&InspectionRow> = nearby
            .iter()
            .filter(|r| state(r).counts() && quarter_of(r.window_from) == (y, q))
            .collect();
        let mut burden = self.burden_of(&spec.targets, &counted, &targets).await?;
        for b in &mut burden {
            b.add(spec.days_on_site, spec.forms, 0);
        }
        let mut flags = Vec::new();
        if !spec.annual {
            flags.push("unplanned".to_string());
        }
        if burden.iter().any(|b| !b.over.is_empty()) {
            flags.push("over_budget".to_string());
        }
        let st = if flags.is_empty() {
            InspectionState::Approved
        } else {
            InspectionState::Pending
        };
        let seats = self.store.seats(scope).await?;
        let leads = |body: i64| {
            seats.iter().find(|s| s.unit_id == body).is_some_and(|s| {
                topics(&s.lead_topics)
                    .iter()
                    .any(|t| spec.topic.contains(t.as_str()))
            })
        };
        let mut inserts = vec![Insert::Joint(JointInsert::Inspection(NewInspection {
            scope_unit_id: scope,
            body_unit_id: seat.unit_id,
            spec: spec.clone(),
            state: st.as_str().into(),
            flags: flags.clone(),
            created_by: actor.user_id.0,
            created_at: now,
        }))];
        for o in &found {
            let other_body = open
                .iter()
                .find(|p| p.id == o.other_id)
                .map_or(0, |p| p.body_unit_id);
            // The earlier plan leads, unless only the new body leads on this topic (主角).
            let lead_id = if leads(seat.unit_id) && !leads(other_body) {
                0
            } else {
                o.other_id
            };
            inserts.push(Insert::Joint(JointInsert::Overlap(NewOverlap {
                inspection_id: 0,
                other_id: o.other_id,
                kind: o.kind.as_str().into(),
                units: o.units.clone(),
                similarity: o.similarity,
                lead_id,
            })));
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::InspectionFiled,
                Subject {
                    unit: Some(seat.unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "scope_unit_id": scope, "topic": spec.topic,
                    "method": spec.method, "window_from": spec.window_from,
                    "window_to": spec.window_to, "targets": spec.targets, "annual": spec.annual,
                    "state": st, "flags": flags,
                    "overlaps": found.iter().map(|o| serde_json::json!({ "other_id": o.other_id,
                        "kind": o.kind, "units": o.units })).collect::<Vec<_>>() }),
                vec![],
                inserts,
            )
            .await?;
        let id = c.ids[0];
        let view = self.inspection(actor, id, now).await?;
        Ok(FiledView {
            id,
            state: st.as_str().into(),
            flags,
            overlaps: view.overlaps,
            burden,
        })
    }

    /// A plan the actor may read: the jurisdiction's overseers (never the units inspected:
    /// an unannounced visit stays unannounced).
    pub(super) async fn visible_inspection(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(InspectionRow, UnitPath)> {
        let r = self
            .store
            .inspection(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (scope, path) = scope_of(actor)?;
        if r.scope_unit_id != scope || !actor.oversees() {
            return Err(ServiceError::NotFound);
        }
        Ok((r, path))
    }

    /// Views of plans with their targets, supporting bodies, overlaps and findings.
    pub(crate) async fn inspection_views(
        &self,
        actor: &Actor,
        rows: Vec<InspectionRow>,
        path: &UnitPath,
        now: DateTime<Utc>,
        full: bool,
    ) -> ServiceResult<Vec<InspectionView>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let targets = self.targets_of(&ids).await?;
        let overlaps = self.store.overlaps(&ids).await?;
        let mut others: Vec<i64> = overlaps
            .iter()
            .flat_map(|o| [o.inspection_id, o.other_id])
            .collect();
        others.retain(|i| !ids.contains(i));
        others.sort_unstable();
        others.dedup();
        let mut all = rows.clone();
        for o in &others {
            if let Some(r) = self.store.inspection(*o).await? {
                all.push(r);
            }
        }
        let by_id: HashMap<i64, &InspectionRow> = all.iter().map(|r| (r.id, r)).collect();
        let mut unit_ids: Vec<i64> = targets.values().flatten().copied().collect();
        unit_ids.extend(all.iter().map(|r| r.body_unit_id));
        unit_ids.extend(overlaps.iter().flat_map(|o| o.units.0.clone()));
        let mut findings = HashMap::new();
        if full {
            for r in &rows {
                let f = self.store.inspection_findings(r.id).await?;
                unit_ids.extend(f.iter().map(|f| f.unit_id));
                findings.insert(r.id, f);
            }
        }
        let names = self.unit_names(unit_ids).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let unit_ref = |id: i64| UnitRef { id, name: name(id) };
        let office = Self::runs_office(actor, path);
        let items = self
            .item_rows(findings.values().flatten().map(|f| f.item_id))
            .await?;
        let my_body = actor.unit_id.0;
        let today = self.today(now);
        let overlap_view = |o: &OverlapRow| -> OverlapView {
            let support_id = if o.lead_id == o.inspection_id {
                o.other_id
            } else {
                o.inspection_id
            };
            let lead = by_id.get(&o.lead_id);
            let support = by_id.get(&support_id);
            let both_open =
                lead.is_some_and(|r| state(r).open()) && support.is_some_and(|r| state(r).open());
            let lead_body = lead.map_or(0, |r| r.body_unit_id);
            OverlapView {
                id: o.id,
                inspection_id: o.inspection_id,
                other_id: o.other_id,
                kind: o.kind.clone(),
                units: o.units.0.iter().map(|u| unit_ref(*u)).collect(),
                similarity: o.similarity,
                lead_id: o.lead_id,
                lead_body: name(lead_body),
                lead_topic: lead.map(|r| r.topic.clone()).unwrap_or_default(),
                support_id,
                support_body: support.map(|r| name(r.body_unit_id)).unwrap_or_default(),
                support_topic: support.map(|r| r.topic.clone()).unwrap_or_default(),
                state: o.state.clone(),
                reason: o.reason.clone(),
                can_answer: o.state == OverlapState::Proposed.as_str()
                    && both_open
                    && (office
                        || (lead_body == my_body
                            && (actor.acts_for(actor.unit_id) || actor.has(Role::Supervisor)))),
            }
        };
        Ok(rows
            .iter()
            .map(|r| {
                let st = state(r);
                let supporting = all
                    .iter()
                    .filter(|x| x.merged_into == Some(r.id))
                    .map(|x| unit_ref(x.body_unit_id))
                    .collect();
                InspectionView {
                    id: r.id,
                    body_unit_id: r.body_unit_id,
                    body_name: name(r.body_unit_id),
                    topic: r.topic.clone(),
                    basis: r.basis.clone(),
                    method: r.method.clone(),
                    window_from: r.window_from,
                    window_to: r.window_to,
                    people: r.people,
                    days_on_site: r.days_on_site,
                    forms: r.forms,
                    annual: r.annual,
                    state: r.state.clone(),
                    flags: r.flags.0.clone(),
                    merged_into: r.merged_into,
                    comment: r.comment.clone(),
                    targets: targets
                        .get(&r.id)
                        .map(|t| t.iter().map(|u| unit_ref(*u)).collect())
                        .unwrap_or_default(),
                    supporting,
                    overlaps: overlaps
                        .iter()
                        .filter(|o| o.inspection_id == r.id || o.other_id == r.id)
                        .map(overlap_view)
                        .collect(),
                    findings: findings
                        .get(&r.id)
                        .map(|fs| {
                            fs.iter()
                                .map(|f| FindingRef {
                                    unit_name: name(f.unit_id),
                                    text: f.text.clone(),
                                    item_id: f.item_id,
                                    item_number: items
                                        .get(&f.item_id)
                                        .and_then(|i| i.number.clone()),
                                    item_state: items
                                        .get(&f.item_id)
                                        .map(|i| i.state.as_str().to_string())
                                        .unwrap_or_default(),
                                })
                                .collect()
                        })
                        .unwrap_or_default(),
                    can_decide: office && st == InspectionState::Pending,
                    can_record: office && st == InspectionState::Approved && r.window_from <= today,
                    can_withdraw: st.open() && Self::may_withdraw(actor, path, r.body_unit_id),
                }
            })
            .collect())
    }

    /// One plan.
    pub async fn inspection(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<InspectionView> {
        let (r, path) = self.visible_inspection(actor, id).await?;
        let mut v = self
            .inspection_views(actor, vec![r], &path, now, true)
            .await?;
        v.pop().ok_or(ServiceError::NotFound)
    }

    /// The office approves or rejects a plan awaiting approval.
    pub async fn decide_inspection(
        &self,
        actor: &Actor,
        id: i64,
        input: &InspectionDecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut r, path) = self.visible_inspection(actor, id).await?;
        ensure(Self::runs_office(actor, &path))?;
        if state(&r) != InspectionState::Pending {
            return Err(Rule::RequestDecided.into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, !input.approve, 2000);
        e.into_result(())?;
        r.state = if input.approve {
            InspectionState::Approved
        } else {
            InspectionState::Rejected
        }
        .as_str()
        .into();
        r.decided_by = Some(actor.user_id.0);
        r.decided_at = Some(now);
        r.comment.clone_from(&comment);
        let kind = if input.approve {
            EventKind::InspectionApproved
        } else {
            EventKind::InspectionRejected
        };
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject {
                    unit: Some(r.body_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "inspection_id": id, "flags": r.flags.0, "comment": comment }),
                vec![Update::Joint(JointUpdate::Inspection(r))],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The lead body (or the office) merges the other plan into its joint inspection, or
    /// declines with a reason.
    pub async fn answer_overlap(
        &self,
        actor: &Actor,
        overlap_id: i64,
        input: &AnswerInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut o = self
            .store
            .overlap(overlap_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (lead, path) = self.visible_inspection(actor, o.lead_id).await?;
        let support_id = if o.lead_id == o.inspection_id {
            o.other_id
        } else {
            o.inspection_id
        };
        let mut support = self
            .store
            .inspection(support_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let view = self
            .inspection_views(actor, vec![lead.clone()], &path, now, false)
            .await?;
        let may = view
            .first()
            .and_then(|v| v.overlaps.iter().find(|x| x.id == overlap_id))
            .is_some_and(|x| x.can_answer);
        if o.state != OverlapState::Proposed.as_str() {
            return Err(Rule::RequestDecided.into());
        }
        if !state(&lead).open() || !state(&support).open() {
            return Err(ValidationErrors::single("merge", "validation.inspection_closed").into());
        }
        ensure(may)?;
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "reason", &input.reason, !input.merge, 1000);
        e.into_result(())?;
        o.decided_by = Some(actor.user_id.0);
        o.decided_at = Some(now);
        o.reason.clone_from(&reason);
        let mut updates = Vec::new();
        let kind = if input.merge {
            o.state = OverlapState::Merged.as_str().into();
            let t = self.targets_of(&[support_id]).await?;
            updates.push(Update::Joint(JointUpdate::AddTargets {
                inspection_id: lead.id,
                unit_ids: t.get(&support_id).cloned().unwrap_or_default(),
            }));
            // One visit instead of two, but the supporting body's work comes along: the
            // window covers both, the stay is the longer, the people and forms add up.
            let mut joint = lead.clone();
            joint.window_from = joint.window_from.min(support.window_from);
            joint.window_to = joint.window_to.max(support.window_to);
            joint.days_on_site = joint.days_on_site.max(support.days_on_site);
            joint.people += support.people;
            joint.forms += support.forms;
            updates.push(Update::Joint(JointUpdate::Inspection(joint)));
            support.state = InspectionState::Merged.as_str().into();
            support.merged_into = Some(lead.id);
            updates.push(Update::Joint(JointUpdate::Inspection(support)));
            EventKind::InspectionsMerged
        } else {
            o.state = OverlapState::Declined.as_str().into();
            EventKind::MergeDeclined
        };
        updates.insert(0, Update::Joint(JointUpdate::Overlap(o)));
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject {
                    unit: Some(lead.body_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "overlap_id": overlap_id, "lead_id": lead.id,
                    "support_id": support_id, "reason": reason }),
                updates,
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The plans of the actor's jurisdiction in a window (all states), earliest first.
    pub async fn inspections(
        &self,
        actor: &Actor,
        from: NaiveDate,
        to: NaiveDate,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<InspectionView>> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.oversees())?;
        let rows = self
            .store
            .inspections(&InspectionQuery {
                scope_unit_id: scope,
                from: Some(from),
                to: Some(to),
                ..InspectionQuery::default()
            })
            .await?;
        self.inspection_views(actor, rows, &path, now, false).await
    }

    /// What waits for the actor: plans awaiting approval (office), merges proposed to the
    /// actor's body (or all, for the office), its body's own plans of the coming quarters.
    pub async fn inspections_waiting(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<InspectionView>> {
        let (scope, path) = scope_of(actor)?;
        ensure(actor.oversees())?;
        let today = self.today(now);
        let rows = self
            .store
            .inspections(&InspectionQuery {
                scope_unit_id: scope,
                from: today.checked_sub_days(Days::new(120)),
                states: vec!["pending".into(), "approved".into()],
                ..InspectionQuery::default()
            })
            .await?;
        let views = self
            .inspection_views(actor, rows, &path, now, false)
            .await?;
        Ok(views
            .into_iter()
            .filter(|v| {
                v.can_decide || v.overlaps.iter().any(|o| o.can_answer && o.lead_id == v.id)
            })
            .collect())
    }
}
