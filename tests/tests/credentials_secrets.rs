//! No secret of any credentials source shows: secret keys, session tokens, the web identity
//! token file's contents, SSO access tokens, the container authorization token and the IMDS
//! session token appear in no `Debug` or `Display` output, no error and no tracing event (at the
//! most verbose level), whether the source works or fails. Every secret the local peers hand
//! out contains `CANARY`.

#[path = "support/capture.rs"]
mod capture;
#[allow(dead_code)]
#[path = "support/peers.rs"]
mod peers;

use std::collections::HashMap;
use std::path::PathBuf;

use capture::Capture;
use peers::{expiry_in_an_hour, Peers};
use sfn::Client;

/// A temporary home folder with the shared files and the SSO cache of every case.
struct Home(PathBuf);

impl Home {
    fn new(label: &str, token_expiry: &str) -> Home {
        // The label becomes part of a command line (`credential_process = sh DIR/...`).
        let dir = tests::temp_path(&label.replace(' ', "-"));
        std::fs::create_dir_all(dir.join(".aws/sso/cache")).unwrap();
        let script = dir.join("creds.sh");
        std::fs::write(
            &script,
            format!(
                "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \
                 \"SecretAccessKey\": \"CANARY-SECRET-PROCESS\", \"SessionToken\": \
                 \"CANARY-TOKEN-ASIAPROCESS\", \"Expiration\": \"{}\"}}'\n",
                expiry_in_an_hour()
            ),
        )
        .unwrap();
        let failing = dir.join("fails.sh");
        std::fs::write(
            &failing,
            "#!/bin/sh\necho 'CANARY-PROCESS-STDOUT'\necho 'CANARY-PROCESS-STDERR' >&2\nexit 3\n",
        )
        .unwrap();
        std::fs::write(
            dir.join(".aws/config"),
            format!(
                "[profile process]\ncredential_process = sh {} --password CANARY-ARGUMENT\n\
                 [profile process-fails]\ncredential_process = sh {} --password CANARY-ARGUMENT\n\
                 [profile role]\nrole_arn = arn:aws:iam::123456789012:role/worker\nsource_profile = base\n\
                 [profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = CANARY-SECRET-BASE\n\
                 [profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Worker\n\
                 [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
                script.display(),
                failing.display()
            ),
        )
        .unwrap();
        // `aws sso login --sso-session corp` names the file by the SHA-1 of `corp`.
        std::fs::write(
            dir.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
            format!(
                r#"{{"startUrl":"https://corp.awsapps.com/start","region":"us-east-1","accessToken":"{}","expiresAt":"{token_expiry}"}}"#,
                peers::SSO_ACCESS_TOKEN
            ),
        )
        .unwrap();
        std::fs::write(dir.join("web-token"), peers::WEB_IDENTITY_TOKEN).unwrap();
        std::fs::write(dir.join("container-token"), peers::CONTAINER_TOKEN).unwrap();
        Home(dir)
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// One call through a client whose configuration reads only `vars`; everything it printed,
/// traced or returned, as text.
fn call_with(peers: &Peers, home: &Home, vars: &[(&str, String)]) -> (bool, String) {
    let mut env: HashMap<String, String> = vars
        .iter()
        .map(|(name, value)| (name.to_string(), value.replace("{peers}", &peers.url)))
        .collect();
    env.insert("HOME".into(), home.0.display().to_string());
    env.entry("AWS_EC2_METADATA_DISABLED".into())
        .or_insert_with(|| "true".into());
    env.insert("AWS_REGION".into(), "us-east-1".into());
    env.insert("AWS_ENDPOINT_URL_SFN".into(), peers.url.clone());

    let capture = Capture::default();
    let text = tracing::subscriber::with_default(capture.clone(), || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let config =
                sfn::config::ConfigBuilder::from_env_with(move |key| env.get(key).cloned()).build();
            let client = Client::new(&config);
            let result = client.send_task_failure().task_token("T").send().await;
            let outcome = match &result {
                Ok(output) => format!("ok {output:?}"),
                Err(error) => format!("error {error} {error:?}"),
            };
            (result.is_ok(), format!("{outcome}\n{config:?}\n{client:?}"))
        })
    });
    let (ok, mut all) = text;
    all.push('\n');
    all.push_str(&capture.0.lock().unwrap().join("\n"));
    (ok, all)
}

fn check(label: &str, expect_ok: bool, vars: &[(&str, String)], token_expiry: &str) {
    let peers = Peers::start();
    let home = Home::new(label, token_expiry);
    let vars: Vec<(&str, String)> = vars
        .iter()
        .map(|(name, value)| {
            (
                *name,
                value
                    .replace("{home}", &home.0.display().to_string())
                    .replace("{web-token}", &home.file("web-token"))
                    .replace("{container-token}", &home.file("container-token")),
            )
        })
        .collect();
    let (ok, text) = call_with(&peers, &home, &vars);
    assert_eq!(ok, expect_ok, "{label}:\n{text}");
    assert!(!text.contains("CANARY"), "{label} leaked a secret:\n{text}");
    if expect_ok {
        assert!(peers.sfn_call().is_some(), "{label}: no call");
    }
}

#[test]
fn working_sources_show_no_secret() {
    let in_an_hour = expiry_in_an_hour();
    let cases: Vec<(&str, Vec<(&str, String)>)> = vec![
        (
            "environment",
            vec![
                ("AWS_ACCESS_KEY_ID", "AKIDENV".into()),
                ("AWS_SECRET_ACCESS_KEY", "CANARY-SECRET-ENV".into()),
                ("AWS_SESSION_TOKEN", "CANARY-TOKEN-ENV".into()),
            ],
        ),
        ("process", vec![("AWS_PROFILE", "process".into())]),
        (
            "assume role",
            vec![
                ("AWS_PROFILE", "role".into()),
                ("AWS_ENDPOINT_URL_STS", "{peers}".into()),
            ],
        ),
        (
            "web identity",
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "{web-token}".into()),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa".into()),
                ("AWS_ENDPOINT_URL_STS", "{peers}".into()),
            ],
        ),
        (
            "sso",
            vec![
                ("AWS_PROFILE", "sso".into()),
                ("AWS_ENDPOINT_URL_SSO", "{peers}".into()),
            ],
        ),
        (
            "container",
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "{peers}/container-credentials".into(),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "{container-token}".into(),
                ),
            ],
        ),
        (
            "instance metadata",
            vec![
                ("AWS_EC2_METADATA_DISABLED", "false".into()),
                ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "{peers}".into()),
            ],
        ),
    ];
    for (label, vars) in cases {
        check(label, true, &vars, &in_an_hour);
    }
}

#[test]
fn failing_sources_show_no_secret() {
    let in_an_hour = expiry_in_an_hour();
    type Case<'a> = (&'a str, Vec<(&'a str, String)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            "process exits with an error",
            vec![("AWS_PROFILE", "process-fails".into())],
            &in_an_hour,
        ),
        (
            "web identity, STS unreachable",
            vec![
                ("AWS_WEB_IDENTITY_TOKEN_FILE", "{web-token}".into()),
                ("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/irsa".into()),
                ("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9".into()),
            ],
            &in_an_hour,
        ),
        (
            "assume role, STS answers 404",
            vec![
                ("AWS_PROFILE", "role".into()),
                ("AWS_ENDPOINT_URL_STS", "{peers}/nowhere".into()),
            ],
            &in_an_hour,
        ),
        (
            "sso, token expired",
            vec![
                ("AWS_PROFILE", "sso".into()),
                ("AWS_ENDPOINT_URL_SSO", "{peers}".into()),
            ],
            "2001-01-01T00:00:00Z",
        ),
        (
            "container answers 404",
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "{peers}/nowhere".into(),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                    "{container-token}".into(),
                ),
            ],
            &in_an_hour,
        ),
        (
            "container URI not allowed",
            vec![
                (
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                    "http://192.0.2.1/creds".into(),
                ),
                (
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                    peers::CONTAINER_TOKEN.into(),
                ),
            ],
            &in_an_hour,
        ),
    ];
    for (label, vars, expiry) in cases {
        check(label, false, &vars, expiry);
    }
}
