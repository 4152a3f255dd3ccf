//! Turns a Smithy 2.0 JSON AST model into the source files of a Rust client crate.
//!
//! The pipeline, one module per step, flowing one way:
//! `ast` (JSON to plain data) → `model` (prelude, `apply`, mixins, checked references) →
//! `closure` (service, operations, reached shapes, unsupported features) → `lower` (Rust names
//! and types: the IR in `ir`) → `emit` (token streams; `emit::krate` assembles the crate's
//! files) → `render` (prettyplease and the `@generated` header). The stages are private to this
//! crate: `cargo doc -p codegen --document-private-items` documents them.
//!
//! This crate does no IO: [`generate`] takes the model text and [`Settings`] and returns files.
//! Its output depends on nothing but its input, byte for byte.

pub(crate) mod ast;
pub(crate) mod closure;
mod compliance;
mod customizations;
pub(crate) mod diagnostic;
mod docs;
mod emit;
pub(crate) mod ir;
pub(crate) mod lower;
pub(crate) mod model;
pub(crate) mod naming;
mod nesting;
pub(crate) mod render;
mod scc;
pub(crate) mod shape_id;
mod strict_json;
pub(crate) mod traits;

pub use diagnostic::Diagnostic;
pub use emit::krate::is_runtime_module;

/// What to generate from a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The package name of the generated crate, e.g. `sfn`.
    pub package: String,
    /// The package version.
    pub version: String,
    /// The service to generate, by shape id or name; `None` when the model has one service.
    pub service: Option<String>,
    /// Operations to generate, by shape name (`SendTaskFailure`) or in snake case
    /// (`send_task_failure`); empty for all of the service's operations. A name that matches none
    /// is refused with the closest one suggested.
    pub operations: Vec<String>,
    /// Where the model came from, for the `@generated` header (e.g. `models/sfn.json`).
    pub source: String,
    /// How the crate gets the runtime (configuration, credentials, signing, transport, ...).
    pub runtime: RuntimeDependency,
}

/// How a generated crate gets the runtime crate (`codegen/runtime`, `smithy-rust-runtime`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// A path dependency on the runtime crate, written into `Cargo.toml` as given (relative to
    /// the generated crate's folder, or absolute). Every crate generated this way shares one
    /// runtime: one `Config`, one credentials provider, one HTTP client for all services.
    Path(String),
    /// The runtime's modules copied into the crate (`--inline-runtime`): a crate that needs no
    /// other source, at the cost of its own copy of the runtime and its own `Config` type.
    Inline,
}

impl RuntimeDependency {
    /// Where the runtime crate is from a crate generated into `generated/NAME` of this repository.
    pub const IN_REPOSITORY: &'static str = "../../codegen/runtime";
}

impl Settings {
    /// Settings for the whole (single) service of a model.
    pub fn new(package: impl Into<String>, source: impl Into<String>) -> Self {
        Self {
            package: package.into(),
            version: "0.1.0".to_owned(),
            service: None,
            operations: Vec::new(),
            source: source.into(),
            runtime: RuntimeDependency::Path(RuntimeDependency::IN_REPOSITORY.to_owned()),
        }
    }
}

/// One output file: a path relative to the crate folder (with `/`), and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// The files of the crate, sorted by path; or the first problem found, naming its shape.
/// Operations skipped on the way are not reported: see [`generate_with_notes`].
pub fn generate(model_json: &str, settings: &Settings) -> Result<Vec<GeneratedFile>, Diagnostic> {
    generate_with_notes(model_json, settings).map(|(files, _)| files)
}

/// As [`generate`], with one line per operation left out of an all-operations crate, e.g.
/// `com.amazonaws.kinesis#SubscribeToShard: skipped: event streams are not supported`.
pub fn generate_with_notes(
    model_json: &str,
    settings: &Settings,
) -> Result<(Vec<GeneratedFile>, Vec<String>), Diagnostic> {
    check_package_name(&settings.package)?;
    let model = model::Model::build(ast::parse(model_json)?)?;
    let selection = closure::select(&model, settings.service.as_deref(), &settings.operations)?;
    let notes = selection
        .skipped
        .iter()
        .map(|(id, why)| format!("{id}: skipped: {why}"))
        .collect();
    let krate = lower::lower(&model, &selection, &settings.package, &settings.version)?;
    // The IR is all the emitters read: the model's memory goes before the files take theirs.
    drop((selection, model));
    Ok((emit::krate::crate_files(&krate, settings)?, notes))
}

/// The source of `tests/protocol.rs` for the crate [`generate`] makes with the same model and
/// settings: a `#[test]` for every client case of the model's `smithy.test#httpRequestTests` and
/// `smithy.test#httpResponseTests` traits on the crate's operations and errors, for the service's
/// protocol. The test uses only the crate's own dependencies.
pub fn generate_protocol_tests(
    model_json: &str,
    settings: &Settings,
) -> Result<String, Diagnostic> {
    check_package_name(&settings.package)?;
    let model = model::Model::build(ast::parse(model_json)?)?;
    let selection = closure::select(&model, settings.service.as_deref(), &settings.operations)?;
    let krate = lower::lower(&model, &selection, &settings.package, &settings.version)?;
    let cases = compliance::collect(&model, &krate)?;
    let tokens = emit::compliance::test_file(&krate, &cases);
    Ok(render::rust_file("tests/protocol.rs", tokens, &settings.source)?.contents)
}

fn check_package_name(name: &str) -> Result<(), Diagnostic> {
    let valid = !name.is_empty()
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(Diagnostic::model(format!(
            "invalid package name `{name}`: use letters, digits, `-` and `_`, starting with a letter"
        )))
    }
}

/// The runtime crate's sources, kept in `codegen/runtime/`: what `--inline-runtime` copies into a
/// crate (every module but `lib.rs`, whose declarations the generated `lib.rs` makes) and what
/// `cargo xtask export-runtime` writes out. A test checks that it lists every file of
/// `codegen/runtime/src`.
pub const RUNTIME_SOURCES: &[(&str, &str)] = &[
    ("src/auth.rs", include_str!("../runtime/src/auth.rs")),
    (
        "src/aws_json.rs",
        include_str!("../runtime/src/aws_json.rs"),
    ),
    (
        "src/compression.rs",
        include_str!("../runtime/src/compression.rs"),
    ),
    ("src/config.rs", include_str!("../runtime/src/config.rs")),
    (
        "src/config/idempotency_token.rs",
        include_str!("../runtime/src/config/idempotency_token.rs"),
    ),
    (
        "src/config/identity.rs",
        include_str!("../runtime/src/config/identity.rs"),
    ),
    (
        "src/config/overrides.rs",
        include_str!("../runtime/src/config/overrides.rs"),
    ),
    (
        "src/credentials/cache.rs",
        include_str!("../runtime/src/credentials/cache.rs"),
    ),
    (
        "src/credentials/chain.rs",
        include_str!("../runtime/src/credentials/chain.rs"),
    ),
    (
        "src/credentials/container.rs",
        include_str!("../runtime/src/credentials/container.rs"),
    ),
    (
        "src/credentials/environment.rs",
        include_str!("../runtime/src/credentials/environment.rs"),
    ),
    (
        "src/credentials/error.rs",
        include_str!("../runtime/src/credentials/error.rs"),
    ),
    (
        "src/credentials/from_profile.rs",
        include_str!("../runtime/src/credentials/from_profile.rs"),
    ),
    (
        "src/credentials/http.rs",
        include_str!("../runtime/src/credentials/http.rs"),
    ),
    (
        "src/credentials/imds.rs",
        include_str!("../runtime/src/credentials/imds.rs"),
    ),
    (
        "src/credentials/imds/client.rs",
        include_str!("../runtime/src/credentials/imds/client.rs"),
    ),
    (
        "src/credentials/mod.rs",
        include_str!("../runtime/src/credentials/mod.rs"),
    ),
    (
        "src/credentials/process.rs",
        include_str!("../runtime/src/credentials/process.rs"),
    ),
    (
        "src/credentials/sso.rs",
        include_str!("../runtime/src/credentials/sso.rs"),
    ),
    (
        "src/credentials/sts.rs",
        include_str!("../runtime/src/credentials/sts.rs"),
    ),
    (
        "src/credentials/sts_tests.rs",
        include_str!("../runtime/src/credentials/sts_tests.rs"),
    ),
    (
        "src/credentials/web_identity.rs",
        include_str!("../runtime/src/credentials/web_identity.rs"),
    ),
    (
        "src/credentials/xml.rs",
        include_str!("../runtime/src/credentials/xml.rs"),
    ),
    (
        "src/endpoint/eval.rs",
        include_str!("../runtime/src/endpoint/eval.rs"),
    ),
    (
        "src/endpoint/functions.rs",
        include_str!("../runtime/src/endpoint/functions.rs"),
    ),
    (
        "src/endpoint/mod.rs",
        include_str!("../runtime/src/endpoint/mod.rs"),
    ),
    (
        "src/endpoint/partitions.rs",
        include_str!("../runtime/src/endpoint/partitions.rs"),
    ),
    (
        "src/endpoint/tests.rs",
        include_str!("../runtime/src/endpoint/tests.rs"),
    ),
    ("src/error.rs", include_str!("../runtime/src/error.rs")),
    (
        "src/json/mod.rs",
        include_str!("../runtime/src/json/mod.rs"),
    ),
    (
        "src/json/read.rs",
        include_str!("../runtime/src/json/read.rs"),
    ),
    (
        "src/json/read/text.rs",
        include_str!("../runtime/src/json/read/text.rs"),
    ),
    (
        "src/json/read_tests.rs",
        include_str!("../runtime/src/json/read_tests.rs"),
    ),
    (
        "src/json/write.rs",
        include_str!("../runtime/src/json/write.rs"),
    ),
    (
        "src/json/write_tests.rs",
        include_str!("../runtime/src/json/write_tests.rs"),
    ),
    ("src/lib.rs", include_str!("../runtime/src/lib.rs")),
    (
        "src/orchestrator/attempts.rs",
        include_str!("../runtime/src/orchestrator/attempts.rs"),
    ),
    (
        "src/orchestrator/auth.rs",
        include_str!("../runtime/src/orchestrator/auth.rs"),
    ),
    (
        "src/orchestrator/host_prefix.rs",
        include_str!("../runtime/src/orchestrator/host_prefix.rs"),
    ),
    (
        "src/orchestrator/mod.rs",
        include_str!("../runtime/src/orchestrator/mod.rs"),
    ),
    (
        "src/orchestrator/modeled_error.rs",
        include_str!("../runtime/src/orchestrator/modeled_error.rs"),
    ),
    (
        "src/orchestrator/request.rs",
        include_str!("../runtime/src/orchestrator/request.rs"),
    ),
    (
        "src/primitives/blob.rs",
        include_str!("../runtime/src/primitives/blob.rs"),
    ),
    (
        "src/primitives/byte_stream.rs",
        include_str!("../runtime/src/primitives/byte_stream.rs"),
    ),
    (
        "src/primitives/byte_stream/sources.rs",
        include_str!("../runtime/src/primitives/byte_stream/sources.rs"),
    ),
    (
        "src/primitives/datetime.rs",
        include_str!("../runtime/src/primitives/datetime.rs"),
    ),
    (
        "src/primitives/datetime/parse.rs",
        include_str!("../runtime/src/primitives/datetime/parse.rs"),
    ),
    (
        "src/primitives/document.rs",
        include_str!("../runtime/src/primitives/document.rs"),
    ),
    (
        "src/primitives/mod.rs",
        include_str!("../runtime/src/primitives/mod.rs"),
    ),
    (
        "src/primitives/tests.rs",
        include_str!("../runtime/src/primitives/tests.rs"),
    ),
    ("src/profile.rs", include_str!("../runtime/src/profile.rs")),
    ("src/rest.rs", include_str!("../runtime/src/rest.rs")),
    (
        "src/rest/checksums.rs",
        include_str!("../runtime/src/rest/checksums.rs"),
    ),
    (
        "src/rest/support.rs",
        include_str!("../runtime/src/rest/support.rs"),
    ),
    ("src/retry.rs", include_str!("../runtime/src/retry.rs")),
    (
        "src/retry/rate_limiter.rs",
        include_str!("../runtime/src/retry/rate_limiter.rs"),
    ),
    (
        "src/sensitive.rs",
        include_str!("../runtime/src/sensitive.rs"),
    ),
    (
        "src/serde_impls.rs",
        include_str!("../runtime/src/serde_impls.rs"),
    ),
    ("src/sign.rs", include_str!("../runtime/src/sign.rs")),
    (
        "src/transport.rs",
        include_str!("../runtime/src/transport.rs"),
    ),
    (
        "src/waiter/mod.rs",
        include_str!("../runtime/src/waiter/mod.rs"),
    ),
    (
        "src/waiter/path.rs",
        include_str!("../runtime/src/waiter/path.rs"),
    ),
];

/// The runtime crate's manifest (see [`RUNTIME_SOURCES`]).
pub(crate) const RUNTIME_MANIFEST: &str = include_str!("../runtime/Cargo.toml");

/// The runtime crate's package name and version, as generated manifests name it.
pub const RUNTIME_PACKAGE: &str = "smithy-rust-runtime";

/// The runtime crate's version, from its manifest.
pub fn runtime_version() -> &'static str {
    RUNTIME_MANIFEST
        .lines()
        .find_map(|line| line.strip_prefix("version = \""))
        .and_then(|rest| rest.strip_suffix('"'))
        .unwrap_or("0.0.0")
}

/// The files of the runtime crate, for `cargo xtask export-runtime`: its manifest and sources,
/// unchanged, so a project can hold one copy that all its generated crates depend on.
pub fn runtime_crate_files() -> Vec<GeneratedFile> {
    let mut files = vec![GeneratedFile {
        path: "Cargo.toml".to_owned(),
        contents: RUNTIME_MANIFEST.to_owned(),
    }];
    files.extend(RUNTIME_SOURCES.iter().map(|(path, text)| GeneratedFile {
        path: (*path).to_owned(),
        contents: (*text).to_owned(),
    }));
    files
}

#[cfg(test)]
mod tests {
    use super::RUNTIME_SOURCES;
    use std::path::Path;

    /// The `.rs` files under `dir`, as paths relative to `root` joined with `/`.
    fn rust_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(root, &path, out);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                let relative = path.strip_prefix(root).unwrap();
                let parts: Vec<&str> = relative
                    .components()
                    .map(|part| part.as_os_str().to_str().unwrap())
                    .collect();
                out.push(parts.join("/"));
            }
        }
    }

    /// `RUNTIME_SOURCES` names every source file of the runtime crate (so a new one cannot be
    /// left out of inline crates and exports), in order, each with the file's text.
    #[test]
    fn runtime_sources_are_the_runtime_crate_files() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
        let mut on_disk = Vec::new();
        rust_files(&root, &root.join("src"), &mut on_disk);
        on_disk.sort();
        let listed: Vec<&str> = RUNTIME_SOURCES.iter().map(|(path, _)| *path).collect();
        assert_eq!(
            listed, on_disk,
            "RUNTIME_SOURCES must list every .rs file of codegen/runtime/src, sorted by path"
        );
        for (path, text) in RUNTIME_SOURCES {
            let file = std::fs::read_to_string(root.join(path)).unwrap();
            assert!(*text == file, "{path}: the included text is not the file's");
        }
    }
}
