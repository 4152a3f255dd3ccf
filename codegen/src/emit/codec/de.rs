//! The deserializers: each type a response carries, read straight from the JSON text with the
//! runtime's pull reader (`crate::json::Reader`), one member at a time. No tree of values is
//! built: a structure's members go into locals as they come and the structure is assembled at
//! the end; unknown members are checked and skipped; `null` reads as absent.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::Plan;
use crate::emit::{default_expr, ident, timestamp_format, type_path};
use crate::ir::{DefaultValue, DocumentValue, Named, Presence, Type, TypeRef};

pub(super) fn de_item(plan: &Plan, path: &TypeRef) -> TokenStream {
    let ty = type_path(path);
    let kind = plan.kind(path);
    let Some(codec) = kind.codec() else {
        // Enums are read inline.
        return quote! {};
    };
    let name = ident(&codec.de);
    let body = match kind {
        Named::Structure(s) => {
            // One local per member, `None` until the member is read.
            let locals: Vec<_> = (0..s.fields.len())
                .map(|i| format_ident!("member_{}", i))
                .collect();
            // Members bound to the HTTP message (restJson1) are not in the body: the operation's
            // decoder sets them from the answer's headers or status (`emit/rest`).
            let in_body = |f: &&crate::ir::Field| f.http.is_none();
            let body_locals: Vec<_> = s
                .fields
                .iter()
                .zip(&locals)
                .filter(|(f, _)| in_body(f))
                .map(|(_, local)| local)
                .collect();
            let arms = s
                .fields
                .iter()
                .zip(&locals)
                .filter(|(f, _)| in_body(f))
                .map(|(f, local)| {
                    let wire = &f.json_name;
                    let read = de_fn(plan, &f.ty);
                    quote! {
                        #wire => #local = reader.nullable(#read).map_err(|e| e.at(#wire))?,
                    }
                });
            let fields = s.fields.iter().zip(&locals).map(|(f, local)| {
                let field = ident(&f.ident);
                if f.http.is_some() {
                    return quote! { #field: ::std::default::Default::default(), };
                }
                let value = match &f.presence {
                    Presence::Optional => quote! { #local },
                    Presence::Default(default) => absent_default(default).fill(local),
                    Presence::Required => correction(plan, &f.ty).fill(local),
                };
                let value = match (&f.presence, f.boxed) {
                    (_, false) => value,
                    (Presence::Optional, true) => quote! { #value.map(::std::boxed::Box::new) },
                    (_, true) => quote! { ::std::boxed::Box::new(#value) },
                };
                quote! { #field: #value, }
            });
            let meta = s.error.as_ref().map(|e| {
                let meta = ident(&e.meta_field);
                quote! { #meta: ::std::default::Default::default(), }
            });
            let read = if body_locals.is_empty() {
                quote! { reader.object(|reader, _| reader.skip())?; }
            } else {
                quote! {
                    #( let mut #body_locals = ::std::option::Option::None; )*
                    reader.object(|reader, member| {
                        match member {
                            #( #arms )*
                            _ => reader.skip()?,
                        }
                        ::std::result::Result::Ok(())
                    })?;
                }
            };
            quote! {
                #read
                ::std::result::Result::Ok(#ty { #( #fields )* #meta })
            }
        }
        Named::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.json_name;
                match &v.ty {
                    None => quote! { #wire => { reader.skip()?; #ty::#variant } },
                    Some(vty) => {
                        let read = de_expr(plan, vty);
                        let read = if v.boxed {
                            quote! { #read.map(::std::boxed::Box::new) }
                        } else {
                            read
                        };
                        quote! { #wire => #ty::#variant(#read.map_err(|e| e.at(#wire))?), }
                    }
                }
            });
            quote! {
                // The first member that is set; `__type` is a type hint some servers add.
                let mut set = ::std::option::Option::None;
                reader.object(|reader, member| {
                    if set.is_some() || member == crate::json::TYPE_MEMBER {
                        return reader.skip();
                    }
                    if reader.null()? {
                        return ::std::result::Result::Ok(());
                    }
                    set = ::std::option::Option::Some(match member {
                        #( #arms )*
                        _ => {
                            reader.skip()?;
                            #ty::Unknown
                        }
                    });
                    ::std::result::Result::Ok(())
                })?;
                ::std::result::Result::Ok(set.unwrap_or(#ty::Unknown))
            }
        }
        Named::Enum(_) => return quote! {},
    };
    quote! {
        pub(crate) fn #name(reader: &mut crate::json::Reader<'_>) -> ::std::result::Result<#ty, crate::json::DeError> {
            #body
        }
    }
}

/// What reads a value of `ty` from a reader: the decoder's function itself when there is one
/// (a closure calling it would be `clippy::redundant_closure`), or a closure.
fn de_fn(plan: &Plan, ty: &Type) -> TokenStream {
    if let Type::Named(path) = ty {
        if !matches!(plan.kind(path), Named::Enum(_)) {
            let f = plan.de_fn(path);
            return quote! { #f };
        }
    }
    let read = de_expr(plan, ty);
    quote! { |reader| #read }
}

/// A `Result<T, DeError>` reading the next value from `reader` (a `&mut crate::json::Reader`) as
/// `ty`. The value is not `null`: callers read `null` themselves (as absent, or as a sparse
/// collection's `None`).
fn de_expr(plan: &Plan, ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote! { reader.string() },
        Type::Bool => quote! { reader.boolean() },
        Type::I8 => quote! { reader.integer::<i8>() },
        Type::I16 => quote! { reader.integer::<i16>() },
        Type::I32 => quote! { reader.integer::<i32>() },
        Type::I64 => quote! { reader.integer::<i64>() },
        Type::F32 => quote! { reader.float().map(|f| f as f32) },
        Type::F64 => quote! { reader.float() },
        Type::Timestamp { format } => {
            let format = timestamp_format(*format);
            quote! { reader.timestamp(#format) }
        }
        Type::Blob => quote! { reader.blob() },
        Type::ByteStream => {
            unreachable!("streams are payloads (checked when lowering), never in a JSON body")
        }
        Type::Document => quote! { reader.document() },
        Type::List { item, sparse } => {
            let read = de_fn(plan, item);
            if *sparse {
                quote! { reader.sparse_list(#read) }
            } else {
                quote! { reader.list(#read) }
            }
        }
        Type::Map {
            key,
            value: value_ty,
            sparse,
        } => {
            let key = match &**key {
                Type::Named(path) => {
                    // A closure, not the `From::from` item: the item is tied to one
                    // lifetime of `&str`, and the reader lends each key for its own.
                    let key_ty = type_path(path);
                    quote! { |key: &str| #key_ty::from(key) }
                }
                _ => quote! { ::std::borrow::ToOwned::to_owned },
            };
            let read = de_fn(plan, value_ty);
            if *sparse {
                quote! { reader.sparse_map(#key, #read) }
            } else {
                quote! { reader.map(#key, #read) }
            }
        }
        Type::Named(path) => {
            let path_tokens = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => {
                    quote! { reader.integer::<i32>().map(#path_tokens::from) }
                }
                Named::Enum(_) => {
                    quote! { reader.str().map(|text| #path_tokens::from(text.as_ref())) }
                }
                _ => {
                    let f = plan.de_fn(path);
                    quote! { #f(reader) }
                }
            }
        }
    }
}

/// What a structure's member that was not in the document gets, and how: written as the
/// idiomatic call for each kind of value (`unwrap_or_default()`, `unwrap_or(CONST)`,
/// `unwrap_or_else(|| call())`), which is also what clippy asks of generated code.
enum Absent {
    /// The type's `Default`.
    Default,
    /// A constant or a constructor of constants.
    Eager(TokenStream),
    /// A call.
    Lazy(TokenStream),
    /// A call that can fail (`?`).
    Fallible(TokenStream),
}

impl Absent {
    /// The member's value, from `local` (an `Option` of it).
    fn fill(self, local: &proc_macro2::Ident) -> TokenStream {
        match self {
            Absent::Default => quote! { #local.unwrap_or_default() },
            Absent::Eager(value) => quote! { #local.unwrap_or(#value) },
            Absent::Lazy(value) => quote! { #local.unwrap_or_else(|| #value) },
            Absent::Fallible(value) => quote! {
                match #local { ::std::option::Option::Some(value) => value, ::std::option::Option::None => #value }
            },
        }
    }
}

/// A member's `@default`, when the document left the member out.
fn absent_default(default: &DefaultValue) -> Absent {
    let value = default_expr(default);
    match default {
        DefaultValue::Bool(false) | DefaultValue::EmptyList | DefaultValue::EmptyMap => {
            Absent::Default
        }
        DefaultValue::Int(0) => Absent::Default,
        DefaultValue::Float(n) if *n == 0.0 && n.is_sign_positive() => Absent::Default,
        DefaultValue::String(s) if s.is_empty() => Absent::Default,
        DefaultValue::Blob(bytes) if bytes.is_empty() => Absent::Default,
        DefaultValue::Bool(_)
        | DefaultValue::Int(_)
        | DefaultValue::Float(_)
        | DefaultValue::EnumVariant(..) => Absent::Eager(value),
        DefaultValue::Document(document) => match document {
            DocumentValue::Null
            | DocumentValue::Bool(_)
            | DocumentValue::PosInt(_)
            | DocumentValue::NegInt(_)
            | DocumentValue::Float(_) => Absent::Eager(value),
            _ => Absent::Lazy(value),
        },
        DefaultValue::String(_) | DefaultValue::Timestamp { .. } | DefaultValue::Blob(_) => {
            Absent::Lazy(value)
        }
    }
}

/// The value a client puts in a required member the server left out (Smithy's error correction):
/// the zero value of its type, so that a server omission never fails a call.
fn correction(plan: &Plan, ty: &Type) -> Absent {
    match ty {
        Type::String
        | Type::Bool
        | Type::I8
        | Type::I16
        | Type::I32
        | Type::I64
        | Type::F32
        | Type::F64
        | Type::Blob
        | Type::ByteStream
        | Type::List { .. }
        | Type::Map { .. } => Absent::Default,
        Type::Timestamp { .. } => Absent::Eager(quote! { crate::primitives::DateTime::UNIX_EPOCH }),
        Type::Document => Absent::Eager(quote! { crate::primitives::Document::Null }),
        Type::Named(path) => {
            let path_tokens = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => Absent::Lazy(quote! { #path_tokens::from(0) }),
                Named::Enum(_) => Absent::Lazy(quote! { #path_tokens::from("") }),
                Named::Union(_) => Absent::Eager(quote! { #path_tokens::Unknown }),
                Named::Structure(_) => {
                    let f = plan.de_fn(path);
                    Absent::Fallible(quote! { #f(&mut crate::json::Reader::new("{}"))? })
                }
            }
        }
    }
}
