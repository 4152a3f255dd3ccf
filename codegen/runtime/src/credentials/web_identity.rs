//! Web identity (EKS IRSA and other OIDC federations): a token file, exchanged for role
//! credentials with STS `AssumeRoleWithWebIdentity`.

use super::error::{failed, misconfigured, not_configured};
use super::sts::{self, WebIdentity};
use super::{non_empty, process_env, Env};
use crate::profile::Profile;
use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The largest token file read (real tokens are a few KiB).
const MAX_TOKEN_BYTES: u64 = 64 * 1024;

/// Credentials for `AWS_ROLE_ARN` from the token in `AWS_WEB_IDENTITY_TOKEN_FILE` (optionally
/// with `AWS_ROLE_SESSION_NAME`), through STS `AssumeRoleWithWebIdentity`.
///
/// Not configured (the chain goes on) when `AWS_WEB_IDENTITY_TOKEN_FILE` is unset; an error
/// when it is set without `AWS_ROLE_ARN`. The file is read again on every fetch, since
/// Kubernetes replaces the token before it expires. STS is found as the [module
/// docs](super) say, with the selected profile's `region` and `endpoint_url` where the
/// environment sets none. Neither the token nor the file's contents appear in any error or
/// `Debug` output.
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
        let env = &*self.env;
        let Some(token_file) = non_empty(env("AWS_WEB_IDENTITY_TOKEN_FILE")) else {
            return Err(not_configured("AWS_WEB_IDENTITY_TOKEN_FILE is not set"));
        };
        let Some(role_arn) = non_empty(env("AWS_ROLE_ARN")) else {
            return Err(misconfigured(
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
            ));
        };
        let token = read_token(Path::new(&token_file))?;
        // The selected profile's `region` and `endpoint_url` may place STS; shared files that
        // cannot be read count as having none here (the profile source reports them).
        let profile = Profile::load(env).ok().flatten();
        sts::assume_role_with_web_identity(
            &self.env,
            profile.as_ref(),
            WebIdentity {
                role_arn: &role_arn,
                session_name: non_empty(env("AWS_ROLE_SESSION_NAME")),
                token: &token,
                origin: "AWS_WEB_IDENTITY_TOKEN_FILE",
            },
        )
        .await
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
/// `role_session_name`, else `AWS_ROLE_SESSION_NAME`); `selected` configures STS.
pub(crate) async fn from_profile(
    env: &Env,
    selected: &Profile,
    profile: &Profile,
) -> provider::Result {
    let name = profile.name();
    let get = |key: &str| non_empty(profile.get(key).map(str::to_owned));
    let (Some(role_arn), Some(token_file)) = (get("role_arn"), get("web_identity_token_file"))
    else {
        return Err(misconfigured(format!(
            "profile `{name}` needs both `role_arn` and `web_identity_token_file` for web identity"
        )));
    };
    let token = read_token(Path::new(&token_file))?;
    let origin = format!("the `web_identity_token_file` of profile `{name}`");
    sts::assume_role_with_web_identity(
        env,
        Some(selected),
        WebIdentity {
            role_arn: &role_arn,
            session_name: get("role_session_name")
                .or_else(|| non_empty(env("AWS_ROLE_SESSION_NAME"))),
            token: &token,
            origin: &origin,
        },
    )
    .await
}

/// The token in `path`, trimmed. Errors name the file, never its contents.
fn read_token(path: &Path) -> Result<String, CredentialsError> {
    let shown = path.display();
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_TOKEN_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "it does not exist".to_owned(),
                std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
                // The OS's message, without the error's debug form.
                _ => e.to_string(),
            };
            failed(format!(
                "cannot read the web identity token file {shown}: {why}"
            ))
        })?;
    if bytes.len() as u64 > MAX_TOKEN_BYTES {
        return Err(failed(format!(
            "the web identity token file {shown} is larger than {} KiB; is it the token?",
            MAX_TOKEN_BYTES / 1024
        )));
    }
    let token = String::from_utf8(bytes).map_err(|_| {
        failed(format!(
            "the web identity token file {shown} is not UTF-8 text"
        ))
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(failed(format!(
            "the web identity token file {shown} is empty"
        )));
    }
    Ok(token.to_owned())
}
