//! How the generated `sfn` client fails: retries, modeled and unknown errors, timeouts,
//! cancellation, hostile responses, the request it sends, and what its errors never show.
//!
//! Every test starts its own scripted HTTP/1.1 server on 127.0.0.1 (see [`scripted_server`]):
//! the server records each request and answers from a script, one entry per request in arrival
//! order, whatever connection it comes on.

use std::error::Error as StdError;
use std::time::{Duration, Instant};

use sfn::config::ConfigBuilder;
use sfn::credentials::Credentials;
use sfn::error::{RequestError, RequestErrorKind};
use sfn::operation::send_task_failure::{SendTaskFailureError, SendTaskFailureOutput};
use sfn::retry::RetryConfig;
use sfn::types::KmsKeyState;
use sfn::{Client, Config};

use scripted_server::{Recorded, Reply, ScriptedServer};

/// How long any call or wait may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

const JSON: &str = "application/x-amz-json-1.0";

// ---------------------------------------------------------------------------------------------
// Helpers

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Standard retries (3 attempts) with backoffs short enough for tests.
fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_initial_backoff(ms(1))
        .with_max_backoff(ms(5))
}

fn builder(server: &ScriptedServer) -> ConfigBuilder {
    Config::builder()
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .retry_config(fast_retries())
}

fn client(server: &ScriptedServer) -> Client {
    Client::new(builder(server).build())
}

type Outcome = Result<SendTaskFailureOutput, SendTaskFailureError>;

/// `SendTaskFailure` with task token `t`, bounded by [`PATIENCE`].
async fn fail_task(client: &Client) -> Outcome {
    tokio::time::timeout(PATIENCE, client.send_task_failure().task_token("t").send())
        .await
        .expect("the call finished in time")
}

/// The `Request` error of `outcome`, which must be of `kind`.
fn request_error(outcome: Outcome, kind: RequestErrorKind) -> RequestError {
    match outcome {
        Err(SendTaskFailureError::Request(error)) => {
            assert_eq!(error.kind(), kind, "{error:?}");
            error
        }
        other => panic!("expected a Request error of kind {kind:?}, got {other:?}"),
    }
}

/// A JSON answer with the protocol's content type.
fn json(status: u16, body: &str) -> Reply {
    Reply::respond(status, body).header("content-type", JSON)
}

/// A JSON error answer with a request id.
fn json_error(status: u16, request_id: &str, body: &str) -> Reply {
    json(status, body).header("x-amzn-requestid", request_id)
}

fn ok() -> Reply {
    json(200, "{}")
}

/// The `amz-sdk-request` header of each recorded request.
fn attempt_headers(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.header("amz-sdk-request").unwrap_or("(none)").to_owned())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. Retries

#[tokio::test]
async fn a_503_then_a_200_succeeds_on_the_second_attempt_with_one_invocation_id() {
    let server = ScriptedServer::start(vec![json(503, "Service Unavailable"), ok()]).await;
    let first_client = client(&server);

    fail_task(&first_client).await.expect("the retry succeeds");

    let requests = server.requests();
    assert_eq!(
        attempt_headers(&requests),
        ["attempt=1; max=3", "attempt=2; max=3"]
    );
    assert_eq!(requests.iter().map(|r| r.index).collect::<Vec<_>>(), [1, 2]);
    let ids: Vec<_> = requests
        .iter()
        .map(|r| r.header("amz-sdk-invocation-id").expect("an invocation id"))
        .collect();
    assert_eq!(ids[0], ids[1], "all attempts of one call share the id");
    assert_eq!(ids[0].len(), 36, "a UUID-shaped id: {}", ids[0]);
    // Both attempts carry the same body and each its own signature.
    assert_eq!(requests[0].body, requests[1].body);
    assert!(requests[1].header("authorization").is_some());

    // A second call gets a fresh invocation id.
    let server2 = ScriptedServer::start(vec![ok()]).await;
    let client2 = client(&server2);
    fail_task(&client2).await.unwrap();
    let other = server2.requests()[0]
        .header("amz-sdk-invocation-id")
        .unwrap()
        .to_owned();
    assert_ne!(other, ids[0]);
}

#[tokio::test]
async fn a_throttling_error_then_a_200_succeeds() {
    let server = ScriptedServer::start(vec![
        json_error(400, "rid-throttled", r#"{"message":"Rate exceeded"}"#)
            .header("X-Amzn-ErrorType", "ThrottlingException"),
        ok(),
    ])
    .await;
    fail_task(&client(&server))
        .await
        .expect("the throttled attempt is retried");
    assert_eq!(
        attempt_headers(&server.requests()),
        ["attempt=1; max=3", "attempt=2; max=3"]
    );
}

#[tokio::test]
async fn three_503s_without_an_error_code_fail_after_three_attempts_and_say_so() {
    let busy = || Reply::respond(503, "busy").header("content-type", "text/plain");
    let server = ScriptedServer::start(vec![busy(), busy(), busy(), ok()]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    assert_eq!(error.attempts(), 3, "{error:?}");
    assert_eq!(error.status(), Some(503));
    assert_eq!(
        error.to_string(),
        "SendTaskFailure answered HTTP 503 (text/plain) without an error code: `busy` \
         (after 3 attempts)"
    );
    assert_eq!(
        attempt_headers(&server.requests()),
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
    );
}

#[tokio::test]
async fn three_throttling_errors_end_in_the_unknown_variant_after_three_attempts() {
    let throttled = || {
        json_error(
            400,
            "rid-throttled",
            r#"{"__type":"com.amazonaws.sfn#ThrottlingException","message":"Rate exceeded"}"#,
        )
    };
    let server = ScriptedServer::start(vec![throttled(), throttled(), throttled()]).await;
    let error = fail_task(&client(&server)).await.unwrap_err();
    let SendTaskFailureError::Unknown(unknown) = &error else {
        panic!("expected Unknown, got {error:?}")
    };
    assert_eq!(unknown.code(), "ThrottlingException");
    assert_eq!(unknown.message(), Some("Rate exceeded"));
    assert_eq!(unknown.request_id(), Some("rid-throttled"));
    assert_eq!(server.requests().len(), 3);
    assert_eq!((error.attempts(), error.status()), (3, Some(400)));
    assert_eq!((unknown.attempts(), unknown.status()), (3, Some(400)));
    assert_eq!(
        error.to_string(),
        "ThrottlingException: Rate exceeded (request id: rid-throttled, after 3 attempts)"
    );
}

/// `SendTaskFailure` is not `@idempotent`: a 500, 502 or 504 may come after the service acted,
/// so it is reported at once (only 503 and throttling say the request was not carried out).
#[tokio::test]
async fn other_5xx_answers_are_not_repeated_for_a_non_idempotent_call() {
    for status in [500, 502, 504] {
        let coded = || {
            json_error(
                status,
                "rid-5xx",
                r#"{"__type":"InternalFailure","message":"boom"}"#,
            )
        };
        let server = ScriptedServer::start(vec![coded(), ok()]).await;
        let error = fail_task(&client(&server)).await.unwrap_err();
        assert!(error.is_unknown(), "{status}: {error:?}");
        assert_eq!(error.code(), Some("InternalFailure"));
        assert_eq!(error.request_id(), Some("rid-5xx"));
        assert_eq!(
            attempt_headers(&server.requests()),
            ["attempt=1; max=3"],
            "{status}"
        );

        let server = ScriptedServer::start(vec![Reply::respond(status, "oops"), ok()]).await;
        let error = request_error(
            fail_task(&client(&server)).await,
            RequestErrorKind::InvalidResponse,
        );
        assert_eq!(error.status(), Some(status));
        assert_eq!(error.attempts(), 1);
        assert_eq!(
            error.to_string(),
            format!("SendTaskFailure answered HTTP {status} (no content type) without an error code: `oops`")
        );
        assert_eq!(server.requests().len(), 1, "{status}");
    }
}

#[tokio::test]
async fn retries_disabled_make_exactly_one_attempt() {
    let server = ScriptedServer::start(vec![json(503, "busy"), ok()]).await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert_eq!(error.attempts(), 1);
    assert_eq!(error.status(), Some(503));
    assert!(!error.to_string().contains("attempts"), "{error}");
    assert_eq!(attempt_headers(&server.requests()), ["attempt=1; max=1"]);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported_naming_the_endpoint() {
    let server = ScriptedServer::start(vec![]).await;
    let url = server.url();
    let config = builder(&server).build();
    server.stop().await;
    let started = Instant::now();
    let error = request_error(
        fail_task(&Client::new(config)).await,
        RequestErrorKind::Transport,
    );
    assert!(started.elapsed() < ms(1000), "{:?}", started.elapsed());
    // Nothing was sent, so even a non-idempotent call may be repeated.
    assert_eq!(error.attempts(), 3);
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "SendTaskFailure failed: cannot connect to {url}: "
        )),
        "{text}"
    );
    assert!(text.ends_with("(after 3 attempts)"), "{text}");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_reported_as_transport_without_repeating() {
    let server = ScriptedServer::start(vec![Reply::CloseMidBody, ok()]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::Transport,
    );
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        format!(
            "SendTaskFailure failed: the connection to {} failed before the response body was \
             complete: the connection was closed before the message was complete",
            server.url()
        )
    );
    assert!(
        error.source().is_some(),
        "the transport error is the source"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "the service may have acted: not repeated"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Modeled errors: decoded, never retried

#[tokio::test]
async fn each_modeled_error_is_decoded_into_its_variant_after_one_attempt() {
    let codes = [
        "InvalidToken",
        "KmsAccessDeniedException",
        "KmsInvalidStateException",
        "KmsThrottlingException",
        "TaskDoesNotExist",
        "TaskTimedOut",
    ];
    for code in codes {
        let body = if code == "KmsInvalidStateException" {
            format!(
                r#"{{"__type":"{code}","message":"about {code}","kmsKeyState":"PENDING_DELETION"}}"#
            )
        } else {
            format!(r#"{{"__type":"{code}","message":"about {code}"}}"#)
        };
        let request_id = format!("rid-{code}");
        let server = ScriptedServer::start(vec![json_error(400, &request_id, &body), ok()]).await;
        let error = fail_task(&client(&server)).await.unwrap_err();

        assert_eq!(error.code(), Some(code), "{error:?}");
        assert_eq!(error.message(), Some(format!("about {code}").as_str()));
        assert_eq!(error.request_id(), Some(request_id.as_str()));
        assert_eq!((error.attempts(), error.status()), (1, Some(400)), "{code}");
        assert_eq!(
            error.to_string(),
            format!("{code}: about {code} (request id: {request_id})")
        );
        assert!(error.source().is_none());
        use sfn::error::Fault;
        let (fault, matched) = match &error {
            SendTaskFailureError::InvalidToken(e) => (e.fault(), error.is_invalid_token()),
            SendTaskFailureError::KmsAccessDeniedException(e) => {
                (e.fault(), error.is_kms_access_denied_exception())
            }
            SendTaskFailureError::KmsInvalidStateException(e) => {
                assert_eq!(e.kms_key_state, Some(KmsKeyState::PendingDeletion));
                assert_eq!(e.request_id(), Some(request_id.as_str()));
                (e.fault(), error.is_kms_invalid_state_exception())
            }
            SendTaskFailureError::KmsThrottlingException(e) => {
                (e.fault(), error.is_kms_throttling_exception())
            }
            SendTaskFailureError::TaskDoesNotExist(e) => {
                (e.fault(), error.is_task_does_not_exist())
            }
            SendTaskFailureError::TaskTimedOut(e) => (e.fault(), error.is_task_timed_out()),
            other => panic!("{code}: expected its modeled variant, got {other:?}"),
        };
        assert!(matched, "{code}: the is_* predicate agrees");
        assert_eq!(fault, Fault::Client, "{code}");
        assert_eq!(
            attempt_headers(&server.requests()),
            ["attempt=1; max=3"],
            "{code} is not retried"
        );
    }
}

#[tokio::test]
async fn kms_key_states_are_parsed_and_unknown_ones_kept() {
    for (wire, expected) in [
        ("DISABLED", Some(KmsKeyState::Disabled)),
        ("PENDING_IMPORT", Some(KmsKeyState::PendingImport)),
        ("UNAVAILABLE", Some(KmsKeyState::Unavailable)),
        ("CREATING", Some(KmsKeyState::Creating)),
        ("SOME_FUTURE_STATE", None),
    ] {
        let body = format!(r#"{{"__type":"KmsInvalidStateException","kmsKeyState":"{wire}"}}"#);
        let server = ScriptedServer::start(vec![json_error(400, "rid", &body)]).await;
        let error = fail_task(&client(&server)).await.unwrap_err();
        let SendTaskFailureError::KmsInvalidStateException(e) = &error else {
            panic!("expected KmsInvalidStateException, got {error:?}")
        };
        let state = e.kms_key_state.as_ref().expect("the state is kept");
        assert_eq!(state.as_str(), wire);
        match expected {
            Some(known) => assert_eq!(*state, known),
            None => assert!(matches!(state, KmsKeyState::Unknown(_)), "{state:?}"),
        }
        assert_eq!(e.message(), None);
        assert_eq!(
            error.to_string(),
            "KmsInvalidStateException (no message) (request id: rid)"
        );
    }
}

#[tokio::test]
async fn error_codes_are_found_wherever_the_protocol_puts_them() {
    /// What the case shows, the `X-Amzn-ErrorType` header, the body, the expected code and the
    /// expected message.
    type Case<'a> = (&'a str, Option<&'a str>, &'a str, &'a str, Option<&'a str>);
    let cases: [Case; 11] = [
        (
            "header only",
            Some("InvalidToken"),
            r#"{"message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "__type",
            None,
            r#"{"__type":"InvalidToken","message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "code",
            None,
            r#"{"code":"InvalidToken","message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "namespace in __type",
            None,
            r#"{"__type":"com.amazonaws.sfn#InvalidToken","message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "namespace in the header",
            Some("com.amazonaws.sfn#TaskTimedOut"),
            "{}",
            "TaskTimedOut",
            None,
        ),
        (
            "URL suffix in the header",
            Some("InvalidToken:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            r#"{"message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "namespace and URL suffix",
            Some("com.amazonaws.sfn#InvalidToken:http://internal.amazon.com/"),
            r#"{"message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
        (
            "capitalised Message",
            None,
            r#"{"__type":"InvalidToken","Message":"capital"}"#,
            "InvalidToken",
            Some("capital"),
        ),
        (
            "errorMessage",
            None,
            r#"{"__type":"TaskDoesNotExist","errorMessage":"em"}"#,
            "TaskDoesNotExist",
            Some("em"),
        ),
        (
            "header wins over the body",
            Some("TaskTimedOut"),
            r#"{"__type":"InvalidToken","message":"m"}"#,
            "TaskTimedOut",
            Some("m"),
        ),
        (
            "code wins over __type",
            None,
            r#"{"__type":"TaskTimedOut","code":"InvalidToken","message":"m"}"#,
            "InvalidToken",
            Some("m"),
        ),
    ];
    for (what, header, body, code, message) in cases {
        let mut reply = json_error(400, "rid-codes", body);
        if let Some(header) = header {
            reply = reply.header("X-Amzn-ErrorType", header);
        }
        let server = ScriptedServer::start(vec![reply]).await;
        let error = fail_task(&client(&server)).await.unwrap_err();
        assert!(
            !error.is_unknown() && !error.is_request(),
            "{what}: {error:?}"
        );
        assert_eq!(error.code(), Some(code), "{what}: {error:?}");
        assert_eq!(error.message(), message, "{what}: {error:?}");
        assert_eq!(error.request_id(), Some("rid-codes"), "{what}");
        assert_eq!(server.requests().len(), 1, "{what}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Unknown codes

#[tokio::test]
async fn an_unknown_code_keeps_code_message_and_request_id() {
    let server = ScriptedServer::start(vec![json_error(
        400,
        "rid-unknown",
        r#"{"__type":"com.amazonaws.sfn#ExecutionLimitExceeded:http://internal/","message":"too many"}"#,
    )])
    .await;
    let error = fail_task(&client(&server)).await.unwrap_err();
    let SendTaskFailureError::Unknown(unknown) = &error else {
        panic!("expected Unknown, got {error:?}")
    };
    assert_eq!(unknown.code(), "ExecutionLimitExceeded");
    assert_eq!(unknown.message(), Some("too many"));
    assert_eq!(unknown.request_id(), Some("rid-unknown"));
    assert_eq!(error.code(), Some("ExecutionLimitExceeded"));
    assert_eq!(
        error.to_string(),
        "ExecutionLimitExceeded: too many (request id: rid-unknown)"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "a 400 with an unknown code is not retried"
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Timeouts and cancellation

#[tokio::test]
async fn a_stalled_attempt_times_out_with_retries_disabled() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .attempt_timeout(ms(200))
            .build(),
    );
    let started = Instant::now();
    let error = request_error(fail_task(&client).await, RequestErrorKind::Timeout);
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(200) && elapsed < ms(1000), "{elapsed:?}");
    assert_eq!(
        error.to_string(),
        "SendTaskFailure attempt 1 got no complete answer within 200ms"
    );
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.requests().len(), 1);
    // The timed-out attempt's connection is closed, not left open or pooled.
    assert!(
        server
            .wait_for(PATIENCE, |s| s.closed_while_stalled == 1)
            .await
    );
    eprintln!("stalled attempt: timed out after {elapsed:?}");
}

#[tokio::test]
async fn a_timed_out_attempt_is_not_repeated_for_a_non_idempotent_call() {
    let server = ScriptedServer::start(vec![Reply::Stall, ok()]).await;
    let client = Client::new(builder(&server).attempt_timeout(ms(100)).build());
    let started = Instant::now();
    let error = request_error(fail_task(&client).await, RequestErrorKind::Timeout);
    let elapsed = started.elapsed();
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        "SendTaskFailure attempt 1 got no complete answer within 100ms"
    );
    assert!(elapsed >= ms(100) && elapsed < ms(1000), "{elapsed:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_total_timeout_bounds_the_call_across_retries() {
    // Each attempt is refused with a 503 after 200 ms: retried, until the total timeout.
    let slow_503 = || Reply::Delayed(ms(200), Box::new(json(503, "busy")));
    let server = ScriptedServer::start(vec![slow_503(), slow_503(), slow_503()]).await;
    let client = Client::new(builder(&server).total_timeout(ms(500)).build());
    let started = Instant::now();
    let error = request_error(fail_task(&client).await, RequestErrorKind::Timeout);
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(500) && elapsed < ms(1500), "{elapsed:?}");
    // Attempts at 0, ~200 and ~400 ms; the third is cut off by the total timeout.
    assert_eq!(
        attempt_headers(&server.requests()),
        ["attempt=1; max=3", "attempt=2; max=3", "attempt=3; max=3"]
    );
    assert_eq!(
        error.attempts(),
        3,
        "the error counts the attempts made: {error:?}"
    );
    assert_eq!(
        error.to_string(),
        "SendTaskFailure did not complete within the total timeout of 500ms (after 3 attempts)"
    );
}

#[tokio::test]
async fn the_total_timeout_alone_cuts_off_a_stalled_first_attempt() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let client = Client::new(builder(&server).total_timeout(ms(250)).build());
    let started = Instant::now();
    let error = request_error(fail_task(&client).await, RequestErrorKind::Timeout);
    let elapsed = started.elapsed();
    assert!(elapsed >= ms(250) && elapsed < ms(1000), "{elapsed:?}");
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        "SendTaskFailure did not complete within the total timeout of 250ms"
    );
    assert!(
        server
            .wait_for(PATIENCE, |s| s.closed_while_stalled == 1)
            .await
    );
}

#[tokio::test]
async fn dropping_the_call_future_cancels_the_request() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let client = client(&server);
    let mut call = Box::pin(client.send_task_failure().task_token("t").send());
    tokio::select! {
        outcome = &mut call => panic!("a stalled call finished: {outcome:?}"),
        arrived = server.wait_for(PATIENCE, |s| s.requests.len() == 1) => {
            assert!(arrived, "the request reached the server");
        }
    }
    let dropped = Instant::now();
    drop(call);
    assert!(
        server
            .wait_for(PATIENCE, |s| s.closed_while_stalled == 1)
            .await,
        "the server saw the connection close"
    );
    let closed_after = dropped.elapsed();
    assert!(closed_after < ms(1000), "{closed_after:?}");
    assert_eq!(server.requests().len(), 1, "nothing was sent again");
    eprintln!("cancellation: connection closed {closed_after:?} after the drop");
}

#[tokio::test]
async fn a_slow_body_within_the_attempt_timeout_is_read_and_beyond_it_times_out() {
    let server = ScriptedServer::start(vec![Reply::SlowBody {
        status: 200,
        body: br#"{"a": 1}"#.to_vec(),
        every: ms(10),
    }])
    .await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .attempt_timeout(ms(1000))
            .build(),
    );
    fail_task(&client)
        .await
        .expect("a trickled body within the attempt timeout is fine");

    let server = ScriptedServer::start(vec![Reply::SlowBody {
        status: 200,
        body: vec![b' '; 200],
        every: ms(10),
    }])
    .await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .attempt_timeout(ms(150))
            .build(),
    );
    let started = Instant::now();
    let error = request_error(fail_task(&client).await, RequestErrorKind::Timeout);
    assert!(started.elapsed() < ms(1000), "{:?}", started.elapsed());
    assert_eq!(
        error.to_string(),
        "SendTaskFailure attempt 1 got no complete answer within 150ms"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. Hostile responses

#[tokio::test]
async fn an_html_error_page_without_an_error_code_is_reported_with_status_and_snippet() {
    let page = |status: u16| {
        Reply::respond(
            status,
            format!("<html><head><title>{status}</title></head>\n<body>nginx</body></html>"),
        )
        .header("content-type", "text/html")
        .header("x-amzn-requestid", "rid-proxy")
    };
    // A 503 page: the request was refused, so it is retried.
    let server = ScriptedServer::start(vec![page(503), page(503), page(503)]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 3);
    assert_eq!(error.request_id(), Some("rid-proxy"));
    assert_eq!(
        error.to_string(),
        "SendTaskFailure answered HTTP 503 (text/html) without an error code: \
         `<html><head><title>503</title></head>\\n<body>nginx</body></html>` \
         (after 3 attempts) (request id: rid-proxy)"
    );
    assert_eq!(server.requests().len(), 3);

    // A 502 page: a proxy may have passed the request on, so it is reported at once.
    let server = ScriptedServer::start(vec![page(502), ok()]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    assert_eq!(error.status(), Some(502));
    assert_eq!(error.attempts(), 1);
    assert_eq!(
        error.to_string(),
        "SendTaskFailure answered HTTP 502 (text/html) without an error code: \
         `<html><head><title>502</title></head>\\n<body>nginx</body></html>` \
         (request id: rid-proxy)"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_long_error_page_is_cut_to_a_snippet() {
    let page = format!("<html>{}</html>", "x".repeat(5000));
    let server = ScriptedServer::start(vec![Reply::respond(403, &page)]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    let text = error.to_string();
    assert!(text.contains("HTTP 403 (no content type)"), "{text}");
    assert!(text.ends_with("... (5013 bytes in all)`"), "{text}");
    assert!(text.len() < 400, "{} characters", text.len());
    assert_eq!(server.requests().len(), 1, "a 403 is not retried");
}

#[tokio::test]
async fn a_200_with_truncated_json_is_an_invalid_response() {
    let server = ScriptedServer::start(vec![
        json(200, r#"{"a": [1, 2"#).header("x-amzn-requestid", "rid-trunc")
    ])
    .await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    let text = error.to_string();
    assert!(
        text.starts_with(
            "SendTaskFailure answered HTTP 200, but the body is not valid JSON (EOF while parsing"
        ),
        "{text}"
    );
    assert!(text.contains(r#"`{\"a\": [1, 2`"#), "{text}");
    assert_eq!(error.request_id(), Some("rid-trunc"));
    assert_eq!(
        error.status(),
        Some(200),
        "the status of the answer is kept: {error:?}"
    );
    assert_eq!(server.requests().len(), 1, "a bad 200 is not retried");
}

#[tokio::test]
async fn a_200_with_a_json_array_is_an_invalid_response() {
    let server = ScriptedServer::start(vec![json(200, "[1, 2, 3]")]).await;
    let error = request_error(
        fail_task(&client(&server)).await,
        RequestErrorKind::InvalidResponse,
    );
    assert_eq!(
        error.to_string(),
        "SendTaskFailure answered HTTP 200, but the body is not a JSON object (it is a list): `[1, 2, 3]`"
    );
}

#[tokio::test]
async fn a_200_with_unknown_members_or_an_empty_body_succeeds() {
    for body in [
        r#"{"unexpected": 1}"#,
        r#"{"unexpected": {"deeply": [1, {"x": null}]}, "__type": "Whatever"}"#,
        "",
        "  \r\n ",
        "{}",
    ] {
        let server = ScriptedServer::start(vec![json(200, body)]).await;
        fail_task(&client(&server))
            .await
            .unwrap_or_else(|e| panic!("body {body:?}: {e:?}"));
    }
}

#[tokio::test]
async fn an_error_body_that_is_not_json_is_decoded_by_the_header() {
    let server = ScriptedServer::start(vec![Reply::respond(400, "<<not json>>")
        .header("X-Amzn-ErrorType", "TaskDoesNotExist")
        .header("x-amzn-requestid", "rid-hdr")])
    .await;
    let error = fail_task(&client(&server)).await.unwrap_err();
    assert!(error.is_task_does_not_exist(), "{error:?}");
    assert_eq!(error.message(), None);
    assert_eq!(error.request_id(), Some("rid-hdr"));
    assert_eq!(
        error.to_string(),
        "TaskDoesNotExist (no message) (request id: rid-hdr)"
    );
}

#[tokio::test]
async fn wrong_member_types_in_an_error_body_name_the_member() {
    for (body, member, found) in [
        (
            r#"{"__type":"InvalidToken","message":5}"#,
            "message",
            "a number",
        ),
        (
            r#"{"__type":"KmsInvalidStateException","kmsKeyState":["DISABLED"]}"#,
            "kmsKeyState",
            "a list",
        ),
    ] {
        let server = ScriptedServer::start(vec![json_error(400, "rid-types", body)]).await;
        let error = request_error(
            fail_task(&client(&server)).await,
            RequestErrorKind::InvalidResponse,
        );
        let text = error.to_string();
        assert!(
            text.contains(&format!("at `{member}`: expected a string, found {found}")),
            "{text}"
        );
        assert!(text.contains("does not match the model"), "{text}");
        assert_eq!(error.status(), Some(400));
        assert_eq!(error.request_id(), Some("rid-types"));
        assert_eq!(server.requests().len(), 1);
    }
}

#[tokio::test]
async fn a_body_over_max_response_bytes_is_refused_as_too_large() {
    let server = ScriptedServer::start(vec![Reply::Huge(1 << 20)]).await;
    let client = Client::new(builder(&server).max_response_bytes(1024).build());
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert_eq!(
        error.to_string(),
        format!(
            "SendTaskFailure failed: the response from {} is larger than the limit of 1024 bytes \
             (Content-Length: 1048576)",
            server.url()
        )
    );
    assert_eq!(server.requests().len(), 1, "too large is not retried");

    // Without a Content-Length (the body ends when the connection closes), reading stops at
    // the limit.
    let server = ScriptedServer::start(vec![Reply::HugeUndeclared(1 << 20)]).await;
    let client = Client::new(builder(&server).max_response_bytes(1024).build());
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    let text = error.to_string();
    assert!(
        text.contains("is larger than the limit of 1024 bytes (at least"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 1);
}

/// A 100 MB answer against the default limit (10 MiB): refused without buffering it, whether
/// the server declares its length or streams it undeclared.
#[tokio::test]
async fn a_100_mb_body_is_refused_under_the_default_limit() {
    const HUNDRED_MB: u64 = 100 * 1000 * 1000;
    for reply in [Reply::Huge(HUNDRED_MB), Reply::HugeUndeclared(HUNDRED_MB)] {
        let server = ScriptedServer::start(vec![reply]).await;
        let client = Client::new(builder(&server).build());
        let started = std::time::Instant::now();
        let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
        let text = error.to_string();
        assert!(
            text.contains("is larger than the limit of 10485760 bytes"),
            "{text}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "refusing took {:?}",
            started.elapsed()
        );
        assert_eq!(server.requests().len(), 1, "too large is not retried");
    }
}

#[tokio::test]
async fn deeply_nested_json_does_not_overflow_the_stack() {
    let nested = "[".repeat(100_000);
    let nested_object = r#"{"a":"#.repeat(100_000);
    // A 200, an error status with a code in the header, and one without a code.
    let server = ScriptedServer::start(vec![
        json(200, &nested),
        json(200, &nested_object),
        json_error(400, "rid-deep", &nested).header("X-Amzn-ErrorType", "InvalidToken"),
        json(400, &nested),
    ])
    .await;
    let client = client(&server);

    // An array is refused at its first byte, before its depth matters.
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert!(
        error.to_string().contains("the body is not a JSON object"),
        "{error}"
    );
    // `a` is not an output member: it is skipped, and refused past the nesting limit.
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert!(
        error
            .to_string()
            .contains("the body is not valid JSON (nested deeper than 128 levels"),
        "{error}"
    );
    let error = fail_task(&client).await.unwrap_err();
    assert!(error.is_invalid_token(), "{error:?}");
    assert_eq!(error.request_id(), Some("rid-deep"));
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    let text = error.to_string();
    assert!(text.contains("HTTP 400"), "{text}");
    assert!(text.contains("without an error code"), "{text}");
    assert!(text.contains("(100000 bytes in all)"), "{text}");
}

#[tokio::test]
async fn odd_bytes_in_error_response_headers_are_survived() {
    let server = ScriptedServer::start(vec![
        // A request id and an error type that are not UTF-8: ignored, the body's code is used.
        Reply::respond(400, r#"{"__type":"TaskTimedOut","message":"late"}"#)
            .header("x-amzn-requestid", b"rid-\xff\xfe".to_vec())
            .header("X-Amzn-ErrorType", b"Inv\xe9lid".to_vec())
            .header("x-odd", b"\x80\x81 \xc3\x28".to_vec()),
        // A content type that is not UTF-8 on a page without an error code.
        Reply::respond(400, "nope").header("content-type", b"text/\xffhtml".to_vec()),
    ])
    .await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let error = fail_task(&client).await.unwrap_err();
    assert!(error.is_task_timed_out(), "{error:?}");
    assert_eq!(error.message(), Some("late"));
    assert_eq!(
        error.request_id(),
        None,
        "a non-UTF-8 request id is dropped"
    );

    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert_eq!(
        error.to_string(),
        "SendTaskFailure answered HTTP 400 (no content type) without an error code: `nope`"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_an_invalid_response() {
    let server =
        ScriptedServer::start(vec![Reply::Raw(b"SSH-2.0-OpenSSH_9.6\r\n\r\n".to_vec())]).await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    let text = error.to_string();
    assert!(
        text.starts_with(&format!(
            "SendTaskFailure failed: the response from {} is not valid HTTP",
            server.url()
        )),
        "{text}"
    );
}

#[tokio::test]
async fn an_invalid_content_length_is_an_invalid_response() {
    let server = ScriptedServer::start(vec![Reply::Raw(
        b"HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n{}".to_vec(),
    )])
    .await;
    let client = Client::new(
        builder(&server)
            .retry_config(RetryConfig::disabled())
            .build(),
    );
    let error = request_error(fail_task(&client).await, RequestErrorKind::InvalidResponse);
    assert!(error.to_string().contains("not valid HTTP"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// 6. Request shape

#[tokio::test]
async fn the_request_is_a_signed_aws_json_post() {
    let server = ScriptedServer::start(vec![ok(), ok()]).await;
    let client = client(&server);
    fail_task(&client).await.unwrap();
    tokio::time::timeout(
        PATIENCE,
        client
            .send_task_failure()
            .task_token("t2")
            .error("E")
            .cause("C \"quoted\" ü")
            .send(),
    )
    .await
    .unwrap()
    .unwrap();

    let requests = server.requests();
    let first = &requests[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.path, "/");
    assert_eq!(first.header("content-type"), Some(JSON));
    assert_eq!(
        first.header("x-amz-target"),
        Some("AWSStepFunctions.SendTaskFailure")
    );
    assert_eq!(first.header("host"), Some(server.authority().as_str()));
    let authorization = first.header("authorization").expect("a signature");
    assert!(
        authorization.starts_with("AWS4-HMAC-SHA256 Credential=AKID/"),
        "{authorization}"
    );
    assert!(
        authorization.contains("/us-east-1/states/aws4_request"),
        "{authorization}"
    );
    assert!(authorization.contains("SignedHeaders="), "{authorization}");
    assert!(authorization.contains("Signature="), "{authorization}");
    let date = first.header("x-amz-date").expect("a signing date");
    assert_eq!(date.len(), 16, "{date}");
    assert!(date.ends_with('Z') && date.as_bytes()[8] == b'T', "{date}");
    assert_eq!(first.header("x-amz-security-token"), None);
    assert!(first
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("sfn/")));
    assert_eq!(first.header("content-length"), Some("17"));
    assert_eq!(
        first.body_text(),
        r#"{"taskToken":"t"}"#,
        "unset members are absent, not null"
    );

    let second = &requests[1];
    assert_eq!(
        second.body_text(),
        r#"{"taskToken":"t2","error":"E","cause":"C \"quoted\" ü"}"#
    );
    assert_eq!(
        second.connection, first.connection,
        "the connection is reused"
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn clients_made_from_one_config_share_its_connections() {
    let server = ScriptedServer::start(vec![ok(), ok(), ok(), ok()]).await;
    let shared = builder(&server).build();
    // By reference (as several services' clients take one configuration), and by value.
    let clients = [
        Client::new(&shared),
        Client::new(&shared),
        Client::new(shared.clone()),
    ];
    for client in &clients {
        fail_task(client).await.unwrap();
    }
    assert_eq!(
        server.connections(),
        1,
        "one connection pool for every client of the configuration"
    );
    // A configuration derived with another connect timeout has a built-in client of its own.
    let own = Client::new(
        shared
            .to_builder()
            .connect_timeout(Duration::from_secs(2))
            .build(),
    );
    fail_task(&own).await.unwrap();
    assert_eq!(server.connections(), 2);
}

// ---------------------------------------------------------------------------------------------
// 7. Secrets never show

const CANARIES: [&str; 4] = [
    "CANARY-SECRET-123",
    "CANARY-TOKEN-456",
    "CANARY-ERR-789",
    "CANARY-CAUSE-000",
];

fn assert_no_canary(what: &str, shown: &str) {
    for canary in CANARIES {
        assert!(!shown.contains(canary), "{what} shows {canary}: {shown}");
    }
}

/// `{}`, `{:?}` and `{:#?}` of `error` and of every error in its `source()` chain.
fn every_rendering(error: &(dyn StdError + 'static)) -> Vec<String> {
    let mut shown = Vec::new();
    let mut next = Some(error);
    let mut depth = 0;
    while let Some(e) = next {
        shown.push(format!("{e}"));
        shown.push(format!("{e:?}"));
        shown.push(format!("{e:#?}"));
        next = e.source();
        depth += 1;
        assert!(depth < 32, "a source chain this long is a cycle");
    }
    shown
}

#[tokio::test]
async fn no_secret_shows_in_any_rendering_of_client_config_or_errors() {
    let server = ScriptedServer::start(vec![
        ok(),
        json_error(
            400,
            "rid-canary",
            r#"{"__type":"TaskTimedOut","message":"Task Timed Out"}"#,
        ),
        Reply::CloseMidBody,
    ])
    .await;
    let canary_config = || {
        builder(&server)
            .credentials(Credentials::new(
                "AKID",
                "CANARY-SECRET-123",
                Some("CANARY-TOKEN-456".to_owned()),
                None,
                "test",
            ))
            .retry_config(RetryConfig::disabled())
    };
    let config = canary_config().build();
    let client = Client::new(config.clone());
    let call = || {
        client
            .send_task_failure()
            .task_token("t")
            .error("CANARY-ERR-789")
            .cause("CANARY-CAUSE-000")
    };
    let fluent = call();
    let mut shown = vec![
        ("config", format!("{config:?}")),
        ("config", format!("{config:#?}")),
        ("client", format!("{client:?}")),
        ("client", format!("{client:#?}")),
        ("client.config()", format!("{:?}", client.config())),
        ("fluent builder", format!("{fluent:?}")),
        ("fluent builder", format!("{fluent:#?}")),
        ("input builder", format!("{:?}", fluent.as_input())),
        (
            "input",
            format!("{:?}", fluent.as_input().clone().build().unwrap()),
        ),
    ];

    let output = tokio::time::timeout(PATIENCE, call().send())
        .await
        .unwrap()
        .expect("the first call succeeds");
    shown.push(("output", format!("{output:?}")));

    let modeled = tokio::time::timeout(PATIENCE, call().send())
        .await
        .unwrap()
        .unwrap_err();
    assert!(modeled.is_task_timed_out(), "{modeled:?}");
    let transport = tokio::time::timeout(PATIENCE, call().send())
        .await
        .unwrap()
        .unwrap_err();
    assert!(
        matches!(&transport, SendTaskFailureError::Request(e) if e.kind() == RequestErrorKind::Transport),
        "{transport:?}"
    );
    for error in [&modeled, &transport] {
        for text in every_rendering(error) {
            shown.push(("error", text));
        }
    }
    assert!(
        every_rendering(&transport).len() > 3,
        "the transport error has a source chain to walk"
    );

    // A failure before sending: the credentials' secrets must not show either.
    let unreachable = Client::new(canary_config().endpoint_url("not a url").build());
    let endpoint_error = tokio::time::timeout(
        PATIENCE,
        unreachable
            .send_task_failure()
            .task_token("t")
            .error("CANARY-ERR-789")
            .send(),
    )
    .await
    .unwrap()
    .unwrap_err();
    for text in every_rendering(&endpoint_error) {
        shown.push(("endpoint error", text));
    }

    for (what, text) in &shown {
        assert_no_canary(what, text);
    }

    // The server did receive them, which is the point of the call (and of signing).
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for request in &requests {
        assert!(request.body_text().contains("CANARY-ERR-789"));
        assert!(request.body_text().contains("CANARY-CAUSE-000"));
        assert_eq!(
            request.header("x-amz-security-token"),
            Some("CANARY-TOKEN-456")
        );
        assert_no_canary(
            "authorization",
            &request
                .header("authorization")
                .unwrap()
                .replace("CANARY-TOKEN-456", ""),
        );
    }
}

#[path = "../../codegen/runtime/tests/support/scripted_server.rs"]
mod scripted_server;
