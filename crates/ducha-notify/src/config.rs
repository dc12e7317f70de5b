//! The `[notify]` configuration: SMTP relay, SMS gateway, timeout.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How the notification channels reach the outside world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NotifyConfig {
    /// The SMTP relay; email targets fail (not retryable) without one.
    pub smtp: Option<SmtpConfig>,
    /// The HTTP SMS gateway; SMS targets fail (not retryable) without one.
    pub sms: Option<SmsGateway>,
    /// Timeout of one HTTP request or SMTP command, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        Self {
            smtp: None,
            sms: None,
            timeout_ms: 10_000,
        }
    }
}

/// How the SMTP connection is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpSecurity {
    /// Plain text; only for a relay on the same host or a test server.
    None,
    /// Plain connection upgraded with STARTTLS, which is required (port 587).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, port 465).
    Tls,
}

/// An SMTP relay and the sender address.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmtpConfig {
    /// The relay's host name, also the name its TLS certificate must carry.
    pub host: String,
    /// The relay's port: 587 for STARTTLS, 465 for TLS, 25 for plain relays.
    pub port: u16,
    /// Plain, STARTTLS or TLS.
    pub security: SmtpSecurity,
    /// The login, if the relay requires authentication.
    pub username: Option<String>,
    /// The password or authorisation code (授权码); never shown by `Debug`.
    pub password: Option<String>,
    /// The `From` mailbox, e.g. `督查室 <duban@example.gov.cn>`.
    pub from: String,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            from: String::new(),
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .finish()
    }
}

/// An HTTP SMS gateway: ducha POSTs `{"id","phone","text"}`, signed like the webhooks.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmsGateway {
    /// The URL the JSON is posted to.
    pub url: String,
    /// The shared secret for `X-Ducha-Signature`; never shown by `Debug`.
    pub secret: String,
}

impl fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmsGateway")
            .field("url", &crate::redact_url(&self.url))
            .field("secret", &"***")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_what_the_file_leaves_out() {
        let cfg: NotifyConfig =
            serde_json::from_str(r#"{"smtp":{"host":"smtp.example.cn","from":"a@example.cn"}}"#)
                .expect("config");
        assert_eq!(cfg.timeout_ms, 10_000);
        let smtp = cfg.smtp.expect("smtp");
        assert_eq!((smtp.port, smtp.security), (587, SmtpSecurity::Starttls));
        let sec: SmtpSecurity = serde_json::from_str(r#""tls""#).expect("security");
        assert_eq!(sec, SmtpSecurity::Tls);
    }

    #[test]
    fn debug_hides_passwords_and_secrets() {
        let cfg = NotifyConfig {
            smtp: Some(SmtpConfig {
                host: "smtp.example.cn".into(),
                username: Some("duban".into()),
                password: Some("pw-123456".into()),
                from: "duban@example.cn".into(),
                ..SmtpConfig::default()
            }),
            sms: Some(SmsGateway {
                url: "https://sms.example.cn/send".into(),
                secret: "gw-secret".into(),
            }),
            timeout_ms: 5000,
        };
        let shown = format!("{cfg:?}");
        assert!(!shown.contains("pw-123456"), "{shown}");
        assert!(!shown.contains("gw-secret"), "{shown}");
        assert!(
            shown.contains("smtp.example.cn") && shown.contains("***"),
            "{shown}"
        );
    }
}
