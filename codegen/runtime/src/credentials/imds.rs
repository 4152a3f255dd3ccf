//! Credentials and the region from the EC2 instance metadata service, IMDSv2: a session token
//! (`PUT /latest/api/token`), then `GET`s that carry it.

use super::container::{answer_object, credentials_from, error_detail};
use super::error::{failed, misconfigured, not_configured};
use super::http::{target_of, SourceHttp, Stage};
use super::{non_empty, process_env, Env};
use crate::profile::Profile;
use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

const DISABLED: &str = "AWS_EC2_METADATA_DISABLED";
const ENDPOINT: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
const ENDPOINT_MODE: &str = "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE";
const IPV4_ENDPOINT: &str = "http://169.254.169.254";
const IPV6_ENDPOINT: &str = "http://[fd00:ec2::254]";

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
const TOKEN_TTL_HEADER: &str = "x-aws-ec2-metadata-token-ttl-seconds";
const TOKEN_HEADER: &str = "x-aws-ec2-metadata-token";
/// The session token's lifetime asked for (the most IMDS allows, as the SDKs ask).
const TOKEN_TTL_SECONDS: u64 = 21600;
/// A token is fetched again this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(120);

/// Where there is no IMDS (a laptop), connecting fails or times out: give up quickly. IMDS
/// itself answers in milliseconds.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const TIMEOUT: Duration = Duration::from_secs(2);
/// Attempts per request: a 5xx or a dropped connection is tried once more. A connection that
/// cannot be made is not (there is no IMDS there).
const ATTEMPTS: u32 = 2;
const RETRY_PAUSE: Duration = Duration::from_millis(20);

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

/// The IMDSv2 session: a session token and the role name, shared by clones.
#[derive(Clone)]
struct Client {
    http: SourceHttp,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    token: Option<Token>,
    role: Option<(String, String)>,
}

/// A session token, for the endpoint `base`, and when to stop using it.
struct Token {
    base: String,
    value: http::HeaderValue,
    refresh_at: Instant,
}

impl Client {
    fn new() -> Self {
        Self {
            http: SourceHttp::new(CONNECT_TIMEOUT, TIMEOUT),
            state: Arc::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn credentials(&self, endpoint: &Endpoint) -> provider::Result {
        let target = &endpoint.target;
        let cached_role = self.cached_role(endpoint);
        let role = match &cached_role {
            Some(role) => role.clone(),
            None => self.role(endpoint).await?,
        };
        let path = format!("{ROLE_PATH}{role}");
        let mut response = self.get(endpoint, &path, "the credentials request").await?;
        if response.status() == http::StatusCode::NOT_FOUND && cached_role.is_some() {
            // The instance's role changed since the name was read.
            self.state().role = None;
            let role = self.role(endpoint).await?;
            let path = format!("{ROLE_PATH}{role}");
            response = self.get(endpoint, &path, "the credentials request").await?;
        }
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!(
                "the instance metadata service at {target} answered {} to the credentials \
                 request{}",
                status.as_u16(),
                error_detail(response.body())
            )));
        }
        let unusable = |why: String| {
            failed(format!(
                "the instance metadata service at {target} gave unusable credentials: {why}"
            ))
        };
        let object = answer_object(response.body()).map_err(unusable)?;
        if let Some(code) = object.get("Code").and_then(|code| code.as_str()) {
            if code != "Success" {
                let detail = match object.get("Message").and_then(|m| m.as_str()) {
                    Some(message) => format!("{code}: {message}"),
                    None => code.to_owned(),
                };
                return Err(unusable(format!(
                    "the answer's Code is not Success ({})",
                    super::http::excerpt(detail.as_bytes())
                )));
            }
        }
        credentials_from(&object, "ImdsCredentials", SystemTime::now()).map_err(unusable)
    }

    fn cached_role(&self, endpoint: &Endpoint) -> Option<String> {
        let state = self.state();
        let (base, role) = state.role.as_ref()?;
        (*base == endpoint.base).then(|| role.clone())
    }

    /// The name of the instance's role, read and kept.
    async fn role(&self, endpoint: &Endpoint) -> Result<String, CredentialsError> {
        let target = &endpoint.target;
        let response = self
            .get(endpoint, ROLE_PATH, "the role name request")
            .await?;
        match response.status() {
            status if status.is_success() => {}
            http::StatusCode::NOT_FOUND => {
                return Err(not_configured(format!(
                    "the instance metadata service at {target} has no IAM role: no instance \
                     profile is attached to this instance"
                )))
            }
            status => {
                return Err(failed(format!(
                    "the instance metadata service at {target} answered {} to the role name \
                     request{}",
                    status.as_u16(),
                    error_detail(response.body())
                )))
            }
        }
        let text = String::from_utf8_lossy(response.body());
        let name = text.lines().map(str::trim).find(|line| !line.is_empty());
        let name = name.filter(|name| is_role_name(name)).ok_or_else(|| {
            failed(format!(
                "the instance metadata service at {target} gave a role name that is not an IAM \
                 role name"
            ))
        })?;
        self.state().role = Some((endpoint.base.clone(), name.to_owned()));
        Ok(name.to_owned())
    }

    async fn region(&self, endpoint: &Endpoint) -> Result<String, CredentialsError> {
        let target = &endpoint.target;
        let response = self
            .get(endpoint, REGION_PATH, "the region request")
            .await?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!(
                "the instance metadata service at {target} answered {} to the region request{}",
                status.as_u16(),
                error_detail(response.body())
            )));
        }
        let region = String::from_utf8_lossy(response.body()).trim().to_owned();
        let valid = !region.is_empty()
            && region.len() <= 64
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(region)
        } else {
            Err(failed(format!(
                "the instance metadata service at {target} gave a region that is not a region name"
            )))
        }
    }

    /// `GET path` with the session token; a `401` (a stale token) gets a new token and one
    /// more try. Any other answer is returned.
    async fn get(
        &self,
        endpoint: &Endpoint,
        path: &str,
        what: &str,
    ) -> Result<http::Response<Vec<u8>>, CredentialsError> {
        let mut token = self.token(endpoint).await?;
        let mut fresh_token = false;
        loop {
            let url = format!("{}{path}", endpoint.base);
            let response = self
                .exchange(endpoint, what, || {
                    http::Request::get(url.as_str())
                        .header(TOKEN_HEADER, token.clone())
                        .body(Vec::new())
                })
                .await?;
            if response.status() != http::StatusCode::UNAUTHORIZED {
                return Ok(response);
            }
            if fresh_token {
                return Err(failed(format!(
                    "the instance metadata service at {} answered 401 to {what} even with a new \
                     session token",
                    endpoint.target
                )));
            }
            self.state().token = None;
            token = self.fetch_token(endpoint).await?;
            fresh_token = true;
        }
    }

    /// The kept session token, or a new one.
    async fn token(&self, endpoint: &Endpoint) -> Result<http::HeaderValue, CredentialsError> {
        {
            let state = self.state();
            if let Some(token) = &state.token {
                if token.base == endpoint.base && Instant::now() < token.refresh_at {
                    return Ok(token.value.clone());
                }
            }
        }
        self.fetch_token(endpoint).await
    }

    async fn fetch_token(
        &self,
        endpoint: &Endpoint,
    ) -> Result<http::HeaderValue, CredentialsError> {
        let target = &endpoint.target;
        let url = format!("{}{TOKEN_PATH}", endpoint.base);
        let what = "the session token request";
        let requested_at = Instant::now();
        let response = self
            .exchange(endpoint, what, || {
                http::Request::put(url.as_str())
                    .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
                    .body(Vec::new())
            })
            .await?;
        let status = response.status();
        let refused = |why: &str| {
            failed(format!(
                "the instance metadata service at {target} answered {} to {what}{why}",
                status.as_u16()
            ))
        };
        match status.as_u16() {
            200..=299 => {}
            403 => {
                return Err(refused(
                    ": instance metadata is turned off for this instance, or the request went \
                     through a proxy (turn it on with `aws ec2 modify-instance-metadata-options \
                     --http-endpoint enabled`)",
                ))
            }
            404 | 405 => return Err(refused(": it offers no IMDSv2 session tokens")),
            _ => return Err(refused(&error_detail(response.body()))),
        }
        let mut value = std::str::from_utf8(response.body())
            .ok()
            .map(str::trim)
            .filter(|token| !token.is_empty() && token.len() <= 4096)
            .and_then(|token| http::HeaderValue::from_str(token).ok())
            .ok_or_else(|| {
                failed(format!(
                    "the instance metadata service at {target} gave a session token that is \
                     empty, too long or not a header value"
                ))
            })?;
        value.set_sensitive(true);
        let ttl = response
            .headers()
            .get(TOKEN_TTL_HEADER)
            .and_then(|ttl| ttl.to_str().ok()?.trim().parse::<u64>().ok())
            .unwrap_or(TOKEN_TTL_SECONDS);
        let lifetime = Duration::from_secs(ttl).saturating_sub(TOKEN_MARGIN);
        self.state().token = Some(Token {
            base: endpoint.base.clone(),
            value: value.clone(),
            refresh_at: requested_at + lifetime,
        });
        Ok(value)
    }

    /// Sends the request `build` makes; a 5xx or a dropped connection is tried once more.
    /// Unreachable instance metadata is "not configured".
    async fn exchange(
        &self,
        endpoint: &Endpoint,
        what: &str,
        build: impl Fn() -> http::Result<http::Request<Vec<u8>>>,
    ) -> Result<http::Response<Vec<u8>>, CredentialsError> {
        let target = &endpoint.target;
        let mut attempt = 1;
        loop {
            let request = build().map_err(|_| {
                misconfigured(format!(
                    "the instance metadata endpoint {target} cannot be requested"
                ))
            })?;
            let again = attempt < ATTEMPTS;
            match self.http.exchange(request).await {
                Ok(response) if again && response.status().is_server_error() => {}
                Ok(response) => return Ok(response),
                Err(e) if e.stage == Stage::NotConnected => return Err(not_configured(format!(
                    "no instance metadata service answered ({}); set {DISABLED}=true to skip it",
                    e.message
                ))),
                Err(e) if again && e.stage == Stage::ConnectionFailed => {}
                Err(e) if e.stage == Stage::TimedOut && what == "the session token request" => {
                    return Err(failed(format!(
                        "the instance metadata service at {target} accepted a connection but did \
                         not answer {what} within {TIMEOUT:?} (in a container, the instance's \
                         metadata hop limit may need to be 2: `aws ec2 \
                         modify-instance-metadata-options --http-put-response-hop-limit 2`)"
                    )))
                }
                Err(e) => {
                    return Err(failed(format!(
                        "{what} to instance metadata failed: {}",
                        e.message
                    )))
                }
            }
            tokio::time::sleep(RETRY_PAUSE).await;
            attempt += 1;
        }
    }
}

/// IAM role names: 1 to 64 of letters, digits and `+=,.@_-`.
fn is_role_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b))
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

    #[test]
    fn role_names() {
        assert!(is_role_name("my-role_1+=,.@"));
        for bad in ["", "../x", "a/b", "a b", "é", &"r".repeat(65)] {
            assert!(!is_role_name(bad), "{bad}");
        }
    }
}
