//! Legal but hostile models (`tests/fixtures/hostile/*.json`): keywords and generated method names
//! as member names, shapes named like std and crate types, deep nesting, huge enums, nasty
//! documentation, empty structures everywhere. Each must generate a crate that compiles with
//! warnings denied (`cargo check --lib`, see [`tests::cargo_in`]).
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

/// Legal models whose generated crate does not compile yet, with a line of rustc's error. The test
/// asserts they still fail that way, so a fix shows up as a failure here: move the model out of
/// this list then.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    // A 200-deep chain of structures: rustc's default recursion limit (128) is exceeded checking
    // drops ("overflowed on `A129`"); the generated crate sets no `#![recursion_limit]`.
    (
        "deep_structures",
        "error: overflow while checking whether `DiveInputBuilder` requires drop",
    ),
    // A 100-deep chain: rustc overflows proving the client's future `Send` (at `A64`).
    (
        "deep_structures_100",
        "error[E0275]: overflow evaluating the requirement `Option<A64>: Send`",
    ),
    // List of list 60 deep (the lowering allows 64) and map of map 40 deep: rustc overflows
    // proving the client's future `Send`. Generating it also overflows the 2 MiB stack of a test
    // thread (in a debug build), hence the generation thread's larger stack below.
    (
        "deep_collections",
        "error[E0275]: overflow evaluating the requirement `PhantomData<Vec<Vec<Vec<Vec<Vec<Vec<...>>>>>>>: Send`",
    ),
];

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
        // The deepest models overflow the 2 MiB stack of a test thread while generating (a
        // known limit, see `KNOWN_FAILURES`), so generation gets a thread with a larger stack.
        let generated = std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(move || codegen::generate(&text, &settings))
            .unwrap()
            .join()
            .unwrap();
        match generated {
            Ok(files) => {
                eprintln!(
                    "{name}: generated {} files in {:?}",
                    files.len(),
                    t.elapsed()
                );
                let dir = temp_path(&format!("hostile-{name}"));
                let pairs: Vec<(String, String)> =
                    files.into_iter().map(|f| (f.path, f.contents)).collect();
                write_crate(&dir, &pairs);
                crates.push((name, dir));
            }
            Err(e) => failures.push(format!("{name}: the generator refused it: {e}")),
        }
    }
    // Cargo serialises builds that share a target folder, so the crates are checked in turn.
    for (name, dir) in &crates {
        let t = Instant::now();
        let outcome = cargo_in(dir, &["check", "--lib"]);
        eprintln!("{name}: checked in {:?}", t.elapsed());
        let known = KNOWN_FAILURES.iter().find(|(n, _)| n == name);
        match (outcome, known) {
            (Ok(_), None) => {}
            (Err(e), Some((_, expected))) if e.contains(expected) => {}
            (Ok(_), Some(_)) => failures.push(format!(
                "{name} now compiles: remove it from KNOWN_FAILURES"
            )),
            (Err(e), _) => {
                // rustc's notes on deep types run to thousands of lines: keep the start.
                let head: String = e.lines().take(40).collect::<Vec<_>>().join("\n");
                failures.push(format!("{name} ({}): {head}", dir.display()));
                continue; // keep the crate for a look
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }
    eprintln!("all hostile models: {:?}", started.elapsed());
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
