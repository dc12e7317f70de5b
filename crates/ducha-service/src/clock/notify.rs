//! Who hears about a notice, on which channels: the in-app inbox always; urgent notices at once
//! by email, SMS and the unit's group robots; reminders (blue) held for the daily digest.
//! Green items stay quiet: nothing here runs for them.

use chrono::{DateTime, NaiveDate, Utc};
use ducha_domain::i18n::{Lang, Message};
use ducha_domain::notice::{NoticeCause, NoticeLevel};
use ducha_domain::org::Role;
use ducha_notify::{NotifyConfig, Target};
use ducha_store::{ItemRow, NewNotification, NewOutbox, RolesCol, UserRow};
use serde::{Deserialize, Serialize};

/// A unit's chat-group robot (DingTalk, WeCom, Feishu) or webhook.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Robot {
    /// The unit whose group it posts to.
    pub unit_id: i64,
    /// Where and how.
    #[serde(flatten)]
    pub target: Target,
}

/// Notification settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifySettings {
    /// SMTP relay, SMS gateway, timeouts.
    pub channels: NotifyConfig,
    /// Group robots per unit.
    pub robots: Vec<Robot>,
    /// Hold non-urgent notices for one daily digest per addressee (off: send at once).
    pub digest: bool,
    /// Hour of the day (China time) the digest goes out.
    pub digest_hour: u32,
    /// Attempts before a delivery is dead-lettered.
    pub max_attempts: i64,
    /// First retry delay in seconds; doubled per attempt, at most an hour.
    pub retry_base_seconds: i64,
    /// The address users open links at, e.g. `https://ducha.example.gov.cn`.
    pub base_url: String,
}

impl Default for NotifySettings {
    fn default() -> Self {
        Self {
            channels: NotifyConfig::default(),
            robots: Vec::new(),
            digest: true,
            digest_hour: 8,
            max_attempts: 8,
            retry_base_seconds: 30,
            base_url: "http://127.0.0.1:8080".into(),
        }
    }
}

/// What an outbox row carries besides its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxMessage {
    /// Title.
    pub title: String,
    /// Text.
    pub text: String,
    /// Link.
    pub link: Option<String>,
    /// Urgent.
    pub urgent: bool,
}

/// A user's channel preferences (JSON in `users.notify_prefs`; missing fields take defaults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct NotifyPrefs {
    /// Email (needs an address on the account).
    pub email: bool,
    /// SMS for urgent notices (needs a phone number).
    pub sms: bool,
    /// Non-urgent notices by email once a day rather than one by one.
    pub digest: bool,
}

impl Default for NotifyPrefs {
    fn default() -> Self {
        Self {
            email: true,
            sms: true,
            digest: true,
        }
    }
}

impl NotifyPrefs {
    /// A user's stored preferences.
    pub fn of(user: &UserRow) -> Self {
        serde_json::from_str(&user.notify_prefs).unwrap_or_default()
    }
}

/// What one notice sends.
pub(crate) struct Outgoing<'a> {
    pub settings: &'a NotifySettings,
    pub item: &'a ItemRow,
    pub unit_id: i64,
    pub unit_name: &'a str,
    pub level: NoticeLevel,
    pub cause: NoticeCause,
    pub requirement: &'a str,
    pub deadline: NaiveDate,
    pub now: DateTime<Utc>,
}

/// Whether a user is one the unit's notices address: its head and liaisons.
pub(crate) fn addressed(u: &UserRow) -> bool {
    let RolesCol(roles) = &u.roles;
    u.active
        && roles
            .iter()
            .any(|r| matches!(r, Role::UnitHead | Role::Liaison))
}

impl Outgoing<'_> {
    /// The notifications and deliveries of the notice (`{number}` is filled in on insert).
    pub fn build(&self, users: &[UserRow]) -> (Vec<NewNotification>, Vec<NewOutbox>) {
        let urgent = self.level.urgent();
        // Stored as keys and arguments, rendered in each reader's language; `{number}` is
        // filled in by the store.
        let title = Message::new(
            "notify.notice.title",
            serde_json::json!({ "level": { "key": format!("notice.{}", self.level) },
                "number": "{number}" }),
        )
        .stored();
        let item_name = self.item.number.as_deref().unwrap_or(&self.item.title);
        // The sweep's own requirement travels as its key, so each reader reads it in their
        // language; one an office typed, as typed.
        let generated = format!("notice.require_{}", self.cause);
        let requirement = if self.requirement == ducha_domain::i18n::t(&generated, Lang::ZhCn) {
            serde_json::json!({ "key": generated })
        } else {
            serde_json::json!(self.requirement)
        };
        let text = Message::new(
            "notify.notice.body",
            serde_json::json!({
                "unit": self.unit_name,
                "title": ducha_domain::text::quoted(&self.item.title),
                "item": item_name,
                "requirement": requirement,
                "deadline": { "date": self.deadline.format("%Y-%m-%d").to_string() },
            }),
        )
        .stored();
        let link = format!(
            "{}/items/{}",
            self.settings.base_url.trim_end_matches('/'),
            self.item.id
        );
        self.deliveries("notice.issued", &title, &text, &link, urgent, users)
    }

    /// Notifications and deliveries of one message to `users` and the unit's robots.
    pub fn deliveries(
        &self,
        kind: &str,
        title: &str,
        text: &str,
        link: &str,
        urgent: bool,
        users: &[UserRow],
    ) -> (Vec<NewNotification>, Vec<NewOutbox>) {
        let message = serde_json::to_string(&OutboxMessage {
            title: title.into(),
            text: text.into(),
            link: Some(link.into()),
            urgent,
        })
        .unwrap_or_default();
        let mut notes = Vec::new();
        let mut out = Vec::new();
        // A row is first due at its `created_at`, and deliveries are claimed on the wall clock:
        // a job clock set ahead (simulated days) must not hold them back until then.
        let due = self.now.min(crate::now());
        let mut push = |target: Stored, digest_key: Option<String>| {
            let (channel, target) = match target {
                Stored::User(user, via) => (
                    via,
                    serde_json::to_string(&UserRef {
                        user,
                        via: via.into(),
                    })
                    .unwrap_or_default(),
                ),
                Stored::Robot(key, t) => (
                    t.channel(),
                    serde_json::to_string(&RobotRef { robot: key }).unwrap_or_default(),
                ),
            };
            out.push(NewOutbox {
                kind: kind.into(),
                channel: channel.into(),
                target,
                message: message.clone(),
                digest_key: digest_key.filter(|_| self.settings.digest && !urgent),
                created_at: due,
            });
        };
        for u in users {
            notes.push(NewNotification {
                user_id: u.id,
                kind: kind.into(),
                title: title.into(),
                body: text.into(),
                link: Some(format!("/items/{}", self.item.id)),
                urgent,
                item_id: Some(self.item.id),
                notice_id: None,
                created_at: self.now,
            });
            let prefs = NotifyPrefs::of(u);
            let channels = &self.settings.channels;
            // A stored (possibly encrypted) value is empty exactly when the user has none.
            if prefs.email && !u.email.is_empty() && channels.smtp.is_some() {
                let key = prefs.digest.then(|| format!("email:user:{}", u.id));
                push(Stored::User(u.id, "email"), key);
            }
            if urgent && prefs.sms && !u.phone.is_empty() && channels.sms.is_some() {
                push(Stored::User(u.id, "sms"), None);
            }
        }
        for (i, r) in self.settings.robots.iter().enumerate() {
            if r.unit_id == self.unit_id {
                let key = format!("{}:{i}", r.unit_id);
                push(
                    Stored::Robot(key.clone(), &r.target),
                    Some(format!("robot:{key}")),
                );
            }
        }
        (notes, out)
    }
}

/// What an outbox row names as its target: a user and a channel, so that addresses and phone
/// numbers stay in the users table (encrypted there when a key is configured) and are read at
/// delivery; or a group robot by its place in the configuration, so that robot tokens and
/// secrets stay in the configuration (and a rotated secret applies to rows already queued).
enum Stored<'a> {
    User(i64, &'static str),
    Robot(String, &'a Target),
}

/// A user named in an outbox row: `{"user": 42, "via": "email"}` (or `"sms"`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserRef {
    pub user: i64,
    pub via: String,
}

/// A robot named in an outbox row: `"<unit_id>:<index in service.notify.robots>"`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RobotRef {
    pub robot: String,
}

impl NotifySettings {
    /// The target an outbox row names: a stored one, or a configured robot.
    pub(crate) fn resolve(&self, stored: &str) -> Result<Target, String> {
        if let Ok(r) = serde_json::from_str::<RobotRef>(stored) {
            let found = r.robot.split_once(':').and_then(|(unit, i)| {
                let robot = self.robots.get(i.parse::<usize>().ok()?)?;
                (robot.unit_id.to_string() == unit).then(|| robot.target.clone())
            });
            return found.ok_or_else(|| format!("robot {} is no longer configured", r.robot));
        }
        serde_json::from_str(stored).map_err(|e| format!("bad target: {e}"))
    }
}
