//! Hot issues (热点诉求): appeals saying the same thing in different words join one hot issue
//! at once, different complaints stay apart; a second node that takes the clustering's lease
//! rebuilds the same hot issues and goes on from there, a former holder changes nothing, and
//! a clustering from scratch equals the incremental one. A supervisor makes a public 三最 item
//! of a hot issue (or merges one into an item): the appeals — and later ones — are linked, the
//! citizen follows the item's progress by the code, rates it once it closed, and the same
//! complaint coming back after the close reopens the hot issue.

use crate::appeals::citizen_submits;
use crate::helpers::{Session, TestApp, dispatched_item, id, in_days};
use ducha_domain::calendar::WorkCalendar;
use ducha_service::{Config, Services};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(
    near_duplicates_join_one_hot_issue,
    a_hot_issue_becomes_an_item_citizens_follow
);

/// One complaint in four wordings.
const LIFT: [&str; 4] = [
    "幸福小区3号楼电梯坏了半个月没人修，老人上下楼很困难。",
    "幸福小区三号楼的电梯已经坏了两周了，物业一直不修，老人没法下楼。",
    "反映幸福小区3号楼电梯故障半个月无人维修，请尽快处理。",
    "幸福小区3栋电梯停运十多天，物业不管，老年人出行困难，请督促维修。",
];

/// Two other complaints, one sharing words with it.
const OTHERS: [&str; 2] = [
    "东城中心小学门口早晚高峰车辆乱停乱放，孩子上学很危险，请交警管一管。",
    "幸福小区门口的烧烤摊油烟太大，晚上十二点以后还很吵，影响休息。",
];

async fn hot_list(sup: &Session) -> Vec<Value> {
    sup.get("/appeals/hot").await.ok()["issues"]
        .as_array()
        .expect("issues")
        .clone()
}

/// Every appeal with the first appeal of its hot issue, in appeal order.
async fn membership(app: &TestApp) -> String {
    app.db
        .text(
            "SELECT COALESCE(string_agg(x, ',' ORDER BY a), '') FROM (SELECT m.appeal_id AS a, \
             CAST(m.appeal_id AS TEXT) || ':' || CAST(h.first_appeal_id AS TEXT) AS x \
             FROM hot_members m JOIN hot_issues h ON h.id = m.hot_id) s",
        )
        .await
}

fn node(app: &TestApp) -> Services {
    Services::new(app.db.store(), Config::default(), WorkCalendar::china())
}

async fn near_duplicates_join_one_hot_issue(app: &TestApp) {
    let o = &app.org;
    for t in &LIFT[..3] {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    for t in OTHERS {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    let sup = app.login("sup").await;
    let list = hot_list(&sup).await;
    let counts: Vec<i64> = list
        .iter()
        .map(|h| h["count"].as_i64().expect("count"))
        .collect();
    assert_eq!(counts, vec![3, 1, 1], "{list:?}");
    let big = &list[0];
    assert_eq!(big["state"], "open");
    assert_eq!(big["places"][0]["name"], "东城A1镇");
    assert_eq!(big["places"][0]["count"], 3);
    let weeks = big["weeks"].as_array().expect("weeks");
    assert_eq!(weeks.last().expect("this week")["count"], 3);
    assert!(big["samples"][0].as_str().expect("sample").contains("电梯"));
    let hot = big["id"].as_i64().expect("id");
    let d = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(d["appeals"].as_array().expect("appeals").len(), 3);
    assert_eq!(d["may_link"], true);
    assert!(
        d["proposed_title"]
            .as_str()
            .expect("title")
            .contains("电梯")
    );
    // Not a supervisor: refused; another county's reader would not see it at all.
    let county = app.login("county_a").await;
    county
        .get("/appeals/hot")
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");

    // A second node takes the lease once the first hands it back: it rebuilds the same hot
    // issues from the stored appeals and clusters the next appeal itself.
    let before = membership(app).await;
    app.services.hot_release().await;
    let second = node(app);
    let p = second.hot_catch_up().await.expect("take over");
    assert!(p.holder && p.loaded, "{p:?}");
    assert_eq!((p.differing, p.clustered), (0, 0), "{p:?}");
    citizen_submits(&app.base, o.town_a1, LIFT[3], "").await;
    // The first node stored it, but the second holds the lease: the first leaves it alone.
    let p = app.services.hot_catch_up().await.expect("first node");
    assert!(!p.holder && p.clustered == 0, "{p:?}");
    assert_eq!(membership(app).await, before);
    let p = second.hot_catch_up().await.expect("second node");
    assert_eq!(p.clustered, 1, "{p:?}");
    let list = hot_list(&sup).await;
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"].as_i64(), Some(hot));
    assert_eq!(list[0]["count"], 4);
    assert_eq!(list[0]["places"][0]["count"], 4);

    // From scratch: the same appeals in the same order give the same hot issues.
    let incremental = membership(app).await;
    second.hot_release().await;
    for sql in [
        "DELETE FROM hot_merges",
        "DELETE FROM hot_members",
        "DELETE FROM hot_issues",
        "UPDATE hot_state SET last_appeal_id = 0",
    ] {
        app.db.exec(sql).await.expect("reset");
    }
    let third = node(app);
    let p = third.hot_catch_up().await.expect("from scratch");
    assert_eq!(p.clustered, 6, "{p:?}");
    assert_eq!(membership(app).await, incremental);
    third.hot_release().await;
}

/// The appeal's page as the citizen sees it.
async fn track(base: &str, code: &str) -> String {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{base}/public/track/{code}"))
        .send()
        .await
        .expect("track")
        .text()
        .await
        .expect("page")
}

/// The citizen answers on the tracking page (a same-origin form).
async fn rate(base: &str, code: &str, answer: &str) -> (StatusCode, String) {
    let r = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{base}/public/track/{code}/rate"))
        .header("origin", base)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("answer={answer}&comment=%E5%BE%88%E5%A5%BD"))
        .send()
        .await
        .expect("rate");
    (r.status(), r.text().await.expect("body"))
}

async fn appeal_item(sup: &Session, code: &str) -> Option<i64> {
    let list = sup.get("/appeals?limit=200").await.ok();
    list["appeals"]
        .as_array()
        .expect("appeals")
        .iter()
        .find(|a| a["code"].as_str() == Some(code))
        .unwrap_or_else(|| panic!("{code} in {list}"))["item_id"]
        .as_i64()
}

async fn a_hot_issue_becomes_an_item_citizens_follow(app: &TestApp) {
    let o = &app.org;
    let mut codes = Vec::new();
    for t in &LIFT[..2] {
        codes.push(citizen_submits(&app.base, o.town_a1, t, "13911112222").await);
    }
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let hot = hot_list(&sup).await[0]["id"].as_i64().expect("hot");
    let county = app.login("county_a").await;
    let make = json!({ "title": "幸福小区电梯维修", "deadline": in_days(60),
                       "description": "群众反映电梯停运，督促物业和住建部门限期修复。" });
    county
        .post(&format!("/appeals/hot/{hot}/item"), make.clone())
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    let head = app.head_seq().await;
    let item = id(&sup
        .post(&format!("/appeals/hot/{hot}/item"), make.clone())
        .await
        .ok());
    // The item's own use case made it, then the link: two events.
    assert_eq!(app.head_seq().await, head + 2);
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["category"], "san_zui");
    assert_eq!(d["source"], "citizen_appeal");
    assert_eq!(d["public"], true);
    assert_eq!(d["state"], "draft");
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"hot.turned"), "{kinds:?}");
    for c in &codes {
        assert_eq!(appeal_item(&sup, c).await, Some(item));
    }
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["issue"]["state"], "item");
    assert_eq!(h["may_link"], false);
    sup.post(&format!("/appeals/hot/{hot}/item"), make.clone())
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "hot.already_linked");
    // A later appeal joining the hot issue is linked too.
    let later = citizen_submits(&app.base, o.town_a1, LIFT[2], "").await;
    assert_eq!(appeal_item(&sup, &later).await, Some(item));

    // Dispatched and reported on: the citizen sees the progress by the code.
    sup.post(&format!("/items/{item}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{item}/approve"), json!({}))
        .await
        .ok();
    let a = crate::helpers::ids(
        &sup.post(
            &format!("/items/{item}/dispatch"),
            json!({ "assignments": [{ "unit_id": o.county_a, "role": "lead" }] }),
        )
        .await
        .ok(),
    )[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let r = county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "已更换电梯主板，正在调试", "percent": 60 }),
        )
        .await
        .ok();
    sup.post(
        &format!("/reports/{}/review", id(&r)),
        json!({ "verdict": "accept" }),
    )
    .await
    .ok();
    let page = track(&app.base, &codes[0]).await;
    assert!(
        page.contains("幸福小区电梯维修") && page.contains("已更换电梯主板"),
        "{page}"
    );
    assert!(!page.contains("id=\"rate\""), "no rating before the close");
    let (st, _) = rate(&app.base, &codes[0], "satisfied").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);

    // Closed: asked once, answered once.
    let r = county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "电梯已修复并通过检验", "completion": true }),
        )
        .await
        .ok();
    sup.post(
        &format!("/reports/{}/review", id(&r)),
        json!({ "verdict": "accept" }),
    )
    .await
    .ok();
    sup.post(&format!("/items/{item}/close"), json!({}))
        .await
        .ok();
    let page = track(&app.base, &codes[0]).await;
    assert!(page.contains("id=\"rate\""), "{page}");
    let (st, _) = rate(&app.base, &codes[0], "satisfied").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, page) = rate(&app.base, &codes[0], "dissatisfied").await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("您已评价过"), "{page}");
    let (st, _) = rate(&app.base, &codes[1], "basic").await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let page = track(&app.base, &codes[0]).await;
    assert!(
        page.contains("id=\"rated\"") && !page.contains("id=\"rate\""),
        "{page}"
    );
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["issue"]["satisfaction"]["satisfied"], 1);
    assert_eq!(h["issue"]["satisfaction"]["basic"], 1);

    // The same complaint comes back after the close: the hot issue is reopened as returned,
    // and may be made a new item.
    citizen_submits(&app.base, o.town_a1, LIFT[3], "").await;
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["issue"]["state"], "returned");
    assert!(h["issue"]["returned_at"].is_string());
    assert_eq!(h["may_link"], true);

    // A different complaint merged into an existing item: its appeals are linked.
    let code = citizen_submits(&app.base, o.town_b1, OTHERS[0], "").await;
    let (existing, _) = dispatched_item(
        &sup,
        &leader,
        "学校周边交通秩序整治",
        in_days(40),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    let other = hot_list(&sup)
        .await
        .into_iter()
        .find(|h| h["samples"][0].as_str().is_some_and(|s| s.contains("小学")))
        .expect("the school's hot issue")["id"]
        .as_i64()
        .expect("id");
    sup.post(
        &format!("/appeals/hot/{other}/merge"),
        json!({ "item_id": 999_999 }),
    )
    .await
    .error(StatusCode::UNPROCESSABLE_ENTITY, "hot.unknown_item");
    sup.post(
        &format!("/appeals/hot/{other}/merge"),
        json!({ "item_id": existing }),
    )
    .await
    .ok();
    assert_eq!(appeal_item(&sup, &code).await, Some(existing));
    let h = sup.get(&format!("/appeals/hot/{other}")).await.ok();
    assert_eq!(h["issue"]["state"], "merged");
}
