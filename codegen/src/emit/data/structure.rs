//! A structure: its fields (with their serde attributes), `builder()`, redacting `Debug`, and for
//! an error structure its metadata field and impls (`error.rs`). The builder is `builder.rs`'s,
//! made apart (callers put builders in a `builders` module).

use proc_macro2::TokenStream;
use quote::quote;

use super::{accessor, error, service_default_doc, SENSITIVE_MEMBER_DOC, SENSITIVE_TYPE_DOC};
use crate::emit::{debug_impl, doc_lines, docs, field_type, ident, naming_label};
use crate::ir::{Presence, Structure, Type};

/// `#[derive(Clone, PartialEq)]`, unless a field is a `ByteStream` (a body read once, as in
/// the AWS SDK, whose streaming inputs and outputs are neither `Clone` nor `PartialEq`).
fn comparable_derive(s: &Structure) -> TokenStream {
    if crate::ir::holds_stream(&s.fields) {
        quote! {}
    } else {
        quote! { #[derive(::std::clone::Clone, ::std::cmp::PartialEq)] }
    }
}

/// A structure with its impls. `module` is the path of the module holding the structure, e.g.
/// `crate::types`, whose `builders` module holds its builder ([`super::builder`]).
pub fn structure(s: &Structure, module: &TokenStream) -> TokenStream {
    let name = ident(&s.name);
    let builder = ident(&s.builder);
    let mut doc = docs(s.docs.as_deref(), &format!("The `{}` structure.", s.name));
    if s.sensitive {
        doc.extend(doc_lines(SENSITIVE_TYPE_DOC));
    }
    let mut fields = Vec::new();
    let mut debug_fields = Vec::new();
    for f in &s.fields {
        let field = ident(&f.ident);
        let ty = field_type(f);
        let mut doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
        if f.sensitive && !s.sensitive {
            doc.extend(doc_lines(SENSITIVE_MEMBER_DOC));
        }
        if let Some(default) = &f.service_default {
            doc.extend(doc_lines(&service_default_doc(default)));
        }
        doc.extend(doc_lines(&accessor::rename_note(f)));
        let serde_attr = if f.ty == Type::ByteStream {
            // A stream is read, not stored: left out, and empty when deserialized.
            quote! { #[cfg_attr(feature = "serde", serde(skip))] }
        } else {
            serde_field(&f.wire_name, f.presence == Presence::Optional)
        };
        fields.push(quote! { #doc #serde_attr pub #field: #ty, });
        debug_fields.push((
            naming_label(&f.ident),
            quote! { self.#field },
            f.sensitive,
            f.presence == Presence::Optional,
        ));
    }
    let mut extra_impl = TokenStream::new();
    if let Some(error) = &s.error {
        let meta = ident(&error.meta_field);
        fields.push(quote! {
            /// Response metadata, such as the request id. Read it with `request_id()`.
            #[cfg_attr(feature = "serde", serde(skip))]
            pub(crate) #meta: crate::error::ErrorMetadata,
        });
        debug_fields.push(error::request_id_debug_field(error));
        extra_impl = error::impls(s, error);
    }
    let debug = debug_impl(&quote! { #name }, &s.name, s.sensitive, &debug_fields);
    let accessors = accessor::accessors(s);
    let builder_doc = doc_lines(&format!("A builder for [`{}`].", s.name));
    let derive = comparable_derive(s);
    quote! {
        #doc
        #[non_exhaustive]
        #derive
        #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize))]
        pub struct #name {
            #( #fields )*
        }
        impl #name {
            #builder_doc
            pub fn builder() -> #module::builders::#builder {
                ::std::default::Default::default()
            }
        }
        #accessors
        #debug
        #extra_impl
    }
}

/// The serde attribute of a structure field (with the `serde` feature): its wire name, and for an
/// `Option`, left out when `None` and `None` when missing.
fn serde_field(wire_name: &str, optional: bool) -> TokenStream {
    if optional {
        quote! {
            #[cfg_attr(feature = "serde", serde(rename = #wire_name, default, skip_serializing_if = "::std::option::Option::is_none"))]
        }
    } else {
        quote! { #[cfg_attr(feature = "serde", serde(rename = #wire_name))] }
    }
}
