//! The generated example program (`cargo run -p sfn --example send_task_failure`) authenticates
//! with every source of the default chain, each chosen by the environment or the profile only,
//! as a user would set them up: environment keys, a `credential_process` profile, an assume-role
//! profile, web identity, SSO, container credentials and instance metadata. One local server
//! plays STS, the SSO portal, the container endpoint, IMDS and Step Functions; each case checks
//! that the Step Functions request was signed with the keys that source returned.

#[path = "support/peers.rs"]
mod peers;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use peers::{expiry_in_an_hour, session_token, Peers};
use tests::{repo_root, temp_path};

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
    with_token: bool,
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
    let token = with_token.then(|| session_token(key));
    assert_eq!(
        call.header("x-amz-security-token"),
        token.as_deref(),
        "{label}"
    );
    assert!(!stderr.contains("CANARY"), "{label}: {stderr}");
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
        false,
        &[
            ("AWS_ACCESS_KEY_ID", "AKIDFROMENV".into()),
            ("AWS_SECRET_ACCESS_KEY", "CANARY-SECRET-ENV".into()),
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
             \"CANARY-SECRET-PROCESS\", \"SessionToken\": \"CANARY-TOKEN-ASIAPROCESS\", \"Expiration\": \"{}\"}}'\n",
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
        true,
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
        "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = CANARY-SECRET-BASE\n",
    );
    assert_signed_with(
        "assume role",
        "ASIAASSUMEDROLE",
        true,
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
    let token = home.write("token", peers::WEB_IDENTITY_TOKEN);
    assert_signed_with(
        "web identity",
        "ASIAWEBIDENTITY",
        true,
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
            r#"{{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"{}","expiresAt":"{}"}}"#,
            peers::SSO_ACCESS_TOKEN,
            expiry_in_an_hour()
        ),
    );
    assert_signed_with(
        "SSO",
        "ASIASSO",
        true,
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
    let token = home.write("container-token", peers::CONTAINER_TOKEN);
    assert_signed_with(
        "container",
        "ASIACONTAINER",
        true,
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
        true,
        &[
            ("AWS_EC2_METADATA_DISABLED", "false".into()),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{peers}".into()),
        ],
        &home,
    );
}
