//! Retries in the AWS SDKs' "standard" retry mode.
//!
//! # What is retried, and why
//!
//! Only failures that say nothing about the request itself being wrong, and that often go away
//! when the same request is sent again a little later ([`classify`]):
//!
//! * **Throttling** ([`RetryKind::Throttling`]): the service asks the caller to slow down, with
//!   one of the error codes `Throttling`, `ThrottlingException`, `ThrottledException`,
//!   `RequestThrottledException`, `TooManyRequestsException`,
//!   `ProvisionedThroughputExceededException`, `TransactionInProgressException`,
//!   `RequestLimitExceeded`, `BandwidthLimitExceeded`, `LimitExceededException`,
//!   `RequestThrottled`, `SlowDown`, `PriorRequestNotComplete`, `EC2ThrottledException`.
//! * **Transient** ([`RetryKind::Transient`]): the error codes `RequestTimeout` and
//!   `RequestTimeoutException`; the HTTP statuses 500, 502, 503 and 504 (a server or a load
//!   balancer in front of it failed, whatever the code); and a connection that could not be
//!   made or broke during the exchange, with no answer from the service.
//! * **Timeout** ([`RetryKind::Timeout`]): an attempt or a connection attempt that timed out.
//!   Retried like a transient error, but it costs more of the retry quota, since a service that
//!   does not answer in time is likely overloaded.
//!
//! Everything else is returned at once: client errors (4xx with other codes: validation,
//! access denied, not found, ...) would fail again unchanged, and a response that is too large
//! or not valid HTTP will not change either. Whether a request that may already have reached the
//! service can be sent again (a non-idempotent operation) is the caller's decision, not this
//! module's.
//!
//! # How
//!
//! * At most [`RetryConfig::max_attempts`] attempts in all (default 3, the first included).
//! * Before retry number `n` (after `n` attempts), the caller sleeps
//!   `random(0, 1) * min(initial_backoff * 2^(n - 1), max_backoff)`: truncated binary
//!   exponential backoff with full jitter, `initial_backoff` 1 s and `max_backoff` 20 s by
//!   default.
//! * A retry quota shared by every call of one client, a token bucket that starts full with
//!   500 tokens: a retry takes 5 tokens (10 after a timeout), and when there are not enough, the
//!   error is returned without retrying, so that a client facing a service in trouble fails fast
//!   instead of piling retries on it. A call that succeeds at once gives back 1 token; one that
//!   succeeds after retrying gives back what its last retry took. The bucket never holds more
//!   than 500.
//!
//! # Modes and settings
//!
//! [`RetryMode::Standard`] is the above. [`RetryMode::Adaptive`] adds the AWS SDKs' client-side
//! rate limiter (see [`RetryMode::Adaptive`]). [`ConfigBuilder::from_env`] reads
//! `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE`, else the profile's `max_attempts` and `retry_mode`
//! (each key on its own: the variable wins over the profile); see [`parse_max_attempts`] and
//! [`RetryMode`]'s `FromStr` for the values accepted. An invalid value is not guessed around:
//! every call of that configuration fails with a `Config` error naming the setting and the
//! value, before anything is sent ([`Config::invalid_settings`] tells at once). An explicit
//! [`ConfigBuilder::retry_config`] replaces both settings, and the error with them.
//!
//! [`ConfigBuilder::from_env`]: crate::config::ConfigBuilder::from_env
//! [`ConfigBuilder::retry_config`]: crate::config::ConfigBuilder::retry_config
//! [`Config::invalid_settings`]: crate::config::Config::invalid_settings

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

mod rate_limiter;

use rate_limiter::RateLimiter;

/// Tokens in a full retry quota.
pub const INITIAL_RETRY_TOKENS: u32 = 500;
/// Tokens a retry takes after a throttling or transient error.
pub const RETRY_COST: u32 = 5;
/// Tokens a retry takes after a timeout.
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens given back by a call that succeeded without retrying.
pub const NO_RETRY_INCREMENT: u32 = 1;

/// The AWS SDKs' retry modes (`AWS_RETRY_MODE`, the profile's `retry_mode`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetryMode {
    /// What the [module docs](self) describe: backoff with jitter and a retry quota.
    #[default]
    Standard,
    /// Standard, plus the AWS SDKs' client-side rate limiter: once the service has throttled a
    /// client, each of its attempts first takes a token from a bucket whose fill rate follows
    /// CUBIC congestion control (cut to 70 % of the measured sending rate on every throttling
    /// answer, growing back along a cubic curve while answers are not throttled, at least
    /// 0.5 per second). An attempt that finds the bucket empty waits for its token instead of
    /// being sent, so a busy client slows down to what the service accepts rather than spending
    /// its retries on throttling errors. Until the first throttling answer nothing waits. The
    /// bucket is shared, like the retry quota, by a client and its clones; the waiting counts
    /// towards the total timeout, not the attempt timeout.
    Adaptive,
}

impl RetryMode {
    /// The name in `AWS_RETRY_MODE`: `standard` or `adaptive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::Adaptive => "adaptive",
        }
    }
}

impl fmt::Display for RetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads a retry mode as `AWS_RETRY_MODE` spells it: `standard` or `adaptive`, in any case,
/// surrounding spaces ignored. `legacy`, the older mode of some other SDKs (botocore's default),
/// is read as `standard`, which retries a superset of the failures legacy does: a shared config
/// file written for those tools keeps working. Anything else is an error that names the value.
impl FromStr for RetryMode {
    type Err = InvalidRetrySetting;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let value = text.trim();
        if value.eq_ignore_ascii_case("standard") || value.eq_ignore_ascii_case("legacy") {
            Ok(Self::Standard)
        } else if value.eq_ignore_ascii_case("adaptive") {
            Ok(Self::Adaptive)
        } else {
            Err(InvalidRetrySetting {
                value: value.to_owned(),
                expected: "`standard` or `adaptive`",
            })
        }
    }
}

/// A retry setting that cannot be read: a mode other than `standard`, `adaptive` (or
/// `legacy`), or a number of attempts that is not a whole number from 1 up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRetrySetting {
    value: String,
    expected: &'static str,
}

impl InvalidRetrySetting {
    /// The value as it was given (trimmed).
    pub fn value(&self) -> &str {
        &self.value
    }
}

impl fmt::Display for InvalidRetrySetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not {}", self.value, self.expected)
    }
}

impl std::error::Error for InvalidRetrySetting {}

/// Reads a number of attempts as `AWS_MAX_ATTEMPTS` spells it: a whole number from 1 up (1
/// turns retries off), surrounding spaces ignored. `0`, negative numbers, fractions and words
/// are errors that name the value: an SDK setting is not guessed around.
pub fn parse_max_attempts(text: &str) -> Result<u32, InvalidRetrySetting> {
    let value = text.trim();
    match value.parse::<u32>() {
        Ok(attempts) if attempts >= 1 => Ok(attempts),
        _ => Err(InvalidRetrySetting {
            value: value.to_owned(),
            expected: "a whole number of attempts from 1 up (1 turns retries off)",
        }),
    }
}

/// How many times, and how far apart, failed attempts are retried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    mode: RetryMode,
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl RetryConfig {
    /// The standard mode: 3 attempts, backoff from 1 s, at most 20 s.
    pub fn standard() -> Self {
        Self {
            mode: RetryMode::Standard,
            max_attempts: 3,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(20),
        }
    }

    /// The adaptive mode: the standard mode's settings, and the client-side rate limiter
    /// ([`RetryMode::Adaptive`]).
    pub fn adaptive() -> Self {
        Self::standard().with_mode(RetryMode::Adaptive)
    }

    /// Sets the mode, keeping the other settings.
    pub fn with_mode(mut self, mode: RetryMode) -> Self {
        self.mode = mode;
        self
    }

    /// The mode.
    pub fn mode(&self) -> RetryMode {
        self.mode
    }

    /// No retries: one attempt.
    pub fn disabled() -> Self {
        Self::standard().with_max_attempts(1)
    }

    /// Sets the number of attempts in all, the first included (1 means no retries; 0 is taken
    /// as 1).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }

    /// Sets the base of the exponential backoff: the first retry waits up to this long.
    pub fn with_initial_backoff(mut self, initial_backoff: Duration) -> Self {
        self.initial_backoff = initial_backoff;
        self
    }

    /// Sets the longest wait between two attempts.
    pub fn with_max_backoff(mut self, max_backoff: Duration) -> Self {
        self.max_backoff = max_backoff;
        self
    }

    /// The number of attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The base of the exponential backoff.
    pub fn initial_backoff(&self) -> Duration {
        self.initial_backoff
    }

    /// The longest wait between two attempts.
    pub fn max_backoff(&self) -> Duration {
        self.max_backoff
    }

    /// The wait before the retry that follows `attempt` attempts (1-based), for a `random`
    /// number in `0..=1`: `random * min(initial_backoff * 2^(attempt - 1), max_backoff)`.
    pub fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let random = if random.is_nan() {
            0.0
        } else {
            random.clamp(0.0, 1.0)
        };
        let exponent = attempt.saturating_sub(1).min(63) as i32;
        let ceiling = self.initial_backoff.as_secs_f64() * 2f64.powi(exponent);
        let ceiling = ceiling.min(self.max_backoff.as_secs_f64());
        Duration::try_from_secs_f64(random * ceiling).unwrap_or(self.max_backoff)
    }
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self::standard()
    }
}

/// Why a failed attempt may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RetryKind {
    /// The service asked the caller to slow down.
    Throttling,
    /// A failure that often goes away by itself: a 5xx, a broken connection.
    Transient,
    /// An attempt, or a connection attempt, timed out.
    Timeout,
}

impl RetryKind {
    /// Tokens a retry of this kind takes from the retry quota.
    pub fn cost(self) -> u32 {
        match self {
            Self::Timeout => TIMEOUT_RETRY_COST,
            Self::Throttling | Self::Transient => RETRY_COST,
        }
    }
}

/// Error codes that mean "slow down".
pub const THROTTLING_ERROR_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// Error codes of transient failures.
pub const TRANSIENT_ERROR_CODES: &[&str] = &["RequestTimeout", "RequestTimeoutException"];

/// HTTP statuses of transient failures, whatever the error code.
pub const TRANSIENT_STATUS_CODES: &[u16] = &[500, 502, 503, 504];

/// Whether a failed attempt may be retried, and why.
///
/// * `status`: the HTTP status of the error response, if one arrived.
/// * `error_code`: the service's error code, if any; a namespace (`aws.protocols#`) before the
///   name and anything after a `:` (as in awsJson's `X-Amzn-ErrorType`) are ignored.
/// * `is_timeout`: the attempt, or the transport's connect, timed out.
/// * `is_connect_or_io`: no connection could be made, or it broke during the exchange.
pub fn classify(
    status: Option<u16>,
    error_code: Option<&str>,
    is_timeout: bool,
    is_connect_or_io: bool,
) -> Option<RetryKind> {
    if is_timeout {
        return Some(RetryKind::Timeout);
    }
    if is_connect_or_io {
        return Some(RetryKind::Transient);
    }
    if let Some(code) = error_code.map(bare_error_code) {
        if THROTTLING_ERROR_CODES.contains(&code) {
            return Some(RetryKind::Throttling);
        }
        if TRANSIENT_ERROR_CODES.contains(&code) {
            return Some(RetryKind::Transient);
        }
    }
    match status {
        Some(status) if TRANSIENT_STATUS_CODES.contains(&status) => Some(RetryKind::Transient),
        _ => None,
    }
}

/// `aws.protocols#ThrottlingException:http://...` → `ThrottlingException`.
fn bare_error_code(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    let code = code.rsplit('#').next().unwrap_or(code);
    code.trim()
}

/// The retry quota of one client, shared by all its calls (clones share it too), and in the
/// adaptive mode its rate limiter.
#[derive(Debug, Clone)]
pub struct RetryState {
    config: RetryConfig,
    tokens: Arc<AtomicU32>,
    /// The adaptive mode's rate limiter, and when its clock started.
    limiter: Option<(Arc<Mutex<RateLimiter>>, Instant)>,
}

impl RetryState {
    /// A full retry quota for a client with this configuration.
    pub fn new(config: &RetryConfig) -> Self {
        let limiter = (config.mode == RetryMode::Adaptive)
            .then(|| (Arc::new(Mutex::new(RateLimiter::new(0.0))), Instant::now()));
        Self {
            config: config.clone(),
            tokens: Arc::new(AtomicU32::new(INITIAL_RETRY_TOKENS)),
            limiter,
        }
    }

    /// The configuration this state applies.
    pub fn config(&self) -> &RetryConfig {
        &self.config
    }

    /// Tokens left in the retry quota.
    pub fn available_tokens(&self) -> u32 {
        self.tokens.load(Ordering::Acquire)
    }

    /// After `attempt` attempts (1-based) of which the last failed with `kind`: how long to wait
    /// before the next attempt, or `None` to give up because no attempts are left or the retry
    /// quota is empty. A `Some` takes the retry's cost from the quota. `random` is a number in
    /// `0..=1` (see [`jitter`]; tests pass a fixed one).
    pub fn should_retry(&self, attempt: u32, kind: RetryKind, random: f64) -> Option<Duration> {
        self.should_retry_within(attempt, self.config.max_attempts, kind, random)
    }

    /// As [`should_retry`](Self::should_retry), for a call allowed `max_attempts` attempts
    /// instead of the configuration's (a per-call override).
    pub fn should_retry_within(
        &self,
        attempt: u32,
        max_attempts: u32,
        kind: RetryKind,
        random: f64,
    ) -> Option<Duration> {
        if attempt >= max_attempts {
            return None;
        }
        let cost = kind.cost();
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                tokens.checked_sub(cost)
            })
            .ok()?;
        Some(self.config.backoff(attempt, random))
    }

    /// An attempt is about to be sent: in the adaptive mode, takes its token from the rate
    /// limiter and returns how long to wait before sending (zero until the service first
    /// throttles this client). Zero in the standard mode.
    pub fn before_attempt(&self) -> Duration {
        match &self.limiter {
            Some((limiter, epoch)) => lock(limiter).acquire(epoch.elapsed().as_secs_f64()),
            None => Duration::ZERO,
        }
    }

    /// An attempt ended, `throttled` or not: in the adaptive mode, feeds the rate limiter
    /// (measured sending rate, and the fill rate's cut or growth). Nothing in the standard mode.
    pub fn after_attempt(&self, throttled: bool) {
        if let Some((limiter, epoch)) = &self.limiter {
            lock(limiter).update(epoch.elapsed().as_secs_f64(), throttled);
        }
    }

    /// A call succeeded: gives back [`NO_RETRY_INCREMENT`] if it did not retry, or
    /// [`RETRY_COST`] if it did (use [`on_success_after`](Self::on_success_after) to give back
    /// exactly what a last retry after a timeout took).
    pub fn on_success(&self, retried: bool) {
        self.on_success_after(retried.then_some(RetryKind::Transient));
    }

    /// A call succeeded, after a last retry of kind `last_retry` (`None`: without retrying):
    /// gives back that retry's cost, or [`NO_RETRY_INCREMENT`].
    pub fn on_success_after(&self, last_retry: Option<RetryKind>) {
        let refund = last_retry.map_or(NO_RETRY_INCREMENT, RetryKind::cost);
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |tokens| {
                Some(tokens.saturating_add(refund).min(INITIAL_RETRY_TOKENS))
            });
    }
}

/// The limiter, even if a thread panicked holding it (its state is numbers, always usable).
fn lock(limiter: &Mutex<RateLimiter>) -> std::sync::MutexGuard<'_, RateLimiter> {
    limiter.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A random number in `0..1` for backoff jitter: not cryptographic, just spread out across
/// calls, threads and processes. The standard library's `RandomState` (keys seeded from the
/// operating system once per thread) hashes the clock and a process-wide counter with SipHash,
/// and SplitMix64's finalizer mixes the result once more.
pub fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(count);
    hasher.write_u64(now);
    let mut z = hasher.finish();
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // The top 53 bits make an f64 in 0..1 with every value equally likely.
    (z >> 11) as f64 / (1u64 << 53) as f64
}
