//! Lowers the selected part of the model into [`crate::ir`]: chooses every Rust name (the symbol
//! layer), decides presence, boxing and sensitivity, and refuses collisions by naming both sides.
//!
//! Emitters never compute names; they read them from the IR.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::ast::{Member, Shape, ShapeKind};
use crate::closure::{operation_errors, Selection};
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::model::Model;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;
use smithy_rust_runtime::primitives::{base64, DateTime, TimestampFormat as WireFormat};

/// Builder method names that members must not take (they get a `_value` suffix instead): the
/// structure builders' `build` and the methods of the traits they derive (`Clone`, `Default`,
/// `PartialEq`, and `Debug`), and the fluent builders' `new`, `send` and `as_input`.
const RESERVED_BUILDER_METHODS: &[&str] = &[
    "build",
    "clone",
    "clone_from",
    "default",
    "eq",
    "ne",
    "fmt",
    "send",
    "new",
    "input",
    "customize",
    "as_input",
];
/// The fluent builder method of a `@paginated` operation that starts its paginator (with a
/// `_value` suffix when a member's builder method has the name).
const PAGINATOR_METHOD: &str = "into_paginator";
/// The field of error structures that holds the response metadata (request id, ...).
const META_FIELD: &str = "meta";
/// Field names error structures keep for themselves (members get a `_value` suffix instead).
const RESERVED_ERROR_FIELDS: &[&str] = &[META_FIELD];
/// The builder method of error structures that sets the request id, unless a member takes it.
const REQUEST_ID_SETTER: &str = "request_id";
/// Variants every operation error enum has besides the modeled errors (modeled errors with these
/// names get an `Error` suffix instead).
const RESERVED_ERROR_VARIANTS: &[&str] = &["Unknown", "Request"];
/// Methods every union has besides the `is_*` of its members.
const RESERVED_UNION_METHODS: &[&str] = &["is_unknown"];
/// Client methods operations must not take (they get an `_operation` suffix instead): `Client`'s
/// own, and those of the traits that `Client`, `Box` and `Arc` implement, which a fluent method
/// would shadow or make ambiguous.
const RESERVED_CLIENT_METHODS: &[&str] = &[
    "new",
    "config",
    "clone",
    "clone_from",
    "clone_into",
    "to_owned",
    "as_ref",
    "as_mut",
    "fmt",
];
/// Names the generator gives items of its own in `crate::types`.
const RESERVED_TYPE_NAMES: &[(&str, &str)] = &[(
    "UnknownValue",
    "the type that holds enum values this crate does not know",
)];

/// How deeply lists and maps may nest in one member. The generated (de)serializers nest one
/// block per level, and past about 30 levels parsing them (syn, in `render`) overflows a 2 MiB
/// thread stack in a debug build; AWS's own models nest at most a few levels.
pub const MAX_COLLECTION_NESTING: usize = 24;

/// The strongly connected components of the selection's shapes of `kinds`, linked by the members
/// that `follow` accepts: computed once, so that finding every member on a cycle costs linear
/// time rather than a walk of the model per member.
fn components(
    model: &Model,
    selection: &Selection,
    kinds: &[ShapeKind],
    follow: impl Fn(&Member) -> bool,
) -> HashMap<ShapeId, usize> {
    let nodes: Vec<&ShapeId> = selection
        .shapes
        .iter()
        .filter(|id| kinds.contains(&model.shape(id).kind))
        .collect();
    let index: HashMap<&ShapeId, usize> =
        nodes.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let edges: Vec<Vec<usize>> = nodes
        .iter()
        .map(|id| {
            model
                .shape(id)
                .members
                .iter()
                .filter(|m| follow(m))
                .filter_map(|m| index.get(&m.target).copied())
                .collect()
        })
        .collect();
    let components = crate::scc::components(&edges);
    nodes
        .into_iter()
        .zip(components)
        .map(|(id, c)| (id.clone(), c))
        .collect()
}

/// A member that must always hold a value: `@required`, without `@clientOptional` or a default.
fn always_set(member: &Member) -> bool {
    traits::has(&member.traits, traits::REQUIRED)
        && !traits::has(&member.traits, traits::CLIENT_OPTIONAL)
        && traits::prelude(&member.traits, traits::DEFAULT).is_none()
}

fn too_deep(member_id: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::at(
        member_id,
        format!("lists and maps nest more than {MAX_COLLECTION_NESTING} levels deep, which is not supported"),
    )
}

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
    /// For each structure and union, its component in the graph of their members: a member is
    /// recursive (and boxed) when its target is in its owner's component.
    cycles: HashMap<ShapeId, usize>,
    /// The same for structures linked by members that are always set ([`always_set`]).
    required_cycles: HashMap<ShapeId, usize>,
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
            cycles: components(
                model,
                selection,
                &[ShapeKind::Structure, ShapeKind::Union],
                |_| true,
            ),
            required_cycles: components(model, selection, &[ShapeKind::Structure], always_set),
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
            if module == ["types"] {
                if let Some((_, what)) = RESERVED_TYPE_NAMES.iter().find(|(n, _)| *n == name) {
                    return Err(Diagnostic::at(
                        id,
                        format!("its Rust name `{name}` is taken in `crate::types` by {what}; add a `rename` on the service"),
                    ));
                }
            }
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
        let mut client_methods: HashMap<String, (ShapeId, &str)> = HashMap::new();
        for id in &self.selection.operations {
            let operation = self.operation(id)?;
            if let Some(other) = op_modules.insert(operation.module.clone(), id.clone()) {
                return Err(Diagnostic::at(
                    id,
                    format!(
                        "its module name `{}` collides with that of `{other}`; add a `rename` on the service",
                        operation.module
                    ),
                ));
            }
            for (method, role) in [
                (&operation.fn_name, "fluent method"),
                (&operation.with_fn_name, "whole-input method"),
            ] {
                if let Some((other, other_role)) =
                    client_methods.insert(method.clone(), (id.clone(), role))
                {
                    return Err(Diagnostic::at(
                        id,
                        format!("its {role} `{method}` is also the {other_role} of `{other}`; add a `rename` on the service"),
                    ));
                }
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
        let trait_name = naming::camel_join(&[&naming::camel(&sdk_id), "Api"]);
        Ok(Service {
            id: shape.id.to_string(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            title,
            ext_trait_name: naming::camel_join(&[&trait_name, "Ext"]),
            trait_name,
            protocol: self.selection.protocol,
            target_prefix: shape.id.name().to_owned(),
            signing_name: traits::by_id(&shape.traits, "aws.auth", "sigv4")
                .and_then(|v| v.get("name"))
                .and_then(Value::as_str)
                .map(str::to_owned),
            env_name: sdk_id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect(),
            endpoint_rules: traits::by_id(&shape.traits, "smithy.rules", "endpointRuleSet")
                .map(Value::to_string),
            query_compatible: self.query_compatible(),
            sdk_id,
            version: shape.service.as_ref().and_then(|s| s.version.clone()),
        })
    }

    fn operation(&self, id: &ShapeId) -> Result<Operation> {
        let shape = self.model.shape(id);
        let parts = shape.operation.as_ref().expect("an operation");
        let name = self.shape_name(id);
        let camel = naming::camel(&name);
        let module = naming::module(&name);
        let mut fn_name = naming::snake(&name);
        if RESERVED_CLIENT_METHODS.contains(&fn_name.as_str()) {
            fn_name = naming::snake_join(&[&fn_name, "operation"]);
        }
        // The structure, and where it lives: this operation's module, or `crate::types` when
        // other operations or members use it too.
        let io = |which: Option<&ShapeId>, suffix: &str| -> Result<(Structure, TypeRef)> {
            match which {
                Some(io_id) if !io_id.is_prelude() => Ok((
                    self.structure(self.model.shape(io_id))?,
                    self.paths[io_id].clone(),
                )),
                // No input or output (or `smithy.api#Unit`): an empty structure of our own.
                _ => {
                    let kind = if suffix == "input" { "Input" } else { "Output" };
                    let name = naming::camel_join(&[&camel, kind]);
                    let path = TypeRef {
                        module: vec!["operation".to_owned(), module.clone()],
                        name: name.clone(),
                    };
                    let structure = Structure {
                        id: format!("{id}${suffix}"),
                        name,
                        docs: None,
                        sensitive: false,
                        fields: Vec::new(),
                        builder: naming::camel_join(&[&camel, kind, "Builder"]),
                        fallible_build: false,
                        error: None,
                    };
                    Ok((structure, path))
                }
            }
        };
        let (input, input_path) = io(parts.input.as_ref(), "input")?;
        let (output, output_path) = io(parts.output.as_ref(), "output")?;
        let error_enum = naming::camel_join(&[&camel, "Error"]);
        let fluent = naming::camel_join(&[&camel, "FluentBuilder"]);
        // The operation's module holds (or re-exports) both structures, and the builders of those
        // it owns: no two of these may share a name.
        let own_module = ["operation".to_owned(), module.clone()];
        let mut names = vec![
            ("input structure", &input.name),
            ("output structure", &output.name),
        ];
        if input_path.module == own_module {
            names.push(("input structure's builder", &input.builder));
        }
        if output_path.module == own_module {
            names.push(("output structure's builder", &output.builder));
        }
        if input.id == output.id {
            // One structure as both input and output (re-exported once).
            names.truncate(1);
        }
        for (i, (what, taken)) in names.iter().enumerate() {
            let generated = [("error enum", &error_enum), ("fluent builder", &fluent)];
            let mut others = names[..i].iter().chain(&generated);
            if let Some((other, _)) = others.find(|(_, name)| name == taken) {
                return Err(Diagnostic::at(id, format!("its {what} is named `{taken}`, like its {other}; add a `rename` on the service")));
            }
        }
        let errors = self.error_cases(id, &error_enum)?;
        let host_prefix = self.host_prefix(id, &input)?;
        let paginator = self.paginator(id, &camel, &input, &output)?;
        Ok(Operation {
            id: id.to_string(),
            wire_name: id.name().to_owned(),
            docs: traits::documentation(&shape.traits).map(str::to_owned),
            with_fn_name: naming::snake_join(&[&fn_name, "with"]),
            idempotent: traits::has(&shape.traits, "idempotent")
                || traits::has(&shape.traits, "readonly"),
            fn_name,
            module,
            input,
            input_path,
            output,
            output_path,
            error_enum,
            fluent,
            errors,
            host_prefix,
            paginator,
        })
    }

    /// The paginator of a `@paginated` operation: the trait's values (over the service's
    /// `@paginated` defaults) resolved to fields, each token a string, the items a list or map.
    fn paginator(
        &self,
        id: &ShapeId,
        camel: &str,
        input: &Structure,
        output: &Structure,
    ) -> Result<Option<Paginator>> {
        let shape = self.model.shape(id);
        let Some(own) = traits::prelude(&shape.traits, traits::PAGINATED) else {
            return Ok(None);
        };
        let service = self.model.shape(&self.selection.service);
        let defaults = traits::prelude(&service.traits, traits::PAGINATED);
        let value = |key: &str| {
            own.get(key)
                .or_else(|| defaults.and_then(|d| d.get(key)))
                .and_then(Value::as_str)
        };
        let refuse = |why: String| Diagnostic::at(id, format!("its `smithy.api#paginated` {why}"));
        let parts = shape.operation.as_ref().expect("an operation");
        let input_id = parts.input.as_ref().filter(|i| !i.is_prelude());
        let output_id = parts.output.as_ref().filter(|o| !o.is_prelude());
        // A top-level input member, by name: its index in `input.fields` and its type.
        let input_member = |key: &str| -> Result<Option<(usize, &Type)>> {
            let Some(name) = value(key) else {
                return Ok(None);
            };
            let index = input_id
                .and_then(|_| input.fields.iter().position(|f| f.wire_name == name))
                .ok_or_else(|| {
                    refuse(format!(
                        "`{key}` `{name}` names no member of the input `{}`",
                        input.name
                    ))
                })?;
            Ok(Some((index, &input.fields[index].ty)))
        };
        // A path of output members: the steps and the type of the last one.
        let output_path = |key: &str, path: &str| -> Result<(Vec<PathStep>, Type)> {
            let mut steps = Vec::new();
            let mut structure: Option<(Option<&ShapeId>, Structure)> =
                Some((output_id, output.clone()));
            let mut ty = None;
            for name in path.split('.') {
                let Some((Some(shape_id), current)) = structure.take() else {
                    return Err(refuse(format!(
                        "`{key}` `{path}` does not resolve: `{name}` is not inside a structure"
                    )));
                };
                let member = self
                    .model
                    .shape(shape_id)
                    .members
                    .iter()
                    .find(|m| m.name == name);
                let field = current.fields.iter().find(|f| f.wire_name == name);
                let (Some(member), Some(field)) = (member, field) else {
                    return Err(refuse(format!(
                        "`{key}` `{path}` does not resolve: `{shape_id}` has no member `{name}`"
                    )));
                };
                steps.push(PathStep {
                    ident: field.ident.clone(),
                    optional: field.presence == Presence::Optional,
                    boxed: field.boxed,
                });
                let target = self.model.shape(&member.target);
                if target.kind == ShapeKind::Structure && self.paths.contains_key(&member.target) {
                    structure = Some((Some(&target.id), self.structure(target)?));
                }
                ty = Some(field.ty.clone());
            }
            Ok((steps, ty.expect("a path has at least one member")))
        };
        // Tokens are strings, or maps (DynamoDB's `ExclusiveStartKey`): both can be empty,
        // which ends pagination, and compared, to stop a service repeating its token.
        let is_token = |ty: &Type| matches!(ty, Type::String | Type::Map { .. });
        let (input_token, input_type) = match (value("inputToken"), input_member("inputToken")?) {
            (Some(_), Some((index, ty))) if is_token(ty) => (index, ty),
            (Some(name), Some(_)) => {
                return Err(refuse(format!(
                    "`inputToken` `{name}` is not a string or map member"
                )))
            }
            _ => return Err(refuse("names no `inputToken`".to_owned())),
        };
        let Some(output_token_path) = value("outputToken") else {
            return Err(refuse("names no `outputToken`".to_owned()));
        };
        let (output_token, token_type) = output_path("outputToken", output_token_path)?;
        if &token_type != input_type {
            return Err(refuse(format!(
                "`outputToken` `{output_token_path}` does not have the type of the `inputToken`"
            )));
        }
        let items = match value("items") {
            None => None,
            Some(path) => {
                let (steps, ty) = output_path("items", path)?;
                if !matches!(ty, Type::List { .. } | Type::Map { .. }) {
                    return Err(refuse(format!(
                        "`items` `{path}` is not a list or map member"
                    )));
                }
                Some((steps, ty))
            }
        };
        let page_size = match (value("pageSize"), input_member("pageSize")?) {
            (Some(_), Some((index, Type::I8 | Type::I16 | Type::I32 | Type::I64))) => Some(index),
            (Some(name), Some(_)) => {
                return Err(refuse(format!(
                    "`pageSize` `{name}` is not an integer member"
                )))
            }
            _ => None,
        };
        // The fluent builder's methods: `new`, `send`, `as_input`, ... and each member's three.
        let taken: HashSet<&str> = RESERVED_BUILDER_METHODS
            .iter()
            .copied()
            .chain(input.fields.iter().flat_map(|f| {
                [&f.setter, &f.set_fn, &f.get_fn]
                    .into_iter()
                    .map(|name| naming::unraw(name))
            }))
            .collect();
        let mut fn_name = PAGINATOR_METHOD.to_owned();
        while taken.contains(fn_name.as_str()) {
            fn_name = naming::snake_join(&[&fn_name, "value"]);
        }
        Ok(Some(Paginator {
            fn_name,
            name: naming::camel_join(&[camel, "Paginator"]),
            items_name: naming::camel_join(&[camel, "Items"]),
            input_token,
            output_token,
            items,
            page_size,
        }))
    }

    /// The variants of an operation's error enum. Errors named like the enum's own variants
    /// (`Unknown`, `Request`) get an `Error` suffix, after every other error has its own name.
    fn error_cases(&self, operation: &ShapeId, error_enum: &str) -> Result<Vec<ErrorCase>> {
        let ids = operation_errors(self.model, &self.selection.service, operation);
        let mut taken: HashMap<String, ShapeId> = HashMap::new();
        for error_id in &ids {
            let name = &self.paths[error_id].name;
            if !RESERVED_ERROR_VARIANTS.contains(&name.as_str()) {
                if let Some(other) = taken.insert(name.clone(), error_id.clone()) {
                    return Err(Diagnostic::at(
                        error_id,
                        format!("its variant `{name}` in `{error_enum}` collides with that of `{other}`"),
                    ));
                }
            }
        }
        let mut errors = Vec::new();
        for error_id in ids {
            let error = self.model.shape(&error_id);
            let ty = self.paths[&error_id].clone();
            let mut variant = ty.name.clone();
            if RESERVED_ERROR_VARIANTS.contains(&variant.as_str()) {
                while taken.contains_key(&variant)
                    || RESERVED_ERROR_VARIANTS.contains(&variant.as_str())
                {
                    variant = naming::camel_join(&[&variant, "Error"]);
                }
                taken.insert(variant.clone(), error_id.clone());
            }
            errors.push(ErrorCase {
                is_fn: naming::snake_join(&["is", &naming::snake(&variant)]),
                variant,
                ty,
                query_code: self
                    .query_error_code(error)
                    .filter(|code| *code != self.shape_name(&error_id)),
                code: self.shape_name(&error_id),
                docs: traits::documentation(&error.traits).map(str::to_owned),
            });
        }
        Ok(errors)
    }

    /// True when the service has `aws.protocols#awsQueryCompatible`.
    fn query_compatible(&self) -> bool {
        let service = self.model.shape(&self.selection.service);
        traits::by_id(
            &service.traits,
            traits::AWS_PROTOCOLS_NAMESPACE,
            traits::AWS_QUERY_COMPATIBLE,
        )
        .is_some()
    }

    /// The `aws.protocols#awsQueryError` code of an error shape, on awsQuery-compatible services
    /// only (elsewhere the trait changes nothing on the wire).
    fn query_error_code(&self, shape: &Shape) -> Option<String> {
        if !self.query_compatible() {
            return None;
        }
        traits::by_id(
            &shape.traits,
            traits::AWS_PROTOCOLS_NAMESPACE,
            traits::AWS_QUERY_ERROR,
        )
        .and_then(|value| value.get("code"))
        .and_then(Value::as_str)
        .map(str::to_owned)
    }

    /// The operation's `smithy.api#endpoint` host prefix, checked as the spec requires: only
    /// host name characters and `{label}`s, no two labels adjacent or alike, and each label a
    /// required `@hostLabel` string member of the input; every `@hostLabel` member of the input
    /// has its label.
    fn host_prefix(&self, id: &ShapeId, input: &Structure) -> Result<Option<HostPrefix>> {
        let shape = self.model.shape(id);
        let Some(template) = traits::prelude(&shape.traits, traits::ENDPOINT)
            .and_then(|value| value.get(traits::HOST_PREFIX))
            .and_then(Value::as_str)
        else {
            return Ok(None);
        };
        let refuse = |why: String| {
            Diagnostic::at(
                id,
                format!("its `smithy.api#endpoint` host prefix `{template}` {why}"),
            )
        };
        let parts = shape.operation.as_ref().expect("an operation");
        let members: &[Member] = match &parts.input {
            Some(input_id) => &self.model.shape(input_id).members,
            None => &[],
        };
        let mut labels: Vec<HostLabel> = Vec::new();
        let mut rest = template;
        let mut after_label = false;
        while let Some(c) = rest.chars().next() {
            if c != '{' {
                if !(c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                    return Err(refuse(format!(
                        "has `{c}`, which cannot be part of a host name (letters, digits, `-`, `.` and `{{label}}`s only)"
                    )));
                }
                rest = &rest[c.len_utf8()..];
                after_label = false;
                continue;
            }
            let end = rest
                .find('}')
                .ok_or_else(|| refuse("has a `{` without its `}`".to_owned()))?;
            let name = &rest[1..end];
            rest = &rest[end + 1..];
            if !crate::shape_id::is_identifier(name) {
                return Err(refuse(format!(
                    "has the label `{{{name}}}`, which is not a member name"
                )));
            }
            if after_label {
                return Err(refuse(format!(
                    "has the label `{{{name}}}` right after another label"
                )));
            }
            if labels.iter().any(|label| label.name == name) {
                return Err(refuse(format!("has the label `{{{name}}}` twice")));
            }
            let member = members.iter().find(|m| m.name == name).ok_or_else(|| {
                refuse(format!(
                    "has the label `{{{name}}}`, but the input has no member `{name}`"
                ))
            })?;
            let why = if !traits::has(&member.traits, traits::HOST_LABEL) {
                Some("does not have `smithy.api#hostLabel`")
            } else if !traits::has(&member.traits, traits::REQUIRED) {
                Some("is not `@required`")
            } else if !matches!(
                self.model.shape(&member.target).kind,
                ShapeKind::String | ShapeKind::Enum
            ) {
                Some("does not target a string")
            } else {
                None
            };
            if let Some(why) = why {
                return Err(refuse(format!(
                    "has the label `{{{name}}}`, but the input member `{name}` {why}"
                )));
            }
            let field = input
                .fields
                .iter()
                .position(|f| f.wire_name == name)
                .expect("every input member has a field");
            labels.push(HostLabel {
                name: name.to_owned(),
                field,
            });
            after_label = true;
        }
        if let Some(unused) = members.iter().find(|m| {
            traits::has(&m.traits, traits::HOST_LABEL)
                && !labels.iter().any(|label| label.name == m.name)
        }) {
            return Err(refuse(format!(
                "has no label `{{{}}}` for the `@hostLabel` input member `{}`",
                unused.name, unused.name
            )));
        }
        Ok(Some(HostPrefix {
            template: template.to_owned(),
            labels,
        }))
    }

    fn structure(&self, shape: &Shape) -> Result<Structure> {
        let path = &self.paths[&shape.id];
        let error = traits::error_kind(&shape.traits).map(str::to_owned);
        let reserved_fields: &[&str] = if error.is_some() {
            RESERVED_ERROR_FIELDS
        } else {
            &[]
        };
        let (fields, request_id_setter) = self.fields(shape, reserved_fields, error.is_some())?;
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
        })
    }

    /// The fields of a structure and, for an error structure, the builder method that sets the
    /// request id.
    fn fields(
        &self,
        shape: &Shape,
        reserved_fields: &[&str],
        is_error: bool,
    ) -> Result<(Vec<Field>, Option<String>)> {
        // Members keep their natural names first; those named like a reserved field then take a
        // `_value` suffix that no other member has.
        let mut idents: HashMap<String, &str> = HashMap::new();
        for member in &shape.members {
            let ident = naming::snake(&member.name);
            if reserved_fields.contains(&ident.as_str()) {
                continue;
            }
            if let Some(other) = idents.insert(ident.clone(), &member.name) {
                return Err(Diagnostic::at(
                    shape.id.member(&member.name),
                    format!("its Rust name `{ident}` collides with that of member `{other}`"),
                ));
            }
        }
        // Operation input: a client leaves unset defaulted members out, so that the service
        // applies its own (possibly newer) default (Smithy's `@input` nullability for clients).
        let top_level_input = traits::has(&shape.traits, traits::INPUT);
        let mut fields: Vec<Field> = Vec::new();
        for member in &shape.members {
            let member_id = shape.id.member(&member.name);
            let mut ident = naming::snake(&member.name);
            if reserved_fields.contains(&ident.as_str()) {
                while idents.contains_key(&ident) || reserved_fields.contains(&ident.as_str()) {
                    ident = naming::snake_join(&[&ident, "value"]);
                }
                idents.insert(ident.clone(), &member.name);
            }
            let ty = self.value_type(member, &member_id)?;
            let presence = self.presence(member, &ty, &member_id)?;
            let service_default = match &presence {
                Presence::Default(_)
                    if top_level_input && !traits::has(&member.traits, traits::REQUIRED) =>
                {
                    traits::prelude(&member.traits, traits::DEFAULT).map(Value::to_string)
                }
                _ => None,
            };
            // An idempotency token is optional to the caller: the client fills in a fresh one.
            // Only a token of the operation input itself is filled in; elsewhere it would be sent
            // unset without a word, so it is refused.
            let idempotency_token = traits::has(&member.traits, traits::IDEMPOTENCY_TOKEN);
            if idempotency_token && (!top_level_input || !matches!(ty, Type::String)) {
                return Err(Diagnostic::at(
                    member_id,
                    "`smithy.api#idempotencyToken` is supported on string members of an operation input (`@input`) only",
                ));
            }
            let presence = if service_default.is_some() || idempotency_token {
                Presence::Optional
            } else {
                presence
            };
            fields.push(Field {
                wire_name: member.name.clone(),
                setter: String::new(),
                set_fn: String::new(),
                get_fn: String::new(),
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
        Ok((fields, request_id_setter))
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
    fn value_type(&self, member: &Member, member_id: &dyn std::fmt::Display) -> Result<Type> {
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
        match (self.cycles.get(owner), self.cycles.get(target)) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }

    /// A structure whose required members lead back to itself cannot ever be built.
    fn check_not_self_requiring(&self, shape: &Shape) -> Result<()> {
        let Some(own) = self.required_cycles.get(&shape.id) else {
            return Ok(());
        };
        let via = shape
            .members
            .iter()
            .filter(|m| always_set(m))
            .find(|m| self.required_cycles.get(&m.target) == Some(own));
        match via {
            Some(member) => Err(Diagnostic::at(
                shape.id.member(&member.name),
                "the structure requires itself through required members, so no value of it can exist",
            )),
            None => Ok(()),
        }
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
        let mut methods: HashSet<String> = RESERVED_UNION_METHODS
            .iter()
            .map(|s| s.to_string())
            .collect();
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
                Some(self.value_type(member, &member_id)?)
            };
            // From the variant's name, so that the `unknown` member (variant `UnknownValue`) gets
            // `is_unknown_value`, leaving `is_unknown` to the catch-all variant.
            let is_fn = naming::snake_join(&["is", &naming::snake(&name)]);
            if !methods.insert(is_fn.clone()) {
                return Err(Diagnostic::at(
                    member_id,
                    format!("its accessor `{is_fn}` collides with another method of the union"),
                ));
            }
            variants.push(UnionVariant {
                wire_name: member.name.clone(),
                is_fn,
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
/// a name is reserved or already taken, so that no member can shadow `build` or `send`. Setters
/// named after the fields come first; for error structures, the request id setter comes last.
fn assign_builder_methods(fields: &mut [Field], is_error: bool) -> Option<String> {
    let mut taken: HashSet<String> = RESERVED_BUILDER_METHODS
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut claim = |wanted: String| -> String {
        let mut name = wanted;
        while taken.contains(naming::unraw(&name)) {
            name = naming::snake_join(&[&name, "value"]);
        }
        taken.insert(naming::unraw(&name).to_owned());
        name
    };
    for field in fields.iter_mut() {
        field.setter = claim(field.ident.clone());
    }
    for field in fields.iter_mut() {
        field.set_fn = claim(naming::snake_join(&["set", &field.ident]));
        field.get_fn = claim(naming::snake_join(&["get", &field.ident]));
    }
    is_error.then(|| claim(REQUEST_ID_SETTER.to_owned()))
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
