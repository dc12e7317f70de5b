//! Ask for an extension (延期申请) before the deadline; the level above decides.

use super::DecisionInput;
use crate::analytics::hop_key;
use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Done, Services};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::analytics::hops::{self, Hop};
use ducha_domain::assignment::{AssignmentCommand, assignment_transition, check_extension};
use ducha_domain::chain::EventKind;
use ducha_domain::item::ItemState;
use ducha_domain::org::Actor;
use ducha_domain::requests::{RequestState, decide};
use ducha_domain::text::bounded;
use ducha_domain::{Rule, ValidationErrors};
use ducha_store::{Insert, NewExtension, Update};
use serde::Deserialize;

/// An extension request.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExtensionInput {
    /// The concrete new deadline.
    pub deadline: Option<NaiveDate>,
    /// Why.
    pub reason: String,
}

impl Services {
    /// The assigned unit asks to move its deadline.
    pub async fn request_extension(
        &self,
        actor: &Actor,
        assignment_id: i64,
        input: &ExtensionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let (_, a) = self.own_assignment(actor, assignment_id).await?;
        let mut e = ValidationErrors::default();
        let reason = bounded(&mut e, "reason", &input.reason, true, 2000);
        match input.deadline {
            None => e.add("deadline", "validation.required"),
            // Beyond any real plan, and beyond what every backend's DATE can hold.
            Some(d) if d > self.today(now) + chrono::Duration::days(3660) => {
                e.add("deadline", "validation.out_of_range");
            }
            Some(_) => {}
        }
        let deadline = e
            .into_result(input.deadline)?
            .ok_or(ServiceError::NotFound)?;
        assignment_transition(a.state, AssignmentCommand::Ask)?;
        check_extension(a.deadline, deadline, self.today(now))?;
        let pending = self
            .store
            .extensions_of_item(a.item_id)
            .await?
            .iter()
            .any(|x| x.assignment_id == a.id && x.state == RequestState::Pending);
        if pending {
            return Err(Rule::RequestPending.into());
        }
        let c = self
            .commit(
                Some(actor),
                now,
                EventKind::ExtensionRequested,
                Subject::assignment(&a),
                serde_json::json!({ "from": a.deadline, "to": deadline, "reason": reason }),
                vec![],
                vec![Insert::Extension(NewExtension {
                    assignment_id,
                    item_id: a.item_id,
                    old_deadline: a.deadline,
                    requested_deadline: deadline,
                    reason,
                    created_by: actor.user_id.0,
                    created_at: now,
                })],
            )
            .await
            .map_err(|e| match e {
                // The only unique index this insert can hit: another request won the race.
                ServiceError::Rule(Rule::NameTaken) => Rule::RequestPending.into(),
                other => other,
            })?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// The level above approves or denies. An approved sub-assignment may not pass its parent's
    /// deadline; an approved top-level one moves the item's deadline if needed.
    pub async fn decide_extension(
        &self,
        actor: &Actor,
        extension_id: i64,
        input: &DecisionInput,
        now: DateTime<Utc>,
    ) -> ServiceResult<Done> {
        let mut x = self
            .store
            .extension(extension_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (mut item, mut a) = self.visible_assignment(actor, x.assignment_id).await?;
        let parent = self.parent_of(&a).await?;
        ensure(Self::is_level_above(actor, &item, parent.as_ref()))?;
        if item.state != ItemState::Dispatched {
            return Err(Rule::ItemState.into());
        }
        let mut e = ValidationErrors::default();
        let comment = bounded(&mut e, "comment", &input.comment, !input.approve, 2000);
        e.into_result(())?;
        x.state = decide(x.state, input.approve)?;
        x.decided_by = Some(actor.user_id.0);
        x.decided_at = Some(now);
        x.comment.clone_from(&comment);
        let reviewer = parent.as_ref().map_or(item.owner_unit_id, |p| p.unit_id);
        let hops = hops::waited(
            &self.calendar(),
            &hop_key(&a),
            Hop::Extension,
            reviewer,
            x.created_at,
            now,
        );
        let mut updates: Vec<Update> = std::iter::once(Update::Extension(x.clone()))
            .chain(crate::analytics::updates(hops))
            .collect();
        if input.approve {
            if !a.state.is_open() {
                return Err(Rule::AssignmentState.into());
            }
            match &parent {
                Some(p) if x.requested_deadline > p.deadline => {
                    return Err(Rule::DeadlineAfterParent.into());
                }
                Some(_) => {}
                None if x.requested_deadline > item.deadline => {
                    item.deadline = x.requested_deadline;
                    updates.push(Update::Item(item));
                }
                None => {}
            }
            a.deadline = x.requested_deadline;
            updates.push(Update::Assignment(a.clone()));
        }
        let kind = if input.approve {
            EventKind::ExtensionApproved
        } else {
            EventKind::ExtensionDenied
        };
        let c = self
            .commit(
                Some(actor),
                now,
                kind,
                Subject::assignment(&a),
                serde_json::json!({ "extension_id": extension_id, "from": x.old_deadline,
                    "to": x.requested_deadline, "comment": comment }),
                updates,
                vec![],
            )
            .await?;
        Ok(Done {
            event_seq: c.event.seq,
        })
    }
}

impl Services {
    /// An extension request as its approval form (延期审批表), a 公文 laid out by the shared
    /// generator: the item, the unit, the deadlines, the reason, and the decision with its
    /// comment (blank lines for a handwritten one while pending), with its file name. Anyone
    /// who may see the assignment may print it.
    pub async fn extension_form_docx(
        &self,
        actor: &Actor,
        extension_id: i64,
        lang: ducha_domain::i18n::Lang,
    ) -> ServiceResult<(String, Vec<u8>)> {
        use crate::gongwen::{Gongwen, date_zh};
        use ducha_domain::i18n::{Lang, t};
        let x = self
            .store
            .extension(extension_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (item, a) = self.visible_assignment(actor, x.assignment_id).await?;
        let parent = self.parent_of(&a).await?;
        let reviewer = parent.as_ref().map_or(item.owner_unit_id, |p| p.unit_id);
        let names = self.unit_names([a.unit_id, reviewer]).await?;
        let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
        let tr = |k: &str| t(k, lang).to_string();
        let day = |d: NaiveDate| match lang {
            Lang::ZhCn => date_zh(d),
            Lang::En => d.format("%-d %B %Y").to_string(),
        };
        let asked_by = match self.store.user(x.created_by).await? {
            Some(u) => u.display_name,
            None => String::new(),
        };
        let decider = match x.decided_by {
            Some(id) => self.store.user(id).await?.map(|u| u.display_name),
            None => None,
        };
        let item_name = match &item.number {
            Some(no) => format!("{no} {}", item.title),
            None => item.title.clone(),
        };
        let stop = if lang == Lang::ZhCn { "。" } else { ". " };
        let decision = match (x.decided_at, decider) {
            (Some(at), Some(by)) => format!(
                "{}{stop}{}{}（{by}，{}）",
                tr(&format!("request_state.{}", x.state.as_str())),
                x.comment,
                if x.comment.is_empty() { "" } else { stop },
                day(ducha_domain::calendar::china_date(at)),
            ),
            _ => tr("extension_form.pending"),
        };
        let rows = vec![
            vec![tr("ui.item"), item_name],
            vec![tr("ui.unit"), name(a.unit_id)],
            vec![tr("extension_form.old"), day(x.old_deadline)],
            vec![tr("extension_form.new"), day(x.requested_deadline)],
            vec![tr("ui.reason"), x.reason.clone()],
            vec![
                tr("extension_form.asked"),
                format!(
                    "{asked_by} {}",
                    day(ducha_domain::calendar::china_date(x.created_at))
                ),
            ],
            vec![tr("extension_form.reviewer"), name(reviewer)],
            vec![tr("extension_form.decision"), decision],
        ];
        let bytes = Gongwen::new()
            .title(&tr("extension_form.title"))
            .blank()
            .fields(&rows)
            .blank()
            .body(&tr("extension_form.sign"))
            .build()
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.into())))?;
        Ok((format!("extension-{}.docx", x.id), bytes))
    }
}
