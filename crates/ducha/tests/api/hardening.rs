//! Request hardening (issue 14): a multipart report form is read only after the sender proved
//! it may report there and sent the session's CSRF token first; a declared length over the
//! limit is refused before a byte is read; too many fields or files are refused with a
//! translated error and change nothing.
//!
//! The refusals before reading are proven with a body that never ends: the request is written
//! by hand on a raw socket, its head and the start of a form, then nothing more. A server that
//! read the body before deciding would never answer.

use crate::helpers::{Resp, TestApp, dispatched_item, in_days};
use ducha_domain::i18n::Lang;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

crate::on_both_backends!(
    refusals_come_before_the_upload_is_read,
    too_many_fields_or_files_change_nothing,
    fuzz_findings_answer_as_documented
);

const BOUNDARY: &str = "ducha-hardening-7f3a";

/// A logged-in user's session cookie and CSRF token, taken without a cookie jar.
async fn credentials(app: &TestApp, username: &str) -> (String, String) {
    ducha_notify::install_crypto();
    let resp = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .post(format!("{}/api/v1/auth/login", app.base))
        .json(&json!({ "username": username, "password": crate::helpers::PASSWORD }))
        .send()
        .await
        .expect("login");
    let cookie = resp
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| {
            c.split(';')
                .next()
                .filter(|c| c.starts_with("ducha_session="))
        })
        .expect("session cookie")
        .to_string();
    let body: Value = resp.json().await.expect("login body");
    let csrf = body["csrf_token"].as_str().expect("csrf").to_string();
    (cookie, csrf)
}

/// A text field of the form.
fn text_field(name: &str, value: &str) -> String {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
}

/// The head of a file field; its content follows.
fn file_head(name: &str) -> String {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
}

/// How the request announces its body.
enum Length {
    /// `Transfer-Encoding: chunked`, the start sent as one chunk, the rest never.
    Endless,
    /// `Content-Length: n`, only the start sent.
    Declared(u64),
}

/// POSTs `start` to `path` on a raw connection and never sends the rest of the body; returns
/// the status of the answer, which must come while the body is still open.
async fn post_unfinished(
    app: &TestApp,
    path: &str,
    cookie: &str,
    length: Length,
    start: &str,
) -> u16 {
    let host = app.base.trim_start_matches("http://");
    let mut conn = tokio::net::TcpStream::connect(host).await.expect("connect");
    let framing = match length {
        Length::Endless => "Transfer-Encoding: chunked".to_string(),
        Length::Declared(n) => format!("Content-Length: {n}"),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nOrigin: {}\r\nCookie: {cookie}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n",
        app.base
    );
    conn.write_all(head.as_bytes()).await.expect("send head");
    let body = match length {
        Length::Endless => format!("{:x}\r\n{start}\r\n", start.len()),
        Length::Declared(_) => start.to_string(),
    };
    conn.write_all(body.as_bytes()).await.expect("send start");
    conn.flush().await.expect("flush");
    // A guard against a server that waits for the rest, which never comes: it fails the test
    // instead of hanging it. An answer normally arrives in milliseconds.
    let mut seen = Vec::new();
    let read = async {
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = conn.read(&mut buf).await.expect("read the answer");
            assert!(n > 0, "the connection closed without an answer");
            seen.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(30), read)
        .await
        .unwrap_or_else(|_| panic!("no answer to POST {path} while its body was still open"));
    let head = String::from_utf8_lossy(&seen);
    head.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head}"))
}

/// An item dispatched to 东城县, and the county's assignment, signed.
async fn county_assignment(app: &TestApp) -> (i64, i64) {
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let (item, ids) = dispatched_item(
        &sup,
        &leader,
        "加固上报表单",
        in_days(30),
        json!([{ "unit_id": app.org.county_a, "role": "lead" }]),
    )
    .await;
    let county = app.login("county_a").await;
    county
        .post(&format!("/assignments/{}/sign", ids[0]), json!({}))
        .await
        .ok();
    (item, ids[0])
}

async fn refusals_come_before_the_upload_is_read(app: &TestApp) {
    let (item, a) = county_assignment(app).await;
    let path = format!("/assignments/{a}/report");
    let (own_cookie, own_csrf) = credentials(app, "county_a").await;
    let (foreign_cookie, foreign_csrf) = credentials(app, "county_b").await;
    // A session of suggestions, for its list import below.
    let session = crate::helpers::id(
        &app.login("sup")
            .await
            .post(
                "/proposals/sessions",
                serde_json::json!({ "kind": "suggestion", "name": "市十七届人大三次会议",
                                    "return_days": 5 }),
            )
            .await
            .ok(),
    );
    let before = app.snapshot(&[item]).await;

    // Another county's liaison, with its own valid token first: not found, body unread.
    let start = text_field("csrf", &foreign_csrf) + &file_head("big.pdf") + "%PDF-1.7 ";
    let status = post_unfinished(app, &path, &foreign_cookie, Length::Endless, &start).await;
    assert_eq!(status, 404, "a foreign assignment is not found");

    // The assigned unit without the token first: the file is not read.
    let start = file_head("big.pdf") + "%PDF-1.7 ";
    let status = post_unfinished(app, &path, &own_cookie, Length::Endless, &start).await;
    assert_eq!(status, 403, "no CSRF token before the files");

    // A wrong token: refused as soon as it is read.
    let start = text_field("csrf", &foreign_csrf) + &file_head("big.pdf");
    let status = post_unfinished(app, &path, &own_cookie, Length::Endless, &start).await;
    assert_eq!(status, 403, "another session's token");

    // A declared length beyond the limit: refused before a byte of the body is read.
    let start = text_field("csrf", &own_csrf);
    let huge = Length::Declared(100 * 1024 * 1024 * 1024);
    let status = post_unfinished(app, &path, &own_cookie, huge, &start).await;
    assert_eq!(status, 413, "100 GB declared");

    // Nobody logged in: sent to the login page, nothing read.
    let start = text_field("csrf", &own_csrf) + &file_head("big.pdf");
    let status = post_unfinished(app, &path, "lang=zh-CN", Length::Endless, &start).await;
    assert_eq!(status, 303, "to the login page");

    // A session's list import: a county liaison, with a valid token first, may not import;
    // refused before the spreadsheet is read.
    let import = format!("/proposals/sessions/{session}/import");
    let start = text_field("csrf", &own_csrf) + &file_head("list.xlsx") + "PK";
    let status = post_unfinished(app, &import, &own_cookie, Length::Endless, &start).await;
    assert!(
        status == 403 || status == 404,
        "a liaison's import is refused unread: {status}"
    );

    assert_eq!(before, app.snapshot(&[item]).await, "nothing changed");

    // The same form, sent whole and in order, is read and filed.
    let body = text_field("csrf", &own_csrf)
        + &text_field("item", &item.to_string())
        + &text_field("kind", "progress")
        + &text_field("percent", "40")
        + &text_field("text", "进展顺利")
        + &file_head("note.txt")
        + "现场核查记录\r\n"
        + &format!("--{BOUNDARY}--\r\n");
    let resp = send_form(app, &path, &own_cookie, Lang::ZhCn, body).await;
    assert!(
        resp.status.is_redirection(),
        "{}: {}",
        resp.status,
        resp.body
    );
    let d = app
        .login("sup")
        .await
        .get(&format!("/items/{item}"))
        .await
        .ok();
    assert_eq!(d["reports"].as_array().map(Vec::len), Some(1), "{d}");
    assert_eq!(
        d["reports"][0]["evidence"].as_array().map(Vec::len),
        Some(1)
    );
}

/// Sends a whole form with the session cookie, asking for JSON errors in `lang`; redirects are
/// not followed.
async fn send_form(app: &TestApp, path: &str, cookie: &str, lang: Lang, body: String) -> Resp {
    let resp = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}{path}", app.base))
        .header("cookie", cookie)
        .header("origin", &app.base)
        .header("accept-language", lang.tag())
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .expect("request");
    let status = resp.status();
    let bytes = resp.bytes().await.expect("body");
    Resp {
        status,
        body: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        lang,
        what: format!("POST {path}"),
    }
}

async fn too_many_fields_or_files_change_nothing(app: &TestApp) {
    let (item, a) = county_assignment(app).await;
    let path = format!("/assignments/{a}/report");
    let (cookie, csrf) = credentials(app, "county_a").await;
    let evidence = || async {
        app.db
            .text("SELECT CAST(COUNT(*) AS TEXT) FROM evidence")
            .await
    };
    let files_before = evidence().await;

    // A thousand small fields after a valid token.
    let mut body = text_field("csrf", &csrf) + &text_field("text", "进展");
    for i in 0..1000 {
        body += &text_field("evidence", &i.to_string());
    }
    body += &format!("--{BOUNDARY}--\r\n");
    for lang in [Lang::ZhCn, Lang::En] {
        let e = app
            .rejected(
                &[item],
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation.too_many_fields",
                send_form(app, &path, &cookie, lang, body.clone()),
            )
            .await;
        assert_eq!(e["fields"][0]["field"], "form");
    }

    // More new files than a report may carry: refused before any is kept.
    let mut body = text_field("csrf", &csrf)
        + &text_field("item", &item.to_string())
        + &text_field("kind", "progress")
        + &text_field("text", "进展");
    for i in 0..=ducha_domain::report::MAX_EVIDENCE {
        body += &file_head(&format!("记录{i}.txt"));
        body += &format!("第{i}份记录\r\n");
    }
    body += &format!("--{BOUNDARY}--\r\n");
    let resp = send_form(app, &path, &cookie, Lang::En, body).await;
    assert_eq!(resp.status, StatusCode::UNPROCESSABLE_ENTITY);
    let d = app
        .login("sup")
        .await
        .get(&format!("/items/{item}"))
        .await
        .ok();
    assert_eq!(d["reports"].as_array().map(Vec::len), Some(0), "no report");
    assert_eq!(files_before, evidence().await, "no file kept");
}

/// What the API fuzz run found answering otherwise than the document says.
async fn fuzz_findings_answer_as_documented(app: &TestApp) {
    let sup = app.login("sup").await.english();
    // Ids that are not numbers name nothing: a translated 404, not axum's plain-text 400.
    sup.get("/proposals/true/replies/0.5/letter.docx")
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    // A year that is not one is an invalid field, as now documented.
    sup.get("/calendar/true")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.out_of_range");
}
