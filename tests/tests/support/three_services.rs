//! The three-service program of `tests/e2e_rust/main.rs`, generated the way a project outside
//! this repository does it: `cargo xtask export-runtime --out ROOT/smithy-rust-runtime`, then
//! `cargo xtask codegen --model ... --out ROOT/<crate> --operation ... --runtime-path
//! ../smithy-rust-runtime` for SFN, SQS and DynamoDB (or each with `--inline-runtime`), and a
//! program crate in `ROOT/program` that depends on the three by path. `xtask` runs in process,
//! exactly as `cargo xtask` would.
//!
//! Shared by `tests/tests/e2e_rust_only.rs` and `tests/benches/runtime_build.rs`.

#![allow(dead_code)] // Each includer uses a part.

use std::path::{Path, PathBuf};

/// One generated crate of the program: the official model, the crate's folder (also its
/// package name) under the root, and the operations generated.
pub struct Service {
    pub model: &'static str,
    pub package: &'static str,
    pub operations: &'static [&'static str],
}

/// What the program calls.
pub const SERVICES: [Service; 3] = [
    Service {
        model: "sfn.json",
        package: "sfn-official",
        operations: &[
            "CreateStateMachine",
            "StartExecution",
            "DescribeExecution",
            "SendTaskFailure",
        ],
    },
    Service {
        model: "sqs.json",
        package: "sqs-official",
        operations: &["CreateQueue", "ReceiveMessage"],
    },
    Service {
        model: "dynamodb.json",
        package: "dynamodb-official",
        operations: &["CreateTable", "PutItem", "GetItem"],
    },
];

/// The folder `export-runtime` writes, beside the generated crates.
pub const RUNTIME_DIR: &str = "smithy-rust-runtime";
/// The program's package and binary name.
pub const PROGRAM: &str = "e2e-rust-only";

/// How the generated crates get their runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Runtime {
    /// One exported runtime crate beside them (`--runtime-path ../smithy-rust-runtime`).
    Shared,
    /// Each its own copy (`--inline-runtime`).
    Inline,
}

/// `cargo xtask ARGS`, in process: its stdout, or a message with both outputs.
pub fn xtask(args: &[String]) -> Result<String, String> {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&tests::repo_root(), args, &mut stdout, &mut stderr);
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    if code == 0 {
        Ok(stdout)
    } else {
        Err(format!(
            "`cargo xtask {}` exited with {code}:\n{stdout}{}",
            args.join(" "),
            String::from_utf8_lossy(&stderr)
        ))
    }
}

/// `cargo xtask export-runtime --out DIR`.
pub fn export_runtime(dir: &Path) -> Result<String, String> {
    xtask(&["export-runtime".to_owned(), "--out".to_owned(), path(dir)])
}

/// `cargo xtask codegen --model MODELS/MODEL --out ROOT/PACKAGE --package PACKAGE --operation
/// ... (--runtime-path ../smithy-rust-runtime | --inline-runtime)`; returns the crate folder.
pub fn generate_crate(
    models: &Path,
    root: &Path,
    service: &Service,
    runtime: Runtime,
) -> Result<PathBuf, String> {
    let out = root.join(service.package);
    let mut args = vec![
        "codegen".to_owned(),
        "--model".to_owned(),
        path(&models.join(service.model)),
        "--out".to_owned(),
        path(&out),
        "--package".to_owned(),
        service.package.to_owned(),
    ];
    for operation in service.operations {
        args.extend(["--operation".to_owned(), (*operation).to_owned()]);
    }
    match runtime {
        Runtime::Shared => args.extend(["--runtime-path".to_owned(), format!("../{RUNTIME_DIR}")]),
        Runtime::Inline => args.push("--inline-runtime".to_owned()),
    }
    xtask(&args).map(|_| out)
}

/// The whole program under `root`: the runtime (when shared), the three crates, and
/// `root/program` with its manifest and `tests/e2e_rust/main.rs`. Returns the program folder.
/// The program's `inline-runtimes` feature must be on to build it over inline runtimes (then
/// each client needs a `Config` of its own crate).
pub fn generate_program(models: &Path, root: &Path, runtime: Runtime) -> Result<PathBuf, String> {
    if runtime == Runtime::Shared {
        export_runtime(&root.join(RUNTIME_DIR))?;
    }
    for service in &SERVICES {
        generate_crate(models, root, service, runtime)?;
    }
    let program = root.join("program");
    std::fs::create_dir_all(&program)
        .map_err(|e| format!("cannot create {}: {e}", program.display()))?;
    std::fs::write(program.join("Cargo.toml"), program_manifest())
        .map_err(|e| format!("cannot write the program's manifest: {e}"))?;
    let main = tests::repo_root().join("tests/e2e_rust/main.rs");
    std::fs::copy(&main, program.join("main.rs"))
        .map_err(|e| format!("cannot copy {}: {e}", main.display()))?;
    Ok(program)
}

/// The program's manifest: the three generated crates by path, tokio for `main`, serde_json for
/// the state machine definition, the message body and the printed result.
pub fn program_manifest() -> String {
    let packages: Vec<&str> = SERVICES.iter().map(|s| s.package).collect();
    manifest(
        PROGRAM,
        &packages,
        "# Each generated crate carries its own runtime (`--inline-runtime`), hence its own `Config` type:
# one configuration per client instead of one for all (tests/benches/runtime_build.rs).
inline-runtimes = []
",
    )
}

/// The manifest of a program `name` (its `main.rs` beside it) over generated crates in folders
/// beside its own (`packages`, also their package names), with the `[features]` lines given,
/// tokio for `main` and serde_json. Only crates in the workspace's `Cargo.lock`, so it builds
/// offline against the repository's versions.
pub fn manifest(name: &str, packages: &[&str], features: &str) -> String {
    let dependencies: String = packages
        .iter()
        .map(|package| format!("{package} = {{ path = \"../{package}\" }}\n"))
        .collect();
    format!(
        "[package]
name = \"{name}\"
version = \"0.1.0\"
edition = \"2021\"
publish = false

[[bin]]
name = \"{name}\"
path = \"main.rs\"

[features]
{features}
[dependencies]
{dependencies}serde_json = \"1\"
tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"macros\", \"time\"] }}
"
    )
}

/// Builds the program `name` in `root/program` from `main` (a path in this repository) over the
/// generated crates `packages` under `root` (see [`manifest`]), with [`tests::cargo_in`], and
/// runs its binary with `args` (not through `cargo run`, which would pass cargo_in's `--offline
/// --quiet` to the program), without `AWS_PROFILE`, `AWS_ENDPOINT_URL` or a standard input.
/// Shows its stderr and stdout; panics with them when it fails. Returns its stdout.
pub fn build_and_run(
    root: &Path,
    name: &str,
    main: &str,
    packages: &[&str],
    args: &[&str],
) -> String {
    let program = root.join("program");
    std::fs::create_dir_all(&program)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", program.display()));
    std::fs::write(program.join("Cargo.toml"), manifest(name, packages, ""))
        .unwrap_or_else(|e| panic!("cannot write the program's manifest: {e}"));
    let main = tests::repo_root().join(main);
    std::fs::copy(&main, program.join("main.rs"))
        .unwrap_or_else(|e| panic!("cannot copy {}: {e}", main.display()));
    tests::cargo_in(&program, &["build"]).unwrap_or_else(|e| panic!("{e}"));
    let binary =
        tests::generated_target_dir().join(format!("debug/{name}{}", std::env::consts::EXE_SUFFIX));
    let output = std::process::Command::new(&binary)
        .args(args)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", binary.display()));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!("program stderr:\n{stderr}program stdout: {stdout}");
    assert!(
        output.status.success(),
        "the program failed with {}:\n{stderr}{stdout}",
        output.status
    );
    stdout
}

fn path(path: &Path) -> String {
    path.display().to_string()
}
