//! restJson1: for each operation, the function that makes its HTTP request from the input
//! (`http_request_<op>`: path with labels, query, headers, body or payload) and the one that
//! makes its output from the answer (`http_response_<op>`: body or payload, headers, status),
//! in `src/codec.rs` beside the JSON codec they call for bodies.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

mod response;

pub use response::{error_fn, error_has_headers};
pub(super) use response::{error_item, response_item};

use super::codec::Plan;
use super::{ident, timestamp_format, type_path};
use crate::ir::{Field, HttpBinding, Named, Operation, PathPiece, Presence, Type};

/// The name of operation `op`'s request function.
pub fn request_fn(op: &Operation) -> proc_macro2::Ident {
    format_ident!("http_request_{}", op.module.trim_start_matches("r#"))
}

/// The name of operation `op`'s response function.
pub fn response_fn(op: &Operation) -> proc_macro2::Ident {
    format_ident!("http_response_{}", op.module.trim_start_matches("r#"))
}

/// Whether any of `fields` goes in a JSON body.
pub fn has_body_fields(fields: &[Field]) -> bool {
    fields.iter().any(|f| f.http.is_none())
}

/// The payload field of `fields`, if one has `@httpPayload`.
pub fn payload(fields: &[Field]) -> Option<&Field> {
    fields
        .iter()
        .find(|f| matches!(f.http, Some(HttpBinding::Payload { .. })))
}

/// `http_request_<op>`.
pub(super) fn request_item(plan: &Plan, op: &Operation) -> TokenStream {
    let http = op.http.as_ref().expect("a restJson1 operation");
    let name = request_fn(op);
    let input_ty = type_path(&op.input_path);
    let fields = &op.input.fields;
    let path = http.path.iter().map(|piece| match piece {
        PathPiece::Literal(text) if text.chars().count() == 1 => {
            let c = text.chars().next().unwrap_or('/');
            quote! { path.push(#c); }
        }
        PathPiece::Literal(text) => quote! { path.push_str(#text); },
        PathPiece::Label {
            field,
            greedy,
            default,
        } => {
            let f = &fields[*field];
            let member = ident(&f.ident);
            let wire = &f.wire_name;
            let Some(HttpBinding::Label { timestamp }) = &f.http else {
                unreachable!("labels are checked when lowering")
            };
            let text = scalar_text(plan, &f.ty, quote! { value }, *timestamp);
            if let Some(default) = default {
                // Unset or empty, the label takes the customization's value.
                let value = match f.presence {
                    Presence::Optional => quote! { input.#member.as_ref() },
                    _ => quote! { ::std::option::Option::Some(&input.#member) },
                };
                return quote! {
                    {
                        let text = match #value {
                            ::std::option::Option::Some(value) => #text,
                            ::std::option::Option::None => ::std::string::String::new(),
                        };
                        let text = if text.is_empty() { #default } else { text.as_str() };
                        crate::rest::push_label(&mut path, text, #greedy);
                    }
                };
            }
            let value = match f.presence {
                Presence::Optional => quote! {
                    let ::std::option::Option::Some(value) = input.#member.as_ref() else {
                        return ::std::result::Result::Err(crate::rest::empty_label(#wire));
                    };
                },
                _ => quote! { let value = &input.#member; },
            };
            quote! {
                {
                    #value
                    let text = #text;
                    if text.is_empty() {
                        return ::std::result::Result::Err(crate::rest::empty_label(#wire));
                    }
                    crate::rest::push_label(&mut path, &text, #greedy);
                }
            }
        }
    });
    let literal_query: Vec<TokenStream> = http
        .query
        .iter()
        .map(|(k, v)| match v {
            Some(v) => quote! { crate::rest::push_query(&mut query, #k, #v); },
            None => quote! { crate::rest::push_query_name(&mut query, #k); },
        })
        .collect();
    // Names bound by the pattern or by `@httpQuery`: `@httpQueryParams` do not repeat them.
    let mut bound_names: Vec<&str> = http.query.iter().map(|(k, _)| k.as_str()).collect();
    let mut query_items = Vec::new();
    let mut query_params = Vec::new();
    let mut headers = Vec::new();
    for f in fields {
        let member = ident(&f.ident);
        let present = match f.presence {
            Presence::Optional => quote! { input.#member.as_ref() },
            _ => quote! { ::std::option::Option::Some(&input.#member) },
        };
        match &f.http {
            Some(HttpBinding::Query { name, timestamp }) => {
                bound_names.push(name);
                let push = match &f.ty {
                    Type::List { item, .. } => {
                        let text = scalar_text(plan, item, quote! { item }, *timestamp);
                        quote! {
                            for item in value {
                                crate::rest::push_query(&mut query, #name, &#text);
                            }
                        }
                    }
                    ty => {
                        let text = scalar_text(plan, ty, quote! { value }, *timestamp);
                        quote! { crate::rest::push_query(&mut query, #name, &#text); }
                    }
                };
                query_items.push(quote! {
                    if let ::std::option::Option::Some(value) = #present { #push }
                });
            }
            Some(HttpBinding::QueryParams) => {
                let Type::Map { key, value, .. } = &f.ty else {
                    unreachable!("checked when lowering")
                };
                let key_text = string_text(key, quote! { key });
                let push = match &**value {
                    Type::List { item, .. } => {
                        let text = string_text(item, quote! { item });
                        quote! {
                            for item in entry {
                                crate::rest::push_query(&mut query, #key_text, #text);
                            }
                        }
                    }
                    other => {
                        let text = string_text(other, quote! { entry });
                        quote! { crate::rest::push_query(&mut query, #key_text, #text); }
                    }
                };
                query_params.push(quote! {
                    if let ::std::option::Option::Some(value) = #present {
                        // In key order, so that requests are the same from call to call.
                        let mut entries: ::std::vec::Vec<_> = value.iter().collect();
                        entries.sort_by(|a, b| a.0.cmp(b.0));
                        for (key, entry) in entries {
                            if BOUND.contains(&#key_text) {
                                continue;
                            }
                            #push
                        }
                    }
                });
            }
            Some(HttpBinding::Header {
                name,
                timestamp,
                base64,
            }) => {
                let text = match &f.ty {
                    Type::List { item, .. }
                        if matches!(**item, Type::Timestamp { .. })
                            && *timestamp == crate::ir::TimestampFormat::HttpDate =>
                    {
                        // HTTP dates have commas of their own, and are not quoted.
                        let format = timestamp_format(*timestamp);
                        quote! { value.iter().map(|item| item.format(#format)).collect::<::std::vec::Vec<_>>().join(", ") }
                    }
                    Type::List { item, .. } => {
                        let text = scalar_text(plan, item, quote! { item }, *timestamp);
                        quote! {
                            crate::rest::header_list(value.iter().map(|item| #text).collect::<::std::vec::Vec<_>>().iter().map(::std::string::String::as_str))
                        }
                    }
                    Type::String if *base64 => {
                        quote! { crate::primitives::base64::encode(value) }
                    }
                    ty => scalar_text(plan, ty, quote! { value }, *timestamp),
                };
                // After the prefix headers: a header bound on its own wins over one of a map.
                headers.push(quote! {
                    if let ::std::option::Option::Some(value) = #present {
                        let text = #text;
                        headers.insert(crate::rest::header_name(#name)?, crate::rest::header_value(#name, &text)?);
                    }
                });
            }
            Some(HttpBinding::PrefixHeaders { prefix }) => {
                headers.insert(0, quote! {
                    if let ::std::option::Option::Some(value) = #present {
                        for (key, entry) in value {
                            let name = ::std::format!("{}{}", #prefix, key);
                            headers.append(crate::rest::header_name(&name)?, crate::rest::header_value(&name, entry)?);
                        }
                    }
                });
            }
            _ => {}
        }
    }
    for (name, value) in http.fixed_headers.iter().rev() {
        headers.insert(
            0,
            quote! {
                headers.insert(crate::rest::header_name(#name)?, crate::transport::http::HeaderValue::from_static(#value));
            },
        );
    }
    let bound = quote! { const BOUND: &[&str] = &[ #( #bound_names ),* ]; };
    let bound = if query_params.is_empty() {
        quote! {}
    } else {
        bound
    };
    let body = request_body(plan, op);
    let stream = stream_payload(&op.input.fields);
    let (stream_param, stream_value) = match stream {
        Some(_) => (
            quote! { , payload_stream: crate::primitives::ByteStream },
            quote! { ::std::option::Option::Some(payload_stream) },
        ),
        None => (quote! {}, quote! { ::std::option::Option::None }),
    };
    let streaming_response = stream_payload(&op.output.fields).is_some();
    let method = ident(&http.method);
    let query = if literal_query.len() + query_items.len() + query_params.len() == 0 {
        quote! {}
    } else {
        quote! {
            let mut query = ::std::string::String::new();
            #( #literal_query )*
            #( #query_items )*
            #bound
            #( #query_params )*
            if !query.is_empty() {
                path.push('?');
                path.push_str(&query);
            }
        }
    };
    let headers_mut = if headers.is_empty() {
        quote! {}
    } else {
        quote! { mut }
    };
    quote! {
        #[allow(unused_variables)]
        pub(crate) fn #name(input: &#input_ty #stream_param) -> ::std::result::Result<crate::rest::HttpRequest, crate::error::RequestError> {
            let mut path = ::std::string::String::new();
            #( #path )*
            #query
            let #headers_mut headers = crate::transport::http::HeaderMap::new();
            #( #headers )*
            let (body, content_type) = #body;
            ::std::result::Result::Ok(crate::rest::HttpRequest {
                method: crate::transport::http::Method::#method,
                path_and_query: path,
                headers,
                body,
                content_type,
                payload_stream: #stream_value,
                streaming_response: #streaming_response,
                content_encoding: ::std::option::Option::None,
            })
        }
    }
}

/// The `@streaming` blob payload of `fields`, if it has one.
pub fn stream_payload(fields: &[Field]) -> Option<&Field> {
    payload(fields).filter(|f| f.ty == Type::ByteStream)
}

/// The body of a request: an expression giving `(Vec<u8>, Option<&'static str>)`, the bytes
/// and their content type.
fn request_body(plan: &Plan, op: &Operation) -> TokenStream {
    let fields = &op.input.fields;
    let json = quote! { ::std::option::Option::Some("application/json") };
    if let Some(f) = stream_payload(fields) {
        // The bytes are the stream's (`payload_stream`), sent as they are read. An empty one
        // is no body: no `Content-Type`.
        let media = match &f.http {
            Some(HttpBinding::Payload {
                media_type: Some(media_type),
                ..
            }) => media_type.as_str(),
            _ => "application/octet-stream",
        };
        let requires_length = matches!(
            &f.http,
            Some(HttpBinding::Payload {
                requires_length: true,
                ..
            })
        );
        let wire = &f.wire_name;
        let check = requires_length.then(|| {
            quote! {
                if payload_stream.length().is_none() {
                    return ::std::result::Result::Err(crate::rest::stream_without_length(#wire));
                }
            }
        });
        return quote! { {
            #check
            let content_type = if payload_stream.length() == ::std::option::Option::Some(0) {
                ::std::option::Option::None
            } else {
                ::std::option::Option::Some(#media)
            };
            (::std::vec::Vec::new(), content_type)
        } };
    }
    if let Some(f) = payload(fields) {
        let member = ident(&f.ident);
        let value = match f.presence {
            Presence::Optional => quote! { input.#member.as_ref() },
            _ => quote! { ::std::option::Option::Some(&input.#member) },
        };
        let (bytes, media) = match &f.ty {
            Type::Blob => (
                quote! { value.as_ref().to_vec() },
                quote! { "application/octet-stream" },
            ),
            Type::String => (
                quote! { value.as_bytes().to_vec() },
                quote! { "text/plain" },
            ),
            Type::Document => (
                quote! { { let mut w = crate::json::Writer::new(); w.document(value); w.into_bytes() } },
                quote! { "application/json" },
            ),
            Type::Named(path) => match plan.kind(path) {
                Named::Enum(_) => (
                    quote! { value.as_str().as_bytes().to_vec() },
                    quote! { "text/plain" },
                ),
                _ => {
                    let ser = plan.ser_fn(path);
                    (
                        quote! { { let mut w = crate::json::Writer::new(); crate::codec::#ser(&mut w, value); w.into_bytes() } },
                        quote! { "application/json" },
                    )
                }
            },
            _ => unreachable!("payload types are checked when lowering"),
        };
        let media = match &f.http {
            Some(HttpBinding::Payload {
                media_type: Some(media_type),
                ..
            }) => quote! { #media_type },
            _ => media,
        };
        let empty_structure =
            matches!(&f.ty, Type::Named(path) if matches!(plan.kind(path), Named::Structure(_)));
        let absent = if empty_structure {
            // An unset structure payload is sent as `{}`.
            quote! { (b"{}".to_vec(), ::std::option::Option::Some("application/json")) }
        } else {
            quote! { (::std::vec::Vec::new(), ::std::option::Option::None) }
        };
        return quote! {
            match #value {
                ::std::option::Option::Some(value) => (#bytes, ::std::option::Option::Some(#media)),
                ::std::option::Option::None => #absent,
            }
        };
    }
    if has_body_fields(fields) {
        let ser = ident(&op.input.codec.ser);
        quote! { {
            static BODY_SIZE: crate::json::BodySize = crate::json::BodySize::new();
            (BODY_SIZE.write(|w| crate::codec::#ser(w, input)), #json)
        } }
    } else {
        quote! { (::std::vec::Vec::new(), ::std::option::Option::None) }
    }
}

/// An expression giving the text of scalar `value` (a reference) for a label, query or header:
/// a `String`.
fn scalar_text(
    plan: &Plan,
    ty: &Type,
    value: TokenStream,
    timestamp: crate::ir::TimestampFormat,
) -> TokenStream {
    match ty {
        Type::String | Type::Bool | Type::I8 | Type::I16 | Type::I32 | Type::I64 => {
            quote! { #value.to_string() }
        }
        Type::F32 => quote! { crate::rest::float32_text(*#value) },
        Type::F64 => quote! { crate::rest::float_text(*#value) },
        Type::Timestamp { .. } => {
            let format = timestamp_format(timestamp);
            quote! { #value.format(#format) }
        }
        Type::Named(path) => match plan.kind(path) {
            Named::Enum(e) if e.int => {
                quote! { ::std::string::ToString::to_string(&#value.as_i32()) }
            }
            _ => quote! { ::std::string::ToString::to_string(#value.as_str()) },
        },
        _ => unreachable!("bound scalar types are checked when lowering"),
    }
}

/// A `&str` of a map key or value that is a string or a string enum.
fn string_text(ty: &Type, value: TokenStream) -> TokenStream {
    match ty {
        Type::Named(_) => quote! { #value.as_str() },
        _ => quote! { #value.as_str() },
    }
}
