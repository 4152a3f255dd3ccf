//! The serializers: each type a request carries, written as JSON.

use proc_macro2::TokenStream;
use quote::quote;

use super::Plan;
use crate::emit::{ident, timestamp_format, type_path};
use crate::ir::{Named, Presence, Type, TypeRef};

pub(super) fn ser_item(plan: &Plan, path: &TypeRef) -> TokenStream {
    let ty = type_path(path);
    let kind = plan.kind(path);
    let Some(codec) = kind.codec() else {
        // Enums are written inline.
        return quote! {};
    };
    let name = ident(&codec.ser);
    match kind {
        Named::Structure(s) => {
            let fields = s.fields.iter().map(|f| {
                let field = ident(&f.ident);
                let wire = &f.wire_name;
                if f.presence == Presence::Optional {
                    let value = ser_expr(plan, &f.ty, quote! { value });
                    quote! {
                        if let ::std::option::Option::Some(value) = &input.#field {
                            object.insert(#wire.to_owned(), #value);
                        }
                    }
                } else {
                    let value = ser_expr(plan, &f.ty, quote! { value });
                    quote! {
                        let value = &input.#field;
                        object.insert(#wire.to_owned(), #value);
                    }
                }
            });
            let binding = if s.fields.is_empty() {
                quote! { _input }
            } else {
                quote! { input }
            };
            let mutable = if s.fields.is_empty() {
                quote! {}
            } else {
                quote! { mut }
            };
            quote! {
                pub(crate) fn #name(#binding: &#ty) -> ::serde_json::Value {
                    let #mutable object = ::serde_json::Map::new();
                    #( #fields )*
                    ::serde_json::Value::Object(object)
                }
            }
        }
        Named::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.wire_name;
                match &v.ty {
                    None => quote! { #ty::#variant => (#wire, ::serde_json::Value::Object(::serde_json::Map::new())), },
                    Some(vty) => {
                        let value = ser_expr(plan, vty, quote! { value });
                        quote! { #ty::#variant(value) => (#wire, #value), }
                    }
                }
            });
            quote! {
                pub(crate) fn #name(input: &#ty) -> ::serde_json::Value {
                    let (member, value) = match input {
                        #( #arms )*
                        #ty::Unknown => return ::serde_json::Value::Object(::serde_json::Map::new()),
                    };
                    let mut object = ::serde_json::Map::new();
                    object.insert(member.to_owned(), value);
                    ::serde_json::Value::Object(object)
                }
            }
        }
        Named::Enum(_) => quote! {},
    }
}

/// The function `ser_expr` calls on a `&ty` alone, when it is just that call.
fn ser_item_fn(plan: &Plan, ty: &Type) -> Option<TokenStream> {
    match ty {
        Type::Blob => Some(quote! { crate::json::blob_value }),
        Type::Document => Some(quote! { crate::json::document_value }),
        Type::Named(path) => match plan.kind(path) {
            Named::Enum(_) => None,
            _ => {
                let f = plan.ser_fn(path);
                Some(quote! { #f })
            }
        },
        _ => None,
    }
}

/// A `serde_json::Value` for `value`, a reference to a value of type `ty`.
fn ser_expr(plan: &Plan, ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::String => {
            quote! { ::serde_json::Value::String(::std::string::String::clone(#value)) }
        }
        Type::Bool => quote! { ::serde_json::Value::Bool(*#value) },
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            quote! { ::serde_json::Value::from(*#value) }
        }
        Type::F32 => quote! { crate::json::float_value(f64::from(*#value)) },
        Type::F64 => quote! { crate::json::float_value(*#value) },
        Type::Timestamp { format } => {
            let format = timestamp_format(*format);
            quote! { crate::json::timestamp_value(#value, #format) }
        }
        Type::Blob => quote! { crate::json::blob_value(#value) },
        Type::Document => quote! { crate::json::document_value(#value) },
        Type::List { item, sparse } => {
            let item_value = ser_expr(plan, item, quote! { item });
            let item_value = if *sparse {
                quote! { match item { ::std::option::Option::Some(item) => #item_value, ::std::option::Option::None => ::serde_json::Value::Null } }
            } else {
                item_value
            };
            // A function that takes the item as is needs no closure (`clippy::redundant_closure`).
            match (sparse, ser_item_fn(plan, item)) {
                (false, Some(f)) => {
                    quote! { ::serde_json::Value::Array(#value.iter().map(#f).collect()) }
                }
                _ => {
                    quote! { ::serde_json::Value::Array(#value.iter().map(|item| #item_value).collect()) }
                }
            }
        }
        Type::Map {
            key,
            value: value_ty,
            sparse,
        } => {
            let key = match &**key {
                Type::Named(_) => quote! { key.as_str().to_owned() },
                _ => quote! { key.clone() },
            };
            let entry = ser_expr(plan, value_ty, quote! { entry });
            let entry = if *sparse {
                quote! { match entry { ::std::option::Option::Some(entry) => #entry, ::std::option::Option::None => ::serde_json::Value::Null } }
            } else {
                entry
            };
            quote! { ::serde_json::Value::Object(#value.iter().map(|(key, entry)| (#key, #entry)).collect()) }
        }
        Type::Named(path) => match plan.kind(path) {
            Named::Enum(e) if e.int => quote! { ::serde_json::Value::from(#value.as_i32()) },
            Named::Enum(_) => quote! { ::serde_json::Value::String(#value.as_str().to_owned()) },
            _ => {
                let f = plan.ser_fn(path);
                quote! { #f(#value) }
            }
        },
    }
}
