//! The demo city's data (filled in by the seeding work).

use ducha_service::Services;

/// (role, username, who) of the accounts printed at start.
pub const LOGINS: &[(&str, &str, &str)] = &[];

/// Seeds everything; returns a one-line summary.
pub async fn seed(_services: &Services, _today: chrono::NaiveDate) -> anyhow::Result<String> {
    Ok(String::new())
}
