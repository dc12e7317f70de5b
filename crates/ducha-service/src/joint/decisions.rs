//! Decisions of a held meeting, each against an agenda line: a new item dispatched through the
//! chain, a changed deadline or lead unit, a summons, a closed item, or a note for the minutes.

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::items::{AssignmentInput, DispatchInput, Parent};
use crate::{Created, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::assignment::AssignmentRole;
use ducha_domain::chain::EventKind;
use ducha_domain::item::{ItemCommand, ItemInput, ItemSpec, item_transition};
use ducha_domain::joint::{DecisionKind, MeetingState};
use ducha_domain::org::{Actor, UnitPath};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{
    AgendaLineRow, AssignmentRow, Insert, ItemRow, JointInsert, MeetingRow, NewDecision,
    NewNotification, Update,
};
use serde::{Deserialize, Serialize};

/// Co-units a meeting may name for one new item.
const MAX_CO_UNITS: usize = 20;

/// A decision to record.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = JointDecisionInput))]
pub struct DecisionInput {
    /// The agenda line it answers.
    pub line_id: i64,
    /// `new_item`, `deadline`, `lead`, `summons`, `close` or `note`.
    pub kind: String,
    /// The decision's words (for the minutes).
    pub text: String,
    /// The new item's title (new_item).
    #[serde(default)]
    pub title: String,
    /// The new item's lead unit (new_item), or the new lead (lead), or the unit summoned.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// The new item's co-units (new_item).
    #[serde(default)]
    pub co_unit_ids: Vec<i64>,
    /// The new item's deadline (new_item) or the changed deadline (deadline).
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

/// A recorded decision.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    /// Id.
    pub id: i64,
    /// The agenda line.
    pub line_id: i64,
    /// Kind.
    pub kind: String,
    /// Words.
    pub text: String,
    /// The item it created or changed.
    pub item_id: Option<i64>,
    /// That item's number.
    pub item_number: Option<String>,
    /// That item's title.
    pub item_title: Option<String>,
    /// The unit concerned.
    pub unit_id: Option<i64>,
    /// Its name.
    pub unit_name: Option<String>,
    /// The deadline decided.
    pub deadline: Option<NaiveDate>,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl Services {
    /// A meeting's decisions with their items' numbers and units' names.
    pub(crate) async fn decision_views(&self, meeting_id: i64) -> ServiceResult<Vec<DecisionView>> {
        let rows = self.store.decisions(meeting_id).await?;
        let items = self
            .item_rows(rows.iter().filter_map(|d| d.item_id))
            .await?;
        let names = self
            .unit_names(rows.iter().filter_map(|d| d.unit_id))
            .await?;
        Ok(rows
            .into_iter()
            .map(|d| {
                let item = d.item_id.and_then(|i| items.get(&i));
                DecisionView {
                    id: d.id,
                    line_id: d.line_id,
                    kind: d.kind,
                    text: d.text,
                    item_id: d.item_id,
                    item_number: item.and_then(|i| i.number.clone()),
                    item_title: item.map(|i| i.title.clone()),
                    unit_id: d.unit_id,
                    unit_name: d.unit_id.and_then(|u| names.get(&u).cloned()),
                    deadline: d.deadline,
                    created_at: d.created_at,
                }
            })
            .collect())
    }

    /// The office records a held meeting's decision on an agenda line. A new item is
    /// registered, approved by the meeting and dispatched through the chain; a changed deadline
    /// or lead applies to the line's item at once.
    pub async fn record_decision(
        &self,
        actor: &Actor,
        meeting_id: i64,
        input: &DecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (m, path) = self.visible_meeting(actor, meeting_id).await?;
        ensure(Self::runs_office(actor, &path))?;
        if m.state != MeetingState::Held.as_str() {
            return Err(ValidationErrors::single("kind", "validation.meeting_not_held").into());
        }
        let line = self
            .store
            .agenda(meeting_id)
            .await?
            .into_iter()
            .find(|l| l.id == input.line_id && !l.removed)
            .ok_or_else(|| ValidationErrors::single("line_id", "validation.unknown_line"))?;
        let mut e = ValidationErrors::default();
        let text = bounded(&mut e, "text", &input.text, true, 2000);
        let kind = input.kind.parse::<DecisionKind>().ok();
        if kind.is_none() {
            e.add("kind", "validation.unknown_choice");
        }
        e.into_result(())?;
        let kind = kind.unwrap_or(DecisionKind::Note);
        let today = self.today(now);
        let line_item = match line.item_id {
            Some(id) => Some(self.visible_item(actor, id).await?),
            None => None,
        };
        let needs_item = matches!(
            kind,
            DecisionKind::Deadline | DecisionKind::Lead | DecisionKind::Close
        );
        if needs_item && line_item.is_none() {
            return Err(ValidationErrors::single("kind", "validation.line_has_no_item").into());
        }
        let mut decision = NewDecision {
            meeting_id,
            line_id: line.id,
            kind: kind.as_str().into(),
            text: text.clone(),
            item_id: line.item_id,
            unit_id: None,
            deadline: None,
            created_by: actor.user_id.0,
            created_at: now,
        };
        let mut updates: Vec<Update> = Vec::new();
        let mut inserts: Vec<Insert> = Vec::new();
        match kind {
            DecisionKind::NewItem => {
                let id = self
                    .item_from_decision(actor, &m, &line, input, &text, &path, now)
                    .await?;
                decision.item_id = Some(id);
                decision.unit_id = input.unit_id;
                decision.deadline = input.deadline;
            }
            DecisionKind::Deadline => {
                let (mut item, all) = line_item.clone().ok_or(ServiceError::NotFound)?;
                let new = input
                    .deadline
                    .ok_or_else(|| ValidationErrors::single("deadline", "validation.required"))?;
                if new < today {
                    return Err(
                        ValidationErrors::single("deadline", "rule.deadline_in_past").into(),
                    );
                }
                if chrono::Datelike::year(&new) > chrono::Datelike::year(&today) + 10 {
                    return Err(
                        ValidationErrors::single("deadline", "validation.out_of_range").into(),
                    );
                }
                if item.state != ducha_domain::item::ItemState::Dispatched {
                    return Err(Rule::ItemState.into());
                }
                let old = item.deadline;
                item.deadline = new;
                // The whole open chain moves with the item: a later deadline shifts every
                // open hop by the same days (never past the new one), an earlier one pulls in
                // every hop that would now end after it.
                let shift = new.signed_duration_since(old);
                for mut a in all.into_iter().filter(|a| a.state.is_open()) {
                    let moved = if shift > chrono::TimeDelta::zero() {
                        (a.deadline + shift).min(new)
                    } else {
                        a.deadline.min(new)
                    };
                    if moved != a.deadline {
                        a.deadline = moved;
                        updates.push(Update::Assignment(a));
                    }
                }
                updates.push(Update::Item(item));
                decision.deadline = Some(new);
            }
            DecisionKind::Lead => {
                let (item, all) = line_item.clone().ok_or(ServiceError::NotFound)?;
                let unit = input
                    .unit_id
                    .ok_or_else(|| ValidationErrors::single("unit_id", "validation.required"))?;
                let (u, i) = self
                    .change_lead(actor, &item, &all, unit, &path, now)
                    .await?;
                updates.extend(u);
                inserts.extend(i);
                decision.unit_id = Some(unit);
            }
            DecisionKind::Summons => {
                let unit = match input.unit_id {
                    Some(u) => u,
                    None => match self.culprit_of(&line, line_item.as_ref()).await? {
                        Some(u) => u,
                        None => line_item
                            .as_ref()
                            .and_then(|(_, all)| {
                                all.iter()
                                    .find(|a| {
                                        a.parent_id.is_none() && a.role == AssignmentRole::Lead
                                    })
                                    .map(|a| a.unit_id)
                            })
                            .ok_or_else(|| {
                                ValidationErrors::single("unit_id", "validation.required")
                            })?,
                    },
                };
                let u = self
                    .store
                    .unit(unit)
                    .await?
                    .filter(|u| u.path.0.is_within(&path))
                    .ok_or_else(|| {
                        ValidationErrors::single("unit_id", "validation.unknown_unit")
                    })?;
                for user in self.store.users_of_unit(u.id).await? {
                    if crate::clock::addressed(&user) {
                        inserts.push(Insert::Notification(NewNotification {
                            user_id: user.id,
                            kind: "joint.summons".into(),
                            title: ducha_domain::i18n::Message::new(
                                "notify.joint_summons.title",
                                serde_json::json!({ "title": m.title }),
                            )
                            .stored(),
                            body: ducha_domain::i18n::Message::new(
                                "notify.joint_summons.body",
                                serde_json::json!({ "unit": u.name, "text": text }),
                            )
                            .stored(),
                            link: Some(format!("/joint/meetings/{meeting_id}")),
                            urgent: true,
                            item_id: line.item_id,
                            notice_id: None,
                            created_at: now,
                        }));
                    }
                }
                decision.unit_id = Some(u.id);
            }
            DecisionKind::Close => {
                let item_id = line.item_id.ok_or(ServiceError::NotFound)?;
                self.close_item(actor, item_id, &text, now).await?;
            }
            DecisionKind::Note => {}
        }
        let payload = serde_json::json!({ "meeting_id": meeting_id, "line_id": line.id,
            "kind": kind, "text": text, "item_id": decision.item_id, "unit_id": decision.unit_id,
            "deadline": decision.deadline });
        inserts.insert(0, Insert::Joint(JointInsert::Decision(decision.clone())));
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::MeetingDecided,
                Subject {
                    item: decision.item_id,
                    unit: decision.unit_id,
                    ..Subject::default()
                },
                payload,
                updates,
                inserts,
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The unit an agenda line's first reason names, when it holds an assignment of the
    /// line's item: the one a summons without a named unit is for.
    async fn culprit_of(
        &self,
        line: &AgendaLineRow,
        item: Option<&(ItemRow, Vec<AssignmentRow>)>,
    ) -> ServiceResult<Option<i64>> {
        let Some((_, all)) = item else {
            return Ok(None);
        };
        let names = self.unit_names(all.iter().map(|a| a.unit_id)).await?;
        Ok(line.reasons.0.iter().find_map(|w| {
            let named = w.unit()?;
            names
                .iter()
                .find(|(_, n)| n.as_str() == named)
                .map(|(id, _)| *id)
        }))
    }

    /// Registers the item a meeting decided, approves it by the meeting's authority and
    /// dispatches it to its lead and co-units.
    #[allow(clippy::too_many_arguments, reason = "the decision's parts, read once")]
    async fn item_from_decision(
        &self,
        actor: &Actor,
        m: &MeetingRow,
        line: &AgendaLineRow,
        input: &DecisionInput,
        text: &str,
        path: &UnitPath,
        now: DateTime<Utc>,
    ) -> ServiceResult<i64> {
        let mut e = ValidationErrors::default();
        let title = bounded(&mut e, "title", &input.title, true, 200);
        if input.deadline.is_none() {
            e.add("deadline", "validation.required");
        }
        if input.unit_id.is_none() {
            e.add("unit_id", "validation.required");
        }
        if input.co_unit_ids.len() > MAX_CO_UNITS {
            e.add("co_unit_ids", "validation.too_many");
        }
        e.into_result(())?;
        let mut units = vec![input.unit_id.unwrap_or_default()];
        units.extend(&input.co_unit_ids);
        let found = self.store.units(&units).await?;
        for (k, u) in units.iter().enumerate() {
            let field = if k == 0 { "unit_id" } else { "co_unit_ids" };
            if !found
                .iter()
                .any(|f| f.id == *u && f.path.0.is_within(path) && &f.path.0 != path)
            {
                return Err(ValidationErrors::single(field, "validation.unknown_unit").into());
            }
            if units[..k].contains(u) {
                return Err(ValidationErrors::single(field, "rule.duplicate_unit").into());
            }
        }
        let item = ItemInput {
            title,
            description: format!("{}（{}第{}次联席会议议定）", text, m.year, m.number),
            source: "meeting".into(),
            category: "central_work".into(),
            priority: Some("high".into()),
            targets: vec![],
            deadline: input.deadline,
            deadline_working_days: None,
            cadence: None,
            leader_id: m.chair_user_id,
            public: false,
        };
        // Checked whole before anything is written, so a refused decision leaves no item.
        ItemSpec::parse(&item, self.today(now), &self.calendar())?;
        let created = self.create_item(actor, &item, now).await?;
        let (mut item, _) = self.visible_item(actor, created.id).await?;
        item.state = item_transition(item.state, ItemCommand::Submit)?;
        item.state = item_transition(item.state, ItemCommand::Approve)?;
        self.commit(
            Some(actor),
            now,
            EventKind::ItemApproved,
            Subject::item(item.id),
            serde_json::json!({ "comment": "", "by_meeting": m.id, "line_id": line.id,
                "chair_user_id": m.chair_user_id }),
            vec![Update::Item(item.clone())],
            vec![],
        )
        .await?;
        let assignments = units
            .iter()
            .enumerate()
            .map(|(k, u)| AssignmentInput {
                unit_id: *u,
                role: if k == 0 { "lead" } else { "co" }.into(),
                deadline: None,
                deadline_working_days: None,
                targets: None,
                instructions: text.into(),
                responsible_user_id: None,
            })
            .collect();
        self.dispatch_item(actor, item.id, &DispatchInput { assignments }, now)
            .await?;
        Ok(item.id)
    }

    /// The updates and inserts that make `unit` the lead of `item`: its co-unit assignment
    /// becomes the lead, or a new lead assignment is dispatched; the old lead becomes a co-unit.
    async fn change_lead(
        &self,
        actor: &Actor,
        item: &ItemRow,
        all: &[ducha_store::AssignmentRow],
        unit: i64,
        path: &UnitPath,
        now: DateTime<Utc>,
    ) -> ServiceResult<(Vec<Update>, Vec<Insert>)> {
        if item.state != ducha_domain::item::ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        let top: Vec<_> = all
            .iter()
            .filter(|a| a.parent_id.is_none() && a.state.is_open())
            .collect();
        if top
            .iter()
            .any(|a| a.unit_id == unit && a.role == AssignmentRole::Lead)
        {
            return Err(ValidationErrors::single("unit_id", "validation.already_lead").into());
        }
        let mut updates = Vec::new();
        let mut inserts = Vec::new();
        for a in top.iter().filter(|a| a.role == AssignmentRole::Lead) {
            let mut a = (*a).clone();
            a.role = AssignmentRole::Co;
            updates.push(Update::Assignment(a));
        }
        if let Some(a) = top.iter().find(|a| a.unit_id == unit) {
            let mut a = (*a).clone();
            a.role = AssignmentRole::Lead;
            updates.push(Update::Assignment(a));
        } else {
            let parent = Parent {
                item_id: item.id,
                parent_id: None,
                root: path,
                deadline: item.deadline,
                targets: &item.targets.0,
                taken: all
                    .iter()
                    .filter(|a| a.parent_id.is_none() && a.state.is_open())
                    .map(|a| a.unit_id)
                    .collect(),
                need_lead: true,
            };
            let new = self
                .plan_assignments(
                    actor,
                    &parent,
                    &[AssignmentInput {
                        unit_id: unit,
                        role: "lead".into(),
                        deadline: None,
                        deadline_working_days: None,
                        targets: None,
                        instructions: String::new(),
                        responsible_user_id: None,
                    }],
                    now,
                )
                .await?;
            inserts.extend(new.into_iter().map(Insert::Assignment));
        }
        Ok((updates, inserts))
    }
}

/// Where an item came from in integrated supervision: a meeting's decision or an inspection's
/// finding, with the page that shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginView {
    /// `meeting` or `inspection`.
    pub kind: String,
    /// The meeting's title or the inspection's topic.
    pub label: String,
    /// Its page.
    pub link: String,
    /// The unit found wanting (an inspection's finding), to dispatch the item to.
    pub unit_id: Option<i64>,
}

impl Services {
    /// The meeting decisions and inspection findings an item came from or was changed by.
    pub async fn item_origins(
        &self,
        actor: &Actor,
        item_id: i64,
    ) -> ServiceResult<Vec<OriginView>> {
        self.visible_item(actor, item_id).await?;
        let mut out = Vec::new();
        let mut seen = Vec::new();
        for d in self.store.item_decisions(item_id).await? {
            if seen.contains(&d.meeting_id) {
                continue;
            }
            seen.push(d.meeting_id);
            if let Some(m) = self.store.meeting(d.meeting_id).await? {
                out.push(OriginView {
                    kind: "meeting".into(),
                    label: m.title,
                    link: format!("/joint/meetings/{}#line-{}", m.id, d.line_id),
                    unit_id: None,
                });
            }
        }
        if let Some(f) = self.store.item_finding(item_id).await?
            && let Some(i) = self.store.inspection(f.inspection_id).await?
        {
            out.push(OriginView {
                kind: "inspection".into(),
                label: i.topic,
                link: format!("/joint/inspections/{}", i.id),
                unit_id: Some(f.unit_id),
            });
        }
        Ok(out)
    }
}
