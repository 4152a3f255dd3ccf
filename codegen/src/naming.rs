//! Rust names for Smithy names: the only place that calls heck or knows Rust's keywords.
//!
//! Case first, then escape: `type` becomes `r#type`; the words that cannot be raw identifiers
//! (`self`, `Self`, `super`, `crate`, `extern`, `_`) get a trailing `_`.

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust's strict and reserved keywords (2021 edition), plus `gen` (reserved in 2024) and `union`
/// (a contextual keyword, escaped to keep readers unconfused).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// A name as it appears in Rust source: either plain (`task_token`) or raw (`r#type`).
pub fn escape(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// The unescaped base of a name, for building derived names such as `set_type`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The words of a Rust name without any escaping, for building other names from it: no `r#`, and
/// no `_` that escapes a keyword or a leading digit. `r#type` → `type`, `self_` → `self`,
/// `_2nd` → `2nd`, `Self_` → `Self`.
pub fn base(name: &str) -> &str {
    unraw(name).trim_matches('_')
}

/// A `snake_case` name built from the bases of other names, escaped like [`snake`]:
/// `["set", "r#type"]` → `set_type`, `["self_", "with"]` → `self_with`, `["is", "_2nd"]` →
/// `is_2nd`. Joining bases (never escaped names) keeps `__` out of derived names.
pub fn snake_join(parts: &[&str]) -> String {
    let joined = parts
        .iter()
        .map(|part| base(part))
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    escape(fix_leading_digit(joined, "_"))
}

/// An `UpperCamelCase` name built from the bases of other names, escaped like [`camel`]:
/// `["Self_", "Builder"]` → `SelfBuilder`.
pub fn camel_join(parts: &[&str]) -> String {
    escape(fix_leading_digit(
        parts.iter().map(|part| base(part)).collect(),
        "V",
    ))
}

/// `snake_case` for fields, functions and modules (escaped).
pub fn snake(name: &str) -> String {
    escape(fix_leading_digit(name.to_snake_case(), "_"))
}

/// `snake_case` for module and file names: never raw (a file cannot be named `r#type.rs`).
pub fn module(name: &str) -> String {
    let snake = fix_leading_digit(name.to_snake_case(), "_");
    if KEYWORDS.contains(&snake.as_str()) || NOT_RAW.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// `UpperCamelCase` for types and enum variants. `KMSKeyId` becomes `KmsKeyId`.
pub fn camel(name: &str) -> String {
    escape(fix_leading_digit(name.to_upper_camel_case(), "V"))
}

/// Identifiers may not start with a digit (`1_GB` cases to `1Gb`): prefix one.
fn fix_leading_digit(name: String, prefix: &str) -> String {
    if name.is_empty() {
        // Only underscores: keep something readable and valid.
        return format!("{prefix}underscore");
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("{prefix}{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `.rs` files under `codegen/src/DIR`, with their text.
    fn sources(dir: &str) -> Vec<(std::path::PathBuf, String)> {
        let mut work = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)];
        let mut files = Vec::new();
        while let Some(dir) = work.pop() {
            for entry in std::fs::read_dir(&dir).expect("a source folder") {
                let path = entry.expect("a folder entry").path();
                if path.is_dir() {
                    work.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).expect("a source file");
                    files.push((path, text));
                }
            }
        }
        assert!(!files.is_empty(), "no sources under {dir}");
        files
    }

    /// This module is the only one that calls heck, and emitters compute no names: they take
    /// every name (types, fields, methods, codec functions) from the IR.
    #[test]
    fn names_come_from_here_only() {
        for (path, text) in sources("src") {
            if path.ends_with("src/naming.rs") {
                continue;
            }
            for banned in ["heck::", "use heck"] {
                assert!(!text.contains(banned), "{} has `{banned}`", path.display());
            }
        }
        for (path, text) in sources("src/emit") {
            for banned in [
                "to_snake_case",
                "to_upper_camel_case",
                "naming::snake",
                "naming::camel",
                "naming::module",
                "format!(\"ser_",
                "format!(\"de_",
            ] {
                assert!(!text.contains(banned), "{} has `{banned}`", path.display());
            }
        }
    }

    #[test]
    fn table() {
        let cases = [
            (snake("taskToken"), "task_token"),
            (snake("type"), "r#type"),
            (snake("self"), "self_"),
            (snake("Self"), "self_"),
            (snake("KMSKeyId"), "kms_key_id"),
            (snake("_"), "_underscore"),
            (snake("1st"), "_1st"),
            (module("type"), "type_"),
            (module("SendTaskFailure"), "send_task_failure"),
            (
                camel("KMSAccessDeniedException"),
                "KmsAccessDeniedException",
            ),
            (camel("PENDING_DELETION"), "PendingDeletion"),
            (camel("Self"), "Self_"),
            (camel("1_GB"), "V1Gb"),
            (camel("self"), "Self_"),
        ];
        for (got, want) in cases {
            assert_eq!(got, want);
        }
        assert_eq!(unraw("r#type"), "type");
        let joined = [
            (snake_join(&["set", "r#type"]), "set_type"),
            (snake_join(&["set", "self_"]), "set_self"),
            (snake_join(&["self_", "with"]), "self_with"),
            (snake_join(&["is", "_2nd"]), "is_2nd"),
            (snake_join(&["_2nd", "with"]), "_2nd_with"),
            (snake_join(&["meta_value"]), "meta_value"),
            (camel_join(&["Self_", "Builder"]), "SelfBuilder"),
            (camel_join(&["V1Gb", "Builder"]), "V1GbBuilder"),
        ];
        for (got, want) in joined {
            assert_eq!(got, want);
        }
    }
}
