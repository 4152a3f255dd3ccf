//! Evaluation of a rule set: rules and their conditions, endpoints, expressions, template
//! strings and `getAttr` paths. Function calls go to `functions`.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

use super::functions::call;
use super::{invalid, Endpoint, EndpointError, Scope};

// ---------------------------------------------------------------------------------------------
// Rules

/// How deep rules, expressions and property values may nest (together) before resolution gives
/// up. Real rule sets stay far below it; it keeps a hostile rule set from exhausting the stack.
const MAX_DEPTH: usize = 64;

fn check_depth(depth: usize) -> Result<(), EndpointError> {
    if depth > MAX_DEPTH {
        Err(invalid(format!("nested more than {MAX_DEPTH} levels deep")))
    } else {
        Ok(())
    }
}

/// The first rule of `rules` that matches: `Ok(Some(..))` for an endpoint rule, `Err` for an
/// error rule (or a failure), `Ok(None)` when none matches.
pub(super) fn eval_rules(
    rules: &[Value],
    scope: &mut Scope,
    depth: usize,
) -> Result<Option<Endpoint>, EndpointError> {
    check_depth(depth)?;
    for rule in rules {
        let mark = scope.vars.len();
        let outcome = eval_rule(rule, scope, depth);
        // Names assigned by a rule's conditions go out of scope with the rule.
        scope.vars.truncate(mark);
        if let Some(endpoint) = outcome? {
            return Ok(Some(endpoint));
        }
    }
    Ok(None)
}

fn eval_rule(
    rule: &Value,
    scope: &mut Scope,
    depth: usize,
) -> Result<Option<Endpoint>, EndpointError> {
    let rule = rule
        .as_object()
        .ok_or_else(|| invalid("a rule is not an object"))?;
    let kind = rule.get("type").and_then(Value::as_str).unwrap_or_default();
    if !matches!(kind, "endpoint" | "error" | "tree") {
        return Err(invalid(format!(
            "a rule has type `{kind}` (expected endpoint, error or tree)"
        )));
    }
    let conditions = match rule.get("conditions") {
        None => &[][..],
        Some(Value::Array(conditions)) => conditions.as_slice(),
        Some(_) => return Err(invalid("the `conditions` of a rule are not an array")),
    };
    for condition in conditions {
        if !eval_condition(condition, scope, depth + 1)? {
            return Ok(None);
        }
    }
    match kind {
        "endpoint" => {
            let endpoint = rule
                .get("endpoint")
                .ok_or_else(|| invalid("an endpoint rule has no `endpoint`"))?;
            eval_endpoint(endpoint, scope, depth + 1).map(Some)
        }
        "error" => {
            let message = rule
                .get("error")
                .ok_or_else(|| invalid("an error rule has no `error`"))?;
            let message = eval_expr(message, scope, depth + 1)?;
            match message {
                Value::String(message) => Err(EndpointError::new(message)),
                other => Err(invalid(format!(
                    "an error message is {}, not a string",
                    kind_of(&other)
                ))),
            }
        }
        _ => {
            let rules = rule
                .get("rules")
                .and_then(Value::as_array)
                .ok_or_else(|| invalid("a tree rule has no `rules` array"))?;
            match eval_rules(rules, scope, depth + 1)? {
                Some(endpoint) => Ok(Some(endpoint)),
                None => Err(EndpointError::new(
                    "no endpoint rule matched the parameters (a tree rule's rules were exhausted)",
                )),
            }
        }
    }
}

/// Evaluates a condition, binding its `assign` name when it holds.
fn eval_condition(
    condition: &Value,
    scope: &mut Scope,
    depth: usize,
) -> Result<bool, EndpointError> {
    let object = condition
        .as_object()
        .filter(|object| object.contains_key("fn"))
        .ok_or_else(|| invalid("a condition is not a function call"))?;
    let value = eval_expr(condition, scope, depth)?;
    let holds = !matches!(value, Value::Null | Value::Bool(false));
    if holds {
        match object.get("assign") {
            None => {}
            Some(Value::String(name)) => scope.bind(name, value)?,
            Some(_) => return Err(invalid("`assign` is not a string")),
        }
    }
    Ok(holds)
}

fn eval_endpoint(endpoint: &Value, scope: &Scope, depth: usize) -> Result<Endpoint, EndpointError> {
    check_depth(depth)?;
    let endpoint = endpoint
        .as_object()
        .ok_or_else(|| invalid("an `endpoint` is not an object"))?;
    let url = endpoint
        .get("url")
        .ok_or_else(|| invalid("an endpoint has no `url`"))?;
    let url = expect_string(eval_expr(url, scope, depth + 1)?, "an endpoint url")?;
    let mut headers = BTreeMap::new();
    match endpoint.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(declared)) => {
            for (name, values) in declared {
                let values = values.as_array().ok_or_else(|| {
                    invalid(format!("the values of header `{name}` are not an array"))
                })?;
                let values = values
                    .iter()
                    .map(|value| {
                        expect_string(eval_expr(value, scope, depth + 1)?, "a header value")
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                headers.insert(name.clone(), values);
            }
        }
        Some(_) => return Err(invalid("endpoint `headers` are not an object")),
    }
    let properties = match endpoint.get("properties") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(declared)) => declared
            .iter()
            .map(|(name, value)| Ok((name.clone(), eval_literal(value, scope, depth + 1)?)))
            .collect::<Result<Map<_, _>, EndpointError>>()?,
        Some(_) => return Err(invalid("endpoint `properties` are not an object")),
    };
    Ok(Endpoint {
        url,
        headers,
        properties,
    })
}

// ---------------------------------------------------------------------------------------------
// Expressions and templates

/// Evaluates an expression; `null` stands for "no value".
fn eval_expr(expr: &Value, scope: &Scope, depth: usize) -> Result<Value, EndpointError> {
    check_depth(depth)?;
    match expr {
        Value::String(text) => template(text, scope).map(Value::String),
        Value::Bool(_) | Value::Number(_) => Ok(expr.clone()),
        Value::Array(items) => items
            .iter()
            .map(|item| eval_expr(item, scope, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(object) => {
            if let Some(name) = object.get("ref") {
                let name = name
                    .as_str()
                    .ok_or_else(|| invalid("a `ref` is not a string"))?;
                return scope
                    .get(name)
                    .cloned()
                    .ok_or_else(|| invalid(format!("`{name}` is not defined")));
            }
            let name = object
                .get("fn")
                .ok_or_else(|| invalid("an object expression has neither `ref` nor `fn`"))?
                .as_str()
                .ok_or_else(|| invalid("a function name is not a string"))?;
            let args = object
                .get("argv")
                .and_then(Value::as_array)
                .ok_or_else(|| invalid(format!("the call of `{name}` has no `argv` array")))?
                .iter()
                .map(|arg| eval_expr(arg, scope, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            call(name, args)
        }
        Value::Null => Err(invalid("`null` is not an expression")),
    }
}

/// Evaluates an endpoint property value: JSON as it is, with template strings filled in.
fn eval_literal(value: &Value, scope: &Scope, depth: usize) -> Result<Value, EndpointError> {
    check_depth(depth)?;
    match value {
        Value::String(text) => template(text, scope).map(Value::String),
        Value::Array(items) => items
            .iter()
            .map(|item| eval_literal(item, scope, depth + 1))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
        Value::Object(object) => object
            .iter()
            .map(|(key, item)| Ok((key.clone(), eval_literal(item, scope, depth + 1)?)))
            .collect::<Result<Map<_, _>, EndpointError>>()
            .map(Value::Object),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(value.clone()),
    }
}

/// Fills in a template string: `{Name}` and `{Name#path}` insert strings, `{{` and `}}` are
/// literal braces.
pub(super) fn template(text: &str, scope: &Scope) -> Result<String, EndpointError> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(['{', '}']) {
        out.push_str(&rest[..at]);
        let brace = &rest[at..at + 1];
        let after = &rest[at + 1..];
        if let Some(after_escape) = after.strip_prefix(brace) {
            out.push_str(brace);
            rest = after_escape;
        } else if brace == "}" {
            return Err(invalid(format!("unmatched `}}` in template `{text}`")));
        } else {
            let end = after
                .find(['{', '}'])
                .filter(|&end| after[end..].starts_with('}'))
                .ok_or_else(|| invalid(format!("unclosed `{{` in template `{text}`")))?;
            out.push_str(&interpolate(&after[..end], scope, text)?);
            rest = &after[end + 1..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// The string for one `{Name}` or `{Name#path}` of template `text`.
fn interpolate(inner: &str, scope: &Scope, text: &str) -> Result<String, EndpointError> {
    let (name, path) = match inner.split_once('#') {
        Some((name, path)) => (name, Some(path)),
        None => (inner, None),
    };
    let value = scope
        .get(name)
        .ok_or_else(|| invalid(format!("`{name}` in template `{text}` is not defined")))?;
    let value = match path {
        Some(path) => get_attr(value, path)?,
        None => value.clone(),
    };
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid(format!(
            "`{{{inner}}}` in template `{text}` is {}, not a string",
            kind_of(&other)
        ))),
    }
}

/// One step of a `getAttr` path.
#[derive(Debug, PartialEq)]
pub(super) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parses a `getAttr` path such as `a.b[2]`: dot-separated keys, each optionally followed by
/// `[index]` (a part may also be an index alone, e.g. `[0]`).
pub(super) fn parse_path(path: &str) -> Result<Vec<Step<'_>>, EndpointError> {
    let bad = || invalid(format!("malformed getAttr path `{path}`"));
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (key, mut indexes) = match part.find('[') {
            Some(open) => (&part[..open], &part[open..]),
            None => (part, ""),
        };
        if key.contains(']') || (key.is_empty() && indexes.is_empty()) {
            return Err(bad());
        }
        if !key.is_empty() {
            steps.push(Step::Key(key));
        }
        while !indexes.is_empty() {
            let (index, rest) = indexes
                .strip_prefix('[')
                .and_then(|inner| inner.split_once(']'))
                .ok_or_else(bad)?;
            if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            steps.push(Step::Index(index.parse().map_err(|_| bad())?));
            indexes = rest;
        }
    }
    Ok(steps)
}

/// `getAttr`: the value at `path` inside `value`, or `null` when a key or index is missing.
pub(super) fn get_attr(value: &Value, path: &str) -> Result<Value, EndpointError> {
    let mut current = value;
    for step in parse_path(path)? {
        let next = match (&step, current) {
            (_, Value::Null) => None,
            (Step::Key(key), Value::Object(object)) => object.get(*key),
            (Step::Index(index), Value::Array(items)) => items.get(*index),
            (Step::Key(key), other) => {
                return Err(invalid(format!(
                    "getAttr `{path}`: cannot read `{key}` of {}",
                    kind_of(other)
                )))
            }
            (Step::Index(index), other) => {
                return Err(invalid(format!(
                    "getAttr `{path}`: cannot index {} with [{index}]",
                    kind_of(other)
                )))
            }
        };
        match next {
            Some(next) => current = next,
            None => return Ok(Value::Null),
        }
    }
    Ok(current.clone())
}

pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing (null)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn expect_string(value: Value, what: &str) -> Result<String, EndpointError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid(format!(
            "{what} is {}, not a string",
            kind_of(&other)
        ))),
    }
}
