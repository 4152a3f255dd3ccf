//! `crate::waiters`: the `smithy.waiters#waitable` waiters, as aws-sdk-rust names them
//! (`client.wait_until_table_exists().table_name(..).wait(max_wait).await`). `src/waiters.rs`
//! holds the `Waiters` trait (every implementation of the service trait, mocks included) and
//! `Client`'s own methods; `src/waiters/<waiter>.rs` each waiter's fluent builder, result types,
//! spec and acceptors. The polling loop is the runtime's (`crate::waiter`).

mod path;

use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

use super::{doc_lines, docs, ident, inner_doc_lines};
use crate::diagnostic::Diagnostic;
use crate::ir::waiter::{AcceptorState, Matcher, Waiter};
use crate::ir::Crate;
use crate::{render, GeneratedFile, RuntimeDependency};

/// `src/waiters.rs` and a file per waiter; nothing for a crate without waiters.
pub fn waiter_files(krate: &Crate, source: &str) -> Result<Vec<GeneratedFile>, Diagnostic> {
    if !krate.has_waiters() {
        return Ok(Vec::new());
    }
    let mut files = vec![render::rust_file(
        "src/waiters.rs",
        waiters_file(krate),
        source,
    )?];
    for waiter in &krate.waiters {
        files.push(render::rust_file(
            &format!("src/waiters/{}.rs", waiter.module),
            waiter_file(krate, waiter),
            source,
        )?);
    }
    Ok(files)
}

/// What `lib.rs` declares for waiters, after its other modules: the runtime's `waiter` module
/// and `pub mod waiters`.
pub fn lib_items(krate: &Crate, runtime: &RuntimeDependency) -> TokenStream {
    if !krate.has_waiters() {
        return quote! {};
    }
    let runtime_module = match runtime {
        RuntimeDependency::Path(_) => quote! { use ::smithy_rust_runtime::waiter; },
        RuntimeDependency::Inline => quote! {
            #[rustfmt::skip]
            #[allow(dead_code)]
            mod waiter;
        },
    };
    quote! {
        #runtime_module
        #[rustfmt::skip]
        pub mod waiters;
    }
}

/// What `client.rs` re-exports: the `Waiters` trait, where aws-sdk-rust has it.
pub fn client_items(krate: &Crate) -> TokenStream {
    if !krate.has_waiters() {
        return quote! {};
    }
    quote! {
        pub use crate::waiters::Waiters;
    }
}

fn waiters_file(krate: &Crate) -> TokenStream {
    let api = ident(&krate.service.trait_name);
    let mut modules = Vec::new();
    let mut trait_methods = Vec::new();
    let mut client_methods = Vec::new();
    for waiter in &krate.waiters {
        let op = &krate.operations[waiter.operation];
        let module = ident(&waiter.module);
        let fn_name = ident(&waiter.fn_name);
        let fluent = ident(&waiter.fluent);
        let module_doc = doc_lines(&format!(
            "The `{}` waiter of `{}`.",
            waiter.name, op.wire_name
        ));
        modules.push(quote! { #module_doc pub mod #module; });
        let doc = docs(
            waiter.docs.as_deref(),
            &format!(
                "Waits until `{}` says the `{}` state is reached.",
                op.wire_name, waiter.name
            ),
        );
        let how = doc_lines(&format!(
            "\nThe `{}` waiter: set the input's members as for `{}`, then \
             `.{}(max_wait).await`.",
            waiter.name, op.wire_name, waiter.wait_fn
        ));
        let doc = quote! { #doc #how };
        let deprecated = waiter
            .deprecated
            .then(|| quote! { #[deprecated = "the model marks this waiter deprecated"] });
        trait_methods.push(quote! {
            #doc
            #deprecated
            fn #fn_name(&self) -> crate::waiters::#module::#fluent<&Self> {
                crate::waiters::#module::#fluent::new(self)
            }
        });
        client_methods.push(quote! {
            #doc
            ///
            /// The builder owns a clone of the client (cheap), so the wait can be spawned.
            #deprecated
            pub fn #fn_name(&self) -> crate::waiters::#module::#fluent {
                crate::waiters::#module::#fluent::new(::std::clone::Clone::clone(self))
            }
        });
    }
    let first = &krate.waiters[0];
    let module_doc = inner_doc_lines(&format!(
        "Waiters: poll an operation until the resource is in a state, as the model's \
         `smithy.waiters#waitable` waiters define it.\n\n\
         ```ignore\n\
         let done = client\n    .{}()\n    // the input's members, as for `{}`\n    .{}(std::time::Duration::from_secs(300))\n    .await?;\n\
         ```\n\n\
         [`Client`](crate::Client) has a method per waiter; [`Waiters`] gives every other \
         implementation of [`{api}`](crate::client::{api}) (a mock, `&dyn {api}`) the same \
         methods. Each polls with exponential backoff and jitter between the waiter's minimum \
         and maximum delay, and gives up with [`WaiterError::ExceededMaxWait`] once the \
         `max_wait` the caller passes runs out (a poll still running then is cancelled, after \
         the minimum delay at the latest). A `failure` acceptor ends the wait with \
         [`WaiterError::FailureState`], naming the acceptor; an error no acceptor matches, with \
         [`WaiterError::OperationFailed`].",
        first.fn_name,
        krate.operations[first.operation].wire_name,
        first.wait_fn,
        api = krate.service.trait_name,
    ));
    let trait_doc = doc_lines(&format!(
        "The waiters, for every implementation of [`{api}`](crate::client::{api}): import this \
         trait to wait with a mock or a `&dyn {api}`. [`Client`](crate::Client) has the same \
         methods without it.",
        api = krate.service.trait_name,
    ));
    quote! {
        #module_doc
        pub use crate::waiter::{AcceptorState, FinalPoll, WaiterError};

        #( #modules )*

        #trait_doc
        pub trait Waiters: crate::client::#api {
            #( #trait_methods )*
        }

        impl<T: crate::client::#api + ?::std::marker::Sized> Waiters for T {}

        impl crate::client::Client {
            #( #client_methods )*
        }
    }
}

fn waiter_file(krate: &Crate, waiter: &Waiter) -> TokenStream {
    let op = &krate.operations[waiter.operation];
    let api = ident(&krate.service.trait_name);
    let op_module = ident(&op.module);
    let input = ident(&op.input.name);
    let output = ident(&op.output.name);
    let error = ident(&op.error_enum);
    let input_modules = op.input_path.module.iter().map(|m| ident(m));
    let input_builder = ident(&op.input.builder);
    let input_builder = quote! { crate #( :: #input_modules )* ::builders::#input_builder };
    let input = quote! { crate::operation::#op_module::#input };
    let output = quote! { crate::operation::#op_module::#output };
    let error = quote! { crate::operation::#op_module::#error };
    let fluent = ident(&waiter.fluent);
    let final_poll = ident(&waiter.final_poll);
    let waiter_error = ident(&waiter.error);
    let wait_fn = ident(&waiter.wait_fn);
    let with_fn = ident(&op.call_fn);
    let name = &waiter.name;
    let wire = &op.wire_name;
    let (min_delay, max_delay) = (waiter.min_delay, waiter.max_delay);
    let (min_secs, max_secs) = (
        Lit::u64_unsuffixed(min_delay),
        Lit::u64_unsuffixed(max_delay),
    );

    let setters = super::operation::fluent_setters(op);
    let build = if op.input.fallible_build {
        quote! {
            let input = match inner.build() {
                ::std::result::Result::Ok(input) => input,
                ::std::result::Result::Err(error) => {
                    return ::std::result::Result::Err(crate::waiter::WaiterError::invalid_input(
                        &SPEC,
                        crate::error::RequestError::invalid_input(error).into(),
                    ));
                }
            };
        }
    } else {
        quote! { let input = inner.build(); }
    };

    let specs = waiter.acceptors.iter().map(|acceptor| {
        let state = ident(match acceptor.state {
            AcceptorState::Success => "Success",
            AcceptorState::Failure => "Failure",
            AcceptorState::Retry => "Retry",
        });
        let matcher = &acceptor.description;
        quote! {
            crate::waiter::AcceptorSpec {
                state: crate::waiter::AcceptorState::#state,
                matcher: #matcher,
            }
        }
    });
    let mut reads_input = false;
    let checks = waiter.acceptors.iter().enumerate().map(|(index, acceptor)| {
        let index = Lit::usize_unsuffixed(index);
        let found = quote! { return ::std::option::Option::Some(#index); };
        match &acceptor.matcher {
            Matcher::Success(true) => quote! { if result.is_ok() { #found } },
            Matcher::Success(false) => quote! { if result.is_err() { #found } },
            Matcher::ErrorType {
                variant: Some(variant),
                ..
            } => {
                let variant = ident(variant);
                quote! {
                    if let ::std::result::Result::Err(#error::#variant(_)) = result { #found }
                }
            }
            Matcher::ErrorType {
                code,
                variant: None,
            } => quote! {
                if result.err().and_then(|error| error.code()) == ::std::option::Option::Some(#code) {
                    #found
                }
            },
            Matcher::Path {
                path,
                reads_input: input,
                comparator,
            } => {
                reads_input |= *input;
                let comparison = path::comparison(path, comparator);
                let current = path::reads_root(path).then(|| {
                    quote! { let current = ::std::option::Option::Some(output); }
                });
                quote! {
                    if result.is_ok_and(|output| {
                        #current
                        #comparison
                    }) {
                        #found
                    }
                }
            }
        }
    });
    let checks: Vec<TokenStream> = checks.collect();
    let input_param = if reads_input {
        quote! { input }
    } else {
        quote! { _input }
    };

    let acceptor_list: String = waiter
        .acceptors
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let state = match a.state {
                AcceptorState::Success => "success",
                AcceptorState::Failure => "failure",
                AcceptorState::Retry => "retry",
            };
            format!("{n}. `{state}` on {}\n", code_span(&a.description))
        })
        .collect();
    let fluent_doc = docs(
        waiter.docs.as_deref(),
        &format!("Waits until `{wire}` says the `{name}` state is reached."),
    );
    let fluent_more = doc_lines(&format!(
        "\nThe `{name}` waiter: set the input's members as for `{wire}`, then call \
         [`{wait}`](Self::{wait}) with the longest time to wait. It calls `{wire}` until an \
         acceptor ends the wait, sleeping between calls from {min_delay} s up to \
         {max_delay} s (exponential backoff with jitter). The acceptors, first match wins (an \
         output none matches means retry, an error none matches ends the wait):\n\n\
         {acceptor_list}\n\
         `C` makes the calls: the [`Client`](crate::Client) itself (a clone) from \
         [`Client::{fn_name}`](crate::Client::{fn_name}), or a reference to any other \
         implementation of [`{api}`](crate::client::{api}) from \
         [`Waiters::{fn_name}`](crate::waiters::Waiters::{fn_name}).",
        wait = waiter.wait_fn,
        fn_name = waiter.fn_name,
        api = krate.service.trait_name,
    ));
    let module_doc = inner_doc_lines(&format!("The `{name}` waiter of `{wire}`."));
    let final_poll_doc = doc_lines(&format!(
        "What a successful `{name}` wait gives: the last `{wire}` result and the attempts made."
    ));
    let error_doc = doc_lines(&format!(
        "Why a `{name}` wait failed: a `failure` acceptor matched, the time ran out, or `{wire}` \
         failed with an error no acceptor matches."
    ));
    let wait_doc = doc_lines(&format!(
        "Builds the input and polls `{wire}` until an acceptor ends the wait or `max_wait` runs \
         out. A missing required member fails here, before anything is sent."
    ));
    quote! {
        #module_doc
        #fluent_doc
        #fluent_more
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
            #wait_doc
            pub async fn #wait_fn(self, max_wait: ::std::time::Duration) -> ::std::result::Result<#final_poll, #waiter_error> {
                let Self { handle, inner } = self;
                #build
                let handle = &handle;
                crate::waiter::wait(
                    &SPEC,
                    max_wait,
                    || handle.#with_fn(::std::clone::Clone::clone(&input)),
                    |result| matched(&input, result),
                )
                .await
            }
        }
        impl<C> ::std::fmt::Debug for #fluent<C> {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(stringify!(#fluent)).field("input", &self.inner).finish_non_exhaustive()
            }
        }

        #final_poll_doc
        pub type #final_poll = crate::waiter::FinalPoll<#output, #error>;

        #error_doc
        pub type #waiter_error = crate::waiter::WaiterError<#output, #error>;

        /// The waiter as the model defines it.
        static SPEC: crate::waiter::WaiterSpec = crate::waiter::WaiterSpec {
            name: #name,
            operation: #wire,
            min_delay: ::std::time::Duration::from_secs(#min_secs),
            max_delay: ::std::time::Duration::from_secs(#max_secs),
            acceptors: &[ #( #specs ),* ],
        };

        /// The index of the first acceptor that matches a result, if any.
        fn matched(#input_param: &#input, result: ::std::result::Result<&#output, &#error>) -> ::std::option::Option<usize> {
            #( #checks )*
            ::std::option::Option::None
        }
    }
}

/// `text` as a Markdown code span: fenced by one backtick more than its longest run of them, so
/// the backticks of JMESPath literals stay inside.
fn code_span(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let text = text.replace(['\n', '\r'], " ");
    format!("{fence} {text} {fence}")
}
