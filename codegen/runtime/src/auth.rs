//! Auth schemes: what proves a request's identity, chosen per operation from the model.
//!
//! The generator resolves each operation's schemes as the Smithy spec says (the service's
//! `@auth` order, or its auth traits in shape-id order; the operation's own `@auth`;
//! `@optionalAuth`) and writes them into the operation's
//! [`OperationSpec`](crate::orchestrator::OperationSpec). A call then uses the first scheme
//! whose identity the configuration has:
//!
//! | Scheme (trait) | Identity | Configured with | The request carries |
//! |---|---|---|---|
//! | SigV4 (`aws.auth#sigv4`) | credentials | the default chain, or `.credentials(..)` / `.credentials_provider(..)` | a SigV4 signature |
//! | bearer (`smithy.api#httpBearerAuth`) | a [`Token`] | `.bearer_token(..)` or `.token_provider(..)` | `Authorization: Bearer <token>` |
//! | API key (`smithy.api#httpApiKeyAuth`) | a [`Token`] | `.api_key(..)` | the key in the trait's header (after its scheme) or query parameter |
//! | basic (`smithy.api#httpBasicAuth`) | a [`Login`] | `.basic_auth_login(..)` | `Authorization: Basic <base64(user:password)>` |
//!
//! Credentials always count as configured (the default chain looks for them), so a SigV4
//! scheme is never skipped; the others are skipped when their identity is not configured. An
//! operation with no scheme (`@auth([])`) is sent anonymously. One with `@optionalAuth` is
//! sent anonymously when no scheme has an identity, or when getting one fails. A scheme the
//! runtime does not implement never reaches here: the generator refuses it by name.
//!
//! Tokens, keys and passwords are marked sensitive in the request's headers, and never appear
//! in `Debug` output, errors or logs ([`Token`] and [`Login`] redact their own `Debug`).

pub use aws_credential_types::provider::error::TokenError;
pub use aws_credential_types::provider::token::{ProvideToken, SharedTokenProvider};
pub use aws_credential_types::Token;
pub use aws_smithy_runtime_api::client::identity::http::Login;

/// One auth scheme an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `aws.auth#sigv4`: AWS Signature Version 4 under the trait's signing name.
    SigV4 {
        /// The signing name, e.g. `states`.
        signing_name: &'static str,
    },
    /// `smithy.api#httpBearerAuth`.
    HttpBearer,
    /// `smithy.api#httpApiKeyAuth`.
    HttpApiKey {
        /// The header or query parameter that carries the key.
        name: &'static str,
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The scheme written before the key in the header, e.g. `ApiKey`.
        scheme: Option<&'static str>,
    },
    /// `smithy.api#httpBasicAuth`.
    HttpBasic,
}

impl AuthScheme {
    /// The trait's shape id, as messages name the scheme.
    pub fn trait_id(&self) -> &'static str {
        match self {
            AuthScheme::SigV4 { .. } => "aws.auth#sigv4",
            AuthScheme::HttpBearer => "smithy.api#httpBearerAuth",
            AuthScheme::HttpApiKey { .. } => "smithy.api#httpApiKeyAuth",
            AuthScheme::HttpBasic => "smithy.api#httpBasicAuth",
        }
    }

    /// How to configure the scheme's identity, for the error of a call that has none.
    pub(crate) fn how_to_configure(&self) -> &'static str {
        match self {
            AuthScheme::SigV4 { .. } => "set credentials",
            AuthScheme::HttpBearer => {
                "set Config::builder().bearer_token(..) or .token_provider(..)"
            }
            AuthScheme::HttpApiKey { .. } => "set Config::builder().api_key(..)",
            AuthScheme::HttpBasic => "set Config::builder().basic_auth_login(..)",
        }
    }
}

/// Where an API key goes (`smithy.api#httpApiKeyAuth`'s `in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query string parameter.
    Query,
}
