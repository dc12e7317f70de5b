//! How failed HTTP deliveries are classified, and that their messages hold no secrets.

use ducha_notify::{DeliveryError, Notifier, NotifyConfig, Target};

use crate::support::http::HttpReceiver;
use crate::support::{notice, now};

const TOKEN: &str = "tok-secret-42";
const SECRET: &str = "SEC-very-secret";

fn dingtalk(base: &str) -> Target {
    Target::DingTalk {
        webhook: format!("{base}/robot/send?access_token={TOKEN}"),
        secret: Some(SECRET.into()),
    }
}

fn wecom(base: &str) -> Target {
    Target::WeCom {
        webhook: format!("{base}/cgi-bin/webhook/send?key={TOKEN}"),
    }
}

fn feishu(base: &str) -> Target {
    Target::Feishu {
        webhook: format!("{base}/open-apis/bot/v2/hook/{TOKEN}"),
        secret: Some(SECRET.into()),
    }
}

fn webhook(base: &str) -> Target {
    Target::Webhook {
        url: format!("{base}/hooks/ducha?token={TOKEN}"),
        secret: SECRET.into(),
    }
}

async fn fail(target: &Target) -> DeliveryError {
    let notifier = Notifier::new(&NotifyConfig::default()).expect("notifier");
    let err = notifier
        .deliver(target, &notice(9), now())
        .await
        .expect_err("the delivery fails");
    assert!(!err.message.contains(TOKEN), "{}", err.message);
    assert!(!err.message.contains(SECRET), "{}", err.message);
    assert!(err.message.starts_with(target.channel()), "{}", err.message);
    err
}

#[tokio::test]
async fn answers_are_classified() {
    type Make = fn(&str) -> Target;
    let cases: [(Make, u16, &'static str, bool); 13] = [
        (webhook, 500, "", true),
        (webhook, 503, "", true),
        (webhook, 429, "", true),
        (webhook, 400, "", false),
        (webhook, 302, "", false),
        (
            dingtalk,
            200,
            r#"{"errcode":310000,"errmsg":"sign not match"}"#,
            false,
        ),
        (
            dingtalk,
            200,
            r#"{"errcode":130101,"errmsg":"send too fast"}"#,
            true,
        ),
        (dingtalk, 502, "<html>bad gateway</html>", true),
        (dingtalk, 200, "<html>not a robot</html>", false),
        (
            wecom,
            200,
            r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#,
            true,
        ),
        (
            wecom,
            200,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
            false,
        ),
        (
            feishu,
            200,
            r#"{"code":19021,"msg":"sign match fail"}"#,
            false,
        ),
        (
            feishu,
            200,
            r#"{"code":11232,"msg":"frequency limited"}"#,
            true,
        ),
    ];
    for (make, status, body, retryable) in cases {
        let rx = HttpReceiver::start(status, body).await;
        let target = make(&rx.base);
        let err = fail(&target).await;
        assert_eq!(
            err.retryable,
            retryable,
            "{} answering {status} {body}: {}",
            target.channel(),
            err.message
        );
        assert_eq!(rx.requests().len(), 1, "sent once; a 302 is not followed");
    }
}

#[tokio::test]
async fn robot_errors_name_the_code() {
    let rx = HttpReceiver::start(200, r#"{"errcode":310000,"errmsg":"sign not match"}"#).await;
    let err = fail(&dingtalk(&rx.base)).await;
    assert_eq!(
        err.message,
        "dingtalk: HTTP 200, error 310000: sign not match"
    );
}

#[tokio::test]
async fn a_closed_port_is_retryable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let err = fail(&dingtalk(&format!("http://{addr}"))).await;
    assert!(err.retryable, "{}", err.message);
    assert!(err.message.contains("127.0.0.1"), "{}", err.message);
}

#[tokio::test]
async fn unusable_targets_are_permanent() {
    let sms = Target::Sms {
        phone: "13800000000".into(),
    };
    let email = Target::Email {
        to: "lead@county.test".into(),
    };
    let no_url = Target::Webhook {
        url: "not a url".into(),
        secret: SECRET.into(),
    };
    for target in [sms, email, no_url] {
        let err = fail(&target).await;
        assert!(!err.retryable, "{}", err.message);
    }
}
