//! The runtime crate (`codegen/runtime`, `smithy-rust-runtime`) as the generator and users see it:
//! the generator builds only its std-only `primitives`, and `cargo xtask export-runtime` writes out
//! exactly the crate in the tree.

use std::path::Path;
use std::process::Command;

use tests::{repo_root, runtime_dir, temp_path};

/// `cargo tree` of one package's normal dependencies, as the workspace resolves them for it alone.
fn tree(package: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal",
            "--prefix",
            "none",
            "-p",
            package,
        ])
        .current_dir(repo_root())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn the_generator_builds_the_runtimes_primitives_without_its_http_stack() {
    let generator = tree("codegen");
    assert!(generator.contains("smithy-rust-runtime"), "{generator}");
    for client_only in ["hyper", "tokio", "rustls", "aws-sigv4", "tracing"] {
        assert!(
            !generator.lines().any(|line| line.starts_with(client_only)),
            "the generator's build pulls in `{client_only}`:\n{generator}"
        );
    }
    // The generated crate does get the client.
    let sfn = tree("sfn");
    for client in ["hyper", "tokio", "rustls", "aws-sigv4"] {
        assert!(
            sfn.lines().any(|line| line.starts_with(client)),
            "{client} missing from sfn's tree:\n{sfn}"
        );
    }
}

/// Every file under `dir`, relative, with `/`.
fn files_under(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn export_runtime_writes_the_runtime_crate_of_the_tree() {
    let out = temp_path("export-runtime");
    let args: Vec<String> = ["export-runtime", "--out", out.to_str().unwrap()]
        .map(str::to_owned)
        .to_vec();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&repo_root(), &args, &mut stdout, &mut stderr);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
    let name = format!("smithy-rust-runtime {}", codegen::runtime_version());
    assert!(String::from_utf8_lossy(&stdout).contains(&name));

    let runtime = runtime_dir();
    let mut expected: Vec<String> = files_under(&runtime.join("src"))
        .into_iter()
        .map(|file| format!("src/{file}"))
        .collect();
    expected.push("Cargo.toml".to_owned());
    expected.sort();
    assert_eq!(files_under(&out), expected);
    for file in &expected {
        assert_eq!(
            std::fs::read_to_string(out.join(file)).unwrap(),
            std::fs::read_to_string(runtime.join(file)).unwrap(),
            "{file} differs from codegen/runtime/{file}"
        );
    }
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn export_runtime_needs_an_out_folder() {
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(
        &repo_root(),
        &["export-runtime".to_owned()],
        &mut stdout,
        &mut stderr,
    );
    assert_eq!(code, 2);
    assert!(String::from_utf8_lossy(&stderr).contains("`export-runtime` needs `--out DIR`"));
}

/// The committed crate and the test crates compile the runtime in the tree, not a copy: an edit
/// to `codegen/runtime` is what the next `cargo test` tests. (Crates the tests write elsewhere get
/// the same folder by `tests::write_crate`.)
#[test]
fn generated_crates_build_the_runtime_in_the_tree() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args([
            "metadata",
            "--offline",
            "--format-version",
            "1",
            "--no-deps",
        ])
        .current_dir(repo_root())
        .output()
        .expect("cargo runs");
    assert!(output.status.success());
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let runtime = runtime_dir().canonicalize().unwrap();
    let packages = metadata["packages"].as_array().unwrap();
    for name in ["sfn", "tests", "codegen"] {
        let package = packages.iter().find(|p| p["name"] == name).unwrap();
        let dependency = package["dependencies"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["name"] == "smithy-rust-runtime")
            .unwrap_or_else(|| panic!("{name} does not depend on the runtime"));
        let path = Path::new(dependency["path"].as_str().expect("a path dependency"));
        assert_eq!(path.canonicalize().unwrap(), runtime, "{name}");
    }
    let written = temp_path("runtime-path");
    tests::write_crate(
        &written,
        [(
            "Cargo.toml",
            "[dependencies]\nsmithy-rust-runtime = { version = \"0.4\", path = \"../../codegen/runtime\" }\n",
        )],
    );
    let manifest = std::fs::read_to_string(written.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains(&format!("path = {:?}", runtime_dir().display().to_string())),
        "{manifest}"
    );
    std::fs::remove_dir_all(&written).unwrap();
}
