//! Writing the model's values as JSON.

use serde_json::Value;

use crate::primitives::{base64, Blob, DateTime, Document, Number, TimestampFormat};

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

/// A blob for the wire: its base64 text.
pub fn blob_value(value: &Blob) -> Value {
    Value::String(base64::encode(value))
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
