//! Caching credentials, and refreshing them before they expire.

use super::error::describe;
use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use aws_credential_types::Credentials;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

/// Where the cache reads the time: the system clock, or a test's.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// How long before their expiry credentials are refreshed, as the AWS SDKs do.
pub const DEFAULT_REFRESH_WINDOW: Duration = Duration::from_secs(5 * 60);
/// How long credentials without an expiry (keys from the environment or a profile) are kept
/// before the source is read again.
pub const DEFAULT_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// How long one fetch from the source may take.
pub const DEFAULT_LOAD_TIMEOUT: Duration = Duration::from_secs(30);
/// After a refresh fails while the cached credentials are still valid, how long they are used
/// before the next attempt (so that a failing source is not asked once per call).
pub const RETRY_FAILED_REFRESH_AFTER: Duration = Duration::from_secs(10);

/// Caches what a provider gives until shortly before it expires.
///
/// - Credentials are used until [`refresh_window`](Self::refresh_window) (5 minutes) before
///   their expiry, then fetched again; credentials without an expiry are fetched again after
///   [`default_lifetime`](Self::default_lifetime) (15 minutes).
/// - Concurrent calls that find the cache stale wait for one fetch, not one each.
/// - If a refresh fails while the cached credentials are still valid, they stay in use (with a
///   `warn` event) and the refresh is tried again 10 seconds later.
/// - Expired credentials are never returned: a provider that gives credentials already expired
///   is an error.
/// - A fetch that takes longer than [`load_timeout`](Self::load_timeout) (30 seconds) fails.
///
/// [`Config`](crate::config::Config) puts every provider it is given in one (except fixed
/// [`Credentials`], which need none).
pub struct CredentialsCache {
    provider: Arc<dyn ProvideCredentials>,
    clock: Arc<dyn Clock>,
    refresh_window: Duration,
    default_lifetime: Duration,
    load_timeout: Duration,
    cached: RwLock<Option<Cached>>,
    /// Held while fetching: the one fetch the others wait for.
    refreshing: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Cached {
    credentials: Credentials,
    /// When they stop being valid (their expiry, or the default lifetime).
    expires: SystemTime,
    /// When to fetch again.
    refresh_at: SystemTime,
}

impl CredentialsCache {
    /// A cache in front of `provider`, with the defaults above.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::from_shared(Arc::new(provider))
    }

    pub(crate) fn from_shared(provider: Arc<dyn ProvideCredentials>) -> Self {
        Self {
            provider,
            clock: Arc::new(SystemClock),
            refresh_window: DEFAULT_REFRESH_WINDOW,
            default_lifetime: DEFAULT_LIFETIME,
            load_timeout: DEFAULT_LOAD_TIMEOUT,
            cached: RwLock::new(None),
            refreshing: tokio::sync::Mutex::new(()),
        }
    }

    /// Reads the time from `clock` (for tests).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How long before their expiry credentials are fetched again. Default 5 minutes.
    pub fn refresh_window(mut self, window: Duration) -> Self {
        self.refresh_window = window;
        self
    }

    /// How long credentials without an expiry are kept. Default 15 minutes.
    pub fn default_lifetime(mut self, lifetime: Duration) -> Self {
        self.default_lifetime = lifetime;
        self
    }

    /// How long one fetch may take. Default 30 seconds.
    pub fn load_timeout(mut self, timeout: Duration) -> Self {
        self.load_timeout = timeout;
        self
    }

    /// The cached credentials if they need no refresh at `now`.
    fn fresh(&self, now: SystemTime) -> Option<Credentials> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        cached
            .as_ref()
            .filter(|cached| now < cached.refresh_at)
            .map(|cached| cached.credentials.clone())
    }

    async fn load(&self) -> provider::Result {
        if let Some(credentials) = self.fresh(self.clock.now()) {
            return Ok(credentials);
        }
        let _refreshing = self.refreshing.lock().await;
        // Another call may have refreshed while this one waited.
        let now = self.clock.now();
        if let Some(credentials) = self.fresh(now) {
            return Ok(credentials);
        }
        let fetched = match tokio::time::timeout(
            self.load_timeout,
            self.provider.provide_credentials(),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(CredentialsError::provider_timed_out(self.load_timeout)),
        };
        let now = self.clock.now();
        let fetched = fetched.and_then(|credentials| match credentials.expiry() {
            Some(expiry) if expiry <= now => Err(super::error::failed(format!(
                "the credentials source gave credentials that had already expired (at {})",
                crate::primitives::DateTime::from(expiry)
            ))),
            _ => Ok(credentials),
        });
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        match fetched {
            Ok(credentials) => {
                let expires = credentials
                    .expiry()
                    .unwrap_or_else(|| now + self.default_lifetime);
                let refresh_at = match credentials.expiry() {
                    // Never before now: credentials that live less than the window are still
                    // used once (by this call) rather than fetched over and over.
                    Some(expiry) => expiry
                        .checked_sub(self.refresh_window)
                        .filter(|at| *at > now)
                        .unwrap_or(now + (expiry.duration_since(now).unwrap_or_default() / 2)),
                    None => expires,
                };
                *cached = Some(Cached {
                    credentials: credentials.clone(),
                    expires,
                    refresh_at,
                });
                Ok(credentials)
            }
            Err(error) => match cached.as_mut() {
                Some(stale) if now < stale.expires => {
                    tracing::warn!(
                        error = %describe(&error),
                        "refreshing AWS credentials failed; the cached ones are still valid and stay in use"
                    );
                    stale.refresh_at = (now + RETRY_FAILED_REFRESH_AFTER).min(stale.expires);
                    Ok(stale.credentials.clone())
                }
                _ => {
                    *cached = None;
                    Err(error)
                }
            },
        }
    }
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field("refresh_window", &self.refresh_window)
            .field("default_lifetime", &self.default_lifetime)
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials for CredentialsCache {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.load())
    }
}
