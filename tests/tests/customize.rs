//! `.customize(CallOverrides)` on the generated fluent builders: one call's attempts, timeouts and
//! retrying of a non-idempotent operation differ from the client's configuration, and the next
//! call from the same client is back to the configuration. Attempts are counted by the scripted
//! server.

#[path = "../../codegen/runtime/tests/support/scripted_server.rs"]
mod scripted_server;

use std::time::Duration;

use scripted_server::{Reply, ScriptedServer};
use sfn::config::CallOverrides;
use sfn::credentials::Credentials;
use sfn::retry::RetryConfig;
use sfn::{Client, Config};

const JSON: &str = "application/x-amz-json-1.0";

fn ok() -> Reply {
    Reply::respond(200, "{}").header("Content-Type", JSON)
}

fn throttled() -> Reply {
    Reply::respond(400, r#"{"message":"Rate exceeded"}"#)
        .header("Content-Type", JSON)
        .header("X-Amzn-ErrorType", "ThrottlingException")
}

fn internal_error() -> Reply {
    Reply::respond(500, r#"{"message":"oops"}"#)
        .header("Content-Type", JSON)
        .header("X-Amzn-ErrorType", "InternalServerError")
}

fn client(server: &ScriptedServer) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(server.url())
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(2)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build(),
    )
}

#[tokio::test]
async fn more_attempts_for_one_call_only() {
    let server = ScriptedServer::start(vec![
        throttled(),
        throttled(),
        ok(),
        throttled(),
        throttled(),
    ])
    .await;
    let client = client(&server);
    client
        .send_task_failure()
        .task_token("t")
        .customize(CallOverrides::new().max_attempts(3))
        .send()
        .await
        .expect("the third attempt succeeds");
    assert_eq!(server.requests().len(), 3);

    // The client's own setting (2 attempts) is back for the next call.
    let error = client
        .send_task_failure()
        .task_token("t")
        .send()
        .await
        .expect_err("two throttles and no more attempts");
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert_eq!(server.requests().len(), 5);
    server.stop().await;
}

#[tokio::test]
async fn one_attempt_for_one_call() {
    let server = ScriptedServer::start(vec![throttled(), ok()]).await;
    let client = client(&server);
    let error = client
        .send_task_failure()
        .task_token("t")
        .customize(CallOverrides::new().max_attempts(1))
        .send()
        .await
        .expect_err("no retry");
    assert_eq!(error.code(), Some("ThrottlingException"));
    assert_eq!(server.requests().len(), 1);
    server.stop().await;
}

/// `SendTaskFailure` is not idempotent: a 500 leaves it unknown whether the task was failed, so
/// it is not retried, unless the call says repeating it is harmless.
#[tokio::test]
async fn a_non_idempotent_call_retried_when_the_caller_says_it_is_safe() {
    let server = ScriptedServer::start(vec![internal_error(), internal_error(), ok()]).await;
    let client = client(&server);
    let error = client
        .send_task_failure()
        .task_token("t")
        .send()
        .await
        .expect_err("a 500 is not retried by default");
    assert_eq!(error.code(), Some("InternalServerError"));
    assert_eq!(server.requests().len(), 1);

    client
        .send_task_failure()
        .task_token("t")
        .customize(CallOverrides::new().retry_as_idempotent(true))
        .send()
        .await
        .expect("retried after the 500");
    assert_eq!(server.requests().len(), 3);
    server.stop().await;
}

#[tokio::test]
async fn a_per_call_attempt_timeout_cuts_off_a_stalled_answer() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let client = client(&server);
    let error = client
        .send_task_failure()
        .task_token("t")
        .customize(
            CallOverrides::new()
                .max_attempts(1)
                .attempt_timeout(Duration::from_millis(200)),
        )
        .send()
        .await
        .expect_err("the attempt times out");
    let text = error.to_string();
    assert!(text.contains("no complete answer within 200ms"), "{text}");
    server.stop().await;
}

/// A customized call's future still borrows nothing and can be spawned.
#[test]
fn a_customized_call_can_be_spawned() {
    fn assert_send<T: Send>(_: &T) {}
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let client = Client::new(
            Config::builder()
                .region("us-east-1")
                .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
                .build(),
        );
        let future = client
            .send_task_failure()
            .task_token("t")
            .customize(CallOverrides::new().max_attempts(4))
            .send();
        assert_send(&future);
        let handle = tokio::spawn(future);
        handle.abort();
    });
}
