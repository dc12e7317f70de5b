//! The dispatch and decompose forms (交办 / 分解交办) as a browser posts them: a refused form
//! comes back at an address that reloads; each picked unit gets its share of the targets,
//! split evenly unless typed, plus targets of its own, and bad values are shown beside them.

use crate::helpers::{Session, TestApp, dispatched_item, draft_item, in_days};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(refused_decompose_reloads, targets_travel_down);

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

/// The targets of `unit`'s assignment on `item`, as (name, unit, value).
async fn targets_of(who: &Session, item: i64, unit: i64) -> Vec<(String, String, f64)> {
    let d = who.get(&format!("/items/{item}")).await.ok();
    let a = d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["unit_id"] == unit)
        .cloned()
        .unwrap_or_else(|| panic!("no assignment of {unit} in {d}"));
    a["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .map(|t: &Value| {
            (
                t["name"].as_str().expect("name").to_string(),
                t["unit"].as_str().expect("unit").to_string(),
                t["value"].as_f64().expect("value"),
            )
        })
        .collect()
}

/// Whether an error message follows the input that shows `value`, before the next field's
/// label (beside its field).
fn err_after(html: &str, value: &str) -> bool {
    html.find(&format!("value=\"{value}\""))
        .map(|at| &html[at..])
        .is_some_and(|rest| {
            let field = rest.find("<label").map_or(rest, |end| &rest[..end]);
            field.contains("class=\"err\"")
        })
}

async fn targets_travel_down(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let item = sup
        .post(
            "/items",
            json!({ "title": "新增停车泊位", "source": "meeting", "category": "livelihood",
                    "deadline": in_days(60),
                    "targets": [{ "name": "新增泊位", "unit": "个", "value": 120 }] }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    sup.post(&format!("/items/{item}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{item}/approve"), json!({}))
        .await
        .ok();
    let item_s = item.to_string();

    // The dispatch form names the targets to hand down; a lead sent without shares (a browser
    // without script) gets all of them.
    let (status, html) = sup.page(&format!("/items/{item}/dispatch")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("上级指标：新增泊位 120 个"), "{html}");
    let county_s = o.county_a.to_string();
    let (status, html) = sup
        .form_page(&format!("/items/{item}/dispatch"), &[("lead", &county_s)])
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        targets_of(&sup, item, o.county_a).await,
        [("新增泊位".into(), "个".into(), 120.0)]
    );
    let top = sup.get(&format!("/items/{item}")).await.ok()["assignments"][0]["id"]
        .as_i64()
        .expect("assignment");
    county
        .form_page(&format!("/assignments/{top}/sign"), &[("item", &item_s)])
        .await;

    // Two townships picked: "split" shows each its even share, and hands nothing down yet.
    let action = format!("/assignments/{top}/decompose");
    let (a1, a2) = (o.town_a1.to_string(), o.town_a2.to_string());
    let (status, html) = county
        .form_page(&action, &[("lead", &a1), ("co", &a2), ("step", "shares")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        html.matches("data-share-value=\"0\" data-total=\"120\"")
            .count(),
        3,
        "two units and the script's copy"
    );
    assert_eq!(
        html.matches("value=\"60\"").count(),
        4,
        "60 each, shown and automatic"
    );
    let d = county.get(&format!("/items/{item}")).await.ok();
    assert_eq!(
        d["assignments"].as_array().map(Vec::len),
        Some(1),
        "nothing handed down"
    );

    // A value that is not a number comes back beside its field, with what was typed.
    let (p1, p2, auto1, auto2) = (
        format!("p{a1}"),
        format!("p{a2}"),
        format!("a{a1}"),
        format!("a{a2}"),
    );
    let (o_name, o_unit, o_value) = (
        format!("o{a2}_name"),
        format!("o{a2}_unit"),
        format!("o{a2}_value"),
    );
    let share = |p1v: &str, own: &str| -> Vec<(String, String)> {
        [
            ("item", item_s.as_str()),
            ("lead", &a1),
            ("co", &a2),
            ("share", &a1),
            (&p1, p1v),
            (&auto1, "60"),
            ("share", &a2),
            (&p2, "50"),
            (&auto2, "50"),
            (&o_name, "垃圾分类示范村"),
            (&o_unit, "个"),
            (&o_value, own),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    let send = |fields: Vec<(String, String)>| {
        let county = county.clone();
        let action = action.clone();
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            county.form_page(&action, &f).await
        }
    };
    let (status, html) = send(share("abc", "2")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err_after(&html, "abc"),
        "the message beside the value: {html}"
    );
    assert!(html.contains("应为不小于0的数字"));
    assert!(
        html.contains("value=\"垃圾分类示范村\""),
        "the own target is kept"
    );
    // A negative value of its own is refused by the use case, and shown beside that value.
    let (status, html) = send(share("70", "-3")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        err_after(&html, "-3"),
        "the use case's message beside the value: {html}"
    );
    assert!(html.contains("value=\"70\""), "the typed share is kept");

    // Typed 70 for the lead: the co-unit's automatic share is what is left, 50; each township
    // gets its share, and the co-unit its own target too.
    let (status, html) = send(share("70", "2")).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已分解交办"));
    assert_eq!(
        targets_of(&county, item, o.town_a1).await,
        [("新增泊位".into(), "个".into(), 70.0)]
    );
    assert_eq!(
        targets_of(&county, item, o.town_a2).await,
        [
            ("新增泊位".into(), "个".into(), 50.0),
            ("垃圾分类示范村".into(), "个".into(), 2.0)
        ]
    );
    // The townships see their own share, on their work on the item page too.
    let town = app.login("town_a1").await;
    assert_eq!(targets_of(&town, item, o.town_a1).await[0].2, 70.0);
    let (_, html) = town.page(&format!("/items/{item}")).await;
    assert!(html.contains("本单位指标：新增泊位 70 个"), "{html}");
}
