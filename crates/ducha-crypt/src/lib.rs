//! Secrets at rest: a key ring read from a key file or the environment, authenticated
//! encryption with AES-256-GCM or SM4-GCM (RFC 8998, for 国密 deployments), and the versioned
//! text form `enc:v1:<key id>:<algorithm>:<base64 of nonce ‖ ciphertext ‖ tag>` that is stored
//! in configuration files and database columns.
//!
//! Every value is bound to where it lives by its associated data (e.g. `users.email:42`), so a
//! ciphertext copied to another column or row does not decrypt. Keys are wiped on drop and
//! never shown by `Debug`; errors never carry a value or a key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::aes::cipher::consts::U12;
use aes_gcm::{Aes256Gcm, AesGcm};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use std::fmt;
use std::str::FromStr;
pub use zeroize::Zeroizing;

/// SM4 in Galois/Counter Mode with a 96-bit nonce and a 128-bit tag (RFC 8998).
pub type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// The prefix every encrypted value starts with.
pub const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// What can go wrong; no variant carries a secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptError {
    /// The value does not have the `enc:v1:…` form.
    #[error("not an encrypted value of the form enc:v1:<key id>:<algorithm>:<data>")]
    Malformed,
    /// The value names a key the ring does not hold.
    #[error("the value was encrypted with key \"{0}\", which is not configured")]
    UnknownKey(String),
    /// The value names an algorithm this build does not know.
    #[error("unknown algorithm \"{0}\" (expected aes-256-gcm or sm4-gcm)")]
    UnknownAlgorithm(String),
    /// Authentication failed: a wrong key with that id, a changed value, or a value moved to
    /// another column or row.
    #[error("cannot decrypt with key \"{0}\": the key is wrong or the value was changed or moved")]
    Failed(String),
    /// The key ring could not be read.
    #[error("bad key ring: {0}")]
    BadKeys(String),
    /// The configured algorithm does not fit the current key's length.
    #[error("key \"{id}\" has {len} bytes; {alg} needs {need}")]
    KeyLength {
        /// The key's id.
        id: String,
        /// Its length.
        len: usize,
        /// The algorithm.
        alg: Algorithm,
        /// The length the algorithm needs.
        need: usize,
    },
}

/// An authenticated cipher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Algorithm {
    /// AES-256 in GCM (the default).
    #[default]
    Aes256Gcm,
    /// SM4 in GCM, RFC 8998 (商用密码).
    Sm4Gcm,
}

impl Algorithm {
    /// The name used in configuration and in the text form.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Aes256Gcm => "aes-256-gcm",
            Algorithm::Sm4Gcm => "sm4-gcm",
        }
    }

    /// The key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            Algorithm::Aes256Gcm => 32,
            Algorithm::Sm4Gcm => 16,
        }
    }

    /// Encrypts `msg` under `key` (of [`Self::key_len`] bytes) with `nonce` and `aad`;
    /// returns ciphertext ‖ tag.
    pub fn seal(self, key: &[u8], nonce: &[u8; NONCE_LEN], msg: &[u8], aad: &[u8]) -> Vec<u8> {
        let payload = Payload { msg, aad };
        let out = match self {
            Algorithm::Aes256Gcm => Aes256Gcm::new_from_slice(key)
                .ok()
                .and_then(|c| c.encrypt(nonce.into(), payload).ok()),
            Algorithm::Sm4Gcm => Sm4Gcm::new_from_slice(key)
                .ok()
                .and_then(|c| c.encrypt(nonce.into(), payload).ok()),
        };
        // Key lengths are checked when the ring is built and GCM only fails on inputs of
        // 64 GiB; an empty output can never pass `open`.
        out.unwrap_or_default()
    }

    /// Decrypts ciphertext ‖ tag; `None` when authentication fails.
    pub fn open(
        self,
        key: &[u8],
        nonce: &[u8; NONCE_LEN],
        ct: &[u8],
        aad: &[u8],
    ) -> Option<Zeroizing<Vec<u8>>> {
        let payload = Payload { msg: ct, aad };
        let out = match self {
            Algorithm::Aes256Gcm => Aes256Gcm::new_from_slice(key)
                .ok()?
                .decrypt(nonce.into(), payload),
            Algorithm::Sm4Gcm => Sm4Gcm::new_from_slice(key)
                .ok()?
                .decrypt(nonce.into(), payload),
        };
        out.ok().map(Zeroizing::new)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Algorithm {
    type Err = CryptError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "aes-256-gcm" => Ok(Algorithm::Aes256Gcm),
            "sm4-gcm" => Ok(Algorithm::Sm4Gcm),
            other => Err(CryptError::UnknownAlgorithm(
                other.chars().take(20).collect(),
            )),
        }
    }
}

/// One key: an id and its bytes, wiped on drop.
#[derive(Clone)]
pub struct Key {
    id: String,
    bytes: Zeroizing<Vec<u8>>,
}

impl Key {
    /// A key from its id and bytes.
    pub fn new(id: &str, bytes: Vec<u8>) -> Result<Self, CryptError> {
        let bytes = Zeroizing::new(bytes);
        if !valid_id(id) {
            return Err(CryptError::BadKeys(
                "a key id is 1–32 letters, digits, '-' or '_'".into(),
            ));
        }
        if bytes.len() != 16 && bytes.len() != 32 {
            return Err(CryptError::BadKeys(format!(
                "key \"{id}\" must be 16 (sm4-gcm) or 32 (aes-256-gcm) bytes"
            )));
        }
        Ok(Self {
            id: id.to_string(),
            bytes,
        })
    }

    /// A fresh random key for `alg`.
    pub fn generate(id: &str, alg: Algorithm) -> Result<Self, CryptError> {
        let mut bytes = Zeroizing::new(vec![0u8; alg.key_len()]);
        getrandom::fill(&mut bytes)
            .map_err(|e| CryptError::BadKeys(format!("no randomness: {e}")))?;
        Self::new(id, bytes.to_vec())
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The key as a key-file line, `id:base64` (to be written to the key file only).
    pub fn to_line(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}:{}", self.id, B64.encode(self.bytes.as_slice())))
    }

    /// Parses `id:base64`.
    fn parse(line: &str) -> Result<Self, CryptError> {
        let (id, b64) = line
            .split_once(':')
            .ok_or_else(|| CryptError::BadKeys("each key is written id:base64key".into()))?;
        let bytes = B64
            .decode(b64.trim())
            .map_err(|_| CryptError::BadKeys(format!("key \"{}\" is not base64", id.trim())))?;
        Self::new(id.trim(), bytes)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("bytes", &"***")
            .finish()
    }
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The keys a deployment holds: one current key that encrypts, every key decrypts.
#[derive(Clone)]
pub struct KeyRing {
    keys: Vec<Key>,
    current: usize,
    algorithm: Algorithm,
}

impl fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyRing")
            .field("algorithm", &self.algorithm)
            .field("current", &self.current_id())
            .field("keys", &self.keys.iter().map(Key::id).collect::<Vec<_>>())
            .finish()
    }
}

impl KeyRing {
    /// A ring of `keys` whose `current` one encrypts with `algorithm`.
    pub fn new(keys: Vec<Key>, current: usize, algorithm: Algorithm) -> Result<Self, CryptError> {
        let Some(cur) = keys.get(current) else {
            return Err(CryptError::BadKeys("no key".into()));
        };
        if cur.bytes.len() != algorithm.key_len() {
            return Err(CryptError::KeyLength {
                id: cur.id.clone(),
                len: cur.bytes.len(),
                alg: algorithm,
                need: algorithm.key_len(),
            });
        }
        for (i, k) in keys.iter().enumerate() {
            if keys[..i].iter().any(|o| o.id == k.id) {
                return Err(CryptError::BadKeys(format!(
                    "key \"{}\" appears twice",
                    k.id
                )));
            }
        }
        Ok(Self {
            keys,
            current,
            algorithm,
        })
    }

    /// Parses a key file: one `id:base64key` per line, `#` comments and blank lines ignored;
    /// the line marked with a leading `*` is current, else the first.
    pub fn from_key_file(text: &str, algorithm: Algorithm) -> Result<Self, CryptError> {
        let (keys, current) = parse_key_lines(text)?;
        Self::new(keys, current, algorithm)
    }

    /// Parses the environment's form: `id:base64key`, several separated by commas, the first
    /// current.
    pub fn from_env_value(value: &str, algorithm: Algorithm) -> Result<Self, CryptError> {
        let keys = value
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| Key::parse(s.trim()))
            .collect::<Result<Vec<_>, _>>()?;
        Self::new(keys, 0, algorithm)
    }

    /// The algorithm new values are encrypted with.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The id of the key new values are encrypted with.
    pub fn current_id(&self) -> &str {
        self.keys.get(self.current).map_or("", Key::id)
    }

    /// The ids of every key held.
    pub fn ids(&self) -> Vec<&str> {
        self.keys.iter().map(Key::id).collect()
    }

    /// Encrypts `plain` for the place named by `aad` (e.g. `users.email:42`).
    pub fn encrypt(&self, plain: &str, aad: &str) -> String {
        let key = &self.keys[self.current.min(self.keys.len() - 1)];
        let mut nonce = [0u8; NONCE_LEN];
        // Without randomness no nonce is safe; the OS never fails this on supported systems.
        if getrandom::fill(&mut nonce).is_err() {
            panic!("the operating system gave no randomness for a nonce");
        }
        let ct = self
            .algorithm
            .seal(&key.bytes, &nonce, plain.as_bytes(), aad.as_bytes());
        let mut blob = Vec::with_capacity(NONCE_LEN + ct.len());
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ct);
        format!(
            "{PREFIX}{}:{}:{}",
            key.id,
            self.algorithm.name(),
            B64.encode(blob)
        )
    }

    /// Decrypts a value of the text form for the place named by `aad`.
    pub fn decrypt(&self, text: &str, aad: &str) -> Result<Zeroizing<String>, CryptError> {
        let parts = Parts::parse(text)?;
        let key = self
            .keys
            .iter()
            .find(|k| k.id == parts.key_id)
            .ok_or_else(|| CryptError::UnknownKey(parts.key_id.to_string()))?;
        let failed = || CryptError::Failed(key.id.clone());
        if key.bytes.len() != parts.algorithm.key_len() {
            return Err(failed());
        }
        let blob = B64.decode(parts.data).map_err(|_| CryptError::Malformed)?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return Err(CryptError::Malformed);
        }
        let (nonce, ct) = blob.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| CryptError::Malformed)?;
        let plain = parts
            .algorithm
            .open(&key.bytes, &nonce, ct, aad.as_bytes())
            .ok_or_else(failed)?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| failed())
    }

    /// Whether a stored value should be re-encrypted: plaintext, or under another key or
    /// algorithm than the current ones.
    pub fn needs_rewrap(&self, text: &str) -> bool {
        match Parts::parse(text) {
            Ok(p) => p.key_id != self.current_id() || p.algorithm != self.algorithm,
            Err(_) => !text.is_empty(),
        }
    }
}

/// Whether a stored value has the encrypted form's prefix.
pub fn is_encrypted(text: &str) -> bool {
    text.starts_with(PREFIX)
}

/// The key id an encrypted value names.
pub fn key_id_of(text: &str) -> Option<&str> {
    Parts::parse(text).ok().map(|p| p.key_id)
}

struct Parts<'a> {
    key_id: &'a str,
    algorithm: Algorithm,
    data: &'a str,
}

impl<'a> Parts<'a> {
    fn parse(text: &'a str) -> Result<Self, CryptError> {
        let rest = text.strip_prefix(PREFIX).ok_or(CryptError::Malformed)?;
        let mut it = rest.splitn(3, ':');
        let (Some(key_id), Some(alg), Some(data)) = (it.next(), it.next(), it.next()) else {
            return Err(CryptError::Malformed);
        };
        if !valid_id(key_id) {
            return Err(CryptError::Malformed);
        }
        Ok(Self {
            key_id,
            algorithm: alg.parse()?,
            data: data.trim(),
        })
    }
}

/// Parses key-file lines into keys and the index of the current one.
fn parse_key_lines(text: &str) -> Result<(Vec<Key>, usize), CryptError> {
    let mut keys = Vec::new();
    let mut current = None;
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (marked, line) = match line.strip_prefix('*') {
            Some(rest) => (true, rest.trim()),
            None => (false, line),
        };
        if marked {
            if current.is_some() {
                return Err(CryptError::BadKeys("more than one key is marked *".into()));
            }
            current = Some(keys.len());
        }
        keys.push(Key::parse(line)?);
    }
    if keys.is_empty() {
        return Err(CryptError::BadKeys("the key file holds no key".into()));
    }
    Ok((keys, current.unwrap_or(0)))
}

/// A key file's text with `key` added; `make_current` moves the `*` mark to it. Comments and
/// the other keys are kept as they were.
pub fn add_key_to_file(
    text: &str,
    key: &Key,
    make_current: bool,
) -> Result<Zeroizing<String>, CryptError> {
    let (keys, _) = if text.trim().is_empty() {
        (Vec::new(), 0)
    } else {
        parse_key_lines(text)?
    };
    if keys.iter().any(|k| k.id == key.id) {
        return Err(CryptError::BadKeys(format!(
            "key \"{}\" already exists",
            key.id
        )));
    }
    let mut out = Zeroizing::new(String::new());
    let had_mark = text.lines().any(|l| l.trim_start().starts_with('*'));
    for line in text.lines() {
        let t = line.trim_start();
        if make_current && t.starts_with('*') {
            out.push_str(t.trim_start_matches('*').trim_start());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    if out.trim().is_empty() {
        out.clear();
        out.push_str(
            "# ducha key ring: one id:base64key per line; the line marked * encrypts, every\n\
             # line decrypts. Keep this file readable by the service account only.\n",
        );
    }
    // The first key of a file is current without a mark; a later one needs it to take over.
    if make_current && (had_mark || !keys.is_empty()) {
        out.push('*');
    }
    out.push_str(&key.to_line());
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests;
