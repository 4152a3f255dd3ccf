//! `smithy.waiters#waitable` traits the generator must refuse: each case is one small model (a
//! service with a `GetThing` operation) with one waiter definition, and gives exactly one
//! diagnostic that names the operation and the waiter, never a panic. What the generator
//! compiles is tested by the `waiters` fixture (`tests/fixtures/waiters.json` and its usage
//! program), the runtime's loop by `codegen/runtime/tests/waiter.rs`, and a real service by
//! `e2e_rust_only.rs` (DynamoDB's `TableExists` and `TableNotExists` against moto).

use serde_json::{json, Value};

/// The model with `waitable` on `GetThing` (and `other` on `Other`, when given).
fn model(waitable: Value, other: Option<Value>) -> String {
    let mut other_traits = json!({});
    if let Some(other) = other {
        other_traits["smithy.waiters#waitable"] = other;
    }
    json!({
        "smithy": "2.0",
        "shapes": {
            "fixture.w#Things": {
                "type": "service",
                "version": "1",
                "operations": [
                    {"target": "fixture.w#GetThing"},
                    {"target": "fixture.w#Other"},
                    {"target": "fixture.w#WaitUntilGone"},
                    {"target": "fixture.w#Put"}
                ],
                "traits": {"aws.protocols#awsJson1_0": {}, "aws.api#service": {"sdkId": "Things"}}
            },
            "fixture.w#GetThing": {
                "type": "operation",
                "input": {"target": "fixture.w#GetThingInput"},
                "output": {"target": "fixture.w#GetThingOutput"},
                "errors": [{"target": "fixture.w#NotFound"}],
                "traits": {"smithy.waiters#waitable": waitable}
            },
            "fixture.w#Other": {"type": "operation", "traits": other_traits},
            "fixture.w#WaitUntilGone": {"type": "operation"},
            "fixture.w#Put": {
                "type": "operation",
                "traits": {"smithy.waiters#waitable": {"PutDone": {"acceptors": [
                    {"state": "success", "matcher": {"success": true}}
                ]}}}
            },
            "fixture.w#GetThingInput": {
                "type": "structure",
                "members": {"name": {"target": "smithy.api#String"}}
            },
            "fixture.w#GetThingOutput": {
                "type": "structure",
                "members": {
                    "status": {"target": "smithy.api#String"},
                    "ready": {"target": "smithy.api#Boolean"},
                    "count": {"target": "smithy.api#Integer"},
                    "items": {"target": "fixture.w#Items"},
                    "data": {"target": "smithy.api#Blob"},
                    "doc": {"target": "smithy.api#Document"},
                    "choice": {"target": "fixture.w#Choice"},
                    "sparse": {"target": "fixture.w#SparseItems"}
                }
            },
            "fixture.w#Items": {"type": "list", "member": {"target": "fixture.w#Item"}},
            "fixture.w#SparseItems": {
                "type": "list",
                "member": {"target": "smithy.api#String"},
                "traits": {"smithy.api#sparse": {}}
            },
            "fixture.w#Item": {
                "type": "structure",
                "members": {"state": {"target": "smithy.api#String"}}
            },
            "fixture.w#Choice": {
                "type": "union",
                "members": {"a": {"target": "smithy.api#String"}}
            },
            "fixture.w#NotFound": {
                "type": "structure",
                "members": {},
                "traits": {"smithy.api#error": "client"}
            }
        }
    })
    .to_string()
}

fn generate(text: &str) -> Result<Vec<codegen::GeneratedFile>, codegen::Diagnostic> {
    codegen::generate(text, &codegen::Settings::new("things", "waiters.rs"))
}

/// A waiter named `Ready` with these acceptors.
fn ready(acceptors: Value) -> Value {
    json!({"Ready": {"acceptors": acceptors}})
}

/// A `Ready` waiter whose one `success` acceptor matches `path` with `comparator`.
fn path(path: &str, expected: &str, comparator: &str) -> Value {
    ready(json!([{"state": "success", "matcher": {"output": {
        "path": path, "expected": expected, "comparator": comparator
    }}}]))
}

/// The base model generates: the cases below each break one thing.
#[test]
fn the_base_model_generates() {
    let files = generate(&model(path("status", "OK", "stringEquals"), None)).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"src/waiters/ready.rs"), "{paths:?}");
    assert!(paths.contains(&"src/waiters/put_done.rs"), "{paths:?}");
}

#[test]
fn refused_waiters_name_the_operation_and_the_waiter() {
    let op = "fixture.w#GetThing: its waiter `Ready`";
    let cases: Vec<(Value, Option<Value>, String)> = vec![
        // The trait's own rules.
        (json!(["Ready"]), None, "fixture.w#GetThing: its `smithy.waiters#waitable` is not an object of waiters".to_owned()),
        (json!({"ready": {"acceptors": []}}), None, "fixture.w#GetThing: its waiter `ready` is not a valid waiter name (an upper-case letter, then letters and digits)".to_owned()),
        (json!({"Ready": 3}), None, format!("{op} is not an object")),
        (json!({"Ready": {}}), None, format!("{op} has no list of `acceptors`")),
        (ready(json!([])), None, format!("{op} has no acceptor with the `success` state")),
        (ready(json!([{"state": "failure", "matcher": {"success": false}}])), None, format!("{op} has no acceptor with the `success` state")),
        (json!({"Ready": {"minDelay": 0, "acceptors": []}}), None, format!("{op} has a `minDelay` that is not a whole number of seconds of at least 1")),
        (json!({"Ready": {"maxDelay": 1.5, "acceptors": []}}), None, format!("{op} has a `maxDelay` that is not a whole number of seconds of at least 1")),
        (json!({"Ready": {"minDelay": 200, "acceptors": []}}), None, format!("{op} has a `minDelay` (200) greater than its `maxDelay` (120)")),
        (json!({"Ready": {"documentation": 1, "acceptors": []}}), None, format!("{op} has a `documentation` that is not a string")),
        (ready(json!([{"state": "done", "matcher": {"success": true}}])), None, format!("{op} has an acceptor 0 that has the state `done` (not `success`, `failure` or `retry`)")),
        (ready(json!([{"matcher": {"success": true}}])), None, format!("{op} has an acceptor 0 that has no `state`")),
        (ready(json!([{"state": "success"}])), None, format!("{op} has an acceptor 0 that has no `matcher` object")),
        (ready(json!([{"state": "success", "matcher": {"success": true, "errorType": "X"}}])), None, format!("{op} has an acceptor 0 that has a matcher with 2 members (a matcher has exactly one)")),
        (ready(json!([{"state": "success", "matcher": {"succes": true}}])), None, format!("{op} has an acceptor 0 that has the unknown matcher `succes`")),
        (ready(json!([{"state": "success", "matcher": {"success": "yes"}}])), None, format!("{op} has an acceptor 0 that has a `success` matcher that is not a boolean")),
        (ready(json!([{"state": "success", "matcher": {"errorType": "ns#"}}])), None, format!("{op} has an acceptor 0 that has an empty `errorType`")),
        (ready(json!([{"state": "success", "matcher": {"output": {"path": "status", "expected": "OK"}}}])), None, format!("{op} has an acceptor 0 that has an `output` matcher without a string `comparator`")),
        (path("status", "OK", "stringMatches"), None, format!("{op} has an acceptor 0 that has the unknown comparator `stringMatches`")),
        (path("ready", "yes", "booleanEquals"), None, format!("{op} has an acceptor 0 that compares with `booleanEquals` to `yes` (not `true` or `false`)")),
        // Names: unique in the service whatever their case, and no client method taken twice.
        (path("status", "OK", "stringEquals"), Some(json!({"READY": {"acceptors": [{"state": "success", "matcher": {"success": true}}]}})), "fixture.w#Other: its waiter `READY` has the name of the waiter `Ready` of `fixture.w#GetThing` (waiter names are unique in a service, whatever their case)".to_owned()),
        (json!({"Gone": {"acceptors": [{"state": "success", "matcher": {"success": true}}]}}), None, "fixture.w#GetThing: its waiter `Gone` has the client method `wait_until_gone`, which is also the fluent method of `fixture.w#WaitUntilGone`; add a `rename` on the service".to_owned()),
        // Paths that do not parse, name no member, or use what the compiler lacks.
        (path("status.", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `status.`: unexpected the end at 7")),
        (path("Status", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `Status`: `fixture.w#GetThingOutput` has no member `Status`")),
        (path("items[].stat", "OK", "allStringEquals"), None, format!("{op} has an acceptor 0 that has the path `items[].stat`: `fixture.w#Item` has no member `stat`")),
        (path("status.length", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `status.length`: `length` is read from a string, which has no members")),
        (path("data", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `data`: `fixture.w#GetThingOutput$data` is a blob, which waiter paths do not support")),
        (path("doc", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `doc`: `fixture.w#GetThingOutput$doc` is a document, which waiter paths do not support")),
        (path("choice", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `choice`: `fixture.w#GetThingOutput$choice` is the union `Choice`, which waiter paths do not support")),
        (path("sparse", "OK", "anyStringEquals"), None, format!("{op} has an acceptor 0 that has the path `sparse`: `fixture.w#GetThingOutput$sparse` is a sparse collection, which waiter paths do not support")),
        (path("contains(items[].state, 'OK')", "true", "booleanEquals"), None, format!("{op} has an acceptor 0 that has the path `contains(items[].state, 'OK')`: the function `contains` is not supported (only `length` is)")),
        (path("items[0:2]", "OK", "anyStringEquals"), None, format!("{op} has an acceptor 0 that has the path `items[0:2]`: slices (`[a:b]`) are not supported")),
        (path("[status, status]", "OK", "anyStringEquals"), None, format!("{op} has an acceptor 0 that has the path `[status, status]`: multi-select lists (`[a, b]`) are not supported")),
        (path("status[0]", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `status[0]`: `[0]` indexes a string, not an array")),
        (path("status == `1`", "true", "booleanEquals"), None, format!("{op} has an acceptor 0 that has the path `status == `1``: `==` compares a string with a number; supported are strings, numbers or booleans with their own kind (and only numbers are ordered)")),
        (path("status && ready", "true", "booleanEquals"), None, format!("{op} has an acceptor 0 that has the path `status && ready`: `&&` joins a string and a boolean; only booleans are supported")),
        (path("status == `null`", "true", "booleanEquals"), None, format!("{op} has an acceptor 0 that has the path `status == `null``: the literal `null` is not supported (only strings, numbers and booleans are)")),
        (path("input.name", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `input.name`: `fixture.w#GetThingOutput` has no member `input`")),
        // Comparators need the value they compare.
        (path("count", "1", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `count`: `stringEquals` compares a string, and the path gives a number")),
        (path("items[].state", "OK", "stringEquals"), None, format!("{op} has an acceptor 0 that has the path `items[].state`: `stringEquals` compares a string, and the path gives an array of strings")),
        (path("status", "OK", "allStringEquals"), None, format!("{op} has an acceptor 0 that has the path `status`: `allStringEquals` compares an array of strings, and the path gives a string")),
        (path("items", "OK", "anyStringEquals"), None, format!("{op} has an acceptor 0 that has the path `items`: `anyStringEquals` compares an array of strings, and the path gives an array of `fixture.w#Item` structures")),
        // `inputOutput` starts at `input` or `output`.
        (ready(json!([{"state": "success", "matcher": {"inputOutput": {"path": "status", "expected": "OK", "comparator": "stringEquals"}}}])), None, format!("{op} has an acceptor 0 that has the path `status`: an `inputOutput` path reads `input` or `output`, not `status`")),
        // An `output` matcher needs an output.
        (path("status", "OK", "stringEquals"), Some(json!({"Done": {"acceptors": [{"state": "success", "matcher": {"output": {"path": "x", "expected": "y", "comparator": "stringEquals"}}}]}})), "fixture.w#Other: its waiter `Done` has an acceptor 0 that has an `output` matcher, but the operation has no output".to_owned()),
    ];
    let mut failures = Vec::new();
    for (waitable, other, expected) in cases {
        let text = model(waitable.clone(), other);
        match generate(&text) {
            Ok(_) => failures.push(format!("{waitable}: generated, expected: {expected}")),
            Err(diagnostic) if diagnostic.to_string() == expected => {}
            Err(diagnostic) => failures.push(format!(
                "{waitable}:\n  expected: {expected}\n  got:      {diagnostic}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Waiters on operations left out of the crate (`--operation`) are not generated, and their
/// faults are not reported (shapes outside the closure never cause an error).
#[test]
fn waiters_of_operations_left_out_are_ignored() {
    let broken = path("Nope", "OK", "stringEquals");
    let text = model(broken, None);
    let mut settings = codegen::Settings::new("things", "waiters.rs");
    settings.operations = vec!["Put".to_owned()];
    let files = codegen::generate(&text, &settings).unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"src/waiters/put_done.rs"), "{paths:?}");
    assert!(!paths.contains(&"src/waiters/ready.rs"), "{paths:?}");
}

/// Paths built to exhaust the stack (deep nesting, long chains) are refused on a 2 MiB thread,
/// the size of a test thread and of the stack `hostile_models.rs` generates on.
#[test]
fn hostile_paths_are_refused_without_overflowing_the_stack() {
    let cases = [
        format!("{}status{}", "(".repeat(50_000), ")".repeat(50_000)),
        format!("{}ready", "!".repeat(50_000)),
        vec!["status"; 50_000].join("."),
        format!("status{}", " == status".repeat(50_000)),
    ];
    for (n, text) in cases.into_iter().enumerate() {
        let model = model(path(&text, "true", "booleanEquals"), None);
        let result = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || generate(&model).map(|_| ()))
            .unwrap()
            .join()
            .expect("no panic, no overflow");
        let error = result.expect_err("refused").to_string();
        assert!(
            error.ends_with(": the path has more than 100 parts"),
            "case {n}: {error}"
        );
    }
}
