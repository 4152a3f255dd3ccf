//! Credentials from the container credentials endpoint: ECS task roles and EKS Pod Identity.
//!
//! ECS sets `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`, a path on the ECS agent's host
//! `169.254.170.2`; EKS Pod Identity (and other agents) set `AWS_CONTAINER_CREDENTIALS_FULL_URI`
//! and an authorization token, as a file EKS rotates (`AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`)
//! or a value (`AWS_CONTAINER_AUTHORIZATION_TOKEN`). The answer is JSON with temporary
//! credentials; [`parse_answer`] reads it (instance metadata answers the same way).

use super::error::{failed, misconfigured, not_configured};
use super::http::{excerpt, target_of, SourceHttp, Stage};
use super::{process_env, Env};
use aws_credential_types::provider::{self, future, ProvideCredentials};
use aws_credential_types::Credentials;
use serde_json::{Map, Value};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

const RELATIVE_URI: &str = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
const FULL_URI: &str = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
const TOKEN: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
const TOKEN_FILE: &str = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/// The ECS agent's credentials host, where `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` points.
const ECS_HOST: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 2);
/// The EKS Pod Identity agent's hosts.
const EKS_HOST_V4: Ipv4Addr = Ipv4Addr::new(169, 254, 170, 23);
const EKS_HOST_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x23);

/// The endpoint is a local agent: it answers in milliseconds or not at all.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts per fetch: connection failures, 5xx and 429 are tried again, quickly.
const ATTEMPTS: u32 = 3;
const BACKOFF: Duration = Duration::from_millis(50);
/// The largest token file read (EKS tokens are about 1 KiB).
const MAX_TOKEN_FILE: u64 = 16 * 1024;

/// Credentials from the container credentials endpoint (ECS task roles, EKS Pod Identity).
///
/// - `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` (ECS): `http://169.254.170.2` and that path.
/// - Else `AWS_CONTAINER_CREDENTIALS_FULL_URI`: any `https` URL, or an `http` URL to a loopback
///   address (`127.0.0.0/8`, `::1`, `localhost`), the ECS host `169.254.170.2` or the EKS Pod
///   Identity hosts `169.254.170.23` and `fd00:ec2::23`; any other `http` host is refused, as
///   the AWS SDKs do (credentials must not cross a network in clear text).
/// - The `Authorization` header: the contents of `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`
///   (read on every fetch, since EKS rotates it), else `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// Neither URI set: not configured (the default chain goes on). An attempt gives up after 2
/// seconds connecting or 5 seconds in all; connection errors, 5xx and 429 answers are tried
/// again, 3 attempts in all, quickly (50 and 100 ms apart). Every failure of a configured
/// endpoint is an error: the chain stops there rather than use another identity.
#[derive(Clone)]
pub struct ContainerCredentials {
    env: Env,
    http: SourceHttp,
}

impl ContainerCredentials {
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
            http: SourceHttp::new(CONNECT_TIMEOUT, TIMEOUT),
        }
    }

    async fn load(&self) -> provider::Result {
        let uri = endpoint(&*self.env)?;
        let authorization = authorization(&*self.env)?;
        let target = target_of(&uri);
        let mut attempt = 1;
        let response = loop {
            let mut request = http::Request::get(uri.clone()).header("accept", "application/json");
            if let Some(token) = &authorization {
                request = request.header("authorization", token.clone());
            }
            let request = request
                .body(Vec::new())
                .map_err(|_| misconfigured("the container credentials URI cannot be requested"))?;
            let again = attempt < ATTEMPTS;
            match self.http.exchange(request).await {
                Ok(response) if again && retryable(response.status()) => {}
                Ok(response) => break response,
                Err(e)
                    if again
                        && matches!(e.stage, Stage::NotConnected | Stage::ConnectionFailed) => {}
                Err(e) => {
                    return Err(failed(format!(
                        "fetching from the container credentials endpoint failed{}: {}",
                        after(attempt),
                        e.message
                    )))
                }
            }
            tokio::time::sleep(BACKOFF * attempt).await;
            attempt += 1;
        };
        let status = response.status();
        if !status.is_success() {
            return Err(failed(format!(
                "the container credentials endpoint at {target} answered {}{}{}",
                status.as_u16(),
                after(attempt),
                error_detail(response.body())
            )));
        }
        parse_answer(response.body(), "ContainerCredentials", SystemTime::now()).map_err(|why| {
            failed(format!(
                "the container credentials endpoint at {target} gave an unusable answer: {why}"
            ))
        })
    }
}

fn retryable(status: http::StatusCode) -> bool {
    status.is_server_error() || status == http::StatusCode::TOO_MANY_REQUESTS
}

fn after(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

impl Default for ContainerCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ContainerCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerCredentials")
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for ContainerCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}

/// A variable's value, unless unset or blank.
fn var(env: &dyn Fn(&str) -> Option<String>, key: &str) -> Option<String> {
    env(key).filter(|value| !value.trim().is_empty())
}

/// The URL to fetch, from the environment. Messages never quote the URI (its path can be the
/// only secret an ECS task has); they name the variable and the rule.
pub(crate) fn endpoint(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<http::Uri, provider::error::CredentialsError> {
    if let Some(relative) = var(env, RELATIVE_URI) {
        let relative = relative.trim();
        if !relative.starts_with('/') {
            return Err(misconfigured(format!(
                "{RELATIVE_URI} must be a path that starts with `/`"
            )));
        }
        return format!("http://{ECS_HOST}{relative}")
            .parse::<http::Uri>()
            .map_err(|_| misconfigured(format!("{RELATIVE_URI} is not a valid URI path")));
    }
    let Some(full) = var(env, FULL_URI) else {
        return Err(not_configured(format!(
            "{RELATIVE_URI} and {FULL_URI} are not set"
        )));
    };
    let uri = full
        .trim()
        .parse::<http::Uri>()
        .ok()
        .filter(|uri| uri.host().is_some_and(|host| !host.is_empty()))
        .ok_or_else(|| misconfigured(format!("{FULL_URI} is not an absolute http or https URL")))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") => {
            let host = uri.host().unwrap_or_default();
            if allowed_http_host(host) {
                Ok(uri)
            } else {
                Err(misconfigured(format!(
                    "{FULL_URI} uses plain http to {host}: http is allowed only to a loopback \
                     address (127.0.0.0/8, ::1, localhost), the ECS host 169.254.170.2 or the EKS \
                     Pod Identity hosts 169.254.170.23 and fd00:ec2::23; use https for any other host"
                )))
            }
        }
        _ => Err(misconfigured(format!(
            "{FULL_URI} is not an absolute http or https URL"
        ))),
    }
}

/// Whether credentials may be fetched from `host` over plain http (see
/// [`ContainerCredentials`]). `host` is as [`http::Uri::host`] gives it (IPv6 in brackets).
pub(crate) fn allowed_http_host(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let v4_allowed = |ip: Ipv4Addr| ip.is_loopback() || ip == ECS_HOST || ip == EKS_HOST_V4;
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => v4_allowed(ip),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip == EKS_HOST_V6 || ip.to_ipv4_mapped().is_some_and(v4_allowed)
        }
        Err(_) => false,
    }
}

/// The `Authorization` header value: the token file's contents (trimmed), else the token
/// variable's value. Read on every fetch.
fn authorization(
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<http::HeaderValue>, provider::error::CredentialsError> {
    let (token, origin) = if let Some(path) = var(env, TOKEN_FILE) {
        let path = path.trim().to_owned();
        (
            read_token_file(&path)?,
            format!("the file {TOKEN_FILE} names ({path})"),
        )
    } else if let Some(token) = var(env, TOKEN) {
        (token, TOKEN.to_owned())
    } else {
        return Ok(None);
    };
    if token.contains(['\r', '\n']) {
        return Err(misconfigured(format!(
            "the authorization token in {origin} contains a line break (CR or LF), which a \
             header cannot carry"
        )));
    }
    let mut value = http::HeaderValue::from_str(&token).map_err(|_| {
        misconfigured(format!(
            "the authorization token in {origin} contains characters a header cannot carry"
        ))
    })?;
    value.set_sensitive(true);
    Ok(Some(value))
}

fn read_token_file(path: &str) -> Result<String, provider::error::CredentialsError> {
    use std::io::Read;
    let cannot = |e: std::io::Error| misconfigured(format!("cannot read {TOKEN_FILE} {path}: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(misconfigured(format!(
            "{TOKEN_FILE} {path} is larger than {MAX_TOKEN_FILE} bytes"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| misconfigured(format!("{TOKEN_FILE} {path} is not UTF-8 text")))?;
    // A final newline (`echo token > file`) is not part of the token.
    let token = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if token.is_empty() {
        return Err(misconfigured(format!("{TOKEN_FILE} {path} is empty")));
    }
    Ok(token.to_owned())
}

/// What an error answer says: ` (Code: Message)` from a JSON body, else an excerpt of it.
pub(crate) fn error_detail(body: &[u8]) -> String {
    let object = serde_json::from_slice::<Value>(body).ok();
    let field = |names: &[&str]| {
        let object = object.as_ref()?.as_object()?;
        names
            .iter()
            .find_map(|name| object.get(*name)?.as_str())
            .map(|text| excerpt(text.as_bytes()))
    };
    match (field(&["Code", "code"]), field(&["Message", "message"])) {
        (Some(code), Some(message)) => format!(": {code}: {message}"),
        (Some(code), None) => format!(": {code}"),
        (None, Some(message)) => format!(": {message}"),
        (None, None) if body.is_empty() => String::new(),
        (None, None) => format!(": {}", excerpt(body)),
    }
}

/// The JSON object of a credentials answer. The error says what is wrong without quoting the
/// answer (which may hold secrets even when it is malformed).
pub(crate) fn answer_object(body: &[u8]) -> Result<Map<String, Value>, String> {
    let start = body.iter().find(|b| !b.is_ascii_whitespace());
    match start {
        None => return Err("the answer is empty".to_owned()),
        Some(b'<') => return Err("the answer is HTML or XML, not JSON".to_owned()),
        Some(_) => {}
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("the answer is JSON but not an object".to_owned()),
        Err(e) if e.is_eof() => Err(format!(
            "the answer is cut short (its JSON ends at line {} column {})",
            e.line(),
            e.column()
        )),
        Err(e) => Err(format!(
            "the answer is not valid JSON (at line {} column {})",
            e.line(),
            e.column()
        )),
    }
}

/// Temporary credentials from an answer of the container endpoint or instance metadata:
/// `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration` (RFC 3339), and `AccountId` when
/// present. Credentials that expired before `now` are refused.
pub(crate) fn parse_answer(
    body: &[u8],
    provider_name: &'static str,
    now: SystemTime,
) -> Result<Credentials, String> {
    credentials_from(&answer_object(body)?, provider_name, now)
}

/// As [`parse_answer`], from the answer's object.
pub(crate) fn credentials_from(
    object: &Map<String, Value>,
    provider_name: &'static str,
    now: SystemTime,
) -> Result<Credentials, String> {
    let text = |name: &str| -> Result<&str, String> {
        match object.get(name) {
            Some(Value::String(value)) if !value.trim().is_empty() => Ok(value.as_str()),
            Some(Value::String(_)) => Err(format!("the answer's `{name}` is empty")),
            Some(_) => Err(format!("the answer's `{name}` is not a string")),
            None => Err(format!("the answer has no `{name}`")),
        }
    };
    let access_key_id = text("AccessKeyId")?;
    let secret_access_key = text("SecretAccessKey")?;
    let token = text("Token")?;
    let expiry = super::parse_expiry(text("Expiration")?)
        .ok_or("the answer's `Expiration` is not an RFC 3339 time")?;
    if expiry <= now {
        return Err(format!(
            "the credentials it gave expired at {}",
            crate::primitives::DateTime::from(expiry)
        ));
    }
    let mut builder = Credentials::builder()
        .access_key_id(access_key_id)
        .secret_access_key(secret_access_key)
        .session_token(token)
        .expiry(expiry)
        .provider_name(provider_name);
    if let Some(Value::String(account)) = object.get("AccountId") {
        if !account.trim().is_empty() {
            builder = builder.account_id(account.trim());
        }
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |key| map.get(key).cloned()
    }

    fn message(error: provider::error::CredentialsError) -> String {
        super::super::describe(&error)
    }

    #[test]
    fn the_relative_uri_is_a_path_on_the_ecs_host() {
        let uri = endpoint(&env(&[(RELATIVE_URI, "/v2/credentials/abc-123?x=1")])).unwrap();
        assert_eq!(
            uri.to_string(),
            "http://169.254.170.2/v2/credentials/abc-123?x=1"
        );
        // It wins over the full URI.
        let uri = endpoint(&env(&[
            (RELATIVE_URI, "/creds"),
            (FULL_URI, "https://example.com/creds"),
        ]))
        .unwrap();
        assert_eq!(uri.to_string(), "http://169.254.170.2/creds");
        let error = endpoint(&env(&[(RELATIVE_URI, "v2/secret-path")])).unwrap_err();
        let text = message(error);
        assert!(
            text.contains("must be a path that starts with `/`"),
            "{text}"
        );
        assert!(!text.contains("secret-path"), "{text}");
    }

    #[test]
    fn neither_uri_is_not_configured() {
        let error = endpoint(&env(&[(RELATIVE_URI, " "), (FULL_URI, "")])).unwrap_err();
        assert!(super::super::error::is_not_configured(&error));
        assert_eq!(
            message(error),
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set"
        );
    }

    #[test]
    fn full_uri_hosts() {
        for allowed in [
            "https://example.com/creds",
            "https://10.0.0.1:8443/creds",
            "http://127.0.0.1:8080/creds",
            "http://127.9.8.7/creds",
            "http://[::1]:80/creds",
            "http://localhost/creds",
            "http://LOCALHOST:9/creds",
            "http://169.254.170.2/v1/credentials",
            "http://169.254.170.23/v1/credentials",
            "http://[fd00:ec2::23]/v1/credentials",
            "http://[::ffff:127.0.0.1]/creds",
        ] {
            let uri = endpoint(&env(&[(FULL_URI, allowed)]));
            assert!(uri.is_ok(), "{allowed}: {:?}", uri.map_err(message));
        }
        for forbidden in [
            "http://example.com/creds",
            "http://10.0.0.1/creds",
            "http://169.254.169.254/creds",
            "http://169.254.170.3/creds",
            "http://[fd00:ec2::254]/creds",
            "http://localhost.example.com/creds",
            "http://127.0.0.1.nip.io/creds",
        ] {
            let error = endpoint(&env(&[(FULL_URI, forbidden)])).unwrap_err();
            assert!(
                matches!(
                    error,
                    provider::error::CredentialsError::InvalidConfiguration(_)
                ),
                "{forbidden}"
            );
            let text = message(error);
            assert!(
                text.contains("http is allowed only to a loopback address"),
                "{text}"
            );
        }
        for malformed in [
            "ftp://127.0.0.1/creds",
            "/just/a/path",
            "not a uri",
            "http:///x",
        ] {
            let text = message(endpoint(&env(&[(FULL_URI, malformed)])).unwrap_err());
            assert!(
                text.contains("is not an absolute http or https URL"),
                "{malformed}: {text}"
            );
        }
    }

    #[test]
    fn tokens_with_line_breaks_are_refused() {
        for token in ["abc\r\nX-Injected: 1", "abc\n", "\rabc"] {
            let text = message(authorization(&env(&[(TOKEN, token)])).unwrap_err());
            assert!(text.contains("contains a line break"), "{text}");
            assert!(!text.contains("abc"), "{text}");
        }
        let value = authorization(&env(&[(TOKEN, "Bearer abc")]))
            .unwrap()
            .unwrap();
        assert!(value.is_sensitive());
        assert_eq!(value, "Bearer abc");
        assert!(authorization(&env(&[])).unwrap().is_none());
    }

    #[test]
    fn answers_are_checked_without_quoting_them() {
        let now = SystemTime::now();
        let good = br#"{"AccessKeyId":"AKID","SecretAccessKey":"SECRET","Token":"TOKEN",
            "Expiration":"2999-01-01T00:00:00Z","AccountId":"123456789012"}"#;
        let credentials = parse_answer(good, "test", now).unwrap();
        assert_eq!(credentials.access_key_id(), "AKID");
        assert_eq!(credentials.session_token(), Some("TOKEN"));
        assert_eq!(
            credentials.account_id().map(|id| id.as_str()),
            Some("123456789012")
        );
        let cases: [(&[u8], &str); 8] = [
            (b"", "is empty"),
            (b"<html><body>SECRET</body></html>", "HTML"),
            (br#"{"AccessKeyId":"AKID","SecretAccessKey":"SECRET"#, "cut short"),
            (br#"{"AccessKeyId":"AKID",,"SecretAccessKey":"SECRET"}"#, "not valid JSON"),
            (br#"["SECRET"]"#, "not an object"),
            (br#"{"AccessKeyId":"AKID","Token":"SECRET"}"#, "no `SecretAccessKey`"),
            (
                br#"{"AccessKeyId":"AKID","SecretAccessKey":"SECRET","Token":"T","Expiration":"SECRET"}"#,
                "`Expiration` is not an RFC 3339 time",
            ),
            (
                br#"{"AccessKeyId":"AKID","SecretAccessKey":"SECRET","Token":"T","Expiration":"2001-01-01T00:00:00Z"}"#,
                "expired at 2001-01-01T00:00:00Z",
            ),
        ];
        for (body, expected) in cases {
            let why = parse_answer(body, "test", now).unwrap_err();
            assert!(why.contains(expected), "{why}");
            assert!(!why.contains("SECRET"), "{why}");
        }
    }

    #[test]
    fn error_answers_are_summarised() {
        assert_eq!(
            error_detail(br#"{"Code":"AccessDenied","Message":"no role"}"#),
            ": AccessDenied: no role"
        );
        assert_eq!(error_detail(b"<html>\n<b>oops</b>"), ": <html> <b>oops</b>");
        assert_eq!(error_detail(b""), "");
    }
}
