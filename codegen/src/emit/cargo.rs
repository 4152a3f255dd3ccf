//! The generated crate's `Cargo.toml`.

use crate::ir::Crate;

pub fn cargo_toml(krate: &Crate, header: &str) -> String {
    let description = format!(
        "A client for {} ({}), generated from its Smithy model.",
        krate.service.title, krate.service.sdk_id
    )
    .replace('"', "'");
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
         serde_json = \"1\"\n",
        name = krate.package,
        version = krate.version,
    )
}
