//! A structure's accessors, beside its public fields, as the AWS SDK for Rust has them: one
//! method per member, named like the field, that reads it without moving it (`msg.body()` gives
//! `Option<&str>`), and the note on members the generator renamed.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::{doc_lines, docs, ident, maybe_option, naming_label, rust_type};
use crate::ir::{Field, Presence, Structure, Type};

/// The note on a renamed member (empty for the others), for the field, its accessor and its
/// builder methods.
pub fn rename_note(f: &Field) -> String {
    match &f.renamed_from {
        Some(from) => format!(
            "\nThe member `{}` is named `{}` here, as in the AWS SDK for Rust: `{from}` is a \
             method the generated code has already.",
            f.wire_name,
            naming_label(&f.ident)
        ),
        None => String::new(),
    }
}

/// `impl S { accessors }`, or nothing when no field has an accessor. The types follow the SDK's
/// rules: numbers and booleans by value, strings as `&str`, lists as slices (an unset optional
/// list as an empty one), everything else by reference; optional members in an `Option`.
pub(super) fn accessors(s: &Structure) -> TokenStream {
    let name = ident(&s.name);
    let mut methods = Vec::new();
    let mut lints = Vec::new();
    for f in &s.fields {
        let Some(accessor) = &f.accessor else {
            continue;
        };
        lints.extend(
            clippy_lints(naming_label(accessor).as_str())
                .iter()
                .map(|lint| ident(lint)),
        );
        let method = ident(accessor);
        let field = ident(&f.ident);
        let optional = f.presence == Presence::Optional;
        let ty = rust_type(&f.ty);
        let mut doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
        doc.extend(doc_lines(&rename_note(f)));
        let (returns, body) = match (&f.ty, optional) {
            _ if f.boxed && optional => (
                quote! { ::std::option::Option<&#ty> },
                quote! { self.#field.as_deref() },
            ),
            _ if f.boxed => (quote! { &#ty }, quote! { &self.#field }),
            (ty_ @ (Type::Bool | Type::I8 | Type::I16 | Type::I32 | Type::I64), _)
            | (ty_ @ (Type::F32 | Type::F64), _) => {
                let copy = rust_type(ty_);
                let returns = if optional {
                    quote! { ::std::option::Option<#copy> }
                } else {
                    copy
                };
                (returns, quote! { self.#field })
            }
            (Type::String, true) => (
                quote! { ::std::option::Option<&str> },
                quote! { self.#field.as_deref() },
            ),
            (Type::String, false) => (quote! { &str }, quote! { self.#field.as_str() }),
            (Type::List { item, sparse }, _) => {
                let item = maybe_option(rust_type(item), *sparse);
                if optional {
                    doc.extend(doc_lines(&format!(
                        "\nAn empty slice when the member is not set; `.{}.is_none()` tells the two apart.",
                        naming_label(&f.ident)
                    )));
                    (
                        quote! { &[#item] },
                        quote! { self.#field.as_deref().unwrap_or_default() },
                    )
                } else {
                    (quote! { &[#item] }, quote! { self.#field.as_slice() })
                }
            }
            (_, true) => (
                quote! { ::std::option::Option<&#ty> },
                quote! { self.#field.as_ref() },
            ),
            (_, false) => (quote! { &#ty }, quote! { &self.#field }),
        };
        methods.push(quote! {
            #doc
            pub fn #method(&self) -> #returns {
                #body
            }
        });
    }
    if methods.is_empty() {
        return TokenStream::new();
    }
    lints.sort();
    lints.dedup();
    let allow = (!lints.is_empty()).then(|| {
        // Named after the model's members, whatever clippy expects of such names.
        quote! { #[allow( #( clippy::#lints ),* )] }
    });
    quote! {
        #allow
        impl #name {
            #( #methods )*
        }
    }
}

/// The clippy lints an accessor (`&self`, returning the member) named `name` sets off: clippy
/// expects `from_*` to take no `self`, `into_*` to take `self`, `len` to come with `is_empty`, and
/// methods named like std traits' to be those traits' (`next`, `hash`, ...).
fn clippy_lints(name: &str) -> Vec<&'static str> {
    /// The methods clippy's `should_implement_trait` knows that take `&self` alone.
    const TRAIT_METHODS: &[&str] = &["as_ref", "borrow", "clone", "deref", "hash", "next"];
    let mut lints = Vec::new();
    if name.starts_with("from_")
        || name.starts_with("into_")
        || (name.starts_with("to_") && name.ends_with("_mut"))
    {
        lints.push("wrong_self_convention");
    }
    if name == "len" {
        lints.push("len_without_is_empty");
    }
    if name == "new" {
        lints.push("new_ret_no_self");
    }
    if TRAIT_METHODS.contains(&name) {
        lints.push("should_implement_trait");
    }
    lints
}
