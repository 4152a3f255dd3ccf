//! The values of Smithy's `timestamp`, `blob` and `document` shapes, and the text formats the
//! AWS protocols write them in.
//!
//! - [`DateTime`]: an instant in UTC with nanosecond precision, read and written as RFC 3339
//!   (`2018-01-09T20:51:21.123Z`), as an HTTP date (`Tue, 09 Jan 2018 20:51:21 GMT`) or as
//!   epoch seconds (`1515531081.123`): see [`TimestampFormat`].
//! - [`Blob`]: bytes, sent as [`base64`] text.
//! - [`Document`]: untyped JSON-like data, sent as the JSON value it is.
//! - `ByteStream` (with the `client` feature): the bytes of a `@streaming` blob, a request or
//!   response body read chunk by chunk.

mod blob;
#[cfg(feature = "client")]
mod byte_stream;
mod datetime;
mod document;
#[cfg(test)]
mod tests;

pub use blob::{base64, Blob};
#[cfg(feature = "client")]
pub(crate) use byte_stream::RequestBody;
#[cfg(feature = "client")]
pub use byte_stream::{AggregatedBytes, ByteStream, ByteStreamError, ByteStreamErrorKind};
pub use datetime::{DateTime, DateTimeParseError, OutOfRangeError, TimestampFormat};
pub use document::{Document, Number};
/// The bytes of a chunk of a [`ByteStream`] (the `bytes` crate's, through hyper).
#[cfg(feature = "client")]
pub use hyper::body::Bytes;
