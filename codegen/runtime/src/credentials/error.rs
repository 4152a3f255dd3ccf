//! How a credentials source says why it gave nothing: the messages behind
//! [`CredentialsError`], and the one sentence a caller sees.

use aws_credential_types::provider::error::CredentialsError;
use std::error::Error as StdError;
use std::fmt;

/// A message from one of this crate's sources, as the source of a [`CredentialsError`].
///
/// Messages name settings, files and hosts, never a secret, a token or a file's contents.
#[derive(Debug, Clone)]
pub(crate) struct SourceMessage(pub(crate) String);

impl fmt::Display for SourceMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for SourceMessage {}

/// The source is not configured (its variables or settings are absent): the chain tries the
/// next one. `why` completes "tried <source> (<why>)", e.g. "AWS_ACCESS_KEY_ID is not set".
pub(crate) fn not_configured(why: impl Into<String>) -> CredentialsError {
    CredentialsError::not_loaded(SourceMessage(why.into()))
}

/// The source is configured but its settings cannot work (partial keys, a missing file, an
/// unsupported option): the chain stops here.
pub(crate) fn misconfigured(why: impl Into<String>) -> CredentialsError {
    CredentialsError::invalid_configuration(SourceMessage(why.into()))
}

/// The source is configured but fetching from it failed (an error answer, a malformed answer,
/// an unreachable server): the chain stops here.
pub(crate) fn failed(why: impl Into<String>) -> CredentialsError {
    CredentialsError::provider_error(SourceMessage(why.into()))
}

/// One line for a caller: this crate's own message when the error came from one of its
/// sources, else `aws-credential-types`' description followed by each cause.
pub fn describe(error: &CredentialsError) -> String {
    let mut source = error.source();
    if let Some(own) = source.and_then(|s| s.downcast_ref::<SourceMessage>()) {
        return own.0.clone();
    }
    let mut text = error.to_string();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// True when the error says "not configured": the chain goes on to the next source.
pub(crate) fn is_not_configured(error: &CredentialsError) -> bool {
    matches!(error, CredentialsError::CredentialsNotLoaded(_))
}
