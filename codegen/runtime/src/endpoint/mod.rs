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

mod eval;
mod functions;
mod partitions;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

use eval::eval_rules;

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
