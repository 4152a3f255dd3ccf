//! One call, start to end: endpoint, credentials, request, signing, sending, retries, timeouts,
//! tracing, and sorting the response into success, a service error, or a request failure.
//!
//! Retries follow the AWS standard retry mode (see [`crate::retry`]): throttling answers, 5xx answers,
//! timeouts and broken connections are retried with backoff while the retry quota lasts; modeled
//! client errors and answers that cannot be understood never are. That holds for operations the
//! model marks `@idempotent` or `@readonly`. Any other operation is repeated only when its request
//! was provably not carried out: throttled, refused with 503, or never sent (no connection could be
//! made). A timeout or a connection lost after sending is reported instead of retried, because the
//! service may have acted on the request, and repeating it could act twice or report a misleading
//! error (for `SendTaskFailure`, `TaskTimedOut` for a task the first attempt already failed).
//! A caller who knows better for one call (a long poll, a read the model does not mark) says so
//! with [`CallOverrides::retry_as_idempotent`], which also sets that call's attempts and timeouts.
//!
//! # Tracing
//!
//! Each call is one `call` span (`service`, the service's readable name such as `sfn`;
//! `operation`; and, recorded once when the call ends: `attempts`, `status`, `request_id`,
//! `latency_ms`, `outcome`) and ends with one event that carries the same fields: `call
//! succeeded` at `debug`, or `call failed: <code or message>` at `warn` (with `kind`, for a
//! failure without a service answer). A failed attempt that is retried is a `debug` event
//! (`attempt failed: ...`, with `retry_in_ms`), and so is a wait of the adaptive mode's rate
//! limiter; nothing is `warn` unless the caller gets the error. No span or event carries
//! headers, bodies, input values or credentials.
//!
//! Here: the specs generated code passes, [`Runtime`], its entry points and tracing.
//! `attempts.rs` runs the attempts loop, `request.rs` builds each attempt's HTTP request (from
//! what is made once per client: the resolved endpoint, its URI and `Host`, the service's header
//! values; and once per call: `X-Amz-Target`, the invocation id),
//! `host_prefix.rs` fills in and applies an operation's `@endpoint` host prefix,
//! `modeled_error.rs` completes a modeled error decoded from an error answer.

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::aws_json::ErrorResponse;
use crate::config::{CallOverrides, Config};
use crate::credentials::ProvideCredentials;
use crate::error::{RequestError, RequestErrorKind};
use crate::retry::RetryState;
use crate::transport::HttpClient;

mod attempts;
mod auth;
mod host_prefix;
mod modeled_error;
mod request;

pub use host_prefix::HostPrefix;
pub use modeled_error::{decode_output, modeled_error, ModeledError};
pub(crate) use request::uuid_v4;

/// What the generated code knows about the service.
#[derive(Debug)]
pub struct ServiceSpec {
    /// The service's readable name, for tracing: its SDK id in lower case without spaces, as
    /// the AWS SDK for Rust names its crates (`sfn`, `dynamodb`, `cloudwatchlogs`).
    pub service_name: &'static str,
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
    /// The auth schemes the operation accepts, in the model's order of preference (see
    /// [`crate::auth`]); none for an operation called anonymously.
    pub auth: &'static [crate::auth::AuthScheme],
    /// `@optionalAuth`: without an identity for any of `auth`, the call goes anonymously.
    pub optional_auth: bool,
}

/// What a call's request carries besides its body, for the operations that need more than the
/// service's defaults: see [`Runtime::invoke_with_options`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RequestOptions<'a> {
    endpoint_url: Option<&'a str>,
    content_encoding: Option<&'static str>,
}

impl<'a> RequestOptions<'a> {
    /// The service's defaults: the client's endpoint, the body as it is.
    pub const fn new() -> Self {
        Self {
            endpoint_url: None,
            content_encoding: None,
        }
    }

    /// Sends the request to `url` instead of the client's endpoint (a host prefix still
    /// applies), as a service customization asks for one operation (Machine Learning's
    /// `Predict` goes to its input's `PredictEndpoint`). An empty `url` changes nothing.
    pub fn endpoint_url(mut self, url: &'a str) -> Self {
        self.endpoint_url = Some(url).filter(|url| !url.is_empty());
        self
    }

    /// The body is encoded with `encoding` (e.g. `gzip`), which the request names in its
    /// `Content-Encoding` header; `None` changes nothing.
    pub fn content_encoding(mut self, encoding: Option<&'static str>) -> Self {
        self.content_encoding = encoding;
        self
    }
}

/// A successful answer: its body, for the operation's decoder (see [`decode_output`]), and what
/// identifies it, for the error when the body turns out not to match the model.
#[derive(Debug)]
pub struct Answer {
    /// The body as it came.
    pub body: Vec<u8>,
    /// The HTTP status.
    pub status: u16,
    /// The `x-amzn-requestid` header, when the answer had one.
    pub request_id: Option<String>,
    /// The response's headers (restJson1 outputs bind members to them).
    pub headers: http::HeaderMap,
    /// The body as a stream, for an operation whose output is a `@streaming` blob (then `body`
    /// is empty).
    pub stream: Option<crate::primitives::ByteStream>,
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
    /// The endpoint, resolved on the first call: every parameter of the rule set comes from the
    /// configuration, which does not change, so the rules are evaluated once per client (and
    /// what every request to the endpoint shares is made then too).
    resolved: std::sync::OnceLock<request::Resolved>,
    /// The service's header values, checked once.
    headers: Result<request::ServiceHeaders, String>,
}

impl fmt::Debug for Runtime {
    // The endpoint rule set (often tens of KiB) is left out: it is the model's, not this
    // client's.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("service", &self.spec.service_name)
            .field("config", &self.config)
            .field("http", &self.http)
            .field("credentials", &self.credentials)
            .field("retry", &self.retry)
            .field("endpoint_rules", &self.rules.is_some())
            .finish()
    }
}

/// What one call runs with: the configuration, with the call's overrides applied.
#[derive(Debug, Clone, Copy)]
struct CallSettings {
    max_attempts: u32,
    attempt_timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    /// Retry every retryable failure, not only those where the request was provably not
    /// carried out.
    idempotent: bool,
}

impl CallSettings {
    fn new(config: &Config, operation: &OperationSpec, overrides: &CallOverrides) -> Self {
        Self {
            max_attempts: overrides
                .max_attempts
                .unwrap_or(config.retry.max_attempts())
                .max(1),
            attempt_timeout: overrides.attempt_timeout.unwrap_or(config.attempt_timeout),
            total_timeout: overrides.total_timeout.unwrap_or(config.total_timeout),
            idempotent: overrides
                .retry_as_idempotent
                .unwrap_or(operation.idempotent),
        }
    }
}

/// The overrides of a call made without any.
static NO_OVERRIDES: CallOverrides = CallOverrides::new();

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
            resolved: std::sync::OnceLock::new(),
            headers: request::ServiceHeaders::new(spec),
        }
    }

    /// Makes one call with the client's configuration: `operation` says which, `body` is its
    /// JSON body, `host_prefix` its `@endpoint` host prefix with the input's label values.
    /// Traced as the [module docs](self#tracing) say.
    pub async fn invoke(
        &self,
        operation: &'static OperationSpec,
        body: Vec<u8>,
        host_prefix: Option<HostPrefix<'_>>,
    ) -> Result<Answer, Failure> {
        self.invoke_with_overrides(operation, body, host_prefix, &NO_OVERRIDES)
            .await
    }

    /// As [`invoke`](Self::invoke), with settings for this call only (attempts, timeouts,
    /// retrying as if idempotent): see [`CallOverrides`], which also shows how a generated
    /// fluent builder's `customize` step is meant to pass them here.
    pub async fn invoke_with_overrides(
        &self,
        operation: &'static OperationSpec,
        body: Vec<u8>,
        host_prefix: Option<HostPrefix<'_>>,
        overrides: &CallOverrides,
    ) -> Result<Answer, Failure> {
        self.invoke_with_options(
            operation,
            body,
            host_prefix,
            overrides,
            RequestOptions::new(),
        )
        .await
    }

    /// As [`invoke_with_overrides`](Self::invoke_with_overrides), for an operation whose
    /// request needs more than the service's defaults: see [`RequestOptions`].
    pub async fn invoke_with_options(
        &self,
        operation: &'static OperationSpec,
        body: Vec<u8>,
        host_prefix: Option<HostPrefix<'_>>,
        overrides: &CallOverrides,
        options: RequestOptions<'_>,
    ) -> Result<Answer, Failure> {
        self.call(
            operation,
            (body, None),
            host_prefix,
            overrides,
            options,
            None,
        )
        .await
    }

    /// One restJson1 call: as [`invoke_with_overrides`](Self::invoke_with_overrides), with the
    /// request's method, path, query, headers and body from `request` (see [`crate::rest`]):
    /// no `X-Amz-Target`, `Content-Type` only with a body, `Content-Length` always.
    pub async fn invoke_http(
        &self,
        operation: &'static OperationSpec,
        request: crate::rest::HttpRequest,
        host_prefix: Option<HostPrefix<'_>>,
        overrides: &CallOverrides,
    ) -> Result<Answer, Failure> {
        let crate::rest::HttpRequest {
            method,
            path_and_query,
            headers,
            body,
            content_type,
            payload_stream,
            streaming_response,
            content_encoding,
        } = request;
        let rest = request::RestParts {
            method,
            path_and_query,
            headers,
            content_type,
            streaming_response,
        };
        // A stream in memory is sent as any other body (signed with its hash, sent again as
        // it is on a retry).
        let (body, stream) = match payload_stream {
            Some(stream) => match stream.bytes() {
                Some(bytes) => (bytes.to_vec(), None),
                None => (body, Some(stream)),
            },
            None => (body, None),
        };
        self.call(
            operation,
            (body, stream),
            host_prefix,
            overrides,
            RequestOptions::new().content_encoding(content_encoding),
            Some(&rest),
        )
        .await
    }

    /// A call of either protocol family: `rest` holds a restJson1 request's own parts.
    async fn call(
        &self,
        operation: &'static OperationSpec,
        body: (Vec<u8>, Option<crate::primitives::ByteStream>),
        host_prefix: Option<HostPrefix<'_>>,
        overrides: &CallOverrides,
        options: RequestOptions<'_>,
        rest: Option<&request::RestParts>,
    ) -> Result<Answer, Failure> {
        use tracing::Instrument;
        let start = Instant::now();
        let span = tracing::debug_span!(
            "call",
            service = self.spec.service_name,
            operation = operation.name,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            request_id = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let settings = CallSettings::new(&self.config, operation, overrides);
        // The attempts started so far: what the call's trace and a total timeout report.
        let started = AtomicU32::new(0);
        // Labels are checked before anything else, so a bad one fails the call without a request.
        let host_prefix = match host_prefix {
            Some(prefix) if !self.config.disable_host_prefix => prefix.expand().map(Some),
            _ => Ok(None),
        };
        let result = match host_prefix {
            Ok(host_prefix) => {
                let attempts = self.attempts(
                    operation,
                    body,
                    host_prefix.as_deref(),
                    (options, rest),
                    &settings,
                    &started,
                );
                match settings.total_timeout {
                    None => attempts.instrument(span.clone()).await,
                    Some(limit) => {
                        match tokio::time::timeout(limit, attempts.instrument(span.clone())).await {
                            Ok(result) => result,
                            Err(_) => Err(total_timeout(
                                operation,
                                limit,
                                started.load(Ordering::Relaxed),
                            )),
                        }
                    }
                }
            }
            Err(error) => Err(error.into()),
        };
        let attempts = started.load(Ordering::Relaxed);
        self.trace_end(&span, operation, &result, attempts, start.elapsed());
        result
    }

    /// Records the call's outcome in its span, once, and emits its one closing event.
    fn trace_end(
        &self,
        span: &tracing::Span,
        operation: &OperationSpec,
        result: &Result<Answer, Failure>,
        attempts: u32,
        latency: Duration,
    ) {
        let service = self.spec.service_name;
        let operation = operation.name;
        let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
        span.record("attempts", attempts);
        span.record("latency_ms", latency_ms);
        let (status, request_id) = match result {
            Ok(answer) => (Some(answer.status), answer.request_id.as_deref()),
            Err(Failure::Service(error)) => (Some(error.status), error.request_id.as_deref()),
            Err(Failure::Request(error)) => (error.status(), error.request_id()),
        };
        if let Some(status) = status {
            span.record("status", status);
        }
        if let Some(id) = request_id {
            span.record("request_id", id);
        }
        span.in_scope(|| match result {
            Ok(_) => {
                span.record("outcome", "success");
                tracing::debug!(
                    service,
                    operation,
                    attempts,
                    status,
                    request_id,
                    latency_ms,
                    "call succeeded"
                );
            }
            Err(Failure::Service(error)) => {
                span.record("outcome", "service error");
                tracing::warn!(
                    service,
                    operation,
                    attempts,
                    status,
                    request_id,
                    latency_ms,
                    "call failed: {}",
                    error.code
                );
            }
            Err(Failure::Request(error)) => {
                span.record("outcome", "request failure");
                tracing::warn!(
                    service,
                    operation,
                    attempts,
                    status,
                    request_id,
                    latency_ms,
                    kind = ?error.kind(),
                    "call failed: {}",
                    error.message()
                );
            }
        });
    }
}

/// The failure of a call cut off by its total timeout after `attempts` attempts started.
fn total_timeout(operation: &OperationSpec, limit: Duration, attempts: u32) -> Failure {
    let error = RequestError::new(
        RequestErrorKind::Timeout,
        format!(
            "{} did not complete within the total timeout of {limit:?}",
            operation.name
        ),
    );
    with_attempts(error.into(), attempts)
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
