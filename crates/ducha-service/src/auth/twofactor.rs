//! TOTP two-factor login (RFC 6238): enrolment with a QR code, confirmation by a first code,
//! ten single-use recovery codes shown once (only their hashes are kept), disabling with a
//! current code and the security admin's reset. A time step is accepted once only.

use super::token_hash;
use crate::Services;
use crate::error::{ServiceError, ServiceResult, ensure};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::org::{Actor, Role};
use totp_rs::{Builder, Secret, Totp};

/// Recovery codes made at each enrolment.
pub const RECOVERY_CODES: usize = 10;

/// An enrolment in progress: what the authenticator app needs.
#[derive(Debug, Clone)]
pub struct Enrolment {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// The `otpauth://` URI the QR code holds.
    pub uri: String,
    /// The QR code as an SVG document (inline on the page; no network).
    pub qr_svg: String,
}

/// A user's two-factor state, for their page.
#[derive(Debug, Clone)]
pub struct TwoFactorStatus {
    /// Confirmed and in force.
    pub active: bool,
    /// Required for the user's role.
    pub required: bool,
    /// Unused recovery codes.
    pub recovery_left: i64,
    /// An enrolment started but not confirmed.
    pub enrolling: Option<Enrolment>,
}

fn internal(e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into()))
}

fn totp(secret: &str, account: &str, issuer: &str) -> ServiceResult<Totp> {
    let secret = Secret::try_from_base32(secret).map_err(internal)?;
    Builder::new()
        .with_secret(secret)
        .with_account_name(account)
        .with_issuer(Some(issuer))
        .build()
        .map_err(internal)
}

fn enrolment(secret: &str, account: &str, issuer: &str) -> ServiceResult<Enrolment> {
    let uri = totp(secret, account, issuer)?.to_url().map_err(internal)?;
    let qr_svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    Ok(Enrolment {
        secret: secret.to_string(),
        uri,
        qr_svg,
    })
}

/// A code as typed: spaces and dashes dropped, lower case.
fn normalize(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .take(64)
        .collect()
}

fn recovery_code() -> ServiceResult<String> {
    // No 0/o, 1/l/i: read off paper without doubt.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut out = String::new();
    while out.len() < 11 {
        let mut b = [0u8; 16];
        getrandom::fill(&mut b).map_err(internal)?;
        // Rejection sampling keeps every character equally likely.
        for x in b {
            let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
            if x < limit && out.len() < 11 {
                if out.len() == 5 {
                    out.push('-');
                }
                out.push(ALPHABET[x as usize % ALPHABET.len()] as char);
            }
        }
    }
    Ok(out)
}

fn now_secs(now: DateTime<Utc>) -> u64 {
    u64::try_from(now.timestamp()).unwrap_or(0)
}

impl Services {
    /// Starts an enrolment for a user: a new secret, inactive until a code confirms it.
    pub(crate) async fn enrol_begin(
        &self,
        user_id: i64,
        username: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Enrolment> {
        if self.store.totp(user_id).await?.is_some_and(|t| t.active) {
            return Err(ValidationErrors::single("code", "validation.totp_active").into());
        }
        let secret = Secret::generate().to_base32();
        let e = enrolment(&secret, username, &self.config.auth.totp_issuer)?;
        self.store.set_totp(user_id, &secret, now).await?;
        Ok(e)
    }

    /// Confirms an enrolment with a code from the app; returns the recovery codes (shown
    /// once).
    pub(crate) async fn enrol_finish(
        &self,
        user_id: i64,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<String>> {
        let t = self
            .store
            .totp(user_id)
            .await?
            .filter(|t| !t.active)
            .ok_or_else(|| ValidationErrors::single("code", "validation.totp_not_started"))?;
        let step = totp(&t.secret, "user", &self.config.auth.totp_issuer)?
            .check(&normalize(code), now_secs(now))
            .and_then(|s| i64::try_from(s).ok())
            .ok_or_else(|| ValidationErrors::single("code", "validation.totp_wrong"))?;
        let codes = (0..RECOVERY_CODES)
            .map(|_| recovery_code())
            .collect::<ServiceResult<Vec<_>>>()?;
        let hashes: Vec<String> = codes.iter().map(|c| token_hash(&normalize(c))).collect();
        self.store.activate_totp(user_id, step, &hashes).await?;
        let username = self.username(user_id).await?;
        let e =
            crate::security::SecEvent::new(ducha_domain::security::SecurityKind::TwofactorEnrolled)
                .by(user_id)
                .on(user_id)
                .args(serde_json::json!({ "username": username }));
        self.security_event(e, now).await?;
        Ok(codes)
    }

    /// Whether `code` is the user's current TOTP code (a step not used before) or one of their
    /// unused recovery codes; either is spent by this check.
    pub(crate) async fn second_factor_ok(
        &self,
        user_id: i64,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<bool> {
        let Some(t) = self.store.totp(user_id).await?.filter(|t| t.active) else {
            return Ok(false);
        };
        let code = normalize(code);
        if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            let step = totp(&t.secret, "user", &self.config.auth.totp_issuer)?
                .check(&code, now_secs(now))
                .and_then(|s| i64::try_from(s).ok());
            return match step {
                // The store refuses a step not after the last one: a code works once.
                Some(step) => Ok(self.store.use_totp_step(user_id, step).await?),
                None => Ok(false),
            };
        }
        let used = self
            .store
            .use_recovery_code(user_id, &token_hash(&code), now)
            .await?;
        if used {
            // security-log: recovery_code_used
        }
        Ok(used)
    }

    /// The logged-in user's two-factor state.
    pub async fn twofactor_status(&self, actor: &Actor) -> ServiceResult<TwoFactorStatus> {
        let user = self
            .store
            .user(actor.user_id.0)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        let t = self.store.totp(user.id).await?;
        let enrolling = match &t {
            Some(t) if !t.active => Some(enrolment(
                &t.secret,
                &user.username,
                &self.config.auth.totp_issuer,
            )?),
            _ => None,
        };
        Ok(TwoFactorStatus {
            active: t.as_ref().is_some_and(|t| t.active),
            required: self.twofactor_required(&actor.roles),
            recovery_left: self.store.recovery_codes_left(user.id).await?,
            enrolling,
        })
    }

    /// The logged-in user starts enrolling (or starts over).
    pub async fn enrol_start(&self, actor: &Actor, now: DateTime<Utc>) -> ServiceResult<Enrolment> {
        let user = self
            .store
            .user(actor.user_id.0)
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        self.enrol_begin(user.id, &user.username, now).await
    }

    /// The logged-in user confirms the enrolment with a code; returns the recovery codes.
    pub async fn enrol_confirm(
        &self,
        actor: &Actor,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<Vec<String>> {
        self.enrol_finish(actor.user_id.0, code, now).await
    }

    /// The logged-in user turns two-factor login off, proving it with a current code (or a
    /// recovery code); a user whose role requires it is sent to enrol again at the next login.
    pub async fn twofactor_disable(
        &self,
        actor: &Actor,
        code: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        if !self.second_factor_ok(actor.user_id.0, code, now).await? {
            // A wrong code counts toward the lock as at the login, so a session cannot try
            // every code; the lock also ends the user's sessions.
            let (count, lock) = self.count_failure(actor.user_id.0, None, now).await?;
            if let Some(user) = self.store.user(actor.user_id.0).await? {
                let e = crate::security::login_failed(&user, count, lock);
                let e = if lock.is_some() {
                    e
                } else {
                    e.message("security.msg.login_failed_code")
                };
                self.security_event(e, now).await?;
            }
            if lock.is_some() {
                self.store.revoke_credentials(actor.user_id.0, now).await?;
            }
            return Err(ValidationErrors::single("code", "validation.totp_wrong").into());
        }
        self.store.delete_totp(actor.user_id.0).await?;
        let username = self.username(actor.user_id.0).await?;
        let e =
            crate::security::SecEvent::new(ducha_domain::security::SecurityKind::TwofactorDisabled)
                .by(actor.user_id.0)
                .on(actor.user_id.0)
                .args(serde_json::json!({ "username": username }));
        self.security_event(e, now).await?;
        Ok(())
    }

    /// The security admin resets a user's two-factor login (a lost phone): the user enrols
    /// again at the next login, and their sessions end.
    pub async fn twofactor_reset(
        &self,
        actor: &Actor,
        user_id: i64,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let user = self
            .store
            .user(user_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let unit = self
            .store
            .unit(user.unit_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !unit.path.0.is_within(&actor.jurisdiction) || !actor.roles.iter().any(|r| r.is_admin())
        {
            return Err(ServiceError::NotFound);
        }
        ensure(actor.has(Role::SecurityAdmin))?;
        self.store.delete_totp(user_id).await?;
        self.store.delete_user_sessions(user_id).await?;
        let e =
            crate::security::SecEvent::new(ducha_domain::security::SecurityKind::TwofactorReset)
                .by(actor.user_id.0)
                .on(user_id)
                .args(serde_json::json!({ "username": user.username }));
        self.security_event(e, now).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_vector_and_step() {
        // RFC 6238 appendix B: SHA-1, secret "12345678901234567890", T = 59 s → 94287082
        // (8 digits); the 6-digit code is its last six digits.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let t = totp(&secret, "user", "ducha").expect("totp");
        assert_eq!(t.generate(59).to_string(), "287082");
        assert_eq!(t.check("287082", 59), Some(1));
        assert_eq!(t.check("287083", 59), None);
    }

    #[test]
    fn recovery_codes_look_right() {
        let c = recovery_code().expect("code");
        assert_eq!(c.len(), 11);
        assert_eq!(&c[5..6], "-");
        assert_eq!(normalize(" ABCDE-fghij "), "abcdefghij");
    }

    #[test]
    fn the_qr_code_is_inline_svg() {
        let e = enrolment("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "sup", "ducha").expect("enrol");
        assert!(e.uri.starts_with("otpauth://totp/ducha:sup?"));
        assert!(e.qr_svg.contains("<svg"));
    }
}
