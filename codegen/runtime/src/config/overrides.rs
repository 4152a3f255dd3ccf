//! [`CallOverrides`]: settings for one call that differ from its client's configuration.

use std::time::Duration;

/// Settings for one call that differ from its client's [`Config`](super::Config): attempts,
/// timeouts, and whether a call to an operation that is not idempotent may be retried after
/// failures that leave it unknown whether the service acted.
///
/// Every setting left alone keeps the configuration's. The retry quota, backoff and (in the
/// adaptive mode) rate limiter stay the client's, shared with its other calls.
///
/// ```text
/// // A long poll (SQS `ReceiveMessage` with `WaitTimeSeconds(20)`, SFN `GetActivityTask`): the
/// // service holds the request on purpose, and a timed-out or dropped poll is safe to repeat.
/// let long_poll = CallOverrides::new()
///     .attempt_timeout(Duration::from_secs(75))
///     .retry_as_idempotent(true);
///
/// // A status check (`DescribeExecution`) that must answer quickly or not at all.
/// let quick = CallOverrides::new()
///     .max_attempts(5)
///     .attempt_timeout(Duration::from_secs(2))
///     .total_timeout(Duration::from_secs(10));
/// ```
///
/// # From a generated client
///
/// The runtime takes them in
/// [`Runtime::invoke_with_overrides`](crate::orchestrator::Runtime::invoke_with_overrides).
/// Generated fluent builders take them with `customize`, and the call passes them on:
///
/// ```text
/// let messages = sqs
///     .receive_message()
///     .queue_url(&url)
///     .wait_time_seconds(20)
///     .customize(CallOverrides::new().retry_as_idempotent(true))
///     .send()
///     .await?;
/// ```
///
/// (the builder's clone of the client holds them, and the client's call hands them to
/// `invoke_with_overrides`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct CallOverrides {
    pub(crate) max_attempts: Option<u32>,
    pub(crate) attempt_timeout: Option<Option<Duration>>,
    pub(crate) total_timeout: Option<Option<Duration>>,
    pub(crate) retry_as_idempotent: Option<bool>,
}

impl CallOverrides {
    /// No overrides: the call runs with its client's configuration.
    pub const fn new() -> Self {
        Self {
            max_attempts: None,
            attempt_timeout: None,
            total_timeout: None,
            retry_as_idempotent: None,
        }
    }

    /// The number of attempts in all, the first included (1: no retries; 0 is taken as 1).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = Some(max_attempts.max(1));
        self
    }

    /// The longest one attempt of this call may take; `None` for no limit.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = Some(timeout.into());
        self
    }

    /// The longest this whole call may take, retries and backoff included; `None` for no limit.
    pub fn total_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.total_timeout = Some(timeout.into());
        self
    }

    /// `true`: retry this call like a call to an `@idempotent` operation, also after a timeout
    /// or a connection lost after sending, where the service may already have acted. For
    /// operations where acting twice is harmless although the model does not say so: a long
    /// poll such as SQS `ReceiveMessage` (a message received by a lost answer comes back after
    /// its visibility timeout) or a read such as SFN `DescribeExecution`.
    ///
    /// `false`: retry this call only when its request was provably not carried out, even if the
    /// operation is idempotent.
    pub fn retry_as_idempotent(mut self, idempotent: bool) -> Self {
        self.retry_as_idempotent = Some(idempotent);
        self
    }

    /// True when nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == Self::new()
    }
}
