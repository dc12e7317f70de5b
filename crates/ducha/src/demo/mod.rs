//! `ducha demo`: a fictional prefecture-level city with four months of supervision history,
//! seeded deterministically through the real use cases, then served.

mod seed;

use crate::backend::Backend;
use crate::config::Config;
use anyhow::Context;
use chrono::NaiveDate;
use std::path::Path;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Demo2026ducha";

/// Seeds (when the file is new) and serves the demo city.
pub async fn run(
    mut cfg: Config,
    listen: &str,
    data_dir: &Path,
    as_of: Option<NaiveDate>,
    seed_only: bool,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create {}", data_dir.display()))?;
    let db = data_dir.join("ducha-demo.db");
    cfg.database.url = format!("sqlite://{}", db.display());
    cfg.http.listen = listen.to_string();
    // Plain HTTP on one machine: a Secure cookie would not be sent back over http://<LAN IP>.
    cfg.http.secure_cookies = false;
    cfg.audit.checkpoint_file = data_dir.join("chain-checkpoints.log");
    cfg.service.evidence.dir = data_dir.join("evidence");
    // A demo to try from the printed accounts: two-factor login is optional here (each user
    // may still turn it on under 账号安全), while a real deployment requires it for the
    // admins and supervisors. The seeded accounts were made at the console, so they need no
    // first-login password change either.
    cfg.service.auth.twofactor_roles = Vec::new();
    // Everyone trying the demo shares the printed accounts: one person's login must not end
    // another's session.
    cfg.service.auth.max_sessions_per_user = 0;
    cfg.validate()?;
    let backend = Backend::open(&cfg.database).await?;
    backend.init_chain(&cfg.audit.hash).await?;
    let services = crate::serve::services(&backend, &cfg);
    let (units, _) = services.store.counts().await?;
    if units == 0 {
        let today = as_of.unwrap_or_else(|| ducha_domain::calendar::china_date(chrono::Utc::now()));
        eprintln!(
            "seeding the demo city as of {today} into {} …",
            db.display()
        );
        let stats = seed::seed(&services, today).await?;
        eprintln!("seeded {stats}");
        services
            .checkpoint(Some(&cfg.audit.checkpoint_file), "demo", chrono::Utc::now())
            .await?;
    } else {
        eprintln!("reopening the demo city in {}", db.display());
    }
    if seed_only {
        return Ok(());
    }
    crate::serve::run(backend, &cfg, print_logins).await
}

fn print_logins(addr: std::net::SocketAddr) {
    println!();
    println!("  ducha 督查 demo city is running: http://{addr}/");
    println!("  API documentation:               http://{addr}/api/docs/");
    println!();
    println!("  Every account's password: {DEMO_PASSWORD}");
    println!("  Two-factor login is optional in the demo (turn it on under 账号安全 / Account");
    println!("  security); a real deployment requires it for admins and supervisors.");
    for (role, user, who) in seed::LOGINS {
        println!("    {}{user:<18} {who}", pad(role, 34));
    }
    println!();
    println!("  Stop with Ctrl-C; run again to reopen the same data.");
}

/// `s` padded to `width` terminal columns (CJK characters take two).
fn pad(s: &str, width: usize) -> String {
    let cols: usize = s.chars().map(|c| if c >= '\u{2E80}' { 2 } else { 1 }).sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(cols)))
}
