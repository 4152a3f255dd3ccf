//! `Serialize` and `Deserialize` for the primitives, compiled only with the `serde` feature
//! (the module is declared `#[cfg(feature = "serde")]`; it lives apart from `primitives`,
//! which the generator compiles too, without that feature).
//!
//! - `DateTime`: seconds since the epoch, as a JSON number (an integer when whole).
//! - `Blob`: a base64 string.
//! - `Document`: plain JSON.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::primitives::{Blob, DateTime, Document, Number};

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.subsec_nanos() == 0 {
            serializer.serialize_i64(self.secs())
        } else {
            serializer.serialize_f64(self.as_secs_f64())
        }
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EpochSeconds;
        impl Visitor<'_> for EpochSeconds {
            type Value = DateTime;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("seconds since the epoch, as a number")
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<DateTime, E> {
                Ok(DateTime::from_secs(value))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<DateTime, E> {
                i64::try_from(value)
                    .map(DateTime::from_secs)
                    .map_err(|_| E::custom("timestamp out of range"))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<DateTime, E> {
                // `from_secs_f64` panics beyond about ±292 billion years.
                if value.is_finite() && value.abs() < 9.0e18 {
                    Ok(DateTime::from_secs_f64(value))
                } else {
                    Err(E::custom("timestamp out of range"))
                }
            }
        }
        deserializer.deserialize_any(EpochSeconds)
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Blob::from_base64(text).map_err(de::Error::custom)
    }
}

impl Serialize for Document {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Document::Null => serializer.serialize_unit(),
            Document::Bool(b) => serializer.serialize_bool(*b),
            Document::Number(Number::PosInt(n)) => serializer.serialize_u64(*n),
            Document::Number(Number::NegInt(n)) => serializer.serialize_i64(*n),
            Document::Number(Number::Float(n)) => serializer.serialize_f64(*n),
            Document::String(s) => serializer.serialize_str(s),
            Document::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Document::Object(members) => {
                // Sorted, so the output does not depend on the map's order.
                let mut sorted: Vec<_> = members.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(b.0));
                let mut map = serializer.serialize_map(Some(sorted.len()))?;
                for (name, value) in sorted {
                    map.serialize_entry(name, value)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Json;
        impl<'de> Visitor<'de> for Json {
            type Value = Document;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Document, E> {
                Ok(Document::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Document, D::Error> {
                Document::deserialize(d)
            }
            fn visit_bool<E: de::Error>(self, value: bool) -> Result<Document, E> {
                Ok(Document::Bool(value))
            }
            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Document, E> {
                Ok(Document::Number(if value < 0 {
                    Number::NegInt(value)
                } else {
                    Number::PosInt(value as u64)
                }))
            }
            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Document, E> {
                Ok(Document::Number(Number::PosInt(value)))
            }
            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Document, E> {
                Ok(Document::Number(Number::Float(value)))
            }
            fn visit_str<E: de::Error>(self, value: &str) -> Result<Document, E> {
                Ok(Document::String(value.to_owned()))
            }
            fn visit_string<E: de::Error>(self, value: String) -> Result<Document, E> {
                Ok(Document::String(value))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Document, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Document::Array(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Document, A::Error> {
                let mut members = HashMap::new();
                while let Some((name, value)) = map.next_entry::<String, Document>()? {
                    members.insert(name, value);
                }
                Ok(Document::Object(members))
            }
        }
        deserializer.deserialize_any(Json)
    }
}
