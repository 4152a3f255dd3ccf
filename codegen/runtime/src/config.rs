//! Client configuration: region, endpoint, credentials, transport, retries, timeouts, limits.
//!
//! One [`Config`] serves every service, like the AWS SDKs' `SdkConfig`: build it once, then give
//! it to each service's client (`sfn::Client::new(&config)`, `sqs::Client::new(&config)`). Clients
//! made from one configuration (and its clones) share its credentials provider and its HTTP client
//! with that client's connection pool. Each client picks its own endpoint: an explicit
//! [`endpoint_url`](ConfigBuilder::endpoint_url), else (for a configuration read from the
//! environment) `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`, else the service's endpoint
//! rules. For settings that differ per service, derive a configuration with
//! [`Config::to_builder`]; for one call, see [`CallOverrides`].
//!
//! # Retries from the environment
//!
//! [`ConfigBuilder::from_env`] reads the retry settings the AWS SDKs read: `AWS_MAX_ATTEMPTS`
//! and `AWS_RETRY_MODE`, else the profile's `max_attempts` and `retry_mode` (see
//! [`crate::retry`] for the values). An invalid value makes every call of the configuration
//! fail with a [`Config`](crate::error::RequestErrorKind::Config) error that names the setting,
//! before anything is sent ([`Config::invalid_settings`] says so at once);
//! [`ConfigBuilder::retry_config`] replaces what the environment said.
//!
//! # Timeouts
//!
//! | Timeout | Default | Bounds |
//! |---|---|---|
//! | connect | 3.1 s ([`DEFAULT_CONNECT_TIMEOUT`]) | one TCP (and TLS) connection |
//! | attempt | 90 s ([`DEFAULT_ATTEMPT_TIMEOUT`]) | one attempt, from sending to the whole answer |
//! | total | none | the whole call: attempts, backoff, rate limiting, credentials |
//!
//! The attempt timeout is on by default so that a server that takes the request and never
//! answers cannot hold a call forever. It is 90 s because some operations hold a request on
//! purpose: SQS `ReceiveMessage` waits up to 20 s (`WaitTimeSeconds`), Step Functions
//! `GetActivityTask` and SWF's `PollFor...` up to 60 s (AWS asks for a client timeout of at
//! least 65 s there). 90 s leaves those long polls, and a large answer over a slow link, room to
//! finish, and still reports a hung connection in a minute and a half. An operation that is
//! not idempotent is not repeated after a timeout (see [`crate::orchestrator`]).
//!
//! There is no default total timeout: with the defaults a call is already bounded (3 attempts of
//! at most 90 s, and at most 20 s of backoff between them), and how long a whole call may take
//! is the application's latency budget, which only it knows. Set
//! [`ConfigBuilder::total_timeout`] for one, or per call with [`CallOverrides`] (for example a
//! shorter attempt timeout for a quick call, or a longer one for a long poll).
//!
//! # Request compression
//!
//! Operations with Smithy's `@requestCompression` send their body gzip-compressed when it is at
//! least [`request_min_compression_size_bytes`](ConfigBuilder::request_min_compression_size_bytes)
//! long (default 10240), unless
//! [`disable_request_compression`](ConfigBuilder::disable_request_compression) is set; the AWS
//! SDKs' names and defaults. [`ConfigBuilder::from_env`] reads them from
//! `AWS_DISABLE_REQUEST_COMPRESSION` and `AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES`, else the
//! profile's `disable_request_compression` and `request_min_compression_size_bytes`; an invalid
//! value (not `true`/`false`, not a whole number from 0 to 10485760) is ignored with a `warn`
//! event, as the AWS SDKs do, since compressing or not never changes what a call does.

use std::cell::OnceCell;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use crate::credentials::{
    non_empty, Credentials, CredentialsCache, DefaultCredentialsChain, ProvideCredentials,
};
use crate::profile::Profile;
use crate::retry::{RetryConfig, RetryMode};
use crate::transport::{HttpClient, HyperClient};

mod idempotency_token;
mod identity;
mod overrides;

pub use idempotency_token::IdempotencyTokenProvider;
pub(crate) use identity::Identities;
pub use overrides::CallOverrides;

/// The default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);
/// The default attempt timeout: longer than the longest long poll of an AWS JSON service
/// (60 s), see the [module docs](self#timeouts).
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(90);
/// The default largest response body accepted: larger answers fail instead of exhausting memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 10 * 1024 * 1024;
/// The default smallest request body that `@requestCompression` operations compress (the AWS
/// SDKs' default).
pub const DEFAULT_REQUEST_MIN_COMPRESSION_SIZE_BYTES: u32 = 10240;
/// The largest minimum compression size the AWS SDKs accept (10 MiB); larger ones count as this.
pub const MAX_REQUEST_MIN_COMPRESSION_SIZE_BYTES: u32 = 10 * 1024 * 1024;

/// A variable lookup, e.g. `std::env::var`: the environment a configuration was read from.
pub(crate) type Env = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The built-in HTTPS client, made when the first client needs it and shared by every client made
/// from the configuration (or its clones) since: one connection pool.
type SharedHttp = Arc<OnceLock<Result<Arc<dyn HttpClient>, String>>>;

/// How clients reach their services. Build one with [`Config::builder`], or load the standard
/// environment with [`Config::from_env`]; one configuration serves clients of any service (see
/// the [module docs](self)).
#[derive(Clone)]
pub struct Config {
    pub(crate) region: Option<String>,
    pub(crate) endpoint_url: Option<String>,
    /// `AWS_ENDPOINT_URL`, when the configuration was read from the environment.
    pub(crate) env_endpoint_url: Option<String>,
    /// The environment the configuration was read from, for `AWS_ENDPOINT_URL_<SERVICE>`.
    pub(crate) env: Option<Env>,
    pub(crate) use_fips: bool,
    pub(crate) use_dual_stack: bool,
    pub(crate) credentials: Option<Arc<dyn ProvideCredentials>>,
    /// The identities of the other auth schemes: bearer token, API key, basic login.
    pub(crate) identities: Identities,
    pub(crate) http_client: Option<Arc<dyn HttpClient>>,
    pub(crate) default_http: SharedHttp,
    pub(crate) retry: RetryConfig,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) total_timeout: Option<Duration>,
    pub(crate) max_response_bytes: usize,
    pub(crate) disable_host_prefix: bool,
    pub(crate) disable_request_compression: bool,
    pub(crate) request_min_compression_size_bytes: u32,
    pub(crate) idempotency_token_provider: IdempotencyTokenProvider,
    /// Why settings read from the environment or profile were refused: every call fails with it.
    pub(crate) invalid_settings: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            region: None,
            endpoint_url: None,
            env_endpoint_url: None,
            env: None,
            use_fips: false,
            use_dual_stack: false,
            credentials: None,
            identities: Identities::default(),
            http_client: None,
            default_http: SharedHttp::default(),
            retry: RetryConfig::standard(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            total_timeout: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            disable_host_prefix: false,
            disable_request_compression: false,
            request_min_compression_size_bytes: DEFAULT_REQUEST_MIN_COMPRESSION_SIZE_BYTES,
            idempotency_token_provider: IdempotencyTokenProvider::random(),
            invalid_settings: None,
        }
    }
}

impl Config {
    /// A builder with nothing set: no region, credentials from the default chain (environment,
    /// then the shared files) unless given, standard retries.
    pub fn builder() -> ConfigBuilder {
        ConfigBuilder::default()
    }

    /// The standard environment: region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile;
    /// endpoint from `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`; retries from
    /// `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE` or the profile; credentials from the default chain.
    pub fn from_env() -> Self {
        ConfigBuilder::from_env().build()
    }

    /// What fills unset `@idempotencyToken` members: random UUIDs unless set otherwise.
    pub fn idempotency_token_provider(&self) -> &IdempotencyTokenProvider {
        &self.idempotency_token_provider
    }

    /// The AWS region, e.g. `us-east-1`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// An endpoint URL that overrides endpoint resolution (for local emulators): set explicitly,
    /// or `AWS_ENDPOINT_URL` from the environment. A client's own configuration
    /// (`client.config()`) has the URL that client uses, `AWS_ENDPOINT_URL_<SERVICE>` included.
    pub fn endpoint_url(&self) -> Option<&str> {
        self.endpoint_url
            .as_deref()
            .or(self.env_endpoint_url.as_deref())
    }

    /// A builder holding this configuration, to derive one that differs in some settings (for
    /// example a region or endpoint for one service). The derived configuration keeps sharing
    /// the credentials provider, and the HTTP client unless its connect timeout changes.
    pub fn to_builder(&self) -> ConfigBuilder {
        ConfigBuilder {
            config: self.clone(),
        }
    }

    /// This configuration as a client of the service whose `AWS_ENDPOINT_URL_<SERVICE>` suffix is
    /// `env_name` uses it: the endpoint URL chosen (explicit, then that variable, then
    /// `AWS_ENDPOINT_URL`). (A configuration without a credentials provider, which only
    /// `Config::default()` can be, gets the default chain from the client's runtime.)
    pub fn for_service(&self, env_name: &str) -> Config {
        let mut config = self.clone();
        let from_service_variable = || {
            let env = self.env.as_ref()?;
            env(&format!("AWS_ENDPOINT_URL_{env_name}")).filter(|url| !url.is_empty())
        };
        config.endpoint_url = self
            .endpoint_url
            .clone()
            .or_else(from_service_variable)
            .or_else(|| self.env_endpoint_url.clone());
        config.env_endpoint_url = None;
        config.env = None;
        config
    }

    /// The HTTP client requests go through: the configured one, or the built-in HTTPS client,
    /// made once and shared from then on.
    pub(crate) fn http(&self) -> Result<Arc<dyn HttpClient>, String> {
        if let Some(client) = &self.http_client {
            return Ok(client.clone());
        }
        self.default_http
            .get_or_init(|| {
                HyperClient::try_new(self.connect_timeout)
                    .map(|client| Arc::new(client) as Arc<dyn HttpClient>)
                    .map_err(|e| e.to_string())
            })
            .clone()
    }

    /// The retry settings.
    pub fn retry(&self) -> &RetryConfig {
        &self.retry
    }

    /// The longest one attempt may take (see the [module docs](self#timeouts)); `None`: no limit.
    pub fn attempt_timeout(&self) -> Option<Duration> {
        self.attempt_timeout
    }

    /// The longest a whole call may take; `None` (the default): no limit.
    pub fn total_timeout(&self) -> Option<Duration> {
        self.total_timeout
    }

    /// Why settings read from the environment or the profile were refused (an invalid
    /// `AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`, `max_attempts` or `retry_mode`), naming each
    /// setting and its value: every call made with this configuration fails with this message
    /// (a `Config` error) before sending anything. `None` when all were valid. For a program
    /// that wants to stop at start-up rather than at its first call.
    pub fn invalid_settings(&self) -> Option<&str> {
        self.invalid_settings.as_deref()
    }

    /// True when operations' `@endpoint` host prefixes are left off the host (see
    /// [`ConfigBuilder::disable_host_prefix`]).
    pub fn disable_host_prefix(&self) -> bool {
        self.disable_host_prefix
    }

    /// True when `@requestCompression` operations send their body uncompressed (see the
    /// [module docs](self#request-compression)).
    pub fn disable_request_compression(&self) -> bool {
        self.disable_request_compression
    }

    /// The smallest request body `@requestCompression` operations compress, in bytes (see the
    /// [module docs](self#request-compression)).
    pub fn request_min_compression_size_bytes(&self) -> u32 {
        self.request_min_compression_size_bytes
            .min(MAX_REQUEST_MIN_COMPRESSION_SIZE_BYTES)
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials providers print no secrets (`Credentials` redacts its own).
        f.debug_struct("Config")
            .field("region", &self.region)
            .field("endpoint_url", &self.endpoint_url)
            .field("env_endpoint_url", &self.env_endpoint_url)
            .field("from_environment", &self.env.is_some())
            .field("use_fips", &self.use_fips)
            .field("use_dual_stack", &self.use_dual_stack)
            .field("credentials", &self.credentials)
            .field("identities", &self.identities)
            .field("http_client", &self.http_client)
            .field("retry", &self.retry)
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("total_timeout", &self.total_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("disable_host_prefix", &self.disable_host_prefix)
            .field(
                "disable_request_compression",
                &self.disable_request_compression,
            )
            .field(
                "request_min_compression_size_bytes",
                &self.request_min_compression_size_bytes,
            )
            .field(
                "idempotency_token_provider",
                &self.idempotency_token_provider,
            )
            .field("invalid_settings", &self.invalid_settings)
            .finish()
    }
}

/// Builds a [`Config`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ConfigBuilder {
    config: Config,
}

impl ConfigBuilder {
    /// A builder holding the standard environment (see [`Config::from_env`]); setters override it.
    pub fn from_env() -> Self {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// As [`ConfigBuilder::from_env`], reading variables through `env` (for tests). Clients read
    /// their `AWS_ENDPOINT_URL_<SERVICE>` through it too, when they are made.
    pub fn from_env_with(env: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        // The profile is read only when a variable leaves a retry setting to it, and once. A
        // profile that cannot be read sets nothing here: the credentials chain reports it.
        let loaded = OnceCell::new();
        let profile = || {
            loaded
                .get_or_init(|| Profile::load(&env).ok().flatten())
                .as_ref()
        };
        let (retry, invalid_settings) = retry_from_env(&env, &profile);
        let mut config = Config {
            region: crate::credentials::region_from_env_or_profile(&env),
            env_endpoint_url: env("AWS_ENDPOINT_URL").filter(|url| !url.is_empty()),
            retry,
            invalid_settings,
            ..Config::default()
        };
        compression_from_env(&mut config, &env, &profile);
        Self {
            config: Config {
                env: Some(Arc::new(env)),
                ..config
            },
        }
    }

    /// Sets the AWS region, e.g. `us-east-1`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = Some(region.into());
        self
    }

    /// Fills in the region from EC2 instance metadata (the instance's own region), when no
    /// region is set yet and instance metadata is not disabled (`AWS_EC2_METADATA_DISABLED`);
    /// it reads the settings of the environment this builder was loaded from (see
    /// [`region_from_imds`](crate::credentials::region_from_imds)). If instance metadata gives
    /// no region, the builder is returned unchanged. For example:
    /// `ConfigBuilder::from_env().load_region_from_imds().await.build()`.
    ///
    /// This is opt-in, unlike in the AWS SDKs, whose region chain ends with instance metadata:
    /// [`Config::from_env`] is synchronous and must stay fast where there is no instance
    /// metadata (a laptop, CI), while asking costs a network round trip on EC2 and up to the
    /// 1 second connect timeout elsewhere. Call it on EC2 when neither `AWS_REGION` nor the
    /// profile names a region.
    pub async fn load_region_from_imds(mut self) -> Self {
        if self.config.region.is_some() {
            return self;
        }
        let region = match &self.config.env {
            Some(env) => crate::credentials::region_from_imds(&**env).await,
            None => crate::credentials::region_from_imds(&|key| std::env::var(key).ok()).await,
        };
        self.config.region = region;
        self
    }

    /// Sets an endpoint URL that overrides endpoint resolution, e.g. `http://127.0.0.1:5000`.
    pub fn endpoint_url(mut self, url: impl Into<String>) -> Self {
        self.config.endpoint_url = Some(url.into());
        self
    }

    /// Uses FIPS endpoints.
    pub fn use_fips(mut self, on: bool) -> Self {
        self.config.use_fips = on;
        self
    }

    /// Uses dual-stack (IPv4 and IPv6) endpoints.
    pub fn use_dual_stack(mut self, on: bool) -> Self {
        self.config.use_dual_stack = on;
        self
    }

    /// Uses these fixed credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(Arc::new(credentials));
        self
    }

    /// Gets credentials from this provider (any implementation of `aws-credential-types`'
    /// `ProvideCredentials`, e.g. `aws-config`'s), through a [`CredentialsCache`]: it is asked
    /// again only shortly before what it gave expires.
    pub fn credentials_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.config.credentials = Some(Arc::new(CredentialsCache::new(provider)));
        self
    }

    /// Gets credentials from this provider on every call, without a cache (for a provider
    /// that caches on its own).
    pub fn credentials_provider_uncached(
        mut self,
        provider: impl ProvideCredentials + 'static,
    ) -> Self {
        self.config.credentials = Some(Arc::new(provider));
        self
    }

    /// Sends requests with this HTTP client instead of the built-in HTTPS client.
    pub fn http_client(mut self, client: impl HttpClient + 'static) -> Self {
        self.config.http_client = Some(Arc::new(client));
        self
    }

    /// Sets the retry behaviour (see [`RetryConfig`]), replacing what the environment or the
    /// profile said (an invalid `AWS_MAX_ATTEMPTS` or `AWS_RETRY_MODE` included).
    pub fn retry_config(mut self, retry: RetryConfig) -> Self {
        self.config.retry = retry;
        self.config.invalid_settings = None;
        self
    }

    /// The longest wait for a connection (built-in client only). Default 3.1 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        // The built-in client has the timeout in its connector: a new one for this setting.
        self.config.default_http = SharedHttp::default();
        self
    }

    /// The longest one attempt may take, from sending to the whole response; `None` for no
    /// limit. Default 90 s ([`DEFAULT_ATTEMPT_TIMEOUT`]; see the [module docs](self#timeouts)).
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.attempt_timeout = timeout.into();
        self
    }

    /// The longest a whole call may take, retries, backoff and credentials included; `None`
    /// for no limit. Default: none (see the [module docs](self#timeouts)).
    pub fn total_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.total_timeout = timeout.into();
        self
    }

    /// The largest response body accepted. Default 10 MiB.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.config.max_response_bytes = bytes;
        self
    }

    /// What fills the `@idempotencyToken` members a caller leaves unset. Default: a fresh
    /// random UUID version 4 per call; a fixed token suits tests that compare requests.
    pub fn idempotency_token_provider(
        mut self,
        provider: impl Into<IdempotencyTokenProvider>,
    ) -> Self {
        self.config.idempotency_token_provider = provider.into();
        self
    }

    /// Leaves operations' host prefixes off the host. Some operations (those with a Smithy
    /// `@endpoint` trait, such as Step Functions' `StartSyncExecution`, which goes to
    /// `sync-states...`) put a prefix in front of the endpoint's host, resolved or set with
    /// [`endpoint_url`](Self::endpoint_url) alike; turn that off for a local emulator or a proxy
    /// that serves every operation on one host. Default: `false` (prefixes are added).
    pub fn disable_host_prefix(mut self, disable: bool) -> Self {
        self.config.disable_host_prefix = disable;
        self
    }

    /// Sends the body of `@requestCompression` operations uncompressed. Default: `false` (see
    /// the [module docs](self#request-compression)).
    pub fn disable_request_compression(mut self, disable: bool) -> Self {
        self.config.disable_request_compression = disable;
        self
    }

    /// The smallest request body `@requestCompression` operations compress, in bytes: default
    /// 10240, at most 10485760 (larger values count as that, the largest the AWS SDKs accept).
    pub fn request_min_compression_size_bytes(mut self, bytes: u32) -> Self {
        self.config.request_min_compression_size_bytes = bytes;
        self
    }

    /// The finished configuration. Without a credentials provider it gets the default chain,
    /// one instance that every client made from it shares.
    pub fn build(mut self) -> Config {
        if self.config.credentials.is_none() {
            // The chain reads the environment the configuration was read from (see
            // `from_env_with`), else the process environment.
            let chain = match &self.config.env {
                Some(env) => DefaultCredentialsChain::from_shared(env.clone()),
                None => DefaultCredentialsChain::new(),
            };
            self.config.credentials = Some(Arc::new(CredentialsCache::new(chain)));
        }
        self.config
    }
}

/// The retry settings of the environment (`AWS_MAX_ATTEMPTS`, `AWS_RETRY_MODE`), else of the
/// profile (`max_attempts`, `retry_mode`), each on its own; and the message naming every
/// invalid one, if any (the configuration then keeps the standard settings, and its calls fail).
fn retry_from_env<'p>(
    env: &dyn Fn(&str) -> Option<String>,
    profile: &dyn Fn() -> Option<&'p Profile>,
) -> (RetryConfig, Option<String>) {
    let setting = |variable: &str, key: &str| setting(env, profile, variable, key);
    let mut retry = RetryConfig::standard();
    let mut problems = Vec::new();
    if let Some((source, value)) = setting("AWS_MAX_ATTEMPTS", "max_attempts") {
        match crate::retry::parse_max_attempts(&value) {
            Ok(attempts) => retry = retry.with_max_attempts(attempts),
            Err(error) => problems.push(format!("invalid {source}: {error}")),
        }
    }
    if let Some((source, value)) = setting("AWS_RETRY_MODE", "retry_mode") {
        match value.parse::<RetryMode>() {
            Ok(mode) => retry = retry.with_mode(mode),
            Err(error) => problems.push(format!("invalid {source}: {error}")),
        }
    }
    let invalid = (!problems.is_empty()).then(|| {
        format!(
            "{} (fix or unset it, or set the retries with Config::builder().retry_config(..))",
            problems.join("; ")
        )
    });
    (retry, invalid)
}

/// A setting from the environment variable `variable`, else from the profile's `key`: where it
/// came from (for messages) and its value.
fn setting<'p>(
    env: &dyn Fn(&str) -> Option<String>,
    profile: &dyn Fn() -> Option<&'p Profile>,
    variable: &str,
    key: &str,
) -> Option<(String, String)> {
    match non_empty(env(variable)) {
        Some(value) => Some((variable.to_owned(), value)),
        None => {
            let profile = profile()?;
            let value = non_empty(profile.get(key).map(str::to_owned))?;
            Some((format!("`{key}` of profile `{}`", profile.name()), value))
        }
    }
}

/// The request compression settings of the environment, else of the profile (see the
/// [module docs](self#request-compression)); an invalid one is ignored with a warning.
fn compression_from_env<'p>(
    config: &mut Config,
    env: &dyn Fn(&str) -> Option<String>,
    profile: &dyn Fn() -> Option<&'p Profile>,
) {
    let ignored = |source: &str, value: &str, expected: &str| {
        tracing::warn!("ignoring {source} = `{value}`: expected {expected}");
    };
    let disable = setting(
        env,
        profile,
        "AWS_DISABLE_REQUEST_COMPRESSION",
        "disable_request_compression",
    );
    if let Some((source, value)) = disable {
        match value.to_ascii_lowercase().as_str() {
            "true" => config.disable_request_compression = true,
            "false" => config.disable_request_compression = false,
            _ => ignored(&source, &value, "`true` or `false`"),
        }
    }
    let min_size = setting(
        env,
        profile,
        "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
        "request_min_compression_size_bytes",
    );
    if let Some((source, value)) = min_size {
        match value.parse::<u32>() {
            Ok(bytes) if bytes <= MAX_REQUEST_MIN_COMPRESSION_SIZE_BYTES => {
                config.request_min_compression_size_bytes = bytes;
            }
            _ => ignored(
                &source,
                &value,
                "a whole number of bytes from 0 to 10485760",
            ),
        }
    }
}

/// The credentials a client uses when none were configured: the default chain, cached.
pub(crate) fn default_credentials() -> Arc<dyn ProvideCredentials> {
    Arc::new(CredentialsCache::new(DefaultCredentialsChain::new()))
}
