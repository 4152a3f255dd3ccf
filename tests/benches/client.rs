//! What one `SendTaskFailure` call (awsJson1_0) costs with the generated client, against
//! baselines and a restJson1 call measured in the same run: `cargo bench -p tests --bench client`.
//!
//! A local HTTP/1.1 server (tokio, keep-alive, its own thread) answers every `SendTaskFailure`
//! request with `200 {}` as AWS JSON 1.0 with an `x-amzn-requestid`, and Lambda's `GetFunction`
//! with a fixed function of about 1.3 KB as `application/json` (`client/rest_json.rs`). These
//! loads run against it, in rounds, interleaved so that a noisy machine affects them alike:
//!
//! - **floor (hand-written)**: `N` sequential `SendTaskFailure` calls written by hand on the
//!   generated client's stack: the body written with serde_json from a derived struct, the
//!   request built with the headers the client sends (`Host`, `Content-Type`, `X-Amz-Target`,
//!   `User-Agent`, and `amz-sdk-invocation-id`/`amz-sdk-request` with fixed values, so that the
//!   same bytes are signed and sent), signed with `aws-sigv4` directly (static credentials,
//!   turned into a signing identity once), sent with a hyper client (same connector settings as
//!   the generated transport), the whole answer read and parsed with serde_json into a derived
//!   struct. No retries, timeouts, tracing or error sorting: the cost the client is measured
//!   against;
//! - **raw hyper**: `N` POSTs of the same body with the same hyper client, nothing else (no
//!   signing, no JSON): what the transport alone costs;
//! - **client**: `N` sequential `send_task_failure()` calls through the real generated client
//!   (endpoint, credentials, request, SigV4, transport, response parsing, error sorting);
//! - **client, cached chain** and **client, uncached environment**: the same calls with the
//!   credentials coming from an environment provider behind the `CredentialsCache` every
//!   `Config` puts in front of its provider (the default chain's path), and from the same
//!   provider asked on every call (how every call got its credentials before the cache);
//! - **restJson1 GetFunction**: `N` sequential `get_function()` calls through a Lambda client
//!   generated from the official model (`tests/generated/lambda`, `GetFunction` alone): the
//!   label in the path, no body, the answer decoded into the typed output (checked). Its
//!   figures against the client's are the "restJson1 / awsJson" row: the per-call cost of a
//!   restJson1 call next to an awsJson one, same configuration, server and run (the answers
//!   differ: GetFunction's is a real one, SendTaskFailure's is empty);
//! - **signing**: `N` SigV4 signings of the request the client sends, alone, with the generated
//!   runtime's own signing module (`smithy_rust_runtime::sign`, over `aws-sigv4`).
//!
//! Wall time is the median over the rounds. CPU time is measured two ways, labelled as such:
//! "client-thread CPU", the calling thread's time on CPU (`/proc/thread-self/schedstat`,
//! nanoseconds, median over the rounds; the server runs on another thread, so this is the
//! caller's cost alone), and "process CPU", the whole process's user+system time
//! (`/proc/self/stat` fields 14 and 15, clock ticks taken as 1/100 s, summed over all rounds
//! because one round holds only a few ticks; it includes the in-process server). Linux only;
//! elsewhere the CPU columns show `n/a`. The ratios that follow the table compare the client
//! with the floor (calls/s: the client's over the floor's, so 1.00 is as fast as hand-written
//! code; CPU: the client's over the floor's, so below 1.10 is within 10 % of it) and with raw
//! hyper, always within the same run.
//!
//! `BENCH_N` (default 2000) sets the calls per round, `BENCH_ROUNDS` (default 10) the rounds.
//! `BENCH_PROFILE=client` (or `rest`, `floor`, `raw`) runs that load alone, `N` times `ROUNDS` calls
//! after a warm-up of its own, for a profiler (`perf record --call-graph dwarf
//! target/release/deps/client-...`). The table also shows the calling thread's allocations per
//! call, counted by a global allocator that forwards to the system's.

use smithy_rust_runtime::credentials;

use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use sfn::{Client, Config};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

#[path = "client/baselines.rs"]
mod baselines;
use baselines::{sigv4_signer, start_server, Floor, RawHyper, Signer};
#[path = "client/rest_json.rs"]
mod rest_json;
use rest_json::{GET_FUNCTION_ANSWER, GET_FUNCTION_PATH};

const REGION: &str = "us-east-1";
const TARGET: &str = "AWSStepFunctions.SendTaskFailure";
const CONTENT_TYPE: &str = "application/x-amz-json-1.0";
const TOKEN: &str = "AAAAKgAAAAIAAAAAAAAAAbenchmark-task-token";
/// The generated crate's `User-Agent`.
const USER_AGENT: &str = "sfn/0.1.0 (rust; generated by smithy-rust-codegen)";
const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
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
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "test",
            ))
            .build(),
    );
    let bench_env = |key: &str| match key {
        "AWS_ACCESS_KEY_ID" => Some(ACCESS_KEY_ID.to_owned()),
        "AWS_SECRET_ACCESS_KEY" => Some(SECRET_ACCESS_KEY.to_owned()),
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
    let lambda = rest_json::client(&endpoint, ACCESS_KEY_ID, SECRET_ACCESS_KEY);
    let mut raw = RawHyper::new(&endpoint);
    let floor = Floor::new(&endpoint);
    let sign_floor = sigv4_signer(aws_credential_types::Credentials::new(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
        None,
        None,
        "bench",
    ));
    let mut signer = Signer::new(&endpoint);

    // One load alone, for a profiler (`perf record`): no rounds, no table.
    if let Ok(load) = std::env::var("BENCH_PROFILE") {
        let calls = n * rounds;
        let mut one = |calls: usize| {
            runtime.block_on(async {
                for _ in 0..calls {
                    match load.as_str() {
                        "client" => call(&client).await,
                        "rest" => rest_json::call(&lambda).await,
                        "floor" => floor.call(&sign_floor).await,
                        "raw" => raw.post().await,
                        other => {
                            panic!("BENCH_PROFILE is `client`, `rest`, `floor` or `raw`, not {other:?}")
                        }
                    }
                }
            })
        };
        one(n / 10 + 1);
        let round = measure(calls, || one(calls));
        println!(
            "{load}: {calls} calls, {:.1} µs wall, {} client-thread CPU µs, {:.1} allocations per call",
            round.wall_us / calls as f64,
            cpu(round.thread_cpu_us.map(|us| us / calls as f64)),
            round.allocations as f64 / calls as f64,
        );
        return;
    }
    // Warm-up: connections open, code paths and allocator warm; and a check that the calls work.
    let started = Instant::now();
    runtime.block_on(async {
        for _ in 0..n / 10 + 1 {
            call(&client).await;
            call(&cached).await;
            call(&uncached).await;
            rest_json::call(&lambda).await;
            raw.post().await;
            floor.call(&sign_floor).await;
        }
    });
    for _ in 0..n / 10 + 1 {
        signer.sign();
    }

    let mut floor_rounds = Vec::new();
    let mut client_rounds = Vec::new();
    let mut raw_rounds = Vec::new();
    let mut sign_rounds = Vec::new();
    let mut cached_rounds = Vec::new();
    let mut uncached_rounds = Vec::new();
    let mut rest_rounds = Vec::new();
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
        floor_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    floor.call(&sign_floor).await;
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
        rest_rounds.push(measure(n, || {
            runtime.block_on(async {
                for _ in 0..n {
                    rest_json::call(&lambda).await;
                }
            })
        }));
        sign_rounds.push(measure(n, || {
            for _ in 0..n {
                signer.sign();
            }
        }));
    }
    let floor = Sample::of(&floor_rounds);
    let raw = Sample::of(&raw_rounds);
    let ours = Sample::of(&client_rounds);
    let signing = Sample::of(&sign_rounds);
    let cached = Sample::of(&cached_rounds);
    let uncached = Sample::of(&uncached_rounds);
    let rest = Sample::of(&rest_rounds);

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
        "{:<24} {:>10} {:>14} {:>22} {:>22} {:>12}",
        "", "calls/s", "wall µs/call", "client-thread CPU µs", "process CPU µs", "allocs/call"
    );
    for (label, sample) in [
        ("floor (hand-written)", &floor),
        ("raw hyper", &raw),
        ("generated client", &ours),
        ("  cached chain", &cached),
        ("  uncached env", &uncached),
        ("restJson1 GetFunction", &rest),
    ] {
        println!(
            "{label:<24} {:>10.0} {:>14.1} {:>22} {:>22} {:>12.1}",
            1e6 / sample.wall_us,
            sample.wall_us,
            cpu(sample.thread_cpu_us),
            cpu(sample.process_cpu_us),
            sample.allocations,
        );
    }
    // calls/s as a fraction of the baseline's (higher is better); time and CPU per call as a
    // multiple of the baseline's (lower is better).
    for (label, baseline) in [
        ("client / floor", &floor),
        ("client / raw hyper", &raw),
        ("floor / raw hyper", &raw),
    ] {
        let subject = if label.starts_with("floor") {
            &floor
        } else {
            &ours
        };
        println!(
            "{label:<24} {:>10} {:>14} {:>22} {:>22} {:>12}",
            format!("{:.2}x", baseline.wall_us / subject.wall_us),
            format!("{:.2}x", subject.wall_us / baseline.wall_us),
            ratio(subject.thread_cpu_us, baseline.thread_cpu_us),
            ratio(subject.process_cpu_us, baseline.process_cpu_us),
            format!("{:+.1}", subject.allocations - baseline.allocations),
        );
    }
    println!(
        "{:<24} {:>10} {:>14} {:>22} {:>22} {:>12}",
        "restJson1 / awsJson",
        format!("{:.2}x", ours.wall_us / rest.wall_us),
        format!("{:.2}x", rest.wall_us / ours.wall_us),
        ratio(rest.thread_cpu_us, ours.thread_cpu_us),
        ratio(rest.process_cpu_us, ours.process_cpu_us),
        format!("{:+.1}", rest.allocations - ours.allocations),
    );
    println!(
        "{:<24} {:>10} {:>14.1} {:>22} {:>22} {:>12.1}",
        "SigV4 signing alone",
        "",
        signing.wall_us,
        cpu(signing.thread_cpu_us),
        cpu(signing.process_cpu_us),
        signing.allocations,
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
        "client overhead over raw hyper: {:.1} µs wall per call, of which signing {:.1} µs; over \
         the floor: {:.1} µs wall, {} client-thread CPU per call",
        ours.wall_us - raw.wall_us,
        signing.wall_us,
        ours.wall_us - floor.wall_us,
        match (ours.thread_cpu_us, floor.thread_cpu_us) {
            (Some(ours), Some(floor)) => format!("{:.1} µs", ours - floor),
            _ => "n/a".to_owned(),
        }
    );
    println!(
        "restJson1 GetFunction (GET {GET_FUNCTION_PATH}, no body, a {}-byte JSON answer) against \
         awsJson1_0 SendTaskFailure (a {}-byte body, a 2-byte answer), same settings and server: \
         {:+.1} µs wall and {} client-thread CPU per call",
        GET_FUNCTION_ANSWER.len(),
        BODY.len(),
        rest.wall_us - ours.wall_us,
        match (rest.thread_cpu_us, ours.thread_cpu_us) {
            (Some(rest), Some(ours)) => format!("{:+.1} µs", rest - ours),
            _ => "n/a".to_owned(),
        }
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
    allocations: u64,
}

/// Per-operation figures over all rounds.
struct Sample {
    /// Median over the rounds.
    wall_us: f64,
    /// Median over the rounds.
    thread_cpu_us: Option<f64>,
    /// All rounds' ticks over all rounds' operations: one round holds too few 10 ms ticks.
    process_cpu_us: Option<f64>,
    /// The calling thread's allocations (and reallocations), over all rounds.
    allocations: f64,
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
            allocations: rounds.iter().map(|r| r.allocations).sum::<u64>() as f64 / ops as f64,
        }
    }
}

/// Runs `work`, which does `ops` operations, and measures it.
fn measure(ops: usize, work: impl FnOnce()) -> Round {
    let (thread_before, process_before) = (thread_cpu_ns(), process_cpu_ticks());
    let allocations_before = allocations();
    let started = Instant::now();
    work();
    let wall = started.elapsed();
    let allocations = allocations() - allocations_before;
    let (thread_after, process_after) = (thread_cpu_ns(), process_cpu_ticks());
    Round {
        ops,
        allocations,
        wall_us: wall.as_secs_f64() * 1e6,
        thread_cpu_us: thread_before
            .zip(thread_after)
            .map(|(before, after)| (after - before) as f64 / 1e3),
        process_ticks: process_before
            .zip(process_after)
            .map(|(before, after)| after - before),
    }
}

/// The global allocator: the system's (Rust's default), counting the calls that allocate on each
/// thread (a thread-local add, the same for every load).
struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn count_allocation() {
    // `try_with`: nothing to count once the thread's locals are gone.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

/// Allocations (and reallocations) made by this thread so far.
fn allocations() -> u64 {
    ALLOCATIONS.with(|n| n.get())
}

// SAFETY: every method forwards to the system allocator with the same arguments.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_allocation();
        std::alloc::System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_allocation();
        std::alloc::System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        std::alloc::System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        std::alloc::System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

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
