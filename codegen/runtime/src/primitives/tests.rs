//! Tests of timestamps (formats, parsing, calendar arithmetic), base64, blobs, documents and
//! numbers.

use super::datetime::{civil_from_days, days_from_civil, days_in_month};
use super::*;
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

fn rfc3339(text: &str) -> DateTime {
    DateTime::parse(text, TimestampFormat::DateTime).unwrap()
}

#[test]
fn epoch_and_present_day() {
    assert_eq!(DateTime::UNIX_EPOCH.to_string(), "1970-01-01T00:00:00Z");
    let t = DateTime::from_secs_and_nanos(1_515_531_081, 123_000_000);
    assert_eq!(t.to_string(), "2018-01-09T20:51:21.123Z");
    assert_eq!(format!("{t:?}"), "2018-01-09T20:51:21.123Z");
    assert_eq!(
        t.format(TimestampFormat::HttpDate),
        "Tue, 09 Jan 2018 20:51:21 GMT"
    );
    assert_eq!(t.format(TimestampFormat::EpochSeconds), "1515531081.123");
    assert_eq!(t.as_secs_f64(), 1_515_531_081.123);
    assert_eq!(DateTime::from_secs_f64(1_515_531_081.123), t);
    assert_eq!(DateTime::from_millis(1_515_531_081_123), t);
    assert_eq!(rfc3339("2018-01-09T20:51:21.123Z"), t);
    assert_eq!("2018-01-09T20:51:21.123Z".parse::<DateTime>().unwrap(), t);
    let whole = DateTime::from_secs(1_398_796_238);
    assert_eq!(whole.to_string(), "2014-04-29T18:30:38Z");
    assert_eq!(whole.format(TimestampFormat::EpochSeconds), "1398796238");
    assert_eq!(whole.as_secs_f64(), 1_398_796_238.0);
    let nanos = DateTime::from_secs_and_nanos(0, 1);
    assert_eq!(nanos.to_string(), "1970-01-01T00:00:00.000000001Z");
    assert_eq!(nanos.format(TimestampFormat::EpochSeconds), "0.000000001");
}

#[test]
fn before_the_epoch() {
    let t = DateTime::from_secs(-1);
    assert_eq!(t.to_string(), "1969-12-31T23:59:59Z");
    assert_eq!(
        t.format(TimestampFormat::HttpDate),
        "Wed, 31 Dec 1969 23:59:59 GMT"
    );
    assert_eq!(t.format(TimestampFormat::EpochSeconds), "-1");
    let half = DateTime::from_secs_f64(-1.5);
    assert_eq!((half.secs(), half.subsec_nanos()), (-2, 500_000_000));
    assert_eq!(half.to_string(), "1969-12-31T23:59:58.5Z");
    assert_eq!(half.format(TimestampFormat::EpochSeconds), "-1.5");
    assert_eq!(half.as_secs_f64(), -1.5);
    let small = DateTime::from_secs_f64(-0.25);
    assert_eq!((small.secs(), small.subsec_nanos()), (-1, 750_000_000));
    assert_eq!(small.format(TimestampFormat::EpochSeconds), "-0.25");
    assert_eq!(
        DateTime::from_millis(-1),
        DateTime::from_secs_and_nanos(-1, 999_000_000)
    );
    assert_eq!(rfc3339("1969-12-31T23:59:58.5Z"), half);
    // 1 BC is the year 0000; the first day of the calendar's year 1 is a Monday.
    let first = rfc3339("0001-01-01T00:00:00Z");
    assert_eq!(first.secs(), -62_135_596_800);
    assert_eq!(
        first.format(TimestampFormat::HttpDate),
        "Mon, 01 Jan 0001 00:00:00 GMT"
    );
    assert_eq!(
        rfc3339("0000-03-01T00:00:00Z").to_string(),
        "0000-03-01T00:00:00Z"
    );
    assert_eq!(
        DateTime::from_secs(-62_135_596_801).to_string(),
        "0000-12-31T23:59:59Z"
    );
    assert_eq!(
        DateTime::from_secs(-62_167_219_201).to_string(),
        "-000001-12-31T23:59:59Z"
    );
}

#[test]
fn leap_years() {
    assert_eq!(rfc3339("2000-02-29T00:00:00Z").secs(), 951_782_400);
    assert_eq!(rfc3339("2024-02-29T12:00:00Z").secs(), 1_709_208_000);
    assert_eq!(
        DateTime::from_secs(951_782_400 + 86_400).to_string(),
        "2000-03-01T00:00:00Z"
    );
    assert_eq!(
        DateTime::from_secs(1_709_251_199).to_string(),
        "2024-02-29T23:59:59Z"
    );
    assert_eq!(
        DateTime::from_secs(1_709_251_200).to_string(),
        "2024-03-01T00:00:00Z"
    );
    for year in ["1900", "2100", "2023"] {
        let text = format!("{year}-02-29T00:00:00Z");
        let error = DateTime::parse(&text, TimestampFormat::DateTime).unwrap_err();
        assert_eq!(
            error.to_string(),
            "invalid RFC 3339 date-time: the day is out of range for the month"
        );
    }
    assert_eq!(
        rfc3339("1600-02-29T00:00:00Z").to_string(),
        "1600-02-29T00:00:00Z"
    );
    assert_eq!(
        rfc3339("1904-02-29T00:00:00Z").format(TimestampFormat::HttpDate),
        "Mon, 29 Feb 1904 00:00:00 GMT"
    );
    // Every day of four centuries around the epoch reads back, and dates follow each other.
    let mut expected = (1770, 1, 1);
    let start = days_from_civil(1770, 1, 1);
    for days in start..start + 146_097 * 2 {
        let date = civil_from_days(days);
        assert_eq!(date, expected, "day {days}");
        assert_eq!(days_from_civil(date.0, date.1, date.2), days);
        expected = if date.2 < days_in_month(date.0, date.1) {
            (date.0, date.1, date.2 + 1)
        } else if date.1 < 12 {
            (date.0, date.1 + 1, 1)
        } else {
            (date.0 + 1, 1, 1)
        };
    }
}

#[test]
fn extremes() {
    assert_eq!(
        rfc3339("9999-12-31T23:59:59.999999999Z").secs(),
        253_402_300_799
    );
    assert_eq!(
        DateTime::from_secs(253_402_300_800).to_string(),
        "+010000-01-01T00:00:00Z"
    );
    let max = DateTime::from_secs_and_nanos(i64::MAX, 999_999_999);
    let min = DateTime::from_secs(i64::MIN);
    for t in [max, min] {
        let text = t.format(TimestampFormat::EpochSeconds);
        assert_eq!(
            DateTime::parse(&text, TimestampFormat::EpochSeconds).unwrap(),
            t
        );
        let _ = (t.to_string(), t.format(TimestampFormat::HttpDate));
    }
    assert!(DateTime::parse("9223372036854775808", TimestampFormat::EpochSeconds).is_err());
    assert!(DateTime::parse("-9223372036854775808", TimestampFormat::EpochSeconds).is_ok());
    assert!(DateTime::parse("-9223372036854775808.5", TimestampFormat::EpochSeconds).is_err());
    assert!(DateTime::parse(&"9".repeat(400), TimestampFormat::EpochSeconds).is_err());
}

#[test]
fn rfc3339_reading() {
    let t = DateTime::from_secs(1_576_540_098);
    assert_eq!(rfc3339("2019-12-16T23:48:18Z"), t);
    assert_eq!(rfc3339("2019-12-16t23:48:18z"), t);
    assert_eq!(rfc3339("2019-12-16 23:48:18Z"), t);
    assert_eq!(rfc3339("2019-12-16T22:48:18-01:00"), t);
    assert_eq!(rfc3339("2019-12-17T00:48:18+01:00"), t);
    assert_eq!(rfc3339("2019-12-16T23:48:18.000Z"), t);
    // Digits past nanoseconds are dropped.
    assert_eq!(
        rfc3339("2019-12-16T23:48:18.1234567891Z").subsec_nanos(),
        123_456_789
    );
    assert_eq!(
        rfc3339("2016-12-31T23:59:60Z"),
        rfc3339("2017-01-01T00:00:00Z")
    );
    for (text, reason) in [
        ("", "expected a four-digit year"),
        ("2019-12-16", "expected `T` between the date and the time"),
        (
            "2019-12-16T23:48:18",
            "expected `Z` or an offset such as `+01:00` after the time",
        ),
        ("2019-13-16T23:48:18Z", "the month is out of range"),
        (
            "2019-12-32T23:48:18Z",
            "the day is out of range for the month",
        ),
        ("2019-12-16T24:48:18Z", "the hour is out of range"),
        ("2019-12-16T23:60:18Z", "the minute is out of range"),
        ("2019-12-16T23:48:61Z", "the second is out of range"),
        (
            "2019-12-16T23:48:18.Z",
            "a `.` must be followed by the digits of the fraction",
        ),
        (
            "2019-12-16T23:48:18Z ",
            "unexpected text after the timestamp",
        ),
        ("2019-12-16T23:48:18+0100", "expected `:` in the offset"),
        ("19-12-16T23:48:18Z", "expected a four-digit year"),
        ("2019-1-16T23:48:18Z", "expected a two-digit month"),
    ] {
        let error = DateTime::parse(text, TimestampFormat::DateTime).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid RFC 3339 date-time: {reason}"),
            "{text:?}"
        );
        assert_eq!(error.format(), TimestampFormat::DateTime);
    }
}

#[test]
fn http_dates() {
    let t = DateTime::from_secs(1_398_796_238);
    let read = |text| DateTime::parse(text, TimestampFormat::HttpDate);
    assert_eq!(
        t.format(TimestampFormat::HttpDate),
        "Tue, 29 Apr 2014 18:30:38 GMT"
    );
    assert_eq!(read("Tue, 29 Apr 2014 18:30:38 GMT").unwrap(), t);
    let fraction = read("Tue, 29 Apr 2014 18:30:38.25 GMT").unwrap();
    assert_eq!(
        fraction,
        DateTime::from_secs_and_nanos(1_398_796_238, 250_000_000)
    );
    // The format has whole seconds.
    assert_eq!(
        fraction.format(TimestampFormat::HttpDate),
        "Tue, 29 Apr 2014 18:30:38 GMT"
    );
    assert_eq!(
        read("Thu, 29 Feb 2024 00:00:00 GMT").unwrap().secs(),
        1_709_164_800
    );
    for (text, reason) in [
        (
            "Tue, 29 Apr 2014 18:30:38",
            "expected ` GMT` after the time",
        ),
        (
            "Tue, 29 Apr 2014 18:30:38 UTC",
            "expected ` GMT` after the time",
        ),
        (
            "Tuesday, 29 Apr 2014 18:30:38 GMT",
            "expected `,` after the day name",
        ),
        (
            "Tue, 29 April 2014 18:30:38 GMT",
            "expected a space after the month",
        ),
        (
            "Tue, 29 Abr 2014 18:30:38 GMT",
            "expected a month name such as `Apr`",
        ),
        (
            "tue, 29 Apr 2014 18:30:38 GMT",
            "expected a day name such as `Tue`",
        ),
        (
            "Tue, 31 Apr 2014 18:30:38 GMT",
            "the day is out of range for the month",
        ),
        ("2014-04-29T18:30:38Z", "expected a day name such as `Tue`"),
    ] {
        let error = read(text).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid HTTP date (IMF-fixdate): {reason}"),
            "{text:?}"
        );
    }
}

#[test]
fn epoch_seconds_text() {
    let read = |text| DateTime::parse(text, TimestampFormat::EpochSeconds);
    assert_eq!(
        read("1515531081.123").unwrap(),
        DateTime::from_millis(1_515_531_081_123)
    );
    assert_eq!(read("+5").unwrap(), DateTime::from_secs(5));
    assert_eq!(read("-0").unwrap(), DateTime::UNIX_EPOCH);
    assert_eq!(
        read("-0.5").unwrap(),
        DateTime::from_secs_and_nanos(-1, 500_000_000)
    );
    for (text, reason) in [
        ("", "expected the digits of a number"),
        ("-", "expected the digits of a number"),
        ("1.", "a `.` must be followed by the digits of the fraction"),
        ("1e9", "unexpected text after the timestamp"),
        (" 1", "expected the digits of a number"),
    ] {
        let error = read(text).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("invalid epoch seconds: {reason}"),
            "{text:?}"
        );
    }
}

#[test]
#[should_panic(expected = "finite")]
fn from_secs_f64_refuses_nan() {
    DateTime::from_secs_f64(f64::NAN);
}

#[test]
#[should_panic(expected = "beyond the range")]
fn from_secs_f64_refuses_huge_values() {
    DateTime::from_secs_f64(1e300);
}

#[test]
fn system_time() {
    for t in [
        DateTime::from_secs_and_nanos(1_515_531_081, 123_456_789),
        DateTime::from_secs_and_nanos(-2, 500_000_000),
        DateTime::UNIX_EPOCH,
    ] {
        let system = SystemTime::try_from(t).unwrap();
        assert_eq!(DateTime::from(system), t);
    }
    let before = UNIX_EPOCH - Duration::from_millis(1500);
    assert_eq!(DateTime::from(before), DateTime::from_millis(-1500));
    let now = SystemTime::now();
    assert_eq!(SystemTime::try_from(DateTime::from(now)).unwrap(), now);
}

#[test]
fn base64_rfc4648_vectors() {
    for (plain, encoded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(base64::encode(plain), encoded);
        assert_eq!(base64::decode(encoded).unwrap(), plain.as_bytes());
    }
    let every_byte: Vec<u8> = (0..=255).collect();
    for end in 0..every_byte.len() {
        let bytes = &every_byte[..end];
        assert_eq!(base64::decode(base64::encode(bytes)).unwrap(), bytes);
    }
    assert_eq!(base64::encode([0xfb, 0xff]), "+/8=");
    let blob = Blob::from_base64("YWJj").unwrap();
    assert_eq!(blob, Blob::from("abc"));
    assert_eq!(blob.to_base64(), "YWJj");
}

#[test]
fn base64_refuses_invalid_text() {
    use base64::DecodeError::*;
    for (text, error) in [
        ("Zm9", Length(3)),
        ("Zg=", Length(3)),
        ("Zm9v\n", Length(5)),
        ("Zm9v!A==", Character(4)),
        ("Zm 9", Character(2)),
        ("Zm9-", Character(3)),
        ("Zg==Zg==", Padding(2)),
        ("Z===", Padding(1)),
        ("Zm=v", Padding(2)),
        ("====", Padding(0)),
    ] {
        assert_eq!(base64::decode(text), Err(error), "{text:?}");
    }
    assert_eq!(
        Length(3).to_string(),
        "invalid base64: the length 3 is not a multiple of 4 (padding with `=` is required)"
    );
    assert_eq!(
        Character(4).to_string(),
        "invalid base64: the character at byte 4 is not in the standard alphabet"
    );
    assert_eq!(
        Padding(1).to_string(),
        "invalid base64: the `=` at byte 1 is not at the end of the text"
    );
}

#[test]
fn blobs() {
    let blob = Blob::new(vec![1, 2, 3]);
    assert_eq!(blob.as_ref(), &[1, 2, 3]);
    assert_eq!((blob.len(), blob.is_empty()), (3, false));
    assert_eq!(Blob::from(&[1u8, 2, 3][..]), blob);
    assert_eq!(Blob::from(&[1u8, 2, 3]), blob);
    assert_eq!(Vec::from(blob.clone()), vec![1, 2, 3]);
    assert_eq!(blob.into_inner(), vec![1, 2, 3]);
    assert!(Blob::default().is_empty());
}

#[test]
fn documents() {
    let document = Document::Object(HashMap::from([
        (
            "b".to_owned(),
            Document::from(vec![
                Document::from(1),
                Document::from(-2),
                Document::from(0.5),
            ]),
        ),
        (
            "a".to_owned(),
            Document::from("quote \" backslash \\ newline \n bell \u{7}"),
        ),
        ("c".to_owned(), Document::Null),
        ("d".to_owned(), Document::from(true)),
        ("e".to_owned(), Document::from(f64::NAN)),
    ]));
    assert_eq!(
        document.to_string(),
        r#"{"a":"quote \" backslash \\ newline \n bell \u0007","b":[1,-2,0.5],"c":null,"d":true,"e":null}"#
    );
    assert_eq!(document.as_object().unwrap()["d"].as_bool(), Some(true));
    assert_eq!(Document::from("x").as_str(), Some("x"));
    assert!(Document::default().is_null());
    assert_eq!(Document::from(vec![]).as_array().map(Vec::len), Some(0));
    assert_eq!(
        Document::from(7).as_number().and_then(Number::as_u64),
        Some(7)
    );
}

#[test]
fn numbers_compare_by_value() {
    assert_eq!(Number::PosInt(1), Number::NegInt(1));
    assert_eq!(Number::PosInt(1), Number::Float(1.0));
    assert_eq!(Number::Float(-2.0), Number::NegInt(-2));
    assert_ne!(Number::Float(1.5), Number::PosInt(1));
    assert_ne!(Number::PosInt(u64::MAX), Number::Float(u64::MAX as f64));
    assert_ne!(Number::Float(f64::NAN), Number::Float(f64::NAN));
    assert_eq!(Number::from(-3i64), Number::NegInt(-3));
    assert!(matches!(Number::from(3i64), Number::PosInt(3)));
    assert_eq!(Number::NegInt(-1).as_u64(), None);
    assert_eq!(Number::PosInt(u64::MAX).as_i64(), None);
}
