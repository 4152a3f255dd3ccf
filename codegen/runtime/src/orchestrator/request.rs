//! The HTTP request of one attempt: the endpoint (from the model's rule set or the configured
//! URL), the AWS JSON headers, and the invocation id shared by a call's attempts.

use std::time::SystemTime;

use super::Runtime;
use crate::aws_json;
use crate::endpoint::{ParamValue, Params};
use crate::error::{RequestError, RequestErrorKind};

/// What an endpoint error adds when no region is configured.
const NO_REGION_FIX: &str = "; no region is configured: set the AWS_REGION environment variable \
    (or `region` in the AWS profile), or call `.region(\"us-east-1\")` on the Config builder";

impl Runtime {
    /// The endpoint: the model's rule set evaluated with the configuration (its endpoint URL
    /// among the parameters), or without a rule set, the configured URL.
    pub(super) fn endpoint(&self) -> Result<crate::endpoint::Endpoint, RequestError> {
        if let Some(endpoint) = self.resolved.get() {
            return Ok(endpoint.clone());
        }
        let endpoint = self.resolve_endpoint()?;
        // A failure is not kept: it is reported by every call, each resolving again.
        Ok(self.resolved.get_or_init(|| endpoint).clone())
    }

    fn resolve_endpoint(&self) -> Result<crate::endpoint::Endpoint, RequestError> {
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
                Some(url) => Ok(crate::endpoint::Endpoint {
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
        endpoint: &crate::endpoint::Endpoint,
        target: &str,
        body: &[u8],
        invocation_id: &str,
        attempt: u32,
        max_attempts: u32,
    ) -> Result<http::Request<Vec<u8>>, RequestError> {
        // AWS JSON posts to the endpoint's path, which always ends in `/`.
        let url = if endpoint.url.ends_with('/') {
            endpoint.url.clone()
        } else {
            format!("{}/", endpoint.url)
        };
        let uri: http::Uri = url.parse().map_err(|e| {
            RequestError::new(
                RequestErrorKind::Endpoint,
                format!("the endpoint `{url}` is not a valid URL: {e}"),
            )
        })?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .ok_or_else(|| {
                RequestError::new(
                    RequestErrorKind::Endpoint,
                    format!("the endpoint `{url}` has no host"),
                )
            })?;
        let mut builder = http::Request::builder()
            .method(http::Method::POST)
            .uri(uri)
            .header(http::header::HOST, host)
            .header(http::header::CONTENT_TYPE, self.spec.content_type)
            .header("x-amz-target", target)
            .header(http::header::USER_AGENT, self.spec.user_agent)
            .header("amz-sdk-invocation-id", invocation_id)
            .header(
                "amz-sdk-request",
                format!("attempt={attempt}; max={max_attempts}"),
            );
        if self.spec.query_compatible {
            builder = builder.header(aws_json::QUERY_MODE_HEADER, "true");
        }
        for (name, values) in &endpoint.headers {
            for value in values {
                builder = builder.header(name.as_str(), value.as_str());
            }
        }
        builder.body(body.to_vec()).map_err(|e| {
            RequestError::new(
                RequestErrorKind::Endpoint,
                format!("cannot build the request: {e}"),
            )
        })
    }
}

/// A random id for all attempts of one call, so the service can tell retries apart from repeats.
pub(super) fn invocation_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    let high = hasher.finish();
    hasher.write_u64(high);
    let low = hasher.finish();
    let hex = format!("{high:016x}{low:016x}");
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
