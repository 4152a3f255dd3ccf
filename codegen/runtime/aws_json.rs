//! The AWS JSON 1.0/1.1 protocol's response side: bodies, and error codes, messages and request
//! ids as the protocol places them.

use serde_json::Value;

/// An error answer from the service, before it is matched to a modeled error.
#[derive(Debug, Clone)]
pub(crate) struct ErrorResponse {
    /// The sanitized code: namespace and URL suffix removed.
    pub(crate) code: String,
    pub(crate) message: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) status: u16,
    /// The body, for the modeled error's members (`{}` when it had none).
    pub(crate) body: Value,
    /// For awsQuery-compatible services: the awsQuery error code of `x-amzn-query-error`.
    pub(crate) query_code: Option<String>,
}

/// The request id header.
pub(crate) const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// The error code header, which takes precedence over the body.
pub(crate) const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// Sent by clients of awsQuery-compatible services, with the value `true`.
pub(crate) const QUERY_MODE_HEADER: &str = "x-amzn-query-mode";
/// The awsQuery error code and fault of an awsQuery-compatible service's error: `Code;Fault`.
pub(crate) const QUERY_ERROR_HEADER: &str = "x-amzn-query-error";

/// Parses a success body: empty means `{}`; anything else must be a JSON object.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(format!("the body is JSON but not an object: {}", snippet(body))),
        Err(e) => Err(format!("the body is not valid JSON ({e}): {}", snippet(body))),
    }
}

/// Reads an error response. `None` when it carries no error code at all (then it is not a
/// protocol error answer, e.g. an HTML page from a proxy).
pub(crate) fn parse_error(status: u16, headers: &http::HeaderMap, body: &[u8]) -> Option<ErrorResponse> {
    let parsed = serde_json::from_slice::<Value>(body).ok().filter(Value::is_object);
    let header_code = headers.get(ERROR_TYPE_HEADER).and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
    let body_code = parsed.as_ref().and_then(|body| {
        ["code", "__type"].iter().find_map(|key| body.get(*key).and_then(Value::as_str).filter(|c| !c.is_empty()))
    });
    // A header that sanitizes to nothing (`:http://...`) does not hide the body's code.
    let code = [header_code, body_code]
        .into_iter()
        .flatten()
        .map(sanitize_code)
        .find(|code| !code.is_empty())?;
    let message = parsed.as_ref().and_then(|body| {
        ["message", "Message", "errorMessage"].iter().find_map(|key| body.get(*key).and_then(Value::as_str))
    });
    Some(ErrorResponse {
        code: code.to_owned(),
        message: message.map(str::to_owned),
        request_id: request_id(headers),
        status,
        body: parsed.unwrap_or_else(|| Value::Object(serde_json::Map::new())),
        query_code: None,
    })
}

/// The awsQuery error code of `x-amzn-query-error` (`Code;Fault`): the part before `;`, if any.
pub(crate) fn query_error_code(headers: &http::HeaderMap) -> Option<String> {
    let value = headers.get(QUERY_ERROR_HEADER)?.to_str().ok()?;
    let code = value.split(';').next().unwrap_or(value).trim();
    (!code.is_empty()).then(|| code.to_owned())
}

/// The request id the service gave the response, if any.
pub(crate) fn request_id(headers: &http::HeaderMap) -> Option<String> {
    headers.get(REQUEST_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `aws.protocoltests#FooError:http://internal/...` becomes `FooError`: cut at the first `:`,
/// keep what follows `#`.
pub(crate) fn sanitize_code(raw: &str) -> &str {
    let raw = raw.split(':').next().unwrap_or(raw);
    raw.rsplit('#').next().unwrap_or(raw).trim()
}

/// The start of a body for an error message: at most 200 characters, control characters escaped.
pub(crate) fn snippet(body: &[u8]) -> String {
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
        assert_eq!(sanitize_code("aws.protocoltests.restjson#FooError"), "FooError");
        assert_eq!(sanitize_code("FooError:http://internal.amazon.com/coral/com.amazon.coral.validate/"), "FooError");
        assert_eq!(sanitize_code("aws.protocoltests.restjson#FooError:http://internal.amazon.com/"), "FooError");
    }

    #[test]
    fn header_wins_then_code_then_type() {
        let mut headers = http::HeaderMap::new();
        let body = br#"{"__type": "B", "code": "A", "Message": "m"}"#;
        assert_eq!(parse_error(400, &headers, body).unwrap().code, "A");
        headers.insert(ERROR_TYPE_HEADER, "H".parse().unwrap());
        headers.insert(REQUEST_ID_HEADER, "r".parse().unwrap());
        let error = parse_error(400, &headers, body).unwrap();
        assert_eq!((error.code.as_str(), error.message.as_deref(), error.request_id.as_deref()), ("H", Some("m"), Some("r")));
        assert!(parse_error(500, &http::HeaderMap::new(), b"<html>oops</html>").is_none());
        let mut empty = http::HeaderMap::new();
        empty.insert(ERROR_TYPE_HEADER, ":http://internal.amazon.com/".parse().unwrap());
        assert_eq!(parse_error(400, &empty, br#"{"__type": "B"}"#).unwrap().code, "B");
    }

    #[test]
    fn query_error_codes() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(query_error_code(&headers), None);
        headers.insert(QUERY_ERROR_HEADER, "AWS.SimpleQueueService.NonExistentQueue;Sender".parse().unwrap());
        assert_eq!(query_error_code(&headers).as_deref(), Some("AWS.SimpleQueueService.NonExistentQueue"));
        headers.insert(QUERY_ERROR_HEADER, "Customized".parse().unwrap());
        assert_eq!(query_error_code(&headers).as_deref(), Some("Customized"));
        headers.insert(QUERY_ERROR_HEADER, " ;Sender".parse().unwrap());
        assert_eq!(query_error_code(&headers), None);
    }

    #[test]
    fn bodies() {
        assert!(parse_body(b"").unwrap().as_object().unwrap().is_empty());
        assert!(parse_body(b"{\"a\": 1}").is_ok());
        assert!(parse_body(b"[1]").unwrap_err().contains("not an object"));
        assert!(parse_body(b"{\"a\":").unwrap_err().contains("not valid JSON"));
    }
}
