//! Each robot, webhook and SMS channel, as its receiver sees it.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ducha_notify::{Message, Notifier, NotifyConfig, SmsGateway, Target};
use hmac::{Hmac, KeyInit as _, Mac as _};
use serde_json::json;
use sha2::Sha256;

use crate::support::http::{Captured, HttpReceiver};
use crate::support::{notice, now};

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(msg);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn deliver(cfg: &NotifyConfig, target: &Target, msg: &Message) {
    let notifier = Notifier::new(cfg).expect("notifier");
    notifier
        .deliver(target, msg, now())
        .await
        .expect("delivered");
}

/// Checks `X-Ducha-*` headers against the raw body bytes, as a receiver would.
fn assert_signed(req: &Captured, secret: &str, id: i64) {
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(req.header("idempotency-key"), Some(id.to_string().as_str()));
    let ts = req.header("x-ducha-timestamp").expect("timestamp header");
    assert_eq!(ts, now().timestamp().to_string());
    let mut signed = format!("{ts}.").into_bytes();
    signed.extend_from_slice(&req.body);
    let expected = format!("sha256={}", hex(&hmac(secret.as_bytes(), &signed)));
    assert_eq!(req.header("x-ducha-signature"), Some(expected.as_str()));
}

#[tokio::test]
async fn dingtalk_gets_signed_markdown() {
    let rx = HttpReceiver::start(200, r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let secret = "SEC0123456789abcdef+/=";
    let target = Target::DingTalk {
        webhook: format!("{}/robot/send?access_token=tok-1", rx.base),
        secret: Some(secret.into()),
    };
    deliver(&NotifyConfig::default(), &target, &notice(41)).await;

    let req = rx.only();
    assert_eq!((req.method.as_str(), req.path()), ("POST", "/robot/send"));
    assert_eq!(req.query_param("access_token").as_deref(), Some("tok-1"));
    let ts = req.query_param("timestamp").expect("timestamp");
    assert_eq!(ts, now().timestamp_millis().to_string());
    let expected = BASE64.encode(hmac(
        secret.as_bytes(),
        format!("{ts}\n{secret}").as_bytes(),
    ));
    assert_eq!(req.query_param("sign"), Some(expected));
    // base64 of a 32-byte MAC ends in '=', which must travel percent-encoded like '+' and '/'.
    let raw_sign = req.target.split("&sign=").nth(1).expect("sign last");
    assert!(
        raw_sign.ends_with("%3D") && !raw_sign.contains(['+', '/', '=']),
        "{raw_sign}"
    );
    assert_eq!(req.header("content-type"), Some("application/json"));
    assert_eq!(
        req.json(),
        json!({
            "msgtype": "markdown",
            "markdown": {
                "title": "督办单 督催〔2026〕3号（红色）",
                "text": "#### 督办单 督催〔2026〕3号（红色）\n\n请于1月5日前反馈办理情况。\n\n\
                         [查看详情](https://ducha.example.gov.cn/items/15)",
            },
        })
    );
}

#[tokio::test]
async fn dingtalk_without_secret_keeps_the_url() {
    let rx = HttpReceiver::start(200, r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let target = Target::DingTalk {
        webhook: format!("{}/robot/send?access_token=tok-2", rx.base),
        secret: None,
    };
    let msg = Message {
        link: None,
        ..notice(42)
    };
    deliver(&NotifyConfig::default(), &target, &msg).await;
    let req = rx.only();
    assert_eq!(req.target, "/robot/send?access_token=tok-2");
    assert_eq!(
        req.json()["markdown"]["text"],
        "#### 督办单 督催〔2026〕3号（红色）\n\n请于1月5日前反馈办理情况。"
    );
}

#[tokio::test]
async fn wecom_gets_markdown() {
    let rx = HttpReceiver::start(200, r#"{"errcode":0,"errmsg":"ok"}"#).await;
    let target = Target::WeCom {
        webhook: format!("{}/cgi-bin/webhook/send?key=k-1", rx.base),
    };
    deliver(&NotifyConfig::default(), &target, &notice(43)).await;
    let req = rx.only();
    assert_eq!(req.target, "/cgi-bin/webhook/send?key=k-1");
    assert_eq!(
        req.json(),
        json!({
            "msgtype": "markdown",
            "markdown": {
                "content": "**督办单 督催〔2026〕3号（红色）**\n>请于1月5日前反馈办理情况。\n\
                            [查看详情](https://ducha.example.gov.cn/items/15)",
            },
        })
    );
}

#[tokio::test]
async fn feishu_gets_signed_text() {
    let rx = HttpReceiver::start(200, r#"{"code":0,"msg":"success","data":{}}"#).await;
    let secret = "feishu-secret";
    let target = Target::Feishu {
        webhook: format!("{}/open-apis/bot/v2/hook/h-1", rx.base),
        secret: Some(secret.into()),
    };
    deliver(&NotifyConfig::default(), &target, &notice(44)).await;
    let req = rx.only();
    assert_eq!(req.path(), "/open-apis/bot/v2/hook/h-1");
    let secs = now().timestamp();
    let sign = BASE64.encode(hmac(format!("{secs}\n{secret}").as_bytes(), b""));
    assert_eq!(
        req.json(),
        json!({
            "msg_type": "text",
            "content": {
                "text": "督办单 督催〔2026〕3号（红色）\n请于1月5日前反馈办理情况。\n\
                         https://ducha.example.gov.cn/items/15",
            },
            "timestamp": secs.to_string(),
            "sign": sign,
        })
    );
}

#[tokio::test]
async fn feishu_accepts_the_older_status_code_answer() {
    let rx = HttpReceiver::start(200, r#"{"StatusCode":0,"StatusMessage":"success"}"#).await;
    let target = Target::Feishu {
        webhook: format!("{}/open-apis/bot/v2/hook/h-2", rx.base),
        secret: None,
    };
    deliver(&NotifyConfig::default(), &target, &notice(45)).await;
    assert!(rx.only().json().get("sign").is_none());
}

#[tokio::test]
async fn webhook_gets_signed_json() {
    let rx = HttpReceiver::start(204, "").await;
    let target = Target::Webhook {
        url: format!("{}/hooks/ducha", rx.base),
        secret: "whsec-1".into(),
    };
    deliver(&NotifyConfig::default(), &target, &notice(46)).await;
    let req = rx.only();
    assert_eq!(
        (req.method.as_str(), req.target.as_str()),
        ("POST", "/hooks/ducha")
    );
    assert_signed(&req, "whsec-1", 46);
    assert_eq!(
        req.json(),
        json!({
            "id": 46,
            "kind": "notice.issued",
            "title": "督办单 督催〔2026〕3号（红色）",
            "text": "请于1月5日前反馈办理情况。",
            "link": "https://ducha.example.gov.cn/items/15",
            "urgent": true,
            "sent_at": "2026-01-01T00:00:00Z",
        })
    );
}

#[tokio::test]
async fn sms_gateway_gets_signed_short_text() {
    let rx = HttpReceiver::start(200, r#"{"ok":true}"#).await;
    let cfg = NotifyConfig {
        sms: Some(SmsGateway {
            url: format!("{}/sms/send", rx.base),
            secret: "gw-1".into(),
        }),
        ..NotifyConfig::default()
    };
    let target = Target::Sms {
        phone: "13800000000".into(),
    };
    let long = Message {
        text: "逾".repeat(400),
        ..notice(47)
    };
    deliver(&cfg, &target, &notice(47)).await;
    deliver(&cfg, &target, &long).await;

    let reqs = rx.requests();
    assert_eq!(reqs.len(), 2);
    for req in &reqs {
        assert_eq!(req.target, "/sms/send");
        assert_signed(req, "gw-1", 47);
    }
    assert_eq!(
        reqs[0].json(),
        json!({
            "id": 47,
            "phone": "13800000000",
            "text": "【督查】督办单 督催〔2026〕3号（红色）：请于1月5日前反馈办理情况。",
        })
    );
    let cut = reqs[1].json()["text"].as_str().expect("text").to_owned();
    assert_eq!(cut.chars().count(), 300);
    assert!(cut.starts_with("【督查】督办单") && cut.ends_with("逾逾"));
}
