//! A user's language: stored per user (zh-CN until chosen), set by the pages' language switch
//! when clicked on one of our pages, on the account page and by `PUT /me/lang`; every delivery
//! to the user is written in it. From the same notices, through `ducha jobs run-once` and the
//! notify crate's local SMTP server, the English-preferring liaison's digest and warning
//! arrive in English and the county head's in Chinese.

use crate::clock::run_job_with;
use crate::helpers::{TestApp, dispatched_item, in_days};
use ducha_domain::calendar::WorkCalendar;
use reqwest::StatusCode;
use serde_json::json;

#[allow(dead_code)]
#[path = "../../../ducha-notify/tests/notify/support/mime.rs"]
mod mime;
// The notify crate's local SMTP server, loaded once for the api tests (by `secrets`).
use crate::secrets::smtp;

crate::on_both_backends!(each_reader_their_language);

const EN_MAIL: &str = "liaison@county-a.test";
const ZH_MAIL: &str = "chief@county-a.test";

/// Subject and body of the mail sent to `to`.
fn mail_to(mails: &[smtp::Mail], to: &str) -> (String, String) {
    let mail = mails
        .iter()
        .find(|m| m.to == [to])
        .unwrap_or_else(|| panic!("no mail to {to}"));
    let parsed = mime::parse(&mail.data);
    let subject = mime::decode_words(parsed.header("Subject").expect("Subject"));
    (subject, parsed.decoded_body())
}

async fn each_reader_their_language(app: &TestApp) {
    let o = &app.org;
    for (id, email) in [
        (o.users.county_a, EN_MAIL),
        (o.users.county_a_chief, ZH_MAIL),
    ] {
        app.db
            .exec(&format!(
                "UPDATE users SET email = '{email}' WHERE id = {id}"
            ))
            .await
            .expect("give an address");
    }
    let liaison = app.login("county_a").await;
    let chief = app.login("county_a_chief").await;
    assert_eq!(liaison.get("/me").await.ok()["user"]["lang"], "zh-CN");

    // Neither zh-CN nor en: refused with the field named, nothing stored.
    let put = |who: &crate::helpers::Session, lang: &str| {
        let who = who.clone();
        let body = json!({ "lang": lang }).to_string();
        async move {
            who.send(
                reqwest::Method::PUT,
                "/me/lang",
                Some(body.into()),
                true,
                &[],
            )
            .await
        }
    };
    for bad in ["fr", "EN", ""] {
        put(&liaison, bad).await.error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
        );
    }
    assert_eq!(liaison.get("/me").await.ok()["user"]["lang"], "zh-CN");

    // The top bar's switch, followed from another site: the pages' cookie only.
    let (status, _, _) = liaison
        .fetch(
            "/lang/en",
            &[
                ("referer", "http://elsewhere.test/page"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(liaison.get("/me").await.ok()["user"]["lang"], "zh-CN");
    // Clicked on one of our pages: stored.
    let workbench = format!("{}/workbench", app.base);
    let (status, _, _) = liaison
        .fetch(
            "/lang/en",
            &[
                ("referer", workbench.as_str()),
                ("sec-fetch-site", "same-origin"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(liaison.get("/me").await.ok()["user"]["lang"], "en");
    // The account page shows it and changes it (the chief: to English and back by the API).
    let (_, html) = liaison.page("/account/security").await;
    assert!(html.contains("data-user-lang=\"en\""), "{html}");
    assert_eq!(
        chief.form("/account/lang", &[("lang", "en")], true).await,
        StatusCode::OK
    );
    assert_eq!(chief.get("/me").await.ok()["user"]["lang"], "en");
    assert_eq!(
        chief.form("/account/lang", &[("lang", "en")], false).await,
        StatusCode::FORBIDDEN,
        "no CSRF token"
    );
    assert_eq!(put(&chief, "zh-CN").await.ok()["lang"], "zh-CN");
    assert_eq!(chief.get("/me").await.ok()["user"]["lang"], "zh-CN");

    // The same notices, each addressee in their own language: the daily digest, then the
    // urgent warning sent at once.
    let mailbox = smtp::SmtpReceiver::start("250 2.1.5 OK").await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("ducha.toml");
    std::fs::write(
        &config,
        format!(
            "[service.notify]\ndigest = true\nbase_url = \"http://ducha.test\"\n\n\
             [service.notify.channels.smtp]\nhost = \"127.0.0.1\"\nport = {}\n\
             security = \"none\"\nfrom = \"duban@ducha.test\"\n",
            mailbox.port
        ),
    )
    .expect("write the configuration");
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    dispatched_item(
        &sup,
        &leader,
        "城乡供水一体化",
        in_days(1),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let cal = WorkCalendar::china();
    let day = cal.add_working_days(cal.next_working_day_from(in_days(1)), 1);
    let job = |name: &'static str, day| {
        let (db, config) = (&app.db, config.clone());
        async move { run_job_with(db, name, day, Some(&config)).await }
    };
    assert_eq!(job("sweep", day).await["issued"], 1);
    assert_eq!(job("digest", day).await["digests"], 2);
    assert_eq!(job("deliver", day).await["sent"], 2);
    let mails = mailbox.mails();
    assert_eq!(mails.len(), 2);
    let (subject, body) = mail_to(&mails, EN_MAIL);
    assert_eq!(subject, "Daily supervision reminders (1)");
    assert!(body.contains("Urge notice"), "{body}");
    assert!(body.contains("is overdue"), "{body}");
    assert!(!body.contains("督办单"), "{body}");
    let (subject, body) = mail_to(&mails, ZH_MAIL);
    assert_eq!(subject, "督查督办每日提醒（1条）");
    assert!(body.contains("督办单"), "{body}");
    assert!(body.contains("请立即"), "{body}");

    let later = cal.add_working_days(day, 4);
    assert_eq!(job("sweep", later).await["escalated"], 1);
    assert_eq!(job("deliver", later).await["sent"], 2);
    let mails = mailbox.mails();
    assert_eq!(mails.len(), 4);
    let (subject, body) = mail_to(&mails[2..], EN_MAIL);
    assert!(
        subject.starts_with("[Orange warning] Urge notice"),
        "{subject}"
    );
    assert!(body.contains("Please act and report back by"), "{body}");
    let (subject, body) = mail_to(&mails[2..], ZH_MAIL);
    assert!(subject.starts_with("【橙色预警】督办单"), "{subject}");
    assert!(body.contains("请于"), "{body}");
}
