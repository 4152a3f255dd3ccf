//! One file per operation, `crate::operation::<name>`: its input and output, their builders, the
//! fluent request builder, and the operation's error enum.

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::{data, doc_lines, docs, ident, rust_type};
use crate::ir::{Operation, Paginator, PathStep, Service, Type, TypeRef};

/// The names the fluent builder and the paginator of an operation both use, computed once.
struct Names<'a> {
    /// The operation's module, `crate::operation::<op>`.
    module: TokenStream,
    /// The input's builder type, in the operation's own `builders` or, for an input shared with
    /// other operations, in `crate::types::builders`.
    input_builder: TokenStream,
    /// The output type and the error enum, by their paths.
    output: TokenStream,
    error: TokenStream,
    /// The service trait's method taking a built input, `<op>_with`.
    with_fn: Ident,
    /// The service trait, e.g. `SfnApi`.
    api: Ident,
    fluent: Ident,
    /// The operation's name in the model, for documentation.
    wire: &'a str,
}

impl<'a> Names<'a> {
    fn new(op: &'a Operation, service: &Service) -> Self {
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
            with_fn: ident(&op.with_fn_name),
            api: ident(&service.trait_name),
            fluent: ident(&op.fluent),
            wire: &op.wire_name,
        }
    }
}

pub fn operation_file(op: &Operation, service: &Service) -> TokenStream {
    let names = Names::new(op, service);
    let module = &names.module;
    let own_module = ["operation".to_owned(), op.module.clone()];
    let mut items = Vec::new();
    let mut builders = Vec::new();
    let mut reexported: Vec<&TypeRef> = Vec::new();
    for (structure, path) in [(&op.input, &op.input_path), (&op.output, &op.output_path)] {
        if path.module == own_module {
            let (item, builder) = data::structure(structure, module);
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
    let fluent = fluent_builder(op, &names);
    let paginator = op
        .paginator
        .as_ref()
        .map(|paginator| paginator_module(op, paginator, &names));
    quote! {
        #( #items )*
        #error_enum
        /// Builders for this operation's input and output, and the fluent request builder.
        pub mod builders {
            #( #builders )*
            #fluent
        }
        #paginator
    }
}

/// An expression of type `Option<&T>` for the value at the end of `steps`, starting from `root`
/// (a reference to a structure).
fn borrowed_path(root: TokenStream, steps: &[PathStep]) -> TokenStream {
    let mut expr = None;
    for step in steps {
        let field = ident(&step.ident);
        expr = Some(match (expr, step.optional, step.boxed) {
            (None, true, false) => quote! { #root.#field.as_ref() },
            (None, true, true) => quote! { #root.#field.as_deref() },
            (None, false, false) => quote! { ::std::option::Option::Some(&#root.#field) },
            (None, false, true) => quote! { ::std::option::Option::Some(&*#root.#field) },
            (Some(e), true, false) => quote! { #e.and_then(|value| value.#field.as_ref()) },
            (Some(e), true, true) => quote! { #e.and_then(|value| value.#field.as_deref()) },
            (Some(e), false, false) => quote! { #e.map(|value| &value.#field) },
            (Some(e), false, true) => quote! { #e.map(|value| &*value.#field) },
        });
    }
    expr.expect("a path has at least one member")
}

/// An expression of type `Option<T>` for the value at the end of `steps`, moved out of `root`
/// (a structure, by value).
fn owned_path(root: TokenStream, steps: &[PathStep]) -> TokenStream {
    let mut expr = None;
    for step in steps {
        let field = ident(&step.ident);
        let unbox = if step.boxed {
            quote! { .map(|value| *value) }
        } else {
            quote! {}
        };
        expr = Some(match (expr, step.optional) {
            (None, true) => quote! { #root.#field #unbox },
            (None, false) => quote! { ::std::option::Option::Some(#root.#field) #unbox },
            (Some(e), true) => quote! { #e.and_then(|value| value.#field) #unbox },
            (Some(e), false) => quote! { #e.map(|value| value.#field) #unbox },
        });
    }
    expr.expect("a path has at least one member")
}

/// `crate::operation::<op>::paginator`: the paginator of a `@paginated` operation, and the
/// iterator over the items of its pages when the trait names them.
fn paginator_module(op: &Operation, paginator: &Paginator, names: &Names) -> TokenStream {
    let Names {
        input_builder,
        output,
        error,
        with_fn,
        api,
        fluent,
        wire,
        ..
    } = names;
    let name = ident(&paginator.name);
    let items_name = ident(&paginator.items_name);
    let fn_name = &paginator.fn_name;
    let token_field = &op.input.fields[paginator.input_token];
    let token_get = ident(&token_field.get_fn);
    let token_set = ident(&token_field.set_fn);
    let next_token = borrowed_path(quote! { page }, &paginator.output_token);
    let build = if op.input.fallible_build {
        quote! {
            let input = match self.input.clone().build() {
                ::std::result::Result::Ok(input) => input,
                ::std::result::Result::Err(error) => {
                    self.done = true;
                    return ::std::option::Option::Some(::std::result::Result::Err(
                        crate::error::RequestError::invalid_input(error).into(),
                    ));
                }
            };
        }
    } else {
        quote! { let input = self.input.clone().build(); }
    };
    let page_size = paginator.page_size.map(|index| {
        let field = &op.input.fields[index];
        let setter = ident(&field.setter);
        let (param, _) = super::setter_param(&field.ty);
        let doc = doc_lines(&format!(
            "Asks for at most this many results per page (the `{}` member).",
            field.wire_name
        ));
        quote! {
            #doc
            pub fn page_size(mut self, input: #param) -> Self {
                self.input = self.input.#setter(input);
                self
            }
        }
    });
    let items = paginator.items.as_ref().map(|(steps, collection)| {
        let optional = |ty: TokenStream, sparse: bool| {
            if sparse {
                quote! { ::std::option::Option<#ty> }
            } else {
                ty
            }
        };
        let item = match collection {
            Type::List { item, sparse } => optional(rust_type(item), *sparse),
            Type::Map { key, value, sparse } => {
                let key = rust_type(key);
                let value = optional(rust_type(value), *sparse);
                quote! { (#key, #value) }
            }
            _ => unreachable!("lowering checks that the items are a list or map"),
        };
        let collection_expr = owned_path(quote! { page }, steps);
        let items_doc = doc_lines(&format!(
            "The items of every `{wire}` page, one at a time: an async iterator.\n\n\
             Call `next().await` until it gives `None`: it sends a request for each page it needs. \
             A failed request is given once, as `Some(Err(...))`, and ends the iteration."
        ));
        let into_items_doc = doc_lines(
            "An async iterator over the items of every page, rather than the pages: `while let Some(item) = items.next().await`.",
        );
        (
            quote! {
                #into_items_doc
                pub fn items(self) -> #items_name<'a, C> {
                    #items_name { pages: self, buffered: ::std::collections::VecDeque::new() }
                }
            },
            quote! {
                #items_doc
                pub struct #items_name<'a, C: ?::std::marker::Sized = dyn crate::client::#api> {
                    pages: #name<'a, C>,
                    buffered: ::std::collections::VecDeque<#item>,
                }
                impl<'a, C: crate::client::#api + ?::std::marker::Sized> #items_name<'a, C> {
                    /// The next item, fetching the next page when the items so far are used up;
                    /// `None` after the last item (or after an error).
                    pub async fn next(&mut self) -> ::std::option::Option<::std::result::Result<#item, #error>> {
                        loop {
                            if let ::std::option::Option::Some(item) = self.buffered.pop_front() {
                                return ::std::option::Option::Some(::std::result::Result::Ok(item));
                            }
                            match self.pages.next_page().await? {
                                ::std::result::Result::Ok(page) => {
                                    self.buffered.extend(#collection_expr.into_iter().flatten());
                                }
                                ::std::result::Result::Err(error) => {
                                    return ::std::option::Option::Some(::std::result::Result::Err(error));
                                }
                            }
                        }
                    }
                }
                impl<C: ?::std::marker::Sized> ::std::fmt::Debug for #items_name<'_, C> {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.debug_struct(stringify!(#items_name))
                            .field("pages", &self.pages)
                            .field("buffered", &self.buffered.len())
                            .finish()
                    }
                }
            },
        )
    });
    let (items_fn, items_type) = items.unzip();
    let module_doc = super::inner_doc_lines(&format!(
        "The paginator of `{wire}`: [`{fluent}::{fn_name}`](super::builders::{fluent}::{fn_name}) turns a call into a [`{}`].",
        paginator.name
    ));
    let op_fn = &op.fn_name;
    let mut example = format!(
        "let mut pages = client.{op_fn}().{fn_name}();\n\
         while let Some(page) = pages.next_page().await {{\n    let page = page?;\n    println!(\"{{page:?}}\");\n}}"
    );
    if paginator.items.is_some() {
        example.push_str(&format!(
            "\n\n// Or item by item, across pages:\n\
             let mut items = client.{op_fn}().{fn_name}().items();\n\
             while let Some(item) = items.next().await {{\n    println!(\"{{:?}}\", item?);\n}}"
        ));
    }
    let paginator_doc = doc_lines(&format!(
        "The pages of a `{wire}` call: an async iterator.\n\n\
         Call `next_page().await` until it gives `None` (no `Stream` trait, so no extra crates). \
         Each call sends the input as set on the fluent builder, with the token the previous \
         page gave. Pagination stops after a page without a token, with an empty token, or \
         with the very token that was just sent (so that a service repeating its token cannot \
         loop forever). A failed request is given once, as `Some(Err(...))`, and ends the \
         pagination.\n\n```ignore\n{example}\n```"
    ));
    quote! {
        pub mod paginator {
            #module_doc
            #paginator_doc
            pub struct #name<'a, C: ?::std::marker::Sized = dyn crate::client::#api> {
                client: &'a C,
                input: #input_builder,
                done: bool,
            }
            impl<'a, C: crate::client::#api + ?::std::marker::Sized> #name<'a, C> {
                pub(crate) fn new(client: &'a C, input: #input_builder) -> Self {
                    Self { client, input, done: false }
                }
                #page_size
                /// The next page: sends one request. `None` once the last page was given (or an error).
                pub async fn next_page(&mut self) -> ::std::option::Option<::std::result::Result<#output, #error>> {
                    if self.done {
                        return ::std::option::Option::None;
                    }
                    let sent = self.input.#token_get().clone();
                    #build
                    match self.client.#with_fn(input).await {
                        ::std::result::Result::Ok(page) => {
                            let next = #next_token.filter(|token| !token.is_empty()).cloned();
                            match next {
                                ::std::option::Option::Some(next) if sent.as_ref() != ::std::option::Option::Some(&next) => {
                                    self.input = ::std::mem::take(&mut self.input).#token_set(::std::option::Option::Some(next));
                                }
                                _ => self.done = true,
                            }
                            ::std::option::Option::Some(::std::result::Result::Ok(page))
                        }
                        ::std::result::Result::Err(error) => {
                            self.done = true;
                            ::std::option::Option::Some(::std::result::Result::Err(error))
                        }
                    }
                }
                #items_fn
            }
            impl<C: ?::std::marker::Sized> ::std::fmt::Debug for #name<'_, C> {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.debug_struct(stringify!(#name))
                        .field("input", &self.input)
                        .field("done", &self.done)
                        .finish_non_exhaustive()
                }
            }
            #items_type
        }
    }
}

/// The fluent builder returned by `client.send_task_failure()`: the input's setters plus `send`.
fn fluent_builder(op: &Operation, names: &Names) -> TokenStream {
    let Names {
        module,
        input_builder,
        output,
        error,
        with_fn,
        api,
        fluent,
        wire,
    } = names;
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
    let into_paginator = op.paginator.as_ref().map(|paginator| {
        let fn_name = ident(&paginator.fn_name);
        let name = ident(&paginator.name);
        let doc = doc_lines(&format!(
            "Walks all pages of the call instead of sending it once: see [`{0}`](#module::paginator::{0}).",
            paginator.name
        ));
        quote! {
            #doc
            pub fn #fn_name(self) -> #module::paginator::#name<'a, C> {
                #module::paginator::#name::new(self.client, self.input)
            }
        }
    });
    quote! {
        #fluent_doc
        pub struct #fluent<'a, C: ?::std::marker::Sized = dyn crate::client::#api> {
            client: &'a C,
            input: #input_builder,
        }
        impl<'a, C: crate::client::#api + ?::std::marker::Sized> #fluent<'a, C> {
            pub(crate) fn new(client: &'a C) -> Self {
                Self { client, input: ::std::default::Default::default() }
            }
            #( #setters )*
            /// The input set so far.
            pub fn as_input(&self) -> &#input_builder {
                &self.input
            }
            #into_paginator
            /// Builds the input and makes the call. A missing required member fails here, before anything is sent.
            pub async fn send(self) -> ::std::result::Result<#output, #error> {
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
