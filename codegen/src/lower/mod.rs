//! Lowers the selected part of the model into [`crate::ir`]: chooses every Rust name (the symbol
//! layer), decides presence, boxing and sensitivity, and refuses collisions by naming both sides.
//!
//! Emitters never compute names; they read them from the IR.
//!
//! Here: the entry point, the placing of every named shape (its module and Rust name), the
//! service, and what the other files share. `operation.rs` lowers operations (inputs, outputs,
//! error cases, host prefixes), `paginator.rs` their `@paginated` trait, `waiter/` their
//! `smithy.waiters#waitable` waiters (paths compiled to typed Rust), `types.rs` structures,
//! enums, unions, members and defaults, `members.rs` the Rust names of members (fields,
//! accessors, builder methods, the AWS SDK's renames), `cycles.rs` finds the members that must be boxed and the
//! structures that require themselves, and `codec.rs` names the codec functions.

mod auth;
mod codec;
mod cycles;
mod http;
mod members;
mod operation;
mod paginator;
mod types;
mod waiter;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use crate::ast::{Shape, ShapeKind};
use crate::closure::Selection;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::model::Model;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;
use cycles::{always_set, components};

/// Builder method names that members must not take (they get a `_value` suffix instead): the
/// structure builders' `build` and the methods of the traits they derive that callers use
/// (`Clone::clone`, `Default::default`, `PartialEq`'s `eq` and `ne`, `Debug`'s `fmt`), and the
/// fluent builders' `new`, `send`, `customize` and `as_input`. Members named `build`, `send`,
/// `customize`, `default` and `clone` are renamed as a whole first (`members.rs`), as the AWS SDK
/// renames them; the SDK keeps `input` and `clone_from`, and so do we.
const RESERVED_BUILDER_METHODS: &[&str] = &[
    "build",
    "clone",
    "default",
    "eq",
    "ne",
    "fmt",
    "send",
    "new",
    "customize",
    "as_input",
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

/// Lowers the selection. `package` and `version` name the crate.
pub fn lower(model: &Model, selection: &Selection, package: &str, version: &str) -> Result<Crate> {
    Lowering::new(model, selection)?.run(package, version)
}

struct Lowering<'m> {
    model: &'m Model,
    selection: &'m Selection,
    /// Where each named (struct/enum/union) shape lives and what it is called. An operation's
    /// input or output shape is here only when a member uses it too: the operation has its own
    /// `<Op>Input` and `<Op>Output` (`own_io_path`).
    paths: BTreeMap<ShapeId, TypeRef>,
    renames: HashMap<ShapeId, String>,
    /// For each structure and union, its component in the graph of their members: a member is
    /// recursive (and boxed) when its target is in its owner's component.
    cycles: HashMap<ShapeId, usize>,
    /// The same for structures linked by members that are always set ([`always_set`]).
    required_cycles: HashMap<ShapeId, usize>,
    /// The codec functions of every structure and union, by path (`codec.rs`).
    codec: BTreeMap<TypeRef, CodecFns>,
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
            renames,
            cycles: components(
                model,
                selection,
                &[ShapeKind::Structure, ShapeKind::Union],
                |_| true,
            ),
            required_cycles: components(model, selection, &[ShapeKind::Structure], always_set),
            codec: BTreeMap::new(),
        };
        lowering.place_shapes()?;
        lowering.codec = codec::codec_fns(&lowering.codec_paths());
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
    /// would share a name in one module. The input and output shapes of operations are left out
    /// unless a member uses them too: each operation has an `<Op>Input` and `<Op>Output` of its
    /// own in its module, made from them (as the AWS SDK does).
    fn place_shapes(&mut self) -> Result<()> {
        let mut used_by_members: HashSet<ShapeId> = HashSet::new();
        for id in &self.selection.shapes {
            for member in &self.model.shape(id).members {
                used_by_members.insert(member.target.clone());
            }
        }
        let mut operation_io: HashSet<ShapeId> = HashSet::new();
        for op in &self.selection.operations {
            let parts = self
                .model
                .shape(op)
                .operation
                .as_ref()
                .expect("an operation");
            operation_io.extend(parts.input.iter().chain(&parts.output).cloned());
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
            if operation_io.contains(id) && !used_by_members.contains(id) {
                continue;
            }
            let module = if traits::error_kind(&shape.traits).is_some() {
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
                (&operation.call_fn, "whole-input method"),
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
        let mut krate = Crate {
            package: package.to_owned(),
            version: version.to_owned(),
            service,
            operations,
            types,
            errors,
            waiters: Vec::new(),
        };
        krate.waiters = self.waiters(&krate)?;
        Ok(krate)
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
            service_name: sdk_id
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect(),
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
}
