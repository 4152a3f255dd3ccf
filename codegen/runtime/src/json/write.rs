//! Writing the model's values as JSON text, straight into a request body.
//!
//! The generated serializers (`crate::codec::ser_*`) drive a [`Writer`]: no `serde_json::Value`
//! tree, no copy of a string. The text is byte for byte what `serde_json::to_vec` writes for
//! the same values: numbers and strings that need escapes are written by serde_json itself (its
//! escaping, its ryu floats, its itoa integers), and a string with nothing to escape is its
//! bytes between quotes, as serde_json writes it, in one copy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::{fmt, io};

use crate::primitives::{base64, Blob, DateTime, Document, Number, TimestampFormat};

/// The size of an operation's last request body, from which the buffer of its next one is
/// allocated: one allocation per body, no growing, in the steady state.
///
/// Why a size learned per operation, rather than an exact size measured first or growing from
/// empty: measured in a release build on three bodies (a SendTaskFailure input of 101 bytes, a
/// list of 1,000 strings of 20 KB, 200 structures with numbers, timestamps and maps of 28 KB),
/// in instructions per body under cachegrind, all three with the same writer:
///
/// | sizing                                  | 101 B | 20 KB   | 28 KB     |
/// |-----------------------------------------|-------|---------|-----------|
/// | grow from empty (3 / 12 / 12 reallocs)  | 2,381 | 162,443 | 751,113   |
/// | exact size, from a measuring pass first | 1,951 | 271,788 | 1,341,548 |
/// | the last body's size (this)             | 1,236 | 159,677 | 748,343   |
///
/// A measuring pass sizes every body exactly, but it walks the input twice and formats every
/// number and timestamp twice: 70 to 80% more work on large bodies, to save reallocations that
/// cost 2% there (and 50% on small bodies, where the allocator dominates). The learned size
/// costs a relaxed atomic load (and a store when the size changes). Its misses: the first body
/// of an operation grows from empty, and a body more than a quarter larger than the last one
/// grows (doubling) from there; a smaller one leaves the rest of the buffer unused.
#[derive(Debug, Default)]
pub struct BodySize(AtomicUsize);

impl BodySize {
    /// No body written yet.
    pub const fn new() -> Self {
        Self(AtomicUsize::new(0))
    }

    /// The JSON text that `write` writes, in a buffer the size of the last body plus a
    /// quarter (and 16 bytes, for tiny bodies).
    pub fn write(&self, write: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let last = self.0.load(Ordering::Relaxed);
        let mut writer = Writer::with_capacity(last.saturating_add(last / 4).saturating_add(16));
        write(&mut writer);
        let len = writer.buf.len();
        // Calls of one operation from many threads share this: write only when it changes.
        if len != last {
            self.0.store(len, Ordering::Relaxed);
        }
        writer.buf
    }
}

/// JSON text written into one buffer: a request body.
///
/// The generated serializers call the methods in document order; the writer puts the commas
/// and colons in. [`BodySize::write`] writes a whole body.
///
/// `Debug` shows the length only: the text may hold `@sensitive` values.
#[derive(Default)]
pub struct Writer {
    buf: Vec<u8>,
    /// A value was just completed, so the next value or key needs a comma first.
    comma: bool,
}

impl fmt::Debug for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Writer")
            .field("len", &self.buf.len())
            .finish_non_exhaustive()
    }
}

impl Writer {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty writer whose buffer holds `capacity` bytes before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
            comma: false,
        }
    }

    /// The bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    /// True when nothing has been written yet.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// The text written.
    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Starts a value (or a key): a comma when a value came before it at this level.
    fn separate(&mut self) {
        if self.comma {
            self.buf.push(b',');
        }
    }

    /// `{`; members follow as [`Writer::key`] then the value.
    pub fn begin_object(&mut self) {
        self.separate();
        self.raw(b"{");
        self.comma = false;
    }

    /// `}`.
    pub fn end_object(&mut self) {
        self.raw(b"}");
        self.comma = true;
    }

    /// `[`; the items follow.
    pub fn begin_array(&mut self) {
        self.separate();
        self.raw(b"[");
        self.comma = false;
    }

    /// `]`.
    pub fn end_array(&mut self) {
        self.raw(b"]");
        self.comma = true;
    }

    /// A member's name and its colon: the member's value comes next.
    pub fn key(&mut self, name: &str) {
        self.string(name);
        self.raw(b":");
        self.comma = false;
    }

    /// A string, escaped as serde_json escapes it.
    pub fn string(&mut self, value: &str) {
        self.separate();
        let bytes = value.as_bytes();
        if needs_escape(bytes) {
            // Writing to a `Vec` cannot fail.
            let _ = serde_json::to_writer(&mut self.buf, value);
        } else {
            // What serde_json writes for a string with nothing to escape, in one copy.
            self.buf.reserve(bytes.len() + 2);
            self.buf.push(b'"');
            self.buf.extend_from_slice(bytes);
            self.buf.push(b'"');
        }
        self.comma = true;
    }

    /// `true` or `false`.
    pub fn boolean(&mut self, value: bool) {
        self.separate();
        self.raw(if value { b"true" } else { b"false" });
        self.comma = true;
    }

    /// `null` (a sparse collection's missing item).
    pub fn null(&mut self) {
        self.separate();
        self.raw(b"null");
        self.comma = true;
    }

    /// An integer (of any width up to `i64`).
    pub fn integer(&mut self, value: impl Into<i64>) {
        let value: i64 = value.into();
        self.separate();
        let mut scratch = Scratch::new();
        let _ = serde_json::to_writer(&mut scratch, &value);
        self.raw(scratch.text());
        self.comma = true;
    }

    /// A float: a JSON number, or for `NaN` and the infinities the strings `"NaN"`,
    /// `"Infinity"` and `"-Infinity"`, as the protocol requires.
    pub fn float(&mut self, value: f64) {
        self.separate();
        if value.is_nan() {
            self.raw(b"\"NaN\"");
        } else if value.is_infinite() {
            self.raw(if value > 0.0 {
                b"\"Infinity\""
            } else {
                b"\"-Infinity\""
            });
        } else {
            self.finite(value);
        }
        self.comma = true;
    }

    /// A finite float as serde_json writes it (ryu's shortest form, `1.0` for a whole one).
    fn finite(&mut self, value: f64) {
        let mut scratch = Scratch::new();
        let _ = serde_json::to_writer(&mut scratch, &value);
        self.raw(scratch.text());
    }

    /// A timestamp in `format`: epoch seconds as a number (with a fraction only when there is
    /// one, written as the nearest `f64`), the text formats as strings.
    pub fn timestamp(&mut self, value: &DateTime, format: TimestampFormat) {
        if format == TimestampFormat::EpochSeconds && value.subsec_nanos() == 0 {
            self.integer(value.secs());
            return;
        }
        let mut scratch = Scratch::new();
        if value.write_in(format, &mut scratch).is_err() {
            // Never: the longest timestamp (an `i64` of seconds) is about 40 characters.
            self.null();
            return;
        }
        if format == TimestampFormat::EpochSeconds {
            match std::str::from_utf8(scratch.text()).map(str::parse::<f64>) {
                Ok(Ok(secs)) => self.float(secs),
                // Never (the text is a decimal number); if it were, the exact text is JSON too.
                _ => {
                    self.separate();
                    self.raw(scratch.text());
                    self.comma = true;
                }
            }
        } else {
            // Digits, letters, `-`, `:`, `.`, `,`, `+` and spaces: nothing to escape.
            self.separate();
            self.raw(b"\"");
            self.raw(scratch.text());
            self.raw(b"\"");
            self.comma = true;
        }
    }

    /// A blob: its base64 text, as a string.
    pub fn blob(&mut self, value: &Blob) {
        self.separate();
        let bytes: &[u8] = value.as_ref();
        self.buf.reserve(base64::encoded_len(bytes.len()) + 2);
        self.buf.push(b'"');
        base64::encode_each(bytes, |c| self.buf.push(c));
        self.buf.push(b'"');
        self.comma = true;
    }

    /// A document: the JSON value it is. JSON has no `NaN` or infinities; such numbers are
    /// written as `null`. Object members come in the map's order.
    pub fn document(&mut self, value: &Document) {
        match value {
            Document::Null => self.null(),
            Document::Bool(b) => self.boolean(*b),
            Document::Number(Number::PosInt(n)) => {
                self.separate();
                let mut scratch = Scratch::new();
                let _ = serde_json::to_writer(&mut scratch, n);
                self.raw(scratch.text());
                self.comma = true;
            }
            Document::Number(Number::NegInt(n)) => self.integer(*n),
            Document::Number(Number::Float(n)) if n.is_finite() => self.float(*n),
            Document::Number(Number::Float(_)) => self.null(),
            Document::String(s) => self.string(s),
            Document::Array(items) => {
                self.begin_array();
                for item in items {
                    self.document(item);
                }
                self.end_array();
            }
            Document::Object(members) => {
                self.begin_object();
                for (name, member) in members {
                    self.key(name);
                    self.document(member);
                }
                self.end_object();
            }
        }
    }
}

/// True when a byte of `bytes` needs an escape in a JSON string: `"`, `\\` or a control
/// character. Eight bytes at a time (SWAR): most strings have none, and are then copied whole.
fn needs_escape(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// Some byte of `x` is below `n` (`n` at most 128): exact as a whole, though not per byte.
    const fn has_less(x: u64, n: u8) -> bool {
        x.wrapping_sub(ONES * n as u64) & !x & HIGHS != 0
    }
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        // A byte equal to `c` is a zero byte of `x ^ c…c`, that is one below 1.
        if has_less(x, 0x20)
            || has_less(x ^ (ONES * u64::from(b'"')), 1)
            || has_less(x ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A number or timestamp formatted on the stack: the longest is an `f64` from ryu (24
/// characters) or a timestamp of `i64` seconds (about 40).
struct Scratch {
    bytes: [u8; 64],
    len: usize,
}

impl Scratch {
    fn new() -> Self {
        Self {
            bytes: [0; 64],
            len: 0,
        }
    }

    fn text(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    fn push(&mut self, text: &[u8]) -> bool {
        let Some(space) = self.bytes.get_mut(self.len..self.len + text.len()) else {
            return false;
        };
        space.copy_from_slice(text);
        self.len += text.len();
        true
    }
}

impl io::Write for Scratch {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.push(buf) {
            Ok(buf.len())
        } else {
            Err(io::ErrorKind::WriteZero.into())
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl fmt::Write for Scratch {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.push(s.as_bytes()) {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

#[cfg(test)]
#[path = "write_tests.rs"]
mod tests;
