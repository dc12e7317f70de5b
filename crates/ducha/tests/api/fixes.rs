//! Input bounds and request hygiene: register dates far outside any plausible range, dispatches
//! naming too many units, and cookie-authenticated writes that are not JSON. Each is refused
//! with the right status and changes nothing.

use crate::helpers::{TestApp, assert_fields, dispatched_item, draft_item, in_days};
use reqwest::{Method, StatusCode};
use serde_json::json;

crate::on_both_backends!(
    register_dates_out_of_range,
    too_many_assignments,
    json_writes_need_token_and_json
);

/// Dates PostgreSQL cannot store (or no deadline ever has) are a 422 naming the parameter,
/// never a 500 from the database.
async fn register_dates_out_of_range(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (item, _) = dispatched_item(
        &sup,
        &leader,
        "城区道路积水点整治",
        in_days(30),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let out_of_range = "validation.out_of_range";
    let bad_cursor = "validation.invalid_cursor";
    for who in [&sup, &county] {
        for (query, expected) in [
            (
                "deadline_from=-100000-01-01",
                vec![("deadline_from", out_of_range)],
            ),
            (
                "deadline_to=9999-01-01",
                vec![("deadline_to", out_of_range)],
            ),
            (
                "deadline_from=1899-12-31&deadline_to=2201-01-01",
                vec![
                    ("deadline_from", out_of_range),
                    ("deadline_to", out_of_range),
                ],
            ),
            (
                "sort=deadline&after=d-100000-01-01_5",
                vec![("after", bad_cursor)],
            ),
            (
                "sort=deadline&after=d9999-01-01_5",
                vec![("after", bad_cursor)],
            ),
        ] {
            let e = app
                .rejected(
                    &[item],
                    StatusCode::UNPROCESSABLE_ENTITY,
                    expected[0].1,
                    who.get(&format!("/items?{query}")),
                )
                .await;
            assert_fields(&e, &expected);
        }
    }
    // The edges of the range still list.
    let page = sup
        .list(&[
            ("deadline_from", "1900-01-01"),
            ("deadline_to", "2200-12-31"),
            ("sort", "deadline"),
            ("after", "d1900-01-01_0"),
        ])
        .await
        .ok();
    assert!(crate::helpers::lists(&page, item));
}

/// A dispatch or decomposition naming more than 100 units is refused before any unit is looked
/// up: one error for the list, none per entry, and a 422 (not SQLite's "too many SQL
/// variables" 500) even for 40,000 entries.
async fn too_many_assignments(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let approved = draft_item(&sup, "全市燃气管道排查", in_days(30)).await;
    sup.post(&format!("/items/{approved}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{approved}/approve"), json!({}))
        .await
        .ok();
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "东城县燃气管道排查",
        in_days(30),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let watch = [approved, item];
    let many = |n: usize, unit: i64| {
        let one = json!({ "unit_id": unit, "role": "co" });
        json!({ "assignments": vec![one; n] })
    };
    // Every entry names the same unit: checked one by one they would also be duplicates, so a
    // single list-level error shows nothing was looked at.
    for n in [101, 40_000] {
        let e = app
            .rejected(
                &watch,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation.too_many",
                sup.post(&format!("/items/{approved}/dispatch"), many(n, o.dept)),
            )
            .await;
        assert_fields(&e, &[("assignments", "validation.too_many")]);
        let e = app
            .rejected(
                &watch,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation.too_many",
                county.post(&format!("/assignments/{a}/decompose"), many(n, o.town_a1)),
            )
            .await;
        assert_fields(&e, &[("assignments", "validation.too_many")]);
    }
    // Exactly 100 is within the limit: checked entry by entry.
    let e = app
        .rejected(
            &watch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.duplicate",
            county.post(&format!("/assignments/{a}/decompose"), many(100, o.town_a1)),
        )
        .await;
    assert_eq!(crate::helpers::fields(&e).len(), 99, "{e}");
    // Both still work with a sane list.
    sup.post(
        &format!("/items/{approved}/dispatch"),
        json!({ "assignments": [{ "unit_id": o.dept, "role": "lead" }] }),
    )
    .await
    .ok();
    county
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead" }] }),
        )
        .await
        .ok();
}

/// Cookie-authenticated API writes need the CSRF token whatever the content type (a form
/// content type is no way around it), and a body must say it is JSON.
async fn json_writes_need_token_and_json(app: &TestApp) {
    let sup = app.login("sup").await;
    let draft = draft_item(&sup, "背街小巷路灯维修", in_days(20)).await;
    let item = json!({ "title": "跨站表单提交", "source": "meeting", "category": "livelihood",
                       "deadline": in_days(10) });
    let body = || -> Option<reqwest::Body> { Some(item.to_string().into()) };
    let form = ("content-type", "application/x-www-form-urlencoded");

    // A form post (which any site can make a browser send) with a JSON body and no token.
    for path in ["/items".to_string(), format!("/items/{draft}/submit")] {
        let e = app
            .rejected(
                &[draft],
                StatusCode::FORBIDDEN,
                "error.csrf",
                sup.send(Method::POST, &path, body(), false, &[form]),
            )
            .await;
        assert_eq!(e["code"], "forbidden");
    }

    // With the token, a body that does not say it is JSON is 415.
    for content_type in [
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/jsonx",
    ] {
        let e = app
            .rejected(
                &[draft],
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "error.not_json",
                sup.send(
                    Method::POST,
                    "/items",
                    body(),
                    true,
                    &[("content-type", content_type)],
                ),
            )
            .await;
        assert_eq!(e["code"], "unsupported_media_type", "{content_type}");
    }
    // No content type at all is not JSON either.
    let e = app
        .rejected(
            &[draft],
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "error.not_json",
            sup.send(Method::POST, "/items", None, true, &[]),
        )
        .await;
    assert_eq!(e["code"], "unsupported_media_type");

    // JSON with a charset parameter is JSON.
    let head = app.head_seq().await;
    let created = sup
        .send(
            Method::POST,
            "/items",
            body(),
            true,
            &[("content-type", "application/json; charset=utf-8")],
        )
        .await
        .ok();
    assert!(created["id"].is_i64());
    assert_eq!(app.head_seq().await, head + 1);
}
