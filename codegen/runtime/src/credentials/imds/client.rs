//! The IMDSv2 session: a session token (`PUT /latest/api/token`), kept and renewed, the
//! instance's role name, and the `GET`s that carry the token, with their retries.

use super::super::container::{answer_object, credentials_from, error_detail};
use super::super::error::{failed, misconfigured, not_configured};
use super::super::http::{excerpt, SourceHttp, Stage};
use super::Endpoint;
use aws_credential_types::provider::{self, error::CredentialsError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

const TOKEN_PATH: &str = "/latest/api/token";
const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";
const REGION_PATH: &str = "/latest/meta-data/placement/region";
/// How messages name the token request (`PUT /latest/api/token`).
const TOKEN_REQUEST: &str = "the session token request";
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

/// The IMDSv2 session: a session token and the role name, shared by clones.
#[derive(Clone)]
pub(super) struct Client {
    pub(super) http: SourceHttp,
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
    pub(super) fn new() -> Self {
        Self {
            http: SourceHttp::new(CONNECT_TIMEOUT, TIMEOUT),
            state: Arc::default(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) async fn credentials(&self, endpoint: &Endpoint) -> provider::Result {
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
                    excerpt(detail.as_bytes())
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

    pub(super) async fn region(&self, endpoint: &Endpoint) -> Result<String, CredentialsError> {
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
        let what = TOKEN_REQUEST;
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
        // Seconds, at most what was asked for (a huge value must not overflow the clock); an
        // unreadable or zero value counts as what was asked for.
        let ttl = response
            .headers()
            .get(TOKEN_TTL_HEADER)
            .and_then(|ttl| ttl.to_str().ok()?.trim().parse::<u64>().ok())
            .filter(|ttl| *ttl > 0)
            .map_or(TOKEN_TTL_SECONDS, |ttl| ttl.min(TOKEN_TTL_SECONDS));
        let ttl = Duration::from_secs(ttl);
        let lifetime = if ttl > TOKEN_MARGIN * 2 {
            ttl - TOKEN_MARGIN
        } else {
            ttl / 2
        };
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
                Err(e) if e.stage == Stage::NotConnected => {
                    return Err(not_configured(format!(
                    "no instance metadata service answered ({}); set AWS_EC2_METADATA_DISABLED=true to skip it",
                    e.message
                )))
                }
                Err(e) if again && e.stage == Stage::ConnectionFailed => {}
                Err(e) if e.stage == Stage::TimedOut && what == TOKEN_REQUEST => {
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

    #[test]
    fn role_names() {
        assert!(is_role_name("my-role_1+=,.@"));
        for bad in ["", "../x", "a/b", "a b", "é", &"r".repeat(65)] {
            assert!(!is_role_name(bad), "{bad}");
        }
    }
}
