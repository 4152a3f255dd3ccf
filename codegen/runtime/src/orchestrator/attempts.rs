//! The attempts of one call: what is set up once (endpoint, region, credentials, body), then
//! for each attempt the rate limiter's wait (adaptive mode), the signed request, the answer
//! sorted into success or failure, and whether and when to try again.

use std::sync::atomic::{AtomicU32, Ordering};

use super::{host_prefix, request, sleep, with_attempts, Answer, CallSettings, Failure};
use super::{OperationSpec, RequestOptions, Runtime};
use crate::aws_json;
use crate::error::{RequestError, RequestErrorKind};
use crate::primitives::{ByteStream, ByteStreamErrorKind};
use crate::retry::{self, RetryKind};
use crate::transport::{HttpClient, Limits, TransportError, TransportErrorKind};

/// `sent`, given no longer than `limit`: `Err(None)` when it is cut off.
async fn within<T>(
    limit: Option<std::time::Duration>,
    sent: impl std::future::Future<Output = Result<T, TransportError>>,
) -> Result<T, Option<TransportError>> {
    match limit {
        None => sent.await.map_err(Some),
        Some(limit) => match tokio::time::timeout(limit, sent).await {
            Ok(result) => result.map_err(Some),
            Err(_) => Err(None),
        },
    }
}

/// Sends a request whose body is a stream, or whose answer's body may be one: a 2xx answer
/// of an operation with a streaming output keeps its body as a stream (each chunk awaited no
/// longer than `idle_timeout`); any other answer is read whole within `limits`, as for every
/// other call.
async fn send_streamed(
    http: &dyn HttpClient,
    request: http::Request<ByteStream>,
    streaming_response: bool,
    limits: Limits,
    idle_timeout: Option<std::time::Duration>,
) -> Result<(http::Response<Vec<u8>>, Option<ByteStream>), TransportError> {
    let response = http.send_streaming(request, limits, idle_timeout).await?;
    let (parts, body) = response.into_parts();
    if streaming_response && parts.status.is_success() {
        return Ok((http::Response::from_parts(parts, Vec::new()), Some(body)));
    }
    let max = limits.max_response_bytes;
    let status = parts.status.as_u16();
    let declared = body
        .length()
        .map(|n| format!(" (Content-Length: {n})"))
        .unwrap_or_default();
    let body = body.limit(max as u64).collect().await.map_err(|e| {
        let kind = match e.kind() {
            ByteStreamErrorKind::TooLarge => TransportErrorKind::ResponseTooLarge,
            ByteStreamErrorKind::Timeout => TransportErrorKind::Timeout,
            ByteStreamErrorKind::InvalidResponse => TransportErrorKind::InvalidResponse,
            _ => TransportErrorKind::Io,
        };
        let message = match kind {
            TransportErrorKind::ResponseTooLarge => format!(
                "the HTTP {status} response is larger than the limit of {max} bytes{declared}"
            ),
            _ => e.to_string(),
        };
        TransportError::new(kind, message).with_source(e)
    })?;
    Ok((http::Response::from_parts(parts, body.to_vec()), None))
}

/// A failed attempt: the failure, why it may be retried (if it may), and whether the request
/// was provably not carried out (so that even a call that is not idempotent may be repeated).
struct Failed {
    failure: Failure,
    kind: Option<RetryKind>,
    refused: bool,
}

/// How an attempt that got an answer ended.
enum Answered {
    /// The call is over: a 2xx, whose body may still not match the model.
    Done(Result<Answer, Failure>),
    /// An error answer.
    Failed(Failed),
}

impl Runtime {
    /// Makes the attempts of one call, counting each one started in `started`.
    pub(super) async fn attempts(
        &self,
        spec: &'static OperationSpec,
        (mut body, mut stream): (Vec<u8>, Option<ByteStream>),
        host_prefix: Option<&str>,
        (options, rest): (RequestOptions<'_>, Option<&request::RestParts>),
        settings: &CallSettings,
        started: &AtomicU32,
    ) -> Result<Answer, Failure> {
        let operation = spec.name;
        if let Some(why) = &self.config.invalid_settings {
            return Err(RequestError::new(RequestErrorKind::Config, why.clone()).into());
        }
        let http = self.http.as_ref().map_err(|why| {
            RequestError::new(
                RequestErrorKind::Transport,
                format!("cannot set up the HTTPS client: {why}"),
            )
        })?;
        // The URL of a customized operation (the endpoint's headers are the resolved
        // endpoint's, so they do not apply), else the client's endpoint.
        let no_headers = Default::default();
        let (url, endpoint_headers, shared) = match options.endpoint_url {
            Some(url) => (url, &no_headers, None),
            None => {
                let resolved = self.endpoint()?;
                let url = resolved.endpoint.url.as_str();
                (url, &resolved.endpoint.headers, Some(&resolved.prepared))
            }
        };
        let prefixed = match host_prefix {
            Some(prefix) => Some(host_prefix::with_host_prefix(url, prefix)?),
            None => None,
        };
        let identity = self.identity(spec).await?;
        // What the requests share: the client's, made once, unless the URL is the call's own.
        let own;
        let prepared = match (prefixed.as_deref(), shared) {
            (None, Some(shared)) => shared.as_ref(),
            (prefixed, _) => {
                own = request::Prepared::new(prefixed.unwrap_or(url), endpoint_headers);
                own.as_ref()
            }
        };
        let call = request::CallHeaders::new(self.spec, operation);
        // restJson1: the operation's URI on the endpoint's, made once for the call.
        let rest_uri = match (rest, prepared) {
            (Some(rest), Ok(prepared)) => Some(request::rest_uri(prepared, &rest.path_and_query)?),
            _ => None,
        };
        let mut max_attempts = settings.max_attempts;
        // An operation whose output is a `@streaming` blob: a 2xx answer's body is not read
        // here but handed to the application as it arrives.
        let streaming_response = rest.is_some_and(|rest| rest.streaming_response);
        let limits = Limits::new(self.config.max_response_bytes);
        let mut last_retry: Option<RetryKind> = None;
        let mut attempt = 1;
        loop {
            let wait = self.retry.before_attempt();
            if !wait.is_zero() {
                tracing::debug!(
                    attempt,
                    wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                    "client-side rate limit (adaptive retry mode): waiting before sending"
                );
                sleep(wait).await;
            }
            started.store(attempt, Ordering::Relaxed);
            let prepared = prepared
                .map_err(|why| RequestError::new(RequestErrorKind::Endpoint, why.clone()))?;
            // The last attempt takes the body; the others send a copy, kept for a retry.
            let body = if attempt >= max_attempts {
                std::mem::take(&mut body)
            } else {
                body.clone()
            };
            // A request body streamed from a file or reader: each attempt reads it again from
            // the start, and one that cannot be read again is sent once.
            let attempt_stream = match &mut stream {
                None => None,
                Some(stream) if attempt >= max_attempts => Some(std::mem::take(stream)),
                Some(stream) => match stream.try_clone() {
                    Some(copy) => Some(copy),
                    None => {
                        max_attempts = attempt;
                        Some(std::mem::take(stream))
                    }
                },
            };
            let rest_call = rest.zip(rest_uri.as_ref());
            let mut request = self.request(
                prepared,
                &call,
                body,
                options.content_encoding,
                rest_call,
                (attempt, max_attempts),
            )?;
            let uri_text = match &rest_uri {
                Some((_, text)) => text,
                None => &prepared.uri_text,
            };
            if let Some(stream) = &attempt_stream {
                let headers = request.headers_mut();
                match stream.length() {
                    Some(length) => {
                        headers.insert(http::header::CONTENT_LENGTH, length.into());
                    }
                    // Sent with chunked transfer encoding.
                    None => {
                        headers.remove(http::header::CONTENT_LENGTH);
                    }
                }
            }
            // A streamed body is not hashed: SigV4 signs it as `UNSIGNED-PAYLOAD`.
            identity.apply(&mut request, uri_text, attempt_stream.is_some())?;
            let limit = settings.attempt_timeout;
            let outcome = if attempt_stream.is_some() || streaming_response {
                within(
                    limit,
                    send_streamed(
                        http.as_ref(),
                        request.map(|body| attempt_stream.unwrap_or_else(|| body.into())),
                        streaming_response,
                        limits,
                        limit,
                    ),
                )
                .await
            } else {
                within(limit, async {
                    http.send(request, limits)
                        .await
                        .map(|response| (response, None))
                })
                .await
            };
            let Failed {
                failure,
                kind,
                refused,
            } = match outcome {
                Ok((response, stream)) => match self.answer(spec, response, stream, attempt) {
                    Answered::Done(result) => {
                        self.retry.after_attempt(false);
                        self.retry.on_success_after(last_retry);
                        return result;
                    }
                    Answered::Failed(failed) => failed,
                },
                Err(Some(transport)) => transport_failure(operation, transport),
                Err(None) => {
                    let limit = settings.attempt_timeout.unwrap_or_default();
                    let error = RequestError::new(
                        RequestErrorKind::Timeout,
                        format!(
                            "{operation} attempt {attempt} got no complete answer within {limit:?}"
                        ),
                    );
                    Failed {
                        failure: error.into(),
                        kind: Some(RetryKind::Timeout),
                        refused: false,
                    }
                }
            };
            self.retry
                .after_attempt(kind == Some(RetryKind::Throttling));
            let kind = if settings.idempotent || refused {
                kind
            } else {
                None
            };
            let delay = kind.and_then(|kind| {
                self.retry
                    .should_retry_within(attempt, max_attempts, kind, retry::jitter())
            });
            let Some(delay) = delay else {
                return Err(with_attempts(failure, attempt));
            };
            let (status, request_id) = match &failure {
                Failure::Service(error) => (Some(error.status), error.request_id.as_deref()),
                Failure::Request(error) => (error.status(), error.request_id()),
            };
            tracing::debug!(
                attempt,
                status,
                request_id,
                retry_in_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                "attempt failed: {}",
                match &failure {
                    Failure::Service(error) => error.code.as_str(),
                    Failure::Request(error) => error.message(),
                }
            );
            last_retry = kind;
            sleep(delay).await;
            attempt += 1;
        }
    }

    /// Sorts an answer: the end of the call, or a failed attempt. A success's body is decoded
    /// later, by the operation's own decoder ([`super::decode_output`]).
    fn answer(
        &self,
        spec: &OperationSpec,
        response: http::Response<Vec<u8>>,
        stream: Option<ByteStream>,
        attempt: u32,
    ) -> Answered {
        let operation = spec.name;
        let (parts, body) = response.into_parts();
        let status = parts.status.as_u16();
        let request_id = aws_json::request_id(&parts.headers);
        if (200..300).contains(&status) {
            return Answered::Done(Ok(Answer {
                body,
                status,
                request_id,
                headers: parts.headers,
                stream,
            }));
        }
        match aws_json::parse_error(status, &parts.headers, body) {
            Ok(mut error) => {
                if self.spec.query_compatible {
                    error.query_code = aws_json::query_error_code(&parts.headers);
                }
                let kind = retry::classify(Some(status), Some(&error.code), false, false);
                let refused = status == 503 || kind == Some(RetryKind::Throttling);
                error.attempts = attempt;
                error.headers = parts.headers;
                Answered::Failed(Failed {
                    failure: Failure::Service(error),
                    kind,
                    refused,
                })
            }
            Err(body) => {
                let content_type = parts
                    .headers
                    .get(http::header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("no content type");
                let error = RequestError::new(
                    RequestErrorKind::InvalidResponse,
                    format!(
                        "{operation} answered HTTP {status} ({content_type}) without an error code: {}",
                        aws_json::snippet(&body)
                    ),
                )
                .with_status(status)
                .with_request_id(request_id);
                Answered::Failed(Failed {
                    failure: error.into(),
                    kind: retry::classify(Some(status), None, false, false),
                    refused: status == 503,
                })
            }
        }
    }
}

/// An attempt that got no answer: the transport's error, sorted.
fn transport_failure(operation: &str, transport: TransportError) -> Failed {
    let kind = retry::classify(
        None,
        None,
        transport.kind() == TransportErrorKind::Timeout,
        matches!(
            transport.kind(),
            TransportErrorKind::Connect | TransportErrorKind::Io
        ),
    );
    let request_kind = match transport.kind() {
        TransportErrorKind::Timeout => RequestErrorKind::Timeout,
        TransportErrorKind::ResponseTooLarge | TransportErrorKind::InvalidResponse => {
            RequestErrorKind::InvalidResponse
        }
        _ => RequestErrorKind::Transport,
    };
    let message = format!("{operation} failed: {transport}");
    let refused = transport.request_not_sent();
    Failed {
        failure: RequestError::new(request_kind, message)
            .with_source(transport)
            .into(),
        kind,
        refused,
    }
}
