//! `credential_process`: a command that prints credentials as JSON. STUB: to be implemented.

use crate::profile::Profile;
use aws_credential_types::provider;

/// Runs the profile's `credential_process` and reads its answer.
pub(crate) async fn load(profile: &Profile) -> provider::Result {
    Err(super::error::misconfigured(format!(
        "profile `{}`: credential_process is not implemented yet",
        profile.name()
    )))
}
