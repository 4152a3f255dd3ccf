//! The reader's lexical layer: strings (plain runs scanned eight bytes at a time, escapes,
//! surrogate pairs) and numbers (checked against JSON's grammar), each read or skipped.

use std::borrow::Cow;

use super::Reader;
use crate::json::DeError;

impl<'a> Reader<'a> {
    /// Moves past plain string characters: to the next quote, backslash or control character
    /// (or the end). Eight bytes at a time while none of them is one (the common case: long runs
    /// of text), then byte by byte.
    pub(super) fn scan_plain(&mut self) {
        let bytes = self.bytes();
        while let Some(chunk) = bytes.get(self.pos..self.pos + 8) {
            let word = u64::from_le_bytes([
                chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7],
            ]);
            if has_special_byte(word) {
                break;
            }
            self.pos += 8;
        }
        while let Some(&b) = bytes.get(self.pos) {
            if b == b'"' || b == b'\\' || b < 0x20 {
                break;
            }
            self.pos += 1;
        }
    }

    /// Reads the string at the position (its opening quote).
    pub(super) fn string_text(&mut self) -> Result<Cow<'a, str>, DeError> {
        self.pos += 1;
        let start = self.pos;
        self.scan_plain();
        match self.bytes().get(self.pos) {
            Some(b'"') => {
                let text = self.slice(start, self.pos)?;
                self.pos += 1;
                return Ok(Cow::Borrowed(text));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.syntax("a control character in a string")),
            None => return Err(self.syntax("an unterminated string")),
        }
        let mut out = String::from(self.slice(start, self.pos)?);
        loop {
            // At a backslash.
            out.push(self.escape()?);
            let run = self.pos;
            self.scan_plain();
            out.push_str(self.slice(run, self.pos)?);
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {}
                Some(_) => return Err(self.syntax("a control character in a string")),
                None => return Err(self.syntax("an unterminated string")),
            }
        }
    }

    /// Checks the string at the position (its opening quote) and moves past it, keeping nothing.
    pub(super) fn skip_string(&mut self) -> Result<(), DeError> {
        self.pos += 1;
        loop {
            self.scan_plain();
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.escape()?;
                }
                Some(_) => return Err(self.syntax("a control character in a string")),
                None => return Err(self.syntax("an unterminated string")),
            }
        }
    }

    /// The character of the escape at the position (a backslash), moving past it.
    pub(super) fn escape(&mut self) -> Result<char, DeError> {
        self.pos += 1;
        let bytes = self.bytes();
        let escaped = match bytes.get(self.pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if bytes.get(self.pos) != Some(&b'\\')
                            || bytes.get(self.pos + 1) != Some(&b'u')
                        {
                            return Err(self.syntax("a lone leading surrogate in an escape"));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.syntax("an invalid trailing surrogate"));
                        }
                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.syntax("a lone trailing surrogate in an escape"))
                    }
                    other => other,
                };
                return char::from_u32(code)
                    .ok_or_else(|| self.syntax("an invalid unicode escape"));
            }
            _ => return Err(self.syntax("an invalid escape")),
        };
        self.pos += 1;
        Ok(escaped)
    }

    pub(super) fn hex4(&mut self) -> Result<u32, DeError> {
        let mut value = 0;
        for _ in 0..4 {
            let digit = match self.bytes().get(self.pos) {
                Some(&b) => (b as char).to_digit(16),
                None => None,
            };
            let Some(digit) = digit else {
                return Err(self.syntax("an invalid unicode escape"));
            };
            value = value * 16 + digit;
            self.pos += 1;
        }
        Ok(value)
    }

    pub(super) fn slice(&self, start: usize, end: usize) -> Result<&'a str, DeError> {
        self.text.get(start..end).ok_or_else(|| {
            DeError::syntax(format!("a string split inside a character at byte {end}"))
        })
    }

    /// The text of the number at the position, checked against JSON's grammar:
    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    pub(super) fn number_text(&mut self) -> Result<&'a str, DeError> {
        let bytes = self.bytes();
        let start = self.pos;
        let digits = |pos: &mut usize| {
            let from = *pos;
            while bytes.get(*pos).is_some_and(u8::is_ascii_digit) {
                *pos += 1;
            }
            *pos > from
        };
        let mut pos = self.pos;
        if bytes.get(pos) == Some(&b'-') {
            pos += 1;
        }
        let valid = match bytes.get(pos) {
            Some(b'0') => {
                pos += 1;
                true
            }
            Some(b'1'..=b'9') => digits(&mut pos),
            _ => false,
        } && (bytes.get(pos) != Some(&b'.') || {
            pos += 1;
            digits(&mut pos)
        }) && (!matches!(bytes.get(pos), Some(b'e' | b'E')) || {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            digits(&mut pos)
        });
        if !valid {
            self.pos = pos;
            return Err(self.syntax("an invalid number"));
        }
        self.pos = pos;
        self.slice(start, pos)
    }
}

/// True when one of the eight bytes of `word` is `"`, `\\` or below 0x20 (the bytes that end a
/// run of plain string characters): the classic "has zero byte" bit trick on each comparison.
fn has_special_byte(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    // A byte below 0x20: subtracting 0x20 borrows into its high bit (when it was clear).
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control != 0
}
