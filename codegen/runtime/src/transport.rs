//! Sending one HTTP request and reading its whole response, with a bound on the body size.
//!
//! [`HttpClient`] is what the client needs from a transport; [`HyperClient`] is the default one:
//! HTTP/1.1 over TLS (rustls with the `ring` provider and the Mozilla roots from `webpki-roots`)
//! or plain HTTP (for local emulators), with pooled, reused connections.
//!
//! The transport sets only the connect timeout. A timeout for a whole attempt or a whole call
//! belongs to the caller (`tokio::time::timeout` around [`HttpClient::send`]): the returned
//! future can be dropped at any point, and dropping it closes a connection that is in the middle
//! of a request instead of returning it to the pool.
//!
//! Errors never carry request headers, bodies or the request's path and query (a presigned URL's
//! query holds a signature): only the scheme, host and port.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// The `http` crate whose `Request` and `Response` an [`HttpClient`] takes and gives, re-exported
/// so that an implementation needs no dependency of its own that must match this one's version.
pub use http;

use http_body_util::BodyExt;
use hyper::body::{Bytes, Incoming};

use crate::primitives::{ByteStream, RequestBody};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

/// A boxed, sendable future, as returned by [`HttpClient::send`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What a transport must do: send one request and return the whole response, its body read
/// up to [`Limits::max_response_bytes`].
pub trait HttpClient: Send + Sync + fmt::Debug {
    /// Sends `request` (whose URI must be absolute: `https://host/path`) and reads the whole
    /// response. The future may be dropped at any time to cancel the request.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>>;

    /// Sends `request`, whose body is a [`ByteStream`] read as it is sent (its length, when
    /// known, is in `Content-Length`), and returns the response as soon as its head arrives,
    /// with its body as a [`ByteStream`] read as the caller asks: the operations with a
    /// `@streaming` blob use it. `limits` do not bound that body (its reader chooses a limit);
    /// `idle_timeout` bounds the wait for each of its chunks.
    ///
    /// The default reads the request body into memory and the response body whole (within
    /// `limits`) through [`send`](Self::send), which suits transports for tests; the built-in
    /// client streams both ways.
    fn send_streaming(
        &self,
        request: http::Request<ByteStream>,
        limits: Limits,
        idle_timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<http::Response<ByteStream>, TransportError>> {
        let _ = idle_timeout;
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let body = body.collect().await.map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("cannot read the request body: {e}"),
                )
                .with_source(e)
                .with_request_not_sent()
            })?;
            let request = http::Request::from_parts(parts, body.to_vec());
            let response = self.send(request, limits).await?;
            Ok(response.map(ByteStream::from))
        })
    }
}

/// Bounds on what a transport accepts from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest response body accepted; a longer one fails with
    /// [`TransportErrorKind::ResponseTooLarge`] as soon as it is seen to be longer.
    pub max_response_bytes: usize,
}

impl Limits {
    /// Limits with the given largest response body.
    pub fn new(max_response_bytes: usize) -> Self {
        Self { max_response_bytes }
    }
}

/// What went wrong while sending a request or reading its response.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransportErrorKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake): the request was
    /// not sent.
    Connect,
    /// A timeout inside the transport, e.g. the connect timeout (then the request was not sent).
    Timeout,
    /// The connection failed or was closed while the request or response was in flight.
    Io,
    /// The response body is longer than [`Limits::max_response_bytes`].
    ResponseTooLarge,
    /// The server's answer is not valid HTTP/1.1.
    InvalidResponse,
    /// Anything else, such as a request the transport cannot send (e.g. a relative URI).
    Other,
}

impl TransportErrorKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Connect => "connect error",
            Self::Timeout => "timeout",
            Self::Io => "I/O error",
            Self::ResponseTooLarge => "response too large",
            Self::InvalidResponse => "invalid response",
            Self::Other => "transport error",
        }
    }
}

impl fmt::Display for TransportErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A failure to send a request or to read its response.
///
/// `Display` shows a message that names the target (scheme, host and port only) and the cause;
/// [`source`](StdError::source) gives the underlying error.
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Box<dyn StdError + Send + Sync>>,
    request_not_sent: bool,
}

impl TransportError {
    /// An error of the given kind with a message (for other transports and for tests).
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
            request_not_sent: false,
        }
    }

    /// The same error with an underlying cause.
    pub fn with_source(mut self, source: impl Into<Box<dyn StdError + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same error, marked as having failed before any byte of the request was sent.
    pub fn with_request_not_sent(mut self) -> Self {
        self.request_not_sent = true;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// A human-readable description, without secrets.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the transport knows that nothing of the request reached the server (connect
    /// failures, including the connect timeout), so that even a non-idempotent request can be
    /// sent again safely. `false` means "maybe sent".
    pub fn request_not_sent(&self) -> bool {
        self.request_not_sent
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("source", &self.source)
            .field("request_not_sent", &self.request_not_sent)
            .finish()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

type Connector = HttpsConnector<HttpConnector>;

/// The default transport: a pooled hyper client, HTTP/1.1 over rustls (`ring`, webpki roots)
/// or plain HTTP.
///
/// Cloning is cheap and shares the connection pool. Must be used inside a tokio runtime
/// (multi-thread or current-thread), because connections run as tokio tasks.
#[derive(Clone)]
pub struct HyperClient {
    inner: Result<Client<Connector, RequestBody>, Arc<str>>,
    connect_timeout: Duration,
}

impl HyperClient {
    /// A client whose connection attempts give up after `connect_timeout`.
    ///
    /// Never panics: should the TLS configuration fail to build (it cannot with the `ring`
    /// provider), every request fails with [`TransportErrorKind::Other`]; use
    /// [`try_new`](Self::try_new) to see that error at once.
    pub fn new(connect_timeout: Duration) -> Self {
        match Self::try_new(connect_timeout) {
            Ok(client) => client,
            Err(e) => Self {
                inner: Err(Arc::from(e.message())),
                connect_timeout,
            },
        }
    }

    /// A client whose connection attempts give up after `connect_timeout`, or the error that
    /// kept the TLS configuration from being built.
    pub fn try_new(connect_timeout: Duration) -> Result<Self, TransportError> {
        let mut http = HttpConnector::new();
        http.enforce_http(false);
        http.set_connect_timeout(Some(connect_timeout));
        http.set_nodelay(true);
        // The provider is given to this client's TLS configuration alone: nothing is installed
        // process-wide, so it works whatever other crates enable or install.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let connector = HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(provider)
            .map_err(|e| {
                TransportError::new(
                    TransportErrorKind::Other,
                    format!("cannot build the TLS configuration: {e}"),
                )
                .with_source(e)
            })?
            .https_or_http()
            .enable_http1()
            .wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .build(connector);
        Ok(Self {
            inner: Ok(client),
            connect_timeout,
        })
    }

    /// The connect timeout this client was built with.
    pub fn connect_timeout(&self) -> Duration {
        self.connect_timeout
    }
}

impl fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperClient")
            .field("connect_timeout", &self.connect_timeout)
            .field("usable", &self.inner.is_ok())
            .finish()
    }
}

impl HyperClient {
    /// The pooled client, and the request's target (for messages) once its URI is checked.
    fn checked(
        &self,
        uri: &http::Uri,
    ) -> Result<(&Client<Connector, RequestBody>, Target), TransportError> {
        let client = match &self.inner {
            Ok(client) => client,
            Err(message) => {
                return Err(
                    TransportError::new(TransportErrorKind::Other, message.to_string())
                        .with_request_not_sent(),
                )
            }
        };
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(TransportError::new(
                TransportErrorKind::Other,
                "the request URI is relative: it needs a scheme and a host",
            )
            .with_request_not_sent());
        }
        // Named in error messages only: kept as parts, written out when a message needs it.
        Ok((client, Target::of(uri)))
    }
}

impl HttpClient for HyperClient {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let (client, target) = self.checked(request.uri())?;
            let request = request.map(|body| RequestBody::Memory(Some(Bytes::from(body))));
            let response = client
                .request(request)
                .await
                .map_err(|e| client_error(e, &target, self.connect_timeout))?;
            read_response(response, limits, &target).await
        })
    }

    fn send_streaming(
        &self,
        request: http::Request<ByteStream>,
        _limits: Limits,
        idle_timeout: Option<Duration>,
    ) -> BoxFuture<'_, Result<http::Response<ByteStream>, TransportError>> {
        Box::pin(async move {
            let (client, target) = self.checked(request.uri())?;
            let request = request.map(|stream| {
                let length = stream.length();
                RequestBody::Stream { stream, length }
            });
            let response = client
                .request(request)
                .await
                .map_err(|e| client_error(e, &target, self.connect_timeout))?;
            let (parts, body) = response.into_parts();
            let declared = content_length(&parts.headers, &target)?;
            let stream =
                ByteStream::from_response(body, declared, idle_timeout, target.to_string());
            Ok(http::Response::from_parts(parts, stream))
        })
    }
}

/// The response's `Content-Length`, if it has one; an invalid one is an error.
fn content_length(
    headers: &http::HeaderMap,
    target: &Target,
) -> Result<Option<u64>, TransportError> {
    match headers.get(http::header::CONTENT_LENGTH) {
        Some(value) => {
            let parsed = value
                .to_str()
                .ok()
                .and_then(|s| s.trim().parse::<u64>().ok());
            match parsed {
                Some(n) => Ok(Some(n)),
                None => Err(TransportError::new(
                    TransportErrorKind::InvalidResponse,
                    format!("the response from {target} has an invalid Content-Length"),
                )),
            }
        }
        None => Ok(None),
    }
}

/// `scheme://host:port` of a URI, for messages: never the path or query.
pub(crate) fn target_of(uri: &http::Uri) -> String {
    Target::of(uri).to_string()
}

/// What [`target_of`] writes, kept as the URI's parts (cheap clones of shared bytes) so that a
/// request that succeeds never formats it.
struct Target {
    scheme: Option<http::uri::Scheme>,
    authority: Option<http::uri::Authority>,
}

impl Target {
    fn of(uri: &http::Uri) -> Self {
        Self {
            scheme: uri.scheme().cloned(),
            authority: uri.authority().cloned(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.scheme, &self.authority) {
            (Some(scheme), Some(authority)) => {
                // The authority could hold `user:password@`: keep only host and port.
                let host = authority.host();
                match authority.port_u16() {
                    Some(port) => write!(f, "{scheme}://{host}:{port}"),
                    None => write!(f, "{scheme}://{host}"),
                }
            }
            _ => f.write_str("(a relative URI)"),
        }
    }
}

/// Reads the body of `response` into memory, failing as soon as it is seen to exceed the limit.
async fn read_response(
    response: http::Response<Incoming>,
    limits: Limits,
    target: &Target,
) -> Result<http::Response<Vec<u8>>, TransportError> {
    let max = limits.max_response_bytes;
    let too_large = |seen: String| {
        TransportError::new(
            TransportErrorKind::ResponseTooLarge,
            format!("the response from {target} is larger than the limit of {max} bytes ({seen})"),
        )
    };
    let (parts, mut body) = response.into_parts();
    let declared = content_length(&parts.headers, target)?;
    if let Some(n) = declared {
        if n > max as u64 {
            // Dropping `body` unread closes the connection instead of draining it.
            return Err(too_large(format!("Content-Length: {n}")));
        }
    }
    // Allocate what was announced, once: it is within the limit (checked above), which bounds
    // what a lying length can cost, and it spares the copies of a growing buffer (a 9 MiB body
    // read in growing steps peaks at about 2.5 times its size).
    let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| body_error(e, target))?;
        if let Ok(data) = frame.into_data() {
            if data.len() > max - bytes.len() {
                return Err(too_large(format!(
                    "at least {} bytes arrived",
                    bytes.len() + data.len()
                )));
            }
            bytes.extend_from_slice(&data);
        }
    }
    Ok(http::Response::from_parts(parts, bytes))
}

/// The innermost cause's text, to put in a message.
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

fn find_cause<'a, T: StdError + 'static>(e: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(found) = c.downcast_ref::<T>() {
            return Some(found);
        }
        cause = c.source();
    }
    None
}

/// The error of a response body that failed while it was read (here and in [`ByteStream`]).
pub(crate) fn body_error(e: hyper::Error, target: &dyn fmt::Display) -> TransportError {
    let (kind, what) = classify_hyper(&e);
    let message = match kind {
        TransportErrorKind::Io => format!(
            "the connection to {target} failed before the response body was complete: {what}"
        ),
        _ => format!("reading the response body from {target} failed: {what}"),
    };
    TransportError::new(kind, message).with_source(e)
}

/// The kind of a hyper error and a short description of it.
fn classify_hyper(e: &hyper::Error) -> (TransportErrorKind, String) {
    // The application's side failed (a request body that could not be read, say): first, as
    // the causes below would take its I/O error for the peer's. Its own message says why.
    if e.is_user() {
        let text = match find_cause::<crate::primitives::ByteStreamError>(e) {
            Some(body) => format!("{e}: {body}"),
            None => e.to_string(),
        };
        return (TransportErrorKind::Other, text);
    }
    let eof = find_cause::<std::io::Error>(e)
        .is_some_and(|io| io.kind() == std::io::ErrorKind::UnexpectedEof);
    if e.is_incomplete_message() || eof {
        return (
            TransportErrorKind::Io,
            "the connection was closed before the message was complete".to_owned(),
        );
    }
    if e.is_parse() || e.is_parse_status() {
        return (TransportErrorKind::InvalidResponse, e.to_string());
    }
    // hyper reports a malformed body framing (a bad chunk size, say) as an I/O error of these
    // kinds: the peer sent something that is not HTTP/1.1, which no retry will mend.
    let malformed = find_cause::<std::io::Error>(e).filter(|io| {
        matches!(
            io.kind(),
            std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
        )
    });
    if let Some(io) = malformed {
        return (
            TransportErrorKind::InvalidResponse,
            format!("the body is not valid HTTP/1.1: {io}"),
        );
    }
    if e.is_timeout() {
        return (TransportErrorKind::Timeout, e.to_string());
    }
    let text = match e.source() {
        Some(source) => format!("{e}: {}", root_cause(source)),
        None => e.to_string(),
    };
    // Closed, canceled, aborted body writes and plain I/O failures all mean the connection
    // broke while the exchange was in flight.
    (TransportErrorKind::Io, text)
}

fn client_error(
    e: hyper_util::client::legacy::Error,
    target: &Target,
    connect_timeout: Duration,
) -> TransportError {
    if e.is_connect() {
        let timed_out = find_cause::<std::io::Error>(&e)
            .is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut);
        let error = if timed_out {
            TransportError::new(
                TransportErrorKind::Timeout,
                format!("connecting to {target} timed out after {connect_timeout:?}"),
            )
        } else {
            TransportError::new(
                TransportErrorKind::Connect,
                format!("cannot connect to {target}: {}", root_cause(&e)),
            )
        };
        return error.with_request_not_sent().with_source(e);
    }
    let (kind, what) = match find_cause::<hyper::Error>(&e) {
        Some(hyper_error) => classify_hyper(hyper_error),
        None => match find_cause::<std::io::Error>(&e) {
            Some(io) => (TransportErrorKind::Io, io.to_string()),
            // hyper-util's own request checks ("client error (UserAbsoluteUriRequired)" and
            // the like) are the caller's mistakes; its canceled request or closed dispatch
            // channel mean the connection went away.
            None => {
                let text = e.to_string();
                if text.contains("(User") {
                    (TransportErrorKind::Other, text)
                } else {
                    (TransportErrorKind::Io, text)
                }
            }
        },
    };
    let message = match kind {
        TransportErrorKind::Io => format!("the connection to {target} failed: {what}"),
        TransportErrorKind::InvalidResponse => {
            format!("the response from {target} is not valid HTTP: {what}")
        }
        _ => format!("the request to {target} failed: {what}"),
    };
    TransportError::new(kind, message).with_source(e)
}
