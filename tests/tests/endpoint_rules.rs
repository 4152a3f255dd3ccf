//! The runtime's endpoint rules engine (`smithy_rust_runtime::endpoint`) against real rule sets:
//!
//! - the official Step Functions rule set must pass all of its official test cases;
//! - our own, simpler rule set in `models/sfn.json` must answer every official test case exactly
//!   as the official rule set does, and pass our own test cases (as must the official rule set).
//!
//! The module's unit tests (templates, `getAttr` paths, `parseURL`, host labels, malformed rule
//! sets, ...) run with the runtime crate's.

use serde_json::{Map, Value};
use smithy_rust_runtime::endpoint::{resolve, Endpoint, EndpointError, ParamValue, Params};
use std::collections::BTreeMap;

const SERVICE: &str = "com.amazonaws.sfn#AWSStepFunctions";
const RULE_SET: &str = "smithy.rules#endpointRuleSet";
const TESTS: &str = "smithy.rules#endpointTests";

/// How many test cases the official Step Functions model has.
const OFFICIAL_CASES: usize = 53;

/// Official test cases (by documentation) that our rule set deliberately answers differently from
/// the official one, with the reason. None: our rule set asks the partition whether it supports
/// FIPS and dual-stack, so the ISO partitions need no special case.
const OURS_DIFFERS_FROM_OFFICIAL: &[(&str, &str)] = &[];

/// The service's rule set and test cases from a model.
struct Rules {
    rule_set: Value,
    cases: Vec<Value>,
}

impl Rules {
    fn from_model(text: &str, name: &str) -> Self {
        let model: Value =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
        let traits = &model["shapes"][SERVICE]["traits"];
        let rule_set = traits[RULE_SET].clone();
        assert!(rule_set.is_object(), "{name}: {SERVICE} has no {RULE_SET}");
        let cases = traits[TESTS]["testCases"]
            .as_array()
            .unwrap_or_else(|| panic!("{name}: {SERVICE} has no {TESTS} test cases"))
            .clone();
        Self { rule_set, cases }
    }

    /// The official model's, or `None` when the official models are missing (the helper says why).
    fn official() -> Option<Self> {
        let text = tests::aws_model("sfn.json")?;
        Some(Self::from_model(&text, "the official sfn.json"))
    }

    fn ours() -> Self {
        let path = tests::repo_root().join("models/sfn.json");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Self::from_model(&text, "models/sfn.json")
    }
}

fn documentation(case: &Value) -> &str {
    case["documentation"]
        .as_str()
        .unwrap_or("(undocumented case)")
}

/// A test case's `params` as engine parameters.
fn params(case: &Value) -> Params {
    let Some(given) = case.get("params") else {
        return Params::new();
    };
    let given = given.as_object().expect("`params` is an object");
    given
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Value::String(s) => ParamValue::String(s.clone()),
                Value::Bool(b) => ParamValue::Bool(*b),
                Value::Array(items) => ParamValue::StringArray(
                    items
                        .iter()
                        .map(|item| item.as_str().expect("a string array").to_owned())
                        .collect(),
                ),
                other => panic!("parameter {name} has an unsupported value {other}"),
            };
            (name.clone(), value)
        })
        .collect()
}

/// Checks the result of resolving a test case against its `expect`: the endpoint URL (and its
/// headers and properties, empty unless given), or the exact error message.
fn check(case: &Value, got: &Result<Endpoint, EndpointError>) -> Result<(), String> {
    let expect = &case["expect"];
    let matches = match (expect.get("endpoint"), expect.get("error"), got) {
        (Some(want), None, Ok(endpoint)) => {
            let headers: BTreeMap<String, Vec<String>> = match want.get("headers") {
                Some(headers) => serde_json::from_value(headers.clone())
                    .map_err(|e| format!("bad expected headers: {e}"))?,
                None => BTreeMap::new(),
            };
            let properties = match want.get("properties") {
                Some(Value::Object(properties)) => properties.clone(),
                Some(_) => return Err("bad expected properties".to_owned()),
                None => Map::new(),
            };
            want["url"] == endpoint.url.as_str()
                && headers == endpoint.headers
                && properties == endpoint.properties
        }
        (None, Some(Value::String(want)), Err(error)) => error.message() == want,
        _ => false,
    };
    if matches {
        Ok(())
    } else {
        Err(format!("expected {expect}, got {got:?}"))
    }
}

/// Runs every test case against `rule_set`; the failures, each with its documentation.
fn failures(rule_set: &Value, cases: &[Value]) -> Vec<String> {
    cases
        .iter()
        .filter_map(|case| {
            let got = resolve(rule_set, &params(case));
            check(case, &got)
                .err()
                .map(|why| format!("{}: {why}", documentation(case)))
        })
        .collect()
}

#[test]
fn official_rule_set_passes_all_official_test_cases() {
    let Some(official) = Rules::official() else {
        return;
    };
    assert_eq!(official.cases.len(), OFFICIAL_CASES);
    let failures = failures(&official.rule_set, &official.cases);
    assert!(
        failures.is_empty(),
        "{} of {OFFICIAL_CASES} official test cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn our_rule_set_agrees_with_the_official_one_on_every_official_case() {
    let Some(official) = Rules::official() else {
        return;
    };
    let ours = Rules::ours();
    let mut differences = Vec::new();
    let mut excepted = Vec::new();
    for case in &official.cases {
        let params = params(case);
        let (theirs, mine) = (
            resolve(&official.rule_set, &params),
            resolve(&ours.rule_set, &params),
        );
        let doc = documentation(case);
        let is_exception = OURS_DIFFERS_FROM_OFFICIAL.iter().any(|(d, _)| *d == doc);
        if is_exception {
            assert!(
                theirs != mine,
                "{doc}: listed as an exception, but both rule sets agree (remove it from the list)"
            );
            excepted.push(doc);
        } else if theirs != mine {
            differences.push(format!(
                "{doc}:\n  official: {theirs:?}\n  ours:     {mine:?}"
            ));
        }
    }
    assert_eq!(
        excepted.len(),
        OURS_DIFFERS_FROM_OFFICIAL.len(),
        "every listed exception names an official test case"
    );
    assert!(
        differences.is_empty(),
        "our rule set differs from the official one on {} case(s):\n{}",
        differences.len(),
        differences.join("\n")
    );
}

#[test]
fn our_rule_set_passes_our_test_cases() {
    let ours = Rules::ours();
    assert!(ours.cases.len() >= 10, "we keep a handful of our own cases");
    let failures = failures(&ours.rule_set, &ours.cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn official_rule_set_passes_our_test_cases() {
    let Some(official) = Rules::official() else {
        return;
    };
    let failures = failures(&official.rule_set, &Rules::ours().cases);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn our_rule_set_is_our_own() {
    let Some(official) = Rules::official() else {
        return;
    };
    let ours = Rules::ours();
    assert_ne!(ours.rule_set, official.rule_set);
    let official_docs: Vec<&str> = official.cases.iter().map(documentation).collect();
    for case in &ours.cases {
        assert!(
            !official_docs.contains(&documentation(case)),
            "our test case {:?} copies an official one",
            documentation(case)
        );
    }
}
