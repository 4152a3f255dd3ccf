//! Two profile sources of the credentials chain: `credential_process` (shell scripts written
//! into a temporary folder) and IAM Identity Center (SSO, against a scripted portal on
//! 127.0.0.1 reached through `AWS_ENDPOINT_URL_SSO`, with the token cache in a temporary
//! `HOME`).
//!
//! Environment lookups are closures over maps, so nothing here reads or changes the process
//! environment or the real `~/.aws`. Secrets are canaries (`...CANARY`) that no `Debug` or
//! `Display` output and no error may contain.
#![cfg(unix)]

use smithy_rust_runtime::{credentials, sign};

use credentials::{Credentials, DefaultCredentialsChain, ProfileCredentials, ProvideCredentials};
use scripted_server::{Reply, ScriptedServer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

#[path = "support/scripted_server.rs"]
mod scripted_server;

const AKID: &str = "ASIAEXAMPLEPROCESS";
const SECRET: &str = "SECRETKEYCANARY";
const SESSION_TOKEN: &str = "SESSIONTOKENCANARY";
const SSO_TOKEN: &str = "SSOACCESSTOKENCANARY";
/// Every secret a test may hand out; none may appear in a message.
const CANARIES: [&str; 6] = [
    "SECRETKEYCANARY",
    "SESSIONTOKENCANARY",
    "SSOACCESSTOKENCANARY",
    "ARGCANARY",
    "OUTPUTCANARY",
    "STDERRCANARY",
];

/// `sha1("corp")` and `sha1(LEGACY_START_URL)` in hex (computed with `sha1sum`), the names
/// of the token cache files `aws sso login` writes for the session `corp` and the legacy
/// profile.
const CORP_CACHE: &str = "ee0bfd2552fbd840c02cc48b6e823320543c450f";
const LEGACY_START_URL: &str = "https://d-1234567890.awsapps.com/start";
const LEGACY_CACHE: &str = "7487b5b67d5fa1132cf33fa93ae51ef38cc37752";

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
            "runtime-sso-process-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        Self { dir }
    }

    fn config(self, text: &str) -> Self {
        std::fs::write(self.dir.join(".aws/config"), text).unwrap();
        self
    }

    /// An executable shell script in this folder; its path.
    fn script(&self, name: &str, body: &str) -> String {
        use std::os::unix::fs::PermissionsExt;
        let path = self.dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path.display().to_string()
    }

    /// Writes `~/.aws/sso/cache/<name>.json`.
    fn sso_cache(&self, name: &str, text: &str) {
        std::fs::write(self.dir.join(format!(".aws/sso/cache/{name}.json")), text).unwrap();
    }

    /// `HOME` set to this folder, instance metadata off, plus `vars`.
    fn env(&self, vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + Send + Sync {
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert("HOME".into(), self.dir.display().to_string());
        map.insert("AWS_EC2_METADATA_DISABLED".into(), "true".into());
        move |key: &str| map.get(key).cloned()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The default chain's answer, with its error as a caller sees it.
async fn chain(
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> Result<Credentials, String> {
    let provider = DefaultCredentialsChain::with_env(env);
    tokio::time::timeout(Duration::from_secs(30), provider.provide_credentials())
        .await
        .expect("the chain answered in time")
        .map_err(|e| {
            let text = credentials::describe(&e);
            assert_no_secrets(&format!("{e} {e:?} {text}"));
            text
        })
}

/// The chain's error, which must say each of `needles`.
async fn chain_error(
    env: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    needles: &[&str],
) -> String {
    let message = match chain(env).await {
        Ok(credentials) => panic!("expected an error, got {credentials:?}"),
        Err(message) => message,
    };
    for needle in needles {
        assert!(message.contains(needle), "{needle:?} not in: {message}");
    }
    message
}

fn assert_no_secrets(text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{canary} leaked: {text}");
    }
}

/// `Debug` of credentials shows no secret, and names the provider.
fn assert_debug_is_redacted(credentials: &Credentials, provider: &str) {
    let debug = format!("{credentials:?}");
    assert_no_secrets(&debug);
    assert!(debug.contains(&format!("\"{provider}\"")), "{debug}");
}

/// An RFC 3339 time `seconds` from now (negative: in the past), and that time.
fn rfc3339_in(seconds: i64) -> (String, SystemTime) {
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let at = (now + seconds) as u64;
    let (days, rest) = (at / 86_400, at % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let text = format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    );
    (text, SystemTime::UNIX_EPOCH + Duration::from_secs(at))
}

/// A request signed with `credentials`, for checking which keys signed it.
fn signed_with(credentials: &Credentials) -> http::Request<Vec<u8>> {
    let mut request = http::Request::builder()
        .method("POST")
        .uri("https://states.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "AWSStepFunctions.ListActivities")
        .body(b"{}".to_vec())
        .unwrap();
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    sign::sign_request(&mut request, credentials, "us-east-1", "states", time).unwrap();
    request
}

/// The request signed with the provided credentials carries their access key id and session
/// token, and the same signature as one signed with the keys the source handed out (so the
/// secret key is theirs too).
fn assert_signs_with(provided: &Credentials, akid: &str, secret: &str, token: &str) {
    let request = signed_with(provided);
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_owned();
    let authorization = header("authorization");
    assert!(
        authorization.contains(&format!("Credential={akid}/")),
        "{authorization}"
    );
    assert_eq!(header("x-amz-security-token"), token);
    let expected = Credentials::new(akid, secret, Some(token.to_owned()), None, "expected");
    assert_eq!(
        authorization,
        signed_with(&expected).headers()["authorization"]
    );
    assert_no_secrets(&format!("{request:?}"));
}

// ---------------------------------------------------------------------------------------------
// credential_process

/// A home whose default profile runs `command`.
fn process_home(command_of: impl FnOnce(&Home) -> String) -> Home {
    let home = Home::new();
    let command = command_of(&home);
    home.config(&format!("[default]\ncredential_process = {command}\n"))
}

fn json_script(json: &str) -> String {
    format!("cat <<'EOF'\n{json}\nEOF")
}

#[tokio::test]
async fn process_credentials_with_expiry_token_and_account_sign_requests() {
    let (expiration, expiry) = rfc3339_in(3600);
    let home = process_home(|home| {
        let script = home.script(
            "creds.sh",
            &json_script(&format!(
                r#"{{"Version": 1, "AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}",
                    "SessionToken": "{SESSION_TOKEN}", "Expiration": "{expiration}",
                    "AccountId": "123456789012"}}"#
            )),
        );
        format!("{script} --password ARGCANARY")
    });
    let credentials = chain(home.env(&[])).await.unwrap();
    assert_eq!(credentials.access_key_id(), AKID);
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(SESSION_TOKEN));
    assert_eq!(credentials.expiry(), Some(expiry));
    assert_eq!(
        credentials.account_id().map(|id| id.as_str()),
        Some("123456789012")
    );
    assert_debug_is_redacted(&credentials, "CredentialProcess");
    assert_signs_with(&credentials, AKID, SECRET, SESSION_TOKEN);
}

#[tokio::test]
async fn process_without_session_token_or_expiry_and_with_an_empty_stdin() {
    // `cat` reads standard input: with none given, it ends at once.
    let home = process_home(|home| {
        home.script(
            "creds.sh",
            &format!(
                "cat >/dev/null\nprintf '%s' '{{\"Version\":1,\"AccessKeyId\":\"{AKID}\",\
                 \"SecretAccessKey\":\"{SECRET}\"}}'"
            ),
        )
    });
    let credentials = chain(home.env(&[])).await.unwrap();
    assert_eq!(credentials.access_key_id(), AKID);
    assert_eq!(credentials.session_token(), None);
    assert_eq!(credentials.expiry(), None);
}

#[tokio::test]
async fn process_answers_that_are_refused() {
    let (past, _) = rfc3339_in(-60);
    let cases: [(&str, String, &[&str]); 8] = [
        (
            "version 2",
            json_script(&format!(
                r#"{{"Version": 2, "AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}"}}"#
            )),
            &["`Version` is 2", "only version 1"],
        ),
        (
            "no version",
            json_script(&format!(
                r#"{{"AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}"}}"#
            )),
            &["`Version` is missing"],
        ),
        (
            "bad JSON",
            json_script(r#"{"Version": 1, "AccessKeyId": "OUTPUTCANARY", "#),
            &["not JSON (line"],
        ),
        ("no output", "true".to_owned(), &["printed nothing"]),
        (
            "missing secret key",
            json_script(&format!(r#"{{"Version": 1, "AccessKeyId": "{AKID}"}}"#)),
            &["`SecretAccessKey` is missing"],
        ),
        (
            "missing both keys",
            json_script(r#"{"Version": 1, "SessionToken": "SESSIONTOKENCANARY"}"#),
            &["`AccessKeyId` and `SecretAccessKey` are missing"],
        ),
        (
            "expired",
            json_script(&format!(
                r#"{{"Version": 1, "AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}",
                    "Expiration": "{past}"}}"#
            )),
            &["already expired"],
        ),
        (
            "expiration not a time",
            json_script(&format!(
                r#"{{"Version": 1, "AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}",
                    "Expiration": "OUTPUTCANARY"}}"#
            )),
            &["`Expiration` is not an RFC 3339 time"],
        ),
    ];
    for (case, body, needles) in cases {
        let home =
            process_home(|home| format!("{} --token ARGCANARY", home.script("creds.sh", &body)));
        let message = chain_error(home.env(&[]), needles).await;
        assert!(
            message.contains("credential_process of profile `default`")
                && message.contains("creds.sh"),
            "{case}: {message}"
        );
    }
}

#[tokio::test]
async fn process_failures_say_the_exit_status_but_not_the_output() {
    let home = process_home(|home| {
        let script = home.script(
            "fails.sh",
            "echo '{\"AccessKeyId\": \"OUTPUTCANARY\"}'\necho STDERRCANARY >&2\nexit 3",
        );
        format!("{script} --secret ARGCANARY")
    });
    chain_error(
        home.env(&[]),
        &[
            "the credential_process of profile `default`",
            "fails.sh",
            "exit status: 3",
            "not shown",
        ],
    )
    .await;
}

#[tokio::test]
async fn process_that_cannot_be_found_says_so() {
    let home = process_home(|_| "/nonexistent/credential-helper ARGCANARY".to_owned());
    chain_error(
        home.env(&[]),
        &[
            "`/nonexistent/credential-helper`",
            "exit status: 127",
            "could not find the program",
        ],
    )
    .await;
}

#[tokio::test]
async fn process_assignments_in_the_command_line_are_not_named() {
    let home = process_home(|home| {
        let script = home.script("fails.sh", "exit 1");
        format!("TOKEN=ARGCANARY {script}")
    });
    chain_error(home.env(&[]), &["fails.sh", "exit status: 1"]).await;
}

#[tokio::test]
async fn process_output_past_one_mebibyte_is_refused() {
    let home = process_home(|home| {
        home.script(
            "huge.sh",
            "printf '{\"Version\": 1, \"AccessKeyId\": \"OUTPUTCANARY\"'\n\
             head -c 2000000 /dev/zero",
        )
    });
    chain_error(home.env(&[]), &["huge.sh", "more than 1048576 bytes"]).await;
}

#[tokio::test]
async fn process_runs_through_the_shell_from_a_named_profile() {
    // A pipeline: only a shell runs this.
    let home = Home::new();
    let json =
        format!(r#"{{"Version": 1, "AccessKeyId": "{AKID}", "SecretAccessKey": "{SECRET}"}}"#);
    let home = home.config(&format!(
        "[profile tool]\ncredential_process = echo '{json}' | cat\n"
    ));
    let credentials = chain(home.env(&[("AWS_PROFILE", "tool")])).await.unwrap();
    assert_eq!(credentials.access_key_id(), AKID);
    assert_eq!(credentials.secret_access_key(), SECRET);
}

#[tokio::test]
async fn process_is_killed_when_the_caller_stops_waiting() {
    let home = Home::new();
    let marker = home.dir.join("finished");
    let home = home.config(&format!(
        "[default]\ncredential_process = sleep 1; touch {}\n",
        marker.display()
    ));
    let provider = ProfileCredentials::with_env(home.env(&[]));
    let gave_up =
        tokio::time::timeout(Duration::from_millis(200), provider.provide_credentials()).await;
    assert!(gave_up.is_err(), "the command takes a second");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!marker.exists(), "the command ran on after the caller left");
}

// ---------------------------------------------------------------------------------------------
// SSO

const SSO_SESSION_CONFIG: &str = "\
[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = ReadOnly
region = eu-west-1

[sso-session corp]
sso_start_url = https://d-corp.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
";

fn legacy_config(extra: &str) -> String {
    format!(
        "[profile legacy]\nsso_start_url = {LEGACY_START_URL}\nsso_region = us-west-2\n\
         sso_account_id = 210987654321\nsso_role_name = Admin Role\n{extra}"
    )
}

/// A token cache file as `aws sso login` writes it, expiring `seconds` from now.
fn token_cache(seconds: i64) -> String {
    let (expires_at, _) = rfc3339_in(seconds);
    format!(
        r#"{{"startUrl": "https://d-corp.awsapps.com/start", "region": "us-east-1",
            "accessToken": "{SSO_TOKEN}", "expiresAt": "{expires_at}",
            "clientId": "client", "clientSecret": "SECRETKEYCANARY",
            "refreshToken": "SESSIONTOKENCANARY"}}"#
    )
}

/// The portal's answer with these credentials, expiring `seconds` from now; and that time.
fn role_credentials(seconds: i64) -> (String, SystemTime) {
    let (_, expiry) = rfc3339_in(seconds);
    let millis = expiry
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    let body = format!(
        r#"{{"roleCredentials": {{"accessKeyId": "ASIASSOEXAMPLE",
            "secretAccessKey": "{SECRET}", "sessionToken": "{SESSION_TOKEN}",
            "expiration": {millis}}}}}"#
    );
    (body, expiry)
}

fn json_reply(status: u16, body: &str) -> Reply {
    Reply::respond(status, body).header("Content-Type", "application/json")
}

/// A home with the `dev` profile (sso-session `corp`) and a valid token; the portal answers
/// with `script`.
async fn sso_session_setup(script: Vec<Reply>) -> (Home, ScriptedServer) {
    let home = Home::new().config(SSO_SESSION_CONFIG);
    home.sso_cache(CORP_CACHE, &token_cache(3600));
    (home, ScriptedServer::start(script).await)
}

#[tokio::test]
async fn sso_session_profile_gets_role_credentials_that_sign_requests() {
    let (body, expiry) = role_credentials(3600);
    let (home, server) = sso_session_setup(vec![json_reply(200, &body)]).await;
    let env = home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", &server.url()),
    ]);
    let credentials = chain(env).await.unwrap();

    assert_eq!(credentials.access_key_id(), "ASIASSOEXAMPLE");
    assert_eq!(credentials.secret_access_key(), SECRET);
    assert_eq!(credentials.session_token(), Some(SESSION_TOKEN));
    let millis = |t: SystemTime| {
        t.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    };
    assert_eq!(credentials.expiry().map(millis), Some(millis(expiry)));
    assert_eq!(
        credentials.account_id().map(|id| id.as_str()),
        Some("123456789012")
    );
    assert_debug_is_redacted(&credentials, "SSO");
    assert_signs_with(&credentials, "ASIASSOEXAMPLE", SECRET, SESSION_TOKEN);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(
        request.path,
        "/federation/credentials?role_name=ReadOnly&account_id=123456789012"
    );
    assert_eq!(request.header("x-amz-sso_bearer_token"), Some(SSO_TOKEN));
    assert_eq!(
        request.header("authorization"),
        None,
        "the call is not signed"
    );
    assert_eq!(request.header("host"), Some(server.authority().as_str()));
}

#[tokio::test]
async fn legacy_sso_profile_uses_the_start_url_cache_and_encodes_the_role() {
    let (body, _) = role_credentials(3600);
    let server = ScriptedServer::start(vec![json_reply(200, &body)]).await;
    let home = Home::new().config(&legacy_config(""));
    // Older AWS CLIs wrote the expiry with a `UTC` suffix.
    let (expires_at, _) = rfc3339_in(600);
    let expires_at = expires_at.replace('Z', "UTC");
    home.sso_cache(
        LEGACY_CACHE,
        &format!(r#"{{"accessToken": "{SSO_TOKEN}", "expiresAt": "{expires_at}"}}"#),
    );
    let env = home.env(&[
        ("AWS_PROFILE", "legacy"),
        ("AWS_ENDPOINT_URL_SSO", &server.url()),
    ]);
    let credentials = chain(env).await.unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASSOEXAMPLE");
    assert_eq!(
        credentials.account_id().map(|id| id.as_str()),
        Some("210987654321")
    );
    let request = &server.requests()[0];
    assert_eq!(
        request.path,
        "/federation/credentials?role_name=Admin%20Role&account_id=210987654321"
    );
    assert_eq!(request.header("x-amz-sso_bearer_token"), Some(SSO_TOKEN));
}

#[tokio::test]
async fn sso_endpoint_precedence() {
    let (body, _) = role_credentials(3600);
    // AWS_ENDPOINT_URL when AWS_ENDPOINT_URL_SSO is unset; then the profile's endpoint_url.
    let server = ScriptedServer::start(vec![json_reply(200, &body), json_reply(200, &body)]).await;
    let home = Home::new().config(&legacy_config(&format!(
        "endpoint_url = {}/\n",
        server.url()
    )));
    home.sso_cache(LEGACY_CACHE, &token_cache(3600));
    let base = format!("{}/", server.url());
    chain(home.env(&[("AWS_PROFILE", "legacy"), ("AWS_ENDPOINT_URL", &base)]))
        .await
        .unwrap();
    chain(home.env(&[("AWS_PROFILE", "legacy")])).await.unwrap();
    let paths: Vec<String> = server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 2);
    assert!(paths
        .iter()
        .all(|p| p.starts_with("/federation/credentials?")));

    // Ignoring configured endpoints means the regional portal: with an invalid region that is
    // refused before any connection, which shows the configured URLs were not used.
    let home = Home::new().config(
        &legacy_config(&format!("endpoint_url = {}\n", server.url()))
            .replace("us-west-2", "bad_region"),
    );
    home.sso_cache(LEGACY_CACHE, &token_cache(3600));
    let url = server.url();
    for ignore in ["true", "TRUE"] {
        let env = home.env(&[
            ("AWS_PROFILE", "legacy"),
            ("AWS_ENDPOINT_URL_SSO", &url),
            ("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", ignore),
        ]);
        chain_error(env, &["`sso_region` is not a region name"]).await;
    }
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn sso_token_missing_expired_or_unreadable_says_to_log_in() {
    let server = ScriptedServer::start(Vec::new()).await;
    let url = server.url();
    let cases: [(&str, Option<String>, &str, &[&str]); 6] = [
        (
            "dev",
            None,
            CORP_CACHE,
            &["no SSO token is cached", "does not exist"],
        ),
        ("dev", Some(token_cache(-60)), CORP_CACHE, &["has expired"]),
        (
            "dev",
            Some("{not json SSOACCESSTOKENCANARY".into()),
            CORP_CACHE,
            &["not JSON"],
        ),
        (
            "dev",
            Some(r#"{"expiresAt": "2099-01-01T00:00:00Z"}"#.into()),
            CORP_CACHE,
            &["no `accessToken`"],
        ),
        (
            "dev",
            Some(format!(
                r#"{{"accessToken": "{SSO_TOKEN}", "expiresAt": "soon"}}"#
            )),
            CORP_CACHE,
            &["`expiresAt` is not an RFC 3339 time"],
        ),
        (
            "legacy",
            Some(token_cache(-1)),
            LEGACY_CACHE,
            &["has expired"],
        ),
    ];
    for (profile, cache, file, needles) in cases {
        let home = Home::new().config(&format!("{SSO_SESSION_CONFIG}{}", legacy_config("")));
        if let Some(cache) = &cache {
            home.sso_cache(file, cache);
        }
        let login = match profile {
            "dev" => "run `aws sso login --sso-session corp`",
            _ => "run `aws sso login --profile legacy`",
        };
        let env = home.env(&[("AWS_PROFILE", profile), ("AWS_ENDPOINT_URL_SSO", &url)]);
        let message = chain_error(env, needles).await;
        assert!(message.contains(login), "{message}");
        assert!(
            message.contains(&format!("profile `{profile}`")),
            "{message}"
        );
    }
    assert!(server.requests().is_empty(), "no token, no request");
}

#[tokio::test]
async fn sso_settings_that_are_missing_are_named() {
    let cases: [(&str, &[&str]); 4] = [
        (
            "[profile p]\nsso_session = corp\nsso_account_id = 1\n\n[sso-session corp]\n\
             sso_start_url = https://x/start\n",
            &[
                "profile `p` (SSO) is missing `sso_role_name`",
                "[sso-session corp] is missing `sso_region`",
            ],
        ),
        (
            "[profile p]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\n",
            &[
                "`sso_session = nowhere`",
                "no [sso-session nowhere] section",
            ],
        ),
        (
            "[profile p]\nsso_start_url = https://x/start\n",
            &["profile `p` (SSO) is missing `sso_region`, `sso_account_id` and `sso_role_name`"],
        ),
        (
            "[profile p]\nsso_session = corp\nsso_region = eu-west-1\nsso_account_id = 1\n\
             sso_role_name = r\n\n[sso-session corp]\nsso_start_url = https://x/start\n\
             sso_region = us-east-1\n",
            &["different `sso_region` values"],
        ),
    ];
    for (config, needles) in cases {
        let home = Home::new().config(config);
        chain_error(home.env(&[("AWS_PROFILE", "p")]), needles).await;
    }
}

#[tokio::test]
async fn sso_portal_error_answers() {
    let unauthorized = json_reply(401, r#"{"message":"Session token not found or invalid"}"#)
        .header(
            "x-amzn-errortype",
            "UnauthorizedException:http://internal.amazon.com/coral/",
        );
    let forbidden = json_reply(403, r#"{"message":"No access"}"#)
        .header("x-amzn-errortype", "ForbiddenException");
    let not_found = json_reply(404, r#"{"message":"No access"}"#)
        .header("x-amzn-errortype", "ResourceNotFoundException");
    let throttled = json_reply(429, r#"{"message":"Rate exceeded"}"#)
        .header("x-amzn-errortype", "TooManyRequestsException");
    let html = Reply::respond(502, "<html><body>Bad Gateway</body></html>");
    let cases: [(Reply, &[&str]); 5] = [
        (
            unauthorized,
            &[
                "the SSO session has expired or was revoked",
                "401 UnauthorizedException: Session token not found or invalid",
                "run `aws sso login --sso-session corp`",
            ],
        ),
        (
            forbidden,
            &[
                "expired or was revoked",
                "403 ForbiddenException",
                "aws sso login",
            ],
        ),
        (
            not_found,
            &[
                "no role `ReadOnly` in account `123456789012`",
                "404 ResourceNotFoundException",
            ],
        ),
        (
            throttled,
            &["failed: it answered 429 TooManyRequestsException: Rate exceeded"],
        ),
        (html, &["502: <html><body>Bad Gateway</body></html>"]),
    ];
    for (reply, needles) in cases {
        let (home, server) = sso_session_setup(vec![reply]).await;
        let env = home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &server.url()),
        ]);
        let message = chain_error(env, needles).await;
        assert!(message.contains(&server.url()), "{message}");
    }
}

#[tokio::test]
async fn sso_portal_malformed_answers_are_clear_errors() {
    let (past, _) = role_credentials(-60);
    let cases: [(Reply, &[&str]); 8] = [
        (
            Reply::respond(200, "<html>SESSIONTOKENCANARY</html>"),
            &["is not valid: it is not JSON"],
        ),
        (
            json_reply(
                200,
                r#"{"roleCredentials": {"accessKeyId": "A", "secretAcc"#,
            ),
            &["cut short"],
        ),
        (json_reply(200, "{}"), &["no `roleCredentials` object"]),
        (
            json_reply(
                200,
                r#"{"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "SECRETKEYCANARY", "expiration": 99999999999999}}"#,
            ),
            &["`roleCredentials` has no `sessionToken`"],
        ),
        (
            json_reply(
                200,
                r#"{"roleCredentials": {"accessKeyId": "A", "secretAccessKey": "SECRETKEYCANARY", "sessionToken": "SESSIONTOKENCANARY"}}"#,
            ),
            &["no `expiration`"],
        ),
        (json_reply(200, &past), &["already expired"]),
        (
            Reply::Huge(2 * 1024 * 1024),
            &["GetRoleCredentials", "failed"],
        ),
        (Reply::CloseMidBody, &["GetRoleCredentials", "failed"]),
    ];
    for (reply, needles) in cases {
        let (home, server) = sso_session_setup(vec![reply]).await;
        let env = home.env(&[
            ("AWS_PROFILE", "dev"),
            ("AWS_ENDPOINT_URL_SSO", &server.url()),
        ]);
        chain_error(env, needles).await;
    }
}

#[tokio::test]
async fn sso_unreachable_portal_names_it_without_the_query() {
    let home = Home::new().config(SSO_SESSION_CONFIG);
    home.sso_cache(CORP_CACHE, &token_cache(3600));
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let env = home.env(&[("AWS_PROFILE", "dev"), ("AWS_ENDPOINT_URL_SSO", &url)]);
    let message = chain_error(env, &[&url, "GetRoleCredentials"]).await;
    assert!(!message.contains("role_name="), "{message}");
}

#[tokio::test]
async fn sso_profile_provider_debug_and_errors_hold_no_token() {
    let (home, server) = sso_session_setup(vec![json_reply(
        401,
        r#"{"message":"Session token not found or invalid"}"#,
    )])
    .await;
    let provider = ProfileCredentials::with_env(home.env(&[
        ("AWS_PROFILE", "dev"),
        ("AWS_ENDPOINT_URL_SSO", &server.url()),
    ]));
    assert_no_secrets(&format!("{provider:?}"));
    let error = provider.provide_credentials().await.unwrap_err();
    let text = format!(
        "{error} {error:?} {} {:?}",
        credentials::describe(&error),
        std::error::Error::source(&error)
    );
    assert_no_secrets(&text);
    assert!(text.contains("aws sso login --sso-session corp"), "{text}");
}
