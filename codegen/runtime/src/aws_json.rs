//! The AWS JSON 1.0/1.1 protocol's response side: bodies, and error codes, messages and request
//! ids as the protocol places them.

use serde_json::Value;

/// An error answer from the service, before it is matched to a modeled error.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    /// The sanitized code: namespace and URL suffix removed.
    pub code: String,
    /// The message (`message`, `Message` or `errorMessage`), when the body had one.
    pub message: Option<String>,
    /// The `x-amzn-requestid` header, when the answer had one.
    pub request_id: Option<String>,
    /// The HTTP status.
    pub status: u16,
    /// The body, for the modeled error's members (`{}` when it had none).
    pub body: Value,
    /// For awsQuery-compatible services: the awsQuery error code of `x-amzn-query-error`.
    pub query_code: Option<String>,
    /// The attempt that got this answer (retries included); set by the orchestrator.
    pub attempts: u32,
}

/// The request id header.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// The error code header, which takes precedence over the body.
pub const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// Sent by clients of awsQuery-compatible services, with the value `true`.
pub const QUERY_MODE_HEADER: &str = "x-amzn-query-mode";
/// The awsQuery error code and fault of an awsQuery-compatible service's error: `Code;Fault`.
pub const QUERY_ERROR_HEADER: &str = "x-amzn-query-error";

/// A member a response body may carry, as the operation's output or modeled errors declare it.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    /// The name on the wire.
    pub name: &'static str,
    /// Its value is a string, number, boolean, timestamp, blob or enum. An array or object sent
    /// there is checked and stored empty (for the decoder to report the mismatch), not whole.
    pub scalar: bool,
}

/// The members of an error body the protocol reads whatever the error: its code and message.
const ERROR_MEMBERS: &[Member] = &[
    Member {
        name: "code",
        scalar: true,
    },
    Member {
        name: "__type",
        scalar: true,
    },
    Member {
        name: "message",
        scalar: true,
    },
    Member {
        name: "Message",
        scalar: true,
    },
    Member {
        name: "errorMessage",
        scalar: true,
    },
];

/// Parses a success body: empty means `{}`; anything else must be a JSON object. Only the
/// operation's `members` are stored: the others are checked to be valid JSON and dropped as they
/// are read, so a large unknown member costs no memory.
pub fn parse_body(body: &[u8], members: &[Member]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    parse_object(body, members, &[]).map_err(|why| match why.as_str() {
        NOT_AN_OBJECT => format!("the body is not a JSON object: {}", snippet(body)),
        _ => format!("the body is not valid JSON ({why}): {}", snippet(body)),
    })
}

/// Reads an error response. `None` when it carries no error code at all (then it is not a
/// protocol error answer, e.g. an HTML page from a proxy). `members` are those of the
/// operation's modeled errors; other members are dropped as they are read (see [`parse_body`]).
pub fn parse_error(
    status: u16,
    headers: &http::HeaderMap,
    body: &[u8],
    members: &[Member],
) -> Option<ErrorResponse> {
    let parsed = parse_object(body, members, ERROR_MEMBERS).ok();
    let header_code = headers
        .get(ERROR_TYPE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    let body_code = parsed.as_ref().and_then(|body| {
        ["code", "__type"].iter().find_map(|key| {
            body.get(*key)
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
        })
    });
    // A header that sanitizes to nothing (`:http://...`) does not hide the body's code.
    let code = [header_code, body_code]
        .into_iter()
        .flatten()
        .map(sanitize_code)
        .find(|code| !code.is_empty())?;
    let message = parsed.as_ref().and_then(|body| {
        ["message", "Message", "errorMessage"]
            .iter()
            .find_map(|key| body.get(*key).and_then(Value::as_str))
    });
    Some(ErrorResponse {
        code: code.to_owned(),
        message: message.map(str::to_owned),
        request_id: request_id(headers),
        status,
        body: parsed.unwrap_or_else(|| Value::Object(serde_json::Map::new())),
        query_code: None,
        attempts: 1,
    })
}

/// What [`parse_object`] says of a body that starts as JSON of another kind than an object.
const NOT_AN_OBJECT: &str = "not an object";

/// Parses a JSON object, storing the members of `members` and `also`. The error is
/// [`NOT_AN_OBJECT`] or says why the body is not valid JSON.
fn parse_object(body: &[u8], members: &[Member], also: &[Member]) -> Result<Value, String> {
    use serde_core::de::Deserializer as _;
    // Skipped strings are not checked for UTF-8 by serde_json, so the whole body is, up front.
    let text = std::str::from_utf8(body)
        .map_err(|e| format!("invalid UTF-8 after byte {}", e.valid_up_to()))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = (&mut deserializer)
        .deserialize_map(KnownMembers { members, also })
        .map_err(|e| {
            // A data error here can only be a value of another type than an object.
            if e.is_data() {
                NOT_AN_OBJECT.to_owned()
            } else {
                e.to_string()
            }
        })?;
    deserializer.end().map_err(|e| e.to_string())?;
    Ok(value)
}

/// A visitor for an object that stores only the members it knows.
struct KnownMembers<'m> {
    members: &'m [Member],
    also: &'m [Member],
}

impl<'de> serde_core::de::Visitor<'de> for KnownMembers<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: serde_core::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        // Keys are borrowed from the body when they have no escapes, copied otherwise.
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let member = self
                .members
                .iter()
                .chain(self.also)
                .find(|m| m.name == key.as_ref());
            let value = match member {
                None => {
                    map.next_value::<serde_core::de::IgnoredAny>()?;
                    continue;
                }
                Some(member) if member.scalar => map.next_value_seed(ScalarOrEmpty)?,
                Some(_) => map.next_value::<Value>()?,
            };
            // The last of repeated keys wins, as with serde_json's own parsing.
            object.insert(key.into_owned(), value);
        }
        Ok(Value::Object(object))
    }
}

/// A scalar value as it is; an array or object checked and replaced by an empty one.
struct ScalarOrEmpty;

impl<'de> serde_core::de::DeserializeSeed<'de> for ScalarOrEmpty {
    type Value = Value;

    fn deserialize<D: serde_core::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde_core::de::Visitor<'de> for ScalarOrEmpty {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        // serde_json hands over only finite numbers (it refuses the others).
        Ok(Value::from(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde_core::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        while seq.next_element::<serde_core::de::IgnoredAny>()?.is_some() {}
        Ok(Value::Array(Vec::new()))
    }

    fn visit_map<A: serde_core::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        while map
            .next_entry::<serde_core::de::IgnoredAny, serde_core::de::IgnoredAny>()?
            .is_some()
        {}
        Ok(Value::Object(serde_json::Map::new()))
    }
}

/// The awsQuery error code of `x-amzn-query-error` (`Code;Fault`): the part before `;`, if any.
pub fn query_error_code(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(QUERY_ERROR_HEADER)?.to_str().ok()?;
    let code = value.split(';').next().unwrap_or(value).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// The request id the service gave the response, if any.
pub fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `aws.protocoltests#FooError:http://internal/...` becomes `FooError`: cut at the first `:`,
/// keep what follows `#`.
pub fn sanitize_code(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw).trim()
}

/// The start of a body for an error message: at most 200 characters, control characters escaped.
pub fn snippet(body: &[u8]) -> String {
    if body.is_empty() {
        return "(empty body)".to_owned();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(200)]);
    let mut shown: String = text.chars().flat_map(char::escape_default).collect();
    if body.len() > 200 {
        shown.push_str(&format!("... ({} bytes in all)", body.len()));
    }
    format!("`{shown}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sanitized() {
        assert_eq!(sanitize_code("FooError"), "FooError");
        assert_eq!(
            sanitize_code("aws.protocoltests.restjson#FooError"),
            "FooError"
        );
        assert_eq!(
            sanitize_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"),
            "FooError"
        );
        assert_eq!(
            sanitize_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/"),
            "FooError"
        );
    }

    #[test]
    fn header_wins_then_code_then_type() {
        let mut headers = http::HeaderMap::new();
        let body = br#"{"__type": "B", "code": "A", "Message": "m"}"#;
        assert_eq!(parse_error(400, &headers, body, &[]).unwrap().code, "A");
        headers.insert(ERROR_TYPE_HEADER, "H".parse().unwrap());
        headers.insert(REQUEST_ID_HEADER, "r".parse().unwrap());
        let error = parse_error(400, &headers, body, &[]).unwrap();
        assert_eq!(
            (
                error.code.as_str(),
                error.message.as_deref(),
                error.request_id.as_deref()
            ),
            ("H", Some("m"), Some("r"))
        );
        assert!(parse_error(500, &http::HeaderMap::new(), b"<html>oops</html>", &[]).is_none());
        let mut empty = http::HeaderMap::new();
        empty.insert(
            ERROR_TYPE_HEADER,
            ":http://internal.amazon.com/".parse().unwrap(),
        );
        assert_eq!(
            parse_error(400, &empty, br#"{"__type": "B"}"#, &[])
                .unwrap()
                .code,
            "B"
        );
        // The modeled members are kept for the error's decoder; the rest are dropped.
        let reason = [Member {
            name: "reason",
            scalar: true,
        }];
        let error = parse_error(
            400,
            &headers,
            br#"{"reason": "r", "junk": [1, 2], "message": "m"}"#,
            &reason,
        )
        .unwrap();
        assert_eq!(
            error.body,
            serde_json::json!({"reason": "r", "message": "m"})
        );
        let error =
            parse_error(400, &headers, br#"{"message": {"huge": [1, 2]}}"#, &reason).unwrap();
        assert_eq!(
            (error.message, error.body),
            (None, serde_json::json!({"message": {}}))
        );
    }

    #[test]
    fn query_error_codes() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(query_error_code(&headers), None);
        headers.insert(
            QUERY_ERROR_HEADER,
            "AWS.SimpleQueueService.NonExistentQueue;Sender"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            query_error_code(&headers).as_deref(),
            Some("AWS.SimpleQueueService.NonExistentQueue")
        );
        headers.insert(QUERY_ERROR_HEADER, "Customized".parse().unwrap());
        assert_eq!(query_error_code(&headers).as_deref(), Some("Customized"));
        headers.insert(QUERY_ERROR_HEADER, " ;Sender".parse().unwrap());
        assert_eq!(query_error_code(&headers), None);
    }

    #[test]
    fn bodies() {
        assert!(parse_body(b"", &[])
            .unwrap()
            .as_object()
            .unwrap()
            .is_empty());
        assert!(parse_body(b"{\"a\": 1}", &[]).is_ok());
        assert!(parse_body(b"[1]", &[])
            .unwrap_err()
            .contains("not a JSON object"));
        assert!(parse_body(b"\"text\"", &[])
            .unwrap_err()
            .contains("not a JSON object"));
        assert!(parse_body(b"{\"a\":", &[])
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_body(b"{} {}", &[])
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_body(b"{\"a\": \"\xff\"}", &[])
            .unwrap_err()
            .contains("not valid JSON (invalid UTF-8 after byte 7)"));
        // Unknown members are checked to be JSON, then dropped (their numbers are not converted,
        // so one out of `f64`'s range passes); kept ones are whole.
        assert!(parse_body(b"{\"a\": [1, NaN]}", &[])
            .unwrap_err()
            .contains("not valid JSON"));
        assert!(parse_body(b"{\"a\": [1, 2e999]}", &[]).is_ok());
        let a = [Member {
            name: "a",
            scalar: false,
        }];
        assert!(parse_body(b"{\"a\": [1, 2e999]}", &a)
            .unwrap_err()
            .contains("not valid JSON"));
        let members = [
            Member {
                name: "c",
                scalar: false,
            },
            Member {
                name: "es",
                scalar: true,
            },
            Member {
                name: "s",
                scalar: true,
            },
        ];
        let kept = parse_body(
            br#"{"a": [1, {"b": 2}], "c": {"d": 3}, "e\u0073": true, "s": [1, [2]]}"#,
            &members,
        )
        .unwrap();
        // A scalar member holding an array keeps only its kind, for the decoder's message.
        assert_eq!(
            kept,
            serde_json::json!({"c": {"d": 3}, "es": true, "s": []})
        );
    }
}
