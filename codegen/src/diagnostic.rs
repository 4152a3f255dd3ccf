//! The one error type of the generator: a single-line message about one place in the model.

use std::fmt;

/// What went wrong, and where: the shape or member id (`ns#Shape$member`) when there is one.
///
/// Invariant: the rendered message is one line without control characters, so a CLI can print it
/// as `error: ...` and tests can pin it exactly.
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

/// Escapes control characters (`\n` becomes the two characters `\` `n`) so that text taken from
/// the model cannot split a diagnostic over lines or hide in it unseen.
fn one_line(text: &str) -> String {
    if text.contains(char::is_control) {
        text.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    } else {
        text.to_owned()
    }
}

/// Shorthand for the generator's results.
pub type Result<T, E = Diagnostic> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let d = Diagnostic::at("a#B\nC", "bad\tname `x\u{0}`");
        assert_eq!(d.to_string(), "a#B\\nC: bad\\tname `x\\u{0}`");
        assert_eq!(d.subject(), Some("a#B\\nC"));
    }
}
