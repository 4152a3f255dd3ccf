//! The paginator of a `@paginated` operation.

use std::collections::HashSet;

use serde_json::Value;

use super::{Lowering, RESERVED_BUILDER_METHODS};
use crate::ast::ShapeKind;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::*;
use crate::naming;
use crate::shape_id::ShapeId;
use crate::traits;

/// The fluent builder method of a `@paginated` operation that starts its paginator (with a
/// `_value` suffix when a member's builder method has the name).
const PAGINATOR_METHOD: &str = "into_paginator";

impl Lowering<'_> {
    /// The paginator of a `@paginated` operation: the trait's values (over the service's
    /// `@paginated` defaults) resolved to fields, each token a string, the items a list or map.
    pub(super) fn paginator(
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
}
