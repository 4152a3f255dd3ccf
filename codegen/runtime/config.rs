//! Client configuration.

use std::fmt;

/// How a [`Client`](crate::Client) reaches the service. Build one with [`Config::builder`].
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Config {
    region: Option<String>,
    endpoint_url: Option<String>,
}

impl Config {
    /// A builder with nothing set.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The AWS region, e.g. `us-east-1`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// An explicit endpoint URL that overrides endpoint resolution (for local emulators).
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url.as_deref()
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .finish()
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone, Default)]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// Sets the AWS region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// Sets an endpoint URL that overrides endpoint resolution, e.g. `http://127.0.0.1:5000`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// The finished configuration.
    pub fn build(self) -> Config {
        self.config
    }
}
