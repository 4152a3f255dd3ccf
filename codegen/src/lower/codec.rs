//! The names of the codec functions (`crate::codec`) that write and read each structure and union
//! as JSON.
//!
//! The rule: `ser_` or `de_` and the type's name in snake case, `ser_send_task_failure_input`,
//! `de_invalid_token` (for `types::error::InvalidToken`), `ser_widget` (for `types::Widget`).
//! When types of several modules have that name in common (a model can rename a structure and an
//! error alike, or have a structure named like the input an operation gets of its own),
//! `crate::types` keeps it and the others put their module's last part in front: `de_error_x` for
//! `types::error::X`, `ser_op_x` for `operation::op::X`. A name still taken after that (say by a
//! structure named `ErrorX`) gets a number, `_2`, `_3`, ..., in the order of the types' paths. So
//! the names depend on the crate's types alone, and no two types share one.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::Lowering;
use crate::ast::ShapeKind;
use crate::ir::{CodecFns, TypeRef};
use crate::naming;

/// The codec functions of each of `paths` (structures and unions), by the rule above.
pub(super) fn codec_fns<'a>(
    paths: impl IntoIterator<Item = &'a TypeRef>,
) -> BTreeMap<TypeRef, CodecFns> {
    let paths: BTreeSet<&TypeRef> = paths.into_iter().collect();
    let own_name = |path: &TypeRef| naming::snake(&path.name);
    let mut sharing: HashMap<String, usize> = HashMap::new();
    for path in &paths {
        *sharing.entry(own_name(path)).or_default() += 1;
    }
    let mut taken: HashSet<String> = HashSet::new();
    let mut names = BTreeMap::new();
    for path in paths {
        let own = own_name(path);
        let wanted = match path.module.last() {
            Some(module) if sharing[&own] > 1 && path.module != ["types"] => {
                naming::snake_join(&[module, &own])
            }
            _ => naming::snake_join(&[&own]),
        };
        let mut name = wanted.clone();
        let mut number = 1;
        while !taken.insert(name.clone()) {
            number += 1;
            name = naming::snake_join(&[&wanted, &number.to_string()]);
        }
        names.insert(
            path.clone(),
            CodecFns {
                ser: naming::snake_join(&["ser", &name]),
                de: naming::snake_join(&["de", &name]),
            },
        );
    }
    names
}

impl Lowering<'_> {
    /// The paths of every structure and union of the crate: the placed shapes, and the inputs and
    /// outputs of the operations (`<Op>Input`, `<Op>Output`).
    pub(super) fn codec_paths(&self) -> Vec<TypeRef> {
        let mut paths: Vec<TypeRef> = self
            .paths
            .iter()
            .filter(|(id, _)| {
                matches!(
                    self.model.shape(id).kind,
                    ShapeKind::Structure | ShapeKind::Union
                )
            })
            .map(|(_, path)| path.clone())
            .collect();
        for op in &self.selection.operations {
            for kind in ["Input", "Output"] {
                paths.push(self.own_io_path(op, kind));
            }
        }
        paths
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(module: &[&str], name: &str) -> TypeRef {
        TypeRef {
            module: module.iter().map(|m| (*m).to_owned()).collect(),
            name: name.to_owned(),
        }
    }

    /// The serializer of each path, in the order given.
    fn ser(paths: &[TypeRef]) -> Vec<String> {
        let names = codec_fns(paths);
        paths.iter().map(|p| names[p].ser.clone()).collect()
    }

    #[test]
    fn names_read_as_the_type() {
        let paths = [
            path(&["operation", "send_task_failure"], "SendTaskFailureInput"),
            path(&["types", "error"], "InvalidToken"),
            path(&["types"], "Widget"),
            path(&["types"], "KmsKeyState"),
            path(&["types"], "Type"),
            path(&["types"], "Self_"),
            path(&["types"], "V1Gb"),
        ];
        assert_eq!(
            ser(&paths),
            [
                "ser_send_task_failure_input",
                "ser_invalid_token",
                "ser_widget",
                "ser_kms_key_state",
                "ser_type",
                "ser_self",
                "ser_v1_gb",
            ]
        );
        let names = codec_fns(&paths);
        assert_eq!(names[&paths[1]].de, "de_invalid_token");
    }

    #[test]
    fn shared_names_take_their_module() {
        let paths = [
            path(&["types"], "Thing"),
            path(&["types", "error"], "Thing"),
            path(&["operation", "get_thing"], "Thing"),
            path(&["types"], "GetThingInput"),
            path(&["operation", "get_thing"], "GetThingInput"),
            path(&["operation", "type_"], "TypeInput"),
            path(&["operation", "other"], "TypeInput"),
        ];
        assert_eq!(
            ser(&paths),
            [
                "ser_thing",
                "ser_error_thing",
                "ser_get_thing_thing",
                "ser_get_thing_input",
                "ser_get_thing_get_thing_input",
                "ser_type_type_input",
                "ser_other_type_input",
            ]
        );
    }

    #[test]
    fn names_still_taken_get_a_number_in_path_order() {
        // `types::ErrorX` comes first in path order and keeps `error_x`.
        let paths = [
            path(&["types", "error"], "X"),
            path(&["types"], "X"),
            path(&["types"], "ErrorX"),
        ];
        assert_eq!(ser(&paths), ["ser_error_x_2", "ser_x", "ser_error_x"]);
        // The same names whatever the order the paths come in.
        let mut reversed = paths.clone();
        reversed.reverse();
        assert_eq!(ser(&reversed), ["ser_error_x", "ser_x", "ser_error_x_2"]);
    }
}
