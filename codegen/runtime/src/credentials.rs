//! AWS credentials and where to find them.
//!
//! Supported sources, in the order [`DefaultCredentialsChain`] tries them:
//!
//! 1. the environment: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optionally
//!    `AWS_SESSION_TOKEN` ([`EnvironmentCredentials`]);
//! 2. static keys in the selected profile of the shared files: `aws_access_key_id`,
//!    `aws_secret_access_key` and optionally `aws_session_token` ([`ProfileCredentials`]; see
//!    the shared-files reader (`profile` module) for which files and which profile).
//!
//! **Not supported**: IAM Identity Center / SSO (`sso_*`), assume-role (`role_arn` with
//! `source_profile` or `credential_source`), web identity (`web_identity_token_file`),
//! `credential_process`, the EC2 instance metadata service (IMDS) and container credentials.
//! A profile that uses one of these is an error naming it, not silently skipped; to use such a
//! profile, export temporary keys into the environment first, e.g.
//! `eval "$(aws configure export-credentials --profile NAME --format env)"`.
//!
//! Credentials are not cached: every call reads the environment (and the files, for a profile).

use crate::profile::{self, Profile};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// An access key pair, with a session token for temporary credentials.
///
/// `Debug` shows the access key id only; the secret and the token are redacted.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Credentials from their parts.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            session_token,
        }
    }

    /// The access key id, e.g. `AKIDEXAMPLE`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key.
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token of temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Redacted;
        impl fmt::Debug for Redacted {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(REDACTED)
            }
        }
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &Redacted)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| Redacted),
            )
            .finish()
    }
}

/// No usable credentials: says what was missing and where it looked. Never contains a secret.
#[derive(Debug, Clone)]
pub struct CredentialsError {
    message: String,
}

impl CredentialsError {
    /// An error with this message (for custom providers). It must not contain secrets.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CredentialsError {}

/// The future [`ProvideCredentials::provide_credentials`] returns.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, CredentialsError>> + Send + 'a>>;

/// A source of credentials.
pub trait ProvideCredentials: Send + Sync + fmt::Debug {
    /// Credentials for the next request.
    fn provide_credentials(&self) -> CredentialsFuture<'_>;
}

/// Fixed credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(std::future::ready(Ok(self.clone())))
    }
}

/// An environment lookup shared by the providers.
type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

fn process_env() -> Env {
    Arc::new(|key| std::env::var(key).ok())
}

/// Why a single source gave no credentials: a sentence fragment for composing messages.
enum Miss {
    /// The source is not configured at all; the next source may be tried.
    NotConfigured(String),
    /// The source is configured but unusable (partial keys, unreadable files, an unsupported
    /// profile kind); the chain stops here.
    Unusable(String),
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`.
///
/// Empty variables count as unset. Setting only one of the key pair is an error.
#[derive(Clone)]
pub struct EnvironmentCredentials {
    env: Env,
}

impl EnvironmentCredentials {
    /// Reads the process environment.
    pub fn new() -> Self {
        Self { env: process_env() }
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { env: Arc::new(env) }
    }

    fn load(&self) -> Result<Credentials, Miss> {
        from_environment(&*self.env)
    }
}

impl Default for EnvironmentCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for EnvironmentCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentCredentials")
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load().map_err(|miss| match miss {
            Miss::NotConfigured(why) => CredentialsError::new(format!("no AWS credentials: {why}")),
            Miss::Unusable(why) => CredentialsError::new(format!("invalid AWS credentials: {why}")),
        });
        Box::pin(std::future::ready(result))
    }
}

/// Credentials from the static keys of the selected profile (`aws_access_key_id`,
/// `aws_secret_access_key`, `aws_session_token`); see the shared-files reader (`profile` module).
///
/// A profile that uses an unsupported source (`role_arn`, `sso_*`, `credential_process`,
/// `web_identity_token_file`) is an error naming it, even when it also has static keys.
#[derive(Clone)]
pub struct ProfileCredentials {
    env: Env,
}

impl ProfileCredentials {
    /// Reads the process environment to find the files and the profile.
    pub fn new() -> Self {
        Self { env: process_env() }
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self { env: Arc::new(env) }
    }

    fn load(&self) -> Result<Credentials, Miss> {
        from_profile(&*self.env)
    }
}

impl Default for ProfileCredentials {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for ProfileCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileCredentials").finish_non_exhaustive()
    }
}

impl ProvideCredentials for ProfileCredentials {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        let result = self.load().map_err(|miss| match miss {
            Miss::NotConfigured(why) => CredentialsError::new(format!("no AWS credentials: {why}")),
            Miss::Unusable(why) => CredentialsError::new(format!("unusable AWS profile: {why}")),
        });
        Box::pin(std::future::ready(result))
    }
}

/// The environment ([`EnvironmentCredentials`]), then the selected profile
/// ([`ProfileCredentials`]).
///
/// The environment wins when it has keys; the profile is only read when it has none. See the
/// [module docs](self) for the sources that are not supported.
#[derive(Clone, Default)]
pub struct DefaultCredentialsChain {
    environment: EnvironmentCredentials,
    profile: ProfileCredentials,
}

impl DefaultCredentialsChain {
    /// Reads the process environment (and the files it names).
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads variables through `env` instead of the process environment (for tests).
    pub fn with_env(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let env: Env = Arc::new(env);
        Self {
            environment: EnvironmentCredentials { env: env.clone() },
            profile: ProfileCredentials { env },
        }
    }

    fn load(&self) -> Result<Credentials, CredentialsError> {
        let from_env = match self.environment.load() {
            Ok(credentials) => return Ok(credentials),
            Err(Miss::Unusable(why)) => {
                return Err(CredentialsError::new(format!(
                    "invalid AWS credentials: {why}"
                )))
            }
            Err(Miss::NotConfigured(why)) => why,
        };
        match self.profile.load() {
            Ok(credentials) => Ok(credentials),
            Err(Miss::NotConfigured(why)) => Err(CredentialsError::new(format!(
                "no AWS credentials: {from_env} and {why}"
            ))),
            Err(Miss::Unusable(why)) => Err(CredentialsError::new(format!(
                "no usable AWS credentials: {from_env}, and {why}"
            ))),
        }
    }
}

impl fmt::Debug for DefaultCredentialsChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("environment", &self.environment)
            .field("profile", &self.profile)
            .finish()
    }
}

impl ProvideCredentials for DefaultCredentialsChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(std::future::ready(self.load()))
    }
}

/// The region: `AWS_REGION`, else `AWS_DEFAULT_REGION`, else the selected profile's `region`.
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

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

fn from_environment(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, Miss> {
    let access_key_id = non_empty(env("AWS_ACCESS_KEY_ID"));
    let secret_access_key = non_empty(env("AWS_SECRET_ACCESS_KEY"));
    match (access_key_id, secret_access_key) {
        (Some(id), Some(secret)) => Ok(Credentials::new(
            id,
            secret,
            non_empty(env("AWS_SESSION_TOKEN")),
        )),
        (None, None) => Err(Miss::NotConfigured(
            "AWS_ACCESS_KEY_ID is not set".to_owned(),
        )),
        (Some(_), None) => Err(Miss::Unusable(
            "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_owned(),
        )),
        (None, Some(_)) => Err(Miss::Unusable(
            "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_owned(),
        )),
    }
}

/// The credential sources this module does not implement that `profile` selects, each with the
/// keys that select it, e.g. ``SSO (IAM Identity Center) (`sso_account_id`, `sso_session`)``.
fn unsupported_sources(profile: &Profile) -> Vec<String> {
    let mut found: Vec<(&str, Vec<&str>)> = Vec::new();
    for key in profile.keys() {
        let source = match key {
            "role_arn" => "assume-role",
            "web_identity_token_file" => "web identity",
            "credential_process" => "credential_process",
            _ if key.starts_with("sso_") => "SSO (IAM Identity Center)",
            _ => continue,
        };
        match found.iter_mut().find(|(known, _)| *known == source) {
            Some((_, keys)) => keys.push(key),
            None => found.push((source, vec![key])),
        }
    }
    found
        .into_iter()
        .map(|(source, keys)| {
            let keys: Vec<String> = keys.iter().map(|key| format!("`{key}`")).collect();
            format!("{source} ({})", keys.join(", "))
        })
        .collect()
}

fn from_profile(env: &dyn Fn(&str) -> Option<String>) -> Result<Credentials, Miss> {
    let profile = match Profile::load(env) {
        Ok(Some(profile)) => profile,
        Ok(None) => {
            let name = profile::profile_name(env);
            let files = match (profile::config_file(env), profile::credentials_file(env)) {
                (Some(a), Some(b)) => format!("{} or {}", a.display(), b.display()),
                (Some(a), None) | (None, Some(a)) => a.display().to_string(),
                (None, None) => "any shared file (HOME is not set)".to_owned(),
            };
            return Err(Miss::NotConfigured(format!(
                "no profile `{name}` is defined in {files}"
            )));
        }
        Err(e) => return Err(Miss::Unusable(e.to_string())),
    };

    let name = profile.name();
    let files = profile
        .sources()
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(" and ");
    let unsupported = unsupported_sources(&profile);
    if !unsupported.is_empty() {
        return Err(Miss::Unusable(format!(
            "profile `{name}` in {files} uses {}, which this client does not support (it \
             supports only static keys: aws_access_key_id/aws_secret_access_key in the profile \
             or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment; to use this \
             profile, export temporary keys with \
             `aws configure export-credentials --profile {name} --format env`)",
            unsupported.join(" and ")
        )));
    }

    let get = |key: &str| non_empty(profile.get(key).map(str::to_owned));
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Credentials::new(id, secret, get("aws_session_token"))),
        (None, None) => Err(Miss::NotConfigured(format!(
            "profile `{name}` in {files} has no aws_access_key_id"
        ))),
        (Some(_), None) => Err(Miss::Unusable(format!(
            "profile `{name}` in {files} has aws_access_key_id but no aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(Miss::Unusable(format!(
            "profile `{name}` in {files} has aws_secret_access_key but no aws_access_key_id"
        ))),
    }
}
