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
    let example = krate
        .operations
        .first()
        .map(|op| example(krate, op))
        .unwrap_or_default();
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
         Operations: {ops}.\n\n\
         - [`{api}`]: the trait application code depends on; mock it in tests. [`{ext}`] adds\n  \
         fluent calls to every implementation.\n\
         - [`Client`]: the implementation that calls the service.\n\
         - [`operation`]: each operation's input, output, builders and error enum.\n\
         - [`types`]: the data types and modeled errors the operations use.\n\
         - [`primitives`]: timestamps, blobs and documents, and their wire formats.\n\
         {example}\n\n\
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
         # Retries\n\n\
         Calls use the AWS standard retry mode ([`retry::RetryConfig`]): up to 3 attempts with\n\
         exponential backoff and jitter, and a retry quota shared by a client and its clones.\n\
         Throttling errors, HTTP 500/502/503/504, timeouts and connection failures are retried;\n\
         modeled client errors never are. {idempotency}\n\n\
         `Display` of every error shows its code, message and request id, and every error type\n\
         gives them (with the HTTP status and the attempts made) through\n\
         [`error::ProvideErrorMetadata`]. `Debug` never shows a `@sensitive` value or a\n\
         credential, and neither does the `tracing` output (one `call` span per call with its\n\
         operation, attempts, status and request id).\n\n\
         # Features\n\n\
         `serde` (off by default): `Serialize` and `Deserialize` for the data types, inputs,\n\
         outputs and errors, with the members' wire names, for applications that store or log\n\
         them. Timestamps are written as epoch seconds, blobs in base64, documents as plain JSON.\n\
         `Debug` still redacts `@sensitive` values; serialized data keeps them.{nesting}",
        nesting = nesting_section(krate),
        env = service.env_name,
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
        RuntimeDependency::Path(_) => shared_runtime_modules(&krate.package),
    };
    let ext_ident = ident(&service.ext_trait_name);
    let prelude_doc = super::doc_lines(&format!(
        "The names most programs need: `use {}::prelude::*;`.",
        krate.package.replace('-', "_")
    ));
    let waiters = super::waiter::lib_items(krate, runtime);
    let recursion_limit = crate::nesting::recursion_limit(krate).map(|limit| {
        let limit = limit.to_string();
        quote! { #![recursion_limit = #limit] }
    });
    quote! {
        #( #![doc = #lines] )*
        #![forbid(unsafe_code)]
        #recursion_limit
        #![warn(missing_docs)]

        pub use client::{BoxFuture, Client, #api_ident, #ext_ident};
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
            pub use crate::client::{Client, #api_ident, #ext_ident};
            pub use crate::config::Config;
        }
    }
}

/// The runtime's modules, from the runtime crate: those applications name re-exported, the
/// seam with generated code imported (so generated code names both as `crate::...` whichever way
/// the runtime comes), and a build-time check that the runtime's seam is the one this generator
/// writes code for.
fn shared_runtime_modules(package: &str) -> TokenStream {
    let seam = proc_macro2::Literal::u32_unsuffixed(SEAM);
    let message = format!(
        "{package} was generated for seam {SEAM} of smithy-rust-runtime {version}, and this runtime \
         has another: regenerate {package} with the generator that matches the runtime, or use the \
         runtime it was generated for (`cargo xtask export-runtime`)",
        version = super::cargo::runtime_requirement(),
    );
    // One `use` a module, in rustfmt's order, so that `cargo fmt` leaves the file as it is.
    let imports = RUNTIME_MODULES.iter().map(|(module, public)| {
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
    ("aws_json", false),
    ("config", true),
    ("credentials", true),
    ("error", true),
    ("idempotency", false),
    ("json", false),
    ("orchestrator", false),
    ("primitives", true),
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
        "config",
        "credentials",
        "error",
        "primitives",
        "retry",
        "transport",
    ]
    .map(ident);
    // Shared by every generated crate; each crate uses part of them.
    let seam = [
        "aws_json",
        "endpoint",
        "json",
        "orchestrator",
        "profile",
        "sign",
    ]
    .map(ident);
    // The redaction marker exists only in crates with something to redact, idempotency tokens
    // only in crates whose operations have them.
    let optional = [
        ("sensitive", krate.redacts()),
        ("idempotency", krate.has_idempotency_tokens()),
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
            #[allow(dead_code)]
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

fn example(krate: &Crate, op: &crate::ir::Operation) -> String {
    let package = krate.package.replace('-', "_");
    let api = &krate.service.trait_name;
    let error = &op.error_enum;
    let setters: String = op
        .input
        .fields
        .iter()
        .filter(|f| f.ty == crate::ir::Type::String)
        .map(|f| format!("\n        .{}(\"...\")", f.setter))
        .collect();
    format!(
        "\n# Example\n\n```no_run\n\
         use {package}::prelude::*;\n\
         use {package}::operation::{module}::{error};\n\n\
         async fn call(client: &dyn {api}) -> Result<(), {error}> {{\n    \
         let output = client\n        .{fn_name}(){setters}\n        .send()\n        .await?;\n    \
         println!(\"{{output:?}}\");\n    \
         Ok(())\n}}\n```",
        module = op.module,
        fn_name = op.fn_name,
    )
}
