//! One local server that plays every peer of the credentials sources and the service: STS, the
//! SSO portal, the container endpoint, IMDS and Step Functions, routed by method and path. Every
//! secret it hands out contains `CANARY`, so tests can check that none leaks.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use smithy_rust_runtime::primitives::{DateTime, TimestampFormat};

/// The contents of the web identity token file the tests write.
pub const WEB_IDENTITY_TOKEN: &str = "CANARY-WEB-IDENTITY-JWT";
/// The SSO access token of the cache file the tests write.
pub const SSO_ACCESS_TOKEN: &str = "CANARY-SSO-ACCESS-TOKEN";
/// The container authorization token.
pub const CONTAINER_TOKEN: &str = "CANARY-CONTAINER-AUTH-TOKEN";
/// The IMDS session token the server hands out.
pub const IMDS_TOKEN: &str = "CANARY-IMDS-SESSION-TOKEN";

/// The session token the peers give with access key `key`.
pub fn session_token(key: &str) -> String {
    format!("CANARY-TOKEN-{key}")
}

/// A request the server saw: method, path, headers (names lowercased) and body.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Plays every service the sources and the example talk to, by method and path.
pub struct Peers {
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

pub fn expiry_in_an_hour() -> String {
    DateTime::from(SystemTime::now() + Duration::from_secs(3600)).format(TimestampFormat::DateTime)
}

impl Peers {
    pub fn start() -> Peers {
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

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The Step Functions call the example made.
    pub fn sfn_call(&self) -> Option<Seen> {
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
            r#"{{"Code":"Success","AccessKeyId":"{key}","SecretAccessKey":"CANARY-SECRET-{key}","Token":"CANARY-TOKEN-{key}","Expiration":"{expiry}"}}"#
        )
    };
    let sts = |action: &str, key: &str| {
        format!(
            "<{action}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><{action}Result>\
             <Credentials><AccessKeyId>{key}</AccessKeyId><SecretAccessKey>CANARY-SECRET-{key}</SecretAccessKey>\
             <SessionToken>CANARY-TOKEN-{key}</SessionToken><Expiration>{expiry}</Expiration></Credentials>\
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
                    r#"{{"roleCredentials":{{"accessKeyId":"ASIASSO","secretAccessKey":"CANARY-SECRET-SSO","sessionToken":"CANARY-TOKEN-ASIASSO","expiration":{millis}}}}}"#
                ),
            )
        }
        ("GET", "/container-credentials") => {
            (200, "application/json", json_credentials("ASIACONTAINER"))
        }
        ("PUT", "/latest/api/token") => (200, "text/plain", IMDS_TOKEN.to_owned()),
        ("GET", "/latest/meta-data/iam/security-credentials/") => {
            (200, "text/plain", "worker-role".to_owned())
        }
        ("GET", "/latest/meta-data/iam/security-credentials/worker-role") => {
            (200, "application/json", json_credentials("ASIAINSTANCE"))
        }
        _ => (404, "text/plain", "not found".to_owned()),
    }
}
