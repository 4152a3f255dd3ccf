//! `Blob` (bytes) and the `base64` codec blobs are sent in.

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
        let mut text = String::with_capacity(encoded_len(bytes.len()));
        encode_each(bytes, |c| text.push(char::from(c)));
        text
    }

    /// The length of the base64 text of `len` bytes.
    pub(crate) const fn encoded_len(len: usize) -> usize {
        len.div_ceil(3) * 4
    }

    /// The base64 text of `bytes`, one (ASCII) character at a time to `push`: how the JSON
    /// writer puts it straight into a request body.
    pub(crate) fn encode_each(bytes: &[u8], mut push: impl FnMut(u8)) {
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
                    push(ALPHABET[index as usize]);
                } else {
                    push(PAD);
                }
            }
        }
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
