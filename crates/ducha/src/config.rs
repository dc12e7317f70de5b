//! Layered configuration: defaults → TOML file → `DUCHA_…` environment (`__` nests) → flags.
//! Validated once at start; secrets are redacted in `Debug`.

use anyhow::{Context, bail};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole configuration.
#[derive(Clone, Serialize, Deserialize, Default, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the data lives.
    pub database: DatabaseConfig,
    /// The web server.
    pub http: HttpSection,
    /// The event log.
    pub audit: AuditConfig,
    /// Rules of the use cases.
    pub service: ducha_service::Config,
    /// The periodic jobs of this node.
    pub scheduler: ducha_service::clock::SchedulerSettings,
    /// Logging.
    pub log: LogConfig,
    /// Keys for secrets and personal data at rest.
    pub secrets: SecretsConfig,
    /// The configuration secrets given in plaintext (their names, never their values), for
    /// `serve` to warn about once.
    #[serde(skip)]
    pub plaintext_secrets: Vec<&'static str>,
}

/// Keys for secrets at rest (`[secrets]`): configuration values given as `enc:v1:…` and users'
/// phone and email in the database are encrypted with them.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecretsConfig {
    /// A file of `id:base64key` lines; the line marked `*` (else the first) encrypts.
    pub key_file: Option<PathBuf>,
    /// Keys given in the environment instead (`DUCHA_SECRETS__KEY=id:base64key`, several
    /// separated by commas, the first current); never shown by `Debug`.
    pub key: Option<String>,
    /// `aes-256-gcm` (32-byte keys) or `sm4-gcm` (16-byte keys, for 国密 deployments).
    pub algorithm: String,
}

impl Default for SecretsConfig {
    fn default() -> Self {
        Self {
            key_file: None,
            key: None,
            algorithm: "aes-256-gcm".into(),
        }
    }
}

impl std::fmt::Debug for SecretsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretsConfig")
            .field("key_file", &self.key_file)
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("algorithm", &self.algorithm)
            .finish()
    }
}

/// Database settings.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://path/to/file.db` or `postgres://user:pass@host/db`.
    pub url: String,
    /// Connections per node (PostgreSQL).
    pub max_connections: u32,
    /// PostgreSQL: connections per node that commit writes in shared transactions (group
    /// commit), on top of `max_connections`; 0 commits each request in its own transaction.
    pub writers: usize,
    /// SQLite commit durability: `normal` (survives a killed process) or `full` (survives
    /// power loss).
    pub sqlite_durability: String,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://data/ducha.db".into(),
            max_connections: 16,
            writers: ducha_store_postgres::DEFAULT_WRITERS,
            sqlite_durability: "normal".into(),
        }
    }
}

/// Hides a password in a database URL.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            if creds.contains(':') {
                format!("{}://{user}:***@{}", &url[..s], &url[at + 1..])
            } else {
                url.to_string()
            }
        }
        _ => url.to_string(),
    }
}

impl std::fmt::Debug for DatabaseConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DatabaseConfig")
            .field("url", &redact(&self.url))
            .field("max_connections", &self.max_connections)
            .field("writers", &self.writers)
            .field("sqlite_durability", &self.sqlite_durability)
            .finish()
    }
}

/// Web server settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpSection {
    /// Address to listen on.
    pub listen: String,
    /// Mark cookies `Secure`; turn off only behind no TLS on a single trusted machine.
    pub secure_cookies: bool,
    /// Seconds a stopping node waits for requests in flight after it stopped accepting.
    pub drain_seconds: u64,
    /// Serve HTTPS directly with this certificate and key (`[http.tls]`); absent: plain HTTP,
    /// for a TLS-terminating proxy in front or a local demo.
    pub tls: Option<TlsSection>,
    /// Serve the Prometheus page `/metrics` on this address (e.g. `127.0.0.1:9464`); absent:
    /// no metrics are collected. Its own listener, never the public one.
    pub metrics_listen: Option<String>,
}

impl Default for HttpSection {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            secure_cookies: true,
            drain_seconds: 10,
            tls: None,
            metrics_listen: None,
        }
    }
}

/// The server's certificate and key for HTTPS.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsSection {
    /// PEM file: the server certificate first, then any intermediates.
    pub cert: PathBuf,
    /// PEM file: the private key (PKCS#8, PKCS#1 or SEC1).
    pub key: PathBuf,
}

/// Event log settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Hash of a new chain: `sha256` or `sm3` (an existing chain keeps its own).
    pub hash: String,
    /// File the node holding the `checkpoint` job appends the chain-head checkpoints it
    /// records in the database to (keep it off the database host).
    pub checkpoint_file: PathBuf,
    /// Seconds between checkpoints while events arrive (the `checkpoint` job's interval).
    pub checkpoint_interval_seconds: u64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        Self {
            hash: "sha256".into(),
            checkpoint_file: PathBuf::from("data/chain-checkpoints.log"),
            checkpoint_interval_seconds: 60,
        }
    }
}

/// Logging settings.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `tracing` filter, e.g. `info` or `ducha=debug,sqlx=warn`.
    pub filter: String,
    /// `text` (for people) or `json` (one object per line, for log collectors).
    pub format: String,
    /// One line per request served (method, route, status, milliseconds, operation id).
    pub access: bool,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info,sqlx=warn".into(),
            format: "text".into(),
            access: true,
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (when given, or `ducha.toml` when present), then the
    /// environment; reads the key ring and decrypts the configuration's `enc:v1:` values.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut cfg = Self::load_raw(file)?;
        let ring = crate::secrets::key_ring(&cfg.secrets)?;
        cfg.plaintext_secrets = crate::secrets::open_config(&mut cfg, ring.as_ref())?;
        cfg.service.secrets = ring.map(std::sync::Arc::new);
        cfg.validate()?;
        Ok(cfg)
    }

    /// Loads the layers without reading keys or decrypting anything (for `secrets keygen`,
    /// which may be creating the key file).
    pub fn load_raw(file: Option<&Path>) -> anyhow::Result<Self> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) if !f.exists() => bail!("config file {} does not exist", f.display()),
            Some(f) => fig = fig.merge(Toml::file(f)),
            None if Path::new("ducha.toml").exists() => fig = fig.merge(Toml::file("ducha.toml")),
            None => {}
        }
        let cfg: Config = fig
            .merge(
                Env::prefixed("DUCHA_")
                    .split("__")
                    // The test suites' own switches, never configuration.
                    .ignore(&[
                        "test_pg",
                        "password",
                        "config",
                        "test_cluster",
                        "cluster_seconds",
                        "haproxy",
                        "write_fixtures",
                    ]),
            )
            .extract()
            .context("invalid configuration")?;
        Ok(cfg)
    }

    /// Checks values that types alone cannot.
    pub fn validate(&self) -> anyhow::Result<()> {
        let url = &self.database.url;
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            bail!("database.url must start with sqlite:, postgres:// or postgresql://");
        }
        if !matches!(self.database.sqlite_durability.as_str(), "normal" | "full") {
            bail!("database.sqlite_durability must be normal or full");
        }
        if !matches!(self.audit.hash.as_str(), "sha256" | "sm3") {
            bail!("audit.hash must be sha256 or sm3");
        }
        if self.http.listen.parse::<std::net::SocketAddr>().is_err() {
            bail!("http.listen must be an address like 127.0.0.1:8080");
        }
        if let Some(m) = &self.http.metrics_listen
            && m.parse::<std::net::SocketAddr>().is_err()
        {
            bail!("http.metrics_listen must be an address like 127.0.0.1:9464");
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            bail!("log.format must be text or json");
        }
        if self.service.refusal_window_days == 0 || self.service.lockout_threshold < 1 {
            bail!("service.refusal_window_days and service.lockout_threshold must be at least 1");
        }
        let l = &self.service.lights;
        if !(0..=30).contains(&l.blue_within_working_days)
            || !(0..=100).contains(&l.pace_lag_percent)
        {
            bail!(
                "service.lights: blue_within_working_days must be 0–30 and pace_lag_percent 0–100"
            );
        }
        let n = &self.service.notices;
        if [
            n.blue_working_days,
            n.orange_working_days,
            n.red_working_days,
            n.summon_after_reds,
            n.max_reds_per_assignment,
        ]
        .iter()
        .any(|d| !(1..=60).contains(d))
        {
            bail!(
                "service.notices: working days, summon_after_reds and max_reds_per_assignment \
                 must be 1–60"
            );
        }
        if self.service.notify.digest_hour > 23 || self.service.notify.max_attempts < 1 {
            bail!("service.notify: digest_hour must be 0–23 and max_attempts at least 1");
        }
        let e = &self.service.evidence;
        if e.dir.as_os_str().is_empty() || !(1..=1024 * 1024 * 1024).contains(&e.max_bytes) {
            bail!("service.evidence: dir must be set and max_bytes must be 1 to 1073741824");
        }
        let a = &self.service.analytics;
        let days = [
            a.stall_quiet_days,
            a.stall_near_days,
            a.handoff_min_days,
            a.handoff_allowance_days,
            a.squeeze_min_days,
            a.co_silent_days,
            a.help_answer_days,
        ];
        let shares = [
            a.handoff_share,
            a.dilution_tolerance,
            a.raise_share,
            a.squeeze_share,
            a.forward_similarity,
        ];
        if days.iter().any(|d| !(0..=250).contains(d))
            || shares.iter().any(|s| !(0.0..=1.0).contains(s))
            || !(0..=1440).contains(&a.forward_minutes)
        {
            bail!(
                "service.analytics: day thresholds must be 0–250, shares 0–1 and \
                 forward_minutes 0–1440"
            );
        }
        if let Err(m) = self.service.auth.validate() {
            bail!("{m}");
        }
        if let Err(m) = self.service.joint.validate() {
            bail!("{m}");
        }
        if let Err(m) = self.service.proposals.validate() {
            bail!("service.proposals.{m}");
        }
        if self
            .secrets
            .algorithm
            .parse::<ducha_crypt::Algorithm>()
            .is_err()
        {
            bail!("secrets.algorithm must be aes-256-gcm or sm4-gcm");
        }
        if self.scheduler.lease_seconds < 1 || self.scheduler.tick_ms < 10 {
            bail!("scheduler: lease_seconds must be at least 1 and tick_ms at least 10");
        }
        if self.scheduler.purge_every_seconds < 1
            || !(0..=3650).contains(&self.scheduler.token_retention_days)
        {
            bail!(
                "scheduler: purge_every_seconds must be at least 1 and token_retention_days \
                 0–3650"
            );
        }
        Ok(())
    }
}

/// The commented example printed by `ducha config example`.
pub const EXAMPLE: &str = r#"# ducha configuration. Every key is optional; shown are the defaults.
# Precedence: defaults < this file < DUCHA_* environment (e.g. DUCHA_DATABASE__URL) < flags.

[database]
# sqlite://path/to/file.db (one node) or postgres://user:password@host:5432/db (several nodes)
url = "sqlite://data/ducha.db"
# Connections per node (PostgreSQL)
max_connections = 16
# PostgreSQL: connections per node more that commit writes together (group commit); 0 = one
# transaction per request
writers = 2
# SQLite commit durability: "normal" survives a killed process, "full" also power loss
sqlite_durability = "normal"

[http]
listen = "127.0.0.1:8080"
# Mark cookies Secure (requires HTTPS, served below or by a proxy in front); off only for local demos
secure_cookies = true
# Prometheus metrics on a separate address (off when absent): request latency per route,
# commit latency, the SQLite write queue, outbox backlog and dead letters, job lag, open
# sessions. Keep it on loopback or a management network; it has no authentication.
# metrics_listen = "127.0.0.1:9464"
# Health probes on the main listener, no login: GET /healthz (the process) and GET /readyz
# (database reachable and migrated; 503 with a reason otherwise).
# On SIGTERM/SIGINT: stop accepting, then wait at most this long for requests in flight
drain_seconds = 10
# Serve HTTPS directly (TLS 1.2/1.3, rustls); answers then carry Strict-Transport-Security.
# [http.tls]
# cert = "/etc/ducha/tls/fullchain.pem"
# key = "/etc/ducha/tls/privkey.pem"

[audit]
# Hash of a new event chain: "sha256" or "sm3"
hash = "sha256"
# Chain-head checkpoints: the node holding the checkpoint job records the head in the database
# (one sequence for every node and `ducha audit verify`) and appends it to this file; keep the
# file away from the database host: a checkpoint only the database holds proves less
checkpoint_file = "data/chain-checkpoints.log"
checkpoint_interval_seconds = 60

[service]
# Working days after dispatch within which a unit may refuse a wrongly routed assignment
refusal_window_days = 3
# Prefix of official numbers: 督〔2026〕15号
item_number_prefix = "督"
session_idle_minutes = 30
lockout_threshold = 5
lockout_minutes = 15
# Prefix of urge-notice numbers: 督催〔2026〕3号
notice_number_prefix = "督催"

[service.auth]
# Roles that must log in with a TOTP second factor (an empty list makes it optional)
twofactor_roles = ["system_admin", "security_admin", "audit_admin", "supervisor"]
# Issuer shown by authenticator apps
totp_issuer = "ducha"
# A session ends after this many hours however active it is (the idle timeout is above)
session_absolute_hours = 12
# Sessions one user may hold at once; a new login ends the oldest (0: no limit)
max_sessions_per_user = 3
# Minutes a login may wait between the password and its code
pending_minutes = 10
# Failed logins from one client address within the window that refuse further attempts from
# it until the window ends, whatever the name (0: no limit)
address_failures = 30
address_window_minutes = 15
# Take the client address from X-Forwarded-For: only behind a proxy that sets it
trust_forwarded_for = false

[service.lights]
# Blue when the deadline is this many working days away or fewer
blue_within_working_days = 3
# Yellow when reported progress trails the elapsed working-time pace by more points than this
pace_lag_percent = 20
yellow_on_missed_report = true
yellow_on_return = true

[service.notices]
# Issue blue notices for overdue assignments and missed reports by the rules
automatic = true
# Working days each colour gives; an unmet notice escalates blue → orange → red → red
blue_working_days = 3
orange_working_days = 3
red_working_days = 5
# Consecutive red notices for one unit that recommend summoning its head (约谈)
summon_after_reds = 3
# Red notices one assignment gets at most; the last stays open until it is met
max_reds_per_assignment = 3

[service.analytics]
# Chain analytics (链条分析): the thresholds of each finding. Working days unless said.
# A stall: no action for stall_quiet_days while the deadline is stall_near_days away or past
stall_quiet_days = 10
stall_near_days = 10
# A late hand-off: kept more than handoff_share of its own time (and at least
# handoff_min_days) before passing the work down
handoff_share = 0.5
handoff_min_days = 5
# Days a unit may take to pass work down before they count against it when the unit below
# finishes late
handoff_allowance_days = 3
# Dilution: shares handed down below the target by more than this fraction
dilution_tolerance = 0.02
# 层层加码: shares above the target by more than raise_share, or a deadline cut by more than
# squeeze_share of the time left (and at least squeeze_min_days)
raise_share = 0.2
squeeze_share = 0.3
squeeze_min_days = 5
# Forwarding only: passed down within forward_minutes of signing, the text at least this
# similar to the unit's own (character bigrams), nothing of its own added
forward_minutes = 60
forward_similarity = 0.8
# A co-unit silent this long after dispatch; a help request unanswered longer than this
co_silent_days = 15
help_answer_days = 3

[service.joint]
# Integrated supervision (整合督查资源). Plans in the same quarter overlap when their topics are
# at least this similar (character bigrams, 0–1)
topic_similarity = 0.5
# Working days before a joint meeting when its pre-read pack goes to the attendees
pack_days = 2
# Lines the proposed agenda holds at most
agenda_lines = 15

[service.joint.budgets]
# What a unit may bear per quarter (基层减负): inspections visiting it, days of inspectors on
# site, forms to fill in; a plan that would exceed them waits for the office's approval
township = { visits = 3, days = 5, forms = 6 }
village = { visits = 2, days = 3, forms = 4 }
county = { visits = 6, days = 10, forms = 12 }
department = { visits = 6, days = 10, forms = 12 }

[service.proposals]
# NPC suggestions and CPPCC proposals (人大建议/政协提案). The return window a new session gets
# (the office chooses 3–7 working days per session)
return_days = 5
# Co-units send their opinion to the lead within this many months; the lead replies within
# reply_months of routing; one extension adds at most extension_months; a dissatisfied
# proposer's suggestion is answered again within rehandle_months
co_months = 1
reply_months = 3
extension_months = 1
rehandle_months = 1

[service.appeals]
# Citizens' appeals (群众诉求): the public form's limits (0: none). Per client address and
# minute on each node, counted in memory before anything is read (a flood costs no database
# work); per address and hour, and per contact and day, counted in the database across nodes
per_address_per_minute = 3
per_address_per_hour = 20
per_contact_per_day = 5
# Minutes a check question (人机验证) on the form stays answerable
challenge_minutes = 60

[service.evidence]
# Evidence files (佐证材料), stored once per content. "filesystem" keeps them under
# dir/sha256/ (one node, or a directory every node mounts); "database" keeps them in the
# database, where every node of a cluster reads them
store = "filesystem"
dir = "data/evidence"
# Largest file accepted, in bytes (20 MiB); pictures, PDF, Word, Excel and TXT only
max_bytes = 20971520

[service.bulletins]
# Bulletins (督查通报): the charts are drawn with this font file's face chart_font_index (2 is
# Noto Sans CJK SC in Debian's fonts-noto-cjk); without it a bulletin says its charts are left
# out. The PDF is the Word document converted by LibreOffice's soffice (a name on PATH or a
# path), stopped after pdf_timeout_seconds
chart_font = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
chart_font_index = 2
soffice = "soffice"
pdf_timeout_seconds = 120

[service.notify]
# Non-urgent (blue) notices go out once a day at digest_hour (China time)
digest = true
digest_hour = 8
max_attempts = 8
retry_base_seconds = 30
base_url = "http://127.0.0.1:8080"
# Group robots per unit, e.g.
# [[service.notify.robots]]
# unit_id = 12
# channel = "dingtalk"          # dingtalk | wecom | feishu | webhook
# webhook = "https://oapi.dingtalk.com/robot/send?access_token=…"
# secret = "SEC…"

[service.notify.channels]
timeout_ms = 10000
# [service.notify.channels.smtp]
# host = "smtp.example.gov.cn"
# port = 587
# security = "starttls"
# username = "ducha"
# password = "…"
# from = "督查督办平台 <ducha@example.gov.cn>"
# [service.notify.channels.sms]
# url = "https://sms-gateway.example.gov.cn/send"
# secret = "…"

[scheduler]
# Run the periodic jobs (sweep, deliver, digest, checkpoint, purge) in this process; with several
# nodes on one PostgreSQL database each job runs on one node at a time
enabled = true
tick_ms = 1000
sweep_every_seconds = 900
deliver_every_ms = 2000
lease_seconds = 120
# Expired sessions, pending logins and throttle windows are deleted this often; API tokens
# once token_retention_days have passed since they expired or were revoked
# (run it by hand: ducha jobs run-once purge)
purge_every_seconds = 3600
token_retention_days = 30
# Every node (scheduler on or off) looks at the calendar's generation this often, so a year
# loaded on any node is in force on all of them within about this
calendar_poll_ms = 2000
# On SIGTERM/SIGINT a running job may finish for this long; then its lease and any claimed
# deliveries are handed back for another node to take at once
stop_grace_seconds = 10

[log]
filter = "info,sqlx=warn"
# "text" or "json" (one object per line; every line logged while serving a request carries
# its operation id, the one an error page shows). Also DUCHA_LOG__FORMAT=json.
format = "text"
# One line per request served: method, route template, status, milliseconds, operation id
access = true

[secrets]
# Keys that encrypt users' phone and email in the database and decrypt configuration values
# written enc:v1:… (make them with `ducha secrets encrypt SETTING`). Without a key, personal
# data stays in plaintext and `serve` warns about plaintext passwords and secrets.
# A file of id:base64key lines, the line marked * encrypts, every line decrypts; create it
# with `ducha secrets keygen`, rotate with `ducha secrets rotate`. Or give the keys in the
# environment: DUCHA_SECRETS__KEY=id:base64key (several separated by commas, the first current).
# key_file = "/etc/ducha/keys"
# "aes-256-gcm" (32-byte keys) or "sm4-gcm" (16-byte keys, 国密)
algorithm = "aes-256-gcm"
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_parses_to_the_defaults() {
        let from_example: Config = Figment::from(Toml::string(EXAMPLE))
            .extract()
            .expect("example");
        let defaults = Config::default();
        assert_eq!(
            serde_json::to_value(&from_example).expect("json"),
            serde_json::to_value(&defaults).expect("json")
        );
    }

    #[test]
    fn a_file_from_before_the_calendar_watch_still_loads() {
        let old: Config =
            Figment::from(Toml::string("[scheduler]\ncalendar_every_seconds = 300\n"))
                .extract()
                .expect("an older file");
        assert_eq!(old.scheduler.calendar_every_seconds, Some(300));
        assert_eq!(old.scheduler.calendar_poll_ms, 2000);
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@db:5432/ducha"),
            "postgres://app:***@db:5432/ducha"
        );
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
        let d = DatabaseConfig {
            url: "postgres://a:b@h/d".into(),
            ..Default::default()
        };
        assert!(!format!("{d:?}").contains(":b@"));
    }

    #[test]
    fn bad_values_are_named() {
        let mut c = Config::default();
        c.database.url = "mysql://x".into();
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("database.url")
        );
        let mut c = Config::default();
        c.service.analytics.handoff_share = 1.5;
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("service.analytics")
        );
        let mut c = Config::default();
        c.service.joint.budgets.township.visits = 0;
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("service.joint.budgets")
        );
        let mut c = Config::default();
        c.service.joint.topic_similarity = 0.0;
        assert!(c.validate().is_err());
        let mut c = Config::default();
        c.log.format = "xml".into();
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("log.format")
        );
        let mut c = Config::default();
        c.http.metrics_listen = Some("everywhere".into());
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("http.metrics_listen")
        );
        let mut c = Config::default();
        c.scheduler.token_retention_days = -1;
        assert!(
            c.validate()
                .expect_err("bad")
                .to_string()
                .contains("token_retention_days")
        );
    }
}
