//! The credentials sources that speak HTTP to a local agent, against scripted servers on
//! 127.0.0.1 (`support/scripted_server.rs`): the container endpoint (ECS, EKS Pod Identity) and
//! EC2 instance metadata (IMDSv2), the region from instance metadata, and the signed request
//! that their credentials make.
//!
//! Environment lookups are closures over maps without `HOME`, so no test reads the process
//! environment or `~/.aws`. Tests that are not about instance metadata turn it off.

use smithy_rust_runtime::config::{Config, ConfigBuilder};
use smithy_rust_runtime::credentials::{
    self, region_from_imds, ContainerCredentials, Credentials, CredentialsError,
    DefaultCredentialsChain, ImdsCredentials, ProvideCredentials,
};
use smithy_rust_runtime::orchestrator::{OperationSpec, Runtime, ServiceSpec};

use scripted_server::{Recorded, Reply, ScriptedServer};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/scripted_server.rs"]
mod scripted_server;

/// How long any provider may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

const AKID: &str = "ASIAHTTPSOURCE";
/// Canaries: none may appear in a `Debug` or `Display` output or an error.
const SECRET: &str = "SECRET-CANARY-wJalrXUtnFEMI";
const SESSION: &str = "SESSION-CANARY-IQoJb3JpZ2luX2Vj";
const IMDS_TOKEN: &str = "IMDS-TOKEN-CANARY-1";
const IMDS_TOKEN_2: &str = "IMDS-TOKEN-CANARY-2";
const AUTH_TOKEN: &str = "AUTH-CANARY-container";
const CANARIES: [&str; 5] = [SECRET, SESSION, IMDS_TOKEN, IMDS_TOKEN_2, AUTH_TOKEN];

const ROLE_PATH: &str = "/latest/meta-data/iam/security-credentials/";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A lookup over `vars` (no `HOME`: no shared files).
fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync + Clone + 'static {
    let map: Arc<HashMap<String, String>> = Arc::new(
        vars.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    );
    move |key| map.get(key).cloned()
}

/// Asserts that `text` holds none of the canaries.
fn assert_no_secrets(text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "a secret leaked: {text}");
    }
}

/// The provider's answer, in time; an error as a caller sees it (checked for secrets, in
/// both its `Display` and `Debug` forms).
async fn provide(provider: &dyn ProvideCredentials) -> Result<Credentials, CredentialsError> {
    let result = tokio::time::timeout(PATIENCE, provider.provide_credentials())
        .await
        .expect("the provider answered in time");
    match &result {
        Ok(credentials) => assert_no_secrets(&format!("{credentials:?}")),
        Err(error) => {
            assert_no_secrets(&credentials::describe(error));
            assert_no_secrets(&format!("{error} {error:?}"));
        }
    }
    assert_no_secrets(&format!("{provider:?}"));
    result
}

async fn provide_error(provider: &dyn ProvideCredentials) -> (CredentialsError, String) {
    let error = provide(provider).await.expect_err("an error");
    let text = credentials::describe(&error);
    (error, text)
}

fn is_not_configured(error: &CredentialsError) -> bool {
    matches!(error, CredentialsError::CredentialsNotLoaded(_))
}

fn is_failed(error: &CredentialsError) -> bool {
    matches!(error, CredentialsError::ProviderError(_))
}

/// A credentials answer; `extra` JSON members are added (`"Code":"Success",` for instance).
fn answer(extra: &str, expiration: &str) -> Reply {
    Reply::respond(
        200,
        format!(
            r#"{{{extra}"AccessKeyId":"{AKID}","SecretAccessKey":"{SECRET}","Token":"{SESSION}","Expiration":"{expiration}"}}"#
        ),
    )
}

const LATER: &str = "2999-01-01T00:00:00Z";

fn imds_answer() -> Reply {
    answer(
        r#""Code":"Success","LastUpdated":"2024-01-01T00:00:00Z","Type":"AWS-HMAC","#,
        LATER,
    )
}

fn token(value: &str) -> Reply {
    Reply::respond(200, value).header("x-aws-ec2-metadata-token-ttl-seconds", "21600")
}

/// An IMDS whose script is a token, the role `my-role`, then `rest`.
async fn imds_server(rest: Vec<Reply>) -> ScriptedServer {
    let mut script = vec![token(IMDS_TOKEN), Reply::respond(200, "my-role\n")];
    script.extend(rest);
    ScriptedServer::start(script).await
}

fn imds_at(server: &ScriptedServer) -> ImdsCredentials {
    ImdsCredentials::with_env(env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())]))
}

fn assert_credentials(credentials: &Credentials) {
    assert_eq!(credentials.access_key_id(), AKID);
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(SESSION));
    assert!(credentials.expiry().is_some());
}

fn request_line(request: &Recorded) -> String {
    format!("{} {}", request.method, request.path)
}

/// A port on 127.0.0.1 that nothing listens on.
async fn closed_port() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// A temporary file, removed on drop.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(contents: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "runtime-credentials-http-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, contents).unwrap();
        Self(path)
    }

    fn path(&self) -> String {
        self.0.display().to_string()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

// ---------------------------------------------------------------------------------------------
// Instance metadata

#[tokio::test]
async fn imds_token_dance_then_the_token_and_role_are_kept() {
    let server = imds_server(vec![imds_answer(), imds_answer()]).await;
    let provider = imds_at(&server);
    assert_credentials(&provide(&provider).await.unwrap());

    let requests = server.requests();
    let lines: Vec<String> = requests.iter().map(request_line).collect();
    assert_eq!(
        lines,
        [
            "PUT /latest/api/token",
            &format!("GET {ROLE_PATH}"),
            &format!("GET {ROLE_PATH}my-role"),
        ]
    );
    assert_eq!(
        requests[0].header("x-aws-ec2-metadata-token-ttl-seconds"),
        Some("21600")
    );
    assert_eq!(requests[0].header("x-aws-ec2-metadata-token"), None);
    for get in &requests[1..] {
        assert_eq!(get.header("x-aws-ec2-metadata-token"), Some(IMDS_TOKEN));
    }

    // A clone shares the session: no new token, no new role name.
    let clone = provider.clone();
    assert_credentials(&provide(&clone).await.unwrap());
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert_eq!(
        request_line(&requests[3]),
        format!("GET {ROLE_PATH}my-role")
    );
    assert_eq!(
        requests[3].header("x-aws-ec2-metadata-token"),
        Some(IMDS_TOKEN)
    );
}

#[tokio::test]
async fn imds_a_401_on_a_stale_token_gets_a_new_token_once() {
    let server = imds_server(vec![
        imds_answer(),
        Reply::respond(401, ""),
        token(IMDS_TOKEN_2),
        imds_answer(),
    ])
    .await;
    let provider = imds_at(&server);
    assert_credentials(&provide(&provider).await.unwrap());
    assert_credentials(&provide(&provider).await.unwrap());
    let requests = server.requests();
    let lines: Vec<String> = requests[3..].iter().map(request_line).collect();
    assert_eq!(
        lines,
        [
            &format!("GET {ROLE_PATH}my-role"),
            "PUT /latest/api/token",
            &format!("GET {ROLE_PATH}my-role"),
        ]
    );
    assert_eq!(
        requests[3].header("x-aws-ec2-metadata-token"),
        Some(IMDS_TOKEN)
    );
    assert_eq!(
        requests[5].header("x-aws-ec2-metadata-token"),
        Some(IMDS_TOKEN_2)
    );

    // A 401 even with a new token is an error, not a loop.
    let server = imds_server(vec![
        Reply::respond(401, ""),
        token(IMDS_TOKEN_2),
        Reply::respond(401, ""),
    ])
    .await;
    let (error, text) = provide_error(&imds_at(&server)).await;
    assert!(is_failed(&error), "{text}");
    assert!(
        text.contains("answered 401 to the credentials request even with a new session token"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 5);
}

#[tokio::test]
async fn imds_a_token_lifetime_out_of_range_is_capped_or_ignored() {
    for ttl in ["18446744073709551615", "-5", "soon", "0"] {
        let server = ScriptedServer::start(vec![
            Reply::respond(200, IMDS_TOKEN).header("x-aws-ec2-metadata-token-ttl-seconds", ttl),
            Reply::respond(200, "my-role"),
            imds_answer(),
        ])
        .await;
        assert_credentials(&provide(&imds_at(&server)).await.unwrap());
    }
}

#[tokio::test]
async fn imds_a_role_that_changed_is_read_again() {
    let server = imds_server(vec![
        imds_answer(),
        Reply::respond(404, ""),
        Reply::respond(200, "new-role"),
        imds_answer(),
    ])
    .await;
    let provider = imds_at(&server);
    assert_credentials(&provide(&provider).await.unwrap());
    assert_credentials(&provide(&provider).await.unwrap());
    let lines: Vec<String> = server.requests()[3..].iter().map(request_line).collect();
    assert_eq!(
        lines,
        [
            format!("GET {ROLE_PATH}my-role"),
            format!("GET {ROLE_PATH}"),
            format!("GET {ROLE_PATH}new-role"),
        ]
    );
}

#[tokio::test]
async fn imds_retries_a_5xx_once() {
    let server = ScriptedServer::start(vec![
        Reply::respond(503, ""),
        token(IMDS_TOKEN),
        Reply::respond(200, "my-role"),
        imds_answer(),
    ])
    .await;
    assert_credentials(&provide(&imds_at(&server)).await.unwrap());

    let server = ScriptedServer::start(vec![
        token(IMDS_TOKEN),
        Reply::respond(500, "<html>oops</html>"),
        Reply::respond(500, "<html>oops</html>"),
    ])
    .await;
    let (error, text) = provide_error(&imds_at(&server)).await;
    assert!(is_failed(&error), "{text}");
    assert!(
        text.contains("answered 500 to the role name request: <html>oops</html>"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn imds_disabled_sends_nothing() {
    let server = ScriptedServer::start(vec![]).await;
    for value in ["true", "TRUE"] {
        let provider = ImdsCredentials::with_env(env(&[
            ("AWS_EC2_METADATA_DISABLED", value),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url()),
        ]));
        let (error, text) = provide_error(&provider).await;
        assert!(is_not_configured(&error));
        assert_eq!(text, "AWS_EC2_METADATA_DISABLED is true");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn imds_unreachable_fails_fast_and_the_chain_lists_it() {
    let url = format!("http://127.0.0.1:{}", closed_port().await);
    let vars = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", url.as_str())];
    let started = Instant::now();
    let (error, text) = provide_error(&ImdsCredentials::with_env(env(&vars))).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(is_not_configured(&error), "{text}");
    assert!(
        text.starts_with("no instance metadata service answered ("),
        "{text}"
    );
    assert!(text.contains(&url), "{text}");
    assert!(
        text.ends_with("; set AWS_EC2_METADATA_DISABLED=true to skip it"),
        "{text}"
    );

    let chain = DefaultCredentialsChain::with_env(env(&vars));
    let (error, chained) = provide_error(&chain).await;
    assert!(is_not_configured(&error), "{chained}");
    assert!(
        chained.starts_with("no AWS credentials: tried environment ("),
        "{chained}"
    );
    assert!(
        chained.contains("container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set)"),
        "{chained}"
    );
    assert!(
        chained.ends_with(&format!("instance metadata ({text})")),
        "{chained}"
    );
}

#[tokio::test]
async fn imds_where_connections_go_nowhere_gives_up_after_the_connect_timeout() {
    // TEST-NET-1 (RFC 5737): never routed. Depending on the network the connection fails at
    // once or times out after 1 second; either way nothing is there.
    let provider = ImdsCredentials::with_env(env(&[(
        "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        "http://192.0.2.1",
    )]));
    let started = Instant::now();
    let (error, text) = provide_error(&provider).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(is_not_configured(&error), "{text}");
    assert!(text.contains("http://192.0.2.1"), "{text}");
}

#[tokio::test]
async fn imds_bad_answers_are_clear_errors() {
    let expired = answer(r#""Code":"Success","#, "2001-02-03T04:05:06Z");
    let cases: Vec<(Vec<Reply>, &str)> = vec![
        (vec![Reply::respond(200, "<html><body>login</body></html>")], "gave unusable credentials: the answer is HTML or XML, not JSON"),
        (
            vec![Reply::respond(200, format!(r#"{{"Code":"Success","AccessKeyId":"{AKID}","SecretAccessKey":"{SECRET}"#))],
            "the answer is cut short",
        ),
        (
            vec![Reply::respond(200, format!(r#"{{"Code":"Success","AccessKeyId":"{AKID}","SecretAccessKey":"{SECRET}","Expiration":"{LATER}"}}"#))],
            "the answer has no `Token`",
        ),
        (vec![expired], "the credentials it gave expired at 2001-02-03T04:05:06Z"),
        (
            vec![Reply::respond(200, r#"{"Code":"AssumeRoleUnauthorizedAccess","Message":"cannot assume the role"}"#)],
            "the answer's Code is not Success (AssumeRoleUnauthorizedAccess: cannot assume the role)",
        ),
        (vec![Reply::Huge(100_000_000)], "larger than the limit of 1048576 bytes"),
        (vec![Reply::HugeUndeclared(100_000_000)], "larger than the limit of 1048576 bytes"),
        (vec![Reply::respond(404, "")], "answered 404 to the credentials request"),
    ];
    for (rest, expected) in cases {
        let server = imds_server(rest).await;
        let (error, text) = provide_error(&imds_at(&server)).await;
        assert!(text.contains(expected), "expected `{expected}` in: {text}");
        assert!(text.contains(&server.url()), "{text}");
        assert!(is_failed(&error), "{text}");
    }

    // Before any credentials: an instance without a role, and token refusals.
    let no_role = ScriptedServer::start(vec![token(IMDS_TOKEN), Reply::respond(404, "")]).await;
    let (error, text) = provide_error(&imds_at(&no_role)).await;
    assert!(is_not_configured(&error), "{text}");
    assert!(
        text.contains("has no IAM role: no instance profile is attached"),
        "{text}"
    );

    let refusals = [
        (
            Reply::respond(403, ""),
            "answered 403 to the session token request: instance metadata is turned off",
        ),
        (
            Reply::respond(405, ""),
            "answered 405 to the session token request: it offers no IMDSv2 session tokens",
        ),
        (
            Reply::respond(400, "bad ttl"),
            "answered 400 to the session token request: bad ttl",
        ),
        (
            Reply::respond(200, ""),
            "gave a session token that is empty",
        ),
        (Reply::respond(200, "a\u{1}b"), "not a header value"),
    ];
    for (reply, expected) in refusals {
        let server = ScriptedServer::start(vec![reply]).await;
        let (error, text) = provide_error(&imds_at(&server)).await;
        assert!(is_failed(&error), "{text}");
        assert!(text.contains(expected), "expected `{expected}` in: {text}");
        assert_eq!(server.requests().len(), 1);
    }

    let server =
        ScriptedServer::start(vec![token(IMDS_TOKEN), Reply::respond(200, "../../etc")]).await;
    let (_, text) = provide_error(&imds_at(&server)).await;
    assert!(
        text.contains("gave a role name that is not an IAM role name"),
        "{text}"
    );
}

#[tokio::test]
async fn imds_a_token_request_without_an_answer_suggests_the_hop_limit() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let started = Instant::now();
    let (error, text) = provide_error(&imds_at(&server)).await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(is_failed(&error), "{text}");
    assert!(
        text.contains(
            "accepted a connection but did not answer the session token request within 2s"
        ),
        "{text}"
    );
    assert!(text.contains("--http-put-response-hop-limit 2"), "{text}");
}

#[tokio::test]
async fn region_from_imds_with_the_token_and_as_a_config_opt_in() {
    let server = ScriptedServer::start(vec![
        token(IMDS_TOKEN),
        Reply::respond(200, "eu-west-3"),
        token(IMDS_TOKEN),
        Reply::respond(200, "ap-south-2\n"),
    ])
    .await;
    let vars = [("AWS_EC2_METADATA_SERVICE_ENDPOINT", server.url())];
    let lookup = env(&[(vars[0].0, vars[0].1.as_str())]);
    assert_eq!(
        region_from_imds(&lookup).await.as_deref(),
        Some("eu-west-3")
    );
    let requests = server.requests();
    assert_eq!(
        request_line(&requests[1]),
        "GET /latest/meta-data/placement/region"
    );
    assert_eq!(
        requests[1].header("x-aws-ec2-metadata-token"),
        Some(IMDS_TOKEN)
    );

    let config = ConfigBuilder::from_env_with(lookup.clone())
        .load_region_from_imds()
        .await
        .build();
    assert_eq!(config.region(), Some("ap-south-2"));
    assert_eq!(server.requests().len(), 4);

    // A region already set, or instance metadata turned off: nothing is asked.
    let with_region = env(&[(vars[0].0, vars[0].1.as_str()), ("AWS_REGION", "us-west-2")]);
    let config = ConfigBuilder::from_env_with(with_region)
        .load_region_from_imds()
        .await
        .build();
    assert_eq!(config.region(), Some("us-west-2"));
    let config = Config::builder()
        .region("eu-north-1")
        .load_region_from_imds()
        .await
        .build();
    assert_eq!(config.region(), Some("eu-north-1"));
    let disabled = env(&[
        (vars[0].0, vars[0].1.as_str()),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]);
    assert_eq!(region_from_imds(&disabled).await, None);
    let config = ConfigBuilder::from_env_with(disabled)
        .load_region_from_imds()
        .await
        .build();
    assert_eq!(config.region(), None);
    assert_eq!(server.requests().len(), 4);

    // Errors and odd answers give no region.
    let server = ScriptedServer::start(vec![
        token(IMDS_TOKEN),
        Reply::respond(404, ""),
        token(IMDS_TOKEN),
        Reply::respond(200, "<html>"),
    ])
    .await;
    let lookup = env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &server.url())]);
    assert_eq!(region_from_imds(&lookup).await, None);
    assert_eq!(region_from_imds(&lookup).await, None);
    let closed = format!("http://127.0.0.1:{}", closed_port().await);
    let lookup = env(&[("AWS_EC2_METADATA_SERVICE_ENDPOINT", &closed)]);
    assert_eq!(region_from_imds(&lookup).await, None);
}

// ---------------------------------------------------------------------------------------------
// Container endpoint

/// A container provider for `url` (the full URI), instance metadata off, plus `vars`.
fn container(url: &str, vars: &[(&str, &str)]) -> ContainerCredentials {
    let mut all = vec![
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", url),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ];
    all.extend_from_slice(vars);
    ContainerCredentials::with_env(env(&all))
}

#[tokio::test]
async fn container_full_uri_with_a_token() {
    let server = ScriptedServer::start(vec![answer(r#""AccountId":"123456789012","#, LATER)]).await;
    let url = format!("{}/v1/credentials?x=1", server.url());
    let provider = container(&url, &[("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)]);
    let credentials = provide(&provider).await.unwrap();
    assert_credentials(&credentials);
    assert_eq!(
        credentials.account_id().map(|id| id.as_str()),
        Some("123456789012")
    );
    let requests = server.requests();
    assert_eq!(request_line(&requests[0]), "GET /v1/credentials?x=1");
    assert_eq!(requests[0].header("authorization"), Some(AUTH_TOKEN));

    // Without a token, no header.
    let server = ScriptedServer::start(vec![answer("", LATER)]).await;
    assert_credentials(&provide(&container(&server.url(), &[])).await.unwrap());
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[tokio::test]
async fn container_token_file_wins_and_is_read_on_every_fetch() {
    let server = ScriptedServer::start(vec![answer("", LATER), answer("", LATER)]).await;
    let file = TempFile::new(&format!("{AUTH_TOKEN}-1\n"));
    let path = file.path();
    let provider = container(
        &server.url(),
        &[
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &path),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-the-variable"),
        ],
    );
    assert_credentials(&provide(&provider).await.unwrap());
    // EKS rotates the file.
    std::fs::write(&file.0, format!("{AUTH_TOKEN}-2")).unwrap();
    assert_credentials(&provide(&provider).await.unwrap());
    let tokens: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        tokens,
        [format!("{AUTH_TOKEN}-1"), format!("{AUTH_TOKEN}-2")]
    );

    // A line break inside the token, a missing file: errors before any request.
    std::fs::write(&file.0, format!("{AUTH_TOKEN}\r\nX-Injected: 1")).unwrap();
    let (error, text) = provide_error(&provider).await;
    assert!(
        matches!(error, CredentialsError::InvalidConfiguration(_)),
        "{text}"
    );
    assert!(text.contains("contains a line break (CR or LF)"), "{text}");
    assert!(text.contains(&path), "{text}");
    let provider = container(
        &server.url(),
        &[(
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            &format!("{AUTH_TOKEN}\nX: 1"),
        )],
    );
    let (_, text) = provide_error(&provider).await;
    assert!(
        text.contains("AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break"),
        "{text}"
    );
    drop(file);
    let provider = container(
        &server.url(),
        &[("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &path)],
    );
    let (_, text) = provide_error(&provider).await;
    assert!(
        text.starts_with("cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"),
        "{text}"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn container_forbidden_hosts_are_refused_without_a_request() {
    for url in [
        "http://192.0.2.1/creds",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/role",
        "http://example.com/creds",
    ] {
        let started = Instant::now();
        let (error, text) = provide_error(&container(url, &[])).await;
        assert!(started.elapsed() < Duration::from_millis(500));
        assert!(
            matches!(error, CredentialsError::InvalidConfiguration(_)),
            "{text}"
        );
        assert!(
            text.contains("AWS_CONTAINER_CREDENTIALS_FULL_URI uses plain http to"),
            "{text}"
        );
        assert!(text.contains("use https for any other host"), "{text}");
        assert!(
            !text.contains("/creds") && !text.contains("/latest"),
            "{text}"
        );
    }
    // In the chain, a misconfigured container source stops it.
    let chain = DefaultCredentialsChain::with_env(env(&[
        (
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://10.0.0.1/creds",
        ),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]));
    let (error, text) = provide_error(&chain).await;
    assert!(
        matches!(error, CredentialsError::InvalidConfiguration(_)),
        "{text}"
    );
    assert!(text.starts_with("AWS credentials from the container: AWS_CONTAINER_CREDENTIALS_FULL_URI uses plain http to 10.0.0.1"), "{text}");
}

#[tokio::test]
async fn container_retries_then_reports_errors_clearly() {
    // A 5xx and a 429 are tried again.
    let server = ScriptedServer::start(vec![
        Reply::respond(500, ""),
        Reply::respond(429, ""),
        answer("", LATER),
    ])
    .await;
    assert_credentials(&provide(&container(&server.url(), &[])).await.unwrap());
    assert_eq!(server.requests().len(), 3);

    let server = ScriptedServer::start(vec![Reply::respond(503, "busy"); 3]).await;
    let (error, text) = provide_error(&container(&server.url(), &[])).await;
    assert!(is_failed(&error), "{text}");
    assert!(
        text.contains(&format!(
            "the container credentials endpoint at {} answered 503 (after 3 attempts): busy",
            server.url()
        )),
        "{text}"
    );

    // Nothing listening: three quick attempts, then an error (the source is configured).
    let url = format!("http://127.0.0.1:{}/creds", closed_port().await);
    let started = Instant::now();
    let (error, text) = provide_error(&container(&url, &[])).await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(is_failed(&error), "{text}");
    assert!(
        text.starts_with(
            "fetching from the container credentials endpoint failed (after 3 attempts): "
        ),
        "{text}"
    );

    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::respond(
                403,
                r#"{"Code":"AccessDenied","Message":"token not valid"}"#,
            ),
            "answered 403: AccessDenied: token not valid",
        ),
        (
            Reply::respond(200, "<!DOCTYPE html><html>SECRET</html>"),
            "the answer is HTML or XML, not JSON",
        ),
        (
            Reply::respond(
                200,
                format!(r#"{{"AccessKeyId":"{AKID}","SecretAccessKey":"{SECRET}","Tok"#),
            ),
            "the answer is cut short",
        ),
        (
            Reply::respond(
                200,
                format!(r#"{{"AccessKeyId":"{AKID}","Token":"{SESSION}","Expiration":"{LATER}"}}"#),
            ),
            "the answer has no `SecretAccessKey`",
        ),
        (
            answer("", "2020-01-01T00:00:00Z"),
            "the credentials it gave expired at 2020-01-01T00:00:00Z",
        ),
        (
            answer("", "tomorrow"),
            "the answer's `Expiration` is not an RFC 3339 time",
        ),
        (
            Reply::Huge(100_000_000),
            "larger than the limit of 1048576 bytes",
        ),
        (
            Reply::CloseMidBody,
            "failed (after 3 attempts): the connection to",
        ),
    ];
    for (reply, expected) in cases {
        let script = match &reply {
            Reply::CloseMidBody => vec![reply.clone(), reply.clone(), reply],
            _ => vec![reply],
        };
        let server = ScriptedServer::start(script).await;
        let (error, text) = provide_error(&container(&server.url(), &[])).await;
        assert!(is_failed(&error), "{text}");
        assert!(text.contains(expected), "expected `{expected}` in: {text}");
        assert!(!text.contains("SECRET"), "{text}");
    }
}

#[tokio::test]
async fn container_in_the_default_chain() {
    let server = ScriptedServer::start(vec![answer("", LATER)]).await;
    let chain = DefaultCredentialsChain::with_env(env(&[
        ("AWS_CONTAINER_CREDENTIALS_FULL_URI", &server.url()),
        ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN),
        ("AWS_EC2_METADATA_DISABLED", "true"),
    ]));
    let credentials = provide(&chain).await.unwrap();
    assert_credentials(&credentials);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(AUTH_TOKEN)
    );

    // Neither source configured: the chain's message lists both.
    let chain = DefaultCredentialsChain::with_env(env(&[("AWS_EC2_METADATA_DISABLED", "true")]));
    let (_, text) = provide_error(&chain).await;
    assert!(text.ends_with(
        "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set), \
         instance metadata (AWS_EC2_METADATA_DISABLED is true)"
    ), "{text}");
}

// ---------------------------------------------------------------------------------------------
// The signed request

static SERVICE: ServiceSpec = ServiceSpec {
    service_name: "sfn",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "AWSStepFunctions",
    env_name: "SFN",
    endpoint_rules: None,
    user_agent: "credentials-http-test/0.1",
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

/// Makes a call with `provider`'s credentials to a scripted service and returns the request
/// the service received.
async fn signed_call(provider: impl ProvideCredentials + 'static) -> Recorded {
    let service = ScriptedServer::start(vec![Reply::respond(200, "{}")]).await;
    let config = Config::builder()
        .region("eu-west-1")
        .endpoint_url(service.url())
        .credentials_provider(provider)
        .build();
    let runtime = Runtime::new(&config, &SERVICE);
    tokio::time::timeout(PATIENCE, runtime.invoke(&OPERATION, b"{}".to_vec(), None))
        .await
        .expect("the call ended in time")
        .expect("the call succeeds");
    let requests = service.requests();
    assert_eq!(requests.len(), 1);
    requests[0].clone()
}

fn assert_signed_with_the_source_keys(request: &Recorded) {
    let authorization = request.header("authorization").expect("a signature");
    assert!(
        authorization.starts_with(&format!("AWS4-HMAC-SHA256 Credential={AKID}/")),
        "{authorization}"
    );
    assert!(
        authorization.contains("/eu-west-1/states/aws4_request"),
        "{authorization}"
    );
    assert!(
        authorization.contains("x-amz-security-token"),
        "{authorization}"
    );
    assert!(!authorization.contains(SECRET), "{authorization}");
    assert_eq!(request.header("x-amz-security-token"), Some(SESSION));
}

#[tokio::test]
async fn the_signed_request_uses_the_container_credentials() {
    let source = ScriptedServer::start(vec![answer("", LATER)]).await;
    let request = signed_call(container(
        &source.url(),
        &[("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN)],
    ))
    .await;
    assert_signed_with_the_source_keys(&request);
    assert_eq!(source.requests().len(), 1);
}

#[tokio::test]
async fn the_signed_request_uses_the_instance_metadata_credentials() {
    let imds = imds_server(vec![imds_answer()]).await;
    let request = signed_call(imds_at(&imds)).await;
    assert_signed_with_the_source_keys(&request);
    // The IMDS session token stays between the instance and its metadata service.
    assert!(request
        .headers
        .iter()
        .all(|(_, value)| !value.contains(IMDS_TOKEN)));
    assert_eq!(imds.requests().len(), 3);
}

#[tokio::test]
async fn debug_output_holds_no_secrets() {
    let file = TempFile::new(AUTH_TOKEN);
    let providers: Vec<Box<dyn ProvideCredentials>> = vec![
        Box::new(container(
            "http://127.0.0.1:1/creds",
            &[
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN", AUTH_TOKEN),
                ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", &file.path()),
            ],
        )),
        Box::new(ImdsCredentials::with_env(env(&[(
            "AWS_EC2_METADATA_DISABLED",
            "true",
        )]))),
        Box::new(ContainerCredentials::default()),
        Box::new(ImdsCredentials::default()),
    ];
    for provider in &providers {
        let debug = format!("{provider:?}");
        assert_no_secrets(&debug);
        assert!(debug.contains("Credentials"), "{debug}");
    }
    // After a session exists, the provider still shows nothing of it.
    let server = imds_server(vec![imds_answer()]).await;
    let provider = imds_at(&server);
    let credentials = provide(&provider).await.unwrap();
    assert_no_secrets(&format!("{provider:?} {credentials:?}"));
}
