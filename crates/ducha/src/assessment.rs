//! `ducha assessment rules …`: a jurisdiction's rule sets, loaded, listed and compared.

use crate::backend::Backend;
use crate::config::Config;
use crate::{AssessmentCommand, RulesCommand, explain, with_db};
use anyhow::Context;
use ducha_domain::assessment::rules::{DEFAULT_RULES, RuleSet};

/// Runs an assessment command; returns the exit code.
pub async fn run(cfg: Config, cmd: AssessmentCommand) -> anyhow::Result<u8> {
    let AssessmentCommand::Rules { command } = cmd;
    let db = match &command {
        RulesCommand::Default => {
            print!("{DEFAULT_RULES}");
            return Ok(0);
        }
        RulesCommand::Load { db, .. }
        | RulesCommand::List { db, .. }
        | RulesCommand::Diff { db, .. } => db.clone(),
    };
    let cfg = with_db(cfg, &db)?;
    let backend = Backend::open(&cfg.database).await?;
    backend.init_chain(&cfg.audit.hash).await?;
    let s = crate::serve::services(&backend, &cfg);
    match command {
        RulesCommand::Default => {}
        RulesCommand::Load { scope, file, .. } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            if let Err(e) = RuleSet::parse(&text) {
                let m = ducha_domain::i18n::format(e.key, ducha_domain::i18n::Lang::ZhCn, &e.args);
                anyhow::bail!("{}: {m}", file.display());
            }
            let scope = root(&s, scope).await?;
            let c = s
                .load_rule_set(None, scope, &text, ducha_service::now())
                .await
                .map_err(explain)?;
            println!("rule set loaded (event {})", c.event_seq);
        }
        RulesCommand::List { scope, .. } => {
            let scope = root(&s, scope).await?;
            let sets = s.rule_sets(scope).await.map_err(explain)?;
            if sets.is_empty() {
                let d = RuleSet::default_set();
                println!("{} (default, in force) {}", d.version, d.title);
            }
            for (i, r) in sets.iter().enumerate() {
                let mark = if i == 0 { " (in force)" } else { "" };
                let at = (r.loaded_at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M");
                println!("{}{mark} {} — loaded {at}", r.version, r.title);
            }
        }
        RulesCommand::Diff {
            scope, from, to, ..
        } => {
            let scope = root(&s, scope).await?;
            let sets = s.rule_sets(scope).await.map_err(explain)?;
            let text = |v: &str| -> anyhow::Result<String> {
                if v == "default" {
                    return Ok(DEFAULT_RULES.to_string());
                }
                sets.iter()
                    .find(|r| r.version == v)
                    .map(|r| r.body.clone())
                    .with_context(|| format!("no rule set {v} in this jurisdiction"))
            };
            for line in ducha_service::assessment::rules_diff(&text(&from)?, &text(&to)?) {
                println!("{line}");
            }
        }
    }
    Ok(0)
}

/// The jurisdiction asked, or the root of the tree (the first unit and its ancestors).
async fn root(s: &ducha_service::Services, scope: Option<i64>) -> anyhow::Result<i64> {
    if let Some(id) = scope {
        return Ok(id);
    }
    let mut u = s
        .store
        .unit(1)
        .await?
        .context("no units yet: add the root unit first")?;
    while let Some(p) = u.parent_id {
        u = s
            .store
            .unit(p)
            .await?
            .context("a unit's parent is missing")?;
    }
    Ok(u.id)
}
