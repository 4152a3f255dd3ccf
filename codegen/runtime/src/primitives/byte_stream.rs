//! `ByteStream`: the value of a `@streaming` blob, the body of a request or a response that is
//! never required to be in memory whole.
//!
//! A request's stream comes from memory, from a file ([`ByteStream::from_path`]) or from any
//! reader of a known length ([`ByteStream::from_reader`]); its length goes in `Content-Length`.
//! A response's stream is read from the connection chunk by chunk as the application asks
//! ([`ByteStream::next`]), bounded by the limit the application chooses ([`ByteStream::limit`]),
//! with each chunk awaited no longer than the client's attempt timeout. The names follow the AWS
//! SDK for Rust's `ByteStream` (`collect`, `into_bytes`, `next`, `from_path`, `bytes`).

use std::fmt;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Bytes, Incoming};
use tokio::io::AsyncRead;

mod sources;

use sources::{FileBody, ReaderBody, ResponseBody};

/// The bytes of a `@streaming` blob: a request body to send or a response body to read.
///
/// Reading: [`next`](Self::next) gives the next chunk, [`collect`](Self::collect) all of them.
/// `Debug` shows where the bytes come from and how many there are, never the bytes.
pub struct ByteStream {
    inner: Inner,
    /// The most bytes this stream may yield, as [`limit`](Self::limit) set it.
    limit: Option<u64>,
    /// The bytes yielded so far.
    seen: u64,
}

enum Inner {
    /// In memory; empty once yielded.
    Memory(Bytes),
    /// A file, opened on the first read (so that a retry can open it again).
    File(FileBody),
    /// A reader that gives `length` bytes, read once.
    Reader(ReaderBody),
    /// A response body on its way from the server.
    Response(ResponseBody),
    /// Failed: every later read ends the stream.
    Done,
}

impl ByteStream {
    /// A stream of `bytes`, in memory.
    pub fn new(bytes: impl Into<Bytes>) -> Self {
        Self::of(Inner::Memory(bytes.into()))
    }

    /// A stream of static bytes, without copying them.
    pub fn from_static(bytes: &'static [u8]) -> Self {
        Self::new(Bytes::from_static(bytes))
    }

    fn of(inner: Inner) -> Self {
        Self {
            inner,
            limit: None,
            seen: 0,
        }
    }

    /// A stream of the file at `path`, read in chunks as it is sent. Its length is the file's
    /// length now; a file that is shorter when it is read fails the request. A call retried
    /// after a failed attempt reads the file again from the start.
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, ByteStreamError> {
        let path = path.as_ref().to_path_buf();
        let metadata = tokio::fs::metadata(&path).await.map_err(|e| {
            ByteStreamError::new(
                ByteStreamErrorKind::Io,
                format!("cannot read the metadata of {}: {e}", path.display()),
            )
            .with_source(e)
        })?;
        if !metadata.is_file() {
            return Err(ByteStreamError::new(
                ByteStreamErrorKind::Io,
                format!("{} is not a file", path.display()),
            ));
        }
        Ok(Self::of(Inner::File(FileBody {
            path,
            length: metadata.len(),
            file: None,
            read: 0,
        })))
    }

    /// A stream of the first `length` bytes of `reader`, read as they are sent. A reader that
    /// ends sooner fails the request. It can be read once, so a call with it is never retried.
    pub fn from_reader(reader: impl AsyncRead + Send + Sync + 'static, length: u64) -> Self {
        Self::of(Inner::Reader(ReaderBody {
            reader: Box::pin(reader),
            length,
            read: 0,
        }))
    }

    /// The response body `body`, read as the application asks: each chunk is awaited no longer
    /// than `idle_timeout`.
    pub(crate) fn from_response(
        body: Incoming,
        declared: Option<u64>,
        idle_timeout: Option<Duration>,
        target: String,
    ) -> Self {
        Self::of(Inner::Response(ResponseBody {
            body,
            declared,
            idle_timeout,
            idle: None,
            target,
        }))
    }

    /// The same stream, failing with [`ByteStreamErrorKind::TooLarge`] as soon as more than
    /// `max_bytes` bytes (counted from its start) have arrived.
    pub fn limit(mut self, max_bytes: u64) -> Self {
        self.limit = Some(max_bytes);
        self
    }

    /// The number of bytes the stream holds, when it is known (for a response, its
    /// `Content-Length`).
    pub fn length(&self) -> Option<u64> {
        match &self.inner {
            Inner::Memory(bytes) => Some(bytes.len() as u64),
            Inner::File(file) => Some(file.length),
            Inner::Reader(reader) => Some(reader.length),
            Inner::Response(response) => response.declared,
            Inner::Done => Some(0),
        }
    }

    /// The bytes, when the stream is in memory and nothing has been read from it yet.
    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.inner {
            Inner::Memory(bytes) if self.seen == 0 => Some(bytes),
            _ => None,
        }
    }

    /// A stream of the same bytes from the start, when they can be had again: in memory, or a
    /// file not yet read. A reader's or a response's bytes cannot.
    pub fn try_clone(&self) -> Option<Self> {
        let inner = match &self.inner {
            Inner::Memory(bytes) if self.seen == 0 => Inner::Memory(bytes.clone()),
            Inner::File(file) => Inner::File(FileBody {
                path: file.path.clone(),
                length: file.length,
                file: None,
                read: 0,
            }),
            _ => return None,
        };
        Some(Self {
            inner,
            limit: self.limit,
            seen: 0,
        })
    }

    /// The next chunk of bytes, `None` at the end.
    pub async fn next(&mut self) -> Option<Result<Bytes, ByteStreamError>> {
        std::future::poll_fn(|cx| self.poll_next(cx)).await
    }

    /// As [`next`](Self::next), `Ok(None)` at the end (the AWS SDK's `try_next`).
    pub async fn try_next(&mut self) -> Result<Option<Bytes>, ByteStreamError> {
        self.next().await.transpose()
    }

    /// Every remaining byte, in memory. Bounded by [`limit`](Self::limit), when one is set.
    pub async fn collect(mut self) -> Result<AggregatedBytes, ByteStreamError> {
        let mut out = Vec::new();
        if let Some(length) = self.length() {
            // Within the limit, if any: what a lying `Content-Length` can cost is bounded.
            let cap = self.limit.map_or(length, |limit| length.min(limit));
            out.reserve(usize::try_from(cap.min(64 * 1024 * 1024)).unwrap_or(0));
        }
        if let Inner::Memory(bytes) = &mut self.inner {
            if self.limit.is_none_or(|limit| bytes.len() as u64 <= limit) {
                return Ok(AggregatedBytes(std::mem::take(bytes)));
            }
        }
        while let Some(chunk) = self.next().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(AggregatedBytes(Bytes::from(out)))
    }

    /// Polls for the next chunk (for code that drives the stream by hand, such as an
    /// `http_body::Body` implementation).
    pub fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ByteStreamError>>> {
        let polled = match &mut self.inner {
            Inner::Memory(bytes) if bytes.is_empty() => Poll::Ready(None),
            Inner::Memory(bytes) => Poll::Ready(Some(Ok(std::mem::take(bytes)))),
            Inner::File(file) => file.poll_chunk(cx),
            Inner::Reader(reader) => reader.poll_chunk(cx),
            Inner::Response(response) => response.poll_chunk(cx),
            Inner::Done => Poll::Ready(None),
        };
        match polled {
            Poll::Ready(Some(Ok(chunk))) => {
                self.seen += chunk.len() as u64;
                if let Some(limit) = self.limit.filter(|limit| self.seen > *limit) {
                    self.inner = Inner::Done;
                    return Poll::Ready(Some(Err(ByteStreamError::new(
                        ByteStreamErrorKind::TooLarge,
                        format!(
                            "the stream is longer than its limit of {limit} bytes (at least {} bytes arrived)",
                            self.seen
                        ),
                    ))));
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                self.inner = Inner::Done;
                Poll::Ready(Some(Err(e)))
            }
            other => other,
        }
    }
}

impl Default for ByteStream {
    /// An empty stream.
    fn default() -> Self {
        Self::new(Bytes::new())
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<Bytes> for ByteStream {
    fn from(bytes: Bytes) -> Self {
        Self::new(bytes)
    }
}

impl From<String> for ByteStream {
    /// The UTF-8 bytes of the text.
    fn from(text: String) -> Self {
        Self::new(text.into_bytes())
    }
}

impl From<&'static str> for ByteStream {
    /// The UTF-8 bytes of the text.
    fn from(text: &'static str) -> Self {
        Self::from_static(text.as_bytes())
    }
}

impl From<&'static [u8]> for ByteStream {
    fn from(bytes: &'static [u8]) -> Self {
        Self::from_static(bytes)
    }
}

impl From<super::Blob> for ByteStream {
    fn from(blob: super::Blob) -> Self {
        Self::new(blob.into_inner())
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.inner {
            Inner::Memory(_) => "memory",
            Inner::File(_) => "file",
            Inner::Reader(_) => "reader",
            Inner::Response(_) => "response",
            Inner::Done => "done",
        };
        f.debug_struct("ByteStream")
            .field("source", &source)
            .field("length", &self.length())
            .field("read", &self.seen)
            .field("limit", &self.limit)
            .finish()
    }
}

/// The bytes of a whole stream, as [`ByteStream::collect`] gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AggregatedBytes(Bytes);

impl AggregatedBytes {
    /// The bytes, without copying them.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The bytes, copied into a vector.
    pub fn to_vec(self) -> Vec<u8> {
        self.0.to_vec()
    }
}

/// What can go wrong reading a [`ByteStream`].
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ByteStreamErrorKind {
    /// A file or reader could not be read.
    Io,
    /// The source ended before all of its bytes arrived: a response whose connection closed
    /// early, a file or reader shorter than its length.
    Incomplete,
    /// More bytes than the stream's [`limit`](ByteStream::limit).
    TooLarge,
    /// No part of a response body arrived within the timeout.
    Timeout,
    /// The response body is not valid HTTP/1.1 framing.
    InvalidResponse,
}

/// A failure to read a [`ByteStream`]. Its message names a file or the server (scheme, host and
/// port), never the bytes.
pub struct ByteStreamError {
    kind: ByteStreamErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl ByteStreamError {
    /// An error of the given kind with a message.
    pub fn new(kind: ByteStreamErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> ByteStreamErrorKind {
        self.kind
    }
}

impl fmt::Debug for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStreamError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .finish()
    }
}

impl fmt::Display for ByteStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ByteStreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// A request body for hyper: in memory, or a [`ByteStream`] read as it is sent.
pub(crate) enum RequestBody {
    Memory(Option<Bytes>),
    Stream {
        stream: ByteStream,
        length: Option<u64>,
    },
}

impl hyper::body::Body for RequestBody {
    type Data = Bytes;
    type Error = ByteStreamError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<hyper::body::Frame<Bytes>, ByteStreamError>>> {
        match self.get_mut() {
            RequestBody::Memory(bytes) => Poll::Ready(
                bytes
                    .take()
                    .map(|bytes| Ok(hyper::body::Frame::data(bytes))),
            ),
            RequestBody::Stream { stream, .. } => stream
                .poll_next(cx)
                .map(|chunk| chunk.map(|chunk| chunk.map(hyper::body::Frame::data))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            RequestBody::Memory(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
            RequestBody::Stream { length, .. } => *length == Some(0),
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            RequestBody::Memory(bytes) => {
                hyper::body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            RequestBody::Stream {
                length: Some(n), ..
            } => hyper::body::SizeHint::with_exact(*n),
            RequestBody::Stream { length: None, .. } => hyper::body::SizeHint::default(),
        }
    }
}
