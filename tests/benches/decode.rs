//! What decoding a large answer costs the generated client, against parsing the same bytes into
//! a `serde_json::Value`: `cargo bench -p tests --bench decode` (a program, not a test).
//!
//! Two real shapes, from the official models (found with `tests::aws_models_dir()`; skipped with
//! a message when missing):
//!
//! - **DynamoDB `Query`**: an answer of 1,000 items of mixed attribute values (`S`, `N`, `B`,
//!   `BOOL`, `NULL`, `SS`, `NS`, `BS`, `L` and nested `M`), `Count`, `ScannedCount`,
//!   `LastEvaluatedKey` and `ConsumedCapacity`: about 1 MB;
//! - **SFN `GetExecutionHistory`**: a page of 1,000 events of varied types with their
//!   `*EventDetails` (inputs and outputs as JSON text), epoch-seconds timestamps with fractions,
//!   `id`, `previousEventId` and a `nextToken`.
//!
//! `xtask codegen` generates a `dynamodb` crate with `Query` alone and an `sfn` crate with
//! `GetExecutionHistory` alone (each depending on this repository's `codegen/runtime` by path)
//! into `target/decode-bench/`, beside a program crate (`tests/benches/decode/program.rs`, the
//! bodies and their checks in `bodies.rs`) that is built with `cargo build --release` the way the
//! tests build generated crates (`tests::cargo_in`: offline, the workspace's `Cargo.lock`, the
//! shared `target/generated-crates`) and run; its output is printed as it comes. The folder is
//! kept: unchanged files are not rewritten, so a second run rebuilds nothing (the first compiles
//! the runtime's dependencies in release, a few minutes).
//!
//! The program builds both bodies itself and serves each through the generated client's real
//! call path: `Config::builder().http_client(stub)`, where the stub implements the runtime's
//! `transport::HttpClient` and answers HTTP 200, `application/x-amz-json-1.0`, with a request
//! id and a copy of the body (a transport hands over a `Vec<u8>` it owns). A current-thread
//! tokio runtime runs the calls. For each shape, after a checked warm-up, `BENCH_N` rounds
//! (default 31) each time one typed call and one parse, interleaved (which goes first
//! alternates):
//!
//! - **typed**: a whole `client.query()...send().await` (request, signing, the stub, decoding
//!   into the operation's output);
//! - **Value**: `serde_json::from_slice::<serde_json::Value>(&body)` (serde_json as a user's
//!   crate gets it: no `preserve_order`);
//!
//! and prints:
//!
//! - the body's size;
//! - the **median time** of each, and typed / Value: wall time, and this thread's CPU time
//!   (`CLOCK_THREAD_CPUTIME_ID`, on Unix), which the other processes of a busy machine do not
//!   inflate: on 2 shared cores a millisecond-long decode is often preempted, and the longer of
//!   the two more often, so the wall-time ratio drifts from run to run where the CPU one holds;
//! - the **peak heap** of each, from a counting global allocator: the highest count of bytes
//!   allocated during the call above the count just before it (the peak is reset before each
//!   measurement; the largest over the rounds is shown), in bytes and as a multiple of the body.
//!   For the typed call it is shown both without the stub's copy of the body (the copy is made
//!   before the measurement starts: the figure to compare with the Value's, which parses a body
//!   that already exists) and with it (one more call where the stub copies inside `send`);
//! - the **retained** heap: bytes allocated after the call, its result still alive, minus
//!   before it (the typed output; the `Value`);
//! - whether issue 14's targets are met: typed faster than the Value (by CPU time where there
//!   is one), and a typed peak heap (without the copy) of at most 3x the body.
//!
//! Every typed output and every `Value` is checked (item and event counts, keys, numbers, blobs,
//! nested maps, event types, ids, timestamps, details, the tokens), so the bench cannot time a
//! failure; a wrong result ends it with an error.

use std::path::Path;
use std::process::Command;

/// The program's sources, written into the program crate under these names.
const PROGRAM_SOURCES: [(&str, &str); 2] = [
    ("main.rs", include_str!("decode/program.rs")),
    ("bodies.rs", include_str!("decode/bodies.rs")),
];
/// The program's package and binary name.
const PROGRAM: &str = "decode-bench";

/// The generated crates: folder and package name, official model file, the one operation.
const CRATES: [(&str, &str, &str); 2] = [
    ("dynamodb", "dynamodb.json", "Query"),
    ("sfn", "sfn.json", "GetExecutionHistory"),
];

fn main() {
    let Some(models) = tests::aws_models_dir() else {
        println!("decode bench SKIPPED: the official AWS models are missing");
        return;
    };
    for (_, model, _) in CRATES {
        if !models.join(model).is_file() {
            println!(
                "decode bench SKIPPED: {} is missing",
                models.join(model).display()
            );
            return;
        }
    }
    let root = tests::repo_root().join("target/decode-bench");
    if let Err(why) = run(&models, &root) {
        println!("decode bench FAILED: {why}");
        std::process::exit(1);
    }
}

fn run(models: &Path, root: &Path) -> Result<(), String> {
    println!("decode bench: generating into {}", root.display());
    for (package, model, operation) in CRATES {
        let args = [
            "codegen",
            "--model",
            &path(&models.join(model)),
            "--out",
            &path(&root.join(package)),
            "--package",
            package,
            "--operation",
            operation,
        ]
        .map(str::to_owned);
        xtask(&args)?;
    }
    write_if_changed(&root.join("Cargo.toml"), &manifest())?;
    for (name, source) in PROGRAM_SOURCES {
        write_if_changed(&root.join(name), source)?;
    }
    // The workspace's lock file each time (cargo adds the bench's own packages to it), so the
    // build follows the repository's dependency versions as they change.
    let lock = tests::repo_root().join("Cargo.lock");
    std::fs::copy(&lock, root.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;

    let target = tests::generated_target_dir();
    println!(
        "decode bench: cargo build --release in {} (the first build compiles the runtime's \
         dependencies: a few minutes)",
        target.display()
    );
    tests::cargo_in(root, &["build", "--release", "--bin", PROGRAM])?;
    let binary = target.join(format!("release/{PROGRAM}{}", std::env::consts::EXE_SUFFIX));
    let status = Command::new(&binary)
        .status()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{} exited with {status}", binary.display()))
    }
}

/// The program's manifest: its own workspace (the folder sits inside this repository's, whose
/// members it is not), the two generated crates by path, serde_json for the baseline and the
/// bodies, tokio for the runtime the calls run on, libc for the thread's CPU time. Only crates
/// of the workspace's `Cargo.lock`.
fn manifest() -> String {
    let dependencies: String = CRATES
        .iter()
        .map(|(package, _, _)| format!("{package} = {{ path = \"{package}\" }}\n"))
        .collect();
    format!(
        "# Written by tests/benches/decode.rs.
[package]
name = \"{PROGRAM}\"
version = \"0.1.0\"
edition = \"2021\"
rust-version = \"1.85\"
publish = false

[[bin]]
name = \"{PROGRAM}\"
path = \"main.rs\"

[dependencies]
{dependencies}serde_json = \"1\"
tokio = {{ version = \"1\", default-features = false, features = [\"rt\", \"time\"] }}

[target.'cfg(unix)'.dependencies]
libc = \"0.2\"

[workspace]
"
    )
}

/// `cargo xtask ARGS`, in process, as `tests/tests/support/three_services.rs` runs it.
fn xtask(args: &[String]) -> Result<String, String> {
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

/// Writes `contents` to `file` unless it holds them already (an unchanged file keeps its time,
/// so cargo does not rebuild).
fn write_if_changed(file: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(file).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder)
            .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
    }
    std::fs::write(file, contents).map_err(|e| format!("cannot write {}: {e}", file.display()))
}

fn path(path: &Path) -> String {
    path.display().to_string()
}
