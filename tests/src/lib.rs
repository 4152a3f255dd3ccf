//! Helpers shared by the integration tests in `tests/tests/`.

use std::path::{Path, PathBuf};

/// The repository root (the folder holding the workspace `Cargo.toml`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits inside the repository")
        .to_path_buf()
}

/// The environment variable that points the tests at another copy of the official AWS models.
pub const AWS_MODELS_ENV: &str = "AWS_MODELS_DIR";

/// Where the official AWS Smithy models live: `$AWS_MODELS_DIR`, else `../shared/aws-models`
/// beside the repository.
///
/// Returns `None` (after saying why on stderr) when the folder is missing on a developer machine,
/// so a test can skip itself. Under `CI=true` a missing folder is a hard failure: CI must never
/// pass by silently skipping the comparison with the official models.
pub fn aws_models_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(AWS_MODELS_ENV) {
        Some(dir) => PathBuf::from(dir),
        None => repo_root().join("../shared/aws-models"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let why = format!(
        "the official AWS models are missing: {} is not a folder (set {AWS_MODELS_ENV} to point elsewhere)",
        dir.display()
    );
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why}; under CI=true this is an error");
    }
    eprintln!("SKIPPED: {why}");
    None
}

/// Reads one official AWS model file, e.g. `aws_model("sfn.json")`; `None` as for [`aws_models_dir`].
pub fn aws_model(file: &str) -> Option<String> {
    let path = aws_models_dir()?.join(file);
    Some(
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())),
    )
}
