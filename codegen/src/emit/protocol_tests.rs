//! `tests/protocol.rs` for a generated crate: one `#[test]` per Smithy protocol compliance case
//! (`smithy.test#httpRequestTests` and `smithy.test#httpResponseTests`) that applies to clients
//! and to the crate's protocol, for the operations the crate has.
//!
//! Request cases build the input from the case's `params` with the generated builders, call the
//! client over a transport that records the request (and answers `200 {}`), and check method,
//! path, query, headers, host and body. Response cases have the transport answer with the case's
//! status, headers and body, and compare the output (or, for cases on an error structure, the
//! error variant and its members) with a value built from `params`.
//!
//! [`collect`] is the one place that reads the `smithy.test` traits; [`test_file`] works from
//! the IR and the collected cases only.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use serde_json::{Map, Value};

use super::ident;
use crate::closure::Protocol;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::{
    Crate, DataType, DocumentValue, Enum, Operation, Presence, Structure, Type, TypeRef, Union,
};
use crate::model::Model;
use crate::shape_id::{is_identifier, ShapeId};
use crate::{naming, traits};

const TEST_NAMESPACE: &str = "smithy.test";

/// Whether a case checks the request a client sends or how it reads a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
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

    /// The module of the test file holding the cases of this kind.
    fn module(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
        }
    }
}

/// One client test case, tied to the operation it calls.
#[derive(Debug, Clone)]
pub struct Case {
    pub kind: Kind,
    /// The case's `id`, also the name of its test function.
    pub id: String,
    /// The index in `Crate::operations` of the operation the case calls.
    operation: usize,
    /// For a response case on an error structure: the index in the operation's `errors`.
    error: Option<usize>,
    /// The case as the trait gives it.
    spec: Map<String, Value>,
    /// Where the case is written: `ns#Shape` and the trait, for diagnostics.
    origin: String,
}

/// The trait id of a protocol, as a case's `protocol` names it.
fn protocol_id(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_0 => "aws.protocols#awsJson1_0",
        Protocol::AwsJson1_1 => "aws.protocols#awsJson1_1",
    }
}

/// The client cases for the crate's protocol: those on the crate's operations, and the response
/// cases on its error structures (run against the first operation that can return the error).
/// Cases marked `appliesTo: server` and cases for other protocols are left out.
pub fn collect(model: &Model, krate: &Crate) -> Result<Vec<Case>> {
    let protocol = protocol_id(krate.service.protocol);
    let mut cases = Vec::new();
    for (index, op) in krate.operations.iter().enumerate() {
        for kind in [Kind::Request, Kind::Response] {
            for (spec, origin) in entries(model, &op.id, kind)? {
                if applies(&spec, protocol, &origin)? {
                    cases.push(case(kind, spec, origin, index, None)?);
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
        if let Some((_, origin)) = entries(model, &error.id, Kind::Request)?.first() {
            return Err(Diagnostic::at(
                origin,
                "request test cases cannot be on an error structure",
            ));
        }
        for (spec, origin) in entries(model, &error.id, Kind::Response)? {
            if applies(&spec, protocol, &origin)? {
                cases.push(case(
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
fn entries(model: &Model, shape: &str, kind: Kind) -> Result<Vec<(Map<String, Value>, String)>> {
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
fn applies(spec: &Map<String, Value>, protocol: &str, origin: &str) -> Result<bool> {
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

fn case(
    kind: Kind,
    spec: Map<String, Value>,
    origin: String,
    operation: usize,
    error: Option<usize>,
) -> Result<Case> {
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
    Ok(Case {
        kind,
        id,
        operation,
        error,
        spec,
        origin,
    })
}

/// The case's `params`: the input of a request case, the output or error of a response case.
fn params(spec: &Map<String, Value>, origin: &str) -> Result<Map<String, Value>> {
    match spec.get("params") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(object)) => Ok(object.clone()),
        Some(_) => Err(Diagnostic::at(origin, "`params` must be an object")),
    }
}

/// An optional string member of a case.
fn string<'a>(spec: &'a Map<String, Value>, key: &str, origin: &str) -> Result<Option<&'a str>> {
    match spec.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Diagnostic::at(origin, format!("`{key}` must be a string"))),
    }
}

/// An optional list-of-strings member of a case.
fn strings(spec: &Map<String, Value>, key: &str, origin: &str) -> Result<Vec<String>> {
    match spec.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
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
fn string_map(spec: &Map<String, Value>, key: &str, origin: &str) -> Result<Vec<(String, String)>> {
    match spec.get(key) {
        None => Ok(Vec::new()),
        Some(Value::Object(map)) => map
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

/// A named type of the crate.
#[derive(Clone, Copy)]
enum Named<'a> {
    Structure(&'a Structure),
    Enum(&'a Enum),
    Union(&'a Union),
}

/// What the emitter needs besides a case: the crate's name and every named type by path.
struct Context<'a> {
    krate: &'a Crate,
    /// The crate as the test names it: the package name with `-` as `_`.
    crate_ident: Ident,
    named: BTreeMap<TypeRef, Named<'a>>,
}

impl<'a> Context<'a> {
    fn new(krate: &'a Crate) -> Self {
        let mut named = BTreeMap::new();
        for data in &krate.types {
            let (name, item) = match data {
                DataType::Structure(s) => (&s.name, Named::Structure(s)),
                DataType::Enum(e) => (&e.name, Named::Enum(e)),
                DataType::Union(u) => (&u.name, Named::Union(u)),
            };
            let path = TypeRef {
                module: vec!["types".into()],
                name: name.clone(),
            };
            named.insert(path, item);
        }
        for s in &krate.errors {
            let path = TypeRef {
                module: vec!["types".into(), "error".into()],
                name: s.name.clone(),
            };
            named.insert(path, Named::Structure(s));
        }
        for op in &krate.operations {
            named
                .entry(op.input_path.clone())
                .or_insert(Named::Structure(&op.input));
            named
                .entry(op.output_path.clone())
                .or_insert(Named::Structure(&op.output));
        }
        Self {
            krate,
            crate_ident: ident(&krate.package.replace('-', "_")),
            named,
        }
    }

    /// `::json10::types::Dialog`.
    fn path(&self, path: &TypeRef) -> TokenStream {
        let krate = &self.crate_ident;
        let modules = path.module.iter().map(|m| ident(m));
        let name = ident(&path.name);
        quote! { ::#krate #( :: #modules )* :: #name }
    }

    /// `::json10::primitives`.
    fn primitives(&self) -> TokenStream {
        let krate = &self.crate_ident;
        quote! { ::#krate::primitives }
    }

    fn named(&self, path: &TypeRef, at: &str) -> Result<Named<'a>> {
        self.named.get(path).copied().ok_or_else(|| {
            Diagnostic::at(
                at,
                format!("internal error: no generated type `{}`", path.name),
            )
        })
    }

    /// An expression of type `ty` (no `Option`, no `Box`) for a `params` value.
    fn value(&self, ty: &Type, value: &Value, at: &str) -> Result<TokenStream> {
        let wrong = |expected: &str| {
            Diagnostic::at(
                at,
                format!(
                    "expected {expected}, found {}",
                    crate::ast::json_kind(value)
                ),
            )
        };
        match ty {
            Type::String => {
                let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                Ok(quote! { ::std::string::String::from(#s) })
            }
            Type::Bool => {
                let b = value.as_bool().ok_or_else(|| wrong("a boolean"))?;
                Ok(quote! { #b })
            }
            Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
                let n = value.as_i64().ok_or_else(|| wrong("an integer"))?;
                let (suffix, fits) = match ty {
                    Type::I8 => ("i8", i8::try_from(n).is_ok()),
                    Type::I16 => ("i16", i16::try_from(n).is_ok()),
                    Type::I32 => ("i32", i32::try_from(n).is_ok()),
                    _ => ("i64", true),
                };
                if !fits {
                    return Err(wrong(&format!("an integer that fits `{suffix}`")));
                }
                Ok(number(&format!("{n}{suffix}")))
            }
            Type::F32 | Type::F64 => {
                let suffix = if *ty == Type::F32 { "f32" } else { "f64" };
                let special = |name: &str| {
                    let ty = ident(suffix);
                    let name = ident(name);
                    quote! { #ty::#name }
                };
                match value {
                    Value::String(s) if s == "NaN" => Ok(special("NAN")),
                    Value::String(s) if s == "Infinity" => Ok(special("INFINITY")),
                    Value::String(s) if s == "-Infinity" => Ok(special("NEG_INFINITY")),
                    Value::Number(n) => {
                        let f = n.as_f64().ok_or_else(|| wrong("a number"))?;
                        let text = if *ty == Type::F32 {
                            let f = f as f32;
                            f.is_finite().then(|| format!("{f:?}f32"))
                        } else {
                            Some(format!("{f:?}f64"))
                        };
                        let text = text.ok_or_else(|| wrong("a number that fits `f32`"))?;
                        Ok(number(&text))
                    }
                    _ => Err(wrong(
                        "a number or one of `NaN`, `Infinity` and `-Infinity`",
                    )),
                }
            }
            Type::Timestamp { .. } => {
                // Test cases give timestamps in epoch seconds.
                let n = match value {
                    Value::Number(n) => n,
                    _ => return Err(wrong("a number of epoch seconds")),
                };
                let time = match n.as_i64() {
                    Some(secs) => smithy_rust_runtime::primitives::DateTime::from_secs(secs),
                    None => n
                        .as_f64()
                        .and_then(|secs| {
                            smithy_rust_runtime::primitives::DateTime::parse(
                                &secs.to_string(),
                                smithy_rust_runtime::primitives::TimestampFormat::EpochSeconds,
                            )
                            .ok()
                        })
                        .ok_or_else(|| wrong("a number of epoch seconds in range"))?,
                };
                Ok(super::timestamp_expr(
                    time.secs(),
                    time.subsec_nanos(),
                    &self.primitives(),
                ))
            }
            Type::Blob => {
                // Test cases give blobs as the text of their bytes, not in base64.
                let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                Ok(super::blob_expr(s.as_bytes(), &self.primitives()))
            }
            Type::Document => Ok(super::document_expr(
                &DocumentValue::from_json(value),
                &self.primitives(),
            )),
            Type::List { item, sparse } => {
                let items = value.as_array().ok_or_else(|| wrong("a list"))?;
                let items = items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        let at = format!("{at}[{i}]");
                        self.maybe_null(item, *sparse, v, &at)
                    })
                    .collect::<Result<Vec<_>>>()?;
                if items.is_empty() {
                    return Ok(quote! { ::std::vec::Vec::new() });
                }
                Ok(quote! { ::std::vec::Vec::from([ #( #items ),* ]) })
            }
            Type::Map {
                key,
                value: value_ty,
                sparse,
            } => {
                let map = value.as_object().ok_or_else(|| wrong("an object"))?;
                if map.is_empty() {
                    return Ok(quote! { ::std::collections::HashMap::new() });
                }
                let entries = map
                    .iter()
                    .map(|(k, v)| {
                        let at = format!("{at}.{k}");
                        let key = self.value(key, &Value::String(k.clone()), &at)?;
                        let value = self.maybe_null(value_ty, *sparse, v, &at)?;
                        Ok(quote! { (#key, #value) })
                    })
                    .collect::<Result<Vec<_>>>()?;
                Ok(quote! { ::std::collections::HashMap::from([ #( #entries ),* ]) })
            }
            Type::Named(path) => {
                let rust = self.path(path);
                match self.named(path, at)? {
                    Named::Enum(e) if e.int => {
                        let n = value.as_i64().ok_or_else(|| wrong("an integer"))?;
                        let n =
                            i32::try_from(n).map_err(|_| wrong("an integer that fits `i32`"))?;
                        let n = number(&format!("{n}i32"));
                        Ok(quote! { #rust::from(#n) })
                    }
                    Named::Enum(_) => {
                        let s = value.as_str().ok_or_else(|| wrong("a string"))?;
                        Ok(quote! { #rust::from(#s) })
                    }
                    Named::Structure(s) => {
                        let object = value.as_object().ok_or_else(|| wrong("an object"))?;
                        self.structure(path, s, object, at)
                    }
                    Named::Union(u) => {
                        let object = value.as_object().ok_or_else(|| wrong("an object"))?;
                        let set: Vec<_> = object.iter().filter(|(_, v)| !v.is_null()).collect();
                        let [(member, member_value)] = set.as_slice() else {
                            return Err(Diagnostic::at(
                                at,
                                "a union value must set exactly one member",
                            ));
                        };
                        let variant = u
                            .variants
                            .iter()
                            .find(|v| &v.wire_name == *member)
                            .ok_or_else(|| {
                                Diagnostic::at(
                                    at,
                                    format!("the union `{}` has no member `{member}`", u.name),
                                )
                            })?;
                        let name = ident(&variant.name);
                        match &variant.ty {
                            None => Ok(quote! { #rust::#name }),
                            Some(ty) => {
                                let at = format!("{at}.{member}");
                                let inner = self.value(ty, member_value, &at)?;
                                let inner = if variant.boxed {
                                    quote! { ::std::boxed::Box::new(#inner) }
                                } else {
                                    inner
                                };
                                Ok(quote! { #rust::#name(#inner) })
                            }
                        }
                    }
                }
            }
        }
    }

    /// A list item or map value: `Some(..)`/`None` when the collection is sparse.
    fn maybe_null(&self, ty: &Type, sparse: bool, value: &Value, at: &str) -> Result<TokenStream> {
        if !sparse {
            return self.value(ty, value, at);
        }
        if value.is_null() {
            return Ok(quote! { ::std::option::Option::None });
        }
        let inner = self.value(ty, value, at)?;
        Ok(quote! { ::std::option::Option::Some(#inner) })
    }

    /// `Type::builder().member(..)...build()` for the members `object` sets (`null` is absent).
    fn structure(
        &self,
        path: &TypeRef,
        s: &Structure,
        object: &Map<String, Value>,
        at: &str,
    ) -> Result<TokenStream> {
        let rust = self.path(path);
        let mut setters = Vec::new();
        for (member, value) in object {
            if value.is_null() {
                continue;
            }
            let field = s
                .fields
                .iter()
                .find(|f| &f.wire_name == member)
                .ok_or_else(|| {
                    Diagnostic::at(
                        at,
                        format!("the structure `{}` has no member `{member}`", s.name),
                    )
                })?;
            let setter = ident(&field.setter);
            let value = self.value(&field.ty, value, &format!("{at}.{member}"))?;
            setters.push(quote! { .#setter(#value) });
        }
        Ok(self.build(&rust, s, setters))
    }

    fn build(&self, rust: &TokenStream, s: &Structure, setters: Vec<TokenStream>) -> TokenStream {
        let built = quote! { #rust::builder() #( #setters )* .build() };
        if s.fallible_build {
            let message = format!("the test's `{}` builds", s.name);
            quote! { #built.expect(#message) }
        } else {
            built
        }
    }

    /// Some valid value of `ty`, for inputs of response cases (which give no input): required
    /// members get the zero of their type, optional ones are left out.
    fn placeholder(&self, ty: &Type, depth: usize, at: &str) -> Result<TokenStream> {
        if depth > 32 {
            return Err(Diagnostic::at(
                at,
                "cannot make an input: its required members nest too deep",
            ));
        }
        Ok(match ty {
            Type::String => quote! { ::std::string::String::new() },
            Type::Bool => quote! { false },
            Type::I8 => quote! { 0i8 },
            Type::I16 => quote! { 0i16 },
            Type::I32 => quote! { 0i32 },
            Type::I64 => quote! { 0i64 },
            Type::F32 => quote! { 0f32 },
            Type::F64 => quote! { 0f64 },
            Type::Timestamp { .. } => {
                let primitives = self.primitives();
                quote! { #primitives::DateTime::UNIX_EPOCH }
            }
            Type::Blob => {
                let primitives = self.primitives();
                quote! { #primitives::Blob::default() }
            }
            Type::Document => {
                let primitives = self.primitives();
                quote! { #primitives::Document::Null }
            }
            Type::List { .. } => quote! { ::std::vec::Vec::new() },
            Type::Map { .. } => quote! { ::std::collections::HashMap::new() },
            Type::Named(path) => {
                let rust = self.path(path);
                match self.named(path, at)? {
                    Named::Enum(e) if e.int => quote! { #rust::from(0i32) },
                    Named::Enum(_) => quote! { #rust::from("") },
                    Named::Structure(s) => self.placeholder_structure(&rust, s, depth, at)?,
                    Named::Union(u) => {
                        let variant = u.variants.first().ok_or_else(|| {
                            Diagnostic::at(at, format!("the union `{}` has no members", u.name))
                        })?;
                        let name = ident(&variant.name);
                        match &variant.ty {
                            None => quote! { #rust::#name },
                            Some(ty) => {
                                let inner = self.placeholder(ty, depth + 1, at)?;
                                if variant.boxed {
                                    quote! { #rust::#name(::std::boxed::Box::new(#inner)) }
                                } else {
                                    quote! { #rust::#name(#inner) }
                                }
                            }
                        }
                    }
                }
            }
        })
    }

    fn placeholder_structure(
        &self,
        rust: &TokenStream,
        s: &Structure,
        depth: usize,
        at: &str,
    ) -> Result<TokenStream> {
        let mut setters = Vec::new();
        for field in s.fields.iter().filter(|f| f.presence == Presence::Required) {
            let setter = ident(&field.setter);
            let value = self.placeholder(&field.ty, depth + 1, at)?;
            setters.push(quote! { .#setter(#value) });
        }
        Ok(self.build(rust, s, setters))
    }
}

/// Tokens for a numeric literal with its suffix, a leading `-` included.
fn number(text: &str) -> TokenStream {
    text.parse()
        .expect("a formatted number is valid Rust tokens")
}

/// The source of `tests/protocol.rs` for the crate: support code, a `Same` comparison for every
/// generated type, and the tests in `request` and `response` modules, named by case id.
pub fn test_file(krate: &Crate, cases: &[Case]) -> Result<TokenStream> {
    let context = Context::new(krate);
    let support = support(&context);
    let same_impls = context
        .named
        .iter()
        .map(|(path, named)| same_impl(&context, path, *named));
    let mut modules = Vec::new();
    for kind in [Kind::Request, Kind::Response] {
        let tests = cases
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| test(&context, c))
            .collect::<Result<Vec<_>>>()?;
        if tests.is_empty() {
            continue;
        }
        let module = ident(kind.module());
        let api = ident(&krate.service.trait_name);
        let krate_ident = &context.crate_ident;
        let doc = match kind {
            Kind::Request => " The request cases: what the client sends.",
            Kind::Response => " The response cases: how the client reads what the service answers.",
        };
        modules.push(quote! {
            #[doc = #doc]
            #[allow(non_snake_case)]
            mod #module {
                use super::support;
                use ::#krate_ident::client::#api as _;
                #( #tests )*
            }
        });
    }
    let doc = format!(
        " Protocol compliance tests for `{}`: the client cases of the model's `smithy.test` traits.",
        krate.package
    );
    Ok(quote! {
        #![doc = #doc]
        #support
        #( #same_impls )*
        #( #modules )*
    })
}

/// The `#[test]` for one case.
fn test(context: &Context, case: &Case) -> Result<TokenStream> {
    let op = &context.krate.operations[case.operation];
    let name = ident(&naming::escape(case.id.clone()));
    let spec = &case.spec;
    let at = &case.origin;
    // The client calls `https://{host}`.
    let host = string(spec, "host", at)?.unwrap_or("example.com");
    let documentation = string(spec, "documentation", at)?
        .map(|d| d.trim().to_owned())
        .unwrap_or_else(|| format!("The `{}` case.", case.id));
    let documentation: Vec<String> = documentation
        .lines()
        .map(|line| format!(" {}", line.trim_end()))
        .collect();
    let body = match case.kind {
        Kind::Request => request_test(context, op, case, host)?,
        Kind::Response => response_test(context, op, case, host)?,
    };
    Ok(quote! {
        #( #[doc = #documentation] )*
        #[test]
        fn #name() {
            #body
        }
    })
}

fn request_test(context: &Context, op: &Operation, case: &Case, host: &str) -> Result<TokenStream> {
    let spec = &case.spec;
    let at = &case.origin;
    let params = params(spec, at)?;
    let input = context.structure(&op.input_path, &op.input, &params, &format!("{at} params"))?;
    let method =
        string(spec, "method", at)?.ok_or_else(|| Diagnostic::at(at, "has no `method`"))?;
    let uri = string(spec, "uri", at)?.ok_or_else(|| Diagnostic::at(at, "has no `uri`"))?;
    // The `Host` header: `resolvedHost` where the case gives it, else the host part of `host`
    // where the case gives that; no check when it gives neither.
    let resolved_host = match (string(spec, "resolvedHost", at)?, string(spec, "host", at)?) {
        (Some(resolved), _) => Some(resolved),
        (None, Some(host)) => host.split('/').next(),
        (None, None) => None,
    };
    let resolved_host = match resolved_host {
        Some(host) => quote! { ::std::option::Option::Some(#host) },
        None => quote! { ::std::option::Option::None },
    };
    let pairs = |key: &str| -> Result<TokenStream> {
        let pairs = string_map(spec, key, at)?;
        let items = pairs.iter().map(|(k, v)| quote! { (#k, #v) });
        Ok(quote! { &[ #( #items ),* ] })
    };
    let list = |key: &str| -> Result<TokenStream> {
        let items = strings(spec, key, at)?;
        Ok(quote! { &[ #( #items ),* ] })
    };
    let headers = pairs("headers")?;
    let require_headers = list("requireHeaders")?;
    let forbid_headers = list("forbidHeaders")?;
    let query_params = list("queryParams")?;
    let require_query_params = list("requireQueryParams")?;
    let forbid_query_params = list("forbidQueryParams")?;
    let body = match string(spec, "body", at)? {
        Some(body) => quote! { ::std::option::Option::Some(#body) },
        None => quote! { ::std::option::Option::None },
    };
    let json_body = string(spec, "bodyMediaType", at)?
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"));
    let with_fn = ident(&op.with_fn_name);
    Ok(quote! {
        let http = support::Recorder::new(200, &[], "{}");
        let client = support::client(#host, &http);
        let input = #input;
        let outcome = support::run(client.#with_fn(input));
        let request = http.request(&outcome);
        support::assert_request(&request, &support::ExpectedRequest {
            method: #method,
            uri: #uri,
            host: #resolved_host,
            headers: #headers,
            require_headers: #require_headers,
            forbid_headers: #forbid_headers,
            query_params: #query_params,
            require_query_params: #require_query_params,
            forbid_query_params: #forbid_query_params,
            body: #body,
            json_body: #json_body,
        });
    })
}

fn response_test(
    context: &Context,
    op: &Operation,
    case: &Case,
    host: &str,
) -> Result<TokenStream> {
    let spec = &case.spec;
    let at = &case.origin;
    let params = params(spec, at)?;
    let code = match spec.get("code") {
        Some(Value::Number(n)) => n
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (100..1000).contains(n))
            .ok_or_else(|| Diagnostic::at(at, "`code` must be an HTTP status"))?,
        _ => return Err(Diagnostic::at(at, "has no `code`")),
    };
    let headers = string_map(spec, "headers", at)?;
    let headers = headers.iter().map(|(k, v)| quote! { (#k, #v) });
    let body = string(spec, "body", at)?.unwrap_or("");
    let input_rust = context.path(&op.input_path);
    let input = context.placeholder_structure(&input_rust, &op.input, 0, &format!("{at} input"))?;
    let with_fn = ident(&op.with_fn_name);
    let check = match case.error {
        None => {
            let expected = context.structure(
                &op.output_path,
                &op.output,
                &params,
                &format!("{at} params"),
            )?;
            quote! {
                let expected = #expected;
                match outcome {
                    ::std::result::Result::Ok(output) => support::assert_same(&output, &expected),
                    ::std::result::Result::Err(error) => {
                        panic!("expected the output {expected:#?}, got the error {error:#?}")
                    }
                }
            }
        }
        Some(index) => {
            let error = &op.errors[index];
            let Named::Structure(s) = context.named(&error.ty, at)? else {
                return Err(Diagnostic::at(
                    at,
                    "internal error: an error that is not a structure",
                ));
            };
            let expected = context.structure(&error.ty, s, &params, &format!("{at} params"))?;
            let module = ident(&op.module);
            let error_enum = ident(&op.error_enum);
            let variant = ident(&error.variant);
            let krate = &context.crate_ident;
            let message = format!(
                "expected the `{}` error {{expected:#?}}, got {{other:#?}}",
                error.code.replace('{', "{{").replace('}', "}}")
            );
            let code_check = match error_code_param(spec, at)? {
                Some(code) => quote! { assert_eq!(error.code(), #code, "the error code"); },
                None => quote! {},
            };
            quote! {
                let expected = #expected;
                match outcome {
                    ::std::result::Result::Err(::#krate::operation::#module::#error_enum::#variant(error)) => {
                        support::assert_same(&error, &expected);
                        #code_check
                    }
                    other => panic!(#message),
                }
            }
        }
    };
    Ok(quote! {
        let http = support::Recorder::new(#code, &[ #( #headers ),* ], #body);
        let client = support::client(#host, &http);
        let input = #input;
        let outcome = support::run(client.#with_fn(input));
        #check
    })
}

/// The error code a response case on an error expects the client to report: the `code` of its
/// `vendorParams` when they are `aws.protocoltests.config#ErrorCodeParams`.
fn error_code_param<'a>(spec: &'a Map<String, Value>, at: &str) -> Result<Option<&'a str>> {
    if string(spec, "vendorParamsShape", at)? != Some("aws.protocoltests.config#ErrorCodeParams") {
        return Ok(None);
    }
    match spec
        .get("vendorParams")
        .and_then(|params| params.get("code"))
    {
        Some(Value::String(code)) => Ok(Some(code)),
        _ => Err(Diagnostic::at(
            at,
            "`vendorParams` of `ErrorCodeParams` must have a string `code`",
        )),
    }
}

/// `impl Same` for one generated type: member by member, so that `NaN` equals `NaN`.
fn same_impl(context: &Context, path: &TypeRef, named: Named) -> TokenStream {
    let rust = context.path(path);
    let body = match named {
        Named::Enum(_) => quote! { self == other },
        Named::Structure(s) if s.fields.is_empty() => quote! { let _ = other; true },
        Named::Structure(s) => {
            let mut checks = s.fields.iter().map(|f| {
                let field = ident(&f.ident);
                quote! { support::Same::same(&self.#field, &other.#field) }
            });
            let first = checks.next().unwrap_or_default();
            quote! { #first #( && #checks )* }
        }
        Named::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let name = ident(&v.name);
                match v.ty {
                    None => quote! { (#rust::#name, #rust::#name) => true, },
                    Some(_) => {
                        quote! { (#rust::#name(a), #rust::#name(b)) => support::Same::same(a, b), }
                    }
                }
            });
            quote! {
                match (self, other) {
                    #( #arms )*
                    (#rust::Unknown, #rust::Unknown) => true,
                    _ => false,
                }
            }
        }
    };
    quote! {
        impl support::Same for #rust {
            fn same(&self, other: &Self) -> bool {
                #body
            }
        }
    }
}

/// The test file's `support` module: the recording transport, the client, the runtime and the
/// comparisons.
fn support(context: &Context) -> TokenStream {
    let krate = &context.crate_ident;
    quote! {
        /// What every test uses: a recording transport, a configured client, and comparisons.
        mod support {
            #![allow(dead_code)]

            use ::std::sync::{Arc, Mutex};
            use ::#krate::transport::http;

            /// A transport that records each request and answers with one canned response.
            #[derive(Debug, Clone)]
            pub struct Recorder {
                status: u16,
                headers: &'static [(&'static str, &'static str)],
                body: &'static str,
                requests: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
            }

            impl Recorder {
                pub fn new(
                    status: u16,
                    headers: &'static [(&'static str, &'static str)],
                    body: &'static str,
                ) -> Self {
                    Self { status, headers, body, requests: Arc::default() }
                }

                /// The one request the call sent; `outcome` is shown when there is none.
                pub fn request(&self, outcome: &dyn ::std::fmt::Debug) -> http::Request<Vec<u8>> {
                    let mut requests = self.requests.lock().expect("the lock is not poisoned");
                    match requests.len() {
                        1 => requests.remove(0),
                        n => panic!("expected one request, the client sent {n}; the call returned {outcome:#?}"),
                    }
                }
            }

            impl ::#krate::transport::HttpClient for Recorder {
                fn send(
                    &self,
                    request: http::Request<Vec<u8>>,
                    _limits: ::#krate::transport::Limits,
                ) -> ::#krate::transport::BoxFuture<'_, Result<http::Response<Vec<u8>>, ::#krate::transport::TransportError>> {
                    self.requests.lock().expect("the lock is not poisoned").push(request);
                    let mut response = http::Response::builder().status(self.status);
                    for (name, value) in self.headers {
                        response = response.header(*name, *value);
                    }
                    let response = response
                        .body(self.body.as_bytes().to_vec())
                        .expect("the canned response is valid");
                    Box::pin(async move { Ok(response) })
                }
            }

            /// A client for `https://{host}` in `us-east-1` with static credentials, no retries,
            /// and `http` as its transport.
            pub fn client(host: &str, http: &Recorder) -> ::#krate::Client {
                let config = ::#krate::Config::builder()
                    .region("us-east-1")
                    .endpoint_url(format!("https://{host}"))
                    .credentials(::#krate::credentials::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None))
                    .retry_config(::#krate::retry::RetryConfig::disabled())
                    .http_client(http.clone())
                    .build();
                ::#krate::Client::new(config)
            }

            /// Runs a call to completion on a current-thread runtime.
            pub fn run<F: ::std::future::Future>(future: F) -> F::Output {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a tokio runtime")
                    .block_on(future)
            }

            /// What a request case expects.
            pub struct ExpectedRequest {
                pub method: &'static str,
                pub uri: &'static str,
                /// The `Host` header, when the case says what it must be.
                pub host: Option<&'static str>,
                pub headers: &'static [(&'static str, &'static str)],
                pub require_headers: &'static [&'static str],
                pub forbid_headers: &'static [&'static str],
                /// `name=value` pairs, as they appear in the query string.
                pub query_params: &'static [&'static str],
                pub require_query_params: &'static [&'static str],
                pub forbid_query_params: &'static [&'static str],
                pub body: Option<&'static str>,
                /// Compare the body as JSON rather than as text.
                pub json_body: bool,
            }

            pub fn assert_request(request: &http::Request<Vec<u8>>, expected: &ExpectedRequest) {
                assert_eq!(request.method().as_str(), expected.method, "method");
                assert_eq!(request.uri().path(), expected.uri, "path");
                let header = |name: &str| -> Option<String> {
                    let values: Vec<&str> = request
                        .headers()
                        .get_all(name)
                        .iter()
                        .map(|v| v.to_str().expect("header values are text"))
                        .collect();
                    (!values.is_empty()).then(|| values.join(", "))
                };
                if let Some(host) = expected.host {
                    assert_eq!(header("host").as_deref(), Some(host), "the Host header");
                }
                for (name, value) in expected.headers {
                    assert_eq!(header(name).as_deref(), Some(*value), "the {name} header");
                }
                for name in expected.require_headers {
                    assert!(header(name).is_some(), "the {name} header is missing");
                }
                for name in expected.forbid_headers {
                    assert!(header(name).is_none(), "the {name} header must not be sent");
                }
                let query: Vec<&str> = request
                    .uri()
                    .query()
                    .map(|q| q.split('&').filter(|p| !p.is_empty()).collect())
                    .unwrap_or_default();
                let key = |pair: &&str| pair.split('=').next().unwrap_or_default().to_owned();
                for pair in expected.query_params {
                    assert!(query.contains(pair), "the query parameter {pair} is missing from {query:?}");
                }
                for name in expected.require_query_params {
                    assert!(query.iter().any(|p| key(p) == *name), "the query parameter {name} is missing from {query:?}");
                }
                for name in expected.forbid_query_params {
                    assert!(!query.iter().any(|p| key(p) == *name), "the query parameter {name} must not be sent");
                }
                if let Some(body) = expected.body {
                    let actual = ::std::str::from_utf8(request.body()).expect("the body is UTF-8");
                    if expected.json_body {
                        let parsed: serde_json::Value = serde_json::from_str(actual)
                            .unwrap_or_else(|e| panic!("the body is not JSON ({e}): {actual}"));
                        let wanted: serde_json::Value =
                            serde_json::from_str(body).expect("the case's body is JSON");
                        assert!(json_same(&parsed, &wanted), "the body\n{actual}\nis not the JSON\n{body}");
                    } else {
                        assert_eq!(actual, body, "body");
                    }
                }
            }

            /// JSON equality where numbers compare by value (`1` and `1.0` are the same).
            fn json_same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
                use serde_json::Value;
                match (a, b) {
                    (Value::Number(a), Value::Number(b)) => a == b || a.as_f64() == b.as_f64(),
                    (Value::Array(a), Value::Array(b)) => {
                        a.len() == b.len() && a.iter().zip(b).all(|(a, b)| json_same(a, b))
                    }
                    (Value::Object(a), Value::Object(b)) => {
                        a.len() == b.len()
                            && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| json_same(v, w)))
                    }
                    _ => a == b,
                }
            }

            /// Equality for comparing results with expectations: floats are the same when both
            /// are `NaN` or when their bits are equal.
            pub trait Same {
                fn same(&self, other: &Self) -> bool;
            }

            macro_rules! same_by_eq {
                ($($t:ty),*) => { $( impl Same for $t { fn same(&self, other: &Self) -> bool { self == other } } )* };
            }
            same_by_eq!(String, bool, i8, i16, i32, i64);
            same_by_eq!(::#krate::primitives::DateTime, ::#krate::primitives::Blob, ::#krate::primitives::Document);

            impl Same for f32 {
                fn same(&self, other: &Self) -> bool {
                    self.to_bits() == other.to_bits() || (self.is_nan() && other.is_nan())
                }
            }
            impl Same for f64 {
                fn same(&self, other: &Self) -> bool {
                    self.to_bits() == other.to_bits() || (self.is_nan() && other.is_nan())
                }
            }
            impl<T: Same> Same for Option<T> {
                fn same(&self, other: &Self) -> bool {
                    match (self, other) {
                        (Some(a), Some(b)) => a.same(b),
                        (None, None) => true,
                        _ => false,
                    }
                }
            }
            impl<T: Same> Same for Box<T> {
                fn same(&self, other: &Self) -> bool {
                    (**self).same(other)
                }
            }
            impl<T: Same> Same for Vec<T> {
                fn same(&self, other: &Self) -> bool {
                    self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a.same(b))
                }
            }
            impl<K: Eq + ::std::hash::Hash, V: Same> Same for ::std::collections::HashMap<K, V> {
                fn same(&self, other: &Self) -> bool {
                    self.len() == other.len()
                        && self.iter().all(|(k, v)| other.get(k).is_some_and(|w| v.same(w)))
                }
            }

            /// Fails with both values shown unless they are the [`Same`].
            pub fn assert_same<T: Same + ::std::fmt::Debug>(actual: &T, expected: &T) {
                assert!(actual.same(expected), "got\n{actual:#?}\nexpected\n{expected:#?}");
            }
        }
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
