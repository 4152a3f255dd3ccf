//! The `smithy.waiters#waitable` trait of the crate's operations: each waiter's values checked
//! (the rules of the Smithy waiters spec), named, and its acceptors' paths parsed
//! (`jmespath.rs`) and compiled against the operation's types (`typing.rs`). A path that does
//! not parse, names a member that does not exist, uses a JMESPath feature the compiler does not
//! have, or gives a value its comparator cannot compare is refused, naming the operation and
//! the waiter.

mod jmespath;
mod typing;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::{Map, Value};

use super::Lowering;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::waiter::{Acceptor, AcceptorState, Comparator, Matcher, Waiter};
use crate::ir::{Crate, Named, Operation, TypeRef};
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;

/// The trait, by namespace and name.
const WAITERS_NAMESPACE: &str = "smithy.waiters";
const WAITABLE: &str = "waitable";
/// The spec's defaults, in seconds.
const DEFAULT_MIN_DELAY: u64 = 2;
const DEFAULT_MAX_DELAY: u64 = 120;
/// Methods `Client` has besides the operations' (a waiter's method must not take one).
const CLIENT_METHODS: &[&str] = &["new", "from_conf", "from_env", "config"];

impl Lowering<'_> {
    /// The waiters of the crate's operations, in operation order, then in the model's order.
    pub(super) fn waiters(&self, krate: &Crate) -> Result<Vec<Waiter>> {
        let named = krate.named_types();
        let mut waiters = Vec::new();
        // Lower-cased waiter names (unique in a service, says the spec) and client methods.
        let mut names: HashMap<String, (ShapeId, String)> = HashMap::new();
        let mut methods: HashMap<String, String> = HashMap::new();
        for op in &krate.operations {
            methods.insert(
                op.fn_name.clone(),
                format!("the fluent method of `{}`", op.id),
            );
            methods.insert(
                op.call_fn.clone(),
                format!("the trait method of `{}`", op.id),
            );
        }
        for method in CLIENT_METHODS {
            methods.insert((*method).to_owned(), "a method of `Client`".to_owned());
        }
        for (index, (id, op)) in self
            .selection
            .operations
            .iter()
            .zip(&krate.operations)
            .enumerate()
        {
            let shape = self.model.shape(id);
            let Some(value) = traits::by_id(&shape.traits, WAITERS_NAMESPACE, WAITABLE) else {
                continue;
            };
            let Some(map) = value.as_object() else {
                return Err(Diagnostic::at(
                    id,
                    "its `smithy.waiters#waitable` is not an object of waiters",
                ));
            };
            let parts = shape.operation.as_ref().expect("an operation");
            let has_output = parts.output.as_ref().is_some_and(|o| !o.is_prelude());
            for (name, definition) in map {
                let refuse = |why: String| Diagnostic::at(id, format!("its waiter `{name}` {why}"));
                if !is_waiter_name(name) {
                    return Err(refuse(
                        "is not a valid waiter name (an upper-case letter, then letters and digits)".to_owned(),
                    ));
                }
                if let Some((other_op, other)) =
                    names.insert(name.to_ascii_lowercase(), (id.clone(), name.clone()))
                {
                    return Err(refuse(format!(
                        "has the name of the waiter `{other}` of `{other_op}` (waiter names are unique in a service, whatever their case)"
                    )));
                }
                let waiter = self
                    .waiter(name, definition, index, op, has_output, &named)
                    .map_err(refuse)?;
                if let Some(other) = methods.insert(
                    waiter.fn_name.clone(),
                    format!("the method of the waiter `{name}`"),
                ) {
                    return Err(refuse(format!(
                        "has the client method `{}`, which is also {other}; add a `rename` on the service",
                        waiter.fn_name
                    )));
                }
                waiters.push(waiter);
            }
        }
        Ok(waiters)
    }

    /// One waiter; the error completes "its waiter `Name` ...".
    fn waiter(
        &self,
        name: &str,
        definition: &Value,
        index: usize,
        op: &Operation,
        has_output: bool,
        named: &BTreeMap<TypeRef, Named<'_>>,
    ) -> std::result::Result<Waiter, String> {
        let Some(definition) = definition.as_object() else {
            return Err("is not an object".to_owned());
        };
        let delay = |key: &str, default: u64| match definition.get(key) {
            None => Ok(default),
            Some(value) => match value.as_u64() {
                Some(seconds) if seconds >= 1 => Ok(seconds),
                _ => Err(format!(
                    "has a `{key}` that is not a whole number of seconds of at least 1"
                )),
            },
        };
        let min_delay = delay("minDelay", DEFAULT_MIN_DELAY)?;
        let max_delay = delay("maxDelay", DEFAULT_MAX_DELAY)?;
        if min_delay > max_delay {
            return Err(format!(
                "has a `minDelay` ({min_delay}) greater than its `maxDelay` ({max_delay})"
            ));
        }
        let docs = match definition.get("documentation") {
            None => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => return Err("has a `documentation` that is not a string".to_owned()),
        };
        let deprecated = match definition.get("deprecated") {
            None => false,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err("has a `deprecated` that is not a boolean".to_owned()),
        };
        let Some(list) = definition.get("acceptors").and_then(Value::as_array) else {
            return Err("has no list of `acceptors`".to_owned());
        };
        let mut acceptors = Vec::new();
        for (n, acceptor) in list.iter().enumerate() {
            let acceptor = self
                .acceptor(acceptor, op, has_output, named)
                .map_err(|why| format!("has an acceptor {n} that {why}"))?;
            acceptors.push(acceptor);
        }
        if !acceptors.iter().any(|a| a.state == AcceptorState::Success) {
            return Err("has no acceptor with the `success` state".to_owned());
        }
        let camel = naming::camel(name);
        let fluent_input = &op.input;
        // The builder's own methods beside the input's setters: `wait` takes a `_value` suffix
        // when a member's builder method has that name.
        let taken: HashSet<&str> = ["new", "as_input"]
            .into_iter()
            .chain(fluent_input.fields.iter().flat_map(|f| {
                [&f.setter, &f.set_fn, &f.get_fn]
                    .into_iter()
                    .map(|name| naming::unraw(name))
            }))
            .collect();
        let mut wait_fn = "wait".to_owned();
        while taken.contains(wait_fn.as_str()) {
            wait_fn = naming::snake_join(&[&wait_fn, "value"]);
        }
        Ok(Waiter {
            name: name.to_owned(),
            module: naming::module(name),
            fn_name: naming::snake_join(&["wait_until", &naming::snake(name)]),
            fluent: naming::camel_join(&[&camel, "FluentBuilder"]),
            final_poll: naming::camel_join(&[&camel, "FinalPoll"]),
            error: naming::camel_join(&["WaitUntil", &camel, "Error"]),
            wait_fn,
            operation: index,
            docs,
            deprecated,
            min_delay,
            max_delay,
            acceptors,
        })
    }

    /// One acceptor; the error completes "has an acceptor N that ...".
    fn acceptor(
        &self,
        acceptor: &Value,
        op: &Operation,
        has_output: bool,
        named: &BTreeMap<TypeRef, Named<'_>>,
    ) -> std::result::Result<Acceptor, String> {
        let Some(acceptor) = acceptor.as_object() else {
            return Err("is not an object".to_owned());
        };
        let state = match acceptor.get("state").and_then(Value::as_str) {
            Some("success") => AcceptorState::Success,
            Some("failure") => AcceptorState::Failure,
            Some("retry") => AcceptorState::Retry,
            Some(other) => {
                return Err(format!(
                    "has the state `{other}` (not `success`, `failure` or `retry`)"
                ))
            }
            None => return Err("has no `state`".to_owned()),
        };
        let Some(matcher) = acceptor.get("matcher").and_then(Value::as_object) else {
            return Err("has no `matcher` object".to_owned());
        };
        let [(kind, value)] = matcher.iter().collect::<Vec<_>>()[..] else {
            return Err(format!(
                "has a matcher with {} members (a matcher has exactly one)",
                matcher.len()
            ));
        };
        let (matcher, description) = match kind.as_str() {
            "success" => {
                let Some(flag) = value.as_bool() else {
                    return Err("has a `success` matcher that is not a boolean".to_owned());
                };
                (Matcher::Success(flag), format!("success {flag}"))
            }
            "errorType" => {
                let Some(error) = value.as_str() else {
                    return Err("has an `errorType` matcher that is not a string".to_owned());
                };
                // An absolute shape id matches by its name; a relative name may be an error the
                // model does not define.
                let code = error.rsplit_once('#').map_or(error, |(_, name)| name);
                if code.is_empty() {
                    return Err("has an empty `errorType`".to_owned());
                }
                let variant = op
                    .errors
                    .iter()
                    .find(|case| case.code == code)
                    .map(|case| case.variant.clone());
                let matcher = Matcher::ErrorType {
                    code: code.to_owned(),
                    variant,
                };
                (matcher, format!("errorType {code}"))
            }
            "output" | "inputOutput" => {
                if !has_output {
                    return Err(format!(
                        "has an `{kind}` matcher, but the operation has no output"
                    ));
                }
                let root = if kind == "output" {
                    typing::Root::Output(&op.output)
                } else {
                    typing::Root::InputOutput {
                        input: &op.input,
                        output: &op.output,
                    }
                };
                path_matcher(kind, value, &root, named)?
            }
            other => return Err(format!("has the unknown matcher `{other}`")),
        };
        Ok(Acceptor {
            state,
            matcher,
            description,
        })
    }
}

/// An `output` or `inputOutput` matcher (`kind`): the path compiled, with its comparator.
fn path_matcher(
    kind: &str,
    value: &Value,
    root: &typing::Root<'_>,
    named: &BTreeMap<TypeRef, Named<'_>>,
) -> std::result::Result<(Matcher, String), String> {
    let empty = Map::new();
    let fields = value.as_object().unwrap_or(&empty);
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("has an `{kind}` matcher without a string `{key}`"))
    };
    let (path, expected, comparator_name) = (text("path")?, text("expected")?, text("comparator")?);
    let comparator = match comparator_name {
        "stringEquals" => Comparator::StringEquals(expected.to_owned()),
        "booleanEquals" => match expected {
            "true" => Comparator::BooleanEquals(true),
            "false" => Comparator::BooleanEquals(false),
            _ => {
                return Err(format!(
                    "compares with `booleanEquals` to `{expected}` (not `true` or `false`)"
                ))
            }
        },
        "allStringEquals" => Comparator::AllStringEquals(expected.to_owned()),
        "anyStringEquals" => Comparator::AnyStringEquals(expected.to_owned()),
        other => return Err(format!("has the unknown comparator `{other}`")),
    };
    let ast = jmespath::parse(path).map_err(|why| format!("has the path `{path}`: {why}"))?;
    let (compiled, reads_input) = typing::compile(named, root, &ast, &comparator)
        .map_err(|why| format!("has the path `{path}`: {why}"))?;
    let expected_text = match &comparator {
        Comparator::BooleanEquals(flag) => flag.to_string(),
        _ => format!("{expected:?}"),
    };
    let description = format!("{kind} `{path}` {comparator_name} {expected_text}");
    let matcher = Matcher::Path {
        path: compiled,
        reads_input,
        comparator,
    };
    Ok((matcher, description))
}

/// The spec's waiter names: an upper-case ASCII letter, then ASCII letters and digits.
fn is_waiter_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase()) && chars.all(|c| c.is_ascii_alphanumeric())
}
