//! API tokens: a read token cannot write, an area-limited token reaches only its areas, a
//! token never mints another, lifetimes are bounded, tokens are listed without their secret,
//! revoked by their owner or the security admin, and revoked with a password reset or a
//! disabled account.

use crate::helpers::{Resp, TestApp, dispatched_item, in_days, today};
use chrono::{DateTime, Utc};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

crate::on_both_backends!(
    scopes_limit_what_a_token_does,
    tokens_are_listed_bounded_and_revocable,
    password_reset_and_disabling_revoke_credentials,
    logout_revokes_tokens,
);

/// Logging out revokes the user's API tokens: one minted from a stolen session does not
/// outlive the owner's logout. Another user's token is untouched.
async fn logout_revokes_tokens(app: &TestApp) {
    let town = app.login("town_b1").await;
    let other = app.login("county_b").await;
    let mint = |s: &crate::helpers::Session| {
        let s = s.clone();
        async move {
            s.post("/tokens", json!({ "name": "终端", "scope": "read" }))
                .await
                .ok()["token"]
                .as_str()
                .expect("secret")
                .to_string()
        }
    };
    let mine = mint(&town).await;
    let theirs = mint(&other).await;
    assert!(
        bearer(app, &mine, Method::GET, "/me", None)
            .await
            .status
            .is_success()
    );
    let r = town.post("/auth/logout", json!({})).await;
    assert_eq!(r.status, reqwest::StatusCode::NO_CONTENT, "{}", r.body);
    bearer(app, &mine, Method::GET, "/me", None)
        .await
        .error(reqwest::StatusCode::UNAUTHORIZED, "error.unauthorized");
    assert!(
        bearer(app, &theirs, Method::GET, "/me", None)
            .await
            .status
            .is_success()
    );
    // The audit admin reads the logout with the tokens it revoked.
    let log = app
        .login("auditadmin")
        .await
        .get("/security-log?kind=logout")
        .await
        .ok();
    assert_eq!(log["rows"][0]["args"]["tokens"], 1, "{log}");
}

/// A request with `Authorization: Bearer <secret>` and no cookie.
async fn bearer(
    app: &TestApp,
    secret: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> Resp {
    let auth = format!("Bearer {secret}");
    app.anonymous()
        .send(
            method,
            path,
            body.map(|b| b.to_string().into()),
            false,
            &[("authorization", &auth)],
        )
        .await
}

async fn scopes_limit_what_a_token_does(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (item, top) = dispatched_item(
        &sup,
        &leader,
        "令牌测试事项",
        in_days(20),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    // No scope asked: read only.
    let read = county.post("/tokens", json!({ "name": "大屏" })).await.ok();
    assert_eq!(
        read["token"].as_str().map(|t| t.starts_with("dk_")),
        Some(true)
    );
    let read = read["token"].as_str().expect("secret").to_string();
    bearer(app, &read, Method::GET, "/items", None).await.ok();
    let sign = format!("/assignments/{}/sign", top[0]);
    app.rejected(&[item], StatusCode::FORBIDDEN, "error.token_scope", async {
        bearer(app, &read, Method::POST, &sign, Some(json!({}))).await
    })
    .await;
    // A token cannot make a token: a read one may not write at all, a write one is told a
    // session is needed.
    bearer(
        app,
        &read,
        Method::POST,
        "/tokens",
        Some(json!({ "name": "x" })),
    )
    .await
    .error(StatusCode::FORBIDDEN, "error.token_scope");
    let write = county
        .post("/tokens", json!({ "name": "同步", "scope": "write" }))
        .await
        .ok()["token"]
        .as_str()
        .expect("secret")
        .to_string();
    let count = async || county.get("/tokens").await.ok().as_array().map(Vec::len);
    let before = count().await;
    bearer(
        app,
        &write,
        Method::POST,
        "/tokens",
        Some(json!({ "name": "x", "scope": "write" })),
    )
    .await
    .error(StatusCode::FORBIDDEN, "error.token_needs_session");
    assert_eq!(count().await, before, "no token was made");
    // A write token writes.
    bearer(app, &write, Method::POST, &sign, Some(json!({})))
        .await
        .ok();
    // Limited to analytics: its area and `/me`, nothing else.
    let analytics = county
        .post(
            "/tokens",
            json!({ "name": "分析", "scope": "write", "areas": ["analytics"] }),
        )
        .await
        .ok()["token"]
        .as_str()
        .expect("secret")
        .to_string();
    bearer(app, &analytics, Method::GET, "/analytics/stall-map", None)
        .await
        .ok();
    let me = bearer(app, &analytics, Method::GET, "/me", None).await.ok();
    assert_eq!(me["user"]["username"], "county_a");
    for path in ["/items", "/workbench", "/units", "/proposals/sessions"] {
        bearer(app, &analytics, Method::GET, path, None)
            .await
            .error(StatusCode::FORBIDDEN, "error.token_scope");
    }
}

async fn tokens_are_listed_bounded_and_revocable(app: &TestApp) {
    let county = app.login("county_a").await;
    // Bad input is named and makes nothing.
    for (body, field, key) in [
        (
            json!({ "name": "x", "days": 0 }),
            "days",
            "validation.token_days",
        ),
        (
            json!({ "name": "x", "days": 91 }),
            "days",
            "validation.token_days",
        ),
        (
            json!({ "name": "x", "scope": "admin" }),
            "scope",
            "validation.token_scope",
        ),
        (
            json!({ "name": "x", "areas": ["secrets"] }),
            "areas",
            "validation.token_area",
        ),
        (json!({ "name": "" }), "name", "validation.required"),
    ] {
        let e = county
            .post("/tokens", body)
            .await
            .error(StatusCode::UNPROCESSABLE_ENTITY, key);
        assert_eq!(e["fields"][0]["field"], field);
    }
    assert_eq!(county.get("/tokens").await.ok(), json!([]));
    // The default lifetime is 30 days; 90 is the most.
    let t = county.post("/tokens", json!({ "name": "默认" })).await.ok();
    let expires: DateTime<Utc> = serde_json::from_value(t["expires_at"].clone()).expect("time");
    let days = (expires.date_naive() - today()).num_days();
    assert!((29..=31).contains(&days), "{expires}");
    let long = county
        .post(
            "/tokens",
            json!({ "name": "长期", "days": 90, "areas": ["items", "items"] }),
        )
        .await
        .ok();
    let secret = long["token"].as_str().expect("secret").to_string();
    // Listed, newest first, never with a secret; used once, the last use shows.
    bearer(app, &secret, Method::GET, "/workbench", None)
        .await
        .ok();
    let list = county.get("/tokens").await.ok();
    assert_eq!(list.as_array().map(Vec::len), Some(2));
    assert_eq!(list[0]["name"], "长期");
    assert_eq!(list[0]["areas"], json!(["items"]));
    assert_eq!(list[0]["scope"], "read");
    assert!(list[0]["last_used_at"].is_string(), "{list}");
    assert!(list[1]["last_used_at"].is_null());
    let text = list.to_string();
    assert!(
        !text.contains(&secret) && !text.contains("token_hash"),
        "{text}"
    );
    // Someone else's token is not found; the owner revokes theirs.
    let other = app.login("county_b").await;
    let path = format!("/tokens/{}", long["id"]);
    other
        .send(Method::DELETE, &path, None, true, &[])
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    bearer(app, &secret, Method::GET, "/workbench", None)
        .await
        .ok();
    county
        .send(Method::DELETE, &path, None, true, &[])
        .await
        .ok();
    bearer(app, &secret, Method::GET, "/workbench", None)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    assert!(county.get("/tokens").await.ok()[0]["revoked_at"].is_string());
    // The security admin revokes anyone's token in the jurisdiction.
    let first = t["token"].as_str().expect("secret").to_string();
    let secadmin = app.login("secadmin").await;
    secadmin
        .send(
            Method::DELETE,
            &format!("/tokens/{}", t["id"]),
            None,
            true,
            &[],
        )
        .await
        .ok();
    bearer(app, &first, Method::GET, "/me", None)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
}

async fn password_reset_and_disabling_revoke_credentials(app: &TestApp) {
    let u = &app.org.users;
    let sysadmin = app.login("sysadmin").await;
    let town = app.login("town_a1").await;
    let secret = town
        .post("/tokens", json!({ "name": "终端", "scope": "write" }))
        .await
        .ok()["token"]
        .as_str()
        .expect("secret")
        .to_string();
    sysadmin
        .post(
            &format!("/users/{}/password", u.town_a1),
            json!({ "password": "Another2026pass" }),
        )
        .await
        .ok();
    town.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    bearer(app, &secret, Method::GET, "/me", None)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");

    let town2 = app.login("town_a2").await;
    let secret = town2.post("/tokens", json!({ "name": "终端" })).await.ok()["token"]
        .as_str()
        .expect("secret")
        .to_string();
    let head = app.head_seq().await;
    let path = format!("/users/{}/active", u.town_a2);
    sysadmin.post(&path, json!({ "active": false })).await.ok();
    assert_eq!(app.head_seq().await, head + 1, "disabling is one event");
    town2
        .get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    bearer(app, &secret, Method::GET, "/me", None)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    app.try_login("town_a2", crate::helpers::PASSWORD)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    let users = sysadmin.get("/users").await.ok();
    let row = users
        .as_array()
        .expect("users")
        .iter()
        .find(|x| x["id"] == u.town_a2)
        .expect("town_a2")
        .clone();
    assert_eq!(row["active"], false);
    // Enabled again, the user logs in; the old token stays revoked.
    sysadmin.post(&path, json!({ "active": true })).await.ok();
    app.login("town_a2").await;
    bearer(app, &secret, Method::GET, "/me", None)
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    // Admin accounts are the console's; only the system admin disables.
    sysadmin
        .post(
            &format!("/users/{}/active", u.secadmin),
            json!({ "active": false }),
        )
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    let secadmin = app.login("secadmin").await;
    secadmin
        .post(
            &format!("/users/{}/active", u.town_b1),
            json!({ "active": false }),
        )
        .await
        .error(StatusCode::NOT_FOUND, "error.not_found");
    app.login("town_b1").await;
}
