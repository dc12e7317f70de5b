//! `[secrets]`: the key ring, the configuration's encrypted values, and the `ducha secrets`
//! commands (keygen, encrypt, rotate).

use crate::config::{Config, SecretsConfig};
use anyhow::{Context, bail};
use ducha_crypt::{Algorithm, Key, KeyRing, is_encrypted};
use ducha_notify::Target;
use std::io::Write;
use std::path::Path;

/// The settings that may be given encrypted; each name is the associated data its value is
/// encrypted with, so a value pasted under another setting does not decrypt.
pub const SETTINGS: [&str; 6] = [
    "database.url",
    "service.notify.channels.smtp.password",
    "service.notify.channels.sms.secret",
    "service.notify.robots.webhook",
    "service.notify.robots.url",
    "service.notify.robots.secret",
];

/// The key ring `[secrets]` names, if any.
pub fn key_ring(s: &SecretsConfig) -> anyhow::Result<Option<KeyRing>> {
    let alg: Algorithm = s
        .algorithm
        .parse()
        .map_err(|_| anyhow::anyhow!("secrets.algorithm must be aes-256-gcm or sm4-gcm"))?;
    match (&s.key, &s.key_file) {
        (Some(_), Some(_)) => {
            bail!("give the keys either in secrets.key_file or in DUCHA_SECRETS__KEY, not both")
        }
        (Some(v), None) => Ok(Some(
            KeyRing::from_env_value(v, alg).context("DUCHA_SECRETS__KEY")?,
        )),
        (None, Some(f)) => {
            let text =
                ducha_crypt::Zeroizing::new(std::fs::read_to_string(f).with_context(|| {
                    format!(
                        "cannot read the key file {} (secrets.key_file)",
                        f.display()
                    )
                })?);
            Ok(Some(KeyRing::from_key_file(&text, alg).with_context(
                || {
                    format!(
                        "key file {} (after changing secrets.algorithm, add a key for it with \
                     `ducha secrets keygen --current`)",
                        f.display()
                    )
                },
            )?))
        }
        (None, None) => Ok(None),
    }
}

/// Every configured secret as (setting name, value).
fn config_secrets(cfg: &mut Config) -> Vec<(&'static str, &mut String)> {
    let mut v = vec![(SETTINGS[0], &mut cfg.database.url)];
    let ch = &mut cfg.service.notify.channels;
    if let Some(p) = ch.smtp.as_mut().and_then(|s| s.password.as_mut()) {
        v.push((SETTINGS[1], p));
    }
    if let Some(s) = ch.sms.as_mut() {
        v.push((SETTINGS[2], &mut s.secret));
    }
    for r in &mut cfg.service.notify.robots {
        match &mut r.target {
            Target::DingTalk { webhook, secret } | Target::Feishu { webhook, secret } => {
                v.push((SETTINGS[3], webhook));
                if let Some(s) = secret {
                    v.push((SETTINGS[5], s));
                }
            }
            Target::WeCom { webhook } => v.push((SETTINGS[3], webhook)),
            Target::Webhook { url, secret } => {
                v.push((SETTINGS[4], url));
                v.push((SETTINGS[5], secret));
            }
            Target::Email { .. } | Target::Sms { .. } => {}
        }
    }
    v
}

/// Decrypts the configuration's `enc:v1:` values in place; returns the names of the secrets
/// given in plaintext (a database URL without a password and a plain webhook URL are not
/// secrets).
pub fn open_config(cfg: &mut Config, ring: Option<&KeyRing>) -> anyhow::Result<Vec<&'static str>> {
    let mut plain = Vec::new();
    for (name, value) in config_secrets(cfg) {
        if is_encrypted(value) {
            let Some(ring) = ring else {
                bail!(
                    "{name} is encrypted but no key is configured \
                     ([secrets] key_file or DUCHA_SECRETS__KEY)"
                );
            };
            let clear = ring
                .decrypt(value, name)
                .with_context(|| format!("cannot decrypt {name}"))?;
            value.clear();
            value.push_str(&clear);
        } else if !value.is_empty()
            && !plain.contains(&name)
            && match name {
                "database.url" => crate::config::redact(value) != *value,
                "service.notify.robots.url" => false,
                _ => true,
            }
        {
            plain.push(name);
        }
    }
    Ok(plain)
}

/// `ducha secrets keygen`: a new key for the configured algorithm, added to the key file
/// (current if it is the file's first, or with `current`) or printed for the environment.
pub fn keygen(cfg: &Config, id: Option<String>, stdout: bool, current: bool) -> anyhow::Result<()> {
    let alg: Algorithm = cfg
        .secrets
        .algorithm
        .parse()
        .map_err(|_| anyhow::anyhow!("secrets.algorithm must be aes-256-gcm or sm4-gcm"))?;
    let key = Key::generate(&id.unwrap_or_else(new_id), alg)?;
    if stdout {
        println!("{}", key.to_line().as_str());
        return Ok(());
    }
    let file = key_file(cfg)?;
    add_key(file, &key, current)?;
    println!(
        "key {} ({alg}) added to {}{}",
        key.id(),
        file.display(),
        if current { " as the current key" } else { "" }
    );
    Ok(())
}

/// `ducha secrets encrypt SETTING`: reads a value from stdin, prints its `enc:v1:` form.
pub fn encrypt(cfg: &Config, setting: &str) -> anyhow::Result<()> {
    if !SETTINGS.contains(&setting) {
        bail!("unknown setting {setting}; one of: {}", SETTINGS.join(", "));
    }
    let Some(ring) = cfg.service.secrets.as_ref() else {
        bail!("no key is configured ([secrets] key_file or DUCHA_SECRETS__KEY)");
    };
    let mut line = ducha_crypt::Zeroizing::new(String::new());
    std::io::stdin().read_line(&mut line)?;
    let value = line.trim_end_matches(['\r', '\n']);
    if value.is_empty() {
        bail!("no value on stdin");
    }
    println!("{}", ring.encrypt(value, setting));
    Ok(())
}

/// Adds a new current key to the key file (unless `reencrypt_only`), after checking that every
/// stored value reads with the keys held now; returns the ring to re-encrypt with.
pub async fn rotate_keys(
    cfg: &Config,
    services: &ducha_service::Services,
    reencrypt_only: bool,
) -> anyhow::Result<KeyRing> {
    let users = services
        .check_contacts()
        .await
        .context("stored personal data does not read with the configured keys")?;
    let ring = cfg.service.secrets.as_deref().cloned().ok_or_else(|| {
        anyhow::anyhow!("no key is configured ([secrets] key_file or DUCHA_SECRETS__KEY)")
    })?;
    if reencrypt_only {
        return Ok(ring);
    }
    let file = key_file(cfg)?;
    let key = Key::generate(&new_id(), ring.algorithm())?;
    add_key(file, &key, true)?;
    eprintln!(
        "key {} added to {} and made current ({users} users checked)",
        key.id(),
        file.display()
    );
    let ring = key_ring(&cfg.secrets)?.context("the key file was just written")?;
    Ok(ring)
}

fn key_file(cfg: &Config) -> anyhow::Result<&Path> {
    cfg.secrets.key_file.as_deref().ok_or_else(|| {
        anyhow::anyhow!(
            "secrets.key_file is not set (keys given in DUCHA_SECRETS__KEY are managed where \
             that variable is set: use --stdout, put the new key first, then \
             `ducha secrets rotate --reencrypt-only`)"
        )
    })
}

/// Writes the key file with `key` added, through a temporary file readable by the owner only.
fn add_key(file: &Path, key: &Key, make_current: bool) -> anyhow::Result<()> {
    let old = match std::fs::read_to_string(file) {
        Ok(t) => ducha_crypt::Zeroizing::new(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", file.display())),
    };
    let text = ducha_crypt::add_key_to_file(&old, key, make_current)
        .with_context(|| format!("key file {}", file.display()))?;
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = dir.join(format!(
        ".{}.tmp",
        file.file_name().and_then(|n| n.to_str()).unwrap_or("keys")
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts
        .open(&tmp)
        .with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, file).with_context(|| format!("cannot replace {}", file.display()))?;
    Ok(())
}

/// A key id from the clock: `k20261206T170102`.
fn new_id() -> String {
    format!("k{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring() -> KeyRing {
        KeyRing::new(
            vec![Key::generate("t1", Algorithm::Aes256Gcm).expect("key")],
            0,
            Algorithm::Aes256Gcm,
        )
        .expect("ring")
    }

    #[test]
    fn encrypted_settings_open_and_plaintext_ones_are_named() {
        let r = ring();
        let mut cfg = Config::default();
        cfg.service.notify.channels.smtp = Some(ducha_notify::SmtpConfig {
            password: Some(r.encrypt("smtp-pw", SETTINGS[1])),
            ..Default::default()
        });
        cfg.service.notify.channels.sms = Some(ducha_notify::SmsGateway {
            url: "https://sms.example.cn".into(),
            secret: "plain-sms-secret".into(),
        });
        let plain = open_config(&mut cfg, Some(&r)).expect("opens");
        let smtp = cfg.service.notify.channels.smtp.as_ref().expect("smtp");
        assert_eq!(smtp.password.as_deref(), Some("smtp-pw"));
        assert_eq!(plain, vec![SETTINGS[2]]);
        // The default SQLite URL holds no password: not a plaintext secret.
        assert!(!plain.contains(&"database.url"));
    }

    #[test]
    fn keys_come_from_the_environment_or_a_file_not_both() {
        let key = Key::generate("env1", Algorithm::Sm4Gcm).expect("key");
        let mut s = SecretsConfig {
            key: Some(key.to_line().to_string()),
            algorithm: "sm4-gcm".into(),
            ..SecretsConfig::default()
        };
        let ring = key_ring(&s).expect("ring").expect("some");
        assert_eq!(
            (ring.current_id(), ring.algorithm()),
            ("env1", Algorithm::Sm4Gcm)
        );
        // A 16-byte key cannot be the current AES-256 key.
        s.algorithm = "aes-256-gcm".into();
        assert!(key_ring(&s).is_err());
        s.algorithm = "des".into();
        assert!(key_ring(&s).is_err());
        s.algorithm = "sm4-gcm".into();
        s.key_file = Some("/nonexistent".into());
        let e = key_ring(&s).expect_err("both");
        assert!(e.to_string().contains("not both"), "{e}");
        assert!(key_ring(&SecretsConfig::default()).expect("none").is_none());
        // Debug never shows the key.
        let shown = format!("{s:?}");
        assert!(!shown.contains(key.to_line().as_str()), "{shown}");
    }

    #[test]
    fn a_value_under_another_setting_or_without_a_key_is_refused() {
        let r = ring();
        let mut cfg = Config::default();
        cfg.service.notify.channels.sms = Some(ducha_notify::SmsGateway {
            url: "https://sms.example.cn".into(),
            secret: r.encrypt("x", SETTINGS[1]),
        });
        let e = open_config(&mut cfg.clone(), Some(&r)).expect_err("moved");
        assert!(format!("{e:#}").contains(SETTINGS[2]), "{e:#}");
        let e = open_config(&mut cfg, None).expect_err("no key");
        assert!(format!("{e:#}").contains("no key is configured"), "{e:#}");
    }
}
