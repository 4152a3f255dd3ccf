//! `crate::codec`: a JSON serializer for every type a request carries and a deserializer for every
//! type a response carries (AWS JSON 1.0 and 1.1 encode data the same way). Only the directions
//! the operations need are generated, so nothing is dead code.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{default_expr, ident, timestamp_format, type_path};
use crate::ir::{CodecFns, Crate, Named, Presence, Type, TypeRef};

/// All named types by path, and which need a serializer or a deserializer.
struct Plan<'a> {
    named: BTreeMap<TypeRef, Named<'a>>,
    ser: BTreeSet<TypeRef>,
    de: BTreeSet<TypeRef>,
}

impl<'a> Plan<'a> {
    fn new(krate: &'a Crate) -> Self {
        let named = krate.named_types();
        let mut plan = Self {
            named,
            ser: BTreeSet::new(),
            de: BTreeSet::new(),
        };
        let inputs: Vec<TypeRef> = krate
            .operations
            .iter()
            .map(|op| op.input_path.clone())
            .collect();
        let outputs: Vec<TypeRef> = krate
            .operations
            .iter()
            .map(|op| op.output_path.clone())
            .chain(
                krate
                    .operations
                    .iter()
                    .flat_map(|op| op.errors.iter().map(|e| e.ty.clone())),
            )
            .collect();
        plan.ser = plan.reach(inputs);
        plan.de = plan.reach(outputs);
        plan
    }

    /// Every named type reachable from `roots` through fields, variants, lists and maps.
    fn reach(&self, roots: Vec<TypeRef>) -> BTreeSet<TypeRef> {
        let mut seen = BTreeSet::new();
        let mut work = roots;
        while let Some(path) = work.pop() {
            if !seen.insert(path.clone()) {
                continue;
            }
            let mut types: Vec<&Type> = Vec::new();
            match self.named.get(&path) {
                Some(Named::Structure(s)) => types.extend(s.fields.iter().map(|f| &f.ty)),
                Some(Named::Union(u)) => {
                    types.extend(u.variants.iter().filter_map(|v| v.ty.as_ref()))
                }
                _ => {}
            }
            for ty in types {
                collect_named(ty, &mut work);
            }
        }
        seen
    }

    fn kind(&self, path: &TypeRef) -> Named<'a> {
        self.named[path]
    }

    /// The codec functions of a structure or union, as the lowering named them.
    fn codec(&self, path: &TypeRef) -> &'a CodecFns {
        self.kind(path)
            .codec()
            .expect("only structures and unions have codec functions")
    }

    fn ser_fn(&self, path: &TypeRef) -> proc_macro2::Ident {
        ident(&self.codec(path).ser)
    }

    fn de_fn(&self, path: &TypeRef) -> proc_macro2::Ident {
        ident(&self.codec(path).de)
    }
}

fn collect_named(ty: &Type, out: &mut Vec<TypeRef>) {
    match ty {
        Type::List { item, .. } => collect_named(item, out),
        Type::Map { key, value, .. } => {
            collect_named(key, out);
            collect_named(value, out);
        }
        Type::Named(path) => out.push(path.clone()),
        _ => {}
    }
}

pub fn codec_file(krate: &Crate) -> TokenStream {
    let plan = Plan::new(krate);
    let mut items = Vec::new();
    for path in &plan.ser {
        items.push(ser_item(&plan, path));
    }
    for path in &plan.de {
        items.push(de_item(&plan, path));
    }
    quote! {
        //! JSON serializers for what requests carry and deserializers for what responses carry.
        #( #items )*
    }
}

fn ser_item(plan: &Plan, path: &TypeRef) -> TokenStream {
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

fn de_item(plan: &Plan, path: &TypeRef) -> TokenStream {
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
