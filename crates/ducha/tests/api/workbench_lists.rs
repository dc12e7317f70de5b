//! The workbench's honesty: each list's true total beside the 20 it shows, with a link to the
//! whole list that works (the register, or the list's own pages); overdue work apart from what
//! is due soon; routine progress reports waiting for the level above that reviews them, and
//! for no one else.

use crate::helpers::{Session, TestApp, dispatched_item, draft_item, id, ids, in_days};
use ducha_domain::calendar::WorkCalendar;
use ducha_service::{Config, Services, WorkListInput, WorkListName, Workbench};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(
    totals_and_full_lists,
    overdue_apart,
    progress_for_the_reviewer,
    counts_are_the_rows
);

/// The caller's workbench.
async fn wb(s: &Session) -> Value {
    s.get("/workbench").await.ok()
}

/// The values under `key` of the rows of `rows`, in order.
fn column(rows: &Value, key: &str) -> Vec<i64> {
    rows.as_array()
        .unwrap_or_else(|| panic!("rows in {rows}"))
        .iter()
        .map(|e| e[key].as_i64().unwrap_or_else(|| panic!("{key} in {e}")))
        .collect()
}

/// The use case at a later `now`, over the test's database.
async fn later(app: &TestApp, user: i64, days: i64) -> Workbench {
    let services = Services::new(app.db.store(), Config::default(), WorkCalendar::china());
    let actor = services.actor(user).await.expect("actor");
    let now = ducha_service::now() + chrono::Duration::days(days);
    services.workbench(&actor, now).await.expect("workbench")
}

async fn totals_and_full_lists(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;

    // 23 items wait for 东城县 to sign; 2 drafts wait for the office.
    let mut waiting = Vec::new();
    for n in 0..23u64 {
        let (_, a) = dispatched_item(
            &sup,
            &leader,
            &format!("第{n}项 河长制巡河"),
            in_days(30 + n),
            json!([{ "unit_id": o.county_a, "role": "lead" }]),
        )
        .await;
        waiting.push(a[0]);
    }
    for n in 0..2u64 {
        draft_item(&sup, &format!("草稿{n}"), in_days(90)).await;
    }

    // The workbench shows 20 and says there are 23; a list that fits says nothing more.
    let w = wb(&county).await;
    assert_eq!(column(&w["to_sign"], "assignment_id"), waiting[..20]);
    assert_eq!(
        w["totals"]["to_sign"],
        json!({ "count": 23, "at_least": false })
    );
    assert_eq!(wb(&sup).await["totals"]["to_submit"]["count"], 2);
    let (status, html) = county.page("/workbench").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("显示前 20 项，共 23 项"), "{html}");
    assert!(
        html.contains("href=\"/workbench/to_sign\""),
        "the link to all"
    );
    assert!(html.contains("<b>23</b>"), "the tile counts them all");
    let (_, html) = sup.page("/workbench").await;
    assert!(!html.contains("显示前"), "two drafts need no link: {html}");

    // The link opens all 23, earliest deadline first, as the workbench ordered them.
    let (status, html) = county.page("/workbench/to_sign").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("共 23 项"), "{html}");
    let at = |n: u64| html.find(&format!("第{n}项 河长制巡河")).expect("listed");
    assert!(
        (0..22).all(|n| at(n) < at(n + 1)),
        "in the workbench's order"
    );

    // The API pages through the same list; the pages join up without gaps or repeats.
    let mut seen = Vec::new();
    let mut path = "/workbench/to_sign?limit=10".to_string();
    loop {
        let page = county.get(&path).await.ok();
        assert_eq!(page["list"], "to_sign");
        assert_eq!(page["kind"], "assignments");
        assert_eq!(page["total"], json!({ "count": 23, "at_least": false }));
        seen.extend(column(&page["rows"], "assignment_id"));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/workbench/to_sign?limit=10&after={c}"),
            None => break,
        }
    }
    assert_eq!(seen, waiting);
    // The page links to the next one on the web too.
    let (_, html) = county.page("/workbench/to_sign").await;
    assert!(!html.contains("rel=\"next\""), "50 per page: one page");

    // Bad input is refused with a translated message; an unknown list does not exist.
    county.get("/workbench/to_sign?after=x").await.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.invalid_cursor",
    );
    county.get("/workbench/to_sign?after=t1_1").await.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.invalid_cursor",
    );
    county
        .get("/workbench/to_sign?limit=0")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
    county
        .get("/workbench/everything")
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    assert_eq!(
        county.page("/workbench/everything").await.0,
        StatusCode::NOT_FOUND
    );
    // A list the caller's roles do not give is empty, not someone else's.
    let page = sup.get("/workbench/to_sign").await.ok();
    assert_eq!(page["rows"], json!([]));
    assert_eq!(page["total"]["count"], 0);

    // Twenty-one drafts: the office is told the true count and sent to the register, which
    // lists every one of them.
    for n in 2..21u64 {
        draft_item(&sup, &format!("草稿{n}"), in_days(90)).await;
    }
    let w = wb(&sup).await;
    assert_eq!(
        w["totals"]["to_submit"],
        json!({ "count": 21, "at_least": false })
    );
    let (_, html) = sup.page("/workbench").await;
    assert!(html.contains("显示前 20 项，共 21 项"), "{html}");
    let html = html.replace("&#38;", "&").replace("&amp;", "&");
    let href = "href=\"/items?state=draft&sort=deadline\"";
    assert!(html.contains(href), "the register, filtered: {html}");
    let (status, html) = sup.page("/items?state=draft&sort=deadline").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        (0..21).all(|n| html.contains(&format!("草稿{n}<"))),
        "{html}"
    );
}

async fn overdue_apart(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let lead = json!([{ "unit_id": o.county_a, "role": "lead" }]);
    let (_, soon) = dispatched_item(&sup, &leader, "三天后到期", in_days(3), lead.clone()).await;
    let (_, far) = dispatched_item(&sup, &leader, "四十天后到期", in_days(40), lead).await;
    let (soon, far) = (soon[0], far[0]);
    let ids_of =
        |v: &[ducha_service::WorkAssignment]| v.iter().map(|a| a.assignment_id).collect::<Vec<_>>();

    // Today: three days ahead is due soon, nothing is overdue.
    let w = wb(&app.login("county_a").await).await;
    assert_eq!(column(&w["due_soon"], "assignment_id"), [soon]);
    assert_eq!(w["overdue"], json!([]));

    // Twenty days on, the first is overdue and no longer "due soon"; the other is neither.
    let w = later(app, o.users.county_a, 20).await;
    assert_eq!(ids_of(&w.overdue), [soon]);
    assert!(w.due_soon.is_empty(), "{:?}", ids_of(&w.due_soon));
    assert_eq!(w.totals["overdue"].count, 1);
    assert_eq!(w.totals["due_soon"].count, 0);
    // Thirty-eight days on, the second is due soon, and the first still overdue.
    let w = later(app, o.users.county_a, 38).await;
    assert_eq!(ids_of(&w.due_soon), [far]);
    assert_eq!(ids_of(&w.overdue), [soon]);
}

async fn progress_for_the_reviewer(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let town = app.login("town_a1").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "农村人居环境整治",
        in_days(60),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let a = top[0];
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
    town.post(&format!("/assignments/{sub}/sign"), json!({}))
        .await
        .ok();

    // The township's routine report waits for the county, which handed the work down.
    let r_town = id(&town
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "已完成两个村的垃圾清运", "percent": 30 }),
        )
        .await
        .ok());
    // The county's own report waits for the office, at the top of the chain.
    let r_county = id(&county
        .post(
            &format!("/assignments/{a}/reports"),
            json!({ "text": "全县已启动整治", "percent": 20 }),
        )
        .await
        .ok());
    let w = wb(&county).await;
    assert_eq!(column(&w["progress_to_review"], "report_id"), [r_town]);
    let line = &w["progress_to_review"][0];
    assert_eq!(line["kind"], "progress");
    assert_eq!(line["percent"], 30);
    assert_eq!(line["unit_name"], "东城A1镇");
    assert_eq!(line["item_id"], item);
    assert_eq!(w["totals"]["progress_to_review"]["count"], 1);
    assert_eq!(w["reports_to_review"], json!([]), "completions stay apart");
    let w = wb(&sup).await;
    assert_eq!(column(&w["progress_to_review"], "report_id"), [r_county]);
    for who in ["town_a1", "county_b", "town_a2", "leader", "dept"] {
        let w = wb(&app.login(who).await).await;
        assert_eq!(w["progress_to_review"], json!([]), "{who}");
    }

    // On the page it has its own list, linked to the report on the item page.
    let (_, html) = county.page("/workbench").await;
    assert!(html.contains("待审核的进展报送"), "{html}");
    let anchor = format!("/items/{item}#reports-{r_town}");
    assert!(html.contains(&anchor), "{html}");
    let (_, html) = county.page(&format!("/items/{item}")).await;
    assert!(html.contains(&format!("id=\"reports-{r_town}\"")));
    assert!(
        html.contains(&format!("/reports/{r_town}/review")),
        "review offered"
    );

    // Reviewed from the item page as before, it leaves the list.
    let (status, html) = county
        .form_page(
            &format!("/reports/{r_town}/review"),
            &[("item", &item.to_string()), ("verdict", "approve")],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(wb(&county).await["progress_to_review"], json!([]));

    // A report nobody read leaves the list once the work it reported on is done.
    let r2 = id(&town
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "过半村庄完成整治", "percent": 60 }),
        )
        .await
        .ok());
    assert_eq!(
        column(&wb(&county).await["progress_to_review"], "report_id"),
        [r2]
    );
    let done = id(&town
        .post(
            &format!("/assignments/{sub}/reports"),
            json!({ "text": "全部完成", "completion": true }),
        )
        .await
        .ok());
    county
        .post(
            &format!("/reports/{done}/review"),
            json!({ "verdict": "accept" }),
        )
        .await
        .ok();
    assert_eq!(wb(&county).await["progress_to_review"], json!([]));
}

/// Every list's count, for every way a list is read, is the number of rows its pages hold,
/// and stops at the cap.
async fn counts_are_the_rows(app: &TestApp) {
    use ducha_domain::report::ReportKind::{Completion, Progress};
    use ducha_store::{Above, Span, UnitWork, WorkItems, WorkList};
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (town1, town2) = (app.login("town_a1").await, app.login("town_a2").await);
    let dept = app.login("dept").await;

    // One chain with something in every list.
    let (_, top) = dispatched_item(
        &sup,
        &leader,
        "全链条",
        in_days(2),
        json!([
            { "unit_id": o.county_a, "role": "lead" },
            { "unit_id": o.dept, "role": "co" },
            { "unit_id": o.county_b, "role": "co" },
        ]),
    )
    .await;
    let (a, d, b) = (top[0], top[1], top[2]);
    for (who, x) in [(&county, a), (&dept, d)] {
        who.post(&format!("/assignments/{x}/sign"), json!({}))
            .await
            .ok();
    }
    let subs = ids(&county
        .post(
            &format!("/assignments/{a}/decompose"),
            json!({ "assignments": [{ "unit_id": o.town_a1, "role": "lead" },
                                    { "unit_id": o.town_a2, "role": "co" }] }),
        )
        .await
        .ok());
    let post = |who: &Session, path: String, body: Value| {
        let who = who.clone();
        async move { who.post(&path, body).await.ok() }
    };
    for (who, x) in [(&town1, subs[0]), (&town2, subs[1])] {
        post(who, format!("/assignments/{x}/sign"), json!({})).await;
    }
    let progress = json!({ "text": "进展", "percent": 40 });
    let completion = json!({ "text": "完成", "completion": true });
    post(
        &town1,
        format!("/assignments/{}/reports", subs[0]),
        progress.clone(),
    )
    .await;
    post(
        &town1,
        format!("/assignments/{}/reports", subs[0]),
        progress.clone(),
    )
    .await;
    post(
        &town2,
        format!("/assignments/{}/reports", subs[1]),
        completion.clone(),
    )
    .await;
    post(&county, format!("/assignments/{a}/reports"), progress).await;
    post(&dept, format!("/assignments/{d}/reports"), completion).await;
    let ext = json!({ "deadline": in_days(9), "reason": "需要更多时间" });
    post(&town1, format!("/assignments/{}/extensions", subs[0]), ext).await;
    post(
        &app.login("county_b").await,
        format!("/assignments/{b}/refuse"),
        json!({ "text": "非本县职责" }),
    )
    .await;
    let help = json!({ "text": "请协调" });
    for _ in 0..2 {
        let path = format!("/assignments/{}/help-requests", subs[0]);
        post(&town1, path, help.clone()).await;
    }
    post(&county, format!("/assignments/{a}/help-requests"), help).await;
    draft_item(&sup, "草稿", in_days(30)).await;
    app.db
        .exec(&format!(
            "UPDATE assignments SET light = 3 WHERE id IN ({a}, {d})"
        ))
        .await
        .expect("red lights");
    app.db
        .exec(&format!(
            "UPDATE items SET light = 3 WHERE id = (SELECT item_id FROM assignments WHERE id = {a})"
        ))
        .await
        .expect("a red item");

    let store = app.db.store();
    let city = store
        .unit(o.city)
        .await
        .expect("read")
        .expect("city")
        .path
        .0;
    let now = chrono::Utc::now();
    let items = |state, light| WorkItems {
        scope: &city,
        state,
        light,
        approver: None,
    };
    use ducha_domain::item::ItemState::{Approved, Dispatched, Draft};
    let (drafts, red) = (items(Draft, None), items(Dispatched, Some(3)));
    let approved = items(Approved, None);
    let all = Span::first(1000);
    let mut lists: Vec<(WorkList<'_>, usize)> = vec![
        (
            WorkList::Items(&drafts),
            store.work_items(&drafts, all).await.expect("read").len(),
        ),
        (
            WorkList::Items(&red),
            store.work_items(&red, all).await.expect("read").len(),
        ),
        (WorkList::Items(&approved), 0),
    ];
    let day = |n| in_days(n);
    for which in [
        UnitWork::ToSign,
        UnitWork::ToDecompose,
        UnitWork::Working,
        UnitWork::DueBy(day(5)),
        UnitWork::DueBetween(day(1), day(5)),
        UnitWork::Returned,
    ] {
        for unit in [o.county_a, o.town_a1, o.dept] {
            let n = store.unit_work(unit, which, all).await.expect("read").len();
            lists.push((WorkList::Unit(unit, which), n));
        }
    }
    // Everything open has been silent since before an hour from now; nothing since a day ago,
    // so only the red ones then.
    for quiet_before in [
        now + chrono::Duration::hours(1),
        now - chrono::Duration::days(1),
    ] {
        let n = store
            .stalled_assignments(&city, quiet_before, all)
            .await
            .expect("read")
            .len();
        lists.push((WorkList::Stalled(&city, quiet_before), n));
    }
    for above in [Above::Unit(o.county_a), Above::Scope(&city)] {
        for kind in [Progress, Completion] {
            let n = store
                .reports_waiting(above, kind, all)
                .await
                .expect("read")
                .len();
            lists.push((WorkList::Reports(above, kind), n));
        }
        let n = store
            .extensions_waiting(above, all)
            .await
            .expect("read")
            .len();
        lists.push((WorkList::Extensions(above), n));
        let n = store
            .refusals_waiting(above, all)
            .await
            .expect("read")
            .len();
        lists.push((WorkList::Refusals(above), n));
    }
    for (unit, scope) in [(o.county_a, None), (o.office, Some(&city))] {
        let n = store
            .help_waiting(unit, scope, all)
            .await
            .expect("read")
            .len();
        lists.push((WorkList::Help(unit, scope), n));
    }
    let nonempty = lists.iter().filter(|(_, n)| *n > 0).count();
    assert!(nonempty >= 15, "the chain fills most lists: {nonempty}");
    for (list, n) in lists {
        let n = i64::try_from(n).expect("small");
        assert_eq!(
            store.count_work(list, 1000).await.expect("count"),
            n,
            "{list:?}"
        );
        assert_eq!(
            store.count_work(list, 1).await.expect("count"),
            n.min(1),
            "{list:?}"
        );
    }

    // Lists ordered by instants or ids page one row at a time through their cursors, as they are.
    let services = Services::new(store, Config::default(), WorkCalendar::china());
    let later = ducha_service::now() + chrono::Duration::days(30);
    for (user, list, at) in [
        (o.users.sup, WorkListName::Stalled, later),
        (
            o.users.county_a,
            WorkListName::ProgressToReview,
            ducha_service::now(),
        ),
        (
            o.users.county_a,
            WorkListName::HelpToAnswer,
            ducha_service::now(),
        ),
    ] {
        let actor = services.actor(user).await.expect("actor");
        let whole = |after: Option<String>, limit| WorkListInput {
            after,
            limit: Some(limit),
        };
        let all = services
            .work_list(&actor, list, &whole(None, 200), at)
            .await
            .expect("list");
        assert!(all.rows.len() >= 2, "{list:?} pages: {:?}", all.rows);
        let mut paged = Vec::new();
        let mut after = None;
        loop {
            let page = services
                .work_list(&actor, list, &whole(after, 1), at)
                .await
                .expect("page");
            assert_eq!(page.total.count, i64::try_from(all.rows.len()).expect("n"));
            paged.push(serde_json::to_value(&page.rows).expect("json")[0].clone());
            match page.next_cursor {
                Some(c) => after = Some(c),
                None => break,
            }
        }
        assert_eq!(
            json!(paged),
            serde_json::to_value(&all.rows).expect("json"),
            "{list:?}"
        );
    }
}
