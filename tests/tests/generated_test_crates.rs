//! The generated crates committed under `tests/generated/` for the tests and benches (the
//! restJson1 `rest_bindings` of the hostile-response table, Lambda's `GetFunction` of the client
//! bench) are what the generator makes of their models now: the check `cargo xtask codegen
//! --check` runs for `generated/`, with the command that regenerates each.

use std::path::Path;

use tests::{aws_models_dir, repo_root};

/// `cargo xtask codegen --model MODEL --out DIR [--operation OP] --check` in the repository.
fn check(model: &Path, out: &str, operations: &[&str]) {
    let root = repo_root();
    let mut args = vec![
        "codegen".to_owned(),
        "--model".to_owned(),
        model.display().to_string(),
        "--out".to_owned(),
        root.join(out).display().to_string(),
    ];
    for op in operations {
        args.extend(["--operation".to_owned(), (*op).to_owned()]);
    }
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&root, &args, &mut stdout, &mut stderr);
    assert_eq!(
        code,
        0,
        "{out} is stale; regenerate it with `cargo xtask {}` (without --check) and commit it:\n{}",
        args.join(" "),
        String::from_utf8_lossy(&stderr)
    );
}

#[test]
fn rest_bindings_is_fresh() {
    let model = repo_root().join("tests/generated/rest_bindings.json");
    check(&model, "tests/generated/rest_bindings", &[]);
}

/// Generated from `../shared/aws-models/lambda.json` (the header names it relative to the
/// crate, so the models must sit beside the repository, as CI has them).
#[test]
fn lambda_get_function_is_fresh() {
    let Some(models) = aws_models_dir() else {
        return;
    };
    check(
        &models.join("lambda.json"),
        "tests/generated/lambda",
        &["GetFunction"],
    );
}
