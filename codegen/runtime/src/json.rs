//! Reading and writing the JSON documents of the AWS JSON protocols, leniently where the
//! protocol allows it (unknown members are ignored, `null` means absent) and strictly about types.

use std::fmt;

use serde_json::{Map, Value};

use crate::primitives::{base64, Blob, DateTime, Document, Number, TimestampFormat};

/// A JSON document that does not have the shape the model promises.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeError {
    /// Where, from the outside in: member names and `[index]`.
    path: Vec<String>,
    expected: &'static str,
    found: String,
}

impl DeError {
    fn new(expected: &'static str, found: &Value) -> Self {
        Self {
            path: Vec::new(),
            expected,
            found: kind(found).to_owned(),
        }
    }

    /// A value of the right JSON type whose content is wrong; `found` says what is wrong with
    /// it, without repeating it (it may be sensitive).
    fn invalid(expected: &'static str, found: impl fmt::Display) -> Self {
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

/// A member of an object; `None` when absent or `null`.
pub fn member<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).filter(|value| !value.is_null())
}

/// The value as an object, or the error saying what it is instead.
pub fn object(value: &Value) -> Result<&Map<String, Value>, DeError> {
    value
        .as_object()
        .ok_or_else(|| DeError::new("an object", value))
}

/// The value as a list, or the error saying what it is instead.
pub fn array(value: &Value) -> Result<&Vec<Value>, DeError> {
    value
        .as_array()
        .ok_or_else(|| DeError::new("a list", value))
}

/// The value as a string, or the error saying what it is instead.
pub fn string(value: &Value) -> Result<&str, DeError> {
    value
        .as_str()
        .ok_or_else(|| DeError::new("a string", value))
}

/// The value as a boolean, or the error saying what it is instead.
pub fn boolean(value: &Value) -> Result<bool, DeError> {
    value
        .as_bool()
        .ok_or_else(|| DeError::new("a boolean", value))
}

/// An integer that fits `T`.
pub fn integer<T: TryFrom<i64>>(value: &Value) -> Result<T, DeError> {
    value
        .as_i64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| DeError::new("an integer in range", value))
}

/// A number; the protocol sends `NaN` and the infinities as strings.
pub fn float(value: &Value) -> Result<f64, DeError> {
    match value {
        Value::Number(n) => n.as_f64().ok_or_else(|| DeError::new("a number", value)),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        _ => Err(DeError::new("a number", value)),
    }
}

/// A float for the wire: `NaN` and the infinities as strings, as the protocol requires.
pub fn float_value(value: f64) -> Value {
    if value.is_nan() {
        Value::String("NaN".to_owned())
    } else if value.is_infinite() {
        Value::String(if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned())
    } else {
        serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number)
    }
}

/// A timestamp in `format`: epoch seconds as a JSON number (integer or not), the text formats as
/// strings.
pub fn timestamp(value: &Value, format: TimestampFormat) -> Result<DateTime, DeError> {
    match format {
        TimestampFormat::EpochSeconds => {
            const EXPECTED: &str = "a number of epoch seconds";
            let Value::Number(n) = value else {
                return Err(DeError::new(EXPECTED, value));
            };
            if let Some(secs) = n.as_i64() {
                return Ok(DateTime::from_secs(secs));
            }
            // `Display` of an `f64` is its shortest round-tripping decimal, so `1515531081.123`
            // reads as 123 milliseconds exactly.
            let secs = n.as_f64().ok_or_else(|| DeError::new(EXPECTED, value))?;
            DateTime::parse(&secs.to_string(), format)
                .map_err(|_| DeError::invalid(EXPECTED, "a number beyond the range of timestamps"))
        }
        TimestampFormat::DateTime | TimestampFormat::HttpDate => {
            let expected = if format == TimestampFormat::DateTime {
                "an RFC 3339 date-time string"
            } else {
                "an HTTP date string"
            };
            let text = value
                .as_str()
                .ok_or_else(|| DeError::new(expected, value))?;
            DateTime::parse(text, format).map_err(|e| DeError::invalid(expected, e))
        }
    }
}

/// A timestamp for the wire in `format`: epoch seconds as a number (with a fraction only when
/// there is one), the text formats as strings.
pub fn timestamp_value(value: &DateTime, format: TimestampFormat) -> Value {
    match format {
        TimestampFormat::EpochSeconds if value.subsec_nanos() == 0 => Value::from(value.secs()),
        TimestampFormat::EpochSeconds => float_value(value.as_secs_f64()),
        TimestampFormat::DateTime | TimestampFormat::HttpDate => {
            Value::String(value.format(format))
        }
    }
}

/// A blob: a base64 string (standard alphabet, padded).
pub fn blob(value: &Value) -> Result<Blob, DeError> {
    const EXPECTED: &str = "a base64 string";
    let text = value
        .as_str()
        .ok_or_else(|| DeError::new(EXPECTED, value))?;
    base64::decode(text)
        .map(Blob::from)
        .map_err(|e| DeError::invalid(EXPECTED, e))
}

/// A blob for the wire: its base64 text.
pub fn blob_value(value: &Blob) -> Value {
    Value::String(base64::encode(value))
}

/// A document: any JSON value, as it is. (Never fails; a `Result` like every other reader.)
pub fn document(value: &Value) -> Result<Document, DeError> {
    Ok(to_document(value))
}

fn to_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => Number::PosInt(n),
            (None, Some(n)) => Number::NegInt(n),
            (None, None) => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(to_document).collect()),
        Value::Object(members) => Document::Object(
            members
                .iter()
                .map(|(name, member)| (name.clone(), to_document(member)))
                .collect(),
        ),
    }
}

/// A document for the wire: the JSON value it is. JSON has no `NaN` or infinities; such numbers
/// are written as `null`.
pub fn document_value(value: &Document) -> Value {
    match value {
        Document::Null => Value::Null,
        Document::Bool(b) => Value::Bool(*b),
        Document::Number(Number::PosInt(n)) => Value::from(*n),
        Document::Number(Number::NegInt(n)) => Value::from(*n),
        Document::Number(Number::Float(n)) => {
            serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
        }
        Document::String(s) => Value::String(s.clone()),
        Document::Array(items) => Value::Array(items.iter().map(document_value).collect()),
        Document::Object(members) => Value::Object(
            members
                .iter()
                .map(|(name, member)| (name.clone(), document_value(member)))
                .collect(),
        ),
    }
}
