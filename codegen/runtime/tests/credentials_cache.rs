//! The credentials cache, with a clock the tests move: refresh before expiry, one fetch for many
//! concurrent calls, stale-but-valid fallback, expired credentials never used; and providers
//! written against `aws-credential-types` alone, plugged into a `Config` and used to sign.

#[path = "support/scripted_server.rs"]
mod scripted_server;

use aws_credential_types::provider::{self, error::CredentialsError, future, ProvideCredentials};
use aws_credential_types::Credentials;
use scripted_server::{Reply, ScriptedServer};
use smithy_rust_runtime::config::Config;
use smithy_rust_runtime::credentials::{describe, Clock, CredentialsCache};
use smithy_rust_runtime::orchestrator::{OperationSpec, Runtime, ServiceSpec};
use smithy_rust_runtime::retry::RetryConfig;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const HOUR: Duration = Duration::from_secs(3600);
const MINUTE: Duration = Duration::from_secs(60);

/// A clock the test sets.
#[derive(Debug, Clone)]
struct TestClock(Arc<AtomicU64>);

impl TestClock {
    fn at(start: SystemTime) -> Self {
        let secs = start.duration_since(UNIX_EPOCH).unwrap().as_secs();
        Self(Arc::new(AtomicU64::new(secs)))
    }

    fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
    }

    fn advance(&self, by: Duration) {
        self.0.fetch_add(by.as_secs(), Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> SystemTime {
        TestClock::now(self)
    }
}

/// What the scripted provider does on each fetch.
#[derive(Debug, Clone, Copy)]
enum Next {
    /// Credentials valid for this long from the clock's now (or without expiry).
    Valid(Option<Duration>),
    /// Credentials that expired a minute ago.
    Expired,
    /// An error.
    Fail,
}

/// A provider written against `aws-credential-types` only: counts its fetches, numbers the
/// credentials it gives (`AKID1`, `AKID2`, ...), and waits `delay` before answering.
#[derive(Debug)]
struct Scripted {
    clock: TestClock,
    fetches: AtomicUsize,
    next: Mutex<Next>,
    delay: Duration,
}

impl Scripted {
    fn new(clock: &TestClock, next: Next) -> Arc<Self> {
        Arc::new(Self {
            clock: clock.clone(),
            fetches: AtomicUsize::new(0),
            next: Mutex::new(next),
            delay: Duration::ZERO,
        })
    }

    fn set(&self, next: Next) {
        *self.next.lock().unwrap() = next;
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    async fn fetch(&self) -> provider::Result {
        if !self.delay.is_zero() {
            tokio::time::sleep(self.delay).await;
        }
        let n = self.fetches.fetch_add(1, Ordering::SeqCst) + 1;
        let now = self.clock.now();
        let next = *self.next.lock().unwrap();
        let expiry = match next {
            Next::Fail => {
                return Err(CredentialsError::provider_error(format!(
                    "scripted failure {n}"
                )))
            }
            Next::Valid(lifetime) => lifetime.map(|lifetime| now + lifetime),
            Next::Expired => Some(now - MINUTE),
        };
        Ok(Credentials::new(
            format!("AKID{n}"),
            format!("SECRET{n}"),
            Some(format!("TOKEN{n}")),
            expiry,
            "Scripted",
        ))
    }
}

/// `Arc<Scripted>` as a provider, so the test keeps a handle on the counts.
#[derive(Debug, Clone)]
struct Shared(Arc<Scripted>);

impl ProvideCredentials for Shared {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.0.fetch())
    }
}

fn cache(clock: &TestClock, provider: &Arc<Scripted>) -> CredentialsCache {
    CredentialsCache::new(Shared(provider.clone())).clock(clock.clone())
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

async fn key(cache: &CredentialsCache) -> Result<String, String> {
    cache
        .provide_credentials()
        .await
        .map(|c| c.access_key_id().to_owned())
        .map_err(|e| describe(&e))
}

#[test]
fn refreshes_five_minutes_before_expiry_and_not_before() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Valid(Some(HOUR)));
        let cache = cache(&clock, &provider);

        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        clock.advance(54 * MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        assert_eq!(provider.fetches(), 1);
        // Inside the 5-minute window: fetched again, though still valid.
        clock.advance(2 * MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID2");
        assert_eq!(provider.fetches(), 2);
        assert_eq!(key(&cache).await.unwrap(), "AKID2");
        assert_eq!(provider.fetches(), 2);
    });
}

#[test]
fn credentials_without_expiry_are_read_again_after_the_default_lifetime() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Valid(None));
        let cache = cache(&clock, &provider);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        clock.advance(14 * MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        clock.advance(2 * MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID2");
    });
}

#[test]
fn fifty_concurrent_calls_wait_for_one_fetch() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Arc::new(Scripted {
            clock: clock.clone(),
            fetches: AtomicUsize::new(0),
            next: Mutex::new(Next::Valid(Some(HOUR))),
            // Long enough that every call arrives while the first fetch is under way.
            delay: Duration::from_millis(300),
        });
        let cache = Arc::new(cache(&clock, &provider));

        let calls = |cache: Arc<CredentialsCache>| async move {
            let tasks: Vec<_> = (0..50)
                .map(|_| {
                    let cache = cache.clone();
                    tokio::spawn(async move { key(&cache).await })
                })
                .collect();
            let mut keys = Vec::new();
            for task in tasks {
                keys.push(task.await.unwrap().unwrap());
            }
            keys
        };

        let keys = calls(cache.clone()).await;
        assert!(keys.iter().all(|k| k == "AKID1"), "{keys:?}");
        assert_eq!(provider.fetches(), 1);

        // A refresh (inside the window) is one fetch too.
        clock.advance(56 * MINUTE);
        let keys = calls(cache.clone()).await;
        assert!(keys.iter().all(|k| k == "AKID2"), "{keys:?}");
        assert_eq!(provider.fetches(), 2);
    });
}

#[test]
fn a_failed_refresh_keeps_valid_credentials_and_never_uses_expired_ones() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Valid(Some(HOUR)));
        let cache = cache(&clock, &provider);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");

        // The source breaks; the cached credentials are still valid for 4 minutes.
        provider.set(Next::Fail);
        clock.advance(56 * MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        assert_eq!(provider.fetches(), 2);
        // The failed refresh is not repeated on every call...
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        assert_eq!(provider.fetches(), 2);
        // ...but is tried again after a short pause.
        clock.advance(MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        assert_eq!(provider.fetches(), 3);

        // Past their expiry the old credentials are never used: the error is the source's.
        clock.advance(4 * MINUTE);
        let err = key(&cache).await.unwrap_err();
        assert!(err.contains("scripted failure 4"), "{err}");
        let err = key(&cache).await.unwrap_err();
        assert!(err.contains("scripted failure 5"), "{err}");

        // The source recovers.
        provider.set(Next::Valid(Some(HOUR)));
        assert_eq!(key(&cache).await.unwrap(), "AKID6");
    });
}

#[test]
fn credentials_that_arrive_expired_are_an_error() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Expired);
        let cache = cache(&clock, &provider);
        let err = key(&cache).await.unwrap_err();
        assert!(err.contains("already expired"), "{err}");
        assert!(!err.contains("SECRET1") && !err.contains("TOKEN1"), "{err}");
        // Nothing was cached: the next call asks again.
        provider.set(Next::Valid(Some(HOUR)));
        assert_eq!(key(&cache).await.unwrap(), "AKID2");
    });
}

#[test]
fn credentials_that_live_less_than_the_window_are_used_and_refreshed_halfway() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Valid(Some(2 * MINUTE)));
        let cache = cache(&clock, &provider);
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        assert_eq!(key(&cache).await.unwrap(), "AKID1");
        clock.advance(MINUTE);
        assert_eq!(key(&cache).await.unwrap(), "AKID2");
    });
}

/// A provider that never answers.
#[derive(Debug)]
struct Hangs;

impl ProvideCredentials for Hangs {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(std::future::pending())
    }
}

#[test]
fn a_fetch_that_never_ends_times_out() {
    runtime().block_on(async {
        let cache = CredentialsCache::new(Hangs).load_timeout(Duration::from_millis(50));
        let err = key(&cache).await.unwrap_err();
        assert!(err.contains("timed out"), "{err}");
    });
}

static SERVICE: ServiceSpec = ServiceSpec {
    service_name: "sfn",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "AWSStepFunctions",
    env_name: "SFN",
    endpoint_rules: None,
    user_agent: "credentials-cache-test/0.1",
    query_compatible: false,
};

static OPERATION: OperationSpec = OperationSpec {
    name: "ListActivities",
    idempotent: true,
    auth: &[smithy_rust_runtime::auth::AuthScheme::SigV4 {
        signing_name: "states",
    }],
    optional_auth: false,
};

/// A provider from the ecosystem (here: written against `aws-credential-types` alone) plugs into
/// a `Config`; the requests are signed with what it gives, and it is asked once for many calls.
#[test]
fn an_aws_credential_types_provider_signs_requests_through_a_config_and_is_cached() {
    runtime().block_on(async {
        let clock = TestClock::at(SystemTime::now());
        let provider = Scripted::new(&clock, Next::Valid(Some(HOUR)));
        let server = ScriptedServer::start(vec![
            Reply::respond(200, "{}"),
            Reply::respond(200, "{}"),
            Reply::respond(200, "{}"),
        ])
        .await;
        let config = Config::builder()
            .region("us-east-1")
            .endpoint_url(server.url())
            .credentials_provider(Shared(provider.clone()))
            .retry_config(RetryConfig::disabled())
            .build();
        let runtime = Runtime::new(&config, &SERVICE);
        for _ in 0..3 {
            runtime
                .invoke(&OPERATION, b"{}".to_vec(), None)
                .await
                .expect("call");
        }
        assert_eq!(provider.fetches(), 1);
        for request in server.requests() {
            let authorization = request.header("authorization").unwrap();
            assert!(
                authorization.contains("Credential=AKID1/"),
                "{authorization}"
            );
            assert_eq!(request.header("x-amz-security-token"), Some("TOKEN1"));
        }
        let debug = format!("{config:?} {runtime:?}");
        assert!(
            !debug.contains("SECRET1") && !debug.contains("TOKEN1"),
            "{debug}"
        );
        server.stop().await;
    });
}
