//! Joint meetings (联席会议): scheduled by the office with a proposed agenda it edits, held,
//! and read by the jurisdiction's supervisors, leaders and member bodies.

use super::group::SeatView;
use super::{DecisionView, scope_of};
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::joint::MeetingState;
use ducha_domain::joint::agenda::Why;
use ducha_domain::org::{Actor, Role};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{
    AgendaLineRow, Insert, ItemRow, JointInsert, JointUpdate, MeetingRow, NewAgendaLine,
    NewMeeting, Update,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A meeting to schedule.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingInput {
    /// Title, e.g. 2026年第4次督查工作联席会议.
    pub title: String,
    /// The day it is held.
    pub held_on: NaiveDate,
    /// Where.
    #[serde(default)]
    pub place: String,
    /// Who chairs it (a leader; default the group's head).
    #[serde(default)]
    pub chair_user_id: Option<i64>,
    /// The seats invited (default: every seat).
    #[serde(default)]
    pub seat_ids: Vec<i64>,
}

/// An edit of a planned meeting's agenda.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaEditInput {
    /// `remove`, `restore`, `up`, `down`, `note`, `add_item`, `add_topic` or `refresh` (add
    /// what the proposal holds now and the agenda does not).
    pub op: String,
    /// The line (remove, restore, up, down, note).
    #[serde(default)]
    pub line_id: Option<i64>,
    /// The item to add (add_item).
    #[serde(default)]
    pub item_id: Option<i64>,
    /// The topic to add (add_topic).
    #[serde(default)]
    pub topic: String,
    /// The note (note, add_item, add_topic).
    #[serde(default)]
    pub note: String,
}

/// Recording a meeting as held.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoldInput {
    /// What the meeting agreed in general (the minutes' opening paragraph).
    #[serde(default)]
    pub summary: String,
}

/// A meeting in a list.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    /// Id.
    pub id: i64,
    /// Year of its number.
    pub year: i64,
    /// 第N次.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Day.
    pub held_on: NaiveDate,
    /// Place.
    pub place: String,
    /// `planned` or `held`.
    pub state: String,
    /// Whether the pre-read pack went out.
    pub pack_sent: bool,
}

impl From<&MeetingRow> for MeetingSummary {
    fn from(m: &MeetingRow) -> Self {
        Self {
            id: m.id,
            year: m.year,
            number: m.number,
            title: m.title.clone(),
            held_on: m.held_on,
            place: m.place.clone(),
            state: m.state.clone(),
            pack_sent: m.pack_sent_at.is_some(),
        }
    }
}

/// A line of the agenda with its item as it is now.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaLineView {
    /// Id.
    pub id: i64,
    /// Order.
    pub position: i64,
    /// The item.
    pub item_id: Option<i64>,
    /// Its number.
    pub item_number: Option<String>,
    /// Its title now, or the office's topic.
    pub title: String,
    /// Its light now.
    pub light: Option<String>,
    /// Its deadline now.
    pub deadline: Option<NaiveDate>,
    /// Its state now.
    pub item_state: Option<String>,
    /// Why it is there, strongest first.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reasons: Vec<Why>,
    /// Weight when proposed.
    pub weight: i64,
    /// `proposed` or `office`.
    pub origin: String,
    /// Taken off the agenda.
    pub removed: bool,
    /// The office's note.
    pub note: String,
    /// What the meeting decided on it.
    pub decisions: Vec<DecisionView>,
}

/// A meeting with its attendees, agenda and decisions.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingView {
    /// The meeting.
    pub meeting: MeetingSummary,
    /// The jurisdiction's name.
    pub scope_name: String,
    /// The chair's name.
    pub chair_name: Option<String>,
    /// What it agreed in general.
    pub summary: String,
    /// When the pack went out.
    pub pack_sent_at: Option<DateTime<Utc>>,
    /// Attendees.
    pub attendees: Vec<SeatView>,
    /// The agenda, in order.
    pub lines: Vec<AgendaLineView>,
    /// The reader may edit the agenda (office, planned).
    pub can_edit: bool,
    /// The reader may record it as held (office, planned, on or after its day).
    pub can_hold: bool,
    /// The reader may record decisions (office, held).
    pub can_decide: bool,
}

impl Services {
    /// The meetings of the actor's jurisdiction, latest first.
    pub async fn meetings(&self, actor: &Actor) -> ServiceResult<Vec<MeetingSummary>> {
        let (scope, _) = scope_of(actor)?;
        ensure(actor.oversees())?;
        Ok(self
            .store
            .meetings(scope)
            .await?
            .iter()
            .map(MeetingSummary::from)
            .collect())
    }

    /// The office schedules a meeting; the agenda is proposed from the jurisdiction's trouble.
    pub async fn schedule_meeting(
        &self,
        actor: &Actor,
        input: &MeetingInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (scope, path) = scope_of(actor)?;
        ensure(Self::runs_office(actor, &path))?;
        let mut e = ValidationErrors::default();
        let title = bounded(&mut e, "title", &input.title, true, 200);
        let place = bounded(&mut e, "place", &input.place, false, 200);
        let today = self.today(now);
        if input.held_on < today {
            e.add("held_on", "validation.date_in_past");
        } else if input.held_on > today + chrono::Days::new(366) {
            // A meeting is planned within the year ahead.
            e.add("held_on", "validation.out_of_range");
        }
        e.into_result(())?;
        let seats = self.store.seats(scope).await?;
        if seats.is_empty() {
            return Err(ValidationErrors::single("seat_ids", "validation.no_seats").into());
        }
        let seat_ids: Vec<i64> = if input.seat_ids.is_empty() {
            seats.iter().map(|s| s.id).collect()
        } else {
            let mut v = input.seat_ids.clone();
            v.sort_unstable();
            v.dedup();
            if v.iter().any(|id| !seats.iter().any(|s| s.id == *id)) {
                return Err(ValidationErrors::single("seat_ids", "validation.unknown_seat").into());
            }
            v
        };
        let chair = match input.chair_user_id {
            Some(id) => {
                let u = self.store.user(id).await?;
                // A leader of this jurisdiction: the meeting's new items are approved in the
                // chair's name.
                let unit = match &u {
                    Some(u) => self.store.unit(u.unit_id).await?,
                    None => None,
                };
                let ok = u
                    .as_ref()
                    .is_some_and(|u| u.active && u.roles.0.contains(&Role::Leader))
                    && unit.is_some_and(|un| un.path.0.is_within(&path));
                if !ok {
                    return Err(ValidationErrors::single(
                        "chair_user_id",
                        "validation.not_a_leader",
                    )
                    .into());
                }
                Some(id)
            }
            None => seats
                .iter()
                .find(|s| s.position == "head")
                .and_then(|s| s.user_id),
        };
        let proposed = self.propose_agenda(actor, &path, now).await?;
        let titles = self.item_rows(proposed.iter().map(|p| p.item_id)).await?;
        let lines: Vec<NewAgendaLine> = proposed
            .iter()
            .enumerate()
            .map(|(k, p)| NewAgendaLine {
                meeting_id: 0,
                position: (k as i64 + 1) * 10,
                item_id: Some(p.item_id),
                topic: titles
                    .get(&p.item_id)
                    .map(|i| i.title.clone())
                    .unwrap_or_default(),
                reasons: p.reasons.clone(),
                weight: p.weight,
                origin: "proposed".into(),
                note: String::new(),
            })
            .collect();
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::MeetingScheduled,
                Subject::default(),
                serde_json::json!({ "scope_unit_id": scope, "title": title,
                    "held_on": input.held_on, "seats": seat_ids,
                    "agenda": proposed.iter().map(|p| p.item_id).collect::<Vec<_>>() }),
                vec![],
                vec![Insert::Joint(JointInsert::Meeting(NewMeeting {
                    scope_unit_id: scope,
                    year: i64::from(input.held_on.year()),
                    title,
                    held_on: input.held_on,
                    place,
                    chair_user_id: chair,
                    seat_ids,
                    lines,
                    created_by: actor.user_id.0,
                    created_at: now,
                }))],
            )
            .await?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// A meeting the actor may read (its jurisdiction's overseers and its attendees).
    pub(crate) async fn visible_meeting(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<(MeetingRow, ducha_domain::org::UnitPath)> {
        let m = self
            .store
            .meeting(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let scope = self
            .store
            .unit(m.scope_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let path = scope.path.0;
        let oversees = actor.oversees() && actor.jurisdiction == path;
        let attends = || async {
            self.store.attendees(id).await.map(|a| {
                a.iter()
                    .any(|s| s.unit_id == actor.unit_id.0 || s.user_id == Some(actor.user_id.0))
            })
        };
        if oversees || (!actor.roles.iter().all(|r| r.is_admin()) && attends().await?) {
            Ok((m, path))
        } else {
            Err(ServiceError::NotFound)
        }
    }

    /// A meeting with attendees, agenda (each line's item as it is now) and decisions.
    pub async fn meeting(
        &self,
        actor: &Actor,
        id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<MeetingView> {
        let (m, path) = self.visible_meeting(actor, id).await?;
        let office = Self::runs_office(actor, &path);
        let lines = self.store.agenda(id).await?;
        let items = self
            .item_rows(lines.iter().filter_map(|l| l.item_id))
            .await?;
        let decisions = self.decision_views(id).await?;
        let scope_name = self
            .store
            .unit(m.scope_unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let chair_name = match m.chair_user_id {
            Some(u) => self.store.user(u).await?.map(|u| u.display_name),
            None => None,
        };
        let planned = m.state == MeetingState::Planned.as_str();
        let lines = lines
            .iter()
            .map(|l| line_view(l, items.get(&l.item_id.unwrap_or(0)), &decisions))
            .collect();
        Ok(MeetingView {
            can_edit: office && planned,
            can_hold: office && planned && m.held_on <= self.today(now),
            can_decide: office && !planned,
            meeting: MeetingSummary::from(&m),
            scope_name,
            chair_name,
            summary: m.summary.clone(),
            pack_sent_at: m.pack_sent_at,
            attendees: self
                .store
                .attendees(id)
                .await?
                .iter()
                .map(SeatView::from)
                .collect(),
            lines,
        })
    }

    /// The office edits a planned meeting's agenda.
    pub async fn edit_agenda(
        &self,
        actor: &Actor,
        meeting_id: i64,
        input: &AgendaEditInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (m, path) = self.visible_meeting(actor, meeting_id).await?;
        ensure(Self::runs_office(actor, &path))?;
        if m.state != MeetingState::Planned.as_str() {
            return Err(Rule::ItemState.into());
        }
        let mut lines = self.store.agenda(meeting_id).await?;
        let mut e = ValidationErrors::default();
        let note = bounded(&mut e, "note", &input.note, false, 500);
        let topic = bounded(&mut e, "topic", &input.topic, input.op == "add_topic", 200);
        e.into_result(())?;
        let next_pos = lines.iter().map(|l| l.position).max().unwrap_or(0) + 10;
        let mut updates: Vec<Update> = Vec::new();
        let mut inserts: Vec<Insert> = Vec::new();
        let line_at = |lines: &[AgendaLineRow]| -> ServiceResult<usize> {
            let id = input
                .line_id
                .ok_or_else(|| ValidationErrors::single("line_id", "validation.required"))?;
            lines
                .iter()
                .position(|l| l.id == id)
                .ok_or(ServiceError::NotFound)
        };
        match input.op.as_str() {
            "remove" | "restore" | "note" => {
                let k = line_at(&lines)?;
                let l = &mut lines[k];
                match input.op.as_str() {
                    "remove" => l.removed = true,
                    "restore" => l.removed = false,
                    _ => l.note.clone_from(&note),
                }
                updates.push(Update::Joint(JointUpdate::AgendaLine(l.clone())));
            }
            "up" | "down" => {
                let k = line_at(&lines)?;
                let other = if input.op == "up" {
                    k.checked_sub(1)
                } else {
                    Some(k + 1).filter(|j| *j < lines.len())
                };
                if let Some(j) = other {
                    let (a, b) = (lines[k].position, lines[j].position);
                    lines[k].position = b;
                    lines[j].position = a;
                    if a == b {
                        // Equal positions: spread them so the swap shows.
                        lines[if input.op == "up" { j } else { k }].position += 1;
                    }
                    updates.push(Update::Joint(JointUpdate::AgendaLine(lines[k].clone())));
                    updates.push(Update::Joint(JointUpdate::AgendaLine(lines[j].clone())));
                }
            }
            "add_item" => {
                let id = input
                    .item_id
                    .ok_or_else(|| ValidationErrors::single("item_id", "validation.required"))?;
                let item = self
                    .store
                    .item(id)
                    .await?
                    .filter(|i| i.scope_path.0.is_within(&path))
                    .ok_or_else(|| {
                        ValidationErrors::single("item_id", "validation.unknown_item")
                    })?;
                if lines.iter().any(|l| l.item_id == Some(id)) {
                    return Err(ValidationErrors::single("item_id", "validation.on_agenda").into());
                }
                inserts.push(new_line(
                    meeting_id,
                    next_pos,
                    Some(&item),
                    &item.title,
                    vec![],
                    0,
                    &note,
                ));
            }
            "add_topic" => {
                inserts.push(new_line(
                    meeting_id,
                    next_pos,
                    None,
                    &topic,
                    vec![],
                    0,
                    &note,
                ));
            }
            "refresh" => {
                let proposed = self.propose_agenda(actor, &path, now).await?;
                let items = self.item_rows(proposed.iter().map(|p| p.item_id)).await?;
                let mut pos = next_pos;
                for p in proposed {
                    if lines.iter().any(|l| l.item_id == Some(p.item_id)) {
                        continue;
                    }
                    let title = items
                        .get(&p.item_id)
                        .map(|i| i.title.clone())
                        .unwrap_or_default();
                    let mut line = new_line(
                        meeting_id,
                        pos,
                        items.get(&p.item_id),
                        &title,
                        p.reasons,
                        p.weight,
                        "",
                    );
                    if let Insert::Joint(JointInsert::AgendaLine(l)) = &mut line {
                        l.origin = "proposed".into();
                    }
                    inserts.push(line);
                    pos += 10;
                }
            }
            _ => return Err(ValidationErrors::single("op", "validation.unknown_choice").into()),
        }
        if updates.is_empty() && inserts.is_empty() {
            return Err(ValidationErrors::single("op", "validation.nothing_to_do").into());
        }
        // The meeting's version guards the agenda against two editors at once.
        updates.push(Update::Joint(JointUpdate::Meeting(m.clone())));
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::AgendaEdited,
                Subject::default(),
                serde_json::json!({ "meeting_id": meeting_id, "op": input.op,
                    "line_id": input.line_id, "item_id": input.item_id, "topic": topic,
                    "note": note }),
                updates,
                inserts,
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// The office records a meeting as held, on or after its day.
    pub async fn hold_meeting(
        &self,
        actor: &Actor,
        meeting_id: i64,
        input: &HoldInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let (mut m, path) = self.visible_meeting(actor, meeting_id).await?;
        ensure(Self::runs_office(actor, &path))?;
        if m.state != MeetingState::Planned.as_str() {
            return Err(Rule::ItemState.into());
        }
        if m.held_on > self.today(now) {
            return Err(ValidationErrors::single("held_on", "validation.meeting_not_yet").into());
        }
        let mut e = ValidationErrors::default();
        let summary = bounded(&mut e, "summary", &input.summary, false, 4000);
        e.into_result(())?;
        m.state = MeetingState::Held.as_str().into();
        m.summary = summary;
        m.held_at = Some(now);
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::MeetingHeld,
                Subject::default(),
                serde_json::json!({ "meeting_id": meeting_id, "summary": m.summary }),
                vec![Update::Joint(JointUpdate::Meeting(m))],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// Items by id, as a map.
    pub(crate) async fn item_rows(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> ServiceResult<HashMap<i64, ItemRow>> {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Ok(self
            .store
            .items_by_id(&ids)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect())
    }
}

fn new_line(
    meeting_id: i64,
    position: i64,
    item: Option<&ItemRow>,
    topic: &str,
    reasons: Vec<Why>,
    weight: i64,
    note: &str,
) -> Insert {
    Insert::Joint(JointInsert::AgendaLine(NewAgendaLine {
        meeting_id,
        position,
        item_id: item.map(|i| i.id),
        topic: topic.into(),
        reasons,
        weight,
        origin: "office".into(),
        note: note.into(),
    }))
}

fn line_view(
    l: &AgendaLineRow,
    item: Option<&ItemRow>,
    decisions: &[DecisionView],
) -> AgendaLineView {
    AgendaLineView {
        id: l.id,
        position: l.position,
        item_id: l.item_id,
        item_number: item.and_then(|i| i.number.clone()),
        title: item.map_or_else(|| l.topic.clone(), |i| i.title.clone()),
        light: item
            .and_then(|i| i.light)
            .and_then(ducha_domain::light::Light::from_rank)
            .map(|l| l.as_str().to_string()),
        deadline: item.map(|i| i.deadline),
        item_state: item.map(|i| i.state.as_str().to_string()),
        reasons: l.reasons.0.clone(),
        weight: l.weight,
        origin: l.origin.clone(),
        removed: l.removed,
        note: l.note.clone(),
        decisions: decisions
            .iter()
            .filter(|d| d.line_id == l.id)
            .cloned()
            .collect(),
    }
}
