//! The identity of one call, chosen once from the operation's auth schemes (see
//! [`crate::auth`]), and how each attempt's request carries it.

use std::time::SystemTime;

use http::header::{HeaderName, HeaderValue, AUTHORIZATION};

use super::{OperationSpec, Runtime};
use crate::auth::{ApiKeyLocation, AuthScheme, ProvideToken};
use crate::credentials::Credentials;
use crate::error::{RequestError, RequestErrorKind};

/// What a call's requests carry to prove who sends them.
pub(super) enum Identity<'a> {
    /// A SigV4 signature, made for each attempt.
    SigV4 {
        credentials: Credentials,
        region: &'a str,
        signing_name: &'static str,
    },
    /// A header made once for the call (bearer, basic, an API key in a header), marked
    /// sensitive.
    Header(HeaderName, HeaderValue),
    /// An API key in the query string: `name=key`, percent-encoded.
    Query(String),
    /// Nothing: the operation may be called anonymously.
    Anonymous,
}

impl Runtime {
    /// The identity of a call of `operation`: that of its first scheme the configuration has an
    /// identity for, or none when the operation allows it (see [`crate::auth`]).
    pub(super) async fn identity(
        &self,
        operation: &OperationSpec,
    ) -> Result<Identity<'_>, RequestError> {
        let identities = &self.config.identities;
        let mut unconfigured = Vec::new();
        for scheme in operation.auth {
            let found = match scheme {
                AuthScheme::SigV4 { signing_name } => self.sigv4(operation, signing_name).await,
                AuthScheme::HttpBearer => match &identities.token_provider {
                    None => Ok(None),
                    Some(provider) => match provider.provide_token().await {
                        Ok(token) => header_identity(
                            AUTHORIZATION,
                            format!("Bearer {}", token.token()),
                            "the bearer token",
                        )
                        .map(Some),
                        Err(e) if operation.optional_auth => {
                            tracing::debug!(error = %e, "no bearer token; calling anonymously, as the operation allows");
                            Ok(Some(Identity::Anonymous))
                        }
                        Err(e) => Err(RequestError::new(
                            RequestErrorKind::Credentials,
                            format!("cannot get a bearer token: {e}"),
                        )),
                    },
                },
                AuthScheme::HttpApiKey {
                    name,
                    location,
                    scheme,
                } => match &identities.api_key {
                    None => Ok(None),
                    Some(key) => api_key_identity(name, *location, *scheme, key.token()).map(Some),
                },
                AuthScheme::HttpBasic => match &identities.basic_auth_login {
                    None => Ok(None),
                    Some(login) => {
                        let pair = format!("{}:{}", login.user(), login.password());
                        header_identity(
                            AUTHORIZATION,
                            format!("Basic {}", crate::primitives::base64::encode(pair)),
                            "the basic-auth login",
                        )
                        .map(Some)
                    }
                },
            };
            match found? {
                Some(identity) => return Ok(identity),
                None => unconfigured.push(scheme),
            }
        }
        if operation.optional_auth || operation.auth.is_empty() {
            return Ok(Identity::Anonymous);
        }
        let schemes: Vec<String> = unconfigured
            .iter()
            .map(|scheme| format!("{} ({})", scheme.trait_id(), scheme.how_to_configure()))
            .collect();
        Err(RequestError::new(
            RequestErrorKind::Credentials,
            format!(
                "{} needs an identity for one of its auth schemes, and none is configured: {}",
                operation.name,
                schemes.join(", ")
            ),
        ))
    }

    /// SigV4's identity: the region and the credentials. Always configured (the default chain);
    /// when the operation may go anonymously, a missing region or credentials make it do so.
    async fn sigv4(
        &self,
        operation: &OperationSpec,
        signing_name: &'static str,
    ) -> Result<Option<Identity<'_>>, RequestError> {
        let Some(region) = self.config.region.as_deref() else {
            if operation.optional_auth {
                tracing::debug!(
                    "no region to sign for; calling anonymously, as the operation allows"
                );
                return Ok(Some(Identity::Anonymous));
            }
            return Err(RequestError::new(
                RequestErrorKind::Config,
                "no AWS region: set it with Config::builder().region(..), AWS_REGION or the profile's `region`",
            ));
        };
        match self.credentials.provide_credentials().await {
            Ok(credentials) => Ok(Some(Identity::SigV4 {
                credentials,
                region,
                signing_name,
            })),
            Err(e) if operation.optional_auth => {
                tracing::debug!(
                    error = %crate::credentials::describe(&e),
                    "no credentials; calling anonymously, as the operation allows"
                );
                Ok(Some(Identity::Anonymous))
            }
            Err(e) => Err(RequestError::new(
                RequestErrorKind::Credentials,
                crate::credentials::describe(&e),
            )),
        }
    }
}

impl Identity<'_> {
    /// Puts the identity on an attempt's request, whose URI is `uri_text` written out; with
    /// `unsigned_payload` (a body streamed as it is sent) SigV4 signs `UNSIGNED-PAYLOAD`
    /// instead of the body's hash.
    pub(super) fn apply(
        &self,
        request: &mut http::Request<Vec<u8>>,
        uri_text: &str,
        unsigned_payload: bool,
    ) -> Result<(), RequestError> {
        match self {
            Identity::SigV4 {
                credentials,
                region,
                signing_name,
            } => crate::sign::sign_unsigned(
                request,
                uri_text,
                credentials,
                region,
                signing_name,
                SystemTime::now(),
                unsigned_payload,
            )
            .map_err(|e| RequestError::new(RequestErrorKind::Signing, e.to_string())),
            Identity::Header(name, value) => {
                request.headers_mut().insert(name.clone(), value.clone());
                Ok(())
            }
            Identity::Query(pair) => {
                let separator = if uri_text.contains('?') { '&' } else { '?' };
                let uri = format!("{uri_text}{separator}{pair}");
                // The key is percent-encoded, so the URI stays valid.
                *request.uri_mut() = uri.parse().map_err(|_| {
                    RequestError::new(
                        RequestErrorKind::Signing,
                        "cannot put the API key in the request URI",
                    )
                })?;
                Ok(())
            }
            Identity::Anonymous => Ok(()),
        }
    }
}

/// An API key's identity: in a header (after the scheme, if any) or a query parameter.
fn api_key_identity(
    name: &str,
    location: ApiKeyLocation,
    scheme: Option<&str>,
    key: &str,
) -> Result<Identity<'static>, RequestError> {
    match location {
        ApiKeyLocation::Query => Ok(Identity::Query(format!(
            "{}={}",
            crate::credentials::percent_encode(name),
            crate::credentials::percent_encode(key)
        ))),
        ApiKeyLocation::Header => {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                RequestError::new(
                    RequestErrorKind::Config,
                    format!("the API key header name `{name}` is not a valid header name"),
                )
            })?;
            let value = match scheme {
                Some(scheme) => format!("{scheme} {key}"),
                None => key.to_owned(),
            };
            header_identity(name, value, "the API key")
        }
    }
}

/// A header identity, its value marked sensitive (never logged or printed). The error names
/// `what`, never the value.
fn header_identity(
    name: HeaderName,
    value: String,
    what: &str,
) -> Result<Identity<'static>, RequestError> {
    let mut value = HeaderValue::try_from(value).map_err(|_| {
        RequestError::new(
            RequestErrorKind::Credentials,
            format!("{what} is not a valid header value (control characters or non-ASCII text)"),
        )
    })?;
    value.set_sensitive(true);
    Ok(Identity::Header(name, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_keys_go_in_their_header_after_the_scheme_or_in_the_query() {
        let Identity::Header(name, value) =
            api_key_identity("X-Api-Key", ApiKeyLocation::Header, Some("ApiKey"), "k1").unwrap()
        else {
            panic!("a header");
        };
        assert_eq!(name, "x-api-key");
        assert_eq!(value, "ApiKey k1");
        assert!(value.is_sensitive());
        let Identity::Query(pair) =
            api_key_identity("api key", ApiKeyLocation::Query, None, "a/b=c").unwrap()
        else {
            panic!("a query parameter");
        };
        assert_eq!(pair, "api%20key=a%2Fb%3Dc");
    }

    #[test]
    fn a_key_that_is_no_header_value_is_an_error_without_the_key() {
        let Err(error) = api_key_identity("X-Api-Key", ApiKeyLocation::Header, None, "secret\nkey")
        else {
            panic!("an error");
        };
        assert_eq!(error.kind(), RequestErrorKind::Credentials);
        assert!(!error.to_string().contains("secret"), "{error}");
    }
}
