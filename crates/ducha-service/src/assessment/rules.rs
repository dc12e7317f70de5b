//! Rule sets (考核细则) of a jurisdiction: loaded as TOML (each version once), listed and
//! compared.

use crate::context::Subject;
use crate::error::{ServiceError, ServiceResult, ensure};
use crate::{Created, Services};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::assessment::RuleSet;
use ducha_domain::chain::EventKind;
use ducha_domain::org::Actor;
use ducha_store::{Insert, NewRuleSet, RuleSetRow};

impl Services {
    /// Loads a rule set for a jurisdiction: by its supervisors, or from the console (`None`).
    /// A bad set is refused whole, naming what is wrong.
    pub async fn load_rule_set(
        &self,
        actor: Option<&Actor>,
        scope_unit_id: i64,
        text: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Created> {
        let scope = self
            .store
            .unit(scope_unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let Some(a) = actor {
            ensure(Self::runs_assessment(a, &scope.path.0))?;
        }
        if !scope.kind.is_jurisdiction() {
            return Err(
                ValidationErrors::single("scope_unit_id", "validation.unknown_unit").into(),
            );
        }
        if text.len() > 200_000 {
            return Err(ValidationErrors::single("rules", "validation.too_long").into());
        }
        let set = RuleSet::parse(text).map_err(|e| {
            tracing::info!(error = %e, "a rule set was refused");
            ServiceError::Invalid(ValidationErrors::single_with("rules", e.key, e.args))
        })?;
        let c = self
            .commit(
                actor,
                now,
                EventKind::RulesLoaded,
                Subject {
                    unit: Some(scope_unit_id),
                    ..Subject::default()
                },
                serde_json::json!({ "version": set.version, "title": set.title,
                    "rules": set.rules.len(), "sha256": ducha_domain::chain::HashAlgo::Sha256
                        .hex_digest(text.as_bytes()) }),
                vec![],
                vec![Insert::RuleSet(NewRuleSet {
                    scope_unit_id,
                    version: set.version.clone(),
                    title: set.title.clone(),
                    body: text.to_string(),
                    loaded_by: actor.map(|a| a.user_id.0),
                    loaded_at: now,
                })],
            )
            .await
            .map_err(|e| match e {
                ServiceError::Rule(ducha_domain::Rule::NameTaken) => ServiceError::Invalid(
                    ValidationErrors::single("version", "rule.rules_version_taken"),
                ),
                other => other,
            })?;
        Ok(Created {
            id: c.ids[0],
            ids: c.ids,
            event_seq: c.event.seq,
        })
    }

    /// A jurisdiction's rule sets, latest first (the first is in force; none means the
    /// shipped default).
    pub async fn rule_sets(&self, scope_unit_id: i64) -> ServiceResult<Vec<RuleSetRow>> {
        Ok(self.store.rule_sets(scope_unit_id).await?)
    }
}

/// The lines that differ between two rule sets' texts, as `-old` / `+new` (a plain line
/// comparison in order; enough to see what a new version changes).
pub fn diff(old: &str, new: &str) -> Vec<String> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // Longest common subsequence over lines (rule sets are a few hundred lines).
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            // On a tie the old line goes first, as diff(1) shows a changed line.
            out.push(format!("-{}", a[i]));
            i += 1;
        } else {
            out.push(format!("+{}", b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_diff_names_the_changed_lines() {
        let old = "version = \"1\"\npoints = -10\nname = \"a\"";
        let new = "version = \"2\"\npoints = -10\nname = \"a\"\nextra = 1";
        assert_eq!(
            super::diff(old, new),
            vec!["-version = \"1\"", "+version = \"2\"", "+extra = 1"]
        );
    }
}
