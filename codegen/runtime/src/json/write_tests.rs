//! Tests of the JSON writer: the text of every kind of value, and the sizing of bodies.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::*;

/// The text `write` writes.
fn text(write: impl FnOnce(&mut Writer)) -> String {
    let mut writer = Writer::new();
    write(&mut writer);
    assert_eq!(writer.len(), writer.buf.len());
    String::from_utf8(writer.into_bytes()).expect("JSON text is UTF-8")
}

fn string(value: &str) -> String {
    text(|w| w.string(value))
}

#[test]
fn strings_are_escaped_as_serde_json_escapes_them() {
    // Every control character, the two that always need a backslash, DEL (not escaped).
    let mut all = String::new();
    for c in (0u8..0x20).chain([b'"', b'\\', b'/', 0x7f]) {
        all.push(char::from(c));
        assert_eq!(
            string(&char::from(c).to_string()),
            serde_json::to_string(&char::from(c).to_string()).unwrap()
        );
    }
    assert_eq!(string(&all), serde_json::to_string(&all).unwrap());
    assert_eq!(string("\n\t\r\u{8}\u{c}"), r#""\n\t\r\b\f""#);
    assert_eq!(string("\u{0}\u{1f}"), r#""\u0000\u001f""#);
    assert_eq!(string("a\"b\\c"), r#""a\"b\\c""#);
    // Unicode is written as is, even the line separators JavaScript dislikes.
    assert_eq!(string("é ü 日本 🦀 \u{2028}"), "\"é ü 日本 🦀 \u{2028}\"");
    assert_eq!(string(""), r#""""#);
}

#[test]
fn the_escape_scan_finds_every_special_byte_at_every_position() {
    let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    for filler in [b'a', b' ', b'!', b'#', b'[', b']', 0x7f, 0x80, 0xff] {
        for len in 1..20 {
            for pos in 0..len {
                for b in 0..=255u8 {
                    let mut bytes = vec![filler; len];
                    bytes[pos] = b;
                    assert_eq!(needs_escape(&bytes), special(b), "{bytes:?}");
                }
            }
        }
    }
    assert!(!needs_escape(b""));
}

#[test]
fn every_character_is_written_as_serde_json_writes_it() {
    let chars: Vec<char> = (0..=0x10ffff).filter_map(char::from_u32).collect();
    let mut strings: Vec<String> = chars
        .chunks(1000)
        .map(|chunk| chunk.iter().collect())
        .collect();
    // The first two thousand alone, and inside a longer string (the scan reads eight bytes at a
    // time).
    for c in &chars[..2000] {
        strings.push(c.to_string());
        strings.push(format!("0123456789{c}abcdefgh"));
    }
    let mut writer = Writer::new();
    writer.begin_array();
    for s in &strings {
        writer.string(s);
    }
    writer.end_array();
    assert_eq!(writer.into_bytes(), serde_json::to_vec(&strings).unwrap());
}

#[test]
fn objects_and_arrays_put_commas_between_members_and_items() {
    let body = text(|w| {
        w.begin_object();
        w.key("a");
        w.integer(1);
        w.key("empty");
        w.begin_object();
        w.end_object();
        w.key("list");
        w.begin_array();
        w.string("x");
        w.begin_object();
        w.key("k");
        w.null();
        w.end_object();
        w.begin_array();
        w.end_array();
        w.boolean(false);
        w.end_array();
        w.key("b\"");
        w.boolean(true);
        w.end_object();
    });
    assert_eq!(
        body,
        r#"{"a":1,"empty":{},"list":["x",{"k":null},[],false],"b\"":true}"#
    );
    assert_eq!(
        text(|w| {
            w.begin_object();
            w.end_object()
        }),
        "{}"
    );
    assert_eq!(
        text(|w| {
            w.begin_array();
            w.begin_array();
            w.end_array();
            w.begin_array();
            w.end_array();
            w.end_array()
        }),
        "[[],[]]"
    );
}

#[test]
fn integers() {
    assert_eq!(text(|w| w.integer(0)), "0");
    assert_eq!(text(|w| w.integer(i8::MIN)), "-128");
    assert_eq!(text(|w| w.integer(i16::MAX)), "32767");
    assert_eq!(text(|w| w.integer(i32::MIN)), "-2147483648");
    assert_eq!(text(|w| w.integer(i64::MIN)), "-9223372036854775808");
    assert_eq!(text(|w| w.integer(i64::MAX)), "9223372036854775807");
}

/// Today's wire form of a float, as the `serde_json::Value` serializers wrote it.
fn value_float(value: f64) -> String {
    if value.is_nan() {
        "\"NaN\"".to_owned()
    } else if value.is_infinite() {
        format!("\"{}Infinity\"", if value < 0.0 { "-" } else { "" })
    } else {
        serde_json::to_string(&serde_json::Number::from_f64(value).map(Value::Number)).unwrap()
    }
}

#[test]
fn floats_as_serde_json_writes_them_and_non_finite_ones_as_strings() {
    assert_eq!(text(|w| w.float(1.0)), "1.0");
    assert_eq!(text(|w| w.float(-0.0)), "-0.0");
    assert_eq!(text(|w| w.float(0.1)), "0.1");
    assert_eq!(text(|w| w.float(f64::from(0.1f32))), "0.10000000149011612");
    assert_eq!(text(|w| w.float(1e300)), "1e+300");
    assert_eq!(text(|w| w.float(f64::NAN)), r#""NaN""#);
    assert_eq!(text(|w| w.float(f64::INFINITY)), r#""Infinity""#);
    assert_eq!(text(|w| w.float(f64::NEG_INFINITY)), r#""-Infinity""#);
    for value in [
        0.0,
        1.5,
        -2.25,
        1e-7,
        123_456_789.123_456_78,
        f64::MAX,
        f64::MIN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        assert_eq!(text(|w| w.float(value)), value_float(value), "{value}");
    }
}

fn timestamp(value: DateTime, format: TimestampFormat) -> String {
    text(|w| w.timestamp(&value, format))
}

#[test]
fn timestamps_in_every_format() {
    use TimestampFormat::{DateTime as Rfc3339, EpochSeconds, HttpDate};
    let whole = DateTime::from_secs(1_515_531_081);
    let millis = DateTime::from_secs_and_nanos(1_515_531_081, 123_000_000);
    let nanos = DateTime::from_secs_and_nanos(1_515_531_081, 123_456_789);
    let before = DateTime::from_secs_and_nanos(-2, 500_000_000);
    let tiny = DateTime::from_secs_and_nanos(0, 1);

    assert_eq!(timestamp(whole, EpochSeconds), "1515531081");
    assert_eq!(timestamp(millis, EpochSeconds), "1515531081.123");
    // The nearest `f64`, as before: sub-microsecond digits do not survive.
    assert_eq!(timestamp(nanos, EpochSeconds), "1515531081.1234567");
    assert_eq!(timestamp(before, EpochSeconds), "-1.5");
    assert_eq!(timestamp(tiny, EpochSeconds), "1e-9");
    assert_eq!(
        timestamp(DateTime::from_secs(i64::MIN), EpochSeconds),
        "-9223372036854775808"
    );
    for t in [millis, nanos, before, tiny] {
        assert_eq!(
            timestamp(t, EpochSeconds),
            value_float(t.as_secs_f64()),
            "{t}"
        );
    }

    assert_eq!(timestamp(whole, Rfc3339), r#""2018-01-09T20:51:21Z""#);
    assert_eq!(timestamp(millis, Rfc3339), r#""2018-01-09T20:51:21.123Z""#);
    assert_eq!(
        timestamp(nanos, Rfc3339),
        r#""2018-01-09T20:51:21.123456789Z""#
    );
    assert_eq!(timestamp(before, Rfc3339), r#""1969-12-31T23:59:58.5Z""#);
    assert_eq!(
        timestamp(whole, HttpDate),
        r#""Tue, 09 Jan 2018 20:51:21 GMT""#
    );
    // HTTP dates have whole seconds.
    assert_eq!(
        timestamp(nanos, HttpDate),
        r#""Tue, 09 Jan 2018 20:51:21 GMT""#
    );
    // The extremes fit the stack buffer, and read as `format` writes them.
    for t in [
        DateTime::from_secs(i64::MIN),
        DateTime::from_secs_and_nanos(i64::MAX, 999_999_999),
    ] {
        for format in [Rfc3339, HttpDate, EpochSeconds] {
            let written = timestamp(t, format);
            if format == EpochSeconds && t.subsec_nanos() == 0 {
                assert_eq!(written, t.secs().to_string());
            } else if format == EpochSeconds {
                assert_eq!(written, value_float(t.as_secs_f64()));
            } else {
                assert_eq!(written, format!("\"{}\"", t.format(format)));
            }
        }
    }
}

#[test]
fn blobs_as_base64_strings() {
    assert_eq!(text(|w| w.blob(&Blob::new(*b""))), r#""""#);
    assert_eq!(text(|w| w.blob(&Blob::new(*b"f"))), r#""Zg==""#);
    assert_eq!(text(|w| w.blob(&Blob::new(*b"fo"))), r#""Zm8=""#);
    assert_eq!(text(|w| w.blob(&Blob::new(*b"foo"))), r#""Zm9v""#);
    let bytes: Vec<u8> = (0..=255).collect();
    assert_eq!(
        text(|w| w.blob(&Blob::new(bytes.clone()))),
        format!("\"{}\"", base64::encode(&bytes))
    );
}

#[test]
fn documents_as_json_with_non_finite_numbers_as_null() {
    let document = Document::Object(HashMap::from([
        (
            "list".to_owned(),
            Document::Array(vec![
                Document::Null,
                Document::Bool(true),
                Document::Number(Number::PosInt(u64::MAX)),
                Document::Number(Number::NegInt(i64::MIN)),
                Document::Number(Number::Float(1.5)),
                Document::Number(Number::Float(f64::NAN)),
                Document::Number(Number::Float(f64::NEG_INFINITY)),
                Document::Array(vec![]),
                Document::Object(HashMap::new()),
            ]),
        ),
        (
            "nested".to_owned(),
            Document::Object(HashMap::from([(
                "deeper \"quoted\"\n".to_owned(),
                Document::String("é\u{1}".to_owned()),
            )])),
        ),
    ]));
    let written = text(|w| w.document(&document));
    let parsed: Value = serde_json::from_str(&written).expect("valid JSON");
    assert_eq!(
        parsed,
        json!({
            "list": [null, true, u64::MAX, i64::MIN, 1.5, null, null, [], {}],
            "nested": { "deeper \"quoted\"\n": "é\u{1}" },
        })
    );
    assert_eq!(text(|w| w.document(&Document::Null)), "null");
    assert_eq!(
        text(|w| w.document(&Document::Object(HashMap::new()))),
        "{}"
    );
    assert_eq!(
        text(|w| w.document(&Document::Number(Number::Float(2.0)))),
        "2.0"
    );
}

#[test]
fn a_body_is_allocated_from_the_size_of_the_last_one() {
    let items: Vec<String> = (0..1000).map(|i| format!("item \"{i}\"\n")).collect();
    let write = |w: &mut Writer| {
        w.begin_object();
        w.key("items");
        w.begin_array();
        for item in &items {
            w.string(item);
        }
        w.end_array();
        w.key("at");
        w.timestamp(
            &DateTime::from_secs_and_nanos(1, 5),
            TimestampFormat::EpochSeconds,
        );
        w.end_object();
    };
    let size = BodySize::new();
    let first = size.write(write);
    let parsed: Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(parsed["items"][999], "item \"999\"\n");
    assert_eq!(parsed["at"], 1.000000005);
    assert_eq!(size.0.load(Ordering::Relaxed), first.len());
    // The next body of the same size fits the first allocation (a quarter more and 16 bytes).
    let second = size.write(write);
    assert_eq!(second, first);
    assert_eq!(second.capacity(), first.len() + first.len() / 4 + 16);
    // A smaller body is allocated from the larger one's size, and teaches the smaller size.
    let small = size.write(|w| {
        w.begin_object();
        w.end_object();
    });
    assert_eq!(small, b"{}");
    assert_eq!(small.capacity(), second.capacity());
    assert_eq!(size.write(|w| w.null()).capacity(), 2 + 16);
}
