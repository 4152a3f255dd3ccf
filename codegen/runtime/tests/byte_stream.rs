//! `ByteStream`: in memory, from a file and from a reader, and through the built-in transport's
//! `send_streaming` against scripted servers on 127.0.0.1: a request body streamed with its
//! length, a response body read chunk by chunk, and the typed errors of a body that stops early,
//! exceeds the reader's limit or stalls.

use std::time::Duration;

use smithy_rust_runtime::primitives::{ByteStream, ByteStreamErrorKind};
use smithy_rust_runtime::transport::{HttpClient, HyperClient, Limits};

use scripted_server::{Reply, ScriptedServer};

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

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn a_byte_stream_is_send_and_sync() {
    assert_send_sync::<ByteStream>();
}

/// A file in the system's temporary folder, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!(
            "smithy-rust-byte-stream-{}-{name}",
            std::process::id()
        ));
        std::fs::write(&path, bytes).unwrap();
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// `n` bytes that are not all alike, so that a misplaced chunk shows.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_stream_in_memory_is_read_once_and_can_be_copied_before() {
    let mut stream = ByteStream::from(b"hello".to_vec());
    assert_eq!(stream.length(), Some(5));
    assert_eq!(stream.bytes(), Some(&b"hello"[..]));
    let copy = stream
        .try_clone()
        .expect("a stream in memory can be copied");
    assert_eq!(stream.next().await.unwrap().unwrap(), &b"hello"[..]);
    assert!(stream.next().await.is_none());
    assert!(
        stream.try_clone().is_none(),
        "a read stream cannot be copied"
    );
    assert_eq!(copy.collect().await.unwrap().to_vec(), b"hello");
    let debug = format!("{:?}", ByteStream::from("secret text"));
    assert!(!debug.contains("secret"), "{debug}");
    assert!(ByteStream::default()
        .collect()
        .await
        .unwrap()
        .into_bytes()
        .is_empty());
}

#[tokio::test]
async fn a_limit_below_the_length_is_a_too_large_error() {
    let error = ByteStream::from(vec![0; 100])
        .limit(99)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::TooLarge, "{error}");
    assert!(error.to_string().contains("99"), "{error}");
    let exact = ByteStream::from(vec![0; 100]).limit(100).collect().await;
    assert_eq!(exact.unwrap().to_vec().len(), 100);
}

#[tokio::test]
async fn a_file_is_read_in_chunks_and_again_from_a_copy() {
    let bytes = pattern(200 * 1024);
    let file = TempFile::new("read", &bytes);
    let mut stream = ByteStream::from_path(&file.0).await.unwrap();
    assert_eq!(stream.length(), Some(bytes.len() as u64));
    assert_eq!(stream.bytes(), None, "a file is not in memory");
    let copy = stream.try_clone().expect("a file can be read again");
    let mut chunks = 0;
    let mut read = Vec::new();
    while let Some(chunk) = stream.next().await {
        read.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(read, bytes);
    assert!(chunks > 1, "read in chunks, not whole: {chunks}");
    assert_eq!(copy.collect().await.unwrap().to_vec(), bytes);
}

#[tokio::test]
async fn a_file_that_shrinks_or_is_missing_is_an_error_not_a_short_body() {
    let file = TempFile::new("shrinks", &pattern(1000));
    let stream = ByteStream::from_path(&file.0).await.unwrap();
    std::fs::write(&file.0, b"short").unwrap();
    let error = stream.collect().await.unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::Incomplete, "{error}");
    assert!(error.to_string().contains("5 of its 1000 bytes"), "{error}");

    let missing = std::env::temp_dir().join("smithy-rust-byte-stream-no-such-file");
    let error = ByteStream::from_path(&missing).await.unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::Io, "{error}");
}

#[tokio::test]
async fn a_reader_gives_its_length_and_no_more_and_a_short_one_fails() {
    let stream = ByteStream::from_reader(&b"0123456789"[..], 4);
    assert!(stream.try_clone().is_none(), "a reader is read once");
    assert_eq!(stream.collect().await.unwrap().to_vec(), b"0123");
    let error = ByteStream::from_reader(&b"0123"[..], 10)
        .collect()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::Incomplete, "{error}");
}

fn put(base: &str, body: ByteStream) -> http::Request<ByteStream> {
    let mut builder = http::Request::builder()
        .method("PUT")
        .uri(format!("{base}/upload"));
    if let Some(length) = body.length() {
        builder = builder.header("content-length", length);
    }
    builder.body(body).unwrap()
}

#[tokio::test]
async fn a_file_is_uploaded_with_its_length_and_the_answer_streams_back() {
    let bytes = pattern(300 * 1024);
    let file = TempFile::new("upload", &bytes);
    let answer = pattern(1024 * 1024);
    let server = ScriptedServer::start(vec![Reply::respond(200, &answer)]).await;
    let body = ByteStream::from_path(&file.0).await.unwrap();
    let client = client();
    let sent = client.send_streaming(put(&server.url(), body), LIMITS, Some(PATIENCE));
    let response = tokio::time::timeout(PATIENCE, sent).await.unwrap().unwrap();
    let recorded = &server.requests()[0];
    assert_eq!(recorded.body, bytes);
    assert_eq!(
        recorded.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(recorded.header("transfer-encoding"), None);
    // The answer is larger than the transport's limit for whole bodies: a stream is bounded by
    // its reader's limit, not that one.
    let mut body = response.into_body();
    assert_eq!(body.length(), Some(answer.len() as u64));
    let mut read = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = tokio::time::timeout(PATIENCE, body.next()).await.unwrap() {
        read.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(read.len(), answer.len());
    assert!(read == answer, "the streamed answer differs");
    assert!(chunks > 1, "read chunk by chunk: {chunks}");
}

/// The body of a 200 answer from a server that answers with `reply`.
async fn streamed_answer(server: &ScriptedServer) -> ByteStream {
    let request = put(&server.url(), ByteStream::from("x"));
    let client = client();
    let sent = client.send_streaming(request, LIMITS, Some(Duration::from_millis(300)));
    let response = tokio::time::timeout(PATIENCE, sent).await.unwrap().unwrap();
    assert_eq!(response.status(), 200);
    response.into_body()
}

#[tokio::test]
async fn a_body_over_the_readers_limit_fails_without_being_read_whole() {
    let server = ScriptedServer::start(vec![Reply::Huge(64 * 1024 * 1024)]).await;
    let body = streamed_answer(&server).await.limit(256 * 1024);
    let error = tokio::time::timeout(PATIENCE, body.collect())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::TooLarge, "{error}");
    let stopped = server
        .wait_for(PATIENCE, |state| !state.cut_off_bodies.is_empty())
        .await;
    assert!(stopped, "the client stopped reading the body");
    assert!(server.cut_off_bodies()[0] < 64 * 1024 * 1024);
}

#[tokio::test]
async fn a_body_that_stops_early_is_an_incomplete_error() {
    let server = ScriptedServer::start(vec![Reply::CloseMidBody]).await;
    let body = streamed_answer(&server).await;
    let error = tokio::time::timeout(PATIENCE, body.collect())
        .await
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::Incomplete, "{error}");
    assert!(error.to_string().contains("127.0.0.1"), "{error}");
}

#[tokio::test]
async fn a_body_that_stalls_hits_the_idle_timeout() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789".to_vec();
    let server = ScriptedServer::start(vec![Reply::RawThenStall(head)]).await;
    let mut body = streamed_answer(&server).await;
    let first = tokio::time::timeout(PATIENCE, body.next()).await.unwrap();
    assert_eq!(first.unwrap().unwrap(), &b"0123456789"[..]);
    let error = tokio::time::timeout(PATIENCE, body.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap_err();
    assert_eq!(error.kind(), ByteStreamErrorKind::Timeout, "{error}");
    assert!(body.next().await.is_none(), "a failed stream ends");
}
