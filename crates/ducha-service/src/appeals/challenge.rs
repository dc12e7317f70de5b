//! The public form's check question, signed so that any node verifies an answer without
//! keeping state: the token is `<expiry>.<nonce>.<mac>` with the MAC (HMAC-SHA-256, under a key
//! kept once in the database) over the expiry, the nonce and the answer. A token stays valid
//! until it expires, so a page served from a cache still works; the rate limits, not the
//! question, bound how often one solved question can be used.

use crate::Services;
use crate::error::{ServiceError, ServiceResult};
use chrono::{DateTime, Utc};
use ducha_domain::ValidationErrors;
use ducha_domain::appeals::challenge::{Question, parse_answer};
use ducha_domain::chain::hex;
use hmac::{KeyInit, Mac};
use serde::Serialize;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// A question to put on the form.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Challenge {
    /// The signed token to send back with the answer.
    pub token: String,
    /// The question in Chinese.
    pub question_zh: String,
    /// The question in English.
    pub question_en: String,
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Services {
    async fn challenge_mac(&self) -> ServiceResult<HmacSha256> {
        let key = self
            .appeal_key
            .get_or_try_init(|| async {
                let candidate = hex(&super::random::<32>()?);
                Ok::<_, ServiceError>(self.store.appeal_challenge_key(&candidate).await?)
            })
            .await?;
        HmacSha256::new_from_slice(key.as_bytes())
            .map_err(|e| ServiceError::Store(ducha_store::StoreError::Other(e.to_string().into())))
    }

    /// A new check question.
    pub async fn appeal_challenge(&self, now: DateTime<Utc>) -> ServiceResult<Challenge> {
        let nonce = super::random::<8>()?;
        let q = Question::of_nonce(&nonce);
        let expires = now.timestamp() + self.config.appeals.challenge_minutes * 60;
        let body = format!("{expires}.{}", hex(&nonce));
        let mut mac = self.challenge_mac().await?;
        mac.update(format!("{body}.{}", q.answer).as_bytes());
        Ok(Challenge {
            token: format!("{body}.{}", hex(&mac.finalize().into_bytes())),
            question_zh: q.zh,
            question_en: q.en,
        })
    }

    /// Checks an answer against its token; the error names the `answer` field.
    pub(crate) async fn check_challenge(
        &self,
        token: &str,
        answer: &str,
        now: DateTime<Utc>,
    ) -> ServiceResult<()> {
        let expired = || ValidationErrors::single("answer", "appeal.challenge_expired").into();
        let mut parts = token.trim().split('.');
        let (Some(exp), Some(nonce), Some(tag), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(expired());
        };
        let (Ok(expires), Some(_), Some(tag)) =
            (exp.parse::<i64>(), unhex::<8>(nonce), unhex::<32>(tag))
        else {
            return Err(expired());
        };
        if expires < now.timestamp() {
            return Err(expired());
        }
        let Some(answer) = parse_answer(answer) else {
            return Err(ValidationErrors::single("answer", "appeal.challenge_wrong").into());
        };
        let mut mac = self.challenge_mac().await?;
        mac.update(format!("{exp}.{nonce}.{answer}").as_bytes());
        mac.verify_slice(&tag)
            .map_err(|_| ValidationErrors::single("answer", "appeal.challenge_wrong").into())
    }
}
