//! The runtime's `transport` and `retry` modules against scripted HTTP/1.1 servers on 127.0.0.1.

use smithy_rust_runtime::{retry, transport};

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use retry::{classify, jitter, RetryConfig, RetryKind, RetryState};
use transport::{HttpClient, HyperClient, Limits, TransportError, TransportErrorKind};

/// How long any step a test waits on may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

const LIMITS: Limits = Limits {
    max_response_bytes: 64 * 1024,
};

// ---------------------------------------------------------------------------------------------
// Scripted server

/// One accepted connection, with what was read past the last request.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// A request as the server saw it.
#[derive(Debug)]
struct Seen {
    head: String,
    body: Vec<u8>,
}

impl Conn {
    /// Reads one request (head and `Content-Length` body); `None` at end of stream.
    async fn request(&mut self) -> Option<Seen> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if !self.fill().await {
                return None;
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let length = head
            .lines()
            .find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while self.buf.len() < head_end + length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        self.buf.drain(..head_end + length);
        Some(Seen { head, body })
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok()
    }

    /// Waits until the client closes the connection (or resets it); `true` if it did in time.
    async fn closed_by_client(mut self, within: Duration) -> bool {
        let mut chunk = [0u8; 4096];
        tokio::time::timeout(within, async {
            loop {
                match self.stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        })
        .await
        .is_ok()
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A server on 127.0.0.1 that runs `script` for every connection it accepts; returns its
/// address and the number of connections accepted so far. It lives as long as the test's
/// runtime.
async fn serve<F, Fut>(script: F) -> (SocketAddr, Arc<AtomicUsize>)
where
    F: Fn(Conn) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepts = Arc::new(AtomicUsize::new(0));
    let counter = accepts.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(script(Conn {
                stream,
                buf: Vec::new(),
            }));
        }
    });
    (addr, accepts)
}

fn client() -> HyperClient {
    HyperClient::try_new(Duration::from_secs(2)).expect("the TLS configuration builds")
}

fn get(addr: SocketAddr, path: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .uri(format!("http://{addr}{path}"))
        .body(Vec::new())
        .unwrap()
}

async fn send(
    client: &HyperClient,
    request: http::Request<Vec<u8>>,
    limits: Limits,
) -> Result<http::Response<Vec<u8>>, TransportError> {
    tokio::time::timeout(PATIENCE, client.send(request, limits))
        .await
        .expect("the transport answered in time")
}

fn expect_error(
    result: Result<http::Response<Vec<u8>>, TransportError>,
    kind: TransportErrorKind,
) -> TransportError {
    match result {
        Ok(response) => panic!("expected a {kind} error, got {response:?}"),
        Err(e) => {
            assert_eq!(e.kind(), kind, "{e:?}");
            e
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Transport

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_with_a_body_round_trips_on_a_multi_thread_runtime() {
    let (seen_tx, mut seen_rx) = mpsc::unbounded_channel();
    let (addr, _) = serve(move |mut conn| {
        let seen_tx = seen_tx.clone();
        async move {
            if let Some(seen) = conn.request().await {
                let _ = seen_tx.send(seen);
                conn.write(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nx-amzn-requestid: r-1\r\n\r\nhello",
                )
                .await;
                let _ = conn.closed_by_client(PATIENCE).await;
            }
        }
    })
    .await;
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("http://{addr}/?Action=Ping"))
        .header("content-type", "application/x-amz-json-1.0")
        .body(b"{\"ping\":1}".to_vec())
        .unwrap();
    let response = send(&client(), request, LIMITS).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-requestid"], "r-1");
    assert_eq!(response.body(), b"hello");

    let seen = seen_rx.recv().await.unwrap();
    assert!(
        seen.head.starts_with("POST /?Action=Ping HTTP/1.1\r\n"),
        "{}",
        seen.head
    );
    assert!(
        seen.head
            .to_ascii_lowercase()
            .contains(&format!("host: {addr}")),
        "{}",
        seen.head
    );
    assert!(
        seen.head
            .to_ascii_lowercase()
            .contains("content-length: 10"),
        "{}",
        seen.head
    );
    assert_eq!(seen.body, b"{\"ping\":1}");
}

#[tokio::test] // current-thread runtime
async fn a_chunked_body_is_read_whole_on_a_current_thread_runtime() {
    let (addr, _) = serve(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")
                .await;
            let _ = conn.closed_by_client(PATIENCE).await;
        }
    })
    .await;
    let response = send(&client(), get(addr, "/"), LIMITS).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), b"abcdefg");
}

#[tokio::test]
async fn error_statuses_are_responses_not_transport_errors() {
    let (addr, _) = serve(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
                .await;
            let _ = conn.closed_by_client(PATIENCE).await;
        }
    })
    .await;
    let response = send(&client(), get(addr, "/"), LIMITS).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(response.body(), b"busy");
}

#[tokio::test]
async fn a_content_length_over_the_limit_fails_before_the_body_is_read() {
    let (closed_tx, closed_rx) = oneshot::channel();
    let closed_tx = Arc::new(std::sync::Mutex::new(Some(closed_tx)));
    let (addr, _) = serve(move |mut conn| {
        let closed_tx = closed_tx.clone();
        async move {
            if conn.request().await.is_some() {
                // Announce 10 MB, send 1 KiB, then wait: reading the whole body would hang.
                conn.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n")
                    .await;
                conn.write(&[b'x'; 1024]).await;
                let closed = conn.closed_by_client(PATIENCE).await;
                if let Some(tx) = closed_tx.lock().unwrap().take() {
                    let _ = tx.send(closed);
                }
            }
        }
    })
    .await;
    let started = Instant::now();
    let e = expect_error(
        send(&client(), get(addr, "/big"), Limits::new(4096)).await,
        TransportErrorKind::ResponseTooLarge,
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(e.message().contains("Content-Length: 10000000"), "{e}");
    assert!(e.message().contains("4096"), "{e}");
    assert!(!e.message().contains("/big"), "no path in messages: {e}");
    // The unread connection is closed, not returned to the pool.
    assert!(closed_rx.await.unwrap(), "the client closed the connection");
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted_and_one_byte_more_is_not() {
    let (addr, _) = serve(|mut conn| async move {
        while let Some(seen) = conn.request().await {
            let response: &[u8] = if seen.head.starts_with("GET /length") {
                b"HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n12345678"
            } else {
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n1234\r\n5\r\n56789\r\n0\r\n\r\n"
            };
            if !conn.write(response).await {
                return;
            }
        }
    })
    .await;
    let client = client();
    let ok = send(&client, get(addr, "/length"), Limits::new(8))
        .await
        .unwrap();
    assert_eq!(ok.body(), b"12345678");
    expect_error(
        send(&client, get(addr, "/length"), Limits::new(7)).await,
        TransportErrorKind::ResponseTooLarge,
    );
    let ok = send(&client, get(addr, "/chunked"), Limits::new(9))
        .await
        .unwrap();
    assert_eq!(ok.body(), b"123456789");
    let e = expect_error(
        send(&client, get(addr, "/chunked"), Limits::new(8)).await,
        TransportErrorKind::ResponseTooLarge,
    );
    assert!(e.message().contains("at least 9 bytes"), "{e}");
    let zero = send(&client, get(addr, "/length"), Limits::new(0)).await;
    expect_error(zero, TransportErrorKind::ResponseTooLarge);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_fails_without_reading_it_all() {
    const CHUNKS: usize = 256 * 1024; // 256 MiB if the client read it all
    let (written_tx, written_rx) = oneshot::channel();
    let written_tx = Arc::new(std::sync::Mutex::new(Some(written_tx)));
    let (addr, _) = serve(move |mut conn| {
        let written_tx = written_tx.clone();
        async move {
            if conn.request().await.is_some() {
                let mut written = 0;
                if conn
                    .write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .await
                {
                    let mut chunk = b"400\r\n".to_vec();
                    chunk.extend_from_slice(&[b'y'; 1024]);
                    chunk.extend_from_slice(b"\r\n");
                    while written < CHUNKS && conn.write(&chunk).await {
                        written += 1;
                    }
                }
                if let Some(tx) = written_tx.lock().unwrap().take() {
                    let _ = tx.send(written);
                }
            }
        }
    })
    .await;
    let started = Instant::now();
    let e = expect_error(
        send(&client(), get(addr, "/stream"), LIMITS).await,
        TransportErrorKind::ResponseTooLarge,
    );
    let took = started.elapsed();
    assert!(e.message().contains("65536"), "{e}");
    let written = tokio::time::timeout(PATIENCE, written_rx)
        .await
        .expect("the server stopped writing: the client closed the connection")
        .unwrap();
    assert!(written < CHUNKS / 4, "the server wrote {written} KiB");
    eprintln!("chunked over the limit: refused after {took:?}; the server got {written} KiB out");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_io_error() {
    let (addr, _) = serve(|mut conn| async move {
        if let Some(seen) = conn.request().await {
            let response: &[u8] = if seen.head.starts_with("GET /length") {
                b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b"
            } else {
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly t"
            };
            conn.write(response).await;
            // Dropping `conn` closes the connection.
        }
    })
    .await;
    let client = client();
    for path in ["/length", "/chunked"] {
        let e = expect_error(
            send(&client, get(addr, path), LIMITS).await,
            TransportErrorKind::Io,
        );
        assert!(
            e.message()
                .contains("closed before the message was complete"),
            "{path}: {e}"
        );
        assert!(e.message().contains(&format!("http://{addr}")), "{e}");
        assert!(!e.request_not_sent());
        assert!(std::error::Error::source(&e).is_some());
    }
}

#[tokio::test]
async fn a_server_that_never_answers_is_cut_off_by_the_callers_timeout() {
    let (closed_tx, closed_rx) = oneshot::channel();
    let closed_tx = Arc::new(std::sync::Mutex::new(Some(closed_tx)));
    let (addr, _) = serve(move |mut conn| {
        let closed_tx = closed_tx.clone();
        async move {
            if conn.request().await.is_some() {
                let closed = conn.closed_by_client(PATIENCE).await;
                if let Some(tx) = closed_tx.lock().unwrap().take() {
                    let _ = tx.send(closed);
                }
            }
        }
    })
    .await;
    let client = client();
    let started = Instant::now();
    let attempt = tokio::time::timeout(
        Duration::from_millis(300),
        client.send(get(addr, "/"), LIMITS),
    )
    .await;
    assert!(attempt.is_err(), "the caller's timeout fired: {attempt:?}");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // The dropped future closed its connection rather than leave it open or pool it.
    assert!(
        closed_rx.await.unwrap(),
        "the connection was closed on drop"
    );
    eprintln!("never answers: timed out after {elapsed:?}, connection closed");
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let request = http::Request::builder()
        .uri(format!(
            "http://user:pw@127.0.0.1:{port}/bucket/key?X-Amz-Signature=s3cr3t"
        ))
        .body(Vec::new())
        .unwrap();
    let e = expect_error(
        send(&client(), request, LIMITS).await,
        TransportErrorKind::Connect,
    );
    assert!(e.request_not_sent());
    let shown = format!("{e} {e:?}");
    assert!(
        e.message().contains(&format!("http://127.0.0.1:{port}")),
        "{e}"
    );
    assert!(e.message().to_ascii_lowercase().contains("refused"), "{e}");
    for secret in ["s3cr3t", "pw@", "/bucket"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[tokio::test]
async fn a_connect_that_hangs_hits_the_connect_timeout() {
    // A listener that never accepts, its backlog filled: further SYNs go unanswered on Linux.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut fillers = Vec::new();
    let mut hangs = false;
    for _ in 0..16 {
        match tokio::time::timeout(Duration::from_millis(200), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => fillers.push(stream),
            Ok(Err(_)) => {}
            Err(_) => {
                hangs = true;
                break;
            }
        }
    }
    if !hangs {
        eprintln!("skipped: this kernel answers connects beyond the backlog");
        return;
    }
    let client = HyperClient::new(Duration::from_millis(250));
    assert_eq!(client.connect_timeout(), Duration::from_millis(250));
    let started = Instant::now();
    let e = expect_error(
        send(&client, get(addr, "/"), LIMITS).await,
        TransportErrorKind::Timeout,
    );
    let elapsed = started.elapsed();
    assert!(e.request_not_sent());
    assert!(e.message().contains("timed out after 250ms"), "{e}");
    assert!(
        elapsed >= Duration::from_millis(240) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
    drop(listener);
}

#[tokio::test]
async fn sequential_requests_reuse_one_connection() {
    let (addr, accepts) = serve(|mut conn| async move {
        let mut n = 0;
        while conn.request().await.is_some() {
            n += 1;
            let response = format!("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n{n}");
            if !conn.write(response.as_bytes()).await {
                return;
            }
        }
    })
    .await;
    let client = client();
    let cloned = client.clone();
    let first = send(&client, get(addr, "/1"), LIMITS).await.unwrap();
    let second = send(&cloned, get(addr, "/2"), LIMITS).await.unwrap();
    let third = send(&client, get(addr, "/3"), LIMITS).await.unwrap();
    assert_eq!(
        [first.body(), second.body(), third.body()],
        [b"1", b"2", b"3"],
        "three requests in turn on one connection"
    );
    assert_eq!(accepts.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn garbage_instead_of_http_is_an_invalid_response() {
    let (addr, _) = serve(|mut conn| async move {
        if conn.request().await.is_some() {
            conn.write(b"SMTP ready\r\n\r\n").await;
            let _ = conn.closed_by_client(PATIENCE).await;
        }
    })
    .await;
    let e = expect_error(
        send(&client(), get(addr, "/"), LIMITS).await,
        TransportErrorKind::InvalidResponse,
    );
    assert!(e.message().contains("not valid HTTP"), "{e}");
}

#[tokio::test]
async fn https_goes_through_rustls_with_the_ring_provider() {
    // A plain-HTTP server answering a TLS ClientHello: the handshake fails, as a connect error.
    let (hello_tx, hello_rx) = oneshot::channel();
    let hello_tx = Arc::new(std::sync::Mutex::new(Some(hello_tx)));
    let (addr, _) = serve(move |mut conn| {
        let hello_tx = hello_tx.clone();
        async move {
            conn.fill().await;
            if let Some(tx) = hello_tx.lock().unwrap().take() {
                let _ = tx.send(conn.buf.clone());
            }
            conn.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
                .await;
        }
    })
    .await;
    let request = http::Request::builder()
        .uri(format!("https://localhost:{}/", addr.port()))
        .body(Vec::new())
        .unwrap();
    let e = expect_error(
        send(&client(), request, LIMITS).await,
        TransportErrorKind::Connect,
    );
    assert!(e.request_not_sent());
    let hello = hello_rx.await.unwrap();
    // A TLS handshake record (0x16) holding a ClientHello (0x01).
    assert_eq!(hello.first(), Some(&0x16), "{hello:02x?}");
    assert_eq!(hello.get(5), Some(&0x01), "{hello:02x?}");
    assert!(
        e.message()
            .contains(&format!("https://localhost:{}", addr.port())),
        "{e}"
    );
}

#[tokio::test]
async fn a_relative_uri_is_refused_without_panicking() {
    let request = http::Request::builder()
        .uri("/no/host")
        .body(Vec::new())
        .unwrap();
    let e = expect_error(
        send(&client(), request, LIMITS).await,
        TransportErrorKind::Other,
    );
    assert!(e.message().contains("relative"), "{e}");
    assert!(e.request_not_sent());
}

#[test]
fn the_transport_is_a_shareable_trait_object() {
    let client: Arc<dyn HttpClient> = Arc::new(HyperClient::new(Duration::from_secs(1)));
    let shown = format!("{client:?}");
    assert!(shown.contains("HyperClient"), "{shown}");
    let e = TransportError::new(TransportErrorKind::Other, "made up")
        .with_source(std::io::Error::other("cause"))
        .with_request_not_sent();
    assert_eq!(e.to_string(), "made up");
    assert_eq!(TransportErrorKind::Io.to_string(), "I/O error");
    assert!(e.request_not_sent());
    assert_eq!(
        std::error::Error::source(&e).map(|s| s.to_string()),
        Some("cause".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Retry

#[test]
fn configuration_defaults_and_builders() {
    let standard = RetryConfig::standard();
    assert_eq!(standard, RetryConfig::default());
    assert_eq!(standard.max_attempts(), 3);
    assert_eq!(standard.initial_backoff(), Duration::from_secs(1));
    assert_eq!(standard.max_backoff(), Duration::from_secs(20));
    assert_eq!(RetryConfig::disabled().max_attempts(), 1);
    let custom = RetryConfig::standard()
        .with_max_attempts(5)
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_secs(1));
    assert_eq!(custom.max_attempts(), 5);
    assert_eq!(custom.initial_backoff(), Duration::from_millis(100));
    assert_eq!(custom.max_backoff(), Duration::from_secs(1));
    assert_eq!(
        RetryConfig::standard().with_max_attempts(0).max_attempts(),
        1
    );
}

#[test]
fn backoff_is_full_jitter_over_a_truncated_doubling() {
    let config = RetryConfig::standard();
    let secs = |attempt, random| config.backoff(attempt, random).as_secs_f64();
    // The ceiling: 1 s, 2 s, 4 s, 8 s, 16 s, then 20 s for good.
    for (attempt, ceiling) in [
        (1, 1.0),
        (2, 2.0),
        (3, 4.0),
        (4, 8.0),
        (5, 16.0),
        (6, 20.0),
        (7, 20.0),
    ] {
        assert_eq!(secs(attempt, 1.0), ceiling, "attempt {attempt}");
        assert_eq!(secs(attempt, 0.0), 0.0, "attempt {attempt}");
        assert!(
            (secs(attempt, 0.5) - ceiling / 2.0).abs() < 1e-9,
            "attempt {attempt}"
        );
    }
    assert_eq!(secs(u32::MAX, 1.0), 20.0);
    assert_eq!(secs(0, 1.0), 1.0, "attempt 0 is taken as 1");
    // Out-of-range randomness is clamped, never a panic.
    assert_eq!(secs(2, f64::NAN), 0.0);
    assert_eq!(secs(2, -3.0), 0.0);
    assert_eq!(secs(2, 7.0), 2.0);
    assert_eq!(secs(2, f64::INFINITY), 2.0);

    let custom = RetryConfig::standard()
        .with_initial_backoff(Duration::from_millis(100))
        .with_max_backoff(Duration::from_millis(500));
    let ms = |attempt| custom.backoff(attempt, 1.0).as_millis();
    assert_eq!(
        [ms(1), ms(2), ms(3), ms(4), ms(5)],
        [100, 200, 400, 500, 500]
    );

    // Through the state, with injected randomness, each delay stays within its ceiling.
    let state = RetryState::new(&RetryConfig::standard().with_max_attempts(10));
    for attempt in 1..10 {
        let random = jitter();
        let delay = state
            .should_retry(attempt, RetryKind::Transient, random)
            .unwrap();
        let ceiling = Duration::from_secs((1u64 << (attempt - 1)).min(20));
        assert!(
            delay <= ceiling,
            "attempt {attempt}: {delay:?} > {ceiling:?}"
        );
        assert_eq!(delay, RetryConfig::standard().backoff(attempt, random));
    }
}

#[test]
fn jitter_is_spread_over_zero_to_one() {
    let samples: Vec<f64> = (0..20_000).map(|_| jitter()).collect();
    assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    assert!((0.47..0.53).contains(&mean), "mean {mean}");
    let low = samples.iter().filter(|x| **x < 0.1).count();
    let high = samples.iter().filter(|x| **x >= 0.9).count();
    assert!(low > 1_500 && high > 1_500, "low {low}, high {high}");
    let mut distinct = samples.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(distinct.len() > 19_990, "{} distinct", distinct.len());
}

#[test]
fn attempts_stop_at_max_attempts() {
    let state = RetryState::new(&RetryConfig::standard());
    assert!(state.should_retry(1, RetryKind::Throttling, 0.5).is_some());
    assert!(state.should_retry(2, RetryKind::Throttling, 0.5).is_some());
    assert_eq!(state.should_retry(3, RetryKind::Throttling, 0.5), None);
    assert_eq!(state.available_tokens(), 500 - 2 * 5);

    let disabled = RetryState::new(&RetryConfig::disabled());
    assert_eq!(disabled.should_retry(1, RetryKind::Transient, 0.5), None);
    assert_eq!(
        disabled.available_tokens(),
        500,
        "giving up takes no tokens"
    );
    assert_eq!(disabled.config().max_attempts(), 1);

    let five = RetryState::new(&RetryConfig::standard().with_max_attempts(5));
    assert!((1..5).all(|n| five.should_retry(n, RetryKind::Timeout, 0.0).is_some()));
    assert_eq!(five.should_retry(5, RetryKind::Timeout, 0.0), None);
}

#[test]
fn the_retry_quota_runs_dry_and_refills() {
    let config = RetryConfig::standard().with_max_attempts(u32::MAX);
    let state = RetryState::new(&config);
    assert_eq!(state.available_tokens(), retry::INITIAL_RETRY_TOKENS);
    // 100 retries after errors at 5 tokens each empty the bucket.
    for n in 0..100 {
        assert!(
            state.should_retry(1, RetryKind::Throttling, 1.0).is_some(),
            "retry {n}"
        );
    }
    assert_eq!(state.available_tokens(), 0);
    assert_eq!(state.should_retry(1, RetryKind::Transient, 1.0), None);
    assert_eq!(state.available_tokens(), 0);

    // Four calls succeeding at once give 4 tokens: not enough for a retry; a fifth is.
    for _ in 0..4 {
        state.on_success(false);
    }
    assert_eq!(state.should_retry(1, RetryKind::Transient, 1.0), None);
    state.on_success(false);
    assert_eq!(state.available_tokens(), 5);
    assert!(state.should_retry(1, RetryKind::Transient, 1.0).is_some());
    assert_eq!(state.available_tokens(), 0);

    // A success after a retry gives back that retry's cost.
    state.on_success(true);
    assert_eq!(state.available_tokens(), 5);
    assert_eq!(
        state.should_retry(1, RetryKind::Timeout, 1.0),
        None,
        "a timeout costs 10"
    );
    state.on_success_after(Some(RetryKind::Timeout));
    assert_eq!(state.available_tokens(), 15);
    assert!(state.should_retry(1, RetryKind::Timeout, 1.0).is_some());
    assert_eq!(state.available_tokens(), 5);
    state.on_success_after(None);
    assert_eq!(state.available_tokens(), 6);

    // Timeouts alone: 50 retries.
    let timeouts = RetryState::new(&config);
    let granted = (0..60)
        .filter(|_| timeouts.should_retry(1, RetryKind::Timeout, 0.0).is_some())
        .count();
    assert_eq!(granted, 50);

    // The bucket never overflows, and clones share it.
    let full = RetryState::new(&config);
    let clone = full.clone();
    for _ in 0..10 {
        clone.on_success_after(Some(RetryKind::Timeout));
    }
    assert_eq!(full.available_tokens(), 500);
    assert!(clone.should_retry(1, RetryKind::Transient, 0.0).is_some());
    assert_eq!(full.available_tokens(), 495);
}

#[test]
fn the_quota_is_shared_safely_across_threads() {
    let state = RetryState::new(&RetryConfig::standard().with_max_attempts(u32::MAX));
    let granted = Arc::new(AtomicUsize::new(0));
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let state = state.clone();
            let granted = granted.clone();
            scope.spawn(move || {
                for _ in 0..50 {
                    if state.should_retry(1, RetryKind::Transient, 0.0).is_some() {
                        granted.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(granted.load(Ordering::SeqCst), 100);
    assert_eq!(state.available_tokens(), 0);
}

#[test]
fn classification_table() {
    use RetryKind::{Throttling, Timeout, Transient};
    let throttling = [
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    ];
    for code in throttling {
        assert_eq!(
            classify(Some(400), Some(code), false, false),
            Some(Throttling),
            "{code}"
        );
    }
    assert_eq!(retry::THROTTLING_ERROR_CODES, throttling);
    for code in ["RequestTimeout", "RequestTimeoutException"] {
        assert_eq!(
            classify(Some(400), Some(code), false, false),
            Some(Transient),
            "{code}"
        );
    }
    // status, error code, timed out, connect or I/O error: expected kind
    type Row = (
        Option<u16>,
        Option<&'static str>,
        bool,
        bool,
        Option<RetryKind>,
    );
    let table: &[Row] = &[
        (Some(500), None, false, false, Some(Transient)),
        (Some(502), None, false, false, Some(Transient)),
        (Some(503), None, false, false, Some(Transient)),
        (Some(504), None, false, false, Some(Transient)),
        (Some(500), Some("InternalFailure"), false, false, Some(Transient)),
        (Some(503), Some("SlowDown"), false, false, Some(Throttling)),
        (Some(501), None, false, false, None),
        (Some(505), None, false, false, None),
        (Some(429), None, false, false, None),
        (Some(400), Some("ValidationException"), false, false, None),
        (Some(400), Some("ThrottlingException"), false, false, Some(Throttling)),
        (Some(403), Some("AccessDeniedException"), false, false, None),
        (Some(404), None, false, false, None),
        (Some(200), None, false, false, None),
        (None, None, false, false, None),
        (None, None, true, false, Some(Timeout)),
        (None, None, true, true, Some(Timeout)),
        (None, None, false, true, Some(Transient)),
        // Namespaced and awsJson-style codes are matched by their bare name.
        (Some(400), Some("com.amazonaws.sfn#ThrottlingException"), false, false, Some(Throttling)),
        (
            Some(400),
            Some("ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.availability/"),
            false,
            false,
            Some(Throttling),
        ),
        (Some(400), Some("throttlingexception"), false, false, None),
    ];
    for (status, code, timeout, io, expected) in table {
        assert_eq!(
            classify(*status, *code, *timeout, *io),
            *expected,
            "{status:?} {code:?} timeout={timeout} io={io}"
        );
    }
    assert_eq!(Throttling.cost(), 5);
    assert_eq!(Transient.cost(), 5);
    assert_eq!(Timeout.cost(), 10);
}

#[test]
fn transport_errors_map_onto_retry_kinds() {
    // How a caller feeds a transport error to `classify`.
    let kind_of = |kind: TransportErrorKind| {
        classify(
            None,
            None,
            kind == TransportErrorKind::Timeout,
            matches!(kind, TransportErrorKind::Connect | TransportErrorKind::Io),
        )
    };
    assert_eq!(
        kind_of(TransportErrorKind::Connect),
        Some(RetryKind::Transient)
    );
    assert_eq!(kind_of(TransportErrorKind::Io), Some(RetryKind::Transient));
    assert_eq!(
        kind_of(TransportErrorKind::Timeout),
        Some(RetryKind::Timeout)
    );
    assert_eq!(kind_of(TransportErrorKind::ResponseTooLarge), None);
    assert_eq!(kind_of(TransportErrorKind::InvalidResponse), None);
    assert_eq!(kind_of(TransportErrorKind::Other), None);
}
