//! What the generated restJson1 functions (`http_request_<op>`, `http_response_<op>`) call
//! besides the encoding and header helpers of [`super`]: the errors they report, and the
//! conversions of one value.

use std::str::FromStr;

use http::HeaderName;

use crate::error::{RequestError, RequestErrorKind};
use crate::json::DeError;
use crate::orchestrator::{Answer, OperationSpec};
use crate::primitives::{DateTime, Document, TimestampFormat};

/// The error of an `@httpLabel` input member that is unset or empty: the request cannot be made.
pub fn empty_label(member: &str) -> RequestError {
    RequestError::new(
        RequestErrorKind::InvalidInput,
        format!("the input member `{member}` goes in the request's path (`@httpLabel`), so it must be set and not empty"),
    )
}

/// The error of a `@streaming` payload marked `@requiresLength` whose stream has no known
/// length (a response body without `Content-Length` passed on, say).
pub fn stream_without_length(member: &str) -> RequestError {
    RequestError::new(
        RequestErrorKind::InvalidInput,
        format!("the input member `{member}` is a stream that must have a known length (`@requiresLength`); make it from bytes, a file or a reader with its length"),
    )
}

/// A header name the model gives (or a prefix header's name), checked.
pub fn header_name(name: &str) -> Result<HeaderName, RequestError> {
    HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
        RequestError::new(
            RequestErrorKind::InvalidInput,
            format!("`{name}` is not a valid header name"),
        )
    })
}

/// A float as the protocols write it outside JSON: `NaN`, `Infinity`, `-Infinity`, or the
/// shortest text that reads back as the same number.
pub fn float_text(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        value.to_string()
    }
}

/// [`float_text`] of an `f32`: its own shortest text (`1.1`, not the `f64`'s `1.100000023841858`).
pub fn float32_text(value: f32) -> String {
    if value.is_finite() {
        value.to_string()
    } else {
        float_text(f64::from(value))
    }
}

/// A query parameter without a value (`?name`, as a URI pattern may have one).
pub fn push_query_name(query: &mut String, name: &str) {
    let mut pair = String::new();
    super::push_query(&mut pair, name, "");
    pair.pop();
    if !query.is_empty() {
        query.push('&');
    }
    query.push_str(&pair);
}

/// The failure of a 2xx answer whose header `why` is about does not match the model.
pub fn invalid_header(
    operation: &OperationSpec,
    status: u16,
    request_id: &Option<String>,
    why: DeError,
) -> RequestError {
    invalid(operation, status, request_id, &why.to_string())
}

/// The failure of a 2xx answer whose payload does not match the model.
pub fn invalid_payload(
    operation: &OperationSpec,
    status: u16,
    request_id: &Option<String>,
    why: &str,
) -> RequestError {
    invalid(operation, status, request_id, why)
}

fn invalid(
    operation: &OperationSpec,
    status: u16,
    request_id: &Option<String>,
    why: &str,
) -> RequestError {
    RequestError::new(
        RequestErrorKind::InvalidResponse,
        format!(
            "{} answered HTTP {status} with a response that does not match the model: {why}",
            operation.name
        ),
    )
    .with_status(status)
    .with_request_id(request_id.clone())
}

/// A document payload: any JSON value.
pub fn read_document(operation: &OperationSpec, answer: Answer) -> Result<Document, RequestError> {
    let status = answer.status;
    let text = std::str::from_utf8(&answer.body).map_err(|_| {
        invalid(
            operation,
            status,
            &answer.request_id,
            "the body is not UTF-8 text",
        )
    })?;
    let mut reader = crate::json::Reader::new(text);
    reader
        .document()
        .and_then(|document| reader.end().map(|()| document))
        .map_err(|e| invalid(operation, status, &answer.request_id, &e.to_string()))
}

/// A `@mediaType` string header: base64 text, decoded.
pub fn base64_text(name: &str, text: &str) -> Result<String, DeError> {
    let bytes = crate::primitives::base64::decode(text)
        .map_err(|_| DeError::invalid("base64 text", "other text").at(name))?;
    String::from_utf8(bytes)
        .map_err(|_| DeError::invalid("base64 of UTF-8 text", "other bytes").at(name))
}

/// One item of a list header, parsed as `what`. The error never repeats the value (a header
/// may carry a secret).
pub fn parse_item<T: FromStr>(name: &str, item: &str, what: &'static str) -> Result<T, DeError> {
    item.trim()
        .parse()
        .map_err(|_| DeError::invalid(what, "text that is not one").at(name))
}

/// One timestamp of a list header.
pub fn parse_timestamp_item(
    name: &str,
    item: &str,
    format: TimestampFormat,
) -> Result<DateTime, DeError> {
    DateTime::parse(item.trim(), format)
        .map_err(|_| DeError::invalid(timestamp_kind(format), "text that is not one").at(name))
}

fn timestamp_kind(format: TimestampFormat) -> &'static str {
    match format {
        TimestampFormat::DateTime => "an RFC 3339 date-time",
        TimestampFormat::HttpDate => "an HTTP date",
        TimestampFormat::EpochSeconds => "epoch seconds",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_as_the_protocols_write_them() {
        assert_eq!(float_text(f64::NAN), "NaN");
        assert_eq!(float_text(f64::INFINITY), "Infinity");
        assert_eq!(float_text(f64::NEG_INFINITY), "-Infinity");
        assert_eq!(float_text(1.1), "1.1");
        assert_eq!(float_text(1.0), "1");
    }

    #[test]
    fn header_items_name_the_header_and_what_was_expected() {
        assert_eq!(parse_item::<i32>("X-A", " 7", "an integer").unwrap(), 7);
        let error = parse_item::<i32>("X-A", "seven", "an integer").unwrap_err();
        assert_eq!(
            error.to_string(),
            "at `X-A`: expected an integer, found text that is not one"
        );
        assert_eq!(base64_text("X-B", "Zm9v").unwrap(), "foo");
        assert!(base64_text("X-B", "!!").is_err());
    }
}
