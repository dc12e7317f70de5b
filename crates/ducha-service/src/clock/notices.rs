//! Urge notices (督办单): issued by the rules (see `sweep`) or by a supervisor by hand,
//! acknowledged by the unit, shown on the item and printable.

use super::notify::{Outgoing, addressed};
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::calendar::china_date;
use ducha_domain::chain::EventKind;
use ducha_domain::notice::{NoticeCause, NoticeLevel, NoticeState, summons_due};
use ducha_domain::org::Actor;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{AssignmentRow, Insert, ItemRow, NewNotice, NoticeRow, Update};
use serde::{Deserialize, Serialize};

/// A notice as users see it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeView {
    /// Id.
    pub id: i64,
    /// Number, e.g. 督催〔2026〕3号.
    pub number: String,
    /// Item.
    pub item_id: i64,
    /// Assignment.
    pub assignment_id: i64,
    /// Unit addressed.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// Colour.
    pub level: NoticeLevel,
    /// Why it was issued.
    pub cause: NoticeCause,
    /// What the unit must do.
    pub requirement: String,
    /// Issued on.
    pub issued_on: NaiveDate,
    /// Must be met by.
    pub deadline: NaiveDate,
    /// State.
    pub state: NoticeState,
    /// Issued by hand by (none: by the rules).
    pub issued_by: Option<i64>,
    /// The notice it escalated.
    pub previous_id: Option<i64>,
    /// Acknowledged at.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Met, escalated or closed on.
    pub resolved_on: Option<NaiveDate>,
    /// What the user may do (`acknowledge`).
    pub actions: Vec<&'static str>,
}

/// The view of a notice for `actor`.
pub(crate) fn notice_view(n: &NoticeRow, unit_name: String, actor: &Actor) -> NoticeView {
    let mut actions = Vec::new();
    if n.state == NoticeState::Open
        && n.acknowledged_at.is_none()
        && actor.acts_for(ducha_domain::UnitId(n.unit_id))
    {
        actions.push("acknowledge");
    }
    NoticeView {
        id: n.id,
        number: n.number.clone(),
        item_id: n.item_id,
        assignment_id: n.assignment_id,
        unit_id: n.unit_id,
        unit_name,
        level: n.level,
        cause: n.cause,
        requirement: n.requirement.clone(),
        issued_on: n.issued_on,
        deadline: n.deadline,
        state: n.state,
        issued_by: n.issued_by,
        previous_id: n.previous_id,
        acknowledged_at: n.acknowledged_at,
        resolved_on: n.resolved_on,
        actions,
    }
}

/// A notice with its item and its escalation history, for its page and its printed form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeDetail {
    /// The notice.
    pub notice: NoticeView,
    /// Item number.
    pub item_number: Option<String>,
    /// Item title.
    pub item_title: String,
    /// Deadline of the assignment.
    pub assignment_deadline: NaiveDate,
    /// Who issued it (none: the rules).
    pub issued_by_name: Option<String>,
    /// The assignment's notices, oldest first (the escalation ladder).
    pub history: Vec<NoticeView>,
}

/// A summons recommendation (约谈).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SummonsView {
    /// Id.
    pub id: i64,
    /// Unit.
    pub unit_id: i64,
    /// Its name.
    pub unit_name: String,
    /// The red notice that completed the run.
    pub notice_id: i64,
    /// Reds in a row.
    pub reds: i64,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A notice issued by hand.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeInput {
    /// `blue` (reminder) or `orange` (warning; for urgent items or leaders' instructions).
    pub level: String,
    /// What the unit must do.
    pub requirement: String,
    /// Must be met within this many working days (default by the rules of the level).
    pub working_days: Option<u32>,
}

/// What a new notice needs to know.
pub(crate) struct NoticeSpec<'a> {
    pub item: &'a ItemRow,
    pub assignment: &'a AssignmentRow,
    pub unit_name: &'a str,
    pub level: NoticeLevel,
    pub cause: NoticeCause,
    pub requirement: String,
    pub deadline: NaiveDate,
    pub issued_by: Option<&'a Actor>,
    pub previous: Option<NoticeRow>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

impl Services {
    /// Issues a notice (escalating `spec.previous` if given) in one change, with its
    /// notifications, deliveries and — for a red one completing a run — a summons.
    /// Returns the notice and whether a summons was recorded with it.
    pub(crate) async fn commit_notice(
        &self,
        spec: NoticeSpec<'_>,
    ) -> ServiceResult<(Created, bool)> {
        let a = spec.assignment;
        let users: Vec<_> = self
            .store
            .users_of_unit(a.unit_id)
            .await?
            .into_iter()
            .filter(addressed)
            .collect();
        let out = Outgoing {
            settings: &self.config.notify,
            item: spec.item,
            unit_id: a.unit_id,
            unit_name: spec.unit_name,
            level: spec.level,
            cause: spec.cause,
            requirement: &spec.requirement,
            deadline: spec.deadline,
            now: spec.now,
        };
        let (notify, outbox) = out.build(&users);
        let mut inserts = vec![Insert::Notice(NewNotice {
            prefix: self
                .number_prefix(spec.item.scope_unit_id, &self.config.notice_number_prefix)
                .await?,
            scope_unit_id: spec.item.scope_unit_id,
            item_id: a.item_id,
            assignment_id: a.id,
            unit_id: a.unit_id,
            unit_path: a.unit_path.0.as_str().to_string(),
            level: spec.level,
            cause: spec.cause,
            requirement: spec.requirement.clone(),
            issued_on: spec.today,
            deadline: spec.deadline,
            issued_by: spec.issued_by.map(|x| x.user_id.0),
            issued_at: spec.now,
            previous_id: spec.previous.as_ref().map(|p| p.id),
            notify,
            outbox,
        })];
        let mut summons = false;
        let mut reds = 0;
        if spec.level == NoticeLevel::Red {
            let levels = self.store.levels_since_summons(a.unit_id).await?;
            if summons_due(&levels, &self.config.notices) {
                summons = true;
                reds = levels
                    .iter()
                    .rev()
                    .take_while(|l| **l == NoticeLevel::Red)
                    .count() as i64
                    + 1;
                inserts.push(Insert::Summons {
                    unit_id: a.unit_id,
                    reds,
                    created_at: spec.now,
                });
                let mut heads: Vec<_> = users
                    .iter()
                    .filter(|u| u.roles.0.contains(&ducha_domain::org::Role::UnitHead))
                    .cloned()
                    .collect();
                // The unit's head, the item's responsible leader and the supervisor who
                // registered it: those who decide on a summons.
                for id in [spec.item.leader_id, Some(spec.item.created_by)]
                    .into_iter()
                    .flatten()
                {
                    if !heads.iter().any(|h| h.id == id) {
                        heads.extend(self.store.user(id).await?);
                    }
                }
                let text = ducha_domain::i18n::Message::new(
                    "notify.summons.body",
                    serde_json::json!({ "unit": spec.unit_name, "reds": reds,
                        "number": "{number}" }),
                )
                .stored();
                let title =
                    ducha_domain::i18n::Message::new("notify.summons.title", serde_json::json!({}))
                        .stored();
                let (n, o) = out.deliveries(
                    "summons.recommended",
                    &title,
                    &text,
                    &format!(
                        "{}/items/{}",
                        self.config.notify.base_url.trim_end_matches('/'),
                        spec.item.id
                    ),
                    true,
                    &heads,
                );
                if let Some(Insert::Notice(notice)) = inserts.first_mut() {
                    notice.notify.extend(n);
                    notice.outbox.extend(o);
                }
            }
        }
        let mut updates = Vec::new();
        let kind = match spec.previous {
            Some(mut p) => {
                p.state = NoticeState::Escalated;
                p.resolved_on = Some(spec.today);
                updates.push(Update::Notice(p));
                EventKind::NoticeEscalated
            }
            None => EventKind::NoticeIssued,
        };
        let payload = serde_json::json!({
            "level": spec.level, "cause": spec.cause, "deadline": spec.deadline,
            "by_rules": spec.issued_by.is_none(), "summons": summons, "reds": reds,
        });
        let c = self
            .commit(
                spec.issued_by,
                spec.now,
                kind,
                Subject::assignment(a),
                payload,
                updates,
                inserts,
            )
            .await?;
        let created = Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        };
        Ok((created, summons))
    }

    /// A supervisor of the item's jurisdiction issues a notice by hand: blue, or orange for
    /// urgent items and leaders' instructions; a lower open notice is escalated by it.
    pub async fn issue_notice(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &NoticeInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (item, a) = self.visible_assignment(actor, assignment_id).await?;
        ensure(actor.supervises(&item.scope_path.0))?;
        let mut e = ValidationErrors::default();
        let level = match input.level.as_str() {
            "blue" => Some(NoticeLevel::Blue),
            "orange" => Some(NoticeLevel::Orange),
            _ => {
                e.add("level", "validation.unknown_choice");
                None
            }
        };
        let requirement = input.requirement.trim().to_string();
        if requirement.is_empty() {
            e.add("requirement", "validation.required");
        } else if requirement.chars().count() > 2000 {
            e.add("requirement", "validation.too_long");
        } else if requirement.chars().any(|c| c.is_control() && c != '\n') {
            e.add("requirement", "validation.control_chars");
        }
        if input.working_days.is_some_and(|n| !(1..=60).contains(&n)) {
            e.add("working_days", "validation.out_of_range");
        }
        let level = e.into_result(level)?.ok_or(ServiceError::NotFound)?;
        if !a.state.is_open() {
            return Err(Rule::AssignmentState.into());
        }
        let today = china_date(now);
        let cal = self.calendar();
        let deadline = match input.working_days {
            Some(n) => cal.add_working_days(today, n),
            None => self.config.notices.deadline(level, today, &cal),
        };
        let open = self
            .store
            .notices_of_item(a.item_id)
            .await?
            .into_iter()
            .find(|n| n.assignment_id == a.id && n.state == NoticeState::Open);
        if open.as_ref().is_some_and(|o| rank(o.level) >= rank(level)) {
            return Err(Rule::NoticeOpen.into());
        }
        let unit_name = self
            .store
            .unit(a.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        self.commit_notice(NoticeSpec {
            item: &item,
            assignment: &a,
            unit_name: &unit_name,
            level,
            cause: NoticeCause::Manual,
            requirement,
            deadline,
            issued_by: Some(actor),
            previous: open,
            today,
            now,
        })
        .await
        .map(|(c, _)| c)
    }

    /// The unit's head or liaison acknowledges (签收) a notice.
    pub async fn acknowledge_notice(
        &self,
        actor: &Actor,
        notice_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut n = self
            .store
            .notice(notice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (_, a) = self.visible_assignment(actor, n.assignment_id).await?;
        ensure(actor.acts_for(ducha_domain::UnitId(n.unit_id)))?;
        if n.state != NoticeState::Open || n.acknowledged_at.is_some() {
            return Err(Rule::NoticeNotOpen.into());
        }
        n.acknowledged_by = Some(actor.user_id.0);
        n.acknowledged_at = Some(now);
        let payload = serde_json::json!({ "notice": n.id, "number": n.number });
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::NoticeAcknowledged,
                Subject::assignment(&a),
                payload,
                vec![Update::Notice(n)],
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }

    /// One notice with its escalation history.
    pub async fn notice_detail(
        &self,
        actor: &Actor,
        notice_id: i64,
    ) -> ServiceResult<NoticeDetail> {
        let n = self
            .store
            .notice(notice_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (item, a) = self.visible_assignment(actor, n.assignment_id).await?;
        let unit_name = self
            .store
            .unit(n.unit_id)
            .await?
            .map(|u| u.name)
            .unwrap_or_default();
        let issued_by_name = match n.issued_by {
            Some(u) => self.store.user(u).await?.map(|u| u.display_name),
            None => None,
        };
        let history = self
            .store
            .notices_of_item(n.item_id)
            .await?
            .iter()
            .filter(|h| h.assignment_id == n.assignment_id)
            .map(|h| notice_view(h, unit_name.clone(), actor))
            .collect();
        Ok(NoticeDetail {
            notice: notice_view(&n, unit_name, actor),
            item_number: item.number,
            item_title: item.title,
            assignment_deadline: a.deadline,
            issued_by_name,
            history,
        })
    }

    /// Notices addressed within what the actor sees, newest first.
    pub async fn list_notices(
        &self,
        actor: &Actor,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<Vec<NoticeView>> {
        ensure(!actor.roles.iter().all(|r| r.is_admin()))?;
        let rows = self
            .store
            .notices_under(actor.visibility_root(), before, limit)
            .await?;
        let mut ids: Vec<i64> = rows.iter().map(|n| n.unit_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let names: std::collections::HashMap<i64, String> =
            self.store.unit_names(&ids).await?.into_iter().collect();
        Ok(rows
            .iter()
            .map(|n| notice_view(n, names.get(&n.unit_id).cloned().unwrap_or_default(), actor))
            .collect())
    }

    /// Summons recommendations within what a supervisor or leader oversees.
    pub async fn list_summonses(&self, actor: &Actor) -> ServiceResult<Vec<SummonsView>> {
        use ducha_domain::org::Role;
        ensure(
            actor.has(Role::Supervisor) || actor.has(Role::Leader) || actor.has(Role::UnitHead),
        )?;
        let rows = self
            .store
            .summonses_under(actor.visibility_root(), 200)
            .await?;
        let ids: Vec<i64> = rows.iter().map(|s| s.unit_id).collect();
        let names: std::collections::HashMap<i64, String> =
            self.store.unit_names(&ids).await?.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|s| SummonsView {
                id: s.id,
                unit_name: names.get(&s.unit_id).cloned().unwrap_or_default(),
                unit_id: s.unit_id,
                notice_id: s.notice_id,
                reds: s.reds,
                created_at: s.created_at,
            })
            .collect())
    }
}

fn rank(l: NoticeLevel) -> u8 {
    match l {
        NoticeLevel::Blue => 0,
        NoticeLevel::Orange => 1,
        NoticeLevel::Red => 2,
    }
}
