//! Refusals that hand the work on (re-routing), the finality of a rejected refusal, and one
//! pending extension per assignment even under concurrent requests.

use crate::helpers::{
    Session, TestApp, assert_fields, assignment, dispatched_item, id, ids, in_days,
};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(refusal_reroutes);
crate::on_both_backends!(multi_thread: concurrent_extensions);

/// Reports completion on `asg` as `who` and has `reviewer` accept it.
async fn complete(who: &Session, reviewer: &Session, asg: i64) {
    let r = id(&who
        .post(
            &format!("/assignments/{asg}/reports"),
            json!({ "text": "已全部完成", "completion": true,
                    "metrics": [{ "name": "改造排水管网", "value": 12 }] }),
        )
        .await
        .ok());
    reviewer
        .post(
            &format!("/reports/{r}/review"),
            json!({ "verdict": "accept" }),
        )
        .await
        .ok();
}

fn actions(detail: &Value) -> Vec<String> {
    detail["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .map(|a| a.as_str().expect("action").to_string())
        .collect()
}

/// The only lead unit refuses; the supervisor upholds and hands the work to the right unit at
/// once, which finishes it so the item can close. A refusal cannot be re-routed to the refusing
/// unit or outside the subtree, and a rejected refusal is final.
async fn refusal_reroutes(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let town_b1 = app.login("town_b1").await;
    let dept = app.login("dept").await;
    let item = id(&sup
        .post(
            "/items",
            json!({
                "title": "西山县城区内涝治理",
                "source": "meeting",
                "category": "livelihood",
                "targets": [{ "name": "改造排水管网", "unit": "公里", "value": 12 }],
                "deadline": in_days(50),
            }),
        )
        .await
        .ok());
    let path = format!("/items/{item}");
    sup.post(&format!("{path}/submit"), json!({})).await.ok();
    leader
        .post(&format!("{path}/approve"), json!({}))
        .await
        .ok();
    let top = ids(&sup
        .post(
            &format!("{path}/dispatch"),
            json!({ "assignments": [
                { "unit_id": o.county_a, "role": "lead", "deadline": in_days(30),
                  "instructions": "牵头治理城区内涝" },
                { "unit_id": o.dept, "role": "co" },
            ]}),
        )
        .await
        .ok());
    let (a, dp) = (top[0], top[1]);
    let before = assignment(&sup.get(&path).await.ok(), a);
    assert_eq!(before["targets"][0]["value"], 12.0);
    // Close is not offered while the units work.
    let d = sup.get(&path).await.ok();
    assert_eq!(d["state"], "dispatched");
    assert!(!actions(&d).contains(&"close".to_string()), "{d}");

    // The department refuses; the supervisor rejects that: it may not refuse again.
    let refusal_d = id(&dept
        .post(
            &format!("/assignments/{dp}/refuse"),
            json!({ "text": "非本局职能" }),
        )
        .await
        .ok());
    sup.post(
        &format!("/refusals/{refusal_d}/decide"),
        json!({ "approve": false, "comment": "住建局负责技术指导" }),
    )
    .await
    .ok();
    assert_eq!(
        assignment(&sup.get(&path).await.ok(), dp)["state"],
        "pending"
    );
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.request_decided",
        dept.post(
            &format!("/assignments/{dp}/refuse"),
            json!({ "text": "再次申请退回" }),
        ),
    )
    .await;
    dept.post(&format!("/assignments/{dp}/sign"), json!({}))
        .await
        .ok();

    // County A, the only lead, refuses.
    let refusal_a = id(&county_a
        .post(
            &format!("/assignments/{a}/refuse"),
            json!({ "text": "内涝点位于西山县辖区" }),
        )
        .await
        .ok());
    // Not back to the refusing unit, nor to a unit outside the item's tree below the city.
    for (to, key) in [
        (o.county_a, "rule.duplicate_unit"),
        (o.city, "rule.unit_not_in_subtree"),
        (987_654_321, "validation.unknown_unit"),
    ] {
        let e = app
            .rejected(
                &[item],
                StatusCode::UNPROCESSABLE_ENTITY,
                key,
                sup.post(
                    &format!("/refusals/{refusal_a}/decide"),
                    json!({ "approve": true, "comment": "改派", "reassign_to": to }),
                ),
            )
            .await;
        assert_fields(&e, &[("reassign_to", key)]);
    }
    assert!(!actions(&sup.get(&path).await.ok()).contains(&"close".to_string()));

    // Upheld and handed to county B: a new pending assignment with the same terms.
    let head = app.head_seq().await;
    let decided = sup
        .post(
            &format!("/refusals/{refusal_a}/decide"),
            json!({ "approve": true, "comment": "改由西山县牵头", "reassign_to": o.county_b }),
        )
        .await
        .ok();
    assert_eq!(app.head_seq().await, head + 1, "one event for both");
    let b = id(&decided);
    assert_eq!(ids(&decided), [b]);
    assert_ne!(b, a);
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, a)["state"], "withdrawn");
    let new = assignment(&d, b);
    assert_eq!(new["unit_id"], o.county_b);
    assert_eq!(new["state"], "pending");
    assert!(new["parent_id"].is_null());
    for field in ["role", "deadline", "targets", "instructions"] {
        assert_eq!(new[field], before[field], "{field}");
    }
    assert_eq!(new["deadline"], json!(in_days(30)));
    let r = d["refusals"]
        .as_array()
        .expect("refusals")
        .iter()
        .find(|r| r["id"] == refusal_a)
        .expect("county A's refusal")
        .clone();
    assert_eq!(r["state"], "approved");
    assert!(!actions(&d).contains(&"close".to_string()));
    // County B now sees and works on it.
    assert_eq!(county_b.get(&path).await.ok()["id"], item);
    county_b
        .post(&format!("/assignments/{b}/sign"), json!({}))
        .await
        .ok();

    // Below the top level the parent unit re-routes, within its own subtree only.
    let sub = ids(&county_b
        .post(
            &format!("/assignments/{b}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_b1, "role": "lead" }] }),
        )
        .await
        .ok())[0];
    let refusal_t = id(&town_b1
        .post(
            &format!("/assignments/{sub}/refuse"),
            json!({ "text": "本镇无内涝点" }),
        )
        .await
        .ok());
    for (to, key) in [
        (o.town_a1, "rule.unit_not_in_subtree"),
        (o.county_b, "rule.unit_not_in_subtree"),
        (o.town_b1, "rule.duplicate_unit"),
    ] {
        let e = app
            .rejected(
                &[item],
                StatusCode::UNPROCESSABLE_ENTITY,
                key,
                county_b.post(
                    &format!("/refusals/{refusal_t}/decide"),
                    json!({ "approve": true, "reassign_to": to }),
                ),
            )
            .await;
        assert_fields(&e, &[("reassign_to", key)]);
    }
    let kept = county_b
        .post(
            &format!("/refusals/{refusal_t}/decide"),
            json!({ "approve": true }),
        )
        .await
        .ok();
    assert_eq!(
        id(&kept),
        sub,
        "without re-routing the id is the refused one"
    );
    assert_eq!(ids(&kept), Vec::<i64>::new());

    // County B and the department finish: now the item can close.
    complete(&county_b, &sup, b).await;
    complete(&dept, &sup, dp).await;
    let d = sup.get(&path).await.ok();
    assert_eq!(actions(&d), ["close"]);
    sup.post(&format!("{path}/close"), json!({})).await.ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(d["state"], "closed");
    assert_eq!(assignment(&d, sub)["state"], "withdrawn");
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str().filter(|k| k.starts_with("refusal.")))
        .collect();
    assert_eq!(
        kinds,
        ["refusal.rejected", "refusal.upheld", "refusal.upheld"]
    );
}

/// Ten simultaneous extension requests for one assignment: exactly one is taken, the others
/// are told one is pending, and the chain records exactly one. Five rounds, each released at
/// once by a barrier, so that a lost race shows.
async fn concurrent_extensions(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "城区供暖管网改造",
        in_days(20),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let path = format!("/items/{item}");
    let mut decided = Vec::new();
    for round in 0..5u64 {
        let head = app.head_seq().await;
        let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(10));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..10u64 {
            let county = county.clone();
            let barrier = barrier.clone();
            tasks.spawn(async move {
                barrier.wait().await;
                county
                    .post(
                        &format!("/assignments/{a}/extensions"),
                        json!({ "deadline": in_days(30 + i), "reason": "同时提交的延期申请" }),
                    )
                    .await
            });
        }
        let mut taken = Vec::new();
        let mut refused = 0;
        while let Some(resp) = tasks.join_next().await {
            let resp = resp.expect("join");
            if resp.status == StatusCode::OK {
                taken.push(id(&resp.body));
            } else {
                resp.error(StatusCode::CONFLICT, "rule.request_pending");
                refused += 1;
            }
        }
        assert_eq!(
            taken.len(),
            1,
            "round {round}: exactly one request is taken"
        );
        assert_eq!(refused, 9);
        assert_eq!(app.head_seq().await, head + 1, "round {round}: one event");
        let d = sup.get(&path).await.ok();
        let pending: Vec<&Value> = d["extensions"]
            .as_array()
            .expect("extensions")
            .iter()
            .filter(|x| x["state"] == "pending")
            .collect();
        assert_eq!(pending.len(), 1, "round {round}: {pending:?}");
        assert_eq!(pending[0]["id"], taken[0]);
        // Once decided, the next request may be taken.
        sup.post(
            &format!("/extensions/{}/decide", taken[0]),
            json!({ "approve": false, "comment": "理由不足" }),
        )
        .await
        .ok();
        decided.push(json!(taken[0]));
    }
    let d = sup.get(&path).await.ok();
    let all: Vec<&Value> = d["extensions"]
        .as_array()
        .expect("extensions")
        .iter()
        .map(|x| &x["id"])
        .collect();
    assert_eq!(all, decided.iter().collect::<Vec<_>>());
    let requested = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter(|e| e["kind"] == "extension.requested")
        .count();
    assert_eq!(requested, 5);
}
