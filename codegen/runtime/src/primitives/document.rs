//! `Document` (untyped JSON-like data) and the `Number`s in it.

use std::collections::HashMap;
use std::fmt;

/// Untyped data of the JSON data model: the value of a `document` member. Sent as the JSON value
/// it is.
///
/// `Display` writes compact JSON, with object members sorted by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Document {
    /// `null`.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string.
    String(String),
    /// A list of documents.
    Array(Vec<Document>),
    /// Documents by name.
    Object(HashMap<String, Document>),
}

impl Document {
    /// True for [`Document::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_number(&self) -> Option<Number> {
        match self {
            Self::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn as_array(&self) -> Option<&Vec<Document>> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&HashMap<String, Document>> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Null => f.write_str("null"),
            Self::Bool(b) => write!(f, "{b}"),
            // JSON has no NaN or infinities.
            Self::Number(Number::Float(n)) if !n.is_finite() => f.write_str("null"),
            Self::Number(n) => write!(f, "{n}"),
            Self::String(s) => write_json_string(f, s),
            Self::Array(items) => {
                f.write_str("[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            Self::Object(members) => {
                let mut names: Vec<&String> = members.keys().collect();
                names.sort();
                f.write_str("{")?;
                for (i, name) in names.into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_json_string(f, name)?;
                    write!(f, ":{}", members[name])?;
                }
                f.write_str("}")
            }
        }
    }
}

fn write_json_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            c if u32::from(c) < 0x20 => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

impl From<bool> for Document {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<&str> for Document {
    fn from(value: &str) -> Self {
        Self::String(value.to_owned())
    }
}

impl From<String> for Document {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<i32> for Document {
    fn from(value: i32) -> Self {
        Self::Number(Number::from(i64::from(value)))
    }
}

impl From<i64> for Document {
    fn from(value: i64) -> Self {
        Self::Number(Number::from(value))
    }
}

impl From<u64> for Document {
    fn from(value: u64) -> Self {
        Self::Number(Number::PosInt(value))
    }
}

impl From<f64> for Document {
    fn from(value: f64) -> Self {
        Self::Number(Number::Float(value))
    }
}

impl From<Number> for Document {
    fn from(value: Number) -> Self {
        Self::Number(value)
    }
}

impl From<Vec<Document>> for Document {
    fn from(items: Vec<Document>) -> Self {
        Self::Array(items)
    }
}

impl From<HashMap<String, Document>> for Document {
    fn from(members: HashMap<String, Document>) -> Self {
        Self::Object(members)
    }
}

/// A number in a [`Document`]. Integers keep their exact value; `PartialEq` compares values, so
/// `PosInt(1)`, `NegInt(1)` and `Float(1.0)` are equal.
#[derive(Debug, Clone, Copy)]
pub enum Number {
    /// An integer of zero or more.
    PosInt(u64),
    /// An integer (negative, when made by `From<i64>`).
    NegInt(i64),
    /// A floating-point number.
    Float(f64),
}

impl Number {
    /// The value as an `f64` (nearest, for integers beyond 2^53).
    pub fn as_f64(self) -> f64 {
        match self {
            Self::PosInt(n) => n as f64,
            Self::NegInt(n) => n as f64,
            Self::Float(n) => n,
        }
    }

    /// The value as an `i64`, if it is an integer that fits.
    pub fn as_i64(self) -> Option<i64> {
        match self {
            Self::PosInt(n) => i64::try_from(n).ok(),
            Self::NegInt(n) => Some(n),
            Self::Float(_) => None,
        }
    }

    /// The value as a `u64`, if it is an integer that fits.
    pub fn as_u64(self) -> Option<u64> {
        match self {
            Self::PosInt(n) => Some(n),
            Self::NegInt(n) => u64::try_from(n).ok(),
            Self::Float(_) => None,
        }
    }

    /// The exact value of an integer.
    fn integer(self) -> Option<i128> {
        match self {
            Self::PosInt(n) => Some(i128::from(n)),
            Self::NegInt(n) => Some(i128::from(n)),
            Self::Float(_) => None,
        }
    }
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self.integer(), other.integer()) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.as_f64() == other.as_f64(),
            // An integer and a float: equal when the float is that integer exactly.
            (Some(int), None) | (None, Some(int)) => {
                let float = if self.integer().is_none() {
                    self.as_f64()
                } else {
                    other.as_f64()
                };
                float.fract() == 0.0 && float == int as f64 && float as i128 == int
            }
        }
    }
}

impl From<i64> for Number {
    /// `PosInt` for zero and more, `NegInt` below.
    fn from(value: i64) -> Self {
        u64::try_from(value).map_or(Self::NegInt(value), Self::PosInt)
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Self {
        Self::PosInt(value)
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PosInt(n) => write!(f, "{n}"),
            Self::NegInt(n) => write!(f, "{n}"),
            Self::Float(n) => write!(f, "{n}"),
        }
    }
}
