//! `IdempotencyTokenProvider`: where the values the client fills into unset `@idempotencyToken`
//! members come from (random UUIDs, or one fixed token for tests), as the AWS SDK for Rust's
//! configuration names it.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Makes the tokens of `@idempotencyToken` members the caller leaves unset: a fresh random
/// UUID version 4 per call ([`random`](Self::random), the default), or always the same token
/// ([`fixed`](Self::fixed), for tests that compare requests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdempotencyTokenProvider(Source);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Source {
    #[default]
    Random,
    Fixed(Arc<str>),
}

impl IdempotencyTokenProvider {
    /// A fresh random UUID version 4 per call (the default).
    pub fn random() -> Self {
        Self(Source::Random)
    }

    /// Always `token`.
    pub fn fixed(token: impl Into<String>) -> Self {
        Self(Source::Fixed(Arc::from(token.into())))
    }

    /// The token for one call.
    pub fn make_idempotency_token(&self) -> String {
        match &self.0 {
            Source::Random => uuid_v4(),
            Source::Fixed(token) => token.to_string(),
        }
    }
}

impl From<&'static str> for IdempotencyTokenProvider {
    /// Always this token (as the AWS SDK's `From<&'static str>`).
    fn from(token: &'static str) -> Self {
        Self::fixed(token)
    }
}

/// A fresh random UUID version 4 in its hyphenated lower-case form, e.g.
/// `3f0c2a6e-9b1d-4c8e-a7f2-5d6b8e9c0a1b`.
///
/// The 128 random bits come from std's randomly keyed SipHash (`RandomState`, seeded per process
/// from the operating system), hashing the time and a process-wide counter, so no two calls in a
/// process return the same token. Tokens need to be unique, not secret.
fn uuid_v4() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let half = |salt: u64| {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&half(0).to_be_bytes());
    bytes[8..].copy_from_slice(&half(1).to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_tokens_are_version_4_and_unique() {
        let provider = IdempotencyTokenProvider::default();
        let a = provider.make_idempotency_token();
        let b = provider.make_idempotency_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }

    #[test]
    fn a_fixed_token_is_always_the_same() {
        let provider = IdempotencyTokenProvider::from("00000000-0000-4000-8000-000000000000");
        assert_eq!(
            provider.make_idempotency_token(),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            provider,
            IdempotencyTokenProvider::fixed("00000000-0000-4000-8000-000000000000")
        );
    }
}
