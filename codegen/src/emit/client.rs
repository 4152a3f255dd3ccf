//! `crate::client`: the service trait applications depend on and mock, and the `Client` that
//! implements it.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_lines, docs, ident};
use crate::ir::Crate;

pub fn client_file(krate: &Crate) -> TokenStream {
    let service = &krate.service;
    let api = ident(&service.trait_name);
    let title = &service.title;
    let mut required = Vec::new();
    let mut provided = Vec::new();
    let mut client_methods = Vec::new();
    let mut impls = Vec::new();
    let mut forwards = Vec::new();
    for op in &krate.operations {
        let module = ident(&op.module);
        let fn_name = ident(&op.fn_name);
        let with_fn = ident(&op.with_fn_name);
        let input = ident(&op.input.name);
        let output = ident(&op.output.name);
        let error = ident(&op.error_enum);
        let fluent = ident(&op.fluent);
        let wire = &op.wire_name;
        let op_docs = docs(op.docs.as_deref(), &format!("Calls `{wire}`."));
        let result = quote! {
            ::std::result::Result<crate::operation::#module::#output, crate::operation::#module::#error>
        };
        let fluent_path = quote! { crate::operation::#module::builders::#fluent<'_, Self> };
        let with_doc = doc_lines(&format!(
            "\nTakes the whole input; [`{}::{}`] starts the same call with a fluent builder.",
            service.ext_trait_name,
            super::naming_label(&op.fn_name)
        ));
        required.push(quote! {
            #op_docs
            #with_doc
            fn #with_fn(&self, input: crate::operation::#module::#input) -> crate::client::BoxFuture<'_, #result>;
        });
        let fluent_doc = doc_lines(&format!(
            "Starts a `{wire}` call: set the input's members, then `.send().await`."
        ));
        provided.push(quote! {
            #fluent_doc
            fn #fn_name(&self) -> #fluent_path {
                crate::operation::#module::builders::#fluent::new(self)
            }
        });
        client_methods.push(quote! {
            #fluent_doc
            pub fn #fn_name(&self) -> crate::operation::#module::builders::#fluent<'_, Self> {
                crate::operation::#module::builders::#fluent::new(self)
            }
        });
        let not_connected = format!("cannot call {wire}: this client has no transport yet (the wire protocol is not generated)");
        impls.push(quote! {
            fn #with_fn(&self, input: crate::operation::#module::#input) -> crate::client::BoxFuture<'_, #result> {
                ::std::boxed::Box::pin(async move {
                    let _ = input;
                    ::std::result::Result::Err(crate::error::RequestError::not_connected(
                        #not_connected,
                    ).into())
                })
            }
        });
        forwards.push(quote! {
            fn #with_fn(&self, input: crate::operation::#module::#input) -> crate::client::BoxFuture<'_, #result> {
                (**self).#with_fn(input)
            }
        });
    }
    let ext = ident(&service.ext_trait_name);
    let ext_doc = doc_lines(&format!(
        "Fluent calls for every [`{api}`], `dyn {api}` included: `client.{example}()...send().await`.\n\n\
         Implemented for all implementations of [`{api}`]; import it (or `crate::prelude::*`) to use it.",
        api = service.trait_name,
        example = krate.operations.first().map(|op| op.fn_name.as_str()).unwrap_or("operation"),
    ));
    let trait_doc = doc_lines(&format!(
        "The operations of {title} in this crate.\n\n\
         Write application code against this trait (`&dyn {api}` or `impl {api}`) and test it with a\n\
         mock: implement the `*_with` methods, and the fluent methods of [`{ext}`] come for free. [`Client`] is the\n\
         implementation that calls the service.",
        api = service.trait_name,
        ext = service.ext_trait_name,
    ));
    let client_doc = doc_lines(&format!(
        "A client for {title}.\n\nCheap to clone: clones share configuration. Implements [`{api}`].",
        api = service.trait_name
    ));
    let module_doc = super::inner_doc_lines(&format!(
        "The [`{}`] trait and the [`Client`] that implements it.",
        service.trait_name
    ));
    quote! {
        #module_doc
        /// The future the service trait's methods return: boxed, so the trait can be used as
        /// `dyn` and mocked without extra crates.
        pub type BoxFuture<'a, T> = ::std::pin::Pin<::std::boxed::Box<dyn ::std::future::Future<Output = T> + ::std::marker::Send + 'a>>;

        #trait_doc
        pub trait #api: ::std::marker::Send + ::std::marker::Sync {
            #( #required )*
        }

        #ext_doc
        pub trait #ext: #api {
            #( #provided )*
        }

        impl<T: #api + ?::std::marker::Sized> #ext for T {}

        impl<T: #api + ?::std::marker::Sized> #api for &T {
            #( #forwards )*
        }
        impl<T: #api + ?::std::marker::Sized> #api for ::std::boxed::Box<T> {
            #( #forwards )*
        }
        impl<T: #api + ?::std::marker::Sized> #api for ::std::sync::Arc<T> {
            #( #forwards )*
        }

        #client_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        pub struct Client {
            config: ::std::sync::Arc<crate::config::Config>,
        }

        impl Client {
            /// A client with this configuration.
            pub fn new(config: crate::config::Config) -> Self {
                Self { config: ::std::sync::Arc::new(config) }
            }
            /// The configuration this client was made with.
            pub fn config(&self) -> &crate::config::Config {
                &self.config
            }
            #( #client_methods )*
        }

        impl #api for Client {
            #( #impls )*
        }
    }
}
