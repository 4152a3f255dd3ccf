//! AWS Signature Version 4 request signing, through the `aws-sigv4` crate.

use crate::credentials::Credentials;
use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use std::fmt;
use std::time::SystemTime;

/// Headers a previous signature added; they are dropped before signing again (e.g. on a retry).
const SIGNING_HEADERS: [&str; 4] = [
    "authorization",
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
];

/// Signs `request` in place with SigV4, for `region` and the service's `signing_name` (e.g.
/// `states`), at `time`.
///
/// Adds `X-Amz-Date`, `Authorization`, and `X-Amz-Security-Token` when the credentials have a
/// session token (which is then also signed). Every header already on the request is signed
/// (except `user-agent`, `x-amzn-trace-id` and `transfer-encoding`, which proxies may change),
/// plus `host`, taken from the URI when the request has no `Host` header. The body is hashed
/// as it is; no `X-Amz-Content-Sha256` header is added.
///
/// The request URI must be absolute (`https://host/path`), and header values must be visible
/// ASCII.
pub fn sign_request(
    request: &mut http::Request<Vec<u8>>,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    if request.uri().host().is_none() {
        return Err(SignError::invalid("the request URI has no host"));
    }
    check_session_token(credentials)?;
    for name in SIGNING_HEADERS {
        request.headers_mut().remove(name);
    }
    let uri = request.uri().to_string();
    sign_checked(
        request,
        &uri,
        Payload::Body,
        credentials,
        region,
        signing_name,
        time,
    )
}

/// [`sign_request`] for a request that carries no signature yet and whose URI has a host,
/// written out as `uri` (`request.uri().to_string()`, which the caller has at hand): what the
/// orchestrator signs on every attempt, without writing out a URI that does not change.
pub(crate) fn sign_unsigned(
    request: &mut http::Request<Vec<u8>>,
    uri: &str,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
    unsigned_payload: bool,
) -> Result<(), SignError> {
    check_session_token(credentials)?;
    let payload = if unsigned_payload {
        Payload::Unsigned
    } else {
        Payload::Body
    };
    sign_checked(
        request,
        uri,
        payload,
        credentials,
        region,
        signing_name,
        time,
    )
}

/// What SigV4 signs of the body: its hash, or `UNSIGNED-PAYLOAD` (a body streamed as it is
/// sent, which is not in memory to hash).
#[derive(Clone, Copy)]
enum Payload {
    Body,
    Unsigned,
}

/// A session token must be a valid header value: what `HeaderValue::from_str` accepts (no
/// control characters but tabs), checked without copying the token into a header value.
fn check_session_token(credentials: &Credentials) -> Result<(), SignError> {
    let valid = |token: &str| {
        token
            .bytes()
            .all(|b| b == b'\t' || (b >= b' ' && b != 0x7f))
    };
    match credentials.session_token() {
        Some(token) if !valid(token) => Err(SignError::invalid(
            "the session token is not a valid header value",
        )),
        _ => Ok(()),
    }
}

/// Signs `request`, whose URI is `uri` written out, once the checks are done.
fn sign_checked(
    request: &mut http::Request<Vec<u8>>,
    uri: &str,
    payload: Payload,
    credentials: &Credentials,
    region: &str,
    signing_name: &str,
    time: SystemTime,
) -> Result<(), SignError> {
    let identity = credentials.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(signing_name)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(SignError::signing)?;
    let params = aws_sigv4::http_request::SigningParams::from(params);

    let mut headers = Vec::with_capacity(request.headers().len());
    for (name, value) in request.headers() {
        let value = value.to_str().map_err(|_| {
            SignError::invalid(format!(
                "header `{name}` has a value that is not visible ASCII"
            ))
        })?;
        headers.push((name.as_str(), value));
    }
    let signable = SignableRequest::new(
        request.method().as_str(),
        uri,
        headers.into_iter(),
        match payload {
            Payload::Body => SignableBody::Bytes(request.body()),
            // A hash the request carries (a service that asks for one, such as Glacier) is
            // the hash that is signed.
            Payload::Unsigned => match request
                .headers()
                .get("x-amz-content-sha256")
                .and_then(|v| v.to_str().ok())
            {
                Some(hash) => SignableBody::Precomputed(hash.to_owned()),
                None => SignableBody::UnsignedPayload,
            },
        },
    )
    .map_err(SignError::signing)?;
    let (instructions, _signature) = sign(signable, &params)
        .map_err(SignError::signing)?
        .into_parts();

    let (new_headers, _query) = instructions.into_parts();
    for header in new_headers {
        let mut value = http::HeaderValue::from_str(header.value()).map_err(|_| {
            SignError::invalid(
                "a signing header value is not a valid header value (check the session token)",
            )
        })?;
        value.set_sensitive(header.sensitive() || header.name() == "authorization");
        request.headers_mut().insert(header.name(), value);
    }
    Ok(())
}

/// The request could not be signed. Never contains credentials or header values.
#[derive(Debug)]
pub struct SignError {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    /// The request cannot be signed as it is.
    InvalidRequest(String),
    /// The signer failed.
    Signing(Box<dyn std::error::Error + Send + Sync>),
}

impl SignError {
    fn invalid(reason: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::InvalidRequest(reason.into()),
        }
    }

    fn signing(source: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self {
            kind: ErrorKind::Signing(Box::new(source)),
        }
    }
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::InvalidRequest(reason) => write!(f, "cannot sign the request: {reason}"),
            ErrorKind::Signing(source) => {
                // aws-sigv4's outer errors are terse; the causes (which carry no values) say more.
                write!(f, "failed to sign the request: {source}")?;
                let mut cause = source.source();
                while let Some(error) = cause {
                    write!(f, ": {error}")?;
                    cause = error.source();
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for SignError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::InvalidRequest(_) => None,
            ErrorKind::Signing(source) => Some(&**source),
        }
    }
}
