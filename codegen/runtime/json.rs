//! Reading and writing the JSON documents of the AWS JSON protocols, leniently where the
//! protocol allows it (unknown members are ignored, `null` means absent) and strictly about types.

use std::fmt;

use serde_json::{Map, Value};

/// A JSON document that does not have the shape the model promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    /// Where, from the outside in: member names and `[index]`.
    path: Vec<String>,
    expected: &'static str,
    found: &'static str,
}

impl DeError {
    fn new(expected: &'static str, found: &Value) -> Self {
        Self { path: Vec::new(), expected, found: kind(found) }
    }

    /// Adds an enclosing member name to the path.
    pub(crate) fn at(mut self, member: &str) -> Self {
        self.path.insert(0, member.to_owned());
        self
    }

    /// Adds an enclosing list index or map key to the path.
    pub(crate) fn at_index(mut self, index: impl fmt::Display) -> Self {
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
            write!(f, "at `{path}`: expected {}, found {}", self.expected, self.found)
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
pub(crate) const TYPE_MEMBER: &str = "__type";

/// A member of an object; `None` when absent or `null`.
pub(crate) fn member<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

pub(crate) fn object(value: &Value) -> Result<&Map<String, Value>, DeError> {
    value.as_object().ok_or_else(|| DeError::new("an object", value))
}

pub(crate) fn array(value: &Value) -> Result<&Vec<Value>, DeError> {
    value.as_array().ok_or_else(|| DeError::new("a list", value))
}

pub(crate) fn string(value: &Value) -> Result<&str, DeError> {
    value.as_str().ok_or_else(|| DeError::new("a string", value))
}

pub(crate) fn boolean(value: &Value) -> Result<bool, DeError> {
    value.as_bool().ok_or_else(|| DeError::new("a boolean", value))
}

/// An integer that fits `T`.
pub(crate) fn integer<T: TryFrom<i64>>(value: &Value) -> Result<T, DeError> {
    value
        .as_i64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| DeError::new("an integer in range", value))
}

/// A number; the protocol sends `NaN` and the infinities as strings.
pub(crate) fn float(value: &Value) -> Result<f64, DeError> {
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(|| DeError::new("a number", value)),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => Err(DeError::new("a number", value)),
    }
}

/// A float for the wire: `NaN` and the infinities as strings, as the protocol requires.
pub(crate) fn float_value(value: f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".to_owned())
    } else if value.is_infinite() {
        Value::String(if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}
