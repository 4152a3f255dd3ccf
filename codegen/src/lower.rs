//! Lowers the selected part of the model into [`crate::ir`]: chooses every Rust name (the symbol
//! layer), decides presence, boxing and sensitivity, and refuses collisions by naming both sides.
//!
//! Emitters never compute names; they read them from the IR.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use crate::ast::{Member, Shape, ShapeKind};
use crate::closure::{operation_errors, Selection};
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::model::Model;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;

/// Builder method names that members must not take (they get a `_value` suffix instead).
const RESERVED_BUILDER_METHODS: &[&str] = &["build", "send", "new", "input", "customize"];
/// Field names error structures keep for themselves.
const RESERVED_ERROR_FIELDS: &[&str] = &["meta"];
/// Variants every operation error enum has besides the modeled errors.
const RESERVED_ERROR_VARIANTS: &[&str] = &["Unknown", "Request"];

/// Lowers the selection. `package` and `version` name the crate.
pub fn lower(model: &Model, selection: &Selection, package: &str, version: &str) -> Result<Crate> {
    Lowering::new(model, selection)?.run(package, version)
}

struct Lowering<'m> {
    model: &'m Model,
    selection: &'m Selection,
    /// Where each named (struct/enum/union) shape lives and what it is called.
    paths: BTreeMap<ShapeId, TypeRef>,
    /// Structures used as an operation's input or output only: they live in that operation's module.
    owned_by_operation: HashMap<ShapeId, String>,
    renames: HashMap<ShapeId, String>,
}

impl<'m> Lowering<'m> {
    fn new(model: &'m Model, selection: &'m Selection) -> Result<Self> {
        let service = model.shape(&selection.service);
        let renames: HashMap<ShapeId, String> = service
            .service
            .as_ref()
            .expect("a service")
            .rename
            .iter()
            .cloned()
            .collect();
        let mut lowering = Self {
            model,
            selection,
            paths: BTreeMap::new(),
            owned_by_operation: HashMap::new(),
            renames,
        };
        lowering.place_shapes()?;
        Ok(lowering)
    }

    /// The shape's name in this service, after `rename`.
    fn shape_name(&self, id: &ShapeId) -> String {
        self.renames
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.name().to_owned())
    }

    /// Decides the module and Rust name of every struct, enum and union, refusing two shapes that
    /// would share a name in one module.
    fn place_shapes(&mut self) -> Result<()> {
        let mut uses: HashMap<ShapeId, usize> = HashMap::new();
        for id in &self.selection.shapes {
            for member in &self.model.shape(id).members {
                *uses.entry(member.target.clone()).or_default() += 1;
            }
        }
        let mut io_owner: HashMap<ShapeId, Vec<String>> = HashMap::new();
        for op in &self.selection.operations {
            let parts = self
                .model
                .shape(op)
                .operation
                .as_ref()
                .expect("an operation");
            for id in parts.input.iter().chain(&parts.output) {
                io_owner
                    .entry(id.clone())
                    .or_default()
                    .push(naming::module(&self.shape_name(op)));
            }
        }
        for (id, owners) in io_owner {
            if owners.len() == 1 && !uses.contains_key(&id) && !id.is_prelude() {
                self.owned_by_operation.insert(id, owners[0].clone());
            }
        }
        let mut taken: HashMap<(Vec<String>, String), ShapeId> = HashMap::new();
        for id in &self.selection.shapes {
            let shape = self.model.shape(id);
            if !matches!(
                shape.kind,
                ShapeKind::Structure | ShapeKind::Union | ShapeKind::Enum | ShapeKind::IntEnum
            ) || id.is_prelude()
            {
                continue;
            }
            let module = if let Some(op_module) = self.owned_by_operation.get(id) {
                vec!["operation".to_owned(), op_module.clone()]
            } else if traits::error_kind(&shape.traits).is_some() {
                vec!["types".to_owned(), "error".to_owned()]
            } else {
                vec!["types".to_owned()]
            };
            let name = naming::camel(&self.shape_name(id));
            let key = (module.clone(), name.to_ascii_lowercase());
            if let Some(other) = taken.insert(key, id.clone()) {
                return Err(Diagnostic::at(
                    id,
                    format!("its Rust name `{name}` collides with that of `{other}` in `crate::{}`; add a `rename` on the service", module.join("::")),
                ));
            }
            self.paths.insert(id.clone(), TypeRef { module, name });
        }
        Ok(())
    }

    fn run(self, package: &str, version: &str) -> Result<Crate> {
        let service = self.service()?;
        let mut operations = Vec::new();
        let mut op_modules: HashMap<String, ShapeId> = HashMap::new();
        for id in &self.selection.operations {
            let operation = self.operation(id)?;
            if let Some(other) = op_modules.insert(operation.module.clone(), id.clone()) {
                return Err(Diagnostic::at(
                    id,
                    format!(
                        "its module name `{}` collides with that of `{other}`",
                        operation.module
                    ),
                ));
            }
            operations.push(operation);
        }
        let mut types = Vec::new();
        let mut errors = Vec::new();
        for (id, path) in &self.paths {
            if self.owned_by_operation.contains_key(id) {
                continue;
            }
            let shape = self.model.shape(id);
            match shape.kind {
                ShapeKind::Structure if path.module.last().is_some_and(|m| m == "error") => {
                    errors.push(self.structure(shape)?)
                }
                ShapeKind::Structure => types.push(DataType::Structure(self.structure(shape)?)),
                ShapeKind::Union => types.push(DataType::Union(self.union(shape)?)),
                ShapeKind::Enum | ShapeKind::IntEnum => {
                    types.push(DataType::Enum(self.enumeration(shape)?))
                }
                _ => unreachable!("only named kinds are placed"),
            }
        }
        Ok(Crate {
            package: package.to_owned(),
            version: version.to_owned(),
            service,
            operations,
            types,
            errors,
        })
    }

    fn service(&self) -> Result<Service> {
        let shape = self.model.shape(&self.selection.service);
        let aws_service = traits::by_id(&shape.traits, "aws.api", "service");
        let sdk_id = aws_service
            .and_then(|v| v.get("sdkId"))
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| shape.id.name().to_owned());
        let title = traits::prelude(&shape.traits, "title")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| sdk_id.clone());
        let trait_name = format!(
            "{}Api",
            naming::unraw(&naming::camel(&sdk_id)).trim_end_matches('_')
        );
        Ok(Service {
            id: shape.id.to_string(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            title,
            trait_name,
            protocol: self.selection.protocol,
            target_prefix: shape.id.name().to_owned(),
            signing_name: traits::by_id(&shape.traits, "aws.auth", "sigv4")
                .and_then(|v| v.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            sdk_id,
            version: shape.service.as_ref().and_then(|s| s.version.clone()),
        })
    }

    fn operation(&self, id: &ShapeId) -> Result<Operation> {
        let shape = self.model.shape(id);
        let parts = shape.operation.as_ref().expect("an operation");
        let name = self.shape_name(id);
        let camel = naming::unraw(&naming::camel(&name))
            .trim_end_matches('_')
            .to_owned();
        let module = naming::module(&name);
        let fn_name = naming::snake(&name);
        let io = |which: Option<&ShapeId>, suffix: &str| -> Result<Structure> {
            match which {
                Some(io_id) if !io_id.is_prelude() => {
                    let mut structure = self.structure(self.model.shape(io_id))?;
                    if !self.owned_by_operation.contains_key(io_id) {
                        // Shared with other operations: the operation module re-exports it.
                        structure.builder = String::new();
                    }
                    Ok(structure)
                }
                // No input or output (or `smithy.api#Unit`): an empty structure of our own.
                _ => Ok(Structure {
                    id: format!("{id}${suffix}"),
                    name: format!(
                        "{camel}{}",
                        if suffix == "input" { "Input" } else { "Output" }
                    ),
                    docs: None,
                    sensitive: false,
                    fields: Vec::new(),
                    builder: format!(
                        "{camel}{}Builder",
                        if suffix == "input" { "Input" } else { "Output" }
                    ),
                    fallible_build: false,
                    error: None,
                }),
            }
        };
        let input = io(parts.input.as_ref(), "input")?;
        let output = io(parts.output.as_ref(), "output")?;
        let error_enum = format!("{camel}Error");
        let fluent = format!("{camel}FluentBuilder");
        for (what, taken) in [("input", &input.name), ("output", &output.name)] {
            if *taken == error_enum || *taken == fluent {
                return Err(Diagnostic::at(id, format!("its {what} structure is named `{taken}`, which the operation's generated items use")));
            }
        }
        let mut errors = Vec::new();
        let mut variants: HashSet<String> = RESERVED_ERROR_VARIANTS
            .iter()
            .map(|s| s.to_string())
            .collect();
        for error_id in operation_errors(self.model, &self.selection.service, id) {
            let error = self.model.shape(&error_id);
            let ty = self.paths[&error_id].clone();
            let mut variant = ty.name.clone();
            if RESERVED_ERROR_VARIANTS.contains(&variant.as_str()) {
                variant.push_str("Error");
            }
            if !variants.insert(variant.clone()) {
                return Err(Diagnostic::at(
                    &error_id,
                    format!(
                        "its variant `{variant}` in `{error_enum}` collides with another error"
                    ),
                ));
            }
            errors.push(ErrorCase {
                is_fn: format!("is_{}", naming::unraw(&naming::snake(&variant))),
                variant,
                ty,
                code: self.shape_name(&error_id),
                docs: traits::documentation(&error.traits).map(str::to_owned),
            });
        }
        Ok(Operation {
            id: id.to_string(),
            wire_name: id.name().to_owned(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            with_fn_name: format!("{}_with", naming::unraw(&fn_name)),
            fn_name,
            module,
            input,
            output,
            error_enum,
            fluent,
            errors,
        })
    }

    fn structure(&self, shape: &Shape) -> Result<Structure> {
        let path = &self.paths[&shape.id];
        let error = traits::error_kind(&shape.traits).map(str::to_owned);
        let reserved_fields: &[&str] = if error.is_some() {
            RESERVED_ERROR_FIELDS
        } else {
            &[]
        };
        let fields = self.fields(shape, reserved_fields)?;
        self.check_not_self_requiring(shape)?;
        let error = error.map(|fault| {
            let message_field = fields
                .iter()
                .position(|f| f.wire_name.eq_ignore_ascii_case("message") && f.ty == Type::String);
            let setters: HashSet<&str> = fields
                .iter()
                .flat_map(|f| [f.setter.as_str(), f.set_fn.as_str()])
                .collect();
            let request_id_setter = if setters.contains("request_id") {
                "request_id_value"
            } else {
                "request_id"
            };
            ErrorInfo {
                code: self.shape_name(&shape.id),
                fault,
                message_field,
                meta_field: "meta".to_owned(),
                request_id_setter: request_id_setter.to_owned(),
            }
        });
        Ok(Structure {
            id: shape.id.to_string(),
            name: path.name.clone(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            sensitive: traits::has(&shape.traits, traits::SENSITIVE),
            fallible_build: fields.iter().any(|f| f.presence == Presence::Required),
            builder: format!("{}Builder", naming::unraw(&path.name)),
            fields,
            error,
        })
    }

    fn fields(&self, shape: &Shape, reserved_fields: &[&str]) -> Result<Vec<Field>> {
        let mut fields: Vec<Field> = Vec::new();
        let mut idents: HashMap<String, &str> = HashMap::new();
        for member in &shape.members {
            let member_id = shape.id.member(&member.name);
            let mut ident = naming::snake(&member.name);
            if reserved_fields.contains(&naming::unraw(&ident)) {
                ident = format!("{}_value", naming::unraw(&ident));
            }
            if let Some(other) = idents.insert(ident.clone(), &member.name) {
                return Err(Diagnostic::at(
                    member_id,
                    format!("its Rust name `{ident}` collides with that of member `{other}`"),
                ));
            }
            let ty = self.value_type(&member.target, &member_id)?;
            let presence = self.presence(member, &ty, &member_id)?;
            fields.push(Field {
                wire_name: member.name.clone(),
                setter: String::new(),
                set_fn: String::new(),
                get_fn: String::new(),
                docs: traits::documentation(&member.traits)
                    .or_else(|| traits::documentation(&self.model.shape(&member.target).traits))
                    .map(str::to_owned),
                boxed: self.is_recursive_edge(&shape.id, &member.target),
                sensitive: self.is_sensitive_member(member),
                ident,
                ty,
                presence,
            });
        }
        assign_builder_methods(shape, &mut fields)?;
        Ok(fields)
    }

    fn presence(
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

    fn default_value(
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

    /// The Rust type for a member's target.
    fn value_type(&self, target: &ShapeId, member_id: &dyn std::fmt::Display) -> Result<Type> {
        // Lists of lists of ... are walked iteratively so that absurd nesting cannot overflow.
        let mut wrappers: Vec<(ShapeKind, bool, Option<Type>)> = Vec::new();
        let mut current = target.clone();
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
                ShapeKind::List | ShapeKind::Set => {
                    if wrappers.len() > 64 {
                        return Err(Diagnostic::at(
                            member_id,
                            "lists and maps nest more than 64 levels deep",
                        ));
                    }
                    wrappers.push((
                        ShapeKind::List,
                        traits::has(&shape.traits, traits::SPARSE),
                        None,
                    ));
                    current = shape.members[0].target.clone();
                }
                ShapeKind::Map => {
                    if wrappers.len() > 64 {
                        return Err(Diagnostic::at(
                            member_id,
                            "lists and maps nest more than 64 levels deep",
                        ));
                    }
                    let key = self.value_type(&shape.members[0].target, member_id)?;
                    wrappers.push((
                        ShapeKind::Map,
                        traits::has(&shape.traits, traits::SPARSE),
                        Some(key),
                    ));
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
    fn is_sensitive_member(&self, member: &Member) -> bool {
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

    /// True when `target` leads back to `owner` through structure and union members alone: the
    /// field must then be boxed, or the type would have infinite size. (Lists and maps already
    /// put their items on the heap.)
    fn is_recursive_edge(&self, owner: &ShapeId, target: &ShapeId) -> bool {
        let mut work = vec![target.clone()];
        let mut seen = HashSet::new();
        while let Some(id) = work.pop() {
            if &id == owner {
                return true;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            let shape = self.model.shape(&id);
            if matches!(shape.kind, ShapeKind::Structure | ShapeKind::Union) {
                work.extend(shape.members.iter().map(|m| m.target.clone()));
            }
        }
        false
    }

    /// A structure whose required members lead back to itself cannot ever be built.
    fn check_not_self_requiring(&self, shape: &Shape) -> Result<()> {
        let required = |m: &Member| {
            traits::has(&m.traits, traits::REQUIRED)
                && !traits::has(&m.traits, traits::CLIENT_OPTIONAL)
                && traits::prelude(&m.traits, traits::DEFAULT).is_none()
        };
        let mut work: Vec<(ShapeId, String)> = shape
            .members
            .iter()
            .filter(|m| required(m))
            .map(|m| (m.target.clone(), m.name.clone()))
            .collect();
        let mut seen = BTreeSet::new();
        while let Some((id, via)) = work.pop() {
            if id == shape.id {
                return Err(Diagnostic::at(
                    shape.id.member(&via),
                    "the structure requires itself through required members, so no value of it can exist",
                ));
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            let target = self.model.shape(&id);
            if target.kind == ShapeKind::Structure {
                work.extend(
                    target
                        .members
                        .iter()
                        .filter(|m| required(m))
                        .map(|m| (m.target.clone(), via.clone())),
                );
            }
        }
        Ok(())
    }

    fn enumeration(&self, shape: &Shape) -> Result<Enum> {
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

    fn union(&self, shape: &Shape) -> Result<Union> {
        let path = &self.paths[&shape.id];
        let mut names: HashMap<String, &str> = HashMap::new();
        let mut variants = Vec::new();
        for member in &shape.members {
            let member_id = shape.id.member(&member.name);
            let mut name = naming::camel(&member.name);
            if name == "Unknown" {
                name = "UnknownValue".to_owned();
            }
            if let Some(other) = names.insert(name.clone(), &member.name) {
                return Err(Diagnostic::at(
                    member_id,
                    format!("its Rust name `{name}` collides with that of member `{other}`"),
                ));
            }
            let ty = if member.target == ShapeId::prelude("Unit") {
                None
            } else {
                Some(self.value_type(&member.target, &member_id)?)
            };
            variants.push(UnionVariant {
                wire_name: member.name.clone(),
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
        })
    }
}

/// The cases of an enum or intEnum, with Rust names checked for collisions.
fn enum_variants(shape: &Shape) -> Result<Vec<EnumVariant>> {
    let mut names: HashMap<String, &str> = HashMap::new();
    let mut values: HashMap<String, &str> = HashMap::new();
    let mut variants = Vec::new();
    for member in &shape.members {
        let member_id = shape.id.member(&member.name);
        let mut name = naming::camel(&member.name);
        if name == "Unknown" {
            name = "UnknownValue".to_owned();
        }
        if let Some(other) = names.insert(name.clone(), &member.name) {
            return Err(Diagnostic::at(
                member_id,
                format!("its Rust name `{name}` collides with that of member `{other}`"),
            ));
        }
        let value = match traits::prelude(&member.traits, traits::ENUM_VALUE) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => member.name.clone(),
        };
        if let Some(other) = values.insert(value.clone(), &member.name) {
            return Err(Diagnostic::at(
                member_id,
                format!("its value `{value}` is also the value of member `{other}`"),
            ));
        }
        variants.push(EnumVariant {
            name,
            value,
            docs: traits::documentation(&member.traits).map(str::to_owned),
        });
    }
    Ok(variants)
}

/// Chooses the builder methods of each field: `x`, `set_x`, `get_x`, with a `_value` suffix where
/// a name is reserved or already taken, so that no member can shadow `build` or `send`.
fn assign_builder_methods(shape: &Shape, fields: &mut [Field]) -> Result<()> {
    let mut taken: HashSet<String> = RESERVED_BUILDER_METHODS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut claim = |wanted: String| -> String {
        let mut name = wanted;
        while taken.contains(naming::unraw(&name)) {
            name = format!("{}_value", naming::unraw(&name));
        }
        taken.insert(naming::unraw(&name).to_owned());
        name
    };
    for field in fields.iter_mut() {
        field.setter = claim(field.ident.clone());
    }
    for field in fields.iter_mut() {
        let base = naming::unraw(&field.ident).trim_end_matches('_').to_owned();
        field.set_fn = claim(format!("set_{base}"));
        field.get_fn = claim(format!("get_{base}"));
    }
    let _ = shape;
    Ok(())
}
