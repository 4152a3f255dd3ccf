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

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::aws_json::{self, ErrorResponse};
use crate::config::Config;
use crate::credentials::ProvideCredentials;
use crate::endpoint::{ParamValue, Params};
use crate::error::{ErrorMetadata, RequestError, RequestErrorKind};
use crate::json::DeError;
use crate::retry::{self, RetryKind, RetryState};
use crate::transport::{HttpClient, Limits, TransportErrorKind};

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

/// An operation's `@endpoint` host prefix, e.g. `sync-` or `{label}.data.`: prepended to the
/// host of the endpoint (resolved or configured) unless the configuration disables it.
#[derive(Debug, Clone, Copy)]
pub struct HostPrefix<'a> {
    /// The template, labels in braces.
    pub template: &'static str,
    /// Each label's name and the value of the input member of that name (`None` when unset).
    pub labels: &'a [(&'static str, Option<&'a str>)],
}

impl HostPrefix<'_> {
    /// The prefix with its labels filled in. A label value that is not a valid host label
    /// (RFC 1123: 1 to 63 letters, digits and hyphens, no hyphen first or last) fails as
    /// invalid input naming its member, before anything is sent.
    fn expand(&self) -> Result<String, RequestError> {
        let template = self.template;
        let mut prefix = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(start) = rest.find('{') {
            prefix.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .map(|end| start + end)
                .ok_or_else(|| {
                    RequestError::new(
                        RequestErrorKind::Endpoint,
                        format!("the host prefix `{template}` has a `{{` without its `}}`"),
                    )
                })?;
            let name = &rest[start + 1..end];
            match self.labels.iter().find(|(label, _)| *label == name).map(|(_, value)| *value) {
                Some(Some(value)) if is_host_label(value) => prefix.push_str(value),
                Some(Some(_)) => {
                    return Err(RequestError::new(
                        RequestErrorKind::InvalidInput,
                        format!(
                            "invalid input: `{name}` is not a valid host label (1 to 63 ASCII letters, digits and hyphens, \
                             not starting or ending with a hyphen), and it becomes part of the host name through the host prefix `{template}`"
                        ),
                    ))
                }
                Some(None) => {
                    return Err(RequestError::new(
                        RequestErrorKind::InvalidInput,
                        format!("invalid input: `{name}` is not set, and the host prefix `{template}` needs it"),
                    ))
                }
                None => {
                    return Err(RequestError::new(
                        RequestErrorKind::Endpoint,
                        format!("the host prefix `{template}` has the label `{name}`, which has no value"),
                    ))
                }
            }
            rest = &rest[end + 1..];
        }
        prefix.push_str(rest);
        Ok(prefix)
    }
}

/// A valid host label (RFC 1123): 1 to 63 ASCII letters, digits and hyphens, no hyphen first or last.
fn is_host_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-')
}

/// `url` with `prefix` put in front of its host, e.g. `https://sync-states.us-east-1.amazonaws.com`.
fn with_host_prefix(url: &str, prefix: &str) -> Result<String, RequestError> {
    let invalid = |why: &str| {
        RequestError::new(
            RequestErrorKind::Endpoint,
            format!(
                "cannot put the host prefix `{prefix}` in front of the endpoint `{url}`: {why}"
            ),
        )
    };
    let host_start = url
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| invalid("it has no scheme"))?;
    let authority_end = url[host_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| host_start + i);
    // Past any `user@`.
    let host_start = url[host_start..authority_end]
        .rfind('@')
        .map_or(host_start, |i| host_start + i + 1);
    let host = &url[host_start..authority_end];
    let name = match host.rfind(':') {
        Some(colon) if !host.ends_with(']') => &host[..colon],
        _ => host,
    };
    if name.starts_with('[') || name.parse::<std::net::Ipv4Addr>().is_ok() {
        return Err(invalid(
            "its host is an IP address; set Config::builder().disable_host_prefix(true) to call it without the prefix",
        ));
    }
    if name.is_empty() {
        return Err(invalid("it has no host"));
    }
    Ok(format!(
        "{}{prefix}{}",
        &url[..host_start],
        &url[host_start..]
    ))
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

/// A modeled error structure, as the client completes it after decoding it from an error
/// answer's body. Generated code implements it for every error structure.
#[doc(hidden)]
pub trait ModeledError {
    /// The error's response metadata, for the client to set.
    fn metadata_mut(&mut self) -> &mut ErrorMetadata;

    /// The error's optional string member holding the message, if it has one: when the body has
    /// no value under the member's own name, the client fills it with the message the protocol
    /// found under another spelling (`message`, `Message` or `errorMessage`).
    fn message_mut(&mut self) -> Option<&mut Option<String>> {
        None
    }
}

/// The modeled error that `response` (an answer to `operation` whose code is the error's wire
/// `code`) carries, decoded by `decode`, with its message filled in when the body spells it
/// differently and its metadata set; or, when the body does not match the model, an
/// `InvalidResponse` request failure naming the operation, the code and what is wrong, with the
/// answer's status and request id. Either way converted into the operation's error enum.
#[doc(hidden)]
pub fn modeled_error<E, T>(
    operation: &OperationSpec,
    response: &ErrorResponse,
    code: &str,
    decode: fn(&Value) -> Result<E, DeError>,
) -> T
where
    E: ModeledError,
    T: From<E> + From<RequestError>,
{
    match decode(&response.body) {
        Ok(mut modeled) => {
            if let Some(message) = modeled.message_mut().filter(|message| message.is_none()) {
                *message = response.message.clone();
            }
            *modeled.metadata_mut() = ErrorMetadata::from_response(
                response.request_id.clone(),
                response.status,
                response.attempts,
            );
            T::from(modeled)
        }
        Err(why) => T::from(
            RequestError::new(
                RequestErrorKind::InvalidResponse,
                format!(
                    "{} answered {code} with a body that does not match the model: {why}",
                    operation.name
                ),
            )
            .with_status(response.status)
            .with_request_id(response.request_id.clone()),
        ),
    }
}

/// What a client shares between its calls (and its clones).
#[derive(Debug)]
pub struct Runtime {
    /// The configuration, made specific to the service (see [`Config::for_service`]).
    pub config: Config,
    spec: &'static ServiceSpec,
    http: Result<Arc<dyn HttpClient>, String>,
    credentials: Arc<dyn ProvideCredentials>,
    retry: RetryState,
    rules: Option<Value>,
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
            endpoint.url = with_host_prefix(&endpoint.url, prefix)?;
        }
        let region = self.config.region.as_deref().ok_or_else(|| {
            RequestError::new(
                RequestErrorKind::Config,
                "no AWS region: set it with Config::builder().region(..), AWS_REGION or the profile's `region`",
            )
        })?;
        let credentials = self
            .credentials
            .provide_credentials()
            .await
            .map_err(|e| RequestError::new(RequestErrorKind::Credentials, e.to_string()))?;
        let body = serde_json::to_vec(&input).unwrap_or_else(|_| b"{}".to_vec());
        let target = format!("{}.{operation}", self.spec.target_prefix);
        let invocation_id = invocation_id();
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

    fn endpoint(&self) -> Result<crate::endpoint::Endpoint, RequestError> {
        let mut params = Params::new();
        if let Some(region) = &self.config.region {
            params.insert("Region".to_owned(), ParamValue::String(region.clone()));
        }
        params.insert("UseFIPS".to_owned(), ParamValue::Bool(self.config.use_fips));
        params.insert(
            "UseDualStack".to_owned(),
            ParamValue::Bool(self.config.use_dual_stack),
        );
        if let Some(url) = &self.config.endpoint_url {
            params.insert("Endpoint".to_owned(), ParamValue::String(url.clone()));
        }
        match &self.rules {
            Some(rules) => crate::endpoint::resolve(rules, &params).map_err(|e| {
                RequestError::new(
                    RequestErrorKind::Endpoint,
                    format!("cannot resolve the endpoint: {e}"),
                )
            }),
            None => match &self.config.endpoint_url {
                Some(url) => Ok(crate::endpoint::Endpoint {
                    url: url.clone(),
                    headers: Default::default(),
                    properties: Default::default(),
                }),
                None => Err(RequestError::new(
                    RequestErrorKind::Endpoint,
                    "the model has no endpoint rules: set Config::builder().endpoint_url(..)",
                )),
            },
        }
    }

    fn request(
        &self,
        endpoint: &crate::endpoint::Endpoint,
        target: &str,
        body: &[u8],
        invocation_id: &str,
        attempt: u32,
        max_attempts: u32,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        // AWS JSON posts to the endpoint's path, which always ends in `/`.
        let url = if endpoint.url.ends_with('/') {
            endpoint.url.clone()
        } else {
            format!("{}/", endpoint.url)
        };
        let uri: http::Uri = url.parse().map_err(|e| {
            RequestError::new(
                RequestErrorKind::Endpoint,
                format!("the endpoint `{url}` is not a valid URL: {e}"),
            )
        })?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or_else(|| {
                RequestError::new(
                    RequestErrorKind::Endpoint,
                    format!("the endpoint `{url}` has no host"),
                )
            })?;
        let mut builder = http::Request::builder()
            .method(http::Method::POST)
            .uri(uri)
            .header(http::header::HOST, host)
            .header(http::header::CONTENT_TYPE, self.spec.content_type)
            .header("x-amz-target", target)
            .header(http::header::USER_AGENT, self.spec.user_agent)
            .header("amz-sdk-invocation-id", invocation_id)
            .header(
                "amz-sdk-request",
                format!("attempt={attempt}; max={max_attempts}"),
            );
        if self.spec.query_compatible {
            builder = builder.header(aws_json::QUERY_MODE_HEADER, "true");
        }
        for (name, values) in &endpoint.headers {
            for value in values {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        builder.body(body.to_vec()).map_err(|e| {
            RequestError::new(
                RequestErrorKind::Endpoint,
                format!("cannot build the request: {e}"),
            )
        })
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

/// A random id for all attempts of one call, so the service can tell retries apart from repeats.
fn invocation_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    let high = hasher.finish();
    hasher.write_u64(high);
    let low = hasher.finish();
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
