//! The values of Smithy's `timestamp`, `blob` and `document` shapes, and the text formats the
//! AWS protocols write them in.
//!
//! - [`DateTime`]: an instant in UTC with nanosecond precision, read and written as RFC 3339
//!   (`2018-01-09T20:51:21.123Z`), as an HTTP date (`Tue, 09 Jan 2018 20:51:21 GMT`) or as
//!   epoch seconds (`1515531081.123`): see [`TimestampFormat`].
//! - [`Blob`]: bytes, sent as [`base64`] text.
//! - [`Document`]: untyped JSON-like data, sent as the JSON value it is.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const NANOS_PER_SEC: u32 = 1_000_000_000;
const SECS_PER_DAY: i64 = 86_400;
const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// How a timestamp is written as text: the values of Smithy's `@timestampFormat` trait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimestampFormat {
    /// RFC 3339 `date-time` in UTC, e.g. `2018-01-09T20:51:21.123Z`, with fractional seconds
    /// only when they are not zero. Reading also accepts offsets such as `+01:00`.
    DateTime,
    /// The IMF-fixdate of HTTP (RFC 9110), e.g. `Tue, 09 Jan 2018 20:51:21 GMT`. The format has
    /// whole seconds: writing drops a fraction, reading accepts one (`20:51:21.123 GMT`).
    HttpDate,
    /// Seconds since 1970-01-01T00:00:00Z, with a fraction when it is not zero, e.g.
    /// `1515531081.123` or `-1.5`.
    EpochSeconds,
}

impl TimestampFormat {
    fn name(self) -> &'static str {
        match self {
            Self::DateTime => "RFC 3339 date-time",
            Self::HttpDate => "HTTP date (IMF-fixdate)",
            Self::EpochSeconds => "epoch seconds",
        }
    }
}

/// An instant in UTC: whole seconds since the Unix epoch (1970-01-01T00:00:00Z) and the
/// nanoseconds into that second.
///
/// Before the epoch the seconds are negative and the nanoseconds still count forward:
/// 1969-12-31T23:59:58.5Z is `-2` seconds and `500_000_000` nanoseconds.
///
/// `Display` (and `Debug`) show RFC 3339 in UTC, with fractional seconds only when they are not
/// zero: `2018-01-09T20:51:21.123Z`. `FromStr` reads RFC 3339. [`DateTime::format`] and
/// [`DateTime::parse`] handle every [`TimestampFormat`]. Converts from and to [`SystemTime`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTime {
    secs: i64,
    /// Always below one second.
    nanos: u32,
}

impl DateTime {
    /// 1970-01-01T00:00:00Z.
    pub const UNIX_EPOCH: DateTime = DateTime { secs: 0, nanos: 0 };

    /// The instant `secs` whole seconds after (or, when negative, before) the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Self { secs, nanos: 0 }
    }

    /// The instant `secs` seconds plus `nanos` nanoseconds after the epoch (`secs` may be
    /// negative; `nanos` always counts forward).
    ///
    /// # Panics
    ///
    /// When `nanos` is one second or more.
    pub const fn from_secs_and_nanos(secs: i64, nanos: u32) -> Self {
        assert!(nanos < NANOS_PER_SEC, "nanos must be below 1_000_000_000");
        Self { secs, nanos }
    }

    /// The instant `millis` milliseconds after (or, when negative, before) the epoch.
    pub const fn from_millis(millis: i64) -> Self {
        Self {
            secs: millis.div_euclid(1000),
            nanos: millis.rem_euclid(1000) as u32 * 1_000_000,
        }
    }

    /// The instant `secs` seconds after the epoch, taken as the shortest decimal that reads back
    /// as `secs` (so `1515531081.123` is 123 milliseconds, not 122.999906 of them), to the
    /// nanosecond.
    ///
    /// # Panics
    ///
    /// When `secs` is not finite or is beyond the range of `DateTime` (about ±292 billion
    /// years).
    pub fn from_secs_f64(secs: f64) -> Self {
        assert!(secs.is_finite(), "the seconds must be a finite number");
        // `Display` of an `f64` is the shortest round-tripping decimal, never in exponent form.
        parse_epoch_seconds(&secs.to_string())
            .unwrap_or_else(|_| panic!("{secs} seconds is beyond the range of DateTime"))
    }

    /// Whole seconds since the epoch (negative before it): the floor of the instant.
    pub const fn secs(&self) -> i64 {
        self.secs
    }

    /// Nanoseconds into the second, counting forward from [`DateTime::secs`]: always below
    /// 1_000_000_000.
    pub const fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// Seconds since the epoch with the fraction, as the nearest `f64` (exact to the
    /// microsecond for present-day instants).
    pub fn as_secs_f64(&self) -> f64 {
        if self.nanos == 0 {
            return self.secs as f64;
        }
        self.format(TimestampFormat::EpochSeconds)
            .parse()
            .expect("epoch seconds text is a valid float")
    }

    /// Reads `text` in `format`.
    pub fn parse(text: &str, format: TimestampFormat) -> Result<Self, DateTimeParseError> {
        let parsed = match format {
            TimestampFormat::DateTime => parse_rfc3339(text),
            TimestampFormat::HttpDate => parse_http_date(text),
            TimestampFormat::EpochSeconds => parse_epoch_seconds(text),
        };
        parsed.map_err(|reason| DateTimeParseError { format, reason })
    }

    /// Writes the instant in `format`.
    ///
    /// RFC 3339 and HTTP dates have four-digit years: instants outside the years 0000 to 9999
    /// are written with more digits (and, in RFC 3339, a sign), which services refuse.
    pub fn format(&self, format: TimestampFormat) -> String {
        match format {
            TimestampFormat::DateTime => self.to_string(),
            TimestampFormat::HttpDate => {
                let (year, month, day, hour, minute, second) = self.civil();
                let weekday = (self.secs.div_euclid(SECS_PER_DAY) + 4).rem_euclid(7) as usize;
                format!(
                    "{}, {day:02} {} {year:04} {hour:02}:{minute:02}:{second:02} GMT",
                    WEEKDAYS[weekday],
                    MONTHS[month as usize - 1]
                )
            }
            TimestampFormat::EpochSeconds => {
                let total = self.total_nanos();
                let sign = if total < 0 { "-" } else { "" };
                let magnitude = total.unsigned_abs();
                let whole = magnitude / u128::from(NANOS_PER_SEC);
                let nanos = (magnitude % u128::from(NANOS_PER_SEC)) as u32;
                format!("{sign}{whole}{}", Fraction(nanos))
            }
        }
    }

    /// Year, month, day, hour, minute and second in UTC.
    fn civil(&self) -> (i64, u32, u32, u32, u32, u32) {
        let (year, month, day) = civil_from_days(self.secs.div_euclid(SECS_PER_DAY));
        let of_day = self.secs.rem_euclid(SECS_PER_DAY) as u32;
        (
            year,
            month,
            day,
            of_day / 3600,
            of_day / 60 % 60,
            of_day % 60,
        )
    }

    fn total_nanos(&self) -> i128 {
        i128::from(self.secs) * i128::from(NANOS_PER_SEC) + i128::from(self.nanos)
    }

    /// `None` beyond the range of `i64` seconds.
    fn from_total_nanos(total: i128) -> Option<Self> {
        let per_sec = i128::from(NANOS_PER_SEC);
        Some(Self {
            secs: i64::try_from(total.div_euclid(per_sec)).ok()?,
            nanos: total.rem_euclid(per_sec) as u32,
        })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (year, month, day, hour, minute, second) = self.civil();
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")?;
        } else {
            // ISO 8601's expanded years: a sign and at least six digits.
            write!(f, "{year:+07}")?;
        }
        write!(
            f,
            "-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{}Z",
            Fraction(self.nanos)
        )
    }
}

impl fmt::Debug for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl FromStr for DateTime {
    type Err = DateTimeParseError;

    /// Reads RFC 3339, e.g. `2018-01-09T20:51:21.123Z` or `2018-01-09T21:51:21+01:00`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text, TimestampFormat::DateTime)
    }
}

impl From<SystemTime> for DateTime {
    /// The same instant; saturates at the range of `DateTime` (which a `SystemTime` never
    /// exceeds on common platforms).
    fn from(time: SystemTime) -> Self {
        let total = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i128::try_from(after.as_nanos()).unwrap_or(i128::MAX),
            Err(before) => -i128::try_from(before.duration().as_nanos()).unwrap_or(i128::MAX),
        };
        Self::from_total_nanos(total).unwrap_or(if total < 0 {
            Self::from_secs(i64::MIN)
        } else {
            Self::from_secs_and_nanos(i64::MAX, NANOS_PER_SEC - 1)
        })
    }
}

impl TryFrom<DateTime> for SystemTime {
    type Error = OutOfRangeError;

    /// The same instant, or an error when the platform's `SystemTime` cannot hold it.
    fn try_from(time: DateTime) -> Result<Self, Self::Error> {
        let total = time.total_nanos();
        let magnitude = total.unsigned_abs();
        let per_sec = u128::from(NANOS_PER_SEC);
        let secs = u64::try_from(magnitude / per_sec).map_err(|_| OutOfRangeError)?;
        let duration = Duration::new(secs, (magnitude % per_sec) as u32);
        if total < 0 {
            UNIX_EPOCH.checked_sub(duration)
        } else {
            UNIX_EPOCH.checked_add(duration)
        }
        .ok_or(OutOfRangeError)
    }
}

/// A [`DateTime`] that a [`SystemTime`] of this platform cannot hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfRangeError;

impl fmt::Display for OutOfRangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the instant is beyond the range of SystemTime on this platform")
    }
}

impl std::error::Error for OutOfRangeError {}

/// Text that is not a timestamp in the expected [`TimestampFormat`]. The message says what is
/// wrong without repeating the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeParseError {
    format: TimestampFormat,
    reason: &'static str,
}

impl DateTimeParseError {
    /// The format the text was expected in.
    pub fn format(&self) -> TimestampFormat {
        self.format
    }

    /// What is wrong with the text, e.g. `the month is out of range`.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for DateTimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {}: {}", self.format.name(), self.reason)
    }
}

impl std::error::Error for DateTimeParseError {}

/// `.123` for 123_000_000 nanoseconds; nothing for zero.
struct Fraction(u32);

impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return Ok(());
        }
        let digits = format!("{:09}", self.0);
        write!(f, ".{}", digits.trim_end_matches('0'))
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (after Howard Hinnant's
/// `days_from_civil`: years counted from March, so the leap day ends a year).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01 (the inverse of [`days_from_civil`]).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400;
    (if month <= 2 { year + 1 } else { year }, month, day)
}

/// A position in text being parsed; errors are static reasons.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

type Parsed<T> = Result<T, &'static str>;

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Takes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn expect(&mut self, byte: u8, reason: &'static str) -> Parsed<()> {
        if self.eat(byte) {
            Ok(())
        } else {
            Err(reason)
        }
    }

    /// Exactly `count` ASCII digits.
    fn digits(&mut self, count: usize, reason: &'static str) -> Parsed<u32> {
        let mut value = 0;
        for _ in 0..count {
            match self.peek() {
                Some(byte @ b'0'..=b'9') => {
                    value = value * 10 + u32::from(byte - b'0');
                    self.at += 1;
                }
                _ => return Err(reason),
            }
        }
        Ok(value)
    }

    /// After a `.`: one or more digits, as nanoseconds (digits past the ninth are dropped).
    fn fraction(&mut self) -> Parsed<u32> {
        let mut nanos = 0;
        let mut count = 0;
        while let Some(byte @ b'0'..=b'9') = self.peek() {
            if count < 9 {
                nanos = nanos * 10 + u32::from(byte - b'0');
            }
            count += 1;
            self.at += 1;
        }
        if count == 0 {
            return Err("a `.` must be followed by the digits of the fraction");
        }
        Ok(nanos * 10u32.pow(9 - count.min(9)))
    }

    /// One of `words` (each three bytes long), by index.
    fn word(&mut self, words: &[&str], reason: &'static str) -> Parsed<usize> {
        let rest = &self.bytes[self.at..];
        let index = words
            .iter()
            .position(|word| rest.starts_with(word.as_bytes()))
            .ok_or(reason)?;
        self.at += words[index].len();
        Ok(index)
    }

    fn end(&self) -> Parsed<()> {
        if self.at == self.bytes.len() {
            Ok(())
        } else {
            Err("unexpected text after the timestamp")
        }
    }
}

/// Seconds since the epoch of a UTC date and time, with the fields checked.
fn checked_secs(
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> Parsed<i64> {
    if !(1..=12).contains(&month) {
        return Err("the month is out of range");
    }
    if day == 0 || day > days_in_month(year, month) {
        return Err("the day is out of range for the month");
    }
    if hour > 23 {
        return Err("the hour is out of range");
    }
    if minute > 59 {
        return Err("the minute is out of range");
    }
    // 60 is a leap second, which counts as the first second of the next minute.
    if second > 60 {
        return Err("the second is out of range");
    }
    Ok(days_from_civil(year, month, day) * SECS_PER_DAY
        + i64::from(hour * 3600 + minute * 60 + second))
}

/// `hh:mm:ss` with an optional fraction: (hour, minute, second, nanos).
fn time_of_day(cursor: &mut Cursor) -> Parsed<(u32, u32, u32, u32)> {
    let hour = cursor.digits(2, "expected a two-digit hour")?;
    cursor.expect(b':', "expected `:` after the hour")?;
    let minute = cursor.digits(2, "expected a two-digit minute")?;
    cursor.expect(b':', "expected `:` after the minute")?;
    let second = cursor.digits(2, "expected two-digit seconds")?;
    let nanos = if cursor.eat(b'.') {
        cursor.fraction()?
    } else {
        0
    };
    Ok((hour, minute, second, nanos))
}

fn parse_rfc3339(text: &str) -> Parsed<DateTime> {
    let mut cursor = Cursor::new(text);
    let year = cursor.digits(4, "expected a four-digit year")?;
    cursor.expect(b'-', "expected `-` after the year")?;
    let month = cursor.digits(2, "expected a two-digit month")?;
    cursor.expect(b'-', "expected `-` after the month")?;
    let day = cursor.digits(2, "expected a two-digit day")?;
    if !(cursor.eat(b'T') || cursor.eat(b't') || cursor.eat(b' ')) {
        return Err("expected `T` between the date and the time");
    }
    let (hour, minute, second, nanos) = time_of_day(&mut cursor)?;
    let offset = if cursor.eat(b'Z') || cursor.eat(b'z') {
        0
    } else {
        let sign = if cursor.eat(b'+') {
            1
        } else if cursor.eat(b'-') {
            -1
        } else {
            return Err("expected `Z` or an offset such as `+01:00` after the time");
        };
        let hours = cursor.digits(2, "expected a two-digit offset hour")?;
        cursor.expect(b':', "expected `:` in the offset")?;
        let minutes = cursor.digits(2, "expected two-digit offset minutes")?;
        if hours > 23 || minutes > 59 {
            return Err("the offset is out of range");
        }
        sign * i64::from(hours * 3600 + minutes * 60)
    };
    cursor.end()?;
    let secs = checked_secs(i64::from(year), month, day, hour, minute, second)? - offset;
    Ok(DateTime { secs, nanos })
}

fn parse_http_date(text: &str) -> Parsed<DateTime> {
    let mut cursor = Cursor::new(text);
    cursor.word(&WEEKDAYS, "expected a day name such as `Tue`")?;
    cursor.expect(b',', "expected `,` after the day name")?;
    cursor.expect(b' ', "expected a space after the day name")?;
    let day = cursor.digits(2, "expected a two-digit day")?;
    cursor.expect(b' ', "expected a space after the day")?;
    let month = cursor.word(&MONTHS, "expected a month name such as `Apr`")? as u32 + 1;
    cursor.expect(b' ', "expected a space after the month")?;
    let year = cursor.digits(4, "expected a four-digit year")?;
    cursor.expect(b' ', "expected a space after the year")?;
    let (hour, minute, second, nanos) = time_of_day(&mut cursor)?;
    cursor.expect(b' ', "expected ` GMT` after the time")?;
    cursor.word(&["GMT"], "expected ` GMT` after the time")?;
    cursor.end()?;
    let secs = checked_secs(i64::from(year), month, day, hour, minute, second)?;
    Ok(DateTime { secs, nanos })
}

fn parse_epoch_seconds(text: &str) -> Parsed<DateTime> {
    let mut cursor = Cursor::new(text);
    let negative = cursor.eat(b'-');
    if !negative {
        cursor.eat(b'+');
    }
    let mut whole: i128 = 0;
    let mut digits = 0;
    while let Some(byte @ b'0'..=b'9') = cursor.peek() {
        whole = whole * 10 + i128::from(byte - b'0');
        digits += 1;
        cursor.at += 1;
        if whole > i128::from(i64::MAX) + 1 {
            return Err("the number is beyond the range of DateTime");
        }
    }
    if digits == 0 {
        return Err("expected the digits of a number");
    }
    let nanos = if cursor.eat(b'.') {
        cursor.fraction()?
    } else {
        0
    };
    cursor.end()?;
    let total = whole * i128::from(NANOS_PER_SEC) + i128::from(nanos);
    DateTime::from_total_nanos(if negative { -total } else { total })
        .ok_or("the number is beyond the range of DateTime")
}

/// Bytes: the value of a `blob` member. Sent as [`base64`] text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Blob(Vec<u8>);

impl Blob {
    /// A blob of `bytes`.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The bytes.
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }

    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no bytes.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AsRef<[u8]> for Blob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Blob {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl<const N: usize> From<&[u8; N]> for Blob {
    fn from(bytes: &[u8; N]) -> Self {
        Self(bytes.to_vec())
    }
}

impl From<&str> for Blob {
    /// The UTF-8 bytes of the text.
    fn from(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }
}

impl From<String> for Blob {
    /// The UTF-8 bytes of the text.
    fn from(text: String) -> Self {
        Self(text.into_bytes())
    }
}

impl From<Blob> for Vec<u8> {
    fn from(blob: Blob) -> Self {
        blob.0
    }
}

/// Base64 with the standard alphabet and `=` padding (RFC 4648, section 4): how the AWS JSON
/// protocols send blobs.
pub mod base64 {
    use std::fmt;

    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const PAD: u8 = b'=';

    /// The base64 text of `bytes`.
    pub fn encode(bytes: impl AsRef<[u8]>) -> String {
        let bytes = bytes.as_ref();
        let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let group = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    let index = (group >> (18 - 6 * i)) & 0x3f;
                    text.push(char::from(ALPHABET[index as usize]));
                } else {
                    text.push(char::from(PAD));
                }
            }
        }
        text
    }

    /// The bytes of base64 `text`. Refuses characters outside the standard alphabet (including
    /// whitespace), a length that is not a multiple of four, and misplaced padding.
    pub fn decode(text: impl AsRef<[u8]>) -> Result<Vec<u8>, DecodeError> {
        let text = text.as_ref();
        if text.len() % 4 != 0 {
            return Err(DecodeError::Length(text.len()));
        }
        let mut bytes = Vec::with_capacity(text.len() / 4 * 3);
        let groups = text.len() / 4;
        for (g, group) in text.chunks(4).enumerate() {
            let last = g + 1 == groups;
            // Padding may only end the text: `xx==` or `xxx=`.
            let padding = match group {
                [_, _, PAD, PAD] if last => 2,
                [_, _, _, PAD] if last => 1,
                _ => 0,
            };
            let mut value = 0u32;
            for (i, &c) in group[..4 - padding].iter().enumerate() {
                let sextet = sextet(c).ok_or(if c == PAD {
                    DecodeError::Padding(g * 4 + i)
                } else {
                    DecodeError::Character(g * 4 + i)
                })?;
                value |= u32::from(sextet) << (18 - 6 * i);
            }
            let decoded = [(value >> 16) as u8, (value >> 8) as u8, value as u8];
            bytes.extend_from_slice(&decoded[..3 - padding]);
        }
        Ok(bytes)
    }

    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }

    /// Text that is not base64. The message gives the byte offset of the problem without
    /// repeating the text.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum DecodeError {
        /// The text's length (given) is not a multiple of four.
        Length(usize),
        /// The byte at this offset is not in the standard alphabet.
        Character(usize),
        /// The `=` at this offset is not where padding may be: at the end, at most two.
        Padding(usize),
    }

    impl fmt::Display for DecodeError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                Self::Length(length) => write!(
                    f,
                    "invalid base64: the length {length} is not a multiple of 4 (padding with `=` is required)"
                ),
                Self::Character(offset) => write!(
                    f,
                    "invalid base64: the character at byte {offset} is not in the standard alphabet"
                ),
                Self::Padding(offset) => write!(
                    f,
                    "invalid base64: the `=` at byte {offset} is not at the end of the text"
                ),
            }
        }
    }

    impl std::error::Error for DecodeError {}
}

impl Blob {
    /// The blob of base64 `text` (standard alphabet, padded); see [`base64::decode`].
    pub fn from_base64(text: impl AsRef<[u8]>) -> Result<Self, base64::DecodeError> {
        base64::decode(text).map(Self)
    }

    /// The bytes as base64 text (standard alphabet, padded).
    pub fn to_base64(&self) -> String {
        base64::encode(&self.0)
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
