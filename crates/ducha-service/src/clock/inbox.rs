//! The in-app inbox (消息) and each user's channel preferences.

use super::notify::NotifyPrefs;
use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::i18n::{Lang, Message};
use ducha_domain::org::Actor;
use serde::Serialize;

/// One notification.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    /// Id.
    pub id: i64,
    /// Kind, e.g. `notice.issued`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Where to look.
    pub link: Option<String>,
    /// Urgent.
    pub urgent: bool,
    /// Item.
    pub item_id: Option<i64>,
    /// Notice.
    pub notice_id: Option<i64>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Read at.
    pub read_at: Option<DateTime<Utc>>,
}

/// A page of the inbox with the unread count.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// Unread notifications in all.
    pub unread: i64,
    /// Newest first.
    pub notifications: Vec<NotificationView>,
    /// Pass as `before` for the next page.
    pub next_before: Option<i64>,
}

impl Services {
    /// The actor's notifications, newest first.
    /// Titles and texts are rendered in `lang`, the reader's language.
    pub async fn inbox(
        &self,
        actor: &Actor,
        lang: Lang,
        before: Option<i64>,
        limit: i64,
    ) -> ServiceResult<Inbox> {
        let limit = limit.clamp(1, 100);
        let rows = self.store.inbox(actor.user_id.0, before, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let notifications: Vec<NotificationView> = rows
            .into_iter()
            .take(limit as usize)
            .map(|n| NotificationView {
                id: n.id,
                kind: n.kind,
                title: Message::render(&n.title, lang),
                body: Message::render(&n.body, lang),
                link: n.link,
                urgent: n.urgent,
                item_id: n.item_id,
                notice_id: n.notice_id,
                created_at: n.created_at,
                read_at: n.read_at,
            })
            .collect();
        let next_before = if more {
            notifications.last().map(|n| n.id)
        } else {
            None
        };
        Ok(Inbox {
            unread: self.store.unread_count(actor.user_id.0).await?,
            notifications,
            next_before,
        })
    }

    /// Unread notifications of the actor (the badge in the UI).
    pub async fn unread_count(&self, actor: &Actor) -> ServiceResult<i64> {
        Ok(self.store.unread_count(actor.user_id.0).await?)
    }

    /// Marks the actor's notifications read: the given ones, or all.
    pub async fn mark_read(
        &self,
        actor: &Actor,
        ids: Option<&[i64]>,
        now: DateTime<Utc>,
    ) -> ServiceResult<u64> {
        if ids.is_some_and(|i| i.len() > 500) {
            let mut e = ducha_domain::ValidationErrors::default();
            e.add("ids", "validation.too_many");
            return Err(e.into());
        }
        Ok(self.store.mark_read(actor.user_id.0, ids, now).await?)
    }

    /// The actor's channel preferences.
    pub async fn notify_prefs(&self, actor: &Actor) -> ServiceResult<NotifyPrefs> {
        let u = self
            .store
            .user(actor.user_id.0)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(NotifyPrefs::of(&u))
    }

    /// Sets the actor's channel preferences.
    pub async fn set_notify_prefs(
        &self,
        actor: &Actor,
        prefs: &NotifyPrefs,
    ) -> ServiceResult<NotifyPrefs> {
        let text = serde_json::to_string(prefs).unwrap_or_else(|_| "{}".into());
        self.store.set_notify_prefs(actor.user_id.0, &text).await?;
        Ok(*prefs)
    }

    /// Sets the language the actor's deliveries are written in: `zh-CN` or `en`, nothing else.
    pub async fn set_user_lang(&self, actor: &Actor, tag: &str) -> ServiceResult<Lang> {
        let lang = match tag {
            "zh-CN" => Lang::ZhCn,
            "en" => Lang::En,
            _ => {
                let mut e = ducha_domain::ValidationErrors::default();
                e.add("lang", "validation.unknown_choice");
                return Err(e.into());
            }
        };
        self.store
            .set_user_lang(actor.user_id.0, lang.tag())
            .await?;
        Ok(lang)
    }
}
