//! What one shared runtime crate saves when a project uses several services, against a runtime
//! copied into each crate: `cargo bench -p tests --bench runtime_build` (a program, not a test).
//!
//! The three-service program of `tests/tests/e2e_rust_only.rs` (SFN, SQS and DynamoDB clients
//! from the official models, `tests/e2e_rust/main.rs`; `tests/tests/support/three_services.rs`)
//! is generated twice under a fresh temporary folder:
//!
//! - **shared**: `export-runtime`, then each crate with `--runtime-path ../smithy-rust-runtime`:
//!   one runtime crate, one `Config` for the three clients;
//! - **inline**: each crate with `--inline-runtime`: three copies of the runtime's modules (the
//!   program's `inline-runtimes` feature makes one `Config` per client).
//!
//! Each gets a clean `cargo build --release --offline --message-format=json` in a target folder
//! of its own (nothing cached but the downloaded sources), with the workspace's `Cargo.lock` and
//! no `RUSTFLAGS`, as a user's first build. Reported per build:
//!
//! - **CPU s**: user + system time of the cargo process and everything it waited for (rustc,
//!   build scripts), from this process's `cutime` + `cstime` before and after
//!   (`/proc/self/stat` fields 16 and 17, clock ticks taken as 1/100 s; Linux only, `n/a`
//!   elsewhere);
//! - **wall s**: elapsed time (on a busy machine this varies far more than CPU time);
//! - **crates**: distinct packages in cargo's `compiler-artifact` messages (dependencies, the
//!   runtime, the generated crates and the program);
//! - **binary**: the size of the release binary.
//!
//! Then the ratios shared / inline, and the packages only one of the two builds compiled.

#[path = "../tests/support/three_services.rs"]
mod three_services;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use three_services::{Runtime, PROGRAM};

/// One clean build's figures.
struct Build {
    label: &'static str,
    cpu: Option<Duration>,
    wall: Duration,
    packages: BTreeSet<String>,
    binary_bytes: u64,
}

fn main() {
    let Some(models) = tests::aws_models_dir() else {
        println!("runtime_build bench SKIPPED: the official AWS models are missing");
        return;
    };
    if children_cpu().is_none() {
        println!("(no /proc/self/stat here: CPU shows n/a)");
    }
    let root = tests::temp_path("runtime-build-bench");
    println!(
        "runtime_build bench: {}; clean release builds under {}",
        three_services::SERVICES
            .iter()
            .map(|s| format!("{} ({} operations)", s.package, s.operations.len()))
            .collect::<Vec<_>>()
            .join(", "),
        root.display()
    );
    let mut builds = Vec::new();
    for (label, runtime) in [("shared", Runtime::Shared), ("inline", Runtime::Inline)] {
        match build(&models, &root.join(label), label, runtime) {
            Ok(build) => {
                print_build(&build);
                builds.push(build);
            }
            Err(why) => {
                println!("{label}: FAILED: {why}");
                let _ = std::fs::remove_dir_all(&root);
                std::process::exit(1);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    let [shared, inline] = builds.as_slice() else {
        unreachable!("two builds")
    };
    print_comparison(shared, inline);
}

/// Generates the program under `root` with `runtime` and builds it from clean.
fn build(
    models: &Path,
    root: &Path,
    label: &'static str,
    runtime: Runtime,
) -> Result<Build, String> {
    let program = three_services::generate_program(models, root, runtime)?;
    let lock = tests::repo_root().join("Cargo.lock");
    std::fs::copy(&lock, program.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;
    let target = root.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--release", "--offline", "--message-format=json"])
        .current_dir(&program)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS");
    if runtime == Runtime::Inline {
        command.args(["--features", "inline-runtimes"]);
    }
    let cpu_before = children_cpu();
    let started = Instant::now();
    let output = command
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let wall = started.elapsed();
    let cpu = children_cpu()
        .zip(cpu_before)
        .map(|(after, before)| after.saturating_sub(before));
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "cargo build --release failed with {}:\n{}\n{stdout}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let packages = compiled_packages(&stdout)?;
    let binary = target.join(format!("release/{PROGRAM}{}", std::env::consts::EXE_SUFFIX));
    let binary_bytes = std::fs::metadata(&binary)
        .map_err(|e| format!("no binary at {}: {e}", binary.display()))?
        .len();
    Ok(Build {
        label,
        cpu,
        wall,
        packages,
        binary_bytes,
    })
}

/// `name version` of every package in a `compiler-artifact` message (a package with a build
/// script has several artifacts: counted once).
fn compiled_packages(messages: &str) -> Result<BTreeSet<String>, String> {
    let mut packages = BTreeSet::new();
    for line in messages.lines().filter(|line| line.starts_with('{')) {
        let message: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| format!("cargo printed a line that is not JSON ({e}): {line}"))?;
        if message["reason"] != "compiler-artifact" {
            continue;
        }
        let id = message["package_id"]
            .as_str()
            .ok_or_else(|| format!("an artifact without a package id: {line}"))?;
        packages.insert(package_name(id));
    }
    Ok(packages)
}

/// `name version` from a package id: `registry+https://...#name@1.2.3`,
/// `path+file:///tmp/x/sfn-official#0.1.0` (name = folder), or the older `name 1.2.3 (source)`.
fn package_name(id: &str) -> String {
    if let Some((source, fragment)) = id.rsplit_once('#') {
        return match fragment.split_once('@') {
            Some((name, version)) => format!("{name} {version}"),
            None => {
                let folder = source.rsplit('/').next().unwrap_or(source);
                format!("{folder} {fragment}")
            }
        };
    }
    id.split(' ').take(2).collect::<Vec<_>>().join(" ")
}

/// User + system time of this process's waited-for children so far: `cutime` and `cstime`,
/// fields 16 and 17 of `/proc/self/stat`, in clock ticks of 1/100 s.
fn children_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces: field 3 first.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    let ticks = ticks(16)? + ticks(17)?;
    Some(Duration::from_millis(ticks * 10))
}

fn print_build(build: &Build) {
    println!(
        "{}: CPU {} s, wall {:.1} s, {} crates compiled, binary {:.2} MB ({} bytes)",
        build.label,
        build.cpu.map_or_else(
            || "n/a".to_owned(),
            |cpu| format!("{:.1}", cpu.as_secs_f64())
        ),
        build.wall.as_secs_f64(),
        build.packages.len(),
        build.binary_bytes as f64 / 1e6,
        build.binary_bytes
    );
}

fn print_comparison(shared: &Build, inline: &Build) {
    let ratio = |a: f64, b: f64| format!("{:.2}", a / b);
    println!();
    println!(
        "{:<8} {:>8} {:>8} {:>7} {:>12}",
        "", "CPU s", "wall s", "crates", "binary MB"
    );
    for build in [shared, inline] {
        println!(
            "{:<8} {:>8} {:>8.1} {:>7} {:>12.2}",
            build.label,
            build.cpu.map_or_else(
                || "n/a".to_owned(),
                |cpu| format!("{:.1}", cpu.as_secs_f64())
            ),
            build.wall.as_secs_f64(),
            build.packages.len(),
            build.binary_bytes as f64 / 1e6
        );
    }
    println!(
        "{:<8} {:>8} {:>8} {:>7} {:>12}",
        "ratio",
        shared.cpu.zip(inline.cpu).map_or_else(
            || "n/a".to_owned(),
            |(s, i)| ratio(s.as_secs_f64(), i.as_secs_f64())
        ),
        ratio(shared.wall.as_secs_f64(), inline.wall.as_secs_f64()),
        ratio(shared.packages.len() as f64, inline.packages.len() as f64),
        ratio(shared.binary_bytes as f64, inline.binary_bytes as f64)
    );
    println!("(ratio: shared / inline; below 1 means the shared runtime costs less)");
    let only = |a: &Build, b: &Build| {
        let names: Vec<&str> = a
            .packages
            .difference(&b.packages)
            .map(String::as_str)
            .collect();
        if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        }
    };
    println!("only in shared: {}", only(shared, inline));
    println!("only in inline: {}", only(inline, shared));
}
