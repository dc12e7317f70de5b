//! Users' phone and email at rest: encrypted under the configured key ring, each value bound to
//! its column and user id (`users.email:42`), so a copy of the database does not reveal them
//! and a value moved to another user or column does not decrypt. Without a key they stay in
//! plaintext, as before.
//!
//! Existing plaintext is encrypted when the server starts with a key (`serve` calls
//! [`Services::secure_contacts`]) and by `ducha secrets rotate`, which also re-encrypts what
//! older keys encrypted under the current one. Both first decrypt everything, so a wrong or
//! missing key stops them before anything is written.

use crate::Services;
use ducha_crypt::{CryptError, Zeroizing, is_encrypted};
use ducha_store::StoreError;

/// The phone column's name in associated data.
pub const PHONE: &str = "users.phone";
/// The email column's name in associated data.
pub const EMAIL: &str = "users.email";

/// Why stored personal data cannot be read or secured; never carries a value.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    /// An encrypted value but no key ring.
    #[error(
        "{column} of user {user} is encrypted but no key is configured \
         ([secrets] key_file or DUCHA_SECRETS__KEY)"
    )]
    NoKey {
        /// The column.
        column: &'static str,
        /// The user id.
        user: i64,
    },
    /// A value that does not decrypt here.
    #[error("{column} of user {user}: {source}")]
    Crypt {
        /// The column.
        column: &'static str,
        /// The user id.
        user: i64,
        /// What failed.
        source: CryptError,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a pass over the stored contacts found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactsOutcome {
    /// Users looked at.
    pub users: u64,
    /// Users whose stored values were (re-)encrypted.
    pub rewritten: u64,
    /// Users changed meanwhile by someone else and left as they were (run again).
    pub skipped: u64,
}

const PAGE: i64 = 500;

fn aad(column: &str, user: i64) -> String {
    format!("{column}:{user}")
}

impl Services {
    /// Whether users' contacts are encrypted at rest.
    pub fn encrypts_contacts(&self) -> bool {
        self.config.secrets.is_some()
    }

    /// The stored form of a user's phone or email: encrypted when a key is configured (an
    /// empty value stays empty, so "has an address" needs no key).
    pub(crate) fn seal_contact(&self, column: &'static str, user: i64, plain: &str) -> String {
        match &self.config.secrets {
            Some(ring) if !plain.is_empty() => ring.encrypt(plain, &aad(column, user)),
            _ => plain.to_string(),
        }
    }

    /// A stored phone or email in the clear.
    pub fn open_contact(
        &self,
        column: &'static str,
        user: i64,
        stored: &str,
    ) -> Result<Zeroizing<String>, SecretsError> {
        if !is_encrypted(stored) {
            return Ok(Zeroizing::new(stored.to_string()));
        }
        let ring = self
            .config
            .secrets
            .as_ref()
            .ok_or(SecretsError::NoKey { column, user })?;
        ring.decrypt(stored, &aad(column, user))
            .map_err(|source| SecretsError::Crypt {
                column,
                user,
                source,
            })
    }

    /// Writes a new user's contacts in their stored form, once the user has an id to bind
    /// them to.
    pub(crate) async fn store_new_contact(
        &self,
        user: i64,
        phone: &str,
        email: &str,
    ) -> Result<(), StoreError> {
        if phone.is_empty() && email.is_empty() {
            return Ok(());
        }
        let (p, e) = (
            self.seal_contact(PHONE, user, phone),
            self.seal_contact(EMAIL, user, email),
        );
        self.store
            .set_user_contact(user, (&p, &e), ("", ""))
            .await?;
        Ok(())
    }

    /// Checks that every stored contact reads with the configured keys (plaintext reads
    /// without one); returns how many users were checked.
    pub async fn check_contacts(&self) -> Result<u64, SecretsError> {
        let mut users = 0;
        let mut after = 0;
        loop {
            let page = self.store.user_contacts(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, phone, email) in &page {
                self.open_contact(PHONE, *id, phone)?;
                self.open_contact(EMAIL, *id, email)?;
                users += 1;
            }
        }
        Ok(users)
    }

    /// Checks that every stored contact can be read with the configured keys, then (with a
    /// key) encrypts the plaintext ones, and with `rewrap` also re-encrypts those under older
    /// keys with the current one. Without a key it only checks that nothing is encrypted.
    pub async fn secure_contacts(&self, rewrap: bool) -> Result<ContactsOutcome, SecretsError> {
        let mut out = ContactsOutcome {
            // Pass 1: everything must decrypt before anything is written.
            users: self.check_contacts().await?,
            ..ContactsOutcome::default()
        };
        let Some(ring) = self.config.secrets.clone() else {
            return Ok(out);
        };
        // Pass 2: rewrite what is plaintext (or, rotating, under another key).
        let stale = |s: &str| {
            if rewrap {
                ring.needs_rewrap(s)
            } else {
                !s.is_empty() && !is_encrypted(s)
            }
        };
        let mut after = 0;
        loop {
            let page = self.store.user_contacts(after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.0;
            for (id, phone, email) in &page {
                if !stale(phone) && !stale(email) {
                    continue;
                }
                let p = self.open_contact(PHONE, *id, phone)?;
                let e = self.open_contact(EMAIL, *id, email)?;
                let (np, ne) = (
                    self.seal_contact(PHONE, *id, &p),
                    self.seal_contact(EMAIL, *id, &e),
                );
                if self
                    .store
                    .set_user_contact(*id, (&np, &ne), (phone, email))
                    .await?
                {
                    out.rewritten += 1;
                } else {
                    out.skipped += 1;
                }
            }
        }
        Ok(out)
    }
}
