//! Malformed, inconsistent and unsupported models: each `tests/fixtures/bad/NAME.json` is the
//! small model of [`BASE_MODEL`] with one defect. `cargo xtask codegen` must refuse every one with
//! exit code 1, a single `error:` line naming the shape or member at fault, and no files written.
//! One snapshot pins every message, so a change of wording shows up in review.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the one error line must name.
enum Expect {
    /// The diagnostic is about this shape or member id: the message starts with `ID: `.
    At(&'static str),
    /// A problem with the file as a whole (no shape to name): the message contains this text,
    /// e.g. the line and column of a JSON syntax error.
    Whole(&'static str),
}

use Expect::{At, Whole};

/// Every fixture, with what its message must name. Keep in step with `tests/fixtures/bad/`.
const CASES: &[(&str, Expect)] = &[
    // The file is not JSON, or not the JSON of a Smithy model.
    ("empty_file", Whole("the model is empty")),
    ("invalid_json_syntax", Whole("line 31 column 7")),
    ("truncated_json", Whole("line 21 column 2")),
    ("model_is_a_list", Whole("found a list")),
    ("missing_smithy_version", Whole("`smithy`")),
    ("json_nests_too_deep", Whole("nests deeper than 128 levels")),
    // A JSON value of the wrong type.
    ("shapes_is_a_list", Whole("`shapes`")),
    ("members_is_a_string", At("com.example#GetWidgetInput")),
    ("member_is_a_string", At("com.example#GetWidgetInput$name")),
    (
        "member_target_is_a_number",
        At("com.example#GetWidgetInput$name"),
    ),
    ("traits_is_a_list", At("com.example#GetWidgetInput")),
    ("unknown_shape_type", At("com.example#GetWidgetInput")),
    // Ids and names.
    ("invalid_shape_id", At("com.example#1Widget")),
    (
        "target_with_line_break",
        At("com.example#GetWidgetInput$name"),
    ),
    ("duplicate_shape_id_case", At("com.example#getWidgetInput")),
    (
        "duplicate_shape_id",
        Whole("`com.example#GetWidgetInput` appears twice"),
    ),
    (
        "member_names_differ_in_case",
        At("com.example#GetWidgetInput$FooBar"),
    ),
    // References.
    (
        "member_target_missing",
        At("com.example#GetWidgetInput$name"),
    ),
    (
        "member_targets_operation",
        At("com.example#GetWidgetInput$name"),
    ),
    (
        "member_targets_service",
        At("com.example#GetWidgetInput$name"),
    ),
    ("member_targets_unit", At("com.example#GetWidgetInput$name")),
    ("service_operation_is_structure", At("com.example#Widgets")),
    ("operation_input_not_structure", At("com.example#GetWidget")),
    ("error_without_error_trait", At("com.example#GetWidget")),
    ("apply_to_missing_shape", At("com.example#Gadget")),
    (
        "apply_to_missing_member",
        At("com.example#GetWidgetInput$size"),
    ),
    ("mixin_cycle", At("com.example#B")),
    // Shape and trait rules.
    ("bad_trait_value", At("com.example#WidgetNotFound")),
    (
        "required_trait_not_object",
        At("com.example#GetWidgetInput$name"),
    ),
    ("enum_member_not_unit", At("com.example#Color$GREEN")),
    ("map_key_not_string", At("com.example#Counts$key")),
    ("list_contains_itself", At("com.example#TagList")),
    (
        "collections_nest_too_deep",
        At("com.example#GetWidgetInput$name"),
    ),
    ("structure_requires_itself", At("com.example#Widget$parent")),
    (
        "timestamp_format_unknown",
        At("com.example#GetWidgetOutput$createdAt"),
    ),
    (
        "default_blob_not_base64",
        At("com.example#GetWidgetOutput$payload"),
    ),
    // Trait values Smithy's own validators reject, refused even where the generator does not
    // use them (the generated crate does not enforce `@length` or `@range`) or, like `Level`,
    // the service does not reach the shape.
    ("length_min_greater_than_max", At("com.example#WidgetName")),
    ("length_negative", At("com.example#GetWidgetInput$name")),
    (
        "range_min_greater_than_max",
        At("com.example#GetWidgetInput$count"),
    ),
    ("enum_duplicate_value", At("com.example#Color$CRIMSON")),
    ("int_enum_duplicate_value", At("com.example#Level$MINIMAL")),
    // Smithy 1.0 `@enum` strings, checked as Smithy's `EnumTraitValidator` and the prelude's
    // `EnumDefinition` check them.
    ("enum_trait_partly_named", At("com.example#Size")),
    ("enum_trait_duplicate_value", At("com.example#Size")),
    ("enum_trait_duplicate_name", At("com.example#Size")),
    ("enum_trait_invalid_name", At("com.example#Size")),
    ("enum_trait_not_on_string", At("com.example#Size")),
    // Rust names that collide.
    (
        "member_rust_name_collision",
        At("com.example#GetWidgetInput$foo_bar"),
    ),
    ("type_name_collision", At("com.b#thing")),
    ("operation_module_collision", At("com.example#Get_Widget")),
    // Valid Smithy that the generator does not support.
    ("no_service", Whole("no service shape")),
    ("no_protocol", At("com.example#Widgets")),
    ("unsupported_protocol", At("com.example#Widgets")),
    ("unsupported_checksum_trait", At("com.example#GetWidget")),
    (
        "unsupported_streaming_member",
        At("com.example#GetWidgetOutput$body"),
    ),
    ("unsupported_operation_trait", At("com.example#GetWidget")),
    (
        "unsupported_big_integer",
        At("com.example#GetWidgetOutput$count"),
    ),
    (
        "unsupported_big_decimal",
        At("com.example#GetWidgetInput$price"),
    ),
    // A `@streaming` blob under awsJson1_0, where it cannot be a payload.
    (
        "unsupported_streaming_blob",
        At("com.example#GetWidgetOutput$body"),
    ),
    // Auth schemes: one the runtime does not implement, `@auth` naming a scheme the service
    // does not apply, an API key with no valid location.
    ("unsupported_auth_scheme", At("com.example#GetWidget")),
    // restJson1's HTTP bindings: a URI that does not parse, a label with no member, a member
    // bound twice, a label after a greedy one, a payload on a GET, no `@http` at all.
    ("http_uri_unparsable", At("com.example#GetWidget")),
    ("http_label_without_member", At("com.example#GetWidget")),
    (
        "http_member_bound_twice",
        At("com.example#GetWidgetInput$name"),
    ),
    ("http_greedy_label_not_last", At("com.example#GetWidget")),
    ("http_payload_on_get", At("com.example#GetWidget")),
    ("http_trait_missing", At("com.example#GetWidget")),
    // A `@streaming` blob in the JSON body rather than the `@httpPayload`.
    (
        "http_stream_not_payload",
        At("com.example#GetWidgetOutput$body"),
    ),
    ("auth_names_unapplied_scheme", At("com.example#GetWidget")),
    ("api_key_auth_bad_location", At("com.example#GetWidget")),
];

/// The model every fixture starts from: one awsJson1_0 service with one operation. It generates
/// cleanly, so each fixture fails because of its one defect alone.
const BASE_MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "com.example#Widgets": {
      "type": "service",
      "version": "2024-01-01",
      "operations": [{ "target": "com.example#GetWidget" }],
      "traits": { "aws.protocols#awsJson1_0": {} }
    },
    "com.example#GetWidget": {
      "type": "operation",
      "input": { "target": "com.example#GetWidgetInput" },
      "output": { "target": "com.example#GetWidgetOutput" }
    },
    "com.example#GetWidgetInput": {
      "type": "structure",
      "members": { "name": { "target": "smithy.api#String" } },
      "traits": { "smithy.api#input": {} }
    },
    "com.example#GetWidgetOutput": {
      "type": "structure",
      "members": {},
      "traits": { "smithy.api#output": {} }
    }
  }
}"##;

fn fixtures_dir() -> PathBuf {
    tests::repo_root().join("tests/fixtures/bad")
}

fn fixture(case: &str) -> PathBuf {
    fixtures_dir().join(format!("{case}.json"))
}

/// A fresh folder under the system's temporary folder, removed again on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("bad-models-{}-{label}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        Self(path)
    }

    /// A path inside that does not exist yet. Its file name becomes the package name, so it is
    /// kept to letters, digits and `_`.
    fn out_path(&self, case: &str) -> PathBuf {
        let path = self.0.join(format!("out_{case}"));
        assert!(!path.exists(), "{} already exists", path.display());
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn path_arg(path: &Path) -> String {
    path.to_str()
        .unwrap_or_else(|| panic!("{} is not UTF-8", path.display()))
        .to_owned()
}

/// Checks the one `error: MODEL: MESSAGE` line and returns MESSAGE.
fn check_error_line<'a>(case: &str, expect: &Expect, model: &Path, line: &'a str) -> &'a str {
    let prefix = format!("error: {}: ", model.display());
    let message = line
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{case}: the error line does not start with `{prefix}`: {line}"));
    match expect {
        At(id) => assert!(
            message.starts_with(&format!("{id}: ")),
            "{case}: the message should be about `{id}`: {message}"
        ),
        Whole(text) => assert!(
            message.contains(text),
            "{case}: the message should mention `{text}`: {message}"
        ),
    }
    message
}

/// Runs `cargo xtask codegen --model FIXTURE --out DIR` in-process; checks the refusal and
/// returns the message after `error: FIXTURE: `.
fn refuse(case: &str, expect: &Expect, temp: &TempDir) -> String {
    let model = fixture(case);
    let out_dir = temp.out_path(case);
    let args: Vec<String> = vec![
        "codegen".to_owned(),
        "--model".to_owned(),
        path_arg(&model),
        "--out".to_owned(),
        path_arg(&out_dir),
    ];
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = xtask::run(&tests::repo_root(), &args, &mut out, &mut err);
    let out = String::from_utf8(out).expect("stdout is UTF-8");
    let err = String::from_utf8(err).expect("stderr is UTF-8");
    assert_eq!(code, 1, "{case}: exit code; stdout: {out}; stderr: {err}");
    assert_eq!(out, "", "{case}: nothing on stdout");
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines.len() == 1 && err.ends_with('\n'),
        "{case}: stderr must be exactly one line, got: {err:?}"
    );
    assert!(
        !out_dir.exists(),
        "{case}: {} was created for a refused model",
        out_dir.display()
    );
    check_error_line(case, expect, &model, lines[0]).to_owned()
}

#[test]
fn every_bad_model_is_refused_with_one_line_naming_the_shape() {
    let temp = TempDir::new("cli");
    let mut cases: Vec<&(&str, Expect)> = CASES.iter().collect();
    cases.sort_by_key(|(case, _)| *case);
    let mut messages = String::new();
    for (case, expect) in cases {
        let message = refuse(case, expect, &temp);
        writeln!(messages, "{case}: {message}").expect("writing to a String");
    }
    insta::assert_snapshot!("messages", messages);
}

#[test]
fn generate_returns_an_error_without_panicking() {
    let settings = codegen::Settings::new("x", "bad.json");
    let mut problems = Vec::new();
    for (case, expect) in CASES {
        let path = fixture(case);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        match std::panic::catch_unwind(|| codegen::generate(&text, &settings)) {
            Err(_) => problems.push(format!("{case}: panicked")),
            Ok(Ok(_)) => problems.push(format!("{case}: was accepted")),
            Ok(Err(diagnostic)) => {
                let subject_ok = match expect {
                    At(id) => diagnostic.subject() == Some(*id),
                    Whole(_) => diagnostic.subject().is_none(),
                };
                let line = diagnostic.to_string();
                if !subject_ok || line.contains(['\n', '\r']) {
                    problems.push(format!("{case}: unexpected diagnostic: {line:?}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_base_of_the_fixtures_is_accepted() {
    let files = codegen::generate(BASE_MODEL, &codegen::Settings::new("x", "base.json"))
        .unwrap_or_else(|d| panic!("the base model is refused: {d}"));
    assert!(files.iter().any(|f| f.path == "src/lib.rs"));
}

#[test]
fn every_fixture_is_a_case() {
    let mut on_disk: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures/bad exists")
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| path.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = CASES.iter().map(|(case, _)| case.to_string()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "tests/fixtures/bad/*.json and CASES differ"
    );
    assert!(listed.len() >= 14);
}

/// The real binary, through `cargo run` (what `cargo xtask` expands to): the process exit code.
#[test]
fn the_xtask_process_exits_with_1_on_a_bad_model() {
    let (case, expect) = &CASES
        .iter()
        .find(|(case, _)| *case == "member_target_missing")
        .expect("the case exists");
    let temp = TempDir::new("process");
    let model = fixture(case);
    let out_dir = temp.out_path(case);
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--package", "xtask", "--"])
        .args(["codegen", "--model"])
        .arg(&model)
        .arg("--out")
        .arg(&out_dir)
        .current_dir(tests::repo_root())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout");
    // Cargo may replay compiler warnings before the program runs; the program's own output is
    // the last line, and it is the only error.
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error")).collect();
    assert_eq!(errors.len(), 1, "exactly one error line: {stderr}");
    assert_eq!(stderr.lines().last(), Some(errors[0]), "{stderr}");
    check_error_line(case, expect, &model, errors[0]);
    assert!(!out_dir.exists(), "{} was created", out_dir.display());
}
