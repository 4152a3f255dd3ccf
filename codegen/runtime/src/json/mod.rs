//! Reading and writing the JSON documents of the AWS JSON protocols, leniently where the
//! protocol allows it (unknown members are ignored, `null` means absent) and strictly about types.
//!
//! `read.rs` reads values, `write.rs` writes them; both report with [`DeError`].

use std::fmt;

use serde_json::Value;

/// A JSON document that does not have the shape the model promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    /// Where, from the outside in: member names and `[index]`.
    path: Vec<String>,
    expected: &'static str,
    found: String,
}

impl DeError {
    pub(crate) fn new(expected: &'static str, found: &Value) -> Self {
        Self {
            path: Vec::new(),
            expected,
            found: kind(found).to_owned(),
        }
    }

    /// A value of the right JSON type whose content is wrong; `found` says what is wrong with
    /// it, without repeating it (it may be sensitive).
    pub(crate) fn invalid(expected: &'static str, found: impl fmt::Display) -> Self {
        Self {
            path: Vec::new(),
            expected,
            found: found.to_string(),
        }
    }

    /// Adds an enclosing member name to the path.
    pub fn at(mut self, member: &str) -> Self {
        self.path.insert(0, member.to_owned());
        self
    }

    /// Adds an enclosing list index or map key to the path.
    pub fn at_index(mut self, index: impl fmt::Display) -> Self {
        self.path.insert(0, format!("[{index}]"));
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "expected {}, found {}", self.expected, self.found)
        } else {
            let mut path = String::new();
            for part in &self.path {
                if !path.is_empty() && !part.starts_with('[') {
                    path.push('.');
                }
                path.push_str(part);
            }
            write!(
                f,
                "at `{path}`: expected {}, found {}",
                self.expected, self.found
            )
        }
    }
}

impl std::error::Error for DeError {}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// The member some servers add to unions (and error bodies) to name a type: never data.
pub const TYPE_MEMBER: &str = "__type";

mod read;
mod write;

pub use read::*;
pub use write::*;
