//! The dispatch and decompose forms (交办 / 分解交办) as a browser posts them: a refused form
//! comes back at an address that reloads.

use crate::helpers::{TestApp, dispatched_item, draft_item, in_days};
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(refused_decompose_reloads);

async fn refused_decompose_reloads(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (item, ids) = dispatched_item(
        &sup,
        &leader,
        "分解表单刷新",
        in_days(30),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = ids[0];
    let item_s = item.to_string();
    county
        .form_page(&format!("/assignments/{a}/sign"), &[("item", &item_s)])
        .await;

    // No unit picked: the form comes back with its message, and htmx is told the address of
    // the form, not the POST-only action's.
    let action = format!("/assignments/{a}/decompose");
    let (status, headers, html) = county
        .htmx_form(&action, &[("item", &item_s), ("instructions", "按期推进")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请选择一个牵头单位"), "{html}");
    assert!(html.contains("按期推进"), "what was typed is kept");
    let shown = headers
        .get("hx-replace-url")
        .and_then(|v| v.to_str().ok())
        .expect("the address to show")
        .to_string();
    assert_eq!(shown, format!("{action}?item={item}"));

    // Reloading that address, or the action's own without its query, opens the form again.
    for address in [shown.as_str(), action.as_str()] {
        let (status, html) = county.page(address).await;
        assert_eq!(status, StatusCode::OK, "GET {address}");
        assert!(html.contains("东城A1镇"), "the picker: {html}");
    }
    // Someone outside the chain still finds nothing there.
    let (status, _) = app.login("county_b").await.page(&action).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The dispatch form's refusal names its own address, which reloads too.
    let approved = draft_item(&sup, "交办表单刷新", in_days(30)).await;
    sup.post(&format!("/items/{approved}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{approved}/approve"), json!({}))
        .await
        .ok();
    let action = format!("/items/{approved}/dispatch");
    let (status, headers, _) = sup.htmx_form(&action, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(headers["hx-replace-url"], action.as_str());
    assert_eq!(sup.page(&action).await.0, StatusCode::OK);
}
