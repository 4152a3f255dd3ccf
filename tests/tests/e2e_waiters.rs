//! DynamoDB's `TableExists` and `TableNotExists` waiters against moto, entirely in Rust: a crate
//! generated from the official DynamoDB model the way a project outside this repository
//! generates it (`export-runtime`, then `codegen --runtime-path`; the helpers of
//! `support/three_services.rs`), and the program `tests/e2e_waiters/main.rs` that creates a
//! table, waits until it exists, deletes it and waits until it is gone, and checks the waits
//! that must run out of time and the one that cannot start.
//!
//! Needs the official models and moto (`tests/moto/install.py`); with `CI=true` a missing one is
//! a failure, not a skip. Nothing here depends on how fast the machine is: the checks are on what
//! each wait returned.

#[path = "support/three_services.rs"]
mod three_services;

use tests::moto::{self, Moto};
use three_services::{Runtime, Service, RUNTIME_DIR};

/// The crate the program uses.
const DYNAMODB: Service = Service {
    model: "dynamodb.json",
    package: "dynamodb-official",
    operations: &["CreateTable", "DescribeTable", "DeleteTable"],
};
const PROGRAM: &str = "e2e-waiters";

#[test]
fn dynamodb_waiters_against_moto() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let Some(moto) = Moto::start() else { return };

    let root = tests::temp_path("e2e-waiters");
    three_services::export_runtime(&root.join(RUNTIME_DIR)).unwrap_or_else(|e| panic!("{e}"));
    let krate = three_services::generate_crate(&models, &root, &DYNAMODB, Runtime::Shared)
        .unwrap_or_else(|e| panic!("{e}"));
    for file in [
        "src/waiters.rs",
        "src/waiters/table_exists.rs",
        "src/waiters/table_not_exists.rs",
    ] {
        assert!(
            krate.join(file).is_file(),
            "the DynamoDB crate has no {file}"
        );
    }
    let stdout = three_services::build_and_run(
        &root,
        PROGRAM,
        "tests/e2e_waiters/main.rs",
        &[DYNAMODB.package],
        &[
            moto.endpoint().as_str(),
            moto::REGION,
            moto::ACCESS_KEY_ID,
            moto::SECRET_ACCESS_KEY,
        ],
    );
    let _ = std::fs::remove_dir_all(&root);

    let line = stdout.lines().last().expect("the program prints one line");
    let result: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the program printed no JSON ({e}): {stdout}"));
    let table = result["table"].as_str().expect("the table's name");

    // TableExists ended on the `success` acceptor: the table is ACTIVE.
    assert_eq!(result["exists"]["status"], "ACTIVE", "{result}");
    assert!(result["exists"]["attempts"].as_u64() >= Some(1), "{result}");

    // TableNotExists on a table that exists, with no time: one poll, its output matches no
    // acceptor (a retry), and the time is up.
    let still_there = &result["stillThere"];
    assert_eq!(still_there["kind"], "ExceededMaxWait", "{result}");
    assert_eq!(still_there["attempts"], 1, "{result}");
    let message = still_there["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "waiter TableNotExists gave up: the maximum wait of 0ns ran out after 1 attempt in "
        ),
        "{result}"
    );

    // TableExists on a missing table: ResourceNotFoundException is the `retry` acceptor.
    let missing = &result["missing"];
    assert_eq!(missing["kind"], "ExceededMaxWait", "{result}");
    assert_eq!(missing["attempts"], 1, "{result}");

    // TableNotExists after DeleteTable ended on its `success` acceptor, an error.
    assert_eq!(
        result["gone"]["error"], "ResourceNotFoundException",
        "{result}"
    );
    assert!(result["gone"]["attempts"].as_u64() >= Some(1), "{result}");

    // No table name: refused before sending, naming the member.
    let unnamed = &result["unnamed"];
    assert_eq!(unnamed["kind"], "OperationFailed", "{result}");
    assert_eq!(unnamed["attempts"], 0, "{result}");
    let message = unnamed["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("waiter TableExists could not start: ")
            && message.contains("TableName"),
        "{result}"
    );
    assert!(table.starts_with("waiters-"), "{result}");
}
