//! The official protocol compliance suites of the AWS JSON protocols, run against generated
//! clients: awsJson1_0 (`protocol-tests/json10.json` among the shared AWS models) and awsJson1_1
//! (the awsJson1_1 services of `protocol-tests/smithy-aws-protocol-tests_model.json`, which holds
//! every AWS protocol's suite: `aws.protocoltests.json#JsonProtocol` and the Machine Learning
//! customization service).
//!
//! For each service of a suite that speaks its protocol, every operation the generator accepts
//! on its own (as `--operation NAME` would) goes into one crate; `codegen::generate_protocol_tests`
//! writes its `tests/protocol.rs`, a `#[test]` per client case, and cargo builds and runs it.
//! Every client case of the suite (`appliesTo` absent or `client`) for the protocol either runs
//! and passes, or is in the suite's `not_run` list with the reason. Nothing is dropped silently:
//! a case that neither runs nor is listed fails this test, and so does a listed case that runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use tests::{aws_models_dir, cargo_in, temp_path, write_crate};

/// One compliance suite: a model file and the protocol whose client cases run.
struct Suite {
    /// The model, relative to the shared AWS models folder.
    file: &'static str,
    /// The protocol: only services with this trait are generated, only its cases run.
    protocol: &'static str,
    /// The package name of the generated crates.
    package: &'static str,
    /// Client cases that do not run, by case id, with the reason.
    not_run: &'static [(&'static str, &'static str)],
}

const JSON10: Suite = Suite {
    file: "protocol-tests/json10.json",
    protocol: "aws.protocols#awsJson1_0",
    package: "json10-protocol",
    not_run: &[],
};

const JSON11: Suite = Suite {
    file: "protocol-tests/smithy-aws-protocol-tests_model.json",
    protocol: "aws.protocols#awsJson1_1",
    package: "json11-protocol",
    not_run: &[],
};

const REST_JSON: Suite = Suite {
    file: "protocol-tests/smithy-aws-protocol-tests_model.json",
    protocol: "aws.protocols#restJson1",
    package: "restjson-protocol",
    not_run: &[],
};

#[test]
fn json10_client_cases_run_and_pass_or_are_listed() {
    run_suite(&JSON10);
}

#[test]
fn json11_client_cases_run_and_pass_or_are_listed() {
    run_suite(&JSON11);
}

#[test]
fn rest_json_client_cases_run_and_pass_or_are_listed() {
    run_suite(&REST_JSON);
}

/// One client case of the suite.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ClientCase {
    /// `request` or `response`: the module of the generated test file that holds it.
    kind: &'static str,
    id: String,
    /// The operation or error structure the case is on.
    shape: String,
}

impl ClientCase {
    /// The test's name in the generated test binary.
    fn test_name(&self) -> String {
        format!("{}::{}", self.kind, self.id)
    }
}

/// Every client case of the suite, for its protocol.
fn client_cases(suite: &Suite, model: &Value) -> Vec<ClientCase> {
    let mut cases = Vec::new();
    for (shape, body) in model["shapes"].as_object().expect("the suite has shapes") {
        for (kind, name) in [
            ("request", "smithy.test#httpRequestTests"),
            ("response", "smithy.test#httpResponseTests"),
        ] {
            let Some(list) = body["traits"].get(name) else {
                continue;
            };
            for case in list.as_array().expect("test traits are lists") {
                let applies_to = case["appliesTo"].as_str();
                if case["protocol"] == suite.protocol && applies_to != Some("server") {
                    cases.push(ClientCase {
                        kind,
                        id: case["id"].as_str().expect("cases have ids").to_owned(),
                        shape: shape.clone(),
                    });
                }
            }
        }
    }
    cases.sort();
    cases
}

/// The services of the suite that speak its protocol (shape id), each with its operations'
/// names.
fn services(suite: &Suite, model: &Value) -> Vec<(String, Vec<String>)> {
    let mut services = Vec::new();
    for (id, shape) in model["shapes"].as_object().unwrap() {
        if shape["type"] != "service" || shape["traits"].get(suite.protocol).is_none() {
            continue;
        }
        let operations = shape["operations"]
            .as_array()
            .map(|ops| {
                ops.iter()
                    .map(|op| {
                        let target = op["target"].as_str().unwrap();
                        target.split('#').nth(1).unwrap().to_owned()
                    })
                    .collect()
            })
            .unwrap_or_default();
        services.push((id.clone(), operations));
    }
    services
}

fn settings(suite: &Suite, service: &str, operations: Vec<String>) -> codegen::Settings {
    let mut settings = codegen::Settings::new(suite.package, suite.file);
    settings.service = Some(service.to_owned());
    settings.operations = operations;
    settings
}

/// The test executable cargo built for the generated crate at `dir`.
fn build_tests(dir: &Path) -> PathBuf {
    let out = cargo_in(
        dir,
        &[
            "test",
            "--test",
            "protocol",
            "--no-run",
            "--message-format=json",
        ],
    )
    .unwrap_or_else(|e| panic!("the generated protocol tests do not build:\n{e}"));
    out.lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|message| {
            message["reason"] == "compiler-artifact"
                && message["target"]["name"] == "protocol"
                && message["executable"].is_string()
        })
        .map(|message| PathBuf::from(message["executable"].as_str().unwrap()))
        .unwrap_or_else(|| panic!("cargo named no `protocol` test executable:\n{out}"))
}

/// Runs the test executable with libtest arguments; returns success, stdout and stderr.
fn run_tests(executable: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(executable)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", executable.display()));
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// What the suite's run of one service found.
#[derive(Default)]
struct Outcome {
    /// Test names in the generated test binary.
    generated: BTreeSet<String>,
    passed: BTreeSet<String>,
    failed: BTreeMap<String, String>,
    /// Generated tests of cases in the suite's `not_run` that pass when run alone.
    listed_but_passing: Vec<String>,
}

/// Generates the crate and its protocol tests for `operations` of `service`, builds them, and
/// runs every test except `skip` (test names).
fn run_service(
    suite: &Suite,
    text: &str,
    service: &str,
    operations: Vec<String>,
    skip: &[String],
) -> Outcome {
    let settings = settings(suite, service, operations);
    let files = codegen::generate(text, &settings).unwrap_or_else(|e| {
        panic!("{service}: the operations that generate alone fail together: {e}")
    });
    let tests = codegen::generate_protocol_tests(text, &settings)
        .unwrap_or_else(|e| panic!("{service}: the protocol tests do not generate: {e}"));
    assert_eq!(
        tests,
        codegen::generate_protocol_tests(text, &settings).unwrap(),
        "generating the protocol tests twice gave different text"
    );
    let dir = temp_path("protocol-compliance");
    let files = files.iter().map(|f| (f.path.as_str(), f.contents.as_str()));
    write_crate(&dir, files.chain([("tests/protocol.rs", tests.as_str())]));
    let executable = build_tests(&dir);

    let mut outcome = Outcome::default();
    let (ok, listed, stderr) = run_tests(&executable, &["--list", "--format", "terse"]);
    assert!(ok, "listing the tests failed:\n{stderr}");
    for line in listed.lines() {
        if let Some(name) = line.strip_suffix(": test") {
            outcome.generated.insert(name.to_owned());
        }
    }

    let mut args = vec!["--exact", "--test-threads", "4"];
    let skipped: Vec<&str> = skip
        .iter()
        .map(String::as_str)
        .filter(|name| outcome.generated.contains(*name))
        .collect();
    for name in &skipped {
        args.extend(["--skip", name]);
    }
    let (_, stdout, _) = run_tests(&executable, &args);
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        if let Some(name) = rest.strip_suffix(" ... ok") {
            outcome.passed.insert(name.to_owned());
        } else if let Some(name) = rest.strip_suffix(" ... FAILED") {
            outcome.failed.insert(name.to_owned(), String::new());
        }
    }
    for (name, why) in outcome.failed.iter_mut() {
        // The panic message, as libtest prints it under `---- NAME stdout ----`.
        let header = format!("---- {name} stdout ----");
        if let Some(start) = stdout.find(&header) {
            let rest = &stdout[start + header.len()..];
            let end = ["\n---- ", "\nfailures:\n"]
                .iter()
                .filter_map(|marker| rest.find(marker))
                .min()
                .unwrap_or(rest.len());
            *why = rest[..end].trim().to_owned();
        }
    }
    // A listed case that is generated must still fail: once it passes, it belongs in the run.
    for name in skipped {
        let (ok, _, _) = run_tests(&executable, &["--exact", name]);
        if ok {
            outcome.listed_but_passing.push(name.to_owned());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    outcome
}

/// Runs every client case of `suite` that is not listed, and checks the listed ones.
fn run_suite(suite: &Suite) {
    let Some(models) = aws_models_dir() else {
        return;
    };
    let path = models.join(suite.file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let model: Value = serde_json::from_str(&text).expect("the suite is JSON");
    let cases = client_cases(suite, &model);
    let not_run: BTreeMap<&str, &str> = suite.not_run.iter().copied().collect();
    assert_eq!(
        not_run.len(),
        suite.not_run.len(),
        "not_run lists an id twice"
    );
    let ids: BTreeSet<&str> = cases.iter().map(|c| c.id.as_str()).collect();
    for id in not_run.keys() {
        assert!(
            ids.contains(id),
            "not_run lists `{id}`, which is no client case of {} for {}",
            suite.file,
            suite.protocol
        );
    }
    let skip: Vec<String> = cases
        .iter()
        .filter(|c| not_run.contains_key(c.id.as_str()))
        .map(ClientCase::test_name)
        .collect();

    let mut generated = BTreeSet::new();
    let mut passed = BTreeSet::new();
    let mut failed = BTreeMap::new();
    let mut listed_but_passing = Vec::new();
    for (service, operations) in services(suite, &model) {
        let mut accepted = Vec::new();
        for operation in operations {
            match codegen::generate(&text, &settings(suite, &service, vec![operation.clone()])) {
                Ok(_) => accepted.push(operation),
                Err(why) => println!("not generated: {service} {operation}: {why}"),
            }
        }
        if accepted.is_empty() {
            continue;
        }
        println!("generated: {service}: {}", accepted.join(", "));
        let outcome = run_service(suite, &text, &service, accepted, &skip);
        generated.extend(outcome.generated);
        passed.extend(outcome.passed);
        failed.extend(outcome.failed);
        listed_but_passing.extend(outcome.listed_but_passing);
    }

    let names: BTreeSet<String> = cases.iter().map(ClientCase::test_name).collect();
    let unexpected: Vec<&String> = generated.difference(&names).collect();
    assert!(
        unexpected.is_empty(),
        "tests for cases that are not client cases of {}: {unexpected:?}",
        suite.file
    );
    let mut dropped = Vec::new();
    let mut listed_but_run = Vec::new();
    for case in &cases {
        let name = case.test_name();
        let listed = not_run.contains_key(case.id.as_str());
        let ran = passed.contains(&name) || failed.contains_key(&name);
        if !listed && !generated.contains(&name) {
            dropped.push(format!("{name} (on {})", case.shape));
        }
        if listed && ran {
            listed_but_run.push(name);
        }
    }
    assert!(
        dropped.is_empty(),
        "client cases that neither run nor are in not_run:\n{}",
        dropped.join("\n")
    );
    assert!(
        listed_but_run.is_empty(),
        "cases in not_run that ran: {listed_but_run:?}"
    );
    assert!(
        listed_but_passing.is_empty(),
        "cases in not_run that pass (remove them from the list): {listed_but_passing:?}"
    );
    let failures: Vec<String> = failed
        .iter()
        .map(|(name, why)| format!("{name}:\n{why}"))
        .collect();
    assert!(
        failures.is_empty(),
        "{} protocol test(s) failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    let run = cases
        .iter()
        .filter(|c| !not_run.contains_key(c.id.as_str()))
        .count();
    assert_eq!(
        passed.len(),
        run,
        "every client case not in not_run must run and pass"
    );

    let mut by_reason: BTreeMap<&str, usize> = BTreeMap::new();
    for case in cases.iter() {
        if let Some(reason) = not_run.get(case.id.as_str()) {
            *by_reason.entry(reason).or_default() += 1;
        }
    }
    println!(
        "{} ({}): {} client cases: {} run, {} passed, {} not run",
        suite.file,
        suite.protocol,
        cases.len(),
        run,
        passed.len(),
        cases.len() - run
    );
    for (reason, count) in by_reason {
        println!("  not run ({count}): {reason}");
    }
}
