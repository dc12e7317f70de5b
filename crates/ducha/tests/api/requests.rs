//! Stories (b)–(d): requests that go up the chain — extensions, refusals and help requests.

use crate::helpers::{
    TestApp, assert_fields, assignment, dispatched_item, id, ids, in_days, today,
};
use chrono::Days;
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(extension, refusal, help_request);

/// (b) An extension is asked before the deadline with a concrete date; one at a time; approval
/// moves the deadline (and the item's, for a top-level assignment); a denial needs a reason.
async fn extension(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let town = app.login("town_a1").await;
    let deadline = in_days(30);
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "农村生活污水治理",
        deadline,
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    let path = format!("/items/{item}");
    let ask = |date: chrono::NaiveDate| json!({ "deadline": date, "reason": "雨季施工受阻" });
    let ext_path = format!("/assignments/{a}/extensions");

    // Only while working: not before signing.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignment_state",
        county.post(&ext_path, ask(deadline + Days::new(10))),
    )
    .await;
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();

    // A concrete, later date and a reason are required.
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            county.post(&ext_path, json!({ "reason": " " })),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("reason", "validation.required"),
            ("deadline", "validation.required"),
        ],
    );
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.extension_not_later",
        county.post(&ext_path, ask(deadline)),
    )
    .await;
    // Only the assigned unit asks.
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        sup.post(&ext_path, ask(deadline + Days::new(10))),
    )
    .await;

    let new_deadline = deadline + Days::new(15);
    let first = id(&county.post(&ext_path, ask(new_deadline)).await.ok());
    let d = sup.get(&path).await.ok();
    let x = &d["extensions"][0];
    assert_eq!(x["id"], first);
    assert_eq!(x["state"], "pending");
    assert_eq!(x["old_deadline"], json!(deadline));
    assert_eq!(x["requested_deadline"], json!(new_deadline));
    assert_eq!(
        x["can_decide"], true,
        "the supervisor decides a top-level one"
    );
    assert_eq!(
        assignment(&d, a)["deadline"],
        json!(deadline),
        "asking alone moves nothing"
    );

    // One pending request at a time.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.request_pending",
        county.post(&ext_path, ask(new_deadline + Days::new(5))),
    )
    .await;
    // The asking unit cannot decide its own request.
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        county.post(
            &format!("/extensions/{first}/decide"),
            json!({ "approve": true }),
        ),
    )
    .await;

    sup.post(
        &format!("/extensions/{first}/decide"),
        json!({ "approve": true, "comment": "同意延期" }),
    )
    .await
    .ok();
    let d = sup.get(&path).await.ok();
    let lead = assignment(&d, a);
    assert_eq!(lead["deadline"], json!(new_deadline), "approval moves it");
    assert_eq!(lead["original_deadline"], json!(deadline));
    assert_eq!(
        d["deadline"],
        json!(new_deadline),
        "a top-level extension past the item's deadline moves the item's"
    );
    assert_eq!(d["extensions"][0]["state"], "approved");
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.request_decided",
        sup.post(
            &format!("/extensions/{first}/decide"),
            json!({ "approve": false, "comment": "再议" }),
        ),
    )
    .await;

    // A denial needs a reason, and leaves the deadline alone.
    let second = id(&county
        .post(&ext_path, ask(new_deadline + Days::new(20)))
        .await
        .ok());
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post(
                &format!("/extensions/{second}/decide"),
                json!({ "approve": false }),
            ),
        )
        .await;
    assert_fields(&e, &[("comment", "validation.required")]);
    sup.post(
        &format!("/extensions/{second}/decide"),
        json!({ "approve": false, "comment": "不符合延期条件" }),
    )
    .await
    .ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, a)["deadline"], json!(new_deadline));
    assert_eq!(d["deadline"], json!(new_deadline));
    let x = d["extensions"]
        .as_array()
        .expect("extensions")
        .iter()
        .find(|x| x["id"] == second)
        .expect("second request");
    assert_eq!(x["state"], "denied");
    assert_eq!(x["comment"], "不符合延期条件");

    // Below the top level the parent unit decides, and never past its own deadline.
    let subs = ids(&county
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead",
                                       "deadline": new_deadline - Days::new(10) }] }),
        )
        .await
        .ok());
    let sub = subs[0];
    town.post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();
    let too_far = id(&town
        .post(
            &format!("/assignments/{sub}/extensions"),
            ask(new_deadline + Days::new(1)),
        )
        .await
        .ok());
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        sup.post(
            &format!("/extensions/{too_far}/decide"),
            json!({ "approve": true }),
        ),
    )
    .await;
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.deadline_after_parent",
        county.post(
            &format!("/extensions/{too_far}/decide"),
            json!({ "approve": true }),
        ),
    )
    .await;
    county
        .post(
            &format!("/extensions/{too_far}/decide"),
            json!({ "approve": false, "comment": "不得超过县级期限" }),
        )
        .await
        .ok();
    let ok = id(&town
        .post(&format!("/assignments/{sub}/extensions"), ask(new_deadline))
        .await
        .ok());
    county
        .post(
            &format!("/extensions/{ok}/decide"),
            json!({ "approve": true }),
        )
        .await
        .ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, sub)["deadline"], json!(new_deadline));
    assert_eq!(d["deadline"], json!(new_deadline));
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str().filter(|k| k.starts_with("extension.")))
        .collect();
    assert_eq!(
        kinds,
        [
            "extension.requested",
            "extension.approved",
            "extension.requested",
            "extension.denied",
            "extension.requested",
            "extension.denied",
            "extension.requested",
            "extension.approved",
        ]
    );
    assert!(today() < new_deadline);
}

/// (c) A wrongly routed unit refuses within the window; the supervisor upholds (the assignment
/// is withdrawn) or rejects (back to pending, the unit must sign).
async fn refusal(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let dept = app.login("dept").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县老旧小区改造",
        in_days(40),
        json!([
            { "unit_id": o.county_a, "role": "lead" },
            { "unit_id": o.county_b, "role": "co" },
            { "unit_id": o.dept, "role": "co" },
        ]),
    )
    .await;
    let (a, b, dp) = (top[0], top[1], top[2]);
    let path = format!("/items/{item}");

    // A reason is required; a signed assignment can no longer be refused.
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            county_b.post(&format!("/assignments/{b}/refuse"), json!({ "text": "" })),
        )
        .await;
    assert_fields(&e, &[("text", "validation.required")]);
    county_a
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignment_state",
        county_a.post(
            &format!("/assignments/{a}/refuse"),
            json!({ "text": "不属于本县职责" }),
        ),
    )
    .await;

    // County B refuses; the supervisor upholds: withdrawn.
    let refusal_b = id(&county_b
        .post(
            &format!("/assignments/{b}/refuse"),
            json!({ "text": "该事项属东城县辖区，非我县职责" }),
        )
        .await
        .ok());
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, b)["state"], "refusal_requested");
    assert!(
        assignment(&d, b)["actions"]
            .as_array()
            .expect("actions")
            .contains(&json!("decide_refusal"))
    );
    let r = &d["refusals"][0];
    assert_eq!(r["id"], refusal_b);
    assert_eq!(r["state"], "pending");
    assert_eq!(r["can_decide"], true);
    // While refused, the unit cannot sign; a peer cannot decide.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignment_state",
        county_b.post(&format!("/assignments/{b}/sign"), json!({})),
    )
    .await;
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        county_a.post(
            &format!("/refusals/{refusal_b}/decide"),
            json!({ "approve": true }),
        ),
    )
    .await;
    sup.post(
        &format!("/refusals/{refusal_b}/decide"),
        json!({ "approve": true, "comment": "情况属实，予以退回" }),
    )
    .await
    .ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, b)["state"], "withdrawn");
    assert_eq!(d["refusals"][0]["state"], "approved");
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.request_decided",
        sup.post(
            &format!("/refusals/{refusal_b}/decide"),
            json!({ "approve": false, "comment": "改判" }),
        ),
    )
    .await;
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignment_state",
        county_b.post(&format!("/assignments/{b}/sign"), json!({})),
    )
    .await;

    // The department refuses too; the supervisor rejects it (a reason is required): pending.
    let refusal_d = id(&dept
        .post(
            &format!("/assignments/{dp}/refuse"),
            json!({ "text": "非本局职能" }),
        )
        .await
        .ok());
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post(
                &format!("/refusals/{refusal_d}/decide"),
                json!({ "approve": false }),
            ),
        )
        .await;
    assert_fields(&e, &[("comment", "validation.required")]);
    sup.post(
        &format!("/refusals/{refusal_d}/decide"),
        json!({ "approve": false, "comment": "住建局负责小区改造的技术指导" }),
    )
    .await
    .ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(assignment(&d, dp)["state"], "pending");
    let rd = d["refusals"]
        .as_array()
        .expect("refusals")
        .iter()
        .find(|r| r["id"] == refusal_d)
        .expect("department refusal");
    assert_eq!(rd["state"], "denied");
    assert_eq!(rd["comment"], "住建局负责小区改造的技术指导");
    dept.post(&format!("/assignments/{dp}/sign"), json!({}))
        .await
        .ok();
    assert_eq!(
        assignment(&sup.get(&path).await.ok(), dp)["state"],
        "signed"
    );

    // A withdrawn assignment counts as finished for closing: only A and the department remain.
    for (who, asg) in [(&county_a, a), (&dept, dp)] {
        let r = id(&who
            .post(
                &format!("/assignments/{asg}/reports"),
                json!({ "text": "完成", "completion": true }),
            )
            .await
            .ok());
        sup.post(
            &format!("/reports/{r}/review"),
            json!({ "verdict": "accept" }),
        )
        .await
        .ok();
    }
    sup.post(&format!("{path}/close"), json!({})).await.ok();
    let d = sup.get(&path).await.ok();
    assert_eq!(d["state"], "closed");
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| {
            e["kind"]
                .as_str()
                .filter(|k| k.starts_with("refusal.") || *k == "assignment.refused")
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "assignment.refused",
            "refusal.upheld",
            "assignment.refused",
            "refusal.rejected",
        ]
    );
}

/// (d) A township asks the level above for help, and the county answers; a county asks the
/// supervision office, and a supervisor answers.
async fn help_request(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let town = app.login("town_a1").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县河道清淤",
        in_days(45),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    let path = format!("/items/{item}");
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let sub = ids(&county
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead" }] }),
        )
        .await
        .ok())[0];

    // Not before signing; the text is required.
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.assignment_state",
        town.post(
            &format!("/assignments/{sub}/help-requests"),
            json!({ "text": "需协调" }),
        ),
    )
    .await;
    town.post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            town.post(
                &format!("/assignments/{sub}/help-requests"),
                json!({ "text": "  " }),
            ),
        )
        .await;
    assert_fields(&e, &[("text", "validation.required")]);

    // Without an addressee the request goes to the level above: the county.
    let help = id(&town
        .post(
            &format!("/assignments/{sub}/help-requests"),
            json!({ "text": "清淤涉及上游水库放水，需县里协调水利部门" }),
        )
        .await
        .ok());
    let d = county.get(&path).await.ok();
    let h = &d["help_requests"][0];
    assert_eq!(h["id"], help);
    assert_eq!(h["from_unit_id"], o.town_a1);
    assert_eq!(h["to_unit_id"], o.county_a);
    assert_eq!(h["to_unit_name"], "东城县");
    assert!(h["answer"].is_null());
    assert_eq!(h["can_answer"], true);
    assert_eq!(
        town.get(&path).await.ok()["help_requests"][0]["can_answer"],
        false,
        "the asker does not answer itself"
    );

    // Only the asked unit answers: another county does not even see the request.
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        county_b.post(
            &format!("/help-requests/{help}/answer"),
            json!({ "text": "我来答" }),
        ),
    )
    .await;
    let e = app
        .rejected(
            &[item],
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            county.post(
                &format!("/help-requests/{help}/answer"),
                json!({ "text": "" }),
            ),
        )
        .await;
    assert_fields(&e, &[("text", "validation.required")]);
    county
        .post(
            &format!("/help-requests/{help}/answer"),
            json!({ "text": "已协调县水利局，下周一放水" }),
        )
        .await
        .ok();
    let h = &town.get(&path).await.ok()["help_requests"][0];
    assert_eq!(h["answer"], "已协调县水利局，下周一放水");
    assert!(h["answered_at"].is_string());
    app.rejected(
        &[item],
        StatusCode::CONFLICT,
        "rule.request_decided",
        county.post(
            &format!("/help-requests/{help}/answer"),
            json!({ "text": "再答一次" }),
        ),
    )
    .await;

    // A top-level assignment's level above is the supervision office; a supervisor answers.
    let up = id(&county
        .post(
            &format!("/assignments/{a}/help-requests"),
            json!({ "text": "跨县河段需市级统筹" }),
        )
        .await
        .ok());
    let d = sup.get(&path).await.ok();
    let h = d["help_requests"]
        .as_array()
        .expect("help requests")
        .iter()
        .find(|h| h["id"] == up)
        .expect("the county's request");
    assert_eq!(h["to_unit_id"], o.office);
    assert_eq!(h["can_answer"], true);
    sup.post(
        &format!("/help-requests/{up}/answer"),
        json!({ "text": "市里统一调度" }),
    )
    .await
    .ok();
    let d = county.get(&path).await.ok();
    let kinds: Vec<&str> = d["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["kind"].as_str().filter(|k| k.starts_with("help.")))
        .collect();
    assert_eq!(
        kinds,
        [
            "help.requested",
            "help.answered",
            "help.requested",
            "help.answered"
        ]
    );
    let answered = d["help_requests"]
        .as_array()
        .expect("help requests")
        .iter()
        .all(|h| h["answered_at"].is_string());
    assert!(answered);
}
