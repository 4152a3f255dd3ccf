//! `src/lib.rs`: crate documentation, module declarations and re-exports.

use proc_macro2::TokenStream;
use quote::quote;

use super::ident;
use crate::ir::Crate;
use crate::RuntimeDependency;

pub fn lib_file(krate: &Crate, runtime: &RuntimeDependency) -> TokenStream {
    let service = &krate.service;
    let api = &service.trait_name;
    let ops: Vec<String> = krate
        .operations
        .iter()
        .map(|op| format!("`{}`", op.wire_name))
        .collect();
    let repeatable: Vec<String> = krate
        .operations
        .iter()
        .filter(|op| !op.idempotent)
        .map(|op| format!("`{}`", op.wire_name))
        .collect();
    let idempotency = if repeatable.is_empty() {
        "Every operation here is idempotent, so all of those failures are retried.".to_owned()
    } else {
        format!(
            "Operations the model does not mark idempotent ({}) are repeated only when the\n\
             request was provably not carried out (throttled, refused with 503, or never sent):\n\
             after a timeout or a connection lost mid-call the service may already have acted, so\n\
             the failure is reported instead of risking a second, misleading attempt. Turn retries\n\
             off entirely with [`retry::RetryConfig::disabled`].",
            repeatable.join(", ")
        )
    };
    let text = format!(
        "A client for {title} ({id}), generated from its Smithy model.\n\n\
         {service_docs}\
         Operations: {ops}.\n\n\
         - [`{api}`]: the trait application code depends on; mock it in tests. [`{ext}`] adds\n  \
         fluent calls to every implementation.\n\
         - [`Client`]: the implementation that calls the service.\n\
         - [`operation`]: each operation's input, output, builders and error enum.\n\
         - [`types`]: the data types and modeled errors the operations use.\n\
         - [`primitives`]: timestamps, blobs and documents, and their wire formats.\n\
         {getting_started}\n\
         # Configuration\n\n\
         [`Config::from_env`] reads the standard AWS settings: the region from `AWS_REGION`,\n\
         `AWS_DEFAULT_REGION` or the profile; the endpoint from `AWS_ENDPOINT_URL_{env}` or\n\
         `AWS_ENDPOINT_URL` (otherwise it is resolved from the model's endpoint rules); credentials\n\
         from the AWS SDKs' default chain, cached and refreshed before they expire: the\n\
         environment, web identity (EKS), the profile (`AWS_PROFILE`: static keys, assumed roles,\n\
         SSO, `credential_process`), container credentials (ECS, EKS Pod Identity) and EC2\n\
         instance metadata (see [`credentials`]). Requests go over HTTPS (rustls) or HTTP,\n\
         signed with SigV4; plug in another HTTP client with [`transport::HttpClient`].\n\n\
         [`Config`] is the runtime's (`smithy-rust-runtime`): one configuration serves the clients\n\
         of every service generated against the same runtime. Build it once and pass it by\n\
         reference (`Client::new(&config)`): those clients share its credentials provider and its\n\
         HTTP connections, and each still takes its own `AWS_ENDPOINT_URL_<SERVICE>`. Derive a\n\
         configuration for one service with [`Config::to_builder`].\n\n\
         # Several services in one program\n\n\
         Each generated crate's `prelude` holds only its two traits, named after its service, so\n\
         the preludes of several crates import together; the clients keep their crates' names:\n\n\
         ```ignore\n\
         use {package}::prelude::*;\n\
         use other_service::prelude::*;\n\n\
         let config = {package}::Config::from_env();\n\
         let {package} = {package}::Client::new(&config);\n\
         let other = other_service::Client::new(&config); // the same `Config` type\n\
         ```\n\n\
         # Retries\n\n\
         Calls use the AWS standard retry mode ([`retry::RetryConfig`]): up to 3 attempts with\n\
         exponential backoff and jitter, and a retry quota shared by a client and its clones.\n\
         Throttling errors, HTTP 500/502/503/504, timeouts and connection failures are retried;\n\
         modeled client errors never are. {idempotency}\n\n\
         `Config::from_env()` reads `AWS_MAX_ATTEMPTS` and `AWS_RETRY_MODE` (`standard`, or\n\
         `adaptive` for client-side rate limiting), else the profile's `max_attempts` and\n\
         `retry_mode`. Each attempt times out after 90 s by default (long polls fit), and a\n\
         whole call has no time limit unless one is set ([`config`] explains both).\n\n\
         `Display` of every error shows its code, message and request id, and every error type\n\
         gives them (with the HTTP status and the attempts made) through\n\
         [`error::ProvideErrorMetadata`]. `Debug` never shows a `@sensitive` value or a\n\
         credential, and neither does the `tracing` output (one `call` span per call, named\n\
         `{service_name}` in its `service` field, and one event when it ends: `debug` with\n\
         operation, status, attempts, latency and request id on success, `warn` on failure).\n\n\
         # Features\n\n\
         `serde` (off by default): `Serialize` and `Deserialize` for the data types, inputs,\n\
         outputs and errors, with the members' wire names, for applications that store or log\n\
         them. Timestamps are written as epoch seconds, blobs in base64, documents as plain JSON.\n\
         `Debug` still redacts `@sensitive` values; serialized data keeps them.{nesting}",
        service_docs = super::front_page::service_docs(krate),
        getting_started = super::front_page::getting_started(krate),
        nesting = nesting_section(krate),
        package = krate.package.replace('-', "_"),
        env = service.env_name,
        service_name = service.service_name,
        idempotency = idempotency,
        title = service.title,
        ext = service.ext_trait_name,
        id = service.id,
        ops = ops.join(", "),
    );
    let lines = text.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    let api_ident = ident(api);
    let runtime_modules = match runtime {
        RuntimeDependency::Inline => inline_runtime_modules(krate),
        RuntimeDependency::Path(_) => shared_runtime_modules(krate),
    };
    // In rustfmt's order, so that `cargo fmt` leaves the line alone whatever the service's name
    // (`Bindings` sorts before `BoxFuture`).
    let mut reexports = ["BoxFuture", "Client", api, &service.ext_trait_name];
    reexports.sort_unstable();
    let reexports = reexports.map(ident);
    let ext_ident = ident(&service.ext_trait_name);
    let prelude_doc = super::doc_lines(&format!(
        "The traits most programs need: `use {package}::prelude::*;` gives the fluent calls on any\n\
         [`{api}`] and lets code name the trait.\n\n\
         Only traits named after the service{unnamed}, so that the preludes of several services can be\n\
         glob-imported into one module together; name the client and the configuration by their\n\
         crate (`{package}::Client`, `{package}::Config`).",
        package = krate.package.replace('-', "_"),
        unnamed = if krate.has_waiters() {
            " (and the `Waiters` trait, imported unnamed)"
        } else {
            ""
        },
    ));
    let waiters = super::waiter::lib_items(krate, runtime);
    // The waiters' trait, unnamed (`as _`): its methods work on any implementation of the
    // service trait (a mock, `&dyn Api`), and every service's is called `Waiters`, so a named
    // import would collide between preludes.
    let prelude_waiters = krate
        .has_waiters()
        .then(|| quote! { pub use crate::waiters::Waiters as _; });
    let recursion_limit = crate::nesting::recursion_limit(krate).map(|limit| {
        let limit = limit.to_string();
        quote! { #![recursion_limit = #limit] }
    });
    quote! {
        #( #![doc = #lines] )*
        #![forbid(unsafe_code)]
        #recursion_limit
        #![warn(missing_docs)]

        pub use client::{#(#reexports),*};
        pub use config::Config;

        #[rustfmt::skip]
        pub mod client;
        #[rustfmt::skip]
        mod codec;
        #[rustfmt::skip]
        pub mod operation;
        #runtime_modules
        #[rustfmt::skip]
        pub mod types;
        #waiters

        #prelude_doc
        pub mod prelude {
            pub use crate::client::{#api_ident, #ext_ident};
            #prelude_waiters
        }
    }
}

/// The runtime's modules, from the runtime crate: those applications name re-exported, the
/// seam with generated code imported (so generated code names both as `crate::...` whichever way
/// the runtime comes), and a build-time check that the runtime's seam is the one this generator
/// writes code for.
fn shared_runtime_modules(krate: &Crate) -> TokenStream {
    let package = &krate.package;
    let seam = proc_macro2::Literal::u32_unsuffixed(SEAM);
    let message = format!(
        "{package} was generated for seam {SEAM} of smithy-rust-runtime {version}, and this runtime \
         has another: regenerate {package} with the generator that matches the runtime, or use the \
         runtime it was generated for (`export-runtime` of that generator: `cargo xtask \
         export-runtime` or `smithy-rust-codegen export-runtime`)",
        version = super::cargo::runtime_requirement(),
    );
    // One `use` a module, in rustfmt's order, so that `cargo fmt` leaves the file as it is.
    // `compression` exists only with the runtime's `request-compression` feature, which the
    // manifest turns on only for crates that compress.
    let modules = RUNTIME_MODULES
        .iter()
        .filter(|(module, _)| *module != "compression" || krate.has_request_compression());
    let imports = modules.map(|(module, public)| {
        let module = ident(module);
        if *public {
            quote! { pub use ::smithy_rust_runtime::#module; }
        } else {
            quote! {
                #[allow(unused_imports)]
                use ::smithy_rust_runtime::#module;
            }
        }
    });
    quote! {
        #( #imports )*
        const _: () = ::std::assert!(::smithy_rust_runtime::SEAM == #seam, #message);
    }
}

/// The runtime modules generated code names as `crate::MODULE`, sorted, and whether applications
/// name them too (re-exported) or only generated code does (the seam, imported privately).
const RUNTIME_MODULES: &[(&str, bool)] = &[
    ("auth", true),
    ("aws_json", false),
    ("compression", false),
    ("config", true),
    ("credentials", true),
    ("error", true),
    ("json", false),
    ("orchestrator", false),
    ("primitives", true),
    ("rest", false),
    ("retry", true),
    ("sensitive", false),
    ("transport", true),
];

/// The seam version this generator writes code for: the runtime crate's own, which it is built
/// with.
const SEAM: u32 = smithy_rust_runtime::SEAM;

/// The runtime's modules, copied into the crate (`--inline-runtime`).
fn inline_runtime_modules(krate: &Crate) -> TokenStream {
    let public = [
        "auth",
        "config",
        "credentials",
        "error",
        "primitives",
        "retry",
        "transport",
    ]
    .map(ident);
    // Shared by every generated crate; each crate uses part of them (and of their re-exports).
    let seam = [
        "aws_json",
        "endpoint",
        "json",
        "orchestrator",
        "profile",
        "rest",
        "sign",
    ]
    .map(ident);
    // The redaction marker exists only in crates with something to redact, request compression
    // only in crates whose operations have it.
    let optional = [
        ("sensitive", krate.redacts()),
        ("compression", krate.has_request_compression()),
    ];
    let optional = optional
        .iter()
        .filter(|(_, used)| *used)
        .map(|(module, _)| ident(module));
    quote! {
        #(
            #[rustfmt::skip]
            pub mod #public;
        )*
        #(
            #[rustfmt::skip]
            #[allow(dead_code, unused_imports)]
            mod #seam;
        )*
        #(
            #[rustfmt::skip]
            mod #optional;
        )*
        // `Serialize`/`Deserialize` for the primitives; the data types derive theirs.
        #[cfg(feature = "serde")]
        #[rustfmt::skip]
        mod serde_impls;
    }
}

/// The section on rustc's recursion limit, for crates whose types nest deeper than its default
/// allows (see [`crate::nesting`]).
fn nesting_section(krate: &Crate) -> String {
    match crate::nesting::recursion_limit(krate) {
        None => String::new(),
        Some(limit) => format!(
            "\n\n# Deeply nested types\n\n\
             The model nests its types more deeply than rustc's default `recursion_limit` (128)\n\
             allows when it proves them `Send` or checks their drops, so this crate sets\n\
             `#![recursion_limit = \"{limit}\"]`. A crate that uses these types needs the same\n\
             line at its root (rustc names the limit in its error otherwise)."
        ),
    }
}
