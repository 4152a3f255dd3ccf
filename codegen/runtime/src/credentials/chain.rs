//! The default chain: every source in the AWS SDKs' order, the first that is configured wins.

use super::container::ContainerCredentials;
use super::environment::EnvironmentCredentials;
use super::error::{describe, is_not_configured, SourceMessage};
use super::from_profile::ProfileCredentials;
use super::imds::ImdsCredentials;
use super::web_identity::WebIdentityCredentials;
use super::{process_env, Env};
use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use std::fmt;
use std::sync::Arc;

/// Every source, in the order the AWS SDKs try them (see the [module docs](super) for each
/// one's settings):
///
/// 1. the environment ([`EnvironmentCredentials`]);
/// 2. web identity from the environment ([`WebIdentityCredentials`]; EKS IRSA);
/// 3. the selected profile ([`ProfileCredentials`]: static keys, roles, SSO, processes);
/// 4. the container endpoint ([`ContainerCredentials`]; ECS task roles, EKS Pod Identity);
/// 5. the EC2 instance metadata service ([`ImdsCredentials`]).
///
/// A source that is not configured is skipped; the first one that is configured decides: its
/// credentials, or its error (a configured source that fails stops the chain, so that a broken
/// role setting is reported rather than hidden behind another identity). When no source is
/// configured, the error lists each with the reason it was skipped.
///
/// The chain does not cache; [`Config`](crate::config::Config) puts it behind a
/// [`CredentialsCache`](super::CredentialsCache).
#[derive(Clone)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentCredentials,
    web_identity: WebIdentityCredentials,
    profile: ProfileCredentials,
    container: ContainerCredentials,
    instance_metadata: ImdsCredentials,
    env: Env,
}

impl DefaultCredentialsChain {
    /// Reads the process environment (and the files it names).
    pub fn new() -> Self {
        Self::from_shared(process_env())
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_shared(Arc::new(env))
    }

    pub(crate) fn from_shared(env: Env) -> Self {
        Self {
            environment: EnvironmentCredentials::from_shared(env.clone()),
            web_identity: WebIdentityCredentials::from_shared(env.clone()),
            profile: ProfileCredentials::from_shared(env.clone()),
            container: ContainerCredentials::from_shared(env.clone()),
            instance_metadata: ImdsCredentials::from_shared(env.clone()),
            env,
        }
    }

    async fn load(&self) -> provider::Result {
        let profile = format!("profile `{}`", crate::profile::profile_name(&*self.env));
        let sources: [(&str, &dyn ProvideCredentials); 5] = [
            ("environment", &self.environment),
            ("web identity", &self.web_identity),
            (&profile, &self.profile),
            ("container", &self.container),
            ("instance metadata", &self.instance_metadata),
        ];
        let mut skipped = Vec::with_capacity(sources.len());
        for (name, source) in sources {
            match source.provide_credentials().await {
                Ok(credentials) => {
                    tracing::debug!(source = name, "loaded AWS credentials");
                    return Ok(credentials);
                }
                Err(error) if is_not_configured(&error) => {
                    skipped.push(format!("{name} ({})", describe(&error)));
                }
                Err(error) => return Err(stopped_at(name, error)),
            }
        }
        Err(CredentialsError::not_loaded(SourceMessage(format!(
            "no AWS credentials: tried {}",
            skipped.join(", ")
        ))))
    }
}

/// The error of the configured source that stopped the chain, naming it.
fn stopped_at(name: &str, error: CredentialsError) -> CredentialsError {
    let why = describe(&error);
    // Profile messages start with the profile's name already.
    let text = match why.strip_prefix(name) {
        Some(rest) if rest.starts_with(':') => format!("AWS credentials from the {why}"),
        Some(rest) if rest.starts_with(' ') => format!("AWS credentials: {why}"),
        _ => format!("AWS credentials from the {name}: {why}"),
    };
    match error {
        CredentialsError::InvalidConfiguration(_) => {
            CredentialsError::invalid_configuration(SourceMessage(text))
        }
        CredentialsError::ProviderTimedOut(_) | CredentialsError::ProviderError(_) => {
            CredentialsError::provider_error(SourceMessage(text))
        }
        _ => CredentialsError::unhandled(SourceMessage(text)),
    }
}

impl Default for DefaultCredentialsChain {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("environment", &self.environment)
            .field("web_identity", &self.web_identity)
            .field("profile", &self.profile)
            .field("container", &self.container)
            .field("instance_metadata", &self.instance_metadata)
            .finish()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}
