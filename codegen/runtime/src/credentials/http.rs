//! The HTTP the credentials sources speak (STS, the SSO portal, container and instance
//! metadata endpoints): the built-in transport with bounds of its own.
//!
//! Every fetch has a connect timeout, a whole-answer timeout and a small body limit, so a
//! source that does not answer, answers slowly or answers with 100 MB fails fast and clearly.

pub(crate) use crate::transport::target_of;
use crate::transport::{HttpClient, HyperClient, Limits, TransportErrorKind};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The largest answer a credentials source may give: real ones are a few KiB.
pub(crate) const MAX_ANSWER_BYTES: usize = 1024 * 1024;

/// An HTTP client made on first use (sources that are never reached never make one) and shared
/// by the source's clones.
#[derive(Clone)]
pub(crate) struct SourceHttp {
    client: Arc<OnceLock<Arc<dyn HttpClient>>>,
    connect_timeout: Duration,
    timeout: Duration,
}

impl SourceHttp {
    /// Connections give up after `connect_timeout`; a whole exchange after `timeout`.
    pub(crate) fn new(connect_timeout: Duration, timeout: Duration) -> Self {
        Self {
            client: Arc::default(),
            connect_timeout,
            timeout,
        }
    }

    /// Sends `request` and reads the whole answer (at most [`MAX_ANSWER_BYTES`]). The error is
    /// a sentence naming the target (scheme, host and port) and the cause; it never holds the
    /// request's headers or body, or the answer.
    pub(crate) async fn send(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, String> {
        self.exchange(request).await.map_err(|e| e.message)
    }

    /// As [`send`](Self::send), saying also how far the exchange got (for sources that treat
    /// "nothing there" apart from "a bad answer", or retry).
    pub(crate) async fn exchange(
        &self,
        request: http::Request<Vec<u8>>,
    ) -> Result<http::Response<Vec<u8>>, SendError> {
        let client = self
            .client
            .get_or_init(|| Arc::new(HyperClient::new(self.connect_timeout)));
        let target = target_of(request.uri());
        let sent = client.send(request, Limits::new(MAX_ANSWER_BYTES));
        match tokio::time::timeout(self.timeout, sent).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(e)) => Err(SendError {
                message: e.to_string(),
                stage: match e.kind() {
                    TransportErrorKind::Connect | TransportErrorKind::Timeout
                        if e.request_not_sent() =>
                    {
                        Stage::NotConnected
                    }
                    TransportErrorKind::Io => Stage::ConnectionFailed,
                    _ => Stage::Other,
                },
            }),
            Err(_) => Err(SendError {
                message: format!("{target} did not answer within {:?}", self.timeout),
                stage: Stage::TimedOut,
            }),
        }
    }
}

/// Why an exchange gave no answer: a sentence naming the target (never the path, headers or
/// body), and how far it got.
#[derive(Debug)]
pub(crate) struct SendError {
    pub(crate) message: String,
    pub(crate) stage: Stage,
}

/// How far a failed exchange got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// No connection was made (refused, unreachable, the connect timeout): nothing was sent.
    NotConnected,
    /// The connection failed or closed while the request or answer was in flight.
    ConnectionFailed,
    /// Connected, but the whole exchange took longer than the timeout.
    TimedOut,
    /// Anything else (an answer that is not HTTP, or too large).
    Other,
}

impl fmt::Debug for SourceHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SourceHttp")
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// The start of an answer's body as text for an error message: at most 200 characters, on one
/// line. Only for answers that carry no credentials (error answers).
pub(crate) fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(400)]);
    let mut line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    if body.len() > 200 {
        line.push('…');
    }
    line.trim().to_owned()
}
