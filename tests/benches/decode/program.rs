//! The program of the decode bench (`cargo bench -p tests --bench decode`, which generates the
//! `dynamodb` and `sfn` crates it uses, builds it with `--release` and runs it; see
//! `tests/benches/decode.rs` for what it measures and how).
//!
//! Not part of the workspace: `tests/benches/decode.rs` writes it as the `main.rs` of a crate
//! beside the two generated crates, with `bodies.rs` beside it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::{self, Display};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use dynamodb::credentials::Credentials;
use dynamodb::transport::{http, BoxFuture, HttpClient, Limits, TransportError};
use serde_json::Value;

use bodies::{
    check_history, check_history_value, check_query, check_query_value, dynamodb_body, sfn_body,
    EVENTS, ITEMS,
};

mod bodies;

// ---------------------------------------------------------------------------------------------
// Counting allocator

/// The system allocator, counting the bytes currently allocated and their peak.
struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = CURRENT.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    CURRENT.fetch_sub(bytes, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated besides.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract for `alloc` is passed on as it is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as for `alloc`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Counted as a move: the new block before the old one is released, as an allocator that
        // copies holds both for a moment.
        grew(new_size);
        // SAFETY: as for `alloc`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if new.is_null() {
            shrank(new_size);
        } else {
            shrank(layout.size());
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes allocated now.
fn current() -> usize {
    CURRENT.load(Ordering::Relaxed)
}

/// Starts a measurement: the peak is reset to what is allocated now, which is returned.
fn start_measuring() -> usize {
    let now = current();
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// How far the allocated bytes rose above `baseline` since [`start_measuring`].
fn peak_above(baseline: usize) -> usize {
    PEAK.load(Ordering::Relaxed).saturating_sub(baseline)
}

// ---------------------------------------------------------------------------------------------
// The stub transport

/// A transport that answers every request with HTTP 200 and the same body, as DynamoDB and
/// Step Functions do (`application/x-amz-json-1.0`, a request id).
///
/// A transport hands the client a `Vec<u8>` it owns, so each answer is a copy of the body: made
/// inside [`HttpClient::send`], or beforehand by [`Stub::prepare`] so that a measurement can
/// leave the copy out of its time and of its peak.
#[derive(Clone)]
struct Stub(Arc<StubInner>);

struct StubInner {
    body: Vec<u8>,
    prepared: Mutex<Option<Vec<u8>>>,
}

impl Stub {
    fn new(body: Vec<u8>) -> Self {
        Self(Arc::new(StubInner {
            body,
            prepared: Mutex::new(None),
        }))
    }

    /// Copies the body now, for the next answer.
    fn prepare(&self) {
        let copy = self.0.body.clone();
        *self.prepared() = Some(copy);
    }

    fn prepared(&self) -> std::sync::MutexGuard<'_, Option<Vec<u8>>> {
        self.0
            .prepared
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl fmt::Debug for Stub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Stub({} bytes)", self.0.body.len())
    }
}

impl HttpClient for Stub {
    fn send(
        &self,
        _request: http::Request<Vec<u8>>,
        _limits: Limits,
    ) -> BoxFuture<'_, Result<http::Response<Vec<u8>>, TransportError>> {
        let prepared = self.prepared().take();
        let body = prepared.unwrap_or_else(|| self.0.body.clone());
        let response = http::Response::builder()
            .status(200)
            .header("content-type", "application/x-amz-json-1.0")
            .header(
                "x-amzn-requestid",
                "BENCH0REQUEST0ID0000000000000000000000000000000000",
            )
            .body(body)
            .expect("a valid response");
        Box::pin(async move { Ok(response) })
    }
}

fn config(stub: &Stub) -> dynamodb::Config {
    dynamodb::Config::builder()
        .region("us-east-1")
        .credentials(Credentials::new("AKIDBENCH", "SECRET", None, None, "bench"))
        .http_client(stub.clone())
        .build()
}

// ---------------------------------------------------------------------------------------------
// Measuring

/// The time one decode took: wall time, and this thread's CPU time (which the other processes
/// of a loaded machine do not inflate; `None` where it cannot be read).
#[derive(Clone, Copy)]
struct Time {
    wall: Duration,
    cpu: Option<Duration>,
}

/// Starts timing; [`Timer::stop`] gives the [`Time`] since.
struct Timer {
    wall: Instant,
    cpu: Option<Duration>,
}

impl Timer {
    fn start() -> Self {
        let cpu = thread_cpu();
        Self {
            wall: Instant::now(),
            cpu,
        }
    }

    fn stop(&self) -> Time {
        let wall = self.wall.elapsed();
        let cpu = thread_cpu()
            .zip(self.cpu)
            .map(|(now, then)| now.saturating_sub(then));
        Time { wall, cpu }
    }
}

/// This thread's CPU time so far (user and system): `CLOCK_THREAD_CPUTIME_ID`. The calls run
/// on this thread alone (a current-thread runtime and a transport that does no I/O).
#[cfg(unix)]
fn thread_cpu() -> Option<Duration> {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable `timespec`; the clock id is a constant of libc.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    let secs = u64::try_from(now.tv_sec).ok()?;
    let nanos = u32::try_from(now.tv_nsec).ok()?;
    (status == 0).then(|| Duration::new(secs, nanos))
}

#[cfg(not(unix))]
fn thread_cpu() -> Option<Duration> {
    None
}

/// What one shape measured.
struct Figures {
    name: &'static str,
    what: String,
    body: usize,
    typed_times: Vec<Time>,
    value_times: Vec<Time>,
    /// The largest peak of the typed calls above the heap before the call, the body's copy
    /// already made (excluded).
    typed_peak: usize,
    /// The same with the stub copying the body inside the call (included).
    typed_peak_with_copy: usize,
    /// The heap after the typed call (its output alive, the body's copy dropped) minus before
    /// it, the copy not made yet.
    typed_retained: usize,
    value_peak: usize,
    value_retained: usize,
}

/// Runs the typed call and the `Value` parse `rounds` times each, interleaved (which goes first
/// alternates), after one checked warm-up of each. Every result is checked; the first wrong one
/// ends the measurement.
fn measure<T, E, Fut>(
    runtime: &tokio::runtime::Runtime,
    stub: &Stub,
    rounds: usize,
    call: impl Fn() -> Fut,
    check_typed: impl Fn(&T) -> Result<(), String>,
    check_value: impl Fn(&Value) -> Result<(), String>,
) -> Result<Figures, String>
where
    Fut: Future<Output = Result<T, E>>,
    E: Display,
{
    let body = stub.0.body.clone();
    let typed = |prepare: bool| -> Result<(Time, usize, usize), String> {
        if prepare {
            stub.prepare();
        }
        let before = start_measuring();
        let timer = Timer::start();
        let output = runtime.block_on(call());
        let time = timer.stop();
        let peak = peak_above(before);
        let output = output.map_err(|e| format!("the typed call failed: {e}"))?;
        // With a prepared copy, `before` counts it, and the call dropped it.
        let copy = if prepare { body.len() } else { 0 };
        let retained = current().saturating_sub(before - copy);
        check_typed(&output).map_err(|why| format!("the typed result is wrong: {why}"))?;
        drop(output);
        Ok((time, peak, retained))
    };
    let value = || -> Result<(Time, usize, usize), String> {
        let before = start_measuring();
        let timer = Timer::start();
        let parsed = serde_json::from_slice::<Value>(&body);
        let time = timer.stop();
        let peak = peak_above(before);
        let parsed = parsed.map_err(|e| format!("serde_json refused the body: {e}"))?;
        let retained = current().saturating_sub(before);
        check_value(&parsed).map_err(|why| format!("the Value is wrong: {why}"))?;
        drop(parsed);
        Ok((time, peak, retained))
    };

    // Warm-up (the client resolves its endpoint on its first call), then the copy included.
    typed(true)?;
    value()?;
    let (_, typed_peak_with_copy, typed_retained) = typed(false)?;

    let mut figures = Figures {
        name: "",
        what: String::new(),
        body: body.len(),
        typed_times: Vec::with_capacity(rounds),
        value_times: Vec::with_capacity(rounds),
        typed_peak: 0,
        typed_peak_with_copy,
        typed_retained,
        value_peak: 0,
        value_retained: 0,
    };
    for round in 0..rounds {
        for typed_now in [round % 2 == 0, round % 2 == 1] {
            if typed_now {
                let (time, peak, _) = typed(true)?;
                figures.typed_times.push(time);
                figures.typed_peak = figures.typed_peak.max(peak);
            } else {
                let (time, peak, retained) = value()?;
                figures.value_times.push(time);
                figures.value_peak = figures.value_peak.max(peak);
                figures.value_retained = figures.value_retained.max(retained);
            }
        }
    }
    Ok(figures)
}

/// The median of `times` (of a non-empty list).
fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

/// The median wall time and, when every sample has one, the median CPU time.
fn medians(times: &[Time]) -> (Duration, Option<Duration>) {
    let wall = median(times.iter().map(|t| t.wall).collect());
    let cpu: Option<Vec<Duration>> = times.iter().map(|t| t.cpu).collect();
    (wall, cpu.map(median))
}

fn print(figures: &Figures) {
    let body = figures.body as f64;
    let (typed_wall, typed_cpu) = medians(&figures.typed_times);
    let (value_wall, value_cpu) = medians(&figures.value_times);
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1e3);
    let bytes = |b: usize| format!("{b} B = {:.2}x body", b as f64 / body);
    let ratio = |a: f64, b: f64| format!("{:.2}", a / b);
    println!();
    println!(
        "{}: {}; body {} bytes ({:.2} MB); {} rounds",
        figures.name,
        figures.what,
        figures.body,
        body / 1e6,
        figures.typed_times.len()
    );
    println!(
        "  {:<26} {:>26} {:>26} {:>12}",
        "", "typed", "Value", "typed/Value"
    );
    println!(
        "  {:<26} {:>26} {:>26} {:>12}",
        "time, median (wall)",
        ms(typed_wall),
        ms(value_wall),
        ratio(typed_wall.as_secs_f64(), value_wall.as_secs_f64())
    );
    if let (Some(typed_cpu), Some(value_cpu)) = (typed_cpu, value_cpu) {
        println!(
            "  {:<26} {:>26} {:>26} {:>12}",
            "time, median (thread CPU)",
            ms(typed_cpu),
            ms(value_cpu),
            ratio(typed_cpu.as_secs_f64(), value_cpu.as_secs_f64())
        );
    }
    println!(
        "  {:<26} {:>26} {:>26} {:>12}",
        "peak heap",
        bytes(figures.typed_peak),
        bytes(figures.value_peak),
        ratio(figures.typed_peak as f64, figures.value_peak as f64)
    );
    println!(
        "  {:<26} {:>26}",
        "peak heap with the copy",
        bytes(figures.typed_peak_with_copy)
    );
    println!(
        "  {:<26} {:>26} {:>26} {:>12}",
        "retained",
        bytes(figures.typed_retained),
        bytes(figures.value_retained),
        ratio(figures.typed_retained as f64, figures.value_retained as f64)
    );
    let typed_time = typed_cpu.unwrap_or(typed_wall);
    let value_time = value_cpu.unwrap_or(value_wall);
    println!(
        "  target: faster than the Value ({}): {}; peak heap <= 3x body: {}",
        if typed_cpu.is_some() { "CPU" } else { "wall" },
        if typed_time < value_time { "yes" } else { "NO" },
        if figures.typed_peak as f64 <= 3.0 * body {
            "yes"
        } else {
            "NO"
        }
    );
}

// ---------------------------------------------------------------------------------------------

fn main() {
    let rounds: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(31);
    // The client's timeouts need tokio's timer.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    println!(
        "decode bench. typed: a whole `send().await` of the generated client over a stub \
         transport; Value: `serde_json::from_slice::<serde_json::Value>` of the same bytes; \
         interleaved. Peak heap: the most bytes allocated during the call above those allocated \
         before it (counting allocator), the typed call's without the stub's copy of the body \
         (made before), then with it (made in the call). Retained: allocated after the call, its \
         result alive, minus before."
    );

    let mut all = Vec::new();
    let dynamo = Stub::new(dynamodb_body());
    let client = dynamodb::Client::new(config(&dynamo));
    let figures = measure(
        &runtime,
        &dynamo,
        rounds,
        || {
            client
                .query()
                .table_name("orders")
                .key_condition_expression("pk = :pk")
                .send()
        },
        check_query,
        check_query_value,
    )
    .map(|f| Figures {
        name: "DynamoDB Query",
        what: format!(
            "{ITEMS} items of mixed attribute values (an AttributeValue is {} bytes)",
            std::mem::size_of::<dynamodb::types::AttributeValue>()
        ),
        ..f
    });
    all.push(figures);
    drop(client);

    let history = Stub::new(sfn_body());
    let client = sfn::Client::new(config(&history));
    let figures = measure(
        &runtime,
        &history,
        rounds,
        || {
            client
                .get_execution_history()
                .execution_arn("arn:aws:states:us-east-1:123456789012:execution:orders:run-1")
                .send()
        },
        check_history,
        check_history_value,
    )
    .map(|f| Figures {
        name: "SFN GetExecutionHistory",
        what: format!(
            "{EVENTS} events of varied types with their details (a HistoryEvent is {} bytes)",
            std::mem::size_of::<sfn::types::HistoryEvent>()
        ),
        ..f
    });
    all.push(figures);

    let mut failed = false;
    for figures in all {
        match figures {
            Ok(figures) => print(&figures),
            Err(why) => {
                println!("FAILED: {why}");
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
}
