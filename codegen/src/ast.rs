//! Reads the Smithy 2.0 JSON AST into plain data, checking every JSON type on the way.
//!
//! Every shape type of the specification is read here, even ones the emitters cannot generate yet:
//! refusing those is the job of [`crate::closure`], which knows which shapes a crate really needs.
//! `apply` entries are kept apart; [`crate::model`] merges them.

use serde_json::{Map, Value};

use crate::diagnostic::{Diagnostic, Result};
use crate::shape_id::{is_identifier, ShapeId};

/// The kinds of shape in the Smithy 2.0 specification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ShapeKind {
    Blob,
    Boolean,
    String,
    Byte,
    Short,
    Integer,
    Long,
    Float,
    Double,
    BigInteger,
    BigDecimal,
    Timestamp,
    Document,
    Enum,
    IntEnum,
    List,
    Set,
    Map,
    Structure,
    Union,
    Service,
    Operation,
    Resource,
}

impl ShapeKind {
    fn from_json(text: &str) -> Option<Self> {
        Some(match text {
            "blob" => Self::Blob,
            "boolean" => Self::Boolean,
            "string" => Self::String,
            "byte" => Self::Byte,
            "short" => Self::Short,
            "integer" => Self::Integer,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bigInteger" => Self::BigInteger,
            "bigDecimal" => Self::BigDecimal,
            "timestamp" => Self::Timestamp,
            "document" => Self::Document,
            "enum" => Self::Enum,
            "intEnum" => Self::IntEnum,
            "list" => Self::List,
            "set" => Self::Set,
            "map" => Self::Map,
            "structure" => Self::Structure,
            "union" => Self::Union,
            "service" => Self::Service,
            "operation" => Self::Operation,
            "resource" => Self::Resource,
            _ => return None,
        })
    }

    /// The name the JSON AST uses, for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blob => "blob",
            Self::Boolean => "boolean",
            Self::String => "string",
            Self::Byte => "byte",
            Self::Short => "short",
            Self::Integer => "integer",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::BigInteger => "bigInteger",
            Self::BigDecimal => "bigDecimal",
            Self::Timestamp => "timestamp",
            Self::Document => "document",
            Self::Enum => "enum",
            Self::IntEnum => "intEnum",
            Self::List => "list",
            Self::Set => "set",
            Self::Map => "map",
            Self::Structure => "structure",
            Self::Union => "union",
            Self::Service => "service",
            Self::Operation => "operation",
            Self::Resource => "resource",
        }
    }

    /// The name with its article, for messages: "a structure", "an operation".
    pub fn with_article(self) -> String {
        let name = self.as_str();
        let article = if name.starts_with(['a', 'e', 'i', 'o', 'u']) {
            "an"
        } else {
            "a"
        };
        format!("{article} {name}")
    }

    /// Service, operation and resource shapes: never the target of a member.
    pub fn is_entity(self) -> bool {
        matches!(self, Self::Service | Self::Operation | Self::Resource)
    }
}

/// Traits as written: absolute trait id to its JSON value. Ordered, so output never depends on
/// hash order.
pub type Traits = std::collections::BTreeMap<ShapeId, Value>;

/// A member of an aggregate shape (or an enum case).
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    pub target: ShapeId,
    pub traits: Traits,
}

/// The parts of a service shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceParts {
    pub version: Option<String>,
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
    pub errors: Vec<ShapeId>,
    /// `rename`: shape id to the name it takes in this service.
    pub rename: Vec<(ShapeId, String)>,
}

/// The parts of an operation shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OperationParts {
    pub input: Option<ShapeId>,
    pub output: Option<ShapeId>,
    pub errors: Vec<ShapeId>,
}

/// The parts of a resource shape that lead to operations and other resources.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceParts {
    pub identifiers: Vec<(String, ShapeId)>,
    pub properties: Vec<(String, ShapeId)>,
    /// `create`, `put`, `read`, `update`, `delete`, `list`, `operations` and
    /// `collectionOperations`, in that order.
    pub operations: Vec<ShapeId>,
    pub resources: Vec<ShapeId>,
}

/// One shape as the JSON AST states it (mixins not yet applied).
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub id: ShapeId,
    pub kind: ShapeKind,
    /// Members in model order. Lists have `member`; maps `key` and `value`.
    pub members: Vec<Member>,
    pub traits: Traits,
    pub mixins: Vec<ShapeId>,
    pub service: Option<ServiceParts>,
    pub operation: Option<OperationParts>,
    pub resource: Option<ResourceParts>,
}

impl Shape {
    /// A shape of `kind` with no members, traits, mixins or parts.
    pub fn new(id: ShapeId, kind: ShapeKind) -> Self {
        Self {
            id,
            kind,
            members: Vec::new(),
            traits: Traits::new(),
            mixins: Vec::new(),
            service: None,
            operation: None,
            resource: None,
        }
    }
}

/// An `apply` entry: traits for a shape or member defined elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Apply {
    pub shape: ShapeId,
    pub member: Option<String>,
    pub traits: Traits,
}

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ast {
    pub shapes: Vec<Shape>,
    pub applies: Vec<Apply>,
}

/// How deep the JSON may nest before it is refused, so that hostile input cannot exhaust the stack
/// of this parser or of serde_json's drop (serde_json itself stops at 128).
const MAX_DEPTH_NOTE: &str = "JSON nests deeper than 128 levels";

/// Parses the text of a Smithy JSON AST file.
pub fn parse(text: &str) -> Result<Ast> {
    if text.trim().is_empty() {
        return Err(Diagnostic::model(
            "the model is empty: expected a Smithy JSON AST object",
        ));
    }
    let root: Value = crate::strict_json::from_str(text).map_err(|e| {
        if e.to_string().contains("appears twice") {
            // Legal JSON, but the one definition would silently replace the other.
            Diagnostic::model(e.to_string())
        } else if e.to_string().contains("recursion limit") {
            Diagnostic::model(format!("invalid JSON: {MAX_DEPTH_NOTE} ({e})"))
        } else if e.is_eof() {
            Diagnostic::model(format!(
                "invalid JSON: the text ends at line {} column {} before the JSON is complete (is the file truncated?)",
                e.line(),
                e.column()
            ))
        } else {
            Diagnostic::model(format!("invalid JSON: {e}"))
        }
    })?;
    let root = root.as_object().ok_or_else(|| {
        Diagnostic::model(format!(
            "the model must be a JSON object with `smithy` and `shapes`, found {}",
            json_kind(&root)
        ))
    })?;
    match root.get("smithy") {
        Some(Value::String(v)) if v == "2.0" || v == "2" => {}
        Some(Value::String(v)) => {
            return Err(Diagnostic::model(format!(
                "unsupported Smithy version `{v}`: only Smithy 2.0 JSON AST models are supported"
            )))
        }
        Some(_) => {
            return Err(Diagnostic::model(
                "`smithy` must be a version string such as \"2.0\"",
            ))
        }
        None => {
            return Err(Diagnostic::model(
                "missing `smithy` version: is this a Smithy JSON AST model?",
            ))
        }
    }
    let shapes = match root.get("shapes") {
        None => return Ok(Ast::default()),
        Some(Value::Object(shapes)) => shapes,
        Some(other) => {
            return Err(Diagnostic::model(format!(
                "`shapes` must be a JSON object keyed by shape id, found {}",
                json_kind(other)
            )))
        }
    };
    let mut ast = Ast::default();
    for (key, value) in shapes {
        let object = value.as_object().ok_or_else(|| {
            Diagnostic::at(
                key,
                format!("a shape must be a JSON object, found {}", json_kind(value)),
            )
        })?;
        let kind = string_field(object, "type", key)?
            .ok_or_else(|| Diagnostic::at(key, "missing `type`"))?;
        if kind == "apply" {
            ast.applies.push(parse_apply(key, object)?);
            continue;
        }
        let id = ShapeId::parse_at(key, key)?;
        let kind = ShapeKind::from_json(kind)
            .ok_or_else(|| Diagnostic::at(key, format!("unknown shape type `{kind}`")))?;
        ast.shapes.push(parse_shape(id, kind, object)?);
    }
    Ok(ast)
}

fn parse_apply(key: &str, object: &Map<String, Value>) -> Result<Apply> {
    let (shape, member) = match key.split_once('$') {
        Some((shape, member)) => {
            if !is_identifier(member) {
                return Err(Diagnostic::at(
                    key,
                    format!("invalid member name `{member}`"),
                ));
            }
            (shape, Some(member.to_owned()))
        }
        None => (key, None),
    };
    let shape = ShapeId::parse_at(shape, key)?;
    let traits = parse_traits(object.get("traits"), &key)?;
    Ok(Apply {
        shape,
        member,
        traits,
    })
}

fn parse_shape(id: ShapeId, kind: ShapeKind, object: &Map<String, Value>) -> Result<Shape> {
    let traits = parse_traits(object.get("traits"), &id)?;
    let mixins = target_list(object, "mixins", &id)?;
    let members = match kind {
        ShapeKind::List | ShapeKind::Set => named_members(object, &id, &["member"])?,
        ShapeKind::Map => named_members(object, &id, &["key", "value"])?,
        ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum | ShapeKind::IntEnum => {
            member_map(object, &id)?
        }
        _ => Vec::new(),
    };
    let mut shape = Shape {
        id,
        kind,
        members,
        traits,
        mixins,
        service: None,
        operation: None,
        resource: None,
    };
    let id = &shape.id;
    match kind {
        ShapeKind::Service => {
            shape.service = Some(ServiceParts {
                version: string_field(object, "version", id)?.map(str::to_owned),
                operations: target_list(object, "operations", id)?,
                resources: target_list(object, "resources", id)?,
                errors: target_list(object, "errors", id)?,
                rename: rename_map(object, id)?,
            })
        }
        ShapeKind::Operation => {
            shape.operation = Some(OperationParts {
                input: target_field(object, "input", id)?,
                output: target_field(object, "output", id)?,
                errors: target_list(object, "errors", id)?,
            })
        }
        ShapeKind::Resource => {
            let mut operations = Vec::new();
            for field in ["create", "put", "read", "update", "delete", "list"] {
                operations.extend(target_field(object, field, id)?);
            }
            operations.extend(target_list(object, "operations", id)?);
            operations.extend(target_list(object, "collectionOperations", id)?);
            shape.resource = Some(ResourceParts {
                identifiers: target_map(object, "identifiers", id)?,
                properties: target_map(object, "properties", id)?,
                operations,
                resources: target_list(object, "resources", id)?,
            })
        }
        _ => {}
    }
    Ok(shape)
}

fn parse_traits(value: Option<&Value>, subject: &dyn std::fmt::Display) -> Result<Traits> {
    let Some(value) = value else {
        return Ok(Traits::new());
    };
    let object = value.as_object().ok_or_else(|| {
        Diagnostic::at(
            subject,
            format!(
                "`traits` must be a JSON object keyed by trait id, found {}",
                json_kind(value)
            ),
        )
    })?;
    let mut traits = Traits::new();
    for (key, value) in object {
        let id = ShapeId::parse(key)
            .map_err(|why| Diagnostic::at(subject, format!("invalid trait id: {why}")))?;
        traits.insert(id, value.clone());
    }
    Ok(traits)
}

/// `members` of a structure, union or enum: a JSON object of name to member.
fn member_map(object: &Map<String, Value>, id: &ShapeId) -> Result<Vec<Member>> {
    let Some(value) = object.get("members") else {
        return Ok(Vec::new());
    };
    let members = value.as_object().ok_or_else(|| {
        Diagnostic::at(
            id,
            format!(
                "`members` must be a JSON object keyed by member name, found {}",
                json_kind(value)
            ),
        )
    })?;
    members
        .iter()
        .map(|(name, member)| parse_member(id, name, member))
        .collect()
}

/// The fixed members of a list (`member`) or map (`key`, `value`).
fn named_members(object: &Map<String, Value>, id: &ShapeId, names: &[&str]) -> Result<Vec<Member>> {
    names
        .iter()
        .filter_map(|name| {
            object
                .get(*name)
                .map(|member| parse_member(id, name, member))
        })
        .collect()
}

fn parse_member(id: &ShapeId, name: &str, value: &Value) -> Result<Member> {
    let member_id = id.member(name);
    if !is_identifier(name) {
        return Err(Diagnostic::at(
            member_id,
            format!("invalid member name `{name}`"),
        ));
    }
    let object = value.as_object().ok_or_else(|| {
        Diagnostic::at(
            member_id,
            format!(
                "a member must be a JSON object with a `target`, found {}",
                json_kind(value)
            ),
        )
    })?;
    let target = string_field(object, "target", &member_id)?
        .ok_or_else(|| Diagnostic::at(member_id, "missing `target`"))?;
    Ok(Member {
        name: name.to_owned(),
        target: ShapeId::parse(target)
            .map_err(|why| Diagnostic::at(member_id, format!("invalid target: {why}")))?,
        traits: parse_traits(object.get("traits"), &member_id)?,
    })
}

fn string_field<'a>(
    object: &'a Map<String, Value>,
    field: &str,
    subject: &dyn std::fmt::Display,
) -> Result<Option<&'a str>> {
    match object.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(Diagnostic::at(
            subject,
            format!("`{field}` must be a string, found {}", json_kind(other)),
        )),
    }
}

/// A reference such as `"input": {"target": "ns#Shape"}`.
fn target_field(object: &Map<String, Value>, field: &str, id: &ShapeId) -> Result<Option<ShapeId>> {
    object
        .get(field)
        .map(|value| reference(value, field, id))
        .transpose()
}

fn reference(value: &Value, field: &str, id: &ShapeId) -> Result<ShapeId> {
    let target = value
        .as_object()
        .and_then(|object| object.get("target"))
        .and_then(Value::as_str)
        .ok_or_else(|| {
            Diagnostic::at(
                id,
                format!("`{field}` must be an object like {{\"target\": \"ns#Shape\"}}"),
            )
        })?;
    ShapeId::parse(target).map_err(|why| Diagnostic::at(id, format!("`{field}`: {why}")))
}

/// A list of references such as `"errors": [{"target": "ns#E"}]`.
fn target_list(object: &Map<String, Value>, field: &str, id: &ShapeId) -> Result<Vec<ShapeId>> {
    match object.get(field) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| reference(item, field, id))
            .collect(),
        Some(other) => Err(Diagnostic::at(
            id,
            format!(
                "`{field}` must be a list of references, found {}",
                json_kind(other)
            ),
        )),
    }
}

/// A map of name to reference, as in a resource's `identifiers`.
fn target_map(
    object: &Map<String, Value>,
    field: &str,
    id: &ShapeId,
) -> Result<Vec<(String, ShapeId)>> {
    match object.get(field) {
        None => Ok(Vec::new()),
        Some(Value::Object(items)) => items
            .iter()
            .map(|(name, item)| Ok((name.clone(), reference(item, field, id)?)))
            .collect(),
        Some(other) => Err(Diagnostic::at(
            id,
            format!(
                "`{field}` must be an object of references, found {}",
                json_kind(other)
            ),
        )),
    }
}

fn rename_map(object: &Map<String, Value>, id: &ShapeId) -> Result<Vec<(ShapeId, String)>> {
    let Some(value) = object.get("rename") else {
        return Ok(Vec::new());
    };
    let map = value
        .as_object()
        .ok_or_else(|| Diagnostic::at(id, "`rename` must be an object of shape id to name"))?;
    map.iter()
        .map(|(from, to)| {
            let from = ShapeId::parse(from)
                .map_err(|why| Diagnostic::at(id, format!("`rename`: {why}")))?;
            let to = to.as_str().filter(|to| is_identifier(to)).ok_or_else(|| {
                Diagnostic::at(
                    id,
                    format!("`rename` of `{from}` must be an identifier string"),
                )
            })?;
            Ok((from, to.to_owned()))
        })
        .collect()
}

/// "a string", "a number", ... for messages about wrong JSON types.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}
