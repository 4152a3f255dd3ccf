//! The installable generator, `smithy-rust-codegen`: `cargo install --path xtask --bin
//! smithy-rust-codegen` into a temporary root (as on a clean machine: offline, from the local
//! registry cache, run outside the repository), then the installed binary exports the runtime and
//! generates a crate into a project outside the repository, and that crate compiles.
//!
//! README's "Use it in your project" is run as written: its `smithy-rust-codegen` commands with
//! the installed binary in a project made by `cargo new`, its manifest lines and its program,
//! built, and run against moto (calls to SQS and Step Functions from one configuration).
//!
//! Also here, in process (`xtask::run_installed`, what the binary runs): what the installed
//! program refuses without a checkout, and `--operation` as comma lists, in snake case and with a
//! suggestion on a typo.

use std::path::{Path, PathBuf};
use std::process::Command;

use tests::moto::{self, Moto};
use tests::{
    aws_models_dir, cargo_in, generated_target_dir, install_target_dir, repo_root, temp_path,
};

/// `cargo install --path xtask --bin smithy-rust-codegen --root ROOT`, offline, from a folder
/// outside the repository (so none of its cargo configuration applies). The build goes to
/// `target/install` (see [`install_target_dir`]), a debug build, so that runs after the first
/// reuse its compiled dependencies; a user's `cargo install` builds in a temporary folder.
fn install(root: &Path) -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let outside = temp_path("install-cwd");
    std::fs::create_dir_all(&outside).unwrap();
    let output = Command::new(cargo)
        .args(["install", "--path"])
        .arg(repo_root().join("xtask"))
        .args(["--bin", "smithy-rust-codegen", "--root"])
        .arg(root)
        .args(["--offline", "--locked", "--debug", "--quiet"])
        .current_dir(&outside)
        .env("CARGO_TARGET_DIR", install_target_dir())
        .env("CARGO_INCREMENTAL", "0")
        .env_remove("CARGO_MAKEFLAGS")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let _ = std::fs::remove_dir_all(&outside);
    assert!(
        output.status.success(),
        "cargo install failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let binary = root.join("bin").join(format!(
        "smithy-rust-codegen{}",
        std::env::consts::EXE_SUFFIX
    ));
    assert!(binary.is_file(), "{} was not installed", binary.display());
    // Only the generator: the repository's own `xtask` binary stays out of the user's PATH.
    let installed: Vec<_> = std::fs::read_dir(root.join("bin"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(installed.len(), 1, "installed: {installed:?}");
    binary
}

/// Runs the installed binary in `dir`; its stdout, or a message with both outputs.
fn run(binary: &Path, dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new(binary)
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the installed binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "`smithy-rust-codegen {}` exited with {}:\n{stdout}{stderr}",
            args.join(" "),
            output.status
        ))
    }
}

#[test]
fn the_installed_generator_generates_a_crate_that_compiles_outside_the_repository() {
    let root = temp_path("install-root");
    let binary = install(&root);

    // A project of the user's own, outside the repository, with its model in it.
    let project = temp_path("install-project");
    std::fs::create_dir_all(project.join("models")).unwrap();
    std::fs::copy(
        repo_root().join("models/sfn.json"),
        project.join("models/sfn.json"),
    )
    .unwrap();
    let help = run(&binary, &project, &["--help"]).unwrap_or_else(|e| panic!("{e}"));
    assert!(help.starts_with("smithy-rust-codegen: "), "{help}");

    run(
        &binary,
        &project,
        &["export-runtime", "--out", "smithy-rust-runtime"],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let generated = run(
        &binary,
        &project,
        &[
            "--model",
            "models/sfn.json",
            "--out",
            "sfn",
            "--operation",
            "send_task_failure",
            "--runtime-path",
            "../smithy-rust-runtime",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.starts_with("codegen: "), "{generated}");

    // The header names the model as the command line did, relative to the crate; the runtime is
    // the exported one.
    let manifest = std::fs::read_to_string(project.join("sfn/Cargo.toml")).unwrap();
    assert!(
        manifest.starts_with(
            "# @generated by `cargo xtask codegen` from ../models/sfn.json. Do not edit by hand.\n"
        ),
        "{manifest}"
    );
    assert!(
        manifest.contains("path = \"../smithy-rust-runtime\""),
        "{manifest}"
    );
    let checkout = repo_root().display().to_string();
    for file in [
        "sfn/Cargo.toml",
        "sfn/src/lib.rs",
        "smithy-rust-runtime/Cargo.toml",
    ] {
        let text = std::fs::read_to_string(project.join(file)).unwrap();
        assert!(!text.contains(&checkout), "{file} names the checkout");
    }

    cargo_in(&project.join("sfn"), &["build", "--lib"])
        .unwrap_or_else(|e| panic!("the crate the installed generator wrote does not build:\n{e}"));

    // Run again unchanged, with --check: nothing to do.
    let check = run(
        &binary,
        &project,
        &[
            "codegen",
            "--model",
            "models/sfn.json",
            "--out",
            "sfn",
            "--operation",
            "SendTaskFailure",
            "--runtime-path",
            "../smithy-rust-runtime",
            "--check",
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(check.contains("up to date"), "{check}");

    let _ = std::fs::remove_dir_all(&project);
    let _ = std::fs::remove_dir_all(&root);
}

/// What README's "Use it in your project" does.
struct Walkthrough {
    /// The arguments of each `smithy-rust-codegen` command, `$MODELS` as written.
    commands: Vec<Vec<String>>,
    /// The lines appended to the project's `Cargo.toml`.
    manifest: String,
    /// `src/main.rs`.
    program: String,
}

/// Reads README's "Use it in your project": the `smithy-rust-codegen` lines of its shell blocks
/// (continued lines joined), the here-document appended to `Cargo.toml`, and its Rust block.
fn readme_walkthrough() -> Walkthrough {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let start = readme
        .find("\n## Use it in your project\n")
        .expect("README has the section");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |i| i + 3)];
    let (mut commands, mut manifest, mut program) = (Vec::new(), String::new(), String::new());
    let mut block: Option<&str> = None;
    let mut in_heredoc = false;
    let mut pending = String::new();
    for line in section.lines() {
        match (block, line) {
            (None, fence) if fence.starts_with("```") => block = Some(&fence[3..]),
            (Some(_), "```") => block = None,
            (Some("rust"), code) => {
                program.push_str(code);
                program.push('\n');
            }
            (Some("sh"), "TOML") if in_heredoc => in_heredoc = false,
            (Some("sh"), text) if in_heredoc => {
                manifest.push_str(text);
                manifest.push('\n');
            }
            (Some("sh"), "cat >> Cargo.toml <<'TOML'") => in_heredoc = true,
            (Some("sh"), text) => {
                pending.push_str(text.trim_end_matches('\\'));
                pending.push(' ');
                if text.ends_with('\\') {
                    continue;
                }
                let words: Vec<String> = pending.split_whitespace().map(str::to_owned).collect();
                pending.clear();
                if words.first().is_some_and(|w| w == "smithy-rust-codegen") {
                    commands.push(words[1..].to_vec());
                }
            }
            _ => {}
        }
    }
    assert!(
        commands.len() >= 3 && !manifest.is_empty() && !program.is_empty(),
        "README's walkthrough was not found: {commands:?}"
    );
    Walkthrough {
        commands,
        manifest,
        program,
    }
}

#[test]
fn the_readme_walkthrough_builds_a_two_service_program_whose_calls_pass_on_moto() {
    let Some(models) = aws_models_dir() else {
        return;
    };
    let walkthrough = readme_walkthrough();
    let root = temp_path("readme-root");
    let binary = install(&root);

    // `cargo new myapp && cd myapp`, outside the repository.
    let parent = temp_path("readme-project");
    std::fs::create_dir_all(&parent).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let created = Command::new(cargo)
        .args(["new", "--vcs", "none", "--quiet", "myapp"])
        .current_dir(&parent)
        .output()
        .unwrap();
    assert!(created.status.success(), "{created:?}");
    let app = parent.join("myapp");

    for args in &walkthrough.commands {
        let args: Vec<String> = args
            .iter()
            .map(|a| a.replace("$MODELS", &models.display().to_string()))
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&binary, &app, &args).unwrap_or_else(|e| panic!("{e}"));
    }
    let manifest = app.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.ends_with("[dependencies]\n"), "{text}");
    text.push_str(&walkthrough.manifest);
    std::fs::write(&manifest, text).unwrap();
    std::fs::write(app.join("src/main.rs"), &walkthrough.program).unwrap();
    cargo_in(&app, &["build"]).unwrap_or_else(|e| panic!("README's program does not build:\n{e}"));

    let Some(moto) = Moto::start() else { return };
    let program =
        generated_target_dir().join(format!("debug/myapp{}", std::env::consts::EXE_SUFFIX));
    let output = Command::new(&program)
        .env("AWS_ENDPOINT_URL", moto.endpoint())
        .env("AWS_REGION", moto::REGION)
        .env("AWS_ACCESS_KEY_ID", moto::ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", moto::SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", app.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", app.join("no-credentials"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL_SFN")
        .env_remove("AWS_ENDPOINT_URL_SQS")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "README's program failed with {}:\n{}{stdout}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout,
        format!(
            "queue: {}/123456789012/orders\nstate machines: 0\n",
            moto.endpoint()
        )
    );
    drop(moto);
    let _ = std::fs::remove_dir_all(&parent);
    let _ = std::fs::remove_dir_all(&root);
}

/// `smithy-rust-codegen ARGS` in process: exit code, stdout, stderr.
fn installed(args: &[&str]) -> (u8, String, String) {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::run_installed(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn fixture(name: &str) -> String {
    repo_root()
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn without_a_checkout_the_runtime_is_named_and_only_one_model_is_generated() {
    let out = temp_path("installed-refusals");
    let out_arg = out.display().to_string();
    let model = fixture("empty_output.json");

    let (code, _, err) = installed(&["--model", &model, "--out", &out_arg]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("error: say where the crate gets its runtime: `--runtime-path PATH`"),
        "{err}"
    );
    assert!(err.contains("`--inline-runtime`"), "{err}");
    assert!(err.contains("smithy-rust-codegen --help"), "{err}");

    let (code, _, err) = installed(&["codegen"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`--model FILE --out DIR` are needed"), "{err}");
    let (code, _, err) = installed(&["--check"]);
    assert_eq!(code, 2, "{err}");
    assert!(!out.exists());

    // `codegen` may be left out or given; the flags are `cargo xtask codegen`'s.
    for command in [&[][..], &["codegen"][..]] {
        let mut args = command.to_vec();
        args.extend(["--model", &model, "--out", &out_arg, "--inline-runtime"]);
        let (code, stdout, err) = installed(&args);
        assert_eq!(code, 0, "{err}");
        assert!(stdout.starts_with("codegen: "), "{stdout}");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn operations_by_comma_list_and_snake_case_and_a_suggestion_on_a_typo() {
    let out = temp_path("installed-operations");
    let out_arg = out.display().to_string();
    let model = fixture("empty_output.json");
    let generate = |operations: &[&str]| {
        let mut args = vec!["--model", &model, "--out", &out_arg, "--inline-runtime"];
        for operation in operations {
            args.extend(["--operation", operation]);
        }
        installed(&args)
    };
    let modules = || {
        let mut names: Vec<String> = std::fs::read_dir(out.join("src/operation"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };

    let (code, _, err) = generate(&["empty_io, Ping", "only_errors"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(modules(), ["empty_io.rs", "only_errors.rs", "ping.rs"]);

    let (code, _, err) = generate(&["Pong"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "error: {model}: fixture.empty#Quiet: has no operation `Pong`; did you mean `Ping`?\n"
        )
    );
    let (code, _, err) = generate(&["unit-io,shared_a,SharedB"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(modules(), ["shared_a.rs", "shared_b.rs", "unit_io.rs"]);
    let (code, _, err) = generate(&[","]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: `--operation` needs a name, not `,`"),
        "{err}"
    );
    std::fs::remove_dir_all(&out).unwrap();
}
