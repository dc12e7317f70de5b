//! Personal data and configuration secrets at rest, with a key configured: the raw columns hold
//! no phone or email, the system admin still reads them, email and SMS still reach the address
//! and the phone (through the real `ducha jobs run-once` with an encrypted gateway secret in its
//! TOML), a value copied
//! to another user does not decrypt (a flag and a dead letter, not a panic), `ducha secrets
//! rotate` re-encrypts under a new key, and `serve` refuses to start with a wrong or missing
//! key.

use crate::clock::run_job_with;
use crate::helpers::{Db, TestApp, dispatched_item, in_days, pg_url, spawn_app_with};
use crate::webhooks::{Receiver, Robot, header, signature_ok};
use ducha_crypt::{Algorithm, Key, KeyRing, add_key_to_file};
use ducha_domain::calendar::WorkCalendar;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;

/// The notify crate's local SMTP server, shared rather than copied; its envelope fields that
/// only the notify tests read are unused here.
#[allow(dead_code)]
#[path = "../../../ducha-notify/tests/notify/support/smtp.rs"]
pub(crate) mod smtp;

const PHONE: &str = "13912345678";
const EMAIL: &str = "zhang.liaison@example.gov.cn";
const SMS_SECRET: &str = "sms-gateway-secret";

/// An app whose use cases encrypt with a key file in `dir`.
struct KeyedApp {
    app: TestApp,
    dir: tempfile::TempDir,
    key_file: PathBuf,
}

async fn keyed(db: Db) -> KeyedApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let key_file = dir.path().join("keys");
    let key = Key::generate("k1", Algorithm::Aes256Gcm).expect("key");
    let text = add_key_to_file("", &key, true).expect("key file");
    std::fs::write(&key_file, text.as_bytes()).expect("write the key file");
    let ring = KeyRing::from_key_file(&text, Algorithm::Aes256Gcm).expect("ring");
    let mut config = ducha_service::Config::default();
    config.evidence.dir = dir.path().join("evidence");
    config.secrets = Some(Arc::new(ring));
    let app = spawn_app_with(db, config).await;
    KeyedApp { app, dir, key_file }
}

macro_rules! with_key_on_both_backends {
    ($($story:ident),* $(,)?) => {$(
        mod $story {
            #[tokio::test]
            async fn sqlite() {
                let k = super::keyed($crate::helpers::Db::sqlite().await).await;
                super::$story(&k).await;
                k.app.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                let Some(url) = super::pg_url(module_path!()) else {
                    return;
                };
                let k = super::keyed($crate::helpers::Db::postgres(&url).await).await;
                super::$story(&k).await;
                k.app.finish().await;
            }
        }
    )*};
}

with_key_on_both_backends!(
    contacts_at_rest,
    sms_reaches_the_phone,
    rotation_and_startup
);

/// The system admin adds a liaison with a phone and an email to county A.
async fn add_liaison(app: &TestApp, username: &str, phone: &str, email: &str) -> i64 {
    let admin = app.login("sysadmin").await;
    admin
        .post(
            "/users",
            json!({
                "username": username, "display_name": "张联络员", "unit_id": app.org.county_a,
                "roles": ["liaison"], "password": "Ducha-Test-2026!", "phone": phone, "email": email,
            }),
        )
        .await
        .ok()["id"]
        .as_i64()
        .expect("user id")
}

async fn raw(app: &TestApp, column: &str, id: i64) -> String {
    app.db
        .text(&format!("SELECT {column} FROM users WHERE id = {id}"))
        .await
}

fn listed(users: &Value, id: i64) -> Value {
    users
        .as_array()
        .expect("users")
        .iter()
        .find(|u| u["id"] == id)
        .cloned()
        .expect("the user is listed")
}

/// The columns hold ciphertext bound to the row; the system admin (API and page) reads the
/// values, others never see them, and a value copied to another user is flagged, not shown.
async fn contacts_at_rest(k: &KeyedApp) {
    let app = &k.app;
    let id = add_liaison(app, "zhang", PHONE, EMAIL).await;
    let (phone, email) = (raw(app, "phone", id).await, raw(app, "email", id).await);
    for stored in [&phone, &email] {
        assert!(stored.starts_with("enc:v1:k1:aes-256-gcm:"), "{stored}");
    }
    let leaked = app
        .db
        .text(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM users WHERE phone LIKE '%{PHONE}%' \
             OR email LIKE '%zhang.liaison%'"
        ))
        .await;
    assert_eq!(leaked, "0");
    let admin = app.login("sysadmin").await;
    let mine = listed(&admin.get("/users").await.ok(), id);
    assert_eq!(
        (mine["phone"].as_str(), mine["email"].as_str()),
        (Some(PHONE), Some(EMAIL))
    );
    let (status, html) = admin.page("/admin").await;
    assert!(status.is_success() && html.contains(PHONE) && html.contains(EMAIL));
    // A supervisor lists users without their contacts.
    let sup = app.login("sup").await;
    let seen = listed(&sup.get("/users").await.ok(), id);
    assert!(
        seen.get("phone").is_none() && seen.get("email").is_none(),
        "{seen}"
    );

    // Someone with database access copies the ciphertext to another user's row.
    let other = app.org.users.county_b;
    app.db
        .exec(&format!(
            "UPDATE users SET phone = '{phone}', email = '{email}' WHERE id = {other}"
        ))
        .await
        .expect("copy the row");
    let users = admin.get("/users").await.ok();
    let copied = listed(&users, other);
    assert_eq!(copied["contact_unreadable"], true, "{copied}");
    assert!(copied.get("phone").is_none(), "{copied}");
    assert_eq!(listed(&users, id)["phone"], PHONE);
    let (status, html) = admin.page("/admin").await;
    assert!(status.is_success() && html.contains("联系方式无法解密"));
    // The start-up check names the user and the column, never a value, and writes nothing.
    let e = app
        .services
        .secure_contacts(false)
        .await
        .expect_err("a moved value");
    let said = e.to_string();
    assert!(
        said.contains(&format!("users.phone of user {other}")),
        "{said}"
    );
    assert!(!said.contains(PHONE), "{said}");
    assert_eq!(raw(app, "phone", other).await, phone);

    // Plaintext left from before a key was configured is encrypted by the start-up pass.
    app.db
        .exec(&format!(
            "UPDATE users SET phone = '', email = '' WHERE id = {other}"
        ))
        .await
        .expect("clear the copy");
    let sup_id = app.org.users.sup;
    app.db
        .exec(&format!(
            "UPDATE users SET phone = '13800000001', email = 'sup@example.gov.cn' WHERE id = {sup_id}"
        ))
        .await
        .expect("plaintext row");
    let done = app.services.secure_contacts(false).await.expect("secured");
    assert_eq!(done.rewritten, 1, "{done:?}");
    assert!(raw(app, "phone", sup_id).await.starts_with("enc:v1:k1:"));
    let sup_row = listed(&admin.get("/users").await.ok(), sup_id);
    assert_eq!(sup_row["email"], "sup@example.gov.cn");
}

/// A notice reaches the liaison's mailbox through the local SMTP server, and an urgent one
/// the phone through the SMS gateway, signed with the secret that the TOML gives encrypted;
/// the outbox names the user, not the address or phone; a value moved to another user's row
/// dead-letters cleanly.
async fn sms_reaches_the_phone(k: &KeyedApp) {
    let app = &k.app;
    let o = &app.org;
    let liaison = add_liaison(app, "zhang", PHONE, EMAIL).await;
    let receiver = Receiver::start().await;
    let mailbox = smtp::SmtpReceiver::start("250 2.1.5 OK").await;
    let gateway = Robot {
        unit: o.county_a,
        path: "/sms".into(),
        url: format!("{}/sms", receiver.base),
        secret: SMS_SECRET.into(),
    };
    let ring = app.services.config.secrets.clone().expect("ring");
    let sealed = ring.encrypt(SMS_SECRET, "service.notify.channels.sms.secret");
    let config = k.dir.path().join("ducha.toml");
    let toml = format!(
        "[secrets]\nkey_file = \"{}\"\n\n[service.notify]\ndigest = false\n\
         base_url = \"http://ducha.test\"\n\n[service.notify.channels.sms]\nurl = \"{}\"\n\
         secret = \"{sealed}\"\n\n[service.notify.channels.smtp]\nhost = \"127.0.0.1\"\n\
         port = {}\nsecurity = \"none\"\nfrom = \"duban@ducha.test\"\n",
        k.key_file.display(),
        gateway.url,
        mailbox.port
    );
    std::fs::write(&config, toml).expect("write the configuration");
    assert!(
        !std::fs::read_to_string(&config)
            .expect("read")
            .contains(SMS_SECRET)
    );

    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    dispatched_item(
        &sup,
        &leader,
        "城乡供水一体化",
        in_days(1),
        json!([{ "unit_id": o.county_a, "role": "lead" }]),
    )
    .await;
    let cal = WorkCalendar::china();
    let day = cal.add_working_days(cal.next_working_day_from(in_days(1)), 1);
    let job = |name: &'static str, day| {
        let (db, config) = (&app.db, config.clone());
        async move { run_job_with(db, name, day, Some(&config)).await }
    };
    assert_eq!(job("sweep", day).await["issued"], 1);
    // A blue reminder goes by email (no digest here), not by SMS: it is not urgent.
    assert_eq!(job("deliver", day).await["sent"], 1);
    assert!(receiver.hits().is_empty());
    let mails = mailbox.mails();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, [EMAIL]);
    let later = cal.add_working_days(day, 4);
    assert_eq!(job("sweep", later).await["escalated"], 1);
    // The orange warning is urgent: email and SMS.
    assert_eq!(job("deliver", later).await["sent"], 2);
    assert_eq!(mailbox.mails().len(), 2);
    let hits = receiver.hits();
    assert_eq!(hits.len(), 1);
    assert!(
        signature_ok(&gateway, &hits[0]),
        "signed with the decrypted secret"
    );
    let body: Value = serde_json::from_slice(&hits[0].body).expect("JSON");
    assert_eq!(body["phone"], PHONE);
    assert_eq!(header(&hits[0], "idempotency-key"), body["id"].to_string());
    let outbox = app
        .db
        .text(&format!(
            "SELECT target FROM outbox WHERE channel = 'sms' AND target LIKE '%\"user\":{liaison}%'"
        ))
        .await;
    assert!(!outbox.contains(PHONE), "{outbox}");
    let leaked = app
        .db
        .text(&format!(
            "SELECT CAST(COUNT(*) AS TEXT) FROM outbox WHERE target LIKE '%{PHONE}%' \
             OR target LIKE '%zhang.liaison%' OR digest_key LIKE '%zhang.liaison%'"
        ))
        .await;
    assert_eq!(leaked, "0");

    // The phone moved to the county head's row: that delivery fails for good, naming the
    // user, and the liaison's still goes out.
    let chief = o.users.county_a_chief;
    let stored = raw(app, "phone", liaison).await;
    app.db
        .exec(&format!(
            "UPDATE users SET phone = '{stored}' WHERE id = {chief}"
        ))
        .await
        .expect("copy the phone");
    let red = cal.add_working_days(later, 4);
    assert_eq!(job("sweep", red).await["escalated"], 1);
    let out = job("deliver", red).await;
    assert_eq!(
        (out["sent"].clone(), out["dead"].clone()),
        (json!(2), json!(1)),
        "{out}"
    );
    assert_eq!(receiver.hits().len(), 2);
    assert_eq!(mailbox.mails().len(), 3);
    let error = app
        .db
        .text("SELECT last_error FROM outbox WHERE state = 'dead'")
        .await;
    assert!(
        error.contains(&format!("users.phone of user {chief}")),
        "{error}"
    );
    assert!(!error.contains(PHONE), "{error}");
}

/// `ducha secrets rotate` adds a current key and re-encrypts under it (the old key still in
/// the file); `serve` refuses to start with a wrong key or none, and says why.
async fn rotation_and_startup(k: &KeyedApp) {
    let app = &k.app;
    let id = add_liaison(app, "zhang", PHONE, EMAIL).await;
    let config = k.dir.path().join("ducha.toml");
    std::fs::write(
        &config,
        format!("[secrets]\nkey_file = \"{}\"\n", k.key_file.display()),
    )
    .expect("write the configuration");
    let out = cli(
        &config,
        &["secrets", "rotate", "--database", &app.db.url()],
        None,
    )
    .await;
    assert_eq!(out.0, Some(0), "{}", out.1);
    let keys = std::fs::read_to_string(&k.key_file).expect("key file");
    let ring = KeyRing::from_key_file(&keys, Algorithm::Aes256Gcm).expect("ring");
    assert_eq!(ring.ids().len(), 2);
    assert_ne!(ring.current_id(), "k1");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&k.key_file)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is the owner's only");
    }
    let phone = raw(app, "phone", id).await;
    assert!(
        phone.starts_with(&format!("enc:v1:{}:", ring.current_id())),
        "{phone}"
    );
    assert_eq!(
        ring.decrypt(&phone, &format!("users.phone:{id}"))
            .expect("the new key reads it")
            .as_str(),
        PHONE
    );

    // A key file with the same ids but other bytes: serve stops before listening.
    let wrong = k.dir.path().join("wrong-keys");
    let mut text = String::new();
    for kid in ring.ids() {
        let key = Key::generate(kid, Algorithm::Aes256Gcm).expect("key");
        text = add_key_to_file(&text, &key, kid == ring.current_id())
            .expect("file")
            .to_string();
    }
    std::fs::write(&wrong, text).expect("write");
    let bad = k.dir.path().join("wrong.toml");
    std::fs::write(
        &bad,
        format!("[secrets]\nkey_file = \"{}\"\n", wrong.display()),
    )
    .expect("write");
    let out = serve(&bad, &app.db.url()).await;
    assert_eq!(out.0, Some(2), "{}", out.1);
    assert!(
        out.1.contains("cannot read users' personal data"),
        "{}",
        out.1
    );
    assert!(out.1.contains("the key is wrong"), "{}", out.1);
    assert!(!out.1.contains(PHONE));
    // No key at all.
    let none = k.dir.path().join("none.toml");
    std::fs::write(&none, "").expect("write");
    let out = serve(&none, &app.db.url()).await;
    assert_eq!(out.0, Some(2), "{}", out.1);
    assert!(out.1.contains("no key is configured"), "{}", out.1);
    // A key file that is not there.
    let missing = k.dir.path().join("missing.toml");
    std::fs::write(&missing, "[secrets]\nkey_file = \"/nonexistent/keys\"\n").expect("write");
    let out = serve(&missing, &app.db.url()).await;
    assert_eq!(out.0, Some(2), "{}", out.1);
    assert!(out.1.contains("cannot read the key file"), "{}", out.1);

    // keygen writes a new file; encrypt prints a value bound to its setting.
    let fresh = k.dir.path().join("fresh");
    let cfg = k.dir.path().join("fresh.toml");
    std::fs::write(
        &cfg,
        format!(
            "[secrets]\nkey_file = \"{}\"\nalgorithm = \"sm4-gcm\"\n",
            fresh.display()
        ),
    )
    .expect("write");
    let out = cli(&cfg, &["secrets", "keygen", "--id", "gm1"], None).await;
    assert_eq!(out.0, Some(0), "{}", out.1);
    let out = cli(
        &cfg,
        &[
            "secrets",
            "encrypt",
            "service.notify.channels.smtp.password",
        ],
        Some("授权码-123\n"),
    )
    .await;
    assert_eq!(out.0, Some(0), "{}", out.1);
    let sealed = out.1.lines().next().expect("a line").trim().to_string();
    assert!(sealed.starts_with("enc:v1:gm1:sm4-gcm:"), "{sealed}");
    let gm = KeyRing::from_key_file(
        &std::fs::read_to_string(&fresh).expect("fresh keys"),
        Algorithm::Sm4Gcm,
    )
    .expect("ring");
    assert_eq!(
        gm.decrypt(&sealed, "service.notify.channels.smtp.password")
            .expect("decrypts")
            .as_str(),
        "授权码-123"
    );
    let out = cli(
        &cfg,
        &["secrets", "encrypt", "no.such.setting"],
        Some("x\n"),
    )
    .await;
    assert_eq!(out.0, Some(2), "{}", out.1);

    // Switching the deployment to 国密: the AES key cannot be current for SM4 (a clear
    // error), a new SM4 key is made current, and the stored values are re-encrypted with it.
    std::fs::write(
        &config,
        format!(
            "[secrets]\nkey_file = \"{}\"\nalgorithm = \"sm4-gcm\"\n",
            k.key_file.display()
        ),
    )
    .expect("write the configuration");
    let url = app.db.url();
    let rotate = ["secrets", "rotate", "--reencrypt-only", "--database", &url];
    let out = cli(&config, &rotate, None).await;
    assert_eq!(out.0, Some(2), "{}", out.1);
    assert!(out.1.contains("keygen --current"), "{}", out.1);
    let out = cli(
        &config,
        &["secrets", "keygen", "--id", "sm4a", "--current"],
        None,
    )
    .await;
    assert_eq!(out.0, Some(0), "{}", out.1);
    let out = cli(&config, &rotate, None).await;
    assert_eq!(out.0, Some(0), "{}", out.1);
    for column in ["phone", "email"] {
        let stored = raw(app, column, id).await;
        assert!(stored.starts_with("enc:v1:sm4a:sm4-gcm:"), "{stored}");
    }
    let keys = std::fs::read_to_string(&k.key_file).expect("key file");
    let sm4 = KeyRing::from_key_file(&keys, Algorithm::Sm4Gcm).expect("ring");
    assert_eq!(
        sm4.decrypt(&raw(app, "email", id).await, &format!("users.email:{id}"))
            .expect("the SM4 key reads it")
            .as_str(),
        EMAIL
    );
}

/// Runs `ducha --config CONFIG ARGS…` with `stdin`; exit code and stdout + stderr.
async fn cli(config: &Path, args: &[&str], stdin: Option<&str>) -> (Option<i32>, String) {
    let mut cmd = ducha(config);
    cmd.args(args);
    run(cmd, stdin.map(str::to_string), None).await
}

/// `ducha serve` that is expected to refuse to start: it must exit on its own; one that did
/// start is stopped after a minute and fails the assertion on its exit code.
async fn serve(config: &Path, db: &str) -> (Option<i32>, String) {
    let mut cmd = ducha(config);
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--database", db]);
    run(cmd, None, Some(std::time::Duration::from_secs(60))).await
}

fn ducha(config: &Path) -> Command {
    let mut cmd = crate::support::ducha_with(config);
    cmd.env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

async fn run(
    mut cmd: Command,
    stdin: Option<String>,
    limit: Option<std::time::Duration>,
) -> (Option<i32>, String) {
    use std::io::Write;
    let mut child = cmd.spawn().expect("run ducha");
    let pid = child.id();
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin.unwrap_or_default().as_bytes())
            .expect("stdin");
    }
    let wait = tokio::task::spawn_blocking(move || child.wait_with_output());
    let out = match limit {
        Some(limit) => match tokio::time::timeout(limit, wait).await {
            Ok(done) => done,
            Err(_) => {
                // It kept running: stop the process this test started, by its id.
                let _ = Command::new("kill").arg(pid.to_string()).status();
                return (None, "still running after the time limit".into());
            }
        },
        None => wait.await,
    }
    .expect("join")
    .expect("wait");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}
