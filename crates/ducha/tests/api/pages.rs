//! The register page (督办台账) in a browser's place: its filters, keyset pages whose links carry
//! the filters, what a liaison sees, invalid filters shown on the page, the htmx results block,
//! and the .xlsx export of the same view read back with calamine.

use crate::helpers::{Session, TestApp, dispatched_item, in_days, today};
use calamine::{Data, DataType, Reader, Xlsx};
use chrono::NaiveDate;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::json;

crate::on_both_backends!(
    filters_narrow_the_register,
    next_page_carries_the_filters,
    liaison_sees_only_its_county,
    invalid_filters_are_shown_on_the_page,
    export_is_the_filtered_view
);

/// A browser: the shared test session, asking for pages as a browser or htmx does.
struct Browser(Session);

impl Browser {
    async fn login(app: &TestApp, username: &str) -> Browser {
        Browser(app.login(username).await)
    }

    /// Switches to English with the page's language link (the `lang` cookie).
    async fn english(self) -> Browser {
        self.0.page("/lang/en").await;
        self
    }

    /// `GET path` with `headers`: status, headers, body.
    async fn get(&self, path: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut all = vec![("accept", "text/html")];
        all.extend_from_slice(headers);
        self.0.fetch(path, &all).await
    }

    /// The register page at `path`: status and HTML.
    async fn page(&self, path: &str) -> (StatusCode, String) {
        let (status, h, body) = self.get(path, &[]).await;
        let kind = h
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        assert!(kind.starts_with("text/html"), "{path}: {kind}");
        (status, String::from_utf8(body).expect("UTF-8 page"))
    }

    /// What htmx fetches when a filter changes: the results block alone.
    async fn results(&self, path: &str) -> (StatusCode, String) {
        let (status, _, body) = self
            .get(path, &[("hx-request", "true"), ("hx-target", "results")])
            .await;
        (status, String::from_utf8(body).expect("UTF-8 block"))
    }
}

/// Titles of the register's rows, in order.
fn titles(html: &str) -> Vec<String> {
    html.split("<td class=\"main\"")
        .skip(1)
        .filter_map(|row| {
            let link = row.split_once("<a href=\"/items/")?.1;
            let text = link.split_once("\">")?.1;
            Some(text.split_once("</a>")?.0.to_string())
        })
        .collect()
}

/// The href of the first link whose tag or text contains `marker`, unescaped.
fn link(html: &str, marker: &str) -> Option<String> {
    html.split("<a ").skip(1).find_map(|a| {
        let (tag, rest) = a.split_once('>')?;
        let text = rest.split_once("</a>")?.0;
        if !tag.contains(marker) && !text.contains(marker) {
            return None;
        }
        let href = tag.split_once("href=\"")?.1.split_once('"')?.0;
        Some(href.replace("&amp;", "&").replace("&#38;", "&"))
    })
}

/// The query parameters of a link, sorted.
fn params(href: &str) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = reqwest::Url::parse(&format!("http://x{href}"))
        .expect("a local link")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    p.sort();
    p
}

/// Registers and dispatches an item with a given source and publicity.
async fn item(
    sup: &Session,
    leader: &Session,
    title: &str,
    source: &str,
    public: bool,
    deadline: NaiveDate,
    unit: i64,
) -> i64 {
    let id = sup
        .post(
            "/items",
            json!({ "title": title, "source": source, "category": "livelihood",
                    "priority": "urgent", "public": public, "deadline": deadline }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("id");
    sup.post(&format!("/items/{id}/submit"), json!({}))
        .await
        .ok();
    leader
        .post(&format!("/items/{id}/approve"), json!({}))
        .await
        .ok();
    sup.post(
        &format!("/items/{id}/dispatch"),
        json!({ "assignments": [{ "unit_id": unit, "role": "lead" }] }),
    )
    .await
    .ok();
    id
}

/// The small register most stories share: parking items in both counties, one about rivers,
/// one public instruction, and a draft.
async fn register(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    for n in 1..=5u64 {
        dispatched_item(
            &sup,
            &leader,
            &format!("东城停车整治{n}"),
            in_days(40 - n * 3),
            json!([{ "unit_id": o.county_a, "role": "lead" }]),
        )
        .await;
    }
    dispatched_item(
        &sup,
        &leader,
        "西山停车整治",
        in_days(50),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    dispatched_item(
        &sup,
        &leader,
        "东城河道清淤",
        in_days(45),
        json!([{ "unit_id": o.town_a1, "role": "lead" }]),
    )
    .await;
    item(
        &sup,
        &leader,
        "东城停车批示件",
        "instruction",
        true,
        in_days(60),
        o.county_a,
    )
    .await;
    crate::helpers::draft_item(&sup, "停车场规划草稿", in_days(70)).await;
}

async fn filters_narrow_the_register(app: &TestApp) {
    register(app).await;
    let sup = Browser::login(app, "sup").await;

    let (status, html) = sup.page("/items").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(titles(&html).len(), 9, "{html}");
    assert!(html.contains("共 9 项"), "{html}");
    // Every filter of the API is on the form, units as a select of the visible tree.
    for name in [
        "name=\"q\"",
        "name=\"source\"",
        "name=\"category\"",
        "name=\"state\"",
        "name=\"light\"",
        "name=\"unit_id\"",
        "name=\"deadline_from\"",
        "name=\"deadline_to\"",
        "name=\"sort\"",
    ] {
        assert!(html.contains(name), "the form lacks {name}");
    }
    assert!(html.contains(&format!("value=\"{}\"", app.org.county_b)) && html.contains("西山县"));
    assert!(html.contains("hx-get=\"/items\"") && html.contains("hx-select=\"#results\""));
    // Rows become cards on phones; badges for state, light, priority; the public marker.
    assert!(html.contains("<table class=\"cards\">") && html.contains("data-label=\"状态\""));
    for badge in [
        "badge state-dispatched",
        "badge state-draft",
        "badge light-green",
        "badge prio-urgent",
        "badge prio-normal",
    ] {
        assert!(html.contains(badge), "no {badge}");
    }
    let public_row = html
        .split("<tr>")
        .find(|r| r.contains("东城停车批示件"))
        .expect("the public item's row");
    assert!(public_row.contains(">公开</span>"), "{public_row}");

    let (_, html) = sup.page("/items?state=draft").await;
    assert_eq!(titles(&html), ["停车场规划草稿"]);
    let (_, html) = sup.page("/items?state=dispatched").await;
    assert_eq!(titles(&html).len(), 8);
    let (_, html) = sup.page("/items?light=green").await;
    assert_eq!(titles(&html).len(), 8, "dispatched items are green");
    let (_, html) = sup.page("/items?light=red").await;
    assert!(titles(&html).is_empty() && html.contains("暂无符合条件的事项"));
    let (_, html) = sup.page("/items?q=%E6%B2%B3%E9%81%93").await;
    assert_eq!(titles(&html), ["东城河道清淤"]);
    let (_, html) = sup.page("/items?source=instruction").await;
    assert_eq!(titles(&html), ["东城停车批示件"]);
    let (_, html) = sup
        .page(&format!("/items?unit_id={}", app.org.county_b))
        .await;
    assert_eq!(titles(&html), ["西山停车整治"]);
    // A subtree filter: the county's own item, its township's, not the other county's.
    let (_, html) = sup
        .page(&format!(
            "/items?unit_id={}&q=%E4%B8%9C%E5%9F%8E",
            app.org.county_a
        ))
        .await;
    assert_eq!(titles(&html).len(), 7);
    let (_, html) = sup
        .page(&format!(
            "/items?deadline_from={}&deadline_to={}&sort=deadline",
            in_days(30),
            in_days(46)
        ))
        .await;
    assert_eq!(
        titles(&html),
        [
            "东城停车整治3",
            "东城停车整治2",
            "东城停车整治1",
            "东城河道清淤"
        ]
    );
    // The form shows the filters back.
    assert!(
        html.contains("<option value=\"deadline\" selected>"),
        "{html}"
    );

    // htmx asks for the results block alone: no shell around it, the same rows.
    let (status, block) = sup.results("/items?source=instruction").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        block.trim_start().starts_with("<section id=\"results\""),
        "{block}"
    );
    assert!(!block.contains("class=\"side\"") && !block.contains("<form"));
    assert_eq!(titles(&block), ["东城停车批示件"]);
}

async fn next_page_carries_the_filters(app: &TestApp) {
    register(app).await;
    let sup = Browser::login(app, "sup").await;
    let start = "/items?q=%E5%81%9C%E8%BD%A6&state=dispatched&source=meeting&sort=deadline&limit=2";
    let expected = [
        "东城停车整治5",
        "东城停车整治4",
        "东城停车整治3",
        "东城停车整治2",
        "东城停车整治1",
        "西山停车整治",
    ];
    let mut seen: Vec<String> = Vec::new();
    let mut path = start.to_string();
    let mut pages = 0;
    loop {
        let (status, html) = sup.page(&path).await;
        assert_eq!(status, StatusCode::OK);
        let rows = titles(&html);
        assert!(rows.len() <= 2, "{rows:?}");
        for r in &rows {
            assert!(!seen.contains(r), "{r} shown twice");
        }
        seen.extend(rows);
        pages += 1;
        if pages > 1 {
            assert!(
                html.contains("本页 2 项") || html.contains("本页 1 项"),
                "a count"
            );
            let first = link(&html, "第一页").expect("a first-page link");
            assert!(!first.contains("after="), "{first}");
            assert_eq!(params(&first), params(start));
        } else {
            assert!(link(&html, "第一页").is_none());
        }
        match link(&html, "rel=\"next\"") {
            Some(next) => {
                let p = params(&next);
                for (k, v) in params(start) {
                    assert!(p.contains(&(k.clone(), v.clone())), "{next} lacks {k}={v}");
                }
                assert!(p.iter().any(|(k, _)| k == "after"), "{next}");
                path = next;
            }
            None => break,
        }
        assert!(pages < 10, "paging does not end");
    }
    assert_eq!(seen, expected);
    assert_eq!(pages, 3);
}

async fn liaison_sees_only_its_county(app: &TestApp) {
    register(app).await;
    let county_a = Browser::login(app, "county_a").await;
    let (status, html) = county_a.page("/items").await;
    assert_eq!(status, StatusCode::OK);
    let rows = titles(&html);
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert!(rows.iter().all(|t| t.starts_with("东城")), "{rows:?}");
    // The unit select offers its own subtree only.
    assert!(html.contains("东城A1镇") && !html.contains("西山县"));
    // Asking for the other county by id names the filter and still shows nothing of it.
    let (status, html) = county_a
        .page(&format!("/items?unit_id={}", app.org.county_b))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("单位不存在或不在管辖范围内"), "{html}");
    assert!(titles(&html).iter().all(|t| t.starts_with("东城")));
    // Nor does the export.
    let (status, _, body) = county_a.get("/items/export.xlsx", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let sheet = sheet(body, "督办台账");
    assert_eq!(sheet.len(), 8);
    assert!(!sheet.iter().any(|r| r[1].contains("西山")));
    let town = Browser::login(app, "town_a1").await;
    let (_, html) = town.page("/items").await;
    assert_eq!(titles(&html), ["东城河道清淤"]);
}

async fn invalid_filters_are_shown_on_the_page(app: &TestApp) {
    register(app).await;
    let sup = Browser::login(app, "sup").await;
    for (path, message) in [
        ("/items?state=bogus", "状态：不是可选的值"),
        ("/items?after=garbage", "分页位置：分页游标无效"),
        ("/items?sort=oldest", "排序：不是可选的值"),
        ("/items?unit_id=abc", "承办单位：取值类型或格式错误"),
        (
            "/items?deadline_from=2026-13-01",
            "截止日期自：取值类型或格式错误",
        ),
        ("/items?deadline_to=0001-01-01", "截止日期至：超出允许范围"),
        ("/items?limit=0", "每页条数：超出允许范围"),
        (
            "/items?unit_id=999999",
            "承办单位：单位不存在或不在管辖范围内",
        ),
    ] {
        let (status, html) = sup.page(path).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(html.contains("以下筛选条件无效，已忽略"), "{path}: {html}");
        assert!(html.contains(message), "{path}: no {message}");
        if !path.contains("after=") && !path.contains("limit=") {
            assert!(
                html.contains("class=\"field bad\""),
                "{path}: the field is marked"
            );
        }
        // Ignored, the rest of the register is shown.
        assert_eq!(titles(&html).len(), 9, "{path}");
    }
    // Beside the field, the message alone.
    let (_, html) = sup.page("/items?state=bogus").await;
    assert!(
        html.contains("<div class=\"err\">不是可选的值</div>"),
        "{html}"
    );
    // Several at once; the valid filters still apply.
    let long = "停".repeat(101);
    let (status, html) = sup
        .page(&format!(
            "/items?state=nope&light=purple&source=instruction&q={long}"
        ))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for m in [
        "状态：不是可选的值",
        "亮灯：不是可选的值",
        "标题或文号：内容过长",
    ] {
        assert!(html.contains(m), "no {m}");
    }
    assert_eq!(titles(&html), ["东城停车批示件"]);
    // The same inside the htmx block, and in English.
    let (status, block) = sup.results("/items?after=nx").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(block.contains("分页游标无效") && titles(&block).len() == 9);
    let en = Browser::login(app, "sup").await.english().await;
    let (_, html) = en.page("/items?after=zzz").await;
    assert!(
        html.contains("Page position: Invalid page cursor"),
        "{html}"
    );
    // An invalid export is refused with the translated message, not a file.
    let (status, h, body) = sup.get("/items/export.xlsx?unit_id=x", &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        h.get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
    );
    assert!(String::from_utf8_lossy(&body).contains("取值类型或格式错误"));
}

/// The rows of the sheet `name` of an .xlsx file, as text (dates as YYYY-MM-DD).
fn sheet(xlsx: Vec<u8>, name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx)).expect("a valid .xlsx file");
    let range = book.worksheet_range(name).expect("the sheet");
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::DateTime(_) => c.as_date().map(|d| d.to_string()).unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

async fn export_is_the_filtered_view(app: &TestApp) {
    register(app).await;
    let sup = Browser::login(app, "sup").await;
    let query = "q=%E5%81%9C%E8%BD%A6&state=dispatched&sort=deadline";
    // The view, over several pages.
    let mut view = Vec::new();
    let mut path = format!("/items?{query}&limit=2");
    loop {
        let (_, html) = sup.page(&path).await;
        view.extend(titles(&html));
        match link(&html, "rel=\"next\"") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(view.len(), 7);
    // The page links the export of the same view.
    let (_, html) = sup.page(&format!("/items?{query}")).await;
    let href = link(&html, "download").expect("the export link");
    assert!(href.starts_with("/items/export.xlsx?"), "{href}");
    assert_eq!(params(&href), params(&format!("/items?{query}")));

    let (status, headers, body) = sup.get(&href, &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = headers["content-disposition"].to_str().expect("ASCII");
    let day = today().format("%Y%m%d");
    assert!(
        disposition.starts_with("attachment;")
            && disposition.ends_with(&format!(
                "filename*=UTF-8''%E7%9D%A3%E5%8A%9E%E5%8F%B0%E8%B4%A6-{day}.xlsx"
            )),
        "{disposition}"
    );
    let rows = sheet(body.clone(), "督办台账");
    assert_eq!(
        rows[0],
        [
            "文号",
            "标题",
            "来源",
            "类别",
            "紧急程度",
            "状态",
            "亮灯",
            "办理时限",
            "公开",
            "登记时间",
            "交办时间"
        ]
    );
    let exported: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(exported, view);
    // Dates are real Excel dates; labels are translated.
    let first = &rows[1];
    assert_eq!(first[7], in_days(25).to_string(), "{first:?}");
    assert!(first[0].starts_with("督〔"), "{first:?}");
    assert_eq!(
        (&*first[2], &*first[5], &*first[6]),
        ("会议决策", "办理中", "绿灯")
    );
    let public = rows.iter().find(|r| r[1] == "东城停车批示件").expect("row");
    assert_eq!(
        (&*public[2], &*public[4], &*public[8]),
        ("领导批示", "紧急", "是")
    );
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("xlsx");
    let range = book.worksheet_range("督办台账").expect("sheet");
    assert!(range.get((1, 7)).is_some_and(|c| c.is_datetime()));
    assert!(range.get((1, 9)).is_some_and(|c| c.is_datetime()));

    // The whole register in English, whatever page the link was copied from.
    let en = Browser::login(app, "sup").await.english().await;
    let (status, headers, body) = en.get("/items/export.xlsx?limit=1&after=n1", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-disposition"]
            .to_str()
            .expect("ASCII")
            .contains("item-register-")
    );
    let rows = sheet(body, "Item register");
    assert_eq!(rows[0][..3], ["Number", "Title", "Source"]);
    assert_eq!(rows.len(), 10);
}
