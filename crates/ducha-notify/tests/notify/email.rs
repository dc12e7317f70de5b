//! Email through a local SMTP server.

use ducha_notify::{
    DeliveryError, Message, Notifier, NotifyConfig, SmtpConfig, SmtpSecurity, Target,
};

use crate::support::smtp::SmtpReceiver;
use crate::support::{mime, notice, now};

fn config(port: u16) -> NotifyConfig {
    NotifyConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            security: SmtpSecurity::None,
            username: None,
            password: None,
            from: "市委督查室 <duban@ducha.test>".into(),
        }),
        ..NotifyConfig::default()
    }
}

fn to(addr: &str) -> Target {
    Target::Email { to: addr.into() }
}

async fn send(port: u16, target: &Target, msg: &Message) -> Result<(), DeliveryError> {
    let notifier = Notifier::new(&config(port)).expect("notifier");
    notifier.deliver(target, msg, now()).await
}

#[tokio::test]
async fn chinese_email_arrives_intact() {
    let rx = SmtpReceiver::start("250 2.1.5 OK").await;
    send(rx.port, &to("lead@county.test"), &notice(42))
        .await
        .expect("delivered");

    let mails = rx.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.from, "duban@ducha.test");
    assert_eq!(mail.to, ["lead@county.test"]);

    let parsed = mime::parse(&mail.data);
    assert_eq!(parsed.header("Message-ID"), Some("<ducha-42@ducha.local>"));
    assert_eq!(parsed.header("To"), Some("lead@county.test"));
    let from = parsed.header("From").expect("From");
    assert_eq!(mime::decode_words(from), "市委督查室 <duban@ducha.test>");
    let subject = parsed.header("Subject").expect("Subject");
    assert!(subject.is_ascii(), "encoded: {subject}");
    assert_eq!(
        mime::decode_words(subject),
        "督办单 督催〔2026〕3号（红色）"
    );
    assert!(
        parsed
            .header("Date")
            .is_some_and(|d| d.contains("1 Jan 2026 00:00:00")),
        "{:?}",
        parsed.header("Date")
    );
    assert_eq!(
        parsed.header("Content-Type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(
        parsed.decoded_body(),
        "请于1月5日前反馈办理情况。\n\nhttps://ducha.example.gov.cn/items/15"
    );
}

#[tokio::test]
async fn a_new_line_in_the_title_stays_in_the_subject() {
    let rx = SmtpReceiver::start("250 OK").await;
    let msg = Message {
        title: "督办单\r\nBcc: evil@example.com".into(),
        link: None,
        ..notice(43)
    };
    send(rx.port, &to("lead@county.test"), &msg)
        .await
        .expect("delivered");
    let parsed = mime::parse(&rx.mails()[0].data);
    assert!(parsed.header("Bcc").is_none());
    let subject = parsed.header("Subject").expect("Subject");
    assert_eq!(mime::decode_words(subject), "督办单 Bcc: evil@example.com");
    assert_eq!(parsed.decoded_body(), "请于1月5日前反馈办理情况。");
}

#[tokio::test]
async fn rejected_recipient_is_permanent() {
    let rx = SmtpReceiver::start("550 5.1.1 mailbox unavailable").await;
    let err = send(rx.port, &to("nobody@county.test"), &notice(44))
        .await
        .expect_err("rejected");
    assert!(!err.retryable, "{}", err.message);
    assert!(
        err.message.contains("550") || err.message.contains("mailbox unavailable"),
        "{}",
        err.message
    );
    assert!(rx.mails().is_empty());
}

#[tokio::test]
async fn greylisted_recipient_is_retryable() {
    let rx = SmtpReceiver::start("451 4.7.1 greylisted, try again later").await;
    let err = send(rx.port, &to("lead@county.test"), &notice(45))
        .await
        .expect_err("deferred");
    assert!(err.retryable, "{}", err.message);
    assert!(rx.mails().is_empty());
}

#[tokio::test]
async fn invalid_address_is_permanent_and_sends_nothing() {
    let rx = SmtpReceiver::start("250 OK").await;
    let err = send(rx.port, &to("不是邮箱"), &notice(46))
        .await
        .expect_err("invalid");
    assert!(!err.retryable, "{}", err.message);
    assert!(rx.mails().is_empty());
}

#[tokio::test]
async fn unreachable_relay_is_retryable() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let err = send(port, &to("lead@county.test"), &notice(47))
        .await
        .expect_err("no relay");
    assert!(err.retryable, "{}", err.message);
}

#[test]
fn invalid_sender_is_refused_at_startup() {
    let mut cfg = config(25);
    if let Some(smtp) = cfg.smtp.as_mut() {
        smtp.from = "督查室".into();
    }
    let err = Notifier::new(&cfg).err().expect("refused");
    assert!(!err.retryable, "{}", err.message);
}
