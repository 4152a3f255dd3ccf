//! IAM Identity Center (SSO): the token `aws sso login` cached, exchanged for role credentials
//! with the portal's `GetRoleCredentials`.
//!
//! A profile names its account and role (`sso_account_id`, `sso_role_name`) and either an
//! `[sso-session NAME]` section (`sso_session = NAME`; the section gives `sso_start_url` and
//! `sso_region`) or, in the legacy form, `sso_start_url` and `sso_region` itself. The token is
//! read from `~/.aws/sso/cache/<SHA-1 of the session name, or of the start URL>.json`, where
//! `aws sso login` writes it; this source never logs in, and never refreshes the token (when it
//! is missing or expired, the error says which `aws sso login` to run).
//!
//! The portal is `https://portal.sso.<sso_region>.amazonaws.com`, unless
//! `AWS_ENDPOINT_URL_SSO`, `AWS_ENDPOINT_URL` or the selected profile's `endpoint_url` point
//! elsewhere (all three ignored when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`, or the profile's
//! `ignore_configured_endpoint_urls`, is `true`).
//!
//! Messages never hold the token, the keys or the contents of the cache file.

use super::error::{failed, misconfigured};
use super::http::{excerpt, target_of, SourceHttp};
use super::{non_empty, Env};
use crate::profile::{Profile, ProfileSet};
use aws_credential_types::provider::{self, error::CredentialsError};
use aws_credential_types::Credentials;
use serde_json::Value;
use std::fmt;
use std::io::Read;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How long connecting to the portal may take.
const CONNECT_TIMEOUT: Duration = crate::config::DEFAULT_CONNECT_TIMEOUT;
/// How long the whole `GetRoleCredentials` exchange may take.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest token cache file read: real ones are a few KiB.
const MAX_CACHE_FILE_BYTES: u64 = 1024 * 1024;

/// Credentials for the profile's SSO account and role.
pub(crate) async fn load(env: &Env, set: &ProfileSet, profile: &Profile) -> provider::Result {
    let settings = Settings::resolve(set, profile)?;
    let token = read_token(&**env, &settings, SystemTime::now())?;
    let endpoint = endpoint(&**env, set, &settings)?;
    get_role_credentials(&endpoint, &settings, &token).await
}

/// What an SSO profile says, checked.
#[derive(Debug)]
struct Settings {
    profile: String,
    /// The `sso_session` name; `None` for a legacy profile.
    session: Option<String>,
    start_url: String,
    region: String,
    account_id: String,
    role_name: String,
}

impl Settings {
    fn resolve(set: &ProfileSet, profile: &Profile) -> Result<Settings, CredentialsError> {
        let get = |from: &Profile, key: &str| non_empty(from.get(key).map(str::to_owned));
        let name = profile.name();
        let mut problems = Vec::new();
        let session = get(profile, "sso_session");
        let (start_url, region) = match &session {
            Some(session_name) => {
                let Some(section) = set.sso_session(session_name) else {
                    return Err(misconfigured(format!(
                        "profile `{name}` has `sso_session = {session_name}`, but no \
                         [sso-session {session_name}] section is defined in {}",
                        set.files()
                    )));
                };
                for key in ["sso_start_url", "sso_region"] {
                    if let (Some(own), Some(shared)) = (get(profile, key), get(section, key)) {
                        if own != shared {
                            return Err(misconfigured(format!(
                                "profile `{name}` and [sso-session {session_name}] give \
                                 different `{key}` values; keep the session's"
                            )));
                        }
                    }
                }
                let missing = missing(section, &["sso_start_url", "sso_region"]);
                if !missing.is_empty() {
                    problems.push(format!("[sso-session {session_name}] is missing {missing}"));
                }
                (get(section, "sso_start_url"), get(section, "sso_region"))
            }
            None => (get(profile, "sso_start_url"), get(profile, "sso_region")),
        };
        let keys: &[&str] = match session {
            Some(_) => &["sso_account_id", "sso_role_name"],
            None => &[
                "sso_start_url",
                "sso_region",
                "sso_account_id",
                "sso_role_name",
            ],
        };
        let missing = missing(profile, keys);
        if !missing.is_empty() {
            problems.insert(0, format!("profile `{name}` (SSO) is missing {missing}"));
        }
        let (Some(start_url), Some(region), Some(account_id), Some(role_name), true) = (
            start_url,
            region,
            get(profile, "sso_account_id"),
            get(profile, "sso_role_name"),
            problems.is_empty(),
        ) else {
            return Err(misconfigured(problems.join("; ")));
        };
        Ok(Settings {
            profile: name.to_owned(),
            session,
            start_url,
            region,
            account_id,
            role_name,
        })
    }

    /// What the token cache file's name is the SHA-1 of.
    fn cache_key(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.start_url)
    }

    /// "profile `p`" or "profile `p` (sso-session `s`)", for messages.
    fn who(&self) -> String {
        match &self.session {
            Some(session) => format!("profile `{}` (sso-session `{session}`)", self.profile),
            None => format!("profile `{}`", self.profile),
        }
    }

    /// The command that logs in again.
    fn login(&self) -> String {
        match &self.session {
            Some(session) => format!("run `aws sso login --sso-session {session}`"),
            None => format!("run `aws sso login --profile {}`", self.profile),
        }
    }
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`" for the keys `profile` lacks; empty if none.
fn missing(profile: &Profile, keys: &[&str]) -> String {
    let absent: Vec<String> = keys
        .iter()
        .filter(|key| non_empty(profile.get(key).map(str::to_owned)).is_none())
        .map(|key| format!("`{key}`"))
        .collect();
    match absent.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The SSO access token; `Debug` never shows it.
struct Token(String);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(** redacted **)")
    }
}

/// `~/.aws/sso/cache/<sha1-hex of the key>.json`.
fn cache_file(env: &dyn Fn(&str) -> Option<String>, key: &str) -> Option<PathBuf> {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, key.as_bytes());
    let hex: String = digest
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let home = crate::profile::home(env)?;
    Some(
        home.join(".aws")
            .join("sso")
            .join("cache")
            .join(format!("{hex}.json")),
    )
}

/// The token `aws sso login` cached for these settings, if it is still valid at `now`.
fn read_token(
    env: &dyn Fn(&str) -> Option<String>,
    settings: &Settings,
    now: SystemTime,
) -> Result<Token, CredentialsError> {
    let who = settings.who();
    let login = settings.login();
    let Some(path) = cache_file(env, settings.cache_key()) else {
        return Err(misconfigured(format!(
            "{who}: cannot find the SSO token cache (~/.aws/sso/cache): HOME and USERPROFILE \
             are not set"
        )));
    };
    let shown = path.display();
    let mut bytes = Vec::new();
    let read = std::fs::File::open(&path)
        .and_then(|file| file.take(MAX_CACHE_FILE_BYTES + 1).read_to_end(&mut bytes));
    match read {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(failed(format!(
                "{who}: no SSO token is cached ({shown} does not exist; not logged in?): {login}"
            )))
        }
        Err(e) => {
            return Err(failed(format!(
                "{who}: could not read the SSO token cache {shown}: {e}; {login}"
            )))
        }
    }
    let invalid = |why: &str| {
        failed(format!(
            "{who}: the SSO token cache {shown} is not valid ({why}): {login}"
        ))
    };
    if bytes.len() as u64 > MAX_CACHE_FILE_BYTES {
        return Err(invalid("larger than 1 MiB"));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(|_| invalid("not JSON"))?;
    let text = |key: &str| {
        value
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    };
    let token = text("accessToken").ok_or_else(|| invalid("no `accessToken`"))?;
    let expires_at = text("expiresAt").ok_or_else(|| invalid("no `expiresAt`"))?;
    // Older AWS CLIs wrote `2019-11-14T04:05:45UTC`.
    let expires_at = match expires_at.strip_suffix("UTC") {
        Some(time) => super::parse_expiry(&format!("{time}Z")),
        None => super::parse_expiry(expires_at),
    }
    .ok_or_else(|| invalid("`expiresAt` is not an RFC 3339 time"))?;
    if expires_at <= now {
        return Err(failed(format!(
            "{who}: the cached SSO token has expired: {login}"
        )));
    }
    Ok(Token(token.to_owned()))
}

/// The portal's base URL: a configured endpoint, else the regional one.
fn endpoint(
    env: &dyn Fn(&str) -> Option<String>,
    set: &ProfileSet,
    settings: &Settings,
) -> Result<String, CredentialsError> {
    let selected = set.selected().ok().flatten();
    let setting = |key: &str| {
        selected
            .as_ref()
            .and_then(|profile| non_empty(profile.get(key).map(str::to_owned)))
    };
    let ignore = non_empty(env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
        .or_else(|| setting("ignore_configured_endpoint_urls"))
        .is_some_and(|value| value.eq_ignore_ascii_case("true"));
    if !ignore {
        let configured = non_empty(env("AWS_ENDPOINT_URL_SSO"))
            .map(|url| (url, "AWS_ENDPOINT_URL_SSO".to_owned()))
            .or_else(|| {
                non_empty(env("AWS_ENDPOINT_URL")).map(|url| (url, "AWS_ENDPOINT_URL".to_owned()))
            })
            .or_else(|| {
                let profile = selected.as_ref()?.name().to_owned();
                setting("endpoint_url")
                    .map(|url| (url, format!("`endpoint_url` of profile `{profile}`")))
            });
        if let Some((url, from)) = configured {
            return match url.parse::<http::Uri>() {
                Ok(uri) if uri.host().is_some() && uri.query().is_none() => {
                    Ok(url.trim_end_matches('/').to_owned())
                }
                _ => Err(misconfigured(format!(
                    "the SSO endpoint from {from} is not an absolute URL without a query"
                ))),
            };
        }
    }
    let region = &settings.region;
    let valid = region
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if !valid {
        return Err(misconfigured(format!(
            "{}: `sso_region` is not a region name (letters, digits and `-`)",
            settings.who()
        )));
    }
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    Ok(format!("https://portal.sso.{region}.{suffix}"))
}

/// A query value, percent-encoded (everything but RFC 3986's unreserved characters).
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `GetRoleCredentials`: `GET /federation/credentials?role_name=..&account_id=..`, with the
/// token in `x-amz-sso_bearer_token` (not signed).
async fn get_role_credentials(
    endpoint: &str,
    settings: &Settings,
    token: &Token,
) -> provider::Result {
    let who = settings.who();
    let url = format!(
        "{endpoint}/federation/credentials?role_name={}&account_id={}",
        encode(&settings.role_name),
        encode(&settings.account_id)
    );
    let mut header = http::HeaderValue::from_str(&token.0).map_err(|_| {
        failed(format!(
            "{who}: the cached SSO token is not a valid header value: {}",
            settings.login()
        ))
    })?;
    header.set_sensitive(true);
    let request = http::Request::get(&url)
        .header("x-amz-sso_bearer_token", header)
        .header("accept", "application/json")
        .body(Vec::new())
        .map_err(|_| misconfigured(format!("{who}: the SSO endpoint URL is not valid")))?;
    let target = target_of(request.uri());
    let http = SourceHttp::new(CONNECT_TIMEOUT, TIMEOUT);
    let response = http.send(request).await.map_err(|e| {
        failed(format!(
            "{who}: GetRoleCredentials at the SSO portal {target} failed: {e}"
        ))
    })?;
    let status = response.status();
    if !status.is_success() {
        return Err(error_answer(settings, &target, &response));
    }
    role_credentials(response.body(), settings, SystemTime::now()).map_err(|why| {
        failed(format!(
            "{who}: the answer of the SSO portal {target} to GetRoleCredentials is not valid: \
             {why}"
        ))
    })
}

/// The error for an error answer of the portal: its status, error type and message.
fn error_answer(
    settings: &Settings,
    target: &str,
    response: &http::Response<Vec<u8>>,
) -> CredentialsError {
    let who = settings.who();
    let status = response.status();
    let body: Option<Value> = serde_json::from_slice(response.body()).ok();
    let field = |key: &str| {
        body.as_ref()
            .and_then(|body| body.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let error_type = response
        .headers()
        .get("x-amzn-errortype")
        .and_then(|value| value.to_str().ok())
        .map(|value| value.split(':').next().unwrap_or(value).trim().to_owned())
        .or_else(|| field("__type").map(|t| t.rsplit('#').next().unwrap_or(&t).to_owned()))
        .filter(|t| !t.is_empty());
    let message = match &body {
        Some(_) => field("message")
            .or_else(|| field("Message"))
            .map(|m| excerpt(m.as_bytes())),
        None => Some(excerpt(response.body())),
    }
    .filter(|m| !m.is_empty());
    let mut answer = status.as_u16().to_string();
    if let Some(error_type) = &error_type {
        answer.push(' ');
        answer.push_str(error_type);
    }
    if let Some(message) = &message {
        answer.push_str(": ");
        answer.push_str(message);
    }
    let error_type = error_type.as_deref().unwrap_or("");
    let login = settings.login();
    if status == http::StatusCode::UNAUTHORIZED
        || matches!(error_type, "UnauthorizedException" | "ForbiddenException")
    {
        return failed(format!(
            "{who}: the SSO session has expired or was revoked (the SSO portal {target} \
             answered {answer}): {login}"
        ));
    }
    if status == http::StatusCode::NOT_FOUND || error_type == "ResourceNotFoundException" {
        return failed(format!(
            "{who}: the SSO portal {target} found no role `{}` in account `{}` for this user \
             (it answered {answer}); check `sso_role_name` and `sso_account_id`",
            settings.role_name, settings.account_id
        ));
    }
    failed(format!(
        "{who}: GetRoleCredentials at the SSO portal {target} failed: it answered {answer}"
    ))
}

/// Reads `{"roleCredentials": {"accessKeyId", "secretAccessKey", "sessionToken",
/// "expiration"}}` (the expiry in milliseconds since 1970). The error names fields, never
/// values.
fn role_credentials(
    body: &[u8],
    settings: &Settings,
    now: SystemTime,
) -> Result<Credentials, String> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        if e.is_eof() {
            "it is cut short (incomplete JSON)".to_owned()
        } else {
            "it is not JSON".to_owned()
        }
    })?;
    let Some(credentials) = value.get("roleCredentials").and_then(Value::as_object) else {
        return Err("it has no `roleCredentials` object".to_owned());
    };
    let text = |key: &str| {
        credentials
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
    };
    let missing: Vec<&str> = ["accessKeyId", "secretAccessKey", "sessionToken"]
        .into_iter()
        .filter(|key| text(key).is_none())
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "`roleCredentials` has no {}",
            missing
                .iter()
                .map(|key| format!("`{key}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let millis = credentials
        .get("expiration")
        .and_then(|value| {
            value.as_u64().or_else(|| {
                value
                    .as_f64()
                    .filter(|f| f.is_finite() && *f >= 0.0)
                    .map(|f| f as u64)
            })
        })
        .ok_or("`roleCredentials` has no `expiration` (milliseconds since 1970)")?;
    let expiry = SystemTime::UNIX_EPOCH
        .checked_add(Duration::from_millis(millis))
        .ok_or("`expiration` is out of range")?;
    if expiry <= now {
        return Err("the credentials it gave have already expired (`expiration`)".to_owned());
    }
    Ok(Credentials::builder()
        .access_key_id(text("accessKeyId").unwrap_or_default())
        .secret_access_key(text("secretAccessKey").unwrap_or_default())
        .session_token(text("sessionToken").unwrap_or_default())
        .expiry(expiry)
        .account_id(settings.account_id.as_str())
        .provider_name("SSO")
        .build())
}
