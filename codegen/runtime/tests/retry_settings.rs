//! Retry settings from the environment, the shared config file and one call's overrides, each
//! counted in attempts by a scripted server; invalid settings; per-call timeouts; the adaptive
//! mode's rate limiter. Calls go through `Runtime` as generated code makes them.
//!
//! Nothing here depends on the machine's speed: attempts are counted, timeouts are tested on
//! answers that never come, and retried failures are closed connections or error answers.

#[path = "support/scripted_server.rs"]
mod scripted_server;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use scripted_server::{Reply, ScriptedServer};
use smithy_rust_runtime::config::{CallOverrides, Config, ConfigBuilder, DEFAULT_ATTEMPT_TIMEOUT};
use smithy_rust_runtime::credentials::Credentials;
use smithy_rust_runtime::error::{RequestError, RequestErrorKind};
use smithy_rust_runtime::orchestrator::{Answer, Failure, OperationSpec, Runtime, ServiceSpec};
use smithy_rust_runtime::retry::{RetryConfig, RetryMode};

static SERVICE: ServiceSpec = ServiceSpec {
    service_name: "sfn",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "AWSStepFunctions",
    env_name: "SFN",
    endpoint_rules: None,
    user_agent: "retry-settings-test/0.1",
    query_compatible: false,
};

/// An operation the model marks `@readonly`: every retryable failure is retried.
static DESCRIBE: OperationSpec = OperationSpec {
    name: "DescribeExecution",
    idempotent: true,
    auth: &[smithy_rust_runtime::auth::AuthScheme::SigV4 {
        signing_name: "states",
    }],
    optional_auth: false,
};

/// An operation that is not idempotent: retried only when provably not carried out.
static SEND: OperationSpec = OperationSpec {
    name: "SendTaskFailure",
    idempotent: false,
    auth: &[smithy_rust_runtime::auth::AuthScheme::SigV4 {
        signing_name: "states",
    }],
    optional_auth: false,
};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A folder with a shared `config` file, removed on drop.
struct Files(PathBuf);

impl Files {
    fn with_config(text: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "runtime-retry-settings-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config"), text).unwrap();
        Self(dir)
    }

    fn config_file(&self) -> String {
        self.0.join("config").display().to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An environment of exactly these variables (no shared files unless a variable names one).
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let mut map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (name, default) in [
        ("AWS_CONFIG_FILE", "/nonexistent/config"),
        ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials"),
        ("HOME", "/nonexistent"),
    ] {
        map.entry(name.to_owned())
            .or_insert_with(|| default.to_owned());
    }
    move |name| map.get(name).cloned()
}

/// The configuration `from_env_with` reads from `vars`.
fn from_env(vars: &[(&str, &str)]) -> Config {
    ConfigBuilder::from_env_with(env(vars)).build()
}

/// `config` pointed at `server`, with test credentials, and (so that retries do not sleep for
/// seconds) its own retry settings with millisecond backoff.
fn against(config: &Config, server: &ScriptedServer) -> Runtime {
    let retry = config
        .retry()
        .clone()
        .with_initial_backoff(Duration::from_millis(1))
        .with_max_backoff(Duration::from_millis(5));
    let config = config
        .to_builder()
        .retry_config(retry)
        .region("us-east-1")
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .build();
    Runtime::new(&config, &SERVICE)
}

fn unavailable() -> Reply {
    Reply::respond(503, "{}")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-errortype", "ServiceUnavailable")
}

fn throttled() -> Reply {
    Reply::respond(400, "{}")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amzn-errortype", "ThrottlingException")
}

fn ok() -> Reply {
    Reply::respond(200, "{}").header("content-type", "application/x-amz-json-1.0")
}

/// A server that answers every request with a 503, up to 20.
async fn always_unavailable() -> ScriptedServer {
    ScriptedServer::start(vec![unavailable(); 20]).await
}

/// The attempts a failed call made, by its error.
fn attempts(result: Result<Answer, Failure>) -> u32 {
    match result {
        Ok(answer) => panic!("expected a failure, got {answer:?}"),
        Err(Failure::Service(error)) => error.attempts,
        Err(Failure::Request(error)) => error.attempts(),
    }
}

fn request_error(result: Result<Answer, Failure>, kind: RequestErrorKind) -> RequestError {
    match result {
        Err(Failure::Request(error)) if error.kind() == kind => error,
        other => panic!("expected a {kind:?} failure, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// From the environment and the profile

#[tokio::test]
async fn aws_max_attempts_sets_the_attempts_the_server_sees() {
    for (value, expected) in [("5", 5), (" 2 ", 2), ("1", 1)] {
        let config = from_env(&[("AWS_MAX_ATTEMPTS", value)]);
        assert_eq!(config.retry().max_attempts(), expected, "{value:?}");
        assert_eq!(config.invalid_settings(), None);
        let server = always_unavailable().await;
        let result = against(&config, &server)
            .invoke(&DESCRIBE, b"{}".to_vec(), None)
            .await;
        assert_eq!(attempts(result), expected, "AWS_MAX_ATTEMPTS={value:?}");
        assert_eq!(server.requests().len(), expected as usize, "{value:?}");
        let last = server.requests().pop().unwrap();
        assert_eq!(
            last.header("amz-sdk-request"),
            Some(format!("attempt={expected}; max={expected}").as_str())
        );
        server.stop().await;
    }
    // Unset or empty: the standard 3.
    for vars in [&[][..], &[("AWS_MAX_ATTEMPTS", "")][..]] {
        let server = always_unavailable().await;
        let result = against(&from_env(vars), &server)
            .invoke(&DESCRIBE, b"{}".to_vec(), None)
            .await;
        assert_eq!(attempts(result), 3, "{vars:?}");
        assert_eq!(server.requests().len(), 3);
        server.stop().await;
    }
}

#[tokio::test]
async fn the_profile_sets_attempts_and_mode_and_each_variable_wins_over_its_key() {
    let files = Files::with_config(
        "[default]\nmax_attempts = 4\nretry_mode = adaptive\n\
         [profile work]\nmax_attempts = 2\n",
    );
    let file = files.config_file();

    let config = from_env(&[("AWS_CONFIG_FILE", &file)]);
    assert_eq!(config.retry().max_attempts(), 4);
    assert_eq!(config.retry().mode(), RetryMode::Adaptive);
    let server = always_unavailable().await;
    let result = against(&config, &server)
        .invoke(&DESCRIBE, b"{}".to_vec(), None)
        .await;
    assert_eq!(attempts(result), 4);
    assert_eq!(server.requests().len(), 4);
    server.stop().await;

    // `AWS_PROFILE` picks the profile; what it does not set stays standard.
    let config = from_env(&[("AWS_CONFIG_FILE", &file), ("AWS_PROFILE", "work")]);
    assert_eq!(config.retry().max_attempts(), 2);
    assert_eq!(config.retry().mode(), RetryMode::Standard);
    let server = always_unavailable().await;
    let result = against(&config, &server)
        .invoke(&DESCRIBE, b"{}".to_vec(), None)
        .await;
    assert_eq!(attempts(result), 2);
    assert_eq!(server.requests().len(), 2);
    server.stop().await;

    // Each variable beats its own key only.
    let config = from_env(&[
        ("AWS_CONFIG_FILE", &file),
        ("AWS_MAX_ATTEMPTS", "6"),
        ("AWS_RETRY_MODE", "standard"),
    ]);
    assert_eq!(config.retry().max_attempts(), 6);
    assert_eq!(config.retry().mode(), RetryMode::Standard);
    let config = from_env(&[("AWS_CONFIG_FILE", &file), ("AWS_RETRY_MODE", "standard")]);
    assert_eq!(config.retry().max_attempts(), 4);
    let server = always_unavailable().await;
    let result = against(&config, &server)
        .invoke(&DESCRIBE, b"{}".to_vec(), None)
        .await;
    assert_eq!(attempts(result), 4);
    server.stop().await;
}

#[test]
fn retry_modes_are_read_in_any_case_and_legacy_is_standard() {
    for (value, mode) in [
        ("standard", RetryMode::Standard),
        ("ADAPTIVE", RetryMode::Adaptive),
        (" Adaptive ", RetryMode::Adaptive),
        ("legacy", RetryMode::Standard),
    ] {
        let config = from_env(&[("AWS_RETRY_MODE", value)]);
        assert_eq!(config.retry().mode(), mode, "{value:?}");
        assert_eq!(config.invalid_settings(), None, "{value:?}");
        assert_eq!(config.retry().max_attempts(), 3);
    }
    assert_eq!(RetryConfig::adaptive().mode(), RetryMode::Adaptive);
    assert_eq!(RetryConfig::default().mode(), RetryMode::Standard);
    assert_eq!("adaptive".parse::<RetryMode>(), Ok(RetryMode::Adaptive));
    assert_eq!(RetryMode::Adaptive.to_string(), "adaptive");
}

#[tokio::test]
async fn invalid_settings_fail_every_call_naming_setting_and_value_and_send_nothing() {
    let files = Files::with_config("[default]\nretry_mode = turbo\nmax_attempts = many\n");
    let file = files.config_file();
    // The environment, and words the message must hold.
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            vec![("AWS_MAX_ATTEMPTS", "0")],
            vec!["invalid AWS_MAX_ATTEMPTS: `0` is not a whole number of attempts from 1 up"],
        ),
        (vec![("AWS_MAX_ATTEMPTS", "-2")], vec!["`-2`"]),
        (vec![("AWS_MAX_ATTEMPTS", "2.5")], vec!["`2.5`"]),
        (vec![("AWS_MAX_ATTEMPTS", "three")], vec!["`three`"]),
        (
            vec![("AWS_RETRY_MODE", "fast")],
            vec!["invalid AWS_RETRY_MODE: `fast` is not `standard` or `adaptive`"],
        ),
        (
            vec![("AWS_CONFIG_FILE", &file)],
            vec![
                "invalid `max_attempts` of profile `default`: `many`",
                "invalid `retry_mode` of profile `default`: `turbo`",
            ],
        ),
    ];
    for (vars, expected) in cases {
        let config = from_env(&vars);
        let why = config
            .invalid_settings()
            .unwrap_or_else(|| panic!("{vars:?} accepted"));
        for words in &expected {
            assert!(why.contains(words), "{vars:?}: no `{words}` in: {why}");
        }
        assert!(why.contains("retry_config"), "{why}");
        // Every call fails with it, as a configuration error, before sending anything.
        let server = ScriptedServer::start(vec![ok()]).await;
        let config = config
            .to_builder()
            .region("us-east-1")
            .endpoint_url(server.url())
            .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
            .build();
        let runtime = Runtime::new(&config, &SERVICE);
        for _ in 0..2 {
            let error = request_error(
                runtime.invoke(&DESCRIBE, b"{}".to_vec(), None).await,
                RequestErrorKind::Config,
            );
            assert_eq!(error.message(), why);
        }
        assert!(server.requests().is_empty(), "{vars:?}");

        // Setting the retries explicitly replaces what the environment said.
        let fixed = config
            .to_builder()
            .retry_config(RetryConfig::disabled())
            .build();
        assert_eq!(fixed.invalid_settings(), None);
        Runtime::new(&fixed, &SERVICE)
            .invoke(&DESCRIBE, b"{}".to_vec(), None)
            .await
            .expect("the explicit settings are used");
        server.stop().await;
    }
    // The variable wins over the profile's invalid key; the other key is still reported.
    let config = from_env(&[("AWS_CONFIG_FILE", &file), ("AWS_MAX_ATTEMPTS", "2")]);
    let why = config.invalid_settings().unwrap();
    assert!(!why.contains("max_attempts"), "{why}");
    assert!(why.contains("`turbo`"), "{why}");
}

// ---------------------------------------------------------------------------------------------
// Per call

#[tokio::test]
async fn per_call_max_attempts_overrides_the_configuration() {
    let config = from_env(&[("AWS_MAX_ATTEMPTS", "3")]);
    for (overrides, expected) in [
        (CallOverrides::new(), 3),
        (CallOverrides::new().max_attempts(5), 5),
        (CallOverrides::new().max_attempts(1), 1),
        (CallOverrides::new().max_attempts(0), 1),
    ] {
        let server = always_unavailable().await;
        let runtime = against(&config, &server);
        let result = runtime
            .invoke_with_overrides(&DESCRIBE, b"{}".to_vec(), None, &overrides)
            .await;
        assert_eq!(attempts(result), expected, "{overrides:?}");
        assert_eq!(server.requests().len(), expected as usize, "{overrides:?}");
        // The next call without overrides is back to the configuration's attempts.
        let before = server.requests().len();
        let result = runtime.invoke(&DESCRIBE, b"{}".to_vec(), None).await;
        assert_eq!(attempts(result), 3);
        assert_eq!(server.requests().len() - before, 3);
        server.stop().await;
    }
}

#[tokio::test]
async fn retry_as_idempotent_retries_a_lost_connection_of_a_non_idempotent_call() {
    // A connection that breaks after the request was sent: the service may have acted.
    let script = || vec![Reply::CloseMidBody, ok()];
    let config = from_env(&[]);

    let server = ScriptedServer::start(script()).await;
    let result = against(&config, &server)
        .invoke(&SEND, b"{}".to_vec(), None)
        .await;
    assert_eq!(attempts(result), 1);
    assert_eq!(server.requests().len(), 1, "not repeated by default");
    server.stop().await;

    let server = ScriptedServer::start(script()).await;
    let overrides = CallOverrides::new().retry_as_idempotent(true);
    against(&config, &server)
        .invoke_with_overrides(&SEND, b"{}".to_vec(), None, &overrides)
        .await
        .expect("the second attempt succeeds");
    assert_eq!(server.requests().len(), 2);
    server.stop().await;

    // And the other way: an idempotent operation treated as not idempotent for one call.
    let server = ScriptedServer::start(script()).await;
    let overrides = CallOverrides::new().retry_as_idempotent(false);
    let result = against(&config, &server)
        .invoke_with_overrides(&DESCRIBE, b"{}".to_vec(), None, &overrides)
        .await;
    assert_eq!(attempts(result), 1);
    assert_eq!(server.requests().len(), 1);
    server.stop().await;

    // Failures the service provably did not act on are retried either way.
    let server = ScriptedServer::start(vec![throttled(), ok()]).await;
    against(&config, &server)
        .invoke(&SEND, b"{}".to_vec(), None)
        .await
        .expect("a throttled call is retried");
    assert_eq!(server.requests().len(), 2);
    server.stop().await;
}

#[tokio::test]
async fn per_call_timeouts_override_the_configuration() {
    let config = Config::builder()
        .attempt_timeout(Duration::from_secs(3600))
        .build();
    assert_eq!(config.attempt_timeout(), Some(Duration::from_secs(3600)));

    // An attempt timeout for this call: a server that never answers is given up on, and the
    // call, not idempotent, is not repeated.
    let server = ScriptedServer::start(vec![Reply::Stall, ok()]).await;
    let overrides = CallOverrides::new().attempt_timeout(Duration::from_millis(200));
    let error = request_error(
        against(&config, &server)
            .invoke_with_overrides(&SEND, b"{}".to_vec(), None, &overrides)
            .await,
        RequestErrorKind::Timeout,
    );
    assert!(error.message().contains("within 200ms"), "{error}");
    assert_eq!(server.requests().len(), 1);
    server.stop().await;

    // A total timeout for this call, over a configuration without one.
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let overrides = CallOverrides::new().total_timeout(Duration::from_millis(200));
    let error = request_error(
        against(&config, &server)
            .invoke_with_overrides(&DESCRIBE, b"{}".to_vec(), None, &overrides)
            .await,
        RequestErrorKind::Timeout,
    );
    assert!(
        error.message().contains("total timeout of 200ms"),
        "{error}"
    );
    server.stop().await;

    // No attempt timeout for this call (a long poll) over a configuration with a short one:
    // the total timeout, not the attempt's, ends it.
    let short = config
        .to_builder()
        .attempt_timeout(Duration::from_millis(50))
        .build();
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let overrides = CallOverrides::new()
        .attempt_timeout(None)
        .total_timeout(Duration::from_millis(300));
    let error = request_error(
        against(&short, &server)
            .invoke_with_overrides(&DESCRIBE, b"{}".to_vec(), None, &overrides)
            .await,
        RequestErrorKind::Timeout,
    );
    assert!(
        error.message().contains("total timeout of 300ms"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 1);
    server.stop().await;
}

#[test]
fn default_timeouts_leave_room_for_long_polls() {
    let config = Config::builder().build();
    // Longer than the longest long poll of an AWS JSON service (60 s: SFN GetActivityTask,
    // SWF PollForActivityTask) plus the 5 s AWS asks clients to add; SQS's is 20 s.
    assert_eq!(config.attempt_timeout(), Some(DEFAULT_ATTEMPT_TIMEOUT));
    assert!(DEFAULT_ATTEMPT_TIMEOUT >= Duration::from_secs(65));
    assert_eq!(config.total_timeout(), None);
    let none = config.to_builder().attempt_timeout(None).build();
    assert_eq!(none.attempt_timeout(), None);
    assert!(CallOverrides::new().is_empty());
    assert!(!CallOverrides::new().max_attempts(2).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Adaptive mode

/// Collects the messages of `debug` events.
#[derive(Clone, Default)]
struct Messages(Arc<Mutex<Vec<String>>>);

struct Message<'a>(&'a mut String);

impl tracing::field::Visit for Message<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0.push_str(&format!("{value:?}"));
        }
    }
}

impl tracing::Subscriber for Messages {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut text = String::new();
        event.record(&mut Message(&mut text));
        self.0.lock().unwrap().push(text);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// In the adaptive mode (from `AWS_RETRY_MODE`) a throttling answer turns the client's rate
/// limiter on: the retry waits for its token before it is sent. In the standard mode the same
/// script sends the retry after the backoff alone.
#[tokio::test]
async fn adaptive_mode_waits_for_the_rate_limiter_after_a_throttle() {
    for (mode, waits) in [("adaptive", true), ("standard", false)] {
        let config = from_env(&[("AWS_RETRY_MODE", mode), ("AWS_MAX_ATTEMPTS", "2")]);
        let server = ScriptedServer::start(vec![throttled(), ok()]).await;
        let runtime = against(&config, &server);
        let messages = Messages::default();
        let guard = tracing::subscriber::set_default(messages.clone());
        runtime
            .invoke(&SEND, b"{}".to_vec(), None)
            .await
            .expect("the retry succeeds");
        drop(guard);
        assert_eq!(server.requests().len(), 2, "{mode}");
        let messages = messages.0.lock().unwrap().clone();
        let limited = messages
            .iter()
            .filter(|m| m.contains("client-side rate limit"))
            .count();
        assert_eq!(limited, usize::from(waits), "{mode}: {messages:#?}");
        server.stop().await;
    }
}
