//! The whole Step Functions task-token workflow against moto, with clients generated from the
//! official SFN and SQS models and nothing else: create a queue, create a state machine whose one
//! Task state sends its task token to that queue (`sqs:sendMessage.waitForTaskToken`), start an
//! execution, receive the token from the queue, fail the task with `SendTaskFailure`, and describe
//! the execution until it stops running.
//!
//! Built and run by `tests/tests/e2e_rust_only.rs`: `PROGRAM ENDPOINT REGION KEY SECRET`. Prints
//! one JSON line on stdout: `{"executionArn", "status", "error", "cause"}`; exits non-zero with a
//! message on stderr when a step fails.

use std::time::{Duration, Instant};

use sfn_official::prelude::{Client as SfnClient, Config as SfnConfig};
use sqs_official::prelude::{Client as SqsClient, Config as SqsConfig};

/// How long to wait for the token to arrive, and for the execution to stop running.
const POLL: Duration = Duration::from_secs(10);
/// moto checks no roles.
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/test";
/// The error the task fails with; the test looks for it in `DescribeExecution`.
const ERROR: &str = "Rust.OnlyError";
/// The cause the task fails with.
const CAUSE: &str = "failed by the generated Rust clients, no python involved";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, region, key, secret] = args.as_slice() else {
        fail(format!(
            "usage: e2e-rust ENDPOINT REGION KEY SECRET (got {args:?})"
        ));
    };
    let sqs = SqsClient::new(
        SqsConfig::builder()
            .region(region.as_str())
            .endpoint_url(endpoint.as_str())
            .credentials(sqs_official::credentials::Credentials::new(
                key.as_str(),
                secret.as_str(),
                None,
            ))
            .build(),
    );
    let sfn = SfnClient::new(
        SfnConfig::builder()
            .region(region.as_str())
            .endpoint_url(endpoint.as_str())
            .credentials(sfn_official::credentials::Credentials::new(
                key.as_str(),
                secret.as_str(),
                None,
            ))
            .build(),
    );
    let name = format!("rust-only-{}", std::process::id());

    // 1. The queue the task token goes to.
    let queue = sqs
        .create_queue()
        .queue_name(&name)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("CreateQueue: {e}")));
    let queue_url = queue
        .queue_url
        .unwrap_or_else(|| fail("CreateQueue returned no QueueUrl".to_owned()));
    eprintln!("queue: {queue_url}");

    // 2. A state machine with one Task state that waits for its token.
    let definition = serde_json::json!({
        "StartAt": "WaitForToken",
        "States": {
            "WaitForToken": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {"QueueUrl": queue_url, "MessageBody": {"token.$": "$$.Task.Token"}},
                "End": true
            }
        }
    });
    let machine = sfn
        .create_state_machine()
        .name(&name)
        .definition(definition.to_string())
        .role_arn(ROLE_ARN)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("CreateStateMachine: {e}")));
    eprintln!("state machine: {}", machine.state_machine_arn);

    // 3. An execution, which sends its token to the queue and waits.
    let execution = sfn
        .start_execution()
        .state_machine_arn(&machine.state_machine_arn)
        .name(&name)
        .input_value("{}")
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("StartExecution: {e}")));
    let execution_arn = execution.execution_arn;
    eprintln!("execution: {execution_arn}");

    // 4. The token, from the queue.
    let deadline = Instant::now() + POLL;
    let token = loop {
        let received = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(1)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap_or_else(|e| fail(format!("ReceiveMessage: {e}")));
        if let Some(body) = received
            .messages
            .unwrap_or_default()
            .into_iter()
            .find_map(|message| message.body)
        {
            let body: serde_json::Value = serde_json::from_str(&body)
                .unwrap_or_else(|e| fail(format!("the message body is not JSON ({e}): {body}")));
            match body["token"].as_str() {
                Some(token) => break token.to_owned(),
                None => fail(format!("the message body holds no token: {body}")),
            }
        }
        if Instant::now() >= deadline {
            fail(format!(
                "no task token arrived on {queue_url} within {POLL:?}"
            ));
        }
    };
    eprintln!("token: {} characters", token.len());

    // 5. Fail the task.
    sfn.send_task_failure()
        .task_token(&token)
        .error(ERROR)
        .cause(CAUSE)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("SendTaskFailure: {e}")));

    // 6. The execution's final state.
    let deadline = Instant::now() + POLL;
    let described = loop {
        let described = sfn
            .describe_execution()
            .execution_arn(&execution_arn)
            .send()
            .await
            .unwrap_or_else(|e| fail(format!("DescribeExecution: {e}")));
        if described.status.as_str() != "RUNNING" || Instant::now() >= deadline {
            break described;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    println!(
        "{}",
        serde_json::json!({
            "executionArn": execution_arn,
            "status": described.status.as_str(),
            "error": described.error,
            "cause": described.cause,
        })
    );
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
