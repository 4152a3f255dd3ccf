//! Credentials from the EC2 instance metadata service (IMDSv2). STUB: to be implemented.

use super::error::not_configured;
use super::{process_env, Env};
use aws_credential_types::provider::{self, future, ProvideCredentials};
use std::fmt;
use std::sync::Arc;

/// Credentials from the EC2 instance metadata service (IMDSv2).
#[derive(Clone)]
pub struct ImdsCredentials {
    env: Env,
}

impl ImdsCredentials {
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

    async fn load(&self) -> provider::Result {
        let _ = &self.env;
        Err(not_configured("instance metadata is not implemented yet"))
    }
}

impl Default for ImdsCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ImdsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsCredentials").finish_non_exhaustive()
    }
}

impl ProvideCredentials for ImdsCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}
