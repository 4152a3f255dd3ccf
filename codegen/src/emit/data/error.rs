//! What an error structure has beyond its members: accessors (`code()`, `message()`, ...),
//! `Display`, `Error`, and the runtime's `ProvideErrorMetadata` and `ModeledError`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::ident;
use crate::ir::{ErrorInfo, Presence, Structure};

/// The `Debug` entry of the metadata field, in an error structure and in its builder: `Debug`
/// shows the request id too, as it is what a support case needs, and `unwrap()` prints `Debug`.
pub(super) fn request_id_debug_field(error: &ErrorInfo) -> (String, TokenStream, bool, bool) {
    let meta = ident(&error.meta_field);
    (
        error.request_id_setter.clone(),
        quote! { self.#meta.request_id() },
        false,
        false,
    )
}

/// Accessors, `Display`, `Error` and the runtime's error traits for an error structure.
pub(super) fn impls(s: &Structure, error: &ErrorInfo) -> TokenStream {
    let name = ident(&s.name);
    let code = &error.code;
    let meta = ident(&error.meta_field);
    let (message, shown) = match error.message_field.map(|i| &s.fields[i]) {
        Some(field) => {
            let field_ident = ident(&field.ident);
            let value = if field.presence == Presence::Optional {
                quote! { self.#field_ident.as_deref() }
            } else {
                quote! { ::std::option::Option::Some(self.#field_ident.as_str()) }
            };
            let shown = if field.sensitive || s.sensitive {
                quote! { crate::error::Message::Redacted }
            } else {
                quote! { crate::error::Message::from_option(self.message()) }
            };
            (value, shown)
        }
        None => (
            quote! { ::std::option::Option::None },
            quote! { crate::error::Message::Absent },
        ),
    };
    let fault = if error.fault == "server" {
        quote! { crate::error::Fault::Server }
    } else {
        quote! { crate::error::Fault::Client }
    };
    // The optional message member, which the client fills from the protocol's message.
    let message_mut = match error.message_field.map(|i| &s.fields[i]) {
        Some(field) if error.fill_message => {
            let field_ident = ident(&field.ident);
            quote! {
                fn message_mut(&mut self) -> ::std::option::Option<&mut ::std::option::Option<::std::string::String>> {
                    ::std::option::Option::Some(&mut self.#field_ident)
                }
            }
        }
        _ => quote! {},
    };
    quote! {
        impl #name {
            /// The error code the service sends for this error.
            pub const CODE: &'static str = #code;
            /// The error code: always [`Self::CODE`].
            pub fn code(&self) -> &'static str {
                Self::CODE
            }
            /// The human-readable message the service sent, if any.
            pub fn message(&self) -> ::std::option::Option<&str> {
                #message
            }
            /// The request id of the failed call, if the response had one.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                self.#meta.request_id()
            }
            /// Whether the caller (`Client`) or the service (`Server`) is at fault, as the model says.
            pub fn fault(&self) -> crate::error::Fault {
                #fault
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                crate::error::fmt_service_error(f, Self::CODE, #shown, self.#meta.request_id(), self.#meta.attempts())
            }
        }
        impl ::std::error::Error for #name {}
        impl crate::error::ProvideErrorMetadata for #name {
            fn code(&self) -> ::std::option::Option<&str> {
                ::std::option::Option::Some(Self::CODE)
            }
            fn message(&self) -> ::std::option::Option<&str> {
                #message
            }
            fn request_id(&self) -> ::std::option::Option<&str> {
                self.#meta.request_id()
            }
            fn status(&self) -> ::std::option::Option<u16> {
                self.#meta.status()
            }
            fn attempts(&self) -> u32 {
                self.#meta.attempts()
            }
        }
        impl crate::orchestrator::ModeledError for #name {
            fn metadata_mut(&mut self) -> &mut crate::error::ErrorMetadata {
                &mut self.#meta
            }
            #message_mut
        }
    }
}
