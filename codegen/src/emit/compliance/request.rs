//! The body of a request case's test: build the input, call the client over a transport that
//! records the request (and answers `200 {}`), and check the request against the case.

use proc_macro2::TokenStream;
use quote::quote;

use super::Context;
use crate::compliance::RequestCase;
use crate::emit::ident;

impl Context<'_> {
    pub(super) fn request_test(&self, case: &RequestCase) -> TokenStream {
        let op = &self.krate.operations[case.test.operation];
        let host = &case.test.host;
        let input = self.value(&case.input);
        let method = &case.method;
        let uri = &case.uri;
        let resolved_host = option(case.resolved_host.as_deref());
        let headers = case.headers.iter().map(|(k, v)| quote! { (#k, #v) });
        let headers = quote! { &[ #( #headers ),* ] };
        let require_headers = list(&case.require_headers);
        let forbid_headers = list(&case.forbid_headers);
        let query_params = list(&case.query_params);
        let require_query_params = list(&case.require_query_params);
        let forbid_query_params = list(&case.forbid_query_params);
        let body = option(case.body.as_deref());
        let json_body = case.json_body;
        let call_fn = ident(&op.call_fn);
        quote! {
            let http = support::Recorder::new(200, &[], "{}");
            let client = support::client(#host, &http);
            let input = #input;
            let outcome = support::run(client.#call_fn(input));
            let request = http.request(&outcome);
            support::assert_request(&request, &support::ExpectedRequest {
                method: #method,
                uri: #uri,
                host: #resolved_host,
                headers: #headers,
                require_headers: #require_headers,
                forbid_headers: #forbid_headers,
                query_params: #query_params,
                require_query_params: #require_query_params,
                forbid_query_params: #forbid_query_params,
                body: #body,
                json_body: #json_body,
            });
        }
    }
}

/// `Some("...")` or `None`.
fn option(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote! { ::std::option::Option::Some(#text) },
        None => quote! { ::std::option::Option::None },
    }
}

/// `&["...", ...]`.
fn list(items: &[String]) -> TokenStream {
    quote! { &[ #( #items ),* ] }
}
