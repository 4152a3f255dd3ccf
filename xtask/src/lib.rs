//! Repository automation. `cargo xtask codegen` is the only code that writes generated files.
//! The same commands, installed with `cargo install --path xtask --bin smithy-rust-codegen`, are
//! the `smithy-rust-codegen` program ([`run_installed`]), for projects outside a checkout.
//!
//! The command logic lives in this library so that tests run exactly what CI runs (the
//! rust-analyzer convention: one `codegen(check)` path for the CLI, CI and `#[test]`).

mod cli;
mod codegen;
mod files;

pub use cli::{run, run_installed};
pub use codegen::plan_repo;
pub use files::CrateOutput;

use std::path::PathBuf;

/// The repository root: the folder above `xtask/`.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
