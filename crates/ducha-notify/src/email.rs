//! Email through an SMTP relay, with lettre.

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, Error as SmtpError};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};

use crate::{DeliveryError, Message, SmtpConfig, SmtpSecurity};

type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// The sender and the SMTP transport.
pub(crate) struct Mailer {
    from: Mailbox,
    builder: AsyncSmtpTransportBuilder,
    /// Built on the first email: lettre's pool spawns its cleanup task on the current Tokio
    /// runtime, so building it in `Notifier::new` would tie that constructor to a runtime.
    transport: OnceLock<Transport>,
}

impl Mailer {
    /// Checks the configuration; connects only when the first email is sent.
    pub(crate) fn new(cfg: &SmtpConfig, timeout: Duration) -> Result<Self, DeliveryError> {
        let from: Mailbox = cfg.from.parse().map_err(|e| {
            DeliveryError::permanent(format!("email: invalid sender address {:?}: {e}", cfg.from))
        })?;
        if cfg.host.trim().is_empty() {
            return Err(DeliveryError::permanent("email: the SMTP host is empty"));
        }
        let builder = match cfg.security {
            SmtpSecurity::None => Transport::builder_dangerous(&cfg.host),
            SmtpSecurity::Starttls => Transport::starttls_relay(&cfg.host).map_err(config_error)?,
            SmtpSecurity::Tls => Transport::relay(&cfg.host).map_err(config_error)?,
        };
        let mut builder = builder.port(cfg.port).timeout(Some(timeout));
        if let Some(user) = &cfg.username {
            let password = cfg.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        Ok(Self {
            from,
            builder,
            transport: OnceLock::new(),
        })
    }

    /// Sends `msg` as a plain-text UTF-8 email to `to`.
    pub(crate) async fn send(
        &self,
        to: &str,
        msg: &Message,
        now: DateTime<Utc>,
    ) -> Result<(), DeliveryError> {
        let email = self.build(to, msg, now)?;
        let transport = self.transport.get_or_init(|| self.builder.clone().build());
        transport.send(email).await.map(drop).map_err(send_error)
    }

    fn build(
        &self,
        to: &str,
        msg: &Message,
        now: DateTime<Utc>,
    ) -> Result<lettre::Message, DeliveryError> {
        let to: Mailbox = to.parse().map_err(|e| {
            DeliveryError::permanent(format!("email: invalid recipient address {to:?}: {e}"))
        })?;
        let mut body = msg.text.clone();
        if let Some(link) = &msg.link {
            body.push_str("\n\n");
            body.push_str(link);
        }
        lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(one_line(&msg.title))
            .message_id(Some(format!("<ducha-{}@ducha.local>", msg.id)))
            .date(SystemTime::from(now))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|e| DeliveryError::permanent(format!("email: cannot build the message: {e}")))
    }
}

/// A subject is one line: line breaks in a title become single spaces.
fn one_line(title: &str) -> String {
    title
        .split(['\r', '\n'])
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn config_error(e: SmtpError) -> DeliveryError {
    DeliveryError::permanent(format!("email: SMTP configuration: {e}"))
}

/// 5xx replies and client-side errors repeat on every attempt; 4xx replies, connection, TLS and
/// timeout errors may not.
fn send_error(e: SmtpError) -> DeliveryError {
    let retryable = !(e.is_permanent() || e.is_client());
    DeliveryError {
        retryable,
        message: format!("email: {e}"),
    }
}
