//! restJson1's response side: `http_response_<op>` (the output from the answer's body or
//! payload, headers and status) and, for error structures with header-bound members, their
//! decoders (`http_de_<error>`).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::codec::Plan;
use super::super::{ident, timestamp_format, type_path};
use super::{has_body_fields, payload, response_fn};
use crate::ir::{Field, HttpBinding, Named, Operation, Presence, Type};

/// `http_response_<op>`.
pub(in crate::emit) fn response_item(plan: &Plan, op: &Operation) -> TokenStream {
    let name = response_fn(op);
    let output_ty = type_path(&op.output_path);
    let fields = &op.output.fields;
    let body = if let Some(f) = payload(fields) {
        payload_read(plan, f)
    } else if has_body_fields(fields) {
        let de = ident(&op.output.codec.de);
        quote! { let body = crate::orchestrator::decode_output(operation, answer, crate::codec::#de)?; }
    } else {
        quote! { let _ = answer; }
    };
    let values = fields.iter().map(|f| {
        let member = ident(&f.ident);
        let value = match &f.http {
            None => quote! { body.#member },
            Some(HttpBinding::Payload { .. }) => quote! { payload_value },
            Some(HttpBinding::ResponseCode) => match f.presence {
                Presence::Optional => quote! { ::std::option::Option::Some(i32::from(status)) },
                _ => quote! { i32::from(status) },
            },
            Some(HttpBinding::Header { name, timestamp, base64 }) => {
                let read = header_read(plan, &f.ty, name, *timestamp, *base64, &quote! { &headers });
                fill(f, quote! { #read.map_err(|e| crate::rest::invalid_header(operation, status, &request_id, e))? })
            }
            Some(HttpBinding::PrefixHeaders { prefix }) => fill(
                f,
                quote! {
                    ::std::option::Option::Some(crate::rest::prefix_headers(&headers, #prefix).map_err(|e| crate::rest::invalid_header(operation, status, &request_id, e))?).filter(|map| !map.is_empty())
                },
            ),
            // Input bindings on an output member are ignored: the member is in the body.
            Some(_) => quote! { body.#member },
        };
        let value = if f.boxed {
            match f.presence {
                Presence::Optional => quote! { #value.map(::std::boxed::Box::new) },
                _ => quote! { ::std::boxed::Box::new(#value) },
            }
        } else {
            value
        };
        quote! { #member: #value, }
    });
    quote! {
        #[allow(unused_variables)]
        pub(crate) fn #name(operation: &crate::orchestrator::OperationSpec, mut answer: crate::orchestrator::Answer) -> ::std::result::Result<#output_ty, crate::error::RequestError> {
            let headers = ::std::mem::take(&mut answer.headers);
            let status = answer.status;
            let request_id = answer.request_id.clone();
            #body
            ::std::result::Result::Ok(#output_ty { #( #values )* })
        }
    }
}

/// Statements reading the payload of `answer` into `payload` (an `Option`, or the value when the
/// field is not optional).
fn payload_read(plan: &Plan, f: &Field) -> TokenStream {
    let read = match &f.ty {
        // The body as it arrives: the application reads it.
        Type::ByteStream => quote! { answer.stream.take() },
        Type::Blob => quote! {
            (!answer.body.is_empty()).then(|| crate::primitives::Blob::new(::std::mem::take(&mut answer.body)))
        },
        Type::String => quote! {
            if answer.body.is_empty() {
                ::std::option::Option::None
            } else {
                ::std::option::Option::Some(::std::string::String::from_utf8(::std::mem::take(&mut answer.body)).map_err(|_| crate::rest::invalid_payload(operation, status, &request_id, "the body is not UTF-8 text"))?)
            }
        },
        Type::Document => quote! {
            if answer.body.is_empty() {
                ::std::option::Option::None
            } else {
                ::std::option::Option::Some(crate::rest::read_document(operation, answer)?)
            }
        },
        Type::Named(path) => match plan.kind(path) {
            Named::Enum(_) => {
                let ty = type_path(path);
                quote! {
                    if answer.body.is_empty() {
                        ::std::option::Option::None
                    } else {
                        let text = ::std::string::String::from_utf8(::std::mem::take(&mut answer.body)).map_err(|_| crate::rest::invalid_payload(operation, status, &request_id, "the body is not UTF-8 text"))?;
                        ::std::option::Option::Some(#ty::from(text.as_str()))
                    }
                }
            }
            _ => {
                let de = plan.de_fn(path);
                quote! {
                    if answer.body.iter().all(u8::is_ascii_whitespace) {
                        ::std::option::Option::None
                    } else {
                        ::std::option::Option::Some(crate::orchestrator::decode_output(operation, answer, crate::codec::#de)?)
                    }
                }
            }
        },
        _ => unreachable!("payload types are checked when lowering"),
    };
    let read = fill(f, read);
    quote! { let payload_value = #read; }
}

/// `value`, an `Option` of the field's value, as the field holds it.
fn fill(f: &Field, value: TokenStream) -> TokenStream {
    match f.presence {
        Presence::Optional => value,
        _ => quote! { #value.unwrap_or_default() },
    }
}

/// An expression reading header `name` as `ty`: `Result<Option<T>, DeError>`.
fn header_read(
    plan: &Plan,
    ty: &Type,
    name: &str,
    timestamp: crate::ir::TimestampFormat,
    base64: bool,
    headers: &TokenStream,
) -> TokenStream {
    match ty {
        Type::List { item, .. } => {
            let split = if matches!(**item, Type::Timestamp { .. })
                && timestamp == crate::ir::TimestampFormat::HttpDate
            {
                quote! { crate::rest::header_text(#headers, #name).map(|text| text.map(crate::rest::split_http_dates)) }
            } else {
                quote! { crate::rest::header_list_items(#headers, #name) }
            };
            let parse = item_parse(plan, item, name, timestamp);
            quote! {
                #split.and_then(|items| items.map(|items| items.iter().map(|item| #parse).collect::<::std::result::Result<::std::vec::Vec<_>, _>>()).transpose())
            }
        }
        Type::String if base64 => quote! {
            crate::rest::header_text(#headers, #name).and_then(|text| text.map(|text| crate::rest::base64_text(#name, text)).transpose())
        },
        Type::String => {
            quote! { crate::rest::header_text(#headers, #name).map(|text| text.map(::std::borrow::ToOwned::to_owned)) }
        }
        Type::Bool => quote! { crate::rest::header_bool(#headers, #name) },
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            let rty = super::super::rust_type(ty);
            quote! { crate::rest::header_parse::<#rty>(#headers, #name, "an integer") }
        }
        Type::F32 | Type::F64 => {
            let rty = super::super::rust_type(ty);
            quote! { crate::rest::header_parse::<#rty>(#headers, #name, "a number") }
        }
        Type::Timestamp { .. } => {
            let format = timestamp_format(timestamp);
            quote! { crate::rest::header_timestamp(#headers, #name, #format) }
        }
        Type::Named(path) => {
            let ty = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => {
                    quote! { crate::rest::header_parse::<i32>(#headers, #name, "an integer").map(|v| v.map(#ty::from)) }
                }
                _ => {
                    quote! { crate::rest::header_text(#headers, #name).map(|text| text.map(#ty::from)) }
                }
            }
        }
        _ => unreachable!("header types are checked when lowering"),
    }
}

/// An expression parsing list item `item` (a `&String`) as `ty`: `Result<T, DeError>`.
fn item_parse(
    plan: &Plan,
    ty: &Type,
    name: &str,
    timestamp: crate::ir::TimestampFormat,
) -> TokenStream {
    match ty {
        Type::String => quote! { ::std::result::Result::Ok(item.clone()) },
        Type::Bool => quote! { crate::rest::parse_item::<bool>(#name, item, "a boolean") },
        Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            let rty = super::super::rust_type(ty);
            quote! { crate::rest::parse_item::<#rty>(#name, item, "an integer") }
        }
        Type::F32 | Type::F64 => {
            let rty = super::super::rust_type(ty);
            quote! { crate::rest::parse_item::<#rty>(#name, item, "a number") }
        }
        Type::Timestamp { .. } => {
            let format = timestamp_format(timestamp);
            quote! { crate::rest::parse_timestamp_item(#name, item, #format) }
        }
        Type::Named(path) => {
            let ty = type_path(path);
            match plan.kind(path) {
                Named::Enum(e) if e.int => {
                    quote! { crate::rest::parse_item::<i32>(#name, item, "an integer").map(#ty::from) }
                }
                _ => quote! { ::std::result::Result::Ok(#ty::from(item.as_str())) },
            }
        }
        _ => unreachable!("header types are checked when lowering"),
    }
}

/// The name of the decoder of an error structure with header-bound members, from its JSON
/// decoder's name.
pub fn error_fn(de: &str) -> proc_macro2::Ident {
    format_ident!("http_{}", de)
}

/// Whether an error structure has members bound to headers.
pub fn error_has_headers(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.http.is_some())
}

/// `http_de_<error>`: the error's JSON decoder, then its header-bound members.
pub(in crate::emit) fn error_item(plan: &Plan, path: &crate::ir::TypeRef) -> TokenStream {
    let Named::Structure(s) = plan.kind(path) else {
        return quote! {};
    };
    let de = plan.de_fn(path);
    let name = error_fn(&de.to_string());
    let ty = type_path(path);
    let sets = s.fields.iter().filter_map(|f| {
        let member = ident(&f.ident);
        let read = match &f.http {
            Some(HttpBinding::Header { name, timestamp, base64 }) => {
                header_read(plan, &f.ty, name, *timestamp, *base64, &quote! { headers })
            }
            Some(HttpBinding::PrefixHeaders { prefix }) => quote! {
                crate::rest::prefix_headers(headers, #prefix).map(|map| ::std::option::Option::Some(map).filter(|map| !map.is_empty()))
            },
            _ => return None,
        };
        let value = fill(f, quote! { #read? });
        Some(quote! { error.#member = #value; })
    });
    quote! {
        pub(crate) fn #name(reader: &mut crate::json::Reader<'_>, headers: &crate::transport::http::HeaderMap) -> ::std::result::Result<#ty, crate::json::DeError> {
            let mut error = crate::codec::#de(reader)?;
            #( #sets )*
            ::std::result::Result::Ok(error)
        }
    }
}
