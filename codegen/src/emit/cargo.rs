//! The generated crate's `Cargo.toml`.

use crate::ir::Crate;

/// What the examples (`examples/<operation>.rs`) need beyond the dependencies: `#[tokio::main]`.
/// No argument parser: the examples parse their flags by hand to keep compile times down.
const DEV_DEPENDENCIES: &str = "\
tokio = { version = \"1\", features = [\"rt\", \"macros\"] }
";

/// What every generated crate depends on: JSON, SigV4 signing, and an HTTPS client on tokio
/// with rustls and ring (which builds much faster than aws-lc-rs). `serde_core` (serde's traits
/// without derive, already under `serde_json`) lets the runtime skip unknown response members
/// without storing them.
const DEPENDENCIES: &str = "\
aws-credential-types = \"1\"
aws-sigv4 = { version = \"1\", default-features = false, features = [\"sign-http\", \"http1\"] }
http = \"1\"
http-body-util = \"0.1\"
hyper = { version = \"1\", default-features = false, features = [\"client\", \"http1\"] }
hyper-rustls = { version = \"0.27\", default-features = false, features = [\"http1\", \"ring\", \"webpki-roots\", \"tls12\"] }
hyper-util = { version = \"0.1\", default-features = false, features = [\"client-legacy\", \"http1\", \"tokio\"] }
rustls = { version = \"0.23\", default-features = false, features = [\"ring\", \"std\", \"tls12\"] }
serde_core = { version = \"1.0.220\", default-features = false, features = [\"std\"] }
serde_json = \"1\"
tokio = { version = \"1\", default-features = false, features = [\"rt\", \"net\", \"time\"] }
tracing = { version = \"0.1\", default-features = false, features = [\"std\"] }
";

/// The optional `serde` feature: `Serialize`/`Deserialize` on the data types. Off by default, so
/// serde's derive costs nothing unless an application asks for it.
const FEATURES: &str = "\
serde = [\"dep:serde\"]
";
const OPTIONAL_DEPENDENCIES: &str = "\
serde = { version = \"1\", optional = true, features = [\"derive\"] }
";

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
         {DEPENDENCIES}\
         {OPTIONAL_DEPENDENCIES}\
         \n\
         [features]\n\
         {FEATURES}\
         \n\
         [dev-dependencies]\n\
         {DEV_DEPENDENCIES}",
        name = krate.package,
        version = krate.version,
    )
}
