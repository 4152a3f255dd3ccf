//! Keys from the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.

use super::error::{misconfigured, not_configured};
use super::{non_empty, process_env, Env};
use aws_credential_types::provider::{self, future, ProvideCredentials};
use aws_credential_types::Credentials;
use std::fmt;
use std::sync::Arc;

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
/// (optional), optionally with `AWS_CREDENTIAL_EXPIRATION` (RFC 3339).
///
/// Empty variables count as unset. Setting only one of the key pair is an error.
#[derive(Clone)]
pub struct EnvironmentCredentials {
    env: Env,
}

impl EnvironmentCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self { env: process_env() }
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { env: Arc::new(env) }
    }

    pub(crate) fn from_shared(env: Env) -> Self {
        Self { env }
    }

    pub(crate) fn load(&self) -> provider::Result {
        let env = &*self.env;
        let access_key_id = non_empty(env("AWS_ACCESS_KEY_ID"));
        let secret_access_key = non_empty(env("AWS_SECRET_ACCESS_KEY"));
        match (access_key_id, secret_access_key) {
            (Some(id), Some(secret)) => {
                let expiry = match non_empty(env("AWS_CREDENTIAL_EXPIRATION")) {
                    None => None,
                    Some(text) => Some(super::parse_expiry(&text).ok_or_else(|| {
                        misconfigured(
                            "AWS_CREDENTIAL_EXPIRATION is not an RFC 3339 time (e.g. 2026-12-03T12:00:00Z)",
                        )
                    })?),
                };
                Ok(Credentials::new(
                    id,
                    secret,
                    non_empty(env("AWS_SESSION_TOKEN")),
                    expiry,
                    "Environment",
                ))
            }
            (None, None) => Err(not_configured("AWS_ACCESS_KEY_ID is not set")),
            (Some(_), None) => Err(misconfigured(
                "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not",
            )),
            (None, Some(_)) => Err(misconfigured(
                "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not",
            )),
        }
    }
}

impl Default for EnvironmentCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentCredentials")
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(self.load())
    }
}
