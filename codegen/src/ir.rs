//! The lowered form the emitters work from: Rust names already chosen, wire names kept beside them,
//! no JSON and no Smithy lookups left. Built by [`crate::lower`].

use crate::closure::Protocol;

pub mod waiter;

/// One generated crate.
#[derive(Debug, Clone)]
pub struct Crate {
    pub package: String,
    pub version: String,
    pub service: Service,
    pub operations: Vec<Operation>,
    /// Enums, unions and structures of `crate::types`.
    pub types: Vec<DataType>,
    /// Error structures of `crate::types::error`.
    pub errors: Vec<Structure>,
    /// The operations' `smithy.waiters#waitable` waiters, `crate::waiters`.
    pub waiters: Vec<waiter::Waiter>,
}

/// A named type of the crate, as [`Crate::named_types`] finds it by path.
#[derive(Debug, Clone, Copy)]
pub enum Named<'a> {
    Structure(&'a Structure),
    Enum(&'a Enum),
    Union(&'a Union),
}

impl<'a> Named<'a> {
    /// The codec functions of a structure or union; enums are read and written inline.
    pub fn codec(self) -> Option<&'a CodecFns> {
        match self {
            Named::Structure(s) => Some(&s.codec),
            Named::Union(u) => Some(&u.codec),
            Named::Enum(_) => None,
        }
    }
}

impl Crate {
    /// Every named type by its path: data types (`types::X`), errors (`types::error::X`) and the
    /// operations' inputs and outputs. Emitters look types up here rather than rebuilding paths.
    pub fn named_types(&self) -> std::collections::BTreeMap<TypeRef, Named<'_>> {
        let in_module = |module: &[&str], name: &str| TypeRef {
            module: module.iter().map(|m| (*m).to_owned()).collect(),
            name: name.to_owned(),
        };
        let mut named = std::collections::BTreeMap::new();
        for data in &self.types {
            let (path, item) = match data {
                DataType::Structure(s) => (in_module(&["types"], &s.name), Named::Structure(s)),
                DataType::Enum(e) => (in_module(&["types"], &e.name), Named::Enum(e)),
                DataType::Union(u) => (in_module(&["types"], &u.name), Named::Union(u)),
            };
            named.insert(path, item);
        }
        for s in &self.errors {
            named.insert(in_module(&["types", "error"], &s.name), Named::Structure(s));
        }
        for op in &self.operations {
            named.insert(op.input_path.clone(), Named::Structure(&op.input));
            named.insert(op.output_path.clone(), Named::Structure(&op.output));
        }
        named
    }

    /// True when some string enum keeps unknown values in `crate::types::UnknownValue`.
    pub fn has_string_enums(&self) -> bool {
        self.types
            .iter()
            .any(|t| matches!(t, DataType::Enum(e) if !e.int))
    }

    /// True when some operation compresses its requests (`@requestCompression` with gzip), i.e.
    /// the crate uses its `compression` module and the runtime's `request-compression` feature.
    pub fn has_request_compression(&self) -> bool {
        self.operations.iter().any(|op| op.request_compression)
    }

    /// True when some `Debug` output of the crate redacts a `@sensitive` value, i.e. the crate
    /// uses its `sensitive` module.
    pub fn redacts(&self) -> bool {
        let structure = |s: &Structure| s.sensitive || s.fields.iter().any(|f| f.sensitive);
        self.operations
            .iter()
            .any(|op| structure(&op.input) || structure(&op.output))
            || self.errors.iter().any(structure)
            || self.types.iter().any(|t| match t {
                DataType::Structure(s) => structure(s),
                DataType::Enum(e) => e.sensitive,
                DataType::Union(u) => u.sensitive || u.variants.iter().any(|v| v.sensitive),
            })
    }
}

#[derive(Debug, Clone)]
pub struct Service {
    pub id: String,
    /// The service shape's documentation, on the crate and its `Client`.
    pub docs: Option<String>,
    /// A human title such as "AWS Step Functions".
    pub title: String,
    /// The trait applications depend on and mock, e.g. `SfnApi`.
    pub trait_name: String,
    /// The trait with the fluent calls, implemented for every `trait_name`, e.g. `SfnApiExt`.
    pub ext_trait_name: String,
    pub protocol: Protocol,
    /// The service shape's name: the part of `X-Amz-Target` before the dot.
    pub target_prefix: String,
    pub sdk_id: String,
    #[expect(dead_code, reason = "lowering fills it in, no emitter reads it yet")]
    pub version: Option<String>,
    /// The service's readable name in tracing: the SDK id in lower case without spaces or
    /// punctuation, as the AWS SDK for Rust names its crates (`sfn`, `cloudwatchlogs`).
    pub service_name: String,
    /// The suffix of the `AWS_ENDPOINT_URL_<NAME>` variable: the SDK id in upper case, `SFN`.
    pub env_name: String,
    /// The model's `smithy.rules#endpointRuleSet`, as compact JSON.
    pub endpoint_rules: Option<String>,
    /// `aws.protocols#awsQueryCompatible`: requests carry `x-amzn-query-mode: true`, and error
    /// answers may name their awsQuery error code in `x-amzn-query-error`.
    pub query_compatible: bool,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    /// The operation shape name: the part of `X-Amz-Target` after the dot.
    pub wire_name: String,
    pub docs: Option<String>,
    /// Module under `crate::operation`, e.g. `send_task_failure`.
    pub module: String,
    /// The fluent entry point, e.g. `send_task_failure`.
    pub fn_name: String,
    /// The service trait's method that makes the call with a whole input, e.g.
    /// `call_send_task_failure`: what a mock implements and the fluent builder's `send()` calls.
    pub call_fn: String,
    /// `@idempotent` or `@readonly`: repeating the call is harmless, so every failure the retry
    /// mode allows is retried. Other operations are retried only when the request was provably
    /// not carried out.
    pub idempotent: bool,
    /// The auth schemes the operation accepts, resolved from the model (`lower::auth`).
    pub auth: Auth,
    /// restJson1: the operation's `@http` trait (its input's and output's bindings are on their
    /// fields); `None` for the AWS JSON protocols.
    pub http: Option<HttpOperation>,
    /// The operation's own input, `<Op>Input`, whatever the model names its input shape (as the
    /// AWS SDK does): one type per operation, even when operations share an input shape.
    pub input: Structure,
    /// Where `input` and its builder live: `operation::<op>::<Op>Input`.
    pub input_path: TypeRef,
    /// The operation's own output, `<Op>Output`, as for `input`.
    pub output: Structure,
    /// Where `output` and its builder live: `operation::<op>::<Op>Output`.
    pub output_path: TypeRef,
    /// The operation's error enum, e.g. `SendTaskFailureError`.
    pub error_enum: String,
    /// The fluent request builder, e.g. `SendTaskFailureFluentBuilder`.
    pub fluent: String,
    pub errors: Vec<ErrorCase>,
    /// The operation's `smithy.api#endpoint` host prefix, if it has one.
    pub host_prefix: Option<HostPrefix>,
    /// `@requestCompression` with gzip among its encodings: the body is gzip-compressed when the
    /// configuration allows it (the runtime's `compression` module).
    pub request_compression: bool,
    /// A service customization (`crate::customizations`): requests go to the URL in this input
    /// field (a string; an index into the input's `fields`) instead of the service's endpoint.
    pub endpoint_field: Option<usize>,
    /// For a `@paginated` operation: how to walk its pages.
    pub paginator: Option<Paginator>,
}

/// An operation's auth schemes, in order of preference, and whether it may go without.
#[derive(Debug, Clone, PartialEq)]
pub struct Auth {
    /// Empty: the operation is always called anonymously (`@auth([])`, or no scheme at all).
    pub schemes: Vec<AuthScheme>,
    /// `@optionalAuth`: without an identity for any scheme, the call goes anonymously.
    pub optional: bool,
}

/// One auth scheme the runtime implements.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthScheme {
    /// `aws.auth#sigv4`, with its signing name.
    SigV4 { signing_name: String },
    /// `smithy.api#httpBearerAuth`.
    HttpBearer,
    /// `smithy.api#httpApiKeyAuth`.
    HttpApiKey {
        name: String,
        location: ApiKeyLocation,
        scheme: Option<String>,
    },
    /// `smithy.api#httpBasicAuth`.
    HttpBasic,
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    Header,
    Query,
}

/// A `@paginated` operation's paginator (`crate::operation::<op>::paginator`), with the trait's
/// member paths (merged with the service's `@paginated` defaults) resolved to fields.
#[derive(Debug, Clone)]
pub struct Paginator {
    /// The fluent builder method that turns the call into a paginator, `into_paginator` unless
    /// a member's builder method has that name.
    pub fn_name: String,
    /// The paginator type, e.g. `ListThingsPaginator`.
    pub name: String,
    /// The type that yields the items of every page, e.g. `ListThingsItems`.
    pub items_name: String,
    /// The input's token member (a string): an index into the input's `fields`.
    pub input_token: usize,
    /// The path to the output's token (a string), from the output down.
    pub output_token: Vec<PathStep>,
    /// The path to the list or map the `items` of the trait names, and that collection's type.
    pub items: Option<(Vec<PathStep>, Type)>,
    /// The input's page size member: an index into the input's `fields`.
    pub page_size: Option<usize>,
}

/// One member on the way to a value nested in structures.
#[derive(Debug, Clone)]
pub struct PathStep {
    /// The field, possibly raw.
    pub ident: String,
    /// The field is an `Option`.
    pub optional: bool,
    /// The field is boxed.
    pub boxed: bool,
}

/// An operation's `@endpoint` host prefix, e.g. `sync-` or `{label}.data.`, prepended to the host
/// of the endpoint a call goes to.
#[derive(Debug, Clone)]
pub struct HostPrefix {
    /// The template as the model writes it, labels in braces.
    pub template: String,
    /// The template's labels, in template order: each a `@hostLabel` member of the input.
    pub labels: Vec<HostLabel>,
}

/// One `{label}` of a host prefix, filled in from the input member of that name.
#[derive(Debug, Clone)]
pub struct HostLabel {
    /// The label (the member's name in the model).
    pub name: String,
    /// The input field holding the value: an index into the input's `fields`.
    pub field: usize,
}

/// One modeled error of an operation.
#[derive(Debug, Clone)]
pub struct ErrorCase {
    pub variant: String,
    pub ty: TypeRef,
    /// The error code on the wire: the error shape's name.
    pub code: String,
    /// For awsQuery-compatible services, the error's `aws.protocols#awsQueryError` code when it
    /// differs from `code`: an error answer naming it in `x-amzn-query-error` is this error.
    pub query_code: Option<String>,
    /// `is_invalid_token`.
    pub is_fn: String,
    pub docs: Option<String>,
}

#[derive(Debug, Clone)]
pub enum DataType {
    Structure(Structure),
    Enum(Enum),
    Union(Union),
}

/// Whether one of `fields` is a `@streaming` blob (`Type::ByteStream`).
pub fn holds_stream(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.ty == Type::ByteStream)
}

#[derive(Debug, Clone)]
pub struct Structure {
    pub id: String,
    pub name: String,
    pub docs: Option<String>,
    /// The whole structure is `@sensitive`: `Debug` shows nothing of it.
    pub sensitive: bool,
    pub fields: Vec<Field>,
    pub builder: String,
    /// `build()` returns a `Result`: some member must be set, or this is an operation input (whose
    /// `build()` is fallible always, as in the AWS SDK).
    pub fallible_build: bool,
    /// For error structures: how the error shows itself.
    pub error: Option<ErrorInfo>,
    /// Its serializer and deserializer in `crate::codec`.
    pub codec: CodecFns,
}

/// The functions of `crate::codec` that write a structure or union as JSON and read it back, e.g.
/// `ser_send_task_failure_input` and `de_invalid_token`: unique in the crate (one pair per type
/// path). Only those the operations need are generated.
#[derive(Debug, Clone)]
pub struct CodecFns {
    /// The serializer, `ser_...`.
    pub ser: String,
    /// The deserializer, `de_...`.
    pub de: String,
}

/// What an error structure needs beyond its members.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The code the error reports: the shape's name, or on awsQuery-compatible services its
    /// `aws.protocols#awsQueryError` code where it has one.
    pub code: String,
    /// `client` or `server`.
    pub fault: String,
    /// The index in `fields` of the member holding the message, if any.
    pub message_field: Option<usize>,
    /// The message member is optional: the client fills it from the protocol's message when the
    /// body spells it differently (`Message`, `errorMessage`).
    pub fill_message: bool,
    /// The field holding request id and other response metadata (usually `meta`).
    pub meta_field: String,
    /// The builder method that sets the request id (usually `request_id`).
    pub request_id_setter: String,
}

#[derive(Debug, Clone)]
pub struct Field {
    /// The member name in the model and on the wire.
    pub wire_name: String,
    /// The member's key in a JSON body: its name, or its `@jsonName` under restJson1.
    pub json_name: String,
    /// The field, possibly raw: `task_token`, `r#type`.
    pub ident: String,
    /// The member's name in snake case when the field has another one (`build` for
    /// `build_value`): the names the AWS SDK renames, see `lower/members.rs`.
    pub renamed_from: Option<String>,
    /// Builder methods.
    pub setter: String,
    pub set_fn: String,
    pub get_fn: String,
    /// The structure's method that reads the field (`body()` giving `Option<&str>`), named like
    /// the field; `None` in an error structure whose own method has that name (`message()`).
    pub accessor: Option<String>,
    pub docs: Option<String>,
    /// The type of the value, without `Option` or `Box`.
    pub ty: Type,
    pub presence: Presence,
    /// The value is boxed because the types are recursive.
    pub boxed: bool,
    /// `Debug` shows a redaction marker instead of the value.
    pub sensitive: bool,
    /// For a member of an operation input (`@input`) with a `@default` and without `@required`:
    /// the default as the model writes it (JSON text). Such a member is `Optional`: left unset,
    /// it is not sent, and the service applies its default.
    pub service_default: Option<String>,
    /// `@idempotencyToken`: an `Optional` string the client fills with a fresh UUID v4 when it is
    /// unset at send time.
    pub idempotency_token: bool,
    /// restJson1: where the member goes in the HTTP message, when not in the JSON body (only on
    /// an operation's own input and output, and on errors; see `lower/http.rs`).
    pub http: Option<HttpBinding>,
}

/// Where a member of a restJson1 input, output or error goes in the HTTP message.
#[derive(Debug, Clone, PartialEq)]
pub enum HttpBinding {
    /// `@httpLabel`: a label of the URI pattern (date-time timestamps unless formatted).
    Label { timestamp: TimestampFormat },
    /// `@httpQuery(name)`: a query parameter (repeated for a list).
    Query {
        name: String,
        timestamp: TimestampFormat,
    },
    /// `@httpQueryParams`: a map of parameters, added after the bound ones.
    QueryParams,
    /// `@httpHeader(name)`: a header (lists comma-joined; http-date timestamps unless formatted;
    /// `@mediaType` strings in base64).
    Header {
        name: String,
        timestamp: TimestampFormat,
        base64: bool,
    },
    /// `@httpPrefixHeaders(prefix)`: a map of headers named `prefix` + key.
    PrefixHeaders { prefix: String },
    /// `@httpPayload`: the whole body; its `Content-Type` from the target's `@mediaType`, if any.
    Payload {
        media_type: Option<String>,
        /// `@requiresLength` on a `@streaming` blob: the stream's length must be known.
        requires_length: bool,
    },
    /// `@httpResponseCode`: the answer's status.
    ResponseCode,
}

/// restJson1: an operation's `@http` trait.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOperation {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, in pieces: literal text (with its `/`s) and labels.
    pub path: Vec<PathPiece>,
    /// Literal query parameters of the URI pattern: name and value (`None` without `=`).
    pub query: Vec<(String, Option<String>)>,
    /// The status of a success.
    pub code: u16,
    /// Headers every request carries, from a service customization (`customizations.rs`).
    pub fixed_headers: Vec<(String, String)>,
    /// `@httpChecksumRequired`: the request carries its body's MD5 in `Content-MD5`.
    pub content_md5: bool,
    /// A request with a streaming body carries its SHA-256 and SHA-256 tree hash (a service
    /// customization).
    pub tree_hash_checksums: bool,
}

/// A piece of an `@http` URI pattern's path.
#[derive(Debug, Clone, PartialEq)]
pub enum PathPiece {
    /// Literal text, `/` included, as it goes on the wire.
    Literal(String),
    /// `{name}` or `{name+}` (greedy: `/` kept): the value of input field `field`.
    Label {
        field: usize,
        greedy: bool,
        /// The value when the input leaves it unset or empty (a service customization), which
        /// is otherwise an error.
        default: Option<String>,
    },
}

/// Whether a field can be absent, and what happens when the builder is not given one.
#[derive(Debug, Clone, PartialEq)]
pub enum Presence {
    /// `Option<T>`.
    Optional,
    /// `T`; `build()` fails when unset.
    Required,
    /// `T`; `build()` fills this in when unset.
    Default(DefaultValue),
}

#[derive(Debug, Clone, PartialEq)]
pub enum DefaultValue {
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// An enum's variant, by Rust name.
    EnumVariant(TypeRef, String),
    EmptyList,
    EmptyMap,
    /// An instant: seconds since the epoch and nanoseconds into the second.
    Timestamp {
        secs: i64,
        nanos: u32,
    },
    /// The bytes of a blob (the model gives them in base64).
    Blob(Vec<u8>),
    Document(DocumentValue),
}

/// A document value written in the model (a `@default`) or in a test case.
#[derive(Debug, Clone, PartialEq)]
pub enum DocumentValue {
    Null,
    Bool(bool),
    /// An integer of zero or more.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    Float(f64),
    String(String),
    Array(Vec<DocumentValue>),
    /// Members in the order the model gives them.
    Object(Vec<(String, DocumentValue)>),
}

impl DocumentValue {
    /// The document a JSON value stands for.
    pub fn from_json(value: &serde_json::Value) -> Self {
        use serde_json::Value;
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(n), _) => Self::PosInt(n),
                (None, Some(n)) => Self::NegInt(n),
                (None, None) => Self::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Self::String(s.clone()),
            Value::Array(items) => Self::Array(items.iter().map(Self::from_json).collect()),
            Value::Object(members) => Self::Object(
                members
                    .iter()
                    .map(|(name, member)| (name.clone(), Self::from_json(member)))
                    .collect(),
            ),
        }
    }
}

/// How a timestamp is written on the wire (`@timestampFormat`; epoch seconds without it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampFormat {
    /// RFC 3339, as a string.
    DateTime,
    /// IMF-fixdate, as a string.
    HttpDate,
    /// Seconds since the epoch, as a number.
    EpochSeconds,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    String,
    Bool,
    I8,
    I16,
    I32,
    I64,
    F32,
    F64,
    /// `crate::primitives::DateTime`.
    Timestamp {
        format: TimestampFormat,
    },
    /// `crate::primitives::Blob`.
    Blob,
    /// `crate::primitives::ByteStream`: a `@streaming` blob, only ever an operation input's or
    /// output's `@httpPayload` (restJson1).
    ByteStream,
    /// `crate::primitives::Document`.
    Document,
    List {
        item: Box<Type>,
        sparse: bool,
    },
    Map {
        key: Box<Type>,
        value: Box<Type>,
        sparse: bool,
    },
    Named(TypeRef),
}

/// A generated type by its module path below the crate root, e.g. `types::KmsKeyState`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TypeRef {
    pub module: Vec<String>,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Enum {
    #[expect(dead_code, reason = "lowering fills it in, no emitter reads it yet")]
    pub id: String,
    pub name: String,
    pub docs: Option<String>,
    pub sensitive: bool,
    /// `intEnum`: values are `i32`.
    pub int: bool,
    pub variants: Vec<EnumVariant>,
}

#[derive(Debug, Clone)]
pub struct EnumVariant {
    pub name: String,
    /// The value on the wire: a string, or an integer written in decimal for `intEnum`.
    pub value: String,
    pub docs: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Union {
    #[expect(dead_code, reason = "lowering fills it in, no emitter reads it yet")]
    pub id: String,
    pub name: String,
    pub docs: Option<String>,
    pub sensitive: bool,
    pub variants: Vec<UnionVariant>,
    /// Its serializer and deserializer in `crate::codec`.
    pub codec: CodecFns,
}

#[derive(Debug, Clone)]
pub struct UnionVariant {
    pub wire_name: String,
    /// The member's key in a JSON body: its name, or its `@jsonName` under restJson1.
    pub json_name: String,
    pub name: String,
    /// The accessor that tells whether the union holds this member, e.g. `is_task_token`.
    pub is_fn: String,
    /// The accessor that gives this member's value, `Err(self)` for another member, e.g.
    /// `as_task_token` (as in the AWS SDK); `None` for members without a value (`Unit`).
    pub as_fn: Option<String>,
    pub docs: Option<String>,
    /// `None` for members that target `smithy.api#Unit`.
    pub ty: Option<Type>,
    pub boxed: bool,
    pub sensitive: bool,
}
