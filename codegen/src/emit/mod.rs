//! Emitters: IR in, `TokenStream` out, one module per kind of generated item. They read names from
//! the IR and never look at the Smithy model.

pub mod cargo;
pub mod client;
pub mod codec;
pub mod compliance;
pub mod data;
pub mod example;
pub mod front_page;
pub mod krate;
pub mod lib_rs;
pub mod operation;
pub mod paginator;
pub mod rest;
pub mod waiter;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::docs::to_markdown;
use crate::ir::{DefaultValue, DocumentValue, Field, Presence, TimestampFormat, Type, TypeRef};

/// An identifier, raw when written `r#...`.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = "..."]` lines from model documentation, or from `fallback` when the model has none.
/// One attribute per line, so prettyplease prints `///` comments.
pub fn docs(model_docs: Option<&str>, fallback: &str) -> TokenStream {
    let text = model_docs
        .map(to_markdown)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| fallback.to_owned());
    doc_lines(&text)
}

/// `#[doc]` attributes for Markdown text written by the generator.
pub fn doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc]` attributes (module documentation, printed as `//!`).
pub fn inner_doc_lines(text: &str) -> TokenStream {
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #( #![doc = #lines] )* }
}

/// The path of a generated type: `crate::types::KmsKeyState`.
pub fn type_path(path: &TypeRef) -> TokenStream {
    let modules = path.module.iter().map(|m| ident(m));
    let name = ident(&path.name);
    quote! { crate #( :: #modules )* :: #name }
}

/// The Rust type of a value, with absolute std paths so model shapes named `String`, `Option`
/// or `Vec` cannot shadow anything.
pub fn rust_type(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::string::String },
        Type::Bool => quote! { bool },
        Type::I8 => quote! { i8 },
        Type::I16 => quote! { i16 },
        Type::I32 => quote! { i32 },
        Type::I64 => quote! { i64 },
        Type::F32 => quote! { f32 },
        Type::F64 => quote! { f64 },
        Type::Timestamp { .. } => quote! { crate::primitives::DateTime },
        Type::Blob => quote! { crate::primitives::Blob },
        Type::ByteStream => quote! { crate::primitives::ByteStream },
        Type::Document => quote! { crate::primitives::Document },
        Type::List { item, sparse } => {
            let item = maybe_option(rust_type(item), *sparse);
            quote! { ::std::vec::Vec<#item> }
        }
        Type::Map { key, value, sparse } => {
            let key = rust_type(key);
            let value = maybe_option(rust_type(value), *sparse);
            quote! { ::std::collections::HashMap<#key, #value> }
        }
        Type::Named(path) => type_path(path),
    }
}

/// The parameter type of a builder's setter for a value of `ty`, and the expression that turns
/// `input` into the value: `impl Into<...>` where a conversion is natural (`&str` for strings,
/// `SystemTime` for timestamps, bytes for blobs, plain values for documents).
pub fn setter_param(ty: &Type) -> (TokenStream, TokenStream) {
    let into = |target: TokenStream| {
        (
            quote! { impl ::std::convert::Into<#target> },
            quote! { input.into() },
        )
    };
    match ty {
        Type::String | Type::Timestamp { .. } | Type::Blob | Type::ByteStream | Type::Document => {
            into(rust_type(ty))
        }
        _ => (rust_type(ty), quote! { input }),
    }
}

fn maybe_option(ty: TokenStream, optional: bool) -> TokenStream {
    if optional {
        quote! { ::std::option::Option<#ty> }
    } else {
        ty
    }
}

/// The type of a field as stored in its structure: boxed if recursive, optional if it may be absent.
pub fn field_type(field: &Field) -> TokenStream {
    let mut ty = rust_type(&field.ty);
    if field.boxed {
        ty = quote! { ::std::boxed::Box<#ty> };
    }
    maybe_option(ty, field.presence == Presence::Optional)
}

/// `option` (an `Option` of the member's type) with the `@default` value filled in, written the
/// way clippy wants: `unwrap_or` for constants, `unwrap_or_default` for empty values, and
/// `unwrap_or_else` only where building the value allocates.
pub fn with_default(option: TokenStream, value: &DefaultValue) -> TokenStream {
    match value {
        DefaultValue::EmptyList | DefaultValue::EmptyMap => quote! { #option.unwrap_or_default() },
        DefaultValue::String(s) if s.is_empty() => quote! { #option.unwrap_or_default() },
        DefaultValue::Blob(bytes) if bytes.is_empty() => quote! { #option.unwrap_or_default() },
        DefaultValue::Document(DocumentValue::Null) => quote! { #option.unwrap_or_default() },
        // A boolean or number document is a plain constant: clippy wants it evaluated eagerly.
        DefaultValue::Document(DocumentValue::Bool(_) | DocumentValue::PosInt(_))
        | DefaultValue::Document(DocumentValue::NegInt(_) | DocumentValue::Float(_)) => {
            let value = default_expr(value);
            quote! { #option.unwrap_or(#value) }
        }
        DefaultValue::String(_) | DefaultValue::Blob(_) | DefaultValue::Document(_) => {
            let value = default_expr(value);
            quote! { #option.unwrap_or_else(|| #value) }
        }
        _ => {
            let value = default_expr(value);
            quote! { #option.unwrap_or(#value) }
        }
    }
}

/// The expression for a `@default` value.
pub fn default_expr(value: &DefaultValue) -> TokenStream {
    match value {
        DefaultValue::Bool(b) => quote! { #b },
        DefaultValue::Int(n) => {
            let literal = proc_macro2::Literal::i64_unsuffixed(*n);
            quote! { #literal }
        }
        DefaultValue::Float(n) => {
            let literal = proc_macro2::Literal::f64_unsuffixed(*n);
            quote! { #literal }
        }
        DefaultValue::String(s) => quote! { ::std::string::String::from(#s) },
        DefaultValue::EnumVariant(path, variant) => {
            let path = type_path(path);
            let variant = ident(variant);
            quote! { #path::#variant }
        }
        DefaultValue::EmptyList => quote! { ::std::vec::Vec::new() },
        DefaultValue::EmptyMap => quote! { ::std::collections::HashMap::new() },
        DefaultValue::Timestamp { secs, nanos } => {
            timestamp_expr(*secs, *nanos, &quote! { crate::primitives })
        }
        DefaultValue::Blob(bytes) => blob_expr(bytes, &quote! { crate::primitives }),
        DefaultValue::Document(document) => document_expr(document, &quote! { crate::primitives }),
    }
}

/// `crate::primitives::TimestampFormat::EpochSeconds` and the like.
pub fn timestamp_format(format: TimestampFormat) -> TokenStream {
    let variant = ident(match format {
        TimestampFormat::DateTime => "DateTime",
        TimestampFormat::HttpDate => "HttpDate",
        TimestampFormat::EpochSeconds => "EpochSeconds",
    });
    quote! { crate::primitives::TimestampFormat::#variant }
}

/// A `DateTime` expression; `primitives` is the path of the crate's `primitives` module.
pub fn timestamp_expr(secs: i64, nanos: u32, primitives: &TokenStream) -> TokenStream {
    let secs = proc_macro2::Literal::i64_unsuffixed(secs);
    if nanos == 0 {
        quote! { #primitives::DateTime::from_secs(#secs) }
    } else {
        let nanos = proc_macro2::Literal::u32_unsuffixed(nanos);
        quote! { #primitives::DateTime::from_secs_and_nanos(#secs, #nanos) }
    }
}

/// A `Blob` expression: `Blob::from(b"...")`.
pub fn blob_expr(bytes: &[u8], primitives: &TokenStream) -> TokenStream {
    let bytes = proc_macro2::Literal::byte_string(bytes);
    quote! { #primitives::Blob::from(#bytes) }
}

/// A `Document` expression.
pub fn document_expr(value: &DocumentValue, primitives: &TokenStream) -> TokenStream {
    let document = quote! { #primitives::Document };
    let number = |n: TokenStream| quote! { #document::Number(#n) };
    match value {
        DocumentValue::Null => quote! { #document::Null },
        DocumentValue::Bool(b) => quote! { #document::Bool(#b) },
        DocumentValue::PosInt(n) => {
            let n = proc_macro2::Literal::u64_suffixed(*n);
            number(quote! { #primitives::Number::PosInt(#n) })
        }
        DocumentValue::NegInt(n) => {
            let n = proc_macro2::Literal::i64_suffixed(*n);
            number(quote! { #primitives::Number::NegInt(#n) })
        }
        DocumentValue::Float(n) => {
            let n = proc_macro2::Literal::f64_suffixed(*n);
            number(quote! { #primitives::Number::Float(#n) })
        }
        DocumentValue::String(s) => quote! { #document::String(::std::string::String::from(#s)) },
        DocumentValue::Array(items) if items.is_empty() => {
            quote! { #document::Array(::std::vec::Vec::new()) }
        }
        DocumentValue::Array(items) => {
            let items = items.iter().map(|item| document_expr(item, primitives));
            quote! { #document::Array(::std::vec::Vec::from([ #( #items ),* ])) }
        }
        DocumentValue::Object(members) if members.is_empty() => {
            quote! { #document::Object(::std::collections::HashMap::new()) }
        }
        DocumentValue::Object(members) => {
            let members = members.iter().map(|(name, member)| {
                let member = document_expr(member, primitives);
                quote! { (::std::string::String::from(#name), #member) }
            });
            quote! { #document::Object(::std::collections::HashMap::from([ #( #members ),* ])) }
        }
    }
}

/// `Debug` for a struct-like item, with sensitive fields shown as a redaction marker.
/// `access` gives the expression for a field's value (e.g. `self.name`).
pub fn debug_impl(
    type_name: &TokenStream,
    label: &str,
    whole_sensitive: bool,
    fields: &[(String, TokenStream, bool, bool)],
) -> TokenStream {
    let body = if whole_sensitive {
        quote! { f.debug_tuple(#label).field(&crate::sensitive::Redacted).finish() }
    } else {
        let lines = fields.iter().map(|(name, access, sensitive, optional)| match (sensitive, optional) {
            (false, _) => quote! { s.field(#name, &#access); },
            (true, false) => quote! { s.field(#name, &crate::sensitive::Redacted); },
            (true, true) => quote! { s.field(#name, &#access.as_ref().map(|_| crate::sensitive::Redacted)); },
        });
        quote! {
            let mut s = f.debug_struct(#label);
            #( #lines )*
            s.finish()
        }
    };
    quote! {
        impl ::std::fmt::Debug for #type_name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #body
            }
        }
    }
}

/// The name a field shows in `Debug`: its Rust name without `r#`.
pub fn naming_label(field_ident: &str) -> String {
    crate::naming::unraw(field_ident).to_owned()
}

/// Methods of std's operator traits that a builder setter (`fn add(mut self, input) -> Self`) can
/// look like to clippy's `should_implement_trait`.
const OPERATOR_METHODS: &[&str] = &[
    "add", "sub", "mul", "div", "rem", "shl", "shr", "bitand", "bitor", "bitxor",
];

/// `#[allow(clippy::should_implement_trait)]` for a setter named like an operator trait's method
/// (ECS's `KernelCapabilities$add`): it keeps the member's name, as the AWS SDK for Rust does,
/// rather than implement `Add`. Nothing for any other name.
pub fn setter_lint_allow(setter: &str) -> TokenStream {
    if OPERATOR_METHODS.contains(&setter) {
        quote! { #[allow(clippy::should_implement_trait)] }
    } else {
        quote! {}
    }
}
