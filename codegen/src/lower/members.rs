//! The Rust names of a structure's members: the field (and its accessor), the builder methods,
//! and the renames that keep them clear of the methods the generator writes around them.
//!
//! The names are those of the AWS SDK for Rust (smithy-rs), so that code written against the SDK
//! reads the same here: the member's name in snake case with keywords escaped (`r#type`,
//! `self_`), and a `_value` suffix on exactly the members the SDK renames
//! ([`SDK_MEMBER_RENAMES`]: `build` becomes `build_value` for the field, its accessor and its
//! builder methods). A few more names are renamed because they would break or shadow generated
//! API ([`OWN_MEMBER_RENAMES`], and for builder methods alone [`super::RESERVED_BUILDER_METHODS`]);
//! no member of an official AWS model has one (`tests/tests/official_names.rs` checks it), so
//! they never make this crate's names differ from the SDK's.

use std::collections::{HashMap, HashSet};

use super::RESERVED_BUILDER_METHODS;
use crate::ast::Shape;
use crate::diagnostic::{Diagnostic, Result};
use crate::ir::Field;
use crate::naming;

/// Member names the AWS SDK for Rust renames with a `_value` suffix in every structure
/// (smithy-rs's `ClientReservedWords`): the structures' `builder()`, the builders' `build()`,
/// `Default::default`, the fluent builders' `send()` and `customize()`, the error structures'
/// `meta` field, and two functions of older SDKs (`make_operation`, `presigned`), kept so that the
/// names stay the SDK's.
pub const SDK_MEMBER_RENAMES: &[&str] = &[
    "build",
    "builder",
    "default",
    "send",
    "customize",
    "meta",
    "make_operation",
    "presigned",
];

/// Member names renamed here although the SDK keeps them: an accessor named `clone` would shadow
/// `Clone::clone` on the structure. No official AWS model has such a member.
pub const OWN_MEMBER_RENAMES: &[&str] = &["clone"];

/// The methods error structures have of their own: members named like them get no accessor (the
/// field stays public; `message()` is the message member's accessor anyway, as in the SDK).
const ERROR_METHODS: &[&str] = &["code", "message", "request_id", "fault"];

/// The builder method of error structures that sets the request id, unless a member takes it.
const REQUEST_ID_SETTER: &str = "request_id";

/// The field of each member of `shape`, in member order, and the name it was renamed from if it
/// was: snake case, escaped, with a `_value` suffix for the names in [`SDK_MEMBER_RENAMES`] and
/// [`OWN_MEMBER_RENAMES`] (more than one if a member already has that name). Two members with one
/// Rust name are refused.
pub(super) fn member_idents(shape: &Shape) -> Result<Vec<(String, Option<String>)>> {
    let renamed = |ident: &str| {
        let base = naming::unraw(ident);
        SDK_MEMBER_RENAMES.contains(&base) || OWN_MEMBER_RENAMES.contains(&base)
    };
    // Members keep their natural names first; the renamed ones then take a `_value` suffix that
    // no other member has.
    let mut taken: HashMap<String, &str> = HashMap::new();
    for member in &shape.members {
        let ident = naming::snake(&member.name);
        if renamed(&ident) {
            continue;
        }
        if let Some(other) = taken.insert(ident.clone(), &member.name) {
            return Err(Diagnostic::at(
                shape.id.member(&member.name),
                format!("its Rust name `{ident}` collides with that of member `{other}`"),
            ));
        }
    }
    let mut idents = Vec::new();
    for member in &shape.members {
        let natural = naming::snake(&member.name);
        if !renamed(&natural) {
            idents.push((natural, None));
            continue;
        }
        let mut ident = natural.clone();
        while taken.contains_key(&ident) || renamed(&ident) {
            ident = naming::snake_join(&[&ident, "value"]);
        }
        taken.insert(ident.clone(), &member.name);
        idents.push((ident, Some(natural)));
    }
    Ok(idents)
}

/// Chooses the builder methods of each field: `x`, `set_x`, `get_x`, with a `_value` suffix where
/// a name is reserved or already taken, so that no member can shadow `build` or `send`. Setters
/// named after the fields come first; for error structures, the request id setter comes last.
pub(super) fn assign_builder_methods(fields: &mut [Field], is_error: bool) -> Option<String> {
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

/// Gives each field its accessor, named like the field, except in error structures where the
/// structure has a method of that name already.
pub(super) fn assign_accessors(fields: &mut [Field], is_error: bool) {
    for field in fields.iter_mut() {
        let taken = is_error && ERROR_METHODS.contains(&naming::unraw(&field.ident));
        field.accessor = (!taken).then(|| field.ident.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The renames, listed: the SDK's, and ours beside them. A change to either list changes the
    /// crate's public names, so it must be deliberate.
    #[test]
    fn renames_are_the_sdks_and_one_of_ours() {
        assert_eq!(
            SDK_MEMBER_RENAMES,
            [
                "build",
                "builder",
                "default",
                "send",
                "customize",
                "meta",
                "make_operation",
                "presigned"
            ]
        );
        assert_eq!(OWN_MEMBER_RENAMES, ["clone"]);
        // The SDK keeps `input` (StartExecution's `.input(..)`) and `clone_from` (API Gateway's
        // `CreateRestApi`), so these are no builder method of ours.
        for kept in ["input", "clone_from"] {
            assert!(!RESERVED_BUILDER_METHODS.contains(&kept), "{kept}");
        }
    }
}
