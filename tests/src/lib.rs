//! Helpers shared by the integration tests in `tests/tests/`.

use std::path::{Path, PathBuf};
pub mod moto;

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

/// Runs a future to completion on this thread. The generated crate needs no runtime of its own,
/// and these tests need nothing more than polling until ready.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::sync::Arc;
    use std::task::{Context, Poll, Wake, Waker};

    struct ThreadWaker(std::thread::Thread);
    impl Wake for ThreadWaker {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }

    let waker = Waker::from(Arc::new(ThreadWaker(std::thread::current())));
    let mut context = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        match future.as_mut().poll(&mut context) {
            Poll::Ready(output) => return output,
            Poll::Pending => std::thread::park(),
        }
    }
}

/// The runtime crate's folder, `codegen/runtime`.
pub fn runtime_dir() -> PathBuf {
    repo_root().join("codegen/runtime")
}

/// How a manifest generated with the default settings names the runtime: relative to
/// `generated/NAME` of this repository.
const IN_REPOSITORY_RUNTIME: &str = "path = \"../../codegen/runtime\"";

/// Writes generated files, `(path, contents)` pairs, into `dir` (which must not exist yet); for
/// `codegen::GeneratedFile`s, `files.iter().map(|f| (&f.path, &f.contents))` (this helper crate
/// does not depend on the generator). A manifest generated with the default settings (the runtime
/// at `../../codegen/runtime`, right for `generated/NAME`) gets the runtime's absolute path
/// instead, so the crate builds wherever it is written.
pub fn write_crate<P: AsRef<str>, C: AsRef<str>>(
    dir: &Path,
    files: impl IntoIterator<Item = (P, C)>,
) {
    for (name, contents) in files {
        let (name, contents) = (name.as_ref(), contents.as_ref());
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("files live in folders"))
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        let contents = if name.ends_with("Cargo.toml") {
            let runtime = format!("path = {:?}", runtime_dir().display().to_string());
            contents.replace(IN_REPOSITORY_RUNTIME, &runtime)
        } else {
            contents.to_owned()
        };
        std::fs::write(&path, contents)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }
}

/// What tests run inside generated crates use beyond the crate's own dependencies (they script
/// transports with the runtime's re-exported `http`): aws-sigv4 and aws-credential-types, to
/// check signatures independently (both in the workspace's lock file, so they resolve offline).
/// Appended to the crate's manifest, whose last section is `[dev-dependencies]`.
const TEST_DEV_DEPENDENCIES: &str = "\
aws-sigv4 = { version = \"1\", default-features = false, features = [\"sign-http\", \"http1\"] }
aws-credential-types = \"1\"
";

/// The target folder generated crates build in: shared, so their dependencies build once.
///
/// Kept pruned: every test run writes its crates to new temporary folders, so their own
/// artifacts never serve again and the folder would grow with every run (it reached 28 GB over a
/// few sessions once). The first build of a test process empties it when it has grown past
/// [`GENERATED_TARGET_LIMIT`] (the dependencies then build once more, about a minute), and
/// [`cargo_in`] builds without incremental state, which was over half of it.
pub fn generated_target_dir() -> PathBuf {
    let dir = repo_root().join("target/generated-crates");
    static PRUNED: std::sync::Once = std::sync::Once::new();
    PRUNED.call_once(|| {
        if size_of(&dir) > GENERATED_TARGET_LIMIT {
            eprintln!(
                "pruning {} (over {GENERATED_TARGET_LIMIT} bytes)",
                dir.display()
            );
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
    dir
}

/// How large `target/generated-crates` may grow before a test process empties it: 6 GiB, about
/// three full runs of the suite.
pub const GENERATED_TARGET_LIMIT: u64 = 6 << 30;

/// The target folder `cargo install` builds the generator in (`tests/tests/install.rs`):
/// `target/install`, shared by runs so that its dependencies build once, and emptied first when
/// it has grown past [`INSTALL_TARGET_LIMIT`] (each build of a changed generator leaves its old
/// artifacts behind).
pub fn install_target_dir() -> PathBuf {
    let dir = repo_root().join("target/install");
    if size_of(&dir) > INSTALL_TARGET_LIMIT {
        eprintln!(
            "pruning {} (over {INSTALL_TARGET_LIMIT} bytes)",
            dir.display()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    dir
}

/// How large `target/install` may grow: 1 GiB, a few builds of the generator (one is ~250 MB).
pub const INSTALL_TARGET_LIMIT: u64 = 1 << 30;

/// The bytes of the files under `dir` (0 when it does not exist).
fn size_of(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => pending.push(entry.path()),
                Ok(meta) => total += meta.len(),
                Err(_) => {}
            }
        }
    }
    total
}

/// Runs `cargo ARGS` in the generated crate at `dir`, offline and with the workspace's lock file,
/// so the crate builds against exactly the dependency versions the repository uses. Warnings are
/// errors and every public item needs docs.
pub fn cargo_in(dir: &Path, args: &[&str]) -> Result<String, String> {
    let lock = repo_root().join("Cargo.lock");
    if !dir.join("Cargo.lock").exists() {
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Cargo's own flags go before a `--` (after it, arguments go to the tool, e.g. clippy's lints).
    let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    let output = std::process::Command::new(cargo)
        .args(&args[..split])
        .args(["--offline", "--quiet"])
        .args(&args[split..])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", generated_target_dir())
        // Each crate is built once, from a folder no later run reuses: incremental state would
        // only fill the disk.
        .env("CARGO_INCREMENTAL", "0")
        .env("RUSTFLAGS", "-D warnings -W missing_docs")
        .env("RUSTDOCFLAGS", "-D warnings")
        .env_remove("CARGO_MAKEFLAGS")
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(format!(
            "cargo {} failed:\n{}{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Builds the library crate in `dir` (a generated crate) with cargo; see [`cargo_in`].
pub fn compile_lib(dir: &Path) -> Result<(), String> {
    cargo_in(dir, &["build", "--lib"]).map(|_| ())
}

/// A fresh, empty path under the system's temporary folder, unique to this process and `label`.
pub fn temp_path(label: &str) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("codegen-tests-{}-{label}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&path);
    path
}

/// Writes a generated crate (its `files`, as for [`write_crate`]) plus `tests/{test}.rs` holding
/// `test_source`, runs that test with `cargo test` (see [`cargo_in`]), removes the crate, and
/// returns cargo's output, or the build or test failure.
pub fn run_test_in_generated_crate<P: AsRef<str>, C: AsRef<str>>(
    label: &str,
    files: impl IntoIterator<Item = (P, C)>,
    test: &str,
    test_source: &str,
) -> Result<String, String> {
    let dir = temp_path(label);
    let mut files: Vec<(String, String)> = files
        .into_iter()
        .map(|(path, contents)| (path.as_ref().to_owned(), contents.as_ref().to_owned()))
        .collect();
    for file in &mut files {
        if file.0 == "Cargo.toml" {
            let last_section = file.1.rsplit("\n[").next().unwrap_or_default();
            assert!(
                last_section.starts_with("dev-dependencies]"),
                "a generated manifest ends with its [dev-dependencies]"
            );
            file.1.push_str(TEST_DEV_DEPENDENCIES);
        }
    }
    files.push((format!("tests/{test}.rs"), test_source.to_owned()));
    write_crate(&dir, files);
    let outcome = cargo_in(&dir, &["test", "--test", test]);
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}
