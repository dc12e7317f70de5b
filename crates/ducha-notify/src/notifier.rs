//! Sending: one HTTP client for the robots, webhooks and SMS gateway, and the SMTP mailer.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use serde_json::Value;

use crate::email::Mailer;
use crate::request::{HttpRequest, http_request};
use crate::{DeliveryError, Message, NotifyConfig, SmsGateway, Target};

/// The longest response body read back from a robot or webhook; theirs are a few dozen bytes.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// Delivers messages on every channel; build one per process and share it.
pub struct Notifier {
    http: reqwest::Client,
    mailer: Option<Mailer>,
    sms: Option<SmsGateway>,
}

impl Notifier {
    /// Builds the HTTP client and, when SMTP is configured, the mailer (its connection pool is
    /// started on the first email, inside the caller's Tokio runtime).
    pub fn new(cfg: &NotifyConfig) -> Result<Self, DeliveryError> {
        // reqwest is built without a default crypto provider so that only ring is compiled in;
        // an error means some provider is already installed, which serves as well.
        crate::install_crypto();
        let timeout = Duration::from_millis(cfg.timeout_ms);
        let http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            // A redirect would carry the signature elsewhere; robots never redirect.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("ducha/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| DeliveryError::permanent(format!("HTTP client: {}", e.without_url())))?;
        let mailer = cfg
            .smtp
            .as_ref()
            .map(|smtp| Mailer::new(smtp, timeout))
            .transpose()?;
        Ok(Self {
            http,
            mailer,
            sms: cfg.sms.clone(),
        })
    }

    /// Sends `msg` to `target`; `now` dates the signatures and the webhook's `sent_at`.
    pub async fn deliver(
        &self,
        target: &Target,
        msg: &Message,
        now: DateTime<Utc>,
    ) -> Result<(), DeliveryError> {
        let channel = target.channel();
        if let Target::Email { to } = target {
            let mailer = self
                .mailer
                .as_ref()
                .ok_or_else(|| DeliveryError::permanent("email: no SMTP relay is configured"))?;
            return mailer.send(to, msg, now).await;
        }
        let req = http_request(target, msg, now, self.sms.as_ref())
            .ok_or_else(|| DeliveryError::permanent("sms: no SMS gateway is configured"))?;
        // Robots answer 200 with an error code in the body; for the others the status says all.
        let robot = matches!(
            target,
            Target::DingTalk { .. } | Target::WeCom { .. } | Target::Feishu { .. }
        );
        let (status, body) = self.post(channel, &req, robot).await?;
        let result = match target {
            Target::DingTalk { .. } => robot_result(status, &body, &["errcode"], &[130_101, -1]),
            Target::WeCom { .. } => robot_result(status, &body, &["errcode"], &[45_009, -1]),
            Target::Feishu { .. } => {
                robot_result(status, &body, &["code", "StatusCode"], &[11_232])
            }
            _ => http_result(status),
        };
        result.map_err(|(retryable, why)| DeliveryError {
            retryable,
            message: format!("{channel}: {why}"),
        })
    }

    async fn post(
        &self,
        channel: &str,
        req: &HttpRequest,
        read_body: bool,
    ) -> Result<(StatusCode, Vec<u8>), DeliveryError> {
        let mut builder = self.http.post(&req.url).body(req.body_bytes().to_vec());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        // reqwest's errors name the URL, which holds the robot's token: show only the host.
        let host = reqwest::Url::parse(&req.url)
            .ok()
            .and_then(|u| u.host_str().map(|h| format!(" {h}:")))
            .unwrap_or_default();
        let fail = |e: reqwest::Error| {
            let retryable = !e.is_builder();
            let cause = root_cause_text(&e);
            let mut message = format!("{channel}:{host} {}", e.without_url());
            if let Some(cause) = cause {
                message.push_str(": ");
                message.push_str(&cause);
            }
            DeliveryError { retryable, message }
        };
        let mut resp = builder.send().await.map_err(fail)?;
        let status = resp.status();
        let mut body = Vec::new();
        while read_body && let Some(chunk) = resp.chunk().await.map_err(fail)? {
            let room = MAX_RESPONSE_BYTES.saturating_sub(body.len());
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if room <= chunk.len() {
                break;
            }
        }
        Ok((status, body))
    }
}

/// Plain webhooks and the SMS gateway: any 2xx is success.
fn http_result(status: StatusCode) -> Result<(), (bool, String)> {
    if status.is_success() {
        Ok(())
    } else {
        Err((
            retryable_status(status),
            format!("HTTP {}", status.as_u16()),
        ))
    }
}

/// Robots answer 200 with a JSON error code: 0 is success, `retry_codes` are rate limits and busy
/// servers. A code is read even from a 4xx answer, since some gateways send rate limits that way.
fn robot_result(
    status: StatusCode,
    body: &[u8],
    code_fields: &[&str],
    retry_codes: &[i64],
) -> Result<(), (bool, String)> {
    if retryable_status(status) {
        return Err((true, format!("HTTP {}", status.as_u16())));
    }
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let code = json.as_ref().and_then(|j| {
        code_fields
            .iter()
            .find_map(|f| j.get(*f).and_then(Value::as_i64))
    });
    match code {
        Some(0) if status.is_success() => Ok(()),
        Some(code) => {
            let msg = json
                .as_ref()
                .and_then(|j| {
                    ["errmsg", "msg", "StatusMessage"]
                        .iter()
                        .find_map(|f| j.get(*f))
                })
                .and_then(Value::as_str)
                .unwrap_or("");
            let msg: String = msg.chars().take(200).collect();
            Err((
                retry_codes.contains(&code),
                format!("HTTP {}, error {code}: {msg}", status.as_u16()),
            ))
        }
        // A 200 that is not the robot's JSON means the URL points at something else: no retry.
        None => Err((
            false,
            format!("HTTP {}, unexpected response", status.as_u16()),
        )),
    }
}

fn retryable_status(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// The innermost cause of a reqwest error (e.g. "Connection refused"), which names no URL.
fn root_cause_text(e: &reqwest::Error) -> Option<String> {
    let mut cause = std::error::Error::source(e)?;
    while let Some(next) = cause.source() {
        cause = next;
    }
    Some(cause.to_string())
}
