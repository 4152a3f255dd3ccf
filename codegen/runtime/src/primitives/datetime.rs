//! `DateTime` and `TimestampFormat`: the instant, its conversions, writing it in each format,
//! and the calendar arithmetic behind them. Reading the formats is in `parse`.

use std::fmt;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod parse;

use parse::{parse_epoch_seconds, parse_http_date, parse_rfc3339};

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
        let mut text = String::new();
        // Writing to a `String` cannot fail.
        let _ = self.write_in(format, &mut text);
        text
    }

    /// Writes the instant in `format` to `out`, as [`DateTime::format`] does but without
    /// allocating (the JSON writer puts it straight into a request body).
    pub(crate) fn write_in(
        &self,
        format: TimestampFormat,
        out: &mut impl fmt::Write,
    ) -> fmt::Result {
        match format {
            TimestampFormat::DateTime => write!(out, "{self}"),
            TimestampFormat::HttpDate => {
                let (year, month, day, hour, minute, second) = self.civil();
                let weekday = (self.secs.div_euclid(SECS_PER_DAY) + 4).rem_euclid(7) as usize;
                write!(
                    out,
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
                write!(out, "{sign}{whole}{}", Fraction(nanos))
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
        // The nine digits without their trailing zeros: 120_000_000 is `.12`.
        let (mut digits, mut width) = (self.0, 9);
        while digits % 10 == 0 {
            digits /= 10;
            width -= 1;
        }
        write!(f, ".{digits:0width$}")
    }
}

fn is_leap_year(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

pub(super) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (after Howard Hinnant's
/// `days_from_civil`: years counted from March, so the leap day ends a year).
pub(super) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The date `days` after 1970-01-01 (the inverse of [`days_from_civil`]).
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
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
