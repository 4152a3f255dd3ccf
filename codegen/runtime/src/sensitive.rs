//! The redaction marker that `Debug` shows in place of `@sensitive` values.

use std::fmt;

/// The text shown instead of a sensitive value.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";

/// Debug-prints as [`REDACTED`], without quotes.
#[derive(Clone, Copy)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}
