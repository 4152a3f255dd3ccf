//! Reading the values of a JSON document as the model's types.

use serde_json::{Map, Value};

use super::DeError;
use crate::primitives::{base64, Blob, DateTime, Document, Number, TimestampFormat};

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
