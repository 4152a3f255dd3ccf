//! The deserializers: each type a response carries, read from JSON.

use proc_macro2::TokenStream;
use quote::quote;

use super::Plan;
use crate::emit::{default_expr, ident, timestamp_format, type_path};
use crate::ir::{Named, Presence, Type, TypeRef};

pub(super) fn de_item(plan: &Plan, path: &TypeRef) -> TokenStream {
    let ty = type_path(path);
    let kind = plan.kind(path);
    let Some(codec) = kind.codec() else {
        // Enums are read inline.
        return quote! {};
    };
    let name = ident(&codec.de);
    match kind {
        Named::Structure(s) => {
            let fields = s.fields.iter().map(|f| {
                let field = ident(&f.ident);
                let wire = &f.wire_name;
                let parsed = de_expr(plan, &f.ty, quote! { value });
                let parsed = if f.boxed { quote! { #parsed.map(::std::boxed::Box::new) } } else { parsed };
                let parsed = quote! { #parsed.map_err(|e| e.at(#wire))? };
                let absent = match &f.presence {
                    Presence::Optional => None,
                    Presence::Default(default) => Some(default_expr(default)),
                    Presence::Required => Some(correction(plan, &f.ty)),
                };
                let absent = absent.map(|a| if f.boxed { quote! { ::std::boxed::Box::new(#a) } } else { a });
                match absent {
                    None => quote! {
                        #field: match crate::json::member(object, #wire) {
                            ::std::option::Option::Some(value) => ::std::option::Option::Some(#parsed),
                            ::std::option::Option::None => ::std::option::Option::None,
                        },
                    },
                    Some(absent) => quote! {
                        #field: match crate::json::member(object, #wire) {
                            ::std::option::Option::Some(value) => #parsed,
                            ::std::option::Option::None => #absent,
                        },
                    },
                }
            });
            let meta = s.error.as_ref().map(|e| {
                let meta = ident(&e.meta_field);
                quote! { #meta: ::std::default::Default::default(), }
            });
            let binding = if s.fields.is_empty() {
                quote! { _object }
            } else {
                quote! { object }
            };
            quote! {
                pub(crate) fn #name(value: &::serde_json::Value) -> ::std::result::Result<#ty, crate::json::DeError> {
                    let #binding = crate::json::object(value)?;
                    ::std::result::Result::Ok(#ty { #( #fields )* #meta })
                }
            }
        }
        Named::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.wire_name;
                match &v.ty {
                    None => quote! { #wire => #ty::#variant, },
                    Some(vty) => {
                        let parsed = de_expr(plan, vty, quote! { value });
                        let parsed = if v.boxed {
                            quote! { #parsed.map(::std::boxed::Box::new) }
                        } else {
                            parsed
                        };
                        quote! { #wire => #ty::#variant(#parsed.map_err(|e| e.at(#wire))?), }
                    }
                }
            });
            quote! {
                pub(crate) fn #name(value: &::serde_json::Value) -> ::std::result::Result<#ty, crate::json::DeError> {
                    let object = crate::json::object(value)?;
                    // The one member that is set; `__type` is a type hint some servers add.
                    let set = object.iter().find(|(name, value)| !value.is_null() && name.as_str() != crate::json::TYPE_MEMBER);
                    let ::std::option::Option::Some((name, value)) = set else {
                        return ::std::result::Result::Ok(#ty::Unknown);
                    };
                    let _ = value;
                    ::std::result::Result::Ok(match name.as_str() {
                        #( #arms )*
                        _ => #ty::Unknown,
                    })
                }
            }
        }
        Named::Enum(_) => quote! {},
    }
}

/// A `Result<T, DeError>` parsing `value` (a `&serde_json::Value`) as `ty`.
fn de_expr(plan: &Plan, ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::String => {
            quote! { crate::json::string(#value).map(::std::borrow::ToOwned::to_owned) }
        }
        Type::Bool => quote! { crate::json::boolean(#value) },
        Type::I8 => quote! { crate::json::integer::<i8>(#value) },
        Type::I16 => quote! { crate::json::integer::<i16>(#value) },
        Type::I32 => quote! { crate::json::integer::<i32>(#value) },
        Type::I64 => quote! { crate::json::integer::<i64>(#value) },
        Type::F32 => quote! { crate::json::float(#value).map(|f| f as f32) },
        Type::F64 => quote! { crate::json::float(#value) },
        Type::Timestamp { format } => {
            let format = timestamp_format(*format);
            quote! { crate::json::timestamp(#value, #format) }
        }
        Type::Blob => quote! { crate::json::blob(#value) },
        Type::Document => quote! { crate::json::document(#value) },
        Type::List { item, sparse } => {
            let parsed = de_expr(plan, item, quote! { item });
            let body = if *sparse {
                quote! {
                    items.iter().enumerate().map(|(index, item)| {
                        if item.is_null() {
                            ::std::result::Result::Ok(::std::option::Option::None)
                        } else {
                            #parsed.map(::std::option::Option::Some).map_err(|e| e.at_index(index))
                        }
                    }).collect()
                }
            } else {
                quote! {
                    items.iter().enumerate().filter(|(_, item)| !item.is_null())
                        .map(|(index, item)| #parsed.map_err(|e| e.at_index(index))).collect()
                }
            };
            quote! { crate::json::array(#value).and_then(|items| #body) }
        }
        Type::Map {
            key,
            value: value_ty,
            sparse,
        } => {
            let key = match &**key {
                Type::Named(path) => {
                    let key_ty = type_path(path);
                    quote! { #key_ty::from(key.as_str()) }
                }
                _ => quote! { key.clone() },
            };
            let parsed = de_expr(plan, value_ty, quote! { entry });
            let body = if *sparse {
                quote! {
                    entries.iter().map(|(key, entry)| {
                        let parsed = if entry.is_null() {
                            ::std::option::Option::None
                        } else {
                            ::std::option::Option::Some(#parsed.map_err(|e| e.at_index(key))?)
                        };
                        ::std::result::Result::Ok((#key, parsed))
                    }).collect()
                }
            } else {
                quote! {
                    entries.iter().filter(|(_, entry)| !entry.is_null())
                        .map(|(key, entry)| ::std::result::Result::Ok((#key, #parsed.map_err(|e| e.at_index(key))?)))
                        .collect()
                }
            };
            quote! { crate::json::object(#value).and_then(|entries| #body) }
        }
        Type::Named(path) => {
            let path_tokens = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => {
                    quote! { crate::json::integer::<i32>(#value).map(#path_tokens::from) }
                }
                Named::Enum(_) => quote! { crate::json::string(#value).map(#path_tokens::from) },
                _ => {
                    let f = plan.de_fn(path);
                    quote! { #f(#value) }
                }
            }
        }
    }
}

/// The value a client puts in a required member the server left out (Smithy's error correction):
/// the zero value of its type, so that a server omission never fails a call.
fn correction(plan: &Plan, ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::string::String::new() },
        Type::Bool => quote! { false },
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => quote! { 0 },
        Type::F32 | Type::F64 => quote! { 0.0 },
        Type::Timestamp { .. } => quote! { crate::primitives::DateTime::UNIX_EPOCH },
        Type::Blob => quote! { crate::primitives::Blob::default() },
        Type::Document => quote! { crate::primitives::Document::Null },
        Type::List { .. } => quote! { ::std::vec::Vec::new() },
        Type::Map { .. } => quote! { ::std::collections::HashMap::new() },
        Type::Named(path) => {
            let path_tokens = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => quote! { #path_tokens::from(0) },
                Named::Enum(_) => quote! { #path_tokens::from("") },
                Named::Union(_) => quote! { #path_tokens::Unknown },
                Named::Structure(_) => {
                    let f = plan.de_fn(path);
                    quote! { #f(&::serde_json::Value::Object(::serde_json::Map::new()))? }
                }
            }
        }
    }
}
