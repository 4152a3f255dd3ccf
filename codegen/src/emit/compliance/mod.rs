//! `tests/protocol.rs` for a generated crate, from the IR and the crate's compliance cases
//! ([`crate::compliance`]): one `#[test]` per case, in a `request` and a `response` module.
//!
//! Request tests (`request.rs`) build the input from the case's values, call the client over a
//! transport that records the request, and check it; response tests (`response.rs`) have the
//! transport answer and compare what the client returns with the expected value. `values.rs`
//! writes the values. The fixed part of the file, its `support` module (the recording transport,
//! the client, the comparisons), is the hand-written `support.rs.in`.

mod request;
mod response;
mod values;

use proc_macro2::{Group, Ident, TokenStream, TokenTree};
use quote::{quote, ToTokens};

use super::ident;
use crate::compliance::{Cases, Test};
use crate::ir::{Crate, Named, TypeRef};

/// The body of the test file's `support` module. Not compiled as part of the generator: it is
/// parsed when a test file is written, with [`CRATE_PLACEHOLDER`] standing for the crate under test.
const SUPPORT: &str = include_str!("support.rs.in");
/// The identifier in [`SUPPORT`] that stands for the generated crate.
const CRATE_PLACEHOLDER: &str = "generated_crate";

/// What the emitters need besides a case: the crate and its name in the test.
struct Context<'a> {
    krate: &'a Crate,
    /// The crate as the test names it: the package name with `-` as `_`.
    crate_ident: Ident,
}

impl Context<'_> {
    /// `::json10::types::Dialog`.
    fn path(&self, path: &TypeRef) -> TokenStream {
        let krate = &self.crate_ident;
        let modules = path.module.iter().map(|m| ident(m));
        let name = ident(&path.name);
        quote! { ::#krate #( :: #modules )* :: #name }
    }

    /// `::json10::primitives`.
    fn primitives(&self) -> TokenStream {
        let krate = &self.crate_ident;
        quote! { ::#krate::primitives }
    }

    /// The `#[test]` for one case, around the `body` of its kind.
    fn test(&self, test: &Test, body: TokenStream) -> TokenStream {
        let name = ident(&test.test_fn);
        let documentation = test
            .documentation
            .lines()
            .map(|line| format!(" {}", line.trim_end()));
        quote! {
            #( #[doc = #documentation] )*
            #[test]
            fn #name() {
                #body
            }
        }
    }

    /// `impl Same` for one generated type: member by member, so that `NaN` equals `NaN`.
    fn same_impl(&self, path: &TypeRef, named: Named) -> TokenStream {
        let rust = self.path(path);
        let body = match named {
            Named::Enum(_) => quote! { self == other },
            Named::Structure(s) if s.fields.is_empty() => quote! { let _ = other; true },
            Named::Structure(s) => {
                let mut checks = s.fields.iter().map(|f| {
                    let field = ident(&f.ident);
                    quote! { support::Same::same(&self.#field, &other.#field) }
                });
                let first = checks.next().unwrap_or_default();
                quote! { #first #( && #checks )* }
            }
            Named::Union(u) => {
                let arms = u.variants.iter().map(|v| {
                    let name = ident(&v.name);
                    match v.ty {
                        None => quote! { (#rust::#name, #rust::#name) => true, },
                        Some(_) => {
                            quote! { (#rust::#name(a), #rust::#name(b)) => support::Same::same(a, b), }
                        }
                    }
                });
                quote! {
                    match (self, other) {
                        #( #arms )*
                        (#rust::Unknown, #rust::Unknown) => true,
                        _ => false,
                    }
                }
            }
        };
        quote! {
            impl support::Same for #rust {
                fn same(&self, other: &Self) -> bool {
                    #body
                }
            }
        }
    }
}

/// The `support` module: [`SUPPORT`] for the crate `crate_ident`.
fn support(crate_ident: &Ident) -> TokenStream {
    let file = syn::parse_file(SUPPORT).expect("support.rs.in is a Rust module body");
    let body = replace_ident(file.into_token_stream(), CRATE_PLACEHOLDER, crate_ident);
    quote! {
        /// What every test uses: a recording transport, a configured client, and comparisons.
        mod support {
            #body
        }
    }
}

/// `tokens` with every identifier `from` replaced by `to`.
fn replace_ident(tokens: TokenStream, from: &str, to: &Ident) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(i) if i == from => TokenTree::Ident(to.clone()),
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), replace_ident(g.stream(), from, to));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

/// The source of `tests/protocol.rs` for the crate: support code, a `Same` comparison for every
/// generated type, and the tests in `request` and `response` modules, named by case id.
pub fn test_file(krate: &Crate, cases: &Cases) -> TokenStream {
    let context = Context {
        krate,
        crate_ident: ident(&krate.package.replace('-', "_")),
    };
    let support = support(&context.crate_ident);
    let same_impls = krate
        .named_types()
        .into_iter()
        .map(|(path, named)| context.same_impl(&path, named));
    let requests: Vec<_> = cases
        .requests
        .iter()
        .map(|case| context.test(&case.test, context.request_test(case)))
        .collect();
    let responses: Vec<_> = cases
        .responses
        .iter()
        .map(|case| context.test(&case.test, context.response_test(case)))
        .collect();
    let modules = [
        (
            "request",
            " The request cases: what the client sends.",
            requests,
        ),
        (
            "response",
            " The response cases: how the client reads what the service answers.",
            responses,
        ),
    ]
    .into_iter()
    .filter(|(_, _, tests)| !tests.is_empty())
    .map(|(module, doc, tests)| {
        let module = ident(module);
        let api = ident(&krate.service.trait_name);
        let krate_ident = &context.crate_ident;
        quote! {
            #[doc = #doc]
            #[allow(non_snake_case)]
            mod #module {
                use super::support;
                use ::#krate_ident::client::#api as _;
                #( #tests )*
            }
        }
    });
    let doc = format!(
        " Protocol compliance tests for `{}`: the client cases of the model's `smithy.test` traits.",
        krate.package
    );
    quote! {
        #![doc = #doc]
        #support
        #( #same_impls )*
        #( #modules )*
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_support_module_names_the_crate_under_test() {
        let source = support(&ident("my_crate")).to_string();
        assert!(
            source.contains(":: my_crate :: transport :: HttpClient"),
            "{source}"
        );
        assert!(!source.contains(CRATE_PLACEHOLDER), "{source}");
    }
}
