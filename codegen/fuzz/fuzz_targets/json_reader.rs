//! The runtime's pull JSON reader never panics, and reads exactly what serde_json reads.
//!
//! Arbitrary bytes go to `json::read_body` three times: with a reader that reads any document
//! (`Reader::document`), with one that checks and skips it (`Reader::skip`), and with one that
//! reads each member with a typed reader chosen by the member's name (strings, integers,
//! floats, booleans, blobs, timestamps, lists, nested objects), as generated decoders do.
//! Whatever the bytes, each gives a value or a `BodyError`; a panic is a bug. Then the results
//! are checked against serde_json (built here with `float_roundtrip`, so its floats are the
//! correctly rounded ones the reader's `str::parse` gives):
//!
//! - documents against `serde_json::Value`: what serde_json reads as an object, the reader reads
//!   as the same document (numbers of the same kind, floats compared bit for bit); what it reads
//!   as another value, the reader refuses as `NotAnObject` of that kind; what it refuses, the
//!   reader refuses;
//! - skipping against `serde::de::IgnoredAny` (serde_json's own skipping, which checks syntax
//!   only: numbers out of `f64`'s range are fine, as for `Reader::skip`): the same verdict;
//! - the typed reader accepts nothing that skipping refuses.
//!
//! Known, documented differences, allowed here and nowhere else:
//! - an empty (or all-whitespace) body is `{}` for `read_body` (the protocol's empty answer);
//!   serde_json refuses it;
//! - nesting: serde_json's `Value` refuses a 128th level (its limit counts down from 128 and
//!   fails on reaching 0, so 127 levels pass); the reader allows `MAX_DEPTH` = 128 levels. A
//!   document at exactly 128 levels is compared against serde_json with its limit disabled.
//!   serde_json's skipping has no depth limit at all; the reader's skipping refuses past 128;
//! - serde_json's skipping does not check `\u` escapes for surrogate pairs (it cannot know
//!   whether the string will be read as text or bytes); the reader's skipping refuses lone
//!   surrogates, as both read them in documents.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde::de::{Deserialize, IgnoredAny};
use serde_json::Value;
use smithy_rust_runtime::json::{read_body, BodyError, DeError, Kind, Reader, MAX_DEPTH};
use smithy_rust_runtime::primitives::{Document, Number, TimestampFormat};

fuzz_target!(|data: &[u8]| check(data));

fn check(data: &[u8]) {
    let document = read_body(data, |reader| reader.document());
    let skipped = read_body(data, |reader| reader.skip());
    let typed = read_body(data, typed_object);
    for result in [
        document.as_ref().map(drop),
        skipped.as_ref().map(drop),
        typed.as_ref().map(drop),
    ] {
        if let Err(error) = result {
            let _ = format!("{error:?}");
            if let BodyError::Mismatch(error) = error {
                let _ = error.to_string();
            }
        }
    }
    if document.is_ok() {
        assert!(
            skipped.is_ok(),
            "a document that skipping refuses: {skipped:?}"
        );
    }
    if typed.is_ok() {
        assert!(
            skipped.is_ok(),
            "typed reading accepts what skipping refuses: {skipped:?}"
        );
    }

    let Ok(text) = std::str::from_utf8(data) else {
        assert!(serde_json::from_slice::<Value>(data).is_err());
        for result in [
            document.as_ref().map(drop),
            skipped.as_ref().map(drop),
            typed.as_ref().map(drop),
        ] {
            assert!(
                matches!(result, Err(BodyError::NotJson(_))),
                "not UTF-8 but {result:?}"
            );
        }
        return;
    };
    if text.bytes().all(is_space) {
        assert_eq!(document, Ok(Document::Object(Default::default())));
        assert_eq!(skipped, Ok(()));
        return;
    }

    check_document(text, &document);
    check_skip(text, &skipped);
}

/// `Reader::document` against serde_json's `Value`.
fn check_document(text: &str, document: &Result<Document, BodyError>) {
    match serde_json::from_str::<Value>(text) {
        Ok(value @ Value::Object(_)) => {
            let ours = document
                .as_ref()
                .unwrap_or_else(|e| panic!("serde_json reads an object, the reader fails: {e:?}"));
            let theirs = serde_document(&value);
            assert!(same(ours, &theirs), "ours {ours:?}\ntheirs {theirs:?}");
        }
        Ok(value) => {
            let kind = kind_of(&value).describe();
            assert_eq!(document, &Err(BodyError::NotAnObject(kind)));
        }
        Err(error) if error.to_string().starts_with("recursion limit exceeded") => {
            // serde_json allows 127 levels, the reader 128: an accepted document must be at most
            // 128 deep and what serde_json reads without its limit.
            if let Ok(ours) = document {
                assert!(depth(ours) <= MAX_DEPTH, "nested {} deep", depth(ours));
                let mut deserializer = serde_json::Deserializer::from_str(text);
                deserializer.disable_recursion_limit();
                let value = Value::deserialize(&mut deserializer)
                    .and_then(|value| deserializer.end().map(|()| value))
                    .expect("serde_json without its depth limit reads what the reader reads");
                assert!(same(ours, &serde_document(&value)));
            }
        }
        Err(error) => assert!(
            document.is_err(),
            "serde_json refuses ({error}), the reader reads {document:?}"
        ),
    }
}

/// `Reader::skip` against serde_json's `IgnoredAny`, for bodies that are objects.
fn check_skip(text: &str, skipped: &Result<(), BodyError>) {
    if !text.trim_start_matches(is_space_char).starts_with('{') {
        assert!(
            matches!(
                skipped,
                Err(BodyError::NotAnObject(_) | BodyError::NotJson(_))
            ),
            "{skipped:?}"
        );
        return;
    }
    match serde_json::from_str::<IgnoredAny>(text) {
        Ok(IgnoredAny) => match skipped {
            Ok(()) => assert!(max_depth(text) <= MAX_DEPTH as usize),
            Err(BodyError::NotJson(why))
                if why.contains("nested deeper than") && max_depth(text) > MAX_DEPTH as usize => {}
            Err(BodyError::NotJson(why)) if why.contains("surrogate") => {
                assert!(text.contains("\\u"), "{why}")
            }
            Err(other) => panic!("serde_json skips it, the reader refuses: {other:?}"),
        },
        Err(error) => assert!(
            skipped.is_err(),
            "serde_json refuses to skip it ({error}), the reader skips it"
        ),
    }
}

/// Reads an object whose members are read by a reader chosen by their name's length, as a
/// generated decoder reads members of every type; keeps nothing.
fn typed_object(reader: &mut Reader<'_>) -> Result<(), DeError> {
    reader.object(|reader, name| typed_value(reader, name.len()).map_err(|e| e.at(name)))
}

fn typed_value(reader: &mut Reader<'_>, choice: usize) -> Result<(), DeError> {
    match choice % 16 {
        0 => reader.skip(),
        1 => reader.string().map(drop),
        2 => reader.integer::<i32>().map(drop),
        3 => reader.integer::<i64>().map(drop),
        4 => reader.integer::<u8>().map(drop),
        5 => reader.float().map(|f| drop(f.to_string())),
        6 => reader.boolean().map(drop),
        7 => reader.blob().map(|b| drop(format!("{b:?}"))),
        8 => timestamp(reader, TimestampFormat::EpochSeconds),
        9 => timestamp(reader, TimestampFormat::DateTime),
        10 => timestamp(reader, TimestampFormat::HttpDate),
        11 => reader.nullable(|reader| reader.str().map(drop)).map(drop),
        12 => reader.array(|reader, index| {
            reader
                .nullable(|reader| typed_value(reader, index))
                .map(drop)
                .map_err(|e| e.at_index(index))
        }),
        13 => typed_object(reader),
        14 => {
            let kind = reader.peek()?;
            let _ = kind.describe();
            reader.document().map(|d| drop(d.to_string()))
        }
        _ => {
            if reader.null()? {
                Ok(())
            } else {
                typed_object(reader)
            }
        }
    }
}

fn timestamp(reader: &mut Reader<'_>, format: TimestampFormat) -> Result<(), DeError> {
    let time = reader.timestamp(format)?;
    let _ = format!("{time:?} {time}");
    Ok(())
}

/// serde_json's `Value` as a `Document`, as the runtime's `read_tests.rs` makes it.
fn serde_document(value: &Value) -> Document {
    match value {
        Value::Null => Document::Null,
        Value::Bool(b) => Document::Bool(*b),
        Value::Number(n) => Document::Number(match (n.as_u64(), n.as_i64()) {
            (Some(n), _) => Number::PosInt(n),
            (None, Some(n)) => Number::NegInt(n),
            (None, None) => Number::Float(n.as_f64().unwrap_or(f64::NAN)),
        }),
        Value::String(s) => Document::String(s.clone()),
        Value::Array(items) => Document::Array(items.iter().map(serde_document).collect()),
        Value::Object(members) => Document::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), serde_document(v)))
                .collect(),
        ),
    }
}

/// Strict equality: numbers of the same variant, floats bit for bit (or both NaN).
/// (`Number`'s own `PartialEq` compares values: `1 == 1.0`, `0.0 == -0.0`.)
fn same(a: &Document, b: &Document) -> bool {
    match (a, b) {
        (Document::Null, Document::Null) => true,
        (Document::Bool(a), Document::Bool(b)) => a == b,
        (Document::Number(a), Document::Number(b)) => match (a, b) {
            (Number::PosInt(a), Number::PosInt(b)) => a == b,
            (Number::NegInt(a), Number::NegInt(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => {
                a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
            }
            _ => false,
        },
        (Document::String(a), Document::String(b)) => a == b,
        (Document::Array(a), Document::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b))
        }
        (Document::Object(a), Document::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(name, a)| b.get(name).is_some_and(|b| same(a, b)))
        }
        _ => false,
    }
}

fn kind_of(value: &Value) -> Kind {
    match value {
        Value::Null => Kind::Null,
        Value::Bool(_) => Kind::Bool,
        Value::Number(_) => Kind::Number,
        Value::String(_) => Kind::String,
        Value::Array(_) => Kind::Array,
        Value::Object(_) => Kind::Object,
    }
}

/// Levels of lists and objects in a document.
fn depth(document: &Document) -> u32 {
    match document {
        Document::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Document::Object(members) => 1 + members.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Levels of lists and objects in JSON text whose strings are well formed.
fn max_depth(text: &str) -> usize {
    let (mut level, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for b in text.bytes() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                level += 1;
                deepest = deepest.max(level);
            }
            b']' | b'}' => level = level.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_space_char(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
