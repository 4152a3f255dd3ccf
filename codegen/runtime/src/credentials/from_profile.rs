//! Credentials from the selected profile of the shared files: static keys, `credential_process`,
//! SSO, web identity, and roles assumed on top of any of these (`role_arn` with
//! `source_profile` or `credential_source`), followed from profile to profile.

use super::error::{is_not_configured, misconfigured, not_configured};
use super::{non_empty, process_env, Env};
use crate::profile::{Profile, ProfileSet};
use aws_credential_types::provider::{self, future, ProvideCredentials};
use aws_credential_types::Credentials;
use std::fmt;
use std::sync::Arc;

/// Credentials from the selected profile (`AWS_PROFILE`, else `default`) of the shared files.
///
/// The profile's first source, in this order, gives the base credentials:
/// - `role_arn` with `web_identity_token_file` (STS `AssumeRoleWithWebIdentity`);
/// - `role_arn` with `source_profile` (the named profile's credentials, followed in turn; a
///   source profile with static keys ends the chain) or `credential_source` (`Environment`,
///   `Ec2InstanceMetadata` or `EcsContainer`), then STS `AssumeRole` for each role, with the
///   profile's `external_id`, `role_session_name` and `duration_seconds`;
/// - `sso_session` or `sso_start_url` (IAM Identity Center, through the token `aws sso login`
///   caches);
/// - `credential_process` (a command that prints the credentials as JSON);
/// - static keys: `aws_access_key_id`, `aws_secret_access_key`, `aws_session_token`.
///
/// `mfa_serial` is refused: there is no one to type the code.
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

    pub(crate) fn from_shared(env: Env) -> Self {
        Self { env }
    }

    pub(crate) async fn load(&self) -> provider::Result {
        let set = ProfileSet::load(&*self.env).map_err(|e| misconfigured(e.to_string()))?;
        let selected = match set.selected() {
            Ok(Some(profile)) => profile,
            Ok(None) => {
                return Err(not_configured(format!(
                    "no profile `{}` is defined in {}",
                    set.selected_name(),
                    set.files()
                )))
            }
            Err(e) => return Err(misconfigured(e.to_string())),
        };
        let plan = plan(&set, &selected)?;
        let mut credentials = self.base(&set, &selected, &plan.base).await?;
        for role in &plan.roles {
            credentials = super::sts::assume_role(&self.env, &selected, &credentials, role).await?;
        }
        Ok(credentials)
    }

    async fn base(&self, set: &ProfileSet, selected: &Profile, base: &Base) -> provider::Result {
        match base {
            Base::Static(profile) => static_keys(profile),
            Base::WebIdentity(profile) => {
                super::web_identity::from_profile(&self.env, selected, profile).await
            }
            Base::Sso(profile) => super::sso::load(&self.env, set, profile).await,
            Base::Process(profile) => super::process::load(profile).await,
            Base::Environment(profile) => {
                super::environment::EnvironmentCredentials::from_shared(self.env.clone())
                    .load()
                    .map_err(|e| source_failed(profile, "Environment", &e))
            }
            Base::Container(profile) => {
                super::container::ContainerCredentials::from_shared(self.env.clone())
                    .provide_credentials()
                    .await
                    .map_err(|e| source_failed(profile, "EcsContainer", &e))
            }
            Base::InstanceMetadata(profile) => {
                super::imds::ImdsCredentials::from_shared(self.env.clone())
                    .provide_credentials()
                    .await
                    .map_err(|e| source_failed(profile, "Ec2InstanceMetadata", &e))
            }
        }
    }
}

/// A `credential_source` that gave nothing is an error of the profile that named it.
fn source_failed(
    profile: &Profile,
    source: &str,
    error: &aws_credential_types::provider::error::CredentialsError,
) -> aws_credential_types::provider::error::CredentialsError {
    let why = super::error::describe(error);
    let text = format!(
        "profile `{}` has `credential_source = {source}`, which gave no credentials: {why}",
        profile.name()
    );
    if is_not_configured(error) {
        misconfigured(text)
    } else {
        super::error::failed(text)
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
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}

/// Where a profile chain starts.
#[derive(Debug)]
pub(crate) enum Base {
    /// The profile's `aws_access_key_id`/`aws_secret_access_key`/`aws_session_token`.
    Static(Profile),
    /// The profile's `role_arn` and `web_identity_token_file` (and `role_session_name`).
    WebIdentity(Profile),
    /// The profile's `sso_session` (or legacy `sso_start_url`) settings.
    Sso(Profile),
    /// The profile's `credential_process`.
    Process(Profile),
    /// `credential_source = Environment` in this profile.
    Environment(Profile),
    /// `credential_source = EcsContainer` in this profile.
    Container(Profile),
    /// `credential_source = Ec2InstanceMetadata` in this profile.
    InstanceMetadata(Profile),
}

/// One `AssumeRole` on the way from the base credentials to the selected profile's.
#[derive(Debug, Clone)]
pub(crate) struct RoleHop {
    /// The profile that names the role.
    pub(crate) profile: String,
    pub(crate) role_arn: String,
    pub(crate) external_id: Option<String>,
    pub(crate) session_name: Option<String>,
    pub(crate) duration_seconds: Option<u32>,
}

/// What the selected profile resolves to: a base, and the roles to assume on top of it, in
/// order (the selected profile's own role last).
#[derive(Debug)]
pub(crate) struct Plan {
    pub(crate) base: Base,
    pub(crate) roles: Vec<RoleHop>,
}

/// The longest `source_profile` chain followed (the SDKs have no limit but detect cycles; this
/// bounds the work a malformed file can cause).
const MAX_CHAIN: usize = 32;

/// Follows `source_profile` from `selected` to a base.
pub(crate) fn plan(
    set: &ProfileSet,
    selected: &Profile,
) -> Result<Plan, aws_credential_types::provider::error::CredentialsError> {
    let mut roles: Vec<RoleHop> = Vec::new();
    let mut visited: Vec<String> = Vec::new();
    let mut profile = selected.clone();
    loop {
        let name = profile.name().to_owned();
        if visited.contains(&name) {
            visited.push(name);
            return Err(misconfigured(format!(
                "the profiles' `source_profile` settings form a cycle: {}",
                visited.join(" -> ")
            )));
        }
        if visited.len() >= MAX_CHAIN {
            return Err(misconfigured(format!(
                "profile `{}`: more than {MAX_CHAIN} profiles chained by `source_profile`",
                selected.name()
            )));
        }
        let is_source = !visited.is_empty();
        visited.push(name.clone());
        let get = |key: &str| non_empty(profile.get(key).map(str::to_owned));

        // A source profile with static keys ends the chain, even if it names a role too (as
        // the AWS SDKs do).
        if is_source && get("aws_access_key_id").is_some() {
            roles.reverse();
            return Ok(Plan {
                base: Base::Static(profile),
                roles,
            });
        }

        let Some(role_arn) = get("role_arn") else {
            roles.reverse();
            let base = if has_sso(&profile) {
                Base::Sso(profile)
            } else if get("credential_process").is_some() {
                Base::Process(profile)
            } else if get("web_identity_token_file").is_some() {
                return Err(misconfigured(format!(
                    "profile `{name}` has `web_identity_token_file` but no `role_arn`"
                )));
            } else if get("aws_access_key_id").is_some() || get("aws_secret_access_key").is_some() {
                Base::Static(profile)
            } else if is_source {
                return Err(misconfigured(format!(
                    "profile `{name}` (a `source_profile`) has no credentials: no static keys, \
                     `role_arn`, `sso_session`, `sso_start_url` or `credential_process`"
                )));
            } else {
                return Err(not_configured(format!(
                    "profile `{name}` has no credentials settings"
                )));
            };
            return Ok(Plan { base, roles });
        };

        if get("mfa_serial").is_some() {
            return Err(misconfigured(format!(
                "profile `{name}` has `mfa_serial`: assuming a role that needs an MFA code is not \
                 supported (there is no one to type it); export temporary keys with \
                 `aws configure export-credentials --profile {name} --format env` instead"
            )));
        }

        if get("web_identity_token_file").is_some() {
            roles.reverse();
            return Ok(Plan {
                base: Base::WebIdentity(profile),
                roles,
            });
        }

        let duration_seconds = match get("duration_seconds") {
            None => None,
            Some(text) => Some(text.parse::<u32>().map_err(|_| {
                misconfigured(format!(
                    "profile `{name}`: `duration_seconds` is not a whole number of seconds"
                ))
            })?),
        };
        roles.push(RoleHop {
            profile: name.clone(),
            role_arn,
            external_id: get("external_id"),
            session_name: get("role_session_name"),
            duration_seconds,
        });

        match (get("source_profile"), get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(misconfigured(format!(
                    "profile `{name}` has both `source_profile` and `credential_source`; keep one"
                )))
            }
            (None, None) => {
                return Err(misconfigured(format!(
                    "profile `{name}` has `role_arn` but neither `source_profile` nor \
                     `credential_source`"
                )))
            }
            (None, Some(source)) => {
                let base = match source.as_str() {
                    "Environment" => Base::Environment(profile),
                    "Ec2InstanceMetadata" => Base::InstanceMetadata(profile),
                    "EcsContainer" => Base::Container(profile),
                    other => {
                        return Err(misconfigured(format!(
                            "profile `{name}`: `credential_source = {other}` is not one of \
                             Environment, Ec2InstanceMetadata, EcsContainer"
                        )))
                    }
                };
                roles.reverse();
                return Ok(Plan { base, roles });
            }
            (Some(source), None) => {
                if source == name {
                    // A profile that is its own source uses its own static keys.
                    if get("aws_access_key_id").is_none() {
                        return Err(misconfigured(format!(
                            "profile `{name}` is its own `source_profile` but has no \
                             aws_access_key_id"
                        )));
                    }
                    roles.reverse();
                    return Ok(Plan {
                        base: Base::Static(profile),
                        roles,
                    });
                }
                profile = match set.profile(&source) {
                    Some(next) => next.clone(),
                    None => {
                        return Err(misconfigured(format!(
                            "profile `{name}` has `source_profile = {source}`, which is not \
                             defined in {}",
                            set.files()
                        )))
                    }
                };
            }
        }
    }
}

fn has_sso(profile: &Profile) -> bool {
    profile.get("sso_session").is_some() || profile.get("sso_start_url").is_some()
}

/// The profile's static keys.
fn static_keys(profile: &Profile) -> provider::Result {
    let name = profile.name();
    let files = profile
        .sources()
        .iter()
        .map(|path| path.display().to_string())
        .collect::<Vec<_>>()
        .join(" and ");
    let get = |key: &str| non_empty(profile.get(key).map(str::to_owned));
    match (get("aws_access_key_id"), get("aws_secret_access_key")) {
        (Some(id), Some(secret)) => Ok(Credentials::new(
            id,
            secret,
            get("aws_session_token"),
            None,
            "Profile",
        )),
        (None, None) => Err(not_configured(format!(
            "profile `{name}` in {files} has no aws_access_key_id"
        ))),
        (Some(_), None) => Err(misconfigured(format!(
            "profile `{name}` in {files} has aws_access_key_id but no aws_secret_access_key"
        ))),
        (None, Some(_)) => Err(misconfigured(format!(
            "profile `{name}` in {files} has aws_secret_access_key but no aws_access_key_id"
        ))),
    }
}
