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
    a_hot_issue_becomes_an_item_citizens_follow,
    an_appeal_committed_late_is_clustered,
    submitting_does_not_wait_for_the_clustering,
    a_double_click_makes_one_item,
    a_complaint_returning_to_a_merged_issue_is_flagged,
    the_office_lists_appeals_newest_first,
    the_proposed_text_keeps_citizens_words_off_the_public_page,
    the_same_holder_keeps_its_epoch,
    a_complaint_back_after_the_months_reopens_the_issue
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

/// The citizen's request does not wait for the clustering: a look of the node holding the
/// lease (after the one each submission woke, if it is still running) clusters what is left.
async fn settle(app: &TestApp) {
    app.services.hot_catch_up().await.expect("clustered");
}

async fn near_duplicates_join_one_hot_issue(app: &TestApp) {
    let o = &app.org;
    for t in &LIFT[..3] {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    for t in OTHERS {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    settle(app).await;
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
    settle(app).await;
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
    // The item and the hot issue's link commit together: one event.
    assert_eq!(app.head_seq().await, head + 1);
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["category"], "san_zui");
    assert_eq!(d["source"], "citizen_appeal");
    assert_eq!(d["public"], true);
    assert_eq!(d["state"], "draft");
    // The office-style title the form proposed, from what the appeals speak of.
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["proposed_title"], "关于东城A1镇电梯故障问题的督办", "{h}");
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
    settle(app).await;
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
    // Closed with its item: the staff see the appeals closed, the citizen sees it closed
    // and is asked for a rating.
    for c in &codes {
        assert_eq!(appeal_state(&sup, c).await, "closed", "{c}");
    }
    assert_eq!(appeal_state(&sup, &later).await, "closed");
    let page = track(&app.base, &codes[0]).await;
    assert!(page.contains("id=\"rate\""), "{page}");
    assert!(page.contains("已办结"), "{page}");
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
    settle(app).await;
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["issue"]["state"], "returned");
    assert!(h["issue"]["returned_at"].is_string());
    assert_eq!(h["may_link"], true);

    // A different complaint merged into an existing item: its appeals are linked.
    let code = citizen_submits(&app.base, o.town_b1, OTHERS[0], "").await;
    settle(app).await;
    let (internal, _) = dispatched_item(
        &sup,
        &leader,
        "学校周边交通秩序整治（内部）",
        in_days(40),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    let (existing, _) = public_item(
        &sup,
        &leader,
        "学校周边交通秩序整治",
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
    // An internal item would show the citizens nothing: refused, nothing linked.
    let e = sup
        .post(
            &format!("/appeals/hot/{other}/merge"),
            json!({ "item_id": internal }),
        )
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "hot.item_not_public");
    assert!(e.to_string().contains("未公开"), "{e}");
    assert_eq!(appeal_item(&sup, &code).await, None);
    sup.post(
        &format!("/appeals/hot/{other}/merge"),
        json!({ "item_id": existing }),
    )
    .await
    .ok();
    assert_eq!(appeal_item(&sup, &code).await, Some(existing));
    let h = sup.get(&format!("/appeals/hot/{other}")).await.ok();
    assert_eq!(h["issue"]["state"], "merged");
    let page = track(&app.base, &code).await;
    assert!(page.contains("学校周边交通秩序整治"), "{page}");
    assert!(!page.contains("内部"), "{page}");
}

/// A dispatched public item (三最, from citizens' appeals) and its assignments.
async fn public_item(
    sup: &Session,
    leader: &Session,
    title: &str,
    assignments: Value,
) -> (i64, Vec<i64>) {
    let id = id(&sup
        .post(
            "/items",
            json!({ "title": title, "source": "citizen_appeal", "category": "san_zui",
                    "deadline": in_days(40), "public": true }),
        )
        .await
        .ok());
    sup.post(&format!("/items/{id}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{id}/approve"), json!({}))
        .await
        .ok();
    let d = sup
        .post(
            &format!("/items/{id}/dispatch"),
            json!({ "assignments": assignments }),
        )
        .await
        .ok();
    (id, crate::helpers::ids(&d))
}

async fn appeal_state(sup: &Session, code: &str) -> String {
    let list = sup.get("/appeals?limit=200").await.ok();
    list["appeals"]
        .as_array()
        .expect("appeals")
        .iter()
        .find(|a| a["code"].as_str() == Some(code))
        .unwrap_or_else(|| panic!("{code} in {list}"))["state"]
        .as_str()
        .expect("state")
        .to_string()
}

/// A copy of appeal `from` with id `id` and text `text`, inserted as a transaction that drew
/// its id earlier but committed later would leave it (stored long ago: no look waits for
/// the ids below it).
async fn insert_appeal(app: &TestApp, id: i64, from: i64, text: &str) {
    app.db
        .exec(&format!(
            "INSERT INTO appeals (id, code, source, unit_id, unit_path, category, text_masked, \
             state, received_at, created_at) SELECT {id}, 'LATE{id:08}', source, unit_id, \
             unit_path, category, '{text}', 'received', received_at, \
             '2020-01-06T09:00:00+00:00' FROM appeals WHERE id = {from}"
        ))
        .await
        .expect("insert");
}

async fn max_appeal(app: &TestApp) -> i64 {
    app.db
        .text("SELECT CAST(MAX(id) AS TEXT) FROM appeals")
        .await
        .parse()
        .expect("id")
}

/// PostgreSQL draws ids from a sequence before commit: an appeal whose id is below those
/// already clustered may commit after them. It is clustered by the next look, and a node
/// that loads the clusterer afterwards agrees with what was stored.
async fn an_appeal_committed_late_is_clustered(app: &TestApp) {
    let o = &app.org;
    citizen_submits(&app.base, o.town_a1, LIFT[0], "").await;
    citizen_submits(&app.base, o.town_a1, OTHERS[1], "").await;
    settle(app).await;
    let top = max_appeal(app).await;
    insert_appeal(app, top + 10, top, OTHERS[0]).await;
    settle(app).await;
    assert!(membership(app).await.contains(&format!("{}:", top + 10)));
    // Committed now, with an id below the last one clustered.
    insert_appeal(app, top + 5, top, LIFT[1]).await;
    let p = app.services.hot_catch_up().await.expect("look");
    assert_eq!(p.clustered, 1, "{p:?}");
    let m = membership(app).await;
    assert!(m.contains(&format!("{}:{}", top + 5, top - 1)), "{m}");
    let sup = app.login("sup").await;
    let list = hot_list(&sup).await;
    assert_eq!(list[0]["count"], 2, "{list:?}");
    // A new holder loads the late one where it was clustered.
    app.services.hot_release().await;
    let second = node(app);
    let p = second.hot_catch_up().await.expect("take over");
    assert!(p.loaded && p.differing == 0 && p.clustered == 0, "{p:?}");
    second.hot_release().await;
}

/// The citizen's request answers while the clustering is held; the appeal joins its hot
/// issue once the clustering goes on.
async fn submitting_does_not_wait_for_the_clustering(app: &TestApp) {
    let o = &app.org;
    citizen_submits(&app.base, o.town_a1, LIFT[0], "").await;
    settle(app).await;
    let before = membership(app).await;
    let held = app.services.hot_pause().await;
    let code = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        citizen_submits(&app.base, o.town_a1, LIFT[1], ""),
    )
    .await
    .expect("the submission answered while the clustering was held");
    assert_eq!(code.len(), 14, "{code}");
    assert_eq!(membership(app).await, before);
    drop(held);
    settle(app).await;
    let sup = app.login("sup").await;
    assert_eq!(hot_list(&sup).await[0]["count"], 2);
}

/// Two clicks at once on "make an item": one item, the other click refused; no draft left
/// without its hot issue.
async fn a_double_click_makes_one_item(app: &TestApp) {
    let o = &app.org;
    for t in &LIFT[..2] {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    settle(app).await;
    let sup = app.login("sup").await;
    let hot = hot_list(&sup).await[0]["id"].as_i64().expect("hot");
    let make = json!({ "title": "幸福小区电梯维修", "deadline": in_days(60) });
    let path = format!("/appeals/hot/{hot}/item");
    // Four clicks at once: on PostgreSQL they tend to share one group commit, where the
    // refused ones must not be answered before the one that made the item is committed.
    let (a, b, c, d) = tokio::join!(
        sup.post(&path, make.clone()),
        sup.post(&path, make.clone()),
        sup.post(&path, make.clone()),
        sup.post(&path, make.clone())
    );
    let mut made = Vec::new();
    for r in [a, b, c, d] {
        if r.status == StatusCode::CREATED || r.status == StatusCode::OK {
            made.push(id(&r.ok()));
        } else {
            r.error(StatusCode::UNPROCESSABLE_ENTITY, "hot.already_linked");
        }
    }
    assert_eq!(made.len(), 1, "{made:?}");
    let n = app
        .db
        .text("SELECT CAST(COUNT(*) AS TEXT) FROM items WHERE source = 'citizen_appeal'")
        .await;
    assert_eq!(n, "1");
    let h = sup.get(&path.replace("/item", "")).await.ok();
    assert_eq!(h["issue"]["item_id"].as_i64(), Some(made[0]));
}

/// A hot issue merged into an item (not made one): the same complaint coming back after
/// the item closed is flagged 反弹回潮 too, on the office's list and page.
async fn a_complaint_returning_to_a_merged_issue_is_flagged(app: &TestApp) {
    let o = &app.org;
    for t in &LIFT[..2] {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    settle(app).await;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let hot = hot_list(&sup).await[0]["id"].as_i64().expect("hot");
    let (item, assignments) = public_item(
        &sup,
        &leader,
        "幸福小区电梯维修",
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    sup.post(
        &format!("/appeals/hot/{hot}/merge"),
        json!({ "item_id": item }),
    )
    .await
    .ok();
    let a = assignments[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
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
    citizen_submits(&app.base, o.town_a1, LIFT[3], "").await;
    settle(app).await;
    let list = hot_list(&sup).await;
    assert_eq!(list[0]["state"], "returned", "{list:?}");
    let (_, page) = sup.page(&format!("/appeals/hot/{hot}")).await;
    assert!(page.contains("反弹回潮"), "{page}");
}

/// The office's list of appeals shows the newest received first, whatever order they were
/// stored in (a 12345 export's orders come in any order).
async fn the_office_lists_appeals_newest_first(app: &TestApp) {
    let o = &app.org;
    let old = citizen_submits(&app.base, o.town_a1, LIFT[0], "").await;
    let new = citizen_submits(&app.base, o.town_a1, OTHERS[0], "").await;
    // The one stored last was received years earlier (as an imported order may be).
    app.db
        .exec(&format!(
            "UPDATE appeals SET received_at = '2020-01-06T09:00:00+00:00' WHERE code = '{}'",
            new.replace('-', "")
        ))
        .await
        .expect("received earlier");
    let sup = app.login("sup").await;
    let list = sup.get("/appeals?limit=200").await.ok();
    let codes: Vec<&str> = list["appeals"]
        .as_array()
        .expect("appeals")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert_eq!(codes, vec![old.as_str(), new.as_str()], "{list}");
}

/// An item made of a hot issue with the text the form proposes does not republish the
/// citizens' words on its public page: the text says how many appeals came, from where, since
/// when and about what.
async fn the_proposed_text_keeps_citizens_words_off_the_public_page(app: &TestApp) {
    let o = &app.org;
    for t in &LIFT[..3] {
        citizen_submits(&app.base, o.town_a1, t, "").await;
    }
    settle(app).await;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let hot = hot_list(&sup).await[0]["id"].as_i64().expect("hot");
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    let description = h["proposed_description"].as_str().expect("text").to_owned();
    assert!(
        description.contains("3件") && description.contains("电梯故障"),
        "{description}"
    );
    let make = json!({ "title": h["proposed_title"], "deadline": in_days(60),
                       "description": description });
    let item = id(&sup
        .post(&format!("/appeals/hot/{hot}/item"), make)
        .await
        .ok());
    sup.post(&format!("/items/{item}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{item}/approve"), json!({}))
        .await
        .ok();
    sup.post(
        &format!("/items/{item}/dispatch"),
        json!({ "assignments": [{ "unit_id": o.county_a, "role": "lead" }] }),
    )
    .await
    .ok();
    let r = reqwest::Client::new()
        .get(format!("{}/public/items/{item}", app.base))
        .send()
        .await
        .expect("item");
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.expect("page");
    assert!(page.contains("电梯故障"), "{page}");
    for t in &LIFT[..3] {
        // Any run of the citizen's own words, not only the whole text.
        let words: String = t.chars().take(12).collect();
        assert!(!page.contains(&words), "{words} on the public page");
    }
}

/// The clustering's holder renewing its lease after it expired keeps the epoch (no one else
/// wrote meanwhile, its copy is still right); another holder moves it.
async fn the_same_holder_keeps_its_epoch(app: &TestApp) {
    let store = app.db.store();
    let at = |h: i64| ducha_service::now() + chrono::Duration::hours(h);
    let lease = chrono::Duration::seconds(30);
    let first = store
        .hot_lease("test-node", at(24), at(24) + lease)
        .await
        .expect("lease")
        .expect("taken");
    let renewed = store
        .hot_lease("test-node", at(25), at(25) + lease)
        .await
        .expect("lease");
    assert_eq!(renewed, Some(first), "renewed after its expiry");
    let other = store
        .hot_lease("other-node", at(26), at(26) + lease)
        .await
        .expect("lease");
    assert_eq!(other, Some(first + 1), "another holder");
    store.hot_release("other-node").await.expect("release");
}

/// The same complaint coming back later than the return months after its item closed is a
/// new matter: the hot issue is open again (no item) so that the office may make a new item,
/// and the old item keeps the appeals it had.
async fn a_complaint_back_after_the_months_reopens_the_issue(app: &TestApp) {
    let o = &app.org;
    let mut codes = Vec::new();
    for t in &LIFT[..2] {
        codes.push(citizen_submits(&app.base, o.town_a1, t, "").await);
    }
    settle(app).await;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let hot = hot_list(&sup).await[0]["id"].as_i64().expect("hot");
    let (item, assignments) = public_item(
        &sup,
        &leader,
        "幸福小区电梯维修",
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    sup.post(
        &format!("/appeals/hot/{hot}/merge"),
        json!({ "item_id": item }),
    )
    .await
    .ok();
    let a = assignments[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
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
    // Closed years ago, far outside the return months.
    app.db
        .exec(&format!(
            "UPDATE items SET closed_at = '2020-01-06T09:00:00+00:00' WHERE id = {item}"
        ))
        .await
        .expect("closed long ago");
    citizen_submits(&app.base, o.town_a1, LIFT[3], "").await;
    settle(app).await;
    let h = sup.get(&format!("/appeals/hot/{hot}")).await.ok();
    assert_eq!(h["issue"]["state"], "open", "{h}");
    assert_eq!(h["issue"]["item_id"], Value::Null, "{h}");
    assert_eq!(h["may_link"], true, "{h}");
    for c in &codes {
        assert_eq!(appeal_item(&sup, c).await, Some(item), "{c} keeps its item");
    }
    let make = json!({ "title": "幸福小区电梯再次故障", "deadline": in_days(60),
                       "description": "督促物业和住建部门限期修复。" });
    let again = id(&sup
        .post(&format!("/appeals/hot/{hot}/item"), make)
        .await
        .ok());
    assert_ne!(again, item);
}
