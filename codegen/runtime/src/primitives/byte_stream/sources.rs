//! Where a `ByteStream`'s bytes come from when they are not in memory: a file, a reader of
//! known length, or a response body on its way from the server; each read chunk by chunk.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use hyper::body::{Body as _, Bytes, Incoming};
use tokio::io::{AsyncRead, ReadBuf};

use super::{ByteStreamError, ByteStreamErrorKind};

/// The size of the chunks read from a file or a reader.
const CHUNK: usize = 64 * 1024;

pub(super) struct FileBody {
    pub(super) path: PathBuf,
    pub(super) length: u64,
    pub(super) file: Option<Pin<Box<tokio::fs::File>>>,
    pub(super) read: u64,
}

pub(super) struct ReaderBody {
    pub(super) reader: Pin<Box<dyn AsyncRead + Send + Sync>>,
    pub(super) length: u64,
    pub(super) read: u64,
}

pub(super) struct ResponseBody {
    pub(super) body: Incoming,
    pub(super) declared: Option<u64>,
    pub(super) idle_timeout: Option<Duration>,
    pub(super) idle: Option<Pin<Box<tokio::time::Sleep>>>,
    /// `scheme://host:port`, for messages.
    pub(super) target: String,
}

/// Reads up to `CHUNK` bytes, and no more than `remaining`, from `reader`.
fn poll_read_chunk(
    reader: Pin<&mut (dyn AsyncRead + Send + Sync)>,
    cx: &mut Context<'_>,
    remaining: u64,
) -> Poll<std::io::Result<Bytes>> {
    let size = usize::try_from(remaining.min(CHUNK as u64)).unwrap_or(CHUNK);
    let mut buffer = vec![0; size];
    let mut read = ReadBuf::new(&mut buffer);
    match reader.poll_read(cx, &mut read) {
        Poll::Ready(Ok(())) => {
            let n = read.filled().len();
            buffer.truncate(n);
            Poll::Ready(Ok(Bytes::from(buffer)))
        }
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        Poll::Pending => Poll::Pending,
    }
}

/// The end of a source that promised `length` bytes and gave `read`.
fn short(what: &str, read: u64, length: u64) -> ByteStreamError {
    ByteStreamError::new(
        ByteStreamErrorKind::Incomplete,
        format!("{what} ended after {read} of its {length} bytes"),
    )
}

impl FileBody {
    pub(super) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ByteStreamError>>> {
        if self.read >= self.length {
            return Poll::Ready(None);
        }
        if self.file.is_none() {
            // Opening a file is quick (reading it is what tokio moves off the runtime's
            // threads), and keeps the stream `Sync` without a boxed future.
            match std::fs::File::open(&self.path) {
                Ok(file) => self.file = Some(Box::pin(tokio::fs::File::from_std(file))),
                Err(e) => {
                    let message = format!("cannot open {}: {e}", self.path.display());
                    return Poll::Ready(Some(Err(ByteStreamError::new(
                        ByteStreamErrorKind::Io,
                        message,
                    )
                    .with_source(e))));
                }
            }
        }
        let Some(file) = self.file.as_mut() else {
            return Poll::Ready(None);
        };
        let reader: Pin<&mut (dyn AsyncRead + Send + Sync)> = file.as_mut();
        match poll_read_chunk(reader, cx, self.length - self.read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => {
                let message = format!("cannot read {}: {e}", self.path.display());
                Poll::Ready(Some(Err(ByteStreamError::new(
                    ByteStreamErrorKind::Io,
                    message,
                )
                .with_source(e))))
            }
            Poll::Ready(Ok(chunk)) if chunk.is_empty() => Poll::Ready(Some(Err(short(
                &format!("the file {}", self.path.display()),
                self.read,
                self.length,
            )))),
            Poll::Ready(Ok(chunk)) => {
                self.read += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
        }
    }
}

impl ReaderBody {
    pub(super) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ByteStreamError>>> {
        if self.read >= self.length {
            return Poll::Ready(None);
        }
        match poll_read_chunk(self.reader.as_mut(), cx, self.length - self.read) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(ByteStreamError::new(
                ByteStreamErrorKind::Io,
                format!("reading the request body failed: {e}"),
            )
            .with_source(e)))),
            Poll::Ready(Ok(chunk)) if chunk.is_empty() => {
                Poll::Ready(Some(Err(short("the reader", self.read, self.length))))
            }
            Poll::Ready(Ok(chunk)) => {
                self.read += chunk.len() as u64;
                Poll::Ready(Some(Ok(chunk)))
            }
        }
    }
}

impl ResponseBody {
    pub(super) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, ByteStreamError>>> {
        loop {
            match Pin::new(&mut self.body).poll_frame(cx) {
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => {
                    let error = crate::transport::body_error(e, &self.target);
                    let kind = match error.kind() {
                        crate::transport::TransportErrorKind::Io => ByteStreamErrorKind::Incomplete,
                        crate::transport::TransportErrorKind::Timeout => {
                            ByteStreamErrorKind::Timeout
                        }
                        crate::transport::TransportErrorKind::InvalidResponse => {
                            ByteStreamErrorKind::InvalidResponse
                        }
                        _ => ByteStreamErrorKind::Io,
                    };
                    let message = error.message().to_owned();
                    return Poll::Ready(Some(Err(
                        ByteStreamError::new(kind, message).with_source(error)
                    )));
                }
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(data) = frame.into_data() {
                        // The chunk arrived in time: the next one has a whole timeout again.
                        self.idle = None;
                        if !data.is_empty() {
                            return Poll::Ready(Some(Ok(data)));
                        }
                    }
                    // Trailers and empty frames: read on.
                }
                Poll::Pending => {
                    let Some(timeout) = self.idle_timeout else {
                        return Poll::Pending;
                    };
                    let idle = self
                        .idle
                        .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                    return match idle.as_mut().poll(cx) {
                        Poll::Pending => Poll::Pending,
                        Poll::Ready(()) => Poll::Ready(Some(Err(ByteStreamError::new(
                            ByteStreamErrorKind::Timeout,
                            format!(
                                "no part of the response body from {} arrived within {timeout:?}",
                                self.target
                            ),
                        )))),
                    };
                }
            }
        }
    }
}
