//! End to end: the generated `sfn` client against the moto emulator, over real HTTP with SigV4.

use sfn::credentials::Credentials;
use sfn::{Client, Config};
use tests::moto::{self, Moto};

fn client_for(moto: &Moto) -> Client {
    Client::new(
        Config::builder()
            .region(moto::REGION)
            .endpoint_url(moto.endpoint())
            .credentials(Credentials::new(
                moto::ACCESS_KEY_ID,
                moto::SECRET_ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .build(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_token_gives_invalid_token_with_message_and_request_id() {
    let Some(moto) = Moto::start() else { return };
    let client = client_for(&moto);
    let error = client
        .send_task_failure()
        .task_token("not-a-real-token")
        .error("E")
        .cause("C")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_invalid_token(), "{error:?}");
    assert_eq!(error.code(), Some("InvalidToken"));
    assert!(
        error.message().is_some_and(|m| m.contains("Invalid Token")),
        "{error:?}"
    );
    assert!(
        error.request_id().is_some_and(|id| !id.is_empty()),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("InvalidToken: Invalid Token"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_a_real_task_leaves_the_execution_failed_with_our_error() {
    let Some(moto) = Moto::start() else { return };
    let started = moto.run_python("workflow.py", &["start-task"]);
    let token = started["taskToken"].as_str().expect("a task token");
    let execution = started["executionArn"].as_str().expect("an execution arn");

    let client = client_for(&moto);
    client
        .send_task_failure()
        .task_token(token)
        .error("Rust.ClientError")
        .cause("failed by the generated Rust client")
        .send()
        .await
        .unwrap_or_else(|e| panic!("SendTaskFailure failed: {e}"));

    let described = moto.run_python("workflow.py", &["describe", execution]);
    assert_eq!(described["status"], "FAILED", "{described}");
    assert_eq!(described["error"], "Rust.ClientError", "{described}");
}
