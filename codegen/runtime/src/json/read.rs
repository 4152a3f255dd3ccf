//! Reading a JSON document straight into the model's types: a pull reader over the body's text
//! that generated deserializers drive member by member, with no tree of values in between.
//!
//! Why a reader of our own rather than serde's `Deserializer`: generated code stays plain
//! functions (`fn de_x(reader) -> Result<X, DeError>`), errors name the member path
//! (`at `items[3].name`: expected a string, found a list`) and what was found, `null` reads as
//! absent, and unknown members are checked and skipped without being stored. Each value is
//! looked at once; strings without escapes are sliced from the body, not copied.
//!
//! The text is checked to be UTF-8 once, up front ([`read_body`]); every position the reader
//! slices at is an ASCII delimiter, so slices are always whole characters (and taken with
//! `get`, so a slip would be an error, not a panic). Nesting deeper than [`MAX_DEPTH`] is an
//! error, so no input can exhaust the stack.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::Hash;

use super::DeError;
use crate::primitives::{base64, Blob, DateTime, Document, Number, TimestampFormat};

/// The deepest nesting of lists and objects a document may have (serde_json's `Value` stops one
/// level earlier, at 127).
pub const MAX_DEPTH: u32 = 128;

/// What a JSON value is, from its first character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// A number.
    Number,
    /// A string.
    String,
    /// A list: `[...]`.
    Array,
    /// An object: `{...}`.
    Object,
}

impl Kind {
    /// The kind as error messages name it: `a list`, `an object`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Null => "null",
            Kind::Bool => "a boolean",
            Kind::Number => "a number",
            Kind::String => "a string",
            Kind::Array => "a list",
            Kind::Object => "an object",
        }
    }
}

/// Why a body could not be read as the type it should hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Not JSON (or not UTF-8, or nested too deep): what is wrong, and where.
    NotJson(String),
    /// JSON, but not an object: what it is instead.
    NotAnObject(&'static str),
    /// A JSON object whose members are not what the model says.
    Mismatch(DeError),
}

/// Reads a whole body with `read`: empty (or only whitespace) means `{}`; anything else must be
/// one JSON object, read by `read`, and nothing after it.
pub fn read_body<T>(
    body: &[u8],
    read: impl FnOnce(&mut Reader<'_>) -> Result<T, DeError>,
) -> Result<T, BodyError> {
    let text = std::str::from_utf8(body)
        .map_err(|e| BodyError::NotJson(format!("invalid UTF-8 after byte {}", e.valid_up_to())))?;
    let text = if text.bytes().all(is_space) {
        "{}"
    } else {
        text
    };
    let mut reader = Reader::new(text);
    let classify = |e: DeError| {
        if e.is_syntax() {
            BodyError::NotJson(e.to_string())
        } else {
            BodyError::Mismatch(e)
        }
    };
    match reader.peek().map_err(classify)? {
        Kind::Object => {}
        other => return Err(BodyError::NotAnObject(other.describe())),
    }
    let value = read(&mut reader).map_err(classify)?;
    reader.end().map_err(classify)?;
    Ok(value)
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

/// A pull reader over one JSON document. Each reading method consumes one whole value (or fails
/// without a promise about the position: a failed read ends the document's reading).
#[derive(Debug)]
pub struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: u32,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            pos: 0,
            depth: 0,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn skip_space(&mut self) {
        while let Some(&b) = self.bytes().get(self.pos) {
            if !is_space(b) {
                break;
            }
            self.pos += 1;
        }
    }

    fn syntax(&self, what: &str) -> DeError {
        if self.pos >= self.text.len() {
            DeError::syntax(format!(
                "EOF while parsing the document at byte {}",
                self.pos
            ))
        } else {
            DeError::syntax(format!("{what} at byte {}", self.pos))
        }
    }

    /// The kind of the next value, without reading it.
    pub fn peek(&mut self) -> Result<Kind, DeError> {
        self.skip_space();
        match self.bytes().get(self.pos) {
            Some(b'n') => Ok(Kind::Null),
            Some(b't' | b'f') => Ok(Kind::Bool),
            Some(b'-' | b'0'..=b'9') => Ok(Kind::Number),
            Some(b'"') => Ok(Kind::String),
            Some(b'[') => Ok(Kind::Array),
            Some(b'{') => Ok(Kind::Object),
            _ => Err(self.syntax("expected a JSON value")),
        }
    }

    /// Checks that only whitespace is left.
    pub fn end(&mut self) -> Result<(), DeError> {
        self.skip_space();
        if self.pos == self.text.len() {
            Ok(())
        } else {
            Err(self.syntax("trailing characters after the document"))
        }
    }

    fn literal(&mut self, word: &str) -> Result<(), DeError> {
        match self.text.get(self.pos..self.pos + word.len()) {
            Some(text) if text == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.syntax("invalid literal")),
        }
    }

    /// Reads `null` if that is the next value: true when it was.
    pub fn null(&mut self) -> Result<bool, DeError> {
        if self.peek()? == Kind::Null {
            self.literal("null")?;
            return Ok(true);
        }
        Ok(false)
    }

    /// `None` for `null` (which the protocol reads as absent), else the value `read` reads.
    pub fn nullable<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Result<T, DeError>,
    ) -> Result<Option<T>, DeError> {
        if self.null()? {
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    /// Fails unless the next value is of kind `kind`; `expected` names what the model wants.
    fn expect(&mut self, kind: Kind, expected: &'static str) -> Result<(), DeError> {
        let found = self.peek()?;
        if found == kind {
            Ok(())
        } else {
            Err(DeError::mismatch(expected, found.describe()))
        }
    }

    fn enter(&mut self) -> Result<(), DeError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.syntax(&format!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth += 1;
        self.pos += 1;
        Ok(())
    }

    /// Reads an object: `member` is called with each member's name and must read its value.
    pub fn object(
        &mut self,
        mut member: impl FnMut(&mut Self, &str) -> Result<(), DeError>,
    ) -> Result<(), DeError> {
        self.expect(Kind::Object, "an object")?;
        self.enter()?;
        self.skip_space();
        if self.bytes().get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        loop {
            self.skip_space();
            if self.bytes().get(self.pos) != Some(&b'"') {
                return Err(self.syntax("expected a member name"));
            }
            let name = self.string_text()?;
            self.skip_space();
            if self.bytes().get(self.pos) != Some(&b':') {
                return Err(self.syntax("expected `:` after a member name"));
            }
            self.pos += 1;
            member(self, &name)?;
            self.skip_space();
            match self.bytes().get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `}` in an object")),
            }
        }
    }

    /// Reads a list: `item` is called with each item's index and must read the item.
    pub fn array(
        &mut self,
        mut item: impl FnMut(&mut Self, usize) -> Result<(), DeError>,
    ) -> Result<(), DeError> {
        self.expect(Kind::Array, "a list")?;
        self.enter()?;
        self.skip_space();
        if self.bytes().get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(());
        }
        let mut index = 0;
        loop {
            item(self, index)?;
            index += 1;
            self.skip_space();
            match self.bytes().get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(());
                }
                _ => return Err(self.syntax("expected `,` or `]` in a list")),
            }
        }
    }

    /// A list of `item`s; `null` items (which some servers send) are left out.
    pub fn list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, DeError>,
    ) -> Result<Vec<T>, DeError> {
        let mut items = Vec::new();
        self.array(|reader, index| {
            if let Some(value) = reader.nullable(&mut item).map_err(|e| e.at_index(index))? {
                items.push(value);
            }
            Ok(())
        })?;
        Ok(items)
    }

    /// A sparse list: `null` items are `None`.
    pub fn sparse_list<T>(
        &mut self,
        mut item: impl FnMut(&mut Self) -> Result<T, DeError>,
    ) -> Result<Vec<Option<T>>, DeError> {
        let mut items = Vec::new();
        self.array(|reader, index| {
            items.push(reader.nullable(&mut item).map_err(|e| e.at_index(index))?);
            Ok(())
        })?;
        Ok(items)
    }

    /// A map from an object: `key` makes each member name a key, `value` reads its value;
    /// members whose value is `null` are left out.
    pub fn map<K: Eq + Hash, V>(
        &mut self,
        key: impl Fn(&str) -> K,
        mut value: impl FnMut(&mut Self) -> Result<V, DeError>,
    ) -> Result<HashMap<K, V>, DeError> {
        let mut entries = HashMap::new();
        self.object(|reader, name| {
            if let Some(entry) = reader.nullable(&mut value).map_err(|e| e.at_index(name))? {
                entries.insert(key(name), entry);
            }
            Ok(())
        })?;
        Ok(entries)
    }

    /// A sparse map: members whose value is `null` are `None`.
    pub fn sparse_map<K: Eq + Hash, V>(
        &mut self,
        key: impl Fn(&str) -> K,
        mut value: impl FnMut(&mut Self) -> Result<V, DeError>,
    ) -> Result<HashMap<K, Option<V>>, DeError> {
        let mut entries = HashMap::new();
        self.object(|reader, name| {
            let entry = reader.nullable(&mut value).map_err(|e| e.at_index(name))?;
            entries.insert(key(name), entry);
            Ok(())
        })?;
        Ok(entries)
    }

    /// Checks the next value and skips it, storing nothing.
    pub fn skip(&mut self) -> Result<(), DeError> {
        match self.peek()? {
            Kind::Null => self.literal("null"),
            Kind::Bool => self.boolean().map(drop),
            Kind::Number => self.number_text().map(drop),
            Kind::String => self.skip_string(),
            Kind::Array => self.array(|reader, _| reader.skip()),
            Kind::Object => self.object(|reader, _| reader.skip()),
        }
    }

    /// A string, sliced from the document when it has no escapes.
    pub fn str(&mut self) -> Result<Cow<'a, str>, DeError> {
        self.expect(Kind::String, "a string")?;
        self.string_text()
    }

    /// A string.
    pub fn string(&mut self) -> Result<String, DeError> {
        self.str().map(Cow::into_owned)
    }

    /// A boolean.
    pub fn boolean(&mut self) -> Result<bool, DeError> {
        self.expect(Kind::Bool, "a boolean")?;
        if self.bytes().get(self.pos) == Some(&b't') {
            self.literal("true").map(|()| true)
        } else {
            self.literal("false").map(|()| false)
        }
    }

    /// An integer that fits `T` (a number with a fraction or exponent is not one).
    pub fn integer<T: TryFrom<i64>>(&mut self) -> Result<T, DeError> {
        const EXPECTED: &str = "an integer in range";
        self.expect(Kind::Number, EXPECTED)?;
        let text = self.number_text()?;
        text.parse::<i64>()
            .ok()
            .and_then(|n| T::try_from(n).ok())
            .ok_or_else(|| DeError::mismatch(EXPECTED, "a number"))
    }

    /// A number; the protocol sends `NaN` and the infinities as strings.
    pub fn float(&mut self) -> Result<f64, DeError> {
        const EXPECTED: &str = "a number";
        match self.peek()? {
            Kind::Number => self.finite_number(),
            Kind::String => match self.string_text()?.as_ref() {
                "NaN" => Ok(f64::NAN),
                "Infinity" => Ok(f64::INFINITY),
                "-Infinity" => Ok(f64::NEG_INFINITY),
                _ => Err(DeError::mismatch(EXPECTED, "a string")),
            },
            other => Err(DeError::mismatch(EXPECTED, other.describe())),
        }
    }

    /// The number at the position as an `f64`; one beyond its range is not JSON a client can
    /// read (serde_json refuses it too).
    fn finite_number(&mut self) -> Result<f64, DeError> {
        let start = self.pos;
        let text = self.number_text()?;
        match text.parse::<f64>() {
            Ok(n) if n.is_finite() => Ok(n),
            _ => Err(DeError::syntax(format!(
                "a number out of range at byte {start}"
            ))),
        }
    }

    /// A timestamp in `format`: epoch seconds as a JSON number (integer or not), the text formats
    /// as strings.
    pub fn timestamp(&mut self, format: TimestampFormat) -> Result<DateTime, DeError> {
        match format {
            TimestampFormat::EpochSeconds => {
                const EXPECTED: &str = "a number of epoch seconds";
                self.expect(Kind::Number, EXPECTED)?;
                let start = self.pos;
                let text = self.number_text()?;
                if let Ok(secs) = text.parse::<i64>() {
                    return Ok(DateTime::from_secs(secs));
                }
                // Decimal text (`1515531081.123`) is read exactly as written, to the
                // nanosecond; only an exponent goes through an `f64`.
                if !text.contains(['e', 'E']) {
                    return DateTime::parse(text, format).map_err(|_| {
                        DeError::invalid(EXPECTED, "a number beyond the range of timestamps")
                    });
                }
                self.pos = start;
                let secs = self.finite_number()?;
                // `Display` of an `f64` is its shortest round-tripping decimal, so
                // `1515531081.123` reads as 123 milliseconds exactly.
                DateTime::parse(&secs.to_string(), format).map_err(|_| {
                    DeError::invalid(EXPECTED, "a number beyond the range of timestamps")
                })
            }
            TimestampFormat::DateTime | TimestampFormat::HttpDate => {
                let expected = if format == TimestampFormat::DateTime {
                    "an RFC 3339 date-time string"
                } else {
                    "an HTTP date string"
                };
                self.expect(Kind::String, expected)?;
                let text = self.string_text()?;
                DateTime::parse(&text, format).map_err(|e| DeError::invalid(expected, e))
            }
        }
    }

    /// A blob: a base64 string (standard alphabet, padded).
    pub fn blob(&mut self) -> Result<Blob, DeError> {
        const EXPECTED: &str = "a base64 string";
        self.expect(Kind::String, EXPECTED)?;
        let text = self.string_text()?;
        base64::decode(text.as_bytes())
            .map(Blob::from)
            .map_err(|e| DeError::invalid(EXPECTED, e))
    }

    /// A document: any JSON value, as it is.
    pub fn document(&mut self) -> Result<Document, DeError> {
        Ok(match self.peek()? {
            Kind::Null => {
                self.literal("null")?;
                Document::Null
            }
            Kind::Bool => Document::Bool(self.boolean()?),
            Kind::Number => Document::Number(self.document_number()?),
            Kind::String => Document::String(self.string_text()?.into_owned()),
            Kind::Array => {
                let mut items = Vec::new();
                self.array(|reader, _| {
                    items.push(reader.document()?);
                    Ok(())
                })?;
                Document::Array(items)
            }
            Kind::Object => {
                let mut members = HashMap::new();
                self.object(|reader, name| {
                    let value = reader.document()?;
                    // The last of repeated names wins.
                    members.insert(name.to_owned(), value);
                    Ok(())
                })?;
                Document::Object(members)
            }
        })
    }

    /// A document's number as serde_json reads one: an integer that fits `u64` or `i64` stays
    /// an integer, anything else (a fraction, an exponent, a larger integer, `-0`) is a float.
    fn document_number(&mut self) -> Result<Number, DeError> {
        let start = self.pos;
        let text = self.number_text()?;
        let integral = !text.contains(['.', 'e', 'E']) && text != "-0";
        if integral {
            if let Ok(n) = text.parse::<u64>() {
                return Ok(Number::PosInt(n));
            }
            if let Ok(n) = text.parse::<i64>() {
                return Ok(Number::NegInt(n));
            }
        }
        self.pos = start;
        self.finite_number().map(Number::Float)
    }
}

mod text;

#[cfg(test)]
#[path = "read_tests.rs"]
mod tests;
