//! STS `AssumeRole` and `AssumeRoleWithWebIdentity` (AWS Query: form-encoded requests, XML
//! answers). STUB: to be implemented.

use super::from_profile::RoleHop;
use super::Env;
use crate::profile::Profile;
use aws_credential_types::provider;
use aws_credential_types::Credentials;

/// Assumes `role` with `base` credentials; `selected` is the profile that configures STS
/// (its `region`, `endpoint_url`).
pub(crate) async fn assume_role(
    _env: &Env,
    _selected: &Profile,
    _base: &Credentials,
    role: &RoleHop,
) -> provider::Result {
    Err(super::error::misconfigured(format!(
        "profile `{}`: assuming a role is not implemented yet",
        role.profile
    )))
}
