//! Rust expressions for the typed values of compliance cases.

use proc_macro2::TokenStream;
use quote::quote;

use super::Context;
use crate::compliance::{Built, Value, Zero};
use crate::emit::{blob_expr, document_expr, ident, timestamp_expr};

impl Context<'_> {
    /// The expression for `value`.
    pub(super) fn value(&self, value: &Value) -> TokenStream {
        match value {
            Value::String(s) => quote! { ::std::string::String::from(#s) },
            Value::Bool(b) => quote! { #b },
            Value::I8(n) => number(&format!("{n}i8")),
            Value::I16(n) => number(&format!("{n}i16")),
            Value::I32(n) => number(&format!("{n}i32")),
            Value::I64(n) => number(&format!("{n}i64")),
            Value::F32(f) => float("f32", f64::from(*f), &format!("{f:?}f32")),
            Value::F64(f) => float("f64", *f, &format!("{f:?}f64")),
            Value::Timestamp { secs, nanos } => timestamp_expr(*secs, *nanos, &self.primitives()),
            Value::Blob(bytes) => blob_expr(bytes, &self.primitives()),
            Value::Stream(bytes) => {
                let primitives = self.primitives();
                let bytes = proc_macro2::Literal::byte_string(bytes);
                quote! { #primitives::ByteStream::from(#bytes.to_vec()) }
            }
            Value::Document(document) => document_expr(document, &self.primitives()),
            Value::List(items) if items.is_empty() => quote! { ::std::vec::Vec::new() },
            Value::List(items) => {
                let items = items.iter().map(|item| self.value(item));
                quote! { ::std::vec::Vec::from([ #( #items ),* ]) }
            }
            Value::Map(entries) if entries.is_empty() => {
                quote! { ::std::collections::HashMap::new() }
            }
            Value::Map(entries) => {
                let entries = entries.iter().map(|(key, value)| {
                    let key = self.value(key);
                    let value = self.value(value);
                    quote! { (#key, #value) }
                });
                quote! { ::std::collections::HashMap::from([ #( #entries ),* ]) }
            }
            Value::Sparse(None) => quote! { ::std::option::Option::None },
            Value::Sparse(Some(inner)) => {
                let inner = self.value(inner);
                quote! { ::std::option::Option::Some(#inner) }
            }
            Value::Boxed(inner) => {
                let inner = self.value(inner);
                quote! { ::std::boxed::Box::new(#inner) }
            }
            Value::StringEnum { path, value } => {
                let rust = self.path(path);
                quote! { #rust::from(#value) }
            }
            Value::IntEnum { path, value } => {
                let rust = self.path(path);
                let n = number(&format!("{value}i32"));
                quote! { #rust::from(#n) }
            }
            Value::Structure(built) => self.built(built),
            Value::Union {
                path,
                variant,
                value,
            } => {
                let rust = self.path(path);
                let name = ident(variant);
                match value {
                    None => quote! { #rust::#name },
                    Some(inner) => {
                        let inner = self.value(inner);
                        quote! { #rust::#name(#inner) }
                    }
                }
            }
            Value::Zero(zero) => {
                let primitives = self.primitives();
                match zero {
                    Zero::String => quote! { ::std::string::String::new() },
                    Zero::F32 => quote! { 0f32 },
                    Zero::F64 => quote! { 0f64 },
                    Zero::Timestamp => quote! { #primitives::DateTime::UNIX_EPOCH },
                    Zero::Blob => quote! { #primitives::Blob::default() },
                    Zero::Stream => quote! { #primitives::ByteStream::default() },
                }
            }
        }
    }

    /// `Type::builder().member(..)...build()`, with `.expect(..)` when building can fail.
    fn built(&self, built: &Built) -> TokenStream {
        let rust = self.path(&built.path);
        let setters = built.setters.iter().map(|(setter, value)| {
            let setter = ident(setter);
            let value = self.value(value);
            quote! { .#setter(#value) }
        });
        let call = quote! { #rust::builder() #( #setters )* .build() };
        if built.fallible {
            let message = format!("the test's `{}` builds", built.name);
            quote! { #call.expect(#message) }
        } else {
            call
        }
    }
}

/// A float: `f32::NAN`, `f32::INFINITY` and `f32::NEG_INFINITY` for the values without a
/// literal, else `literal`.
fn float(ty: &str, value: f64, literal: &str) -> TokenStream {
    let special = if value.is_nan() {
        "NAN"
    } else if value == f64::INFINITY {
        "INFINITY"
    } else if value == f64::NEG_INFINITY {
        "NEG_INFINITY"
    } else {
        return number(literal);
    };
    let ty = ident(ty);
    let special = ident(special);
    quote! { #ty::#special }
}

/// Tokens for a numeric literal with its suffix, a leading `-` included.
fn number(text: &str) -> TokenStream {
    text.parse()
        .expect("a formatted number is valid Rust tokens")
}
