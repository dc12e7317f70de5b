//! Deliveries end to end through the real `ducha jobs run-once`: blue reminders wait for the
//! daily digest (one signed message per robot), orange ones go out at once, nothing is sent
//! twice, and robot secrets stay out of the outbox.

use crate::clock::run_job_with;
use crate::helpers::{TestApp, dispatched_item, in_days};
use crate::webhooks::{Receiver, Robot, header, robots_toml, signature_ok};
use chrono::NaiveDate;
use ducha_domain::calendar::WorkCalendar;
use serde_json::{Value, json};

crate::on_both_backends!(digest_and_urgent);

/// Blue reminders wait for the daily digest: one message for the unit's robot instead of one
/// per notice; orange ones go out at once. Signed, through the real jobs command.
async fn digest_and_urgent(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let receiver = Receiver::start().await;
    let robot = Robot {
        unit: o.county_a,
        path: "/hook/a".into(),
        url: format!("{}/hook/a", receiver.base),
        secret: "robot-secret".into(),
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let config = dir.path().join("ducha.toml");
    let toml = format!(
        "[service.notify]\ndigest = true\nbase_url = \"http://ducha.test\"\n{}",
        robots_toml(std::slice::from_ref(&robot))
    );
    std::fs::write(&config, toml).expect("write the configuration");
    let cal = WorkCalendar::china();
    for title in ["农村公路提档升级", "城乡供水一体化"] {
        dispatched_item(
            &sup,
            &leader,
            title,
            in_days(1),
            json!([{ "unit_id": o.county_a, "role": "lead" }]),
        )
        .await;
    }
    let day = cal.add_working_days(cal.next_working_day_from(in_days(1)), 1);
    let job = |name: &'static str, day: NaiveDate| {
        let (db, config) = (&app.db, config.clone());
        async move { run_job_with(db, name, day, Some(&config)).await }
    };
    assert_eq!(job("sweep", day).await["issued"], 2);
    // Held for the digest: nothing goes out yet.
    assert_eq!(job("deliver", day).await["sent"], 0);
    assert!(receiver.hits().is_empty());
    let digest = job("digest", day).await;
    assert_eq!(
        (digest["merged"].clone(), digest["digests"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(job("deliver", day).await["sent"], 1);
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert!(signature_ok(&robot, &hits[0]));
    let body: Value = serde_json::from_slice(&hits[0].body).expect("JSON");
    assert_eq!(body["title"], "督查督办每日提醒（2条）");
    assert_eq!(body["urgent"], false);
    assert_eq!(header(&hits[0], "idempotency-key"), body["id"].to_string());
    let d = sup.get("/notices").await.ok();
    for n in d.as_array().expect("notices") {
        let number = n["number"].as_str().expect("number");
        assert!(
            body["text"].as_str().expect("text").contains(number),
            "{body}"
        );
    }
    // Unmet: orange warnings, urgent, sent at once without the digest.
    let later = cal.add_working_days(day, 4);
    assert_eq!(job("sweep", later).await["escalated"], 2);
    assert_eq!(job("deliver", later).await["sent"], 2);
    let hits = receiver.hits();
    assert_eq!(hits.len(), 3);
    for h in &hits[1..] {
        assert!(signature_ok(&robot, h));
        let body: Value = serde_json::from_slice(&h.body).expect("JSON");
        assert!(
            body["title"]
                .as_str()
                .expect("title")
                .starts_with("【橙色预警】"),
            "{body}"
        );
        assert_eq!(body["urgent"], true);
    }
    // The robot's secret stays in the configuration: outbox rows name the robot.
    let leaked = app
        .db
        .text("SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE target LIKE '%robot-secret%'")
        .await;
    assert_eq!(leaked, "0");
    // Nothing left to send, nothing sent twice.
    assert_eq!(job("deliver", later).await["sent"], 0);
    assert_eq!(receiver.hits().len(), 3);
}
