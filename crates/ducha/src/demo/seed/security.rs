//! The security log's morning, as the three admins find it: the day's first logins, a
//! township liaison who mistyped the password until the account locked (waiting on the
//! security admin's workbench), and a supervisor's API token for the city's data screen.
//! Played through the real login and token use cases at the real time, so the audit admin's
//! page (today's rows by default) shows them.

use super::{LOGINS, Org};
use crate::demo::DEMO_PASSWORD;
use anyhow::Context;
use ducha_domain::org::UnitKind;
use ducha_service::Services;
use ducha_service::security::with_client;
use ducha_service::tokens::TokenInput;

/// Plays the security story.
pub(crate) async fn story(s: &Services, org: &Org) -> anyhow::Result<()> {
    let now = ducha_service::now();
    for (name, addr) in [("zf.ducha1", "10.12.3.41"), ("yunxi.liaison", "10.31.0.17")] {
        with_client(addr.into(), s.login(name, DEMO_PASSWORD, Some(addr), now)).await?;
    }
    // A township liaison none of the printed accounts is: five wrong passwords lock it.
    let printed: Vec<&str> = LOGINS.iter().map(|(_, user, _)| *user).collect();
    let mut victim = None;
    for unit in org.units.iter().filter(|u| u.kind == UnitKind::Township) {
        for id in &unit.liaisons {
            if let Some(user) = s.store.user(*id).await?
                && !printed.contains(&user.username.as_str())
            {
                victim = Some(user.username);
                break;
            }
        }
        if victim.is_some() {
            break;
        }
    }
    let victim = victim.context("a township liaison")?;
    let addr = "10.31.5.102";
    for _ in 0..s.config.lockout_threshold {
        // Refused each time, as intended: the rows and the lock are the point.
        let _ = with_client(
            addr.into(),
            s.login(&victim, "longtan2026", Some(addr), now),
        )
        .await;
    }
    // The data screen's read-only token, made from the supervisor's session.
    let sup = s
        .store
        .user_by_name("zf.ducha1")
        .await?
        .context("the supervisor")?;
    let actor = s.actor(sup.id).await?;
    let input = TokenInput {
        name: "指挥中心大屏（只读）".into(),
        scope: Some("read".into()),
        areas: Vec::new(),
        days: Some(30),
    };
    with_client(
        "10.12.3.41".into(),
        s.create_token(&actor, false, &input, now),
    )
    .await?;
    Ok(())
}
