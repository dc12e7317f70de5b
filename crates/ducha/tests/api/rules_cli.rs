//! `ducha assessment rules list | load | diff` through the real binary on the test's database:
//! the shipped set in force while none is loaded, a loaded version in force after, a bad file
//! refused with the rule named and nothing loaded, and the changed lines between versions.

use crate::audit::{Cli, ducha};
use crate::helpers::TestApp;
use ducha_domain::assessment::rules::{DEFAULT_RULES, RuleSet};

crate::on_both_backends!(rules_listed_loaded_and_compared);

/// `ducha assessment rules ARGS… --database URL`.
async fn rules(app: &TestApp, args: &[&str]) -> Cli {
    let mut v: Vec<String> = ["assessment", "rules"]
        .iter()
        .chain(args)
        .map(|s| s.to_string())
        .collect();
    v.push("--database".into());
    v.push(app.db.url());
    ducha(v).await
}

async fn rules_listed_loaded_and_compared(app: &TestApp) {
    let shipped = RuleSet::default_set();
    // Nothing loaded: the shipped set is in force.
    let list = rules(app, &["list"]).await;
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    assert_eq!(
        list.stdout.trim(),
        format!("{} (default, in force) {}", shipped.version, shipped.title)
    );

    // A bad file is refused, the rule and field named; nothing is loaded.
    let dir = tempfile::tempdir().expect("temporary directory");
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        DEFAULT_RULES.replace("cap_per_item = 20.0", "cap_per_item = -20.0"),
    )
    .expect("write");
    let load = rules(app, &["load", &bad.display().to_string()]).await;
    assert_ne!(load.code, Some(0), "{}", load.stdout);
    assert!(
        load.stderr.contains("missed-report") && load.stderr.contains("cap_per_item"),
        "{}",
        load.stderr
    );
    assert_eq!(rules(app, &["list"]).await.stdout, list.stdout);

    // A new version: loaded, in force, listed first.
    let text = DEFAULT_RULES
        .replace("version = \"2026.1\"", "version = \"2026.2\"")
        .replace(
            "fact = \"orange_notice\"\npoints = -1.0\n",
            "fact = \"orange_notice\"\npoints = -4.0\n",
        );
    assert!(
        text.contains("points = -4.0"),
        "the new version changes a rule"
    );
    let good = dir.path().join("2026.2.toml");
    std::fs::write(&good, &text).expect("write");
    let load = rules(app, &["load", &good.display().to_string()]).await;
    assert_eq!(load.code, Some(0), "{}", load.stderr);
    assert!(load.stdout.contains("rule set loaded"), "{}", load.stdout);
    let list = rules(app, &["list"]).await;
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", list.stdout);
    assert!(lines[0].starts_with("2026.2 (in force) "), "{}", lines[0]);
    // The same version again is refused.
    let again = rules(app, &["load", &good.display().to_string()]).await;
    assert_ne!(again.code, Some(0), "{}", again.stdout);
    assert_eq!(rules(app, &["list"]).await.stdout, list.stdout);

    // The diff names exactly the changed lines, old first.
    let diff = rules(app, &["diff", "default", "2026.2"]).await;
    assert_eq!(diff.code, Some(0), "{}", diff.stderr);
    assert_eq!(
        diff.stdout.lines().collect::<Vec<_>>(),
        vec![
            "-version = \"2026.1\"",
            "+version = \"2026.2\"",
            "-points = -1.0",
            "+points = -4.0",
        ]
    );
    // An unknown version is named in the error.
    let unknown = rules(app, &["diff", "default", "2099.9"]).await;
    assert_ne!(unknown.code, Some(0));
    assert!(unknown.stderr.contains("2099.9"), "{}", unknown.stderr);
}
