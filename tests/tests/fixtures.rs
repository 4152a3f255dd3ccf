//! Fixture models (`tests/fixtures/NAME.json`), each stressing one concern of the generator.
//!
//! For every fixture:
//! - each generated file is pinned by a snapshot named `NAME__PATH` (the runtime modules aside:
//!   they are `codegen/runtime/` copied unchanged, pinned by the real model's snapshots), and the
//!   list of files by `NAME__file_list`;
//! - the crate is compiled by rustc alone (std only) with `-D warnings -W missing_docs`;
//! - its documentation is built by rustdoc with warnings denied, and its doc examples compiled
//!   (`cargo test --doc`);
//! - where `tests/fixtures/NAME.usage.rs` exists, that program is compiled against the crate, with
//!   warnings denied, and run: it uses the generated API the way a user would and asserts on it.
//!
//! Models the generator must refuse live in `tests/fixtures/refused/`, each with the exact
//! diagnostic it must give.

use std::path::PathBuf;

use tests::{cargo_in, compile_lib, repo_root, temp_path, write_crate};

fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// Generates `tests/fixtures/{relative}.json` as the package `package`.
fn generate(
    relative: &str,
    package: &str,
) -> Result<Vec<codegen::GeneratedFile>, codegen::Diagnostic> {
    let path = fixtures_dir().join(format!("{relative}.json"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let settings = codegen::Settings::new(package, format!("tests/fixtures/{relative}.json"));
    codegen::generate(&text, &settings)
}

/// The package name of a fixture: `naming_obstacle_course` → `naming-obstacle-course`.
fn package_of(fixture: &str) -> String {
    fixture.replace('_', "-")
}

/// Generates, snapshots, compiles, documents and (with a usage program) runs one fixture.
/// Returns the generated files for fixture-specific assertions.
fn check_fixture(fixture: &str) -> Vec<codegen::GeneratedFile> {
    let files = generate(fixture, &package_of(fixture))
        .unwrap_or_else(|e| panic!("fixture {fixture} does not generate: {e}"));
    assert_eq!(
        files,
        generate(fixture, &package_of(fixture)).unwrap(),
        "generating {fixture} twice gave different files"
    );

    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    insta::assert_snapshot!(format!("{fixture}__file_list"), paths.join("\n"));
    for file in files
        .iter()
        .filter(|f| !codegen::is_runtime_module(&f.path))
    {
        insta::assert_snapshot!(snapshot_name(fixture, &file.path), &file.contents);
    }

    let dir = temp_path(&format!("fixture-{fixture}"));
    write_crate(&dir, files.iter().map(|f| (&f.path, &f.contents)));
    compile_lib(&dir).unwrap_or_else(|e| panic!("the {fixture} crate does not build:\n{e}"));
    cargo_in(&dir, &["doc", "--no-deps"]).unwrap_or_else(|e| panic!("{e}"));
    // `cargo doc` does not compile examples: the front page's (`no_run`) are compiled here.
    cargo_in(&dir, &["test", "--doc"]).unwrap_or_else(|e| panic!("{e}"));
    let usage = fixtures_dir().join(format!("{fixture}.usage.rs"));
    if usage.exists() {
        // The usage program runs as an example of the crate, so it links like an application.
        let example = dir.join("examples/usage");
        std::fs::create_dir_all(&example).unwrap();
        std::fs::copy(&usage, example.join("main.rs")).unwrap();
        let support = fixtures_dir().join("usage_support.rs");
        std::fs::copy(support, example.join("usage_support.rs")).unwrap();
        cargo_in(&dir, &["run", "--example", "usage"])
            .unwrap_or_else(|e| panic!("tests/fixtures/{fixture}.usage.rs: {e}"));
    }
    std::fs::remove_dir_all(&dir)
        .unwrap_or_else(|e| panic!("cannot remove {}: {e}", dir.display()));
    files
}

/// The contents of one generated file.
fn file<'a>(files: &'a [codegen::GeneratedFile], path: &str) -> &'a str {
    &files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no generated file {path}"))
        .contents
}

/// Asserts that each snippet occurs in the file.
fn assert_contains(files: &[codegen::GeneratedFile], path: &str, snippets: &[&str]) {
    let text = file(files, path);
    for snippet in snippets {
        assert!(text.contains(snippet), "{path} lacks `{snippet}`");
    }
}

/// Asserts that no snippet occurs in the file.
fn assert_lacks(files: &[codegen::GeneratedFile], path: &str, snippets: &[&str]) {
    let text = file(files, path);
    for snippet in snippets {
        assert!(!text.contains(snippet), "{path} has `{snippet}`");
    }
}

/// Every fixture has its test: a new `.json` without one would be silently ignored.
#[test]
fn every_fixture_is_tested() {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            found.push(path.file_stem().unwrap().to_string_lossy().into_owned());
        }
    }
    found.sort();
    let mut tested: Vec<String> = FIXTURES.iter().map(|s| s.to_string()).collect();
    tested.sort();
    assert_eq!(found, tested);

    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if let Some(fixture) = name.strip_suffix(".usage.rs") {
            assert!(FIXTURES.contains(&fixture), "{name} has no fixture");
        }
    }

    let mut refused = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir().join("refused")).unwrap() {
        let path = entry.unwrap().path();
        refused.push(path.file_stem().unwrap().to_string_lossy().into_owned());
    }
    refused.sort();
    let mut expected: Vec<String> = REFUSED.iter().map(|(name, _)| name.to_string()).collect();
    expected.sort();
    assert_eq!(refused, expected);
}

/// Every `fixtures__*` snapshot belongs to a file some fixture generates: a file the generator no
/// longer writes must not leave its snapshot behind.
#[test]
fn no_stale_snapshots() {
    let mut expected = Vec::new();
    for fixture in FIXTURES {
        expected.push(format!("fixtures__{fixture}__file_list.snap"));
        for file in generate(fixture, &package_of(fixture)).unwrap() {
            if !codegen::is_runtime_module(&file.path) {
                expected.push(format!(
                    "fixtures__{}.snap",
                    snapshot_name(fixture, &file.path)
                ));
            }
        }
    }
    expected.sort();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(repo_root().join("tests/tests/snapshots")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with("fixtures__") && name.ends_with(".snap") {
            found.push(name);
        }
    }
    found.sort();
    assert_eq!(found, expected, "stale or missing fixture snapshots");
}

/// The snapshot of one generated file: `naming_obstacle_course__src_operation_type__rs`.
fn snapshot_name(fixture: &str, path: &str) -> String {
    format!("{fixture}__{}", path.replace(['/', '.'], "_"))
}

/// `smithy.waiters#waitable` waiters (every comparator and matcher, the JMESPath forms the
/// generator compiles, a member that takes the waiter method's name): `crate::waiters`, the
/// `Waiters` trait, and the re-exports; the usage program runs every waiter against a mock.
#[test]
fn waiters() {
    let files = check_fixture("waiters");
    assert_contains(
        &files,
        "src/waiters.rs",
        &[
            "pub use crate::waiter::{AcceptorState, FinalPoll, WaiterError};",
            "pub trait Waiters: crate::client::ThingsApi {",
            ") -> crate::waiters::thing_ready::ThingReadyFluentBuilder {",
            "#[deprecated",
        ],
    );
    assert_contains(
        &files,
        "src/waiters/poll_done.rs",
        &[
            "pub fn wait(mut self, input: bool) -> Self",
            "pub async fn wait_value(",
        ],
    );
    assert_contains(
        &files,
        "src/client.rs",
        &["pub use crate::waiters::Waiters;"],
    );
    assert_contains(
        &files,
        "src/lib.rs",
        &["use ::smithy_rust_runtime::waiter;", "pub mod waiters;"],
    );
    // Crates without waiters are as before.
    let shapes = generate("shapes", "shapes").unwrap();
    assert!(shapes.iter().all(|f| !f.path.contains("waiter")));
    assert_lacks(&shapes, "src/lib.rs", &["waiter"]);
    assert_lacks(&shapes, "src/client.rs", &["Waiters"]);
}

const FIXTURES: &[&str] = &[
    "empty_output",
    "naming_obstacle_course",
    "operation_errors",
    "paginated",
    "recursion",
    "sensitive",
    "shapes",
    "waiters",
];

/// Models that must be refused, with the diagnostic that says why and what to do.
const REFUSED: &[(&str, &str)] = &[
    (
        "client_method_collision",
        "fixture.refused#Get: its whole-input method `call_get` is also the fluent method of `fixture.refused#CallGet`; add a `rename` on the service",
    ),
    (
        "paginated_bad_path",
        "fixture.refused#List: its `smithy.api#paginated` `outputToken` `page.nxt` does not resolve: `fixture.refused#Page` has no member `nxt`",
    ),
    (
        "paginated_token_not_string",
        "fixture.refused#List: its `smithy.api#paginated` `inputToken` `nextToken` is not a string or map member",
    ),
    (
        "unknown_value_shape",
        "fixture.refused#UnknownValue: its Rust name `UnknownValue` is taken in `crate::types` by the type that holds enum values this crate does not know; add a `rename` on the service",
    ),
];

#[test]
fn refused_fixtures_give_their_diagnostic() {
    for (name, expected) in REFUSED {
        let result = generate(&format!("refused/{name}"), &package_of(name));
        match result {
            Ok(_) => panic!("refused/{name}.json generated, but must be refused"),
            Err(diagnostic) => assert_eq!(&diagnostic.to_string(), expected, "refused/{name}.json"),
        }
    }
}

/// Keywords, builder and client method names, std type names, and the names the generator keeps
/// for itself: each gets the name the symbol layer promises (the usage program calls them).
#[test]
fn naming_obstacle_course() {
    let files = check_fixture("naming_obstacle_course");
    let op = "src/operation/type_.rs";
    assert_contains(
        &files,
        op,
        &[
            "pub r#type: ",
            "pub self_: ",
            "pub crate_: ",
            "pub r#gen: ",
            "pub build_value: ::std::string::String,",
            "pub send_value: ",
            "pub builder_value: ",
            "pub default_value: ",
            "pub clone_value: ",
            "pub new: ",
            "pub as_input: ",
            "pub fn r#type(&self) -> ::std::option::Option<&str>",
            "pub fn build_value(&self) -> &str",
            "pub fn new(&self)",
            "The member `build` is named `build_value` here, as in the AWS SDK for Rust",
            "pub r#box: ::std::option::Option<crate::types::Box>,",
            "pub fn r#type(",
            "pub fn set_type(",
            "pub fn get_self(",
            "pub fn build_value(",
            "pub fn send_value(",
            "pub fn new_value(",
            "pub fn as_input_value(",
            "pub fn default_value(",
            "pub fn clone_value(",
            "pub fn set_foo(",
            "pub fn set_foo_value(",
            "pub fn set_2nd(",
            "UnknownErrorError(crate::types::error::Unknown),",
            "RequestError(crate::types::error::Request),",
            "UnknownError(crate::types::error::UnknownError),",
            "pub fn is_unknown_error_error(&self)",
            "\"build_value\"",
        ],
    );
    assert_contains(
        &files,
        "src/client.rs",
        &[
            "fn r#type(&self)",
            "fn r#match(",
            "fn self_(&self)",
            "fn call_self(",
            "fn call_type(",
            "fn call_config(",
            "fn call_clone(",
            "fn config_operation(",
            "fn clone_operation(",
            "pub fn config(&self) -> &crate::config::Config",
            "`type()` of [`NamingCourseApiExt`]",
        ],
    );
    assert_contains(
        &files,
        "src/types.rs",
        &[
            "pub struct Self_ {",
            "pub fn builder() -> crate::types::builders::SelfBuilder",
            "pub struct Option {",
            "    UnknownValue,\n",
            "    V1Gb,\n",
            "    V10Gb,\n",
            "    Self_,\n",
            "UnknownValue(::std::string::String),",
            "pub fn is_unknown_value(&self)",
            "pub fn is_v3rd(&self)",
            "pub struct StrangeValue {",
        ],
    );
    assert_contains(
        &files,
        "src/types/error.rs",
        &[
            "pub meta_value: ",
            "pub request_id: ",
            "pub(crate) meta: crate::error::ErrorMetadata,",
            "pub fn request_id_value(",
        ],
    );
    // `Match`'s input is the model's `Result`: its own `MatchInput`, as in the AWS SDK.
    assert_contains(
        &files,
        "src/operation/match_.rs",
        &["pub struct MatchInput {"],
    );
    assert_lacks(&files, "src/operation/match_.rs", &["pub struct Result {"]);
    for file in files
        .iter()
        .filter(|f| f.path.ends_with(".rs") && !codegen::is_runtime_module(&f.path))
    {
        assert_lacks(&files, &file.path, &["__", "Self_Builder", "Self_Error"]);
    }
}

#[test]
fn sensitive() {
    check_fixture("sensitive");
}

#[test]
fn operation_errors() {
    check_fixture("operation_errors");
}

#[test]
fn empty_output() {
    check_fixture("empty_output");
}

#[test]
fn recursion() {
    check_fixture("recursion");
}

#[test]
fn shapes() {
    check_fixture("shapes");
}

/// `@paginated` operations get a paginator (tokens and page size from the service's defaults,
/// a nested output token, a member that takes the paginator method's name); others do not.
#[test]
fn paginated() {
    let files = check_fixture("paginated");
    assert_contains(
        &files,
        "src/operation/list_things.rs",
        &[
            "pub fn into_paginator(",
            "pub struct ListThingsPaginator<",
            "pub struct ListThingsItems<",
            "pub fn page_size(mut self, input: i32) -> Self",
        ],
    );
    assert_contains(
        &files,
        "src/operation/list_nested.rs",
        &[
            "pub fn into_paginator(mut self, input: bool) -> Self",
            "pub fn into_paginator_value(",
            ".and_then(|value| value.next.as_ref())",
        ],
    );
    assert_lacks(
        &files,
        "src/operation/get_thing.rs",
        &["paginator", "Paginator"],
    );
}
