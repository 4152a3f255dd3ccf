//! The real model (`models/sfn.json`): every generated file pinned by a snapshot, the committed
//! `generated/` checked fresh, and the official AWS model generating the same public API.

use tests::{aws_models_dir, compile_lib, repo_root, temp_path, write_crate};

fn generate_ours() -> Vec<codegen::GeneratedFile> {
    let text =
        std::fs::read_to_string(repo_root().join("models/sfn.json")).expect("models/sfn.json");
    codegen::generate(&text, &codegen::Settings::new("sfn", "models/sfn.json"))
        .expect("our model generates")
}

#[test]
fn every_generated_file_matches_its_snapshot() {
    let files = generate_ours();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_snapshot!("sfn_file_list", paths.join("\n"));
    for file in &files {
        let name = format!("sfn__{}", file.path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, &file.contents);
    }
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate_ours(), generate_ours());
}

/// The same check CI runs with `cargo xtask codegen --check`: fails when `generated/` is stale.
#[test]
fn committed_generated_crate_is_fresh() {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::run(
        &repo_root(),
        &["codegen".into(), "--check".into()],
        &mut out,
        &mut err,
    );
    assert_eq!(
        code,
        0,
        "generated/ is stale:\n{}",
        String::from_utf8_lossy(&err)
    );
}

/// `--check` names the file that differs, shows the change and the fix, and changes nothing.
#[test]
fn check_reports_drift_and_changes_nothing() {
    let root = temp_path("drift");
    let models = root.join("models");
    std::fs::create_dir_all(&models).unwrap();
    let model = std::fs::read_to_string(repo_root().join("models/sfn.json")).unwrap();
    std::fs::write(models.join("sfn.json"), &model).unwrap();
    let run = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = xtask::run(&root, &args, &mut out, &mut err);
        (code, String::from_utf8_lossy(&err).into_owned())
    };
    assert_eq!(run(&["codegen"]).0, 0);
    assert_eq!(run(&["codegen", "--check"]).0, 0);

    // One documentation string edited in the model: --check fails and names the file.
    let edited = model.replacen(
        "Identifies the task to report as failed.",
        "Names the task.",
        1,
    );
    assert_ne!(edited, model, "the doc string to edit is in the model");
    std::fs::write(models.join("sfn.json"), edited).unwrap();
    let lib_before =
        std::fs::read_to_string(root.join("generated/sfn/src/operation/send_task_failure.rs"))
            .unwrap();
    let (code, err) = run(&["codegen", "--check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("generated/sfn/src/operation/send_task_failure.rs: differs"),
        "{err}"
    );
    assert!(err.contains("+     /// Names the task."), "{err}");
    assert!(err.contains("run `cargo xtask codegen`"), "{err}");
    let lib_after =
        std::fs::read_to_string(root.join("generated/sfn/src/operation/send_task_failure.rs"))
            .unwrap();
    assert_eq!(lib_before, lib_after, "--check must not write");

    // A stale extra file is reported, then removed by a plain run.
    std::fs::write(models.join("sfn.json"), &model).unwrap();
    let extra = root.join("generated/sfn/src/old_module.rs");
    std::fs::write(&extra, "// left over\n").unwrap();
    let (code, err) = run(&["codegen", "--check"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("generated/sfn/src/old_module.rs: stale"),
        "{err}"
    );
    assert_eq!(run(&["codegen"]).0, 0);
    assert!(!extra.exists());
    assert_eq!(run(&["codegen", "--check"]).0, 0);
    std::fs::remove_dir_all(&root).unwrap();
}

/// The acceptance command: `cargo xtask codegen --model ../shared/aws-models/sfn.json --out DIR
/// --operation SendTaskFailure` gives a crate that compiles, with the same public API as ours.
#[test]
fn official_model_send_task_failure_compiles_with_our_api() {
    let Some(models) = aws_models_dir() else {
        return;
    };
    let out = temp_path("official-sfn").join("sfn");
    let args: Vec<String> = [
        "codegen",
        "--model",
        models.join("sfn.json").to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--operation",
        "SendTaskFailure",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = xtask::run(&repo_root(), &args, &mut stdout, &mut stderr);
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
    compile_lib(&out)
        .unwrap_or_else(|e| panic!("the official SendTaskFailure crate does not compile:\n{e}"));

    // Same API: every file equal once documentation and headers are set aside.
    let ours = generate_ours();
    for file in ours.iter().filter(|f| f.path.ends_with(".rs")) {
        let official = std::fs::read_to_string(out.join(&file.path)).unwrap_or_default();
        assert_eq!(
            without_docs(&official),
            without_docs(&file.contents),
            "{} differs beyond documentation between the official and our model",
            file.path
        );
    }
    std::fs::remove_dir_all(out.parent().unwrap()).unwrap();
}

fn without_docs(source: &str) -> String {
    source
        .lines()
        .filter(|line| {
            let t = line.trim_start();
            // The endpoint rule set is ours, written apart from the official one.
            !(t.starts_with("///")
                || t.starts_with("//!")
                || t.starts_with("// @generated")
                || t.starts_with("endpoint_rules:")
                || t.starts_with("\"{\\\"version\\\":"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Our generated crate compiles on its own (std only) with warnings denied.
#[test]
fn our_crate_compiles_standalone() {
    let dir = temp_path("ours");
    write_crate(&dir, generate_ours().iter().map(|f| (&f.path, &f.contents)));
    compile_lib(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// With `--inline-runtime`, the crate carries the runtime's modules (all but the runtime's own
/// `lib.rs`, and those it has no use for) and the runtime's dependencies instead of the runtime
/// crate; its own files are those of the shared-runtime crate but for `Cargo.toml` and `lib.rs`,
/// which are pinned here. (The inlined crates of official models are compiled by
/// `e2e_rust_only.rs`.)
#[test]
fn inline_runtime_crate_carries_the_runtime_modules() {
    let text =
        std::fs::read_to_string(repo_root().join("models/sfn.json")).expect("models/sfn.json");
    let mut settings = codegen::Settings::new("sfn", "models/sfn.json");
    settings.runtime = codegen::RuntimeDependency::Inline;
    let inline = codegen::generate(&text, &settings).expect("our model generates");
    let shared = generate_ours();

    let runtime: Vec<&str> = inline
        .iter()
        .map(|f| f.path.as_str())
        .filter(|path| codegen::is_runtime_module(path))
        .collect();
    let expected: Vec<&str> = codegen::RUNTIME_SOURCES
        .iter()
        .map(|(path, _)| *path)
        .filter(|path| {
            ![
                "src/lib.rs",
                "src/idempotency.rs",
                "src/compression.rs",
                "src/waiter/mod.rs",
                "src/waiter/path.rs",
            ]
            .contains(path)
        })
        .collect();
    assert_eq!(
        runtime, expected,
        "sfn redacts, and has no idempotency tokens, request compression or waiters"
    );
    for file in &shared {
        let twin = inline.iter().find(|f| f.path == file.path).unwrap();
        if !["Cargo.toml", "src/lib.rs"].contains(&file.path.as_str()) {
            assert_eq!(twin, file, "{} differs with the runtime inlined", file.path);
        }
    }
    for path in ["Cargo.toml", "src/lib.rs"] {
        let file = inline.iter().find(|f| f.path == path).unwrap();
        let name = format!("sfn_inline__{}", path.replace(['/', '.'], "_"));
        insta::assert_snapshot!(name, &file.contents);
    }
    let manifest = &inline
        .iter()
        .find(|f| f.path == "Cargo.toml")
        .unwrap()
        .contents;
    assert!(!manifest.contains("smithy-rust-runtime"), "{manifest}");
}
