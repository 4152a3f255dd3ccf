//! Calls spawned onto the tokio runtime, as a worker makes them: the fluent builder of a
//! `Client` owns a clone of the client (as the AWS SDK's owns its handle), so the future of
//! `send()` borrows nothing and `tokio::spawn(client.send_task_failure()...send())` compiles.
//!
//! Against the runtime's scripted HTTP/1.1 server on 127.0.0.1 (see [`scripted_server`]).

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use sfn::credentials::Credentials;
use sfn::operation::send_task_failure::SendTaskFailureError;
use sfn::prelude::*;
use sfn::{Client, Config};

use scripted_server::{Reply, ScriptedServer};

/// How many calls the tests spawn.
const CALLS: usize = 50;
/// How long all of them may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

fn client(server: &ScriptedServer) -> Client {
    Client::new(
        Config::builder()
            .region("us-east-1")
            .endpoint_url(server.url())
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .build(),
    )
}

fn ok() -> Reply {
    Reply::respond(200, "{}").header("content-type", "application/x-amz-json-1.0")
}

/// The task tokens of the requests the server received, each once.
fn tokens(server: &ScriptedServer) -> BTreeSet<String> {
    let requests = server.requests();
    let tokens: BTreeSet<String> = requests
        .iter()
        .map(|request| {
            let body: serde_json::Value =
                serde_json::from_str(&request.body_text()).expect("a JSON body");
            body["taskToken"].as_str().expect("a task token").to_owned()
        })
        .collect();
    assert_eq!(tokens.len(), requests.len(), "one request per call");
    tokens
}

/// What `tokio::spawn` asks of a future.
fn spawnable<F: Future + Send + 'static>(future: F) -> F {
    future
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_calls_spawned_from_one_client_all_succeed() {
    let server = ScriptedServer::start((0..CALLS).map(|_| ok()).collect()).await;
    let client = client(&server);

    // The builder is made from `&client` and the client is not moved: each builder holds its own
    // clone of it.
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            tokio::spawn(
                client
                    .send_task_failure()
                    .task_token(format!("token-{i}"))
                    .error("Worker.Failed")
                    .send(),
            )
        })
        .collect();
    drop(client);
    for call in calls {
        tokio::time::timeout(PATIENCE, call)
            .await
            .expect("the call finished in time")
            .expect("the task did not panic")
            .expect("the call succeeded");
    }
    let expected: BTreeSet<String> = (0..CALLS).map(|i| format!("token-{i}")).collect();
    assert_eq!(tokens(&server), expected);
    // The clones share one connection pool: far fewer connections than calls are allowed, and
    // never more connections than calls.
    assert!(server.connections() <= CALLS, "{}", server.connections());
}

/// The same through the trait: application code that holds an `Arc<dyn SfnApi>` (a mock in
/// tests) spawns calls that move a clone of the `Arc` in; the builder from `SfnApiExt` borrows it
/// inside the task.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_spawned_through_the_trait_succeed() {
    let server = ScriptedServer::start((0..CALLS).map(|_| ok()).collect()).await;
    let api: Arc<dyn SfnApi> = Arc::new(client(&server));
    let calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let api = Arc::clone(&api);
            tokio::spawn(spawnable(async move {
                api.send_task_failure()
                    .task_token(format!("token-{i}"))
                    .send()
                    .await
            }))
        })
        .collect();
    for call in calls {
        tokio::time::timeout(PATIENCE, call)
            .await
            .expect("the call finished in time")
            .expect("the task did not panic")
            .expect("the call succeeded");
    }
    assert_eq!(tokens(&server).len(), CALLS);
}

/// A spawned call's failure comes back through its `JoinHandle` as the operation's error.
#[tokio::test]
async fn a_spawned_call_returns_its_error() {
    let server = ScriptedServer::start(vec![Reply::respond(
        400,
        r#"{"__type":"TaskTimedOut","message":"closed"}"#,
    )
    .header("content-type", "application/x-amz-json-1.0")])
    .await;
    let call = spawnable(client(&server).send_task_failure().task_token("t").send());
    let error: SendTaskFailureError = tokio::spawn(call)
        .await
        .expect("the task did not panic")
        .unwrap_err();
    assert!(error.is_task_timed_out(), "{error:?}");
}

#[path = "../../codegen/runtime/tests/support/scripted_server.rs"]
mod scripted_server;
