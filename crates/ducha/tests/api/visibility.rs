//! What a unit sees of an item it is not assigned to: a unit asked for help opens the item and
//! finds the request in its inbox; a sub-unit sees the chain above it for context but not its
//! parents' reports, requests or the office's dispatch details.

use crate::helpers::{TestApp, assignment, dispatched_item, id, ids, in_days};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(asked_unit_sees_and_answers, sub_unit_sees_only_its_own);

fn list<'a>(v: &'a Value, field: &str) -> &'a Vec<Value> {
    v[field]
        .as_array()
        .unwrap_or_else(|| panic!("{field} in {v}"))
}

/// County A asks the city's housing department, which is not assigned to the item, for help:
/// the department opens the item, finds the request in its inbox and answers; county B, which
/// is neither assigned nor asked, still sees nothing.
async fn asked_unit_sees_and_answers(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let dept = app.login("dept").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县危房改造",
        in_days(40),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    let path = format!("/items/{item}");
    county_a
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    county_a
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "已完成摸底", "percent": 20 }),
        )
        .await
        .ok();

    // Before being asked, the department neither sees the item nor has anything to answer.
    dept.get(&path)
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    assert_eq!(dept.get("/help-requests").await.ok(), json!([]));

    let help = id(&county_a
        .post(
            &format!("/assignments/{a}/help-requests"),
            json!({ "text": "需住建局出具危房鉴定标准", "to_unit_id": o.dept }),
        )
        .await
        .ok());

    // The department opens the item and sees the request addressed to it, but not the
    // county's own reports.
    let d = dept.get(&path).await.ok();
    assert_eq!(d["id"], item);
    let h = list(&d, "help_requests");
    assert_eq!(h.len(), 1, "{h:?}");
    assert_eq!(h[0]["id"], help);
    assert_eq!(h[0]["can_answer"], true);
    assert_eq!(list(&d, "reports"), &Vec::<Value>::new());
    // Its inbox lists it.
    let inbox = dept.get("/help-requests").await.ok();
    let inbox = inbox.as_array().expect("inbox");
    assert_eq!(inbox.len(), 1, "{inbox:?}");
    let h = &inbox[0];
    assert_eq!(h["id"], help);
    assert_eq!(h["item_id"], item);
    assert_eq!(h["assignment_id"], a);
    assert_eq!(h["from_unit_id"], o.county_a);
    assert_eq!(h["to_unit_id"], o.dept);
    assert_eq!(h["to_unit_name"], "市住建局");
    assert_eq!(h["text"], "需住建局出具危房鉴定标准");
    assert_eq!(h["can_answer"], true);
    assert!(h["answer"].is_null());

    // Asking someone is not being asked; and a unit that is neither sees nothing.
    assert_eq!(county_a.get("/help-requests").await.ok(), json!([]));
    assert_eq!(county_b.get("/help-requests").await.ok(), json!([]));
    county_b
        .get(&path)
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        county_b.post(
            &format!("/help-requests/{help}/answer"),
            json!({ "text": "代为答复" }),
        ),
    )
    .await;
    // Being asked does not make the department a worker on the assignment.
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        dept.post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "越权反馈" }),
        ),
    )
    .await;

    // The department answers; the county reads the answer, and the inbox shows it answered.
    dept.post(
        &format!("/help-requests/{help}/answer"),
        json!({ "text": "已发送鉴定标准及联系人" }),
    )
    .await
    .ok();
    let inbox = dept.get("/help-requests").await.ok();
    assert_eq!(inbox[0]["id"], help);
    assert_eq!(inbox[0]["answer"], "已发送鉴定标准及联系人");
    assert_eq!(inbox[0]["can_answer"], false);
    let h = &county_a.get(&path).await.ok()["help_requests"][0];
    assert_eq!(h["answer"], "已发送鉴定标准及联系人");
    assert!(h["answered_at"].is_string());
    assert_eq!(dept.get(&path).await.ok()["id"], item);
}

/// After county A reports, asks for an extension and has a refusal rejected, it passes work
/// down to a township. The township sees the county's assignment as context, but none of the
/// county's reports, requests or events, nor the details of the office's item-level events;
/// the supervisor and the county still see theirs.
async fn sub_unit_sees_only_its_own(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let town = app.login("town_a1").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县农贸市场提升改造",
        in_days(40),
        json!([{ "unit_id": o.county_a, "role": "lead", "instructions": "县级统筹" },
               { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    let a = top[0];
    let path = format!("/items/{item}");
    let refusal = id(&county
        .post(
            &format!("/assignments/{a}/refuse"),
            json!({ "text": "县内职责分工待明确" }),
        )
        .await
        .ok());
    sup.post(
        &format!("/refusals/{refusal}/decide"),
        json!({ "approve": false, "comment": "由东城县牵头" }),
    )
    .await
    .ok();
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let report = id(&county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "县里已完成方案编制", "percent": 30 }),
        )
        .await
        .ok());
    let extension = id(&county
        .post(
            &format!("/assignments/{a}/extensions"),
            json!({ "deadline": in_days(60), "reason": "市场改造需错峰施工" }),
        )
        .await
        .ok());
    let sub = ids(&county
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead" }] }),
        )
        .await
        .ok())[0];
    town.post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();
    let town_report = id(&town
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "镇里已开工", "percent": 10 }),
        )
        .await
        .ok());

    // The township: the county's assignment is there for context, nothing of its work is.
    let d = town.get(&path).await.ok();
    let seen: Vec<&Value> = list(&d, "assignments").iter().map(|x| &x["id"]).collect();
    assert!(
        seen.contains(&&json!(a)),
        "the county's assignment as context"
    );
    assert!(seen.contains(&&json!(sub)));
    assert_eq!(assignment(&d, a)["actions"], json!([]));
    let reports: Vec<&Value> = list(&d, "reports").iter().map(|r| &r["id"]).collect();
    assert_eq!(reports, [&json!(town_report)]);
    assert_eq!(list(&d, "extensions"), &Vec::<Value>::new());
    assert_eq!(list(&d, "refusals"), &Vec::<Value>::new());
    let timeline = list(&d, "timeline");
    let item_level: Vec<&Value> = timeline
        .iter()
        .filter(|e| e["assignment_id"].is_null())
        .collect();
    let kinds: Vec<&str> = item_level
        .iter()
        .map(|e| e["kind"].as_str().expect("kind"))
        .collect();
    assert!(kinds.contains(&"item.dispatched"), "{kinds:?}");
    for e in &item_level {
        assert!(e["payload"].is_null(), "item-level details hidden: {e}");
    }
    for e in timeline.iter().filter(|e| !e["assignment_id"].is_null()) {
        assert_eq!(
            e["assignment_id"], sub,
            "only its own assignment's events: {e}"
        );
        assert!(
            e["payload"].is_object(),
            "its own events keep their details"
        );
    }

    // The supervisor sees everything, with the details.
    let d = sup.get(&path).await.ok();
    let reports: Vec<&Value> = list(&d, "reports").iter().map(|r| &r["id"]).collect();
    assert!(reports.contains(&&json!(report)) && reports.contains(&&json!(town_report)));
    assert_eq!(d["extensions"][0]["id"], extension);
    assert_eq!(d["refusals"][0]["id"], refusal);
    let item_level: Vec<&Value> = list(&d, "timeline")
        .iter()
        .filter(|e| e["assignment_id"].is_null())
        .collect();
    assert!(!item_level.is_empty());
    for e in &item_level {
        assert!(e["payload"].is_object(), "the office sees its details: {e}");
    }
    let dispatched = item_level
        .iter()
        .find(|e| e["kind"] == "item.dispatched")
        .expect("item.dispatched");
    assert_ne!(dispatched["payload"], json!({}));

    // The county sees its own work and the township's below it.
    let d = county.get(&path).await.ok();
    let reports: Vec<&Value> = list(&d, "reports").iter().map(|r| &r["id"]).collect();
    assert!(reports.contains(&&json!(report)) && reports.contains(&&json!(town_report)));
    assert_eq!(d["extensions"][0]["id"], extension);
    assert_eq!(d["refusals"][0]["id"], refusal);
    assert!(
        list(&d, "timeline")
            .iter()
            .any(|e| e["assignment_id"] == a && e["kind"] == "report.submitted"),
    );
}
