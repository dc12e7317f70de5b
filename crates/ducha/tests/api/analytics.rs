//! Chain analytics on a fixed calendar: three-level chains played through the use cases on
//! dates across the 2026 National Day holiday (1–7 Oct off, Sat 10 Oct a make-up working day),
//! every figure computed by hand in the comments; the findings name exactly the culprits; the
//! lost days of a late township go to the county that sat on the work and to the unit that
//! left its help request unanswered; and a replay of the log rebuilds the same tables.

use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_domain::analytics::findings::FindingKind;
use ducha_domain::analytics::hops::Hop;
use ducha_domain::analytics::lost::LostReason;
use ducha_domain::org::Actor;
use ducha_service::analytics::{ChainRow, ChainView, FindingsInput, StallMapInput};
use ducha_service::{ServiceError, Services};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

crate::on_both_backends!(chain_analytics_by_hand, analytics_api_and_pages);

/// China time on a day of 2026.
fn at(m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, m, d, h, min, 0)
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

struct World<'a> {
    s: &'a Services,
    sup: Actor,
    leader: Actor,
}

impl World<'_> {
    /// Registers, approves and dispatches an item on `when`.
    async fn item(&self, body: Value, to: Value, when: DateTime<Utc>) -> (i64, Vec<i64>) {
        let s = self.s;
        let id = s
            .create_item(&self.sup, &input(body), when)
            .await
            .expect("create")
            .id;
        s.submit_item(&self.sup, id, when).await.expect("submit");
        s.approve_item(&self.leader, id, "", when)
            .await
            .expect("approve");
        let ids = s
            .dispatch_item(&self.sup, id, &input(json!({ "assignments": to })), when)
            .await
            .expect("dispatch")
            .ids;
        (id, ids)
    }
}

/// The id of the item's one help request, as the finding names it.
async fn help_id(s: &Services, item: i64) -> String {
    let helps = s.store.help_requests_of_item(item).await.expect("helps");
    helps[0].id.to_string()
}

fn row(chain: &ChainView, unit: i64) -> &ChainRow {
    chain
        .rows
        .iter()
        .find(|r| r.unit_id == unit)
        .expect("the unit's row")
}

fn hop(r: &ChainRow, h: Hop) -> (Option<i64>, bool) {
    let c = r.hops.iter().find(|c| c.hop == h).expect("hop column");
    (c.days, c.running)
}

async fn chain_analytics_by_hand(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let actor = |id| async move { s.actor(id).await.expect("actor") };
    let w = World {
        s,
        sup: actor(u.sup).await,
        leader: actor(u.leader).await,
    };
    let county = actor(u.county_a).await;
    let a1 = actor(u.town_a1).await;
    let a2 = actor(u.town_a2).await;
    let west = actor(u.county_b).await;
    let b1 = actor(u.town_b1).await;

    // 1. 肠梗阻 and dilution: dispatched Mon 28 Sep to 东城县 (deadline Fri 16 Oct: ten working
    // days, the National Day week off and Sat 10 Oct worked) with 市住建局 as co-unit.
    let (item, top) = w
        .item(
            json!({ "title": "农村危房改造", "source": "meeting", "category": "livelihood",
                    "deadline": day(10, 16),
                    "targets": [{ "name": "改造户数", "unit": "户", "value": 120 },
                                { "name": "满意率", "unit": "%", "value": 90 }] }),
            json!([{ "unit_id": o.county_a, "role": "lead",
                     "instructions": "请东城县牵头完成120户改造。" },
                   { "unit_id": o.dept, "role": "co", "instructions": "市住建局做好技术指导。" }]),
            at(9, 28, 9, 0),
        )
        .await;
    s.sign_assignment(&county, top[0], &input(json!({})), at(9, 29, 10, 0))
        .await
        .expect("county signs");
    // The county keeps it until Tue 13 Oct: seven of its ten working days (29, 30 Sep, 8, 9,
    // 10, 12, 13 Oct), and gives its townships 100 households and, for 东城A2镇, 85 %.
    let kids = s
        .decompose_assignment(
            &county,
            top[0],
            &input(json!({ "assignments": [
                { "unit_id": o.town_a1, "role": "lead", "deadline": day(10, 16),
                  "instructions": "A1镇完成60户。",
                  "targets": [{ "name": "改造户数", "unit": "户", "value": 60 },
                              { "name": "满意率", "unit": "%", "value": 90 }] },
                { "unit_id": o.town_a2, "role": "lead", "deadline": day(10, 16),
                  "instructions": "A2镇完成40户。",
                  "targets": [{ "name": "改造户数", "unit": "户", "value": 40 },
                              { "name": "满意率", "unit": "%", "value": 85 }] },
            ]})),
            at(10, 13, 10, 0),
        )
        .await
        .expect("decompose")
        .ids;
    s.sign_assignment(&a1, kids[0], &input(json!({})), at(10, 14, 9, 0))
        .await
        .expect("A1 signs");
    s.sign_assignment(&a2, kids[1], &input(json!({})), at(10, 14, 11, 0))
        .await
        .expect("A2 signs");
    // A2 asks 市住建局 for help on Thu 15 Oct; nobody answers.
    s.request_help(
        &a2,
        kids[1],
        &input(json!({ "text": "请协调危房鉴定。", "to_unit_id": o.dept })),
        at(10, 15, 10, 0),
    )
    .await
    .expect("help");
    // A1 asks for completion on Wed 21 Oct; the county accepts on Thu 22 Oct.
    let done = s
        .submit_report(
            &a1,
            kids[0],
            &input(
                json!({ "text": "60户全部完成。", "completion": true, "percent": 100,
                           "metrics": [{ "name": "改造户数", "value": 60 },
                                       { "name": "满意率", "value": 93 }] }),
            ),
            at(10, 21, 10, 0),
        )
        .await
        .expect("completion")
        .id;
    s.review_report(
        &county,
        done,
        &input(json!({ "verdict": "accept" })),
        at(10, 22, 10, 0),
    )
    .await
    .expect("accept");

    // 2. Forwarding only: 西山县 signs at 10:00 and passes the same words on at 10:20.
    let text = "请西山县牵头完成农村道路硬化20公里，按月报送进展。";
    let (fwd, fwd_top) = w
        .item(
            json!({ "title": "农村道路硬化", "source": "key_work", "category": "central_work",
                    "deadline": day(11, 13),
                    "targets": [{ "name": "硬化道路", "unit": "公里", "value": 20 }] }),
            json!([{ "unit_id": o.county_b, "role": "lead", "instructions": text }]),
            at(10, 12, 9, 0),
        )
        .await;
    s.sign_assignment(&west, fwd_top[0], &input(json!({})), at(10, 12, 10, 0))
        .await
        .expect("sign");
    s.decompose_assignment(
        &west,
        fwd_top[0],
        &input(
            json!({ "assignments": [{ "unit_id": o.town_b1, "role": "lead",
                                         "instructions": text }] }),
        ),
        at(10, 12, 10, 20),
    )
    .await
    .expect("forward");

    // 3. 层层加码, and a completion accepted short of its target: 30 km (20 × 1.5) by Fri 23
    // Oct, 15 working days short of the county's 22 left on Wed 14 Oct.
    let (more, more_top) = w
        .item(
            json!({ "title": "乡村公路养护", "source": "key_work", "category": "central_work",
                    "deadline": day(11, 13),
                    "targets": [{ "name": "养护里程", "unit": "公里", "value": 20 }] }),
            json!([{ "unit_id": o.county_b, "role": "lead", "instructions": "西山县负责养护。" }]),
            at(10, 12, 9, 30),
        )
        .await;
    s.sign_assignment(&west, more_top[0], &input(json!({})), at(10, 12, 14, 0))
        .await
        .expect("sign");
    let b = s
        .decompose_assignment(
            &west,
            more_top[0],
            &input(
                json!({ "assignments": [{ "unit_id": o.town_b1, "role": "lead",
                "deadline": day(10, 23), "instructions": "B1镇23日前完成30公里。",
                "targets": [{ "name": "养护里程", "unit": "公里", "value": 30 }] }] }),
            ),
            at(10, 14, 10, 0),
        )
        .await
        .expect("decompose")
        .ids;
    s.sign_assignment(&b1, b[0], &input(json!({})), at(10, 14, 15, 0))
        .await
        .expect("sign");
    let short = s
        .submit_report(
            &b1,
            b[0],
            &input(json!({ "text": "完成18公里。", "completion": true,
                           "metrics": [{ "name": "养护里程", "value": 18 }] })),
            at(10, 22, 9, 0),
        )
        .await
        .expect("completion")
        .id;
    // Accepting short of the target needs a reason, and a refused review changes nothing.
    let head = s.store.chain_head().await.expect("head").0;
    let refused = s
        .review_report(
            &west,
            short,
            &input(json!({ "verdict": "accept" })),
            at(10, 22, 15, 0),
        )
        .await;
    match refused {
        Err(ServiceError::Invalid(v)) => {
            assert_eq!(v.0[0].field, "comment");
            assert_eq!(v.0[0].key, "rule.shortfall_reason");
        }
        other => panic!("accepted short without a reason: {other:?}"),
    }
    assert_eq!(s.store.chain_head().await.expect("head").0, head);
    s.review_report(
        &west,
        short,
        &input(json!({ "verdict": "accept", "comment": "余下12公里并入明年计划。" })),
        at(10, 22, 15, 5),
    )
    .await
    .expect("accepted with a reason");

    // The chain of item 1 on Fri 23 Oct, 16:00.
    let now = at(10, 23, 16, 0);
    let chain = s.chain_view(&w.sup, item, now).await.expect("chain");
    let c = row(&chain, o.county_a);
    assert_eq!(hop(c, Hop::Sign), (Some(1), false)); // 28 → 29 Sep.
    assert_eq!(hop(c, Hop::Decompose), (Some(6), false)); // 30 Sep, 8, 9, 10, 12, 13 Oct.
    let t1 = row(&chain, o.town_a1);
    assert_eq!(hop(t1, Hop::Sign), (Some(1), false)); // 13 → 14 Oct.
    assert_eq!(hop(t1, Hop::FirstReport), (Some(5), false)); // 15, 16, 19, 20, 21 Oct.
    assert_eq!(hop(t1, Hop::Decision), (Some(1), false)); // 21 → 22 Oct.
    // Four working days late (19–22 Oct): the county sat one day on the completion and held
    // the work seven days before passing it down (three allowed): the township owes none.
    assert_eq!(t1.late_days, Some(4));
    let lost: Vec<(i64, i64, LostReason)> = t1
        .lost
        .iter()
        .map(|l| (l.unit_id, l.days, l.reason))
        .collect();
    assert_eq!(
        lost,
        vec![
            (o.county_a, 1, LostReason::Review),
            (o.county_a, 3, LostReason::Upstream)
        ]
    );
    // 东城A2镇 is five working days late (19–23 Oct) and has waited six (16, 19–23 Oct) on
    // 市住建局's answer: all five are the bureau's.
    let t2 = row(&chain, o.town_a2);
    assert_eq!(t2.late_days, Some(5));
    assert_eq!(hop(t2, Hop::Help), (Some(6), true));
    let lost: Vec<(i64, i64, LostReason)> = t2
        .lost
        .iter()
        .map(|l| (l.unit_id, l.days, l.reason))
        .collect();
    assert_eq!(lost, vec![(o.dept, 5, LostReason::Help)]);
    assert!(
        c.findings.contains(&FindingKind::LateHandoff),
        "{:?}",
        c.findings
    );

    // The findings of the city on that day, by score: each culprit once, nothing else.
    let found = s
        .findings(&w.sup, &input(json!({ "order": "score" })), now)
        .await
        .expect("findings");
    let mut got: Vec<(&str, i64, String)> = found
        .iter()
        .map(|f| (f.kind.as_str(), f.unit_id, f.subject.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        (FindingKind::LateHandoff.as_str(), o.county_a, String::new()),
        (
            FindingKind::TargetShrunk.as_str(),
            o.county_a,
            "改造户数".to_string(),
        ),
        (
            FindingKind::TargetShrunk.as_str(),
            o.county_a,
            "满意率".to_string(),
        ),
        (FindingKind::CoSilent.as_str(), o.dept, String::new()),
        (
            FindingKind::HelpUnanswered.as_str(),
            o.dept,
            help_id(s, item).await,
        ),
        (FindingKind::ForwardOnly.as_str(), o.county_b, String::new()),
        (
            FindingKind::TargetRaised.as_str(),
            o.county_b,
            "养护里程".to_string(),
        ),
        (
            FindingKind::DeadlineSqueezed.as_str(),
            o.county_b,
            o.town_b1.to_string(),
        ),
        (
            FindingKind::AcceptedShort.as_str(),
            o.town_b1,
            String::new(),
        ),
    ];
    want.sort();
    assert_eq!(got, want, "{found:#?}");
    let handoff = found
        .iter()
        .find(|f| f.kind == FindingKind::LateHandoff)
        .expect("late hand-off");
    assert_eq!(
        (
            &handoff.args["held"],
            &handoff.args["window"],
            &handoff.args["left"]
        ),
        (&json!(7), &json!(10), &json!(3))
    );
    assert!(
        handoff.event_seq.is_some(),
        "kept findings cite their event"
    );
    let squeeze = found
        .iter()
        .find(|f| f.kind == FindingKind::DeadlineSqueezed)
        .expect("squeeze");
    assert_eq!(
        (&squeeze.args["squeezed"], &squeeze.args["left"]),
        (&json!(15), &json!(22))
    );
    let shrunk = found
        .iter()
        .find(|f| f.kind == FindingKind::TargetShrunk && f.args["target"] == "改造户数")
        .expect("shrunk");
    assert_eq!(shrunk.args["given"], json!(100.0));
    // Units see findings of their own subtree only.
    let mine = s
        .findings(&b1, &FindingsInput::default(), now)
        .await
        .expect("findings of B1");
    let mine: Vec<(&str, i64)> = mine.iter().map(|f| (f.kind.as_str(), f.unit_id)).collect();
    assert_eq!(
        mine,
        vec![(FindingKind::AcceptedShort.as_str(), o.town_b1)],
        "B1 sees its own finding and nothing above it"
    );

    // The stall map: the county's own hops, the decision it held as the level above, and
    // the four lost days charged to it.
    let map = s
        .stall_map(&w.sup, &StallMapInput::default(), now)
        .await
        .expect("stall map");
    let cu = map
        .units
        .iter()
        .find(|x| x.unit_id == o.county_a)
        .expect("the county on the map");
    let cell = |h: Hop| cu.cells.iter().find(|c| c.hop == h).map(|c| (c.n, c.days));
    assert_eq!(cell(Hop::Sign), Some((1, 1)));
    assert_eq!(cell(Hop::Decompose), Some((1, 6)));
    assert_eq!(cell(Hop::Decision), Some((1, 1)));
    assert_eq!(cu.lost_days, 4);
    // Worst first, by lost days plus days waiting to sign now: 市住建局 has not signed its
    // co-unit part since 28 Sep (19 working days), 西山B1镇 its item since 12 Oct (9), and
    // 东城县 was charged 4 lost days.
    let order: Vec<i64> = map.units.iter().take(3).map(|x| x.unit_id).collect();
    assert_eq!(order, vec![o.dept, o.town_b1, o.county_a], "{map:#?}");
    // 西山B1镇 has not signed 农村道路硬化 since Mon 12 Oct: nine working days.
    let b1u = map
        .units
        .iter()
        .find(|x| x.unit_id == o.town_b1)
        .expect("B1");
    assert_eq!((b1u.unsigned, b1u.unsigned_days), (1, 9));
    // The same figures from the hop log (the path of the source and category filters).
    let q = ducha_store::StallQuery {
        root: w.sup.jurisdiction.clone(),
        level: None,
        month_from: None,
        month_to: None,
        source: None,
        category: None,
    };
    let mut from_sums = s.store.stall_cells(&q).await.expect("sums");
    let mut from_log = s.store.stall_cells_from_log(&q).await.expect("log");
    from_sums.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
    from_log.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
    assert_eq!(from_sums, from_log);
    assert!(!from_sums.is_empty());
    // The unfiltered map reads the sums over every month; a map from a month on reads the
    // monthly sums: from a month before any dispatch, the same cells again.
    let q_months = ducha_store::StallQuery {
        month_from: Some("2000-01".into()),
        ..q.clone()
    };
    let mut monthly = s.store.stall_cells(&q_months).await.expect("monthly");
    monthly.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
    assert_eq!(monthly, from_sums);
    // The filtered maps read the sums split by source and category: the same as the log too.
    let mut filters: Vec<(Option<String>, Option<String>)> = ducha_domain::item::Source::ALL
        .iter()
        .map(|x| (Some(x.as_str().to_string()), None))
        .collect();
    filters.push((None, Some("livelihood".into())));
    filters.push((Some("instruction".into()), Some("livelihood".into())));
    let mut filtered = 0;
    for (source, category) in filters {
        let q = ducha_store::StallQuery {
            source,
            category,
            ..q.clone()
        };
        let mut from_sums = s.store.stall_cells(&q).await.expect("sums");
        let mut from_log = s.store.stall_cells_from_log(&q).await.expect("log");
        from_sums.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
        from_log.sort_by(|a, b| (a.unit_id, &a.hop).cmp(&(b.unit_id, &b.hop)));
        assert_eq!(from_sums, from_log, "{q:?}");
        filtered += from_sums.len();
    }
    assert!(filtered > 0, "some filter keeps some cells");
    let livelihood = s
        .stall_map(&w.sup, &input(json!({ "category": "livelihood" })), now)
        .await
        .expect("filtered");
    assert!(livelihood.units.iter().all(|x| x.unit_id != o.county_b));
    assert!(
        livelihood.units.iter().any(|x| x.unit_id == o.county_a),
        "{livelihood:#?}"
    );
    // The other filters narrow the same map: a level, the months of dispatch, a source.
    let counties = s
        .stall_map(&w.sup, &input(json!({ "level": 2 })), now)
        .await
        .expect("level");
    assert!(counties.units.iter().any(|x| x.unit_id == o.county_a));
    assert!(counties.units.iter().all(|x| x.level == 2), "{counties:#?}");
    let later = s
        .stall_map(&w.sup, &input(json!({ "from": "2026-11" })), now)
        .await
        .expect("months");
    assert!(
        later.units.is_empty(),
        "nothing was dispatched after October"
    );
    let sept = s
        .stall_map(
            &w.sup,
            &input(json!({ "from": "2026-09", "to": "2026-10" })),
            now,
        )
        .await
        .expect("months");
    assert_eq!(sept.total_units, map.total_units);
    let none = s
        .stall_map(&w.sup, &input(json!({ "source": "cppcc_proposal" })), now)
        .await
        .expect("source");
    assert!(none.units.is_empty(), "{none:#?}");

    // A replay of the log gives the same tables as the commands kept.
    let stored = s.analytics_tables().await.expect("stored");
    let (_, replayed) = s
        .replay_analytics(&mut |_, _, _| {}, false)
        .await
        .expect("replay");
    assert_eq!(stored, replayed);
    assert!(!stored.findings.is_empty() && !stored.log.is_empty());

    // The rebuild writes what the replay gives (its bulk write drops the tables' indexes and
    // foreign keys and makes them again): the same tables and the same schema afterwards.
    let schema = derived_schema(app).await;
    assert!(schema.len() >= 10, "{schema:#?}");
    let stats = s
        .rebuild_analytics(&mut |_, _, _| {})
        .await
        .expect("rebuild");
    assert_eq!(stats.findings, stored.findings.len());
    assert_eq!(s.analytics_tables().await.expect("rebuilt"), stored);
    assert_eq!(derived_schema(app).await, schema);
    let _ = (fwd, more);
}

/// The derived tables' (and the facts') indexes and foreign keys as the database defines them.
async fn derived_schema(app: &TestApp) -> Vec<String> {
    use crate::helpers::Db;
    // With the assessment's facts, whose indexes PostgreSQL's rebuild drops and makes again.
    let tables = "('hop_facts', 'hop_log', 'stall_stats', 'stall_kinds', 'stall_totals', \
                  'findings', 'score_facts')";
    match &app.db {
        Db::Sqlite { store, .. } => sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
            "SELECT name || ': ' || COALESCE(sql, '') FROM sqlite_master \
             WHERE type = 'index' AND tbl_name IN {tables} \
             UNION ALL SELECT m.name || ' -> ' || f.\"table\" || '.' || f.\"to\" \
             FROM sqlite_master m, pragma_foreign_key_list(m.name) f \
             WHERE m.type = 'table' AND m.name IN {tables} ORDER BY 1"
        )))
        .fetch_all(store.raw_pool())
        .await
        .expect("SQLite schema"),
        Db::Postgres { store, .. } => {
            sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(format!(
                "SELECT indexname || ': ' || indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename IN {tables} \
             UNION ALL SELECT c.conname || ': ' || pg_get_constraintdef(c.oid) \
             FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid \
             WHERE r.relname IN {tables} AND r.relnamespace = current_schema()::regnamespace \
             ORDER BY 1"
            )))
            .fetch_all(store.raw_pool())
            .await
            .expect("PostgreSQL schema")
        }
    }
}

async fn analytics_api_and_pages(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let town = app.login("town_b1").await;
    let leader = app.login("leader").await;
    let (item, _) = crate::helpers::dispatched_item(
        &sup,
        &leader,
        "老旧小区改造",
        crate::helpers::in_days(30),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    // The chain through the API.
    let chain = sup.get(&format!("/items/{item}/chain")).await.ok();
    assert_eq!(chain["rows"][0]["unit_id"], json!(o.county_a));
    assert_eq!(chain["rows"][0]["hops"][0]["hop"], json!("sign"));
    assert_eq!(chain["rows"][0]["hops"][0]["running"], json!(true));
    // Another county's township does not see it at all.
    town.get(&format!("/items/{item}/chain"))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    // Findings and the stall map: translated, validated, scoped.
    let list = sup.get("/analytics/findings").await.ok();
    assert!(list.is_array());
    let e = sup.get("/analytics/findings?group=bogus").await;
    crate::helpers::assert_fields(
        &e.error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation.unknown_choice",
        ),
        &[("group", "validation.unknown_choice")],
    );
    let e = sup.get("/analytics/stall-map?from=2026-13").await;
    crate::helpers::assert_fields(
        &e.error(StatusCode::UNPROCESSABLE_ENTITY, "validation.invalid_value"),
        &[("from", "validation.invalid_value")],
    );
    let map = sup.get("/analytics/stall-map").await.ok();
    assert_eq!(map["hops"][0], json!("sign"));
    let unsigned: Vec<i64> = map["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter(|u| u["unsigned"].as_i64() > Some(0))
        .filter_map(|u| u["unit_id"].as_i64())
        .collect();
    assert_eq!(unsigned, vec![o.county_a]);
    // A unit outside the reader's scope is not found; admins see no business data.
    town.get(&format!("/analytics/units/{}/assignments", o.county_a))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    let drill = sup
        .get(&format!("/analytics/units/{}/assignments", o.county_a))
        .await
        .ok();
    assert_eq!(drill["rows"][0]["item_id"], json!(item));
    assert_eq!(drill["rows"][0]["signing"], json!(true));
    // An assignment refused and withdrawn is no longer the unit's: it leaves the unit's
    // figures and its drill-down, and is not waiting to be signed.
    let county_b = app.login("county_b").await;
    let (_, refused) = crate::helpers::dispatched_item(
        &sup,
        &leader,
        "背街小巷改造",
        crate::helpers::in_days(30),
        json!([{ "unit_id": o.county_b, "role": "lead" }]),
    )
    .await;
    let refusal = crate::helpers::id(
        &county_b
            .post(
                &format!("/assignments/{}/refuse", refused[0]),
                json!({ "text": "该事项不属于本县职责" }),
            )
            .await
            .ok(),
    );
    sup.post(
        &format!("/refusals/{refusal}/decide"),
        json!({ "approve": true, "comment": "情况属实，予以退回" }),
    )
    .await
    .ok();
    let drill = sup
        .get(&format!("/analytics/units/{}/assignments", o.county_b))
        .await
        .ok();
    assert_eq!(drill["rows"], json!([]), "the withdrawn assignment is gone");
    let map = sup.get("/analytics/stall-map").await.ok();
    assert!(
        map["units"]
            .as_array()
            .expect("units")
            .iter()
            .all(|u| u["unit_id"] != json!(o.county_b)),
        "{map}"
    );
    let admin = app.login("sysadmin").await;
    admin
        .get("/analytics/findings")
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    // The pages and their exports.
    for path in [
        "/analytics",
        "/analytics/stall-map?level=2",
        "/analytics/findings?group=stall",
        &format!("/analytics/units/{}", o.county_a),
        &format!("/items/{item}"),
    ] {
        let (status, html) = sup.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(html.contains("链条分析"), "{path}");
    }
    // A township's tabs on the analytics and assessment pages lead to pages it may read,
    // never to a refusal.
    let mut tabs = Vec::new();
    for path in [
        "/analytics/stall-map".to_string(),
        "/analytics/findings".to_string(),
        "/assessment/appeals".to_string(),
        format!("/assessment/units/{}", o.town_b1),
    ] {
        let (status, html) = town.page(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let mut rest = html.as_str();
        while let Some(start) = rest.find("<nav class=\"tabs\"") {
            let end = rest[start..]
                .find("</nav>")
                .map_or(rest.len(), |e| start + e);
            for part in rest[start..end].split("href=\"").skip(1) {
                let href = part.split('"').next().unwrap_or_default();
                if !tabs.iter().any(|t: &(String, String)| t.1 == href) {
                    tabs.push((path.clone(), href.to_string()));
                }
            }
            rest = &rest[end..];
        }
    }
    assert!(tabs.len() >= 4, "{tabs:?}");
    for (on, href) in &tabs {
        let (status, _) = town.page(href).await;
        assert_eq!(status, StatusCode::OK, "the tab {href} on {on}");
    }
    let (status, html) = sup.page("/analytics/stall-map?level=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = ducha_domain::i18n::t("validation.invalid_value", ducha_domain::i18n::Lang::ZhCn);
    assert!(html.contains(message), "the level's error is shown: {html}");
    for path in [
        "/analytics/stall-map/export.xlsx",
        "/analytics/findings/export.xlsx",
    ] {
        let (status, headers, bytes) = sup.fetch(path, &[]).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        let kind = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(kind.contains("spreadsheetml"), "{path}: {kind}");
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("a workbook");
        use calamine::Reader;
        let sheet = book
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("readable");
        assert!(sheet.height() >= 1, "{path}");
    }
}
