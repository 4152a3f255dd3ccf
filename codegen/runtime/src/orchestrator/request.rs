//! The HTTP request of one attempt: the endpoint (from the model's rule set or the configured
//! URL), the AWS JSON headers, and the invocation id shared by a call's attempts.
//!
//! What does not change between calls is made once: the endpoint is resolved on a client's first
//! call and kept with what every request to it shares ([`Prepared`]: the URI, its text as SigV4
//! signs it, the `Host` value and the endpoint's own headers), the service's header values when
//! the client is made ([`ServiceHeaders`]), and a call's own values (`X-Amz-Target`, the
//! invocation id) once per call ([`CallHeaders`]). An attempt then only clones header values
//! (shared bytes) into a header map sized for the signature's headers too.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::time::SystemTime;

use http::header::{HeaderMap, HeaderName, HeaderValue, InvalidHeaderValue};

use super::{Runtime, ServiceSpec};
use crate::aws_json;
use crate::endpoint::{Endpoint, ParamValue, Params};
use crate::error::{RequestError, RequestErrorKind};

/// What an endpoint error adds when no region is configured.
const NO_REGION_FIX: &str = "; no region is configured: set the AWS_REGION environment variable \
    (or `region` in the AWS profile), or call `.region(\"us-east-1\")` on the Config builder";

static X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
static INVOCATION_ID: HeaderName = HeaderName::from_static("amz-sdk-invocation-id");
static SDK_REQUEST: HeaderName = HeaderName::from_static("amz-sdk-request");

/// The headers of a request, but the endpoint's own: the nine this module may set (the query
/// mode and the content encoding among them) and the three signing adds (`X-Amz-Date`, `Authorization`,
/// `X-Amz-Security-Token`), so that the header map never grows.
const REQUEST_HEADERS: usize = 12;

/// The endpoint of a client, resolved once, with what every request to it shares.
#[derive(Debug)]
pub(super) struct Resolved {
    /// The endpoint, as the rules (or the configuration) gave it.
    pub(super) endpoint: Endpoint,
    /// What a request to `endpoint` without a host prefix shares, or why there can be no such
    /// request (then every call fails with it, when it builds its first request).
    pub(super) prepared: Result<Prepared, String>,
}

/// What every request to one endpoint URL shares.
#[derive(Debug)]
pub(super) struct Prepared {
    /// AWS JSON posts to the endpoint's path, which always ends in `/`.
    uri: http::Uri,
    /// `uri` written out, as SigV4 signs it.
    pub(super) uri_text: String,
    /// The `Host` header: the URI's authority.
    host: HeaderValue,
    /// The endpoint's own headers (from its rules), in order.
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl Prepared {
    /// The parts of a request to `url` with the endpoint's `headers`, or the message of the
    /// `Endpoint` error every request to it fails with.
    pub(super) fn new(url: &str, headers: &BTreeMap<String, Vec<String>>) -> Result<Self, String> {
        let url = if url.ends_with('/') {
            url.to_owned()
        } else {
            format!("{url}/")
        };
        let uri: http::Uri = url
            .parse()
            .map_err(|e| format!("the endpoint `{url}` is not a valid URL: {e}"))?;
        let host = uri
            .authority()
            .map(|a| HeaderValue::from_str(a.as_str()))
            .ok_or_else(|| format!("the endpoint `{url}` has no host"))?
            .map_err(cannot_build)?;
        let mut own = Vec::new();
        for (name, values) in headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(cannot_build)?;
            for value in values {
                own.push((
                    name.clone(),
                    HeaderValue::from_str(value).map_err(cannot_build)?,
                ));
            }
        }
        Ok(Self {
            uri_text: uri.to_string(),
            uri,
            host,
            headers: own,
        })
    }
}

/// The message of a request that cannot be built, e.g. with a header value the `http` crate
/// refuses.
fn cannot_build(e: impl std::fmt::Display) -> String {
    format!("cannot build the request: {e}")
}

/// The header values of a service, checked when its client is made.
#[derive(Debug)]
pub(super) struct ServiceHeaders {
    content_type: HeaderValue,
    user_agent: HeaderValue,
    /// `x-amzn-query-mode: true`, for awsQuery-compatible services.
    query_mode: Option<(HeaderName, HeaderValue)>,
}

impl ServiceHeaders {
    /// The header values of `spec`, or the message every call fails with (the values are the
    /// generated code's own, so they are always valid).
    pub(super) fn new(spec: &ServiceSpec) -> Result<Self, String> {
        let query_mode = if spec.query_compatible {
            let name = HeaderName::from_bytes(aws_json::QUERY_MODE_HEADER.as_bytes())
                .map_err(cannot_build)?;
            Some((name, HeaderValue::from_static("true")))
        } else {
            None
        };
        // Checked here, then made over the static text: cloning one copies no bytes and counts
        // no references (`from_static` alone would panic on an invalid value).
        let value = |text: &'static str| match HeaderValue::from_str(text) {
            Ok(_) => Ok(HeaderValue::from_static(text)),
            Err(e) => Err(cannot_build(e)),
        };
        Ok(Self {
            content_type: value(spec.content_type)?,
            user_agent: value(spec.user_agent)?,
            query_mode,
        })
    }
}

/// The header values of one call, the same for all its attempts, kept as text: each attempt
/// makes its values from it (one allocation each). A value made once and cloned would cost as
/// much on the first attempt, whose clone moves the bytes to a shared allocation.
pub(super) struct CallHeaders {
    /// `X-Amz-Target`: `<target prefix>.<operation>`.
    target: String,
    /// `amz-sdk-invocation-id`: see [`uuid_v4`].
    invocation_id: [u8; 36],
}

impl CallHeaders {
    pub(super) fn new(spec: &ServiceSpec, operation: &str) -> Self {
        let mut target = String::with_capacity(spec.target_prefix.len() + 1 + operation.len());
        target.push_str(spec.target_prefix);
        target.push('.');
        target.push_str(operation);
        Self {
            target,
            invocation_id: uuid_v4(),
        }
    }
}

impl Runtime {
    /// The endpoint: the model's rule set evaluated with the configuration (its endpoint URL
    /// among the parameters), or without a rule set, the configured URL. Resolved on the first
    /// call, with what its requests share (see [`Prepared`]).
    pub(super) fn endpoint(&self) -> Result<&Resolved, RequestError> {
        if let Some(resolved) = self.resolved.get() {
            return Ok(resolved);
        }
        let endpoint = self.resolve_endpoint()?;
        // A failure is not kept: it is reported by every call, each resolving again.
        Ok(self.resolved.get_or_init(|| Resolved {
            prepared: Prepared::new(&endpoint.url, &endpoint.headers),
            endpoint,
        }))
    }

    fn resolve_endpoint(&self) -> Result<Endpoint, RequestError> {
        let mut params = Params::new();
        if let Some(region) = &self.config.region {
            params.insert("Region".to_owned(), ParamValue::String(region.clone()));
        }
        params.insert("UseFIPS".to_owned(), ParamValue::Bool(self.config.use_fips));
        params.insert(
            "UseDualStack".to_owned(),
            ParamValue::Bool(self.config.use_dual_stack),
        );
        if let Some(url) = &self.config.endpoint_url {
            params.insert("Endpoint".to_owned(), ParamValue::String(url.clone()));
        }
        match &self.rules {
            Some(rules) => crate::endpoint::resolve(rules, &params).map_err(|e| {
                // The rule set's own words ("Invalid Configuration: Missing Region") name the
                // problem, not the fix; without a region, say how to set one.
                let about_region = e.message().to_ascii_lowercase().contains("region");
                let fix = if self.config.region.is_none() && about_region {
                    NO_REGION_FIX
                } else {
                    ""
                };
                RequestError::new(
                    RequestErrorKind::Endpoint,
                    format!("cannot resolve the endpoint: {e}{fix}"),
                )
            }),
            None => match &self.config.endpoint_url {
                Some(url) => Ok(Endpoint {
                    url: url.clone(),
                    headers: Default::default(),
                    properties: Default::default(),
                }),
                None => Err(RequestError::new(
                    RequestErrorKind::Endpoint,
                    "the model has no endpoint rules: set Config::builder().endpoint_url(..)",
                )),
            },
        }
    }

    /// The HTTP request of attempt `attempt` of `max_attempts`, not yet signed.
    pub(super) fn request(
        &self,
        prepared: &Prepared,
        call: &CallHeaders,
        body: Vec<u8>,
        content_encoding: Option<&'static str>,
        rest: Option<(&RestParts, &(http::Uri, String))>,
        (attempt, max_attempts): (u32, u32),
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        let invalid = |why: String| RequestError::new(RequestErrorKind::Endpoint, why);
        let service = self.headers.as_ref().map_err(|why| invalid(why.clone()))?;
        // Hexadecimal digits and hyphens: always a valid value.
        let invocation_id =
            HeaderValue::from_bytes(&call.invocation_id).map_err(|e| invalid(cannot_build(e)))?;
        let mut headers = HeaderMap::with_capacity(REQUEST_HEADERS + prepared.headers.len());
        headers.insert(http::header::HOST, prepared.host.clone());
        match rest {
            None => {
                headers.insert(http::header::CONTENT_TYPE, service.content_type.clone());
                let target =
                    HeaderValue::from_str(&call.target).map_err(|e| invalid(cannot_build(e)))?;
                headers.insert(X_AMZ_TARGET.clone(), target);
            }
            Some((rest, _)) => {
                if let Some(content_type) = rest.content_type {
                    if !rest.headers.contains_key(http::header::CONTENT_TYPE) {
                        headers.insert(
                            http::header::CONTENT_TYPE,
                            HeaderValue::from_static(content_type),
                        );
                    }
                }
            }
        }
        // The protocol tests require it, and it is signed with the others (hyper would only add
        // it when sending).
        // restJson1 requests without a body that use a method without one (GET, HEAD, DELETE,
        // OPTIONS) have none, as the protocol tests require.
        let bodyless = rest.is_some_and(|(rest, _)| {
            body.is_empty()
                && matches!(
                    rest.method,
                    http::Method::GET
                        | http::Method::HEAD
                        | http::Method::DELETE
                        | http::Method::OPTIONS
                )
        });
        if !bodyless {
            headers.insert(http::header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        headers.insert(http::header::USER_AGENT, service.user_agent.clone());
        headers.insert(INVOCATION_ID.clone(), invocation_id);
        headers.insert(
            SDK_REQUEST.clone(),
            attempt_header(attempt, max_attempts).map_err(|e| invalid(cannot_build(e)))?,
        );
        if let Some(encoding) = content_encoding {
            let value = HeaderValue::from_str(encoding).map_err(|e| invalid(cannot_build(e)))?;
            headers.insert(http::header::CONTENT_ENCODING, value);
        }
        if let Some((name, value)) = &service.query_mode {
            headers.insert(name.clone(), value.clone());
        }
        for (name, value) in &prepared.headers {
            headers.append(name.clone(), value.clone());
        }
        let mut request = http::Request::new(body);
        match rest {
            None => {
                *request.method_mut() = http::Method::POST;
                *request.uri_mut() = prepared.uri.clone();
            }
            Some((rest, (uri, _))) => {
                for (name, value) in &rest.headers {
                    if name == http::header::CONTENT_ENCODING {
                        // The input's encoding comes first; the client's own (gzip) after it.
                        if let Some(ours) = headers.remove(http::header::CONTENT_ENCODING) {
                            let joined = format!(
                                "{}, {}",
                                value.to_str().unwrap_or_default(),
                                ours.to_str().unwrap_or_default()
                            );
                            headers.insert(
                                http::header::CONTENT_ENCODING,
                                HeaderValue::from_str(&joined)
                                    .map_err(|e| invalid(cannot_build(e)))?,
                            );
                            continue;
                        }
                    }
                    headers.append(name.clone(), value.clone());
                }
                *request.method_mut() = rest.method.clone();
                *request.uri_mut() = uri.clone();
            }
        }
        *request.headers_mut() = headers;
        Ok(request)
    }
}

/// A restJson1 request's own parts (see [`crate::rest::HttpRequest`]), but its body.
#[derive(Debug)]
pub(super) struct RestParts {
    pub(super) method: http::Method,
    pub(super) path_and_query: String,
    pub(super) headers: HeaderMap,
    pub(super) content_type: Option<&'static str>,
    /// The operation's output is a `@streaming` blob.
    pub(super) streaming_response: bool,
}

/// The URI of a restJson1 request (and its text, as SigV4 signs it): the operation's path and
/// query after the endpoint's own path.
pub(super) fn rest_uri(
    prepared: &Prepared,
    path_and_query: &str,
) -> Result<(http::Uri, String), RequestError> {
    let base = prepared.uri_text.trim_end_matches('/');
    let text = format!("{base}{path_and_query}");
    let uri = text.parse().map_err(|e| {
        RequestError::new(
            RequestErrorKind::InvalidInput,
            format!("the request URI is not valid: {e}"),
        )
    })?;
    Ok((uri, text))
}

/// `amz-sdk-request: attempt=N; max=M`. The values of calls with up to 5 attempts are written
/// once, at build time.
fn attempt_header(attempt: u32, max_attempts: u32) -> Result<HeaderValue, InvalidHeaderValue> {
    /// `attempt=N; max=M` for M from 1 to 5 and N from 1 to M, in that order.
    static FEW: [HeaderValue; 15] = [
        HeaderValue::from_static("attempt=1; max=1"),
        HeaderValue::from_static("attempt=1; max=2"),
        HeaderValue::from_static("attempt=2; max=2"),
        HeaderValue::from_static("attempt=1; max=3"),
        HeaderValue::from_static("attempt=2; max=3"),
        HeaderValue::from_static("attempt=3; max=3"),
        HeaderValue::from_static("attempt=1; max=4"),
        HeaderValue::from_static("attempt=2; max=4"),
        HeaderValue::from_static("attempt=3; max=4"),
        HeaderValue::from_static("attempt=4; max=4"),
        HeaderValue::from_static("attempt=1; max=5"),
        HeaderValue::from_static("attempt=2; max=5"),
        HeaderValue::from_static("attempt=3; max=5"),
        HeaderValue::from_static("attempt=4; max=5"),
        HeaderValue::from_static("attempt=5; max=5"),
    ];
    if (1..=5).contains(&max_attempts) && (1..=max_attempts).contains(&attempt) {
        let index = max_attempts * (max_attempts - 1) / 2 + attempt - 1;
        if let Some(value) = FEW.get(index as usize) {
            return Ok(value.clone());
        }
    }
    HeaderValue::try_from(format!("attempt={attempt}; max={max_attempts}"))
}

/// A random version 4 UUID (`xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`, `N` one of `8`, `9`, `a`,
/// `b`), from a generator per thread that the standard library's `RandomState` seeds: the
/// invocation id of all attempts of one call (so the service can tell retries apart from
/// repeats), and the tokens of unset `@idempotencyToken` members
/// ([`IdempotencyTokenProvider::random`](crate::config::IdempotencyTokenProvider::random)).
pub(crate) fn uuid_v4() -> [u8; 36] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let high = (random_u64() & !0xf000) | 0x4000;
    let low = (random_u64() & (u64::MAX >> 2)) | (1 << 63);
    let bits = (u128::from(high) << 64) | u128::from(low);
    let mut text = [b'-'; 36];
    let mut shift = 128;
    for (i, byte) in text.iter_mut().enumerate() {
        if !matches!(i, 8 | 13 | 18 | 23) {
            shift -= 4;
            *byte = HEX[((bits >> shift) & 0xf) as usize];
        }
    }
    text
}

thread_local! {
    /// The state of this thread's generator; 0 until it is seeded.
    static RANDOM: Cell<u64> = const { Cell::new(0) };
}

/// SplitMix64 over a per-thread state: not cryptographic, only spread out. The state is seeded
/// once per thread from `RandomState` (keys the operating system gives each thread) and the
/// clock, so threads and processes draw different sequences.
fn random_u64() -> u64 {
    RANDOM.with(|state| {
        let mut s = state.get();
        if s == 0 {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u128(
                SystemTime::now()
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .unwrap_or_default()
                    .as_nanos(),
            );
            s = hasher.finish();
        }
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        state.set(s);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attempt_header_is_the_written_out_value() {
        for max in 1..=7 {
            for attempt in 1..=max + 1 {
                assert_eq!(
                    attempt_header(attempt, max).unwrap(),
                    format!("attempt={attempt}; max={max}").as_str(),
                );
            }
        }
        assert_eq!(attempt_header(0, 3).unwrap(), "attempt=0; max=3");
    }

    #[test]
    fn invocation_ids_are_version_4_uuids_and_differ() {
        let ids: Vec<String> = (0..1000)
            .map(|_| String::from_utf8(uuid_v4().to_vec()).unwrap())
            .collect();
        for id in &ids {
            let parts: Vec<&str> = id.split('-').collect();
            let lengths: Vec<usize> = parts.iter().map(|p| p.len()).collect();
            assert_eq!(lengths, [8, 4, 4, 4, 12], "{id}");
            assert!(id
                .bytes()
                .all(|b| b == b'-' || b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
            assert!(parts[2].starts_with('4'), "{id}");
            assert!(
                matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
                "{id}"
            );
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len());
        // Another thread draws another sequence.
        let other = std::thread::spawn(|| String::from_utf8(uuid_v4().to_vec()).unwrap())
            .join()
            .unwrap();
        assert!(!ids.contains(&other));
    }
}
