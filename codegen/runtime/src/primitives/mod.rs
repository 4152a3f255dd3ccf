//! The values of Smithy's `timestamp`, `blob` and `document` shapes, and the text formats the
//! AWS protocols write them in.
//!
//! - [`DateTime`]: an instant in UTC with nanosecond precision, read and written as RFC 3339
//!   (`2018-01-09T20:51:21.123Z`), as an HTTP date (`Tue, 09 Jan 2018 20:51:21 GMT`) or as
//!   epoch seconds (`1515531081.123`): see [`TimestampFormat`].
//! - [`Blob`]: bytes, sent as [`base64`] text.
//! - [`Document`]: untyped JSON-like data, sent as the JSON value it is.

mod blob;
mod datetime;
mod document;
#[cfg(test)]
mod tests;

pub use blob::{base64, Blob};
pub use datetime::{DateTime, DateTimeParseError, OutOfRangeError, TimestampFormat};
pub use document::{Document, Number};
