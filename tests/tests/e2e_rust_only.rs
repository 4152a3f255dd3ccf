//! One runtime crate for every generated service, end to end and entirely in Rust against moto.
//!
//! Clients generated here (not committed) from the official SFN, SQS and DynamoDB models, the
//! way a project outside this repository generates them (`export-runtime`, then `codegen
//! --runtime-path ../smithy-rust-runtime` for each; `support/three_services.rs`), run in one
//! program (`tests/e2e_rust/main.rs`) from ONE `Config`: the whole task-token workflow (create a
//! queue, create a state machine with an `sqs:sendMessage.waitForTaskToken` Task, start an
//! execution, receive the token from the queue, SendTaskFailure, and DescribeExecution shows
//! FAILED with our error), then a DynamoDB table, an item written and the same item read back.
//! No python talks to moto here (python only runs the server).
//!
//! Also here: the same crates generated with `--inline-runtime` each compile on their own, and a
//! crate refuses a runtime of another version (cargo, before compiling anything) or of another
//! seam (the crate's own build-time message that says to regenerate).

#[path = "support/three_services.rs"]
mod three_services;

use std::path::Path;
use std::time::Instant;

use smithy_rust_runtime::SEAM;
use tests::moto::{self, Moto};
use three_services::{Runtime, RUNTIME_DIR, SERVICES};

/// The runtime's version requirement as generated manifests write it: `0.MINOR`.
fn runtime_requirement() -> String {
    let version = codegen::runtime_version();
    let mut parts = version.split('.');
    format!("{}.{}", parts.next().unwrap(), parts.next().unwrap())
}

/// The runtime's version with its minor part bumped: `0.MINOR+1.0`.
fn next_runtime_version() -> String {
    let version = codegen::runtime_version();
    let minor: u32 = version.split('.').nth(1).unwrap().parse().unwrap();
    format!("0.{}.0", minor + 1)
}

/// The error `tests/e2e_rust/main.rs` fails the task with.
const ERROR: &str = "Rust.OnlyError";
/// The cause it fails the task with.
const CAUSE: &str = "failed by the generated Rust clients, no python involved";

#[test]
fn three_services_share_one_config_and_runtime_against_moto() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let Some(moto) = Moto::start() else { return };

    let root = tests::temp_path("e2e-rust-only");
    let started = Instant::now();
    let program = three_services::generate_program(&models, &root, Runtime::Shared)
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "exported the runtime and generated three crates in {:?}",
        started.elapsed()
    );
    // The crates name the exported runtime, and nothing of this repository.
    for service in &SERVICES {
        let manifest = read(&root.join(service.package).join("Cargo.toml"));
        assert!(
            manifest.contains(&format!(
                "smithy-rust-runtime = {{ version = \"{}\", path = \"../smithy-rust-runtime\" }}",
                runtime_requirement()
            )),
            "{}'s manifest:\n{manifest}",
            service.package
        );
        assert!(
            !root.join(service.package).join("src/config.rs").exists(),
            "{} carries a runtime module of its own",
            service.package
        );
    }

    let started = Instant::now();
    let built = tests::cargo_in(&program, &["build"]);
    eprintln!("built the program in {:?}", started.elapsed());
    if let Err(e) = built {
        panic!("{e}");
    }
    // One runtime package in the build, from the exported folder.
    let tree = tests::cargo_in(&program, &["tree", "--prefix", "none", "--no-dedupe"])
        .unwrap_or_else(|e| panic!("{e}"));
    let runtimes: std::collections::BTreeSet<&str> = tree
        .lines()
        .filter(|line| line.starts_with("smithy-rust-runtime "))
        .collect();
    let exported = root.join(RUNTIME_DIR);
    assert!(
        runtimes.len() == 1
            && runtimes
                .iter()
                .all(|line| line.contains(&exported.display().to_string())),
        "expected exactly the exported runtime at {}, found {runtimes:?}",
        exported.display()
    );

    // Run the binary itself: `cargo_in` appends `--offline --quiet`, which `cargo run --` would
    // hand to the program.
    let binary = tests::generated_target_dir().join(format!(
        "debug/{}{}",
        three_services::PROGRAM,
        std::env::consts::EXE_SUFFIX
    ));
    let started = Instant::now();
    let output = std::process::Command::new(&binary)
        .args([
            moto.endpoint().as_str(),
            moto::REGION,
            moto::ACCESS_KEY_ID,
            moto::SECRET_ACCESS_KEY,
        ])
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    eprintln!("ran the program in {:?}", started.elapsed());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("program stderr:\n{stderr}program stdout: {stdout}");
    assert!(
        output.status.success(),
        "the program failed with {}:\n{stderr}{stdout}",
        output.status
    );
    let _ = std::fs::remove_dir_all(&root);

    let line = stdout.lines().last().expect("the program prints one line");
    let result: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the program printed no JSON ({e}): {stdout}"));
    assert_eq!(result["status"], "FAILED", "{result}");
    assert_eq!(result["error"], ERROR, "{result}");
    // moto drops SendTaskFailure's `cause` (its response handler passes only `error`; see
    // shared/peers/moto/README.md), so the execution ends with no cause; ours once moto keeps it.
    assert!(
        result["cause"].is_null() || result["cause"] == CAUSE,
        "{result}"
    );
    assert!(
        result["executionArn"]
            .as_str()
            .is_some_and(|arn| arn.starts_with("arn:aws:states:")),
        "{result}"
    );

    // The program already checked that the item read back equals the one written (`==` on the
    // generated types); this checks what it read against the wire form of what it wrote.
    let dynamodb = &result["dynamodb"];
    let table = dynamodb["table"].as_str().expect("the table's name");
    assert_eq!(dynamodb["tableStatus"], "ACTIVE", "{result}");
    let expected = serde_json::json!({
        "pk": {"S": table},
        "count": {"N": "42"},
        "payload": {"B": "AJ//cnM="},
        "tags": {"SS": ["blue"]},
        "sizes": {"NS": ["1.5"]},
        "nested": {"M": {
            "ok": {"BOOL": true},
            "list": {"L": [{"S": "ünïcode ✓"}, {"N": "-7"}]}
        }},
        "nothing": {"NULL": true}
    });
    assert_eq!(dynamodb["item"], expected, "{result}");
}

#[test]
fn inline_runtime_crates_each_compile_alone() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let root = tests::temp_path("inline-runtime");
    for service in &SERVICES {
        let dir = three_services::generate_crate(&models, &root, service, Runtime::Inline)
            .unwrap_or_else(|e| panic!("{e}"));
        // Self-contained: the runtime's modules are in the crate, the runtime crate is not named.
        let manifest = read(&dir.join("Cargo.toml"));
        assert!(
            !manifest.contains("smithy-rust-runtime"),
            "{}'s manifest names the runtime crate:\n{manifest}",
            service.package
        );
        let lib = read(&dir.join("src/lib.rs"));
        assert!(
            !lib.contains("smithy_rust_runtime"),
            "{}'s lib.rs names the runtime crate:\n{lib}",
            service.package
        );
        // Every runtime module the crate copies, as a file or a module folder.
        for module in [
            "config.rs",
            "credentials/mod.rs",
            "orchestrator/mod.rs",
            "transport.rs",
        ] {
            assert!(
                dir.join("src").join(module).is_file(),
                "{} has no src/{module}",
                service.package
            );
        }
        // Each crate alone, in its own folder with its own lock file: no workspace around it.
        let started = Instant::now();
        if let Err(e) = tests::cargo_in(&dir, &["check", "--lib"]) {
            panic!("{} (inline runtime) does not compile: {e}", service.package);
        }
        eprintln!(
            "{} (inline runtime) checked in {:?}",
            service.package,
            started.elapsed()
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// A crate generated for this runtime (0.MINOR) against an exported runtime whose version says
/// 0.MINOR+1: cargo refuses the dependency while resolving it, before compiling anything, naming
/// the runtime.
#[test]
fn a_runtime_of_another_version_is_refused_before_compiling() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let root = tests::temp_path("runtime-version");
    let krate = sfn_with_exported_runtime(&models, &root);
    edit(&root.join(RUNTIME_DIR).join("Cargo.toml"), |manifest| {
        replace_once(
            manifest,
            &format!("\nversion = \"{}\"\n", codegen::runtime_version()),
            &format!("\nversion = \"{}\"\n", next_runtime_version()),
        )
    });

    let error = tests::cargo_in(&krate, &["check", "--lib"])
        .expect_err("a crate generated for this runtime compiled against the next one");
    eprintln!("{error}");
    // Cargo's words: "failed to select a version for the requirement `smithy-rust-runtime =
    // "^0.2"`", "candidate versions found which didn't match: 0.3.0".
    for words in [
        "failed to select a version".to_owned(),
        format!("`smithy-rust-runtime = \"^{}\"`", runtime_requirement()),
        next_runtime_version(),
    ] {
        assert!(error.contains(&words), "no `{words}` in:\n{error}");
    }
    // Refused while resolving: no compiler error, nothing compiled.
    assert!(
        !error.contains("error[E") && !error.contains("could not compile"),
        "rustc ran:\n{error}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// A crate generated for this seam against a runtime of the same version whose `SEAM` says the
/// next one (a runtime changed without the version bump): the crate's build-time check fails
/// with its own message, which says to regenerate.
#[test]
fn a_runtime_of_another_seam_fails_with_the_crates_message() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let root = tests::temp_path("runtime-seam");
    let krate = sfn_with_exported_runtime(&models, &root);
    edit(&root.join(RUNTIME_DIR).join("src/lib.rs"), |lib| {
        replace_once(
            lib,
            &format!("pub const SEAM: u32 = {SEAM};"),
            &format!("pub const SEAM: u32 = {};", SEAM + 1),
        )
    });

    let error = tests::cargo_in(&krate, &["check", "--lib"])
        .expect_err("a crate generated for this seam compiled against the next one");
    eprintln!("{error}");
    let message = format!(
        "sfn-official was generated for seam {SEAM} of smithy-rust-runtime {}, and this \
         runtime has another: regenerate sfn-official with the generator that matches \
         the runtime, or use the runtime it was generated for (`export-runtime` of \
         that generator: `cargo xtask export-runtime` or `smithy-rust-codegen \
         export-runtime`)",
        runtime_requirement()
    );
    assert!(error.contains(&message), "no `{message}` in:\n{error}");
    // Our message is the only error: no wall of type errors around it.
    let errors: Vec<&str> = error
        .lines()
        .filter(|line| line.starts_with("error"))
        .collect();
    assert!(
        errors
            .iter()
            .all(|line| line.starts_with("error[E0080]")
                || line.starts_with("error: could not compile")),
        "other errors beside the seam check: {errors:#?}\n{error}"
    );
    let _ = std::fs::remove_dir_all(&root);
}

/// `export-runtime` into `ROOT/smithy-rust-runtime` and SFN's `SendTaskFailure` generated into
/// `ROOT/sfn-official` with `--runtime-path ../smithy-rust-runtime`; returns the crate folder.
fn sfn_with_exported_runtime(models: &Path, root: &Path) -> std::path::PathBuf {
    three_services::export_runtime(&root.join(RUNTIME_DIR)).unwrap_or_else(|e| panic!("{e}"));
    let sfn = three_services::Service {
        model: "sfn.json",
        package: "sfn-official",
        operations: &["SendTaskFailure"],
    };
    three_services::generate_crate(models, root, &sfn, Runtime::Shared)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn edit(path: &Path, change: impl FnOnce(&str) -> String) {
    let changed = change(&read(path));
    std::fs::write(path, changed)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// `text` with its one `from` replaced by `to`; panics unless `from` occurs exactly once.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` once in:\n{text}");
    text.replacen(from, to, 1)
}
