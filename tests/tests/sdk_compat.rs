//! Code written for the official AWS SDK for Rust compiles against generated crates.
//!
//! `tests/sdk_compat/worker.rs` is a Step Functions worker written against the API of
//! `aws-sdk-sfn` and `aws-sdk-sqs`; its doc comment lists the lines that differ from the same
//! program on the SDK (the crate paths and the making of the configuration) and why. Here it is
//! built, with warnings denied, against crates generated from the official models the way a
//! project does it (`export-runtime`, then `codegen --runtime-path`): the whole SFN model (every
//! operation) and the SQS operations the worker calls. `tests/sdk_compat/mock.rs`, a test of the
//! same program, mocks one operation of that whole SFN crate in nine lines and runs;
//! `tests/sdk_compat/preludes.rs` glob-imports the preludes of SFN, SQS and DynamoDB into one
//! module. With moto installed, the worker then runs its flow against it.

#[path = "support/three_services.rs"]
mod three_services;

use std::path::Path;
use std::time::Instant;

use tests::moto::{self, Moto};
use three_services::{Runtime, Service, RUNTIME_DIR};

/// The crates the program uses: the whole SFN model, the SQS operations the worker calls, and
/// one DynamoDB operation.
const CRATES: [Service; 3] = [
    Service {
        model: "sfn.json",
        package: "sfn-official",
        operations: &[],
    },
    Service {
        model: "sqs.json",
        package: "sqs-official",
        operations: &["CreateQueue", "ReceiveMessage", "DeleteMessage"],
    },
    // For `tests/sdk_compat/preludes.rs`: an operation Step Functions has too.
    Service {
        model: "dynamodb.json",
        package: "dynamodb-official",
        operations: &["TagResource"],
    },
];

/// The program's package and binary name.
const PROGRAM: &str = "sdk-compat-worker";

#[test]
fn a_worker_written_for_the_official_sdk_builds_and_its_mock_runs() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let root = tests::temp_path("sdk-compat");
    three_services::export_runtime(&root.join(RUNTIME_DIR)).unwrap_or_else(|e| panic!("{e}"));
    for service in &CRATES {
        three_services::generate_crate(&models, &root, service, Runtime::Shared)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let program = write_program(&root);

    // `cargo test` builds the worker binary too, and runs the tests of the mock and the preludes.
    let started = Instant::now();
    let output = tests::cargo_in(&program, &["test"]).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "built the worker and ran its mock in {:?}",
        started.elapsed()
    );
    assert!(
        output.contains("test result: ok. 2 passed")
            && output.contains("test result: ok. 1 passed"),
        "the tests of the mock (two) and of the preludes (one) did not all run:\n{output}"
    );

    if let Some(moto) = Moto::start() {
        let line = run_worker(&moto);
        // moto keeps the error of `SendTaskFailure` and drops its cause (see `e2e_rust_only.rs`).
        assert!(line.starts_with("FAILED Worker.Failed "), "{line}");
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// `ROOT/program`: its manifest, the worker as its binary and the mock as its test.
fn write_program(root: &Path) -> std::path::PathBuf {
    let program = root.join("program");
    let sources = tests::repo_root().join("tests/sdk_compat");
    for (from, to) in [
        ("worker.rs", "src/main.rs"),
        ("mock.rs", "tests/mock.rs"),
        ("preludes.rs", "tests/preludes.rs"),
    ] {
        let to = program.join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(sources.join(from), &to)
            .unwrap_or_else(|e| panic!("cannot copy {from}: {e}"));
    }
    let dependencies: String = CRATES
        .iter()
        .map(|s| format!("{0} = {{ path = \"../{0}\" }}\n", s.package))
        .collect();
    let manifest = format!(
        "[package]
name = \"{PROGRAM}\"
version = \"0.1.0\"
edition = \"2021\"
publish = false

[dependencies]
{dependencies}serde_json = \"1\"
tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\", \"time\"] }}
"
    );
    std::fs::write(program.join("Cargo.toml"), manifest).unwrap();
    program
}

/// Runs the built worker against moto; its one line of output.
fn run_worker(moto: &Moto) -> String {
    let binary = tests::generated_target_dir()
        .join(format!("debug/{PROGRAM}{}", std::env::consts::EXE_SUFFIX));
    let output = std::process::Command::new(&binary)
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_REGION", moto::REGION)
        .env("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", moto::SECRET_ACCESS_KEY)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the worker failed with {}:\n{stderr}{stdout}",
        output.status
    );
    eprintln!("worker stderr:\n{stderr}");
    stdout.lines().last().unwrap_or_default().to_owned()
}
