//! `crate::operation::<op>::paginator`: the paginator of a `@paginated` operation, and the
//! iterator over the items of its pages. Like the fluent builder it comes from, it owns its handle
//! to the client (`C`, by default the [`Client`](crate::Client)).

use proc_macro2::TokenStream;
use quote::quote;

use super::operation::Names;
use super::{doc_lines, ident, rust_type};
use crate::ir::{Operation, Paginator, PathStep, Type};

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
pub(super) fn paginator_module(
    op: &Operation,
    paginator: &Paginator,
    names: &Names,
) -> TokenStream {
    let Names {
        input_builder,
        output,
        error,
        call_fn,
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
            let input = match ::std::clone::Clone::clone(&self.input).build() {
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
        quote! { let input = ::std::clone::Clone::clone(&self.input).build(); }
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
                pub fn items(self) -> #items_name<C> {
                    #items_name { pages: self, buffered: ::std::collections::VecDeque::new() }
                }
            },
            quote! {
                #items_doc
                pub struct #items_name<C = crate::client::Client> {
                    pages: #name<C>,
                    buffered: ::std::collections::VecDeque<#item>,
                }
                impl<C: crate::client::#api> #items_name<C> {
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
                impl<C> ::std::fmt::Debug for #items_name<C> {
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
            pub struct #name<C = crate::client::Client> {
                handle: C,
                input: #input_builder,
                done: bool,
            }
            impl<C: crate::client::#api> #name<C> {
                pub(crate) fn new(handle: C, input: #input_builder) -> Self {
                    Self { handle, input, done: false }
                }
                #page_size
                /// The next page: sends one request. `None` once the last page was given (or an error).
                pub async fn next_page(&mut self) -> ::std::option::Option<::std::result::Result<#output, #error>> {
                    if self.done {
                        return ::std::option::Option::None;
                    }
                    let sent = self.input.#token_get().clone();
                    #build
                    match self.handle.#call_fn(input).await {
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
            impl<C> ::std::fmt::Debug for #name<C> {
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
