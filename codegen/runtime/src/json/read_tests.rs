//! The reader against the JSON grammar, serde_json's reading of the same text, and hostile input.

use super::*;

fn value(text: &str) -> Result<Document, DeError> {
    let mut reader = Reader::new(text);
    let document = reader.document()?;
    reader.end()?;
    Ok(document)
}

/// serde_json's `Value` of `text`, as a `Document` (the way the old decoder built documents).
fn serde_document(value: &serde_json::Value) -> Document {
    use serde_json::Value;
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

#[test]
fn documents_read_as_serde_json_reads_them() {
    for text in [
        r#"{"a": [1, -2, 3.5, 1e3, -0.0, 18446744073709551615, -9223372036854775808], "b": {"c": null, "d": true, "e": false}}"#,
        r#""plain""#,
        r#""esc\"aped\\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 \u0000""#,
        r#"[]"#,
        r#"{}"#,
        r#"  [ { } , [ ] , "" ]  "#,
        "\"caf\u{e9} \u{1F600}\"",
        r#"184467440737095516150"#,
        r#"{"dup": 1, "dup": 2}"#,
        r#"0"#,
        r#"-1"#,
        r#"1E+2"#,
        r#"1e-2"#,
    ] {
        let expected = serde_document(&serde_json::from_str(text).unwrap());
        assert_eq!(value(text).unwrap(), expected, "{text}");
    }
}

#[test]
fn what_serde_json_refuses_is_refused() {
    for text in [
        "",
        " ",
        "{",
        "[",
        "[1,]",
        "{\"a\":1,}",
        "{,}",
        "[,1]",
        "01",
        "1.",
        ".5",
        "-",
        "+1",
        "1e",
        "1e+",
        "NaN",
        "Infinity",
        "nul",
        "tru",
        "falsey",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"\\u12\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"tab\tinside\"",
        "{\"a\" 1}",
        "{1: 2}",
        "[1 2]",
        "[1] [2]",
        "1e999",
        "-1e999",
        "{\"a\":1}}",
    ] {
        assert!(
            serde_json::from_str::<serde_json::Value>(text).is_err(),
            "{text:?}"
        );
        let error = value(text).expect_err(text);
        assert!(error.is_syntax(), "{text:?}: {error}");
    }
}

#[test]
fn errors_name_the_path_and_what_was_found() {
    let text = r#"{"items": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": ["x"]}]}"#;
    let mut reader = Reader::new(text);
    let error = reader
        .object(|reader, member| {
            assert_eq!(member, "items");
            reader
                .array(|reader, index| {
                    reader
                        .object(|reader, member| {
                            reader.string().map(drop).map_err(|e| e.at(member))
                        })
                        .map_err(|e| e.at_index(index))
                })
                .map_err(|e| e.at(member))
        })
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "at `items[3].name`: expected a string, found a list"
    );
    assert!(!error.is_syntax());
}

#[test]
fn scalars_are_strict_about_types_and_lenient_where_the_protocol_is() {
    fn read(text: &str) -> Reader<'_> {
        Reader::new(text)
    }
    assert_eq!(read("42").integer::<i32>().unwrap(), 42);
    assert_eq!(
        read("4.0").integer::<i32>().unwrap_err().to_string(),
        "expected an integer in range, found a number"
    );
    assert_eq!(
        read("300").integer::<i8>().unwrap_err().to_string(),
        "expected an integer in range, found a number"
    );
    assert_eq!(
        read("\"3\"").integer::<i32>().unwrap_err().to_string(),
        "expected an integer in range, found a string"
    );
    assert!(read("\"NaN\"").float().unwrap().is_nan());
    assert_eq!(read("\"-Infinity\"").float().unwrap(), f64::NEG_INFINITY);
    assert_eq!(read("1.5").float().unwrap(), 1.5);
    assert_eq!(
        read("\"1.5\"").float().unwrap_err().to_string(),
        "expected a number, found a string"
    );
    assert_eq!(
        read("1515531081.123")
            .timestamp(TimestampFormat::EpochSeconds)
            .unwrap(),
        DateTime::parse("1515531081.123", TimestampFormat::EpochSeconds).unwrap()
    );
    assert_eq!(
        read("1515531081")
            .timestamp(TimestampFormat::EpochSeconds)
            .unwrap(),
        DateTime::from_secs(1515531081)
    );
    assert!(read("\"2018-01-09T20:51:21.123Z\"")
        .timestamp(TimestampFormat::DateTime)
        .is_ok());
    assert_eq!(
        read("\"yesterday\"")
            .timestamp(TimestampFormat::DateTime)
            .unwrap_err()
            .to_string()
            .split(',')
            .next()
            .unwrap(),
        "expected an RFC 3339 date-time string"
    );
    assert_eq!(read("\"aGk=\"").blob().unwrap(), Blob::from(b"hi".to_vec()));
    assert!(read("\"not base64!\"").blob().is_err());
    assert!(read("true").boolean().unwrap());
    assert_eq!(
        read("{}").boolean().unwrap_err().to_string(),
        "expected a boolean, found an object"
    );
    let mut reader = read("null");
    assert_eq!(reader.nullable(Reader::string).unwrap(), None);
    assert_eq!(
        read("\"x\"").nullable(Reader::string).unwrap().as_deref(),
        Some("x")
    );
}

#[test]
fn unescaped_strings_are_borrowed() {
    assert!(matches!(
        Reader::new("\"plain\"").str().unwrap(),
        Cow::Borrowed("plain")
    ));
    assert!(matches!(Reader::new("\"a\\nb\"").str().unwrap(), Cow::Owned(s) if s == "a\nb"));
}

#[test]
fn skipping_checks_without_storing() {
    let text = r#"{"junk": [1, {"deep": [true, null, "s\u00e9"]}, -2.5e3], "keep": "yes"}"#;
    let mut kept = None;
    Reader::new(text)
        .object(|reader, member| {
            if member == "keep" {
                kept = Some(reader.string()?);
                Ok(())
            } else {
                reader.skip()
            }
        })
        .unwrap();
    assert_eq!(kept.as_deref(), Some("yes"));
    assert!(Reader::new("[1, 01]").skip().unwrap_err().is_syntax());
}

#[test]
fn nesting_is_bounded() {
    let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(value(&deep(MAX_DEPTH as usize)).is_ok());
    let error = value(&deep(MAX_DEPTH as usize + 1)).unwrap_err();
    assert!(
        error.to_string().contains("nested deeper than 128"),
        "{error}"
    );
    // Far deeper input fails the same way, without exhausting the stack.
    assert!(Reader::new(&"[".repeat(1_000_000)).skip().is_err());
    assert!(Reader::new(&r#"{"a":"#.repeat(100_000)).skip().is_err());
}

#[test]
fn bodies() {
    let object = |reader: &mut Reader<'_>| reader.object(|reader, _| reader.skip());
    assert_eq!(read_body(b"", object), Ok(()));
    assert_eq!(read_body(b" \n", object), Ok(()));
    assert_eq!(read_body(b"{\"a\": 1}", object), Ok(()));
    assert_eq!(
        read_body(b"[1]", object),
        Err(BodyError::NotAnObject("a list"))
    );
    assert_eq!(
        read_body(b"\"text\"", object),
        Err(BodyError::NotAnObject("a string"))
    );
    assert!(matches!(
        read_body(b"{\"a\":", object),
        Err(BodyError::NotJson(_))
    ));
    assert!(matches!(
        read_body(b"{} {}", object),
        Err(BodyError::NotJson(_))
    ));
    assert_eq!(
        read_body(b"{\"a\": \"\xff\"}", object),
        Err(BodyError::NotJson("invalid UTF-8 after byte 7".to_owned()))
    );
    assert!(matches!(
        read_body(b"oops", object),
        Err(BodyError::NotJson(_))
    ));
    let string_member = |reader: &mut Reader<'_>| {
        reader.object(|reader, m| reader.string().map(drop).map_err(|e| e.at(m)))
    };
    match read_body(b"{\"a\": 1}", string_member) {
        Err(BodyError::Mismatch(e)) => {
            assert_eq!(e.to_string(), "at `a`: expected a string, found a number")
        }
        other => panic!("{other:?}"),
    }
}

/// Every prefix and many mutations of a valid document: never a panic, and a prefix is never
/// read as a whole document.
#[test]
fn no_input_panics() {
    let text =
        r#"{"a": [1, -2.5e-3, "x\u00e9\ud83d\ude00\n", {"b": null, "c": [true, false]}], "d": {}}"#;
    for end in 0..text.len() {
        if let Some(prefix) = text.get(..end) {
            let _ = value(prefix);
        }
    }
    let bytes = text.as_bytes();
    for i in 0..bytes.len() {
        for replacement in [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'-', b'e', b'u', 0,
        ] {
            let mut mutated = bytes.to_vec();
            mutated[i] = replacement;
            if let Ok(text) = std::str::from_utf8(&mutated) {
                let _ = value(text);
                let _ = Reader::new(text).skip();
            }
        }
    }
}

/// Quotes, backslashes and control characters at every offset of the eight-byte fast path, and
/// non-ASCII text around them, read as serde_json reads them.
#[test]
fn special_bytes_are_found_at_every_offset() {
    for len in 0..20 {
        for at in 0..len {
            for special in [
                "\\\"",
                "\\\\",
                "\\n",
                "\\u00e9",
                "\u{e9}",
                "\u{1F600}",
                "\t",
                "\u{1f}",
            ] {
                let mut text = String::from("\"");
                for i in 0..len {
                    text.push_str(if i == at { special } else { "a" });
                }
                text.push('"');
                let ours = value(&text);
                match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(expected) => {
                        assert_eq!(ours.unwrap(), serde_document(&expected), "{text:?}")
                    }
                    Err(_) => assert!(ours.unwrap_err().is_syntax(), "{text:?}"),
                }
                assert_eq!(
                    Reader::new(&text).skip().is_ok(),
                    ours_is_ok(&text),
                    "{text:?}"
                );
            }
        }
    }
}

fn ours_is_ok(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text).is_ok()
}

#[test]
fn epoch_seconds_are_read_as_written() {
    let read = |text: &str| Reader::new(text).timestamp(TimestampFormat::EpochSeconds);
    assert_eq!(
        read("1515531081.123456789").unwrap(),
        DateTime::from_secs_and_nanos(1515531081, 123_456_789)
    );
    assert_eq!(
        read("-1.5").unwrap(),
        DateTime::from_secs_and_nanos(-2, 500_000_000)
    );
    assert_eq!(read("1.5e3").unwrap(), DateTime::from_secs(1500));
    assert_eq!(read("1e2").unwrap(), DateTime::from_secs(100));
    assert!(read("1e300").is_err());
    assert!(read("99999999999999999999.5").is_err());
}

#[test]
fn collections_drop_or_keep_nulls_and_name_the_failing_entry() {
    let read = |text: &str| Reader::new(text).list(Reader::string);
    assert_eq!(read(r#"["a", null, "b"]"#).unwrap(), ["a", "b"]);
    assert_eq!(
        read(r#"["a", 1]"#).unwrap_err().to_string(),
        "at `[1]`: expected a string, found a number"
    );
    assert_eq!(
        Reader::new(r#"["a", null]"#)
            .sparse_list(Reader::string)
            .unwrap(),
        [Some("a".to_owned()), None]
    );
    let map = Reader::new(r#"{"k": 1, "gone": null}"#)
        .map(str::to_owned, Reader::integer::<i32>)
        .unwrap();
    assert_eq!(map, HashMap::from([("k".to_owned(), 1)]));
    let sparse = Reader::new(r#"{"k": 1, "kept": null}"#)
        .sparse_map(str::to_owned, Reader::integer::<i32>)
        .unwrap();
    assert_eq!(sparse.len(), 2);
    assert_eq!(sparse["kept"], None);
    assert_eq!(
        Reader::new(r#"{"k": "x"}"#)
            .map(str::to_owned, Reader::integer::<i32>)
            .unwrap_err()
            .to_string(),
        "at `[k]`: expected an integer in range, found a string"
    );
}
