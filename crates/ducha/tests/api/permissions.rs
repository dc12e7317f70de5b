//! Story (e): who may see and do what. A foreign item is indistinguishable from a missing one
//! (404, not 403); a visible item with a forbidden command is 403.

use crate::helpers::{TestApp, dispatched_item, id, in_days, lists};
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(permissions);

async fn permissions(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county_a = app.login("county_a").await;
    let county_b = app.login("county_b").await;
    let town_a1 = app.login("town_a1").await;
    let town_b1 = app.login("town_b1").await;
    let item_input = json!({
        "title": "东城县城乡供水一体化",
        "source": "key_work",
        "category": "livelihood",
        "deadline": in_days(50),
    });

    // Only supervisors register items: not a liaison, not even the leader.
    for who in [&county_a, &leader] {
        app.rejected(
            &[],
            StatusCode::FORBIDDEN,
            "error.forbidden",
            who.post("/items", item_input.clone()),
        )
        .await;
    }

    // Only the leader approves; a liaison does not even see a draft.
    let item = id(&sup.post("/items", item_input.clone()).await.ok());
    let path = format!("/items/{item}");
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        leader.post(&format!("{path}/submit"), json!({})),
    )
    .await;
    sup.post(&format!("{path}/submit"), json!({})).await.ok();
    assert_eq!(
        leader.get(&path).await.ok()["actions"],
        json!(["approve", "reject"])
    );
    assert_eq!(sup.get(&path).await.ok()["actions"], json!([]));
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        sup.post(&format!("{path}/approve"), json!({})),
    )
    .await;
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        county_a.post(&format!("{path}/approve"), json!({})),
    )
    .await;
    leader
        .post(&format!("{path}/approve"), json!({ "comment": "同意" }))
        .await
        .ok();
    // The leader approves but does not dispatch.
    let to_a = json!({ "assignments": [{ "unit_id": o.county_a, "role": "lead" }] });
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        leader.post(&format!("{path}/dispatch"), to_a.clone()),
    )
    .await;
    let a = crate::helpers::ids(&sup.post(&format!("{path}/dispatch"), to_a).await.ok())[0];

    // County A works on it; county B and its township see nothing of it.
    assert_eq!(county_a.get(&path).await.ok()["id"], item);
    let missing = county_b.get("/items/987654321").await;
    missing.error(StatusCode::NOT_FOUND, "error.not_found");
    for outsider in [&county_b, &town_b1] {
        let foreign = outsider.get(&path).await;
        foreign.error(StatusCode::NOT_FOUND, "error.not_found");
        assert_eq!(
            foreign.body, missing.body,
            "a foreign item looks exactly like a missing one"
        );
    }
    let missing_sign = county_b
        .post("/assignments/987654321/sign", json!({}))
        .await;
    missing_sign.error(StatusCode::NOT_FOUND, "error.not_found");
    let e = app
        .rejected(
            &[item],
            StatusCode::NOT_FOUND,
            "error.not_found",
            county_b.post(&format!("/assignments/{a}/sign"), json!({})),
        )
        .await;
    assert_eq!(e, missing_sign.body["error"]);
    for (what, body) in [
        ("reports", json!({ "text": "冒名反馈" })),
        (
            "extensions",
            json!({ "deadline": in_days(80), "reason": "冒名" }),
        ),
        ("help-requests", json!({ "text": "冒名" })),
        ("refuse", json!({ "text": "冒名" })),
    ] {
        app.rejected(
            &[item],
            StatusCode::NOT_FOUND,
            "error.not_found",
            county_b.post(&format!("/assignments/{a}/{what}"), body),
        )
        .await;
    }

    // A city department's liaison oversees nothing: the city is its jurisdiction, but it sees
    // only its own unit's work.
    let dept = app.login("dept").await;
    dept.get(&path)
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        dept.post(&format!("/assignments/{a}/sign"), json!({})),
    )
    .await;

    // The register: county A lists it, county B and its township do not; supervisors and the
    // leader see the whole jurisdiction.
    let page = |s: &crate::helpers::Session| {
        let s = s.clone();
        async move { s.get("/items?limit=200").await.ok() }
    };
    assert!(lists(&page(&county_a).await, item));
    assert!(!lists(&page(&county_b).await, item));
    assert!(!lists(&page(&town_b1).await, item));
    assert!(!lists(&page(&dept).await, item));
    assert!(lists(&page(&sup).await, item));
    assert!(lists(&page(&leader).await, item));
    // A township under county A sees it only once the county passes work down to it.
    assert!(!lists(&page(&town_a1).await, item));
    town_a1
        .get(&path)
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    county_a
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    county_a
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead" }] }),
        )
        .await
        .ok();
    assert!(lists(&page(&town_a1).await, item));
    assert_eq!(town_a1.get(&path).await.ok()["id"], item);
    assert!(!lists(&page(&town_b1).await, item));
    // The township sees the county's assignment as context above its own, but cannot act on it.
    let seen: Vec<_> = town_a1.get(&path).await.ok()["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .map(|x| x["id"].clone())
        .collect();
    assert!(seen.contains(&json!(a)));
    app.rejected(
        &[item],
        StatusCode::NOT_FOUND,
        "error.not_found",
        town_a1.post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "越级反馈" }),
        ),
    )
    .await;

    // A liaison may see the item but neither close it nor read the chain head.
    app.rejected(
        &[item],
        StatusCode::FORBIDDEN,
        "error.forbidden",
        county_a.post(&format!("{path}/close"), json!({})),
    )
    .await;
    county_a
        .get("/audit/head")
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");

    // County B's own item stays out of county A's sight.
    let (item_b, _) = dispatched_item(
        &sup,
        &leader,
        "西山县山洪沟治理",
        in_days(30),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    assert!(lists(&page(&county_b).await, item_b));
    assert!(!lists(&page(&county_a).await, item_b));
    county_a
        .get(&format!("/items/{item_b}"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");

    // Without a session nothing is served.
    let anon = app.anonymous();
    anon.get("/items")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    app.rejected(
        &[item],
        StatusCode::UNAUTHORIZED,
        "error.unauthorized",
        anon.post("/items", item_input),
    )
    .await;
}
