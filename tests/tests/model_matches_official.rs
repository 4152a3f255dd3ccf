//! Checks `models/sfn.json` against the official AWS Step Functions model.
//!
//! Our model is the `SendTaskFailure` slice of the official one: the same shapes, members, targets and
//! traits, in the same member order, with documentation written in our own words and without the
//! official endpoint rule set.

use serde_json::{Map, Value};
use std::collections::BTreeSet;

const SERVICE: &str = "com.amazonaws.sfn#AWSStepFunctions";
const OPERATION: &str = "com.amazonaws.sfn#SendTaskFailure";
/// Where the closure of our model starts: the service (for service-wide errors) and the operation.
const ROOTS: [&str; 2] = [SERVICE, OPERATION];
const DOCUMENTATION: &str = "smithy.api#documentation";
const RULE_TRAITS: [&str; 2] = ["smithy.rules#endpointRuleSet", "smithy.rules#endpointTests"];

/// The `shapes` of our model and of the official one.
struct Models {
    ours: Map<String, Value>,
    official: Map<String, Value>,
}

impl Models {
    /// Loads both models, or `None` when the official models are missing (the helper says why).
    fn load() -> Option<Self> {
        let official = tests::aws_model("sfn.json")?;
        let path = tests::repo_root().join("models/sfn.json");
        let ours = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Some(Self {
            ours: shapes(&ours, "models/sfn.json"),
            official: shapes(&official, "the official sfn.json"),
        })
    }
}

/// The `shapes` object of a Smithy 2.0 JSON AST.
fn shapes(text: &str, name: &str) -> Map<String, Value> {
    let mut model: Value =
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{name} is not JSON: {e}"));
    assert_eq!(model["smithy"], "2.0", "{name} is not a Smithy 2.0 model");
    match model["shapes"].take() {
        Value::Object(shapes) => shapes,
        _ => panic!("{name} has no `shapes` object"),
    }
}

#[test]
fn shapes_match_official_apart_from_documentation() {
    let Some(models) = Models::load() else { return };
    let mut failures = Vec::new();
    for (id, shape) in &models.ours {
        let Some(official) = models.official.get(id) else {
            failures.push(format!("{id} is not in the official model"));
            continue;
        };
        let (ours, official) = (comparable(id, shape, false), comparable(id, official, true));
        // `Value` equality ignores the order of object keys, so member order is compared on its own.
        if ours != official || member_names(&ours) != member_names(&official) {
            failures.push(format!(
                "{id} differs from the official shape (documentation ignored)\n  ours:     {ours}\n  official: {official}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn shape_ids_are_the_closure_of_send_task_failure() {
    let Some(models) = Models::load() else { return };
    let ours: BTreeSet<String> = models.ours.keys().cloned().collect();
    let wanted = closure(&models.official, &ROOTS);
    let missing: Vec<_> = wanted.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&wanted).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing shapes: {missing:?}\nshapes outside the closure: {extra:?}"
    );
    assert_eq!(
        closure(&models.ours, &ROOTS),
        ours,
        "every shape of ours is reached from {OPERATION}"
    );
}

#[test]
fn documentation_is_present_and_our_own() {
    let Some(models) = Models::load() else { return };
    let mut failures = Vec::new();
    for (id, shape) in &models.ours {
        let official = models.official.get(id);
        check_documentation(&mut failures, id, shape, official);
        for (name, member) in members(shape) {
            let official_member = official.and_then(|o| member_named(o, name));
            check_documentation(
                &mut failures,
                &format!("{id}${name}"),
                member,
                official_member,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn official_endpoint_rules_are_not_copied() {
    let Some(models) = Models::load() else { return };
    let official_traits = &models.official[SERVICE]["traits"];
    for (id, shape) in &models.ours {
        for rule_trait in RULE_TRAITS {
            if let Some(ours) = shape["traits"].get(rule_trait) {
                assert!(
                    ours != &official_traits[rule_trait],
                    "{id} has a copy of the official {rule_trait}"
                );
            }
        }
    }
}

/// A shape as compared: documentation removed everywhere, and for the service the endpoint rules
/// removed (checked by `official_endpoint_rules_are_not_copied`) and, on the official side, every
/// operation and resource but `SendTaskFailure` removed.
fn comparable(id: &str, shape: &Value, official: bool) -> Value {
    let mut shape = shape.clone();
    strip_documentation(&mut shape);
    if id == SERVICE {
        if let Some(traits) = shape["traits"].as_object_mut() {
            for rule_trait in RULE_TRAITS {
                traits.shift_remove(rule_trait);
            }
        }
        if official {
            let object = shape.as_object_mut().expect("a shape is an object");
            object.shift_remove("resources");
            if let Some(Value::Array(operations)) = object.get_mut("operations") {
                operations.retain(|op| op["target"] == OPERATION);
            }
        }
    }
    shape
}

/// Removes documentation from a shape and its members, and any `traits` object left empty.
fn strip_documentation(node: &mut Value) {
    let Some(object) = node.as_object_mut() else {
        return;
    };
    if let Some(Value::Object(traits)) = object.get_mut("traits") {
        traits.shift_remove(DOCUMENTATION);
        if traits.is_empty() {
            object.shift_remove("traits");
        }
    }
    for key in ["member", "key", "value"] {
        if let Some(member) = object.get_mut(key) {
            strip_documentation(member);
        }
    }
    if let Some(Value::Object(members)) = object.get_mut("members") {
        members.values_mut().for_each(strip_documentation);
    }
}

/// The named members of a shape: `members` of structures, unions and enums, `member` of lists,
/// `key` and `value` of maps.
fn members(shape: &Value) -> Vec<(&str, &Value)> {
    let named = shape.get("members").and_then(Value::as_object).into_iter();
    let single = ["member", "key", "value"].into_iter();
    named
        .flat_map(|members| members.iter().map(|(name, m)| (name.as_str(), m)))
        .chain(single.filter_map(|key| shape.get(key).map(|m| (key, m))))
        .collect()
}

fn member_named<'a>(shape: &'a Value, name: &str) -> Option<&'a Value> {
    members(shape)
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| m)
}

fn member_names(shape: &Value) -> Vec<&str> {
    members(shape).into_iter().map(|(name, _)| name).collect()
}

/// The ids reached from `roots` through input, output, errors and member targets, without the
/// `smithy.api#` prelude. A service's operations and resources are not followed: only the roots'
/// operations are wanted.
fn closure(shapes: &Map<String, Value>, roots: &[&str]) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<String> = roots.iter().map(|id| id.to_string()).collect();
    while let Some(id) = pending.pop() {
        if id.starts_with("smithy.api#") || !seen.insert(id.clone()) {
            continue;
        }
        let shape = shapes
            .get(&id)
            .unwrap_or_else(|| panic!("{id} is a target but not a shape"));
        pending.extend(references(shape));
    }
    seen
}

/// The shapes that a shape refers to, except a service's operations and resources.
fn references(shape: &Value) -> Vec<String> {
    let io = ["input", "output"].into_iter().filter_map(|k| shape.get(k));
    let errors = shape.get("errors").and_then(Value::as_array).into_iter();
    let members = members(shape).into_iter().map(|(_, m)| m);
    io.chain(errors.flatten())
        .chain(members)
        .map(target)
        .collect()
}

fn target(reference: &Value) -> String {
    let target = reference["target"].as_str();
    target
        .unwrap_or_else(|| panic!("{reference} has no target"))
        .to_owned()
}

fn documentation(node: &Value) -> Option<&str> {
    node["traits"][DOCUMENTATION].as_str()
}

fn check_documentation(
    failures: &mut Vec<String>,
    what: &str,
    ours: &Value,
    official: Option<&Value>,
) {
    let Some(text) = documentation(ours).filter(|t| !t.trim().is_empty()) else {
        failures.push(format!("{what} has no documentation"));
        return;
    };
    if contains_html_tag(text) {
        failures.push(format!(
            "{what} has an HTML tag in its documentation: {text:?}"
        ));
    }
    if let Some(official) = official.and_then(documentation) {
        if plain_words(text) == plain_words(official) {
            failures.push(format!(
                "{what} copies the official documentation: {text:?}"
            ));
        }
    }
}

/// Whether `text`, outside Markdown code spans, has something like `<p>`, `</p>` or `<a `.
fn contains_html_tag(text: &str) -> bool {
    text.split('`').step_by(2).any(|prose| {
        prose
            .split('<')
            .skip(1)
            .any(|rest| rest.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'))
    })
}

/// The words of a documentation text, lowercased, without HTML tags and code backticks.
fn plain_words(text: &str) -> String {
    let mut plain = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            '`' => {}
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
