//! Authentication to MLPS level 3 (issue 14): two-factor login, the password policy and
//! first-login change, session limits, the lockout's single answer and the per-address
//! throttle — with the shipped settings, not the relaxed ones of the other stories.

use crate::helpers::{Db, PASSWORD, Session, TestApp, spawn_app_exact};
use chrono::Duration;
use ducha_domain::org::Role;
use ducha_service::Config;
use ducha_service::auth::LoginStep;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

macro_rules! auth_stories {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let (app, _dir) = super::start($crate::helpers::Db::sqlite().await).await;
                super::$story(&app).await;
                app.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(url) = $crate::helpers::pg_url(module_path!()) else {
                    return;
                };
                let (app, _dir) =
                    super::start($crate::helpers::Db::postgres(&url).await).await;
                super::$story(&app).await;
                app.finish().await;
            }
        }
    )*};
}

auth_stories!(
    twofactor_login,
    password_policy_and_first_login,
    session_limits,
    lockout_answers_alike_and_address_throttle,
    openapi_shows_the_second_step
);

/// The shipped settings, but two-factor login required of the security admin only (the
/// observer supervisor and the system admin log in with passwords), at most two sessions a
/// user and a throttle of eight failures per address.
async fn start(db: Db) -> (TestApp, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("evidence dir");
    let mut config = Config::default();
    config.evidence.dir = dir.path().to_path_buf();
    config.auth.twofactor_roles = vec![Role::SecurityAdmin];
    config.auth.max_sessions_per_user = 2;
    config.auth.address_failures = 8;
    (spawn_app_exact(db, config).await, dir)
}

async fn login(app: &TestApp, body: Value) -> (Session, crate::helpers::Resp) {
    let s = app.anonymous();
    let r = s
        .send(
            Method::POST,
            "/auth/login",
            Some(body.to_string().into()),
            false,
            &[],
        )
        .await;
    (s, r)
}

/// The 401 that asks for the next step: its need and pending token.
fn pending(r: &crate::helpers::Resp) -> (String, String) {
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert_eq!(r.body["error"]["code"], "login_pending", "{}", r.body);
    (
        r.body["need"].as_str().expect("need").to_string(),
        r.body["pending_token"]
            .as_str()
            .expect("pending token")
            .to_string(),
    )
}

/// The code an authenticator app shows for `secret` at `at`.
fn code(secret: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret).expect("base32");
    let t = totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("totp");
    t.generate(u64::try_from(at.timestamp()).expect("after 1970"))
        .to_string()
}

/// The security admin must enrol before any business access; then a password alone never
/// logs in, a code works once, a recovery code works once, wrong codes lock the account, and
/// a reset by the security admin sends the user to enrol again.
async fn twofactor_login(app: &TestApp) {
    let now = ducha_service::now();
    let (s, r) = login(app, json!({ "username": "secadmin", "password": PASSWORD })).await;
    let (need, token) = pending(&r);
    assert_eq!(need, "enrol");
    // A pending login is no session: nothing opens, with the cookie jar or the token.
    s.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    app.anonymous()
        .send(
            Method::GET,
            "/me",
            None,
            false,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    // Neither code nor new password helps an enrolment over the API: it stays pending.
    let r = login(app, json!({ "pending_token": token, "code": "123456" }))
        .await
        .1;
    assert_eq!(pending(&r).0, "enrol");

    // Enrolment (the page's use cases): the secret, then a code confirms it.
    let e = app
        .services
        .login_enrolment(&token, now)
        .await
        .expect("enrolment");
    assert!(
        e.uri.starts_with("otpauth://totp/ducha:secadmin?"),
        "{}",
        e.uri
    );
    assert!(e.qr_svg.contains("<svg"));
    let wrong = app
        .services
        .login_enrol_confirm(&token, "000000", now)
        .await;
    assert!(wrong.is_err(), "a wrong code confirms nothing");
    let (recovery, step) = app
        .services
        .login_enrol_confirm(&token, &code(&e.secret, now), now)
        .await
        .expect("confirm");
    assert_eq!(recovery.len(), 10);
    assert!(matches!(step, LoginStep::Session(_)));
    // Only hashes of the recovery codes are kept.
    let stored = app
        .db
        .text("SELECT MIN(code_hash) FROM recovery_codes")
        .await;
    assert!(recovery.iter().all(|c| !stored.contains(c.as_str())));

    // The password alone asks for the code; the code used to enrol is spent.
    let r = login(app, json!({ "username": "secadmin", "password": PASSWORD }))
        .await
        .1;
    let (need, token) = pending(&r);
    assert_eq!(need, "code");
    login(
        app,
        json!({ "pending_token": token, "code": code(&e.secret, now) }),
    )
    .await
    .1
    .error(StatusCode::UNAUTHORIZED, "error.code_wrong");
    // The next time step's code (within the allowed skew) logs in, once.
    let next = code(&e.secret, now + Duration::seconds(30));
    let (s, r) = login(app, json!({ "pending_token": token, "code": next })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(s.get("/me").await.ok()["user"]["username"], "secadmin");
    let body = json!({ "username": "secadmin", "password": PASSWORD, "code": next });
    login(app, body)
        .await
        .1
        .error(StatusCode::UNAUTHORIZED, "error.code_wrong");
    // A recovery code in place of the code, with the password at once; once only.
    let body = json!({ "username": "secadmin", "password": PASSWORD, "code": recovery[0] });
    assert_eq!(login(app, body.clone()).await.1.status, StatusCode::OK);
    login(app, body)
        .await
        .1
        .error(StatusCode::UNAUTHORIZED, "error.code_wrong");

    // Wrong codes count toward the lock (the reused recovery code was the first since the
    // last good login; four more make five in a row); then even the password and a good recovery code get the plain failure.
    // (The address's count is cleared first: this story is about the account's.)
    app.db
        .exec("DELETE FROM login_throttle")
        .await
        .expect("clear the address count");
    for _ in 0..4 {
        let body = json!({ "username": "secadmin", "password": PASSWORD, "code": "111111" });
        login(app, body)
            .await
            .1
            .error(StatusCode::UNAUTHORIZED, "error.code_wrong");
    }
    let body = json!({ "username": "secadmin", "password": PASSWORD, "code": recovery[1] });
    login(app, body)
        .await
        .1
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    app.db
        .exec("UPDATE users SET locked_until = NULL, failed_logins = 0")
        .await
        .expect("lift the lock");
    app.db
        .exec("DELETE FROM login_throttle")
        .await
        .expect("clear the address count");

    // The security admin's reset of another user's two-factor (here: their own is refused to
    // the system admin) — the system admin may not reset it.
    let sysadmin = app.login("sysadmin").await;
    let path = format!("/users/{}/twofactor/reset", app.org.users.secadmin);
    sysadmin
        .post(&path, json!({}))
        .await
        .error(StatusCode::FORBIDDEN, "error.forbidden");
    let body = json!({ "username": "secadmin", "password": PASSWORD, "code": recovery[2] });
    let (sec, r) = login(app, body).await;
    let csrf = r.body["csrf_token"].as_str().expect("csrf").to_string();
    let r = sec
        .send(
            Method::POST,
            &path,
            Some("{}".into()),
            false,
            &[("x-csrf-token", &csrf)],
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // The reset ended the sessions and sends the user to enrol again.
    sec.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    let r = login(app, json!({ "username": "secadmin", "password": PASSWORD }))
        .await
        .1;
    assert_eq!(pending(&r).0, "enrol");

    // The audit admin reads the enrolment, the logins and the reset in the security log.
    let audit = app.login("auditadmin").await;
    let log = audit.get("/security-log").await.ok();
    let kinds: Vec<&str> = log["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter_map(|r| r["kind"].as_str())
        .collect();
    for kind in ["twofactor.enrolled", "twofactor.reset", "login.succeeded"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
}

/// The policy refuses short, common and name-bearing passwords; an account an admin made or
/// reset must choose its own password before anything else, and none of the last five.
async fn password_policy_and_first_login(app: &TestApp) {
    let sysadmin = app.login("sysadmin").await;
    let user = |password: &str| {
        json!({ "username": "wangfang", "display_name": "王芳", "unit_id": app.org.city,
                "roles": ["liaison"], "password": password })
    };
    for (pw, key) in [
        ("short1", "validation.password_weak"),
        ("woaini1314", "validation.password_common"),
        ("QQ123456789", "validation.password_common"),
        ("Wangfang-2026x", "validation.password_has_username"),
    ] {
        let e = sysadmin.post("/users", user(pw)).await;
        e.error(StatusCode::UNPROCESSABLE_ENTITY, key);
    }
    let first = "River-bend-2026";
    let id = sysadmin.post("/users", user(first)).await.ok()["id"]
        .as_i64()
        .expect("id");

    // The admin's password opens only the change.
    let (s, r) = login(app, json!({ "username": "wangfang", "password": first })).await;
    let (need, token) = pending(&r);
    assert_eq!(need, "password_change");
    s.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    for (pw, key) in [
        (first, "validation.password_reused"),
        ("a1234567890", "validation.password_common"),
        ("short2", "validation.password_weak"),
    ] {
        let r = login(app, json!({ "pending_token": token, "new_password": pw }))
            .await
            .1;
        r.error(StatusCode::UNPROCESSABLE_ENTITY, key);
    }
    let own = "Lotus-pond-7788";
    let (s, r) = login(app, json!({ "pending_token": token, "new_password": own })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(s.get("/me").await.ok()["user"]["username"], "wangfang");
    // Next time the own password goes straight in; the admin's no longer works.
    assert_eq!(
        login(app, json!({ "username": "wangfang", "password": own }))
            .await
            .1
            .status,
        StatusCode::OK
    );
    login(app, json!({ "username": "wangfang", "password": first }))
        .await
        .1
        .error(StatusCode::UNAUTHORIZED, "error.login_failed");
    let kind = app
        .db
        .text("SELECT kind FROM events ORDER BY seq DESC LIMIT 1")
        .await;
    assert_eq!(kind, "user.password_changed");

    // A reset by the admin: the change again, and the earlier own password is history.
    let reset = "Maple-leaf-5566";
    sysadmin
        .post(
            &format!("/users/{id}/password"),
            json!({ "password": reset }),
        )
        .await;
    let r = login(app, json!({ "username": "wangfang", "password": reset }))
        .await
        .1;
    let (need, token) = pending(&r);
    assert_eq!(need, "password_change");
    let r = login(app, json!({ "pending_token": token, "new_password": own }))
        .await
        .1;
    r.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation.password_reused",
    );
    let r = login(
        app,
        json!({ "pending_token": token, "new_password": "Cedar-hill-9911" }),
    )
    .await
    .1;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// At most two sessions per user (a third login ends the oldest); a session ends after the
/// absolute lifetime however active it is.
async fn session_limits(app: &TestApp) {
    let one = app.login("dept").await;
    let two = app.login("dept").await;
    one.get("/me").await.ok();
    let three = app.login("dept").await;
    one.get("/me")
        .await
        .error(StatusCode::UNAUTHORIZED, "error.unauthorized");
    two.get("/me").await.ok();
    three.get("/me").await.ok();

    // Active every 20 minutes, the session still ends at 12 hours.
    let start = ducha_service::now();
    let LoginStep::Session(s) = app
        .services
        .login("dept", PASSWORD, None, start)
        .await
        .expect("login")
    else {
        panic!("dept needs no second step");
    };
    let mut t = start;
    while t < start + Duration::hours(12) - Duration::minutes(20) {
        t += Duration::minutes(20);
        app.services
            .session_actor(&s.token, t)
            .await
            .expect("active session");
    }
    let after = start + Duration::hours(12) + Duration::minutes(1);
    assert!(app.services.session_actor(&s.token, after).await.is_err());
}

/// A locked account, a wrong password and an unknown name get the same answer; too many
/// failures from one address refuse it for a while, whatever the name (X-Forwarded-For is
/// ignored unless configured).
async fn lockout_answers_alike_and_address_throttle(app: &TestApp) {
    let try_login = |u: &'static str, p: &'static str| async move {
        login(app, json!({ "username": u, "password": p })).await.1
    };
    for _ in 0..5 {
        try_login("county_b", "Wrong2026ducha").await;
    }
    let locked = try_login("county_b", PASSWORD).await;
    let wrong = try_login("county_a", "Wrong2026ducha").await;
    let unknown = try_login("nobody_here", "Wrong2026ducha").await;
    for r in [&locked, &wrong, &unknown] {
        r.error(StatusCode::UNAUTHORIZED, "error.login_failed");
        assert_eq!(r.body, unknown.body);
    }
    // Eight failures from this address (seven above plus one): then even good credentials
    // are refused, and a forged forwarding header changes nothing.
    try_login("nobody_else", "x").await;
    try_login("sup", PASSWORD)
        .await
        .error(StatusCode::TOO_MANY_REQUESTS, "error.throttled");
    let body = json!({ "username": "sup", "password": PASSWORD }).to_string();
    app.anonymous()
        .send(
            Method::POST,
            "/auth/login",
            Some(body.into()),
            false,
            &[("x-forwarded-for", "203.0.113.9")],
        )
        .await
        .error(StatusCode::TOO_MANY_REQUESTS, "error.throttled");
    // The window ends: the address may try again.
    app.db
        .exec("UPDATE login_throttle SET window_start = window_start - 3600")
        .await
        .expect("age the window");
    assert_eq!(try_login("sup", PASSWORD).await.status, StatusCode::OK);
}

/// The OpenAPI document shows the login's second step.
async fn openapi_shows_the_second_step(app: &TestApp) {
    let doc: Value = reqwest::get(format!("{}/api/v1/openapi.json", app.base))
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    let input = &doc["components"]["schemas"]["LoginInput"]["properties"];
    for field in ["code", "new_password", "pending_token"] {
        assert!(input.get(field).is_some(), "LoginInput.{field}: {input}");
    }
    // The 401 is a refusal or a pending step: `need` and `pending_token` beside `error`.
    let pending = &doc["components"]["schemas"]["LoginRefusal"]["properties"];
    for field in ["error", "need", "pending_token"] {
        assert!(
            pending.get(field).is_some(),
            "LoginRefusal.{field}: {pending}"
        );
    }
    let answers = &doc["paths"]["/api/v1/auth/login"]["post"]["responses"];
    for status in ["200", "401", "422", "429"] {
        assert!(answers.get(status).is_some(), "{status}: {answers}");
    }
}
