//! The client's tracing output at the most verbose level: one span per call with operation,
//! attempts, status and request id, and never a secret.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use sfn::credentials::Credentials;
use sfn::{Client, Config};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const SECRET_KEY: &str = "CANARY-SECRET-KEY-3f9a";
const SESSION_TOKEN: &str = "CANARY-SESSION-TOKEN-77c1";
const TASK_ERROR: &str = "CANARY-TASK-ERROR-0b2e";
const TASK_CAUSE: &str = "CANARY-TASK-CAUSE-c4d8";

/// Records every span name, field and event message as text.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut line = format!("span {}", span.metadata().name());
        span.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, values: &Record<'_>) {
        let mut line = "record".to_owned();
        values.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = format!("event {}", event.metadata().level());
        event.record(&mut Fields(&mut line));
        self.0.lock().unwrap().push(line);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

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
        lines.contains("span call service=\"AWSStepFunctions\" operation=\"SendTaskFailure\""),
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
