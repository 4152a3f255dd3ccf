//! A moto server (a local AWS emulator, from PyPI) for end-to-end tests.
//!
//! [`Moto::start`] installs moto once into `<repo>/target/moto-venv` (via `tests/moto/install.py`,
//! the one install procedure, which `.ci/run` calls too), starts `moto.server` on a free port of
//! 127.0.0.1 with its Step Functions engine switched on, and kills it again on drop. Each call
//! starts its own server, so tests do not share state unless they share a [`Moto`].
//!
//! What moto does and does not do as a Step Functions peer is written up in
//! `shared/peers/moto/README.md` (beside the repository).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The region that [`Moto::run_python`] uses; a client talking to the same server should sign
/// for it too (moto keeps state per region).
pub const REGION: &str = "us-east-1";
/// The dummy access key id given to the Python scripts (moto checks no signature).
pub const ACCESS_KEY_ID: &str = "testing";
/// The dummy secret access key given to the Python scripts.
pub const SECRET_ACCESS_KEY: &str = "testing";

/// How long a started server may take to answer `GET /moto-api/`.
const READY_TIMEOUT: Duration = Duration::from_secs(30);
/// How many times to try a fresh port when the server exits before it is ready or another
/// server answers on its port (another process took the port between our probe and moto's
/// bind).
const START_ATTEMPTS: usize = 3;

/// A running moto server, killed (and waited for) on drop.
pub struct Moto {
    child: Child,
    port: u16,
    python: PathBuf,
    log: PathBuf,
}

impl Moto {
    /// Starts a moto server on a free port, installing moto first if needed.
    ///
    /// Returns `None` (after printing `SKIPPED: ...` on stderr) when python3 is missing or moto
    /// cannot be installed on a developer machine. Under `CI=true` that is a panic instead: CI
    /// must never pass by silently skipping. A server that is installed but does not come up is
    /// a panic everywhere.
    pub fn start() -> Option<Moto> {
        let python = match venv_python() {
            Ok(python) => python.clone(),
            Err(why) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("moto is unavailable: {why}; under CI=true this is an error");
                }
                eprintln!("SKIPPED: moto is unavailable: {why}");
                return None;
            }
        };
        let mut failures = Vec::new();
        for _ in 0..START_ATTEMPTS {
            match Moto::spawn(&python) {
                Ok(moto) => return Some(moto),
                Err(why) => failures.push(why),
            }
        }
        panic!(
            "moto did not start in {START_ATTEMPTS} attempts:\n{}",
            failures.join("\n")
        );
    }

    /// One attempt: picks a port, starts the server, waits until it answers, switches the Step
    /// Functions engine on. `Err` when the server exited early (worth another port); panics on
    /// anything else.
    fn spawn(python: &Path) -> Result<Moto, String> {
        let port = free_port();
        let log_dir = crate::repo_root().join("target/moto-logs");
        std::fs::create_dir_all(&log_dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log_dir.display()));
        let log = log_dir.join(format!("moto-{port}.log"));
        let log_file = std::fs::File::create(&log)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", log.display()));
        let log_file2 = log_file
            .try_clone()
            .unwrap_or_else(|e| panic!("cannot reopen {}: {e}", log.display()));
        let started = Instant::now();
        // tests/moto/server.py is `python -m moto.server` plus one thing: it exits when its stdin
        // closes, so a test process that dies without dropping leaves no server behind. The
        // pipe's write end lives in `child` until drop.
        let child = Command::new(python)
            .arg(crate::repo_root().join("tests/moto/server.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(log_file)
            .stderr(log_file2)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
        // From here on, a panic drops `moto`, which kills the server.
        let mut moto = Moto {
            child,
            port,
            python: python.to_path_buf(),
            log,
        };
        loop {
            if let Some(status) = moto.child.try_wait().expect("cannot poll the moto process") {
                return Err(format!(
                    "moto on port {port} exited with {status} before it was ready:\n{}",
                    moto.log_text()
                ));
            }
            match http(port, "GET", "/moto-api/", "") {
                // moto's dashboard. Anything else answering is another server that took the
                // port between our probe and moto's bind (a test's scripted server, say): moto
                // will fail to bind, so try another port. (moto itself cannot pick the port:
                // its Step Functions engine calls back on the port it was given.)
                Ok((200, body)) if body.contains("<title>Moto</title>") => break,
                Ok((status, _)) => {
                    return Err(format!(
                        "port {port} is answered by another server (HTTP {status} to GET /moto-api/), not moto:\n{}",
                        moto.log_text()
                    ));
                }
                Err(_) => {}
            }
            if started.elapsed() > READY_TIMEOUT {
                panic!(
                    "moto on port {port} did not answer GET /moto-api/ within {READY_TIMEOUT:?}:\n{}",
                    moto.log_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!("moto: port {port} ready in {:?}", started.elapsed());
        // Off by default: without it SendTask* do nothing and no execution runs its states.
        match http(
            port,
            "POST",
            "/moto-api/config",
            r#"{"stepfunctions":{"execute_state_machine":true}}"#,
        ) {
            // moto answers 201.
            Ok((200..=299, _)) => Ok(moto),
            other => panic!(
                "moto on port {port}: POST /moto-api/config failed: {other:?}\n{}",
                moto.log_text()
            ),
        }
    }

    /// Changes moto's own settings: `POST /moto-api/config` with `body`, e.g.
    /// `{"lambda":{"use_docker":false}}` (Lambda functions then run in process: `Invoke` answers
    /// with its payload instead of starting a container). A key given replaces moto's whole
    /// setting of that service. Panics when moto refuses.
    pub fn configure(&self, body: &str) {
        match http(self.port, "POST", "/moto-api/config", body) {
            Ok((200..=299, _)) => {}
            other => panic!(
                "moto on port {}: POST /moto-api/config {body} failed: {other:?}\n{}",
                self.port,
                self.log_text()
            ),
        }
    }

    /// The server's base URL, `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The server's port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The file that holds the server's output, under `target/moto-logs/`; removed on drop
    /// unless the thread is panicking.
    pub fn log_path(&self) -> &Path {
        &self.log
    }

    /// Runs `tests/moto/<script> ARGS...` with the venv's python against this server and parses
    /// its stdout as JSON. The script gets `MOTO_ENDPOINT`, dummy credentials and [`REGION`], and
    /// no AWS config or credentials files of the user's. Panics, with the script's stderr, when
    /// it fails or prints no JSON.
    pub fn run_python(&self, script: &str, args: &[&str]) -> serde_json::Value {
        let path = crate::repo_root().join("tests/moto").join(script);
        let output = Command::new(&self.python)
            .arg(&path)
            .args(args)
            .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
            .env("AWS_DEFAULT_REGION", REGION)
            .env("MOTO_ENDPOINT", self.endpoint())
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_ENDPOINT_URL")
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", self.python.display()));
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            panic!(
                "{script} {args:?} failed with {}\n--- stderr:\n{stderr}\n--- stdout:\n{stdout}",
                output.status
            );
        }
        serde_json::from_str(&stdout).unwrap_or_else(|e| {
            panic!("{script} {args:?} printed no JSON ({e})\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}")
        })
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log)
            .unwrap_or_else(|e| format!("(cannot read {}: {e})", self.log.display()))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // The log is kept only when a test is failing (a panic is unwinding through here).
        if !std::thread::panicking() {
            let _ = std::fs::remove_file(&self.log);
        }
    }
}

/// The venv's python, after `tests/moto/install.py` made sure moto is installed; once per
/// process (other threads wait here), while the script's file lock covers other processes.
fn venv_python() -> &'static Result<PathBuf, String> {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let script = crate::repo_root().join("tests/moto/install.py");
        let started = Instant::now();
        let output = match Command::new("python3")
            .arg(&script)
            .stdin(Stdio::null())
            .output()
        {
            Ok(output) => output,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err("python3 is not installed (not found on PATH)".to_owned())
            }
            Err(e) => return Err(format!("cannot run python3: {e}")),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() {
            return Err(format!(
                "`python3 {}` failed with {}:\n{stderr}",
                script.display(),
                output.status
            ));
        }
        eprint!("{stderr}");
        eprintln!("moto: install check took {:?}", started.elapsed());
        let stdout = String::from_utf8_lossy(&output.stdout);
        let python = PathBuf::from(stdout.trim());
        if python.is_file() {
            Ok(python)
        } else {
            Err(format!(
                "{} printed {stdout:?}, which is not the venv's python",
                script.display()
            ))
        }
    })
}

/// A port that was free a moment ago, below the kernel's ephemeral range: the servers tests
/// start on port 0 (scripted servers, the SSO portal, ...) get ports from that range, so none
/// of them can take this port between this probe and moto's bind. Falls back to a port the
/// kernel picks when no lower port is free.
fn free_port() -> u16 {
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|text| text.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32768);
    const LOWEST: u16 = 10000;
    if ephemeral_low > LOWEST + 100 {
        let span = u64::from(ephemeral_low - LOWEST);
        // A start that differs from process to process, so parallel test binaries spread out.
        let seed = u64::from(std::process::id())
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| u64::from(d.subsec_nanos())),
            );
        for i in 0..200 {
            let port = LOWEST + ((seed.wrapping_add(i * 7919)) % span) as u16;
            if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return port;
            }
        }
    }
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .unwrap_or_else(|e| panic!("cannot bind a port on 127.0.0.1: {e}"))
}

/// One plain HTTP/1.0 request to 127.0.0.1:`port`: the status code and the body.
fn http(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let response = String::from_utf8_lossy(&response);
    let bad = || std::io::Error::new(std::io::ErrorKind::InvalidData, response.to_string());
    let status = response
        .strip_prefix("HTTP/1.")
        .and_then(|rest| rest.get(2..5))
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    let body = response.split_once("\r\n\r\n").map_or("", |(_, body)| body);
    Ok((status, body.to_owned()))
}
