//! The waiters' polling loop (`smithy_rust_runtime::waiter::wait`) on tokio's paused clock: the
//! clock only moves when every task sleeps, so the times below are exact and no test waits in
//! real time or depends on the machine's speed.

use std::cell::RefCell;
use std::time::Duration;

use smithy_rust_runtime::waiter::{
    wait, AcceptorSpec, AcceptorState, FinalPoll, WaiterError, WaiterSpec,
};
use tokio::time::Instant;

/// A waiter like DynamoDB's `TableExists`, with the spec's default delays: `ACTIVE` is success,
/// `FAILED` failure, the error `NotFound` retry.
static SPEC: WaiterSpec = WaiterSpec {
    name: "ThingReady",
    operation: "GetThing",
    min_delay: Duration::from_secs(2),
    max_delay: Duration::from_secs(120),
    acceptors: &[
        AcceptorSpec {
            state: AcceptorState::Success,
            matcher: "output `Status` stringEquals \"ACTIVE\"",
        },
        AcceptorSpec {
            state: AcceptorState::Failure,
            matcher: "output `Status` stringEquals \"FAILED\"",
        },
        AcceptorSpec {
            state: AcceptorState::Retry,
            matcher: "errorType NotFound",
        },
        AcceptorSpec {
            state: AcceptorState::Success,
            matcher: "errorType Gone",
        },
    ],
};

type Answer = Result<&'static str, &'static str>;

/// The acceptors of [`SPEC`] over a status (the output) or an error code.
fn matched(result: Result<&&'static str, &&'static str>) -> Option<usize> {
    match result {
        Ok(&"ACTIVE") => Some(0),
        Ok(&"FAILED") => Some(1),
        Err(&"NotFound") => Some(2),
        Err(&"Gone") => Some(3),
        _ => None,
    }
}

/// Plays `answers` in order (the last one again when they run out) and records when each poll
/// was sent, in time since `start`.
struct Script {
    start: Instant,
    answers: Vec<Answer>,
    sent: RefCell<Vec<Duration>>,
}

impl Script {
    fn new(answers: &[Answer]) -> Self {
        Self {
            start: Instant::now(),
            answers: answers.to_vec(),
            sent: RefCell::new(Vec::new()),
        }
    }

    async fn poll(&self) -> Answer {
        let mut sent = self.sent.borrow_mut();
        sent.push(self.start.elapsed());
        let n = sent.len().min(self.answers.len()) - 1;
        self.answers[n]
    }

    fn sent(&self) -> Vec<Duration> {
        self.sent.borrow().clone()
    }

    async fn run(
        &self,
        max_wait: Duration,
    ) -> Result<FinalPoll<&'static str, &'static str>, WaiterError<&'static str, &'static str>>
    {
        wait(&SPEC, max_wait, || self.poll(), matched).await
    }
}

const fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

#[tokio::test(start_paused = true)]
async fn success_on_the_first_poll() {
    let script = Script::new(&[Ok("ACTIVE")]);
    let done = script.run(secs(60)).await.unwrap();
    assert_eq!(done.attempts(), 1);
    assert_eq!(done.elapsed(), Duration::ZERO);
    assert_eq!(done.output(), Some(&"ACTIVE"));
    assert_eq!(done.into_result(), Ok("ACTIVE"));
    assert_eq!(script.sent(), [Duration::ZERO]);
}

/// Outputs no acceptor matches, and matched `retry` errors, poll again after the backoff: 2 s
/// after the first poll (min 2 s, bound 2 s), then between 2 s and 4 s, then between 2 s and 8 s.
#[tokio::test(start_paused = true)]
async fn retries_until_success_with_backoff() {
    let script = Script::new(&[
        Ok("CREATING"),
        Err("NotFound"),
        Ok("UPDATING"),
        Ok("ACTIVE"),
    ]);
    let done = script.run(secs(600)).await.unwrap();
    assert_eq!(done.attempts(), 4);
    let sent = script.sent();
    assert_eq!(sent.len(), 4);
    assert_eq!(sent[1] - sent[0], secs(2));
    let gaps = [(sent[2] - sent[1], 4), (sent[3] - sent[2], 8)];
    for (gap, bound) in gaps {
        assert!(
            gap >= secs(2) && gap <= secs(bound),
            "{gap:?} not in 2..={bound} s"
        );
    }
    assert_eq!(done.elapsed(), sent[3]);
}

/// A `success` acceptor on an error (waiting for a deletion) gives the error as the final poll.
#[tokio::test(start_paused = true)]
async fn success_on_an_error() {
    let script = Script::new(&[Ok("DELETING"), Err("Gone")]);
    let done = script.run(secs(60)).await.unwrap();
    assert_eq!(done.as_result(), Err(&"Gone"));
    assert_eq!(done.attempts(), 2);
}

/// A `failure` acceptor ends the wait at once, naming the acceptor and keeping the poll.
#[tokio::test(start_paused = true)]
async fn failure_acceptor() {
    let script = Script::new(&[Ok("CREATING"), Ok("FAILED"), Ok("ACTIVE")]);
    let error = script.run(secs(60)).await.unwrap_err();
    match &error {
        WaiterError::FailureState {
            waiter,
            acceptor,
            matcher,
            final_poll,
            ..
        } => {
            assert_eq!(*waiter, "ThingReady");
            assert_eq!(*acceptor, 1);
            assert_eq!(*matcher, "output `Status` stringEquals \"FAILED\"");
            assert_eq!(final_poll.as_result(), Ok(&"FAILED"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(error.attempts(), 2);
    assert_eq!(error.operation_error(), None);
    assert_eq!(
        error.to_string(),
        "waiter ThingReady failed: acceptor 1 (output `Status` stringEquals \"FAILED\") matched after 2 attempts"
    );
    assert_eq!(script.sent().len(), 2);
}

/// An error no acceptor matches ends the wait (Smithy's implicit failure).
#[tokio::test(start_paused = true)]
async fn unmatched_error() {
    let script = Script::new(&[Err("NotFound"), Err("AccessDenied")]);
    let error = script.run(secs(60)).await.unwrap_err();
    assert!(
        matches!(
            error,
            WaiterError::OperationFailed {
                error: "AccessDenied",
                attempts: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.operation_error(), Some(&"AccessDenied"));
    assert_eq!(
        error.to_string(),
        "waiter ThingReady failed: an error no acceptor matches, after 2 attempts: AccessDenied"
    );
}

/// Time runs out: polls never start after the deadline, the last falls exactly on it, and the
/// sleeps between them grow but stay within the spec's bounds.
#[tokio::test(start_paused = true)]
async fn max_wait_runs_out() {
    let script = Script::new(&[Ok("CREATING")]);
    let error = script.run(secs(300)).await.unwrap_err();
    let sent = script.sent();
    match error {
        WaiterError::ExceededMaxWait {
            waiter,
            max_wait,
            elapsed,
            attempts,
            ..
        } => {
            assert_eq!(waiter, "ThingReady");
            assert_eq!(max_wait, secs(300));
            assert_eq!(elapsed, secs(300));
            assert_eq!(attempts as usize, sent.len());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(*sent.last().unwrap(), secs(300), "{sent:?}");
    // 300 s with delays of at most 120 s needs at least 4 polls; at least 2 s apart, at most 151.
    assert!((4..=151).contains(&sent.len()), "{sent:?}");
    for (n, pair) in sent.windows(2).enumerate() {
        let gap = pair[1] - pair[0];
        let last = n + 2 == sent.len();
        let bound = secs(2u64.saturating_pow(n as u32 + 1).min(120));
        assert!(gap >= secs(2), "{sent:?}");
        assert!(last || gap <= bound, "gap {n} of {sent:?} over {bound:?}");
    }
}

/// With no time at all, the waiter still polls once.
#[tokio::test(start_paused = true)]
async fn zero_max_wait_polls_once() {
    let script = Script::new(&[Ok("CREATING")]);
    let error = script.run(Duration::ZERO).await.unwrap_err();
    assert!(
        matches!(error, WaiterError::ExceededMaxWait { attempts: 1, .. }),
        "{error:?}"
    );
    let script = Script::new(&[Ok("ACTIVE")]);
    assert!(script.run(Duration::ZERO).await.is_ok());
}

/// A poll that never answers is cancelled at the deadline.
#[tokio::test(start_paused = true)]
async fn a_stalled_poll_is_cancelled_at_the_deadline() {
    let start = Instant::now();
    let result: Result<FinalPoll<(), &str>, _> =
        wait(&SPEC, secs(30), std::future::pending, |_| None).await;
    let error = result.unwrap_err();
    assert!(
        matches!(error, WaiterError::ExceededMaxWait { attempts: 1, elapsed, .. } if elapsed == secs(30)),
        "{error:?}"
    );
    assert_eq!(start.elapsed(), secs(30));
    assert_eq!(
        error.to_string(),
        "waiter ThingReady gave up: the maximum wait of 30s ran out after 1 attempt in 30s"
    );
}

/// The final poll, sent on the deadline, gets `min_delay` to answer before it is cancelled.
#[tokio::test(start_paused = true)]
async fn the_final_poll_gets_min_delay() {
    let start = Instant::now();
    let polls = RefCell::new(0u32);
    let poll = || {
        *polls.borrow_mut() += 1;
        let stalls = start.elapsed() >= secs(10);
        async move {
            if stalls {
                std::future::pending::<()>().await;
            }
            Ok::<_, ()>("CREATING")
        }
    };
    let error = wait(&SPEC, secs(10), poll, |_| None).await.unwrap_err();
    assert!(
        matches!(error, WaiterError::ExceededMaxWait { elapsed, .. } if elapsed == secs(12)),
        "{error:?}"
    );
    assert_eq!(error.attempts(), *polls.borrow());
}

/// An input that cannot be built: nothing is sent.
#[test]
fn invalid_input() {
    let error: WaiterError<(), &str> = WaiterError::invalid_input(&SPEC, "`Name` is missing");
    assert_eq!(error.attempts(), 0);
    assert_eq!(error.waiter(), "ThingReady");
    assert_eq!(
        error.to_string(),
        "waiter ThingReady could not start: `Name` is missing"
    );
}

/// `source()` is the operation's error, so `?` into a boxed error keeps the chain.
#[test]
fn error_source_is_the_operation_error() {
    #[derive(Debug)]
    struct Failed;
    impl std::fmt::Display for Failed {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("failed")
        }
    }
    impl std::error::Error for Failed {}
    let error: WaiterError<(), Failed> = WaiterError::invalid_input(&SPEC, Failed);
    let source = std::error::Error::source(&error).unwrap();
    assert_eq!(source.to_string(), "failed");
}
