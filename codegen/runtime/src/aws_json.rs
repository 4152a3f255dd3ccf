//! The AWS JSON 1.0/1.1 protocol's response side: bodies, and error codes, messages and request
//! ids as the protocol places them.

use crate::json::{read_body, Kind, Reader};

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
    /// The body, for the modeled error's members: the answer's own, or empty (read as `{}`)
    /// when it was not a JSON object.
    pub body: Vec<u8>,
    /// For awsQuery-compatible services: the awsQuery error code of `x-amzn-query-error`.
    pub query_code: Option<String>,
    /// The attempt that got this answer (retries included); set by the orchestrator.
    pub attempts: u32,
    /// The answer's headers, for error members bound to them (restJson1); set by the
    /// orchestrator.
    pub headers: http::HeaderMap,
}

/// The request id header.
pub const REQUEST_ID_HEADER: &str = "x-amzn-requestid";
/// The error code header, which takes precedence over the body.
pub const ERROR_TYPE_HEADER: &str = "x-amzn-errortype";
/// Sent by clients of awsQuery-compatible services, with the value `true`.
pub const QUERY_MODE_HEADER: &str = "x-amzn-query-mode";
/// The awsQuery error code and fault of an awsQuery-compatible service's error: `Code;Fault`.
pub const QUERY_ERROR_HEADER: &str = "x-amzn-query-error";

/// Reads an error response. `Err` gives the body back when the answer carries no error code at
/// all (then it is not a protocol error answer, e.g. an HTML page from a proxy). The body is read
/// once here for the code and message, every other member checked and skipped; the modeled
/// error's decoder reads it again, which costs less than keeping a tree of its values.
pub fn parse_error(
    status: u16,
    headers: &http::HeaderMap,
    body: Vec<u8>,
) -> Result<ErrorResponse, Vec<u8>> {
    let parsed = read_body(&body, read_error_members).ok();
    let header_code = headers
        .get(ERROR_TYPE_HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty());
    let body_code = parsed.as_ref().and_then(|members| {
        [&members.code, &members.type_]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .find(|c| !c.is_empty())
    });
    // A header that sanitizes to nothing (`:http://...`) does not hide the body's code.
    let Some(code) = [header_code, body_code]
        .into_iter()
        .flatten()
        .map(sanitize_code)
        .find(|code| !code.is_empty())
    else {
        return Err(body);
    };
    let code = code.to_owned();
    let (message, body) = match parsed {
        Some(members) => (members.message, body),
        None => (None, Vec::new()),
    };
    Ok(ErrorResponse {
        code,
        message,
        request_id: request_id(headers),
        status,
        body,
        query_code: None,
        attempts: 1,
        headers: http::HeaderMap::new(),
    })
}

/// What the protocol reads of every error body, whatever the error.
#[derive(Debug, Default)]
struct ErrorMembers {
    code: Option<String>,
    type_: Option<String>,
    /// `message`, `Message` or `errorMessage`, the first present in that order of preference.
    message: Option<String>,
}

fn read_error_members(reader: &mut Reader<'_>) -> Result<ErrorMembers, crate::json::DeError> {
    let mut members = ErrorMembers::default();
    // (preference, text): `message` beats `Message` beats `errorMessage`, wherever they are.
    let mut message: Option<(u8, String)> = None;
    reader.object(|reader, name| {
        let slot = match name {
            "code" => 0,
            "__type" => 1,
            "message" => 2,
            "Message" => 3,
            "errorMessage" => 4,
            _ => return reader.skip(),
        };
        // A value of another kind is not a code or message: checked and passed over.
        if reader.peek()? != Kind::String {
            return reader.skip();
        }
        let text = reader.string()?;
        match slot {
            0 => members.code = Some(text),
            1 => members.type_ = Some(text),
            rank => {
                if message.as_ref().is_none_or(|(best, _)| rank <= *best) {
                    message = Some((rank, text));
                }
            }
        }
        Ok(())
    })?;
    members.message = message.map(|(_, text)| text);
    Ok(members)
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
        let body = br#"{"__type": "B", "code": "A", "Message": "m"}"#.to_vec();
        assert_eq!(parse_error(400, &headers, body.clone()).unwrap().code, "A");
        headers.insert(ERROR_TYPE_HEADER, "H".parse().unwrap());
        headers.insert(REQUEST_ID_HEADER, "r".parse().unwrap());
        let error = parse_error(400, &headers, body).unwrap();
        assert_eq!(
            (
                error.code.as_str(),
                error.message.as_deref(),
                error.request_id.as_deref()
            ),
            ("H", Some("m"), Some("r"))
        );
        assert_eq!(
            parse_error(500, &http::HeaderMap::new(), b"<html>oops</html>".to_vec()).unwrap_err(),
            b"<html>oops</html>"
        );
        let mut empty = http::HeaderMap::new();
        empty.insert(
            ERROR_TYPE_HEADER,
            ":http://internal.amazon.com/".parse().unwrap(),
        );
        assert_eq!(
            parse_error(400, &empty, br#"{"__type": "B"}"#.to_vec())
                .unwrap()
                .code,
            "B"
        );
        // The body is kept whole for the error's decoder; a message of another kind is none.
        let body = br#"{"reason": "r", "junk": [1, 2], "message": "m"}"#.to_vec();
        let error = parse_error(400, &headers, body.clone()).unwrap();
        assert_eq!((error.message.as_deref(), error.body), (Some("m"), body));
        let error =
            parse_error(400, &headers, br#"{"message": {"huge": [1, 2]}}"#.to_vec()).unwrap();
        assert_eq!(error.message, None);
        // `message` is preferred to `Message` and `errorMessage`, in any order.
        let body = br#"{"errorMessage": "c", "message": "a", "Message": "b"}"#.to_vec();
        assert_eq!(
            parse_error(400, &headers, body).unwrap().message.as_deref(),
            Some("a")
        );
        // A body that is not a JSON object keeps the header's code, and reads as `{}`.
        let error = parse_error(400, &headers, b"[1, 2".to_vec()).unwrap();
        assert_eq!((error.code.as_str(), error.body.len()), ("H", 0));
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
}
