//! Reading and writing the JSON documents of the AWS JSON protocols, leniently where the
//! protocol allows it (unknown members are ignored, `null` means absent) and strictly about types.
//!
//! `read.rs` reads documents straight into the model's types, `write.rs` writes them; a
//! document that is not what the model says is a [`DeError`].

use std::fmt;

/// A JSON document that is not what the model promises: a value of another type than the
/// model's (a mismatch), or text that is not JSON at all (a syntax error).
///
/// Boxed, so that the `Result`s of the readers stay as small as their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError(Box<Inner>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Inner {
    /// Where, from the inside out: member names and `[index]` (reversed when shown).
    path: Vec<String>,
    what: What,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum What {
    /// Valid JSON of another type, or with content that does not fit the type.
    Mismatch {
        expected: &'static str,
        found: String,
    },
    /// Not JSON: what is wrong and where (a byte offset).
    Syntax(String),
}

impl DeError {
    /// A value of the wrong JSON type: `found` is what it is instead (`a list`, ...).
    pub(crate) fn mismatch(expected: &'static str, found: &'static str) -> Self {
        Self::invalid(expected, found)
    }

    /// A value of the right JSON type whose content is wrong; `found` says what is wrong with
    /// it, without repeating it (it may be sensitive).
    pub(crate) fn invalid(expected: &'static str, found: impl fmt::Display) -> Self {
        Self(Box::new(Inner {
            path: Vec::new(),
            what: What::Mismatch {
                expected,
                found: found.to_string(),
            },
        }))
    }

    /// Text that is not JSON (or JSON nested too deep).
    pub(crate) fn syntax(why: String) -> Self {
        Self(Box::new(Inner {
            path: Vec::new(),
            what: What::Syntax(why),
        }))
    }

    /// True when the text is not JSON, rather than JSON of the wrong shape.
    pub fn is_syntax(&self) -> bool {
        matches!(self.0.what, What::Syntax(_))
    }

    /// Adds an enclosing member name to the path.
    pub fn at(mut self, member: &str) -> Self {
        self.0.path.push(member.to_owned());
        self
    }

    /// Adds an enclosing list index or map key to the path.
    pub fn at_index(mut self, index: impl fmt::Display) -> Self {
        self.0.path.push(format!("[{index}]"));
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.0.path.is_empty() {
            let mut path = String::new();
            for part in self.0.path.iter().rev() {
                if !path.is_empty() && !part.starts_with('[') {
                    path.push('.');
                }
                path.push_str(part);
            }
            write!(f, "at `{path}`: ")?;
        }
        match &self.0.what {
            What::Mismatch { expected, found } => write!(f, "expected {expected}, found {found}"),
            What::Syntax(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for DeError {}

/// The member some servers add to unions (and error bodies) to name a type: never data.
pub const TYPE_MEMBER: &str = "__type";

mod read;
mod write;

pub use read::{read_body, BodyError, Kind, Reader, MAX_DEPTH};
pub use write::*;
