//! The semantic model: every shape by id, the Smithy prelude included, with `apply` merged, mixins
//! flattened, and every reference checked to point at a shape of a fitting kind.
//!
//! Invariant: after [`Model::build`] succeeds, every target, input, output, error, operation and
//! resource reference resolves, so later stages can look shapes up without handling absence.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use crate::ast::{Apply, Ast, Member, Shape, ShapeKind, Traits};
use crate::diagnostic::{Diagnostic, Result};
use crate::shape_id::ShapeId;
use crate::traits;

mod enum_trait;

/// All shapes of one model, prelude included.
#[derive(Debug, Clone)]
pub struct Model {
    shapes: BTreeMap<ShapeId, Shape>,
}

impl Model {
    /// Builds and checks the model from a parsed file.
    pub fn build(ast: Ast) -> Result<Self> {
        let mut shapes = BTreeMap::new();
        let mut lowercase: HashMap<String, ShapeId> = HashMap::new();
        for shape in prelude_shapes().into_iter().chain(ast.shapes) {
            if let Some(other) =
                lowercase.insert(shape.id.to_string().to_ascii_lowercase(), shape.id.clone())
            {
                let message = if other == shape.id {
                    if other.is_prelude() {
                        "conflicts with the Smithy prelude shape of the same id".to_owned()
                    } else {
                        "is defined twice".to_owned()
                    }
                } else {
                    format!(
                        "conflicts with `{other}`: shape ids must differ in more than letter case"
                    )
                };
                return Err(Diagnostic::at(&shape.id, message));
            }
            shapes.insert(shape.id.clone(), shape);
        }
        let mut model = Self { shapes };
        model.flatten_mixins()?;
        for apply in ast.applies {
            model.apply(apply)?;
        }
        // Smithy 1.0 `@enum` strings become enum shapes before anything looks at enums.
        for shape in model.shapes.values_mut() {
            enum_trait::normalise(shape)?;
        }
        model.check()?;
        Ok(model)
    }

    /// The shape with this id, if the model (or the prelude) has it.
    pub fn get(&self, id: &ShapeId) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The shape with this id; only for ids that [`Model::build`] has checked.
    pub fn shape(&self, id: &ShapeId) -> &Shape {
        &self.shapes[id]
    }

    /// All shapes, ordered by id.
    pub fn shapes(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values()
    }

    /// Merges an `apply` entry into its shape or member.
    fn apply(&mut self, apply: Apply) -> Result<()> {
        let Apply {
            shape,
            member,
            traits,
        } = apply;
        let subject = match &member {
            Some(member) => shape.member(member).to_string(),
            None => shape.to_string(),
        };
        let target = self
            .shapes
            .get_mut(&shape)
            .ok_or_else(|| Diagnostic::at(&subject, "`apply` names a shape that does not exist"))?;
        if target.id.is_prelude() {
            return Err(Diagnostic::at(
                &subject,
                "`apply` cannot change a Smithy prelude shape",
            ));
        }
        let into = match &member {
            None => &mut target.traits,
            Some(name) => {
                &mut target
                    .members
                    .iter_mut()
                    .find(|m| &m.name == name)
                    .ok_or_else(|| {
                        Diagnostic::at(&subject, "`apply` names a member that does not exist")
                    })?
                    .traits
            }
        };
        for (id, value) in traits {
            if into.contains_key(&id) && id.name() != traits::DOCUMENTATION {
                return Err(Diagnostic::at(
                    &subject,
                    format!("`apply` sets trait `{id}` that is already set"),
                ));
            }
            into.insert(id, value);
        }
        Ok(())
    }

    /// Copies the members and traits of mixins into the shapes that use them, in dependency order.
    fn flatten_mixins(&mut self) -> Result<()> {
        let mut done: HashMap<ShapeId, bool> = HashMap::new();
        let ids: Vec<ShapeId> = self.shapes.keys().cloned().collect();
        for id in ids {
            self.flatten_one(&id, &mut done)?;
        }
        Ok(())
    }

    /// Worklist-based, so a long chain of mixins cannot overflow the stack.
    fn flatten_one(&mut self, root: &ShapeId, done: &mut HashMap<ShapeId, bool>) -> Result<()> {
        // `done[id] == false` means "in progress": meeting it again is a cycle.
        let mut stack = vec![root.clone()];
        while let Some(id) = stack.last().cloned() {
            if done.get(&id) == Some(&true) {
                stack.pop();
                continue;
            }
            done.insert(id.clone(), false);
            let mixins = self.shapes[&id].mixins.clone();
            let mut pending = None;
            for mixin in &mixins {
                let Some(shape) = self.shapes.get(mixin) else {
                    return Err(Diagnostic::at(
                        &id,
                        format!("mixin `{mixin}` does not exist"),
                    ));
                };
                if !traits::has(&shape.traits, traits::MIXIN) {
                    return Err(Diagnostic::at(
                        &id,
                        format!("`{mixin}` is used as a mixin but has no `smithy.api#mixin` trait"),
                    ));
                }
                match done.get(mixin) {
                    Some(true) => {}
                    Some(false) => {
                        return Err(Diagnostic::at(
                            &id,
                            format!("mixin cycle through `{mixin}`"),
                        ))
                    }
                    None => {
                        pending = Some(mixin.clone());
                        break;
                    }
                }
            }
            if let Some(next) = pending {
                stack.push(next);
                continue;
            }
            let mut members: Vec<Member> = Vec::new();
            let mut inherited = Traits::new();
            for mixin in &mixins {
                let shape = &self.shapes[mixin];
                if shape.kind != self.shapes[&id].kind {
                    return Err(Diagnostic::at(
                        &id,
                        format!(
                            "{} cannot use the {} `{mixin}` as a mixin",
                            self.shapes[&id].kind.with_article(),
                            shape.kind.as_str()
                        ),
                    ));
                }
                let local: Vec<String> = traits::prelude(&shape.traits, traits::MIXIN)
                    .and_then(|v| v.get("localTraits"))
                    .and_then(Value::as_array)
                    .map(|list| {
                        list.iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default();
                for (trait_id, value) in &shape.traits {
                    let is_local = trait_id.name() == traits::MIXIN && trait_id.is_prelude()
                        || local.contains(&trait_id.to_string());
                    if !is_local {
                        inherited.insert(trait_id.clone(), value.clone());
                    }
                }
                for member in &shape.members {
                    if let Some(existing) = members.iter_mut().find(|m| m.name == member.name) {
                        existing.traits.extend(member.traits.clone());
                    } else {
                        members.push(member.clone());
                    }
                }
            }
            let shape = self.shapes.get_mut(&id).expect("id comes from the map");
            if !mixins.is_empty() {
                for own in std::mem::take(&mut shape.members) {
                    if let Some(existing) = members.iter_mut().find(|m| m.name == own.name) {
                        if existing.target != own.target {
                            return Err(Diagnostic::at(
                                id.member(&own.name),
                                format!(
                                    "redefines mixin member with target `{}` (mixin has `{}`)",
                                    own.target, existing.target
                                ),
                            ));
                        }
                        existing.traits.extend(own.traits);
                    } else {
                        members.push(own);
                    }
                }
                shape.members = members;
                inherited.extend(std::mem::take(&mut shape.traits));
                shape.traits = inherited;
            }
            done.insert(id, true);
            stack.pop();
        }
        Ok(())
    }

    /// Checks references, member names, trait values and the shape of enums, lists and maps.
    fn check(&self) -> Result<()> {
        for shape in self.shapes.values() {
            traits::check(&shape.traits, &shape.id)?;
            self.check_members(shape)?;
            self.check_entity_references(shape)?;
        }
        // After every member target is known to exist.
        for shape in self.shapes.values() {
            self.check_list_map_cycle(shape)?;
        }
        Ok(())
    }

    /// Smithy refuses a list or map that contains itself through list and map members alone (no
    /// language can build such a type); recursion must pass through a structure or union.
    fn check_list_map_cycle(&self, shape: &Shape) -> Result<()> {
        let is_collection =
            |kind| matches!(kind, ShapeKind::List | ShapeKind::Set | ShapeKind::Map);
        if !is_collection(shape.kind) {
            return Ok(());
        }
        let mut work: Vec<&ShapeId> = shape.members.iter().map(|m| &m.target).collect();
        let mut seen = std::collections::HashSet::new();
        while let Some(id) = work.pop() {
            if *id == shape.id {
                return Err(Diagnostic::at(
                    &shape.id,
                    "contains itself through list and map members alone; a recursive shape must pass through a structure or union",
                ));
            }
            if !seen.insert(id) {
                continue;
            }
            if let Some(target) = self.get(id).filter(|t| is_collection(t.kind)) {
                work.extend(target.members.iter().map(|m| &m.target));
            }
        }
        Ok(())
    }

    fn check_members(&self, shape: &Shape) -> Result<()> {
        let mut seen: HashMap<String, &str> = HashMap::new();
        // The members of an enum or intEnum by their values (an enum member without
        // `@enumValue` has its name as its value).
        let mut values: HashMap<String, &str> = HashMap::new();
        for member in &shape.members {
            let member_id = shape.id.member(&member.name);
            traits::check(&member.traits, &member_id)?;
            if let Some(other) = seen.insert(member.name.to_ascii_lowercase(), &member.name) {
                return Err(Diagnostic::at(member_id, format!("conflicts with member `{other}`: member names must differ in more than letter case")));
            }
            let target = self.get(&member.target).ok_or_else(|| {
                Diagnostic::at(
                    member_id,
                    format!("target `{}` does not exist", member.target),
                )
            })?;
            if target.kind.is_entity() {
                return Err(Diagnostic::at(
                    member_id,
                    format!(
                        "targets the {} `{}`; a member must target a data shape",
                        target.kind.as_str(),
                        target.id
                    ),
                ));
            }
            if traits::has(&target.traits, traits::MIXIN) {
                return Err(Diagnostic::at(
                    member_id,
                    format!(
                        "targets the mixin `{}`; mixins cannot be targeted",
                        target.id
                    ),
                ));
            }
            if member.target == ShapeId::prelude("Unit")
                && !matches!(
                    shape.kind,
                    ShapeKind::Union | ShapeKind::Enum | ShapeKind::IntEnum
                )
            {
                return Err(Diagnostic::at(
                    member_id,
                    format!(
                        "targets `smithy.api#Unit`, which only union members may target; a {} member needs a data shape",
                        shape.kind.as_str()
                    ),
                ));
            }
            match shape.kind {
                ShapeKind::Enum | ShapeKind::IntEnum => {
                    if member.target != ShapeId::prelude("Unit") {
                        return Err(Diagnostic::at(
                            member_id,
                            "an enum member must target `smithy.api#Unit`",
                        ));
                    }
                    let value = traits::prelude(&member.traits, traits::ENUM_VALUE);
                    match (shape.kind, value) {
                        (ShapeKind::Enum, None | Some(Value::String(_))) => {}
                        (ShapeKind::IntEnum, Some(Value::Number(n))) if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => {}
                        (ShapeKind::IntEnum, _) => {
                            return Err(Diagnostic::at(member_id, "an intEnum member needs an integer `smithy.api#enumValue` that fits in 32 bits"))
                        }
                        _ => return Err(Diagnostic::at(member_id, "the `smithy.api#enumValue` of an enum member must be a string")),
                    }
                    let value = match value {
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
                }
                ShapeKind::Map
                    if member.name == "key"
                        && !matches!(target.kind, ShapeKind::String | ShapeKind::Enum) =>
                {
                    return Err(Diagnostic::at(
                        member_id,
                        format!(
                            "a map key must target a string or enum, not the {} `{}`",
                            target.kind.as_str(),
                            target.id
                        ),
                    ));
                }
                _ => {}
            }
        }
        match shape.kind {
            ShapeKind::List | ShapeKind::Set if shape.members.len() != 1 => Err(Diagnostic::at(
                &shape.id,
                format!("a {} needs a `member`", shape.kind.as_str()),
            )),
            ShapeKind::Map if shape.members.len() != 2 => Err(Diagnostic::at(
                &shape.id,
                "a map needs a `key` and a `value`",
            )),
            ShapeKind::Enum | ShapeKind::IntEnum if shape.members.is_empty() => {
                Err(Diagnostic::at(
                    &shape.id,
                    format!("an {} needs at least one member", shape.kind.as_str()),
                ))
            }
            _ => Ok(()),
        }
    }

    fn check_entity_references(&self, shape: &Shape) -> Result<()> {
        let expect = |field: &str, id: &ShapeId, kind: ShapeKind| -> Result<()> {
            match self.get(id) {
                None => Err(Diagnostic::at(
                    &shape.id,
                    format!("{field} `{id}` does not exist"),
                )),
                Some(found) if found.kind != kind => Err(Diagnostic::at(
                    &shape.id,
                    format!(
                        "{field} `{id}` is {}, not {}",
                        found.kind.with_article(),
                        kind.with_article()
                    ),
                )),
                Some(_) => Ok(()),
            }
        };
        let expect_error = |id: &ShapeId| -> Result<()> {
            expect("error", id, ShapeKind::Structure)?;
            if traits::error_kind(&self.shape(id).traits).is_none() {
                return Err(Diagnostic::at(
                    &shape.id,
                    format!("error `{id}` has no `smithy.api#error` trait"),
                ));
            }
            Ok(())
        };
        if let Some(service) = &shape.service {
            for id in &service.operations {
                expect("operation", id, ShapeKind::Operation)?;
            }
            for id in &service.resources {
                expect("resource", id, ShapeKind::Resource)?;
            }
            for id in &service.errors {
                expect_error(id)?;
            }
        }
        if let Some(operation) = &shape.operation {
            for (field, id) in [("input", &operation.input), ("output", &operation.output)] {
                if let Some(id) = id {
                    expect(field, id, ShapeKind::Structure)?;
                }
            }
            for id in &operation.errors {
                expect_error(id)?;
            }
        }
        if let Some(resource) = &shape.resource {
            for id in &resource.operations {
                expect("operation", id, ShapeKind::Operation)?;
            }
            for id in &resource.resources {
                expect("resource", id, ShapeKind::Resource)?;
            }
            for (name, id) in resource.identifiers.iter().chain(&resource.properties) {
                match self.get(id) {
                    Some(found) if !found.kind.is_entity() => {}
                    _ => {
                        return Err(Diagnostic::at(
                            &shape.id,
                            format!("`{name}` must target an existing data shape, not `{id}`"),
                        ))
                    }
                }
            }
        }
        Ok(())
    }
}

/// The simple shapes of the Smithy prelude, which models use without defining.
fn prelude_shapes() -> Vec<Shape> {
    let simple = |name: &str, kind: ShapeKind, default: Option<Value>| {
        let mut traits = Traits::new();
        if let Some(default) = default {
            traits.insert(ShapeId::prelude(traits::DEFAULT), default);
        }
        Shape {
            traits,
            ..Shape::new(ShapeId::prelude(name), kind)
        }
    };
    let mut shapes = vec![
        simple("String", ShapeKind::String, None),
        simple("Blob", ShapeKind::Blob, None),
        simple("BigInteger", ShapeKind::BigInteger, None),
        simple("BigDecimal", ShapeKind::BigDecimal, None),
        simple("Timestamp", ShapeKind::Timestamp, None),
        simple("Document", ShapeKind::Document, None),
        simple("Boolean", ShapeKind::Boolean, None),
        simple("Byte", ShapeKind::Byte, None),
        simple("Short", ShapeKind::Short, None),
        simple("Integer", ShapeKind::Integer, None),
        simple("Long", ShapeKind::Long, None),
        simple("Float", ShapeKind::Float, None),
        simple("Double", ShapeKind::Double, None),
        simple("PrimitiveBoolean", ShapeKind::Boolean, Some(json!(false))),
        simple("PrimitiveByte", ShapeKind::Byte, Some(json!(0))),
        simple("PrimitiveShort", ShapeKind::Short, Some(json!(0))),
        simple("PrimitiveInteger", ShapeKind::Integer, Some(json!(0))),
        simple("PrimitiveLong", ShapeKind::Long, Some(json!(0))),
        simple("PrimitiveFloat", ShapeKind::Float, Some(json!(0))),
        simple("PrimitiveDouble", ShapeKind::Double, Some(json!(0))),
    ];
    let mut unit = simple("Unit", ShapeKind::Structure, None);
    unit.traits.insert(ShapeId::prelude("unitType"), json!({}));
    shapes.push(unit);
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(shapes: Value) -> Result<Model> {
        let text = json!({ "smithy": "2.0", "shapes": shapes }).to_string();
        Model::build(crate::ast::parse(&text)?)
    }

    #[test]
    fn refuses_lists_and_maps_that_contain_themselves() {
        let err = build(json!({
            "a#L": { "type": "list", "member": { "target": "a#M" } },
            "a#M": {
                "type": "map",
                "key": { "target": "smithy.api#String" },
                "value": { "target": "a#L" }
            }
        }))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a#L: contains itself through list and map members alone; a recursive shape must pass through a structure or union"
        );
        build(json!({
            "a#L": { "type": "list", "member": { "target": "a#S" } },
            "a#S": { "type": "structure", "members": { "l": { "target": "a#L" } } }
        }))
        .expect("recursion through a structure is allowed");
    }

    #[test]
    fn only_union_members_target_unit() {
        let err = build(json!({
            "a#S": { "type": "structure", "members": { "x": { "target": "smithy.api#Unit" } } }
        }))
        .unwrap_err();
        assert_eq!(err.subject(), Some("a#S$x"));
        build(json!({
            "a#U": { "type": "union", "members": { "x": { "target": "smithy.api#Unit" } } }
        }))
        .expect("a union member may target Unit");
    }

    #[test]
    fn enum_values_are_unique_counting_member_names_as_values() {
        let unit = json!({ "target": "smithy.api#Unit" });
        let red =
            json!({ "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": "red" } });
        let err = build(json!({
            "a#E": { "type": "enum", "members": { "red": unit, "CRIMSON": red } }
        }))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a#E$CRIMSON: its value `red` is also the value of member `red`"
        );
        build(json!({
            "a#E": { "type": "enum", "members": { "RED": red, "red_value": unit } },
            "a#I": { "type": "intEnum", "members": {
                "ONE": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 1 } },
                "TWO": { "target": "smithy.api#Unit", "traits": { "smithy.api#enumValue": 2 } }
            } }
        }))
        .expect("distinct values");
    }
}
