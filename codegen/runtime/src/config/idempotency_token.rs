//! `IdempotencyTokenProvider`: where the values the client fills into unset `@idempotencyToken`
//! members come from (random UUIDs, or one fixed token for tests), as the AWS SDK for Rust's
//! configuration names it.

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
            // Hexadecimal digits and hyphens: always UTF-8.
            Source::Random => String::from_utf8_lossy(&crate::orchestrator::uuid_v4()).into_owned(),
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
