//! The generated `sfn` crate's whole response path never panics: whatever status, headers and
//! body a service (or anything between) answers with, `SendTaskFailure` gives an output or a
//! typed error, and the error's `Display`, `Debug`, metadata and sources can be shown.
//!
//! One client (made once) calls through a stub transport that answers with what the fuzz input
//! says:
//! - byte 0: the status, `STATUSES[b % 16]`; from 0xF0 on, no answer but a transport error of
//!   kind `b % 8` (connect, timeout, I/O, too large, invalid response, other);
//! - byte 1: the headers: bits 0-1 the content type (`CONTENT_TYPES`), bits 2-4 the
//!   `x-amzn-errortype` (`ERROR_TYPES`; the last one takes its value from the input), bits 5-6
//!   the `x-amzn-requestid` (none, fixed, from the input, twice), bit 7 an
//!   `x-amzn-query-error` header;
//! - then, for each header value taken from the input, the bytes up to the next `\n` (a value
//!   that is no valid header value leaves the header out: no transport could deliver it);
//! - the rest: the body.
//!
//! Retries are disabled (one attempt, one answer per call); the credentials, region and
//! endpoint are static, so nothing but the answer varies. A missing input is a call answered
//! with `200` and an empty body.
#![no_main]

use std::sync::{Mutex, OnceLock, PoisonError};

use libfuzzer_sys::fuzz_target;
use sfn::credentials::Credentials;
use sfn::retry::RetryConfig;
use sfn::transport::http::{self, HeaderValue};
use sfn::transport::{BoxFuture, HttpClient, Limits, TransportError, TransportErrorKind};
use sfn::{Client, Config};

const STATUSES: [u16; 16] = [
    200, 200, 200, 400, 400, 400, 500, 503, 403, 404, 429, 301, 204, 101, 599, 999,
];
const TRANSPORT_ERRORS: [TransportErrorKind; 8] = [
    TransportErrorKind::Connect,
    TransportErrorKind::Timeout,
    TransportErrorKind::Io,
    TransportErrorKind::ResponseTooLarge,
    TransportErrorKind::InvalidResponse,
    TransportErrorKind::Other,
    TransportErrorKind::Io,
    TransportErrorKind::Connect,
];
const CONTENT_TYPES: [Option<&str>; 4] = [
    None,
    Some("application/x-amz-json-1.0"),
    Some("application/json"),
    Some("text/html; charset=utf-8"),
];
/// `None`: no header; the last entry: the value comes from the input.
const ERROR_TYPES: [Option<&str>; 8] = [
    None,
    Some("InvalidToken"),
    Some("TaskTimedOut"),
    Some("KmsInvalidStateException"),
    Some("com.amazonaws.sfn#TaskDoesNotExist"),
    Some("KmsThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
    Some("SomethingNew"),
    Some(FROM_INPUT),
];
const FROM_INPUT: &str = "<from input>";
const REQUEST_ID: &str = "c3a1f7e2-0d4b-4c6a-9f1e-2b7d8e9a0c11";

type Answer = Result<http::Response<Vec<u8>>, TransportError>;

/// The answer to the next request.
static ANSWER: Mutex<Option<Answer>> = Mutex::new(None);

/// Answers each request with the answer in [`ANSWER`] (taken: one answer per input).
#[derive(Debug)]
struct Stub;

impl HttpClient for Stub {
    fn send(&self, _request: http::Request<Vec<u8>>, _limits: Limits) -> BoxFuture<'_, Answer> {
        let answer = ANSWER
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
            .unwrap_or_else(|| {
                Err(TransportError::new(
                    TransportErrorKind::Other,
                    "a second request for one input",
                ))
            });
        Box::pin(async move { answer })
    }
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a tokio runtime");
        let config = Config::builder()
            .region("us-east-1")
            .endpoint_url("https://states.us-east-1.amazonaws.com")
            .credentials(Credentials::new("AKIDFUZZ", "SECRET", None, None, "fuzz"))
            .retry_config(RetryConfig::disabled())
            .http_client(Stub)
            .build();
        let client = {
            let _inside = runtime.enter();
            Client::new(config)
        };
        Harness { runtime, client }
    })
}

/// The bytes up to the next `\n` (or all of them), moving past it.
fn line<'a>(rest: &mut &'a [u8]) -> &'a [u8] {
    let end = rest.iter().position(|&b| b == b'\n');
    let (value, tail) = match end {
        Some(end) => (&rest[..end], &rest[end + 1..]),
        None => (*rest, &[][..]),
    };
    *rest = tail;
    value
}

fn answer(data: &[u8]) -> Answer {
    let (&status, data) = data.split_first().unwrap_or((&0, &[]));
    let (&flags, mut rest) = data.split_first().unwrap_or((&0, &[]));
    if status >= 0xF0 {
        let kind = TRANSPORT_ERRORS[usize::from(status % 8)];
        let message = String::from_utf8_lossy(rest).into_owned();
        let error = TransportError::new(kind, message);
        return Err(if flags & 1 == 1 {
            error.with_request_not_sent()
        } else {
            error
        });
    }
    let mut response = http::Response::builder().status(STATUSES[usize::from(status % 16)]);
    if let Some(content_type) = CONTENT_TYPES[usize::from(flags & 3)] {
        response = response.header("content-type", content_type);
    }
    match ERROR_TYPES[usize::from((flags >> 2) & 7)] {
        None => {}
        Some(FROM_INPUT) => {
            if let Ok(value) = HeaderValue::from_bytes(line(&mut rest)) {
                response = response.header("x-amzn-errortype", value);
            }
        }
        Some(code) => response = response.header("x-amzn-errortype", code),
    }
    match (flags >> 5) & 3 {
        0 => {}
        1 => response = response.header("x-amzn-requestid", REQUEST_ID),
        2 => {
            if let Ok(value) = HeaderValue::from_bytes(line(&mut rest)) {
                response = response.header("x-amzn-requestid", value);
            }
        }
        _ => {
            response = response
                .header("x-amzn-requestid", REQUEST_ID)
                .header("x-amzn-requestid", "second");
        }
    }
    if flags & 0x80 != 0 {
        response = response.header(
            "x-amzn-query-error",
            "AWS.SimpleQueueService.NonExistentQueue;Sender",
        );
    }
    Ok(response.body(rest.to_vec()).expect("a valid response"))
}

fuzz_target!(|data: &[u8]| {
    let harness = harness();
    *ANSWER.lock().unwrap_or_else(PoisonError::into_inner) = Some(answer(data));
    let result = harness
        .runtime
        .block_on(harness.client.send_task_failure().task_token("t").send());
    match result {
        Ok(output) => drop(format!("{output:?}")),
        Err(error) => {
            let _ = format!("{error} {error:?}");
            let _ = (
                error.code(),
                error.message(),
                error.request_id(),
                error.status(),
                error.attempts(),
            );
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                let _ = format!("{cause} {cause:?}");
                source = cause.source();
            }
        }
    }
});
