//! Argument parsing and exit codes, for `cargo xtask` in a checkout and for the installed
//! `smithy-rust-codegen` (the same commands and flags; see [`run_installed`]).

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::codegen::{self, Job, RuntimeChoice};

/// Which program reads the command line.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Program {
    /// `cargo xtask` in a checkout: the repository's crates, and its runtime by default.
    Xtask,
    /// `smithy-rust-codegen` installed with `cargo install`: there is no checkout, so it generates
    /// one model at a time and the runtime is named on the command line.
    Installed,
}

/// The help text of a program.
fn help(program: Program) -> String {
    let (title, usage, modes, runtime_default) = match program {
        Program::Xtask => (
            "cargo xtask codegen: generate Rust client crates from Smithy JSON AST models",
            "    cargo xtask codegen [--check]
    cargo xtask codegen --model FILE --out DIR [--service SHAPE_ID] [--operation NAME[,NAME...]]
                        [--package NAME] [--runtime-path PATH | --inline-runtime] [--check]
    cargo xtask export-runtime --out DIR",
            "    (no --model)      Regenerate every crate of the repository: each models/NAME.json becomes the
                      crate generated/NAME (package NAME). Stale files under generated/ are deleted.
    --model FILE      Generate one crate from any model into DIR (created if missing). Files in DIR
                      that an earlier run generated but this one does not are deleted; other files
                      are left alone.",
            "Default: this repository's codegen/runtime.",
        ),
        Program::Installed => (
            "smithy-rust-codegen: generate a Rust client crate from a Smithy JSON AST model",
            "    smithy-rust-codegen --model FILE --out DIR (--runtime-path PATH | --inline-runtime)
                        [--service SHAPE_ID] [--operation NAME[,NAME...]] [--package NAME] [--check]
    smithy-rust-codegen export-runtime --out DIR
    (`smithy-rust-codegen codegen ...` is the same as `smithy-rust-codegen ...`: the flags of
    `cargo xtask codegen --model ...` in a checkout.)",
            "    --model FILE      Generate one crate from the model into DIR (created if missing). Files in DIR
                      that an earlier run generated but this one does not are deleted; other files
                      are left alone.",
            "One of --runtime-path and --inline-runtime is required.",
        ),
    };
    format!(
        "\
{title}

USAGE:
{usage}

MODES:
{modes}

OPTIONS:
    --check           Change nothing. Exit 1 with a short diff and the fix if the files on disk
                      differ from what would be generated (including stale extra files).
    --model FILE      The Smithy 2.0 JSON AST model to read. The generated files' header names it
                      by its path relative to DIR.
    --out DIR         The crate folder to write (required with --model).
    --service ID      The service to generate, by shape id or name (needed when the model has
                      several services).
    --operation NAME[,NAME...]
                      Generate only these operations and the shapes they reach (repeatable), by
                      shape name (SendTaskFailure) or in snake case (send_task_failure). A name
                      that matches none is refused with the closest one suggested.
                      Default: every operation of the service.
    --package NAME    The package name of the crate (default: the --out folder's name).
    --runtime-path PATH
                      Where the crate finds the runtime crate (smithy-rust-runtime), written into
                      its Cargo.toml as a path dependency, relative to DIR (or absolute), e.g. a
                      copy written by export-runtime. Crates generated with the same runtime share
                      one Config, one credentials provider and one HTTP client.
                      {runtime_default}
    --inline-runtime  Copy the runtime's modules into the crate instead: it needs no other
                      source, but it has a runtime (and a Config type) of its own.
    -h, --help        Print this help.

EXPORT-RUNTIME:
    export-runtime --out DIR
                      Write the runtime crate (Cargo.toml and src/) into DIR, for a project that
                      keeps one copy beside its generated crates (then generate them with
                      --runtime-path pointing at DIR). Existing files there are replaced.

EXIT CODES:
    0  success (with --check: everything is up to date)
    1  the model is invalid or unsupported (one line naming the shape), or --check found drift
    2  the command line is wrong
"
    )
}

/// Runs `cargo xtask ARGS` against the repository at `root`; returns the process exit code.
pub fn run(root: &Path, args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_as(Program::Xtask, Some(root), args, out, err)
}

/// Runs `smithy-rust-codegen ARGS`, the generator installed with `cargo install`: the commands
/// and flags of `cargo xtask` (`codegen` may be left out), but no checkout. Without one, it
/// cannot regenerate `generated/`, and a crate's runtime must be named (`--runtime-path`, say a
/// copy written by `export-runtime`, or `--inline-runtime`) rather than default to the checkout's.
pub fn run_installed(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    run_as(Program::Installed, None, args, out, err)
}

fn run_as(
    program: Program,
    root: Option<&Path>,
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    match parse(program, args) {
        Ok(Command::Help) => {
            let _ = out.write_all(help(program).as_bytes());
            0
        }
        Ok(Command::Codegen { job, check }) => codegen::run(root, &job, check, out, err),
        Ok(Command::ExportRuntime { out: dir }) => codegen::export_runtime(&dir, out, err),
        Err(message) => {
            let command = match program {
                Program::Xtask => "cargo xtask --help",
                Program::Installed => "smithy-rust-codegen --help",
            };
            let _ = writeln!(err, "error: {message}\n\nRun `{command}` for usage.");
            2
        }
    }
}

enum Command {
    Help,
    Codegen { job: Job, check: bool },
    ExportRuntime { out: PathBuf },
}

fn parse(program: Program, args: &[String]) -> Result<Command, String> {
    // The installed program's default command is `codegen`: `smithy-rust-codegen --model ...`.
    if program == Program::Installed && args.first().is_some_and(|a| a.starts_with("--")) {
        let mut with_command = vec!["codegen".to_owned()];
        with_command.extend_from_slice(args);
        return parse(program, &with_command);
    }
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
            "--operation" => {
                // A comma list (`--operation A,B`) is the same as one flag per name.
                let list = value("--operation")?;
                let names = list.split(',').map(str::trim).filter(|n| !n.is_empty());
                let before = operations.len();
                operations.extend(names.map(str::to_owned));
                if operations.len() == before {
                    return Err(format!("`--operation` needs a name, not `{list}`"));
                }
            }
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
            if program == Program::Installed {
                return Err(
                    "`--model FILE --out DIR` are needed (regenerating a checkout's \
                     generated/ is `cargo xtask codegen` in that checkout)"
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
                (None, false) if program == Program::Installed => {
                    return Err(
                        "say where the crate gets its runtime: `--runtime-path PATH` \
                         (a runtime crate written by `smithy-rust-codegen export-runtime --out \
                         DIR`, shared by the crates generated against it) or `--inline-runtime` \
                         (a copy inside the crate)"
                            .to_owned(),
                    )
                }
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
