//! `aws.protocols#awsQueryCompatible` end to end, beyond the protocol tests: the crate generated
//! from [`MODEL`] sends `x-amzn-query-mode: true`, and sorts error answers by their wire code
//! first, then by the awsQuery code of `x-amzn-query-error` (`Code;Fault`), which unknown errors
//! report when given. The calls (`tests/tests/query_compatible/calls.rs`) run as a test of the
//! generated crate, against a transport that answers from a script.

/// A query-compatible service whose `GetQueue` can fail with `QueueMissing` (awsQuery code
/// `AWS.Queues.NonExistentQueue`) or `Busy` (no awsQuery code).
const MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "com.example#Queues": {
      "type": "service",
      "version": "2024-01-01",
      "operations": [{ "target": "com.example#GetQueue" }],
      "traits": {
        "aws.api#service": { "sdkId": "Queues" },
        "aws.auth#sigv4": { "name": "queues" },
        "aws.protocols#awsJson1_0": {},
        "aws.protocols#awsQueryCompatible": {}
      }
    },
    "com.example#GetQueue": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" },
      "errors": [{ "target": "com.example#QueueMissing" }, { "target": "com.example#Busy" }]
    },
    "com.example#QueueMissing": {
      "type": "structure",
      "members": { "message": { "target": "smithy.api#String" } },
      "traits": {
        "smithy.api#error": "client",
        "aws.protocols#awsQueryError": { "code": "AWS.Queues.NonExistentQueue", "httpResponseCode": 400 }
      }
    },
    "com.example#Busy": {
      "type": "structure",
      "members": { "message": { "target": "smithy.api#String" } },
      "traits": { "smithy.api#error": "server" }
    }
  }
}"##;

const CALLS: &str = include_str!("query_compatible/calls.rs");

fn generate(model: &str) -> Vec<codegen::GeneratedFile> {
    let settings = codegen::Settings::new("queues", "tests/tests/query_compatible.rs");
    codegen::generate(model, &settings).unwrap_or_else(|e| panic!("{e}"))
}

fn file<'a>(files: &'a [codegen::GeneratedFile], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap().contents
}

#[test]
fn the_generated_client_speaks_query_compatible_json() {
    let files = generate(MODEL);
    let files = files.iter().map(|f| (&f.path, &f.contents));
    tests::run_test_in_generated_crate("query-compatible", files, "calls", CALLS)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn without_the_service_trait_nothing_changes() {
    let model = MODEL.replace(
        r#""aws.protocols#awsQueryCompatible": {}"#,
        r#""smithy.api#title": "Queues""#,
    );
    let files = generate(&model);
    assert!(file(&files, "src/client.rs").contains("query_compatible: false"));
    assert!(!file(&files, "src/client.rs").contains("query_code"));
    // `@awsQueryError` means nothing on the wire of a service that is not query-compatible.
    let errors = file(&files, "src/types/error.rs");
    assert!(
        errors.contains(r#"pub const CODE: &'static str = "QueueMissing";"#),
        "{errors}"
    );

    let files = generate(MODEL);
    assert!(file(&files, "src/client.rs").contains("query_compatible: true"));
    let errors = file(&files, "src/types/error.rs");
    assert!(
        errors.contains(r#"pub const CODE: &'static str = "AWS.Queues.NonExistentQueue";"#),
        "{errors}"
    );
}

#[test]
fn a_bad_aws_query_error_trait_is_refused() {
    let model = MODEL.replace(r#""httpResponseCode": 400"#, r#""httpResponseCode": "400""#);
    let settings = codegen::Settings::new("queues", "tests/tests/query_compatible.rs");
    assert_eq!(
        codegen::generate(&model, &settings).unwrap_err().to_string(),
        "com.example#QueueMissing: trait `aws.protocols#awsQueryError`: `httpResponseCode` must be an HTTP status code"
    );
}
