//! The item's pages through a real server, as a browser posts them: the register form with
//! errors shown beside the fields, the chain's steps from the item page, the dispatch and
//! decompose pickers, and what a unit outside the chain gets.

use crate::helpers::{Session, TestApp, dispatched_item, draft_item, in_days};
use reqwest::StatusCode;
use serde_json::json;

crate::on_both_backends!(item_pages, requests_from_pages);

/// The ids of the register's items, by title, as the API lists them.
async fn find(who: &Session, title: &str) -> Option<i64> {
    let page = who.list(&[("q", title)]).await.ok();
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["title"] == title)
        .and_then(|i| i["id"].as_i64())
}

/// A multipart body of text fields and one file field `files`.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "ducha-page-test-3b9c";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some((name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The open assignment of `unit` on `item`.
async fn assignment_of(who: &Session, item: i64, unit: i64) -> i64 {
    let d = who.get(&format!("/items/{item}")).await.ok();
    d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|a| a["unit_id"] == unit)
        .and_then(|a| a["id"].as_i64())
        .expect("assignment of the unit")
}

async fn item_pages(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let town = app.login("town_a1").await;
    let other = app.login("county_b").await;
    let deadline = in_days(60).to_string();

    // Only the supervision office registers items.
    let (status, html) = sup.page("/items/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("name=\"title\""), "{html}");
    let (status, html) = county
        .fetch("/items/new", &[("accept", "text/html")])
        .await
        .map3();
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        html.contains("没有执行此操作的权限"),
        "a translated error page: {html}"
    );

    // An invalid form comes back with the messages beside its fields and what was typed.
    let (status, html) = sup
        .form_page(
            "/items/new",
            &[
                ("title", ""),
                ("source", "meeting"),
                ("category", "central_work"),
                ("deadline", &deadline),
                ("target_name", "新增泊位"),
                ("target_unit", "个"),
                ("target_value", "许多"),
                ("cadence", "none"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("此项必填"), "required title shown: {html}");
    assert!(html.contains("value=\"许多\""), "typed value kept");
    assert!(html.contains("field bad"), "fields marked");
    assert_eq!(find(&sup, "页面登记的事项").await, None);

    // A valid one registers the draft and lands on its page with a toast.
    let (status, html) = sup
        .form_page(
            "/items/new",
            &[
                ("title", "页面登记的事项"),
                ("source", "meeting"),
                ("category", "livelihood"),
                ("priority", "high"),
                ("deadline", &deadline),
                ("target_name", "新增泊位"),
                ("target_unit", "个"),
                ("target_value", "300"),
                ("cadence", "weekly"),
                ("cadence_n", "5"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("事项已登记为草稿"), "toast: {html}");
    let item = find(&sup, "页面登记的事项").await.expect("registered");
    let d = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(d["cadence"]["kind"], "weekly", "{d}");
    assert_eq!(d["cadence"]["weekday"], 5);
    assert_eq!(d["targets"][0]["value"], 300.0);
    assert_eq!(d["public"], true);
    // The page reads the cadence as an office writes it, and says when the deadline's year has
    // no holiday schedule loaded (the built-in schedules end with 2026).
    let (_, html) = sup.page(&format!("/items/{item}")).await;
    assert!(html.contains("每周五"), "{html}");
    assert!(!html.contains("每周5"), "{html}");
    assert_eq!(
        html.contains("节假日安排尚未载入"),
        in_days(60).to_string().as_str() > "2026-12-31",
        "{html}"
    );
    let (_, html) = sup.page("/items/new").await;
    assert!(html.contains("节假日安排已载入至2026年"), "{html}");
    // A date and a count of working days together are refused, both fields named.
    let (status, html) = sup
        .form_page(
            "/items/new",
            &[
                ("title", "两种期限的事项"),
                ("source", "meeting"),
                ("category", "livelihood"),
                ("deadline", &deadline),
                ("deadline_days", "20"),
                ("cadence", "none"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        html.matches("截止日期与交办后工作日数只能填写一项").count(),
        2,
        "{html}"
    );

    // Submit, approve, dispatch: each from the page, by the right person only.
    let (status, _) = county
        .form_page(&format!("/items/{item}/submit"), &[])
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a draft is invisible to units"
    );
    let (status, html) = sup.form_page(&format!("/items/{item}/submit"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已提交领导审批"));
    let (status, html) = leader
        .form_page(&format!("/items/{item}/approve"), &[])
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let (status, html) = sup.page(&format!("/items/{item}/dispatch")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("东城县") && html.contains("东城A1镇"),
        "picker lists units"
    );
    let (status, html) = sup
        .form_page(&format!("/items/{item}/dispatch"), &[("instructions", "x")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("请选择一个牵头单位"), "{html}");
    let lead = o.county_a.to_string();
    let co = o.dept.to_string();
    let (status, html) = sup
        .form_page(
            &format!("/items/{item}/dispatch"),
            &[("lead", &lead), ("co", &co), ("instructions", "按期完成")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已交办"));

    // A county outside the chain sees nothing of it.
    let (status, html) = other
        .fetch(&format!("/items/{item}"), &[("accept", "text/html")])
        .await
        .map3();
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("不在您单位的权限范围内"), "{html}");

    // The county signs and hands the work down to a township.
    let a = assignment_of(&county, item, o.county_a).await;
    let (_, html) = county.page(&format!("/items/{item}")).await;
    assert!(
        html.contains(&format!("/assignments/{a}/sign")),
        "sign offered"
    );
    assert!(!html.contains("/dispatch\""), "no dispatch for a unit");
    let sign = format!("/assignments/{a}/sign");
    let without_token = county
        .form(&sign, &[("item", &item.to_string())], false)
        .await;
    assert_eq!(without_token, StatusCode::FORBIDDEN, "CSRF");
    let (status, html) = county
        .form_page(&sign, &[("item", &item.to_string())])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已签收"));
    let decompose = format!("/assignments/{a}/decompose?item={item}");
    let (status, html) = county.page(&decompose).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("东城A1镇") && !html.contains("西山县"),
        "only units below"
    );
    let town_unit = o.town_a1.to_string();
    let (status, html) = county
        .form_page(
            &format!("/assignments/{a}/decompose"),
            &[("item", &item.to_string()), ("lead", &town_unit)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已分解交办"));

    // The township signs and reports; a bad percent is shown beside the field.
    let t = assignment_of(&town, item, o.town_a1).await;
    town.form_page(
        &format!("/assignments/{t}/sign"),
        &[("item", &item.to_string())],
    )
    .await;
    let report = format!("/assignments/{t}/report");
    let item_s = item.to_string();
    let (ct, body) = multipart(
        &[
            ("csrf", &town.csrf),
            ("item", &item_s),
            ("kind", "progress"),
            ("percent", "150"),
            ("text", "进展"),
        ],
        None,
    );
    let (status, html) = town.post_page(&report, &ct, body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("class=\"err\""),
        "message beside the field: {html}"
    );
    assert!(
        html.contains(&format!("id=\"report-{t}\" open")),
        "the form stays open"
    );
    let png = include_bytes!("red-square.png");
    let (ct, body) = multipart(
        &[
            ("csrf", &town.csrf),
            ("item", &item_s),
            ("kind", "completion"),
            ("percent", "100"),
            ("text", "已完成"),
        ],
        Some(("现场.png", png)),
    );
    let (status, html) = town.post_page(&report, &ct, body).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("办结申请已提交审核"));
    assert!(html.contains("/thumb\""), "the photo shows as a thumbnail");

    // The county returns it once, then accepts the second.
    let d = county.get(&format!("/items/{item}")).await.ok();
    let r1 = d["reports"][0]["id"].as_i64().expect("report");
    let (status, html) = county
        .form_page(
            &format!("/reports/{r1}/review"),
            &[("item", &item_s), ("verdict", "return"), ("comment", "")],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a return needs a reason"
    );
    assert!(html.contains("class=\"err\"") || html.contains("role=\"alert\""));
    let (status, html) = county
        .form_page(
            &format!("/reports/{r1}/review"),
            &[
                ("item", &item_s),
                ("verdict", "return"),
                ("comment", "缺少照片说明"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已退回重办"));
    let (ct, body) = multipart(
        &[
            ("csrf", &town.csrf),
            ("item", &item_s),
            ("kind", "completion"),
            ("percent", "100"),
            ("text", "补充说明"),
        ],
        None,
    );
    assert_eq!(town.post_page(&report, &ct, body).await.0, StatusCode::OK);
    let d = county.get(&format!("/items/{item}")).await.ok();
    let r2 = d["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["state"] == "pending")
        .and_then(|r| r["id"].as_i64())
        .expect("second report");
    // The completion gives no value for the item's target: the reviewer sees the gap, and
    // accepting needs a reason.
    let (_, page) = county.page(&format!("/items/{item}")).await;
    assert!(page.contains("验收前请核对差距"), "the gap is shown");
    let (status, html) = county
        .form_page(
            &format!("/reports/{r2}/review"),
            &[("item", &item_s), ("verdict", "approve")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("验收通过须在意见中说明理由"), "{html}");
    let (status, html) = county
        .form_page(
            &format!("/reports/{r2}/review"),
            &[
                ("item", &item_s),
                ("verdict", "approve"),
                ("comment", "照片与台账一致，同意办结。"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已验收通过"));
    let d = sup.get(&format!("/items/{item}")).await.ok();
    let town_state = d["assignments"]
        .as_array()
        .expect("assignments")
        .iter()
        .find(|x| x["id"] == t)
        .map(|x| x["state"].clone());
    assert_eq!(town_state, Some("done".into()));

    // An action's address opened by GET (a reload after an error, a return after logging in)
    // shows the item instead of a bare 405.
    let (status, html) = sup.page(&format!("/items/{item}/approve")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("页面登记的事项"), "back on the item page");
    // A form posted after the session ended returns, after login, to the page it was on.
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client");
    let resp = raw
        .post(format!("{}/assignments/{a}/sign", app.base))
        .header("referer", format!("{}/items/{item}", app.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("csrf=gone")
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().expect("location");
    assert!(to.contains(&format!("next=%2Fitems%2F{item}")), "{to}");

    // A liaison in English sees the same page in English.
    county.page("/lang/en").await;
    let (_, html) = county.page(&format!("/items/{item}")).await;
    assert!(
        html.contains("Responsibility chain") && html.contains("Reports"),
        "{html}"
    );
}

/// Status and body text of a fetch.
trait Map3 {
    fn map3(self) -> (StatusCode, String);
}

impl Map3 for (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    fn map3(self) -> (StatusCode, String) {
        (self.0, String::from_utf8_lossy(&self.2).into_owned())
    }
}

/// The steps the lifecycle story does not take, each from its page: sending a draft back and
/// editing it, refusing and deciding the refusal, an extension asked and granted, help asked
/// and answered.
async fn requests_from_pages(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let dept = app.login("dept").await;

    // The leader sends a draft back with a reason; the supervisor edits and resubmits it.
    let draft = draft_item(&sup, "退回再改的事项", in_days(40)).await;
    sup.form_page(&format!("/items/{draft}/submit"), &[]).await;
    let (status, html) = leader
        .form_page(&format!("/items/{draft}/reject"), &[])
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a reason is required"
    );
    assert_eq!(
        html.matches("class=\"err\"").count(),
        1,
        "only the reject box says so"
    );
    let (status, html) = leader
        .form_page(
            &format!("/items/{draft}/reject"),
            &[("comment", "目标不够具体")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("已退回修改"));
    let (status, html) = sup.page(&format!("/items/{draft}/edit")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("value=\"退回再改的事项\""),
        "the form shows the draft"
    );
    let version = sup.get(&format!("/items/{draft}")).await.ok()["version"].to_string();
    let deadline = in_days(45).to_string();
    let (status, html) = sup
        .form_page(
            &format!("/items/{draft}/edit"),
            &[
                ("version", &version),
                ("title", "退回再改的事项（已细化）"),
                ("source", "meeting"),
                ("category", "central_work"),
                ("deadline", &deadline),
                ("cadence", "none"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已保存"));
    assert_eq!(
        sup.get(&format!("/items/{draft}")).await.ok()["title"],
        "退回再改的事项（已细化）"
    );

    // A wrongly routed assignment is refused from the page, and the refusal decided there.
    let (item, ids) = dispatched_item(
        &sup,
        &leader,
        "页面上的申请",
        in_days(30),
        json!([
            { "unit_id": o.county_a, "role": "lead" },
            { "unit_id": o.dept, "role": "co" },
        ]),
    )
    .await;
    let item_s = item.to_string();
    let (a, d) = (ids[0], ids[1]);
    let (status, html) = dept
        .form_page(
            &format!("/assignments/{d}/refuse"),
            &[("item", &item_s), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("id=\"refuse-{d}\" open")),
        "the refusal stays open"
    );
    let (status, html) = dept
        .form_page(
            &format!("/assignments/{d}/refuse"),
            &[("item", &item_s), ("reason", "不属于本局职责")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("拒收申请已提交上级"));
    let refusal = sup.get(&format!("/items/{item}")).await.ok()["refusals"][0]["id"]
        .as_i64()
        .expect("refusal");
    let (status, html) = sup
        .form_page(
            &format!("/refusals/{refusal}/decide"),
            &[
                ("item", &item_s),
                ("verdict", "approve"),
                ("comment", "同意"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已审批"));
    let detail = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(detail["refusals"][0]["state"], "approved");

    // The county signs, asks for an extension and for help; both are answered from pages.
    county
        .form_page(&format!("/assignments/{a}/sign"), &[("item", &item_s)])
        .await;
    let (status, html) = county
        .form_page(
            &format!("/assignments/{a}/extend"),
            &[
                ("item", &item_s),
                ("deadline", "明天"),
                ("reason", "雨季停工"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not a date");
    assert!(html.contains("雨季停工"), "the reason typed is kept");
    let later = in_days(50).to_string();
    let (status, html) = county
        .form_page(
            &format!("/assignments/{a}/extend"),
            &[
                ("item", &item_s),
                ("deadline", &later),
                ("reason", "雨季停工"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("延期申请已提交"));
    let ext = sup.get(&format!("/items/{item}")).await.ok()["extensions"][0]["id"]
        .as_i64()
        .expect("extension");
    let (status, _) = sup
        .form_page(
            &format!("/extensions/{ext}/decide"),
            &[("item", &item_s), ("verdict", "approve")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let detail = sup.get(&format!("/items/{item}")).await.ok();
    assert_eq!(detail["extensions"][0]["state"], "approved");
    let to = o.dept.to_string();
    let (status, html) = county
        .form_page(
            &format!("/assignments/{a}/help"),
            &[
                ("item", &item_s),
                ("to_unit", &to),
                ("text", "请协调用地审批"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("协调请求已发送"));
    let help = county.get(&format!("/items/{item}")).await.ok()["help_requests"][0]["id"]
        .as_i64()
        .expect("help request");
    let (status, html) = dept
        .form_page(
            &format!("/help/{help}/answer"),
            &[("item", &item_s), ("answer", "已协调自然资源局")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("已答复"));
    let detail = county.get(&format!("/items/{item}")).await.ok();
    assert_eq!(detail["help_requests"][0]["answer"], "已协调自然资源局");
}
