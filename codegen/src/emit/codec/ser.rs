//! The serializers: each type a request carries, written as JSON text straight into the body
//! by a `crate::json::Writer` (no `serde_json::Value` in between).
//!
//! Members are written in model order. Optional members are written only when set; required
//! and `@default` members always.

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
            // Members bound to the HTTP message (restJson1) are not in the body (`emit/rest`).
            let body_fields: Vec<_> = s.fields.iter().filter(|f| f.http.is_none()).collect();
            let fields = body_fields.iter().map(|f| {
                let field = ident(&f.ident);
                let wire = &f.json_name;
                let write = ser_value(plan, &f.ty, quote! { value });
                if f.presence == Presence::Optional {
                    quote! {
                        if let ::std::option::Option::Some(value) = &input.#field {
                            w.key(#wire);
                            #write
                        }
                    }
                } else {
                    quote! {
                        let value = &input.#field;
                        w.key(#wire);
                        #write
                    }
                }
            });
            let binding = if body_fields.is_empty() {
                quote! { _input }
            } else {
                quote! { input }
            };
            quote! {
                pub(crate) fn #name(w: &mut crate::json::Writer, #binding: &#ty) {
                    w.begin_object();
                    #( #fields )*
                    w.end_object();
                }
            }
        }
        Named::Union(u) => {
            let arms = u.variants.iter().map(|v| {
                let variant = ident(&v.name);
                let wire = &v.json_name;
                match &v.ty {
                    None => quote! {
                        #ty::#variant => {
                            w.key(#wire);
                            w.begin_object();
                            w.end_object();
                        }
                    },
                    Some(vty) => {
                        let write = ser_value(plan, vty, quote! { value });
                        quote! {
                            #ty::#variant(value) => {
                                w.key(#wire);
                                #write
                            }
                        }
                    }
                }
            });
            // An unknown variant (read from a response) has nothing to send: `{}`.
            quote! {
                pub(crate) fn #name(w: &mut crate::json::Writer, input: &#ty) {
                    w.begin_object();
                    match input {
                        #( #arms )*
                        #ty::Unknown => {}
                    }
                    w.end_object();
                }
            }
        }
        Named::Enum(_) => quote! {},
    }
}

/// Statements writing `value`, a reference to a value of type `ty`, with the writer `w`.
fn ser_value(plan: &Plan, ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::String => quote! { w.string(#value); },
        Type::Bool => quote! { w.boolean(*#value); },
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => quote! { w.integer(*#value); },
        Type::F32 => quote! { w.float(f64::from(*#value)); },
        Type::F64 => quote! { w.float(*#value); },
        Type::Timestamp { format } => {
            let format = timestamp_format(*format);
            quote! { w.timestamp(#value, #format); }
        }
        Type::Blob => quote! { w.blob(#value); },
        Type::ByteStream => {
            unreachable!("streams are payloads (checked when lowering), never in a JSON body")
        }
        Type::Document => quote! { w.document(#value); },
        Type::List { item, sparse } => {
            let write = ser_value(plan, item, quote! { item });
            let write = if *sparse {
                quote! {
                    match item {
                        ::std::option::Option::Some(item) => { #write }
                        ::std::option::Option::None => w.null(),
                    }
                }
            } else {
                write
            };
            quote! {
                w.begin_array();
                for item in #value {
                    #write
                }
                w.end_array();
            }
        }
        Type::Map {
            key,
            value: value_ty,
            sparse,
        } => {
            let key = match &**key {
                Type::Named(_) => quote! { key.as_str() },
                _ => quote! { key },
            };
            let write = ser_value(plan, value_ty, quote! { entry });
            let write = if *sparse {
                quote! {
                    match entry {
                        ::std::option::Option::Some(entry) => { #write }
                        ::std::option::Option::None => w.null(),
                    }
                }
            } else {
                write
            };
            quote! {
                w.begin_object();
                for (key, entry) in #value {
                    w.key(#key);
                    #write
                }
                w.end_object();
            }
        }
        Type::Named(path) => match plan.kind(path) {
            Named::Enum(e) if e.int => quote! { w.integer(#value.as_i32()); },
            Named::Enum(_) => quote! { w.string(#value.as_str()); },
            _ => {
                let f = plan.ser_fn(path);
                quote! { #f(w, #value); }
            }
        },
    }
}
