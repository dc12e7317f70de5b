//! The leading group (领导小组): its head and deputies, its office and its member bodies, each
//! body with a liaison and the topics on which it leads (主角) rather than supports (配角).

use super::scope_of;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::joint::{BodyKind, Position};
use ducha_domain::org::{Actor, Role};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, JointInsert, NewSeat, SeatRow};
use serde::{Deserialize, Serialize};

/// A seat to fill.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeatInput {
    /// `head`, `deputy`, `office` or `member`.
    pub position: String,
    /// The body (for a person: the person's unit is used).
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// What kind of body (see `BodyKind`); ignored for persons.
    #[serde(default)]
    pub body_kind: Option<String>,
    /// The person (head, deputy: a leader) or the body's liaison.
    #[serde(default)]
    pub user_id: Option<i64>,
    /// Topics on which the body leads, comma-separated (e.g. 作风建设, 审计整改).
    #[serde(default)]
    pub lead_topics: String,
}

/// A seat as the group page shows it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SeatView {
    /// Id.
    pub id: i64,
    /// Position.
    pub position: String,
    /// Unit.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Body kind.
    pub body_kind: String,
    /// Person or liaison.
    pub user_id: Option<i64>,
    /// Their name.
    pub user_name: Option<String>,
    /// Topics it leads.
    pub lead_topics: Vec<String>,
}

impl From<&SeatRow> for SeatView {
    fn from(s: &SeatRow) -> Self {
        Self {
            id: s.id,
            position: s.position.clone(),
            unit_id: s.unit_id,
            unit_name: s.unit_name.clone(),
            body_kind: s.body_kind.clone(),
            user_id: s.user_id,
            user_name: s.user_name.clone(),
            lead_topics: topics(&s.lead_topics),
        }
    }
}

/// Splits a stored topic list.
pub(crate) fn topics(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A jurisdiction's leading group.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupView {
    /// The jurisdiction.
    pub scope_unit_id: i64,
    /// Its name.
    pub scope_name: String,
    /// Seats: head, deputies, office, members.
    pub seats: Vec<SeatView>,
    /// Whether the reader runs the office (may fill seats, schedule meetings, approve plans).
    pub can_manage: bool,
    /// The reader's own body seat, if its unit holds one.
    pub my_seat: Option<SeatView>,
}

impl Services {
    /// The leading group of the actor's jurisdiction (everyone but the admins reads it).
    pub async fn leading_group(&self, actor: &Actor) -> ServiceResult<GroupView> {
        let (scope, path) = scope_of(actor)?;
        let seats = self.store.seats(scope).await?;
        let scope_name = self
            .store
            .unit(scope)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let my_seat = seats
            .iter()
            .find(|s| s.unit_id == actor.unit_id.0 && !position(s).is_person())
            .map(SeatView::from);
        Ok(GroupView {
            scope_unit_id: scope,
            scope_name,
            seats: seats.iter().map(SeatView::from).collect(),
            can_manage: Self::runs_office(actor, &path),
            my_seat,
        })
    }

    /// The office fills a seat of its jurisdiction's leading group.
    pub async fn fill_seat(
        &self,
        actor: &Actor,
        input: &SeatInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (scope, path) = scope_of(actor)?;
        ensure(Self::runs_office(actor, &path))?;
        let mut e = ValidationErrors::default();
        let lead_topics = bounded(&mut e, "lead_topics", &input.lead_topics, false, 200);
        let pos = input.position.parse::<Position>().ok();
        if pos.is_none() {
            e.add("position", "validation.unknown_choice");
        }
        e.into_result(())?;
        let pos = pos.unwrap_or(Position::Member);
        let user =
            match input.user_id {
                Some(id) => Some(self.store.user(id).await?.filter(|u| u.active).ok_or_else(
                    || ValidationErrors::single("user_id", "validation.unknown_user"),
                )?),
                None => None,
            };
        let (unit_id, body_kind) = if pos.is_person() {
            let u = user
                .as_ref()
                .filter(|u| u.roles.0.contains(&Role::Leader))
                .ok_or_else(|| ValidationErrors::single("user_id", "validation.not_a_leader"))?;
            (u.unit_id, BodyKind::PartyOffice)
        } else {
            let unit = input
                .unit_id
                .ok_or_else(|| ValidationErrors::single("unit_id", "validation.required"))?;
            let kind = input
                .body_kind
                .as_deref()
                .and_then(|k| k.parse::<BodyKind>().ok())
                .ok_or_else(|| {
                    ValidationErrors::single("body_kind", "validation.unknown_choice")
                })?;
            if let Some(u) = &user
                && u.unit_id != unit
            {
                return Err(
                    ValidationErrors::single("user_id", "rule.responsible_not_in_unit").into(),
                );
            }
            (unit, kind)
        };
        let unit = self
            .store
            .unit(unit_id)
            .await?
            // A member body belongs to the jurisdiction itself, not to a county or township
            // under it: a seat opens the whole jurisdiction's register to its unit.
            .filter(|u| u.jurisdiction_path.0 == path)
            .ok_or_else(|| ValidationErrors::single("unit_id", "validation.unknown_unit"))?;
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::SeatFilled,
                Subject {
                    unit: Some(unit.id),
                    ..Subject::default()
                },
                serde_json::json!({ "scope_unit_id": scope, "position": pos, "unit_id": unit.id,
                    "body_kind": body_kind, "user_id": input.user_id, "lead_topics": lead_topics }),
                vec![],
                vec![Insert::Joint(JointInsert::Seat(NewSeat {
                    scope_unit_id: scope,
                    position: pos.as_str().into(),
                    unit_id: unit.id,
                    body_kind: body_kind.as_str().into(),
                    user_id: input.user_id,
                    lead_topics,
                    created_at: now,
                }))],
            )
            .await
            .map_err(|e| match e {
                ServiceError::Rule(Rule::NameTaken) => {
                    ValidationErrors::single("unit_id", "validation.seat_taken").into()
                }
                other => other,
            })?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }
}

/// A seat's position (an unknown stored name reads as a member).
pub(crate) fn position(s: &SeatRow) -> Position {
    s.position.parse().unwrap_or(Position::Member)
}
