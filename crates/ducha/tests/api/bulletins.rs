//! Bulletins (督查通报) on a fixed calendar: September and October 2026 played through the use
//! cases; the September bulletin drafted, approved and published with its number, the units it
//! names notified, then refused every change; the October bulletin saying what changed since
//! September, sent back once, approved, published as number 2, and its Word document converted
//! by LibreOffice with the title, number and page number "— 1 —" in the PDF; its figures checked
//! against the database.

use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use ducha_domain::i18n::Lang;
use ducha_service::ServiceError;
use ducha_service::bulletins::{DraftInput, EditInput, ReturnInput};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::Digest;

crate::on_both_backends!(
    september_and_october_bulletins,
    bulletin_pages,
    praise_and_criticism_scored
);

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

fn invalid<T: std::fmt::Debug>(r: Result<T, ServiceError>, key: &str) {
    match r {
        Err(ServiceError::Invalid(v)) => {
            assert!(v.0.iter().any(|f| f.key == key), "{key} in {v:?}")
        }
        other => panic!("expected {key}, got {other:?}"),
    }
}

/// An item dispatched to `unit` as lead on `on`, due `due`; returns the top assignment.
async fn dispatched(
    app: &TestApp,
    title: &str,
    unit: i64,
    on: DateTime<Utc>,
    due: NaiveDate,
) -> i64 {
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
    s.dispatch_item(
        &sup,
        item,
        &input(json!({ "assignments": [{ "unit_id": unit, "role": "lead" }] })),
        on + chrono::Duration::hours(1),
    )
    .await
    .expect("dispatch")
    .ids[0]
}

/// The unit's liaison signs, asks for completion and the office accepts, all on `on`.
async fn completed(app: &TestApp, liaison: i64, assignment: i64, on: DateTime<Utc>) {
    let s = &app.services;
    let sup = s.actor(app.org.users.sup).await.expect("sup");
    let unit = s.actor(liaison).await.expect("liaison");
    s.sign_assignment(&unit, assignment, &input(json!({})), on)
        .await
        .expect("sign");
    let r = s
        .submit_report(
            &unit,
            assignment,
            &input(json!({ "text": "已完成", "completion": true })),
            on + chrono::Duration::hours(1),
        )
        .await
        .expect("completion")
        .id;
    s.review_report(
        &sup,
        r,
        &input(json!({ "verdict": "accept" })),
        on + chrono::Duration::hours(2),
    )
    .await
    .expect("accept");
}

async fn september_and_october_bulletins(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let sup = s.actor(u.sup).await.expect("sup");
    let leader = s.actor(u.leader).await.expect("leader");
    let county_b = s.actor(u.county_b).await.expect("county b");

    // September: 东城县 finishes on time; 西山县's item is still open at the end of the month.
    let a = dispatched(app, "背街小巷整治", o.county_a, at(9, 1, 9), day(9, 18)).await;
    completed(app, u.county_a, a, at(9, 17, 9)).await;
    let b = dispatched(app, "农贸市场改造", o.county_b, at(9, 1, 9), day(9, 25)).await;
    // October: 东城县 and 西山县 finish on time; 西山县's September item is finished late;
    // 市住建局's item is overdue at the end of the month.
    let c = dispatched(app, "口袋公园建设", o.county_a, at(10, 9, 9), day(10, 20)).await;
    let e = dispatched(app, "路灯维修", o.county_b, at(10, 9, 9), day(10, 16)).await;
    let _d = dispatched(app, "燃气管道排查", o.dept, at(10, 9, 9), day(10, 23)).await;

    // An orange notice on 西山县's overdue item prints as a 公文 of its colour.
    let notice = s
        .issue_notice(
            &sup,
            b,
            &input(
                json!({ "level": "orange", "requirement": "请于三个工作日内办结并书面说明逾期原因" }),
            ),
            at(9, 28, 9),
        )
        .await
        .expect("orange notice")
        .id;
    let (_, docx) = s
        .notice_docx(&sup, notice, Lang::ZhCn)
        .await
        .expect("notice docx");
    crate::office::check_docx_text(
        &docx,
        &[
            "督办通知单",
            "（橙色预警）",
            "西山县",
            "请于三个工作日内办结",
        ],
    );
    assert!(matches!(
        s.notice_docx(&s.actor(u.county_a).await.expect("a"), notice, Lang::ZhCn)
            .await,
        Err(ServiceError::NotFound)
    ));

    // The September bulletin, drafted on Fri 9 Oct before anything of October was finished.
    let sept = s
        .draft_bulletin(
            &sup,
            &DraftInput {
                kind: "monthly".into(),
                period: "2026-09".into(),
                good_practice: "东城县建立周调度机制。".into(),
                criticism: String::new(),
                corrects_id: None,
                praised_unit_ids: vec![],
                criticised_unit_ids: vec![],
            },
            at(10, 9, 10),
        )
        .await
        .expect("draft september")
        .id;
    // Who may not: a unit's liaison drafts nothing and does not see a draft.
    assert!(matches!(
        s.draft_bulletin(
            &county_b,
            &input(json!({ "kind": "monthly", "period": "2026-09" })),
            at(10, 9, 10)
        )
        .await,
        Err(ServiceError::Forbidden)
    ));
    assert!(matches!(
        s.bulletin(&county_b, sept, Lang::ZhCn).await,
        Err(ServiceError::NotFound)
    ));
    // A period not begun, or of the wrong shape, is refused.
    invalid(
        s.draft_bulletin(
            &sup,
            &input(json!({ "kind": "monthly", "period": "2026-12" })),
            at(10, 9, 10),
        )
        .await,
        "validation.bulletin_period",
    );
    invalid(
        s.draft_bulletin(
            &sup,
            &input(json!({ "kind": "quarterly", "period": "2026-09" })),
            at(10, 9, 10),
        )
        .await,
        "validation.bulletin_period",
    );
    let v = s.bulletin(&sup, sept, Lang::ZhCn).await.expect("view");
    assert_eq!((v.figures.due(), v.figures.on_time()), (2, 1));
    assert_eq!(v.figures.on_time_rate(), Some(50.0));
    let black: Vec<&str> = v
        .figures
        .black_list()
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(black, ["西山县"]);
    assert_eq!(v.bulletin.number, None);
    assert!(v.can_edit && !v.can_publish);

    // The office cannot approve, the leader cannot publish.
    assert!(matches!(
        s.approve_bulletin(&sup, sept, at(10, 9, 11)).await,
        Err(ServiceError::Forbidden)
    ));
    s.submit_bulletin(&sup, sept, at(10, 9, 11))
        .await
        .expect("submit");
    s.approve_bulletin(&leader, sept, at(10, 9, 14))
        .await
        .expect("approve");
    assert!(matches!(
        s.publish_bulletin(&leader, sept, at(10, 9, 15)).await,
        Err(ServiceError::Forbidden)
    ));
    let published = s
        .publish_bulletin(&sup, sept, at(10, 9, 15))
        .await
        .expect("publish");
    let v = s.bulletin(&sup, sept, Lang::ZhCn).await.expect("view");
    assert_eq!(v.bulletin.number.as_deref(), Some("督查通报〔2026〕1号"));
    assert_eq!(v.bulletin.state, "published");
    // The event records the number; the units named were notified with it.
    let ev = app
        .db
        .text(&format!(
            "SELECT kind || ' ' || payload FROM events WHERE seq = {}",
            published.event_seq
        ))
        .await;
    assert!(ev.starts_with("bulletin.published"), "{ev}");
    assert!(ev.contains("\"number\":1"), "{ev}");
    let inbox = s
        .inbox(&county_b, ducha_domain::i18n::Lang::ZhCn, None, 20)
        .await
        .expect("inbox");
    assert!(
        inbox
            .notifications
            .iter()
            .any(|n| n.title.contains("督查通报〔2026〕1号")
                && n.link.as_deref() == Some(&format!("/bulletins/{sept}"))),
        "{:?}",
        inbox.notifications
    );
    // Now the named unit reads it; nobody changes it, not even the database's own writer.
    s.bulletin(&county_b, sept, Lang::ZhCn)
        .await
        .expect("published is read");
    invalid(
        s.edit_bulletin(
            &sup,
            sept,
            &EditInput {
                praised_unit_ids: vec![],
                criticised_unit_ids: vec![],
                title: "改".into(),
                good_practice: String::new(),
                criticism: String::new(),
                refresh: false,
                version: v.version,
            },
            at(10, 9, 16),
        )
        .await,
        "validation.bulletin_published",
    );
    assert!(
        app.db
            .exec(&format!(
                "UPDATE bulletins SET title = 'x' WHERE id = {sept}"
            ))
            .await
            .is_err()
    );
    assert!(
        app.db
            .exec(&format!("DELETE FROM bulletins WHERE id = {sept}"))
            .await
            .is_err()
    );

    // October.
    completed(app, u.county_a, c, at(10, 19, 9)).await;
    completed(app, u.county_b, e, at(10, 15, 9)).await;
    completed(app, u.county_b, b, at(10, 22, 9)).await;
    let oct = s
        .draft_bulletin(
            &sup,
            &input(json!({ "kind": "monthly", "period": "2026-10" })),
            at(11, 3, 10),
        )
        .await
        .expect("draft october")
        .id;
    let v = s.bulletin(&sup, oct, Lang::ZhCn).await.expect("view");
    let text: String = v
        .sections
        .iter()
        .flat_map(|s| s.paragraphs.iter().cloned())
        .collect();
    assert!(
        text.contains("按时办结率66.7%，比上期提高16.7个百分点"),
        "{text}"
    );
    assert!(text.contains("退出黑榜：西山县"), "{text}");
    assert!(text.contains("市住建局（逾期未办结1项"), "{text}");
    // The figures match the database: October's deadlines of the city's top-level assignments.
    let due = app
        .db
        .text(
            "SELECT CAST(COUNT(*) AS TEXT) FROM assignments WHERE parent_id IS NULL \
             AND deadline >= '2026-10-01' AND deadline <= '2026-10-31'",
        )
        .await;
    assert_eq!(due, v.figures.due().to_string());
    let open = app
        .db
        .text(
            "SELECT CAST(COUNT(*) AS TEXT) FROM assignments WHERE parent_id IS NULL \
             AND deadline <= '2026-10-31' AND completed_at IS NULL",
        )
        .await;
    assert_eq!(open, v.figures.overdue_open().to_string());

    // Sent back with a remark, edited, approved, published as number 2.
    s.submit_bulletin(&sup, oct, at(11, 3, 11))
        .await
        .expect("submit");
    invalid(
        s.return_bulletin(&leader, oct, &ReturnInput::default(), at(11, 3, 14))
            .await,
        "validation.required",
    );
    s.return_bulletin(
        &leader,
        oct,
        &ReturnInput {
            remark: "请补充典型做法".into(),
        },
        at(11, 3, 14),
    )
    .await
    .expect("return");
    let v = s.bulletin(&sup, oct, Lang::ZhCn).await.expect("view");
    assert_eq!(
        (v.bulletin.state.as_str(), v.remark.as_str()),
        ("draft", "请补充典型做法")
    );
    s.edit_bulletin(
        &sup,
        oct,
        &EditInput {
            praised_unit_ids: vec![],
            criticised_unit_ids: vec![],
            title: v.bulletin.title.clone(),
            good_practice: "东城县口袋公园提前一天建成。".into(),
            criticism: "市住建局燃气管道排查逾期，责成说明情况。".into(),
            refresh: true,
            version: v.version,
        },
        at(11, 4, 9),
    )
    .await
    .expect("edit");
    s.submit_bulletin(&sup, oct, at(11, 4, 10))
        .await
        .expect("submit");
    s.approve_bulletin(&leader, oct, at(11, 4, 14))
        .await
        .expect("approve");
    s.publish_bulletin(&sup, oct, at(11, 4, 15))
        .await
        .expect("publish");
    let (name, docx) = s.bulletin_docx(&sup, oct, Lang::ZhCn).await.expect("docx");
    assert!(name.ends_with(".docx"), "{name}");
    if let Some((pdf, fonts)) = crate::office::docx_pdf_text(&docx) {
        for t in [
            "青山市督查通报",
            "督查通报〔2026〕2号",
            "—1—",
            "按时办结率66.7%",
            "东城县口袋公园提前一天建成。",
            "市住建局燃气管道排查逾期",
        ] {
            assert!(pdf.contains(t), "the PDF says {t}: {pdf}");
        }
        assert!(fonts.contains("CJK") || fonts.contains("Noto"), "{fonts}");
    }
    // The PDF the server makes (the .docx with its charts, converted by LibreOffice): every
    // CJK face embedded, the title and number, both charts, and the figures the database
    // holds (counted here, not by the generator).
    match s.bulletin_pdf(&sup, oct, Lang::ZhCn).await {
        Err(ServiceError::Unavailable(key)) if !crate::office::soffice_present() => {
            let ci = std::env::var("CI");
            assert_ne!(
                ci.as_deref(),
                Ok("true"),
                "LibreOffice is required under CI=true"
            );
            assert_eq!(key, "bulletin.pdf_unavailable");
        }
        r => {
            let (name, pdf) = r.expect("the PDF");
            assert!(name.ends_with(".pdf"), "{name}");
            let (text, fonts, images) = crate::office::pdf_text(&pdf);
            let cjk: Vec<&str> = fonts.lines().filter(|l| l.contains("CJK")).collect();
            assert!(!cjk.is_empty(), "{fonts}");
            for l in &cjk {
                let cols: Vec<&str> = l.split_whitespace().collect();
                // name type… encoding emb sub uni object-id generation
                assert_eq!(cols[cols.len() - 5], "yes", "embedded: {l}");
            }
            assert_eq!(images, 2, "both charts are in the PDF");
            let on_time = app
                .db
                .text(
                    "SELECT CAST(COUNT(*) AS TEXT) FROM assignments WHERE parent_id IS NULL \
                     AND deadline >= '2026-10-01' AND deadline <= '2026-10-31' \
                     AND completed_at IS NOT NULL \
                     AND substr(CAST(completed_at AS TEXT), 1, 10) <= CAST(deadline AS TEXT)",
                )
                .await;
            for t in [
                "青山市督查通报".to_string(),
                "督查通报〔2026〕2号".into(),
                format!("本期到期{due}项，按期办结{on_time}项"),
                format!("期末逾期未办结{open}项"),
                "图1各单位按时办结率和办结率".into(),
                "图2按时办结率走势".into(),
            ] {
                assert!(text.contains(&t), "the PDF says {t}: {text}");
            }
            // Published, it is converted once and kept: asked again, the same bytes (a
            // conversion stamps its own time and document id), recorded with their SHA-256.
            let (_, again) = s.bulletin_pdf(&sup, oct, Lang::ZhCn).await.expect("again");
            assert!(again == pdf, "a published bulletin's PDF is served as kept");
            let kept = |lang: &str| {
                format!(
                    "SELECT sha256 FROM bulletin_pdfs WHERE bulletin_id = {oct} AND lang = '{lang}'"
                )
            };
            let sha = |b: &[u8]| ducha_domain::chain::hex(&sha2::Sha256::digest(b));
            assert_eq!(app.db.text(&kept("zh-CN")).await, sha(&pdf));
            // Two first requests at once (English, not kept yet): one conversion wins, both
            // answers are the kept bytes, and one PDF is kept.
            let (a, b) = tokio::join!(
                s.bulletin_pdf(&county_b, oct, Lang::En),
                s.bulletin_pdf(&sup, oct, Lang::En)
            );
            let (a, b) = (a.expect("first").1, b.expect("second").1);
            assert!(a == b, "both first requests answer the same PDF");
            assert_eq!(app.db.text(&kept("en")).await, sha(&a));
            let rows = format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM bulletin_pdfs WHERE bulletin_id = {oct}"
            );
            assert_eq!(app.db.text(&rows).await, "2");
        }
    }
    // A correction is a new bulletin citing the old one; only a published one is corrected.
    invalid(
        s.draft_bulletin(
            &sup,
            &input(json!({ "kind": "monthly", "period": "2026-09", "corrects_id": oct })),
            at(11, 5, 9),
        )
        .await,
        "validation.bulletin_corrects",
    );
    let fix = s
        .draft_bulletin(
            &sup,
            &input(json!({ "kind": "monthly", "period": "2026-10", "corrects_id": oct })),
            at(11, 5, 9),
        )
        .await
        .expect("correction")
        .id;
    let v = s.bulletin(&sup, fix, Lang::ZhCn).await.expect("view");
    assert_eq!(v.bulletin.corrects.as_deref(), Some("督查通报〔2026〕2号"));
    // A draft's PDF is made on request and never kept (it may still change), nor once it
    // waits for the leader: only a published bulletin's PDF is stored.
    let kept_of_fix =
        format!("SELECT CAST(COUNT(*) AS TEXT) FROM bulletin_pdfs WHERE bulletin_id = {fix}");
    for submitted in [false, true] {
        if submitted {
            s.submit_bulletin(&sup, fix, at(11, 5, 10))
                .await
                .expect("submit the correction");
        }
        match s.bulletin_pdf(&sup, fix, Lang::ZhCn).await {
            Err(ServiceError::Unavailable(key)) if !crate::office::soffice_present() => {
                assert_eq!(key, "bulletin.pdf_unavailable");
            }
            r => {
                let (name, pdf) = r.expect("the draft's PDF");
                assert!(name.ends_with(".pdf") && pdf.starts_with(b"%PDF"), "{name}");
            }
        }
        assert_eq!(
            app.db.text(&kept_of_fix).await,
            "0",
            "submitted: {submitted}"
        );
    }
    // The list: the office sees all three, the county the two published.
    assert_eq!(s.bulletins(&sup, Lang::ZhCn).await.expect("list").len(), 3);
    let english = s.bulletins(&county_b, Lang::En).await.expect("list");
    assert_eq!(english.len(), 2);
    // Each reader's language: the periods named in English for an English reader.
    assert!(
        english.iter().all(|b| b.period_label.ends_with(" 2026")),
        "{english:?}"
    );
}

/// The pages: the office drafts from the list (refused without the CSRF token or with a
/// period not begun), submits; the leader approves; the office publishes; the Word file
/// downloads; a unit's liaison reads the published one and has no buttons.
async fn bulletin_pages(app: &TestApp) {
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (status, page) = sup.page("/bulletins").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("new-bulletin"), "the office may draft");
    let (_, page) = county.page("/bulletins").await;
    assert!(!page.contains("new-bulletin"), "a liaison may not");
    let period = (ducha_service::now() - chrono::Duration::days(40))
        .format("%Y-%m")
        .to_string();
    let fields = [("kind", "monthly"), ("period", period.as_str())];
    assert_eq!(
        sup.form("/bulletins", &fields, false).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.db
            .text("SELECT CAST(COUNT(*) AS TEXT) FROM bulletins")
            .await,
        "0"
    );
    let (status, page) = sup
        .form_page("/bulletins", &[("kind", "monthly"), ("period", "2099-01")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("通报期间须为"), "{page}");
    let (status, page) = sup
        .form_page(
            "/bulletins",
            &[
                ("kind", "monthly"),
                ("period", period.as_str()),
                ("good_practice", "建立周调度机制"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("通报草稿已生成") && page.contains("建立周调度机制"),
        "{page}"
    );
    let id: i64 = app
        .db
        .text("SELECT CAST(MAX(id) AS TEXT) FROM bulletins")
        .await
        .parse()
        .expect("id");
    assert_eq!(
        county.page(&format!("/bulletins/{id}")).await.0,
        StatusCode::NOT_FOUND
    );
    let (status, page) = sup.form_page(&format!("/bulletins/{id}/submit"), &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("已送领导签发"), "{page}");
    let (_, page) = leader.page(&format!("/bulletins/{id}")).await;
    assert!(page.contains("approve-bulletin"), "{page}");
    leader
        .form_page(&format!("/bulletins/{id}/approve"), &[])
        .await;
    let (_, page) = sup
        .form_page(&format!("/bulletins/{id}/publish"), &[])
        .await;
    assert!(
        page.contains("通报已印发") && page.contains("督查通报〔"),
        "{page}"
    );
    let (status, headers, body) = sup
        .fetch(&format!("/bulletins/{id}/bulletin.docx"), &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap_or("")
            .contains("wordprocessingml")
    );
    assert!(body.starts_with(b"PK"), "a zip package");
    let (status, page) = county.page(&format!("/bulletins/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("publish-bulletin") && !page.contains("edit-bulletin"));
}

/// The units a bulletin praises (通报表扬) and criticises (通报批评): named by id within the
/// jurisdiction (a unit outside it, unknown, or named in both lists is refused and nothing
/// changes), counting nothing while the bulletin is a draft; once published, each has a line of
/// the assessment for the period of the publication, citing the publication's event, and the
/// facts kept are those the rows give.
async fn praise_and_criticism_scored(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let sup = s.actor(u.sup).await.expect("sup");
    let leader = s.actor(u.leader).await.expect("leader");
    let _a = dispatched(app, "背街小巷整治", o.county_a, at(10, 9, 9), day(10, 20)).await;
    let draft = |praised: Vec<i64>, criticised: Vec<i64>| DraftInput {
        kind: "monthly".into(),
        period: "2026-10".into(),
        good_practice: "东城县建立周调度机制。".into(),
        criticism: "西山县进展滞后。".into(),
        corrects_id: None,
        praised_unit_ids: praised,
        criticised_unit_ids: criticised,
    };
    let count = || async { s.bulletins(&sup, Lang::ZhCn).await.expect("list").len() };
    // Refused: the jurisdiction itself, a unit that does not exist, one in both lists, one
    // twice; no draft is made.
    for (input, field, key) in [
        (
            draft(vec![o.city], vec![]),
            "praised_unit_ids",
            "validation.unknown_unit",
        ),
        (
            draft(vec![], vec![999_999]),
            "criticised_unit_ids",
            "validation.unknown_unit",
        ),
        (
            draft(vec![o.county_a], vec![o.county_a]),
            "criticised_unit_ids",
            "validation.bulletin_mention_both",
        ),
        (
            draft(vec![o.county_a, o.county_a], vec![]),
            "praised_unit_ids",
            "rule.duplicate_unit",
        ),
    ] {
        match s.draft_bulletin(&sup, &input, at(11, 2, 9)).await {
            Err(ServiceError::Invalid(v)) => assert!(
                v.0.iter().any(|f| f.field == field && f.key == key),
                "{field} {key} in {v:?}"
            ),
            other => panic!("expected {key}, got {other:?}"),
        }
    }
    assert_eq!(count().await, 0, "nothing drafted");

    let id = s
        .draft_bulletin(&sup, &draft(vec![o.county_a], vec![o.dept]), at(11, 2, 9))
        .await
        .expect("draft")
        .id;
    let v = s.bulletin(&sup, id, Lang::ZhCn).await.expect("view");
    assert_eq!(
        v.praised.iter().map(|m| m.unit_id).collect::<Vec<_>>(),
        vec![o.county_a]
    );
    assert!(v.candidates.iter().any(|c| c.unit_id == o.county_b));
    // An edit names 西山县 instead of 市住建局; one naming a unit outside the jurisdiction
    // changes nothing.
    let edit = |version: i64, criticised: Vec<i64>| EditInput {
        title: v.bulletin.title.clone(),
        good_practice: v.good_practice.clone(),
        criticism: v.criticism.clone(),
        praised_unit_ids: vec![o.county_a],
        criticised_unit_ids: criticised,
        refresh: false,
        version,
    };
    invalid(
        s.edit_bulletin(&sup, id, &edit(v.version, vec![o.city]), at(11, 2, 10))
            .await,
        "validation.unknown_unit",
    );
    s.edit_bulletin(&sup, id, &edit(v.version, vec![o.county_b]), at(11, 2, 10))
        .await
        .expect("edit");
    let v = s.bulletin(&sup, id, Lang::ZhCn).await.expect("view");
    let names = |m: &[ducha_service::bulletins::MentionedUnit]| {
        m.iter().map(|m| m.unit_id).collect::<Vec<_>>()
    };
    assert_eq!(
        (names(&v.praised), names(&v.criticised)),
        (vec![o.county_a], vec![o.county_b])
    );
    // Shown on the bulletin, after the office's words.
    let headings: Vec<&str> = v.sections.iter().map(|x| x.heading.as_str()).collect();
    assert!(
        headings.ends_with(&["典型做法", "存在问题", "通报表扬", "通报批评"]),
        "{headings:?}"
    );

    // A draft (and a submitted, an approved bulletin) counts nothing.
    let lines = |unit: i64, period: &'static str| async move {
        s.score_card(&sup_of(app).await, None, unit, period, at(11, 20, 9))
            .await
            .expect("card")
            .lines
            .into_iter()
            .filter(|l| l.line.item_id == 0)
            .map(|l| (l.line.rule_id.clone(), l.value, l.line.events.clone()))
            .collect::<Vec<_>>()
    };
    s.submit_bulletin(&sup, id, at(11, 3, 9))
        .await
        .expect("submit");
    s.approve_bulletin(&leader, id, at(11, 3, 9))
        .await
        .expect("approve");
    assert!(lines(o.county_a, "2026-11").await.is_empty());
    assert!(lines(o.county_b, "2026-11").await.is_empty());

    // Published on 3 November: 东城县 +1, 西山县 −2 in November, citing the publication.
    let published = s
        .publish_bulletin(&sup, id, at(11, 3, 10))
        .await
        .expect("publish")
        .event_seq;
    assert_eq!(
        lines(o.county_a, "2026-11").await,
        vec![("bulletin-praise".to_string(), 1.0, vec![published])]
    );
    assert_eq!(
        lines(o.county_b, "2026-11").await,
        vec![("bulletin-criticism".to_string(), -2.0, vec![published])]
    );
    assert!(lines(o.dept, "2026-11").await.is_empty(), "no longer named");
    // Each line leads to the bulletin: in the card's data and on the card page.
    let card = s
        .score_card(
            &sup_of(app).await,
            None,
            o.county_b,
            "2026-11",
            at(11, 20, 9),
        )
        .await
        .expect("card");
    let bulletin_lines: Vec<Option<i64>> = card
        .lines
        .iter()
        .filter(|l| l.line.item_id == 0)
        .map(|l| l.bulletin_id)
        .collect();
    assert_eq!(bulletin_lines, vec![Some(id)]);
    let (status, html) = app
        .login("county_b")
        .await
        .page(&format!("/assessment/units/{}?period=2026-11", o.county_b))
        .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    assert!(
        html.contains(&format!(
            "<a class=\"event-link\" href=\"/bulletins/{id}\">#{published}</a>"
        )),
        "the criticism's event links to its bulletin"
    );
    assert!(
        lines(o.county_a, "2026-10").await.is_empty(),
        "counted when published"
    );
    // Frozen with the bulletin.
    invalid(
        s.edit_bulletin(&sup, id, &edit(v.version, vec![o.dept]), at(11, 4, 9))
            .await,
        "validation.bulletin_published",
    );

    // The facts kept are those the rows give, and a rebuild derives the same.
    let store = app.db.store();
    let city = store
        .unit(o.city)
        .await
        .expect("read")
        .expect("city")
        .path
        .0;
    assert!(
        crate::assessment::facts_kept_exactly(store.as_ref(), std::slice::from_ref(&city), 2026)
            .await
            > 0
    );
    s.rebuild_analytics(&mut |_, _, _| {})
        .await
        .expect("rebuild");
    crate::assessment::facts_kept_exactly(store.as_ref(), &[city], 2026).await;
    assert_eq!(
        lines(o.county_a, "2026-11").await,
        vec![("bulletin-praise".to_string(), 1.0, vec![published])]
    );
}

async fn sup_of(app: &TestApp) -> ducha_domain::org::Actor {
    app.services.actor(app.org.users.sup).await.expect("sup")
}
