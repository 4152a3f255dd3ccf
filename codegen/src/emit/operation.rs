//! One file per operation, `crate::operation::<name>`: its input and output, their builders, the
//! fluent request builder, and the operation's error enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{data, doc_lines, docs, ident, rust_type};
use crate::ir::{Operation, Service, TypeRef};

pub fn operation_file(op: &Operation, service: &Service) -> TokenStream {
    let module_ident = ident(&op.module);
    let module = quote! { crate::operation::#module_ident };
    let own_module = ["operation".to_owned(), op.module.clone()];
    let mut items = Vec::new();
    let mut builders = Vec::new();
    let mut reexported: Vec<&TypeRef> = Vec::new();
    for (structure, path) in [(&op.input, &op.input_path), (&op.output, &op.output_path)] {
        if path.module == own_module {
            let (item, builder) = data::structure(structure, &module);
            items.push(item);
            builders.push(builder);
        } else if !reexported.contains(&path) {
            // Shared with other operations or members: it lives in `crate::types`.
            let path_tokens = super::type_path(path);
            items.push(quote! { pub use #path_tokens; });
            reexported.push(path);
        }
    }
    let error_enum = error_enum(op);
    let fluent = fluent_builder(op, service);
    quote! {
        #( #items )*
        #error_enum
        /// Builders for this operation's input and output, and the fluent request builder.
        pub mod builders {
            #( #builders )*
            #fluent
        }
    }
}

/// The fluent builder returned by `client.send_task_failure()`: the input's setters plus `send`.
fn fluent_builder(op: &Operation, service: &Service) -> TokenStream {
    let module_ident = ident(&op.module);
    let module = quote! { crate::operation::#module_ident };
    let fluent = ident(&op.fluent);
    let input_builder = ident(&op.input.builder);
    let input_builders = {
        let modules = op.input_path.module.iter().map(|m| ident(m));
        quote! { crate #( :: #modules )* ::builders }
    };
    let output = ident(&op.output.name);
    let error = ident(&op.error_enum);
    let with_fn = ident(&op.with_fn_name);
    let api = ident(&service.trait_name);
    let wire = &op.wire_name;
    let setters = op.input.fields.iter().map(|f| {
        let setter = ident(&f.setter);
        let set_fn = ident(&f.set_fn);
        let get_fn = ident(&f.get_fn);
        let value_ty = rust_type(&f.ty);
        let doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
        let (param, _) = super::setter_param(&f.ty);
        let set_doc = doc_lines(&format!("Sets or clears `{}`.", f.wire_name));
        let get_doc = doc_lines(&format!("The value of `{}` set so far.", f.wire_name));
        quote! {
            #doc
            pub fn #setter(mut self, input: #param) -> Self {
                self.input = self.input.#setter(input);
                self
            }
            #set_doc
            pub fn #set_fn(mut self, input: ::std::option::Option<#value_ty>) -> Self {
                self.input = self.input.#set_fn(input);
                self
            }
            #get_doc
            pub fn #get_fn(&self) -> &::std::option::Option<#value_ty> {
                self.input.#get_fn()
            }
        }
    });
    let build = if op.input.fallible_build {
        quote! {
            let input = match self.input.build() {
                ::std::result::Result::Ok(input) => input,
                ::std::result::Result::Err(error) => {
                    return ::std::result::Result::Err(crate::error::RequestError::invalid_input(error).into())
                }
            };
        }
    } else {
        quote! { let input = self.input.build(); }
    };
    let fluent_doc = doc_lines(&format!(
        "A `{wire}` call being set up: set the input's members, then `send()`."
    ));
    quote! {
        #fluent_doc
        pub struct #fluent<'a, C: ?::std::marker::Sized = dyn crate::client::#api> {
            client: &'a C,
            input: #input_builders::#input_builder,
        }
        impl<'a, C: crate::client::#api + ?::std::marker::Sized> #fluent<'a, C> {
            pub(crate) fn new(client: &'a C) -> Self {
                Self { client, input: ::std::default::Default::default() }
            }
            #( #setters )*
            /// The input set so far.
            pub fn as_input(&self) -> &#input_builders::#input_builder {
                &self.input
            }
            /// Builds the input and makes the call. A missing required member fails here, before anything is sent.
            pub async fn send(self) -> ::std::result::Result<#module::#output, #module::#error> {
                #build
                self.client.#with_fn(input).await
            }
        }
        impl<C: ?::std::marker::Sized> ::std::fmt::Debug for #fluent<'_, C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#fluent)).field("input", &self.input).finish_non_exhaustive()
            }
        }
    }
}

/// `SendTaskFailureError`: a variant per modeled error, `Unknown` for codes the model lacks, and
/// `Request` for failures without a service answer.
fn error_enum(op: &Operation) -> TokenStream {
    let name = ident(&op.error_enum);
    let wire = &op.wire_name;
    let variants: Vec<_> = op.errors.iter().map(|e| ident(&e.variant)).collect();
    let types: Vec<_> = op.errors.iter().map(|e| super::type_path(&e.ty)).collect();
    let variant_docs = op.errors.iter().map(|e| {
        docs(
            e.docs.as_deref(),
            &format!("The service's `{}` error.", e.code),
        )
    });
    let is_fns = op.errors.iter().map(|e| {
        let is_fn = ident(&e.is_fn);
        let variant = ident(&e.variant);
        let is_doc = doc_lines(&format!("True for the `{}` error.", e.code));
        quote! {
            #is_doc
            pub fn #is_fn(&self) -> bool {
                matches!(self, Self::#variant(_))
            }
        }
    });
    let enum_doc = doc_lines(&format!("Why a `{wire}` call failed."));
    quote! {
        #enum_doc
        ///
        /// Modeled errors have a variant each. `Unknown` holds error codes this crate does not know;
        /// `Request` holds failures without an answer from the service. `Display` always shows the
        /// error code and message, and `request_id()` gives the id to quote in a support case.
        #[non_exhaustive]
        #[derive(::std::fmt::Debug)]
        pub enum #name {
            #( #variant_docs #variants(#types), )*
            /// The service answered with an error code this version of the crate does not know.
            Unknown(crate::error::UnknownServiceError),
            /// The call failed without an error answer from the service: the input was invalid, the
            /// request could not be sent, it timed out, or the response could not be understood.
            Request(crate::error::RequestError),
        }
        impl #name {
            /// The error code: the service's for service errors, `None` for `Request` failures.
            pub fn code(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(error) => ::std::option::Option::Some(error.code()), )*
                    Self::Unknown(error) => ::std::option::Option::Some(error.code()),
                    Self::Request(_) => ::std::option::Option::None,
                }
            }
            /// The message the service sent, if any; for `Request` failures, what went wrong.
            pub fn message(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(error) => error.message(), )*
                    Self::Unknown(error) => error.message(),
                    Self::Request(error) => ::std::option::Option::Some(error.message()),
                }
            }
            /// The request id of the failed call, when the service sent one.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                match self {
                    #( Self::#variants(error) => error.request_id(), )*
                    Self::Unknown(error) => error.request_id(),
                    Self::Request(error) => error.request_id(),
                }
            }
            #( #is_fns )*
            /// True when the service sent an error code this crate does not know.
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }
            /// True when the call failed without an error answer from the service.
            pub fn is_request(&self) -> bool {
                matches!(self, Self::Request(_))
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    #( Self::#variants(error) => ::std::fmt::Display::fmt(error, f), )*
                    Self::Unknown(error) => ::std::fmt::Display::fmt(error, f),
                    Self::Request(error) => ::std::fmt::Display::fmt(error, f),
                }
            }
        }
        impl ::std::error::Error for #name {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    #( Self::#variants(error) => ::std::error::Error::source(error), )*
                    Self::Unknown(error) => ::std::error::Error::source(error),
                    Self::Request(error) => ::std::error::Error::source(error),
                }
            }
        }
        #(
            impl ::std::convert::From<#types> for #name {
                fn from(error: #types) -> Self {
                    Self::#variants(error)
                }
            }
        )*
        impl ::std::convert::From<crate::error::UnknownServiceError> for #name {
            fn from(error: crate::error::UnknownServiceError) -> Self {
                Self::Unknown(error)
            }
        }
        impl ::std::convert::From<crate::error::RequestError> for #name {
            fn from(error: crate::error::RequestError) -> Self {
                Self::Request(error)
            }
        }
    }
}
