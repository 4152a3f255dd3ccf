//! Three services' preludes glob-imported into one module: each holds only its two traits,
//! named after its service, so they import together, even where two services have an operation
//! of the same name (`TagResource` in Step Functions and DynamoDB); the clients and the one
//! configuration are named by their crates. Run with `cargo test` in the program of
//! `tests/tests/sdk_compat.rs`.

use dynamodb_official::prelude::*;
use sfn_official::prelude::*;
use sqs_official::prelude::*;

/// A configuration whose calls fail at once: nothing listens on port 1, and no retries.
fn config() -> sfn_official::Config {
    sfn_official::Config::builder()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:1")
        .credentials(sfn_official::credentials::Credentials::new(
            "AKID", "SECRET", None, None, "test",
        ))
        .retry_config(sfn_official::retry::RetryConfig::disabled())
        .build()
}

/// Application code against the three traits at once.
async fn tag_both(sfn: &dyn SfnApi, dynamodb: &dyn DynamoDbApi, arn: &str) -> (bool, bool) {
    let sfn_failed = sfn.tag_resource().resource_arn(arn).send().await.is_err();
    let dynamodb_failed = dynamodb
        .tag_resource()
        .resource_arn(arn)
        .send()
        .await
        .is_err();
    (sfn_failed, dynamodb_failed)
}

#[tokio::test]
async fn three_preludes_import_together() {
    let config = config();
    let sfn = sfn_official::Client::new(&config);
    let sqs = sqs_official::Client::new(&config);
    let dynamodb = dynamodb_official::Client::new(&config);

    assert_eq!(tag_both(&sfn, &dynamodb, "arn").await, (true, true));
    let queues: &dyn SqsApi = &sqs;
    let error = queues
        .receive_message()
        .queue_url("http://127.0.0.1:1/queue")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_request(), "{error:?}");
}
