//! The clock through the API and the real `ducha jobs run-once sweep --at …`: lights and the
//! register's light filter, the notice ladder over simulated days (blue → orange → red → red
//! → red with a summons), acknowledgement, hand-issued notices, the inbox, and the calendar.

use crate::helpers::{Db, TestApp, assert_fields, dispatched_item, in_days, lists, today};
use chrono::{NaiveDate, NaiveTime};
use ducha_domain::calendar::WorkCalendar;
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(
    notice_ladder,
    hand_notices_and_inbox,
    notice_in_each_readers_language,
    calendar
);

/// Runs one job of the real binary against the test database with "now" at 08:00 China time
/// of `day`; returns its JSON outcome.
async fn run_job(db: &Db, job: &str, day: NaiveDate) -> Value {
    run_job_with(db, job, day, None).await
}

/// [`run_job`] with a configuration file.
pub(crate) async fn run_job_with(
    db: &Db,
    job: &str,
    day: NaiveDate,
    config: Option<&std::path::Path>,
) -> Value {
    let at = format!(
        "{}T{}+08:00",
        day,
        NaiveTime::from_hms_opt(8, 0, 0).expect("time")
    );
    let mut args: Vec<String> = config
        .map(|c| vec!["--config".to_string(), c.display().to_string()])
        .unwrap_or_default();
    args.extend([
        "jobs".to_string(),
        "run-once".into(),
        job.into(),
        "--at".into(),
        at,
        "--database".into(),
        db.url(),
    ]);
    let out = crate::audit::ducha(args).await;
    assert_eq!(
        out.code,
        Some(0),
        "jobs run-once {job}: {}\n{}",
        out.stdout,
        out.stderr
    );
    serde_json::from_str(out.stdout.trim()).expect("job outcome JSON")
}

/// The item's notices as (level, state) pairs, oldest first.
fn ladder(detail: &Value) -> Vec<(String, String)> {
    detail["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .map(|n| {
            (
                n["level"].as_str().expect("level").to_string(),
                n["state"].as_str().expect("state").to_string(),
            )
        })
        .collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn notice_ladder(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let cal = WorkCalendar::china();
    let deadline = in_days(1);
    let (item, a) = dispatched_item(
        &sup,
        &leader,
        "城区排水管网改造",
        deadline,
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let detail = sup.get(&format!("/items/{item}")).await.ok();
    // Computed at dispatch: one working day or less to go is blue.
    assert_eq!(detail["light"], "blue", "{detail}");
    assert_eq!(detail["assignments"][0]["light_reason"], "deadline_near");
    assert!(lists(&sup.list(&[("light", "blue")]).await.ok(), item));
    assert!(!lists(&sup.list(&[("light", "green")]).await.ok(), item));

    // The first working day after the deadline: red, and a blue notice by the rules.
    // (A deadline on a day off ends on the next working day.)
    let mut day = cal.add_working_days(cal.next_working_day_from(deadline), 1);
    let swept = run_job(&app.db, "sweep", day).await;
    assert_eq!(swept["issued"], 1, "{swept}");
    assert!(lists(&sup.list(&[("light", "red")]).await.ok(), item));
    assert!(!lists(&sup.list(&[("light", "blue")]).await.ok(), item));
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["light"], "red");
    assert_eq!(ladder(&d), pairs(&[("blue", "open")]));
    let blue = &d["notices"][0];
    assert_eq!(blue["cause"], "overdue");
    assert_eq!(blue["deadline"], json!(cal.add_working_days(day, 3)));
    let number = blue["number"].as_str().expect("number").to_string();
    assert!(
        number.starts_with("督催〔") && number.ends_with("号"),
        "{number}"
    );

    // The same day again changes nothing: the sweep is idempotent.
    let again = run_job(&app.db, "sweep", day).await;
    assert_eq!(
        (again["issued"].clone(), again["lights_changed"].clone()),
        (json!(0), json!(0))
    );
    // Days off: past the blue notice's deadline, a weekend sweep moves lights only.
    let mut off = cal.add_working_days(day, 3);
    while cal.is_working_day(off) {
        off = off.succ_opt().expect("date");
    }
    let weekend = run_job(&app.db, "sweep", off).await;
    assert_eq!(
        (weekend["escalated"].clone(), weekend["issued"].clone()),
        (json!(0), json!(0))
    );

    // Unmet after its deadline: orange, then red, then red again; the third red summons.
    let mut expected = vec![("blue", "escalated"), ("orange", "open")];
    for (step, wait) in [(0, 3), (1, 3), (2, 5), (3, 5)] {
        day = cal.add_working_days(day, wait + 1);
        let swept = run_job(&app.db, "sweep", day).await;
        assert_eq!(swept["escalated"], 1, "step {step}: {swept}");
        let d = sup.get(&format!("/items/{item}")).await.ok();
        if step > 0 {
            let last = expected.len() - 1;
            expected[last].1 = "escalated";
            expected.push(("red", "open"));
        }
        assert_eq!(ladder(&d), pairs(&expected), "step {step}");
        assert_eq!(
            swept["summonses"],
            json!(u64::from(step == 3)),
            "step {step}"
        );
    }
    // Lights by unit: county A's one assignment is red; a foreign unit filter is 404.
    let by_unit = sup.get("/lights/units").await.ok();
    let a_row = by_unit
        .as_array()
        .expect("units")
        .iter()
        .find(|u| u["unit_id"] == o.county_a)
        .expect("county A")
        .clone();
    assert_eq!(
        (a_row["red"].clone(), a_row["green"].clone()),
        (json!(1), json!(0)),
        "{by_unit}"
    );
    assert_eq!(
        by_unit[0]["unit_id"], o.county_a,
        "most red first: {by_unit}"
    );
    let county_b = app.login("county_b").await;
    county_b
        .get(&format!("/lights/units?unit_id={}", o.county_a))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    assert_eq!(county_b.get("/lights/units").await.ok(), json!([]));
    // Three reds are the most one assignment gets: the last stays open.
    let capped = run_job(&app.db, "sweep", cal.add_working_days(day, 6)).await;
    assert_eq!(capped["escalated"], 0, "{capped}");
    let summonses = sup.get("/summonses").await.ok();
    assert_eq!(summonses.as_array().map(Vec::len), Some(1), "{summonses}");
    assert_eq!(summonses[0]["unit_id"], o.county_a);
    assert_eq!(summonses[0]["reds"], 3);
    // The supervisor who registered the item hears of it in the inbox.
    let inbox = sup.get("/inbox").await.ok();
    let kinds: Vec<&str> = inbox["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["summons.recommended"], "{inbox}");

    // The unit sees its notices and acknowledges the open one, once.
    let liaison = app.login("county_a").await;
    let d = liaison.get(&format!("/items/{item}")).await.ok();
    let open = d["notices"]
        .as_array()
        .expect("notices")
        .last()
        .expect("open")
        .clone();
    assert_eq!(open["actions"], json!(["acknowledge"]));
    let nid = open["id"].as_i64().expect("id");
    // Another county, and a township below the unit, do not see it at all.
    for other in ["county_b", "town_a1"] {
        let s = app.login(other).await;
        app.rejected(
            &[item],
            StatusCode::NOT_FOUND,
            "error.not_found",
            s.post(&format!("/notices/{nid}/acknowledge"), json!({})),
        )
        .await;
        s.get(&format!("/notices/{nid}"))
            .await
            .error(StatusCode::NOT_FOUND, "error.not_found");
    }
    liaison
        .post(&format!("/notices/{nid}/acknowledge"), json!({}))
        .await
        .ok();
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.notice_not_open",
        liaison.post(&format!("/notices/{nid}/acknowledge"), json!({})),
    )
    .await;
    let printable = liaison.get(&format!("/notices/{nid}")).await.ok();
    assert_eq!(printable["history"].as_array().map(Vec::len), Some(5));
    assert_eq!(printable["item_title"], "城区排水管网改造");
    assert!(printable["notice"]["acknowledged_at"].is_string());
    assert_eq!(printable["notice"]["assignment_id"], a[0]);

    // The same in the browser: the printable notice, the register's light badge and filter.
    let (status, html) = liaison.page(&format!("/notices/{nid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&number) && html.contains("红色督办") && html.contains("已签收"),
        "{html}"
    );
    let (status, html) = liaison.page(&format!("/items/{item}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "红灯",
        "已超期",
        number.as_str(),
        "发出督办单",
        "督办升级",
        "签收督办单",
    ] {
        assert!(html.contains(text), "item page lacks {text}: {html}");
    }
    let (status, _) = app
        .login("county_b")
        .await
        .page(&format!("/items/{item}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, html) = liaison.page("/items?light=red").await;
    assert!(
        html.contains("城区排水管网改造") && html.contains("light-red"),
        "{html}"
    );
    let (_, html) = liaison.page("/items?light=green").await;
    assert!(!html.contains("城区排水管网改造"));
    let (status, _) = app
        .login("county_b")
        .await
        .page(&format!("/notices/{nid}"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn hand_notices_and_inbox(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let (item, a) = dispatched_item(
        &sup,
        &leader,
        "老旧小区加装电梯",
        in_days(60),
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["light"], "green");
    let dept_assignment = a[1];
    let path = format!("/assignments/{dept_assignment}/notices");
    // Only a supervisor of the item's jurisdiction issues notices by hand; red is the rules'.
    let dept = app.login("dept").await;
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        dept.post(
            &path,
            json!({ "level": "blue", "requirement": "请加快进度" }),
        ),
    )
    .await;
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
            sup.post(
                &path,
                json!({ "level": "red", "requirement": " ", "working_days": 0 }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("level", "validation.unknown_choice"),
            ("requirement", "validation.required"),
            ("working_days", "validation.out_of_range"),
        ],
    );
    sup.post(
        &path,
        json!({ "level": "blue", "requirement": "请于本周内报送推进计划" }),
    )
    .await
    .ok();
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.notice_open",
        sup.post(&path, json!({ "level": "blue", "requirement": "再次提醒" })),
    )
    .await;
    // A leader's instruction: straight to orange, which escalates the open blue one.
    sup.post(&path, json!({ "level": "orange", "requirement": "领导批示：三日内报送整改措施", "working_days": 3 }))
        .await
        .ok();
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(
        ladder(&d),
        pairs(&[("blue", "escalated"), ("orange", "open")])
    );
    assert_eq!(d["notices"][1]["issued_by"], o.users.sup);
    assert_eq!(
        d["notices"][1]["deadline"],
        json!(WorkCalendar::china().add_working_days(today(), 3))
    );

    // The unit's inbox: both notices, newest first, unread until read.
    let inbox = dept.get("/inbox").await.ok();
    assert_eq!(inbox["unread"], 2, "{inbox}");
    let notes = inbox["notifications"].as_array().expect("notifications");
    assert!(
        notes[0]["title"]
            .as_str()
            .expect("title")
            .contains("橙色预警"),
        "{inbox}"
    );
    assert_eq!(notes[0]["urgent"], true);
    assert_eq!(notes[1]["urgent"], false);
    let number = d["notices"][1]["number"].as_str().expect("number");
    assert!(notes[0]["title"].as_str().expect("title").contains(number));
    // Another unit's inbox is its own.
    assert_eq!(
        app.login("county_a").await.get("/inbox").await.ok()["unread"],
        0
    );
    let first = notes[1]["id"].as_i64().expect("id");
    assert_eq!(
        dept.post("/inbox/read", json!({ "ids": [first] }))
            .await
            .ok()["count"],
        1
    );
    assert_eq!(dept.get("/inbox").await.ok()["unread"], 1);
    let (_, html) = dept.page("/inbox").await;
    assert!(
        html.contains("橙色预警") && html.contains("badge unread"),
        "{html}"
    );
    // The page's "mark all read" form needs the session's CSRF token.
    assert_eq!(
        dept.form("/inbox/read", &[], false).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.form("/inbox/read", &[("csrf", "forged")], false).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        dept.get("/inbox").await.ok()["unread"],
        1,
        "nothing changed"
    );
    assert_eq!(
        dept.form("/inbox/read", &[], true).await,
        StatusCode::OK,
        "back to the inbox"
    );
    let (_, html) = dept.page("/inbox").await;
    assert!(!html.contains("badge unread"), "{html}");
    assert_eq!(dept.post("/inbox/read", json!({})).await.ok()["count"], 0);
    assert_eq!(dept.get("/inbox").await.ok()["unread"], 0);

    // Preferences: defaults, then changed; unknown fields are refused.
    assert_eq!(
        dept.get("/me/notify-prefs").await.ok(),
        json!({ "email": true, "sms": true, "digest": true })
    );
    let put = |body: Value| {
        dept.send(
            reqwest::Method::PUT,
            "/me/notify-prefs",
            Some(body.to_string().into()),
            true,
            &[],
        )
    };
    let set = put(json!({ "email": false, "sms": true, "digest": false }))
        .await
        .ok();
    assert_eq!(set["email"], false);
    assert_eq!(dept.get("/me/notify-prefs").await.ok()["digest"], false);
    // An array is not a preferences object (serde would read it as "all defaults").
    let arr = put(json!([])).await;
    assert_eq!(arr.status, StatusCode::BAD_REQUEST, "{:?}", arr.body);
    let bad = put(json!({ "email": "often" })).await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        bad.body
    );
    assert_eq!(
        dept.get("/me/notify-prefs").await.ok()["email"],
        false,
        "nothing changed"
    );
}

/// One notice reaches the two people its unit addresses; it is stored once as a message key
/// with arguments, and each reads it in their own language.
async fn notice_in_each_readers_language(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let (_, a) = dispatched_item(
        &sup,
        &leader,
        "背街小巷整治",
        in_days(60),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    sup.post(
        &format!("/assignments/{}/notices", a[0]),
        json!({ "level": "orange", "requirement": "请于三日内报送整改措施。", "working_days": 3 }),
    )
    .await
    .ok();
    let stored = app
        .db
        .text("SELECT title || ' ' || body FROM notifications ORDER BY id DESC LIMIT 1")
        .await;
    assert!(
        stored.contains(r#""key":"notify.notice.title""#)
            && stored.contains(r#""key":"notify.notice.body""#),
        "{stored}"
    );
    let chinese = app.login("county_a_chief").await.get("/inbox").await.ok();
    let english = app
        .login("county_a")
        .await
        .english()
        .get("/inbox")
        .await
        .ok();
    let (zh, en) = (&chinese["notifications"][0], &english["notifications"][0]);
    assert_eq!(
        (&zh["kind"], &en["kind"]),
        (&json!("notice.issued"), &json!("notice.issued"))
    );
    let (zh_title, en_title) = (
        zh["title"].as_str().expect("title"),
        en["title"].as_str().expect("title"),
    );
    assert!(zh_title.starts_with("【橙色预警】督办单 "), "{zh_title}");
    assert!(
        en_title.starts_with("[Orange warning] Urge notice "),
        "{en_title}"
    );
    // The same notice number, filled in by the store, in both.
    let number = zh_title.rsplit(' ').next().expect("number");
    assert!(
        !number.contains('{') && en_title.ends_with(number),
        "{zh_title} / {en_title}"
    );
    let (zh_body, en_body) = (
        zh["body"].as_str().expect("body"),
        en["body"].as_str().expect("body"),
    );
    assert!(
        zh_body.starts_with("东城县：关于“背街小巷整治”") && zh_body.contains("前落实并反馈。"),
        "{zh_body}"
    );
    assert!(
        en_body.starts_with("东城县: regarding “背街小巷整治”")
            && en_body.contains("Please act and report back by 20"),
        "{en_body}"
    );
    // The inbox page speaks the reader's language too.
    let (_, html) = app.login("county_a").await.english().page("/inbox").await;
    assert!(html.contains("[Orange warning] Urge notice"), "{html}");
}

async fn calendar(app: &TestApp) {
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let cal = WorkCalendar::china();
    // Deadlines as N working days from dispatch, for the item and for an assignment.
    let body = |extra: Value| {
        let mut v = json!({ "title": "重点项目手续办理提速", "source": "meeting", "category": "central_work" });
        v.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        v
    };
    let e = app
        .rejected(
            &[],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.deadline_either",
            sup.post(
                "/items",
                body(json!({ "deadline": in_days(30), "deadline_working_days": 20 })),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("deadline", "validation.deadline_either"),
            ("deadline_working_days", "validation.deadline_either"),
        ],
    );
    let item = sup
        .post("/items", body(json!({ "deadline_working_days": 20 })))
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["deadline_working_days"], 20);
    sup.post(&format!("/items/{item}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{item}/approve"), json!({}))
        .await
        .ok();
    sup.post(
        &format!("/items/{item}/dispatch"),
        json!({ "assignments": [{ "unit_id": app.org.county_a, "role": "lead", "deadline_working_days": 5 }] }),
    )
    .await
    .ok();
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(
        d["deadline"],
        json!(cal.add_working_days(today(), 20)),
        "counted from dispatch"
    );
    assert_eq!(
        d["assignments"][0]["deadline"],
        json!(cal.add_working_days(today(), 5))
    );

    let y = sup.get("/calendar/2026").await.ok();
    assert_eq!(y["working_days"], 248);
    assert!(
        y["workdays"]
            .as_array()
            .expect("workdays")
            .iter()
            .any(|d| d["date"] == "2026-02-14")
    );
    sup.get("/calendar/1066")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
    assert_eq!(
        sup.get("/calendar/add?from=2026-09-30&n=3").await.ok()["date"],
        "2026-10-10"
    );
    assert_eq!(
        sup.get("/calendar/add?from=2026-12-31&n=1").await.ok()["date"],
        "2027-01-01"
    );
    let file =
        "# 2027\n2027-01-01 holiday 元旦\n2027-02-06 holiday 春节\n2027-02-07 workday 春节调休\n";
    // Only the system admin loads a year; bad lines are named and nothing is loaded.
    app.rejected(
        &[],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        sup.post("/calendar", json!({ "text": file })),
    )
    .await;
    let admin = app.login("sysadmin").await;
    let e = admin
        .post(
            "/calendar",
            json!({ "text": "2027-01-01 holiday 元旦\n2027-02-30 holiday 春节" }),
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "calendar.bad_date");
    assert_fields(&e, &[("lines[2]", "calendar.bad_date")]);
    assert_eq!(sup.get("/calendar/2027").await.ok()["published"], false);
    let loaded = admin.post("/calendar", json!({ "text": file })).await.ok();
    assert_eq!(
        (loaded["days"].clone(), loaded["years"].clone()),
        (json!(3), json!([2027]))
    );
    assert_eq!(
        sup.get("/calendar/add?from=2026-12-31&n=1").await.ok()["date"],
        "2027-01-04"
    );
    let y = sup.get("/calendar/2027").await.ok();
    assert_eq!(y["published"], true);
    assert_eq!(y["workdays"][0]["name"], "春节调休");
    // A corrected file replaces the year: the make-up day loaded by mistake is gone.
    let fixed = "2027-01-01 holiday 元旦\n2027-02-06 holiday 春节\n";
    admin.post("/calendar", json!({ "text": fixed })).await.ok();
    assert_eq!(sup.get("/calendar/2027").await.ok()["workdays"], json!([]));
    admin.post("/calendar", json!({ "text": file })).await.ok();
    let (_, html) = admin.page("/calendar?year=2027").await;
    assert!(
        html.contains("2027-02-07 春节调休") && html.contains("<textarea"),
        "{html}"
    );
    let (_, html) = sup.page("/calendar?year=2027").await;
    assert!(
        html.contains("2027-02-07 春节调休") && !html.contains("<textarea"),
        "only admins load"
    );
}
