//! One call, start to end: endpoint, credentials, request, signing, sending, retries, timeouts,
//! and sorting the response into success, a service error, or a request failure.
//!
//! Retries follow the AWS standard mode (see [`crate::retry`]): throttling answers, 5xx answers,
//! timeouts and broken connections are retried with backoff while the retry quota lasts; modeled
//! client errors and answers that cannot be understood never are. That holds for operations the
//! model marks `@idempotent` or `@readonly`. Any other operation is repeated only when its request
//! was provably not carried out: throttled, refused with 503, or never sent (no connection could be
//! made). A timeout or a connection lost after sending is reported instead of retried, because the
//! service may have acted on the request, and repeating it could act twice or report a misleading
//! error (for `SendTaskFailure`, `TaskTimedOut` for a task the first attempt already failed).
//!
//! Here: the specs generated code passes, [`Runtime`] and its attempts loop. `request.rs` builds
//! each attempt's HTTP request, `host_prefix.rs` fills in and applies an operation's `@endpoint`
//! host prefix, `modeled_error.rs` completes a modeled error decoded from an error answer.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::aws_json::{self, ErrorResponse};
use crate::config::Config;
use crate::credentials::ProvideCredentials;
use crate::error::{RequestError, RequestErrorKind};
use crate::retry::{self, RetryKind, RetryState};
use crate::transport::{HttpClient, Limits, TransportErrorKind};

mod host_prefix;
mod modeled_error;
mod request;

pub use host_prefix::HostPrefix;
pub use modeled_error::{modeled_error, ModeledError};

/// What the generated code knows about the service.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The SigV4 signing name, e.g. `states`.
    pub signing_name: &'static str,
    /// `application/x-amz-json-1.0` or `-1.1`.
    pub content_type: &'static str,
    /// The first part of `X-Amz-Target`, e.g. `AWSStepFunctions`.
    pub target_prefix: &'static str,
    /// The suffix of `AWS_ENDPOINT_URL_<NAME>`, e.g. `SFN`.
    pub env_name: &'static str,
    /// The endpoint rule set as JSON, when the model has one.
    pub endpoint_rules: Option<&'static str>,
    /// `User-Agent`: the crate and its version.
    pub user_agent: &'static str,
    /// `aws.protocols#awsQueryCompatible`: requests say `x-amzn-query-mode: true`, and error
    /// answers may carry their awsQuery code in `x-amzn-query-error`.
    pub query_compatible: bool,
}

/// What the generated code knows about one operation.
#[derive(Debug)]
pub struct OperationSpec {
    /// The name on the wire, e.g. `SendTaskFailure` (the second part of `X-Amz-Target`).
    pub name: &'static str,
    /// `@idempotent` or `@readonly`: every retryable failure may be retried (see the module docs).
    pub idempotent: bool,
    /// The members its output and modeled errors have: the only members read from a response
    /// body (others are validated and dropped unstored, so they cost no memory).
    pub response_members: &'static [aws_json::Member],
}

/// A successful answer: its body (the operation's members only) and what identifies it, for
/// the error when the body turns out not to match the model.
#[derive(Debug)]
pub struct Answer {
    /// The body, holding the operation's output members only.
    pub body: Value,
    /// The HTTP status.
    pub status: u16,
    /// The `x-amzn-requestid` header, when the answer had one.
    pub request_id: Option<String>,
}

/// How a call failed.
#[derive(Debug)]
pub enum Failure {
    /// The service answered with an error code.
    Service(ErrorResponse),
    /// No usable error answer: see the error's kind.
    Request(RequestError),
}

impl From<RequestError> for Failure {
    fn from(error: RequestError) -> Self {
        Failure::Request(error)
    }
}

/// What a client shares between its calls (and its clones).
pub struct Runtime {
    /// The configuration, made specific to the service (see [`Config::for_service`]).
    pub config: Config,
    spec: &'static ServiceSpec,
    http: Result<Arc<dyn HttpClient>, String>,
    credentials: Arc<dyn ProvideCredentials>,
    retry: RetryState,
    rules: Option<Value>,
}

impl fmt::Debug for Runtime {
    // The endpoint rule set (often tens of KiB) is left out: it is the model's, not this
    // client's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("service", &self.spec.target_prefix)
            .field("config", &self.config)
            .field("http", &self.http)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("endpoint_rules", &self.rules.is_some())
            .finish()
    }
}

impl Runtime {
    /// The runtime of a client of the service `spec` describes, with `config` (shared by all
    /// services) made specific to it: see [`Config::for_service`].
    pub fn new(config: &Config, spec: &'static ServiceSpec) -> Self {
        let config = config.for_service(spec.env_name);
        let http = config.http();
        let credentials = config
            .credentials
            .clone()
            .unwrap_or_else(crate::config::default_credentials);
        // The rule set is the model's own, checked when the crate was generated.
        let rules = spec
            .endpoint_rules
            .and_then(|text| serde_json::from_str(text).ok());
        Self {
            retry: RetryState::new(&config.retry),
            config,
            spec,
            http,
            credentials,
            rules,
        }
    }

    /// Makes one call: `operation` says which, `input` is its JSON body, `host_prefix`
    /// its `@endpoint` host prefix with the input's label values.
    ///
    /// Traced as one `call` span (service, operation, attempts, status, request id) with a debug
    /// event per attempt. Neither carries headers, bodies or credentials.
    pub async fn invoke(
        &self,
        operation: &'static OperationSpec,
        input: Value,
        host_prefix: Option<HostPrefix<'_>>,
    ) -> Result<Answer, Failure> {
        use tracing::Instrument;
        let span = tracing::debug_span!(
            "call",
            service = self.spec.target_prefix,
            operation = operation.name,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        // Labels are checked before anything else, so a bad one fails the call without a request.
        let host_prefix = match host_prefix {
            Some(prefix) if !self.config.disable_host_prefix => prefix.expand().map(Some),
            _ => Ok(None),
        };
        let result = match host_prefix {
            Ok(host_prefix) => {
                self.invoke_with_total_timeout(operation, input, host_prefix.as_deref(), &span)
                    .instrument(span.clone())
                    .await
            }
            Err(error) => Err(error.into()),
        };
        span.record(
            "outcome",
            match &result {
                Ok(_) => "success",
                Err(Failure::Service(_)) => "service error",
                Err(Failure::Request(_)) => "request failure",
            },
        );
        if let Err(Failure::Service(error)) = &result {
            span.record("status", error.status);
            if let Some(id) = &error.request_id {
                span.record("request_id", id.as_str());
            }
        }
        result
    }

    async fn invoke_with_total_timeout(
        &self,
        operation: &'static OperationSpec,
        input: Value,
        host_prefix: Option<&str>,
        span: &tracing::Span,
    ) -> Result<Answer, Failure> {
        // The attempts started so far, for the error when the total timeout cuts them off.
        let started = AtomicU32::new(0);
        match self.config.total_timeout {
            None => {
                self.invoke_with_retries(operation, input, host_prefix, span, &started)
                    .await
            }
            Some(limit) => match tokio::time::timeout(
                limit,
                self.invoke_with_retries(operation, input, host_prefix, span, &started),
            )
            .await
            {
                Ok(result) => result,
                Err(_) => {
                    let attempts = started.load(Ordering::Relaxed);
                    if attempts > 0 {
                        span.record("attempts", attempts);
                    }
                    let error = RequestError::new(
                        RequestErrorKind::Timeout,
                        format!(
                            "{} did not complete within the total timeout of {limit:?}",
                            operation.name
                        ),
                    );
                    Err(with_attempts(error.into(), attempts))
                }
            },
        }
    }

    async fn invoke_with_retries(
        &self,
        spec: &'static OperationSpec,
        input: Value,
        host_prefix: Option<&str>,
        span: &tracing::Span,
        started: &AtomicU32,
    ) -> Result<Answer, Failure> {
        let OperationSpec {
            name: operation,
            idempotent,
            response_members,
        } = *spec;
        let http = self.http.as_ref().map_err(|why| {
            RequestError::new(
                RequestErrorKind::Transport,
                format!("cannot set up the HTTPS client: {why}"),
            )
        })?;
        let mut endpoint = self.endpoint()?;
        if let Some(prefix) = host_prefix {
            endpoint.url = host_prefix::with_host_prefix(&endpoint.url, prefix)?;
        }
        let region = self.config.region.as_deref().ok_or_else(|| {
            RequestError::new(
                RequestErrorKind::Config,
                "no AWS region: set it with Config::builder().region(..), AWS_REGION or the profile's `region`",
            )
        })?;
        let credentials = self.credentials.provide_credentials().await.map_err(|e| {
            RequestError::new(
                RequestErrorKind::Credentials,
                crate::credentials::describe(&e),
            )
        })?;
        let body = serde_json::to_vec(&input).unwrap_or_else(|_| b"{}".to_vec());
        let target = format!("{}.{operation}", self.spec.target_prefix);
        let invocation_id = request::invocation_id();
        let max_attempts = self.retry.config().max_attempts().max(1);
        let limits = Limits::new(self.config.max_response_bytes);
        let mut last_retry: Option<RetryKind> = None;
        let mut attempt = 1;
        loop {
            started.store(attempt, Ordering::Relaxed);
            let mut request = self.request(
                &endpoint,
                &target,
                &body,
                &invocation_id,
                attempt,
                max_attempts,
            )?;
            crate::sign::sign_request(
                &mut request,
                &credentials,
                region,
                self.spec.signing_name,
                SystemTime::now(),
            )
            .map_err(|e| RequestError::new(RequestErrorKind::Signing, e.to_string()))?;
            let sent = http.send(request, limits);
            let outcome = match self.config.attempt_timeout {
                None => sent.await.map_err(Some),
                Some(limit) => match tokio::time::timeout(limit, sent).await {
                    Ok(result) => result.map_err(Some),
                    Err(_) => Err(None),
                },
            };
            // `refused`: the request was provably not carried out, so even a call that is not
            // idempotent may be repeated.
            let (failure, kind, refused) = match outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    if (200..300).contains(&status) {
                        self.retry.on_success_after(last_retry);
                        span.record("attempts", attempt);
                        span.record("status", status);
                        if let Some(id) = aws_json::request_id(response.headers()) {
                            span.record("request_id", id.as_str());
                        }
                        let request_id = aws_json::request_id(response.headers());
                        return match aws_json::parse_body(response.body(), response_members) {
                            Ok(body) => Ok(Answer {
                                body,
                                status,
                                request_id,
                            }),
                            Err(why) => Err(RequestError::new(
                                RequestErrorKind::InvalidResponse,
                                format!("{operation} answered HTTP {status}, but {why}"),
                            )
                            .with_status(status)
                            .with_request_id(request_id)
                            .into()),
                        };
                    }
                    match aws_json::parse_error(
                        status,
                        response.headers(),
                        response.body(),
                        response_members,
                    ) {
                        Some(mut error) => {
                            if self.spec.query_compatible {
                                error.query_code = aws_json::query_error_code(response.headers());
                            }
                            let kind =
                                retry::classify(Some(status), Some(&error.code), false, false);
                            let refused = status == 503 || kind == Some(RetryKind::Throttling);
                            error.attempts = attempt;
                            (Failure::Service(error), kind, refused)
                        }
                        None => {
                            let content_type = response
                                .headers()
                                .get(http::header::CONTENT_TYPE)
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("no content type");
                            let error = RequestError::new(
                                RequestErrorKind::InvalidResponse,
                                format!(
                                    "{operation} answered HTTP {status} ({content_type}) without an error code: {}",
                                    aws_json::snippet(response.body())
                                ),
                            )
                            .with_status(status)
                            .with_request_id(aws_json::request_id(response.headers()));
                            let kind = retry::classify(Some(status), None, false, false);
                            (Failure::Request(error), kind, status == 503)
                        }
                    }
                }
                Err(Some(transport)) => {
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
                        TransportErrorKind::ResponseTooLarge
                        | TransportErrorKind::InvalidResponse => RequestErrorKind::InvalidResponse,
                        _ => RequestErrorKind::Transport,
                    };
                    let message = format!("{operation} failed: {transport}");
                    let refused = transport.request_not_sent();
                    (
                        Failure::Request(
                            RequestError::new(request_kind, message).with_source(transport),
                        ),
                        kind,
                        refused,
                    )
                }
                Err(None) => {
                    let limit = self.config.attempt_timeout.unwrap_or_default();
                    let error = RequestError::new(
                        RequestErrorKind::Timeout,
                        format!(
                            "{operation} attempt {attempt} got no complete answer within {limit:?}"
                        ),
                    );
                    (Failure::Request(error), Some(RetryKind::Timeout), false)
                }
            };
            let kind = if idempotent || refused { kind } else { None };
            let delay = match kind {
                Some(kind) if attempt < max_attempts => {
                    self.retry.should_retry(attempt, kind, retry::jitter())
                }
                _ => None,
            };
            let (status, request_id) = match &failure {
                Failure::Service(error) => (Some(error.status), error.request_id.as_deref()),
                Failure::Request(error) => (error.status(), error.request_id()),
            };
            span.record("attempts", attempt);
            tracing::debug!(
                attempt,
                status,
                request_id,
                retry_in_ms = delay.map(|d| d.as_millis() as u64),
                "attempt failed: {}",
                match &failure {
                    Failure::Service(error) => error.code.as_str(),
                    Failure::Request(error) => error.message(),
                }
            );
            match delay {
                Some(delay) => {
                    last_retry = kind;
                    sleep(delay).await;
                    attempt += 1;
                }
                None => return Err(with_attempts(failure, attempt)),
            }
        }
    }
}

/// Notes in a request failure how many attempts were made.
fn with_attempts(failure: Failure, attempts: u32) -> Failure {
    match failure {
        Failure::Request(error) if attempts > 1 => Failure::Request(error.after_attempts(attempts)),
        other => other,
    }
}

async fn sleep(delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
}
