//! Argument parsing and exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codegen::{self, Job, RuntimeChoice};

/// `cargo xtask --help`.
pub const HELP: &str = "\
cargo xtask codegen: generate Rust client crates from Smithy JSON AST models

USAGE:
    cargo xtask codegen [--check]
    cargo xtask codegen --model FILE --out DIR [--service SHAPE_ID] [--operation NAME ...]
                        [--package NAME] [--runtime-path PATH | --inline-runtime] [--check]
    cargo xtask export-runtime --out DIR

MODES:
    (no --model)      Regenerate every crate of the repository: each models/NAME.json becomes the
                      crate generated/NAME (package NAME). Stale files under generated/ are deleted.
    --model FILE      Generate one crate from any model into DIR (created if missing). Files in DIR
                      that an earlier run generated but this one does not are deleted; other files
                      are left alone.

OPTIONS:
    --check           Change nothing. Exit 1 with a short diff and the fix if the files on disk
                      differ from what would be generated (including stale extra files).
    --model FILE      The Smithy 2.0 JSON AST model to read.
    --out DIR         The crate folder to write (required with --model).
    --service ID      The service to generate, by shape id or name (needed when the model has
                      several services).
    --operation NAME  Generate only this operation and the shapes it reaches (repeatable).
                      Default: every operation of the service.
    --package NAME    The package name of the crate (default: the --out folder's name).
    --runtime-path PATH
                      Where the crate finds the runtime crate (smithy-rust-runtime), written into
                      its Cargo.toml as a path dependency, relative to DIR (or absolute). Crates
                      generated with the same runtime share one Config, one credentials provider
                      and one HTTP client. Default: this repository's codegen/runtime.
    --inline-runtime  Copy the runtime's modules into the crate instead: it needs no other
                      source, but it has a runtime (and a Config type) of its own.

EXPORT-RUNTIME:
    cargo xtask export-runtime --out DIR
                      Write the runtime crate (Cargo.toml and src/) into DIR, for a project that
                      keeps one copy beside its generated crates (then generate them with
                      --runtime-path pointing at DIR). Existing files there are replaced.
    -h, --help        Print this help.

EXIT CODES:
    0  success (with --check: everything is up to date)
    1  the model is invalid or unsupported (one line naming the shape), or --check found drift
    2  the command line is wrong
";

/// Runs `cargo xtask ARGS` against the repository at `root`; returns the process exit code.
pub fn run(root: &Path, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    match parse(args) {
        Ok(Command::Help) => {
            let _ = out.write_all(HELP.as_bytes());
            0
        }
        Ok(Command::Codegen { job, check }) => codegen::run(root, &job, check, out, err),
        Ok(Command::ExportRuntime { out: dir }) => codegen::export_runtime(&dir, out, err),
        Err(message) => {
            let _ = writeln!(
                err,
                "error: {message}\n\nRun `cargo xtask --help` for usage."
            );
            2
        }
    }
}

enum Command {
    Help,
    Codegen { job: Job, check: bool },
    ExportRuntime { out: PathBuf },
}

fn parse(args: &[String]) -> Result<Command, String> {
    let mut args = args.iter();
    match args.next().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("codegen") => {}
        Some("export-runtime") => return parse_export_runtime(args),
        Some(other) => {
            return Err(format!(
                "unknown command `{other}` (the commands are `codegen` and `export-runtime`)"
            ))
        }
    }
    let mut check = false;
    let mut model: Option<PathBuf> = None;
    let mut out: Option<PathBuf> = None;
    let mut service = None;
    let mut package = None;
    let mut operations = Vec::new();
    let mut runtime_path = None;
    let mut inline_runtime = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .filter(|v| !v.starts_with("--"))
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "--check" => check = true,
            "--model" => model = Some(PathBuf::from(value("--model")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--service" => service = Some(value("--service")?),
            "--operation" => operations.push(value("--operation")?),
            "--package" => package = Some(value("--package")?),
            "--runtime-path" => runtime_path = Some(value("--runtime-path")?),
            "--inline-runtime" => inline_runtime = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    let job = match (model, out) {
        (None, None) => {
            if service.is_some()
                || package.is_some()
                || !operations.is_empty()
                || runtime_path.is_some()
                || inline_runtime
            {
                return Err(
                    "`--service`, `--operation`, `--package`, `--runtime-path` and `--inline-runtime` need `--model` and `--out`"
                        .to_owned(),
                );
            }
            Job::Repository
        }
        (Some(model), Some(out)) => Job::One {
            model,
            out,
            service,
            operations,
            package,
            runtime: match (runtime_path, inline_runtime) {
                (Some(_), true) => {
                    return Err(
                        "`--runtime-path` and `--inline-runtime` exclude each other".to_owned()
                    )
                }
                (Some(path), false) => RuntimeChoice::Path(path),
                (None, true) => RuntimeChoice::Inline,
                (None, false) => RuntimeChoice::Repository,
            },
        },
        (Some(_), None) => return Err("`--model` needs `--out DIR`".to_owned()),
        (None, Some(_)) => return Err("`--out` needs `--model FILE`".to_owned()),
    };
    Ok(Command::Codegen { job, check })
}

fn parse_export_runtime(mut args: std::slice::Iter<'_, String>) -> Result<Command, String> {
    let mut out = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => {
                out = Some(PathBuf::from(
                    args.next()
                        .filter(|v| !v.starts_with("--"))
                        .ok_or("`--out` needs a value")?,
                ))
            }
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown option `{other}` for `export-runtime`")),
        }
    }
    let out = out.ok_or("`export-runtime` needs `--out DIR`")?;
    Ok(Command::ExportRuntime { out })
}
