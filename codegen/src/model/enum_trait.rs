//! Smithy 1.0's `@enum` trait (`smithy.api#enum`) on string shapes, checked as Smithy's own
//! validators check it and turned into the Smithy 2.0 enum shape it stands for, so that every
//! later stage knows one kind of string enum.
//!
//! The conversion is Smithy's own (`EnumShape.fromStringShape` with names synthesized): each
//! definition becomes a member targeting `smithy.api#Unit` with its value as `@enumValue`, its
//! `documentation` as `@documentation`, `deprecated: true` as `@deprecated` and its `tags` as
//! `@tags`. A definition's `name` is the member's name; without names (all or none have one), the
//! name is the value with each run of other characters than ASCII letters, digits and `_` made
//! one `_` (`us-east-1` → `us_east_1`, as Smithy synthesizes it, so the Rust variant is
//! `UsEast1`).

use std::collections::{HashMap, HashSet};

use serde_json::{json, Map, Value};

use crate::ast::{json_kind, Member, Shape, ShapeKind};
use crate::diagnostic::{Diagnostic, Result};
use crate::shape_id::ShapeId;
use crate::traits;

/// The trait's name in the prelude.
const ENUM: &str = "enum";

/// Turns a string shape with `@enum` into an enum shape, after checking the trait; refuses the
/// trait anywhere else (Smithy applies it to string shapes only, not to enum shapes or members).
pub(super) fn normalise(shape: &mut Shape) -> Result<()> {
    for member in &shape.members {
        if traits::prelude(&member.traits, ENUM).is_some() {
            return Err(Diagnostic::at(
                shape.id.member(&member.name),
                "trait `smithy.api#enum` applies to string shapes only, not to members",
            ));
        }
    }
    let Some(value) = shape.traits.remove(&ShapeId::prelude(ENUM)) else {
        return Ok(());
    };
    if shape.kind != ShapeKind::String {
        return Err(Diagnostic::at(
            &shape.id,
            format!(
                "trait `smithy.api#enum` applies to string shapes only, not to {}",
                shape.kind.with_article()
            ),
        ));
    }
    let definitions = definitions(&value)
        .map_err(|why| Diagnostic::at(&shape.id, format!("trait `smithy.api#enum`: {why}")))?;
    shape.members = members(&definitions)
        .map_err(|why| Diagnostic::at(&shape.id, format!("trait `smithy.api#enum`: {why}")))?;
    shape.kind = ShapeKind::Enum;
    Ok(())
}

/// One entry of the trait's list.
struct Definition {
    value: String,
    name: Option<String>,
    documentation: Option<String>,
    deprecated: bool,
    tags: Option<Value>,
}

/// The definitions, each checked against the prelude's `EnumDefinition` structure.
fn definitions(value: &Value) -> std::result::Result<Vec<Definition>, String> {
    let list = match value {
        Value::Array(list) if !list.is_empty() => list,
        Value::Array(_) => return Err("the list of enum definitions is empty".to_owned()),
        other => {
            return Err(format!(
                "the value must be a list of enum definitions, found {}",
                json_kind(other)
            ))
        }
    };
    list.iter()
        .enumerate()
        .map(|(i, item)| {
            let Value::Object(object) = item else {
                return Err(format!(
                    "the enum definition at index {i} must be an object, found {}",
                    json_kind(item)
                ));
            };
            definition(object).map_err(|why| format!("the enum definition at index {i}: {why}"))
        })
        .collect()
}

fn definition(object: &Map<String, Value>) -> std::result::Result<Definition, String> {
    let value = match object.get("value") {
        Some(Value::String(value)) if !value.is_empty() => value.clone(),
        Some(other) => {
            return Err(format!(
                "`value` must be a non-empty string, found {}",
                if other.is_string() {
                    "an empty string"
                } else {
                    json_kind(other)
                }
            ))
        }
        None => return Err("`value` is missing".to_owned()),
    };
    let text = |field: &str| match object.get(field) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(format!(
            "`{field}` of value `{value}` must be a string, found {}",
            json_kind(other)
        )),
    };
    let name = text("name")?;
    if let Some(name) = &name {
        if !is_enum_name(name) {
            return Err(format!("the name `{name}` of value `{value}` is not an identifier (it must match `^[a-zA-Z_]+[a-zA-Z_0-9]*$`)"));
        }
    }
    let deprecated = match object.get("deprecated") {
        None => false,
        Some(Value::Bool(deprecated)) => *deprecated,
        Some(other) => {
            return Err(format!(
                "`deprecated` of value `{value}` must be a boolean, found {}",
                json_kind(other)
            ))
        }
    };
    let tags = match object.get("tags") {
        None => None,
        Some(Value::Array(tags))
            if tags
                .iter()
                .all(|t| t.as_str().is_some_and(|t| !t.is_empty())) =>
        {
            Some(Value::Array(tags.clone()))
        }
        Some(_) => {
            return Err(format!(
                "`tags` of value `{value}` must be a list of non-empty strings"
            ))
        }
    };
    Ok(Definition {
        documentation: text("documentation")?,
        value,
        name,
        deprecated,
        tags,
    })
}

/// The prelude's `EnumDefinitionName`: `^[a-zA-Z_]+[a-zA-Z_0-9]*$`.
fn is_enum_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The enum members, after the checks of Smithy's `EnumTraitValidator`: values and names unique,
/// and either every definition named or none.
fn members(definitions: &[Definition]) -> std::result::Result<Vec<Member>, String> {
    let mut values: HashSet<&str> = HashSet::new();
    for d in definitions {
        if !values.insert(&d.value) {
            return Err(format!("the value `{}` is defined twice", d.value));
        }
    }
    let named = definitions.iter().filter(|d| d.name.is_some()).count();
    if named > 0 && named < definitions.len() {
        let unnamed = definitions
            .iter()
            .find(|d| d.name.is_none())
            .expect("some definition has no name");
        return Err(format!(
            "the value `{}` has no `name` while others have one; when one definition has a `name`, all must",
            unnamed.value
        ));
    }
    // Member names by lower case: Smithy refuses member names that differ in case alone.
    let mut names: HashMap<String, &Definition> = HashMap::new();
    let mut members = Vec::new();
    for d in definitions {
        let name = d.name.clone().unwrap_or_else(|| name_from_value(&d.value));
        if let Some(other) = names.insert(name.to_ascii_lowercase(), d) {
            return Err(match &d.name {
                Some(_) if other.name.as_deref() == Some(&name) => {
                    format!("the name `{name}` is defined twice")
                }
                Some(_) => format!(
                    "the names `{}` and `{name}` differ in letter case alone",
                    other.name.as_deref().unwrap_or_default()
                ),
                None => format!(
                    "the values `{}` and `{}` give the same member name `{name}`; give every definition a `name`",
                    other.value, d.value
                ),
            });
        }
        let mut traits = crate::ast::Traits::new();
        traits.insert(ShapeId::prelude(traits::ENUM_VALUE), json!(d.value));
        if let Some(docs) = &d.documentation {
            traits.insert(ShapeId::prelude(traits::DOCUMENTATION), json!(docs));
        }
        if d.deprecated {
            traits.insert(ShapeId::prelude("deprecated"), json!({}));
        }
        if let Some(tags) = &d.tags {
            traits.insert(ShapeId::prelude("tags"), tags.clone());
        }
        members.push(Member {
            name,
            target: ShapeId::prelude("Unit"),
            traits,
        });
    }
    Ok(members)
}

/// The member name Smithy synthesizes for a definition without one: each run of characters other
/// than ASCII letters, digits and `_` becomes one `_` (`us-east-1` → `us_east_1`).
fn name_from_value(value: &str) -> String {
    let mut name = String::with_capacity(value.len());
    let mut gap = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            if gap {
                name.push('_');
                gap = false;
            }
            name.push(c);
        } else {
            gap = true;
        }
    }
    if gap {
        name.push('_');
    }
    name
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{name_from_value, normalise};
    use crate::ast::{Shape, ShapeKind};
    use crate::shape_id::ShapeId;
    use crate::traits;

    fn string_with(definitions: Value) -> Shape {
        let mut shape = Shape::new(ShapeId::parse("a#S").unwrap(), ShapeKind::String);
        shape.traits.insert(ShapeId::prelude("enum"), definitions);
        shape
    }

    fn refusal(definitions: Value) -> String {
        normalise(&mut string_with(definitions))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn definitions_become_enum_members() {
        let mut shape = string_with(json!([
            { "value": "t2.micro", "name": "T2_MICRO", "documentation": "Small.", "tags": ["a"] },
            { "value": "old", "name": "OLD", "deprecated": true }
        ]));
        normalise(&mut shape).unwrap();
        assert_eq!(shape.kind, ShapeKind::Enum);
        assert!(traits::prelude(&shape.traits, "enum").is_none());
        let names: Vec<&str> = shape.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["T2_MICRO", "OLD"]);
        let first = &shape.members[0].traits;
        assert_eq!(
            traits::prelude(first, traits::ENUM_VALUE),
            Some(&json!("t2.micro"))
        );
        assert_eq!(traits::documentation(first), Some("Small."));
        assert_eq!(traits::prelude(first, "tags"), Some(&json!(["a"])));
        assert!(!traits::has(first, "deprecated"));
        assert!(traits::has(&shape.members[1].traits, "deprecated"));

        let mut unnamed = string_with(json!([{ "value": "us-east-1" }, { "value": "2b" }]));
        normalise(&mut unnamed).unwrap();
        let names: Vec<&str> = unnamed.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["us_east_1", "2b"]);
    }

    #[test]
    fn names_from_values_as_smithy_synthesizes_them() {
        assert_eq!(name_from_value("us-east-1"), "us_east_1");
        assert_eq!(name_from_value("a.b:c/d e"), "a_b_c_d_e");
        assert_eq!(name_from_value("a -- b"), "a_b");
        assert_eq!(name_from_value("-x-"), "_x_");
        assert_eq!(name_from_value("Under_score"), "Under_score");
    }

    #[test]
    fn refuses_what_smithy_refuses() {
        let at = |definitions| refusal(definitions);
        assert_eq!(
            at(json!([{ "value": "A", "name": "A" }, { "value": "B" }])),
            "a#S: trait `smithy.api#enum`: the value `B` has no `name` while others have one; when one definition has a `name`, all must"
        );
        assert_eq!(
            at(json!([{ "value": "A" }, { "value": "A" }])),
            "a#S: trait `smithy.api#enum`: the value `A` is defined twice"
        );
        assert_eq!(
            at(json!([{ "value": "A", "name": "X" }, { "value": "B", "name": "X" }])),
            "a#S: trait `smithy.api#enum`: the name `X` is defined twice"
        );
        assert_eq!(
            at(json!([{ "value": "A", "name": "1X" }])),
            "a#S: trait `smithy.api#enum`: the enum definition at index 0: the name `1X` of value `A` is not an identifier (it must match `^[a-zA-Z_]+[a-zA-Z_0-9]*$`)"
        );
        assert_eq!(
            at(json!([{ "value": "" }])),
            "a#S: trait `smithy.api#enum`: the enum definition at index 0: `value` must be a non-empty string, found an empty string"
        );
        assert_eq!(
            at(json!([])),
            "a#S: trait `smithy.api#enum`: the list of enum definitions is empty"
        );
        assert_eq!(
            at(json!({ "A": {} })),
            "a#S: trait `smithy.api#enum`: the value must be a list of enum definitions, found an object"
        );
        assert_eq!(
            at(json!([{ "value": "A", "deprecated": "yes" }])),
            "a#S: trait `smithy.api#enum`: the enum definition at index 0: `deprecated` of value `A` must be a boolean, found a string"
        );
        assert_eq!(
            at(json!([{ "value": "a-b" }, { "value": "a.b" }])),
            "a#S: trait `smithy.api#enum`: the values `a-b` and `a.b` give the same member name `a_b`; give every definition a `name`"
        );
        let mut integer = string_with(json!([{ "value": "A" }]));
        integer.kind = ShapeKind::Integer;
        assert_eq!(
            normalise(&mut integer).unwrap_err().to_string(),
            "a#S: trait `smithy.api#enum` applies to string shapes only, not to an integer"
        );
    }
}
