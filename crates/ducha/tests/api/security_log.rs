//! The security log: logins, failures, locks, unlocks, admin actions, tokens and exports
//! recorded with their client address and no secret; read by the audit admin alone, by day,
//! kind and user, in the reader's language; and a row edited in the database is caught by the
//! real `ducha audit verify`.

use crate::audit::ducha;
use crate::helpers::{Kind, PASSWORD, TestApp, assert_fields, in_days, today};
use reqwest::StatusCode;
use serde_json::{Value, json};

crate::on_both_backends!(
    logins_locks_and_admin_actions_are_recorded,
    only_the_audit_admin_reads_the_log,
    an_edited_row_is_caught_by_audit_verify,
    a_role_change_is_an_event_and_a_security_row,
);

/// The `kind`s of a page's rows, oldest first.
fn kinds(page: &Value) -> Vec<String> {
    let mut k: Vec<String> = page["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["kind"].as_str().expect("kind").to_string())
        .collect();
    k.reverse();
    k
}

async fn logins_locks_and_admin_actions_are_recorded(app: &TestApp) {
    let u = &app.org.users;
    // Five wrong passwords lock town_a1; the locked account is refused even with the right one.
    for _ in 0..5 {
        let r = app.try_login("town_a1", "wrong-password-1").await;
        assert!(r.status.is_client_error());
    }
    app.try_login("town_a1", PASSWORD).await;
    app.try_login("nobody_here", "whatever-9999").await;
    let secadmin = app.login("secadmin").await;
    secadmin
        .post(&format!("/users/{}/unlock", u.town_a1), json!({}))
        .await
        .ok();
    let town = app.login("town_a1").await;
    town.post("/auth/logout", json!({})).await.ok();
    let sysadmin = app.login("sysadmin").await;
    sysadmin
        .post(
            &format!("/users/{}/password", u.town_a2),
            json!({ "password": "Another2026pass" }),
        )
        .await
        .ok();
    sysadmin
        .post(
            &format!("/users/{}/active", u.dept),
            json!({ "active": false }),
        )
        .await
        .ok();
    let county = app.login("county_a").await;
    let token = county
        .post(
            "/tokens",
            json!({ "name": "台账同步", "scope": "read", "days": 7 }),
        )
        .await
        .ok();
    let secret = token["token"].as_str().expect("secret").to_string();
    county
        .send(
            reqwest::Method::DELETE,
            &format!("/tokens/{}", token["id"]),
            None,
            true,
            &[],
        )
        .await
        .ok();
    let sup = app.login("sup").await;
    let (status, _, _) = sup.fetch("/items/export.xlsx", &[]).await;
    assert_eq!(status, StatusCode::OK);

    let audit = app.login("auditadmin").await;
    let page = audit.get("/security-log").await.ok();
    let all = kinds(&page);
    let expected = [
        "login.succeeded", // the test helper's observer
        "login.failed",
        "login.failed",
        "login.failed",
        "login.failed",
        "account.locked",
        "login.failed", // locked
        "login.failed", // unknown name
        "login.succeeded",
        "account.unlocked",
        "login.succeeded",
        "logout",
        "login.succeeded",
        "user.password_reset",
        "user.disabled",
        "login.succeeded",
        "token.created",
        "token.revoked",
        "login.succeeded",
        "export",
        "login.succeeded", // the audit admin
    ];
    assert_eq!(all, expected, "{page}");
    assert_eq!(page["total"], expected.len());
    let rows = page["rows"].as_array().expect("rows");
    // Newest first: the audit admin's own login heads the page.
    assert_eq!(rows[0]["actor_user"], u.auditadmin);
    for r in rows {
        assert_eq!(r["client"], "127.0.0.1", "{r}");
        assert!(!r["text"].as_str().expect("text").contains('{'), "{r}");
    }
    // Who and whom: the lock concerns town_a1, the unlock is the security admin's.
    let find = |kind: &str| {
        rows.iter()
            .find(|r| r["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} in {page}"))
    };
    let lock = find("account.locked");
    assert_eq!(lock["target_user"], u.town_a1);
    assert_eq!(lock["actor_user"], Value::Null);
    assert!(lock["text"].as_str().expect("text").contains("town_a1"));
    let unlock = find("account.unlocked");
    assert_eq!(
        (
            unlock["actor_user"].as_i64(),
            unlock["target_user"].as_i64()
        ),
        (Some(u.secadmin), Some(u.town_a1))
    );
    assert_eq!(unlock["actor_name"], "安全管理员");
    assert_eq!(find("user.disabled")["target_user"], u.dept);
    assert!(
        find("export")["text"]
            .as_str()
            .expect("text")
            .contains("/items/export.xlsx")
    );
    // No secret is ever written: neither a password typed, nor a token's secret.
    let text = page.to_string();
    for secret in [
        PASSWORD,
        "wrong-password-1",
        "whatever-9999",
        "nobody_here",
        secret.as_str(),
    ] {
        assert!(!text.contains(secret), "{secret} in the log");
    }
    // The reader's language.
    let en = audit
        .english()
        .get("/security-log?kind=account.locked")
        .await
        .ok();
    assert_eq!(kinds(&en), ["account.locked"]);
    let text = en["rows"][0]["text"].as_str().expect("text");
    assert!(text.starts_with("town_a1 locked until"), "{text}");
}

async fn only_the_audit_admin_reads_the_log(app: &TestApp) {
    let u = &app.org.users;
    app.try_login("town_a1", "wrong-password-1").await;
    for who in ["sup", "leader", "sysadmin", "secadmin", "county_a"] {
        app.login(who)
            .await
            .get("/security-log")
            .await
            .error(StatusCode::FORBIDDEN, "error.forbidden");
    }
    let audit = app.login("auditadmin").await;
    // Filters: by kind, by user (acting or concerned), by day; paged newest first.
    let failed = audit.get("/security-log?kind=login.failed").await.ok();
    assert_eq!(kinds(&failed), ["login.failed"]);
    assert_eq!(failed["rows"][0]["target_user"], u.town_a1);
    let mine = audit
        .get(&format!("/security-log?user={}", u.town_a1))
        .await
        .ok();
    assert_eq!(kinds(&mine), ["login.failed"]);
    let day = today().to_string();
    let today_page = audit.get(&format!("/security-log?day={day}")).await.ok();
    assert_eq!(today_page["day"], day);
    assert!(today_page["total"].as_i64().expect("total") >= 7);
    let tomorrow = audit
        .get(&format!("/security-log?day={}", in_days(1)))
        .await
        .ok();
    assert_eq!(tomorrow["total"], 0);
    assert_eq!(tomorrow["rows"], json!([]));
    // A day no log can hold is refused with its field named (not a 5xx from the arithmetic
    // or the database's timestamps).
    for day in ["-5000-01-01", "+262143-12-31", "1800-01-01"] {
        let e = audit
            .get(&format!("/security-log?day={day}"))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.bad_day");
        assert_fields(&e, &[("day", "validation.bad_day")]);
    }
    for _ in 0..60 {
        app.try_login("nobody_here", "x").await;
    }
    let first = audit.get("/security-log").await.ok();
    assert_eq!(first["rows"].as_array().expect("rows").len(), 50);
    let before = first["next_before"].as_i64().expect("a next page");
    let second = audit
        .get(&format!("/security-log?before={before}"))
        .await
        .ok();
    let total = first["total"].as_i64().expect("total");
    assert_eq!(
        second["rows"].as_array().expect("rows").len() as i64,
        total - 50
    );
    assert!(second["rows"][0]["seq"].as_i64().expect("seq") < before);
    // Bad filters are named; nothing is read.
    let e = audit
        .get("/security-log?day=2026-13-01")
        .await
        .error(StatusCode::UNPROCESSABLE_ENTITY, "validation.bad_day");
    assert_eq!(e["fields"][0]["field"], "day");
    audit.get("/security-log?kind=login.stolen").await.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.unknown_choice",
    );
}

/// Runs `ducha audit verify` on the app's database.
async fn verify(app: &TestApp) -> crate::audit::Cli {
    ducha(vec![
        "audit".into(),
        "verify".into(),
        "--database".into(),
        app.db.url(),
    ])
    .await
}

async fn an_edited_row_is_caught_by_audit_verify(app: &TestApp) {
    app.try_login("town_a1", "wrong-password-1").await;
    app.login("town_a1").await;
    let ok = verify(app).await;
    assert_eq!(ok.code, Some(0), "{}\n{}", ok.stdout, ok.stderr);
    assert!(
        ok.stdout.contains("OK: 3 security log rows verified"),
        "{}",
        ok.stdout
    );
    // The failure (row 2) is made to look like a success: the triggers refuse it…
    let edit = "UPDATE security_log SET kind = 'login.succeeded' WHERE seq = 2";
    let refused = app.db.exec(edit).await.expect_err("append-only");
    assert!(refused.to_string().contains("append-only"), "{refused}");
    let delete = "DELETE FROM security_log WHERE seq = 2";
    assert!(app.db.exec(delete).await.is_err());
    // …so someone with database access drops them first; verify names the row.
    let drop = match app.db.kind() {
        Kind::Sqlite => "DROP TRIGGER security_log_no_update",
        Kind::Postgres => "DROP TRIGGER security_log_no_change ON security_log",
    };
    app.db.exec(drop).await.expect("drop the trigger");
    assert_eq!(app.db.exec(edit).await.expect("tamper"), 1);
    let bad = verify(app).await;
    assert_eq!(bad.code, Some(1), "{}\n{}", bad.stdout, bad.stderr);
    assert!(
        bad.stdout.contains("FAILED at security log row 2:"),
        "{}",
        bad.stdout
    );
    // The event chain itself is still intact, and says so.
    assert!(bad.stdout.starts_with("OK: "), "{}", bad.stdout);
}

async fn a_role_change_is_an_event_and_a_security_row(app: &TestApp) {
    let u = &app.org.users;
    let sysadmin = app.login("sysadmin").await;
    let path = format!("/users/{}/roles", u.dept);
    // Bad roles are named and change nothing; admin roles are the console's.
    let head = app.head_seq().await;
    for (roles, key) in [
        (json!(["boss"]), "validation.unknown_role"),
        (json!(["system_admin"]), "validation.admin_roles_console"),
    ] {
        sysadmin
            .post(&path, json!({ "roles": roles }))
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, key);
    }
    app.login("secadmin")
        .await
        .post(&path, json!({ "roles": ["unit_head"] }))
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    sysadmin
        .post(
            &format!("/users/{}/roles", u.secadmin),
            json!({ "roles": ["liaison"] }),
        )
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    assert_eq!(app.head_seq().await, head);
    sysadmin
        .post(&path, json!({ "roles": ["unit_head"] }))
        .await
        .ok();
    assert_eq!(app.head_seq().await, head + 1, "one event");
    let users = sysadmin.get("/users").await.ok();
    let dept = users
        .as_array()
        .expect("users")
        .iter()
        .find(|x| x["id"] == u.dept)
        .expect("dept")
        .clone();
    assert_eq!(dept["roles"], json!(["unit_head"]));
    let audit = app.login("auditadmin").await;
    let page = audit
        .get("/security-log?kind=user.roles_changed")
        .await
        .ok();
    assert_eq!(kinds(&page), ["user.roles_changed"]);
    let row = &page["rows"][0];
    assert_eq!(
        (row["actor_user"].as_i64(), row["target_user"].as_i64()),
        (Some(u.sysadmin), Some(u.dept))
    );
    assert_eq!(row["text"], "dept 的角色由 liaison 改为 unit_head");
}
