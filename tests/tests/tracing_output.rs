//! The client's tracing output at the most verbose level: one span per call named by the
//! service's readable name, with operation, attempts (recorded once), status and request id;
//! one closing event per call (`debug` on success, `warn` only for the failure the caller
//! gets, `debug` for each failed attempt that is retried); and never a secret.

#[path = "support/capture.rs"]
mod capture;

use std::io::{Read, Write};
use std::net::TcpListener;

use capture::Capture;
use sfn::credentials::Credentials;
use sfn::{Client, Config};

const SECRET_KEY: &str = "CANARY-SECRET-KEY-3f9a";
const SESSION_TOKEN: &str = "CANARY-SESSION-TOKEN-77c1";
const TASK_ERROR: &str = "CANARY-TASK-ERROR-0b2e";
const TASK_CAUSE: &str = "CANARY-TASK-CAUSE-c4d8";

/// Answers every request on one connection with the given raw HTTP response, up to `count`.
fn serve(responses: Vec<&'static str>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            let mut buffer = [0u8; 8192];
            let _ = stream.read(&mut buffer);
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}

#[test]
fn calls_are_traced_without_secrets() {
    let ok = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-requestid: req-ok-1\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    let throttled = "HTTP/1.1 400 Bad Request\r\nX-Amzn-ErrorType: ThrottlingException\r\nx-amzn-requestid: req-throttle\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
    let invalid = "HTTP/1.1 400 Bad Request\r\nX-Amzn-ErrorType: InvalidToken\r\nx-amzn-requestid: req-bad-2\r\nContent-Length: 27\r\nConnection: close\r\n\r\n{\"message\":\"Invalid Token\"}";
    let url = serve(vec![ok, throttled, invalid]);
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (success, failure) = tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(async {
            let client = Client::new(
                Config::builder()
                    .region("us-east-1")
                    .endpoint_url(url)
                    .credentials(Credentials::new(
                        "AKIDCANARY",
                        SECRET_KEY,
                        Some(SESSION_TOKEN.to_owned()),
                        None,
                        "test",
                    ))
                    .retry_config(
                        sfn::retry::RetryConfig::standard()
                            .with_initial_backoff(std::time::Duration::from_millis(1))
                            .with_max_backoff(std::time::Duration::from_millis(2)),
                    )
                    .build(),
            );
            let call = || {
                client
                    .send_task_failure()
                    .task_token("tok")
                    .error(TASK_ERROR)
                    .cause(TASK_CAUSE)
                    .send()
            };
            (call().await, call().await)
        })
    });
    success.unwrap();
    let failure = failure.unwrap_err();
    assert!(failure.is_invalid_token(), "{failure:?}");

    let lines = capture.0.lock().unwrap().join("\n");
    for canary in [SECRET_KEY, SESSION_TOKEN, TASK_ERROR, TASK_CAUSE] {
        assert!(
            !lines.contains(canary),
            "tracing output shows {canary}:\n{lines}"
        );
    }
    assert!(
        lines.contains("span call service=\"sfn\" operation=\"SendTaskFailure\""),
        "{lines}"
    );
    // The wire prefix shows only in the signed request that aws-sigv4 traces.
    assert!(
        !lines
            .lines()
            .any(|line| line.starts_with("span") && line.contains("AWSStepFunctions")),
        "{lines}"
    );
    assert!(lines.contains("request_id=\"req-ok-1\""), "{lines}");
    assert!(lines.contains("status=200"), "{lines}");
    assert!(
        lines.contains("attempt failed: ThrottlingException"),
        "{lines}"
    );
    assert!(lines.contains("attempts=2"), "{lines}");
    assert!(lines.contains("request_id=\"req-bad-2\""), "{lines}");
    assert!(lines.contains("outcome=\"service error\""), "{lines}");
}

/// The lines `capture` recorded while `calls` ran against a server answering with `responses`,
/// with retries that wait a millisecond; and what `calls` returned.
fn traced<T>(
    responses: Vec<&'static str>,
    calls: impl AsyncFnOnce(&Client) -> T,
) -> (Vec<String>, T) {
    let url = serve(responses);
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(async {
            let client = Client::new(
                Config::builder()
                    .region("us-east-1")
                    .endpoint_url(url)
                    .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
                    .retry_config(
                        sfn::retry::RetryConfig::standard()
                            .with_initial_backoff(std::time::Duration::from_millis(1))
                            .with_max_backoff(std::time::Duration::from_millis(2)),
                    )
                    .build(),
            );
            calls(&client).await
        })
    });
    let lines = capture.0.lock().unwrap().clone();
    (lines, result)
}

/// The lines that start with `prefix`.
fn starting<'a>(lines: &'a [String], prefix: &str) -> Vec<&'a str> {
    lines
        .iter()
        .filter(|line| line.starts_with(prefix))
        .map(String::as_str)
        .collect()
}

const OK: &str = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nx-amzn-requestid: req-ok\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
const THROTTLED: &str = "HTTP/1.1 400 Bad Request\r\nX-Amzn-ErrorType: ThrottlingException\r\nx-amzn-requestid: req-throttled\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
const UNAVAILABLE: &str = "HTTP/1.1 503 Service Unavailable\r\nX-Amzn-ErrorType: ServiceUnavailable\r\nx-amzn-requestid: req-503\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";
const INVALID_TOKEN: &str = "HTTP/1.1 400 Bad Request\r\nX-Amzn-ErrorType: InvalidToken\r\nx-amzn-requestid: req-invalid\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}";

#[test]
fn a_successful_call_is_one_debug_event_with_operation_status_attempts_latency_and_request_id() {
    let (lines, result) = traced(vec![OK], async |client: &Client| {
        client.send_task_failure().task_token("t").send().await
    });
    result.unwrap();
    let all = lines.join("\n");
    let events = starting(&lines, "event ");
    assert_eq!(events.len(), 1, "{all}");
    let event = events[0];
    for field in [
        "event DEBUG message=call succeeded",
        "service=\"sfn\"",
        "operation=\"SendTaskFailure\"",
        "attempts=1",
        "status=200",
        "request_id=\"req-ok\"",
        "latency_ms=",
    ] {
        assert!(event.contains(field), "no `{field}` in {event}\n{all}");
    }
    // The span has the same, recorded when the call ended.
    let span = starting(&lines, "span call")[0];
    assert!(
        span.contains("service=\"sfn\" operation=\"SendTaskFailure\""),
        "{span}"
    );
    let records = starting(&lines, "record").join(" ");
    for field in [
        "attempts=1",
        "latency_ms=",
        "status=200",
        "request_id=\"req-ok\"",
        "outcome=\"success\"",
    ] {
        assert!(records.contains(field), "no `{field}` in {records}");
    }
}

#[test]
fn attempts_are_recorded_once_per_call_and_retried_failures_are_only_debug() {
    let (lines, result) = traced(vec![THROTTLED, THROTTLED, OK], async |client: &Client| {
        client.send_task_failure().task_token("t").send().await
    });
    result.unwrap();
    let all = lines.join("\n");
    let attempts: Vec<&str> = lines
        .iter()
        .filter(|line| line.starts_with("record") && line.contains("attempts="))
        .map(String::as_str)
        .collect();
    assert_eq!(attempts, ["record attempts=3"], "{all}");
    let events = starting(&lines, "event ");
    assert_eq!(events.len(), 3, "{all}");
    for event in &events[..2] {
        assert!(
            event.starts_with("event DEBUG message=attempt failed: ThrottlingException"),
            "{all}"
        );
        assert!(event.contains("retry_in_ms="), "{event}");
    }
    assert!(
        events[2].starts_with("event DEBUG message=call succeeded"),
        "{all}"
    );
    assert!(events[2].contains("attempts=3"), "{all}");
    assert!(starting(&lines, "event WARN").is_empty(), "{all}");
}

#[test]
fn only_the_failure_returned_to_the_caller_is_a_warn_event() {
    // Three 503s (retried even though SendTaskFailure is not idempotent: the service says it
    // did not act), then a modeled error on the next call.
    let (lines, (unavailable, invalid)) = traced(
        vec![UNAVAILABLE, UNAVAILABLE, UNAVAILABLE, INVALID_TOKEN],
        async |client: &Client| {
            let call = || client.send_task_failure().task_token("t").send();
            (call().await, call().await)
        },
    );
    assert_eq!(unavailable.unwrap_err().attempts(), 3);
    assert!(invalid.unwrap_err().is_invalid_token());
    let all = lines.join("\n");
    let warnings = starting(&lines, "event WARN");
    assert_eq!(warnings.len(), 2, "{all}");
    for (warning, fields) in warnings.iter().zip([
        [
            "message=call failed: ServiceUnavailable",
            "attempts=3",
            "status=503",
            "request_id=\"req-503\"",
        ],
        [
            "message=call failed: InvalidToken",
            "attempts=1",
            "status=400",
            "request_id=\"req-invalid\"",
        ],
    ]) {
        for field in fields {
            assert!(warning.contains(field), "no `{field}` in {warning}\n{all}");
        }
        assert!(warning.contains("service=\"sfn\""), "{warning}");
        assert!(
            warning.contains("operation=\"SendTaskFailure\""),
            "{warning}"
        );
        assert!(warning.contains("latency_ms="), "{warning}");
    }
    // The two retried attempts of the first call are debug events; nothing else was logged.
    let debug = starting(&lines, "event DEBUG");
    assert_eq!(debug.len(), 2, "{all}");
    assert!(debug
        .iter()
        .all(|event| event.contains("attempt failed: ServiceUnavailable")));
    let attempts: Vec<&str> = lines
        .iter()
        .filter(|line| line.starts_with("record") && line.contains("attempts="))
        .map(String::as_str)
        .collect();
    assert_eq!(
        attempts,
        ["record attempts=3", "record attempts=1"],
        "{all}"
    );
}

#[test]
fn a_failure_without_an_answer_is_a_warn_event_with_its_kind() {
    // No server: the connection is refused on every attempt.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let capture = Capture::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = tracing::subscriber::with_default(capture.clone(), || {
        runtime.block_on(async {
            let client = Client::new(
                Config::builder()
                    .region("us-east-1")
                    .endpoint_url(url)
                    .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
                    .retry_config(sfn::retry::RetryConfig::disabled())
                    .build(),
            );
            client.send_task_failure().task_token("t").send().await
        })
    });
    assert!(result.is_err());
    let lines = capture.0.lock().unwrap().clone();
    let all = lines.join("\n");
    let warnings = starting(&lines, "event WARN");
    assert_eq!(warnings.len(), 1, "{all}");
    assert!(warnings[0].contains("kind=Transport"), "{all}");
    assert!(warnings[0].contains("attempts=1"), "{all}");
    assert!(starting(&lines, "event DEBUG").is_empty(), "{all}");
}
