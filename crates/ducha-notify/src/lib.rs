//! Delivery channels of notifications: email over SMTP, the DingTalk, WeCom and Feishu group
//! robots, signed JSON webhooks and an HTTP SMS gateway.
//!
//! This crate is IO-only plumbing with no database: the caller (the outbox worker) stores a
//! [`Target`] and a [`Message`] as JSON, and hands them to [`Notifier::deliver`], which sends the
//! message in each channel's real request format and says whether a failure is worth retrying.
//! The HTTP request of every non-email channel is built by the pure [`http_request`].

mod config;
mod email;
mod notifier;
mod request;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use config::{NotifyConfig, SmsGateway, SmtpConfig, SmtpSecurity};
pub use notifier::Notifier;
pub use request::{HttpRequest, http_request};

/// Where one notification goes: a channel and its address.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "channel", rename_all = "snake_case")]
pub enum Target {
    /// An email mailbox, sent through the configured SMTP relay.
    Email {
        /// The recipient address, e.g. `duban@example.gov.cn`.
        to: String,
    },
    /// A DingTalk (钉钉) group robot.
    #[serde(rename = "dingtalk")]
    DingTalk {
        /// The robot URL, including its `?access_token=…`.
        webhook: String,
        /// The robot's signing secret (`SEC…`) when "加签" is enabled.
        secret: Option<String>,
    },
    /// A WeCom (企业微信) group robot.
    #[serde(rename = "wecom")]
    WeCom {
        /// The robot URL, including its `?key=…`.
        webhook: String,
    },
    /// A Feishu (飞书) group robot.
    Feishu {
        /// The robot URL, `https://open.feishu.cn/open-apis/bot/v2/hook/…`.
        webhook: String,
        /// The robot's signing secret when "签名校验" is enabled.
        secret: Option<String>,
    },
    /// A generic JSON webhook, signed with HMAC-SHA256.
    Webhook {
        /// The URL the JSON is posted to.
        url: String,
        /// The shared secret for `X-Ducha-Signature`.
        secret: String,
    },
    /// A mobile phone, reached through the configured HTTP SMS gateway.
    Sms {
        /// The phone number, e.g. `13800000000`.
        phone: String,
    },
}

impl Target {
    /// The channel's name, as stored in the `channel` tag.
    pub fn channel(&self) -> &'static str {
        match self {
            Self::Email { .. } => "email",
            Self::DingTalk { .. } => "dingtalk",
            Self::WeCom { .. } => "wecom",
            Self::Feishu { .. } => "feishu",
            Self::Webhook { .. } => "webhook",
            Self::Sms { .. } => "sms",
        }
    }
}

/// Robot URLs carry their token in the query and webhook URLs may too, so `Debug` shows neither.
impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<String>| s.as_ref().map(|_| "***");
        match self {
            Self::Email { to } => f.debug_struct("Email").field("to", to).finish(),
            Self::DingTalk { webhook, secret: s } => f
                .debug_struct("DingTalk")
                .field("webhook", &redact_url(webhook))
                .field("secret", &secret(s))
                .finish(),
            Self::WeCom { webhook } => f
                .debug_struct("WeCom")
                .field("webhook", &redact_url(webhook))
                .finish(),
            Self::Feishu { webhook, secret: s } => f
                .debug_struct("Feishu")
                .field("webhook", &redact_url(webhook))
                .field("secret", &secret(s))
                .finish(),
            Self::Webhook { url, .. } => f
                .debug_struct("Webhook")
                .field("url", &redact_url(url))
                .field("secret", &"***")
                .finish(),
            Self::Sms { phone } => f.debug_struct("Sms").field("phone", phone).finish(),
        }
    }
}

/// The URL without its query, or without its last path segment when there is no query (Feishu
/// puts the robot's token there): enough to recognise the service, never enough to call it.
pub(crate) fn redact_url(url: &str) -> String {
    if let Some((base, _)) = url.split_once('?') {
        return format!("{base}?***");
    }
    match url.rsplit_once('/') {
        Some((base, last)) if !last.is_empty() && base.contains("://") && base.len() > 8 => {
            format!("{base}/***")
        }
        _ => url.to_owned(),
    }
}

/// One notification, as the outbox stores it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The outbox row id: the idempotency key (`Idempotency-Key` header, email `Message-ID`).
    pub id: i64,
    /// What happened, e.g. `notice.issued`.
    pub kind: String,
    /// The zh-CN title, e.g. `督办单 督催〔2026〕3号（红色）`.
    pub title: String,
    /// The plain-text body.
    pub text: String,
    /// A link to the page in ducha, if any.
    pub link: Option<String>,
    /// Whether the notification is urgent (red light, overdue).
    pub urgent: bool,
}

/// Why a delivery failed, and whether trying again later may succeed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DeliveryError {
    /// True for transient failures: network, timeouts, 5xx, 429, rate limits, SMTP 4xx.
    pub retryable: bool,
    /// What went wrong; never contains secrets or signed URLs.
    pub message: String,
}

impl DeliveryError {
    /// A failure that may go away on its own.
    pub fn retryable(message: impl Into<String>) -> Self {
        Self {
            retryable: true,
            message: message.into(),
        }
    }

    /// A failure that will repeat until something is changed (address, secret, configuration).
    pub fn permanent(message: impl Into<String>) -> Self {
        Self {
            retryable: false,
            message: message.into(),
        }
    }
}

/// Installs the process-wide TLS crypto provider (ring) that every HTTP client of the process
/// needs; idempotent. [`Notifier::new`] calls it; other clients (benchmark, tests) call it first.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_stored_with_a_channel_tag() {
        let cases = [
            (
                Target::DingTalk {
                    webhook: "https://oapi.dingtalk.com/robot/send?access_token=t".into(),
                    secret: Some("SECx".into()),
                },
                r#"{"channel":"dingtalk","webhook":"https://oapi.dingtalk.com/robot/send?access_token=t","secret":"SECx"}"#,
            ),
            (
                Target::WeCom {
                    webhook: "w".into(),
                },
                r#"{"channel":"wecom","webhook":"w"}"#,
            ),
            (
                Target::Feishu {
                    webhook: "f".into(),
                    secret: None,
                },
                r#"{"channel":"feishu","webhook":"f","secret":null}"#,
            ),
            (
                Target::Email {
                    to: "a@b.cn".into(),
                },
                r#"{"channel":"email","to":"a@b.cn"}"#,
            ),
            (
                Target::Webhook {
                    url: "u".into(),
                    secret: "s".into(),
                },
                r#"{"channel":"webhook","url":"u","secret":"s"}"#,
            ),
            (
                Target::Sms {
                    phone: "13800000000".into(),
                },
                r#"{"channel":"sms","phone":"13800000000"}"#,
            ),
        ];
        for (target, json) in cases {
            assert_eq!(serde_json::to_string(&target).ok().as_deref(), Some(json));
            let back: Target = serde_json::from_str(json).expect("round trip");
            assert_eq!(back, target);
            let tag = serde_json::from_str::<serde_json::Value>(json).expect("json")["channel"]
                .as_str()
                .map(str::to_owned);
            assert_eq!(tag.as_deref(), Some(target.channel()));
        }
    }

    #[test]
    fn target_debug_hides_tokens_and_secrets() {
        let targets = [
            Target::DingTalk {
                webhook: "https://oapi.dingtalk.com/robot/send?access_token=tok123".into(),
                secret: Some("SECabc".into()),
            },
            Target::WeCom {
                webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=tok123".into(),
            },
            Target::Feishu {
                webhook: "https://open.feishu.cn/open-apis/bot/v2/hook/tok123".into(),
                secret: Some("SECabc".into()),
            },
            Target::Webhook {
                url: "https://example.org/hook?t=tok123".into(),
                secret: "SECabc".into(),
            },
        ];
        for target in targets {
            let shown = format!("{target:?}");
            assert!(!shown.contains("tok123"), "{shown}");
            assert!(!shown.contains("SECabc"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
        let shown = format!(
            "{:?}",
            Target::Email {
                to: "a@b.cn".into()
            }
        );
        assert!(shown.contains("a@b.cn"));
    }
}
