//! Waiters (`smithy.waiters#waitable`): poll an operation until an acceptor says the resource is in
//! the state the caller waits for, or that it never will be, or until the caller's time is up.
//!
//! Generated code describes a waiter with a [`WaiterSpec`] (its delays and acceptors) and calls
//! [`wait`] with two closures: one that makes the call, one that says which acceptor, if any,
//! matches its result. The acceptors' paths are compiled into that second closure by the
//! generator, over the typed output (see [`path`] for the JMESPath semantics it relies on).
//!
//! # The loop
//!
//! 1. Call the operation.
//! 2. The first acceptor (in model order) whose matcher matches decides: `success` returns
//!    [`FinalPoll`], `failure` returns [`WaiterError::FailureState`], `retry` goes on.
//! 3. No acceptor matched: an error is returned as [`WaiterError::OperationFailed`]; an output
//!    goes on (Smithy's implicit `retry`).
//! 4. Sleep ([`delay`]: exponential backoff from `minDelay` to `maxDelay` with jitter, the final
//!    sleep stretched so the last poll falls on the deadline), then poll again; once the time the
//!    caller gave is used up, [`WaiterError::ExceededMaxWait`].
//!
//! A poll still running when the time is up is cancelled (dropped), so a stalled service cannot
//! hold the waiter beyond its deadline; a poll sent in the last `minDelay` before the deadline
//! (as the final poll always is) may run `minDelay` from its start before it is cancelled. The
//! wait thus ends at most `minDelay` after `max_wait`.
//!
//! The clock and the sleeps are tokio's (`tokio::time`), like the client's own timeouts.

pub mod path;

use std::fmt;
use std::future::Future;
use std::time::Duration;

/// A waiter as the model defines it, written by generated code.
#[derive(Debug)]
pub struct WaiterSpec {
    /// The waiter's name in the model, e.g. `TableExists`.
    pub name: &'static str,
    /// The operation it polls, e.g. `DescribeTable`.
    pub operation: &'static str,
    /// The shortest sleep between polls (the model's `minDelay`, 2 s by default).
    pub min_delay: Duration,
    /// The longest sleep between polls (the model's `maxDelay`, 120 s by default).
    pub max_delay: Duration,
    /// The acceptors, in the model's order.
    pub acceptors: &'static [AcceptorSpec],
}

/// One acceptor of a waiter: the state it moves the waiter to, and its matcher as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AcceptorSpec {
    /// What the waiter does when this acceptor matches.
    pub state: AcceptorState,
    /// The matcher, for messages: e.g. ``output `Table.TableStatus` stringEquals "ACTIVE"``.
    pub matcher: &'static str,
}

/// What a waiter does when an acceptor matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AcceptorState {
    /// Stop: the resource is in the state waited for.
    Success,
    /// Stop: the resource cannot reach the state waited for.
    Failure,
    /// Poll again after a delay.
    Retry,
}

impl AcceptorState {
    /// The state as the model writes it: `success`, `failure` or `retry`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Retry => "retry",
        }
    }
}

impl fmt::Display for AcceptorState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The poll that ended a wait successfully: its result (an output, or the error a `success`
/// acceptor expects, such as `ResourceNotFoundException` when waiting for a deletion), and how
/// long the wait took.
#[derive(Debug)]
pub struct FinalPoll<O, E> {
    result: Result<O, E>,
    attempts: u32,
    elapsed: Duration,
}

impl<O, E> FinalPoll<O, E> {
    /// The result of the last poll.
    pub fn as_result(&self) -> Result<&O, &E> {
        self.result.as_ref()
    }

    /// The result of the last poll, by value.
    pub fn into_result(self) -> Result<O, E> {
        self.result
    }

    /// The output of the last poll, if it succeeded.
    pub fn output(&self) -> Option<&O> {
        self.result.as_ref().ok()
    }

    /// How many times the operation was called.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// How long the wait took.
    pub fn elapsed(&self) -> Duration {
        self.elapsed
    }
}

/// Why a wait ended without reaching the state waited for.
#[non_exhaustive]
#[derive(Debug)]
pub enum WaiterError<O, E> {
    /// An acceptor with the `failure` state matched: the resource cannot reach the state
    /// waited for.
    #[non_exhaustive]
    FailureState {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// The acceptor that matched: its index in the model's list (from 0).
        acceptor: usize,
        /// That acceptor's matcher, as text.
        matcher: &'static str,
        /// The poll it matched.
        final_poll: FinalPoll<O, E>,
    },
    /// The time the caller gave ran out before an acceptor ended the wait.
    #[non_exhaustive]
    ExceededMaxWait {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// The time the caller gave.
        max_wait: Duration,
        /// How long the waiter waited.
        elapsed: Duration,
        /// How many times the operation was called (the last call may have been cancelled).
        attempts: u32,
    },
    /// The operation failed with an error no acceptor matched (or its input could not be
    /// built: then `attempts` is 0 and nothing was sent).
    #[non_exhaustive]
    OperationFailed {
        /// The waiter's name in the model.
        waiter: &'static str,
        /// The operation's error.
        error: E,
        /// How many times the operation was called.
        attempts: u32,
    },
}

impl<O, E> WaiterError<O, E> {
    /// The error for an input that could not be built (`error` says why): nothing was sent.
    pub fn invalid_input(spec: &'static WaiterSpec, error: E) -> Self {
        Self::OperationFailed {
            waiter: spec.name,
            error,
            attempts: 0,
        }
    }

    /// The waiter's name in the model, e.g. `TableExists`.
    pub fn waiter(&self) -> &'static str {
        match self {
            Self::FailureState { waiter, .. }
            | Self::ExceededMaxWait { waiter, .. }
            | Self::OperationFailed { waiter, .. } => waiter,
        }
    }

    /// How many times the operation was called.
    pub fn attempts(&self) -> u32 {
        match self {
            Self::FailureState { final_poll, .. } => final_poll.attempts,
            Self::ExceededMaxWait { attempts, .. } | Self::OperationFailed { attempts, .. } => {
                *attempts
            }
        }
    }

    /// The operation's error, when the wait ended on one: the error no acceptor matched, or the
    /// one a `failure` acceptor matched.
    pub fn operation_error(&self) -> Option<&E> {
        match self {
            Self::OperationFailed { error, .. } => Some(error),
            Self::FailureState { final_poll, .. } => final_poll.result.as_ref().err(),
            Self::ExceededMaxWait { .. } => None,
        }
    }
}

impl<O, E: fmt::Display> fmt::Display for WaiterError<O, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FailureState {
                waiter,
                acceptor,
                matcher,
                final_poll,
            } => {
                write!(
                    f,
                    "waiter {waiter} failed: acceptor {acceptor} ({matcher}) matched after {}",
                    Attempts(final_poll.attempts)
                )?;
                if let Err(error) = &final_poll.result {
                    write!(f, ": {error}")?;
                }
                Ok(())
            }
            Self::ExceededMaxWait {
                waiter,
                max_wait,
                elapsed,
                attempts,
            } => write!(
                f,
                "waiter {waiter} gave up: the maximum wait of {max_wait:?} ran out after {} in \
                 {elapsed:?}",
                Attempts(*attempts)
            ),
            Self::OperationFailed {
                waiter,
                error,
                attempts: 0,
            } => write!(f, "waiter {waiter} could not start: {error}"),
            Self::OperationFailed {
                waiter,
                error,
                attempts,
            } => write!(
                f,
                "waiter {waiter} failed: an error no acceptor matches, after {}: {error}",
                Attempts(*attempts)
            ),
        }
    }
}

/// `1 attempt`, `2 attempts`.
struct Attempts(u32);

impl fmt::Display for Attempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 attempt"),
            n => write!(f, "{n} attempts"),
        }
    }
}

impl<O: fmt::Debug, E: std::error::Error + 'static> std::error::Error for WaiterError<O, E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.operation_error()
            .map(|error| error as &(dyn std::error::Error + 'static))
    }
}

/// Polls until an acceptor ends the wait or `max_wait` runs out (see the module docs).
///
/// `poll` makes one call; `matched` gives the index of the first acceptor of `spec` that matches
/// a call's result, if any.
pub async fn wait<O, E, P, F, M>(
    spec: &'static WaiterSpec,
    max_wait: Duration,
    mut poll: P,
    matched: M,
) -> Result<FinalPoll<O, E>, WaiterError<O, E>>
where
    P: FnMut() -> F,
    F: Future<Output = Result<O, E>>,
    M: Fn(Result<&O, &E>) -> Option<usize>,
{
    let start = tokio::time::Instant::now();
    let deadline = start.checked_add(max_wait);
    let mut attempts = 0u32;
    loop {
        attempts = attempts.saturating_add(1);
        let sent = tokio::time::Instant::now();
        let grace = sent.checked_add(spec.min_delay);
        // The poll may run until the deadline, and at least `min_delay` (see the module docs).
        let cutoff = match (deadline, grace) {
            (Some(deadline), Some(grace)) => Some(deadline.max(grace)),
            _ => None,
        };
        let result = match cutoff {
            Some(cutoff) => match tokio::time::timeout_at(cutoff, poll()).await {
                Ok(result) => result,
                Err(_) => return Err(exceeded(spec, max_wait, start, attempts)),
            },
            None => poll().await,
        };
        let acceptor = matched(result.as_ref());
        let state = acceptor.and_then(|index| spec.acceptors.get(index).map(|a| a.state));
        tracing::debug!(
            waiter = spec.name,
            operation = spec.operation,
            attempt = attempts,
            acceptor,
            state = state.map(AcceptorState::as_str),
            "waiter poll"
        );
        let final_poll = |result| FinalPoll {
            result,
            attempts,
            elapsed: start.elapsed(),
        };
        match (acceptor, state) {
            (_, Some(AcceptorState::Success)) => return Ok(final_poll(result)),
            (Some(index), Some(AcceptorState::Failure)) => {
                return Err(WaiterError::FailureState {
                    waiter: spec.name,
                    acceptor: index,
                    matcher: spec.acceptors[index].matcher,
                    final_poll: final_poll(result),
                })
            }
            (_, Some(AcceptorState::Retry)) => {}
            _ => {
                if let Err(error) = result {
                    return Err(WaiterError::OperationFailed {
                        waiter: spec.name,
                        error,
                        attempts,
                    });
                }
            }
        }
        let remaining = match deadline {
            Some(deadline) => deadline.saturating_duration_since(tokio::time::Instant::now()),
            None => Duration::MAX,
        };
        if remaining.is_zero() {
            return Err(exceeded(spec, max_wait, start, attempts));
        }
        let pause = delay(
            attempts,
            spec.min_delay,
            spec.max_delay,
            remaining,
            crate::retry::jitter(),
        );
        tokio::time::sleep(pause).await;
    }
}

fn exceeded<O, E>(
    spec: &'static WaiterSpec,
    max_wait: Duration,
    start: tokio::time::Instant,
    attempts: u32,
) -> WaiterError<O, E> {
    WaiterError::ExceededMaxWait {
        waiter: spec.name,
        max_wait,
        elapsed: start.elapsed(),
        attempts,
    }
}

/// The sleep before retry number `attempt` (1 after the first poll), by the Smithy waiters
/// spec: `min_delay * 2^(attempt - 1)`, capped at `max_delay` (from the attempt where it would
/// pass it on), then a `random` point (a number in `0..=1`) between `min_delay` and that; and
/// when less than `min_delay` would be left of `remaining` after it, all of `remaining`, so the
/// last poll falls on the deadline instead of leaving a useless gap before it.
///
/// The spec draws a whole number of seconds; this draws any duration in the same range.
pub fn delay(
    attempt: u32,
    min_delay: Duration,
    max_delay: Duration,
    remaining: Duration,
    random: f64,
) -> Duration {
    let random = if random.is_nan() {
        0.0
    } else {
        random.clamp(0.0, 1.0)
    };
    let max_delay = max_delay.max(min_delay);
    let (min, max) = (min_delay.as_secs_f64(), max_delay.as_secs_f64());
    // The attempt from which `min * 2^(attempt - 1)` passes `max`: no overflow past it.
    let ceiling = if min > 0.0 {
        (max / min).log2() + 1.0
    } else {
        0.0
    };
    let upper = if f64::from(attempt) > ceiling {
        max
    } else {
        let exponent = attempt.saturating_sub(1).min(1023) as i32;
        (min * 2f64.powi(exponent)).min(max)
    };
    let chosen = min + random * (upper - min);
    let chosen = Duration::try_from_secs_f64(chosen).unwrap_or(max_delay);
    if remaining.saturating_sub(chosen) <= min_delay {
        remaining
    } else {
        chosen
    }
}

#[cfg(test)]
mod tests {
    use super::delay;
    use std::time::Duration;

    const fn secs(n: u64) -> Duration {
        Duration::from_secs(n)
    }

    /// The upper bound doubles from `min_delay` until `max_delay` caps it; `random` picks a point
    /// between `min_delay` and that bound.
    #[test]
    fn delay_grows_exponentially_up_to_the_cap() {
        let far = secs(100_000);
        let top: Vec<Duration> = (1..=9)
            .map(|attempt| delay(attempt, secs(2), secs(120), far, 1.0))
            .collect();
        assert_eq!(
            top,
            [2, 4, 8, 16, 32, 64, 120, 120, 120].map(secs),
            "random 1 gives the bound"
        );
        for attempt in 1..=9 {
            assert_eq!(delay(attempt, secs(2), secs(120), far, 0.0), secs(2));
        }
        assert_eq!(delay(3, secs(2), secs(120), far, 0.5), secs(5));
        // Equal delays make a linear backoff.
        for attempt in [1, 2, 10, 1000] {
            assert_eq!(delay(attempt, secs(20), secs(20), far, 0.7), secs(20));
        }
    }

    /// Huge attempt numbers neither overflow nor panic, and odd inputs stay in range.
    #[test]
    fn delay_is_total() {
        for attempt in [0, 1, 63, 64, 1024, u32::MAX] {
            let d = delay(attempt, secs(1), secs(120), secs(1_000_000), 1.0);
            assert!(d >= secs(1) && d <= secs(120), "attempt {attempt}: {d:?}");
        }
        let far = secs(1_000_000);
        assert_eq!(delay(5, secs(2), secs(120), far, f64::NAN), secs(2));
        assert_eq!(delay(5, secs(2), secs(120), far, 7.0), secs(32));
        assert_eq!(delay(5, secs(2), secs(120), far, -1.0), secs(2));
        // A maximum below the minimum is the minimum.
        assert_eq!(delay(5, secs(10), secs(1), far, 1.0), secs(10));
        assert_eq!(
            delay(1, Duration::ZERO, Duration::ZERO, far, 1.0),
            Duration::ZERO
        );
    }

    /// When less than `min_delay` would be left after the sleep, the sleep takes all that is
    /// left: the last poll falls on the deadline.
    #[test]
    fn the_last_delay_takes_what_is_left() {
        // 10 s left, a 9 s delay would leave 1 s <= min 2 s: sleep the 10 s.
        assert_eq!(delay(4, secs(2), secs(120), secs(10), 0.5), secs(10));
        // Leaving exactly min_delay counts too.
        assert_eq!(delay(1, secs(2), secs(120), secs(4), 0.0), secs(4));
        // Leaving more than min_delay keeps the delay.
        assert_eq!(delay(1, secs(2), secs(120), secs(5), 0.0), secs(2));
        // Less left than the delay itself.
        assert_eq!(delay(6, secs(2), secs(120), secs(3), 1.0), secs(3));
    }
}
