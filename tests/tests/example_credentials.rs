//! The generated example program (`cargo run -p sfn --example send_task_failure`) authenticates
//! with every source of the default chain, each chosen by the environment or the profile only,
//! as a user would set them up: environment keys, a `credential_process` profile, an assume-role
//! profile, web identity, SSO, container credentials and instance metadata. One local server
//! plays STS, the SSO portal, the container endpoint, IMDS and Step Functions; each case checks
//! that the Step Functions request was signed with the keys that source returned.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use smithy_rust_runtime::primitives::{DateTime, TimestampFormat};
use tests::{repo_root, temp_path};

/// A request the server saw: method, path, headers (names lowercased) and body.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Plays every service the sources and the example talk to, by method and path.
struct Peers {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn expiry_in_an_hour() -> String {
    DateTime::from(SystemTime::now() + Duration::from_secs(3600)).format(TimestampFormat::DateTime)
}

impl Peers {
    fn start() -> Peers {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let log = log.clone();
                std::thread::spawn(move || serve(stream, &log));
            }
        });
        Peers { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The Step Functions call the example made.
    fn sfn_call(&self) -> Option<Seen> {
        self.seen()
            .into_iter()
            .find(|s| s.header("x-amz-target") == Some("AWSStepFunctions.SendTaskFailure"))
    }
}

fn serve(stream: TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let path = parts.next().unwrap_or("").to_owned();
        let mut headers = Vec::new();
        loop {
            let mut header = String::new();
            if reader.read_line(&mut header).unwrap_or(0) == 0 {
                return;
            }
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let length = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .and_then(|(_, v)| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let (status, content_type, answer) = answer(&seen);
        log.lock().unwrap().push(seen);
        let response = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n{answer}",
            answer.len()
        );
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// What each peer answers.
fn answer(seen: &Seen) -> (u16, &'static str, String) {
    let expiry = expiry_in_an_hour();
    let json_credentials = |key: &str| {
        format!(
            r#"{{"Code":"Success","AccessKeyId":"{key}","SecretAccessKey":"secret-{key}","Token":"token-{key}","Expiration":"{expiry}"}}"#
        )
    };
    let sts = |action: &str, key: &str| {
        format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
             <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>secret-{key}</SecretAccessKey>\
             <SessionToken>token-{key}</SessionToken><Expiration>{expiry}</Expiration></Credentials>\
             </{action}Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{action}Response>"
        )
    };
    match (seen.method.as_str(), seen.path.as_str()) {
        ("POST", "/") if seen.header("x-amz-target").is_some() => {
            (200, "application/x-amz-json-1.0", "{}".to_owned())
        }
        ("POST", "/") if seen.body.contains("Action=AssumeRoleWithWebIdentity") => (
            200,
            "text/xml",
            sts("AssumeRoleWithWebIdentity", "ASIAWEBIDENTITY"),
        ),
        ("POST", "/") if seen.body.contains("Action=AssumeRole") => {
            (200, "text/xml", sts("AssumeRole", "ASIAASSUMEDROLE"))
        }
        ("GET", path) if path.starts_with("/federation/credentials") => {
            let millis = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 3_600_000;
            (
                200,
                "application/json",
                format!(
                    r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"secret-sso","sessionToken":"token-ASIASSO","expiration":{millis}}}}}"#
                ),
            )
        }
        ("GET", "/container-credentials") => {
            (200, "application/json", json_credentials("ASIACONTAINER"))
        }
        ("PUT", "/latest/api/token") => (200, "text/plain", "imds-session-token".to_owned()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => {
            (200, "text/plain", "worker-role".to_owned())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/worker-role") => {
            (200, "application/json", json_credentials("ASIAINSTANCE"))
        }
        _ => (404, "text/plain", "not found".to_owned()),
    }
}

/// A home folder for one case, removed afterwards.
struct Home(PathBuf);

impl Home {
    fn new(label: &str) -> Home {
        let dir = temp_path(label);
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        Home(dir)
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the example against `peers` with only `vars` (and `HOME`) describing credentials.
fn run_example(peers: &Peers, home: &Home, vars: &[(&str, String)]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--offline", "-q", "-p", "sfn", "--example"])
        .arg("send_task_failure")
        .arg("--")
        .args(["--endpoint-url", &peers.url, "--region", "us-east-1"])
        .args(["--task-token", "T"])
        .current_dir(repo_root())
        .env_remove("CARGO_MAKEFLAGS")
        .env("HOME", &home.0)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (name, _) in std::env::vars() {
        if name.starts_with("AWS_") {
            command.env_remove(name);
        }
    }
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    for (name, value) in vars {
        command.env(name, value);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"))
}

/// Runs the case and checks that Step Functions saw `key` (and its session token) in the
/// signature.
fn assert_signed_with(
    label: &str,
    key: &str,
    token: Option<&str>,
    vars: &[(&str, String)],
    home: &Home,
) {
    let peers = Peers::start();
    let vars: Vec<(&str, String)> = vars
        .iter()
        .map(|(name, value)| (*name, value.replace("{peers}", &peers.url)))
        .collect();
    let output = run_example(&peers, home, &vars);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{label}: exit {:?}\nstdout: {}\nstderr: {stderr}\nseen: {:#?}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        peers.seen()
    );
    let call = peers
        .sfn_call()
        .unwrap_or_else(|| panic!("{label}: no SendTaskFailure call"));
    let authorization = call.header("authorization").unwrap_or_default();
    assert!(
        authorization.contains(&format!("Credential={key}/")),
        "{label}: {authorization}"
    );
    assert_eq!(call.header("x-amz-security-token"), token, "{label}");
    for secret in [
        "secret-",
        "imds-session-token",
        "web-identity-jwt",
        "sso-access-token",
    ] {
        assert!(!stderr.contains(secret), "{label}: {stderr}");
    }
}

fn path_text(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn environment_keys() {
    let home = Home::new("example-env");
    assert_signed_with(
        "environment",
        "AKIDFROMENV",
        None,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDFROMENV".into()),
            ("AWS_SECRET_ACCESS_KEY", "secret-env".into()),
        ],
        &home,
    );
}

#[test]
fn credential_process_profile() {
    let home = Home::new("example-process");
    let script = home.write(
        "creds.sh",
        &format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \
             \"secret-process\", \"SessionToken\": \"token-ASIAPROCESS\", \"Expiration\": \"{}\"}}'\n",
            expiry_in_an_hour()
        ),
    );
    home.write(
        ".aws/config",
        &format!(
            "[profile worker]\ncredential_process = sh {}\n",
            path_text(&script)
        ),
    );
    assert_signed_with(
        "credential_process",
        "ASIAPROCESS",
        Some("token-ASIAPROCESS"),
        &[("AWS_PROFILE", "worker".into())],
        &home,
    );
}

#[test]
fn assume_role_profile() {
    let home = Home::new("example-assume-role");
    home.write(
        ".aws/config",
        "[profile worker]\nrole_arn = arn:aws:iam::123456789012:role/worker\nsource_profile = base\n\
         [profile base]\nregion = us-east-1\n",
    );
    home.write(
        ".aws/credentials",
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = secret-base\n",
    );
    assert_signed_with(
        "assume role",
        "ASIAASSUMEDROLE",
        Some("token-ASIAASSUMEDROLE"),
        &[
            ("AWS_PROFILE", "worker".into()),
            ("AWS_ENDPOINT_URL_STS", "{peers}".into()),
        ],
        &home,
    );
}

#[test]
fn web_identity_environment() {
    let home = Home::new("example-web-identity");
    let token = home.write("token", "web-identity-jwt");
    assert_signed_with(
        "web identity",
        "ASIAWEBIDENTITY",
        Some("token-ASIAWEBIDENTITY"),
        &[
            ("AWS_WEB_IDENTITY_TOKEN_FILE", path_text(&token)),
            ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa".into()),
            ("AWS_ENDPOINT_URL_STS", "{peers}".into()),
        ],
        &home,
    );
}

#[test]
fn sso_session_profile() {
    let home = Home::new("example-sso");
    home.write(
        ".aws/config",
        "[profile worker]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Worker\n\
         [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // The cache file `aws sso login --sso-session corp` writes: named by the SHA-1 of `corp`.
    home.write(
        ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
        &format!(
            r#"{{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"sso-access-token","expiresAt":"{}"}}"#,
            expiry_in_an_hour()
        ),
    );
    assert_signed_with(
        "SSO",
        "ASIASSO",
        Some("token-ASIASSO"),
        &[
            ("AWS_PROFILE", "worker".into()),
            ("AWS_ENDPOINT_URL_SSO", "{peers}".into()),
        ],
        &home,
    );
}

#[test]
fn container_credentials() {
    let home = Home::new("example-container");
    let token = home.write("container-token", "container-auth-token");
    assert_signed_with(
        "container",
        "ASIACONTAINER",
        Some("token-ASIACONTAINER"),
        &[
            (
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "{peers}/container-credentials".into(),
            ),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path_text(&token)),
        ],
        &home,
    );
}

#[test]
fn instance_metadata() {
    let home = Home::new("example-imds");
    assert_signed_with(
        "instance metadata",
        "ASIAINSTANCE",
        Some("token-ASIAINSTANCE"),
        &[
            ("AWS_EC2_METADATA_DISABLED", "false".into()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{peers}".into()),
        ],
        &home,
    );
}
