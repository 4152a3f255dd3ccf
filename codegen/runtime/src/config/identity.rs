//! The identities of the auth schemes other than SigV4 (see [`crate::auth`]): a bearer token
//! (or its provider), an API key, a basic-auth login. Each is used only by operations whose
//! model accepts its scheme.

use std::fmt;

use super::ConfigBuilder;
use crate::auth::{Login, ProvideToken, SharedTokenProvider, Token};

/// The identities a configuration holds for the non-SigV4 schemes.
#[derive(Clone, Default)]
pub(crate) struct Identities {
    /// `smithy.api#httpBearerAuth`.
    pub(crate) token_provider: Option<SharedTokenProvider>,
    /// `smithy.api#httpApiKeyAuth`.
    pub(crate) api_key: Option<Token>,
    /// `smithy.api#httpBasicAuth`.
    pub(crate) basic_auth_login: Option<Login>,
}

impl fmt::Debug for Identities {
    // Which identities are set, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identities")
            .field("token_provider", &self.token_provider.is_some())
            .field("api_key", &self.api_key.is_some())
            .field("basic_auth_login", &self.basic_auth_login.is_some())
            .finish()
    }
}

impl ConfigBuilder {
    /// The token of operations that accept bearer auth (`smithy.api#httpBearerAuth`), sent as
    /// `Authorization: Bearer <token>`. Replaces any [`token_provider`](Self::token_provider).
    pub fn bearer_token(self, token: Token) -> Self {
        self.token_provider(token)
    }

    /// Where operations that accept bearer auth get their token: asked on every call (cache in
    /// the provider if fetching is costly), as `aws-credential-types`' providers are.
    pub fn token_provider(mut self, provider: impl ProvideToken + 'static) -> Self {
        self.config.identities.token_provider = Some(SharedTokenProvider::new(provider));
        self
    }

    /// The API key of operations that accept `smithy.api#httpApiKeyAuth`, sent in the header or
    /// query parameter the model names.
    pub fn api_key(mut self, key: Token) -> Self {
        self.config.identities.api_key = Some(key);
        self
    }

    /// The user and password of operations that accept `smithy.api#httpBasicAuth`.
    pub fn basic_auth_login(mut self, login: Login) -> Self {
        self.config.identities.basic_auth_login = Some(login);
        self
    }
}
