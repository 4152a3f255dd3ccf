//! Auth schemes, as the runtime applies an operation's list (`smithy_rust_runtime::auth`): each
//! scheme's identity on the request, the order of preference, schemes skipped when their
//! identity is not configured, anonymous and `@optionalAuth` calls, and the errors, none of which
//! shows a token, key or password. The calls go to a transport that records each request.

use std::sync::{Arc, Mutex};

use aws_credential_types::provider::{error::CredentialsError, future, ProvideCredentials};
use smithy_rust_runtime::auth::{
    ApiKeyLocation, AuthScheme, Login, ProvideToken, Token, TokenError,
};
use smithy_rust_runtime::config::{Config, ConfigBuilder};
use smithy_rust_runtime::credentials::Credentials;
use smithy_rust_runtime::error::RequestErrorKind;
use smithy_rust_runtime::orchestrator::{Failure, OperationSpec, Runtime, ServiceSpec};
use smithy_rust_runtime::transport::{http, BoxFuture, HttpClient, Limits, TransportError};

const TOKEN: &str = "bearer-canary-7f3a";
const KEY: &str = "key-canary-19c2";
const PASSWORD: &str = "password-canary-5d8e";
const SECRET: &str = "secret-canary-a41b";

static SERVICE: ServiceSpec = ServiceSpec {
    service_name: "notes",
    content_type: "application/x-amz-json-1.0",
    target_prefix: "Notes",
    env_name: "NOTES",
    endpoint_rules: None,
    user_agent: "auth-schemes-test/0.1",
    query_compatible: false,
};

const SIGV4: AuthScheme = AuthScheme::SigV4 {
    signing_name: "notes",
};
const API_KEY_HEADER: AuthScheme = AuthScheme::HttpApiKey {
    name: "X-Api-Key",
    location: ApiKeyLocation::Header,
    scheme: Some("ApiKey"),
};
const API_KEY_QUERY: AuthScheme = AuthScheme::HttpApiKey {
    name: "api key",
    location: ApiKeyLocation::Query,
    scheme: None,
};

/// An operation accepting `auth`, in that order.
const fn operation(auth: &'static [AuthScheme], optional_auth: bool) -> OperationSpec {
    OperationSpec {
        name: "ListNotes",
        idempotent: true,
        auth,
        optional_auth,
    }
}

static BEARER_THEN_KEY: OperationSpec = operation(&[AuthScheme::HttpBearer, API_KEY_HEADER], false);
static KEY_IN_QUERY: OperationSpec = operation(&[API_KEY_QUERY], false);
static BASIC: OperationSpec = operation(&[AuthScheme::HttpBasic], false);
static SIGNED: OperationSpec = operation(&[SIGV4], false);
static SIGNED_OPTIONAL: OperationSpec = operation(&[SIGV4], true);
static BEARER_OPTIONAL: OperationSpec = operation(&[AuthScheme::HttpBearer], true);
static ANONYMOUS: OperationSpec = operation(&[], false);

/// Records every request; answers `200 {}`.
#[derive(Debug, Clone, Default)]
struct Recorder {
    requests: Arc<Mutex<Vec<http::Request<Vec<u8>>>>>,
}

impl Recorder {
    fn requests(&self) -> Vec<http::Request<Vec<u8>>> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

impl HttpClient for Recorder {
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        _limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        self.requests.lock().unwrap().push(request);
        let response = http::Response::builder()
            .status(200)
            .body(b"{}".to_vec())
            .unwrap();
        Box::pin(async move { Ok(response) })
    }
}

/// A credentials provider that always fails.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded("nothing configured")))
    }
}

/// A token provider that always fails.
#[derive(Debug)]
struct NoToken;

impl ProvideToken for NoToken {
    fn provide_token<'a>(&'a self) -> aws_credential_types::provider::future::ProvideToken<'a>
    where
        Self: 'a,
    {
        aws_credential_types::provider::future::ProvideToken::ready(Err(TokenError::not_loaded(
            "the token file is missing",
        )))
    }
}

/// A configuration with the recorder, an endpoint and no credentials but `NoCredentials`.
fn builder(http: &Recorder) -> ConfigBuilder {
    Config::builder()
        .endpoint_url("https://notes.example.com")
        .credentials_provider_uncached(NoCredentials)
        .http_client(http.clone())
}

/// Makes one call of `operation` with `config`; returns the one request sent, or the error.
fn call(
    config: &Config,
    http: &Recorder,
    operation: &'static OperationSpec,
) -> Result<http::Request<Vec<u8>>, String> {
    let runtime = Runtime::new(config, &SERVICE);
    let outcome = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(runtime.invoke(operation, b"{}".to_vec(), None));
    let mut requests = http.requests();
    match outcome {
        Ok(_) => {
            assert_eq!(requests.len(), 1, "one request per call");
            Ok(requests.remove(0))
        }
        Err(Failure::Request(error)) => {
            assert!(requests.is_empty(), "a refused call sends nothing");
            assert_eq!(error.kind(), RequestErrorKind::Credentials, "{error}");
            Err(error.to_string())
        }
        Err(other) => panic!("unexpected failure: {other:?}"),
    }
}

fn header<'r>(request: &'r http::Request<Vec<u8>>, name: &str) -> Option<&'r str> {
    request.headers().get(name).map(|v| v.to_str().unwrap())
}

#[test]
fn a_bearer_token_goes_in_the_authorization_header_marked_sensitive() {
    let http = Recorder::default();
    let config = builder(&http).bearer_token(Token::new(TOKEN, None)).build();
    let request = call(&config, &http, &BEARER_THEN_KEY).unwrap();
    assert_eq!(
        header(&request, "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(request.headers()["authorization"].is_sensitive());
    assert_eq!(header(&request, "x-api-key"), None);
    assert_eq!(header(&request, "x-amz-date"), None, "not signed");
}

#[test]
fn the_first_scheme_with_an_identity_is_used_in_the_models_order() {
    let http = Recorder::default();
    // Only the API key: bearer is skipped.
    let config = builder(&http).api_key(Token::new(KEY, None)).build();
    let request = call(&config, &http, &BEARER_THEN_KEY).unwrap();
    assert_eq!(
        header(&request, "x-api-key"),
        Some(format!("ApiKey {KEY}").as_str())
    );
    assert!(request.headers()["x-api-key"].is_sensitive());
    assert_eq!(header(&request, "authorization"), None);
    // Both: bearer comes first.
    let config = builder(&http)
        .api_key(Token::new(KEY, None))
        .bearer_token(Token::new(TOKEN, None))
        .build();
    let request = call(&config, &http, &BEARER_THEN_KEY).unwrap();
    assert!(header(&request, "authorization").is_some());
    assert_eq!(header(&request, "x-api-key"), None);
}

#[test]
fn an_api_key_in_the_query_is_percent_encoded() {
    let http = Recorder::default();
    let config = builder(&http).api_key(Token::new("a/b c", None)).build();
    let request = call(&config, &http, &KEY_IN_QUERY).unwrap();
    assert_eq!(
        request.uri().to_string(),
        "https://notes.example.com/?api%20key=a%2Fb%20c"
    );
}

#[test]
fn a_basic_login_is_base64_of_user_and_password() {
    let http = Recorder::default();
    let config = builder(&http)
        .basic_auth_login(Login::new("Aladdin", "open sesame", None))
        .build();
    let request = call(&config, &http, &BASIC).unwrap();
    assert_eq!(
        header(&request, "authorization"),
        Some("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==")
    );
    assert!(request.headers()["authorization"].is_sensitive());
}

#[test]
fn sigv4_signs_under_the_schemes_signing_name() {
    let http = Recorder::default();
    let config = builder(&http)
        .region("eu-west-1")
        .credentials(Credentials::new("AKIDNOTES", SECRET, None, None, "test"))
        .build();
    let request = call(&config, &http, &SIGNED).unwrap();
    let authorization = header(&request, "authorization").unwrap();
    assert!(
        authorization.contains("Credential=AKIDNOTES/")
            && authorization.contains("/eu-west-1/notes/aws4_request"),
        "{authorization}"
    );
}

#[test]
fn an_operation_without_schemes_goes_anonymously_with_no_region_or_credentials() {
    let http = Recorder::default();
    // Credentials and every identity configured: still nothing on the request.
    let config = builder(&http)
        .credentials(Credentials::new("AKIDNOTES", SECRET, None, None, "test"))
        .bearer_token(Token::new(TOKEN, None))
        .api_key(Token::new(KEY, None))
        .build();
    let request = call(&config, &http, &ANONYMOUS).unwrap();
    for name in [
        "authorization",
        "x-amz-date",
        "x-api-key",
        "x-amz-security-token",
    ] {
        assert_eq!(header(&request, name), None, "{name}");
    }
}

#[test]
fn optional_auth_goes_anonymously_when_no_identity_can_be_had() {
    let http = Recorder::default();
    // SigV4 with failing credentials (and no region).
    let config = builder(&http).build();
    let request = call(&config, &http, &SIGNED_OPTIONAL).unwrap();
    assert_eq!(header(&request, "authorization"), None);
    // With a region and credentials it signs.
    let config = builder(&http)
        .region("us-east-1")
        .credentials(Credentials::new("AKIDNOTES", SECRET, None, None, "test"))
        .build();
    let request = call(&config, &http, &SIGNED_OPTIONAL).unwrap();
    assert!(header(&request, "authorization").is_some());
    // Bearer: no token configured, or a provider that fails.
    let config = builder(&http).build();
    assert_eq!(
        header(
            &call(&config, &http, &BEARER_OPTIONAL).unwrap(),
            "authorization"
        ),
        None
    );
    let config = builder(&http).token_provider(NoToken).build();
    assert_eq!(
        header(
            &call(&config, &http, &BEARER_OPTIONAL).unwrap(),
            "authorization"
        ),
        None
    );
}

#[test]
fn without_an_identity_the_call_fails_before_sending_and_says_what_to_configure() {
    let http = Recorder::default();
    let config = builder(&http).build();
    let error = call(&config, &http, &BEARER_THEN_KEY).unwrap_err();
    assert_eq!(
        error,
        "ListNotes needs an identity for one of its auth schemes, and none is configured: \
         smithy.api#httpBearerAuth (set Config::builder().bearer_token(..) or .token_provider(..)), \
         smithy.api#httpApiKeyAuth (set Config::builder().api_key(..))"
    );
    // Failing credentials fail a SigV4 call that is not optional.
    let config = builder(&http).region("us-east-1").build();
    let error = call(&config, &http, &SIGNED).unwrap_err();
    assert!(error.contains("nothing configured"), "{error}");
    // A failing token provider fails a bearer call that is not optional.
    let config = builder(&http).token_provider(NoToken).build();
    let error = call(&config, &http, &BEARER_THEN_KEY).unwrap_err();
    assert!(error.contains("cannot get a bearer token"), "{error}");
}

#[test]
fn identities_never_show_in_debug_output_or_errors() {
    let http = Recorder::default();
    let config = builder(&http)
        .bearer_token(Token::new(TOKEN, None))
        .api_key(Token::new(KEY, None))
        .basic_auth_login(Login::new("user", PASSWORD, None))
        .credentials(Credentials::new("AKIDNOTES", SECRET, None, None, "test"))
        .build();
    let runtime = Runtime::new(&config, &SERVICE);
    let request = call(&config, &http, &BASIC).unwrap();
    let debug = format!("{config:?} {runtime:?} {request:?}");
    for secret in [TOKEN, KEY, PASSWORD, SECRET] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
    // A key that is no header value: the error names the key, not its text.
    let config = builder(&http)
        .api_key(Token::new(format!("{KEY}\n"), None))
        .build();
    let error = call(&config, &http, &BEARER_THEN_KEY).unwrap_err();
    assert!(!error.contains(KEY), "{error}");
}
