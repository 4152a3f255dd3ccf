//! Smithy shape ids: `namespace#Name` and member ids `namespace#Name$member`.

use std::fmt;

use crate::diagnostic::{Diagnostic, Result};

/// An absolute shape id without a member part, such as `com.amazonaws.sfn#TaskToken`.
///
/// Ordered by namespace then name, which is the order the generator emits items in when the
/// model gives none.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ShapeId {
    namespace: String,
    name: String,
}

impl ShapeId {
    /// Parses an absolute shape id; a member id (`$member`) is refused here.
    pub fn parse(text: &str) -> std::result::Result<Self, String> {
        let (namespace, name) = text.split_once('#').ok_or_else(|| {
            format!("`{text}` is not an absolute shape id (expected `namespace#Name`)")
        })?;
        if name.contains('$') {
            return Err(format!(
                "`{text}` is a member id where a shape id is expected"
            ));
        }
        if namespace.is_empty() || !namespace.split('.').all(is_identifier) {
            return Err(format!(
                "`{text}` has an invalid namespace `{namespace}` (names joined by `.`; {IDENTIFIER_RULE})"
            ));
        }
        if !is_identifier(name) {
            return Err(format!(
                "`{text}` has an invalid shape name `{name}` ({IDENTIFIER_RULE})"
            ));
        }
        Ok(Self {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
        })
    }

    /// Parses `text` as a shape id, reporting failure against `subject`.
    pub fn parse_at(text: &str, subject: impl fmt::Display) -> Result<Self> {
        Self::parse(text).map_err(|why| Diagnostic::at(subject, why))
    }

    /// `smithy.api#Name`, for prelude shapes and traits.
    pub fn prelude(name: &str) -> Self {
        Self {
            namespace: PRELUDE_NAMESPACE.to_owned(),
            name: name.to_owned(),
        }
    }

    /// The namespace, for example `com.amazonaws.sfn`.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The shape name, for example `TaskToken`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// True for shapes of the Smithy prelude (`smithy.api#...`).
    pub fn is_prelude(&self) -> bool {
        self.namespace == PRELUDE_NAMESPACE
    }

    /// The id of a member of this shape, for diagnostics: `ns#Shape$member`.
    pub fn member<'a>(&'a self, member: &'a str) -> MemberId<'a> {
        MemberId {
            shape: self,
            member,
        }
    }
}

impl fmt::Display for ShapeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}", self.namespace, self.name)
    }
}

/// A member id, only ever built for display: `ns#Shape$member`.
#[derive(Debug, Clone, Copy)]
pub struct MemberId<'a> {
    shape: &'a ShapeId,
    member: &'a str,
}

impl fmt::Display for MemberId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}${}", self.shape, self.member)
    }
}

/// The namespace of the Smithy prelude.
pub const PRELUDE_NAMESPACE: &str = "smithy.api";

/// [`is_identifier`] in words, for messages.
const IDENTIFIER_RULE: &str =
    "a name starts with a letter or `_` and has only ASCII letters, digits and `_`";

/// Smithy's identifier rule: `[A-Za-z_][A-Za-z0-9_]*`, where leading underscores must be followed
/// by a letter or digit.
pub fn is_identifier(text: &str) -> bool {
    let trimmed = text.trim_start_matches('_');
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first)
            if first.is_ascii_alphabetic()
                || (first.is_ascii_digit() && trimmed.len() < text.len()) => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        let id = ShapeId::parse("com.amazonaws.sfn#TaskToken").unwrap();
        assert_eq!(
            (id.namespace(), id.name()),
            ("com.amazonaws.sfn", "TaskToken")
        );
        assert_eq!(id.member("x").to_string(), "com.amazonaws.sfn#TaskToken$x");
        for bad in [
            "TaskToken",
            "#A",
            "a#",
            "a..b#C",
            "a#B$c",
            "a#1B",
            "a#B-C",
            "a b#C",
            "a#_",
        ] {
            assert!(ShapeId::parse(bad).is_err(), "{bad} should be refused");
        }
        assert!(ShapeId::parse("a#_1").is_ok());
    }
}
