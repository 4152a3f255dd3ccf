//! Auth schemes from the model, end to end: the generator resolves each operation's schemes as
//! the Smithy spec says (the service's `@auth` order, else its auth traits by shape id; the
//! operation's `@auth`; `@optionalAuth`), and the crate it generates for [`MODEL`], a service
//! that is not AWS's and has no SigV4, sends each identity as its scheme says
//! (`tests/tests/auth_schemes/calls.rs`, run as a test of the generated crate against a
//! transport that records the requests). Refusals (an unimplemented scheme, `@auth` naming a
//! scheme the service lacks, a bad API key trait) are in the bad-model corpus.

use serde_json::Value;

/// A notes service with bearer, API key and basic auth, bearer preferred (`@auth`), and
/// operations that narrow it: `ListNotes` (the service's order), `GetNote` (`@auth([basic])`),
/// `Health` (`@auth([])`: anonymous) and `Search` (`@optionalAuth`).
const MODEL: &str = r##"{
  "smithy": "2.0",
  "shapes": {
    "example.notes#Notes": {
      "type": "service",
      "version": "2025-01-01",
      "operations": [
        { "target": "example.notes#ListNotes" },
        { "target": "example.notes#GetNote" },
        { "target": "example.notes#Health" },
        { "target": "example.notes#Search" }
      ],
      "traits": {
        "aws.protocols#awsJson1_0": {},
        "smithy.api#httpBearerAuth": {},
        "smithy.api#httpApiKeyAuth": { "name": "X-Api-Key", "in": "header", "scheme": "ApiKey" },
        "smithy.api#httpBasicAuth": {},
        "smithy.api#auth": ["smithy.api#httpBearerAuth", "smithy.api#httpApiKeyAuth"]
      }
    },
    "example.notes#ListNotes": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" }
    },
    "example.notes#GetNote": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" },
      "traits": { "smithy.api#auth": ["smithy.api#httpBasicAuth"] }
    },
    "example.notes#Health": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" },
      "traits": { "smithy.api#auth": [] }
    },
    "example.notes#Search": {
      "type": "operation",
      "input": { "target": "smithy.api#Unit" },
      "output": { "target": "smithy.api#Unit" },
      "traits": { "smithy.api#optionalAuth": {} }
    }
  }
}"##;

const CALLS: &str = include_str!("auth_schemes/calls.rs");

fn settings() -> codegen::Settings {
    codegen::Settings::new("notes", "tests/tests/auth_schemes.rs")
}

/// The generated `src/client.rs` of `model`, with all white space removed.
fn compact_client(model: &str) -> String {
    codegen::generate(model, &settings())
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .find(|f| f.path == "src/client.rs")
        .expect("a client module")
        .contents
        .split_whitespace()
        .collect()
}

/// The `OperationSpec` of operation `name` in a [`compact_client`].
fn spec<'a>(compact: &'a str, name: &str) -> &'a str {
    let start = compact
        .find(&format!("name:\"{name}\""))
        .unwrap_or_else(|| panic!("no spec for {name}"));
    let rest = &compact[start..];
    &rest[..rest.find("};").expect("the end of the spec")]
}

#[test]
fn the_generated_client_sends_each_operations_identity() {
    let files = codegen::generate(MODEL, &settings()).unwrap_or_else(|e| panic!("{e}"));
    let files = files.iter().map(|f| (&f.path, &f.contents));
    tests::run_test_in_generated_crate("auth-schemes", files, "calls", CALLS)
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn schemes_follow_the_services_auth_order_and_the_operations_own() {
    let compact = compact_client(MODEL);
    let of = |name| spec(&compact, name);
    assert!(
        of("ListNotes").contains(
            "auth:&[crate::auth::AuthScheme::HttpBearer,crate::auth::AuthScheme::HttpApiKey{name:\"X-Api-Key\",location:crate::auth::ApiKeyLocation::Header,scheme:::std::option::Option::Some(\"ApiKey\"),},],optional_auth:false"
        ),
        "{}",
        of("ListNotes")
    );
    assert!(
        of("GetNote").contains("auth:&[crate::auth::AuthScheme::HttpBasic],optional_auth:false"),
        "{}",
        of("GetNote")
    );
    assert!(
        of("Health").contains("auth:&[],optional_auth:false"),
        "{}",
        of("Health")
    );
    assert!(
        of("Search").contains("optional_auth:true"),
        "{}",
        of("Search")
    );
    // No SigV4 anywhere: the service does not have it.
    assert!(!compact.contains("SigV4"), "{compact}");

    // Without `@auth` on the service: every auth trait, by shape id.
    let mut model: Value = serde_json::from_str(MODEL).unwrap();
    model["shapes"]["example.notes#Notes"]["traits"]
        .as_object_mut()
        .unwrap()
        .remove("smithy.api#auth");
    let compact = compact_client(&model.to_string());
    let list = spec(&compact, "ListNotes");
    let order: Vec<usize> = ["HttpApiKey", "HttpBasic", "HttpBearer"]
        .iter()
        .map(|scheme| list.find(scheme).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{list}");
}

#[test]
fn a_service_with_sigv4_signs_under_its_signing_name() {
    let mut model: Value = serde_json::from_str(MODEL).unwrap();
    let traits = &mut model["shapes"]["example.notes#Notes"]["traits"];
    traits["aws.auth#sigv4"] = serde_json::json!({ "name": "notes-signing" });
    traits["smithy.api#auth"] = serde_json::json!(["aws.auth#sigv4"]);
    let compact = compact_client(&model.to_string());
    for name in ["ListNotes", "Search"] {
        assert!(
            spec(&compact, name).contains(
                "auth:&[crate::auth::AuthScheme::SigV4{signing_name:\"notes-signing\",},]"
            ),
            "{}",
            spec(&compact, name)
        );
    }
}
