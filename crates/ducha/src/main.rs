//! `ducha` — the integrated supervision & follow-up platform (整合督查督办平台).

mod analytics;
mod assessment;
mod audit;
mod backend;
mod backup;
mod bench;
mod config;
mod demo;
mod jobs;
mod metrics_page;
mod progress;
mod secrets;
mod serve;

use anyhow::Context;
use backend::Backend;
use clap::{Args, Parser, Subcommand};
use config::Config;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "ducha",
    version,
    about = "督查 — integrated supervision & follow-up platform"
)]
struct Cli {
    /// Configuration file (TOML); `ducha.toml` in the working directory is read when present.
    #[arg(long, global = true, env = "DUCHA_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct DbArg {
    /// Database URL (sqlite://FILE or postgres://…); overrides the configuration.
    #[arg(long)]
    database: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and API.
    Serve {
        #[command(flatten)]
        db: DbArg,
        /// Address to listen on.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Run pending database migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArg,
    },
    /// Serve a seeded demo city on an embedded SQLite file and print the logins.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        /// Directory for the demo database and checkpoints.
        #[arg(long, default_value = "data/demo")]
        data_dir: PathBuf,
        /// The demo's "today" (YYYY-MM-DD); history is laid out over the four months before it.
        #[arg(long)]
        as_of: Option<chrono::NaiveDate>,
        /// Seed and exit without serving.
        #[arg(long)]
        seed_only: bool,
    },
    /// Manage units.
    Unit {
        #[command(subcommand)]
        command: UnitCommand,
    },
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Verify and publish the tamper-evident event log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Configuration helpers.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The working-day calendar (工作日): holidays and make-up working days.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// The periodic jobs (sweep, deliver, digest, checkpoint, purge).
    Jobs {
        #[command(subcommand)]
        command: JobsCommand,
    },
    /// Chain analytics (链条分析): the derived tables of hops and findings.
    Analytics {
        #[command(subcommand)]
        command: AnalyticsCommand,
    },
    /// The assessment (平时成绩): rule sets per jurisdiction.
    Assessment {
        #[command(subcommand)]
        command: AssessmentCommand,
    },
    /// Keys for secrets and personal data at rest (`[secrets]`).
    Secrets {
        #[command(subcommand)]
        command: SecretsCommand,
    },
    /// Measure throughput and latency on a synthetic city.
    Bench(Box<bench::BenchArgs>),
    /// Back up the database (online), the checkpoint file and the evidence files into a new
    /// directory with a manifest of SHA-256 sums.
    Backup {
        #[command(flatten)]
        db: DbArg,
        /// The backup directory to create; it must not exist.
        #[arg(long)]
        to: PathBuf,
        #[command(flatten)]
        places: PlacesArg,
    },
    /// Restore a backup into an empty (or, with --force, replaced) database, then verify the
    /// chain and print its head.
    Restore {
        /// The backup directory.
        #[arg(long)]
        from: PathBuf,
        #[command(flatten)]
        db: DbArg,
        #[command(flatten)]
        places: PlacesArg,
        /// Replace a database and a checkpoint file that are not empty.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Clone, Default)]
struct PlacesArg {
    /// Checkpoint file (default: the configured audit.checkpoint_file).
    #[arg(long)]
    checkpoints: Option<PathBuf>,
    /// Evidence directory (default: the configured service.evidence.dir).
    #[arg(long)]
    evidence_dir: Option<PathBuf>,
}

impl PlacesArg {
    fn resolve(self, cfg: &Config) -> backup::Places {
        backup::Places {
            checkpoints: self
                .checkpoints
                .unwrap_or_else(|| cfg.audit.checkpoint_file.clone()),
            evidence: self
                .evidence_dir
                .unwrap_or_else(|| cfg.service.evidence.dir.clone()),
        }
    }
}

#[derive(Subcommand)]
enum SecretsCommand {
    /// Make a new key for the configured algorithm and add it to secrets.key_file (current if
    /// it is the file's first key or with --current).
    Keygen {
        /// The key's id (default: k + the UTC time).
        #[arg(long)]
        id: Option<String>,
        /// Print the key as `id:base64key` (for DUCHA_SECRETS__KEY) instead of writing the file.
        #[arg(long)]
        stdout: bool,
        /// Make the new key current (e.g. after switching secrets.algorithm; then run
        /// `ducha secrets rotate --reencrypt-only`).
        #[arg(long)]
        current: bool,
    },
    /// Read a value from stdin and print it encrypted for SETTING, to paste into the TOML.
    Encrypt {
        /// The setting the value is for: database.url, service.notify.channels.smtp.password,
        /// service.notify.channels.sms.secret, service.notify.robots.webhook,
        /// service.notify.robots.url or service.notify.robots.secret.
        setting: String,
    },
    /// Add a new current key to the key file and re-encrypt users' phone and email under it
    /// (older keys stay in the file, and readable, until removed).
    Rotate {
        #[command(flatten)]
        db: DbArg,
        /// Add no key: encrypt plaintext and re-encrypt older keys' values with the current
        /// key (after putting a new key first in DUCHA_SECRETS__KEY, or to finish a rotation).
        #[arg(long)]
        reencrypt_only: bool,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Print a year's official holidays and make-up working days.
    Show {
        #[command(flatten)]
        db: DbArg,
        /// The year.
        year: i32,
    },
    /// Print the date N working days after DATE (DATE itself not counted).
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Start date, YYYY-MM-DD.
        date: chrono::NaiveDate,
        /// Working days.
        n: u32,
    },
    /// Load a newly published year from a file of `DATE holiday|workday NAME` lines.
    Load {
        #[command(flatten)]
        db: DbArg,
        /// The file.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum JobsCommand {
    /// Run one job now, whether due or not (unless another node holds it).
    RunOnce {
        #[command(flatten)]
        db: DbArg,
        /// sweep, deliver, digest, checkpoint or purge.
        job: String,
        /// The instant the job takes as "now" (RFC 3339); default the system clock.
        #[arg(long)]
        at: Option<String>,
    },
    /// List the jobs with their leases and last outcomes.
    List {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum AnalyticsCommand {
    /// Replay the event log into the hop facts, the stall map's sums and the findings.
    Rebuild {
        #[command(flatten)]
        db: DbArg,
        /// Compare the stored tables with the replay instead of writing; exit 1 if they differ.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Subcommand)]
enum AssessmentCommand {
    /// The rule sets (考核细则) of a jurisdiction.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Print the shipped default rule set (a starting point for a jurisdiction's own).
    Default,
    /// Load a rule set (TOML) for a jurisdiction; a version is loaded once.
    Load {
        #[command(flatten)]
        db: DbArg,
        /// The jurisdiction's unit id (the root when absent).
        #[arg(long)]
        scope: Option<i64>,
        /// The TOML file.
        file: PathBuf,
    },
    /// List a jurisdiction's rule sets, the one in force first.
    List {
        #[command(flatten)]
        db: DbArg,
        /// The jurisdiction's unit id (the root when absent).
        #[arg(long)]
        scope: Option<i64>,
    },
    /// Show what changed between two versions (`default` is the shipped set).
    Diff {
        #[command(flatten)]
        db: DbArg,
        /// The jurisdiction's unit id (the root when absent).
        #[arg(long)]
        scope: Option<i64>,
        /// The older version.
        from: String,
        /// The newer version.
        to: String,
    },
}

#[derive(Subcommand)]
enum UnitCommand {
    /// Add a unit (the first unit of a fresh database is the root).
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Name, e.g. 青山市人民政府.
        #[arg(long)]
        name: String,
        /// city, county, township, village, department or supervision_body.
        #[arg(long)]
        kind: String,
        /// Parent unit id.
        #[arg(long)]
        parent: Option<i64>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user.
    Add {
        #[command(flatten)]
        db: DbArg,
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown.
        #[arg(long)]
        name: String,
        /// Unit id.
        #[arg(long)]
        unit: i64,
        /// Comma-separated roles: supervisor, leader, unit_head, liaison, system_admin,
        /// security_admin, audit_admin.
        #[arg(long)]
        roles: String,
        /// Position (职务), e.g. 市长; how the workbench greets the user.
        #[arg(long, default_value = "")]
        position: String,
        /// Read the password from the DUCHA_PASSWORD environment variable instead of stdin.
        #[arg(long)]
        password_env: bool,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the chain; exit 1 naming the first bad sequence number.
    Verify {
        #[command(flatten)]
        db: DbArg,
        /// Checkpoint file to check against (default: the configured one).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Print the chain head (`SEQ HASH ALGO`) for publication.
    Head {
        #[command(flatten)]
        db: DbArg,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Print a commented example configuration.
    Example,
    /// Print the effective configuration (secrets redacted).
    Show,
}

/// Logs to stderr, as text or as one JSON object per line; a line logged while a request is
/// served carries the request's span (its operation id, method and route).
fn init_tracing(log: &config::LogConfig) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&log.filter));
    let fmt = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if log.format == "json" {
        fmt.json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init()
    } else {
        fmt.try_init()
    };
}

pub(crate) fn with_db(mut cfg: Config, db: &DbArg) -> anyhow::Result<Config> {
    if let Some(url) = &db.database {
        cfg.database.url.clone_from(url);
        cfg.validate()?;
    }
    Ok(cfg)
}

fn read_password(from_env: bool) -> anyhow::Result<String> {
    if from_env {
        return std::env::var("DUCHA_PASSWORD").context("DUCHA_PASSWORD is not set");
    }
    eprint!("password: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(code) => std::process::ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<u8> {
    if let Command::Config {
        command: ConfigCommand::Example,
    } = cli.command
    {
        print!("{}", config::EXAMPLE);
        return Ok(0);
    }
    if let Command::Secrets {
        command:
            SecretsCommand::Keygen {
                id,
                stdout,
                current,
            },
    } = cli.command
    {
        // The key file may not exist yet: read the configuration without opening it.
        secrets::keygen(
            &Config::load_raw(cli.config.as_deref())?,
            id,
            stdout,
            current,
        )?;
        return Ok(0);
    }
    let cfg = Config::load(cli.config.as_deref())?;
    init_tracing(&cfg.log);
    match cli.command {
        // Printed above, before the configuration is read.
        Command::Config {
            command: ConfigCommand::Example,
        } => {}
        Command::Config {
            command: ConfigCommand::Show,
        } => println!("{cfg:#?}"),
        Command::Serve { db, listen } => {
            let mut cfg = with_db(cfg, &db)?;
            if let Some(l) = listen {
                cfg.http.listen = l;
                cfg.validate()?;
            }
            let backend = Backend::open(&cfg.database).await?;
            let scheme = if cfg.http.tls.is_some() {
                "https"
            } else {
                "http"
            };
            serve::run(backend, &cfg, |addr| {
                tracing::info!("listening on {scheme}://{addr}")
            })
            .await?;
        }
        Command::Migrate { db } => {
            let cfg = with_db(cfg, &db)?;
            Backend::open(&cfg.database).await?;
            println!(
                "migrations applied to {}",
                config::redact(&cfg.database.url)
            );
        }
        Command::Demo {
            listen,
            data_dir,
            as_of,
            seed_only,
        } => {
            demo::run(cfg, &listen, &data_dir, as_of, seed_only).await?;
        }
        Command::Unit {
            command:
                UnitCommand::Add {
                    db,
                    name,
                    kind,
                    parent,
                },
        } => {
            let cfg = with_db(cfg, &db)?;
            let backend = Backend::open(&cfg.database).await?;
            backend.init_chain(&cfg.audit.hash).await?;
            let input = ducha_service::org::UnitInput {
                parent_id: parent,
                name,
                kind,
                sort: 0,
            };
            let id = serve::services(&backend, &cfg)
                .create_unit(None, &input, ducha_service::now())
                .await
                .map_err(explain)?;
            println!("unit {id} added");
        }
        Command::User {
            command:
                UserCommand::Add {
                    db,
                    username,
                    name,
                    unit,
                    roles,
                    position,
                    password_env,
                },
        } => {
            let cfg = with_db(cfg, &db)?;
            let backend = Backend::open(&cfg.database).await?;
            backend.init_chain(&cfg.audit.hash).await?;
            let input = ducha_service::org::UserInput {
                username,
                display_name: name,
                unit_id: unit,
                roles: roles.split(',').map(|r| r.trim().to_string()).collect(),
                password: read_password(password_env)?,
                phone: String::new(),
                email: String::new(),
                position,
            };
            let id = serve::services(&backend, &cfg)
                .create_user(None, &input, ducha_service::now())
                .await
                .map_err(explain)?;
            println!("user {id} added");
        }
        Command::Audit {
            command: AuditCommand::Verify { db, checkpoints },
        } => {
            let cfg = with_db(cfg, &db)?;
            let backend = Backend::open_existing(&cfg.database).await?;
            let file = checkpoints.unwrap_or(cfg.audit.checkpoint_file.clone());
            return Ok(u8::try_from(audit::verify(&backend, Some(&file)).await?).unwrap_or(1));
        }
        Command::Audit {
            command: AuditCommand::Head { db },
        } => {
            let cfg = with_db(cfg, &db)?;
            audit::head(&Backend::open_existing(&cfg.database).await?).await?;
        }
        Command::Calendar { command } => return jobs::calendar(cfg, command).await,
        Command::Jobs { command } => return jobs::jobs(cfg, command).await,
        Command::Analytics { command } => return analytics::run(cfg, command).await,
        Command::Assessment { command } => return assessment::run(cfg, command).await,
        Command::Bench(args) => bench::run(cfg, *args).await?,
        Command::Backup { db, to, places } => {
            let cfg = with_db(cfg, &db)?;
            let places = places.resolve(&cfg);
            backup::backup(&cfg.database.url, &to, &places).await?;
        }
        Command::Restore {
            from,
            db,
            places,
            force,
        } => {
            let cfg = with_db(cfg, &db)?;
            let places = places.resolve(&cfg);
            return backup::restore(&cfg, &from, &places, force).await;
        }
        // Handled above, before the key file is read.
        Command::Secrets {
            command: SecretsCommand::Keygen { .. },
        } => {}
        Command::Secrets {
            command: SecretsCommand::Encrypt { setting },
        } => secrets::encrypt(&cfg, &setting)?,
        Command::Secrets {
            command: SecretsCommand::Rotate { db, reencrypt_only },
        } => {
            let mut cfg = with_db(cfg, &db)?;
            let backend = Backend::open_existing(&cfg.database).await?;
            let ring = secrets::rotate_keys(&cfg, &serve::services(&backend, &cfg), reencrypt_only)
                .await?;
            let current = ring.current_id().to_string();
            cfg.service.secrets = Some(std::sync::Arc::new(ring));
            let done = serve::services(&backend, &cfg)
                .secure_contacts(true)
                .await
                .context("cannot re-encrypt users' personal data")?;
            println!(
                "{} users checked, {} re-encrypted under key {current}, {} changed meanwhile \
                 (run again)",
                done.users, done.rewritten, done.skipped
            );
        }
    }
    Ok(0)
}

/// Turns a use-case error into a readable CLI message (validation keys translated).
pub(crate) fn explain(e: ducha_service::ServiceError) -> anyhow::Error {
    use ducha_domain::i18n::{Lang, t};
    match e {
        ducha_service::ServiceError::Invalid(v) => {
            let lines: Vec<String> =
                v.0.iter()
                    .map(|f| {
                        let m = ducha_domain::i18n::field_message(f, Lang::ZhCn);
                        format!("{}: {m}", f.field)
                    })
                    .collect();
            anyhow::anyhow!("invalid input: {}", lines.join("; "))
        }
        ducha_service::ServiceError::Rule(r) => anyhow::anyhow!("{}", t(r.key(), Lang::ZhCn)),
        other => anyhow::anyhow!(other),
    }
}
