//! Web identity (EKS IRSA): a token file, exchanged for role credentials with STS
//! `AssumeRoleWithWebIdentity`. STUB: to be implemented.

use super::error::not_configured;
use super::{process_env, Env};
use crate::profile::Profile;
use aws_credential_types::provider::{self, future, ProvideCredentials};
use std::fmt;
use std::sync::Arc;

/// Credentials for `AWS_ROLE_ARN` from the token in `AWS_WEB_IDENTITY_TOKEN_FILE`.
#[derive(Clone)]
pub struct WebIdentityCredentials {
    env: Env,
}

impl WebIdentityCredentials {
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
        Err(not_configured("AWS_WEB_IDENTITY_TOKEN_FILE is not set"))
    }
}

impl Default for WebIdentityCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for WebIdentityCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityCredentials")
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for WebIdentityCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}

/// The web identity settings of `profile` (`role_arn`, `web_identity_token_file`,
/// `role_session_name`); `selected` configures STS.
pub(crate) async fn from_profile(
    _env: &Env,
    _selected: &Profile,
    profile: &Profile,
) -> provider::Result {
    Err(super::error::misconfigured(format!(
        "profile `{}`: web identity is not implemented yet",
        profile.name()
    )))
}
