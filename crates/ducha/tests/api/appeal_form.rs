//! The appeal form (申辩) as a browser posts it: multipart, with evidence files, checked like
//! the report form (token first, files within limits, types by content); a refused appeal
//! writes nothing, not even its files; the office's queue shows the contested line and opens
//! the evidence.

use crate::evidence::png;
use crate::helpers::{Session, TestApp, spawn_app_with};
use ducha_domain::assessment::FactKind;
use ducha_domain::i18n::{Lang, t};
use ducha_service::Config;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The largest file the test server takes: small, so a file above it is cheap to send.
const MAX: usize = 64 * 1024;

macro_rules! appeal_stories {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let (app, _dir) = super::start(crate::helpers::Db::sqlite().await).await;
                super::$story(&app).await;
                app.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(url) = crate::helpers::pg_url(module_path!()) else {
                    return;
                };
                let (app, _dir) = super::start(crate::helpers::Db::postgres(&url).await).await;
                super::$story(&app).await;
                app.finish().await;
            }
        }
    )*};
}

appeal_stories!(appeal_form_carries_evidence);

async fn start(db: crate::helpers::Db) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("evidence directory");
    let mut config = Config::default();
    config.evidence.dir = dir.path().to_path_buf();
    config.evidence.max_bytes = MAX as u64;
    (spawn_app_with(db, config).await, dir)
}

fn input<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("input")
}

/// A multipart body: the token first (when given), then text fields, then files `files`.
fn multipart(
    csrf: Option<&str>,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> (String, Vec<u8>) {
    let b = "ducha-appeal-test-5e1a";
    let mut body = Vec::new();
    let text = |body: &mut Vec<u8>, k: &str, v: &str| {
        body.extend_from_slice(
            format!("--{b}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n")
                .as_bytes(),
        );
    };
    if let Some(c) = csrf {
        text(&mut body, "csrf", c);
    }
    for (k, v) in fields {
        text(&mut body, k, v);
    }
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"files\"; \
                 filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), body)
}

async fn post(
    who: &Session,
    unit: i64,
    csrf: bool,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> (StatusCode, String) {
    let (ct, body) = multipart(csrf.then_some(who.csrf.as_str()), fields, files);
    who.post_page(&format!("/assessment/units/{unit}/appeal"), &ct, body)
        .await
}

/// No appeal of `period` and no file of 东城县: a refused form wrote nothing.
async fn nothing_written(app: &TestApp, sup: &ducha_domain::org::Actor, period: &str, what: &str) {
    let s = &app.services;
    let appeals = s
        .score_appeals(sup, None, Some(period), ducha_service::now())
        .await
        .expect("appeals");
    assert!(appeals.is_empty(), "{what}: {appeals:?}");
    let files = s
        .store
        .unit_evidence(app.org.county_a, 50)
        .await
        .expect("files");
    assert!(files.is_empty(), "{what}: files kept {files:?}");
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

async fn appeal_form_carries_evidence(app: &TestApp) {
    let s = &app.services;
    let o = &app.org;
    let u = &o.users;
    let actor = |id| async move { s.actor(id).await.expect("actor") };
    let (sup, leader, county) = (
        actor(u.sup).await,
        actor(u.leader).await,
        actor(u.county_a).await,
    );
    // An orange warning today: a deduction on 东城县's card of this month, open to appeal.
    let now = ducha_service::now();
    let period = ducha_domain::calendar::china_date(now)
        .format("%Y-%m")
        .to_string();
    let deadline = ducha_domain::calendar::china_date(now) + chrono::Duration::days(30);
    let item = s
        .create_item(
            &sup,
            &input(json!({ "title": "背街小巷整治", "source": "meeting",
                           "category": "livelihood", "deadline": deadline })),
            now,
        )
        .await
        .expect("create")
        .id;
    s.submit_item(&sup, item, now).await.expect("submit");
    s.approve_item(&leader, item, "", now)
        .await
        .expect("approve");
    let top = s
        .dispatch_item(
            &sup,
            item,
            &input(json!({ "assignments": [{ "unit_id": o.county_a, "role": "lead" }] })),
            now,
        )
        .await
        .expect("dispatch")
        .ids;
    s.issue_notice(
        &sup,
        top[0],
        &input(json!({ "level": "orange", "requirement": "请加快进度" })),
        now,
    )
    .await
    .expect("orange");
    let card = s
        .score_card(&county, None, o.county_a, &period, now)
        .await
        .expect("card");
    let line = card
        .lines
        .iter()
        .find(|l| l.line.fact == FactKind::OrangeNotice)
        .expect("the orange line")
        .clone();
    assert!(card.can_appeal && !line.rule_name.is_empty());

    let web = app.login("county_a").await;
    let (status, html) = web
        .page(&format!("/assessment/units/{}?period={period}", o.county_a))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("enctype=\"multipart/form-data\"")
            && html.contains("type=\"file\" name=\"files\" multiple"),
        "the appeal form takes files"
    );

    let scope = card.scope_unit_id.to_string();
    let fields = |reason: &'static str| {
        vec![
            ("period", period.clone()),
            ("scope", scope.clone()),
            ("line", line.line.key.clone()),
            ("reason", reason.to_string()),
        ]
    };
    let nothing_written = |what: &'static str| nothing_written(app, &sup, &period, what);
    let photo = png(40, 30, 7);
    let good = fields("整改已于督办前完成，附现场照片和验收单");
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // Without the token: refused before a byte of the file is read.
    let (status, _) = post(&web, o.county_a, false, &good, &[("a.png", &photo)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    nothing_written("no token").await;
    // The office may not appeal for the unit.
    let office = app.login("sup").await;
    let (status, _) = post(&office, o.county_a, true, &good, &[("a.png", &photo)]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    nothing_written("the office").await;
    // A file above the limit, a file of no accepted type: the card again, with the message.
    let big = vec![7u8; MAX + 1];
    let (status, page) = post(&web, o.county_a, true, &good, &[("big.png", &big)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(t("validation.file_too_large", Lang::ZhCn)));
    nothing_written("a file too large").await;
    let exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00 not a document".to_vec();
    let (status, page) = post(&web, o.county_a, true, &good, &[("a.exe", &exe)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains(t("validation.file_type", Lang::ZhCn)),
        "{page}"
    );
    nothing_written("a file of no accepted type").await;
    // A blank reason with a good file: refused, and the file is not kept either.
    let blank = fields(" ");
    let blank: Vec<(&str, &str)> = blank.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page) = post(&web, o.county_a, true, &blank, &[("a.png", &photo)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("role=\"alert\""), "the message is shown");
    nothing_written("a blank reason").await;

    // The appeal with a photo and a PDF.
    let doc = pdf();
    let (status, page) = post(
        &web,
        o.county_a,
        true,
        &good,
        &[("现场照片.png", &photo), ("验收单.pdf", &doc)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let appeals = s
        .score_appeals(&sup, None, Some(&period), ducha_service::now())
        .await
        .expect("appeals");
    let [a] = appeals.as_slice() else {
        panic!("one appeal: {appeals:?}");
    };
    assert_eq!(a.evidence.len(), 2);
    let names: Vec<&str> = a
        .evidence_files
        .iter()
        .map(|e| e.filename.as_str())
        .collect();
    assert_eq!(names, ["现场照片.png", "验收单.pdf"]);
    assert_eq!(
        (a.fact.as_deref(), a.points, a.item_id, a.rule_name.as_str()),
        (
            Some(FactKind::OrangeNotice.as_str()),
            Some(line.value),
            Some(item),
            line.rule_name.as_str()
        )
    );
    let (picture, paper) = (a.evidence_files[0].id, a.evidence_files[1].id);

    // The office's queue: the unit, the line's rule, points and item, the reason, the files.
    let (status, queue) = office
        .page(&format!("/assessment/appeals?period={period}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        card.unit_name.clone(),
        line.rule_name.clone(),
        t(
            &format!("fact.{}", FactKind::OrangeNotice.as_str()),
            Lang::ZhCn,
        )
        .to_string(),
        format!("href=\"/items/{item}\""),
        "整改已于督办前完成".to_string(),
        format!("href=\"/evidence/{picture}\""),
        format!("src=\"/evidence/{picture}/thumb\""),
        format!("href=\"/evidence/{paper}\""),
    ] {
        assert!(queue.contains(&needle), "the queue shows {needle}");
    }
    // The office opens the files; the unit sees them on its card.
    for path in [
        format!("/evidence/{picture}"),
        format!("/evidence/{picture}/thumb"),
        format!("/evidence/{paper}"),
    ] {
        let (status, _, body) = office.fetch(&path, &[]).await;
        assert_eq!(status, StatusCode::OK, "the office opens {path}");
        assert!(!body.is_empty());
    }
    let (_, html) = web
        .page(&format!("/assessment/units/{}?period={period}", o.county_a))
        .await;
    assert!(html.contains(&format!("href=\"/evidence/{paper}\"")));
    // What the office downloads is the file the unit uploaded.
    let (status, _, served) = office.fetch(&format!("/evidence/{paper}"), &[]).await;
    assert_eq!((status, served), (StatusCode::OK, doc));
}
