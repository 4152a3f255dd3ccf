//! Role credentials from STS: `AssumeRoleWithWebIdentity` (the environment's token file, a
//! profile's) and `AssumeRole` (profiles with `source_profile` or `credential_source`, chained),
//! against the moto emulator and against scripted servers for what moto cannot show (the
//! signature of each hop, error answers, retries, hostile answers, secrets in messages).
//!
//! Every provider reads a fake environment (`with_env`, `from_env_with`), never the process's:
//! `HOME` is a temporary folder holding `.aws/config` and `.aws/credentials`, STS is reached
//! through `AWS_ENDPOINT_URL_STS` (or a profile's `endpoint_url`), and instance metadata is off.
//! Under `CI=true` a missing moto fails the moto tests instead of skipping them.

#[path = "../../codegen/runtime/tests/support/scripted_server.rs"]
mod scripted_server;

use scripted_server::{Recorded, Reply, ScriptedServer};
use serde_json::Value;
use smithy_rust_runtime::config::ConfigBuilder;
use smithy_rust_runtime::credentials::{
    self, Credentials, DefaultCredentialsChain, ProfileCredentials, ProvideCredentials,
    WebIdentityCredentials,
};
use smithy_rust_runtime::primitives::{DateTime, TimestampFormat};
use smithy_rust_runtime::transport::{HttpClient, HyperClient, Limits};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};
use tests::moto::Moto;

const BASE_KEY: &str = "AKIDBASEEXAMPLE";
const BASE_SECRET: &str = "BASESECRETwJalrXUtnFEMIK7MDENG";
const WEB_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.WEBTOKENCANARY.c2lnbmF0dXJl";
/// How long any provider call may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// Helpers

/// A temporary `$HOME` with `.aws/config`, `.aws/credentials` and a token file; removed on drop.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Self {
        let dir = tests::temp_path("credentials-sts");
        std::fs::create_dir_all(dir.join(".aws")).unwrap();
        Self { dir }
    }

    fn config(self, text: &str) -> Self {
        std::fs::write(self.dir.join(".aws/config"), text).unwrap();
        self
    }

    fn credentials(self, text: &str) -> Self {
        std::fs::write(self.dir.join(".aws/credentials"), text).unwrap();
        self
    }

    fn token_file(&self) -> PathBuf {
        self.dir.join("token")
    }

    fn token(self, token: &str) -> Self {
        std::fs::write(self.token_file(), token).unwrap();
        self
    }

    /// An environment with `HOME` here, instance metadata off, and `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), self.dir.display().to_string());
        map.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
        Env(map)
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A fake environment.
#[derive(Clone)]
struct Env(HashMap<String, String>);

impl Env {
    fn lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let map = self.0.clone();
        move |key| map.get(key).cloned()
    }
}

async fn fetch(provider: &dyn ProvideCredentials) -> Result<Credentials, String> {
    tokio::time::timeout(PATIENCE, provider.provide_credentials())
        .await
        .expect("the provider answered in time")
        .map_err(|e| credentials::describe(&e))
}

async fn chain(env: &Env) -> Result<Credentials, String> {
    fetch(&DefaultCredentialsChain::with_env(env.lookup())).await
}

/// The `Credential=` access key id and the session token a request was signed with.
fn signed_with(request: &Recorded) -> (String, Option<String>) {
    let authorization = request.header("authorization").expect("a signed request");
    let key = authorization
        .split("Credential=")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a Credential= in the Authorization header");
    (
        key.to_owned(),
        request.header("x-amz-security-token").map(str::to_owned),
    )
}

/// The form fields of a recorded request body.
fn form(request: &Recorded) -> HashMap<String, String> {
    request
        .body_text()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), decode(v)))
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("%XX"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// moto's record of the roles it handed out (`/moto-api/data.json`), by access key id.
async fn moto_assumed_roles(moto: &Moto) -> HashMap<String, Value> {
    let request = http::Request::get(format!("{}/moto-api/data.json", moto.endpoint()))
        .body(Vec::new())
        .unwrap();
    let response = HyperClient::new(Duration::from_secs(5))
        .send(request, Limits::new(64 << 20))
        .await
        .expect("moto's data.json");
    let data: Value = serde_json::from_slice(response.body()).expect("JSON");
    data["sts"]["AssumedRole"]
        .as_array()
        .expect("moto's assumed roles")
        .iter()
        .map(|role| {
            (
                role["access_key_id"].as_str().unwrap().to_owned(),
                role.clone(),
            )
        })
        .collect()
}

/// A successful STS answer to `action` with these credentials, expiring in an hour.
fn sts_answer(action: &str, key: &str, secret: &str, token: &str) -> Reply {
    let expiration = DateTime::from(SystemTime::now() + Duration::from_secs(3600))
        .format(TimestampFormat::DateTime);
    let body = format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <{action}Result>
    <Credentials>
      <AccessKeyId>{key}</AccessKeyId>
      <SecretAccessKey>{secret}</SecretAccessKey>
      <SessionToken>{token}</SessionToken>
      <Expiration>{expiration}</Expiration>
    </Credentials>
  </{action}Result>
  <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata>
</{action}Response>"#
    );
    Reply::respond(200, body).header("content-type", "text/xml")
}

fn sts_error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>\
         <Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>\
         <RequestId>req-e</RequestId></ErrorResponse>"
    );
    Reply::respond(status, body).header("content-type", "text/xml")
}

const ASSUMED_KEY: &str = "ASIAHOPONEEXAMPLE";
const ASSUMED_SECRET: &str = "HOPONESECRETCANARYabcdef";
const ASSUMED_TOKEN: &str = "HOPONETOKENCANARY//////wEaCXVzLWVhc3QtMSJH";

/// `[profile app]`: `role_arn` with `source_profile = base`, whose static keys are in the
/// credentials file.
fn role_over_static_keys(extra: &str) -> Home {
    Home::new()
        .config(&format!(
            "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\n\
             source_profile = base\n{extra}"
        ))
        .credentials(&format!(
            "[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n"
        ))
}

// ---------------------------------------------------------------------------------------------
// Against moto

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_identity_from_the_environment_through_moto() {
    let Some(moto) = Moto::start() else { return };
    let home = Home::new().token(&format!("{WEB_TOKEN}\n"));
    let env = home.env(&[
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &home.token_file().display().to_string(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ROLE_SESSION_NAME", "pod-session"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    let credentials = chain(&env).await.unwrap();
    let debug = format!("{credentials:?}");
    assert!(debug.contains("WebIdentityTokenProvider"), "{debug}");
    assert!(credentials.expiry().unwrap() > SystemTime::now());

    let roles = moto_assumed_roles(&moto).await;
    let role = &roles[credentials.access_key_id()];
    assert_eq!(role["role_arn"], "arn:aws:iam::123456789012:role/irsa");
    assert_eq!(role["session_name"], "pod-session");
    assert_eq!(role["secret_access_key"], credentials.secret_access_key());
    assert_eq!(role["session_token"], credentials.session_token().unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn web_identity_from_a_profile_at_the_profiles_endpoint_url_through_moto() {
    let Some(moto) = Moto::start() else { return };
    let home = Home::new().token(WEB_TOKEN);
    let token_file = home.token_file();
    let home = home.config(&format!(
        "[profile eks]\nrole_arn = arn:aws:iam::123456789012:role/from-profile\n\
         web_identity_token_file = {}\nrole_session_name = profile-session\n\
         endpoint_url = {}\n",
        token_file.display(),
        moto.endpoint()
    ));
    let env = home.env(&[("AWS_PROFILE", "eks")]);
    let credentials = chain(&env).await.unwrap();
    let roles = moto_assumed_roles(&moto).await;
    let role = &roles[credentials.access_key_id()];
    assert_eq!(
        role["role_arn"],
        "arn:aws:iam::123456789012:role/from-profile"
    );
    assert_eq!(role["session_name"], "profile-session");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_over_a_source_profile_with_an_external_id_through_moto() {
    let Some(moto) = Moto::start() else { return };
    let home = role_over_static_keys("external_id = ext-42&x\nduration_seconds = 1800\n");
    let env = home.env(&[
        ("AWS_PROFILE", "app"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    let credentials = chain(&env).await.unwrap();
    assert!(format!("{credentials:?}").contains("AssumeRoleProvider"));
    let expiry = credentials.expiry().unwrap();
    let left = expiry.duration_since(SystemTime::now()).unwrap();
    assert!(
        left <= Duration::from_secs(1800) && left > Duration::from_secs(1700),
        "{left:?}"
    );

    let roles = moto_assumed_roles(&moto).await;
    let role = &roles[credentials.access_key_id()];
    assert_eq!(role["role_arn"], "arn:aws:iam::123456789012:role/app");
    assert_eq!(role["external_id"], "ext-42&x");
    assert!(
        role["session_name"]
            .as_str()
            .unwrap()
            .starts_with("smithy-rust-"),
        "{role}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chained_roles_through_moto() {
    let Some(moto) = Moto::start() else { return };
    let home = Home::new()
        .config(
            "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
             role_session_name = session-a\n\
             [profile b]\nrole_arn = arn:aws:iam::210987654321:role/b\nsource_profile = base\n\
             role_session_name = session-b\n",
        )
        .credentials(&format!(
            "[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n"
        ));
    let env = home.env(&[
        ("AWS_PROFILE", "a"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    let credentials = chain(&env).await.unwrap();

    let roles = moto_assumed_roles(&moto).await;
    assert_eq!(roles.len(), 2, "{roles:?}");
    let role = &roles[credentials.access_key_id()];
    assert_eq!(role["role_arn"], "arn:aws:iam::123456789012:role/a");
    assert_eq!(role["session_name"], "session-a");
    assert!(roles
        .values()
        .any(|r| r["role_arn"] == "arn:aws:iam::210987654321:role/b"
            && r["session_name"] == "session-b"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credential_source_environment_through_moto() {
    let Some(moto) = Moto::start() else { return };
    let home = Home::new().config(
        "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/env-based\n\
         credential_source = Environment\n",
    );
    let env = home.env(&[
        ("AWS_PROFILE", "app"),
        ("AWS_ACCESS_KEY_ID", BASE_KEY),
        ("AWS_SECRET_ACCESS_KEY", BASE_SECRET),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    // The chain would take the environment's keys themselves; the profile source assumes the role.
    let credentials = fetch(&ProfileCredentials::with_env(env.lookup()))
        .await
        .unwrap();
    assert_ne!(credentials.access_key_id(), BASE_KEY);
    let roles = moto_assumed_roles(&moto).await;
    assert_eq!(
        roles[credentials.access_key_id()]["role_arn"],
        "arn:aws:iam::123456789012:role/env-based"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_answer_from_moto_is_reported_clearly() {
    let Some(moto) = Moto::start() else { return };
    let long_name = "n".repeat(65);
    let home = role_over_static_keys(&format!("role_session_name = {long_name}\n"));
    let env = home.env(&[
        ("AWS_PROFILE", "app"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    let error = chain(&env).await.unwrap_err();
    let expected = format!(
        "AWS credentials from the profile `app`: STS AssumeRole at {} for role \
         `arn:aws:iam::123456789012:role/app` of profile `app` failed: ValidationError: ",
        moto.endpoint()
    );
    assert!(error.starts_with(&expected), "{error}");
    assert!(error.ends_with("(HTTP 400)"), "{error}");
    assert!(!error.contains(BASE_SECRET), "{error}");
}

/// The proof that matters: a service call made with a `Config` whose default chain assumes a
/// role is signed with the keys moto handed out for that role, session token included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_call_is_signed_with_the_keys_moto_handed_out() {
    let Some(moto) = Moto::start() else { return };
    let service = ScriptedServer::start(vec![
        Reply::respond(200, "{}").header("content-type", "application/x-amz-json-1.0")
    ])
    .await;
    let home = role_over_static_keys("");
    let env = home.env(&[
        ("AWS_PROFILE", "app"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ENDPOINT_URL_STS", &moto.endpoint()),
    ]);
    let config = ConfigBuilder::from_env_with(env.lookup())
        .endpoint_url(service.url())
        .build();
    let client = sfn::Client::new(&config);
    tokio::time::timeout(PATIENCE, client.send_task_failure().task_token("t").send())
        .await
        .expect("the call finished in time")
        .expect("the call succeeded");

    let requests = service.requests();
    assert_eq!(requests.len(), 1);
    let authorization = requests[0].header("authorization").unwrap();
    assert!(
        authorization.contains("/eu-west-1/states/aws4_request"),
        "{authorization}"
    );
    let (key, token) = signed_with(&requests[0]);
    assert_ne!(key, BASE_KEY);
    let roles = moto_assumed_roles(&moto).await;
    let role = roles
        .get(&key)
        .unwrap_or_else(|| panic!("moto handed out no key {key}: {roles:?}"));
    assert_eq!(role["role_arn"], "arn:aws:iam::123456789012:role/app");
    assert_eq!(token.as_deref(), role["session_token"].as_str());
    service.stop().await;
}

// ---------------------------------------------------------------------------------------------
// Against scripted servers

#[tokio::test]
async fn each_hop_is_signed_with_the_previous_hops_keys() {
    let sts = ScriptedServer::start(vec![
        sts_answer("AssumeRole", ASSUMED_KEY, ASSUMED_SECRET, ASSUMED_TOKEN),
        sts_answer("AssumeRole", "ASIAHOPTWO", "HOPTWOSECRET", "HOPTWOTOKEN"),
    ])
    .await;
    let home = Home::new()
        .config(
            "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n\
             [profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = base\n\
             external_id = outer\n",
        )
        .credentials(&format!(
            "[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n"
        ));
    let env = home.env(&[
        ("AWS_PROFILE", "a"),
        ("AWS_ENDPOINT_URL_STS", &sts.url()),
        ("AWS_ROLE_SESSION_NAME", "from-env"),
    ]);
    let credentials = chain(&env).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAHOPTWO");
    assert_eq!(credentials.session_token(), Some("HOPTWOTOKEN"));

    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/");
        assert_eq!(
            request.header("content-type"),
            Some("application/x-www-form-urlencoded; charset=utf-8")
        );
        assert!(request
            .header("authorization")
            .unwrap()
            .contains("/us-east-1/sts/aws4_request"));
    }
    assert_eq!(signed_with(&requests[0]), (BASE_KEY.to_owned(), None));
    assert_eq!(
        signed_with(&requests[1]),
        (ASSUMED_KEY.to_owned(), Some(ASSUMED_TOKEN.to_owned()))
    );
    let (first, second) = (form(&requests[0]), form(&requests[1]));
    assert_eq!(first["Action"], "AssumeRole");
    assert_eq!(first["Version"], "2011-06-15");
    assert_eq!(first["RoleArn"], "arn:aws:iam::123456789012:role/b");
    assert_eq!(first["ExternalId"], "outer");
    assert_eq!(first["RoleSessionName"], "from-env");
    assert_eq!(second["RoleArn"], "arn:aws:iam::123456789012:role/a");
    assert!(!second.contains_key("ExternalId"));
    sts.stop().await;
}

#[tokio::test]
async fn web_identity_is_unsigned_and_reads_the_token_file_on_every_fetch() {
    let sts = ScriptedServer::start(vec![
        sts_answer("AssumeRoleWithWebIdentity", "ASIAONE", "S1", "T1"),
        sts_answer("AssumeRoleWithWebIdentity", "ASIATWO", "S2", "T2"),
    ])
    .await;
    let home = Home::new().token("token-one");
    let env = home.env(&[
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &home.token_file().display().to_string(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ENDPOINT_URL_STS", &sts.url()),
    ]);
    let provider = WebIdentityCredentials::with_env(env.lookup());
    assert_eq!(fetch(&provider).await.unwrap().access_key_id(), "ASIAONE");
    std::fs::write(home.token_file(), "token-two\n").unwrap();
    assert_eq!(fetch(&provider).await.unwrap().access_key_id(), "ASIATWO");

    let requests = sts.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| r.header("authorization").is_none()));
    let (first, second) = (form(&requests[0]), form(&requests[1]));
    assert_eq!(first["Action"], "AssumeRoleWithWebIdentity");
    assert_eq!(first["WebIdentityToken"], "token-one");
    assert_eq!(second["WebIdentityToken"], "token-two");
    assert!(first["RoleSessionName"].starts_with("smithy-rust-"));
    sts.stop().await;
}

#[tokio::test]
async fn web_identity_settings_that_cannot_work() {
    let home = Home::new();
    // Unset: the chain goes on and says why it skipped web identity.
    let error = chain(&home.env(&[])).await.unwrap_err();
    assert!(
        error.contains("web identity (AWS_WEB_IDENTITY_TOKEN_FILE is not set)"),
        "{error}"
    );
    // A token file without a role stops the chain.
    let home = home.token(WEB_TOKEN);
    let token_file = home.token_file().display().to_string();
    let error = chain(&home.env(&[("AWS_WEB_IDENTITY_TOKEN_FILE", &token_file)]))
        .await
        .unwrap_err();
    assert_eq!(
        error,
        "AWS credentials from the web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but \
         AWS_ROLE_ARN is not"
    );
    // Files that cannot be read, or hold no usable token: named, never shown.
    let missing = home.dir.join("missing-token").display().to_string();
    let empty = home.dir.join("empty-token");
    std::fs::write(&empty, "  \n").unwrap();
    let binary = home.dir.join("binary-token");
    std::fs::write(&binary, b"WEBTOKENCANARY\xff\xfe").unwrap();
    let huge = home.dir.join("huge-token");
    std::fs::write(&huge, format!("WEBTOKENCANARY{}", "x".repeat(100_000))).unwrap();
    for (path, expected) in [
        (
            missing.clone(),
            format!("cannot read the web identity token file {missing}: it does not exist"),
        ),
        (
            empty.display().to_string(),
            format!("the web identity token file {} is empty", empty.display()),
        ),
        (
            binary.display().to_string(),
            format!(
                "the web identity token file {} is not UTF-8 text",
                binary.display()
            ),
        ),
        (
            huge.display().to_string(),
            format!(
                "the web identity token file {} is larger than 64 KiB",
                huge.display()
            ),
        ),
        (
            home.dir.display().to_string(),
            format!(
                "cannot read the web identity token file {}: ",
                home.dir.display()
            ),
        ),
    ] {
        let env = home.env(&[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", &path),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
            ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9"),
        ]);
        let error = chain(&env).await.unwrap_err();
        assert!(error.contains(&expected), "{error}");
        assert!(!error.contains("WEBTOKENCANARY"), "{error}");
    }
}

#[tokio::test]
async fn error_answers_name_sts_the_endpoint_and_the_role_and_are_not_retried() {
    let sts = ScriptedServer::start(vec![sts_error(
        403,
        "AccessDenied",
        "User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole",
    )])
    .await;
    let home = role_over_static_keys("");
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
    let error = chain(&env).await.unwrap_err();
    assert_eq!(
        error,
        format!(
            "AWS credentials from the profile `app`: STS AssumeRole at {} for role \
             `arn:aws:iam::123456789012:role/app` of profile `app` failed: AccessDenied: User: \
             arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole \
             (HTTP 403)",
            sts.url()
        )
    );
    assert_eq!(sts.requests().len(), 1);
    sts.stop().await;
}

#[tokio::test]
async fn transient_failures_are_retried_a_few_times() {
    // Throttling, a 503 and (for web identity) IDPCommunicationError, then credentials.
    let sts = ScriptedServer::start(vec![
        sts_error(400, "Throttling", "Rate exceeded"),
        Reply::respond(503, "Service Unavailable"),
        sts_answer("AssumeRole", ASSUMED_KEY, ASSUMED_SECRET, ASSUMED_TOKEN),
        sts_error(400, "IDPCommunicationError", "the IdP did not answer"),
        sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB", "S", "T"),
    ])
    .await;
    let home = role_over_static_keys("").token(WEB_TOKEN);
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
    assert_eq!(chain(&env).await.unwrap().access_key_id(), ASSUMED_KEY);
    let env = home.env(&[
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &home.token_file().display().to_string(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ENDPOINT_URL_STS", &sts.url()),
    ]);
    assert_eq!(chain(&env).await.unwrap().access_key_id(), "ASIAWEB");
    assert_eq!(sts.requests().len(), 5);
    sts.stop().await;

    // Three failures in a row: the last one is reported, with the count.
    let sts = ScriptedServer::start(vec![
        Reply::respond(500, "oops"),
        Reply::respond(502, ""),
        sts_error(503, "ServiceUnavailable", "try later"),
    ])
    .await;
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
    let error = chain(&env).await.unwrap_err();
    assert!(
        error.ends_with("failed (after 3 attempts): ServiceUnavailable: try later (HTTP 503)"),
        "{error}"
    );
    assert_eq!(sts.requests().len(), 3);
    sts.stop().await;

    // Nobody listening: retried too, and the cause is named.
    let closed = ScriptedServer::start(vec![]).await;
    let url = closed.url();
    closed.stop().await;
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &url)]);
    let error = chain(&env).await.unwrap_err();
    assert!(
        error.contains(&format!("STS AssumeRole at {url} for role")),
        "{error}"
    );
    assert!(error.contains("(after 3 attempts)"), "{error}");
}

#[tokio::test]
async fn hostile_answers_are_clear_errors() {
    let html = "<!DOCTYPE html><html><body><h1>Welcome</h1></body></html>";
    let good = sts_answer("AssumeRole", ASSUMED_KEY, ASSUMED_SECRET, ASSUMED_TOKEN);
    let Reply::Respond {
        body: good_body, ..
    } = &good
    else {
        unreachable!()
    };
    let truncated = good_body[..good_body.len() / 2].to_vec();
    let cases: Vec<(Reply, &str)> =
        vec![
        (
            Reply::respond(200, html).header("content-type", "text/html"),
            "the answer is an HTML page, not STS's XML",
        ),
        (
            Reply::respond(502, html).header("content-type", "text/html"),
            "HTTP 502 with an HTML page, not an STS error",
        ),
        (Reply::respond(200, truncated), "is unusable: truncated XML"),
        (
            Reply::respond(200, "<AssumeRoleResponse><AssumeRoleResult/></AssumeRoleResponse>"),
            "is unusable: it has no AssumeRoleResponse/AssumeRoleResult/Credentials/AccessKeyId",
        ),
        (Reply::respond(200, "{}"), "is unusable: malformed XML"),
        (Reply::respond(403, ""), "HTTP 403 with an empty body"),
        (Reply::respond(404, "no such thing"), "HTTP 404: no such thing"),
    ];
    for (reply, expected) in cases {
        // Enough for the retries of a 5xx.
        let sts = ScriptedServer::start(vec![reply; 3]).await;
        let home = role_over_static_keys("");
        let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
        let error = chain(&env).await.unwrap_err();
        assert!(
            error.contains(&format!("STS AssumeRole at {}", sts.url())),
            "{error}"
        );
        assert!(error.contains(expected), "{expected}: {error}");
        for secret in [ASSUMED_SECRET, ASSUMED_TOKEN, BASE_SECRET] {
            assert!(!error.contains(secret), "{error}");
        }
        sts.stop().await;
    }

    // An expired answer.
    let expired = good_body
        .windows(12)
        .position(|w| w == b"<Expiration>")
        .unwrap();
    let mut body = good_body[..expired].to_vec();
    body.extend_from_slice(
        b"<Expiration>2020-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult>\
          </AssumeRoleResponse>",
    );
    let sts = ScriptedServer::start(vec![Reply::respond(200, body)]).await;
    let home = role_over_static_keys("");
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
    let error = chain(&env).await.unwrap_err();
    assert!(
        error.contains("the credentials expired already, at 2020-01-01T00:00:00Z"),
        "{error}"
    );
    assert!(!error.contains(ASSUMED_SECRET), "{error}");
    sts.stop().await;

    // Larger than the 1 MiB limit.
    let sts = ScriptedServer::start(vec![Reply::Huge(4 << 20); 3]).await;
    let env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);
    let error = chain(&env).await.unwrap_err();
    assert!(
        error.contains(&format!("STS AssumeRole at {}", sts.url())),
        "{error}"
    );
    sts.stop().await;
}

#[tokio::test]
async fn no_secret_appears_in_any_output() {
    // A server that echoes the token and the keys it was sent into its error message.
    let sts = ScriptedServer::start(vec![
        sts_error(
            400,
            "InvalidIdentityToken",
            &format!("token {WEB_TOKEN} is not valid"),
        ),
        sts_error(
            403,
            "AccessDenied",
            &format!("{BASE_SECRET} {ASSUMED_TOKEN} are wrong"),
        ),
    ])
    .await;
    let home = Home::new()
        .token(WEB_TOKEN)
        .config(
            "[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\n\
             source_profile = base\n",
        )
        .credentials(&format!(
            "[base]\naws_access_key_id = {BASE_KEY}\naws_secret_access_key = {BASE_SECRET}\n\
             aws_session_token = {ASSUMED_TOKEN}\n"
        ));
    let web_env = home.env(&[
        (
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            &home.token_file().display().to_string(),
        ),
        ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa"),
        ("AWS_ENDPOINT_URL_STS", &sts.url()),
    ]);
    let profile_env = home.env(&[("AWS_PROFILE", "app"), ("AWS_ENDPOINT_URL_STS", &sts.url())]);

    let mut outputs = Vec::new();
    let web = WebIdentityCredentials::with_env(web_env.lookup());
    let error = web.provide_credentials().await.unwrap_err();
    outputs.push(format!("{error}"));
    outputs.push(format!("{error:?}"));
    outputs.push(credentials::describe(&error));
    assert!(
        credentials::describe(&error)
            .contains("InvalidIdentityToken: token (redacted) is not valid"),
        "{}",
        credentials::describe(&error)
    );
    let chain = DefaultCredentialsChain::with_env(profile_env.lookup());
    let error = chain.provide_credentials().await.unwrap_err();
    outputs.push(format!("{error}"));
    outputs.push(format!("{error:?}"));
    outputs.push(credentials::describe(&error));
    outputs.push(format!("{web:?}"));
    outputs.push(format!("{chain:?}"));
    outputs.push(format!(
        "{:?}",
        ProfileCredentials::with_env(profile_env.lookup())
    ));
    let issued = Credentials::new(
        ASSUMED_KEY,
        ASSUMED_SECRET,
        Some(ASSUMED_TOKEN.into()),
        None,
        "AssumeRoleProvider",
    );
    outputs.push(format!("{issued:?}"));
    for output in &outputs {
        for secret in [
            WEB_TOKEN,
            "WEBTOKENCANARY",
            BASE_SECRET,
            ASSUMED_SECRET,
            ASSUMED_TOKEN,
        ] {
            assert!(!output.contains(secret), "{secret} in {output}");
        }
    }
    sts.stop().await;
}
