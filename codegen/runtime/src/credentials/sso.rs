//! IAM Identity Center (SSO): the token `aws sso login` cached, exchanged for role credentials
//! with the portal's `GetRoleCredentials`. STUB: to be implemented.

use super::Env;
use crate::profile::{Profile, ProfileSet};
use aws_credential_types::provider;

/// Credentials for the profile's SSO account and role.
pub(crate) async fn load(_env: &Env, _set: &ProfileSet, profile: &Profile) -> provider::Result {
    Err(super::error::misconfigured(format!(
        "profile `{}`: SSO is not implemented yet",
        profile.name()
    )))
}
