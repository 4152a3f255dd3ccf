//! Structures with their builders, enums and unions: the data types of `crate::types`,
//! `crate::types::error` and each operation's input and output.
//!
//! `structure.rs` writes a structure, `accessor.rs` its accessors and `builder.rs` its builder;
//! `error.rs` what an error
//! structure has beyond its members (accessors, `Display`, `Error`, the runtime's error traits);
//! `enumeration.rs` writes string enums and intEnums, `union.rs` unions.

mod accessor;
mod builder;
mod enumeration;
mod error;
mod structure;
mod union;

pub use accessor::rename_note;
pub use builder::builder;
pub use enumeration::enumeration;
pub use structure::structure;
pub use union::union;

/// The note on members whose value `Debug` redacts.
const SENSITIVE_MEMBER_DOC: &str =
    "\nSensitive: `Debug` output shows a redaction marker instead of this value.";
/// The note on types whose values `Debug` redacts as a whole.
const SENSITIVE_TYPE_DOC: &str =
    "\nSensitive: `Debug` output shows a redaction marker instead of the value.";

/// The note on operation input members whose default the service applies.
fn service_default_doc(default: &str) -> String {
    format!(
        "\nWhen not set, it is not sent, and the service applies the model's default, `{default}`."
    )
}
