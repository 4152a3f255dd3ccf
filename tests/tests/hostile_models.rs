//! Legal but hostile models (`tests/fixtures/hostile/*.json`): keywords and generated method names
//! as member names, shapes named like std and crate types, deep nesting, huge enums, nasty
//! documentation, empty structures everywhere. Each must generate, on a test thread's 2 MiB stack,
//! a crate whose library and example compile with warnings denied (`cargo check`, see
//! [`tests::cargo_in`]); the models of odd documentation (`*_docs`) also give rustdoc-clean
//! docs whose examples compile. Types nested past rustc's default recursion limit (chains of 50, 100 and
//! 200 structures, lists and maps 24 deep) make the crate set a higher one, and its example too.
//!
//! The models are written by `tests/fixtures/hostile/generate_models.py` (committed output).

use std::path::PathBuf;
use std::time::Instant;

use tests::{cargo_in, repo_root, temp_path, write_crate};

fn hostile_dir() -> PathBuf {
    repo_root().join("tests/fixtures/hostile")
}

/// The hostile models, by file stem.
fn models() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(hostile_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    // `HOSTILE_ONLY=name` narrows the run to one model, to chase a failure.
    if let Ok(only) = std::env::var("HOSTILE_ONLY") {
        names.retain(|n| *n == only);
    }
    names
}

#[test]
fn the_corpus_has_at_least_fifteen_models() {
    let names = models();
    assert!(
        names.len() >= 15,
        "only {} hostile models: {names:?}",
        names.len()
    );
}

#[test]
fn hostile_models_generate_crates_that_compile() {
    let started = Instant::now();
    let mut failures = Vec::new();
    let mut crates = Vec::new();
    for name in models() {
        let path = hostile_dir().join(format!("{name}.json"));
        let text = std::fs::read_to_string(&path).unwrap();
        let settings = codegen::Settings::new(
            format!("hostile-{}", name.replace('_', "-")),
            format!("tests/fixtures/hostile/{name}.json"),
        );
        let t = Instant::now();
        // On the test thread itself (a 2 MiB stack): the deepest models must fit in it.
        match codegen::generate(&text, &settings) {
            Ok(files) => {
                eprintln!(
                    "{name}: generated {} files in {:?}",
                    files.len(),
                    t.elapsed()
                );
                let dir = temp_path(&format!("hostile-{name}"));
                write_crate(&dir, files.iter().map(|f| (&f.path, &f.contents)));
                crates.push((name, dir));
            }
            Err(e) => failures.push(format!("{name}: the generator refused it: {e}")),
        }
    }
    // Cargo serialises builds that share a target folder, so the crates are checked in turn.
    for (name, dir) in &crates {
        let t = Instant::now();
        // The examples are crates of their own that use the library's types: they prove that a
        // user's crate compiles too (deep models need the library's `recursion_limit` there).
        let mut outcome = cargo_in(dir, &["check", "--lib", "--examples"]);
        // The models of odd documentation must give rustdoc-clean docs whose examples compile
        // (and whose own code blocks never run as doc tests).
        if name.ends_with("_docs") {
            outcome = outcome
                .and_then(|_| cargo_in(dir, &["doc", "--no-deps"]))
                .and_then(|_| cargo_in(dir, &["test", "--doc"]));
        }
        eprintln!("{name}: checked in {:?}", t.elapsed());
        if let Err(e) = outcome {
            // rustc's notes on deep types run to thousands of lines: keep the start.
            let head: String = e.lines().take(40).collect::<Vec<_>>().join("\n");
            failures.push(format!("{name} ({}): {head}", dir.display()));
            continue; // keep the crate for a look
        }
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!("all hostile models: {:?}", started.elapsed());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
