//! The body of a response case's test: call the client over a transport that answers with the
//! case's status, headers and body, and compare the output (or, for cases on an error
//! structure, the error variant and its members) with the value the case expects.

use proc_macro2::TokenStream;
use quote::quote;

use super::Context;
use crate::compliance::{Expected, ResponseCase};
use crate::emit::ident;

impl Context<'_> {
    pub(super) fn response_test(&self, case: &ResponseCase) -> TokenStream {
        let op = &self.krate.operations[case.test.operation];
        let host = &case.test.host;
        let status = case.status;
        let headers = case.headers.iter().map(|(k, v)| quote! { (#k, #v) });
        let body = &case.body;
        let input = self.value(&case.input);
        let call_fn = ident(&op.call_fn);
        let check = match &case.expected {
            Expected::Output(expected) => {
                let expected = self.value(expected);
                quote! {
                    let expected = #expected;
                    match outcome {
                        ::std::result::Result::Ok(output) => support::assert_same(&output, &expected),
                        ::std::result::Result::Err(error) => {
                            panic!("expected the output {expected:#?}, got the error {error:#?}")
                        }
                    }
                }
            }
            Expected::Error { error, value, code } => {
                let error = &op.errors[*error];
                let expected = self.value(value);
                let module = ident(&op.module);
                let error_enum = ident(&op.error_enum);
                let variant = ident(&error.variant);
                let krate = &self.crate_ident;
                let message = format!(
                    "expected the `{}` error {{expected:#?}}, got {{other:#?}}",
                    error.code.replace('{', "{{").replace('}', "}}")
                );
                let code_check = match code {
                    Some(code) => quote! { assert_eq!(error.code(), #code, "the error code"); },
                    None => quote! {},
                };
                quote! {
                    let expected = #expected;
                    match outcome {
                        ::std::result::Result::Err(::#krate::operation::#module::#error_enum::#variant(error)) => {
                            support::assert_same(&error, &expected);
                            #code_check
                        }
                        other => panic!(#message),
                    }
                }
            }
        };
        quote! {
            let http = support::Recorder::new(#status, &[ #( #headers ),* ], #body);
            let client = support::client(#host, &http);
            let input = #input;
            let outcome = support::run(client.#call_fn(input));
            #check
        }
    }
}
