//! The runtime's auth modules: `credentials`, `profile` (the shared files) and `sign` (SigV4).
//!
//! Environment lookups are closures over maps and the shared files live in per-test temporary
//! folders, so nothing here reads or changes the process environment or `~/.aws`.

use smithy_rust_runtime::{credentials, profile, sign};

use credentials::{
    region_from_env_or_profile, Credentials, CredentialsError, DefaultCredentialsChain,
    EnvironmentCredentials, ProfileCredentials, ProvideCredentials,
};
use profile::Profile;
use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// ---------------------------------------------------------------------------------------------
// Helpers

/// A temporary folder standing in for `$HOME`, removed on drop.
struct Home {
    dir: PathBuf,
}

impl Home {
    fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "runtime-auth-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
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

    fn path(&self, relative: &str) -> PathBuf {
        self.dir.join(relative)
    }

    /// An environment with `HOME` set to this folder, plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> Env {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), self.dir.display().to_string());
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
    fn new(vars: &[(&str, &str)]) -> Self {
        Env(vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect())
    }

    fn lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let map = self.0.clone();
        move |key| map.get(key).cloned()
    }

    fn load_profile(&self) -> Result<Option<Profile>, profile::ProfileError> {
        Profile::load(&self.lookup())
    }
}

/// Polls a future that must be ready at once (the providers do no I/O in the background).
fn ready<T>(future: impl Future<Output = T>) -> T {
    let mut future = std::pin::pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("credentials future was not ready"),
    }
}

fn provide(provider: &dyn ProvideCredentials) -> Result<Credentials, CredentialsError> {
    ready(provider.provide_credentials())
}

/// The default chain's answer in `env`, with its error as a caller sees it. Instance metadata is
/// off unless `env` turns it on (these tests run where there is none).
fn chain(env: &Env) -> Result<Credentials, String> {
    let mut env = env.clone();
    env.0
        .entry("AWS_EC2_METADATA_DISABLED".into())
        .or_insert_with(|| "true".into());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime
        .block_on(DefaultCredentialsChain::with_env(env.lookup()).provide_credentials())
        .map_err(|e| credentials::describe(&e))
}

// ---------------------------------------------------------------------------------------------
// profile.rs

const CONFIG: &str = "\
# a comment
; another comment
[default]
region = us-west-2
output=json
[ profile dev ]   # trailing comment on a header
region   =   eu-west-1
s3 =
    max_concurrent_requests = 20
    region = should-not-leak
aws_access_key_id = config-key
cli_pager =

[sso-session corp]
sso_start_url = https://example.awsapps.com/start

[not-a-profile-in-config]
region = ap-south-1
";

const CREDENTIALS: &str = "\
[default]
aws_access_key_id = default-key
aws_secret_access_key = default-secret

[dev]
aws_access_key_id = dev-key
aws_secret_access_key = dev-secret
";

#[test]
fn default_profile_merges_config_and_credentials() {
    let home = Home::new().config(CONFIG).credentials(CREDENTIALS);
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    assert_eq!(profile.name(), "default");
    assert_eq!(profile.get("region"), Some("us-west-2"));
    assert_eq!(profile.get("output"), Some("json"));
    assert_eq!(profile.get("aws_access_key_id"), Some("default-key"));
    assert_eq!(profile.get("AWS_Secret_Access_Key"), Some("default-secret"));
    assert_eq!(profile.get("missing"), None);
    assert_eq!(
        profile.sources(),
        [home.path(".aws/config"), home.path(".aws/credentials")]
    );
}

#[test]
fn named_profile_with_sub_section_and_credentials_precedence() {
    let home = Home::new().config(CONFIG).credentials(CREDENTIALS);
    let profile = home
        .env(&[("AWS_PROFILE", "dev")])
        .load_profile()
        .unwrap()
        .unwrap();
    assert_eq!(profile.name(), "dev");
    // The sub-section's `region` does not override the profile's.
    assert_eq!(profile.get("region"), Some("eu-west-1"));
    assert_eq!(profile.get("s3"), Some(""));
    assert_eq!(profile.get("max_concurrent_requests"), None);
    assert_eq!(profile.get("cli_pager"), Some(""));
    // In both files: the credentials file wins.
    assert_eq!(profile.get("aws_access_key_id"), Some("dev-key"));
    assert_eq!(profile.get("aws_secret_access_key"), Some("dev-secret"));
    assert_eq!(
        profile.keys().collect::<Vec<_>>(),
        [
            "aws_access_key_id",
            "aws_secret_access_key",
            "cli_pager",
            "region",
            "s3"
        ]
    );
}

#[test]
fn config_sections_without_the_profile_prefix_are_not_profiles() {
    let home = Home::new().config(CONFIG);
    for name in ["not-a-profile-in-config", "corp", "sso-session corp"] {
        let err = home
            .env(&[("AWS_PROFILE", name)])
            .load_profile()
            .unwrap_err();
        assert_eq!(err.missing_profile(), Some(name));
    }
}

#[test]
fn profile_prefix_in_config_and_default_spelled_as_profile() {
    let home =
        Home::new().config("[profile default]\nregion = ca-central-1\n[profile\tx]\nregion = a\n");
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    assert_eq!(profile.get("region"), Some("ca-central-1"));
    let x = home.env(&[("AWS_PROFILE", "x")]).load_profile().unwrap();
    assert_eq!(x.unwrap().get("region"), Some("a"));
}

#[test]
fn continuation_lines_extend_a_value() {
    let home = Home::new().config("[default]\nnote = one\n  two\n\tthree\n");
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    assert_eq!(profile.get("note"), Some("one\ntwo\nthree"));
}

#[test]
fn indented_header_is_a_continuation_as_in_the_aws_cli() {
    let home = Home::new().config("[default]\nregion = a\n  [profile x]\nregion = b\n");
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    assert_eq!(profile.get("region"), Some("b"));
    let err = home
        .env(&[("AWS_PROFILE", "x")])
        .load_profile()
        .unwrap_err();
    assert_eq!(err.missing_profile(), Some("x"));
}

#[test]
fn crlf_and_bom_are_accepted() {
    let home = Home::new().credentials("\u{feff}[default]\r\naws_access_key_id = k\r\n");
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    assert_eq!(profile.get("aws_access_key_id"), Some("k"));
}

#[test]
fn explicit_missing_profile_is_an_error_naming_it() {
    let home = Home::new().config(CONFIG).credentials(CREDENTIALS);
    let err = home
        .env(&[("AWS_PROFILE", "prod-eu")])
        .load_profile()
        .unwrap_err();
    assert_eq!(err.missing_profile(), Some("prod-eu"));
    let message = err.to_string();
    assert!(message.contains("`prod-eu`"), "{message}");
    assert!(message.contains("AWS_PROFILE"), "{message}");
    assert!(
        message.contains(&home.path(".aws/credentials").display().to_string()),
        "{message}"
    );
}

#[test]
fn missing_files_are_not_an_error() {
    let home = Home::new();
    assert!(home.env(&[]).load_profile().unwrap().is_none());
    // No home at all.
    assert!(Env::new(&[]).load_profile().unwrap().is_none());
    // The default profile missing from existing files is not an error either.
    let home = Home::new().config("[profile other]\nregion = x\n");
    assert!(home.env(&[]).load_profile().unwrap().is_none());
}

#[test]
fn file_locations_follow_the_environment() {
    let home = Home::new();
    let config = home.path("elsewhere-config");
    let credentials = home.path("elsewhere-credentials");
    std::fs::write(&config, "[default]\nregion = from-config\n").unwrap();
    std::fs::write(
        &credentials,
        "[default]\naws_access_key_id = from-credentials\n",
    )
    .unwrap();
    let env = home.env(&[
        ("AWS_CONFIG_FILE", config.to_str().unwrap()),
        ("AWS_SHARED_CREDENTIALS_FILE", credentials.to_str().unwrap()),
    ]);
    let profile = env.load_profile().unwrap().unwrap();
    assert_eq!(profile.get("region"), Some("from-config"));
    assert_eq!(profile.get("aws_access_key_id"), Some("from-credentials"));

    // `~/` expands to the home folder; USERPROFILE is the fallback home.
    let env = Env::new(&[
        ("USERPROFILE", home.dir.to_str().unwrap()),
        ("AWS_CONFIG_FILE", "~/elsewhere-config"),
    ]);
    assert_eq!(profile::config_file(&env.lookup()), Some(config));
    assert_eq!(
        profile::credentials_file(&env.lookup()),
        Some(home.path(".aws/credentials"))
    );
}

#[test]
fn parse_errors_name_file_and_line_but_not_values() {
    let home = Home::new().credentials("[default]\naws_secret_access_key = ok\nSECRETCANARY\n");
    let err = home.env(&[]).load_profile().unwrap_err();
    let message = err.to_string();
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("credentials"), "{message}");
    assert!(!message.contains("SECRETCANARY"), "{message}");
    assert!(!format!("{err:?}").contains("SECRETCANARY"));

    let home = Home::new().config("region = x\n");
    let message = home.env(&[]).load_profile().unwrap_err().to_string();
    assert!(message.contains("before any section"), "{message}");

    let home = Home::new().config("[default\n");
    let message = home.env(&[]).load_profile().unwrap_err().to_string();
    assert!(message.contains("`]`"), "{message}");
}

#[test]
fn unreadable_file_is_an_error() {
    let home = Home::new();
    // A folder where the file should be.
    std::fs::create_dir_all(home.path(".aws/config")).unwrap();
    let err = home.env(&[]).load_profile().unwrap_err();
    assert!(err.to_string().contains("could not read"), "{err}");
}

#[test]
fn profile_debug_shows_keys_not_values() {
    let home = Home::new().credentials(
        "[default]\naws_access_key_id = AKIDCANARY\naws_secret_access_key = SECRETCANARY\n",
    );
    let profile = home.env(&[]).load_profile().unwrap().unwrap();
    let debug = format!("{profile:?}");
    assert!(debug.contains("aws_secret_access_key"), "{debug}");
    assert!(!debug.contains("SECRETCANARY"), "{debug}");
    assert!(!debug.contains("AKIDCANARY"), "{debug}");
}

// ---------------------------------------------------------------------------------------------
// credentials.rs

#[test]
fn credentials_debug_redacts_secret_and_token() {
    let credentials = Credentials::new(
        "AKIDCANARY",
        "SECRETCANARY",
        Some("TOKENCANARY".to_owned()),
        None,
        "test",
    );
    for debug in [format!("{credentials:?}"), format!("{credentials:#?}")] {
        assert!(debug.contains("AKIDCANARY"), "{debug}");
        assert!(!debug.contains("SECRETCANARY"), "{debug}");
        assert!(!debug.contains("TOKENCANARY"), "{debug}");
        assert!(debug.contains("redacted"), "{debug}");
    }
    let without_token = format!(
        "{:?}",
        Credentials::new("AKIDCANARY", "SECRETCANARY", None, None, "test")
    );
    assert!(!without_token.contains("SECRETCANARY"), "{without_token}");

    assert_eq!(credentials.access_key_id(), "AKIDCANARY");
    assert_eq!(credentials.secret_access_key(), "SECRETCANARY");
    assert_eq!(credentials.session_token(), Some("TOKENCANARY"));
    // Static credentials provide themselves.
    let provided = provide(&credentials).unwrap();
    assert_eq!(provided.secret_access_key(), "SECRETCANARY");
}

#[test]
fn environment_wins_over_profile() {
    let home = Home::new().credentials(CREDENTIALS);
    let env = home.env(&[
        ("AWS_ACCESS_KEY_ID", "env-key"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
        ("AWS_SESSION_TOKEN", "env-token"),
    ]);
    let credentials = chain(&env).unwrap();
    assert_eq!(credentials.access_key_id(), "env-key");
    assert_eq!(credentials.secret_access_key(), "env-secret");
    assert_eq!(credentials.session_token(), Some("env-token"));

    let credentials = provide(&EnvironmentCredentials::with_env(env.lookup())).unwrap();
    assert_eq!(credentials.access_key_id(), "env-key");
}

#[test]
fn environment_wins_even_over_an_unsupported_profile() {
    let home = Home::new().config("[default]\ncredential_process = /bin/false\n");
    let env = home.env(&[
        ("AWS_ACCESS_KEY_ID", "env-key"),
        ("AWS_SECRET_ACCESS_KEY", "env-secret"),
    ]);
    let credentials = chain(&env).unwrap();
    assert_eq!(credentials.access_key_id(), "env-key");
    assert_eq!(credentials.session_token(), None);
}

#[test]
fn profile_is_used_without_environment_keys() {
    let home = Home::new().config(CONFIG).credentials(
        "[default]\naws_access_key_id = p-key\naws_secret_access_key = p-secret\n\
         aws_session_token = p-token\n",
    );
    // Empty variables count as unset.
    let env = home.env(&[("AWS_ACCESS_KEY_ID", ""), ("AWS_SECRET_ACCESS_KEY", "")]);
    let credentials = chain(&env).unwrap();
    assert_eq!(credentials.access_key_id(), "p-key");
    assert_eq!(credentials.secret_access_key(), "p-secret");
    assert_eq!(credentials.session_token(), Some("p-token"));

    let home = Home::new().config(CONFIG).credentials(CREDENTIALS);
    let env = home.env(&[("AWS_PROFILE", "dev")]);
    let credentials = provide(&ProfileCredentials::with_env(env.lookup())).unwrap();
    assert_eq!(credentials.access_key_id(), "dev-key");
    assert_eq!(credentials.session_token(), None);
}

#[test]
fn half_set_profile_is_an_error() {
    // `dev` has a key id in config but no secret anywhere.
    let home = Home::new().config(CONFIG);
    let env = home.env(&[("AWS_PROFILE", "dev")]);
    let err = chain(&env).unwrap_err();
    assert!(err.contains("no aws_secret_access_key"), "{err}");
    assert!(!err.contains("config-key"), "{err}");
}

#[test]
fn nothing_configured_says_where_it_looked() {
    let home = Home::new();
    let err = chain(&home.env(&[])).unwrap_err();
    assert!(err.starts_with("no AWS credentials: "), "{err}");
    assert!(err.contains("AWS_ACCESS_KEY_ID is not set"), "{err}");
    assert!(err.contains("no profile `default`"), "{err}");
    assert!(
        err.contains(&home.path(".aws/credentials").display().to_string()),
        "{err}"
    );

    let home = Home::new().config("[default]\nregion = us-east-1\n");
    let err = chain(&home.env(&[])).unwrap_err();
    assert!(
        err.contains("environment (AWS_ACCESS_KEY_ID is not set), "),
        "{err}"
    );
    assert!(
        err.contains("profile `default` (profile `default` has no credentials settings)"),
        "{err}"
    );

    let err = chain(&Env::new(&[])).unwrap_err();
    assert!(err.contains("HOME is not set"), "{err}");
}

#[test]
fn explicit_missing_profile_fails_the_chain() {
    let home = Home::new().credentials(CREDENTIALS);
    let err = chain(&home.env(&[("AWS_PROFILE", "typo")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("profile `typo`"), "{err}");
}

#[test]
fn half_set_environment_is_an_error_not_a_fallback() {
    let home = Home::new().credentials(CREDENTIALS);
    let err = chain(&home.env(&[("AWS_ACCESS_KEY_ID", "env-key")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"),
        "{err}"
    );
    let err = chain(&home.env(&[("AWS_SECRET_ACCESS_KEY", "SECRETCANARY")]))
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not"),
        "{err}"
    );
    assert!(!err.contains("SECRETCANARY"), "{err}");
}

#[test]
fn provider_debug_output_has_no_secrets() {
    let env = Env::new(&[
        ("AWS_ACCESS_KEY_ID", "AKIDCANARY"),
        ("AWS_SECRET_ACCESS_KEY", "SECRETCANARY"),
    ]);
    let chain = DefaultCredentialsChain::with_env(env.lookup());
    let debug = format!("{chain:?}");
    assert!(debug.contains("DefaultCredentialsChain"), "{debug}");
    assert!(!debug.contains("CANARY"), "{debug}");
    // The plain constructors exist and are Debug (they read the real environment lazily).
    let _ = format!(
        "{:?} {:?} {:?}",
        DefaultCredentialsChain::new(),
        EnvironmentCredentials::default(),
        ProfileCredentials::new()
    );
}

#[test]
fn providers_are_object_safe_and_thread_safe() {
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    let providers: Vec<Box<dyn ProvideCredentials>> = vec![
        Box::new(Credentials::new("a", "b", None, None, "test")),
        Box::new(EnvironmentCredentials::with_env(Env::new(&[]).lookup())),
        Box::new(ProfileCredentials::with_env(Env::new(&[]).lookup())),
        Box::new(DefaultCredentialsChain::with_env(Env::new(&[]).lookup())),
    ];
    assert_send_sync(&providers);
    let future = providers[0].provide_credentials();
    assert_send_sync(&std::sync::Mutex::new(future));
}

#[test]
fn region_order() {
    let home = Home::new().config(CONFIG);
    let env = home.env(&[("AWS_REGION", "r1"), ("AWS_DEFAULT_REGION", "r2")]);
    assert_eq!(region_from_env_or_profile(&env.lookup()), Some("r1".into()));
    let env = home.env(&[("AWS_REGION", ""), ("AWS_DEFAULT_REGION", "r2")]);
    assert_eq!(region_from_env_or_profile(&env.lookup()), Some("r2".into()));
    let env = home.env(&[]);
    assert_eq!(
        region_from_env_or_profile(&env.lookup()),
        Some("us-west-2".into())
    );
    let env = home.env(&[("AWS_PROFILE", "dev")]);
    assert_eq!(
        region_from_env_or_profile(&env.lookup()),
        Some("eu-west-1".into())
    );
    assert_eq!(region_from_env_or_profile(&Env::new(&[]).lookup()), None);
}

// ---------------------------------------------------------------------------------------------
// sign.rs

/// 2015-08-30T12:36:00Z, the date of the AWS SigV4 test suite.
fn test_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn send_task_failure_request() -> http::Request<Vec<u8>> {
    http::Request::builder()
        .method("POST")
        .uri("https://states.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AWSStepFunctions.SendTaskFailure")
        .body(b"{}".to_vec())
        .unwrap()
}

fn header<'a>(request: &'a http::Request<Vec<u8>>, name: &str) -> &'a str {
    request
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// SigV4 written out from the specification
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>), independent
/// of `aws-sigv4`: canonical request, string to sign, derived key, signature. Only what these
/// requests need: path `/`, no query, headers already lowercase with trimmed values.
fn expected_authorization(
    method: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    secret: &str,
    region: &str,
    service: &str,
) -> String {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
    fn hmac(key: &[u8], data: &str) -> Vec<u8> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
        mac.update(data.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }

    let mut headers = headers.to_vec();
    headers.sort();
    let date_time = headers
        .iter()
        .find(|(name, _)| *name == "x-amz-date")
        .unwrap()
        .1;
    let date = &date_time[..8];
    let canonical_headers: String = headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    let signed_headers = headers
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(";");
    let canonical_request = format!(
        "{method}\n/\n\n{canonical_headers}\n{signed_headers}\n{}",
        hex(&Sha256::digest(body))
    );
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{date_time}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    );
    let key = hmac(format!("AWS4{secret}").as_bytes(), date);
    let key = hmac(&key, region);
    let key = hmac(&key, service);
    let key = hmac(&key, "aws4_request");
    let signature = hex(&hmac(&key, &string_to_sign));
    format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/{scope}, SignedHeaders={signed_headers}, \
         Signature={signature}"
    )
}

/// The hard-coded values below were derived once with Python's `hmac`/`hashlib` from the same
/// canonical request (and that script reproduces the AWS suite's `get-vanilla` signature); the
/// test also recomputes them with [`expected_authorization`].
const SEND_TASK_FAILURE_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20150830/us-east-1/states/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-target, \
    Signature=2bbd759b396dc9b8e864223e4e832a794ed3449ccdac52f074419ea6fd23f8c9";

const SEND_TASK_FAILURE_WITH_TOKEN_AUTHORIZATION: &str = "AWS4-HMAC-SHA256 \
    Credential=AKIDEXAMPLE/20150830/us-east-1/states/aws4_request, \
    SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, \
    Signature=8ebe9fe8ce0a21d483e970c4f224038421285df7ae4d9f05eacec2d7309e267b";

const SIGNED_HEADERS: [(&str, &str); 4] = [
    ("content-type", "application/x-amz-json-1.0"),
    ("host", "states.us-east-1.amazonaws.com"),
    ("x-amz-date", "20150830T123600Z"),
    ("x-amz-target", "AWSStepFunctions.SendTaskFailure"),
];

#[test]
fn sign_send_task_failure_known_answer() {
    let mut request = send_task_failure_request();
    let credentials = Credentials::new(AKID, SECRET, None, None, "test");
    sign::sign_request(
        &mut request,
        &credentials,
        "us-east-1",
        "states",
        test_time(),
    )
    .unwrap();

    let independent = expected_authorization(
        "POST",
        &SIGNED_HEADERS,
        b"{}",
        SECRET,
        "us-east-1",
        "states",
    );
    assert_eq!(independent, SEND_TASK_FAILURE_AUTHORIZATION);
    assert_eq!(
        header(&request, "authorization"),
        SEND_TASK_FAILURE_AUTHORIZATION
    );
    assert_eq!(header(&request, "x-amz-date"), "20150830T123600Z");
    assert!(request.headers().get("x-amz-security-token").is_none());
    assert!(request.headers().get("x-amz-content-sha256").is_none());
    // The request is otherwise unchanged.
    assert_eq!(
        header(&request, "content-type"),
        "application/x-amz-json-1.0"
    );
    assert_eq!(request.body(), b"{}");
    assert_eq!(request.uri(), "https://states.us-east-1.amazonaws.com/");
}

#[test]
fn sign_with_session_token() {
    let token = "session-token-EXAMPLE";
    let mut request = send_task_failure_request();
    let credentials = Credentials::new(AKID, SECRET, Some(token.to_owned()), None, "test");
    sign::sign_request(
        &mut request,
        &credentials,
        "us-east-1",
        "states",
        test_time(),
    )
    .unwrap();

    let mut signed = SIGNED_HEADERS.to_vec();
    signed.push(("x-amz-security-token", token));
    let independent = expected_authorization("POST", &signed, b"{}", SECRET, "us-east-1", "states");
    assert_eq!(independent, SEND_TASK_FAILURE_WITH_TOKEN_AUTHORIZATION);
    assert_eq!(
        header(&request, "authorization"),
        SEND_TASK_FAILURE_WITH_TOKEN_AUTHORIZATION
    );
    assert_eq!(header(&request, "x-amz-security-token"), token);
    // The token header is marked sensitive, so http's Debug hides it.
    assert!(request.headers()["x-amz-security-token"].is_sensitive());
    assert!(!format!("{:?}", request.headers()).contains(token));
}

#[test]
fn sign_matches_the_aws_suite_get_vanilla() {
    // From the AWS SigV4 test suite (`get-vanilla`): GET / on example.amazonaws.com, service
    // `service`, us-east-1, 20150830T123600Z.
    let mut request = http::Request::builder()
        .uri("https://example.amazonaws.com/")
        .body(Vec::new())
        .unwrap();
    let credentials = Credentials::new(AKID, SECRET, None, None, "test");
    sign::sign_request(
        &mut request,
        &credentials,
        "us-east-1",
        "service",
        test_time(),
    )
    .unwrap();
    assert_eq!(
        header(&request, "authorization"),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, \
         Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
}

#[test]
fn re_signing_replaces_the_previous_signature() {
    let mut request = send_task_failure_request();
    let with_token = Credentials::new(AKID, SECRET, Some("old-token".to_owned()), None, "test");
    let later = test_time() + Duration::from_secs(3600);
    sign::sign_request(&mut request, &with_token, "us-east-1", "states", later).unwrap();
    // A retry signs again with new credentials and time: no stale header is signed or kept.
    let credentials = Credentials::new(AKID, SECRET, None, None, "test");
    sign::sign_request(
        &mut request,
        &credentials,
        "us-east-1",
        "states",
        test_time(),
    )
    .unwrap();
    assert_eq!(
        header(&request, "authorization"),
        SEND_TASK_FAILURE_AUTHORIZATION
    );
    assert!(request.headers().get("x-amz-security-token").is_none());
    assert_eq!(request.headers().get_all("x-amz-date").iter().count(), 1);
}

#[test]
fn sign_errors_have_no_secrets() {
    let credentials = Credentials::new(
        AKID,
        "SECRETCANARY",
        Some("TOKENCANARY".to_owned()),
        None,
        "test",
    );

    let mut relative = http::Request::builder().uri("/").body(Vec::new()).unwrap();
    let err = sign::sign_request(
        &mut relative,
        &credentials,
        "us-east-1",
        "states",
        test_time(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("no host"), "{err}");

    let mut binary = send_task_failure_request();
    binary.headers_mut().insert(
        "x-custom",
        http::HeaderValue::from_bytes(b"caf\xe9 VALUECANARY").unwrap(),
    );
    let err = sign::sign_request(
        &mut binary,
        &credentials,
        "us-east-1",
        "states",
        test_time(),
    )
    .unwrap_err();
    let message = format!("{err} {err:?}");
    assert!(message.contains("x-custom"), "{message}");
    for canary in ["SECRETCANARY", "TOKENCANARY", "VALUECANARY"] {
        assert!(!message.contains(canary), "{message}");
    }

    let bad_token = Credentials::new(
        AKID,
        "SECRETCANARY",
        Some("TOKENCANARY\n".to_owned()),
        None,
        "test",
    );
    let mut request = send_task_failure_request();
    let err = sign::sign_request(&mut request, &bad_token, "us-east-1", "states", test_time())
        .unwrap_err();
    let message = format!("{err} {err:?} {:?}", std::error::Error::source(&err));
    assert!(message.contains("session token"), "{message}");
    for canary in ["SECRETCANARY", "TOKENCANARY"] {
        assert!(!message.contains(canary), "{message}");
    }
}

#[test]
fn provided_credentials_sign_end_to_end() {
    let env = Env::new(&[
        ("AWS_ACCESS_KEY_ID", AKID),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_REGION", "us-east-1"),
    ]);
    let credentials = chain(&env).unwrap();
    let region = region_from_env_or_profile(&env.lookup()).unwrap();
    let mut request = send_task_failure_request();
    sign::sign_request(&mut request, &credentials, &region, "states", test_time()).unwrap();
    assert_eq!(
        header(&request, "authorization"),
        SEND_TASK_FAILURE_AUTHORIZATION
    );
}

/// Profile settings that cannot work are errors that name the profile and the setting, never a
/// fallback to another source, and never echo a secret or the role's ARN.
#[test]
fn misconfigured_profile_chains_are_named() {
    let cases = [
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\n",
            "neither `source_profile` nor `credential_source`",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = y\ncredential_source = Environment\n",
            "both `source_profile` and `credential_source`",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = nowhere\n",
            "`source_profile = nowhere`, which is not defined",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = y\n\
             [profile y]\nrole_arn = arn:aws:iam::1:role/s\nsource_profile = x\n",
            "cycle: x -> y -> x",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Laptop\n",
            "`credential_source = Laptop` is not one of",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = y\n\
             mfa_serial = arn:aws:iam::1:mfa/me\n[profile y]\naws_access_key_id = k\n\
             aws_secret_access_key = SECRETCANARY\n",
            "`mfa_serial`",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = y\n[profile y]\nregion = us-east-1\n",
            "profile `y` (a `source_profile`) has no credentials",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = x\n",
            "its own `source_profile` but has no aws_access_key_id",
        ),
        (
            "[profile x]\nweb_identity_token_file = /t\n",
            "`web_identity_token_file` but no `role_arn`",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = y\n\
             duration_seconds = an hour\n[profile y]\naws_access_key_id = k\naws_secret_access_key = s\n",
            "`duration_seconds` is not a whole number",
        ),
        (
            "[profile x]\nrole_arn = arn:aws:iam::1:role/r\ncredential_source = Environment\n",
            "`credential_source = Environment`, which gave no credentials: AWS_ACCESS_KEY_ID is not set",
        ),
    ];
    for (config, expected) in cases {
        let home = Home::new().config(config);
        let env = home.env(&[("AWS_PROFILE", "x")]);
        let err = chain(&env).unwrap_err();
        assert!(err.starts_with("AWS credentials"), "{err}");
        assert!(err.contains("profile `x`"), "{err}");
        assert!(err.contains(expected), "{expected}: {err}");
        assert!(!err.contains("SECRETCANARY"), "{err}");
        assert!(!err.contains("arn:aws:iam"), "{err}");
    }
}
