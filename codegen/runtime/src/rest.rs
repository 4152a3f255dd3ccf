//! restJson1: the HTTP request a generated function makes from an operation's input
//! ([`HttpRequest`]: method, path and query, bound headers, body), the encodings it uses
//! (labels and query parameters percent-encoded, list headers), and the readers of an answer's
//! headers that the generated response functions call. [`Runtime::invoke_http`] sends it.
//!
//! [`Runtime::invoke_http`]: crate::orchestrator::Runtime::invoke_http

use std::collections::HashMap;
use std::str::FromStr;

use http::{HeaderMap, HeaderValue};

use crate::error::{RequestError, RequestErrorKind};
use crate::json::DeError;
use crate::primitives::{DateTime, TimestampFormat};

mod checksums;
mod support;

pub use checksums::{add_content_md5, add_tree_hash_checksums};
pub use support::*;

/// The parts of a restJson1 request that come from the operation and its input. Its `Debug`
/// shows header names and the body's length, never values (they may be sensitive).
pub struct HttpRequest {
    /// `GET`, `POST`, ... as the operation's `@http` says.
    pub method: http::Method,
    /// The operation's path and query, percent-encoded (made with [`push_label`] and
    /// [`push_query`]), starting with `/`: joined to the endpoint URL's own path.
    pub path_and_query: String,
    /// Headers bound from input members (`@httpHeader`, `@httpPrefixHeaders`).
    pub headers: HeaderMap,
    /// The body: JSON of the body members, or the payload.
    pub body: Vec<u8>,
    /// The body's `Content-Type`; `None` without a body (then no `Content-Type` is sent). A
    /// `Content-Type` in `headers` (an input member's) wins.
    pub content_type: Option<&'static str>,
    /// The payload of an operation whose input is a `@streaming` blob (then `body` is empty):
    /// sent as it is read, with its length in `Content-Length`.
    pub payload_stream: Option<crate::primitives::ByteStream>,
    /// The operation's output is a `@streaming` blob: a successful answer's body is handed
    /// over as a stream ([`Answer::stream`](crate::orchestrator::Answer::stream)), not read.
    pub streaming_response: bool,
    /// The encoding the client applied to `body` (`gzip` for `@requestCompression`), named
    /// after the input's own in `Content-Encoding`; `None` for the body as it is.
    pub content_encoding: Option<&'static str>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|name| name.as_str()).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("path_and_query", &self.path_and_query)
            .field("headers", &names)
            .field("body_len", &self.body.len())
            .field("content_type", &self.content_type)
            .field("payload_stream", &self.payload_stream)
            .field("streaming_response", &self.streaming_response)
            .field("content_encoding", &self.content_encoding)
            .finish()
    }
}

/// Whether `byte` is sent as it is in a label or query value: RFC 3986's unreserved characters.
fn unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Appends `text` percent-encoded: every byte but the unreserved ones (and `/` when `keep_slash`)
/// as `%XX`.
fn push_encoded(out: &mut String, text: &str, keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if unreserved(byte) || (keep_slash && byte == b'/') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// Appends a label's value to a path: percent-encoded, `/` included unless the label is greedy.
pub fn push_label(path: &mut String, value: &str, greedy: bool) {
    push_encoded(path, value, greedy);
}

/// Appends `name=value` to a query string, `&` between pairs, both percent-encoded (a space is
/// `%20`).
pub fn push_query(query: &mut String, name: &str, value: &str) {
    if !query.is_empty() {
        query.push('&');
    }
    push_encoded(query, name, false);
    query.push('=');
    push_encoded(query, value, false);
}

/// The value of header `name` for an input member; an invalid one (control characters) is an
/// error that names the header, never the value.
pub fn header_value(name: &str, value: &str) -> Result<HeaderValue, RequestError> {
    HeaderValue::from_str(value).map_err(|_| {
        RequestError::new(
            RequestErrorKind::InvalidInput,
            format!("the value for the header `{name}` is not a valid header value (control characters)"),
        )
    })
}

/// A list header's value: the items joined with `, `; an item with `,` or `"` is quoted, its `"`
/// and `\` escaped.
pub fn header_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for item in items {
        if !out.is_empty() {
            out.push_str(", ");
        }
        if item.contains([',', '"']) {
            out.push('"');
            for c in item.chars() {
                if matches!(c, '"' | '\\') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
        } else {
            out.push_str(item);
        }
    }
    out
}

/// Header `name` of an answer as text; `None` when absent. The values of repeated headers are
/// joined with `, `.
pub fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, DeError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        // Repeated: read through `header_list_items`, which joins them; as one text, the
        // first line only would lose data, so say so.
        return Err(DeError::invalid("one header line", "several").at(name));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| DeError::invalid("visible ASCII text", "other bytes").at(name))
}

/// The items of list header `name`: comma-separated, spaces trimmed, `"quoted"` items unescaped;
/// repeated header lines make one list. `None` when absent.
pub fn header_list_items(headers: &HeaderMap, name: &str) -> Result<Option<Vec<String>>, DeError> {
    let mut items = Vec::new();
    let mut any = false;
    for value in headers.get_all(name) {
        any = true;
        let text = value
            .to_str()
            .map_err(|_| DeError::invalid("visible ASCII text", "other bytes").at(name))?;
        split_list(text, &mut items).map_err(|e| e.at(name))?;
    }
    Ok(any.then_some(items))
}

/// Splits one list header value into `items`.
fn split_list(text: &str, items: &mut Vec<String>) -> Result<(), DeError> {
    let mut chars = text.chars().peekable();
    loop {
        while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
        let mut item = String::new();
        if chars.next_if_eq(&'"').is_some() {
            loop {
                match chars.next() {
                    Some('\\') => item.extend(chars.next()),
                    Some('"') => break,
                    Some(c) => item.push(c),
                    None => return Err(DeError::invalid("a closed quoted item", "an open quote")),
                }
            }
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            match chars.next() {
                None | Some(',') => {}
                Some(_) => {
                    return Err(DeError::invalid(
                        "a comma after a quoted item",
                        "other text",
                    ))
                }
            }
        } else {
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                item.push(c);
            }
            item.truncate(item.trim_end().len());
        }
        items.push(item);
        if chars.peek().is_none() {
            return Ok(());
        }
    }
}

/// A list of HTTP dates (`Mon, 16 Dec 2019 23:48:18 GMT, Tue, ...`): split at every second comma.
pub fn split_http_dates(text: &str) -> Vec<String> {
    let mut dates = Vec::new();
    let mut parts = text.split(',');
    while let Some(day) = parts.next() {
        match parts.next() {
            Some(rest) => dates.push(format!("{},{}", day.trim(), rest.trim_end())),
            None => dates.push(day.trim().to_owned()),
        }
    }
    dates
}

/// Header `name` parsed as `T` (`what` says what it must be, for the error).
pub fn header_parse<T: FromStr>(
    headers: &HeaderMap,
    name: &str,
    what: &'static str,
) -> Result<Option<T>, DeError> {
    header_text(headers, name)?
        .map(|text| parse_item(name, text, what))
        .transpose()
}

/// Header `name` as a boolean (`true` or `false`).
pub fn header_bool(headers: &HeaderMap, name: &str) -> Result<Option<bool>, DeError> {
    header_parse(headers, name, "`true` or `false`")
}

/// Header `name` as a timestamp in `format`.
pub fn header_timestamp(
    headers: &HeaderMap,
    name: &str,
    format: TimestampFormat,
) -> Result<Option<DateTime>, DeError> {
    header_text(headers, name)?
        .map(|text| parse_timestamp_item(name, text, format))
        .transpose()
}

/// `@httpPrefixHeaders`: every header whose name starts with `prefix` (case-insensitive), keyed
/// by the rest of its name (in lower case); an empty prefix takes every header.
pub fn prefix_headers(
    headers: &HeaderMap,
    prefix: &str,
) -> Result<HashMap<String, String>, DeError> {
    let prefix = prefix.to_ascii_lowercase();
    let mut map = HashMap::new();
    for name in headers.keys() {
        if let Some(key) = name.as_str().strip_prefix(&prefix) {
            // A prefix header's value is one string: repeated lines are joined as sent.
            let mut joined = String::new();
            for value in headers.get_all(name) {
                let text = value.to_str().map_err(|_| {
                    DeError::invalid("visible ASCII text", "other bytes").at(name.as_str())
                })?;
                if !joined.is_empty() {
                    joined.push_str(", ");
                }
                joined.push_str(text);
            }
            map.insert(key.to_owned(), joined);
        }
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_queries_are_percent_encoded() {
        let mut path = String::from("/");
        push_label(&mut path, "a b/c%ü", false);
        assert_eq!(path, "/a%20b%2Fc%25%C3%BC");
        let mut path = String::from("/");
        push_label(&mut path, "a/b c", true);
        assert_eq!(path, "/a/b%20c");
        let mut query = String::new();
        push_query(&mut query, "a b", "c&d=e");
        push_query(&mut query, "f", "");
        assert_eq!(query, "a%20b=c%26d%3De&f=");
    }

    #[test]
    fn list_headers_quote_and_split_back() {
        let items = ["a", "b,c", "say \"hi\"", " d "];
        let text = header_list(items.iter().copied());
        assert_eq!(text, r#"a, "b,c", "say \"hi\"",  d "#);
        let mut headers = HeaderMap::new();
        headers.insert("x-list", HeaderValue::from_str(&text).unwrap());
        headers.append("x-list", HeaderValue::from_static("e"));
        assert_eq!(
            header_list_items(&headers, "x-list").unwrap().unwrap(),
            ["a", "b,c", "say \"hi\"", "d", "e"]
        );
        assert_eq!(header_list_items(&headers, "x-none").unwrap(), None);
    }

    #[test]
    fn http_date_lists_split_at_every_second_comma() {
        assert_eq!(
            split_http_dates("Mon, 16 Dec 2019 23:48:18 GMT, Tue, 17 Dec 2019 23:48:18 GMT"),
            [
                "Mon, 16 Dec 2019 23:48:18 GMT",
                "Tue, 17 Dec 2019 23:48:18 GMT"
            ]
        );
    }

    #[test]
    fn typed_headers_name_the_header_when_they_do_not_parse() {
        let mut headers = HeaderMap::new();
        headers.insert("x-count", HeaderValue::from_static("abc"));
        headers.insert("x-flag", HeaderValue::from_static("true"));
        let error = header_parse::<i32>(&headers, "x-count", "an integer").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `x-count`: expected an integer, found text that is not one"
        );
        assert_eq!(header_bool(&headers, "x-flag").unwrap(), Some(true));
        assert_eq!(header_bool(&headers, "x-none").unwrap(), None);
    }

    #[test]
    fn prefix_headers_are_keyed_by_the_rest_of_the_name() {
        let mut headers = HeaderMap::new();
        headers.insert("x-foo-a", HeaderValue::from_static("1"));
        headers.insert("x-foo-b", HeaderValue::from_static("2"));
        headers.insert("x-bar", HeaderValue::from_static("3"));
        let map = prefix_headers(&headers, "X-Foo-").unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["a"], "1");
    }
}
