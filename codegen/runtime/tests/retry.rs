//! The runtime's `retry` module: the standard mode's configuration, backoff, jitter, retry quota
//! and the classification of failures (transport errors included).

use smithy_rust_runtime::{retry, transport};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use retry::{classify, jitter, RetryConfig, RetryKind, RetryState};
use transport::TransportErrorKind;

#[test]
fn configuration_defaults_and_builders() {
    let standard = RetryConfig::standard();
    assert_eq!(standard, RetryConfig::default());
    assert_eq!(standard.max_attempts(), 3);
    assert_eq!(standard.initial_backoff(), Duration::from_secs(1));
    assert_eq!(standard.max_backoff(), Duration::from_secs(20));
    assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    let custom = RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(1));
    assert_eq!(custom.max_attempts(), 5);
    assert_eq!(custom.initial_backoff(), Duration::from_millis(100));
    assert_eq!(custom.max_backoff(), Duration::from_secs(1));
    assert_eq!(
        RetryConfig::standard().with_max_attempts(0).max_attempts(),
        1
    );
}

#[test]
fn backoff_is_full_jitter_over_a_truncated_doubling() {
    let config = RetryConfig::standard();
    let secs = |attempt, random| config.backoff(attempt, random).as_secs_f64();
    // The ceiling: 1 s, 2 s, 4 s, 8 s, 16 s, then 20 s for good.
    for (attempt, ceiling) in [
        (1, 1.0),
        (2, 2.0),
        (3, 4.0),
        (4, 8.0),
        (5, 16.0),
        (6, 20.0),
        (7, 20.0),
    ] {
        assert_eq!(secs(attempt, 1.0), ceiling, "attempt {attempt}");
        assert_eq!(secs(attempt, 0.0), 0.0, "attempt {attempt}");
        assert!(
            (secs(attempt, 0.5) - ceiling / 2.0).abs() < 1e-9,
            "attempt {attempt}"
        );
    }
    assert_eq!(secs(u32::MAX, 1.0), 20.0);
    assert_eq!(secs(0, 1.0), 1.0, "attempt 0 is taken as 1");
    // Out-of-range randomness is clamped, never a panic.
    assert_eq!(secs(2, f64::NAN), 0.0);
    assert_eq!(secs(2, -3.0), 0.0);
    assert_eq!(secs(2, 7.0), 2.0);
    assert_eq!(secs(2, f64::INFINITY), 2.0);

    let custom = RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_millis(500));
    let ms = |attempt| custom.backoff(attempt, 1.0).as_millis();
    assert_eq!(
        [ms(1), ms(2), ms(3), ms(4), ms(5)],
        [100, 200, 400, 500, 500]
    );

    // Through the state, with injected randomness, each delay stays within its ceiling.
    let state = RetryState::new(&RetryConfig::standard().with_max_attempts(10));
    for attempt in 1..10 {
        let random = jitter();
        let delay = state
            .should_retry(attempt, RetryKind::Transient, random)
            .unwrap();
        let ceiling = Duration::from_secs((1u64 << (attempt - 1)).min(20));
        assert!(
            delay <= ceiling,
            "attempt {attempt}: {delay:?} > {ceiling:?}"
        );
        assert_eq!(delay, RetryConfig::standard().backoff(attempt, random));
    }
}

#[test]
fn jitter_is_spread_over_zero_to_one() {
    let samples: Vec<f64> = (0..20_000).map(|_| jitter()).collect();
    assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    assert!((0.47..0.53).contains(&mean), "mean {mean}");
    let low = samples.iter().filter(|x| **x < 0.1).count();
    let high = samples.iter().filter(|x| **x >= 0.9).count();
    assert!(low > 1_500 && high > 1_500, "low {low}, high {high}");
    let mut distinct = samples.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(distinct.len() > 19_990, "{} distinct", distinct.len());
}

#[test]
fn attempts_stop_at_max_attempts() {
    let state = RetryState::new(&RetryConfig::standard());
    assert!(state.should_retry(1, RetryKind::Throttling, 0.5).is_some());
    assert!(state.should_retry(2, RetryKind::Throttling, 0.5).is_some());
    assert_eq!(state.should_retry(3, RetryKind::Throttling, 0.5), None);
    assert_eq!(state.available_tokens(), 500 - 2 * 5);

    let disabled = RetryState::new(&RetryConfig::disabled());
    assert_eq!(disabled.should_retry(1, RetryKind::Transient, 0.5), None);
    assert_eq!(
        disabled.available_tokens(),
        500,
        "giving up takes no tokens"
    );
    assert_eq!(disabled.config().max_attempts(), 1);

    let five = RetryState::new(&RetryConfig::standard().with_max_attempts(5));
    assert!((1..5).all(|n| five.should_retry(n, RetryKind::Timeout, 0.0).is_some()));
    assert_eq!(five.should_retry(5, RetryKind::Timeout, 0.0), None);
}

#[test]
fn the_retry_quota_runs_dry_and_refills() {
    let config = RetryConfig::standard().with_max_attempts(u32::MAX);
    let state = RetryState::new(&config);
    assert_eq!(state.available_tokens(), retry::INITIAL_RETRY_TOKENS);
    // 100 retries after errors at 5 tokens each empty the bucket.
    for n in 0..100 {
        assert!(
            state.should_retry(1, RetryKind::Throttling, 1.0).is_some(),
            "retry {n}"
        );
    }
    assert_eq!(state.available_tokens(), 0);
    assert_eq!(state.should_retry(1, RetryKind::Transient, 1.0), None);
    assert_eq!(state.available_tokens(), 0);

    // Four calls succeeding at once give 4 tokens: not enough for a retry; a fifth is.
    for _ in 0..4 {
        state.on_success(false);
    }
    assert_eq!(state.should_retry(1, RetryKind::Transient, 1.0), None);
    state.on_success(false);
    assert_eq!(state.available_tokens(), 5);
    assert!(state.should_retry(1, RetryKind::Transient, 1.0).is_some());
    assert_eq!(state.available_tokens(), 0);

    // A success after a retry gives back that retry's cost.
    state.on_success(true);
    assert_eq!(state.available_tokens(), 5);
    assert_eq!(
        state.should_retry(1, RetryKind::Timeout, 1.0),
        None,
        "a timeout costs 10"
    );
    state.on_success_after(Some(RetryKind::Timeout));
    assert_eq!(state.available_tokens(), 15);
    assert!(state.should_retry(1, RetryKind::Timeout, 1.0).is_some());
    assert_eq!(state.available_tokens(), 5);
    state.on_success_after(None);
    assert_eq!(state.available_tokens(), 6);

    // Timeouts alone: 50 retries.
    let timeouts = RetryState::new(&config);
    let granted = (0..60)
        .filter(|_| timeouts.should_retry(1, RetryKind::Timeout, 0.0).is_some())
        .count();
    assert_eq!(granted, 50);

    // The bucket never overflows, and clones share it.
    let full = RetryState::new(&config);
    let clone = full.clone();
    for _ in 0..10 {
        clone.on_success_after(Some(RetryKind::Timeout));
    }
    assert_eq!(full.available_tokens(), 500);
    assert!(clone.should_retry(1, RetryKind::Transient, 0.0).is_some());
    assert_eq!(full.available_tokens(), 495);
}

#[test]
fn the_quota_is_shared_safely_across_threads() {
    let state = RetryState::new(&RetryConfig::standard().with_max_attempts(u32::MAX));
    let granted = Arc::new(AtomicUsize::new(0));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let state = state.clone();
            let granted = granted.clone();
            scope.spawn(move || {
                for _ in 0..50 {
                    if state.should_retry(1, RetryKind::Transient, 0.0).is_some() {
                        granted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(granted.load(Ordering::SeqCst), 100);
    assert_eq!(state.available_tokens(), 0);
}

#[test]
fn classification_table() {
    use RetryKind::{Throttling, Timeout, Transient};
    let throttling = [
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
    for code in throttling {
        assert_eq!(
            classify(Some(400), Some(code), false, false),
            Some(Throttling),
            "{code}"
        );
    }
    assert_eq!(retry::THROTTLING_ERROR_CODES, throttling);
    for code in ["RequestTimeout", "RequestTimeoutException"] {
        assert_eq!(
            classify(Some(400), Some(code), false, false),
            Some(Transient),
            "{code}"
        );
    }
    // status, error code, timed out, connect or I/O error: expected kind
    type Row = (
        Option<u16>,
        Option<&'static str>,
        bool,
        bool,
        Option<RetryKind>,
    );
    let table: &[Row] = &[
        (Some(500), None, false, false, Some(Transient)),
        (Some(502), None, false, false, Some(Transient)),
        (Some(503), None, false, false, Some(Transient)),
        (Some(504), None, false, false, Some(Transient)),
        (Some(500), Some("InternalFailure"), false, false, Some(Transient)),
        (Some(503), Some("SlowDown"), false, false, Some(Throttling)),
        (Some(501), None, false, false, None),
        (Some(505), None, false, false, None),
        (Some(429), None, false, false, None),
        (Some(400), Some("ValidationException"), false, false, None),
        (Some(400), Some("ThrottlingException"), false, false, Some(Throttling)),
        (Some(403), Some("AccessDeniedException"), false, false, None),
        (Some(404), None, false, false, None),
        (Some(200), None, false, false, None),
        (None, None, false, false, None),
        (None, None, true, false, Some(Timeout)),
        (None, None, true, true, Some(Timeout)),
        (None, None, false, true, Some(Transient)),
        // Namespaced and awsJson-style codes are matched by their bare name.
        (Some(400), Some("com.amazonaws.sfn#ThrottlingException"), false, false, Some(Throttling)),
        (
            Some(400),
            Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
            false,
            false,
            Some(Throttling),
        ),
        (Some(400), Some("throttlingexception"), false, false, None),
    ];
    for (status, code, timeout, io, expected) in table {
        assert_eq!(
            classify(*status, *code, *timeout, *io),
            *expected,
            "{status:?} {code:?} timeout={timeout} io={io}"
        );
    }
    assert_eq!(Throttling.cost(), 5);
    assert_eq!(Transient.cost(), 5);
    assert_eq!(Timeout.cost(), 10);
}

#[test]
fn transport_errors_map_onto_retry_kinds() {
    // How a caller feeds a transport error to `classify`.
    let kind_of = |kind: TransportErrorKind| {
        classify(
            None,
            None,
            kind == TransportErrorKind::Timeout,
            matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Io),
        )
    };
    assert_eq!(
        kind_of(TransportErrorKind::Connect),
        Some(RetryKind::Transient)
    );
    assert_eq!(kind_of(TransportErrorKind::Io), Some(RetryKind::Transient));
    assert_eq!(
        kind_of(TransportErrorKind::Timeout),
        Some(RetryKind::Timeout)
    );
    assert_eq!(kind_of(TransportErrorKind::ResponseTooLarge), None);
    assert_eq!(kind_of(TransportErrorKind::InvalidResponse), None);
    assert_eq!(kind_of(TransportErrorKind::Other), None);
}

#[test]
fn the_rate_limiter_waits_only_in_adaptive_mode_and_only_after_a_throttle() {
    let standard = RetryState::new(&RetryConfig::standard());
    standard.after_attempt(true);
    assert_eq!(standard.before_attempt(), Duration::ZERO);

    let adaptive = RetryState::new(&RetryConfig::adaptive());
    for _ in 0..100 {
        assert_eq!(adaptive.before_attempt(), Duration::ZERO);
        adaptive.after_attempt(false);
    }
    adaptive.after_attempt(true);
    let first = adaptive.before_attempt();
    assert!(first > Duration::ZERO, "{first:?}");
    // Clones share the limiter: the next caller queues behind the first.
    let clone = adaptive.clone();
    assert!(clone.before_attempt() > first);
}

#[test]
fn a_per_call_number_of_attempts_replaces_the_configured_one() {
    let state = RetryState::new(&RetryConfig::standard().with_max_attempts(2));
    assert!(state.should_retry(2, RetryKind::Transient, 0.0).is_none());
    assert!(state
        .should_retry_within(2, 5, RetryKind::Transient, 0.0)
        .is_some());
    assert!(state
        .should_retry_within(5, 5, RetryKind::Transient, 0.0)
        .is_none());
    assert!(state
        .should_retry_within(1, 1, RetryKind::Throttling, 0.0)
        .is_none());
}

#[test]
fn max_attempts_are_read_as_whole_numbers_from_one() {
    assert_eq!(retry::parse_max_attempts("1"), Ok(1));
    assert_eq!(retry::parse_max_attempts(" 10 "), Ok(10));
    for bad in ["0", "-1", "1.5", "", "ten", "99999999999"] {
        let error = retry::parse_max_attempts(bad).unwrap_err();
        assert_eq!(error.value(), bad.trim());
        assert!(error.to_string().contains("from 1 up"), "{error}");
    }
}
