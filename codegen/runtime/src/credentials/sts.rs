//! STS `AssumeRole` and `AssumeRoleWithWebIdentity`, as AWS Query calls: a form-encoded POST,
//! an XML answer.
//!
//! # Where STS is
//!
//! `AWS_ENDPOINT_URL_STS`, else `AWS_ENDPOINT_URL`, else the selected profile's `endpoint_url`
//! (none of these when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, or else the profile's
//! `ignore_configured_endpoint_urls`, is `true`), else the regional endpoint
//! `https://sts.{region}.{the partition's DNS suffix}` (`amazonaws.com`, `amazonaws.com.cn`
//! for `cn-` regions, ...). The region is `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the
//! selected profile's `region`, else `us-east-1`; it is also the region `AssumeRole` is signed
//! for.
//!
//! # Failures
//!
//! Transient failures (no answer, 5xx, throttling codes such as `Throttling`, and
//! `IDPCommunicationError` for web identity) are retried: at most [`MAX_ATTEMPTS`] attempts of
//! at most [`ATTEMPT_TIMEOUT`] each, a short jittered backoff between them, [`TOTAL_TIMEOUT`]
//! in all. Every error names STS, the action, the endpoint (scheme, host, port) and the role;
//! none holds a secret key, session token or web identity token (they are cut out of whatever
//! the server says, too), and the text of a successful answer, which holds credentials, is
//! never shown.

use super::error::{failed, misconfigured};
use super::from_profile::RoleHop;
use super::http::{excerpt, target_of, SourceHttp};
use super::{non_empty, Env};
use crate::endpoint::{ParamValue, Params};
use crate::profile::Profile;
use crate::retry::{self, RetryConfig};
use aws_credential_types::provider::{self, error::CredentialsError};
use aws_credential_types::Credentials;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The STS API version every request names.
const VERSION: &str = "2011-06-15";
/// The longest wait for a connection to STS.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// The longest one exchange with STS may take.
pub(crate) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts in all, the first included.
pub(crate) const MAX_ATTEMPTS: u32 = 3;
/// The longest one STS call may take, retries and backoff included.
pub(crate) const TOTAL_TIMEOUT: Duration = Duration::from_secs(15);
/// The region when none is configured.
const DEFAULT_REGION: &str = "us-east-1";

/// Assumes `role` with `base` credentials (STS `AssumeRole`, SigV4-signed); `selected` is the
/// profile that configures STS (its `region`, `endpoint_url`). The session name is the
/// profile's `role_session_name`, else `AWS_ROLE_SESSION_NAME`, else `smithy-rust-<unix ms>`.
pub(crate) async fn assume_role(
    env: &Env,
    selected: &Profile,
    base: &Credentials,
    role: &RoleHop,
) -> provider::Result {
    let sts = Sts::resolve(env, Some(selected))?;
    let session_name = role
        .session_name
        .clone()
        .or_else(|| non_empty(env("AWS_ROLE_SESSION_NAME")))
        .unwrap_or_else(default_session_name);
    let mut params = vec![
        ("RoleArn", role.role_arn.clone()),
        ("RoleSessionName", session_name),
    ];
    if let Some(external_id) = &role.external_id {
        params.push(("ExternalId", external_id.clone()));
    }
    if let Some(seconds) = role.duration_seconds {
        params.push(("DurationSeconds", seconds.to_string()));
    }
    let secrets: Vec<&str> = [Some(base.secret_access_key()), base.session_token()]
        .into_iter()
        .flatten()
        .collect();
    sts.call(Call {
        action: "AssumeRole",
        params,
        signer: Some(base),
        secrets: &secrets,
        about: format!("role `{}` of profile `{}`", role.role_arn, role.profile),
        provider_name: "AssumeRoleProvider",
        retry_codes: &[],
    })
    .await
}

/// One `AssumeRoleWithWebIdentity`.
pub(crate) struct WebIdentity<'a> {
    pub(crate) role_arn: &'a str,
    pub(crate) session_name: Option<String>,
    /// The token itself (never shown).
    pub(crate) token: &'a str,
    /// Where the settings came from, for messages (`AWS_WEB_IDENTITY_TOKEN_FILE`, a profile).
    pub(crate) origin: &'a str,
}

/// Exchanges a web identity token for the role's credentials (STS
/// `AssumeRoleWithWebIdentity`, unsigned); `selected` is the profile that configures STS, if
/// any. Without a session name the call uses `smithy-rust-<unix ms>`.
pub(crate) async fn assume_role_with_web_identity(
    env: &Env,
    selected: Option<&Profile>,
    request: WebIdentity<'_>,
) -> provider::Result {
    let sts = Sts::resolve(env, selected)?;
    let params = vec![
        ("RoleArn", request.role_arn.to_owned()),
        (
            "RoleSessionName",
            request.session_name.unwrap_or_else(default_session_name),
        ),
        ("WebIdentityToken", request.token.to_owned()),
    ];
    sts.call(Call {
        action: "AssumeRoleWithWebIdentity",
        params,
        signer: None,
        secrets: &[request.token],
        about: format!("role `{}` from {}", request.role_arn, request.origin),
        provider_name: "WebIdentityTokenProvider",
        retry_codes: &["IDPCommunicationError"],
    })
    .await
}

/// `smithy-rust-<unix milliseconds>`.
fn default_session_name() -> String {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("smithy-rust-{millis}")
}

/// The STS endpoint a call goes to, and the region it signs for.
struct Sts {
    url: http::Uri,
    /// `scheme://host:port`, for messages.
    target: String,
    region: String,
    http: SourceHttp,
}

/// One call: the action, its parameters, and how to report and retry it.
struct Call<'a> {
    action: &'static str,
    params: Vec<(&'static str, String)>,
    /// The credentials that sign the request (`None`: unsigned).
    signer: Option<&'a Credentials>,
    /// Text never to show, even when the server echoes it.
    secrets: &'a [&'a str],
    /// What is assumed, for messages: "role `...` of profile `...`".
    about: String,
    provider_name: &'static str,
    /// Error codes retried beyond the standard throttling and transient ones.
    retry_codes: &'static [&'static str],
}

/// Why an attempt failed, and whether another attempt may help.
struct Failure {
    why: String,
    retry: bool,
}

impl Sts {
    fn resolve(env: &Env, profile: Option<&Profile>) -> Result<Self, CredentialsError> {
        let profile_get =
            |key: &str| profile.and_then(|p| non_empty(p.get(key).map(str::to_owned)));
        let profile_name = profile.map_or("", Profile::name);
        let (url, region) = endpoint(&**env, &profile_get, profile_name)?;
        let target = target_of(&url);
        Ok(Self {
            url,
            target,
            region,
            http: SourceHttp::new(CONNECT_TIMEOUT, ATTEMPT_TIMEOUT),
        })
    }

    async fn call(&self, call: Call<'_>) -> provider::Result {
        let body = form(call.action, &call.params);
        let context = format!("STS {} at {} for {}", call.action, self.target, call.about);
        let config = RetryConfig::standard()
            .with_max_attempts(MAX_ATTEMPTS)
            .with_initial_backoff(Duration::from_millis(200))
            .with_max_backoff(Duration::from_secs(1));
        let attempts = async {
            let mut attempt = 1;
            loop {
                match self.attempt(&call, &body).await {
                    Ok(credentials) => return Ok(credentials),
                    Err(failure) if failure.retry && attempt < MAX_ATTEMPTS => {
                        tracing::debug!(
                            action = call.action,
                            attempt,
                            "STS call failed, retrying: {}",
                            failure.why
                        );
                        tokio::time::sleep(config.backoff(attempt, retry::jitter())).await;
                        attempt += 1;
                    }
                    Err(failure) => {
                        let after = if attempt > 1 {
                            format!(" (after {attempt} attempts)")
                        } else {
                            String::new()
                        };
                        return Err(failed(format!("{context} failed{after}: {}", failure.why)));
                    }
                }
            }
        };
        match tokio::time::timeout(TOTAL_TIMEOUT, attempts).await {
            Ok(result) => result,
            Err(_) => Err(failed(format!(
                "{context} did not succeed within {TOTAL_TIMEOUT:?}"
            ))),
        }
    }

    async fn attempt(&self, call: &Call<'_>, body: &str) -> Result<Credentials, Failure> {
        let fatal = |why: String| Failure { why, retry: false };
        let mut request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.url.clone())
            .header(http::header::HOST, host_header(&self.url))
            .header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )
            .body(body.as_bytes().to_vec())
            .map_err(|e| fatal(format!("cannot build the request: {e}")))?;
        if let Some(base) = call.signer {
            crate::sign::sign_request(&mut request, base, &self.region, "sts", SystemTime::now())
                .map_err(|e| fatal(e.to_string()))?;
        }
        let response = self.http.send(request).await.map_err(|why| Failure {
            why: redact(&why, call.secrets),
            retry: true,
        })?;
        let status = response.status().as_u16();
        let is_html = looks_like_html(response.headers(), response.body());
        if response.status().is_success() {
            if is_html {
                return Err(fatal(
                    "the answer is an HTML page, not STS's XML (does the endpoint point at STS?)"
                        .to_owned(),
                ));
            }
            return read_credentials(call.action, response.body(), call.provider_name)
                .map_err(|why| fatal(format!("the answer (HTTP {status}) is unusable: {why}")));
        }
        // An error answer holds no credentials, but a server may echo what it was sent: the
        // secrets go before anything of it is read or cut short.
        let body = redact(&String::from_utf8_lossy(response.body()), call.secrets);
        let (code, message) = error_answer(body.as_bytes());
        let retry = retry::classify(Some(status), code.as_deref(), false, false).is_some()
            || code
                .as_deref()
                .is_some_and(|c| call.retry_codes.contains(&c));
        let why = match (code, message) {
            (Some(code), Some(message)) => format!("{code}: {message} (HTTP {status})"),
            (Some(code), None) => format!("{code} (HTTP {status})"),
            _ if is_html => format!("HTTP {status} with an HTML page, not an STS error"),
            _ if body.trim().is_empty() => format!("HTTP {status} with an empty body"),
            _ => format!("HTTP {status}: {}", excerpt(body.as_bytes())),
        };
        Err(Failure { why, retry })
    }
}

/// The endpoint URL and the signing region, from the environment and the selected profile's
/// settings (`profile` looks one up, `profile_name` names it in messages).
fn endpoint(
    env: &dyn Fn(&str) -> Option<String>,
    profile: &dyn Fn(&str) -> Option<String>,
    profile_name: &str,
) -> Result<(http::Uri, String), CredentialsError> {
    let region = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .into_iter()
        .find_map(|key| non_empty(env(key)))
        .or_else(|| profile("region"))
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let ignore = match non_empty(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) {
        Some(value) => value.eq_ignore_ascii_case("true"),
        None => profile("ignore_configured_endpoint_urls")
            .is_some_and(|value| value.eq_ignore_ascii_case("true")),
    };
    let configured = if ignore {
        None
    } else {
        ["AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"]
            .into_iter()
            .find_map(|key| non_empty(env(key)).map(|url| (url, key.to_owned())))
            .or_else(|| {
                profile("endpoint_url").map(|url| {
                    (
                        url,
                        format!("the `endpoint_url` of profile `{profile_name}`"),
                    )
                })
            })
    };
    let url = match configured {
        Some((url, from)) => parse_endpoint(&url).ok_or_else(|| {
            misconfigured(format!(
                "{from} is not an absolute http or https URL, so STS cannot be reached"
            ))
        })?,
        None => regional_endpoint(&region)?,
    };
    Ok((url, region))
}

/// An absolute `http` or `https` URL with a host, without user info, query or fragment (a
/// path is kept).
fn parse_endpoint(url: &str) -> Option<http::Uri> {
    let uri: http::Uri = url.parse().ok()?;
    let scheme = uri.scheme_str().filter(|s| *s == "http" || *s == "https")?;
    let host = uri.host().filter(|host| !host.is_empty())?;
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = match uri.path() {
        "" => "/",
        path => path,
    };
    format!("{scheme}://{host}{port}{path}").parse().ok()
}

/// STS's regional endpoint, by the endpoint rules engine and its partition table (a rule set
/// with STS's regional rule only: no FIPS, no dual-stack).
fn regional_endpoint(region: &str) -> Result<http::Uri, CredentialsError> {
    const RULE_SET: &str = r#"{
        "version": "1.0",
        "parameters": {"Region": {"type": "String", "required": true}},
        "rules": [
            {"type": "endpoint",
             "conditions": [{"fn": "stringEquals", "argv": [{"ref": "Region"}, "aws-global"]}],
             "endpoint": {"url": "https://sts.amazonaws.com"}},
            {"type": "tree",
             "conditions": [
                {"fn": "isValidHostLabel", "argv": [{"ref": "Region"}, false]},
                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "partition"}],
             "rules": [{"type": "endpoint", "conditions": [],
                        "endpoint": {"url": "https://sts.{Region}.{partition#dnsSuffix}"}}]},
            {"type": "error", "conditions": [], "error": "not a valid region name"}
        ]
    }"#;
    let invalid = |why: &dyn std::fmt::Display| {
        misconfigured(format!(
            "the region {region:?} has no STS endpoint ({why}); set AWS_REGION or the \
             profile's `region` to a region name such as us-east-1"
        ))
    };
    let rules: serde_json::Value = serde_json::from_str(RULE_SET).map_err(|e| invalid(&e))?;
    let params: Params = [("Region".to_owned(), ParamValue::String(region.to_owned()))].into();
    let endpoint = crate::endpoint::resolve(&rules, &params).map_err(|e| invalid(&e))?;
    parse_endpoint(&endpoint.url).ok_or_else(|| invalid(&"not a URL"))
}

/// `host[:port]` of an absolute URI.
fn host_header(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    match uri.port_u16() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// The request body: `Action=...&Version=2011-06-15&Name=value...`, form-encoded.
pub(crate) fn form(action: &str, params: &[(&str, String)]) -> String {
    let mut out = format!("Action={}&Version={VERSION}", percent_encode(action));
    for (name, value) in params {
        out.push('&');
        out.push_str(&percent_encode(name));
        out.push('=');
        out.push_str(&percent_encode(value));
    }
    out
}

/// Every byte but the unreserved `A-Z a-z 0-9 - _ . ~` as `%XX` (so a space is `%20`, a `+`
/// is `%2B`).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The credentials in a successful answer to `action`. The error never holds the answer's text.
pub(crate) fn read_credentials(
    action: &str,
    body: &[u8],
    provider_name: &'static str,
) -> Result<Credentials, String> {
    let text = std::str::from_utf8(body).map_err(|_| "it is not UTF-8 text".to_owned())?;
    let response = format!("{action}Response");
    let result = format!("{action}Result");
    let leaves = [
        "AccessKeyId",
        "SecretAccessKey",
        "SessionToken",
        "Expiration",
    ];
    let paths: Vec<[&str; 4]> = leaves
        .iter()
        .map(|leaf| [response.as_str(), result.as_str(), "Credentials", leaf])
        .collect();
    let paths: Vec<&[&str]> = paths.iter().map(|path| &path[..]).collect();
    let found = super::xml::find(text, &paths)?;
    let mut values = Vec::with_capacity(leaves.len());
    for (leaf, value) in leaves.iter().zip(found) {
        match value.filter(|value| !value.is_empty()) {
            Some(value) => values.push(value),
            None => return Err(format!("it has no {response}/{result}/Credentials/{leaf}")),
        }
    }
    let [id, secret, token, expiration]: [String; 4] = values
        .try_into()
        .map_err(|_| "it has too few credentials fields".to_owned())?;
    let expiry = super::parse_expiry(&expiration)
        .ok_or_else(|| format!("its Expiration {expiration:?} is not an ISO 8601 time"))?;
    if expiry <= SystemTime::now() {
        return Err(format!(
            "the credentials expired already, at {expiration} (is this machine's clock right?)"
        ));
    }
    Ok(Credentials::new(
        id,
        secret,
        Some(token),
        Some(expiry),
        provider_name,
    ))
}

/// The `Code` and `Message` of an STS error answer (`<ErrorResponse><Error>...`), where the
/// body is one.
pub(crate) fn error_answer(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(text) = std::str::from_utf8(body) else {
        return (None, None);
    };
    let paths: [&[&str]; 2] = [
        &["ErrorResponse", "Error", "Code"],
        &["ErrorResponse", "Error", "Message"],
    ];
    let Ok(mut found) = super::xml::find(text, &paths) else {
        return (None, None);
    };
    let message = found.pop().flatten().filter(|m| !m.is_empty());
    let code = found.pop().flatten().filter(|c| !c.is_empty());
    // An error message is shown on one line, and not at any length.
    let message = message.map(|m| {
        let mut line: String = m
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(300)
            .collect();
        if line.len() < m.len() {
            line.push('…');
        }
        line
    });
    let code = code.map(|c| c.chars().filter(|c| !c.is_control()).take(100).collect());
    (code, message)
}

/// Whether an answer is an HTML page (a proxy's or a wrong server's), by its type or its start.
fn looks_like_html(headers: &http::HeaderMap, body: &[u8]) -> bool {
    let typed = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"));
    let start = String::from_utf8_lossy(&body[..body.len().min(64)]).to_ascii_lowercase();
    let start = start.trim_start_matches('\u{feff}').trim_start();
    typed || start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// `text` with every secret cut out.
fn redact(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_owned();
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(secret, "(redacted)");
    }
    text
}

#[cfg(test)]
#[path = "sts_tests.rs"]
mod tests;
