//! `smithy.api#endpoint` host prefixes and `smithy.api#hostLabel`, end to end: the generator
//! accepts [`MODEL`] (and refuses host prefixes the spec forbids, naming the operation), and the
//! crate it generates puts the prefix in front of the endpoint's host, configured or resolved,
//! signs the prefixed host, refuses a label that is not a valid host label before sending
//! anything, and leaves the host alone under `Config::builder().disable_host_prefix(true)`.
//!
//! The calls go to a transport that records the requests (`tests/tests/host_prefix/calls.rs`,
//! run as a test of the generated crate): a prefixed host such as `foo.localhost` need not
//! resolve, and nothing leaves the machine.

use serde_json::Value;

/// A service with three operations: `GetStatus` (`{name}.data.`, a label), `Ping` (`foo.`, no
/// label) and `Plain` (no prefix). Its rule set resolves `https://widgets.{Region}.amazonaws.com`,
/// or the configured endpoint.
const MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "com.example#Widgets": {
      "type": "service",
      "version": "2024-01-01",
      "operations": [
        { "target": "com.example#GetStatus" },
        { "target": "com.example#Ping" },
        { "target": "com.example#Plain" }
      ],
      "traits": {
        "aws.api#service": { "sdkId": "Widgets" },
        "aws.auth#sigv4": { "name": "widgets" },
        "aws.protocols#awsJson1_0": {},
        "smithy.rules#endpointRuleSet": {
          "version": "1.0",
          "parameters": {
            "Region": { "builtIn": "AWS::Region", "required": false, "type": "String" },
            "Endpoint": { "builtIn": "SDK::Endpoint", "required": false, "type": "String" }
          },
          "rules": [
            {
              "conditions": [{ "fn": "isSet", "argv": [{ "ref": "Endpoint" }] }],
              "endpoint": { "url": { "ref": "Endpoint" } },
              "type": "endpoint"
            },
            {
              "conditions": [{ "fn": "isSet", "argv": [{ "ref": "Region" }] }],
              "endpoint": { "url": "https://widgets.{Region}.amazonaws.com" },
              "type": "endpoint"
            },
            { "conditions": [], "error": "Missing Region", "type": "error" }
          ]
        }
      }
    },
    "com.example#GetStatus": {
      "type": "operation",
      "input": { "target": "com.example#GetStatusInput" },
      "output": { "target": "smithy.api#Unit" },
      "traits": { "smithy.api#endpoint": { "hostPrefix": "{name}.data." } }
    },
    "com.example#GetStatusInput": {
      "type": "structure",
      "members": {
        "name": {
          "target": "smithy.api#String",
          "traits": { "smithy.api#hostLabel": {}, "smithy.api#required": {} }
        },
        "detail": { "target": "smithy.api#String" }
      },
      "traits": { "smithy.api#input": {} }
    },
    "com.example#Ping": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" },
      "traits": { "smithy.api#endpoint": { "hostPrefix": "foo." } }
    },
    "com.example#Plain": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" }
    }
  }
}"##;

/// The calls, as a test of the generated crate.
const CALLS: &str = include_str!("host_prefix/calls.rs");

fn settings() -> codegen::Settings {
    codegen::Settings::new("widgets", "tests/tests/host_prefix.rs")
}

#[test]
fn the_generated_client_prefixes_the_host() {
    let files = codegen::generate(MODEL, &settings()).unwrap_or_else(|e| panic!("{e}"));
    let client = &files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .expect("a client module")
        .contents;
    assert!(client.contains("template: \"{name}.data.\""), "{client}");
    assert!(client.contains("template: \"foo.\""), "{client}");
    let files = files.iter().map(|f| (&f.path, &f.contents));
    tests::run_test_in_generated_crate("host-prefix", files, "calls", CALLS)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// [`MODEL`] with `change` applied to its JSON.
fn changed(change: impl FnOnce(&mut Value)) -> String {
    let mut model: Value = serde_json::from_str(MODEL).unwrap();
    change(&mut model);
    model.to_string()
}

fn refusal(model: &str) -> String {
    codegen::generate(model, &settings())
        .expect_err("the model is refused")
        .to_string()
}

fn set_prefix(model: &mut Value, prefix: &str) {
    model["shapes"]["com.example#GetStatus"]["traits"]["smithy.api#endpoint"]["hostPrefix"] =
        Value::from(prefix);
}

fn name_traits(model: &mut Value) -> &mut Value {
    &mut model["shapes"]["com.example#GetStatusInput"]["members"]["name"]["traits"]
}

#[test]
fn host_prefixes_the_spec_forbids_are_refused() {
    let at = "com.example#GetStatus: its `smithy.api#endpoint` host prefix";
    let cases: Vec<(String, String)> = vec![
        (
            changed(|m| set_prefix(m, "{name}.{nope}.")),
            format!("{at} `{{name}}.{{nope}}.` has the label `{{nope}}`, but the input has no member `nope`"),
        ),
        (
            changed(|m| set_prefix(m, "{detail}.{name}.")),
            format!("{at} `{{detail}}.{{name}}.` has the label `{{detail}}`, but the input member `detail` does not have `smithy.api#hostLabel`"),
        ),
        (
            changed(|m| set_prefix(m, "{name}{name}.")),
            format!("{at} `{{name}}{{name}}.` has the label `{{name}}` right after another label"),
        ),
        (
            changed(|m| set_prefix(m, "{name}.{name}.")),
            format!("{at} `{{name}}.{{name}}.` has the label `{{name}}` twice"),
        ),
        (
            changed(|m| set_prefix(m, "{name.")),
            format!("{at} `{{name.` has a `{{` without its `}}`"),
        ),
        (
            changed(|m| set_prefix(m, "https://{name}.")),
            format!("{at} `https://{{name}}.` has `:`, which cannot be part of a host name (letters, digits, `-`, `.` and `{{label}}`s only)"),
        ),
        (
            changed(|m| set_prefix(m, "data.")),
            format!("{at} `data.` has no label `{{name}}` for the `@hostLabel` input member `name`"),
        ),
        (
            changed(|m| {
                name_traits(m)
                    .as_object_mut()
                    .unwrap()
                    .remove("smithy.api#required");
            }),
            format!("{at} `{{name}}.data.` has the label `{{name}}`, but the input member `name` is not `@required`"),
        ),
        (
            changed(|m| {
                m["shapes"]["com.example#GetStatusInput"]["members"]["name"]["target"] =
                    Value::from("smithy.api#Integer");
            }),
            format!("{at} `{{name}}.data.` has the label `{{name}}`, but the input member `name` does not target a string"),
        ),
        (
            changed(|m| set_prefix(m, "")),
            "com.example#GetStatus: trait `smithy.api#endpoint`: the value must be an object with a non-empty string `hostPrefix`".to_owned(),
        ),
    ];
    for (model, expected) in cases {
        assert_eq!(refusal(&model), expected);
    }
}

#[test]
fn host_labels_without_a_host_prefix_change_nothing() {
    // `@hostLabel` only means something on the input of an operation with `@endpoint`.
    let model = changed(|m| {
        m["shapes"]["com.example#GetStatus"]["traits"] = serde_json::json!({});
    });
    let files = codegen::generate(&model, &settings()).unwrap_or_else(|e| panic!("{e}"));
    let client = &files
        .iter()
        .find(|f| f.path == "src/client.rs")
        .unwrap()
        .contents;
    assert!(!client.contains("{name}"), "{client}");
}
