//! Errors shared by every operation: building inputs, failures without a service answer, and
//! service error codes this crate does not know.

use std::error::Error as StdError;
use std::fmt;

/// What every error of a call can say about itself: the service's error code and message, the
/// request id, the HTTP status and the attempts made.
///
/// Implemented by [`UnknownServiceError`], [`RequestError`], every modeled error structure of a
/// generated crate (`types::error::*`) and every operation's error enum (`<Op>Error`), so code that
/// logs or reports errors can take any of them (`&dyn ProvideErrorMetadata` or a generic bound).
/// The error types also have inherent methods of these names, so callers that know the type need
/// not import the trait; on a modeled error structure the inherent `code()` gives the code
/// without an `Option`.
///
/// Named after the AWS SDK for Rust's trait, with its `code()` and `message()`. Unlike the SDK,
/// one trait carries the request id too (the SDK has a separate `RequestId` trait) and there is
/// no `meta()` returning a shared metadata structure: request failures and unknown service
/// errors keep their metadata in their own fields, and one trait is one import.
pub trait ProvideErrorMetadata {
    /// The error code the service sent (`None` when no error answer arrived, as for a
    /// [`RequestError`]).
    fn code(&self) -> Option<&str>;

    /// The message: the service's, if it sent one; for a [`RequestError`], what went wrong.
    fn message(&self) -> Option<&str>;

    /// The request id of the failed call, when the answer had one.
    fn request_id(&self) -> Option<&str>;

    /// The HTTP status of the answer, when there was one (`None` for an error built by hand).
    fn status(&self) -> Option<u16>;

    /// How many attempts the call made, retries included (0 for a service error built by hand,
    /// e.g. in a mock).
    fn attempts(&self) -> u32;
}

/// Metadata of an error response: what the service sent with it, and how the call got it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorMetadata {
    request_id: Option<String>,
    status: Option<u16>,
    attempts: u32,
}

impl ErrorMetadata {
    /// Metadata with a request id (for building errors in tests and mocks).
    pub fn with_request_id(request_id: impl Into<String>) -> Self {
        Self {
            request_id: Some(request_id.into()),
            ..Self::default()
        }
    }

    /// The request id the service gave the failed call.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status of the error response (`None` for an error built by hand).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// How many attempts the call made, retries included (0 for an error built by hand).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The metadata of an error response that the call's attempt number `attempts` got.
    #[doc(hidden)]
    pub fn from_response(request_id: Option<String>, status: u16, attempts: u32) -> Self {
        Self {
            request_id,
            status: Some(status),
            attempts,
        }
    }
}

/// Whether the model blames the caller or the service for an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// The request was wrong (`@error("client")`): retrying it unchanged will fail again.
    Client,
    /// The service failed (`@error("server")`).
    Server,
}

/// How a service error's message is shown by `Display`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Message<'a> {
    Text(&'a str),
    Absent,
    Redacted,
}

impl<'a> Message<'a> {
    #[doc(hidden)]
    pub fn from_option(message: Option<&'a str>) -> Self {
        message.map_or(Message::Absent, Message::Text)
    }
}

/// `CODE: message (request id: ...)`, with `, after N attempts` inside the parentheses when the
/// call was retried: the one format every service error displays in.
#[doc(hidden)]
pub fn fmt_service_error(
    f: &mut fmt::Formatter<'_>,
    code: &str,
    message: Message<'_>,
    request_id: Option<&str>,
    attempts: u32,
) -> fmt::Result {
    f.write_str(code)?;
    match message {
        Message::Text(text) if !text.is_empty() => write!(f, ": {text}")?,
        Message::Text(_) | Message::Absent => f.write_str(" (no message)")?,
        Message::Redacted => f.write_str(": (message redacted: it is sensitive)")?,
    }
    match (request_id, attempts > 1) {
        (Some(id), false) => write!(f, " (request id: {id})"),
        (Some(id), true) => write!(f, " (request id: {id}, after {attempts} attempts)"),
        (None, true) => write!(f, " (after {attempts} attempts)"),
        (None, false) => Ok(()),
    }
}

/// A builder's `build()` was called without a required member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    shape: &'static str,
    member: &'static str,
    method: &'static str,
}

impl BuildError {
    #[doc(hidden)]
    pub fn missing_member(shape: &'static str, member: &'static str, method: &'static str) -> Self {
        Self {
            shape,
            member,
            method,
        }
    }

    /// The structure that could not be built, e.g. `SendTaskFailureInput`.
    pub fn shape(&self) -> &str {
        self.shape
    }

    /// The missing member as the service names it, e.g. `taskToken`.
    pub fn member(&self) -> &str {
        self.member
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot build {}: required member `{}` is not set (set it with `.{}(...)`)",
            self.shape, self.member, self.method
        )
    }
}

impl StdError for BuildError {}

/// An error code the service sent that this version of the crate does not model: the service may
/// be newer than the model, or the error undocumented. Code, message and request id are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownServiceError {
    code: String,
    message: Option<String>,
    request_id: Option<String>,
    status: Option<u16>,
    attempts: u32,
}

impl UnknownServiceError {
    /// An unknown error with this code (for tests and mocks; the client builds these itself).
    pub fn new(code: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: None,
            request_id: None,
            status: None,
            attempts: 0,
        }
    }

    /// Adds the message.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Adds the request id.
    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.request_id = Some(request_id.into());
        self
    }

    /// Sets or clears the message (for the client, which may have none).
    #[doc(hidden)]
    pub fn with_optional_message(mut self, message: Option<String>) -> Self {
        self.message = message;
        self
    }

    /// Sets or clears the request id (for the client, which may have none).
    #[doc(hidden)]
    pub fn with_optional_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Adds how the call got the error: the answer's HTTP status and the attempts made.
    #[doc(hidden)]
    pub fn with_response(mut self, status: u16, attempts: u32) -> Self {
        self.status = Some(status);
        self.attempts = attempts;
        self
    }

    /// The error code as the service sent it (namespace and URL suffix removed).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The message, if the service sent one.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The request id, if the service sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status of the error response (`None` for an error built by hand).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// How many attempts the call made, retries included (0 for an error built by hand).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for UnknownServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_service_error(
            f,
            &self.code,
            Message::from_option(self.message()),
            self.request_id(),
            self.attempts,
        )
    }
}

impl StdError for UnknownServiceError {}

impl ProvideErrorMetadata for UnknownServiceError {
    fn code(&self) -> Option<&str> {
        Some(&self.code)
    }

    fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    fn status(&self) -> Option<u16> {
        self.status
    }

    fn attempts(&self) -> u32 {
        self.attempts
    }
}

/// What kind of failure a [`RequestError`] is.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestErrorKind {
    /// The input could not be built (a required member is missing). Nothing was sent.
    InvalidInput,
    /// The configuration is incomplete (for example no region). Nothing was sent. Also what an
    /// implementation of a service trait that does not implement an operation (a mock) answers:
    /// `not mocked: <Operation>`.
    Config,
    /// No credentials could be found or loaded. Nothing was sent.
    Credentials,
    /// No endpoint could be resolved for the configuration. Nothing was sent.
    Endpoint,
    /// The request could not be signed. Nothing was sent.
    Signing,
    /// The connection could not be made or broke.
    Transport,
    /// An attempt or the whole call took longer than its timeout.
    Timeout,
    /// An answer arrived but is not what the protocol promises (not JSON, wrong types, too large,
    /// an error status without an error code).
    InvalidResponse,
}

/// A call that failed without an error answer from the service.
#[derive(Debug)]
pub struct RequestError {
    kind: RequestErrorKind,
    message: String,
    status: Option<u16>,
    request_id: Option<String>,
    attempts: u32,
    source: Option<Box<dyn StdError + Send + Sync + 'static>>,
}

impl RequestError {
    /// A failure of this kind, described by `message` (which must hold no secrets).
    pub fn new(kind: RequestErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            status: None,
            request_id: None,
            attempts: 1,
            source: None,
        }
    }

    /// The input could not be built.
    pub fn invalid_input(error: BuildError) -> Self {
        Self::new(
            RequestErrorKind::InvalidInput,
            format!("invalid input: {error}"),
        )
        .with_source(error)
    }

    /// Adds the underlying error.
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn StdError + Send + Sync + 'static>>,
    ) -> Self {
        self.source = Some(source.into());
        self
    }

    /// Adds the HTTP status of the answer that could not be understood.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds the request id of the answer, when it had one.
    pub fn with_request_id(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    pub(crate) fn after_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts;
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> RequestErrorKind {
        self.kind
    }

    /// What went wrong, in words.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status, when an answer arrived.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The request id, when an answer arrived but could not be understood.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if self.attempts > 1 {
            write!(f, " (after {} attempts)", self.attempts)?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id: {id})")?;
        }
        Ok(())
    }
}

impl StdError for RequestError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_ref()
            .map(|e| e.as_ref() as &(dyn StdError + 'static))
    }
}

/// A request failure has no error code; its message says what went wrong.
impl ProvideErrorMetadata for RequestError {
    fn code(&self) -> Option<&str> {
        None
    }

    fn message(&self) -> Option<&str> {
        Some(&self.message)
    }

    fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    fn status(&self) -> Option<u16> {
        self.status
    }

    fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl ErrorMetadata {
    /// Metadata with this request id, if any.
    pub fn from_request_id(request_id: Option<String>) -> Self {
        Self {
            request_id,
            ..Self::default()
        }
    }
}
