//! A Step Functions worker written against the API of the official AWS SDK for Rust
//! (`aws-sdk-sfn` and `aws-sdk-sqs`), compiled unchanged against crates generated here from the
//! official SFN model (all of its operations) and SQS model, by `tests/tests/sdk_compat.rs`.
//!
//! The flow: create a queue and a state machine whose Task state sends its task token to the
//! queue (`sqs:sendMessage.waitForTaskToken`), start an execution, receive the token, delete
//! the message, fail the task from a spawned call, and describe the execution until it stops.
//!
//! # The lines that differ from the same program on the official SDK
//!
//! Only the crate paths and the making of the configuration; each such line is marked `// SDK:`
//! with what the official SDK's program has there:
//!
//! 1. The two `use ... as sfn;` / `use ... as sqs;` lines name the generated crates
//!    (`sfn_official`, `sqs_official`) where the SDK's program names `aws_sdk_sfn` and
//!    `aws_sdk_sqs`. Every other path (`sfn::operation::describe_execution::DescribeExecutionOutput`,
//!    `sqs::types::Message`, ...) is then the same.
//! 2. `sfn::Config::from_env()` where the SDK has `aws_config::load_from_env().await`: the SDK
//!    loads its `SdkConfig` with the separate `aws-config` crate, asynchronously; here the
//!    configuration is the shared runtime's `Config`, which every generated crate re-exports and
//!    which reads the same settings (`AWS_REGION`, `AWS_ENDPOINT_URL`, the credentials chain).
//!    The clients are then made alike: `sfn::Client::new(&config)`.
//!
//! Everything else is the SDK's API as is: the fluent builders and their setter names (including
//! StartExecution's `.input(..)`), `<Operation>Input` / `<Operation>Output` paths (SQS's model
//! calls them `ReceiveMessageRequest` / `ReceiveMessageResult`), an input built with its own
//! builder (`build()` gives a `Result`), accessors (`messages()` a slice, `body()` an
//! `Option<&str>`, `execution_arn()` a `&str`, `status()` a `&ExecutionStatus`), enum variants,
//! `tokio::spawn` of a call (the fluent builder owns its client handle), `?` on every error into
//! a boxed error, and `ProvideErrorMetadata::code`.
//!
//! Differences this program does not meet (code that uses them needs a change): `send()` gives
//! the operation's error itself, where the SDK wraps it in `SdkError<E>` (so no
//! `into_service_error()`, and `is_task_timed_out()` is called on the error directly); a
//! `@required` member of an operation input is a plain value here (`task_token: String`,
//! `task_token()` giving `&str`), where every input member is an `Option` in the SDK.
//!
//! Run: `worker` with `AWS_ENDPOINT_URL`, `AWS_REGION` and credentials in the environment.
//! Prints one line: `STATUS ERROR CAUSE` of the execution.

use std::error::Error;
use std::time::{Duration, Instant};

use sfn_official as sfn; // SDK: use aws_sdk_sfn as sfn;
use sqs_official as sqs; // SDK: use aws_sdk_sqs as sqs;

use sfn::error::ProvideErrorMetadata;
use sfn::operation::describe_execution::DescribeExecutionOutput;
use sfn::operation::send_task_failure::SendTaskFailureInput;
use sfn::types::ExecutionStatus;
use sqs::operation::receive_message::ReceiveMessageOutput;
use sqs::types::Message;

type BoxError = Box<dyn Error + Send + Sync>;

/// How long to wait for the token, and for the execution to stop.
const PATIENCE: Duration = Duration::from_secs(10);
/// The execution role (emulators check none).
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/worker";
/// The error and cause the task fails with.
const ERROR: &str = "Worker.Failed";
const CAUSE: &str = "the order cannot be shipped";

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), BoxError> {
    let config = sfn::Config::from_env(); // SDK: let config = aws_config::load_from_env().await;
    let sfn = sfn::Client::new(&config);
    let sqs = sqs::Client::new(&config);
    let name = format!("sdk-compat-{}", std::process::id());

    let queue = sqs.create_queue().queue_name(&name).send().await?;
    let queue_url = queue
        .queue_url()
        .ok_or("CreateQueue gave no queue URL")?
        .to_owned();

    let definition = serde_json::json!({
        "StartAt": "Ship",
        "States": {
            "Ship": {
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
        .await?;
    let execution = sfn
        .start_execution()
        .state_machine_arn(machine.state_machine_arn())
        .name(&name)
        .input(r#"{"order": 42}"#)
        .send()
        .await?;
    let execution_arn = execution.execution_arn().to_owned();

    let deadline = Instant::now() + PATIENCE;
    let (token, receipt_handle) = loop {
        let received: ReceiveMessageOutput = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(1)
            .wait_time_seconds(1)
            .send()
            .await?;
        if let Some(found) = task_token(received.messages()) {
            break found;
        }
        if Instant::now() >= deadline {
            return Err(format!("no task token on {queue_url} within {PATIENCE:?}").into());
        }
    };
    sqs.delete_message()
        .queue_url(&queue_url)
        .receipt_handle(receipt_handle)
        .send()
        .await?;

    // The report, checked with the input's own builder first, then sent from a spawned task.
    let report = SendTaskFailureInput::builder()
        .task_token(&token)
        .error(ERROR)
        .cause(CAUSE)
        .build()?;
    let failure = tokio::spawn(
        sfn.send_task_failure()
            .task_token(&token)
            .error(report.error().unwrap_or(ERROR))
            .cause(report.cause().unwrap_or(CAUSE))
            .send(),
    );
    failure.await??;

    let deadline = Instant::now() + PATIENCE;
    let described = loop {
        let described = sfn
            .describe_execution()
            .execution_arn(&execution_arn)
            .send()
            .await?;
        if *described.status() != ExecutionStatus::Running || Instant::now() >= deadline {
            break described;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };

    // An error's code, through the trait both the SDK's errors and these implement.
    match sfn
        .describe_execution()
        .execution_arn(format!("{execution_arn}-missing"))
        .send()
        .await
    {
        Ok(_) => return Err("a missing execution was described".into()),
        Err(error) => eprintln!(
            "a missing execution: {}",
            ProvideErrorMetadata::code(&error).unwrap_or("(no code)")
        ),
    }

    println!("{}", summary(&described));
    Ok(())
}

/// The task token a message carries, and the message's receipt handle.
fn task_token(messages: &[Message]) -> Option<(String, String)> {
    let message = messages.first()?;
    let body: serde_json::Value = serde_json::from_str(message.body()?).ok()?;
    let token = body["token"].as_str()?.to_owned();
    Some((token, message.receipt_handle()?.to_owned()))
}

/// `STATUS ERROR CAUSE`, `-` for what is absent.
fn summary(described: &DescribeExecutionOutput) -> String {
    format!(
        "{} {} {}",
        described.status().as_str(),
        described.error().unwrap_or("-"),
        described.cause().unwrap_or("-")
    )
}
