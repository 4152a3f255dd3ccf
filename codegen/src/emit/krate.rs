//! Crate assembly: which files a generated crate has, each rendered from its emitter. `types.rs`,
//! `types/error.rs` and the operations' files are printed item by item as they are made
//! ([`RustFile`]), so that no whole file's tokens or syntax tree are ever held.
//!
//! Every crate has `Cargo.toml`, `src/lib.rs`, `src/client.rs`, `src/codec.rs`,
//! `src/operation.rs`, `src/types.rs` and `src/types/error.rs`; each operation adds
//! `src/operation/<op>.rs` and its example program; waiters add `src/waiters.rs` and
//! `src/waiters/<waiter>.rs`; an inline-runtime crate adds the runtime modules it uses.

use proc_macro2::TokenStream;
use quote::quote;

use super::{cargo, client, codec, data, doc_lines, example, ident, lib_rs, operation, waiter};
use crate::diagnostic::Diagnostic;
use crate::ir::{Crate, DataType};
use crate::render::{self, RustFile};
use crate::{GeneratedFile, RuntimeDependency, Settings, RUNTIME_SOURCES};

/// The runtime crate's `lib.rs`: never copied, the generated `lib.rs` declares the modules.
const RUNTIME_LIB: &str = "src/lib.rs";

/// The files of the crate, sorted by path.
pub(crate) fn crate_files(
    krate: &Crate,
    settings: &Settings,
) -> Result<Vec<GeneratedFile>, Diagnostic> {
    let source = settings.source.as_str();
    let runtime = &settings.runtime;
    let mut files = vec![
        GeneratedFile {
            path: "Cargo.toml".to_owned(),
            contents: cargo::cargo_toml(krate, runtime, &render::header("#", source)),
        },
        render::rust_file("src/lib.rs", lib_rs::lib_file(krate, runtime), source)?,
        render::rust_file("src/client.rs", client::client_file(krate), source)?,
        codec::codec_file(krate, source)?,
    ];
    if *runtime == RuntimeDependency::Inline {
        for (path, text) in RUNTIME_SOURCES {
            if copies_runtime_module(krate, path) {
                files.push(render::runtime_file(path, text, source)?);
            }
        }
    }
    let mut op_modules = Vec::new();
    for op in &krate.operations {
        let module = ident(&op.module);
        let doc = doc_lines(&format!("The `{}` operation.", op.wire_name));
        op_modules.push(quote! { #doc pub mod #module; });
        let mut file = RustFile::new(
            &format!("src/operation/{}.rs", op.module),
            source,
            TokenStream::new(),
        )?;
        operation::operation_file(op, &krate.service, &mut file)?;
        files.push(file.finish());
        files.push(render::rust_file(
            &example::example_path(op),
            example::example_entry(krate, op),
            source,
        )?);
        files.push(render::rust_file(
            &example::program_path(op),
            example::example_file(krate, op),
            source,
        )?);
    }
    files.push(render::rust_file(
        "src/operation.rs",
        quote! {
            //! Each operation's input, output, builders and error enum, one module per operation.
            #( #op_modules )*
        },
        source,
    )?);
    files.push(types_file(krate, source)?);
    files.push(errors_file(krate, source)?);
    files.extend(waiter::waiter_files(krate, source)?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// True for the paths of runtime modules a crate generated with [`RuntimeDependency::Inline`]
/// carries (copied, not generated from the model).
pub fn is_runtime_module(path: &str) -> bool {
    path != RUNTIME_LIB && RUNTIME_SOURCES.iter().any(|(runtime, _)| *runtime == path)
}

/// Whether an inline-runtime crate copies the runtime module at `path`: every module but
/// `lib.rs`, except those the crate would not use (no redaction, no request compression, no
/// waiters), which
/// would only be dead code.
fn copies_runtime_module(krate: &Crate, path: &str) -> bool {
    match path {
        RUNTIME_LIB => false,
        "src/sensitive.rs" => krate.redacts(),
        "src/compression.rs" => krate.has_request_compression(),
        "src/waiter/mod.rs" | "src/waiter/path.rs" => krate.has_waiters(),
        _ => true,
    }
}

/// `types.rs`: the data types, `UnknownValue`, then the structures' builders, printed one type
/// at a time.
fn types_file(krate: &Crate, source: &str) -> Result<GeneratedFile, Diagnostic> {
    let module = quote! { crate::types };
    let inner = quote! {
        //! The data types the operations use. Modeled errors are in [`error`].
    };
    let mut file = RustFile::new("src/types.rs", source, inner)?;
    for ty in &krate.types {
        file.push(match ty {
            DataType::Structure(s) => data::structure(s, &module),
            DataType::Enum(e) => data::enumeration(e),
            DataType::Union(u) => data::union(u),
        })?;
    }
    // Only string enums keep unknown values in `UnknownValue`.
    if krate.has_string_enums() {
        file.push(quote! {
            /// An enum value this version of the crate does not know, as the service sent it.
            #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash, ::std::cmp::PartialOrd, ::std::cmp::Ord)]
            #[cfg_attr(feature = "serde", derive(::serde::Serialize, ::serde::Deserialize), serde(transparent))]
            pub struct UnknownValue(::std::string::String);
            impl UnknownValue {
                pub(crate) fn new(value: &str) -> Self {
                    Self(value.to_owned())
                }
                /// The value as the service sent it.
                pub fn as_str(&self) -> &str {
                    &self.0
                }
            }
        })?;
    }
    let builders = krate.types.iter().filter_map(|ty| match ty {
        DataType::Structure(s) => Some(data::builder(s, &module)),
        DataType::Enum(_) | DataType::Union(_) => None,
    });
    file.push_module(
        quote! {
            /// Builders for the structures of this module.
            pub mod builders
        },
        builders,
    )?;
    file.push(quote! { pub mod error; })?;
    Ok(file.finish())
}

/// `types/error.rs`: the modeled errors, then their builders, printed one error at a time.
fn errors_file(krate: &Crate, source: &str) -> Result<GeneratedFile, Diagnostic> {
    let module = quote! { crate::types::error };
    let inner = quote! {
        //! The errors the service models. Each operation's error enum wraps the ones it can return.
    };
    let mut file = RustFile::new("src/types/error.rs", source, inner)?;
    for s in &krate.errors {
        file.push(data::structure(s, &module))?;
    }
    file.push_module(
        quote! {
            /// Builders for the errors, for tests and mocks.
            pub mod builders
        },
        krate.errors.iter().map(|s| data::builder(s, &module)),
    )?;
    Ok(file.finish())
}
