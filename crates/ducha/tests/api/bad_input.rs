//! Story (f): bad input is refused with the right status and translated, per-field messages,
//! and every refusal leaves the items, the register and the event chain exactly as they were.

use crate::helpers::{TestApp, assert_fields, dispatched_item, draft_item, in_days, today};
use chrono::Days;
use reqwest::{Method, StatusCode};
use serde_json::json;

crate::on_both_backends!(bad_input);

async fn bad_input(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await.english();
    let leader = app.login("leader").await;
    let county = app.login("county_a").await.english();
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "城区背街小巷整治",
        in_days(40),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    let draft = draft_item(&sup, "背街小巷照明", in_days(20)).await;
    let watch = [item, draft];
    let head = app.head_seq().await;

    // Unreadable JSON is 400.
    for raw in [
        "{\"title\": ",
        "not json",
        "",
        // A complete, valid item followed by garbage.
        "{\"title\": \"x\", \"source\": \"meeting\", \"category\": \"livelihood\", \
         \"deadline\": \"2099-01-01\"} trailing",
    ] {
        let e = app
            .rejected(
                &watch,
                StatusCode::BAD_REQUEST,
                "validation.invalid_json",
                sup.post_raw("/items", raw),
            )
            .await;
        assert_eq!(e["code"], "bad_request");
        assert_eq!(e["message"], "The request body is not valid JSON");
    }

    // Readable JSON with a missing or mistyped field is 422 naming the field.
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post("/items", json!({ "title": "缺少来源" })),
        )
        .await;
    assert_eq!(e["code"], "invalid");
    assert_fields(&e, &[("source", "validation.required")]);
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.invalid_value",
            sup.post(
                "/items",
                json!({ "title": "日期写错", "source": "meeting", "category": "livelihood",
                        "deadline": "next Friday" }),
            ),
        )
        .await;
    assert_fields(&e, &[("deadline", "validation.invalid_value")]);
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.invalid_value",
            county.post(
                &format!("/assignments/{a}/sign"),
                json!({ "responsible_user_id": "张三" }),
            ),
        )
        .await;
    assert_fields(&e, &[("responsible_user_id", "validation.invalid_value")]);

    // Every invalid field is named at once, in English when asked.
    let yesterday = today() - Days::new(1);
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post(
                "/items",
                json!({
                    "title": "   ",
                    "source": "rumour",
                    "category": "livelihood",
                    "priority": "asap",
                    "targets": [{ "name": "泊位", "value": -1 }],
                    "deadline": yesterday,
                    "cadence": { "kind": "monthly", "day": 31 },
                }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("title", "validation.required"),
            ("source", "validation.unknown_choice"),
            ("priority", "validation.unknown_choice"),
            ("targets[0].value", "validation.non_negative_number"),
            ("deadline", "validation.date_in_past"),
            ("cadence", "validation.out_of_range"),
        ],
    );
    assert_eq!(e["fields"][0]["message"], "This field is required");
    // The same request in Chinese (the default) names the same fields in Chinese.
    let zh = app.login("sup").await;
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            zh.post(
                "/items",
                json!({ "title": "", "source": "meeting", "category": "livelihood",
                        "deadline": in_days(3) }),
            ),
        )
        .await;
    assert_eq!(e["fields"][0]["message"], "此项必填");

    // Reports and dispatches are checked field by field too.
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            county.post(
                &format!("/assignments/{a}/reports"),
                json!({ "text": "", "percent": 120,
                        "metrics": [{ "name": "", "value": -5 }] }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("text", "validation.required"),
            ("percent", "validation.percent"),
            ("metrics[0].name", "validation.required"),
            ("metrics[0].value", "validation.non_negative_number"),
        ],
    );
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule.unit_not_in_subtree",
            county.post(
                &format!("/assignments/{a}/decompose"),
                json!({ "assignments": [
                    { "unit_id": o.town_b1, "role": "lead" },
                    { "unit_id": o.town_a1, "role": "boss" },
                    { "unit_id": 987654321, "role": "co" },
                ]}),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("assignments[0].unit_id", "rule.unit_not_in_subtree"),
            ("assignments[1].role", "validation.unknown_choice"),
            ("assignments[2].unit_id", "validation.unknown_unit"),
        ],
    );
    let approved = draft_item(&sup, "待交办事项", in_days(20)).await;
    sup.post(&format!("/items/{approved}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{approved}/approve"), json!({}))
        .await
        .ok();
    let watch3 = [item, draft, approved];
    let e = app
        .rejected(
            &watch3,
            StatusCode::UNPROCESSABLE_ENTITY,
            "rule.no_lead_unit",
            sup.post(
                &format!("/items/{approved}/dispatch"),
                json!({ "assignments": [{ "unit_id": o.dept, "role": "co" }] }),
            ),
        )
        .await;
    assert_fields(&e, &[("assignments", "rule.no_lead_unit")]);
    let e = app
        .rejected(
            &watch3,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.required",
            sup.post(
                &format!("/items/{approved}/dispatch"),
                json!({ "assignments": [] }),
            ),
        )
        .await;
    assert_fields(
        &e,
        &[
            ("assignments", "validation.required"),
            ("assignments", "rule.no_lead_unit"),
        ],
    );

    // Lifecycle moves out of order are 409 naming the rule.
    let to_dept = json!({ "assignments": [{ "unit_id": o.dept, "role": "lead" }] });
    for (path, body, who, key) in [
        (
            format!("/items/{draft}/dispatch"),
            to_dept.clone(),
            &sup,
            "rule.item_state",
        ),
        (
            format!("/items/{item}/submit"),
            json!({}),
            &sup,
            "rule.item_state",
        ),
        (
            format!("/items/{item}/dispatch"),
            to_dept.clone(),
            &sup,
            "rule.item_state",
        ),
        (
            format!("/items/{item}/close"),
            json!({}),
            &sup,
            "rule.assignments_unfinished",
        ),
        (
            format!("/assignments/{a}/sign"),
            json!({}),
            &county,
            "rule.assignment_state",
        ),
        (
            format!("/assignments/{a}/refuse"),
            json!({ "text": "签收后不能退回" }),
            &county,
            "rule.assignment_state",
        ),
    ] {
        let e = app
            .rejected(&watch3, StatusCode::CONFLICT, key, who.post(&path, body))
            .await;
        assert_eq!(e["code"], "conflict");
    }
    let e = app
        .rejected(
            &watch3,
            StatusCode::CONFLICT,
            "rule.item_state",
            leader.post(&format!("/items/{item}/approve"), json!({})),
        )
        .await;
    assert_eq!(e["message"], "事项当前状态不允许此操作");

    // An edit against a stale version is a conflict; against the current one it succeeds.
    let version = sup.get(&format!("/items/{draft}")).await.ok()["version"]
        .as_i64()
        .expect("version");
    let edit = |v: i64| {
        json!({ "version": v, "title": "背街小巷照明改造", "source": "meeting",
                "category": "livelihood", "deadline": in_days(25) })
    };
    let put = |body: serde_json::Value| {
        let sup = sup.clone();
        async move {
            sup.send(
                Method::PUT,
                &format!("/items/{draft}"),
                Some(body.to_string().into()),
                true,
                &[],
            )
            .await
        }
    };
    app.rejected(
        &watch3,
        StatusCode::CONFLICT,
        "rule.concurrent",
        put(edit(version + 1)),
    )
    .await;

    // Unknown ids, non-numeric ids and unknown paths are all 404.
    for path in [
        "/items/987654321".to_string(),
        "/items/abc".into(),
        "/items/1.5".into(),
        "/items/-1".into(),
        "/nothing-here".into(),
        format!("/items/{item}/nothing"),
    ] {
        let e = app
            .rejected(
                &watch3,
                StatusCode::NOT_FOUND,
                "error.not_found",
                sup.get(&path),
            )
            .await;
        assert_eq!(e["message"], "Not found");
    }
    for (path, body) in [
        ("/assignments/987654321/sign", json!({})),
        ("/assignments/abc/sign", json!({})),
        ("/items/abc/submit", json!({})),
        ("/reports/987654321/review", json!({ "verdict": "accept" })),
        ("/reports/x/review", json!({ "verdict": "accept" })),
        ("/extensions/987654321/decide", json!({ "approve": true })),
        ("/refusals/987654321/decide", json!({ "approve": true })),
        ("/refusals/%E4%B8%80/decide", json!({ "approve": true })),
        ("/help-requests/987654321/answer", json!({ "text": "答复" })),
    ] {
        app.rejected(
            &watch3,
            StatusCode::NOT_FOUND,
            "error.not_found",
            sup.post(path, body),
        )
        .await;
    }

    // A cookie-authenticated write without the CSRF token, with a wrong one, or from another
    // site is 403.
    let valid_item = json!({ "title": "跨站请求", "source": "meeting", "category": "livelihood",
                             "deadline": in_days(10) });
    let body = || -> Option<reqwest::Body> { Some(valid_item.to_string().into()) };
    for (csrf, headers) in [
        (false, vec![]),
        (false, vec![("x-csrf-token", "0000")]),
        (false, vec![("x-csrf-token", county.csrf.as_str())]),
        (true, vec![("origin", "http://evil.example")]),
        (true, vec![("sec-fetch-site", "cross-site")]),
    ] {
        let e = app
            .rejected(
                &watch3,
                StatusCode::FORBIDDEN,
                "error.csrf",
                sup.send(Method::POST, "/items", body(), csrf, &headers),
            )
            .await;
        assert_eq!(e["code"], "forbidden");
    }

    // Bad register queries are 422 naming the parameter.
    for (query, field, key) in [
        ("limit=0", "limit", "validation.out_of_range"),
        ("limit=201", "limit", "validation.out_of_range"),
        ("limit=ten", "limit", "validation.invalid_query"),
        ("state=lost", "state", "validation.unknown_choice"),
        ("sort=random", "sort", "validation.unknown_choice"),
        ("after=zzz", "after", "validation.invalid_cursor"),
        (
            "sort=deadline&after=n5",
            "after",
            "validation.invalid_cursor",
        ),
        (
            "deadline_from=tomorrow",
            "deadline_from",
            "validation.invalid_query",
        ),
        ("unit_id=987654321", "unit_id", "validation.unknown_unit"),
    ] {
        let e = app
            .rejected(
                &watch3,
                StatusCode::UNPROCESSABLE_ENTITY,
                key,
                sup.get(&format!("/items?{query}")),
            )
            .await;
        assert_fields(&e, &[(field, key)]);
    }
    // A liaison may not filter by a unit outside its own subtree.
    let e = app
        .rejected(
            &watch3,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_unit",
            county.get(&format!("/items?unit_id={}", o.county_b)),
        )
        .await;
    assert_fields(&e, &[("unit_id", "validation.unknown_unit")]);

    // Nothing above moved the chain except the successful commands, which moved it by one each:
    // sign, create, submit, approve.
    assert_eq!(app.head_seq().await, head + 4);
    put(edit(version)).await.ok();
    assert_eq!(app.head_seq().await, head + 5);
    let d = sup.get(&format!("/items/{draft}")).await.ok();
    assert_eq!(d["title"], "背街小巷照明改造");
    assert_eq!(d["version"], version + 1);
    assert_eq!(d["id"], draft);
}
