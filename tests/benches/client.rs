//! What one `SendTaskFailure` call costs with the generated client, against a baseline measured in
//! the same run: `cargo bench -p tests --bench client`.
//!
//! A local HTTP/1.1 server (tokio, keep-alive, its own thread) answers every request with
//! `200 {}` as AWS JSON 1.0 with an `x-amzn-requestid`. Three loads run against it, in rounds,
//! interleaved so that a noisy machine affects them alike:
//!
//! - **raw hyper**: `N` POSTs with a hyper client (same connector settings as the generated
//!   transport), nothing else: the baseline;
//! - **client**: `N` sequential `send_task_failure()` calls through the real generated client
//!   (endpoint, credentials, request, SigV4, transport, response parsing, error sorting);
//! - **client, cached chain** and **client, uncached environment**: the same calls with the
//!   credentials coming from an environment provider behind the `CredentialsCache` every
//!   `Config` puts in front of its provider (the default chain's path), and from the same
//!   provider asked on every call (how every call got its credentials before the cache);
//! - **signing**: `N` SigV4 signings of the request the client sends, alone, with the generated
//!   runtime's own signing module (`smithy_rust_runtime::sign`, over `aws-sigv4`).
//!
//! Wall time is the median over the rounds. CPU time is measured two ways, labelled as such:
//! "client-thread CPU", the calling thread's time on CPU (`/proc/thread-self/schedstat`,
//! nanoseconds, median over the rounds; the server runs on another thread, so this is the
//! caller's cost alone), and "process CPU", the whole process's user+system time
//! (`/proc/self/stat` fields 14 and 15, clock ticks taken as 1/100 s, summed over all rounds
//! because one round holds only a few ticks; it includes the in-process server). Linux only;
//! elsewhere the CPU columns show `n/a`.
//!
//! `BENCH_N` (default 2000) sets the calls per round, `BENCH_ROUNDS` (default 10) the rounds.

use smithy_rust_runtime::{credentials, sign};

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sfn::{Client, Config};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

const REGION: &str = "us-east-1";
const TARGET: &str = "AWSStepFunctions.SendTaskFailure";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
const TOKEN: &str = "AAAAKgAAAAIAAAAAAAAAAbenchmark-task-token";
/// The body the client sends for the call below (checked against the server's view once).
const BODY: &str = r#"{"taskToken":"AAAAKgAAAAIAAAAAAAAAAbenchmark-task-token","error":"Bench.Error","cause":"a benchmark"}"#;
/// The whole run should stay well under this; rounds stop early past it.
const BUDGET: Duration = Duration::from_secs(25);

fn main() {
    let n: usize = env_number("BENCH_N", 2000);
    let rounds: usize = env_number("BENCH_ROUNDS", 10);
    let addr = start_server();
    let endpoint = format!("http://{addr}");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");

    let client = Client::new(
        Config::builder()
            .region(REGION)
            .endpoint_url(&endpoint)
            .credentials(sfn::credentials::Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
                None,
                "test",
            ))
            .build(),
    );
    let bench_env = |key: &str| match key {
        "AWS_ACCESS_KEY_ID" => Some("AKIDEXAMPLE".to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY".to_owned()),
        _ => None,
    };
    let provider_config = || Config::builder().region(REGION).endpoint_url(&endpoint);
    let cached = Client::new(
        provider_config()
            .credentials_provider(credentials::EnvironmentCredentials::with_env(bench_env))
            .build(),
    );
    let uncached = Client::new(
        provider_config()
            .credentials_provider_uncached(credentials::EnvironmentCredentials::with_env(bench_env))
            .build(),
    );
    let mut raw = RawHyper::new(&endpoint);
    let mut signer = Signer::new(&endpoint);

    // Warm-up: connections open, code paths and allocator warm; and a check that the calls work.
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..n / 10 + 1 {
            call(&client).await;
            call(&cached).await;
            call(&uncached).await;
            raw.post().await;
        }
    });
    for _ in 0..n / 10 + 1 {
        signer.sign();
    }

    let mut client_rounds = Vec::new();
    let mut raw_rounds = Vec::new();
    let mut sign_rounds = Vec::new();
    let mut cached_rounds = Vec::new();
    let mut uncached_rounds = Vec::new();
    for round in 0..rounds {
        if round > 0 && started.elapsed() > BUDGET {
            eprintln!("stopping after {round} rounds: over the time budget of {BUDGET:?}");
            break;
        }
        raw_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    raw.post().await;
                }
            })
        }));
        client_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    call(&client).await;
                }
            })
        }));
        cached_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    call(&cached).await;
                }
            })
        }));
        uncached_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    call(&uncached).await;
                }
            })
        }));
        sign_rounds.push(measure(n, || {
            for _ in 0..n {
                signer.sign();
            }
        }));
    }
    let raw = Sample::of(&raw_rounds);
    let ours = Sample::of(&client_rounds);
    let signing = Sample::of(&sign_rounds);
    let cached = Sample::of(&cached_rounds);
    let uncached = Sample::of(&uncached_rounds);

    println!();
    println!(
        "SendTaskFailure against a local HTTP/1.1 keep-alive server: {n} sequential calls per round, {} rounds",
        client_rounds.len()
    );
    println!(
        "(wall and client-thread CPU [/proc/thread-self/schedstat]: median per round; process CPU \
         [/proc/self/stat utime+stime, 10 ms ticks, server thread included]: over all rounds)"
    );
    println!();
    println!(
        "{:<22} {:>10} {:>14} {:>22} {:>22}",
        "", "calls/s", "wall µs/call", "client-thread CPU µs", "process CPU µs"
    );
    for (label, sample) in [
        ("raw hyper (baseline)", &raw),
        ("generated client", &ours),
        ("  cached chain", &cached),
        ("  uncached env", &uncached),
    ] {
        println!(
            "{label:<22} {:>10.0} {:>14.1} {:>22} {:>22}",
            1e6 / sample.wall_us,
            sample.wall_us,
            cpu(sample.thread_cpu_us),
            cpu(sample.process_cpu_us),
        );
    }
    println!(
        "{:<22} {:>10} {:>14} {:>22} {:>22}",
        "client / baseline",
        format!("{:.2}x", raw.wall_us / ours.wall_us),
        format!("{:.2}x", ours.wall_us / raw.wall_us),
        ratio(ours.thread_cpu_us, raw.thread_cpu_us),
        ratio(ours.process_cpu_us, raw.process_cpu_us),
    );
    println!(
        "{:<22} {:>10} {:>14.1} {:>22} {:>22}",
        "SigV4 signing alone",
        "",
        signing.wall_us,
        cpu(signing.thread_cpu_us),
        cpu(signing.process_cpu_us),
    );
    println!();
    println!(
        "signing share of a client call: {:.1}% of its wall time, {} of its client-thread CPU time",
        100.0 * signing.wall_us / ours.wall_us,
        match (signing.thread_cpu_us, ours.thread_cpu_us) {
            (Some(sign), Some(call)) => format!("{:.1}%", 100.0 * sign / call),
            _ => "n/a".to_owned(),
        }
    );
    println!(
        "client overhead over raw hyper: {:.1} µs wall per call, of which signing {:.1} µs",
        ours.wall_us - raw.wall_us,
        signing.wall_us
    );
    println!(
        "credentials, client-thread CPU per call against fixed credentials: cached provider {}, \
         uncached provider {}; wall: {:.2}x, {:.2}x",
        ratio(cached.thread_cpu_us, ours.thread_cpu_us),
        ratio(uncached.thread_cpu_us, ours.thread_cpu_us),
        cached.wall_us / ours.wall_us,
        uncached.wall_us / ours.wall_us,
    );
}

/// One `SendTaskFailure` call; panics unless it succeeds.
async fn call(client: &Client) {
    client
        .send_task_failure()
        .task_token(TOKEN)
        .error("Bench.Error")
        .cause("a benchmark")
        .send()
        .await
        .unwrap_or_else(|e| panic!("the call failed: {e}"));
}

/// What one round measured.
#[derive(Clone, Copy)]
struct Round {
    ops: usize,
    wall_us: f64,
    thread_cpu_us: Option<f64>,
    process_ticks: Option<u64>,
}

/// Per-operation figures over all rounds.
struct Sample {
    /// Median over the rounds.
    wall_us: f64,
    /// Median over the rounds.
    thread_cpu_us: Option<f64>,
    /// All rounds' ticks over all rounds' operations: one round holds too few 10 ms ticks.
    process_cpu_us: Option<f64>,
}

impl Sample {
    fn of(rounds: &[Round]) -> Sample {
        fn median(mut values: Vec<f64>) -> f64 {
            values.sort_by(f64::total_cmp);
            values[values.len() / 2]
        }
        let ops: usize = rounds.iter().map(|r| r.ops).sum();
        Sample {
            wall_us: median(rounds.iter().map(|r| r.wall_us / r.ops as f64).collect()),
            thread_cpu_us: rounds
                .iter()
                .map(|r| r.thread_cpu_us.map(|us| us / r.ops as f64))
                .collect::<Option<Vec<_>>>()
                .map(median),
            process_cpu_us: rounds
                .iter()
                .map(|r| r.process_ticks)
                .sum::<Option<u64>>()
                .map(|ticks| ticks as f64 * 1e4 / ops as f64),
        }
    }
}

/// Runs `work`, which does `ops` operations, and measures it.
fn measure(ops: usize, work: impl FnOnce()) -> Round {
    let (thread_before, process_before) = (thread_cpu_ns(), process_cpu_ticks());
    let started = Instant::now();
    work();
    let wall = started.elapsed();
    let (thread_after, process_after) = (thread_cpu_ns(), process_cpu_ticks());
    Round {
        ops,
        wall_us: wall.as_secs_f64() * 1e6,
        thread_cpu_us: thread_before
            .zip(thread_after)
            .map(|(before, after)| (after - before) as f64 / 1e3),
        process_ticks: process_before
            .zip(process_after)
            .map(|(before, after)| after - before),
    }
}

/// Nanoseconds this thread has spent on a CPU: the first field of `/proc/thread-self/schedstat`.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// User plus system time of the whole process, in clock ticks (USER_HZ, 100 on Linux): fields 14
/// and 15 of `/proc/self/stat`, counted after the parenthesised command name.
fn process_cpu_ticks() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &text[text.rfind(')')? + 1..];
    // Fields from 3 (state) on; utime and stime are fields 14 and 15.
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn cpu(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.1}"))
}

fn ratio(ours: Option<f64>, baseline: Option<f64>) -> String {
    match (ours, baseline) {
        (Some(ours), Some(baseline)) if baseline > 0.0 => format!("{:.2}x", ours / baseline),
        _ => "n/a".to_owned(),
    }
}

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or_else(|| panic!("{name} must be a positive number, not {value:?}")),
        Err(_) => default,
    }
}

/// The baseline: the same POST with a bare hyper client, connector set up as the generated
/// transport's (no TLS on plain HTTP, `TCP_NODELAY`), reading the whole answer.
struct RawHyper {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    uri: hyper::Uri,
}

impl RawHyper {
    fn new(endpoint: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .build(connector),
            uri: format!("{endpoint}/").parse().expect("a valid URI"),
        }
    }

    async fn post(&mut self) {
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(self.uri.clone())
            .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("x-amz-target", TARGET)
            .body(Full::new(Bytes::from_static(BODY.as_bytes())))
            .expect("a valid request");
        let response = self.client.request(request).await.expect("a response");
        assert_eq!(response.status(), 200);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        assert_eq!(&body[..], b"{}");
    }
}

/// Signs the request the client sends (same method, URI and headers as the generated
/// orchestrator builds) with the generated crate's signing module.
struct Signer {
    request: http::Request<Vec<u8>>,
    credentials: credentials::Credentials,
}

impl Signer {
    fn new(endpoint: &str) -> Self {
        let uri: http::Uri = format!("{endpoint}/").parse().expect("a valid URI");
        let host = uri.authority().expect("a host").as_str().to_owned();
        let request = http::Request::builder()
            .method(http::Method::POST)
            .uri(uri)
            .header(http::header::HOST, host)
            .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
            .header("x-amz-target", TARGET)
            .header(
                http::header::USER_AGENT,
                "sfn/0.1.0 (rust; generated by smithy-rust-codegen)",
            )
            .header(
                "amz-sdk-invocation-id",
                "00000000-0000-4000-8000-000000000000",
            )
            .header("amz-sdk-request", "attempt=1; max=3")
            .body(BODY.as_bytes().to_vec())
            .expect("a valid request");
        Self {
            request,
            credentials: credentials::Credentials::new(
                "AKIDEXAMPLE",
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                None,
                None,
                "test",
            ),
        }
    }

    /// One signing; the module drops the previous signature's headers first, as on a retry.
    fn sign(&mut self) {
        sign::sign_request(
            &mut self.request,
            &self.credentials,
            REGION,
            "states",
            SystemTime::now(),
        )
        .expect("signing works");
        std::hint::black_box(&self.request);
    }
}

/// Starts the server on 127.0.0.1:0 in its own thread (with its own runtime) and gives its
/// address.
fn start_server() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener
        .set_nonblocking(true)
        .expect("a non-blocking socket");
    let addr = listener.local_addr().expect("an address");
    std::thread::Builder::new()
        .name("bench-server".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("a listener");
                loop {
                    let (stream, _) = listener.accept().await.expect("a connection");
                    tokio::spawn(serve_connection(stream));
                }
            });
        })
        .expect("a server thread");
    addr
}

/// Answers requests on one connection until the client closes it: reads the head and a
/// `Content-Length` body, answers `200 {}`.
async fn serve_connection(stream: tokio::net::TcpStream) {
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    let mut answered: u64 = 0;
    loop {
        let mut content_length = 0usize;
        let mut first = true;
        loop {
            line.clear();
            match stream.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" {
                break;
            }
            if first {
                assert!(line.starts_with("POST / HTTP/1.1"), "unexpected {line:?}");
                first = false;
            } else if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse().expect("a numeric Content-Length");
                }
            }
        }
        let mut body = vec![0; content_length];
        if stream.read_exact(&mut body).await.is_err() {
            return;
        }
        assert_eq!(body, BODY.as_bytes(), "the body the client sent");
        answered += 1;
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: {CONTENT_TYPE}\r\nx-amzn-requestid: bench-{answered}\r\ncontent-length: 2\r\n\r\n{{}}"
        );
        if stream
            .get_mut()
            .write_all(response.as_bytes())
            .await
            .is_err()
        {
            return;
        }
    }
}
