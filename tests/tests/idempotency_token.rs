//! `smithy.api#idempotencyToken`, end to end: a token member left unset is filled with a fresh
//! UUID v4 for each call (and documented so), a token set by the caller is sent as is.
//!
//! The calls go to a transport that records the requests (`tests/tests/idempotency_token/calls.rs`,
//! run as a test of the generated crate), so nothing leaves the machine.

/// A service with one operation, `StartJob`, whose input has an idempotency token.
const MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "com.example#Jobs": {
      "type": "service",
      "version": "2024-01-01",
      "operations": [{ "target": "com.example#StartJob" }],
      "traits": {
        "aws.api#service": { "sdkId": "Jobs" },
        "aws.auth#sigv4": { "name": "jobs" },
        "aws.protocols#awsJson1_0": {},
        "smithy.rules#endpointRuleSet": {
          "version": "1.0",
          "parameters": {
            "Endpoint": { "builtIn": "SDK::Endpoint", "required": false, "type": "String" }
          },
          "rules": [
            {
              "conditions": [{ "fn": "isSet", "argv": [{ "ref": "Endpoint" }] }],
              "endpoint": { "url": { "ref": "Endpoint" } },
              "type": "endpoint"
            },
            { "conditions": [], "error": "Missing Endpoint", "type": "error" }
          ]
        }
      }
    },
    "com.example#StartJob": {
      "type": "operation",
      "input": { "target": "com.example#StartJobInput" },
      "output": { "target": "com.example#StartJobOutput" }
    },
    "com.example#StartJobOutput": {
      "type": "structure",
      "members": { "jobId": { "target": "smithy.api#String" } },
      "traits": { "smithy.api#output": {} }
    },
    "com.example#StartJobInput": {
      "type": "structure",
      "members": {
        "name": { "target": "smithy.api#String" },
        "clientToken": {
          "target": "smithy.api#String",
          "traits": {
            "smithy.api#idempotencyToken": {},
            "smithy.api#documentation": "<p>A unique token.</p>"
          }
        }
      },
      "traits": { "smithy.api#input": {} }
    }
  }
}"##;

const CALLS: &str = include_str!("idempotency_token/calls.rs");

#[test]
fn an_unset_token_is_filled_and_a_set_one_is_kept() {
    let settings = codegen::Settings::new("jobs", "tests/tests/idempotency_token.rs");
    let files = codegen::generate(MODEL, &settings).unwrap_or_else(|e| panic!("{e}"));
    let contents = |path: &str| {
        &files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
    };
    // The token comes from the configuration's provider.
    assert!(contents("src/client.rs").contains(".make_idempotency_token()"));
    let input = contents("src/operation/start_job.rs");
    assert!(
        input.contains(
            "Idempotency token: when left unset, the client fills in a fresh random UUID"
        ),
        "{input}"
    );
    let files = files.iter().map(|f| (&f.path, &f.contents));
    tests::run_test_in_generated_crate("idempotency-token", files, "calls", CALLS)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Models converted from Smithy 1.0 lack the `@input` trait: what makes a token filled in is
/// that its structure is an operation's input. A token anywhere else is still refused.
#[test]
fn a_token_of_an_input_without_the_input_trait_is_filled_in() {
    let settings = codegen::Settings::new("jobs", "tests/tests/idempotency_token.rs");
    let with_trait = codegen::generate(MODEL, &settings).unwrap_or_else(|e| panic!("{e}"));
    let input_trait = r#",
      "traits": { "smithy.api#input": {} }
    }
  }
}"#;
    assert!(MODEL.ends_with(input_trait));
    let without = MODEL.replace(input_trait, "\n    }\n  }\n}");
    let files = codegen::generate(&without, &settings).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files, with_trait, "the same crate with or without `@input`");

    // The token in a structure that a member targets: never filled in, so refused.
    let nested = without.replace(
        r#""name": { "target": "smithy.api#String" },"#,
        r#""name": { "target": "smithy.api#String" },
        "nested": { "target": "com.example#Nested" },"#,
    );
    let nested = nested.replacen(
        r#""com.example#StartJobOutput": {"#,
        r#""com.example#Nested": {
      "type": "structure",
      "members": {
        "token": { "target": "smithy.api#String", "traits": { "smithy.api#idempotencyToken": {} } }
      }
    },
    "com.example#StartJobOutput": {"#,
        1,
    );
    let error = codegen::generate(&nested, &settings).expect_err("a nested token is refused");
    assert_eq!(
        error.to_string(),
        "com.example#Nested$token: `smithy.api#idempotencyToken` is supported on string members of an operation's input only"
    );
}
