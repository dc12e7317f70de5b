//! Citizens' appeals (群众诉求): a citizen submits on the public form (no login) and follows
//! the appeal by its code; personal data is masked everywhere and sealed at rest (the raw
//! row read directly); only the callback roles see the original, each view in the security
//! log; the public pages show public items only, cacheable and without cookies; the form's
//! rate limits; the 12345 import with a saved mapping, its rejection report and an idempotent
//! re-import; the office's list scoped to the reader's subtree.

use crate::helpers::{Db, Session, TestApp, in_days, spawn_app_with};
use ducha_crypt::{Algorithm, Key, KeyRing, add_key_to_file};
use ducha_domain::appeals::challenge::parse_answer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;

crate::on_both_backends!(
    intake_tracking_and_scope,
    bad_input_changes_nothing,
    public_pages,
    import_story
);

/// A browser without cookies and without following redirects.
fn browser() -> reqwest::Client {
    ducha_notify::install_crypto();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The value of the first `attr="…"` after `marker` in a page.
fn after<'a>(page: &'a str, marker: &str, attr: &str) -> &'a str {
    let at = page
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in page"));
    let rest = &page[at..];
    let v = rest.find(&format!("{attr}=\"")).expect("attribute") + attr.len() + 2;
    let end = rest[v..].find('"').expect("closing quote");
    &rest[v..v + end]
}

/// Solves the form's question as a person would: `三加五等于几？` → 8.
fn solve(page: &str) -> String {
    let at = page.find("验证题：").expect("question") + "验证题：".len();
    let q = &page[at..];
    let q = &q[..q.find("等于几").expect("question end")];
    let (op, (a, b)) = if let Some(p) = q.split_once('加') {
        ('+', p)
    } else {
        ('-', q.split_once('减').expect("operator"))
    };
    let (a, b) = (parse_answer(a).expect("a"), parse_answer(b).expect("b"));
    (if op == '+' { a + b } else { a - b }).to_string()
}

/// A multipart body of text fields and an optional photo.
fn multipart(fields: &[(&str, &str)], photo: Option<&[u8]>) -> (String, Vec<u8>) {
    let b = "appealboundary";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    }
    if let Some(p) = photo {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"photo\"; \
                 filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(p);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

/// What the form answered.
pub(crate) struct Sent {
    pub status: StatusCode,
    /// The tracking code, when it was stored.
    pub code: Option<String>,
    pub page: String,
}

/// A citizen opens the form, answers its question and sends `fields` (with `answer`
/// overridden when given).
pub(crate) async fn citizen_sends(
    base: &str,
    fields: &[(&str, &str)],
    photo: Option<&[u8]>,
) -> Sent {
    let c = browser();
    let form = c
        .get(format!("{base}/public/appeal"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("page");
    let token = after(&form, "name=\"challenge\"", "value").to_string();
    let answer = solve(&form);
    let mut all: Vec<(&str, &str)> = vec![("challenge", token.as_str())];
    if !fields.iter().any(|(k, _)| *k == "answer") {
        all.push(("answer", answer.as_str()));
    }
    all.extend_from_slice(fields);
    let (ct, body) = multipart(&all, photo);
    let r = c
        .post(format!("{base}/public/appeal"))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("post");
    let status = r.status();
    let location = r
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string);
    let page = r.text().await.expect("body");
    let code = location.map(|l| {
        let rest = l.strip_prefix("/public/track/").expect("track location");
        rest.split('?').next().unwrap_or_default().to_string()
    });
    Sent { status, code, page }
}

/// A valid appeal about `unit` with `text` and `contact`; returns its code.
pub(crate) async fn citizen_submits(base: &str, unit: i64, text: &str, contact: &str) -> String {
    let unit = unit.to_string();
    let s = citizen_sends(
        base,
        &[
            ("unit_id", &unit),
            ("category", "housing"),
            ("text", text),
            ("contact", contact),
        ],
        None,
    )
    .await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.page);
    s.code.expect("code")
}

/// The id of the appeal with `code` (dashes or not), as the office's list shows it.
async fn appeal_id(sup: &Session, code: &str) -> i64 {
    let list = sup.get("/appeals?limit=200").await.ok();
    list["appeals"]
        .as_array()
        .expect("appeals")
        .iter()
        .find(|a| a["code"].as_str().map(|c| c.replace('-', "")) == Some(code.replace('-', "")))
        .unwrap_or_else(|| panic!("appeal {code} in {list}"))["id"]
        .as_i64()
        .expect("id")
}

const TEXT: &str = "我叫张三丰，电话13812345678，身份证110101199003074514，住幸福路12号3栋2单元501室，楼道漏水三个月没人管。";

async fn intake_tracking_and_scope(app: &TestApp) {
    let o = &app.org;
    let head = app.head_seq().await;
    let code = citizen_submits(&app.base, o.town_a1, TEXT, "139 1111 2222").await;
    assert_eq!(code.len(), 14, "grouped code {code}");
    assert_eq!(app.head_seq().await, head + 1, "one event");
    // The event names no one.
    let payload = app
        .db
        .text("SELECT CAST(payload AS TEXT) FROM events WHERE kind = 'appeal.submitted'")
        .await;
    for secret in ["13812345678", "张三丰", "13911112222", "110101199003074514"] {
        assert!(!payload.contains(secret), "{payload}");
    }

    // The citizen follows it: masked text, typed in any case without dashes.
    let c = browser();
    let typed = code.replace('-', "").to_lowercase();
    let r = c
        .get(format!("{}/public/track?code={typed}", app.base))
        .send()
        .await
        .expect("track");
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = c
        .get(format!("{}/public/track/{typed}", app.base))
        .send()
        .await
        .expect("track");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let page = r.text().await.expect("page");
    assert!(page.contains(&code) && page.contains("已受理"), "{page}");
    assert!(page.contains("我叫张**，电话138********"), "{page}");
    for secret in [
        "13812345678",
        "张三丰",
        "110101199003074514",
        "501室",
        "13911112222",
    ] {
        assert!(!page.contains(secret), "{secret} on the tracking page");
    }

    // The office: masked in the list, the original for the callback roles only.
    let sup = app.login("sup").await;
    let id = appeal_id(&sup, &code).await;
    let d = sup.get(&format!("/appeals/{id}")).await.ok();
    assert_eq!(d["may_unmask"], true);
    assert!(
        !d["appeal"]["text"]
            .as_str()
            .expect("text")
            .contains("13812345678")
    );
    assert_eq!(
        d["appeal"]["pii"],
        json!(["mobile", "id_number", "name", "address"])
    );
    assert_eq!(d["appeal"]["has_contact"], true);
    let o1 = sup.get(&format!("/appeals/{id}/original")).await.ok();
    assert_eq!(o1["text"], TEXT);
    assert_eq!(o1["contact"], "13911112222");
    // The township's liaison handles it; the county above reads it masked; the leader too.
    let town = app.login("town_a1").await;
    assert_eq!(
        town.get(&format!("/appeals/{id}/original")).await.ok()["contact"],
        "13911112222"
    );
    let county = app.login("county_a").await;
    assert_eq!(
        county.get(&format!("/appeals/{id}")).await.ok()["may_unmask"],
        false
    );
    county
        .get(&format!("/appeals/{id}/original"))
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    let leader = app.login("leader").await;
    leader
        .get(&format!("/appeals/{id}/original"))
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    // Another county does not know it exists.
    let other = app.login("county_b").await;
    other
        .get(&format!("/appeals/{id}"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    assert!(
        other.get("/appeals").await.ok()["appeals"]
            .as_array()
            .expect("list")
            .is_empty()
    );
    assert_eq!(
        county.get("/appeals").await.ok()["appeals"]
            .as_array()
            .expect("list")
            .len(),
        1
    );
    // Each view of the original is in the security log, with the code, never the contact.
    let audit = app.login("auditadmin").await;
    let log = audit
        .get("/security-log?kind=personal_data.viewed")
        .await
        .ok();
    let rows = log["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 2, "{log}");
    assert!(!log.to_string().contains("13911112222"));
    // The page: masked by default, the original after the posted request.
    let (s, page) = sup.page(&format!("/appeals/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("我叫张**") && !page.contains("13812345678"));
    let (s, page) = sup.form_page(&format!("/appeals/{id}/original"), &[]).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("13812345678") && page.contains("13911112222"),
        "{page}"
    );
}

async fn bad_input_changes_nothing(app: &TestApp) {
    let o = &app.org;
    let head = app.head_seq().await;
    let unit = o.town_a1.to_string();
    let good = [
        ("unit_id", unit.as_str()),
        ("category", "traffic"),
        ("text", "路口红绿灯坏了三天，早晚高峰很危险。"),
    ];
    // Nothing filled in: each field named, in Chinese.
    let s = citizen_sends(&app.base, &[], None).await;
    assert_eq!(s.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        s.page.contains("必填") || s.page.contains("不能为空"),
        "{}",
        s.page
    );
    // A wrong answer, a contact that is none, a department instead of a place.
    let dept = o.dept.to_string();
    for (fields, message) in [
        (
            vec![good[0], good[1], good[2], ("answer", "99")],
            "验证题答案不正确",
        ),
        (
            vec![good[0], good[1], good[2], ("contact", "微信abc")],
            "请填写手机号",
        ),
        (
            vec![("unit_id", dept.as_str()), good[1], good[2]],
            "请选择本市的区县或乡镇",
        ),
        (vec![good[0], good[1], ("text", "太短")], "至少10个字"),
    ] {
        let s = citizen_sends(&app.base, &fields, None).await;
        assert_eq!(s.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(s.page.contains(message), "{message}: {}", s.page);
        assert!(s.code.is_none());
    }
    // A file that is no picture.
    let s = citizen_sends(&app.base, &good, Some(b"%PDF-1.4 not a photo")).await;
    assert_eq!(s.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(s.page.contains("JPG、PNG 或 WebP"), "{}", s.page);
    // A forged token.
    let c = browser();
    let (ct, body) = multipart(
        &[
            good[0],
            good[1],
            good[2],
            ("challenge", "9999999999.00.00"),
            ("answer", "3"),
        ],
        None,
    );
    let r = c
        .post(format!("{}/public/appeal", app.base))
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Another site's page posting here.
    let (ct, body) = multipart(&good, None);
    let r = c
        .post(format!("{}/public/appeal", app.base))
        .header("content-type", ct)
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.head_seq().await, head, "nothing was written");
    // English when asked.
    let r = c
        .get(format!("{}/public/track/AAAA-BBBB-CCCC?lang=en", app.base))
        .send()
        .await
        .expect("track");
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(
        r.text()
            .await
            .expect("page")
            .contains("Unknown tracking code")
    );
    // A good one with a photo is kept, and staff (only) see the photo.
    let png = include_bytes!("red-square.png");
    let s = citizen_sends(&app.base, &good, Some(png)).await;
    assert_eq!(s.status, StatusCode::SEE_OTHER, "{}", s.page);
    let sup = app.login("sup").await;
    let id = appeal_id(&sup, s.code.as_deref().expect("code")).await;
    let (st, h, bytes) = sup.fetch(&format!("/appeals/{id}/photo"), &[]).await;
    assert_eq!(st, StatusCode::OK);
    // Kept re-encoded from its pixels (no metadata): an opaque picture as JPEG, the same
    // size and colour.
    assert_eq!(
        h.get("content-type").and_then(|v| v.to_str().ok()),
        Some("image/jpeg")
    );
    assert_ne!(bytes, png.to_vec(), "kept as sent, metadata and all");
    let kept = image::load_from_memory(&bytes)
        .expect("a picture")
        .to_rgb8();
    assert_eq!((kept.width(), kept.height()), (48, 36));
    let sent = image::load_from_memory(png)
        .expect("the sent picture")
        .to_rgb8();
    let (p, q) = (kept.get_pixel(24, 18), sent.get_pixel(24, 18));
    assert!(
        p.0.iter().zip(q.0).all(|(a, b)| a.abs_diff(b) <= 12),
        "not the picture sent: {p:?} for {q:?}"
    );
    let (st, _, _) = app
        .login("county_b")
        .await
        .fetch(&format!("/appeals/{id}/photo"), &[])
        .await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

/// Registers and dispatches an item to county A with `public` as given.
async fn item(
    sup: &Session,
    leader: &Session,
    county_a: i64,
    title: &str,
    public: bool,
) -> (i64, i64) {
    let id = sup
        .post(
            "/items",
            json!({ "title": title, "source": "citizen_appeal", "category": "san_zui",
                    "deadline": in_days(60), "public": public,
                    "description": "群众反映楼道漏水，联系人李明13700001111" }),
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
    let d = sup
        .post(
            &format!("/items/{id}/dispatch"),
            json!({ "assignments": [{ "unit_id": county_a, "role": "lead" }] }),
        )
        .await
        .ok();
    (id, crate::helpers::ids(&d)[0])
}

async fn public_pages(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let (public, a) = item(&sup, &leader, o.county_a, "幸福小区楼道漏水整治", true).await;
    let (hidden, _) = item(&sup, &leader, o.county_a, "内部事项不公开", false).await;
    let draft = sup
        .post(
            "/items",
            json!({ "title": "公开草稿", "source": "meeting", "category": "san_zui",
                    "deadline": in_days(60), "public": true }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("draft");
    // A report, accepted: its text is public (masked), its problems are not.
    let county = app.login("county_a").await;
    county
        .post(&format!("/assignments/{a}/sign"), json!({}))
        .await
        .ok();
    let r = county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "已更换楼顶防水层，住户王芳（13655556666）确认不再漏水", "percent": 80,
                    "problems": "内部问题：资金缺口" }),
        )
        .await
        .ok();
    sup.post(
        &format!("/reports/{}/review", crate::helpers::id(&r)),
        json!({ "verdict": "accept" }),
    )
    .await
    .ok();

    let c = browser();
    let r = c
        .get(format!("{}/public", app.base))
        .send()
        .await
        .expect("index");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        r.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=60")
    );
    assert!(r.headers().get("set-cookie").is_none());
    let page = r.text().await.expect("page");
    assert!(page.contains("lang=\"zh-CN\"") && page.contains("class=\"skip\""));
    assert!(page.contains("幸福小区楼道漏水整治"), "{page}");
    assert!(!page.contains("内部事项不公开") && !page.contains("公开草稿"));
    assert!(page.contains("id=\"hot\""), "the hot issues' place");
    let r = c
        .get(format!("{}/public/items/{public}?big=1", app.base))
        .send()
        .await
        .expect("item");
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers().get("set-cookie").is_none());
    let page = r.text().await.expect("page");
    assert!(page.contains("class=\"big\""), "large-text mode");
    assert!(
        page.contains("已更换楼顶防水层") && page.contains("80%"),
        "{page}"
    );
    for secret in ["13655556666", "王芳", "13700001111", "李明", "资金缺口"] {
        assert!(!page.contains(secret), "{secret} on the public page");
    }
    assert!(page.contains("交办承办单位"), "a milestone");
    for id in [hidden, draft, 999_999] {
        let r = c
            .get(format!("{}/public/items/{id}", app.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("item");
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "item {id}");
    }
    // An appeal linked to the public item (as the hot issues will link them) shows its
    // progress to the citizen; linked to a hidden item, it shows nothing of it.
    let code = crate::appeals::citizen_submits(
        &app.base,
        o.county_a,
        "楼道漏水三个月没人管，墙皮都泡掉了。",
        "",
    )
    .await;
    let raw = code.replace('-', "");
    app.db
        .exec(&format!(
            "UPDATE appeals SET item_id = {public}, state = 'handling' WHERE code = '{raw}'"
        ))
        .await
        .expect("link");
    let page = c
        .get(format!("{}/public/track/{code}", app.base))
        .send()
        .await
        .expect("track")
        .text()
        .await
        .expect("page");
    assert!(
        page.contains("办理中") && page.contains("幸福小区楼道漏水整治"),
        "{page}"
    );
    assert!(page.contains("已更换楼顶防水层"), "{page}");
    app.db
        .exec(&format!(
            "UPDATE appeals SET item_id = {hidden} WHERE code = '{raw}'"
        ))
        .await
        .expect("link");
    let page = c
        .get(format!("{}/public/track/{code}", app.base))
        .send()
        .await
        .expect("track")
        .text()
        .await
        .expect("page");
    assert!(!page.contains("内部事项不公开"), "{page}");
    // English by address.
    let page = c
        .get(format!("{}/public?lang=en", app.base))
        .send()
        .await
        .expect("index")
        .text()
        .await
        .expect("page");
    assert!(page.contains("lang=\"en\"") && page.contains("Public items"));
}

const CSV: &str = "工单编号,受理时间,所属区县/街道,类别,诉求内容,来电号码\n\
GD001,2026-11-03 09:12:00,东城县/东城A1镇,物业管理,小区电梯停运三天无人修，联系人王五13812340000,13812340000\n\
GD002,2026/11/4 10:00,西山县,交通,路灯不亮,\n\
,2026-11-05,东城县,交通,公交站牌倒了,\n\
GD003,昨天,东城县,交通,公交站牌倒了,\n\
GD004,,南湖县,交通,公交站牌倒了,\n";

async fn import_csv(sup: &Session, source: &str, body: Vec<u8>) -> crate::helpers::Resp {
    sup.send(
        reqwest::Method::POST,
        &format!("/appeals/import?source={source}"),
        Some(body.into()),
        true,
        &[("content-type", "application/octet-stream")],
    )
    .await
}

async fn import_story(app: &TestApp) {
    let sup = app.login("sup").await;
    // The seeded tree names its units 东城县 … ; the export names them the same way.
    let names: Value = sup.get("/units").await.ok();
    let has = |n: &str| names.to_string().contains(n);
    assert!(has("东城") && has("西山"), "{names}");
    let head = app.head_seq().await;
    let r = import_csv(&sup, "12345", CSV.as_bytes().to_vec())
        .await
        .ok();
    assert_eq!(r["imported"], 2, "{r}");
    let rejected: Vec<(i64, String, String)> = r["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|x| {
            (
                x["row"].as_i64().expect("row"),
                x["column"].as_str().expect("column").to_string(),
                x["rule"].as_str().expect("rule").to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            (4, "工单编号".into(), "appeal.import_required".into()),
            (5, "受理时间".into(), "appeal.import_bad_time".into()),
            (
                6,
                "所属区县/街道".into(),
                "appeal.import_unknown_place".into()
            ),
        ]
    );
    assert_eq!(app.head_seq().await, head + 1, "one event for the import");
    // Masked, sealed (no key here: the masked text still hides the phone), received time kept.
    let list = sup.get("/appeals?source=hotline_12345").await.ok();
    let rows = list["appeals"].as_array().expect("appeals");
    assert_eq!(rows.len(), 2);
    let gd1 = rows
        .iter()
        .find(|a| a["external_no"] == "GD001")
        .expect("GD001");
    assert!(
        gd1["text"]
            .as_str()
            .expect("text")
            .contains("联系人王*138********"),
        "{gd1}"
    );
    assert_eq!(gd1["received_at"], "2026-11-03T01:12:00Z");
    assert_eq!(gd1["category"], "housing");
    // Importing it again changes nothing.
    let again = import_csv(&sup, "12345", CSV.as_bytes().to_vec())
        .await
        .ok();
    assert_eq!(again["imported"], 0);
    assert_eq!(again["already"], json!(["GD001", "GD002"]));
    assert_eq!(again["event_seq"], Value::Null);
    assert_eq!(app.head_seq().await, head + 1);
    // Another export with other headers: the saved mapping reads it.
    let other = "单号,问题,街镇\nX-1,噪音扰民到半夜,东城A1镇\n";
    import_csv(&sup, "区平台", other.as_bytes().to_vec())
        .await
        .error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "appeal.import_missing_columns",
        );
    let saved = sup
        .post(
            "/appeals/sources",
            json!({ "source_name": "区平台",
                    "mapping": { "order_no": "单号", "text": "问题", "place": "街镇" } }),
        )
        .await
        .ok();
    assert_eq!(saved["sources"][0]["source_name"], "区平台");
    let r = import_csv(&sup, "区平台", other.as_bytes().to_vec())
        .await
        .ok();
    assert_eq!(r["imported"], 1, "{r}");
    // The same as .xlsx.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["工单编号", "所属区县/街道", "诉求内容", "受理时间"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    sheet.write_string(1, 0, "GD100").expect("cell");
    sheet.write_string(1, 1, "西山B1镇").expect("cell");
    sheet
        .write_string(1, 2, "菜市场占道经营，早上堵得走不动")
        .expect("cell");
    sheet.write_number(1, 3, 46329.5).expect("cell");
    let xlsx = book.save_to_buffer().expect("xlsx");
    let r = import_csv(&sup, "12345", xlsx.clone()).await.ok();
    assert_eq!(r["imported"], 1, "{r}");
    assert_eq!(
        import_csv(&sup, "12345", xlsx).await.ok()["already"],
        json!(["GD100"])
    );
    // Bad files, named; only the office imports.
    import_csv(&sup, "12345", vec![0xff, 0xfe, 0x00])
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "appeal.import_unreadable");
    let leader = app.login("leader").await;
    import_csv(&leader, "12345", CSV.as_bytes().to_vec())
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    // Org scoping: county A reads its own (GD001 and X-1 at A1镇), not 西山县's.
    let county_a = app.login("county_a").await;
    let mine: Vec<String> = county_a.get("/appeals").await.ok()["appeals"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["external_no"].as_str().map(str::to_string))
        .collect();
    assert_eq!(mine, vec!["X-1".to_string(), "GD001".to_string()]);
    // The page: upload and report.
    let (s, page) = sup.page("/appeals/import").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("列对应关系") && page.contains("区平台"),
        "{page}"
    );
    let csrf = sup.csrf.clone();
    let b = "importboundary";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"source_name\"\r\n\r\n12345\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(CSV.as_bytes());
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    let (s, page) = sup
        .post_page(
            "/appeals/import",
            &format!("multipart/form-data; boundary={b}"),
            body,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        page.contains("第5行") && page.contains("受理时间无法识别"),
        "{page}"
    );
}

/// An app whose appeals are sealed with a key, and whose form limits are `limits`
/// (per minute per address, per hour per address, per day per contact).
async fn keyed_app(db: Db, limits: (u32, i64, i64)) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("dir");
    let key = Key::generate("k1", Algorithm::Aes256Gcm).expect("key");
    let text = add_key_to_file("", &key, true).expect("key file");
    let ring = KeyRing::from_key_file(&text, Algorithm::Aes256Gcm).expect("ring");
    let mut config = ducha_service::Config::default();
    config.evidence.dir = dir.path().join("evidence");
    config.secrets = Some(Arc::new(ring));
    config.appeals.per_address_per_minute = limits.0;
    config.appeals.per_address_per_hour = limits.1;
    config.appeals.per_contact_per_day = limits.2;
    (spawn_app_with(db, config).await, dir)
}

macro_rules! keyed_on_both_backends {
    ($($story:ident: $limits:expr),* $(,)?) => {$(
        mod $story {
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let (app, _dir) =
                    super::keyed_app($crate::helpers::Db::sqlite().await, $limits).await;
                super::$story(&app).await;
                app.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some(url) = $crate::helpers::pg_url(module_path!()) else {
                    return;
                };
                let (app, _dir) =
                    super::keyed_app($crate::helpers::Db::postgres(&url).await, $limits).await;
                super::$story(&app).await;
                app.finish().await;
            }
        }
    )*};
}

keyed_on_both_backends!(
    sealed_at_rest: (0, 0, 0),
    flood_is_throttled: (3, 0, 0),
    one_contact_is_limited: (0, 0, 2),
);

/// The raw row holds the original and the contact only encrypted.
async fn sealed_at_rest(app: &TestApp) {
    let code = citizen_submits(&app.base, app.org.town_a1, TEXT, "13911112222").await;
    let raw = code.replace('-', "");
    let row = app
        .db
        .text(&format!(
            "SELECT text_masked || '|' || text_sealed || '|' || contact_sealed || '|' || pii \
             FROM appeals WHERE code = '{raw}'"
        ))
        .await;
    let parts: Vec<&str> = row.split('|').collect();
    assert!(parts[0].contains("138********"), "{row}");
    assert!(
        parts[1].starts_with("enc:v1:k1:") && parts[2].starts_with("enc:v1:k1:"),
        "{row}"
    );
    for secret in ["13812345678", "13911112222", "张三丰", "110101199003074514"] {
        assert!(!row.contains(secret), "{secret} in the raw row");
    }
    assert_eq!(parts[3], "mobile,id_number,name,address");
    // The office opens it; a sealed value moved to another appeal does not.
    let sup = app.login("sup").await;
    let id = appeal_id(&sup, &code).await;
    assert_eq!(
        sup.get(&format!("/appeals/{id}/original")).await.ok()["contact"],
        "13911112222"
    );
    let other = citizen_submits(
        &app.base,
        app.org.town_a1,
        "另一条诉求，路灯坏了一个月。",
        "",
    )
    .await;
    app.db
        .exec(&format!(
            "UPDATE appeals SET contact_sealed = '{}' WHERE code = '{}'",
            parts[2],
            other.replace('-', "")
        ))
        .await
        .expect("move");
    let oid = appeal_id(&sup, &other).await;
    let r = sup.get(&format!("/appeals/{oid}/original")).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
}

/// One address floods the form: after three it gets the translated 429 before its body is
/// read, while other pages and the API answer at once; a minute later (on the limiter's
/// clock, which the test steps) it may send again.
async fn flood_is_throttled(app: &TestApp) {
    let unit = app.org.town_a1;
    let start = ducha_service::now();
    // The clock stands still: the window cannot end in the middle of the test.
    app.services.set_form_clock(Some(start));
    for _ in 0..3 {
        citizen_submits(&app.base, unit, "小区门口的垃圾桶满了没人清理。", "").await;
    }
    let s = citizen_sends(
        &app.base,
        &[
            ("unit_id", &unit.to_string()),
            ("category", "urban"),
            ("text", "小区门口的垃圾桶满了没人清理。"),
        ],
        None,
    )
    .await;
    assert_eq!(s.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(s.page.contains("提交过于频繁"), "{}", s.page);
    let head = app.head_seq().await;
    // The flood, in parallel with other requests that must stay fast.
    let base = app.base.clone();
    let flood = tokio::spawn(async move {
        let c = browser();
        let mut refused = 0;
        for _ in 0..200 {
            let r = c
                .post(format!("{base}/public/appeal"))
                .header("content-type", "multipart/form-data; boundary=x")
                .body("--x--\r\n")
                .send()
                .await
                .expect("flood");
            if r.status() == StatusCode::TOO_MANY_REQUESTS {
                refused += 1;
            }
        }
        refused
    });
    let sup = app.login("sup").await;
    let mut slowest = std::time::Duration::ZERO;
    for _ in 0..20 {
        let t = std::time::Instant::now();
        let (s, _) = sup.page("/public").await;
        assert_eq!(s, StatusCode::OK);
        sup.get("/me").await.ok();
        slowest = slowest.max(t.elapsed());
    }
    assert_eq!(
        flood.await.expect("flood"),
        200,
        "every flooding request refused"
    );
    assert!(
        slowest < std::time::Duration::from_secs(2),
        "slowest {slowest:?}"
    );
    assert_eq!(app.head_seq().await, head, "the flood wrote nothing");
    // Refused before the body is read: a body that is no form at all gets the 429 too.
    let r = browser()
        .post(format!("{}/public/appeal", app.base))
        .header("content-type", "multipart/form-data; boundary=x")
        .body("not a form")
        .send()
        .await
        .expect("garbage");
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = r.text().await.expect("page");
    assert!(page.contains("提交过于频繁"), "{page}");
    // A sliding window: 59 seconds on, still refused; a minute on, the address may send.
    app.services
        .set_form_clock(Some(start + chrono::Duration::seconds(59)));
    let s = citizen_sends(
        &app.base,
        &[
            ("unit_id", &unit.to_string()),
            ("category", "urban"),
            ("text", "小区门口的垃圾桶满了没人清理。"),
        ],
        None,
    )
    .await;
    assert_eq!(s.status, StatusCode::TOO_MANY_REQUESTS);
    app.services
        .set_form_clock(Some(start + chrono::Duration::seconds(60)));
    citizen_submits(&app.base, unit, "小区门口的垃圾桶满了没人清理。", "").await;
}

/// One contact may submit twice a day, whatever the address.
async fn one_contact_is_limited(app: &TestApp) {
    let unit = app.org.town_a1;
    for _ in 0..2 {
        citizen_submits(
            &app.base,
            unit,
            "噪音扰民到半夜，希望有人管一管。",
            "13700002222",
        )
        .await;
    }
    let u = unit.to_string();
    let fields = [
        ("unit_id", u.as_str()),
        ("category", "urban"),
        ("text", "噪音扰民到半夜，希望有人管一管。"),
        ("contact", "137-0000-2222"),
    ];
    let s = citizen_sends(&app.base, &fields, None).await;
    assert_eq!(s.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(s.page.contains("提交过于频繁"));
    // Another contact, or none, is not slowed.
    citizen_submits(
        &app.base,
        unit,
        "噪音扰民到半夜，希望有人管一管。",
        "13700003333",
    )
    .await;
    citizen_submits(&app.base, unit, "噪音扰民到半夜，希望有人管一管。", "").await;
}
