//! Credentials and the region from the EC2 instance metadata service, IMDSv2: a session token
//! (`PUT /latest/api/token`), then `GET`s that carry it.

use super::error::{misconfigured, not_configured};
use super::http::target_of;
use super::{non_empty, process_env, Env};
use crate::profile::Profile;
use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use client::Client;
use std::fmt;
use std::future::Future;
use std::sync::Arc;

mod client;

const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const IPV4_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

/// Credentials of the EC2 instance's role (its instance profile), from instance metadata.
///
/// - `AWS_EC2_METADATA_DISABLED=true`: not configured (skipped, without any request).
/// - The endpoint: `AWS_EC2_METADATA_SERVICE_ENDPOINT`, else the profile's
///   `ec2_metadata_service_endpoint`, else by `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE` (or the
///   profile's `ec2_metadata_service_endpoint_mode`): `IPv4` (default) `http://169.254.169.254`,
///   `IPv6` `http://[fd00:ec2::254]`.
/// - IMDSv2 only: a session token (6 hours, kept by the provider and its clones until 2
///   minutes before it expires; a `401` means it went stale, and it is fetched again once),
///   then the role name (kept too) and the role's credentials. IMDSv1 is never used.
///
/// It fails fast where there is no instance metadata: a connection gives up after 1 second and
/// is not tried again, and the error is "not configured" (the default chain lists it and goes
/// on) with the advice to set `AWS_EC2_METADATA_DISABLED=true`. An answer takes at most 2
/// seconds; a 5xx or a dropped connection is tried once more. An instance without a role is
/// "not configured" too; any other bad answer is an error.
///
/// Expired credentials are an error. (The AWS SDKs' "static stability" instead keeps using
/// expired credentials from IMDS for a while, so that an IMDS outage does not stop a running
/// program; this crate's [`CredentialsCache`](super::CredentialsCache) never uses expired
/// credentials, and keeps valid ones in use when a refresh fails, so this only matters when
/// IMDS serves expired credentials from the start.)
#[derive(Clone)]
pub struct ImdsCredentials {
    env: Env,
    client: Client,
}

impl ImdsCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self::from_shared(process_env())
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self::from_shared(Arc::new(env))
    }

    pub(crate) fn from_shared(env: Env) -> Self {
        Self {
            env,
            client: Client::new(),
        }
    }

    async fn load(&self) -> provider::Result {
        let endpoint = endpoint(&*self.env)?;
        self.client.credentials(&endpoint).await
    }
}

impl Default for ImdsCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ImdsCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsCredentials")
            .field("http", &self.client.http)
            .finish_non_exhaustive()
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

/// The region of the EC2 instance this runs on, from instance metadata
/// (`/latest/meta-data/placement/region`, with the IMDSv2 session token), read through `env`
/// (pass `&|key| std::env::var(key).ok()` for the process environment; see [`ImdsCredentials`]
/// for the settings). `None` when instance metadata is disabled, unreachable (after the 1
/// second connect timeout) or gives no usable region; the reason is logged as a `debug` event.
///
/// The settings are read before this returns; the future does not borrow `env`.
pub fn region_from_imds(
    env: &dyn Fn(&str) -> Option<String>,
) -> impl Future<Output = Option<String>> + Send + 'static {
    let endpoint = endpoint(env);
    async move {
        let result = match endpoint {
            Ok(endpoint) => Client::new().region(&endpoint).await,
            Err(error) => Err(error),
        };
        result
            .map_err(|error| {
                tracing::debug!(
                    reason = %super::describe(&error),
                    "no region from instance metadata"
                )
            })
            .ok()
    }
}

/// Where instance metadata is, as settings give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// Scheme, authority and path (no trailing `/`), to which the request paths are appended.
    base: String,
    /// Scheme, host and port, for messages.
    target: String,
}

/// The endpoint from the settings, or why instance metadata is not to be asked.
pub(crate) fn endpoint(env: &dyn Fn(&str) -> Option<String>) -> Result<Endpoint, CredentialsError> {
    if env(DISABLED).is_some_and(|value| value.trim().eq_ignore_ascii_case("true")) {
        return Err(not_configured(format!("{DISABLED} is true")));
    }
    if let Some(url) = non_empty(env(ENDPOINT)) {
        return parse_endpoint(&url, ENDPOINT);
    }
    // Shared files that cannot be read count as having no settings here: the profile
    // provider reports them.
    let profile = Profile::load(env).ok().flatten();
    let setting = |key: &str| {
        let profile = profile.as_ref()?;
        let value = non_empty(profile.get(key).map(str::to_owned))?;
        Some((value, format!("profile `{}`'s `{key}`", profile.name())))
    };
    if let Some((url, origin)) = setting("ec2_metadata_service_endpoint") {
        return parse_endpoint(&url, &origin);
    }
    let mode = non_empty(env(ENDPOINT_MODE))
        .map(|mode| (mode, ENDPOINT_MODE.to_owned()))
        .or_else(|| setting("ec2_metadata_service_endpoint_mode"));
    let base = match mode {
        None => IPV4_ENDPOINT,
        Some((mode, _)) if mode.eq_ignore_ascii_case("ipv4") => IPV4_ENDPOINT,
        Some((mode, _)) if mode.eq_ignore_ascii_case("ipv6") => IPV6_ENDPOINT,
        Some((_, origin)) => {
            return Err(misconfigured(format!("{origin} is neither IPv4 nor IPv6")));
        }
    };
    parse_endpoint(base, "the default endpoint")
}

fn parse_endpoint(url: &str, origin: &str) -> Result<Endpoint, CredentialsError> {
    let invalid = || misconfigured(format!("{origin} is not an http:// or https:// URL"));
    let uri = url.trim().parse::<http::Uri>().map_err(|_| invalid())?;
    let authority = uri.authority().filter(|a| !a.host().is_empty());
    match (uri.scheme_str(), authority) {
        (Some(scheme @ ("http" | "https")), Some(authority)) if uri.query().is_none() => {
            Ok(Endpoint {
                base: format!("{scheme}://{authority}{}", uri.path().trim_end_matches('/')),
                target: target_of(&uri),
            })
        }
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        // No shared files: a folder that does not exist.
        map.entry("HOME".into())
            .or_insert_with(|| "/nonexistent-imds-test-home".into());
        move |key| map.get(key).cloned()
    }

    fn base(vars: &[(&str, &str)]) -> Result<String, String> {
        endpoint(&env(vars))
            .map(|endpoint| endpoint.base)
            .map_err(|e| super::super::describe(&e))
    }

    #[test]
    fn endpoints_from_the_settings() {
        assert_eq!(base(&[]).unwrap(), "http://169.254.169.254");
        assert_eq!(
            base(&[(ENDPOINT_MODE, "IPv4")]).unwrap(),
            "http://169.254.169.254"
        );
        assert_eq!(
            base(&[(ENDPOINT_MODE, "ipv6")]).unwrap(),
            "http://[fd00:ec2::254]"
        );
        assert_eq!(
            endpoint(&env(&[(ENDPOINT_MODE, "IPv6")])).unwrap().target,
            "http://[fd00:ec2::254]"
        );
        assert_eq!(
            base(&[
                (ENDPOINT, "http://127.0.0.1:8080/"),
                (ENDPOINT_MODE, "IPv6")
            ])
            .unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            base(&[(ENDPOINT, "https://imds.example/prefix/")]).unwrap(),
            "https://imds.example/prefix"
        );
        let mode = base(&[(ENDPOINT_MODE, "IPv5")]).unwrap_err();
        assert_eq!(
            mode,
            "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE is neither IPv4 nor IPv6"
        );
        for bad in [
            "ftp://127.0.0.1",
            "127.0.0.1:80",
            "http://127.0.0.1/?q=1",
            "/latest",
        ] {
            let why = base(&[(ENDPOINT, bad)]).unwrap_err();
            assert_eq!(
                why, "AWS_EC2_METADATA_SERVICE_ENDPOINT is not an http:// or https:// URL",
                "{bad}"
            );
        }
    }

    #[test]
    fn disabled_wins_over_everything() {
        for value in ["true", "TRUE", " True "] {
            let error =
                endpoint(&env(&[(DISABLED, value), (ENDPOINT, "http://127.0.0.1:1")])).unwrap_err();
            assert!(super::super::error::is_not_configured(&error));
            assert_eq!(
                super::super::describe(&error),
                "AWS_EC2_METADATA_DISABLED is true"
            );
        }
        assert!(base(&[(DISABLED, "false")]).is_ok());
    }

    #[test]
    fn endpoint_settings_from_the_profile() {
        let dir = std::env::temp_dir().join(format!("imds-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config");
        std::fs::write(
            &config,
            "[default]\nec2_metadata_service_endpoint_mode = IPv6\n\
             [profile custom]\nec2_metadata_service_endpoint = http://10.1.2.3:81\n",
        )
        .unwrap();
        let config = config.display().to_string();
        let with = |extra: &[(&str, &str)]| {
            let mut vars = vec![("AWS_CONFIG_FILE", config.as_str())];
            vars.extend_from_slice(extra);
            base(&vars)
        };
        assert_eq!(with(&[]).unwrap(), "http://[fd00:ec2::254]");
        assert_eq!(
            with(&[(ENDPOINT_MODE, "IPv4")]).unwrap(),
            "http://169.254.169.254"
        );
        assert_eq!(
            with(&[("AWS_PROFILE", "custom")]).unwrap(),
            "http://10.1.2.3:81"
        );
        assert_eq!(
            with(&[("AWS_PROFILE", "custom"), (ENDPOINT, "http://127.0.0.1:9")]).unwrap(),
            "http://127.0.0.1:9"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
