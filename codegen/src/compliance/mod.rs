//! Protocol compliance cases: the client cases of the model's `smithy.test#httpRequestTests` and
//! `smithy.test#httpResponseTests` traits that apply to the crate's protocol and operations,
//! read from the model and resolved against the IR.
//!
//! [`collect`] is the one place that reads the `smithy.test` traits. It returns plain data: each
//! case with its operation (an index into `Crate::operations`), its expectations as text, and its
//! `params` as typed [`Value`]s that name the IR's types, setters and variants.
//! `emit::compliance` writes `tests/protocol.rs` from these and the IR, never from the model.

mod values;

use std::collections::BTreeSet;

use serde_json::{Map, Value as Json};

use crate::closure::Protocol;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::{Crate, Named, TypeRef};
use crate::model::Model;
use crate::shape_id::{is_identifier, ShapeId};
use crate::{naming, traits};

pub use values::{Built, Value, Zero};

const TEST_NAMESPACE: &str = "smithy.test";

/// The client cases of a crate, each list in the order of the case ids.
#[derive(Debug, Clone, Default)]
pub struct Cases {
    /// What the client sends.
    pub requests: Vec<RequestCase>,
    /// How the client reads what the service answers.
    pub responses: Vec<ResponseCase>,
}

/// What every case has: its test function and the call it makes.
#[derive(Debug, Clone)]
pub struct Test {
    /// The test function: the case's `id`, escaped where it is a Rust keyword.
    pub test_fn: String,
    /// The case's `documentation`, trimmed; a line naming the case when it has none.
    pub documentation: String,
    /// The index in `Crate::operations` of the operation the test calls.
    pub operation: usize,
    /// The host the client calls (`https://{host}`): the case's `host`, else `example.com`.
    pub host: String,
}

/// A request case: the input to send, and what the request must look like.
#[derive(Debug, Clone)]
pub struct RequestCase {
    pub test: Test,
    /// The input, built from the case's `params`.
    pub input: Value,
    pub method: String,
    /// The path of the request.
    pub uri: String,
    /// The `Host` header: `resolvedHost` where the case gives it, else the host part of `host`
    /// where it gives that; no check when it gives neither.
    pub resolved_host: Option<String>,
    /// Headers that must have these values, in the case's order.
    pub headers: Vec<(String, String)>,
    pub require_headers: Vec<String>,
    pub forbid_headers: Vec<String>,
    /// `name=value` pairs, as they appear in the query string.
    pub query_params: Vec<String>,
    pub require_query_params: Vec<String>,
    pub forbid_query_params: Vec<String>,
    pub body: Option<String>,
    /// The `bodyMediaType` is JSON: compare the body as JSON rather than as text.
    pub json_body: bool,
}

/// A response case: the answer the service gives, and what the client must make of it.
#[derive(Debug, Clone)]
pub struct ResponseCase {
    pub test: Test,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's headers, in the case's order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// An input to make the call with (response cases give none): required members get the
    /// zero of their type, optional ones are left out.
    pub input: Value,
    pub expected: Expected,
}

/// What a response case expects the call to return.
#[derive(Debug, Clone)]
pub enum Expected {
    /// The output, built from the case's `params`.
    Output(Value),
    /// A modeled error: the case is on an error structure.
    Error {
        /// The index in the operation's `errors`.
        error: usize,
        /// The error structure, built from the case's `params`.
        value: Value,
        /// The code the client must report, when the case says (`ErrorCodeParams`).
        code: Option<String>,
    },
}

/// Whether a case checks the request a client sends or how it reads a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Request,
    Response,
}

impl Kind {
    fn trait_name(self) -> &'static str {
        match self {
            Kind::Request => "httpRequestTests",
            Kind::Response => "httpResponseTests",
        }
    }
}

/// One case as the trait gives it, tied to the operation it calls.
struct Entry {
    kind: Kind,
    id: String,
    /// The index in `Crate::operations` of the operation the case calls.
    operation: usize,
    /// For a response case on an error structure: the index in the operation's `errors`.
    error: Option<usize>,
    spec: Map<String, Json>,
    /// Where the case is written: `ns#Shape`, the trait and the id, for diagnostics.
    origin: String,
}

/// The trait id of a protocol, as a case's `protocol` names it.
fn protocol_id(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
        Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
        Protocol::RestJson1 => "aws.protocols#restJson1",
    }
}

/// The client cases for the crate's protocol: those on the crate's operations, and the response
/// cases on its error structures (run against the first operation that can return the error).
/// Cases marked `appliesTo: server` and cases for other protocols are left out.
pub fn collect(model: &Model, krate: &Crate) -> Result<Cases> {
    let entries = entries(model, krate)?;
    let resolver = values::Resolver::new(krate);
    let mut cases = Cases::default();
    for entry in &entries {
        match entry.kind {
            Kind::Request => cases.requests.push(request(krate, &resolver, entry)?),
            Kind::Response => cases.responses.push(response(krate, &resolver, entry)?),
        }
    }
    Ok(cases)
}

/// Every case that applies, checked for unique ids, in the order of kind and id.
fn entries(model: &Model, krate: &Crate) -> Result<Vec<Entry>> {
    let protocol = protocol_id(krate.service.protocol);
    let mut cases = Vec::new();
    for (index, op) in krate.operations.iter().enumerate() {
        for kind in [Kind::Request, Kind::Response] {
            for (spec, origin) in trait_entries(model, &op.id, kind)? {
                if applies(&spec, protocol, &origin)? {
                    cases.push(entry(kind, spec, origin, index, None)?);
                }
            }
        }
    }
    for error in &krate.errors {
        let path = TypeRef {
            module: vec!["types".into(), "error".into()],
            name: error.name.clone(),
        };
        let bound = krate.operations.iter().enumerate().find_map(|(index, op)| {
            op.errors
                .iter()
                .position(|e| e.ty == path)
                .map(|error| (index, error))
        });
        let Some((index, error_index)) = bound else {
            continue;
        };
        if let Some((_, origin)) = trait_entries(model, &error.id, Kind::Request)?.first() {
            return Err(Diagnostic::at(
                origin,
                "request test cases cannot be on an error structure",
            ));
        }
        for (spec, origin) in trait_entries(model, &error.id, Kind::Response)? {
            if applies(&spec, protocol, &origin)? {
                cases.push(entry(
                    Kind::Response,
                    spec,
                    origin,
                    index,
                    Some(error_index),
                )?);
            }
        }
    }
    let mut seen = BTreeSet::new();
    for case in &cases {
        if !seen.insert((case.kind, case.id.as_str())) {
            return Err(Diagnostic::at(
                &case.origin,
                format!("a second test case with the id `{}`", case.id),
            ));
        }
    }
    cases.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    Ok(cases)
}

/// The entries of one test trait on a shape, each an object, with its place for diagnostics.
fn trait_entries(
    model: &Model,
    shape: &str,
    kind: Kind,
) -> Result<Vec<(Map<String, Json>, String)>> {
    let id = ShapeId::parse_at(shape, shape)?;
    let Some(shape) = model.get(&id) else {
        return Ok(Vec::new());
    };
    let name = kind.trait_name();
    let Some(value) = traits::by_id(&shape.traits, TEST_NAMESPACE, name) else {
        return Ok(Vec::new());
    };
    let origin = format!("{id} (`{TEST_NAMESPACE}#{name}`)");
    let list = value
        .as_array()
        .ok_or_else(|| Diagnostic::at(&origin, "must be a list of test cases"))?;
    list.iter()
        .enumerate()
        .map(|(i, entry)| {
            let at = format!("{origin}[{i}]");
            entry
                .as_object()
                .cloned()
                .map(|object| (object, at.clone()))
                .ok_or_else(|| Diagnostic::at(at, "a test case must be an object"))
        })
        .collect()
}

/// True when the case is for clients of this protocol.
fn applies(spec: &Map<String, Json>, protocol: &str, origin: &str) -> Result<bool> {
    let case_protocol = string(spec, "protocol", origin)?
        .ok_or_else(|| Diagnostic::at(origin, "has no `protocol`"))?;
    let applies_to = string(spec, "appliesTo", origin)?;
    if !matches!(applies_to, None | Some("client" | "server")) {
        return Err(Diagnostic::at(
            origin,
            "`appliesTo` must be `client` or `server`",
        ));
    }
    Ok(case_protocol == protocol && applies_to != Some("server"))
}

fn entry(
    kind: Kind,
    spec: Map<String, Json>,
    origin: String,
    operation: usize,
    error: Option<usize>,
) -> Result<Entry> {
    let id = string(&spec, "id", &origin)?
        .ok_or_else(|| Diagnostic::at(&origin, "has no `id`"))?
        .to_owned();
    if !is_identifier(&id) {
        return Err(Diagnostic::at(
            &origin,
            format!("the id `{id}` is not an identifier"),
        ));
    }
    let origin = format!("{origin} `{id}`");
    Ok(Entry {
        kind,
        id,
        operation,
        error,
        spec,
        origin,
    })
}

/// What every case has: the test function, its documentation, and the host the client calls.
fn test(entry: &Entry) -> Result<Test> {
    let (spec, at) = (&entry.spec, entry.origin.as_str());
    let host = string(spec, "host", at)?
        .unwrap_or("example.com")
        .to_owned();
    let documentation = string(spec, "documentation", at)?
        .map(|d| d.trim().to_owned())
        .unwrap_or_else(|| format!("The `{}` case.", entry.id));
    Ok(Test {
        test_fn: naming::escape(entry.id.clone()),
        documentation,
        operation: entry.operation,
        host,
    })
}

fn request(krate: &Crate, resolver: &values::Resolver, entry: &Entry) -> Result<RequestCase> {
    let test = test(entry)?;
    let op = &krate.operations[entry.operation];
    let (spec, at) = (&entry.spec, entry.origin.as_str());
    let params = params(spec, at)?;
    let input = resolver.structure(&op.input_path, &op.input, &params, &format!("{at} params"))?;
    let method = string(spec, "method", at)?
        .ok_or_else(|| Diagnostic::at(at, "has no `method`"))?
        .to_owned();
    let uri = string(spec, "uri", at)?
        .ok_or_else(|| Diagnostic::at(at, "has no `uri`"))?
        .to_owned();
    let resolved_host = match (string(spec, "resolvedHost", at)?, string(spec, "host", at)?) {
        (Some(resolved), _) => Some(resolved),
        (None, Some(host)) => host.split('/').next(),
        (None, None) => None,
    };
    Ok(RequestCase {
        test,
        input,
        method,
        uri,
        resolved_host: resolved_host.map(str::to_owned),
        headers: string_map(spec, "headers", at)?,
        require_headers: strings(spec, "requireHeaders", at)?,
        forbid_headers: strings(spec, "forbidHeaders", at)?,
        query_params: strings(spec, "queryParams", at)?,
        require_query_params: strings(spec, "requireQueryParams", at)?,
        forbid_query_params: strings(spec, "forbidQueryParams", at)?,
        body: string(spec, "body", at)?.map(str::to_owned),
        json_body: string(spec, "bodyMediaType", at)?
            .is_some_and(|media| media == "application/json" || media.ends_with("+json")),
    })
}

fn response(krate: &Crate, resolver: &values::Resolver, entry: &Entry) -> Result<ResponseCase> {
    let test = test(entry)?;
    let op = &krate.operations[entry.operation];
    let (spec, at) = (&entry.spec, entry.origin.as_str());
    let params = params(spec, at)?;
    let status = match spec.get("code") {
        Some(Json::Number(n)) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (100..1000).contains(n))
            .ok_or_else(|| Diagnostic::at(at, "`code` must be an HTTP status"))?,
        _ => return Err(Diagnostic::at(at, "has no `code`")),
    };
    let headers = string_map(spec, "headers", at)?;
    let body = string(spec, "body", at)?.unwrap_or("").to_owned();
    let input =
        resolver.placeholder_structure(&op.input_path, &op.input, 0, &format!("{at} input"))?;
    let expected = match entry.error {
        None => Expected::Output(resolver.structure(
            &op.output_path,
            &op.output,
            &params,
            &format!("{at} params"),
        )?),
        Some(index) => {
            let path = &op.errors[index].ty;
            let Named::Structure(s) = resolver.named(path, at)? else {
                return Err(Diagnostic::at(
                    at,
                    "internal error: an error that is not a structure",
                ));
            };
            let value = resolver.structure(path, s, &params, &format!("{at} params"))?;
            let code = error_code_param(spec, at)?.map(str::to_owned);
            Expected::Error {
                error: index,
                value,
                code,
            }
        }
    };
    Ok(ResponseCase {
        test,
        status,
        headers,
        body,
        input,
        expected,
    })
}

/// The error code a response case on an error expects the client to report: the `code` of its
/// `vendorParams` when they are `aws.protocoltests.config#ErrorCodeParams`.
fn error_code_param<'a>(spec: &'a Map<String, Json>, at: &str) -> Result<Option<&'a str>> {
    if string(spec, "vendorParamsShape", at)? != Some("aws.protocoltests.config#ErrorCodeParams") {
        return Ok(None);
    }
    match spec
        .get("vendorParams")
        .and_then(|params| params.get("code"))
    {
        Some(Json::String(code)) => Ok(Some(code)),
        _ => Err(Diagnostic::at(
            at,
            "`vendorParams` of `ErrorCodeParams` must have a string `code`",
        )),
    }
}

/// The case's `params`: the input of a request case, the output or error of a response case.
fn params(spec: &Map<String, Json>, origin: &str) -> Result<Map<String, Json>> {
    match spec.get("params") {
        None | Some(Json::Null) => Ok(Map::new()),
        Some(Json::Object(object)) => Ok(object.clone()),
        Some(_) => Err(Diagnostic::at(origin, "`params` must be an object")),
    }
}

/// An optional string member of a case.
fn string<'a>(spec: &'a Map<String, Json>, key: &str, origin: &str) -> Result<Option<&'a str>> {
    match spec.get(key) {
        None => Ok(None),
        Some(Json::String(s)) => Ok(Some(s)),
        Some(_) => Err(Diagnostic::at(origin, format!("`{key}` must be a string"))),
    }
}

/// An optional list-of-strings member of a case.
fn strings(spec: &Map<String, Json>, key: &str, origin: &str) -> Result<Vec<String>> {
    match spec.get(key) {
        None => Ok(Vec::new()),
        Some(Json::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    Diagnostic::at(origin, format!("`{key}` must be a list of strings"))
                })
            })
            .collect(),
        Some(_) => Err(Diagnostic::at(
            origin,
            format!("`{key}` must be a list of strings"),
        )),
    }
}

/// An optional string-to-string map member of a case (headers), in the case's order.
fn string_map(spec: &Map<String, Json>, key: &str, origin: &str) -> Result<Vec<(String, String)>> {
    match spec.get(key) {
        None => Ok(Vec::new()),
        Some(Json::Object(map)) => map
            .iter()
            .map(|(name, value)| {
                value
                    .as_str()
                    .map(|v| (name.clone(), v.to_owned()))
                    .ok_or_else(|| {
                        Diagnostic::at(origin, format!("`{key}` must map names to strings"))
                    })
            })
            .collect(),
        Some(_) => Err(Diagnostic::at(
            origin,
            format!("`{key}` must map names to strings"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use crate::{generate_protocol_tests, Settings};

    /// A one-operation awsJson1_0 model whose operation carries `request_cases`.
    fn model(request_cases: &str) -> String {
        format!(
            r#"{{
  "smithy": "2.0",
  "shapes": {{
    "t#Svc": {{
      "type": "service",
      "version": "1",
      "operations": [{{ "target": "t#Op" }}],
      "traits": {{
        "aws.api#service": {{ "sdkId": "Svc" }},
        "aws.auth#sigv4": {{ "name": "svc" }},
        "aws.protocols#awsJson1_0": {{}}
      }}
    }},
    "t#Op": {{
      "type": "operation",
      "input": {{ "target": "t#OpInput" }},
      "traits": {{ "smithy.test#httpRequestTests": {request_cases} }}
    }},
    "t#OpInput": {{
      "type": "structure",
      "members": {{
        "name": {{ "target": "smithy.api#String" }},
        "sizes": {{ "target": "t#Sizes" }},
        "data": {{ "target": "smithy.api#Blob" }},
        "at": {{ "target": "smithy.api#Timestamp" }},
        "doc": {{ "target": "smithy.api#Document" }}
      }}
    }},
    "t#Sizes": {{ "type": "list", "member": {{ "target": "smithy.api#Integer" }} }}
  }}
}}"#
        )
    }

    fn case(id: &str, extra: &str) -> String {
        format!(
            r#"{{ "id": "{id}", "protocol": "aws.protocols#awsJson1_0", "method": "POST",
                 "uri": "/", "body": "{{}}", "bodyMediaType": "application/json"{extra} }}"#
        )
    }

    fn generate(cases: &[String]) -> Result<String, crate::Diagnostic> {
        let text = model(&format!("[{}]", cases.join(",")));
        generate_protocol_tests(&text, &Settings::new("svc", "t.json"))
    }

    #[test]
    fn client_cases_of_the_protocol_become_tests() {
        let source = generate(&[
            case(
                "ForClients",
                r#", "params": { "name": "a", "sizes": [1, -2] }"#,
            ),
            case("ForBoth", r#", "appliesTo": "client""#),
            case("ForServers", r#", "appliesTo": "server""#),
            case("Other", "").replace("awsJson1_0", "restJson1"),
        ])
        .unwrap();
        assert!(source.contains("fn ForClients()"), "{source}");
        assert!(source.contains("fn ForBoth()"), "{source}");
        assert!(!source.contains("ForServers"), "{source}");
        assert!(!source.contains("fn Other()"), "{source}");
        assert!(source.contains(".name(::std::string::String::from(\"a\"))"));
        assert!(
            source.contains("::std::vec::Vec::from([1i32, -2i32])"),
            "{source}"
        );
    }

    #[test]
    fn blobs_timestamps_and_documents_in_params() {
        let source = generate(&[case(
            "Primitives",
            r#", "params": { "data": "a\"b", "at": 1.5, "doc": { "k": [1, -2, 0.5, null, "s"] } }"#,
        )])
        .unwrap();
        // Blobs are given as the text of their bytes, timestamps in epoch seconds.
        assert!(
            source.contains(r#".data(::svc::primitives::Blob::from(b"a\"b"))"#),
            "{source}"
        );
        assert!(
            source.contains(".at(::svc::primitives::DateTime::from_secs_and_nanos(1, 500000000))"),
            "{source}"
        );
        for part in [
            "::svc::primitives::Document::Object(",
            "::svc::primitives::Number::PosInt(1u64)",
            "::svc::primitives::Number::NegInt(-2i64)",
            "::svc::primitives::Number::Float(0.5f64)",
            "::svc::primitives::Document::Null",
            "::svc::primitives::Document::String(",
        ] {
            assert!(source.contains(part), "{part} in {source}");
        }
        let wrong = generate(&[case(
            "Bad",
            r#", "params": { "at": "2020-01-01T00:00:00Z" }"#,
        )])
        .unwrap_err();
        assert!(
            wrong
                .to_string()
                .ends_with("params.at: expected a number of epoch seconds, found a string"),
            "{wrong}"
        );
    }

    #[test]
    fn params_that_do_not_fit_the_model_are_refused() {
        let unknown = generate(&[case("Bad", r#", "params": { "nope": 1 }"#)]).unwrap_err();
        assert_eq!(
            unknown.to_string(),
            "t#Op (`smithy.test#httpRequestTests`)[0] `Bad` params: the structure \
             `OpInput` has no member `nope`"
        );
        let wrong = generate(&[case("Bad", r#", "params": { "sizes": ["x"] }"#)]).unwrap_err();
        assert!(
            wrong
                .to_string()
                .ends_with("params.sizes[0]: expected an integer, found a string"),
            "{wrong}"
        );
        let twice = generate(&[case("Same", ""), case("Same", "")]).unwrap_err();
        assert!(twice
            .to_string()
            .contains("a second test case with the id `Same`"));
    }
}
