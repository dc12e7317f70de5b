//! The cadre record's praise and criticism, and the ranking's trend, on a fixed calendar:
//! in November 2026 东城县's person closes an item four working days early and a bulletin
//! published on 3 November praises 东城县 and criticises 市住建局; 西山县's person, with an
//! item still in hand, has no praise at all. November's ranking shows October's totals and the
//! change, on the page (in words too), in the API and in the .xlsx export.

use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_service::bulletins::DraftInput;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

crate::on_both_backends!(praise_in_the_record_and_trend_in_the_ranking);

/// China time on a day of 2026.
fn at(m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, 0, 0)
        .single()
        .expect("time")
        - chrono::Duration::hours(8)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn input<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

/// An item dispatched to `unit` as lead on `on`, due `due`, signed by `liaison`; returns the
/// item and its top assignment.
async fn signed(
    app: &TestApp,
    title: &str,
    unit: i64,
    liaison: i64,
    on: DateTime<Utc>,
    due: NaiveDate,
) -> (i64, i64) {
    let s = &app.services;
    let sup = s.actor(app.org.users.sup).await.expect("sup");
    let leader = s.actor(app.org.users.leader).await.expect("leader");
    let item = s
        .create_item(
            &sup,
            &input(
                json!({ "title": title, "source": "meeting", "category": "livelihood",
                           "deadline": due }),
            ),
            on,
        )
        .await
        .expect("create")
        .id;
    s.submit_item(&sup, item, on).await.expect("submit");
    s.approve_item(&leader, item, "", on)
        .await
        .expect("approve");
    let a = s
        .dispatch_item(
            &sup,
            item,
            &input(json!({ "assignments": [{ "unit_id": unit, "role": "lead" }] })),
            on + chrono::Duration::hours(1),
        )
        .await
        .expect("dispatch")
        .ids[0];
    let person = s.actor(liaison).await.expect("liaison");
    s.sign_assignment(
        &person,
        a,
        &input(json!({})),
        on + chrono::Duration::hours(2),
    )
    .await
    .expect("sign");
    (item, a)
}

async fn praise_in_the_record_and_trend_in_the_ranking(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let sup = s.actor(u.sup).await.expect("sup");
    let leader = s.actor(u.leader).await.expect("leader");
    let county_a = s.actor(u.county_a).await.expect("county a");

    // 东城县: dispatched Mon 2 Nov, due Fri 20 Nov, completed and accepted Mon 16 Nov: four
    // working days early (17–20).
    let (early_item, early) = signed(
        app,
        "背街小巷整治",
        o.county_a,
        u.county_a,
        at(11, 2, 9),
        day(11, 20),
    )
    .await;
    let report = s
        .submit_report(
            &county_a,
            early,
            &input(json!({ "text": "已完成", "completion": true })),
            at(11, 16, 9),
        )
        .await
        .expect("completion")
        .id;
    s.review_report(
        &sup,
        report,
        &input(json!({ "verdict": "accept" })),
        at(11, 16, 10),
    )
    .await
    .expect("accept");
    // 西山县: an item in hand, due after the month; 市住建局: one too.
    signed(
        app,
        "农贸市场改造",
        o.county_b,
        u.county_b,
        at(11, 2, 9),
        day(12, 18),
    )
    .await;
    signed(
        app,
        "老旧管网改造",
        o.dept,
        u.dept,
        at(11, 2, 9),
        day(12, 18),
    )
    .await;

    // The October bulletin, published on 3 November, praises 东城县 and criticises 市住建局.
    let bulletin = s
        .draft_bulletin(
            &sup,
            &DraftInput {
                kind: "monthly".into(),
                period: "2026-10".into(),
                good_practice: "东城县建立周调度机制。".into(),
                criticism: "市住建局进展滞后。".into(),
                corrects_id: None,
                praised_unit_ids: vec![o.county_a],
                criticised_unit_ids: vec![o.dept],
            },
            at(11, 2, 15),
        )
        .await
        .expect("draft")
        .id;
    s.submit_bulletin(&sup, bulletin, at(11, 3, 9))
        .await
        .expect("submit");
    s.approve_bulletin(&leader, bulletin, at(11, 3, 9))
        .await
        .expect("approve");
    s.publish_bulletin(&sup, bulletin, at(11, 3, 10))
        .await
        .expect("publish");

    let now = at(11, 30, 18);
    let records = s
        .cadre_records(&sup, None, "2026-11", now)
        .await
        .expect("cadres");
    let of = |user: i64| {
        records
            .iter()
            .find(|c| c.user_id == user)
            .unwrap_or_else(|| panic!("the record of user {user}"))
    };
    let a = of(u.county_a);
    let early_of_a: Vec<(i64, i64, NaiveDate)> = a
        .early
        .iter()
        .map(|e| (e.item_id, e.early_days, e.completed_on))
        .collect();
    assert_eq!(early_of_a, vec![(early_item, 4, day(11, 16))]);
    assert_eq!(
        a.praise
            .iter()
            .map(|m| (m.bulletin_id, m.unit_id))
            .collect::<Vec<_>>(),
        vec![(bulletin, o.county_a)]
    );
    assert_eq!(a.praise[0].published_on, day(11, 3));
    assert!(a.criticism.is_empty());
    let b = of(u.county_b);
    assert!(
        b.early.is_empty() && b.praise.is_empty() && b.criticism.is_empty(),
        "{b:?}"
    );
    assert_eq!(b.in_hand, 1);
    let dept = of(u.dept);
    assert!(dept.praise.is_empty() && dept.early.is_empty());
    assert_eq!(
        dept.criticism
            .iter()
            .map(|m| (m.bulletin_id, m.unit_id))
            .collect::<Vec<_>>(),
        vec![(bulletin, o.dept)]
    );
    // October had neither: the bulletin and the early completion are November's.
    for c in s
        .cadre_records(&sup, None, "2026-10", now)
        .await
        .expect("october")
    {
        assert!(c.early.is_empty() && c.praise.is_empty() && c.criticism.is_empty());
    }

    // The page links each to its item or bulletin; the API carries the same.
    let web = app.login("sup").await;
    let (status, html) = web.page("/assessment/cadres?period=2026-11").await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        format!("href=\"/bulletins/{bulletin}\""),
        format!("href=\"/items/{early_item}\""),
        "提前办结".to_string(),
        "提前4个工作日".to_string(),
        "通报表扬".to_string(),
        "通报批评".to_string(),
        "本期没有表扬记录".to_string(),
    ] {
        assert!(html.contains(&needle), "{needle} on the cadre page");
    }
    let (_, english) = web
        .english()
        .page("/assessment/cadres?period=2026-11")
        .await;
    assert!(english.contains("4 working days early"), "{english}");
    let api = web.get("/assessment/cadres?period=2026-11").await.ok();
    let person = api
        .as_array()
        .and_then(|l| l.iter().find(|c| c["user_id"] == u.county_a))
        .expect("the API record");
    assert_eq!(person["early"][0]["early_days"], 4);
    assert_eq!(person["praise"][0]["bulletin_id"], bulletin);
    let none = api
        .as_array()
        .and_then(|l| l.iter().find(|c| c["user_id"] == u.county_b))
        .expect("西山县's API record");
    assert_eq!(none["praise"], json!([]));
    assert_eq!(none["early"], json!([]));

    // The ranking: each unit's October total and the change, from the same computation
    // as the rank change.
    let october = s
        .score_board(&sup, None, "2026-10", None, now)
        .await
        .expect("october");
    let november = s
        .score_board(&sup, None, "2026-11", None, now)
        .await
        .expect("november");
    for r in &november.units {
        let before = october
            .units
            .iter()
            .find(|x| x.unit_id == r.unit_id)
            .map(|x| x.total);
        assert_eq!(r.previous_total, before, "{}", r.unit_name);
        let change = before.map(|b| r.total - b);
        assert_eq!(r.total_change, change, "{}", r.unit_name);
    }
    let unit = |id: i64| {
        november
            .units
            .iter()
            .find(|x| x.unit_id == id)
            .expect("ranked")
    };
    // 东城县 went up (praised, early), 市住建局 down (criticised); 西山县 stayed at 100.
    assert!(unit(o.county_a).total_change.is_some_and(|d| d > 0.0));
    assert!(unit(o.dept).total_change.is_some_and(|d| d < 0.0));
    assert_eq!(
        (
            unit(o.county_b).previous_total,
            unit(o.county_b).total_change
        ),
        (Some(100.0), Some(0.0))
    );
    let up = unit(o.county_a).total_change.unwrap_or_default();
    let (status, page) = web.page("/assessment?period=2026-11").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("▲{up}")), "{page}");
    assert!(page.contains(&format!("比上期上升{up}分")), "{page}");
    assert!(page.contains("与上期持平"), "{page}");
    let api = web.get("/assessment/scores?period=2026-11").await.ok();
    let ranked = api["units"]
        .as_array()
        .and_then(|l| l.iter().find(|x| x["unit_id"] == o.county_a))
        .expect("ranked in the API");
    assert_eq!(ranked["previous_total"], json!(100.0));
    assert_eq!(ranked["total_change"], json!(up));
    // The export's summary has the two columns.
    let (status, _, body) = web
        .fetch("/assessment/export.xlsx?period=2026-11", &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).expect("xlsx");
    let sheet = book
        .worksheet_range_at(0)
        .expect("a sheet")
        .expect("readable");
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][4..6], ["上期得分", "得分变化"], "{:?}", rows[0]);
    let row = rows
        .iter()
        .find(|r| r[1] == unit(o.county_a).unit_name)
        .expect("东城县's row");
    assert_eq!(row[4..6], ["100", up.to_string().as_str()], "{row:?}");
}
