//! The runtime's `transport` module against scripted HTTP/1.1 servers on 127.0.0.1
//! (`support/scripted_server.rs`, which the generated client's tests in `tests/tests/` share).

use smithy_rust_runtime::transport;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use scripted_server::{Reply, ScriptedServer};
use transport::{HttpClient, HyperClient, Limits, TransportError, TransportErrorKind};

#[path = "support/scripted_server.rs"]
mod scripted_server;

/// How long any step a test waits on may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(10);

const LIMITS: Limits = Limits {
    max_response_bytes: 64 * 1024,
};

fn client() -> HyperClient {
    HyperClient::try_new(Duration::from_secs(2)).expect("the TLS configuration builds")
}

/// A GET of `path` on `base` (e.g. `http://127.0.0.1:PORT`).
fn get(base: &str, path: &str) -> http::Request<Vec<u8>> {
    http::Request::builder()
        .uri(format!("{base}{path}"))
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

/// The response to a GET of `/` from a server that answers with `reply`.
async fn answer_to_get(reply: Reply) -> http::Response<Vec<u8>> {
    let server = ScriptedServer::start(vec![reply]).await;
    send(&client(), get(&server.url(), "/"), LIMITS)
        .await
        .unwrap()
}

/// A 200 whose body `chunks` frames as `Transfer-Encoding: chunked`, the connection kept open.
fn chunked(chunks: &str) -> Reply {
    Reply::respond(200, chunks).header("Transfer-Encoding", "chunked")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_with_a_body_round_trips_on_a_multi_thread_runtime() {
    let server = ScriptedServer::start(vec![
        Reply::respond(200, "hello").header("x-amzn-requestid", "r-1")
    ])
    .await;
    let request = http::Request::builder()
        .method("POST")
        .uri(format!("{}/?Action=Ping", server.url()))
        .header("content-type", "application/x-amz-json-1.0")
        .body(b"{\"ping\":1}".to_vec())
        .unwrap();
    let response = send(&client(), request, LIMITS).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-amzn-requestid"], "r-1");
    assert_eq!(response.body(), b"hello");

    let requests = server.requests();
    let [seen] = requests.as_slice() else {
        panic!("one request: {requests:?}");
    };
    assert_eq!(
        [&seen.method, &seen.path, &seen.version],
        ["POST", "/?Action=Ping", "HTTP/1.1"]
    );
    assert_eq!(seen.header("host"), Some(server.authority().as_str()));
    assert_eq!(seen.header("content-length"), Some("10"));
    assert_eq!(seen.body, b"{\"ping\":1}");
}

#[tokio::test] // current-thread runtime
async fn a_chunked_body_is_read_whole_on_a_current_thread_runtime() {
    let response = answer_to_get(chunked("3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n")).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.body(), b"abcdefg");
}

#[tokio::test]
async fn error_statuses_are_responses_not_transport_errors() {
    let response = answer_to_get(Reply::respond(503, "busy")).await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.body(), b"busy");
}

#[tokio::test]
async fn a_content_length_over_the_limit_fails_before_the_body_is_read() {
    // Announce 10 MB, send 1 KiB, then wait: reading the whole body would hang.
    let mut answer = b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n".to_vec();
    answer.extend_from_slice(&[b'x'; 1024]);
    let server = ScriptedServer::start(vec![Reply::RawThenStall(answer)]).await;
    let started = Instant::now();
    let e = expect_error(
        send(&client(), get(&server.url(), "/big"), Limits::new(4096)).await,
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
    assert!(
        server
            .wait_for(PATIENCE, |s| s.closed_while_stalled == 1)
            .await,
        "the client closed the connection"
    );
}

#[tokio::test]
async fn a_body_exactly_at_the_limit_is_accepted_and_one_byte_more_is_not() {
    let length = || Reply::respond(200, "12345678");
    let chunked = || chunked("4\r\n1234\r\n5\r\n56789\r\n0\r\n\r\n");
    // One answer per request, in the order the requests below are made.
    let server =
        ScriptedServer::start(vec![length(), length(), chunked(), chunked(), length()]).await;
    let client = client();
    let url = server.url();
    let ok = send(&client, get(&url, "/length"), Limits::new(8))
        .await
        .unwrap();
    assert_eq!(ok.body(), b"12345678");
    expect_error(
        send(&client, get(&url, "/length"), Limits::new(7)).await,
        TransportErrorKind::ResponseTooLarge,
    );
    let ok = send(&client, get(&url, "/chunked"), Limits::new(9))
        .await
        .unwrap();
    assert_eq!(ok.body(), b"123456789");
    let e = expect_error(
        send(&client, get(&url, "/chunked"), Limits::new(8)).await,
        TransportErrorKind::ResponseTooLarge,
    );
    assert!(e.message().contains("at least 9 bytes"), "{e}");
    let zero = send(&client, get(&url, "/length"), Limits::new(0)).await;
    expect_error(zero, TransportErrorKind::ResponseTooLarge);
}

#[tokio::test]
async fn a_chunked_body_over_the_limit_fails_without_reading_it_all() {
    const BODY: u64 = 256 << 20; // 256 MiB if the client read it all
    let server = ScriptedServer::start(vec![Reply::HugeChunked(BODY)]).await;
    let started = Instant::now();
    let e = expect_error(
        send(&client(), get(&server.url(), "/stream"), LIMITS).await,
        TransportErrorKind::ResponseTooLarge,
    );
    let took = started.elapsed();
    assert!(e.message().contains("65536"), "{e}");
    assert!(
        server
            .wait_for(PATIENCE, |s| !s.cut_off_bodies.is_empty())
            .await,
        "the server stopped writing: the client closed the connection"
    );
    let written = server.cut_off_bodies()[0];
    assert!(written < BODY / 4, "the server wrote {written} bytes");
    eprintln!("chunked over the limit: refused after {took:?}; the server got {written} bytes out");
}

#[tokio::test]
async fn a_connection_closed_mid_body_is_an_io_error() {
    // Each answer is cut short, and its connection closed.
    let server = ScriptedServer::start(vec![
        Reply::Raw(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b".to_vec()),
        Reply::Raw(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\na\r\nonly t".to_vec()),
    ])
    .await;
    let client = client();
    for path in ["/length", "/chunked"] {
        let e = expect_error(
            send(&client, get(&server.url(), path), LIMITS).await,
            TransportErrorKind::Io,
        );
        assert!(
            e.message()
                .contains("closed before the message was complete"),
            "{path}: {e}"
        );
        assert!(e.message().contains(&server.url()), "{e}");
        assert!(!e.request_not_sent());
        assert!(std::error::Error::source(&e).is_some());
    }
}

#[tokio::test]
async fn a_server_that_never_answers_is_cut_off_by_the_callers_timeout() {
    let server = ScriptedServer::start(vec![Reply::Stall]).await;
    let client = client();
    let started = Instant::now();
    let attempt = tokio::time::timeout(
        Duration::from_millis(300),
        client.send(get(&server.url(), "/"), LIMITS),
    )
    .await;
    assert!(attempt.is_err(), "the caller's timeout fired: {attempt:?}");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    // The dropped future closed its connection rather than leave it open or pool it.
    assert!(
        server
            .wait_for(PATIENCE, |s| s.closed_while_stalled == 1)
            .await,
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
    let request = get(
        &format!("http://user:pw@127.0.0.1:{port}"),
        "/bucket/key?X-Amz-Signature=s3cr3t",
    );
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
        send(&client, get(&format!("http://{addr}"), "/"), LIMITS).await,
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
    let server = ScriptedServer::start(vec![
        Reply::respond(200, "1"),
        Reply::respond(200, "2"),
        Reply::respond(200, "3"),
    ])
    .await;
    let client = client();
    let cloned = client.clone();
    let url = server.url();
    let first = send(&client, get(&url, "/1"), LIMITS).await.unwrap();
    let second = send(&cloned, get(&url, "/2"), LIMITS).await.unwrap();
    let third = send(&client, get(&url, "/3"), LIMITS).await.unwrap();
    assert_eq!(
        [first.body(), second.body(), third.body()],
        [b"1", b"2", b"3"],
        "three requests in turn on one connection"
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn garbage_instead_of_http_is_an_invalid_response() {
    let server =
        ScriptedServer::start(vec![Reply::RawThenStall(b"SMTP ready\r\n\r\n".to_vec())]).await;
    let e = expect_error(
        send(&client(), get(&server.url(), "/"), LIMITS).await,
        TransportErrorKind::InvalidResponse,
    );
    assert!(e.message().contains("not valid HTTP"), "{e}");
}

#[tokio::test]
async fn https_goes_through_rustls_with_the_ring_provider() {
    // A plain TCP listener that answers a TLS ClientHello with HTTP: the handshake fails, as a
    // connect error. Not the scripted server: what arrives is no HTTP request.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut hello = vec![0u8; 4096];
        let n = stream.read(&mut hello).await.unwrap();
        hello.truncate(n);
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
        hello
    });
    let request = get(&format!("https://localhost:{port}"), "/");
    let e = expect_error(
        send(&client(), request, LIMITS).await,
        TransportErrorKind::Connect,
    );
    assert!(e.request_not_sent());
    let hello = tokio::time::timeout(PATIENCE, server)
        .await
        .expect("the client connected")
        .unwrap();
    // A TLS handshake record (0x16) holding a ClientHello (0x01).
    assert_eq!(hello.first(), Some(&0x16), "{hello:02x?}");
    assert_eq!(hello.get(5), Some(&0x01), "{hello:02x?}");
    assert!(
        e.message().contains(&format!("https://localhost:{port}")),
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
