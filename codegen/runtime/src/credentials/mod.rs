//! AWS credentials and where to find them.
//!
//! The credential types are those of the AWS Rust ecosystem, from `aws-credential-types`:
//! [`Credentials`] (keys, session token, expiry) and the [`ProvideCredentials`] trait. Any
//! provider written against that crate (for example `aws-config`'s whole default chain, in an
//! application that already depends on it) plugs into [`Config`](crate::config::Config)
//! unchanged, and the providers here work wherever that trait is expected.
//!
//! # The default chain
//!
//! [`DefaultCredentialsChain`] tries these sources in order; the first one that is configured
//! decides (its credentials or its error):
//!
//! | # | Source | Settings | Provider |
//! |---|--------|----------|----------|
//! | 1 | Environment | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION` | [`EnvironmentCredentials`] |
//! | 2 | Web identity (EKS IRSA) | `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`; STS `AssumeRoleWithWebIdentity` | [`WebIdentityCredentials`] |
//! | 3 | Profile (`AWS_PROFILE`, else `default`, in `AWS_CONFIG_FILE`/`~/.aws/config` and `AWS_SHARED_CREDENTIALS_FILE`/`~/.aws/credentials`) | static keys; `role_arn` with `source_profile` or `credential_source`, `external_id`, `role_session_name`, `duration_seconds` (STS `AssumeRole`); `role_arn` with `web_identity_token_file`; `sso_session` or `sso_start_url` with `sso_account_id`, `sso_role_name` (the token `aws sso login` caches); `credential_process` | [`ProfileCredentials`] |
//! | 4 | Container (ECS task roles, EKS Pod Identity) | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, or `AWS_CONTAINER_CREDENTIALS_FULL_URI` with `AWS_CONTAINER_AUTHORIZATION_TOKEN` or `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` | [`ContainerCredentials`] |
//! | 5 | EC2 instance metadata (IMDSv2) | `AWS_EC2_METADATA_DISABLED`, `AWS_EC2_METADATA_SERVICE_ENDPOINT`, `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (or the profile's `ec2_metadata_service_endpoint`, `ec2_metadata_service_endpoint_mode`) | [`ImdsCredentials`] |
//!
//! STS and the SSO portal are reached at their regional endpoints, or where
//! `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL`, or the profile's
//! `endpoint_url` point (for a proxy or an emulator); `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`
//! (or the profile's `ignore_configured_endpoint_urls`) turns those settings off.
//!
//! # Region
//!
//! [`region_from_env_or_profile`] reads `AWS_REGION`, `AWS_DEFAULT_REGION` and the profile's
//! `region` ([`Config::from_env`](crate::config::Config::from_env) uses it). On EC2, the
//! instance's region comes from instance metadata with [`region_from_imds`], or
//! [`ConfigBuilder::load_region_from_imds`](crate::config::ConfigBuilder::load_region_from_imds)
//! when no other setting gave one: opt-in, because `from_env` is synchronous and must not wait
//! for a metadata service that a laptop does not have.
//!
//! # Caching
//!
//! [`Config`](crate::config::Config) puts its provider behind a [`CredentialsCache`]: temporary
//! credentials are reused until 5 minutes before they expire, concurrent calls wait for one
//! refresh, a failed refresh keeps valid credentials in use, and expired ones are never used.
//!
//! # Secrets
//!
//! No `Debug` or `Display` output, error or log event of this module holds a secret key, a
//! session token, a web identity token, an SSO access token or the contents of a file that holds
//! one.

mod cache;
mod chain;
mod container;
mod environment;
mod error;
mod from_profile;
mod http;
mod imds;
mod process;
mod sso;
mod sts;
mod web_identity;
mod xml;

pub use aws_credential_types::provider::error::CredentialsError;
pub use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
pub use aws_credential_types::Credentials;
pub use cache::{Clock, CredentialsCache, SystemClock};
pub use chain::DefaultCredentialsChain;
pub use container::ContainerCredentials;
pub use environment::EnvironmentCredentials;
pub use error::describe;
pub use from_profile::ProfileCredentials;
pub use imds::{region_from_imds, ImdsCredentials};
pub(crate) use sts::percent_encode;
pub use web_identity::WebIdentityCredentials;

/// What a provider's `provide_credentials` returns (a future of a credentials result).
pub use aws_credential_types::provider::future::ProvideCredentials as ProvideCredentialsFuture;

use crate::profile::Profile;
use std::sync::Arc;
use std::time::SystemTime;

/// An environment lookup shared by the providers.
pub(crate) type Env = crate::config::Env;

pub(crate) fn process_env() -> Env {
    Arc::new(|key| std::env::var(key).ok())
}

/// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the selected profile's `region`.
/// (On EC2, [`region_from_imds`] asks instance metadata; it is not part of this lookup because
/// it needs the network.)
///
/// `env` looks up environment variables (pass `&|key| std::env::var(key).ok()` for the process
/// environment). Empty values count as unset. Shared files that cannot be read or parsed count
/// as having no region here; the credentials providers report those errors.
pub fn region_from_env_or_profile(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|key| non_empty(env(key)))
        .or_else(|| {
            let profile = Profile::load(env).ok()??;
            non_empty(profile.get("region").map(str::to_owned))
        })
}

pub(crate) fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// An RFC 3339 time (`2026-12-03T12:00:00Z`, fractions and offsets allowed), as the sources
/// write expiries.
pub(crate) fn parse_expiry(text: &str) -> Option<SystemTime> {
    use crate::primitives::{DateTime, TimestampFormat};
    let time = DateTime::parse(text.trim(), TimestampFormat::DateTime).ok()?;
    SystemTime::try_from(time).ok()
}
