//! The one error type of the generator: a single-line message about one place in the model.

use std::fmt;

/// What went wrong, and where: the shape or member id (`ns#Shape$member`) when there is one.
///
/// Invariant: the rendered message is one line, so a CLI can print it as `error: ...` and tests can
/// pin it exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    subject: Option<String>,
    message: String,
}

impl Diagnostic {
    /// A problem with one shape, member or trait, named by its id.
    pub fn at(subject: impl fmt::Display, message: impl Into<String>) -> Self {
        Self {
            subject: Some(one_line(&subject.to_string())),
            message: one_line(&message.into()),
        }
    }

    /// A problem with the model as a whole (for example invalid JSON).
    pub fn model(message: impl Into<String>) -> Self {
        Self {
            subject: None,
            message: one_line(&message.into()),
        }
    }

    /// The shape or member id the problem is about, if any.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_deref()
    }

    /// What is wrong, without the subject.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.subject {
            Some(subject) => write!(f, "{subject}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Diagnostic {}

/// Folds line breaks so that text taken from the model cannot split a diagnostic over lines.
fn one_line(text: &str) -> String {
    if text.contains(['\n', '\r']) {
        text.split(['\n', '\r'])
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        text.to_owned()
    }
}

/// Shorthand for the generator's results.
pub type Result<T, E = Diagnostic> = std::result::Result<T, E>;
