//! The generated crate's `Cargo.toml`.

use crate::ir::Crate;
use crate::{RuntimeDependency, RUNTIME_PACKAGE};

/// What the examples (`examples/<operation>.rs`) need beyond the dependencies: `#[tokio::main]`.
/// No argument parser: the examples parse their flags by hand to keep compile times down.
const DEV_DEPENDENCIES: &str = "\
tokio = { version = \"1\", features = [\"rt\", \"macros\"] }
";

/// The runtime's dependencies that only its `request-compression` feature uses.
const COMPRESSION_DEPENDENCIES: &[&str] = &["miniz_oxide"];

/// What a crate with the runtime inlined depends on: the runtime crate's own dependencies, read
/// from its manifest (`codegen/runtime/Cargo.toml`, where each is explained), no longer optional.
/// Its optional `serde` is left out: the crate names serde itself (with derive) in
/// [`OPTIONAL_DEPENDENCIES`]; so are the compression dependencies, unless the crate compresses.
fn inline_runtime_dependencies(compression: bool) -> String {
    let mut in_dependencies = false;
    let mut out = String::new();
    for line in crate::RUNTIME_MANIFEST.lines() {
        if line.starts_with('[') {
            in_dependencies = line == "[dependencies]";
            continue;
        }
        let line = line.trim();
        let name = line.split([' ', '=']).next().unwrap_or_default();
        if !in_dependencies
            || line.is_empty()
            || line.starts_with('#')
            || name == "serde"
            || (!compression && COMPRESSION_DEPENDENCIES.contains(&name))
        {
            continue;
        }
        out.push_str(&line.replace(", optional = true", ""));
        out.push('\n');
    }
    out
}

/// The optional `serde` feature: `Serialize`/`Deserialize` on the data types. Off by default, so
/// serde's derive costs nothing unless an application asks for it.
const INLINE_FEATURES: &str = "\
serde = [\"dep:serde\"]
";
const OPTIONAL_DEPENDENCIES: &str = "\
serde = { version = \"1\", optional = true, features = [\"derive\"] }
";

pub fn cargo_toml(krate: &Crate, runtime: &RuntimeDependency, header: &str) -> String {
    let description = format!(
        "A client for {} ({}), generated from its Smithy model.",
        krate.service.title, krate.service.sdk_id
    )
    .replace('"', "'");
    let (dependencies, features) = match runtime {
        RuntimeDependency::Inline => (
            inline_runtime_dependencies(krate.has_request_compression()),
            INLINE_FEATURES.to_owned(),
        ),
        RuntimeDependency::Path(path) => (
            shared_runtime_dependencies(path, krate.has_request_compression()),
            format!("serde = [\"dep:serde\", \"{RUNTIME_PACKAGE}/serde\"]\n"),
        ),
    };
    format!(
        "{header}\
         [package]\n\
         name = \"{name}\"\n\
         version = \"{version}\"\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         description = \"{description}\"\n\
         license = \"Apache-2.0\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         {dependencies}\
         {OPTIONAL_DEPENDENCIES}\
         \n\
         [features]\n\
         {features}\
         \n\
         [dev-dependencies]\n\
         {DEV_DEPENDENCIES}",
        name = krate.package,
        version = krate.version,
    )
}

/// The runtime crate at `path`, in the version range this generator's code fits (cargo refuses a
/// runtime of another minor version before compiling anything), with its `request-compression`
/// feature for a crate that compresses requests, and serde_json, whose `Value` the generated
/// codec builds (the same crate as the runtime's: semver-compatible versions unify).
fn shared_runtime_dependencies(path: &str, compression: bool) -> String {
    let version = runtime_requirement();
    let path = path.replace('\\', "/").replace('"', "\\\"");
    let features = if compression {
        ", features = [\"request-compression\"]"
    } else {
        ""
    };
    format!(
        "# The runtime shared by generated crates. If cargo says no version matches, this crate was\n\
         # generated for another runtime: regenerate it, or export the matching runtime with\n\
         # `cargo xtask export-runtime` (or `smithy-rust-codegen export-runtime`).\n\
         {RUNTIME_PACKAGE} = {{ version = \"{version}\", path = \"{path}\"{features} }}\n\
         serde_json = \"1\"\n"
    )
}

/// `0.MINOR` (or `MAJOR` from 1.0 on) of the runtime crate's version: the versions whose seam
/// with generated code is the one this generator writes.
pub(crate) fn runtime_requirement() -> String {
    let version = crate::runtime_version();
    let mut parts = version.split('.');
    match (parts.next(), parts.next()) {
        (Some("0"), Some(minor)) => format!("0.{minor}"),
        (Some(major), _) => major.to_owned(),
        _ => version.to_owned(),
    }
}
