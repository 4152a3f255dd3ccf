//! DynamoDB's waiters against moto, with a client generated from the official DynamoDB model
//! (`CreateTable`, `DescribeTable`, `DeleteTable`) onto an exported runtime:
//!
//! 1. `CreateTable`, then `wait_until_table_exists` (spawned on tokio: the waiter owns its
//!    client) until `DescribeTable` says `ACTIVE`;
//! 2. `wait_until_table_not_exists` on that existing table with no time to wait: one poll, whose
//!    output no acceptor matches, then `ExceededMaxWait`;
//! 3. `wait_until_table_exists` on a table that does not exist, again with no time:
//!    `ResourceNotFoundException` is a `retry`, then `ExceededMaxWait`;
//! 4. `DeleteTable`, then `wait_until_table_not_exists` until `DescribeTable` fails with
//!    `ResourceNotFoundException`, the error its `success` acceptor expects;
//! 5. `wait_until_table_exists` without a table name: refused before anything is sent.
//!
//! Built and run by `tests/tests/e2e_waiters.rs`: `PROGRAM ENDPOINT REGION KEY SECRET`. Prints one
//! JSON line on stdout with what each wait gave; exits non-zero with a message on stderr when a
//! step fails unexpectedly.

use std::time::Duration;

use dynamodb_official::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use dynamodb_official::waiters::WaiterError;

/// The longest a wait that should succeed may take: DynamoDB's waiters poll every 20 s or more,
/// so this allows several polls should the emulator ever be slow to change state.
const MAX_WAIT: Duration = Duration::from_secs(300);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, region, key, secret] = args.as_slice() else {
        fail(format!(
            "usage: e2e-waiters ENDPOINT REGION KEY SECRET (got {args:?})"
        ));
    };
    let config = dynamodb_official::Config::builder()
        .region(region.as_str())
        .endpoint_url(endpoint.as_str())
        .credentials(dynamodb_official::credentials::Credentials::new(
            key.as_str(),
            secret.as_str(),
            None,
            None,
            "test",
        ))
        .build();
    let client = dynamodb_official::Client::new(&config);
    let name = format!("waiters-{}", std::process::id());

    // 1. A table, and the wait until it exists, spawned.
    let attribute = AttributeDefinition::builder()
        .attribute_name("pk")
        .attribute_type(ScalarAttributeType::S)
        .build()
        .unwrap_or_else(|e| fail(format!("AttributeDefinition: {e}")));
    let key_element = KeySchemaElement::builder()
        .attribute_name("pk")
        .key_type(KeyType::Hash)
        .build()
        .unwrap_or_else(|e| fail(format!("KeySchemaElement: {e}")));
    client
        .create_table()
        .table_name(&name)
        .attribute_definitions(vec![attribute])
        .key_schema(vec![key_element])
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("CreateTable: {e}")));
    let wait = client
        .wait_until_table_exists()
        .table_name(&name)
        .wait(MAX_WAIT);
    let exists = tokio::spawn(wait)
        .await
        .unwrap_or_else(|e| fail(format!("the spawned wait: {e}")))
        .unwrap_or_else(|e| fail(format!("TableExists: {e}")));
    let status = exists
        .output()
        .and_then(|output| output.table.as_ref())
        .and_then(|table| table.table_status.as_ref())
        .map(|status| status.as_str().to_owned());
    eprintln!("exists after {} polls: {status:?}", exists.attempts());

    // 2. The table exists: waiting for it to be gone runs out of (no) time after one poll.
    let still_there = client
        .wait_until_table_not_exists()
        .table_name(&name)
        .wait(Duration::ZERO)
        .await;
    let still_there = describe_error(still_there.err());

    // 3. A table that was never created: `ResourceNotFoundException` means retry.
    let missing = client
        .wait_until_table_exists()
        .table_name(format!("{name}-missing"))
        .wait(Duration::ZERO)
        .await;
    let missing = describe_error(missing.err());

    // 4. Deleted, and the wait until it is gone.
    client
        .delete_table()
        .table_name(&name)
        .send()
        .await
        .unwrap_or_else(|e| fail(format!("DeleteTable: {e}")));
    let gone = client
        .wait_until_table_not_exists()
        .table_name(&name)
        .wait(MAX_WAIT)
        .await
        .unwrap_or_else(|e| fail(format!("TableNotExists: {e}")));
    let gone_error = gone.as_result().err().and_then(|e| e.code()).map(str::to_owned);
    eprintln!("gone after {} polls: {gone_error:?}", gone.attempts());

    // 5. No table name: nothing is sent.
    let unnamed = client.wait_until_table_exists().wait(MAX_WAIT).await;
    let unnamed = describe_error(unnamed.err());

    println!(
        "{}",
        serde_json::json!({
            "table": name,
            "exists": {"attempts": exists.attempts(), "status": status},
            "stillThere": still_there,
            "missing": missing,
            "gone": {"attempts": gone.attempts(), "error": gone_error},
            "unnamed": unnamed,
        })
    );
}

/// The error a wait ended with, as JSON: its kind, the attempts made, and the text.
fn describe_error<O, E: std::fmt::Display>(error: Option<WaiterError<O, E>>) -> serde_json::Value {
    let Some(error) = error else {
        return serde_json::Value::Null;
    };
    let kind = match &error {
        WaiterError::FailureState { .. } => "FailureState",
        WaiterError::ExceededMaxWait { .. } => "ExceededMaxWait",
        WaiterError::OperationFailed { .. } => "OperationFailed",
        _ => "other",
    };
    serde_json::json!({
        "kind": kind,
        "attempts": error.attempts(),
        "message": error.to_string(),
    })
}

fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}
