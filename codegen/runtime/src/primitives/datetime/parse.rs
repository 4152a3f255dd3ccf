//! Reading timestamps: a cursor over the text's bytes, and one parser per timestamp format
//! (RFC 3339, HTTP date, epoch seconds), each checking every field.

use super::{
    days_from_civil, days_in_month, DateTime, MONTHS, NANOS_PER_SEC, SECS_PER_DAY, WEEKDAYS,
};

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

pub(super) fn parse_rfc3339(text: &str) -> Parsed<DateTime> {
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

pub(super) fn parse_http_date(text: &str) -> Parsed<DateTime> {
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

pub(super) fn parse_epoch_seconds(text: &str) -> Parsed<DateTime> {
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
