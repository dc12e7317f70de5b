//! The tamper-evident event log, checked by the real `ducha audit verify` binary: an intact
//! chain verifies; the append-only triggers refuse changes; and someone with database access who
//! drops the triggers and edits, deletes, reorders or truncates events is caught, with the first
//! bad sequence number named; a database file that does not exist is refused, not created.

use crate::helpers::{Kind, TestApp, dispatched_item, in_days};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Output;

crate::on_both_backends!(
    intact_chain_verifies,
    triggers_refuse_changes,
    edited_payload_is_caught,
    deleted_event_is_caught,
    reordered_events_are_caught,
    truncated_tail_is_caught_by_a_checkpoint,
);

/// A little history on top of the seeded tree: an item dispatched, signed and reported on.
async fn small_story(app: &TestApp) {
    let o = &app.org;
    let sup = app.login("sup").await;
    let leader = app.login("leader").await;
    let county = app.login("county_a").await;
    let (_, top) = dispatched_item(
        &sup,
        &leader,
        "审计测试事项",
        in_days(20),
        json!([{ "unit_id": o.county_a, "role": "lead" }, { "unit_id": o.dept, "role": "co" }]),
    )
    .await;
    county
        .post(&format!("/assignments/{}/sign", top[0]), json!({}))
        .await
        .ok();
    county
        .post(
            &format!("/assignments/{}/reports", top[0]),
            json!({ "text": "进展顺利", "percent": 30 }),
        )
        .await
        .ok();
}

/// The CLI's result.
pub(crate) struct Cli {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the real `ducha` binary in an empty directory (so no `ducha.toml` is picked up).
pub(crate) async fn ducha(args: Vec<String>) -> Cli {
    let out: Output = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("temporary directory");
        crate::support::ducha(dir.path())
            .args(&args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("run the ducha binary")
    })
    .await
    .expect("join");
    Cli {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `ducha audit verify --database URL --checkpoints FILE`.
async fn verify(app: &TestApp, checkpoints: &Path) -> Cli {
    ducha(vec![
        "audit".into(),
        "verify".into(),
        "--database".into(),
        app.db.url(),
        "--checkpoints".into(),
        checkpoints.display().to_string(),
    ])
    .await
}

/// A path where no checkpoint file exists.
fn no_checkpoints(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("none.log")
}

#[track_caller]
fn assert_ok(cli: &Cli, events: i64) {
    assert_eq!(
        cli.code,
        Some(0),
        "verify failed: {}\n{}",
        cli.stdout,
        cli.stderr
    );
    assert!(
        cli.stdout
            .starts_with(&format!("OK: {events} events verified")),
        "{}",
        cli.stdout
    );
}

#[track_caller]
fn assert_fails_at(cli: &Cli, seq: i64) {
    assert_eq!(
        cli.code,
        Some(1),
        "verify should fail: {}\n{}",
        cli.stdout,
        cli.stderr
    );
    assert!(
        cli.stdout.starts_with(&format!("FAILED at event {seq}: ")),
        "should name event {seq}: {}",
        cli.stdout
    );
}

/// Runs `statement` on the database: first it must be refused by the append-only triggers; then
/// the triggers are dropped, as an attacker with database access could, and it goes through.
async fn tamper(app: &TestApp, statement: &str) {
    let refused = app
        .db
        .exec(statement)
        .await
        .expect_err("the append-only triggers refuse the change");
    assert!(
        refused.to_string().contains("append-only"),
        "refused for the wrong reason: {refused}"
    );
    drop_triggers(app).await;
    let changed = app.db.exec(statement).await.expect("tamper");
    assert!(changed >= 1, "{statement} changed nothing");
}

async fn drop_triggers(app: &TestApp) {
    let drop = match app.db.kind() {
        Kind::Sqlite => {
            "DROP TRIGGER IF EXISTS events_no_update; \
                         DROP TRIGGER IF EXISTS events_no_delete;"
        }
        Kind::Postgres => "DROP TRIGGER IF EXISTS events_no_change ON events;",
    };
    app.db.exec(drop).await.expect("drop the triggers");
}

/// The chain head as `ducha audit head` prints it: `(seq, hash)`.
async fn cli_head(app: &TestApp) -> (i64, String) {
    let cli = ducha(vec![
        "audit".into(),
        "head".into(),
        "--database".into(),
        app.db.url(),
    ])
    .await;
    assert_eq!(cli.code, Some(0), "{}", cli.stderr);
    let mut parts = cli.stdout.split_whitespace();
    let seq = parts.next().and_then(|s| s.parse().ok()).expect("seq");
    let hash = parts.next().expect("hash").to_string();
    assert_eq!(parts.next(), Some("sha256"));
    (seq, hash)
}

async fn intact_chain_verifies(app: &TestApp) {
    small_story(app).await;
    let head = app.head_seq().await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let cli = verify(app, &no_checkpoints(&dir)).await;
    assert_ok(&cli, head);
    assert!(cli.stdout.contains("0 checkpoint(s) matched"));
    assert!(cli.stderr.contains("no checkpoint file"), "{}", cli.stderr);

    // The published head matches the API's, and a checkpoint of it is matched.
    let (seq, hash) = cli_head(app).await;
    assert_eq!(seq, head);
    let api = app.login("sup").await.get("/audit/head").await.ok();
    assert_eq!(api["hash"], hash);
    let file = dir.path().join("checkpoints.log");
    std::fs::write(
        &file,
        format!("# published\n{seq} {hash} 2026-01-01T00:00:00+08:00\n"),
    )
    .expect("write checkpoints");
    let cli = verify(app, &file).await;
    assert_ok(&cli, head);
    assert!(
        cli.stdout.contains("1 checkpoint(s) matched"),
        "{}",
        cli.stdout
    );

    // A checkpoint that disagrees with the log is a failure at its sequence number.
    let wrong = hash.replace(|c: char| c != '0', "0");
    std::fs::write(&file, format!("{seq} {wrong}\n")).expect("write checkpoints");
    assert_fails_at(&verify(app, &file).await, seq);
}

async fn triggers_refuse_changes(app: &TestApp) {
    small_story(app).await;
    let head = app.head_seq().await;
    let middle = head / 2;
    for statement in [
        format!("UPDATE events SET payload = '{{}}' WHERE seq = {middle}"),
        format!("UPDATE events SET seq = seq + 1000 WHERE seq = {head}"),
        format!("DELETE FROM events WHERE seq = {middle}"),
        "DELETE FROM events".to_string(),
    ] {
        let e = app.db.exec(&statement).await.expect_err(&statement);
        assert!(e.to_string().contains("append-only"), "{statement}: {e}");
    }
    if app.db.kind() == Kind::Postgres {
        let e = app
            .db
            .exec("TRUNCATE events")
            .await
            .expect_err("TRUNCATE is refused");
        assert!(e.to_string().contains("append-only"), "{e}");
    }
    let dir = tempfile::tempdir().expect("temporary directory");
    assert_ok(&verify(app, &no_checkpoints(&dir)).await, head);
    assert_eq!(app.head_seq().await, head);
}

async fn edited_payload_is_caught(app: &TestApp) {
    small_story(app).await;
    let head = app.head_seq().await;
    let middle = head / 2;
    let payload = app
        .db
        .text(&format!("SELECT payload FROM events WHERE seq = {middle}"))
        .await;
    let forged = payload.replacen('{', "{\"forged\":true,", 1);
    assert_ne!(forged, payload);
    tamper(
        app,
        &format!(
            "UPDATE events SET payload = '{}' WHERE seq = {middle}",
            forged.replace('\'', "''")
        ),
    )
    .await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let cli = verify(app, &no_checkpoints(&dir)).await;
    assert_fails_at(&cli, middle);
    assert!(cli.stdout.contains("altered"), "{}", cli.stdout);
}

async fn deleted_event_is_caught(app: &TestApp) {
    small_story(app).await;
    let head = app.head_seq().await;
    let middle = head / 2;
    tamper(app, &format!("DELETE FROM events WHERE seq = {middle}")).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let cli = verify(app, &no_checkpoints(&dir)).await;
    assert_fails_at(&cli, middle);
    assert!(cli.stdout.contains("missing"), "{}", cli.stdout);
}

async fn reordered_events_are_caught(app: &TestApp) {
    small_story(app).await;
    let head = app.head_seq().await;
    let (a, b) = (head / 2, head / 2 + 1);
    // Swap the two events' sequence numbers, so each sits in the other's place.
    tamper(app, &format!("UPDATE events SET seq = -1 WHERE seq = {a}")).await;
    app.db
        .exec(&format!("UPDATE events SET seq = {a} WHERE seq = {b}"))
        .await
        .expect("move b");
    app.db
        .exec(&format!("UPDATE events SET seq = {b} WHERE seq = -1"))
        .await
        .expect("move a");
    let dir = tempfile::tempdir().expect("temporary directory");
    assert_fails_at(&verify(app, &no_checkpoints(&dir)).await, a);
}

async fn truncated_tail_is_caught_by_a_checkpoint(app: &TestApp) {
    small_story(app).await;
    let (head, hash) = cli_head(app).await;
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("checkpoints.log");
    std::fs::write(&file, format!("{head} {hash} 2026-01-01T00:00:00+08:00\n"))
        .expect("write checkpoints");
    assert_ok(&verify(app, &file).await, head);

    // Cut the newest three events and make the recorded head agree with what is left.
    let keep = head - 3;
    tamper(app, &format!("DELETE FROM events WHERE seq > {keep}")).await;
    app.db
        .exec(&format!(
            "UPDATE event_chain SET seq = {keep}, \
             hash = (SELECT hash FROM events WHERE seq = {keep}) WHERE id = 1"
        ))
        .await
        .expect("fix up the chain head");
    assert_eq!(app.head_seq().await, keep);

    // The database alone looks consistent; the checkpoint kept outside it does not.
    assert_ok(&verify(app, &no_checkpoints(&dir)).await, keep);
    let cli = verify(app, &file).await;
    assert_fails_at(&cli, keep + 1);
    assert!(
        cli.stdout
            .contains(&format!("checkpoint recorded event {head}")),
        "{}",
        cli.stdout
    );
}

/// `audit verify` and `audit head` refuse a database file that does not exist (a mistyped
/// path), instead of creating it (and its directory) and reporting an empty chain as intact.
#[tokio::test]
async fn missing_database_file_is_refused() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let missing_dir = dir.path().join("nonexistent");
    for path in [dir.path().join("mistyped.db"), missing_dir.join("path.db")] {
        let url = format!("sqlite://{}", path.display());
        for command in ["verify", "head"] {
            assert!(!path.exists(), "{} exists already", path.display());
            let cli = ducha(vec![
                "audit".into(),
                command.into(),
                "--database".into(),
                url.clone(),
            ])
            .await;
            assert!(
                cli.code.is_some_and(|c| c != 0),
                "audit {command} {url} should fail: {:?}\n{}\n{}",
                cli.code,
                cli.stdout,
                cli.stderr
            );
            assert!(
                cli.stderr.contains("no database file"),
                "audit {command} {url}: {}",
                cli.stderr
            );
            assert!(!cli.stdout.starts_with("OK"), "{}", cli.stdout);
            assert!(!path.exists(), "audit {command} created {}", path.display());
        }
    }
    assert!(!missing_dir.exists(), "a directory was created");
}
