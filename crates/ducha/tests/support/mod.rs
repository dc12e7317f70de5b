//! What both test binaries (`api` and `cluster`) share, included by each through `#[path]`:
//! the real `ducha` binary started the same way everywhere, and fresh PostgreSQL databases
//! with a UTF-8 locale.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

use sqlx::{AssertSqlSafe, Connection};

/// Makes `cmd` independent of the caller's environment: no standard input, no colours, the
/// program's default log level, none of the caller's `DUCHA_*` settings (a test's own
/// `DUCHA_TEST_PG` or a developer's key must not leak into the process) and no proxy between
/// it and the local servers it talks to. Settings the test wants are added afterwards.
pub fn plain(cmd: &mut Command) -> &mut Command {
    cmd.stdin(Stdio::null())
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("DUCHA_") {
            cmd.env_remove(name);
        }
    }
    for name in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env_remove(name);
    }
    cmd
}

/// The real `ducha` binary, [`plain`], in `dir` (so only a `ducha.toml` there is read).
pub fn ducha(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ducha"));
    plain(&mut cmd).current_dir(dir);
    cmd
}

/// The real `ducha` binary with `--config CONFIG`, run in the configuration's directory.
pub fn ducha_with(config: &Path) -> Command {
    let mut cmd = ducha(config.parent().expect("the configuration's directory"));
    cmd.arg("--config").arg(config);
    cmd
}

/// Appends the standard output and error of `cmd` to `log`.
pub fn log_to<'a>(cmd: &'a mut Command, log: &Path) -> &'a mut Command {
    let out = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("open the log");
    let err = out.try_clone().expect("share the log");
    cmd.stdout(out).stderr(err)
}

/// Creates a fresh database named `PREFIX_<random>` on the PostgreSQL server at `admin_url`
/// with a UTF-8 locale (pg_trgm needs one); returns its name and URL.
pub async fn create_pg_database(admin_url: &str, prefix: &str) -> (String, String) {
    let token = ducha_service::auth::random_token().expect("randomness");
    let name = format!("{prefix}_{}", token[..16].to_ascii_lowercase());
    let mut admin = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to DUCHA_TEST_PG");
    sqlx::raw_sql(AssertSqlSafe(format!(
        "CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' \
         LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
    )))
    .execute(&mut admin)
    .await
    .expect("create the test database");
    let _ = admin.close().await;
    let mut url = reqwest::Url::parse(admin_url).expect("DUCHA_TEST_PG is a URL");
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}
