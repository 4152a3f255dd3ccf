//! One file per operation, `crate::operation::<name>`: its input and output, their builders, the
//! fluent request builder, and the operation's error enum.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{data, doc_lines, docs, ident, rust_type};
use crate::diagnostic::Diagnostic;
use crate::ir::{Operation, Service};
use crate::render::RustFile;

/// The names the fluent builder and the paginator of an operation both use, computed once.
pub(super) struct Names<'a> {
    /// The operation's module, `crate::operation::<op>`.
    pub(super) module: TokenStream,
    /// The input's builder type, in the operation's own `builders`.
    pub(super) input_builder: TokenStream,
    /// The output type and the error enum, by their paths.
    pub(super) output: TokenStream,
    pub(super) error: TokenStream,
    /// The service trait's method taking a built input, `call_<op>`.
    pub(super) call_fn: Ident,
    /// The service trait, e.g. `SfnApi`.
    pub(super) api: Ident,
    pub(super) fluent: Ident,
    /// The operation's name in the model, for documentation.
    pub(super) wire: &'a str,
}

impl<'a> Names<'a> {
    pub(super) fn new(op: &'a Operation, service: &Service) -> Self {
        let module_ident = ident(&op.module);
        let module = quote! { crate::operation::#module_ident };
        let input_modules = op.input_path.module.iter().map(|m| ident(m));
        let input_builder = ident(&op.input.builder);
        let output = ident(&op.output.name);
        let error = ident(&op.error_enum);
        Self {
            input_builder: quote! { crate #( :: #input_modules )* ::builders::#input_builder },
            output: quote! { #module::#output },
            error: quote! { #module::#error },
            module,
            call_fn: ident(&op.call_fn),
            api: ident(&service.trait_name),
            fluent: ident(&op.fluent),
            wire: &op.wire_name,
        }
    }
}

/// Prints the operation's file into `file`, item by item.
pub fn operation_file(
    op: &Operation,
    service: &Service,
    file: &mut RustFile,
) -> Result<(), Diagnostic> {
    let names = Names::new(op, service);
    let module = &names.module;
    for structure in [&op.input, &op.output] {
        file.push(data::structure(structure, module))?;
    }
    file.push(error_enum(op))?;
    let builders = [&op.input, &op.output]
        .into_iter()
        .map(|structure| data::builder(structure, module))
        .chain(std::iter::once_with(|| fluent_builder(op, &names)));
    file.push_module(
        quote! {
            /// Builders for this operation's input and output, and the fluent request builder.
            pub mod builders
        },
        builders,
    )?;
    if let Some(paginator) = &op.paginator {
        file.push(super::paginator::paginator_module(op, paginator, &names))?;
    }
    Ok(())
}

/// The fluent builder returned by `client.send_task_failure()`: the input's setters plus `send`.
/// It owns its handle to the client (`C`, by default a clone of the [`Client`]), as the AWS SDK's
/// fluent builders do, so `send()`'s future can be spawned.
fn fluent_builder(op: &Operation, names: &Names) -> TokenStream {
    let Names {
        module,
        input_builder,
        output,
        error,
        call_fn,
        api,
        fluent,
        wire,
    } = names;
    let setters = fluent_setters(op);
    let build = if op.input.fallible_build {
        quote! {
            let input = match self.inner.build() {
                ::std::result::Result::Ok(input) => input,
                ::std::result::Result::Err(error) => {
                    return ::std::result::Result::Err(crate::error::RequestError::invalid_input(error).into())
                }
            };
        }
    } else {
        quote! { let input = self.inner.build(); }
    };
    let fn_name = &op.fn_name;
    let fluent_doc = doc_lines(&format!(
        "A `{wire}` call being set up: set the input's members, then `send()`.\n\n\
         `C` makes the call. From `client.{fn_name}()` on a [`Client`](crate::Client) it is a clone\n\
         of the client (cheap: clones share everything), owned by the builder, so\n\
         `tokio::spawn(client.{fn_name}()...send())` works. From [`{api}Ext`](crate::{api}Ext) on\n\
         any other implementation of [`{api}`](crate::{api}) (a mock, `&dyn {api}`) it is a\n\
         reference to that implementation."
    ));
    let into_paginator = op.paginator.as_ref().map(|paginator| {
        let fn_name = ident(&paginator.fn_name);
        let name = ident(&paginator.name);
        let doc = doc_lines(&format!(
            "Walks all pages of the call instead of sending it once: see [`{0}`](#module::paginator::{0}).",
            paginator.name
        ));
        quote! {
            #doc
            pub fn #fn_name(self) -> #module::paginator::#name<C> {
                #module::paginator::#name::new(self.handle, self.inner)
            }
        }
    });
    quote! {
        #fluent_doc
        pub struct #fluent<C = crate::client::Client> {
            handle: C,
            inner: #input_builder,
        }
        impl<C: crate::client::#api> #fluent<C> {
            pub(crate) fn new(handle: C) -> Self {
                Self { handle, inner: ::std::default::Default::default() }
            }
            #( #setters )*
            /// The input set so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.inner
            }
            #into_paginator
            /// Builds the input and makes the call. A missing required member fails here, before anything is sent.
            pub async fn send(self) -> ::std::result::Result<#output, #error> {
                #build
                self.handle.#call_fn(input).await
            }
        }
        impl #fluent<crate::client::Client> {
            /// Settings for this call alone that differ from the client's configuration: attempts,
            /// attempt and total timeouts, and retrying failures that leave it unknown whether a
            /// non-idempotent operation was carried out (`retry_as_idempotent`, for long polls).
            /// Replaces any set before. Only calls made through a [`Client`](crate::Client) have
            /// them (a mock has no retries to tune).
            pub fn customize(mut self, overrides: crate::config::CallOverrides) -> Self {
                self.handle.overrides = overrides;
                self
            }
        }
        impl<C> ::std::fmt::Debug for #fluent<C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#fluent)).field("input", &self.inner).finish_non_exhaustive()
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
            /// The error this is, whichever variant holds it, as its metadata.
            fn error_metadata(&self) -> &dyn crate::error::ProvideErrorMetadata {
                match self {
                    #( Self::#variants(error) => error, )*
                    Self::Unknown(error) => error,
                    Self::Request(error) => error,
                }
            }
            /// The error code: the service's for service errors, `None` for `Request` failures.
            pub fn code(&self) -> ::std::option::Option<&str> {
                crate::error::ProvideErrorMetadata::code(self)
            }
            /// The message the service sent, if any; for `Request` failures, what went wrong.
            pub fn message(&self) -> ::std::option::Option<&str> {
                crate::error::ProvideErrorMetadata::message(self)
            }
            /// The request id of the failed call, when the service sent one.
            pub fn request_id(&self) -> ::std::option::Option<&str> {
                crate::error::ProvideErrorMetadata::request_id(self)
            }
            /// The HTTP status of the service's answer, when there was one.
            pub fn status(&self) -> ::std::option::Option<u16> {
                crate::error::ProvideErrorMetadata::status(self)
            }
            /// How many attempts the call made, retries included (0 for a service error built
            /// by hand, e.g. in a mock).
            pub fn attempts(&self) -> u32 {
                crate::error::ProvideErrorMetadata::attempts(self)
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
        impl crate::error::ProvideErrorMetadata for #name {
            fn code(&self) -> ::std::option::Option<&str> {
                self.error_metadata().code()
            }
            fn message(&self) -> ::std::option::Option<&str> {
                self.error_metadata().message()
            }
            fn request_id(&self) -> ::std::option::Option<&str> {
                self.error_metadata().request_id()
            }
            fn status(&self) -> ::std::option::Option<u16> {
                self.error_metadata().status()
            }
            fn attempts(&self) -> u32 {
                self.error_metadata().attempts()
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

/// A fluent builder's three methods per input member (`member(..)`, `set_member(..)`,
/// `get_member()`), each forwarding to the input builder in `self.inner`: shared by the
/// operations' and the waiters' fluent builders.
pub(super) fn fluent_setters(op: &Operation) -> Vec<TokenStream> {
    op.input
        .fields
        .iter()
        .map(|f| {
            let setter = ident(&f.setter);
            let set_fn = ident(&f.set_fn);
            let get_fn = ident(&f.get_fn);
            let value_ty = rust_type(&f.ty);
            let mut doc = docs(f.docs.as_deref(), &format!("The `{}` member.", f.wire_name));
            doc.extend(doc_lines(&super::data::rename_note(f)));
            let (param, _) = super::setter_param(&f.ty);
            let set_doc = doc_lines(&format!("Sets or clears `{}`.", f.wire_name));
            let get_doc = doc_lines(&format!("The value of `{}` set so far.", f.wire_name));
            let allow = super::setter_lint_allow(&f.setter);
            quote! {
                #doc
                #allow
                pub fn #setter(mut self, input: #param) -> Self {
                    self.inner = self.inner.#setter(input);
                    self
                }
                #set_doc
                pub fn #set_fn(mut self, input: ::std::option::Option<#value_ty>) -> Self {
                    self.inner = self.inner.#set_fn(input);
                    self
                }
                #get_doc
                pub fn #get_fn(&self) -> &::std::option::Option<#value_ty> {
                    self.inner.#get_fn()
                }
            }
        })
        .collect()
}
