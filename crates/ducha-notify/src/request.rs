//! The exact HTTP request of each robot, webhook and SMS channel. Pure: time is an argument.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::{Message, SmsGateway, Target};

/// The longest SMS text, in characters: longer texts are cut so one message stays a few segments.
const SMS_MAX_CHARS: usize = 300;

/// One POST request, ready to send.
pub struct HttpRequest {
    /// The full URL, including tokens and, for DingTalk, the signature.
    pub url: String,
    /// The headers, `Content-Type` first.
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Value,
    /// `body` serialized once: exactly the bytes that were signed and will be sent.
    raw: Vec<u8>,
}

impl HttpRequest {
    fn new(url: String, headers: Vec<(String, String)>, body: Value) -> Self {
        let raw = body.to_string().into_bytes();
        Self {
            url,
            headers,
            body,
            raw,
        }
    }

    /// The body as sent on the wire (and, for webhooks and SMS, as signed).
    pub fn body_bytes(&self) -> &[u8] {
        &self.raw
    }

    /// The value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The request that delivers `msg` to `target` at `now`; `None` for email, which is not HTTP, and
/// for SMS when no gateway is configured.
pub fn http_request(
    target: &Target,
    msg: &Message,
    now: DateTime<Utc>,
    sms: Option<&SmsGateway>,
) -> Option<HttpRequest> {
    match target {
        Target::Email { .. } => None,
        Target::DingTalk { webhook, secret } => {
            Some(dingtalk(webhook, secret.as_deref(), msg, now))
        }
        Target::WeCom { webhook } => Some(wecom(webhook, msg)),
        Target::Feishu { webhook, secret } => Some(feishu(webhook, secret.as_deref(), msg, now)),
        Target::Webhook { url, secret } => Some(webhook(url, secret, msg, now)),
        Target::Sms { phone } => sms.map(|gw| sms_request(gw, phone, msg, now)),
    }
}

fn json_headers() -> Vec<(String, String)> {
    vec![("Content-Type".to_owned(), "application/json".to_owned())]
}

fn dingtalk(webhook: &str, secret: Option<&str>, msg: &Message, now: DateTime<Utc>) -> HttpRequest {
    let mut text = format!("#### {}\n\n{}", msg.title, msg.text);
    if let Some(link) = &msg.link {
        text.push_str(&format!("\n\n[查看详情]({link})"));
    }
    let body = json!({
        "msgtype": "markdown",
        "markdown": { "title": msg.title, "text": text },
    });
    let url = match secret {
        Some(secret) => {
            let ms = now.timestamp_millis();
            let sign: String =
                form_urlencoded::byte_serialize(dingtalk_sign(ms, secret).as_bytes()).collect();
            let sep = if webhook.contains('?') { '&' } else { '?' };
            format!("{webhook}{sep}timestamp={ms}&sign={sign}")
        }
        None => webhook.to_owned(),
    };
    HttpRequest::new(url, json_headers(), body)
}

/// DingTalk's robot signature: base64(HMAC-SHA256(key = secret, "{ms}\n{secret}")), before
/// URL-encoding.
fn dingtalk_sign(timestamp_ms: i64, secret: &str) -> String {
    let to_sign = format!("{timestamp_ms}\n{secret}");
    BASE64.encode(hmac_sha256(secret.as_bytes(), &[to_sign.as_bytes()]))
}

fn wecom(webhook: &str, msg: &Message) -> HttpRequest {
    let mut content = format!("**{}**\n>{}", msg.title, msg.text);
    if let Some(link) = &msg.link {
        content.push_str(&format!("\n[查看详情]({link})"));
    }
    let body = json!({ "msgtype": "markdown", "markdown": { "content": content } });
    HttpRequest::new(webhook.to_owned(), json_headers(), body)
}

fn feishu(webhook: &str, secret: Option<&str>, msg: &Message, now: DateTime<Utc>) -> HttpRequest {
    let mut text = format!("{}\n{}", msg.title, msg.text);
    if let Some(link) = &msg.link {
        text.push('\n');
        text.push_str(link);
    }
    let mut body = json!({ "msg_type": "text", "content": { "text": text } });
    if let Some(secret) = secret {
        let secs = now.timestamp();
        body["timestamp"] = Value::String(secs.to_string());
        body["sign"] = Value::String(feishu_sign(secs, secret));
    }
    HttpRequest::new(webhook.to_owned(), json_headers(), body)
}

/// Feishu's robot signature: base64(HMAC-SHA256(key = "{secs}\n{secret}", empty message)).
fn feishu_sign(timestamp_secs: i64, secret: &str) -> String {
    let key = format!("{timestamp_secs}\n{secret}");
    BASE64.encode(hmac_sha256(key.as_bytes(), &[]))
}

fn webhook(url: &str, secret: &str, msg: &Message, now: DateTime<Utc>) -> HttpRequest {
    let body = json!({
        "id": msg.id,
        "kind": msg.kind,
        "title": msg.title,
        "text": msg.text,
        "link": msg.link,
        "urgent": msg.urgent,
        "sent_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
    });
    signed(url, secret, msg.id, body, now)
}

fn sms_request(gw: &SmsGateway, phone: &str, msg: &Message, now: DateTime<Utc>) -> HttpRequest {
    let body = json!({ "id": msg.id, "phone": phone, "text": sms_text(msg) });
    signed(&gw.url, &gw.secret, msg.id, body, now)
}

/// `【督查】title：text`, cut to [`SMS_MAX_CHARS`] characters (not bytes).
fn sms_text(msg: &Message) -> String {
    format!("【督查】{}：{}", msg.title, msg.text)
        .chars()
        .take(SMS_MAX_CHARS)
        .collect()
}

/// A JSON POST with ducha's webhook headers, signed over the exact body bytes.
fn signed(url: &str, secret: &str, id: i64, body: Value, now: DateTime<Utc>) -> HttpRequest {
    let mut req = HttpRequest::new(url.to_owned(), json_headers(), body);
    let ts = now.timestamp();
    let signature = webhook_signature(secret, ts, &req.raw);
    req.headers.extend([
        ("Idempotency-Key".to_owned(), id.to_string()),
        ("X-Ducha-Timestamp".to_owned(), ts.to_string()),
        (
            "X-Ducha-Signature".to_owned(),
            format!("sha256={signature}"),
        ),
    ]);
    req
}

/// ducha's webhook signature: lowercase hex of HMAC-SHA256(key = secret, "{ts}.{body}").
fn webhook_signature(secret: &str, timestamp_secs: i64, body: &[u8]) -> String {
    let prefix = format!("{timestamp_secs}.");
    hmac_sha256(secret.as_bytes(), &[prefix.as_bytes(), body])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    // HMAC accepts keys of any length (long ones are hashed), so this cannot fail.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(text: &str, link: Option<&str>) -> Message {
        Message {
            id: 7,
            kind: "notice.issued".into(),
            title: "督办单".into(),
            text: text.into(),
            link: link.map(str::to_owned),
            urgent: false,
        }
    }

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        let hex: String = mac.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sms_text_is_cut_by_characters() {
        let long = "督".repeat(400);
        let text = sms_text(&msg(&long, None));
        assert_eq!(text.chars().count(), SMS_MAX_CHARS);
        assert!(text.starts_with("【督查】督办单：督督"));
        assert_eq!(sms_text(&msg("请办理", None)), "【督查】督办单：请办理");
    }

    #[test]
    fn link_lines_appear_only_with_a_link() {
        let now = DateTime::from_timestamp(1_700_000_000, 0).expect("time");
        let dt = Target::DingTalk {
            webhook: "https://oapi.dingtalk.com/robot/send".into(),
            secret: Some("SEC1".into()),
        };
        let req = http_request(&dt, &msg("正文", None), now, None).expect("request");
        assert_eq!(req.body["markdown"]["text"], "#### 督办单\n\n正文");
        assert!(
            req.url
                .starts_with("https://oapi.dingtalk.com/robot/send?timestamp=1700000000000&sign=")
        );
        let wc = Target::WeCom {
            webhook: "w".into(),
        };
        let req = http_request(&wc, &msg("正文", None), now, None).expect("request");
        assert_eq!(req.body["markdown"]["content"], "**督办单**\n>正文");
        let fs = Target::Feishu {
            webhook: "f".into(),
            secret: None,
        };
        let req = http_request(&fs, &msg("正文", None), now, None).expect("request");
        assert_eq!(
            req.body,
            json!({"msg_type":"text","content":{"text":"督办单\n正文"}})
        );
    }

    #[test]
    fn no_request_for_email_or_sms_without_gateway() {
        let now = Utc::now();
        let m = msg("x", None);
        assert!(
            http_request(
                &Target::Email {
                    to: "a@b.cn".into()
                },
                &m,
                now,
                None
            )
            .is_none()
        );
        assert!(http_request(&Target::Sms { phone: "1".into() }, &m, now, None).is_none());
    }
}
