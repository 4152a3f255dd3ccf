//! Three services against moto from ONE configuration, with clients generated from the official
//! SFN, SQS and DynamoDB models onto one shared runtime crate (`smithy-rust-runtime`), and nothing
//! else:
//!
//! - the whole Step Functions task-token workflow: create a queue, create a state machine whose
//!   one Task state sends its task token to that queue (`sqs:sendMessage.waitForTaskToken`),
//!   start an execution, receive the token from the queue, fail the task with
//!   `SendTaskFailure`, and describe the execution until it stops running;
//! - DynamoDB: create a table, put an item holding every kind of attribute value the codec
//!   handles differently (string, number, binary, sets, map, list, bool, null), get it back with
//!   a consistent read, and check that it equals the item written.
//!
//! With the `inline-runtimes` feature it builds over crates generated with `--inline-runtime`
//! instead, one configuration per client (`tests/benches/runtime_build.rs` compares the two).
//!
//! Built and run by `tests/tests/e2e_rust_only.rs`: `PROGRAM ENDPOINT REGION KEY SECRET`. Prints
//! one JSON line on stdout: `{"executionArn", "status", "error", "cause", "dynamodb": {"table",
//! "tableStatus", "item"}}` (`item` in DynamoDB's JSON form, as read back); exits non-zero with a
//! message on stderr when a step fails or the item read back differs from the one written.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use dynamodb_official::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};

/// How long to wait for the token to arrive, and for the execution to stop running.
const POLL: Duration = Duration::from_secs(10);
/// moto checks no roles.
const ROLE_ARN: &str = "arn:aws:iam::123456789012:role/test";
/// The error the task fails with; the test looks for it in `DescribeExecution`.
const ERROR: &str = "Rust.OnlyError";
/// The cause it fails the task with.
const CAUSE: &str = "failed by the generated Rust clients, no python involved";

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, region, key, secret] = args.as_slice() else {
        fail(format!(
            "usage: e2e-rust ENDPOINT REGION KEY SECRET (got {args:?})"
        ));
    };
    // The configuration of a client of `$krate`: the moto endpoint, the region, the keys.
    macro_rules! config {
        ($krate:ident) => {
            $krate::Config::builder()
                .region(region.as_str())
                .endpoint_url(endpoint.as_str())
                .credentials($krate::credentials::Credentials::new(
                    key.as_str(),
                    secret.as_str(),
                    None,
                    None,
                    "test",
                ))
                .build()
        };
    }
    // One configuration for every service: the generated crates re-export the shared runtime's
    // `Config`, so `sfn_official::Config`, `sqs_official::Config` and `dynamodb_official::Config`
    // are one type, and the clients made from it share its credentials and HTTP client.
    #[cfg(not(feature = "inline-runtimes"))]
    let (sfn, sqs, dynamodb) = {
        let shared = config!(sfn_official);
        let _one_type: (&sqs_official::Config, &dynamodb_official::Config) = (&shared, &shared);
        (
            sfn_official::Client::new(&shared),
            sqs_official::Client::new(&shared),
            dynamodb_official::Client::new(&shared),
        )
    };
    // Crates generated with `--inline-runtime` (the build benchmark's comparison) each have a
    // runtime, and a `Config` type, of their own.
    #[cfg(feature = "inline-runtimes")]
    let (sfn, sqs, dynamodb) = (
        sfn_official::Client::new(config!(sfn_official)),
        sqs_official::Client::new(config!(sqs_official)),
        dynamodb_official::Client::new(config!(dynamodb_official)),
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
        .input("{}")
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

    // 7. DynamoDB, through the same configuration: a table keyed by `pk`.
    let attribute = |name: &str, kind| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(kind)
            .build()
            .unwrap_or_else(|e| fail(format!("AttributeDefinition: {e}")))
    };
    let key_element = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap_or_else(|e| fail(format!("KeySchemaElement: {e}")))
    };
    let created = dynamodb
        .create_table()
        .table_name(&name)
        .attribute_definitions(vec![attribute("pk", ScalarAttributeType::S)])
        .key_schema(vec![key_element("pk", KeyType::Hash)])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("CreateTable: {e}")));
    let table_status = created
        .table_description
        .and_then(|table| table.table_status)
        .map(|status| status.as_str().to_owned());
    eprintln!("table: {name} ({table_status:?})");

    // 8. One item with every kind of value, written and read back.
    let item = HashMap::from([
        ("pk".to_owned(), AttributeValue::S(name.clone())),
        ("count".to_owned(), AttributeValue::N("42".to_owned())),
        (
            "payload".to_owned(),
            AttributeValue::B(dynamodb_official::primitives::Blob::new(vec![
                0x00, 0x9f, 0xff, b'r', b's',
            ])),
        ),
        ("tags".to_owned(), AttributeValue::Ss(vec!["blue".to_owned()])),
        ("sizes".to_owned(), AttributeValue::Ns(vec!["1.5".to_owned()])),
        (
            "nested".to_owned(),
            AttributeValue::M(HashMap::from([
                ("ok".to_owned(), AttributeValue::Bool(true)),
                (
                    "list".to_owned(),
                    AttributeValue::L(vec![
                        AttributeValue::S("ünïcode ✓".to_owned()),
                        AttributeValue::N("-7".to_owned()),
                    ]),
                ),
            ])),
        ),
        ("nothing".to_owned(), AttributeValue::Null(true)),
    ]);
    dynamodb
        .put_item()
        .table_name(&name)
        .item(item.clone())
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("PutItem: {e}")));
    let read = dynamodb
        .get_item()
        .table_name(&name)
        .key(HashMap::from([(
            "pk".to_owned(),
            AttributeValue::S(name.clone()),
        )]))
        .consistent_read(true)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("GetItem: {e}")));
    let read = read
        .item
        .unwrap_or_else(|| fail("GetItem found no item".to_owned()));
    if read != item {
        fail(format!(
            "GetItem read back another item:\n  written: {item:?}\n  read:    {read:?}"
        ));
    }
    eprintln!("item: {} attributes read back unchanged", read.len());

    println!(
        "{}",
        serde_json::json!({
            "executionArn": execution_arn,
            "status": described.status.as_str(),
            "error": described.error,
            "cause": described.cause,
            "dynamodb": {
                "table": name,
                "tableStatus": table_status,
                "item": item_json(&read),
            },
        })
    );
}

/// An item in DynamoDB's own JSON form (`{"S": "..."}`, blobs in base64), for the test to check.
fn item_json(item: &HashMap<String, AttributeValue>) -> serde_json::Value {
    item.iter()
        .map(|(name, value)| (name.clone(), value_json(value)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn value_json(value: &AttributeValue) -> serde_json::Value {
    use serde_json::json;
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b.to_base64() }),
        AttributeValue::Ss(set) => json!({ "SS": set }),
        AttributeValue::Ns(set) => json!({ "NS": set }),
        AttributeValue::Bs(set) => {
            json!({ "BS": set.iter().map(|b| b.to_base64()).collect::<Vec<_>>() })
        }
        AttributeValue::M(map) => json!({ "M": item_json(map) }),
        AttributeValue::L(list) => json!({ "L": list.iter().map(value_json).collect::<Vec<_>>() }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(n) => json!({ "NULL": n }),
        other => fail(format!("an attribute value of an unknown kind: {other:?}")),
    }
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
