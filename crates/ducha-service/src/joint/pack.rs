//! The pre-read pack (会前材料): some working days before a meeting, a snapshot of each agenda
//! line's chain, lights and latest reports is kept and sent to the attendees.

use super::meetings::MeetingSummary;
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::chain::EventKind;
use ducha_domain::joint::agenda::Why;
use ducha_domain::org::Actor;
use ducha_store::{Insert, JointInsert, JointUpdate, MeetingRow, NewNotification, Update};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// One unit's part of an item's chain in the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackAssignment {
    /// Depth in the chain (0 = dispatched by the office).
    pub depth: usize,
    /// The unit.
    pub unit_name: String,
    /// `lead` or `co`.
    pub role: String,
    /// Its state.
    pub state: String,
    /// Its light.
    pub light: Option<String>,
    /// Its deadline.
    pub deadline: NaiveDate,
    /// Last reported progress.
    pub progress: Option<i64>,
}

/// A report quoted in the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackReport {
    /// The reporting unit.
    pub unit_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Progress.
    pub percent: Option<i64>,
    /// Its words (at most 300 characters).
    pub text: String,
}

/// One agenda line in the pack.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackLine {
    /// 1, 2, 3 …
    pub ordinal: usize,
    /// The item.
    pub item_id: Option<i64>,
    /// Its number.
    pub item_number: Option<String>,
    /// Title or topic.
    pub title: String,
    /// Its light.
    pub light: Option<String>,
    /// Its deadline.
    pub deadline: Option<NaiveDate>,
    /// Why it is on the agenda.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reasons: Vec<Why>,
    /// The office's note.
    pub note: String,
    /// The chain, parents before children.
    pub chain: Vec<PackAssignment>,
    /// The latest reports.
    pub reports: Vec<PackReport>,
}

/// The pack as it was sent.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PackView {
    /// Made at.
    pub created_at: DateTime<Utc>,
    /// The lines.
    pub lines: Vec<PackLine>,
}

impl Services {
    /// Builds the pack of a meeting from its agenda as it stands.
    pub(crate) async fn build_pack(
        &self,
        m: &MeetingRow,
        now: DateTime<Utc>,
    ) -> ServiceResult<PackView> {
        let agenda: Vec<_> = self
            .store
            .agenda(m.id)
            .await?
            .into_iter()
            .filter(|l| !l.removed)
            .collect();
        let items = self
            .item_rows(agenda.iter().filter_map(|l| l.item_id))
            .await?;
        let mut lines = Vec::new();
        for (k, l) in agenda.iter().enumerate() {
            let item = l.item_id.and_then(|i| items.get(&i));
            let mut chain = Vec::new();
            let mut reports = Vec::new();
            if let Some(item) = item {
                let all = self.store.assignments_of_item(item.id).await?;
                let names = self.unit_names(all.iter().map(|a| a.unit_id)).await?;
                let name = |id: i64| names.get(&id).cloned().unwrap_or_default();
                for (a, d) in crate::items::depth_first(&all) {
                    chain.push(PackAssignment {
                        depth: d,
                        unit_name: name(a.unit_id),
                        role: a.role.as_str().into(),
                        state: a.state.as_str().into(),
                        light: a
                            .light
                            .and_then(ducha_domain::light::Light::from_rank)
                            .map(|l| l.as_str().into()),
                        deadline: a.deadline,
                        progress: a.progress,
                    });
                }
                let unit_of: HashMap<i64, i64> = all.iter().map(|a| (a.id, a.unit_id)).collect();
                let recent = self.store.recent_reports_of_item(item.id, 3).await?;
                for r in recent.iter().rev().take(3) {
                    reports.push(PackReport {
                        unit_name: name(unit_of.get(&r.assignment_id).copied().unwrap_or(0)),
                        at: r.submitted_at,
                        percent: r.percent,
                        text: r.text.chars().take(300).collect(),
                    });
                }
            }
            lines.push(PackLine {
                ordinal: k + 1,
                item_id: l.item_id,
                item_number: item.and_then(|i| i.number.clone()),
                title: item.map_or_else(|| l.topic.clone(), |i| i.title.clone()),
                light: item
                    .and_then(|i| i.light)
                    .and_then(ducha_domain::light::Light::from_rank)
                    .map(|l| l.as_str().into()),
                deadline: item.map(|i| i.deadline),
                reasons: l.reasons.0.clone(),
                note: l.note.clone(),
                chain,
                reports,
            });
        }
        Ok(PackView {
            created_at: now,
            lines,
        })
    }

    /// Sends the packs of the meetings due within the configured working days: the snapshot
    /// is kept and each attendee hears of it. Returns how many went out.
    pub async fn send_due_packs(&self, now: DateTime<Utc>) -> ServiceResult<u64> {
        let today = self.today(now);
        let by = self
            .calendar()
            .add_working_days(today, self.config.joint.pack_days);
        let mut sent = 0;
        for m in self.store.meetings_due_for_pack(by).await? {
            match self.send_pack(m, now).await {
                Ok(()) => sent += 1,
                // Another node sent it meanwhile.
                Err(ServiceError::Store(ducha_store::StoreError::Conflict(_))) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(sent)
    }

    async fn send_pack(&self, mut m: MeetingRow, now: DateTime<Utc>) -> ServiceResult<()> {
        let pack = self.build_pack(&m, now).await?;
        let content = serde_json::to_string(&pack).map_err(|e| {
            ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into()))
        })?;
        let mut users: BTreeSet<i64> = BTreeSet::new();
        for s in self.store.attendees(m.id).await? {
            if let Some(u) = s.user_id {
                users.insert(u);
            }
            if s.position == "member" || s.position == "office" {
                for u in self.store.users_of_unit(s.unit_id).await? {
                    if crate::clock::addressed(&u) {
                        users.insert(u.id);
                    }
                }
            }
        }
        // Stored as keys and arguments, rendered in each reader's language.
        let title = ducha_domain::i18n::Message::new(
            "notify.pack.title",
            serde_json::json!({ "title": m.title }),
        )
        .stored();
        let body = ducha_domain::i18n::Message::new(
            "notify.pack.body",
            serde_json::json!({ "title": m.title, "n": pack.lines.len(),
                "date": { "date": m.held_on.format("%Y-%m-%d").to_string() } }),
        )
        .stored();
        let mut inserts = vec![Insert::Joint(JointInsert::Pack {
            meeting_id: m.id,
            content,
            created_at: now,
        })];
        inserts.extend(users.iter().map(|u| {
            Insert::Notification(NewNotification {
                user_id: *u,
                kind: "joint.pack".into(),
                title: title.clone(),
                body: body.clone(),
                link: Some(format!("/joint/meetings/{}/pack", m.id)),
                urgent: false,
                item_id: None,
                notice_id: None,
                created_at: now,
            })
        }));
        let id = m.id;
        m.pack_sent_at = Some(now);
        self.commit(
            None,
            now,
            EventKind::PackSent,
            crate::context::Subject::default(),
            serde_json::json!({ "meeting_id": id, "lines": pack.lines.len(),
                "recipients": users.len() }),
            vec![Update::Joint(JointUpdate::Meeting(m))],
            inserts,
        )
        .await?;
        Ok(())
    }

    /// A meeting's pack as it was sent.
    pub async fn meeting_pack(
        &self,
        actor: &Actor,
        meeting_id: i64,
    ) -> ServiceResult<(MeetingSummary, PackView)> {
        let (m, _) = self.visible_meeting(actor, meeting_id).await?;
        let (content, _) = self
            .store
            .pack(meeting_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let pack: PackView = serde_json::from_str(&content).map_err(|e| {
            ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into()))
        })?;
        Ok((MeetingSummary::from(&m), pack))
    }
}
