//! The traits the generator understands: their ids, value checks and typed readers.
//!
//! Every trait the generator reads is checked here once, over the whole model, so that emitters can
//! read values without handling malformed JSON (a bad value is a diagnostic, not a default).

use std::cmp::Ordering;

use serde_json::{Number, Value};

use crate::ast::{json_kind, Traits};
use crate::diagnostic::{Diagnostic, Result};
use crate::shape_id::{ShapeId, PRELUDE_NAMESPACE};

pub const DOCUMENTATION: &str = "documentation";
pub const REQUIRED: &str = "required";
pub const SENSITIVE: &str = "sensitive";
pub const ERROR: &str = "error";
pub const ENUM_VALUE: &str = "enumValue";
pub const DEFAULT: &str = "default";
pub const CLIENT_OPTIONAL: &str = "clientOptional";
pub const SPARSE: &str = "sparse";
pub const MIXIN: &str = "mixin";
pub const INPUT: &str = "input";
/// A member the client fills with a fresh UUID v4 when it is left unset.
pub const IDEMPOTENCY_TOKEN: &str = "idempotencyToken";
pub const OUTPUT: &str = "output";
pub const TIMESTAMP_FORMAT: &str = "timestampFormat";
/// `smithy.api#paginated`, on operations and (as defaults) on the service.
pub const PAGINATED: &str = "paginated";
/// `smithy.api#length` and `smithy.api#range`: constraints the generated crate does not enforce,
/// whose bounds are checked all the same, as Smithy's validators do.
pub const LENGTH: &str = "length";
pub const RANGE: &str = "range";

/// The values `@timestampFormat` may take.
pub const TIMESTAMP_FORMATS: &[&str] = &["date-time", "http-date", "epoch-seconds"];
/// `smithy.api#endpoint`, with its `hostPrefix`, and `smithy.api#hostLabel`.
pub const ENDPOINT: &str = "endpoint";
pub const HOST_PREFIX: &str = "hostPrefix";
pub const HOST_LABEL: &str = "hostLabel";

/// `smithy.api#requestCompression` on operations: its `encodings`, a non-empty list of strings,
/// of which the generated client implements `gzip` (the only one the spec defines today).
pub const REQUEST_COMPRESSION: &str = "requestCompression";

/// AWS protocol traits, by the name in the `aws.protocols` namespace.
pub const AWS_PROTOCOLS_NAMESPACE: &str = "aws.protocols";
/// `aws.protocols#awsQueryCompatible` on a service, and `aws.protocols#awsQueryError` on its errors.
pub const AWS_QUERY_COMPATIBLE: &str = "awsQueryCompatible";
pub const AWS_QUERY_ERROR: &str = "awsQueryError";

/// Looks a `smithy.api#` trait up.
pub fn prelude<'a>(traits: &'a Traits, name: &str) -> Option<&'a Value> {
    traits
        .iter()
        .find(|(id, _)| id.namespace() == PRELUDE_NAMESPACE && id.name() == name)
        .map(|(_, value)| value)
}

/// Looks any trait up by its absolute id, e.g. `aws.auth#sigv4`.
pub fn by_id<'a>(traits: &'a Traits, namespace: &str, name: &str) -> Option<&'a Value> {
    traits
        .iter()
        .find(|(id, _)| id.namespace() == namespace && id.name() == name)
        .map(|(_, value)| value)
}

pub fn has(traits: &Traits, name: &str) -> bool {
    prelude(traits, name).is_some()
}

pub fn documentation(traits: &Traits) -> Option<&str> {
    prelude(traits, DOCUMENTATION).and_then(Value::as_str)
}

/// `date-time`, `http-date` or `epoch-seconds` (checked), when `@timestampFormat` is present.
pub fn timestamp_format(traits: &Traits) -> Option<&str> {
    prelude(traits, TIMESTAMP_FORMAT).and_then(Value::as_str)
}

/// `client` or `server` for an error structure.
pub fn error_kind(traits: &Traits) -> Option<&str> {
    prelude(traits, ERROR).and_then(Value::as_str)
}

/// True when the operation's `@requestCompression` (checked) lists gzip, in any case: its
/// requests are then compressed. Encodings the client does not implement are skipped, as the
/// spec says; with none left the request goes uncompressed.
pub fn request_compression_gzip(traits: &Traits) -> bool {
    prelude(traits, REQUEST_COMPRESSION)
        .and_then(|value| value.get("encodings"))
        .and_then(Value::as_array)
        .is_some_and(|encodings| {
            encodings
                .iter()
                .filter_map(Value::as_str)
                .any(|encoding| encoding.eq_ignore_ascii_case("gzip"))
        })
}

/// Checks the value of every trait the generator reads, wherever it appears.
///
/// `subject` names the shape or member carrying the traits.
pub fn check(traits: &Traits, subject: &dyn std::fmt::Display) -> Result<()> {
    for (id, value) in traits {
        check_one(id, value)
            .map_err(|why| Diagnostic::at(subject, format!("trait `{id}`: {why}")))?;
    }
    Ok(())
}

fn check_one(id: &ShapeId, value: &Value) -> std::result::Result<(), String> {
    let expect_object = |what: &str| match value {
        Value::Object(_) => Ok(()),
        other => Err(format!(
            "{what} must be an object, found {}",
            json_kind(other)
        )),
    };
    let expect_string = |what: &str| match value {
        Value::String(_) => Ok(()),
        other => Err(format!(
            "{what} must be a string, found {}",
            json_kind(other)
        )),
    };
    match (id.namespace(), id.name()) {
        (PRELUDE_NAMESPACE, DOCUMENTATION) => expect_string("the documentation"),
        (
            PRELUDE_NAMESPACE,
            REQUIRED | SENSITIVE | CLIENT_OPTIONAL | SPARSE | INPUT | OUTPUT | MIXIN,
        ) => expect_object("the value"),
        (PRELUDE_NAMESPACE, ERROR) => match value.as_str() {
            Some("client" | "server") => Ok(()),
            _ => Err(format!(
                "the value must be \"client\" or \"server\", found {value}"
            )),
        },
        (PRELUDE_NAMESPACE, TIMESTAMP_FORMAT) => match value.as_str() {
            Some(format) if TIMESTAMP_FORMATS.contains(&format) => Ok(()),
            _ => Err(format!(
                "the value must be \"date-time\", \"http-date\" or \"epoch-seconds\", found {value}"
            )),
        },
        (PRELUDE_NAMESPACE, REQUEST_COMPRESSION) => {
            expect_object("the value")?;
            match value.get("encodings") {
                Some(Value::Array(list))
                    if !list.is_empty() && list.iter().all(Value::is_string) =>
                {
                    Ok(())
                }
                Some(other) => Err(format!(
                    "`encodings` must be a non-empty list of strings, found {other}"
                )),
                None => Err("`encodings` is missing".to_owned()),
            }
        }
        (PRELUDE_NAMESPACE, ENUM_VALUE) => match value {
            Value::String(_) | Value::Number(_) => Ok(()),
            other => Err(format!(
                "the value must be a string or an integer, found {}",
                json_kind(other)
            )),
        },
        (PRELUDE_NAMESPACE, name @ (LENGTH | RANGE)) => {
            expect_object("the value")?;
            let mut bounds = [None, None];
            for (bound, slot) in ["min", "max"].into_iter().zip(&mut bounds) {
                match value.get(bound) {
                    None => {}
                    Some(Value::Number(n))
                        if name == LENGTH && n.as_f64().is_some_and(|n| n < 0.0) =>
                    {
                        return Err(format!("`{bound}` must not be negative, found {n}"))
                    }
                    Some(Value::Number(n)) => *slot = Some(n),
                    Some(other) => {
                        return Err(format!(
                            "`{bound}` must be a number, found {}",
                            json_kind(other)
                        ))
                    }
                }
            }
            match bounds {
                [Some(min), Some(max)] if compare_numbers(min, max) == Ordering::Greater => {
                    Err(format!("`min` ({min}) is greater than `max` ({max})"))
                }
                _ => Ok(()),
            }
        }
        ("aws.auth", "sigv4") => match value.get("name") {
            Some(Value::String(name)) if !name.is_empty() => Ok(()),
            _ => Err("the value must be an object with a non-empty string `name`".to_owned()),
        },
        ("aws.api", "service") => match value.get("sdkId") {
            Some(Value::String(sdk_id)) if !sdk_id.trim().is_empty() => Ok(()),
            _ => Err("the value must be an object with a non-empty string `sdkId`".to_owned()),
        },
        (PRELUDE_NAMESPACE, ENDPOINT) => match value.get(HOST_PREFIX) {
            Some(Value::String(prefix)) if !prefix.is_empty() => Ok(()),
            _ => Err("the value must be an object with a non-empty string `hostPrefix`".to_owned()),
        },
        (PRELUDE_NAMESPACE, HOST_LABEL) => expect_object("the value"),
        (PRELUDE_NAMESPACE, PAGINATED) => {
            expect_object("the value")?;
            for key in ["inputToken", "outputToken", "items", "pageSize"] {
                match value.get(key) {
                    None => {}
                    Some(Value::String(s)) if !s.is_empty() => {}
                    Some(other) => {
                        return Err(format!("`{key}` must be a non-empty string, found {other}"))
                    }
                }
            }
            Ok(())
        }
        (AWS_PROTOCOLS_NAMESPACE, AWS_QUERY_ERROR) => {
            match value.get("code") {
                Some(Value::String(code)) if !code.trim().is_empty() => {}
                _ => {
                    return Err(
                        "the value must be an object with a non-empty string `code`".to_owned()
                    )
                }
            }
            match value.get("httpResponseCode") {
                Some(Value::Number(n)) if n.as_u64().is_some_and(|n| (100..1000).contains(&n)) => {
                    Ok(())
                }
                _ => Err("`httpResponseCode` must be an HTTP status code".to_owned()),
            }
        }
        // The only string-valued trait of the namespace (the ec2Query name of a member).
        (AWS_PROTOCOLS_NAMESPACE, "ec2QueryName") => expect_string("the value"),
        (AWS_PROTOCOLS_NAMESPACE, _) => expect_object("the value"),
        _ => Ok(()),
    }
}

/// Orders two JSON numbers exactly when both are integers, else as floats.
fn compare_numbers(a: &Number, b: &Number) -> Ordering {
    if let (Some(a), Some(b)) = (a.as_i64(), b.as_i64()) {
        return a.cmp(&b);
    }
    if let (Some(a), Some(b)) = (a.as_u64(), b.as_u64()) {
        return a.cmp(&b);
    }
    match (a.as_i64(), b.as_i64()) {
        // One is a negative integer and the other an integer past `i64::MAX`.
        (Some(_), None) if b.is_u64() => Ordering::Less,
        (None, Some(_)) if a.is_u64() => Ordering::Greater,
        _ => {
            let (a, b) = (
                a.as_f64().unwrap_or(f64::NAN),
                b.as_f64().unwrap_or(f64::NAN),
            );
            a.partial_cmp(&b).unwrap_or(Ordering::Equal)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_one, request_compression_gzip, REQUEST_COMPRESSION};
    use crate::shape_id::ShapeId;

    fn check(name: &str, value: serde_json::Value) -> Result<(), String> {
        check_one(&ShapeId::prelude(name), &value)
    }

    #[test]
    fn request_compression_lists_its_encodings() {
        let ok = json!({ "encodings": ["gzip"] });
        assert_eq!(check(REQUEST_COMPRESSION, ok), Ok(()));
        for bad in [
            json!({}),
            json!({ "encodings": [] }),
            json!({ "encodings": [1] }),
        ] {
            assert!(check(REQUEST_COMPRESSION, bad.clone()).is_err(), "{bad}");
        }
        let traits = |value| [(ShapeId::prelude(REQUEST_COMPRESSION), value)].into();
        let gzip = |value| request_compression_gzip(&traits(value));
        assert!(gzip(json!({ "encodings": ["br", "GZIP"] })));
        assert!(!gzip(json!({ "encodings": ["br"] })));
    }

    #[test]
    fn aws_protocol_traits_are_objects_but_ec2_query_name() {
        let protocol = |name: &str, value| {
            check_one(
                &ShapeId::parse(&format!("aws.protocols#{name}")).unwrap(),
                &value,
            )
        };
        assert_eq!(protocol("awsJson1_0", json!({})), Ok(()));
        assert_eq!(
            protocol("awsJson1_0", json!("x")),
            Err("the value must be an object, found a string".to_owned())
        );
        assert_eq!(protocol("ec2QueryName", json!("Name")), Ok(()));
        assert_eq!(
            protocol("ec2QueryName", json!({})),
            Err("the value must be a string, found an object".to_owned())
        );
    }

    #[test]
    fn length_and_range_bounds() {
        assert_eq!(check("length", json!({ "min": 0, "max": 0 })), Ok(()));
        assert_eq!(check("length", json!({ "max": 3 })), Ok(()));
        assert_eq!(
            check("length", json!({ "min": 3, "max": 2 })),
            Err("`min` (3) is greater than `max` (2)".to_owned())
        );
        assert_eq!(
            check("length", json!({ "max": -2 })),
            Err("`max` must not be negative, found -2".to_owned())
        );
        assert_eq!(check("range", json!({ "min": -5, "max": -5 })), Ok(()));
        assert_eq!(
            check("range", json!({ "min": -1, "max": u64::MAX })),
            Ok(())
        );
        assert_eq!(check("range", json!({ "min": 1.25, "max": 1.5 })), Ok(()));
        assert_eq!(
            check("range", json!({ "min": 1.5, "max": 1.25 })),
            Err("`min` (1.5) is greater than `max` (1.25)".to_owned())
        );
        assert_eq!(
            check("range", json!({ "min": u64::MAX, "max": -1 })),
            Err(format!("`min` ({}) is greater than `max` (-1)", u64::MAX))
        );
        assert_eq!(
            check(
                "range",
                json!({ "min": 9007199254740993_u64, "max": 9007199254740992_u64 })
            ),
            Err("`min` (9007199254740993) is greater than `max` (9007199254740992)".to_owned())
        );
    }
}
