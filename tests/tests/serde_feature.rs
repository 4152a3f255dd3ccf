//! The generated crate's `serde` feature (off by default): `Serialize`/`Deserialize` on the data
//! types with the wire member names, while `Debug` keeps redacting `@sensitive` values.
//!
//! The tests crate depends on `sfn` with the feature on (tests/Cargo.toml). The richer fixture
//! (`tests/fixtures/shapes.json`, every kind of shape) is generated into a temporary crate, checked
//! with clippy with and without the feature, and runs `tests/fixtures/serde/shapes.rs` as an example.

use std::path::PathBuf;

use serde_json::json;
use sfn::operation::send_task_failure::SendTaskFailureInput;
use sfn::types::error::KmsInvalidStateException;
use sfn::types::KmsKeyState;
use tests::{cargo_in, repo_root, temp_path, write_crate};

#[test]
fn input_uses_wire_names_and_omits_unset_members() {
    let input = SendTaskFailureInput::builder()
        .task_token("token-1")
        .error("States.Oops")
        .build()
        .unwrap();
    let value = serde_json::to_value(&input).unwrap();
    assert_eq!(
        value,
        json!({ "taskToken": "token-1", "error": "States.Oops" })
    );
    let back: SendTaskFailureInput = serde_json::from_value(value).unwrap();
    assert_eq!(back, input);

    // Every member set, and missing optional members read as `None`.
    let full = SendTaskFailureInput::builder()
        .task_token("t")
        .error("e")
        .cause("c")
        .build()
        .unwrap();
    let text = serde_json::to_string(&full).unwrap();
    assert_eq!(text, r#"{"taskToken":"t","error":"e","cause":"c"}"#);
    assert_eq!(
        serde_json::from_str::<SendTaskFailureInput>(&text).unwrap(),
        full
    );
    let minimal: SendTaskFailureInput = serde_json::from_str(r#"{"taskToken":"t"}"#).unwrap();
    assert_eq!((minimal.error, minimal.cause), (None, None));
    // A required member is required.
    assert!(serde_json::from_str::<SendTaskFailureInput>("{}").is_err());
}

#[test]
fn debug_still_redacts_sensitive_values() {
    let input = SendTaskFailureInput::builder()
        .task_token("t")
        .error("secret-error")
        .cause("secret-cause")
        .build()
        .unwrap();
    let back: SendTaskFailureInput =
        serde_json::from_str(&serde_json::to_string(&input).unwrap()).unwrap();
    let debug = format!("{back:?}");
    assert!(!debug.contains("secret-error"), "{debug}");
    assert!(!debug.contains("secret-cause"), "{debug}");
    assert!(debug.contains("Redacted"), "{debug}");
}

#[test]
fn error_structures_round_trip_without_metadata() {
    let error = KmsInvalidStateException::builder()
        .kms_key_state(KmsKeyState::Disabled)
        .message("the key is disabled")
        .request_id("req-1")
        .build();
    let value = serde_json::to_value(&error).unwrap();
    assert_eq!(
        value,
        json!({ "kmsKeyState": "DISABLED", "message": "the key is disabled" })
    );
    let back: KmsInvalidStateException = serde_json::from_value(value).unwrap();
    assert_eq!(back.kms_key_state, Some(KmsKeyState::Disabled));
    assert_eq!(back.message(), Some("the key is disabled"));
    // The request id is response metadata, not data: it is not serialized.
    assert_eq!(back.request_id(), None);
}

#[test]
fn enums_serialize_as_their_wire_value_and_keep_unknown_values() {
    assert_eq!(
        serde_json::to_string(&KmsKeyState::PendingDeletion).unwrap(),
        r#""PENDING_DELETION""#
    );
    let unknown: KmsKeyState = serde_json::from_str(r#""SOMETHING_NEW""#).unwrap();
    assert!(matches!(unknown, KmsKeyState::Unknown(_)));
    assert_eq!(unknown.as_str(), "SOMETHING_NEW");
    assert_eq!(
        serde_json::to_string(&unknown).unwrap(),
        r#""SOMETHING_NEW""#
    );
    assert_eq!(
        serde_json::from_str::<KmsKeyState>(&serde_json::to_string(&unknown).unwrap()).unwrap(),
        unknown
    );
}

fn fixtures_dir() -> PathBuf {
    repo_root().join("tests/fixtures")
}

/// Generates a fixture into a temporary crate and checks it with clippy, with and without the
/// feature; for `shapes`, also runs `tests/fixtures/serde/shapes.rs` with the feature on.
fn check_fixture_with_serde(fixture: &str) {
    let path = fixtures_dir().join(format!("{fixture}.json"));
    let text = std::fs::read_to_string(&path).unwrap();
    let package = fixture.replace('_', "-");
    let settings = codegen::Settings::new(&package, format!("tests/fixtures/{fixture}.json"));
    let files = codegen::generate(&text, &settings).unwrap();
    let dir = temp_path(&format!("serde-{fixture}"));
    write_crate(&dir, files.iter().map(|f| (&f.path, &f.contents)));
    // Without the feature (serde is not even a dependency then), and with it.
    cargo_in(&dir, &["clippy", "--all-targets"]).unwrap_or_else(|e| panic!("{fixture}: {e}"));
    // The usage program needs the feature, so it joins the crate only now.
    let usage = fixtures_dir().join(format!("serde/{fixture}.rs"));
    if usage.exists() {
        let example = dir.join("examples/serde_usage");
        std::fs::create_dir_all(&example).unwrap();
        std::fs::copy(&usage, example.join("main.rs")).unwrap();
    }
    // No `-- -D warnings`: `cargo_in` appends its own flags after the arguments, and denies
    // warnings (clippy's included) through `RUSTFLAGS`.
    cargo_in(&dir, &["clippy", "--all-targets", "--features", "serde"])
        .unwrap_or_else(|e| panic!("{fixture} with serde: {e}"));
    if usage.exists() {
        cargo_in(
            &dir,
            &["run", "--features", "serde", "--example", "serde_usage"],
        )
        .unwrap_or_else(|e| panic!("tests/fixtures/serde/{fixture}.rs: {e}"));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn shapes_fixture_with_serde() {
    check_fixture_with_serde("shapes");
}

#[test]
fn naming_obstacle_course_with_serde() {
    check_fixture_with_serde("naming_obstacle_course");
}

#[test]
fn recursion_with_serde() {
    check_fixture_with_serde("recursion");
}

#[test]
fn sensitive_with_serde() {
    check_fixture_with_serde("sensitive");
}

#[test]
fn operation_errors_with_serde() {
    check_fixture_with_serde("operation_errors");
}
