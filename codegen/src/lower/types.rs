//! Structures, enums and unions: fields and their builder methods, presence and defaults, value
//! types, variants, and `Debug` redaction.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::members::{assign_accessors, assign_builder_methods, member_idents};
use super::{Lowering, MAX_COLLECTION_NESTING};
use crate::ast::{Member, Shape, ShapeKind};
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;
use smithy_rust_runtime::primitives::{base64, DateTime, TimestampFormat as WireFormat};

/// The field of error structures that holds the response metadata (request id, ...); a member
/// named `meta` is renamed `meta_value`, as in the AWS SDK (see `members.rs`).
const META_FIELD: &str = "meta";
/// Methods every union has besides the `is_*` of its members.
const RESERVED_UNION_METHODS: &[&str] = &["is_unknown"];

fn too_deep(member_id: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::at(
        member_id,
        format!("lists and maps nest more than {MAX_COLLECTION_NESTING} levels deep, which is not supported"),
    )
}

impl Lowering<'_> {
    /// A structure placed in the crate, where `place_shapes` put it.
    pub(super) fn structure(&self, shape: &Shape) -> Result<Structure> {
        let structure = self.structure_at(shape, &self.paths[&shape.id], false)?;
        // An operation's own `<Op>Input` and `<Op>Output` are lowered elsewhere: a structure
        // placed here is a member's target or an error, where a stream cannot be.
        if let Some((member, _)) = streams(shape, &structure.fields).next() {
            return Err(stream_misplaced(
                &shape.id.member(&member.name),
                &member.target,
            ));
        }
        Ok(structure)
    }

    /// A structure at `path`: where `place_shapes` put it, or an operation's `<Op>Input` or
    /// `<Op>Output` made from its input or output shape (`operation_input` for an `<Op>Input`).
    pub(super) fn structure_at(
        &self,
        shape: &Shape,
        path: &TypeRef,
        operation_input: bool,
    ) -> Result<Structure> {
        let error = traits::error_kind(&shape.traits).map(str::to_owned);
        let (mut fields, request_id_setter) =
            self.fields(shape, error.is_some(), operation_input)?;
        if error.is_some() {
            self.bind_fields(shape, &mut fields, super::http::Direction::Error)?;
        }
        self.check_not_self_requiring(shape)?;
        let error = error.map(|fault| {
            let message_field = fields
                .iter()
                .position(|f| f.wire_name.eq_ignore_ascii_case("message") && f.ty == Type::String);
            ErrorInfo {
                // What the service reports: on awsQuery-compatible services, the error's awsQuery
                // code where the model gives one (`x-amzn-query-error` carries it).
                code: self
                    .query_error_code(shape)
                    .unwrap_or_else(|| self.shape_name(&shape.id)),
                fault,
                fill_message: message_field
                    .is_some_and(|i| fields[i].presence == Presence::Optional),
                message_field,
                meta_field: META_FIELD.to_owned(),
                request_id_setter: request_id_setter.expect("error structures get one"),
            }
        });
        Ok(Structure {
            id: shape.id.to_string(),
            name: path.name.clone(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            sensitive: traits::has(&shape.traits, traits::SENSITIVE),
            fallible_build: fields.iter().any(|f| f.presence == Presence::Required),
            builder: naming::camel_join(&[&path.name, "Builder"]),
            fields,
            error,
            codec: self.codec[path].clone(),
        })
    }

    /// The fields of a structure and, for an error structure, the builder method that sets the
    /// request id. `operation_input`: the structure is lowered as an operation's `<Op>Input`,
    /// whose `@idempotencyToken` members the client fills in (with or without the `@input` trait,
    /// which models converted from Smithy 1.0 lack).
    pub(super) fn fields(
        &self,
        shape: &Shape,
        is_error: bool,
        operation_input: bool,
    ) -> Result<(Vec<Field>, Option<String>)> {
        let idents = member_idents(shape)?;
        // Operation input: a client leaves unset defaulted members out, so that the service
        // applies its own (possibly newer) default (Smithy's `@input` nullability for clients).
        let top_level_input = traits::has(&shape.traits, traits::INPUT);
        let mut fields: Vec<Field> = Vec::new();
        for (member, (ident, renamed_from)) in shape.members.iter().zip(idents) {
            let member_id = shape.id.member(&member.name);
            let ty = self.value_type(member, &member_id)?;
            // A stream is never absent: unset, it is empty (as in the AWS SDK).
            let presence = if ty == Type::ByteStream {
                Presence::Default(DefaultValue::Blob(Vec::new()))
            } else {
                self.presence(member, &ty, &member_id)?
            };
            let service_default = match &presence {
                Presence::Default(_)
                    if top_level_input
                        && ty != Type::ByteStream
                        && !traits::has(&member.traits, traits::REQUIRED) =>
                {
                    traits::prelude(&member.traits, traits::DEFAULT).map(Value::to_string)
                }
                _ => None,
            };
            // An idempotency token is optional to the caller: the client fills in a fresh one.
            // Only a token of the operation input itself is filled in; elsewhere it would be sent
            // unset without a word, so it is refused.
            // On an output or an error the trait means nothing to a client (Macie2's
            // `DescribeClassificationJobResponse$clientToken` echoes the request's): a plain
            // member.
            let idempotency_token = traits::has(&member.traits, traits::IDEMPOTENCY_TOKEN)
                && (operation_input || !(is_error || self.is_operation_output(&shape.id)));
            if idempotency_token && (!operation_input || !matches!(ty, Type::String)) {
                return Err(Diagnostic::at(
                    member_id,
                    "`smithy.api#idempotencyToken` is supported on string members of an operation's input only",
                ));
            }
            let presence = if service_default.is_some() || idempotency_token {
                Presence::Optional
            } else {
                presence
            };
            fields.push(Field {
                json_name: self.json_name(member),
                http: None,
                wire_name: member.name.clone(),
                renamed_from,
                setter: String::new(),
                set_fn: String::new(),
                get_fn: String::new(),
                accessor: None,
                docs: idempotency_doc(
                    traits::documentation(&member.traits)
                        .or_else(|| traits::documentation(&self.model.shape(&member.target).traits))
                        .map(str::to_owned),
                    idempotency_token,
                ),
                boxed: self.is_recursive_edge(&shape.id, &member.target),
                sensitive: self.is_sensitive_member(member),
                ident,
                ty,
                presence,
                service_default,
                idempotency_token,
            });
        }
        let request_id_setter = assign_builder_methods(&mut fields, is_error);
        assign_accessors(&mut fields, is_error);
        Ok((fields, request_id_setter))
    }

    /// Whether `id` is the output of a selected operation.
    fn is_operation_output(&self, id: &ShapeId) -> bool {
        self.selection.operations.iter().any(|op| {
            self.model
                .shape(op)
                .operation
                .as_ref()
                .is_some_and(|parts| parts.output.as_ref() == Some(id))
        })
    }

    pub(super) fn presence(
        &self,
        member: &Member,
        ty: &Type,
        member_id: &dyn std::fmt::Display,
    ) -> Result<Presence> {
        if traits::has(&member.traits, traits::CLIENT_OPTIONAL) {
            return Ok(Presence::Optional);
        }
        if let Some(value) = traits::prelude(&member.traits, traits::DEFAULT) {
            if value.is_null() {
                return Ok(Presence::Optional);
            }
            return Ok(Presence::Default(self.default_value(value, ty, member_id)?));
        }
        if traits::has(&member.traits, traits::REQUIRED) {
            return Ok(Presence::Required);
        }
        Ok(Presence::Optional)
    }

    pub(super) fn default_value(
        &self,
        value: &Value,
        ty: &Type,
        member_id: &dyn std::fmt::Display,
    ) -> Result<DefaultValue> {
        let bad = || {
            Diagnostic::at(
                member_id,
                format!("`smithy.api#default` value {value} does not fit the member's type"),
            )
        };
        Ok(match (ty, value) {
            (Type::Bool, Value::Bool(b)) => DefaultValue::Bool(*b),
            (Type::I8 | Type::I16 | Type::I32 | Type::I64, Value::Number(n)) => {
                let n = n.as_i64().ok_or_else(bad)?;
                let fits = match ty {
                    Type::I8 => i8::try_from(n).is_ok(),
                    Type::I16 => i16::try_from(n).is_ok(),
                    Type::I32 => i32::try_from(n).is_ok(),
                    _ => true,
                };
                if !fits {
                    return Err(bad());
                }
                DefaultValue::Int(n)
            }
            (Type::F32 | Type::F64, Value::Number(n)) => {
                DefaultValue::Float(n.as_f64().ok_or_else(bad)?)
            }
            (Type::String, Value::String(s)) => DefaultValue::String(s.clone()),
            (Type::List { .. }, Value::Array(items)) if items.is_empty() => DefaultValue::EmptyList,
            (Type::Map { .. }, Value::Object(items)) if items.is_empty() => DefaultValue::EmptyMap,
            (Type::Timestamp { .. }, Value::Number(_) | Value::String(_)) => {
                // A number of epoch seconds, or an RFC 3339 date-time.
                let parsed = match value {
                    Value::Number(n) => match n.as_i64() {
                        Some(secs) => Ok(DateTime::from_secs(secs)),
                        None => {
                            let secs = n.as_f64().ok_or_else(bad)?;
                            DateTime::parse(&secs.to_string(), WireFormat::EpochSeconds)
                        }
                    },
                    _ => DateTime::parse(value.as_str().unwrap_or_default(), WireFormat::DateTime),
                };
                let time = parsed.map_err(|e| {
                    Diagnostic::at(
                        member_id,
                        format!("`smithy.api#default` value {value} is not a timestamp: {e}"),
                    )
                })?;
                DefaultValue::Timestamp {
                    secs: time.secs(),
                    nanos: time.subsec_nanos(),
                }
            }
            (Type::Blob, Value::String(text)) => {
                let bytes = base64::decode(text).map_err(|e| {
                    Diagnostic::at(
                        member_id,
                        format!("`smithy.api#default` value {value} is not a blob: {e}"),
                    )
                })?;
                DefaultValue::Blob(bytes)
            }
            (Type::Document, _) => DefaultValue::Document(DocumentValue::from_json(value)),
            (Type::Named(path), _) => {
                let id = self
                    .paths
                    .iter()
                    .find(|(_, p)| *p == path)
                    .map(|(id, _)| id)
                    .ok_or_else(bad)?;
                let shape = self.model.shape(id);
                let wanted = match (shape.kind, value) {
                    (ShapeKind::Enum, Value::String(s)) => s.clone(),
                    (ShapeKind::IntEnum, Value::Number(n)) => n.to_string(),
                    _ => return Err(bad()),
                };
                let variant = enum_variants(shape)?
                    .into_iter()
                    .find(|v| v.value == wanted)
                    .ok_or_else(bad)?;
                DefaultValue::EnumVariant(path.clone(), variant.name)
            }
            _ => return Err(bad()),
        })
    }

    /// The Rust type for a member's target, refusing lists and maps nested more than
    /// [`MAX_COLLECTION_NESTING`] deep.
    pub(super) fn value_type(
        &self,
        member: &Member,
        member_id: &dyn std::fmt::Display,
    ) -> Result<Type> {
        // Lists of lists of ... are walked iteratively so that absurd nesting cannot overflow.
        let mut wrappers: Vec<(ShapeKind, bool, Option<Type>)> = Vec::new();
        let mut current = member.target.clone();
        // The `@timestampFormat` of the member leading to `current`: it wins over the target's.
        let mut member_format = traits::timestamp_format(&member.traits);
        let base = loop {
            let shape = self.model.shape(&current);
            if let Some(path) = self.paths.get(&current) {
                break Type::Named(path.clone());
            }
            match shape.kind {
                ShapeKind::String => break Type::String,
                ShapeKind::Boolean => break Type::Bool,
                ShapeKind::Byte => break Type::I8,
                ShapeKind::Short => break Type::I16,
                ShapeKind::Integer => break Type::I32,
                ShapeKind::Long => break Type::I64,
                ShapeKind::Float => break Type::F32,
                ShapeKind::Double => break Type::F64,
                ShapeKind::Timestamp => {
                    let format = member_format.or_else(|| traits::timestamp_format(&shape.traits));
                    break Type::Timestamp {
                        format: match format {
                            Some("date-time") => TimestampFormat::DateTime,
                            Some("http-date") => TimestampFormat::HttpDate,
                            _ => TimestampFormat::EpochSeconds,
                        },
                    };
                }
                ShapeKind::Blob if traits::has(&shape.traits, "streaming") => {
                    if !wrappers.is_empty() {
                        return Err(stream_misplaced(member_id, &current));
                    }
                    break Type::ByteStream;
                }
                ShapeKind::Blob => break Type::Blob,
                ShapeKind::Document => break Type::Document,
                ShapeKind::List | ShapeKind::Set => {
                    if wrappers.len() == MAX_COLLECTION_NESTING {
                        return Err(too_deep(member_id));
                    }
                    wrappers.push((
                        ShapeKind::List,
                        traits::has(&shape.traits, traits::SPARSE),
                        None,
                    ));
                    member_format = traits::timestamp_format(&shape.members[0].traits);
                    current = shape.members[0].target.clone();
                }
                ShapeKind::Map => {
                    if wrappers.len() == MAX_COLLECTION_NESTING {
                        return Err(too_deep(member_id));
                    }
                    let key = self.value_type(&shape.members[0], member_id)?;
                    wrappers.push((
                        ShapeKind::Map,
                        traits::has(&shape.traits, traits::SPARSE),
                        Some(key),
                    ));
                    member_format = traits::timestamp_format(&shape.members[1].traits);
                    current = shape.members[1].target.clone();
                }
                other => {
                    return Err(Diagnostic::at(
                        member_id,
                        format!(
                            "targets a {} shape, which is not supported yet",
                            other.as_str()
                        ),
                    ))
                }
            }
        };
        let mut ty = base;
        while let Some((kind, sparse, key)) = wrappers.pop() {
            ty = match kind {
                ShapeKind::List => Type::List {
                    item: Box::new(ty),
                    sparse,
                },
                _ => Type::Map {
                    key: Box::new(key.expect("maps carry their key")),
                    value: Box::new(ty),
                    sparse,
                },
            };
        }
        Ok(ty)
    }

    /// A member is shown redacted when it, its target, or anything its target collects is `@sensitive`.
    pub(super) fn is_sensitive_member(&self, member: &Member) -> bool {
        if traits::has(&member.traits, traits::SENSITIVE) {
            return true;
        }
        let mut work = vec![member.target.clone()];
        let mut seen = HashSet::new();
        while let Some(id) = work.pop() {
            if !seen.insert(id.clone()) {
                continue;
            }
            let shape = self.model.shape(&id);
            if traits::has(&shape.traits, traits::SENSITIVE) {
                return true;
            }
            if matches!(
                shape.kind,
                ShapeKind::List | ShapeKind::Set | ShapeKind::Map
            ) {
                for m in &shape.members {
                    if traits::has(&m.traits, traits::SENSITIVE) {
                        return true;
                    }
                    work.push(m.target.clone());
                }
            }
        }
        false
    }

    pub(super) fn enumeration(&self, shape: &Shape) -> Result<Enum> {
        let path = &self.paths[&shape.id];
        Ok(Enum {
            id: shape.id.to_string(),
            name: path.name.clone(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            sensitive: traits::has(&shape.traits, traits::SENSITIVE),
            int: shape.kind == ShapeKind::IntEnum,
            variants: enum_variants(shape)?,
        })
    }

    pub(super) fn union(&self, shape: &Shape) -> Result<Union> {
        let path = &self.paths[&shape.id];
        let mut names = VariantNames::default();
        let mut methods: HashSet<String> = RESERVED_UNION_METHODS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut variants = Vec::new();
        for member in &shape.members {
            let member_id = shape.id.member(&member.name);
            let name = names.claim(shape, member)?;
            let ty = if member.target == ShapeId::prelude("Unit") {
                None
            } else {
                let ty = self.value_type(member, &member_id)?;
                if ty == Type::ByteStream {
                    return Err(stream_misplaced(&member_id, &member.target));
                }
                Some(ty)
            };
            // From the variant's name, so that the `unknown` member (variant `UnknownValue`) gets
            // `is_unknown_value`, leaving `is_unknown` to the catch-all variant.
            let is_fn = naming::snake_join(&["is", &naming::snake(&name)]);
            let as_fn = ty
                .is_some()
                .then(|| naming::snake_join(&["as", &naming::snake(&name)]));
            for accessor in std::iter::once(&is_fn).chain(&as_fn) {
                if !methods.insert(accessor.clone()) {
                    return Err(Diagnostic::at(
                        member_id,
                        format!(
                            "its accessor `{accessor}` collides with another method of the union"
                        ),
                    ));
                }
            }
            variants.push(UnionVariant {
                json_name: self.json_name(member),
                wire_name: member.name.clone(),
                is_fn,
                as_fn,
                name,
                docs: traits::documentation(&member.traits).map(str::to_owned),
                boxed: ty.is_some() && self.is_recursive_edge(&shape.id, &member.target),
                sensitive: self.is_sensitive_member(member),
                ty,
            });
        }
        Ok(Union {
            id: shape.id.to_string(),
            name: path.name.clone(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            sensitive: traits::has(&shape.traits, traits::SENSITIVE),
            variants,
            codec: self.codec[path].clone(),
        })
    }
}

/// The cases of an enum or intEnum, with Rust names checked for collisions.
fn enum_variants(shape: &Shape) -> Result<Vec<EnumVariant>> {
    let mut names = VariantNames::default();
    let mut variants = Vec::new();
    for member in &shape.members {
        let name = names.claim(shape, member)?;
        let value = match traits::prelude(&member.traits, traits::ENUM_VALUE) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => member.name.clone(),
        };
        // Duplicate values were refused for the whole model by `Model::build`.
        variants.push(EnumVariant {
            name,
            value,
            docs: traits::documentation(&member.traits).map(str::to_owned),
        });
    }
    Ok(variants)
}

/// The Rust names of the variants of one enum or union, claimed member by member: the member's
/// name in `UpperCamelCase`, with `Unknown` becoming `UnknownValue` (enums and unions have an
/// `Unknown` variant of their own, for values this crate does not know), and two members with
/// one name refused.
#[derive(Default)]
struct VariantNames<'s> {
    /// Each name given so far, and the member that has it.
    taken: HashMap<String, &'s str>,
}

impl<'s> VariantNames<'s> {
    fn claim(&mut self, owner: &Shape, member: &'s Member) -> Result<String> {
        let mut name = naming::camel(&member.name);
        if name == "Unknown" {
            name = "UnknownValue".to_owned();
        }
        if let Some(other) = self.taken.insert(name.clone(), &member.name) {
            return Err(Diagnostic::at(
                owner.id.member(&member.name),
                format!("its Rust name `{name}` collides with that of member `{other}`"),
            ));
        }
        Ok(name)
    }
}

/// An idempotency token's documentation says that the client fills it in.
fn idempotency_doc(docs: Option<String>, idempotency_token: bool) -> Option<String> {
    if !idempotency_token {
        return docs;
    }
    const NOTE: &str = "<p>Idempotency token: when left unset, the client fills in a fresh random UUID (version 4) for each call (retries of that call reuse it).</p>";
    Some(match docs {
        Some(docs) if docs.trim_start().starts_with('<') => format!("{docs}{NOTE}"),
        Some(docs) => format!("{docs}\n\nIdempotency token: when left unset, the client fills in a fresh random UUID (version 4) for each call (retries of that call reuse it)."),
        None => NOTE.to_owned(),
    })
}

/// The members of `shape` whose fields are `@streaming` blobs.
pub(super) fn streams<'s>(
    shape: &'s Shape,
    fields: &'s [Field],
) -> impl Iterator<Item = (&'s Member, &'s Field)> {
    shape
        .members
        .iter()
        .zip(fields)
        .filter(|(_, field)| field.ty == Type::ByteStream)
}

/// The refusal of a member that targets the `@streaming` blob `target` anywhere but as an
/// operation input's or output's `@httpPayload`.
pub(super) fn stream_misplaced(member_id: &dyn std::fmt::Display, target: &ShapeId) -> Diagnostic {
    Diagnostic::at(
        member_id,
        format!(
            "targets the `@streaming` blob `{target}`, which can only be the `@httpPayload` of a restJson1 operation's input or output"
        ),
    )
}
