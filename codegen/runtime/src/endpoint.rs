//! Endpoint resolution: a small evaluator of Smithy rules-engine rule sets.
//!
//! A service's `smithy.rules#endpointRuleSet` trait (rules engine version 1.x) says, as data,
//! which URL a request goes to for given parameters (`Region`, `UseFIPS`, `UseDualStack`,
//! `Endpoint`, ...). [`resolve`] walks that data for one set of [`Params`] and returns the
//! [`Endpoint`], or an [`EndpointError`] with the rule set's own message (for example
//! `Invalid Configuration: Missing Region`).
//!
//! # Why an evaluator and not generated code
//!
//! The rule set is data, and the same small engine serves every service: the generator embeds
//! each service's rule set as JSON and this one module, tested once against the official test
//! cases, interprets it. Generating Rust per rule set would put a new, separately reviewed
//! resolver into every crate, and a rule-set update would mean regenerating code rather than
//! replacing data. Resolution runs once per client configuration, so interpreting costs nothing
//! that matters.
//!
//! # What is supported
//!
//! - Parameters of type `string`, `boolean` and `stringArray` (type names are compared without
//!   regard to case), with `default` and `required`. `builtIn` is ignored: the caller maps
//!   built-ins such as `AWS::Region` to parameter values. Values given for parameters the rule
//!   set does not declare are ignored, so a caller may pass the same built-ins to every service.
//! - Rules of type `endpoint`, `error` and `tree`. Rules are tried in order; a tree whose
//!   conditions hold is terminal (if none of its rules matches, resolution fails).
//! - Conditions (`fn`, `argv`, optional `assign`): a condition holds unless its function returns
//!   `false` or nothing. Assigned names are visible to later conditions of the rule and, for a
//!   tree, to its rules.
//! - Expressions: `{"ref": "Name"}`, function calls, booleans, integers, arrays, and template
//!   strings: `{Name}` and `{Name#path}` insert a string (`path` as for `getAttr`), `{{` and `}}`
//!   stand for `{` and `}`.
//! - Functions: `isSet`, `not`, `getAttr` (paths such as `a.b[2]`), `stringEquals`,
//!   `booleanEquals`, `substring`, `uriEncode`, `parseURL`, `isValidHostLabel`, `aws.partition`,
//!   `aws.parseArn` and `aws.isVirtualHostableS3Bucket`.
//! - Endpoint `url`, `headers` (name to list of values) and `properties` (any JSON, with template
//!   strings filled in).
//!
//! # Partitions
//!
//! `aws.partition` uses a table of the AWS partitions built into this module (no regex crate: the
//! region patterns all have the shape `prefix-word-digits` and are matched by hand). A region is
//! looked up by name first, then by pattern; a region matching neither belongs to `aws`.
//!
//! # Failure
//!
//! Resolution never panics. A malformed rule set (wrong JSON types, unknown functions or rule
//! types, undefined names, a function given the wrong kind of value) gives an [`EndpointError`]
//! whose message starts with `invalid endpoint rule set`, and nesting (of rules, expressions and
//! property values) deeper than a fixed bound is refused the same way.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// A parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A value for a `string` parameter.
    String(String),
    /// A value for a `boolean` parameter.
    Bool(bool),
    /// A value for a `stringArray` parameter.
    StringArray(Vec<String>),
}

/// Inputs by parameter name (e.g. "Region", "UseFIPS", "UseDualStack", "Endpoint").
pub type Params = BTreeMap<String, ParamValue>;

/// A resolved endpoint.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// The URL to send requests to, e.g. `https://states.us-east-1.amazonaws.com`.
    pub url: String,
    /// Headers to add to every request, by name.
    pub headers: BTreeMap<String, Vec<String>>,
    /// Further properties of the endpoint, such as `authSchemes`.
    pub properties: Map<String, Value>,
}

/// Why no endpoint was resolved: an `error` rule matched (the message is the rule's), no rule
/// matched, a required parameter is missing, or the rule set is malformed.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointError {
    message: String,
}

impl EndpointError {
    fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The message, e.g. `Invalid Configuration: Missing Region`.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EndpointError {}

/// An error for a rule set that does not follow the rules-engine format.
fn invalid(what: impl fmt::Display) -> EndpointError {
    EndpointError::new(format!("invalid endpoint rule set: {what}"))
}

/// How deep rules, expressions and property values may nest (together) before resolution gives
/// up. Real rule sets stay far below it; it keeps a hostile rule set from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// Resolves the endpoint for `params` with `rule_set`, the value of a service's
/// `smithy.rules#endpointRuleSet` trait.
pub fn resolve(rule_set: &Value, params: &Params) -> Result<Endpoint, EndpointError> {
    let rule_set = rule_set
        .as_object()
        .ok_or_else(|| invalid("the rule set is not a JSON object"))?;
    match rule_set.get("version").and_then(Value::as_str) {
        Some(version) if version.starts_with("1.") => {}
        Some(version) => return Err(invalid(format!("unsupported version `{version}`"))),
        None => return Err(invalid("`version` is missing or not a string")),
    }
    let mut scope = Scope::default();
    bind_parameters(rule_set.get("parameters"), params, &mut scope)?;
    let rules = rule_set
        .get("rules")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("`rules` is missing or not an array"))?;
    eval_rules(rules, &mut scope, 0)?
        .ok_or_else(|| EndpointError::new("no endpoint rule matched the parameters"))
}

// ---------------------------------------------------------------------------------------------
// Scope and parameters

/// The names in scope: parameters (unset ones as `null`), then assigned variables.
#[derive(Default)]
struct Scope {
    vars: Vec<(String, Value)>,
}

impl Scope {
    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn bind(&mut self, name: &str, value: Value) -> Result<(), EndpointError> {
        if self.get(name).is_some() {
            return Err(invalid(format!("`{name}` is defined twice")));
        }
        self.vars.push((name.to_owned(), value));
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum ParamType {
    String,
    Boolean,
    StringArray,
}

impl ParamType {
    fn parse(name: &str, value: Option<&Value>) -> Result<Self, EndpointError> {
        let text = value.and_then(Value::as_str).unwrap_or_default();
        if text.eq_ignore_ascii_case("string") {
            Ok(Self::String)
        } else if text.eq_ignore_ascii_case("boolean") {
            Ok(Self::Boolean)
        } else if text.eq_ignore_ascii_case("stringArray") {
            Ok(Self::StringArray)
        } else {
            Err(invalid(format!(
                "parameter `{name}` has no valid `type` (string, boolean or stringArray)"
            )))
        }
    }

    /// A caller's value as a rules-engine value, if it has this type.
    fn given(self, value: &ParamValue) -> Option<Value> {
        match (self, value) {
            (Self::String, ParamValue::String(s)) => Some(Value::String(s.clone())),
            (Self::Boolean, ParamValue::Bool(b)) => Some(Value::Bool(*b)),
            (Self::StringArray, ParamValue::StringArray(items)) => Some(Value::Array(
                items.iter().cloned().map(Value::String).collect(),
            )),
            _ => None,
        }
    }

    /// Whether a default from the rule set has this type.
    fn accepts(self, value: &Value) -> bool {
        match (self, value) {
            (Self::String, Value::String(_)) | (Self::Boolean, Value::Bool(_)) => true,
            (Self::StringArray, Value::Array(items)) => items.iter().all(Value::is_string),
            _ => false,
        }
    }
}

fn bind_parameters(
    declared: Option<&Value>,
    params: &Params,
    scope: &mut Scope,
) -> Result<(), EndpointError> {
    let declared = match declared {
        None => return Ok(()),
        Some(Value::Object(declared)) => declared,
        Some(_) => return Err(invalid("`parameters` is not an object")),
    };
    for (name, spec) in declared {
        let spec = spec
            .as_object()
            .ok_or_else(|| invalid(format!("parameter `{name}` is not an object")))?;
        let kind = ParamType::parse(name, spec.get("type"))?;
        let value = match (params.get(name), spec.get("default")) {
            (Some(given), _) => kind.given(given).ok_or_else(|| {
                EndpointError::new(format!(
                    "endpoint parameter `{name}` has the wrong type: {given:?}"
                ))
            })?,
            (None, Some(default)) if kind.accepts(default) => default.clone(),
            (None, Some(_)) => {
                return Err(invalid(format!(
                    "the default of parameter `{name}` does not match its type"
                )))
            }
            (None, None) => Value::Null,
        };
        let required = match spec.get("required") {
            None => false,
            Some(Value::Bool(required)) => *required,
            Some(_) => return Err(invalid(format!("`required` of `{name}` is not a boolean"))),
        };
        if required && value.is_null() {
            return Err(EndpointError::new(format!(
                "missing required endpoint parameter `{name}`"
            )));
        }
        scope.bind(name, value)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Rules

fn check_depth(depth: usize) -> Result<(), EndpointError> {
    if depth > MAX_DEPTH {
        Err(invalid(format!("nested more than {MAX_DEPTH} levels deep")))
    } else {
        Ok(())
    }
}

/// The first rule of `rules` that matches: `Ok(Some(..))` for an endpoint rule, `Err` for an
/// error rule (or a failure), `Ok(None)` when none matches.
fn eval_rules(
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
fn template(text: &str, scope: &Scope) -> Result<String, EndpointError> {
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
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Parses a `getAttr` path such as `a.b[2]`: dot-separated keys, each optionally followed by
/// `[index]` (a part may also be an index alone, e.g. `[0]`).
fn parse_path(path: &str) -> Result<Vec<Step<'_>>, EndpointError> {
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
fn get_attr(value: &Value, path: &str) -> Result<Value, EndpointError> {
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

fn kind_of(value: &Value) -> &'static str {
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

// ---------------------------------------------------------------------------------------------
// Functions

/// The arguments of `name`, checked to be exactly `N`.
fn args<const N: usize>(name: &str, args: Vec<Value>) -> Result<[Value; N], EndpointError> {
    <[Value; N]>::try_from(args).map_err(|args| {
        invalid(format!(
            "`{name}` takes {N} argument(s), but was given {}",
            args.len()
        ))
    })
}

fn string_arg(name: &str, position: usize, value: Value) -> Result<String, EndpointError> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(invalid(format!(
            "argument {position} of `{name}` is {}, not a string",
            kind_of(&other)
        ))),
    }
}

fn bool_arg(name: &str, position: usize, value: &Value) -> Result<bool, EndpointError> {
    value.as_bool().ok_or_else(|| {
        invalid(format!(
            "argument {position} of `{name}` is {}, not a boolean",
            kind_of(value)
        ))
    })
}

fn index_arg(name: &str, position: usize, value: &Value) -> Result<usize, EndpointError> {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| {
            invalid(format!(
                "argument {position} of `{name}` is not a non-negative integer"
            ))
        })
}

fn call(name: &str, argv: Vec<Value>) -> Result<Value, EndpointError> {
    let value = match name {
        "isSet" => {
            let [value] = args(name, argv)?;
            Value::Bool(!value.is_null())
        }
        "not" => {
            let [value] = args(name, argv)?;
            Value::Bool(!bool_arg(name, 1, &value)?)
        }
        "getAttr" => {
            let [value, path] = args(name, argv)?;
            get_attr(&value, &string_arg(name, 2, path)?)?
        }
        "stringEquals" => {
            let [a, b] = args(name, argv)?;
            Value::Bool(string_arg(name, 1, a)? == string_arg(name, 2, b)?)
        }
        "booleanEquals" => {
            let [a, b] = args(name, argv)?;
            Value::Bool(bool_arg(name, 1, &a)? == bool_arg(name, 2, &b)?)
        }
        "substring" => {
            let [input, start, stop, reverse] = args(name, argv)?;
            let input = string_arg(name, 1, input)?;
            let (start, stop) = (index_arg(name, 2, &start)?, index_arg(name, 3, &stop)?);
            substring(&input, start, stop, bool_arg(name, 4, &reverse)?)
                .map_or(Value::Null, |s| Value::String(s.to_owned()))
        }
        "uriEncode" => {
            let [value] = args(name, argv)?;
            Value::String(uri_encode(&string_arg(name, 1, value)?))
        }
        "parseURL" => {
            let [value] = args(name, argv)?;
            parse_url(&string_arg(name, 1, value)?).unwrap_or(Value::Null)
        }
        "isValidHostLabel" => {
            let [value, allow_sub_domains] = args(name, argv)?;
            let allow_sub_domains = bool_arg(name, 2, &allow_sub_domains)?;
            Value::Bool(is_valid_host_label(
                &string_arg(name, 1, value)?,
                allow_sub_domains,
            ))
        }
        "aws.partition" => {
            let [region] = args(name, argv)?;
            partition(&string_arg(name, 1, region)?).to_value()
        }
        "aws.parseArn" => {
            let [value] = args(name, argv)?;
            parse_arn(&string_arg(name, 1, value)?).unwrap_or(Value::Null)
        }
        "aws.isVirtualHostableS3Bucket" => {
            let [value, allow_sub_domains] = args(name, argv)?;
            let allow_sub_domains = bool_arg(name, 2, &allow_sub_domains)?;
            Value::Bool(is_virtual_hostable_s3_bucket(
                &string_arg(name, 1, value)?,
                allow_sub_domains,
            ))
        }
        _ => return Err(invalid(format!("unknown function `{name}`"))),
    };
    Ok(value)
}

/// `substring`: characters `start..stop` (counted from the end when `reverse`), or `None` when
/// the input is too short, the range is empty, or the input is not ASCII.
fn substring(input: &str, start: usize, stop: usize, reverse: bool) -> Option<&str> {
    if !input.is_ascii() || start >= stop || stop > input.len() {
        return None;
    }
    if reverse {
        input.get(input.len() - stop..input.len() - start)
    } else {
        input.get(start..stop)
    }
}

/// `uriEncode`: percent-encodes every byte but the RFC 3986 unreserved characters, with
/// uppercase hex digits.
fn uri_encode(value: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xF)]));
        }
    }
    out
}

/// `parseURL`: an `http` or `https` URL without query or fragment, as an object with `scheme`,
/// `authority` (host and port as written, without user info), `path` (as written, possibly
/// empty), `normalizedPath` (starting and ending with `/`) and `isIp`.
fn parse_url(url: &str) -> Option<Value> {
    let (scheme, rest) = url.split_once("://")?;
    if !matches!(scheme, "http" | "https")
        || rest.contains(['?', '#'])
        || rest.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return None;
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_user_info, host)| host);
    let is_ip = host_is_ip(authority)?;
    // `path` is empty or starts with `/`: it begins at the first `/` after the authority.
    let normalized_path = if path.ends_with('/') {
        path.to_owned()
    } else {
        format!("{path}/")
    };
    let mut object = Map::new();
    object.insert("scheme".to_owned(), Value::String(scheme.to_owned()));
    object.insert("authority".to_owned(), Value::String(authority.to_owned()));
    object.insert("path".to_owned(), Value::String(path.to_owned()));
    object.insert("normalizedPath".to_owned(), Value::String(normalized_path));
    object.insert("isIp".to_owned(), Value::Bool(is_ip));
    Some(Value::Object(object))
}

/// Checks `host[:port]` (an IPv6 host in brackets); `Some(is the host an IP address)`, or `None`
/// when the authority is malformed.
fn host_is_ip(authority: &str) -> Option<bool> {
    let (is_ip, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (address, after) = bracketed.split_once(']')?;
        let valid = address.contains(':')
            && address
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !valid {
            return None;
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (true, port)
    } else {
        let (host, port) = match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        };
        if host.is_empty() || host.contains(['[', ']']) {
            return None;
        }
        (is_ipv4(host), port)
    };
    match port {
        Some(port) if !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().is_err() => {
            None
        }
        _ => Some(is_ip),
    }
}

/// Four dot-separated decimal numbers from 0 to 255.
fn is_ipv4(host: &str) -> bool {
    let parts: Vec<&str> = host.split('.').collect();
    parts.len() == 4
        && parts.iter().all(|part| {
            (1..=3).contains(&part.len())
                && part.bytes().all(|b| b.is_ascii_digit())
                && part.parse::<u8>().is_ok()
        })
}

/// `isValidHostLabel`: an RFC 1123 label (1 to 63 letters, digits and hyphens, starting with a
/// letter or digit), or with `allow_sub_domains` such labels joined by dots.
fn is_valid_host_label(value: &str, allow_sub_domains: bool) -> bool {
    if allow_sub_domains {
        return value
            .split('.')
            .all(|label| is_valid_host_label(label, false));
    }
    let bytes = value.as_bytes();
    matches!(bytes.first(), Some(first) if first.is_ascii_alphanumeric())
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || *b == b'-')
}

/// `aws.parseArn`: `arn:partition:service:region:account:resource` as an object with
/// `partition`, `service`, `region`, `accountId` and `resourceId` (the resource split on `:` and
/// `/`), or `None` when it is not an ARN.
fn parse_arn(arn: &str) -> Option<Value> {
    let mut parts = arn.splitn(6, ':');
    let mut next = || parts.next();
    let (prefix, partition, service) = (next()?, next()?, next()?);
    let (region, account, resource) = (next()?, next()?, next()?);
    if prefix != "arn" || partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let resource_id = resource
        .split([':', '/'])
        .map(|part| Value::String(part.to_owned()))
        .collect();
    let mut object = Map::new();
    for (key, value) in [
        ("partition", partition),
        ("service", service),
        ("region", region),
        ("accountId", account),
    ] {
        object.insert(key.to_owned(), Value::String(value.to_owned()));
    }
    object.insert("resourceId".to_owned(), Value::Array(resource_id));
    Some(Value::Object(object))
}

/// `aws.isVirtualHostableS3Bucket`: whether a bucket name can be a host label: 3 to 63
/// lowercase letters, digits and hyphens, starting and ending with a letter or digit; with
/// `allow_sub_domains` also dots, but no `..`, `.-` or `-.`, and not shaped like an IPv4 address.
fn is_virtual_hostable_s3_bucket(bucket: &str, allow_sub_domains: bool) -> bool {
    let lower_alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let bytes = bucket.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !(3..=63).contains(&bytes.len()) || !lower_alnum(first) || !lower_alnum(last) {
        return false;
    }
    if !allow_sub_domains {
        return bytes.iter().all(|&b| lower_alnum(b) || b == b'-');
    }
    let chars_ok = bytes
        .iter()
        .all(|&b| lower_alnum(b) || b == b'-' || b == b'.');
    let looks_like_ip = {
        let parts: Vec<&str> = bucket.split('.').collect();
        parts.len() == 4
            && parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    };
    chars_ok
        && !bucket.contains("..")
        && !bucket.contains(".-")
        && !bucket.contains("-.")
        && !looks_like_ip
}

// ---------------------------------------------------------------------------------------------
// Partitions

/// One AWS partition: what `aws.partition` returns for its regions.
struct Partition {
    name: &'static str,
    /// The region-name pattern `^<prefix>\w+-\d+$`, as its possible prefixes (each ending in `-`).
    prefixes: &'static [&'static str],
    /// Region names that belong to the partition whatever their shape (e.g. `aws-global`).
    regions: &'static [&'static str],
    dns_suffix: &'static str,
    dual_stack_dns_suffix: &'static str,
    supports_fips: bool,
    supports_dual_stack: bool,
    implicit_global_region: &'static str,
}

impl Partition {
    fn matches_pattern(&self, region: &str) -> bool {
        let word_dash_digits = |rest: &str| match rest.split_once('-') {
            Some((word, digits)) => {
                !word.is_empty()
                    && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    && !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        self.prefixes
            .iter()
            .any(|prefix| region.strip_prefix(prefix).is_some_and(word_dash_digits))
    }

    fn to_value(&self) -> Value {
        let mut object = Map::new();
        let text = |s: &str| Value::String(s.to_owned());
        object.insert("name".to_owned(), text(self.name));
        object.insert("dnsSuffix".to_owned(), text(self.dns_suffix));
        object.insert(
            "dualStackDnsSuffix".to_owned(),
            text(self.dual_stack_dns_suffix),
        );
        object.insert("supportsFIPS".to_owned(), Value::Bool(self.supports_fips));
        object.insert(
            "supportsDualStack".to_owned(),
            Value::Bool(self.supports_dual_stack),
        );
        object.insert(
            "implicitGlobalRegion".to_owned(),
            text(self.implicit_global_region),
        );
        Value::Object(object)
    }
}

/// The AWS partitions, in lookup order; `aws` first, as the default.
static PARTITIONS: [Partition; 8] = [
    Partition {
        name: "aws",
        prefixes: &[
            "us-", "eu-", "ap-", "sa-", "ca-", "me-", "af-", "il-", "mx-",
        ],
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "mx-central-1",
            "sa-east-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-east-1",
    },
    Partition {
        name: "aws-cn",
        prefixes: &["cn-"],
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "cn-northwest-1",
    },
    Partition {
        name: "aws-us-gov",
        prefixes: &["us-gov-"],
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
        implicit_global_region: "us-gov-west-1",
    },
    Partition {
        name: "aws-iso",
        prefixes: &["us-iso-"],
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "c2s.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-iso-east-1",
    },
    Partition {
        name: "aws-iso-b",
        prefixes: &["us-isob-"],
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "sc2s.sgov.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isob-east-1",
    },
    Partition {
        name: "aws-iso-e",
        prefixes: &["eu-isoe-"],
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "cloud.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eu-isoe-west-1",
    },
    Partition {
        name: "aws-iso-f",
        prefixes: &["us-isof-"],
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "csp.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "us-isof-south-1",
    },
    Partition {
        name: "aws-eusc",
        prefixes: &["eusc-de-"],
        regions: &["eusc-de-east-1"],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "amazonaws.eu",
        supports_fips: true,
        supports_dual_stack: false,
        implicit_global_region: "eusc-de-east-1",
    },
];

/// `aws.partition`: the partition listing `region` by name, else the first whose pattern it
/// matches, else `aws`.
fn partition(region: &str) -> &'static Partition {
    PARTITIONS
        .iter()
        .find(|p| p.regions.contains(&region))
        .or_else(|| PARTITIONS.iter().find(|p| p.matches_pattern(region)))
        .unwrap_or(&PARTITIONS[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope(vars: Value) -> Scope {
        let mut scope = Scope::default();
        if let Value::Object(vars) = vars {
            for (name, value) in vars {
                scope.bind(&name, value).unwrap();
            }
        }
        scope
    }

    fn params(pairs: &[(&str, ParamValue)]) -> Params {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.clone()))
            .collect()
    }

    fn string(s: &str) -> ParamValue {
        ParamValue::String(s.to_owned())
    }

    /// A rule set with one `Input` string parameter whose only rule returns `url`.
    fn returning(url: Value) -> Value {
        json!({
            "version": "1.0",
            "parameters": {"Input": {"type": "string", "documentation": "d"}},
            "rules": [{"conditions": [], "type": "endpoint", "endpoint": {"url": url}}]
        })
    }

    #[test]
    fn templates_fill_in_names_attributes_and_escapes() {
        let scope = scope(json!({
            "Region": "us-east-1",
            "Unset": null,
            "P": {"dnsSuffix": "amazonaws.com", "list": ["a", "b", "c"], "flag": true}
        }));
        let cases = [
            ("plain text", "plain text"),
            ("", ""),
            (
                "https://states.{Region}.{P#dnsSuffix}",
                "https://states.us-east-1.amazonaws.com",
            ),
            ("{P#list[2]}-{P#list[0]}", "c-a"),
            ("{{Region}}", "{Region}"),
            ("{{{Region}}}", "{us-east-1}"),
            ("a}}b{{c", "a}b{c"),
            ("{Region}{Region}", "us-east-1us-east-1"),
        ];
        for (text, want) in cases {
            assert_eq!(template(text, &scope).as_deref(), Ok(want), "{text}");
        }
        let bad = [
            "{Region",
            "Region}",
            "{Re{gion}",
            "{}",
            "{Missing}",
            "{Unset}",
            "{P}",
            "{P#flag}",
            "{P#missing}",
            "{P#list[9]}",
            "{Region#x}",
            "{P#}",
        ];
        for text in bad {
            let err = template(text, &scope).unwrap_err();
            assert!(
                err.message().starts_with("invalid endpoint rule set"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn get_attr_paths() {
        assert_eq!(
            parse_path("a.b[2]").unwrap(),
            [Step::Key("a"), Step::Key("b"), Step::Index(2)]
        );
        assert_eq!(parse_path("[0]").unwrap(), [Step::Index(0)]);
        assert_eq!(
            parse_path("a[1][0]").unwrap(),
            [Step::Key("a"), Step::Index(1), Step::Index(0)]
        );
        for bad in [
            "",
            ".",
            "a.",
            ".a",
            "a..b",
            "a[",
            "a[]",
            "a[x]",
            "a[-1]",
            "a]",
            "a[1]b",
            "a[99999999999999999999999]",
        ] {
            assert!(parse_path(bad).is_err(), "{bad:?} should not parse");
        }
        let value = json!({"a": {"b": ["x", "y", {"c": "z"}]}, "n": null});
        assert_eq!(get_attr(&value, "a.b[1]"), Ok(json!("y")));
        assert_eq!(get_attr(&value, "a.b[2].c"), Ok(json!("z")));
        assert_eq!(get_attr(&value, "a.b"), Ok(json!(["x", "y", {"c": "z"}])));
        // Missing keys and indexes give nothing, as does reading through nothing.
        assert_eq!(get_attr(&value, "a.b[3]"), Ok(Value::Null));
        assert_eq!(get_attr(&value, "a.missing.deeper"), Ok(Value::Null));
        assert_eq!(get_attr(&value, "n.x"), Ok(Value::Null));
        assert_eq!(get_attr(&Value::Null, "x"), Ok(Value::Null));
        assert_eq!(get_attr(&json!(["p", "q"]), "[1]"), Ok(json!("q")));
        // Reading a key of a string or indexing an object is a malformed rule set.
        assert!(get_attr(&value, "a.b[0].c").is_err());
        assert!(get_attr(&value, "a[0]").is_err());
    }

    #[test]
    fn parse_url_components() {
        let parsed = |url: &str| {
            parse_url(url).map(|v| {
                let s = |key: &str| v[key].as_str().unwrap().to_owned();
                (
                    s("scheme"),
                    s("authority"),
                    s("path"),
                    s("normalizedPath"),
                    v["isIp"].as_bool().unwrap(),
                )
            })
        };
        let owned = |a: &str, b: &str, c: &str, d: &str, ip: bool| {
            Some((a.to_owned(), b.to_owned(), c.to_owned(), d.to_owned(), ip))
        };
        assert_eq!(
            parsed("https://example.com"),
            owned("https", "example.com", "", "/", false)
        );
        assert_eq!(
            parsed("https://example.com/"),
            owned("https", "example.com", "/", "/", false)
        );
        assert_eq!(
            parsed("http://example.com:80/foo/bar"),
            owned("http", "example.com:80", "/foo/bar", "/foo/bar/", false)
        );
        assert_eq!(
            parsed("https://127.0.0.1"),
            owned("https", "127.0.0.1", "", "/", true)
        );
        assert_eq!(
            parsed("http://192.168.1.1:1234/foo/"),
            owned("http", "192.168.1.1:1234", "/foo/", "/foo/", true)
        );
        assert_eq!(
            parsed("https://[fe80::1]"),
            owned("https", "[fe80::1]", "", "/", true)
        );
        assert_eq!(
            parsed("https://[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443"),
            owned(
                "https",
                "[2001:db8:85a3:8d3:1319:8a2e:370:7348]:443",
                "",
                "/",
                true
            )
        );
        assert_eq!(
            parsed("https://999.999.abc.blah"),
            owned("https", "999.999.abc.blah", "", "/", false)
        );
        assert_eq!(
            parsed("https://256.1.1.1"),
            owned("https", "256.1.1.1", "", "/", false)
        );
        assert_eq!(
            parsed("http://99_ab-.com"),
            owned("http", "99_ab-.com", "", "/", false)
        );
        assert_eq!(
            parsed("https://user:pw@example.com/x"),
            owned("https", "example.com", "/x", "/x/", false)
        );
        for bad in [
            "https://example.com:8443?foo=bar&faz=baz",
            "https://example.com/path?query1=foo",
            "https://example.com/#fragment",
            "acbd://example.com",
            "ftp://example.com",
            "http://abc.com:a/foo",
            "http://abc.com:/foo",
            "http://abc.com:99999",
            "https://",
            "https:///path",
            "https://exa mple.com",
            "https://[fe80::1",
            "https://[zz]",
            "https://[fe80::1]x",
            "example.com",
            "",
        ] {
            assert_eq!(parse_url(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn host_labels() {
        for (label, sub_domains, valid) in [
            ("us-east-1", false, true),
            ("3aws4", false, true),
            ("a", false, true),
            ("ends-with-dash-", false, true),
            ("part1.part2", false, false),
            ("part1.part2", true, true),
            ("part1 part2", false, false),
            ("part1 part2", true, false),
            ("", false, false),
            ("", true, false),
            ("part1.", true, false),
            ("part1..part2", true, false),
            ("part1.-part2", true, false),
            ("-starts-with-dash", false, false),
            ("under_score", false, false),
            ("ünïcode", false, false),
            (&"a".repeat(63), false, true),
            (&"a".repeat(64), false, false),
        ] {
            assert_eq!(
                is_valid_host_label(label, sub_domains),
                valid,
                "{label:?} {sub_domains}"
            );
        }
    }

    #[test]
    fn substrings() {
        assert_eq!(substring("abcdefg", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcd", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true), Some("defg"));
        assert_eq!(substring("defg", 1, 3, false), Some("ef"));
        assert_eq!(substring("abcdef", 1, 3, true), Some("de"));
        assert_eq!(substring("\u{7f}abcdef", 0, 4, false), Some("\u{7f}abc"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("", 0, 4, true), None);
        assert_eq!(substring("abcdef", 3, 3, false), None);
        assert_eq!(substring("abcdef", 4, 2, false), None);
        assert_eq!(substring("\u{fdfd}", 0, 1, false), None);
        assert_eq!(substring("ab\u{e9}cdef", 0, 2, false), None);
    }

    #[test]
    fn uri_encoding() {
        assert_eq!(uri_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(
            uri_encode("/:,?#[]{}|@! $&'()*+;=%<>\"^`\\"),
            "%2F%3A%2C%3F%23%5B%5D%7B%7D%7C%40%21%20%24%26%27%28%29%2A%2B%3B%3D%25%3C%3E%22%5E%60%5C"
        );
        assert_eq!(uri_encode("é"), "%C3%A9");
    }

    #[test]
    fn arns() {
        let arn =
            parse_arn("arn:aws:ec2:us-east-1:012345678910:vpc/vpc-0e9801d129EXAMPLE").unwrap();
        assert_eq!(
            arn,
            json!({"partition": "aws", "service": "ec2", "region": "us-east-1",
                   "accountId": "012345678910", "resourceId": ["vpc", "vpc-0e9801d129EXAMPLE"]})
        );
        let arn = parse_arn("arn:aws:s3:::bucket_name").unwrap();
        assert_eq!(
            (arn["region"].as_str(), arn["accountId"].as_str()),
            (Some(""), Some(""))
        );
        assert_eq!(arn["resourceId"], json!(["bucket_name"]));
        let arn = parse_arn("arn:aws:s3:us-east-2:012345678:outpost:op-1234/bucket:b").unwrap();
        assert_eq!(
            arn["resourceId"],
            json!(["outpost", "op-1234", "bucket", "b"])
        );
        for bad in [
            "11111111-2222-3333-4444-555555555555",
            "arn:aws:s3:us-east-2:012345678:",
            "arn::s3:us-east-2:012345678:x",
            "arn:aws::us-east-2:012345678:x",
            "arn:aws:s3:us-east-2",
            "nra:aws:s3:us-east-2:012345678:x",
            "",
        ] {
            assert_eq!(parse_arn(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn virtual_hostable_buckets() {
        for (bucket, sub_domains, want) in [
            ("ab", false, false),
            ("abc", false, true),
            (&"a".repeat(63), false, true),
            (&"a".repeat(64), false, false),
            ("-abc", false, false),
            (".abc", true, false),
            ("abc-", false, false),
            ("abc.", true, false),
            ("a-b-c", false, true),
            ("a.b-c", false, false),
            ("a.b-c", true, true),
            ("a..b", true, false),
            ("a-.b", true, false),
            ("a.-b", true, false),
            ("192.168.1.1", true, false),
            ("999.999.999.999", true, false),
            ("192.168.1.word", true, true),
            ("123", true, true),
            ("abc_def", true, false),
            ("abcDef", true, false),
            ("abc#def", true, false),
            ("", true, false),
        ] {
            assert_eq!(
                is_virtual_hostable_s3_bucket(bucket, sub_domains),
                want,
                "{bucket:?} {sub_domains}"
            );
        }
    }

    #[test]
    fn partitions() {
        let name = |region: &str| partition(region).name;
        for (region, want) in [
            ("us-east-1", "aws"),
            ("aws-global", "aws"),
            ("mx-central-1", "aws"),
            ("ap-future_region-12", "aws"),
            ("cn-north-1", "aws-cn"),
            ("aws-cn-global", "aws-cn"),
            ("cn-south-9", "aws-cn"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-central-2", "aws-us-gov"),
            ("aws-us-gov-global", "aws-us-gov"),
            ("us-iso-east-1", "aws-iso"),
            ("aws-iso-global", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("aws-iso-b-global", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("aws-iso-e-global", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("aws-iso-f-global", "aws-iso-f"),
            ("eusc-de-east-1", "aws-eusc"),
            // No name or pattern matches: the `aws` partition.
            ("us-gov-west", "aws"),
            ("us-east-1-", "aws"),
            ("xx-east-1", "aws"),
            ("US-EAST-1", "aws"),
            ("", "aws"),
        ] {
            assert_eq!(name(region), want, "{region:?}");
        }
        assert_eq!(
            partition("cn-north-1").to_value(),
            json!({"name": "aws-cn", "dnsSuffix": "amazonaws.com.cn",
                   "dualStackDnsSuffix": "api.amazonwebservices.com.cn", "supportsFIPS": true,
                   "supportsDualStack": true, "implicitGlobalRegion": "cn-northwest-1"})
        );
        for p in &PARTITIONS {
            assert!(p.supports_fips, "{}", p.name);
            assert_eq!(
                p.supports_dual_stack,
                matches!(p.name, "aws" | "aws-cn" | "aws-us-gov"),
                "{}",
                p.name
            );
            assert!(
                p.regions.iter().all(|r| partition(r).name == p.name),
                "{}",
                p.name
            );
        }
    }

    #[test]
    fn parameters_defaults_required_and_types() {
        let rule_set = json!({
            "version": "1.0",
            "parameters": {
                "Name": {"type": "String", "required": true, "default": "dflt", "documentation": "d"},
                "Flag": {"type": "boolean", "required": true, "default": false, "documentation": "d"},
                "List": {"type": "stringArray", "default": ["x", "y"], "required": true, "documentation": "d"},
                "Must": {"type": "string", "required": true, "documentation": "d"}
            },
            "rules": [
                {"conditions": [{"fn": "booleanEquals", "argv": [{"ref": "Flag"}, true]}],
                 "type": "error", "error": "flag set for {Name}"},
                {"conditions": [], "type": "endpoint",
                 "endpoint": {"url": "https://{Name}.{List#[1]}.{Must}"}}
            ]
        });
        let must = ("Must", string("m"));
        assert_eq!(
            resolve(&rule_set, &params(std::slice::from_ref(&must)))
                .unwrap()
                .url,
            "https://dflt.y.m"
        );
        let given = params(&[
            must.clone(),
            ("Name", string("n")),
            (
                "List",
                ParamValue::StringArray(vec!["p".into(), "q".into()]),
            ),
            ("NotDeclared", ParamValue::Bool(true)),
        ]);
        assert_eq!(resolve(&rule_set, &given).unwrap().url, "https://n.q.m");
        let flagged = params(&[must, ("Flag", ParamValue::Bool(true))]);
        assert_eq!(
            resolve(&rule_set, &flagged).unwrap_err().message(),
            "flag set for dflt"
        );
        assert_eq!(
            resolve(&rule_set, &Params::new()).unwrap_err().message(),
            "missing required endpoint parameter `Must`"
        );
        let wrong = params(&[("Must", ParamValue::Bool(true))]);
        assert!(resolve(&rule_set, &wrong)
            .unwrap_err()
            .message()
            .contains("wrong type"));
    }

    #[test]
    fn assignments_are_scoped_to_their_rule() {
        let rule_set = json!({
            "version": "1.0",
            "parameters": {"Input": {"type": "string", "required": true, "documentation": "d"}},
            "rules": [
                {"conditions": [
                    {"fn": "aws.partition", "argv": ["{Input}"], "assign": "p"},
                    {"fn": "stringEquals", "argv": [{"fn": "getAttr", "argv": [{"ref": "p"}, "name"]}, "aws-cn"]}
                 ], "type": "endpoint", "endpoint": {"url": "https://cn.{p#dnsSuffix}"}},
                {"conditions": [{"fn": "aws.partition", "argv": [{"ref": "Input"}], "assign": "p"}],
                 "type": "tree", "rules": [
                    {"conditions": [{"fn": "parseURL", "argv": ["https://{Input}.example"], "assign": "u"}],
                     "type": "endpoint",
                     "endpoint": {"url": "{u#scheme}://{u#authority}{u#normalizedPath}{p#name}",
                                  "headers": {"x-partition": ["{p#name}", "fixed"]},
                                  "properties": {"authSchemes": [{"name": "sigv4", "signingRegion": "{Input}",
                                                                  "double": false, "n": 1, "none": null}]}}},
                    {"conditions": [], "type": "error", "error": "not a host: {Input}"}
                 ]}
            ]
        });
        let cn = resolve(&rule_set, &params(&[("Input", string("cn-north-1"))])).unwrap();
        assert_eq!(cn.url, "https://cn.amazonaws.com.cn");
        assert!(cn.headers.is_empty() && cn.properties.is_empty());
        // The first rule assigned `p` before failing; the second rule can assign it again.
        let us = resolve(&rule_set, &params(&[("Input", string("us-east-1"))])).unwrap();
        assert_eq!(us.url, "https://us-east-1.example/aws");
        assert_eq!(us.headers["x-partition"], ["aws", "fixed"]);
        assert_eq!(
            Value::Object(us.properties),
            json!({"authSchemes": [{"name": "sigv4", "signingRegion": "us-east-1",
                                    "double": false, "n": 1, "none": null}]})
        );
        let bad = resolve(&rule_set, &params(&[("Input", string("a b"))])).unwrap_err();
        assert_eq!(bad.message(), "not a host: a b");
    }

    #[test]
    fn functions_through_the_rule_set() {
        let check = |expr: Value, input: &str| {
            let rule_set = json!({
                "version": "1.0",
                "parameters": {"Input": {"type": "string", "documentation": "d"}},
                "rules": [
                    {"conditions": [{"fn": "booleanEquals", "argv": [expr, true]}],
                     "type": "endpoint", "endpoint": {"url": "yes"}},
                    {"conditions": [], "type": "endpoint", "endpoint": {"url": "no"}}
                ]
            });
            resolve(&rule_set, &params(&[("Input", string(input))])).map(|e| e.url)
        };
        let yes = Ok("yes".to_owned());
        let no = Ok("no".to_owned());
        let is_set = json!({"fn": "isSet", "argv": [{"ref": "Input"}]});
        assert_eq!(check(is_set.clone(), "x"), yes);
        assert_eq!(check(json!({"fn": "not", "argv": [is_set]}), "x"), no);
        let encoded = json!({"fn": "stringEquals",
                             "argv": [{"fn": "uriEncode", "argv": [{"ref": "Input"}]}, "a%20b%2F"]});
        assert_eq!(check(encoded, "a b/"), yes);
        let bucket =
            json!({"fn": "aws.isVirtualHostableS3Bucket", "argv": [{"ref": "Input"}, false]});
        assert_eq!(check(bucket.clone(), "my-bucket"), yes);
        assert_eq!(check(bucket, "My_Bucket"), no);
        let label = json!({"fn": "isValidHostLabel", "argv": [{"ref": "Input"}, true]});
        assert_eq!(check(label, "a.b"), yes);
        let dual_stack = json!({"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": ["{Input}"]}, "supportsDualStack"]});
        assert_eq!(check(dual_stack.clone(), "us-west-2"), yes);
        assert_eq!(check(dual_stack, "us-isob-east-1"), no);
        let arn_service = json!({"fn": "stringEquals", "argv": [
            {"fn": "getAttr", "argv": [{"fn": "aws.parseArn", "argv": [{"ref": "Input"}]}, "resourceId[1]"]},
            "MyMachine"]});
        assert_eq!(
            check(
                arn_service,
                "arn:aws:states:us-east-1:123456789012:stateMachine:MyMachine"
            ),
            yes
        );
        // A function that gives nothing makes its condition fail rather than the resolution.
        let rule_set = json!({
            "version": "1.0",
            "parameters": {"Input": {"type": "string", "documentation": "d"}},
            "rules": [
                {"conditions": [{"fn": "substring", "argv": [{"ref": "Input"}, 0, 4, false], "assign": "s"}],
                 "type": "error", "error": "`{s}`"},
                {"conditions": [{"fn": "parseURL", "argv": [{"ref": "Input"}]}], "type": "error", "error": "url"},
                {"conditions": [], "type": "error", "error": "neither"}
            ]
        });
        let run =
            |input: &str| resolve(&rule_set, &params(&[("Input", string(input))])).unwrap_err();
        assert_eq!(run("abcdef").message(), "`abcd`");
        assert_eq!(run("abc").message(), "neither");
    }

    #[test]
    fn rule_exhaustion_is_an_error() {
        let none_match = json!({
            "version": "1.0", "parameters": {},
            "rules": [{"conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                       "type": "endpoint", "endpoint": {"url": "https://x"}}]
        });
        assert_eq!(
            resolve(&none_match, &Params::new()).unwrap_err().message(),
            "no endpoint rule matched the parameters"
        );
        // A tree whose conditions hold is terminal: the rule after it is not tried.
        let tree = json!({
            "version": "1.0", "parameters": {},
            "rules": [
                {"conditions": [], "type": "tree", "rules": [
                    {"conditions": [{"fn": "booleanEquals", "argv": [true, false]}],
                     "type": "endpoint", "endpoint": {"url": "https://x"}}]},
                {"conditions": [], "type": "endpoint", "endpoint": {"url": "https://y"}}
            ]
        });
        let err = resolve(&tree, &Params::new()).unwrap_err();
        assert!(err.message().contains("exhausted"), "{err}");
    }

    /// Rule sets that break the format in one way each: every one is an error, never a panic.
    #[test]
    fn malformed_rule_sets_are_errors() {
        let cases = [
            json!(null),
            json!([]),
            json!("rules"),
            json!({}),
            json!({"version": "2.0", "parameters": {}, "rules": []}),
            json!({"version": 1, "parameters": {}, "rules": []}),
            json!({"version": "1.0", "parameters": [], "rules": []}),
            json!({"version": "1.0", "parameters": {}}),
            json!({"version": "1.0", "parameters": {}, "rules": {}}),
            json!({"version": "1.0", "parameters": {"A": {"type": "int"}}, "rules": []}),
            json!({"version": "1.0", "parameters": {"A": "string"}, "rules": []}),
            json!({"version": "1.0", "parameters": {"A": {"type": "string", "default": true, "required": true}}, "rules": []}),
            json!({"version": "1.0", "parameters": {"A": {"type": "string", "required": "yes"}}, "rules": []}),
            json!({"version": "1.0", "parameters": {}, "rules": [1]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "magic", "conditions": []}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": []}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": true}}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "x", "headers": {"h": "v"}}}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "endpoint", "conditions": [], "endpoint": {"url": "x", "properties": []}}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": []}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [], "error": ["x"]}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "tree", "conditions": []}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": {}, "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [true], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"ref": "A"}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "nope", "argv": []}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet"}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": []}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": 7, "argv": []}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"ref": "Undefined"}]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [null]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": [{"x": 1}]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "not", "argv": ["x"]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "stringEquals", "argv": ["x", true]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "substring", "argv": ["abc", -1, 2, false]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "substring", "argv": ["abc", 0.5, 2, false]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "getAttr", "argv": ["abc", "x"]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "getAttr", "argv": [{"fn": "aws.partition", "argv": ["x"]}, "[0"]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "isSet", "argv": ["{"]}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {}, "rules": [{"type": "error", "conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": 3}], "error": "e"}]}),
            json!({"version": "1.0", "parameters": {"A": {"type": "string"}}, "rules": [{"type": "error", "conditions": [{"fn": "aws.partition", "argv": ["x"], "assign": "A"}], "error": "e"}]}),
        ];
        for rule_set in cases {
            let err = resolve(&rule_set, &Params::new()).unwrap_err();
            assert!(
                err.message().starts_with("invalid endpoint rule set: "),
                "{rule_set}: {err}"
            );
        }
    }

    /// Replaces every node of a working rule set, one at a time, with values of other kinds:
    /// whatever the result, resolution must not panic.
    #[test]
    fn no_panic_when_any_node_is_replaced() {
        let rule_set = json!({
            "version": "1.0",
            "parameters": {
                "Region": {"type": "string", "documentation": "d"},
                "UseFIPS": {"type": "boolean", "required": true, "default": false, "documentation": "d"}
            },
            "rules": [
                {"conditions": [{"fn": "isSet", "argv": [{"ref": "Region"}]},
                                {"fn": "aws.partition", "argv": [{"ref": "Region"}], "assign": "P"},
                                {"fn": "booleanEquals", "argv": [{"ref": "UseFIPS"}, true]}],
                 "type": "endpoint",
                 "endpoint": {"url": "https://x-fips.{Region}.{P#dnsSuffix}",
                              "headers": {"h": ["{P#name}"]}, "properties": {"p": [{"q": "{Region}"}]}}},
                {"conditions": [{"fn": "substring", "argv": ["{Region}", 0, 2, false], "assign": "S"}],
                 "type": "tree", "rules": [
                    {"conditions": [{"fn": "parseURL", "argv": ["https://{S}.example/a"], "assign": "U"}],
                     "type": "endpoint", "endpoint": {"url": "{U#scheme}://{U#authority}{U#normalizedPath}"}},
                    {"conditions": [], "type": "error", "error": "no {S}"}
                 ]},
                {"conditions": [], "type": "error", "error": "Missing Region"}
            ]
        });
        let replacements = [
            json!(null),
            json!(true),
            json!(0),
            json!(-1),
            json!(1.5),
            json!("x"),
            json!("{"),
            json!("}"),
            json!("{Region#[0]}"),
            json!([]),
            json!([null]),
            json!({}),
            json!({"ref": "Region"}),
            json!({"fn": "isSet", "argv": [{"ref": "Nope"}]}),
        ];
        let all_params = [
            Params::new(),
            params(&[("Region", string("us-east-1"))]),
            params(&[
                ("Region", string("cn-north-1")),
                ("UseFIPS", ParamValue::Bool(true)),
            ]),
            params(&[("Region", ParamValue::Bool(true))]),
        ];
        fn paths(value: &Value, at: Vec<Value>, out: &mut Vec<Vec<Value>>) {
            match value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let mut next = at.clone();
                        next.push(json!(i));
                        paths(item, next, out);
                    }
                }
                Value::Object(object) => {
                    for (key, item) in object {
                        let mut next = at.clone();
                        next.push(json!(key));
                        paths(item, next, out);
                    }
                }
                _ => {}
            }
            out.push(at);
        }
        fn node<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
            path.iter().fold(value, |v, step| match step {
                Value::String(key) => &mut v[key.as_str()],
                _ => &mut v[step.as_u64().unwrap() as usize],
            })
        }
        let mut all_paths = Vec::new();
        paths(&rule_set, Vec::new(), &mut all_paths);
        assert!(all_paths.len() > 50);
        let mut runs = 0;
        for path in &all_paths {
            for replacement in &replacements {
                let mut mutated = rule_set.clone();
                *node(&mut mutated, path) = replacement.clone();
                for p in &all_params {
                    let _ = resolve(&mutated, p);
                    runs += 1;
                }
            }
        }
        assert!(runs > 1000);
        // And the original works.
        assert_eq!(
            resolve(&rule_set, &all_params[1]).unwrap().url,
            "https://us.example/a/"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut rules =
            json!([{"conditions": [], "type": "endpoint", "endpoint": {"url": "https://x"}}]);
        for _ in 0..200 {
            rules = json!([{"conditions": [], "type": "tree", "rules": rules}]);
        }
        let rule_set = json!({"version": "1.0", "parameters": {}, "rules": rules});
        assert!(resolve(&rule_set, &Params::new())
            .unwrap_err()
            .message()
            .contains("nested"));

        let mut expr = json!(true);
        for _ in 0..200 {
            expr = json!({"fn": "not", "argv": [expr]});
        }
        let rule_set = json!({"version": "1.0", "parameters": {},
            "rules": [{"conditions": [{"fn": "not", "argv": [expr]}], "type": "error", "error": "e"}]});
        assert!(resolve(&rule_set, &Params::new())
            .unwrap_err()
            .message()
            .contains("nested"));

        let mut property = json!("leaf");
        for _ in 0..200 {
            property = json!([property]);
        }
        let rule_set = returning(json!("https://x"));
        let mut deep = rule_set.clone();
        deep["rules"][0]["endpoint"]["properties"] = json!({"deep": property});
        assert!(resolve(&deep, &Params::new())
            .unwrap_err()
            .message()
            .contains("nested"));
        // Moderate nesting is fine.
        assert_eq!(resolve(&rule_set, &Params::new()).unwrap().url, "https://x");
    }

    #[test]
    fn errors_display_their_message() {
        let rule_set = json!({"version": "1.0", "parameters": {},
            "rules": [{"conditions": [], "type": "error", "error": "Invalid Configuration: Missing Region"}]});
        let err = resolve(&rule_set, &Params::new()).unwrap_err();
        assert_eq!(err.to_string(), "Invalid Configuration: Missing Region");
        let boxed: Box<dyn std::error::Error> = Box::new(err.clone());
        assert_eq!(boxed.to_string(), err.message());
    }
}
