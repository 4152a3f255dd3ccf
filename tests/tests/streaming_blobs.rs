//! `@streaming` blobs of restJson1 through a generated client: `rest_bindings`
//! (`tests/generated/rest_bindings.json`), whose `Upload` PUTs a `@streaming` `@requiresLength`
//! payload and whose `Download` GETs a `@streaming` payload, against a scripted HTTP/1.1 server
//! on 127.0.0.1 (a free port) per test.
//!
//! What is checked: a file is sent as it is read, with its length and without chunked framing,
//! and signed `UNSIGNED-PAYLOAD` (the `Authorization` header is recomputed with `aws-sigv4` from
//! the request the server received); bytes in memory are signed with their hash as any body; a
//! retried call reads a file again from the start, and sends a reader once (no retry); a reader
//! shorter than its length fails the call with a typed error; a stream without a length is
//! refused before anything is sent; a body far over `max_response_bytes` is handed over and read
//! chunk by chunk. The hostile answers to `Download` (a body that stops early, exceeds the
//! application's limit or stalls) are rows of `hostile_responses.rs`.
//!
//! No test depends on how fast the machine runs: nothing is timed, and every wait is bounded
//! only by [`PATIENCE`], which only a hang reaches.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{sign, SignableBody, SignableRequest, SigningSettings};
use aws_sigv4::sign::v4;
use rest_bindings::config::ConfigBuilder;
use rest_bindings::credentials::Credentials;
use rest_bindings::error::{RequestError, RequestErrorKind};
use rest_bindings::operation::upload::{UploadError, UploadOutput};
use rest_bindings::primitives::{ByteStream, DateTime};
use rest_bindings::retry::RetryConfig;
use rest_bindings::{Client, Config};

use scripted_server::{Recorded, Reply, ScriptedServer};

#[path = "../../codegen/runtime/tests/support/scripted_server.rs"]
mod scripted_server;

/// How long any call or read may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

const REGION: &str = "us-east-1";
/// The service's SigV4 signing name (`aws.auth#sigv4` in the model).
const SIGNING_NAME: &str = "bindings";
const KIB: usize = 1024;

// ---------------------------------------------------------------------------------------------
// Helpers

/// A configuration for `server`, with standard retries (3 attempts) and backoffs short enough
/// for tests.
fn builder(server: &ScriptedServer) -> ConfigBuilder {
    Config::builder()
        .region(REGION)
        .endpoint_url(server.url())
        .credentials(Credentials::new("AKID", "SECRET", None, None, "test"))
        .retry_config(
            RetryConfig::standard()
                .with_initial_backoff(Duration::from_millis(1))
                .with_max_backoff(Duration::from_millis(5)),
        )
}

/// `n` bytes that are not all alike, so that a misplaced or repeated chunk shows.
fn pattern(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 251) as u8).collect()
}

/// A file of `bytes` under the system's temporary folder, removed when dropped.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn with(label: &str, bytes: &[u8]) -> Self {
        let path = tests::temp_path(label);
        std::fs::write(&path, bytes).expect("the temporary file is written");
        Self(path)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// A 200 answer to `Upload`, with a version.
fn uploaded() -> Reply {
    Reply::respond(200, "").header("x-object-version", "v1")
}

/// A 503 whose error code is `ServiceUnavailable`: transient, so an idempotent call may retry.
fn unavailable() -> Reply {
    Reply::respond(503, r#"{"message":"busy"}"#)
        .header("content-type", "application/json")
        .header("x-amzn-errortype", "ServiceUnavailable")
}

/// `Upload` of `body` under the key `k1`, bounded by [`PATIENCE`].
async fn upload(client: &Client, body: ByteStream) -> Result<UploadOutput, UploadError> {
    let sent = client.upload().key("k1").body(body).send();
    tokio::time::timeout(PATIENCE, sent)
        .await
        .expect("the upload finished in time")
}

/// `Upload` of `body` by a client of a new server that answers with `script`: the outcome, and
/// the server, which has recorded what it received.
async fn upload_to(
    script: Vec<Reply>,
    body: ByteStream,
) -> (Result<UploadOutput, UploadError>, ScriptedServer) {
    let server = ScriptedServer::start(script).await;
    let client = Client::new(builder(&server).build());
    (upload(&client, body).await, server)
}

/// The instant of an `X-Amz-Date` value (`20150830T123600Z`).
fn amz_date(text: &str) -> SystemTime {
    assert_eq!(text.len(), 16, "{text}");
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let time: DateTime = rfc3339.parse().expect("an X-Amz-Date");
    SystemTime::try_from(time).expect("a present-day instant")
}

/// The `Authorization` header that SigV4 gives the request the server `recorded` (its method,
/// path, the headers its signature names, at its `X-Amz-Date`), with the body signed as `body`:
/// what the client sent must equal it.
fn authorization_for(
    server: &ScriptedServer,
    recorded: &Recorded,
    body: SignableBody<'_>,
) -> String {
    let sent = recorded.header("authorization").expect("a signature");
    let signed_names = sent
        .split_once("SignedHeaders=")
        .and_then(|(_, rest)| rest.split(',').next())
        .expect("the signed header names");
    let headers: Vec<(&str, &str)> = signed_names
        .split(';')
        .map(|name| {
            (
                name,
                recorded.header(name).expect("a signed header arrived"),
            )
        })
        .collect();
    let time = amz_date(recorded.header("x-amz-date").expect("a signing date"));
    let identity =
        aws_credential_types::Credentials::new("AKID", "SECRET", None, None, "test").into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(REGION)
        .name(SIGNING_NAME)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("signing parameters")
        .into();
    let uri = format!("{}{}", server.url(), recorded.path);
    let signable = SignableRequest::new(&recorded.method, uri, headers.into_iter(), body)
        .expect("a signable request");
    let (instructions, _signature) = sign(signable, &params).expect("a signature").into_parts();
    let (headers, _query) = instructions.into_parts();
    headers
        .iter()
        .find(|header| header.name() == "authorization")
        .expect("an Authorization header")
        .value()
        .to_owned()
}

/// `recorded` is a SigV4-signed `Upload` of `bytes` under the key `k1`, sent with its length
/// and without chunked framing; its signature covers `UNSIGNED-PAYLOAD` when `unsigned`, else
/// the body's hash (and not the other).
fn assert_signed_upload(
    server: &ScriptedServer,
    recorded: &Recorded,
    bytes: &[u8],
    unsigned: bool,
) {
    assert_eq!(recorded.method, "PUT");
    assert_eq!(recorded.path, "/objects/k1");
    assert!(
        recorded.body == bytes,
        "the body arrived changed ({} bytes)",
        recorded.body.len()
    );
    assert_eq!(
        recorded.header("content-length"),
        Some(bytes.len().to_string().as_str())
    );
    assert_eq!(recorded.header("transfer-encoding"), None);
    assert_eq!(
        recorded.header("content-type"),
        Some("application/octet-stream")
    );
    // The hash is in the signature alone (aws-sigv4's default), for a stream as for bytes.
    assert_eq!(recorded.header("x-amz-content-sha256"), None);
    let sent = recorded.header("authorization").expect("a signature");
    assert!(
        sent.starts_with("AWS4-HMAC-SHA256 Credential=AKID/")
            && sent.contains("/us-east-1/bindings/aws4_request"),
        "{sent}"
    );
    let unsigned_payload = authorization_for(server, recorded, SignableBody::UnsignedPayload);
    let body_hash = authorization_for(server, recorded, SignableBody::Bytes(&recorded.body));
    let (expected, other) = if unsigned {
        (unsigned_payload, body_hash)
    } else {
        (body_hash, unsigned_payload)
    };
    assert_eq!(sent, expected);
    assert_ne!(sent, other);
}

// ---------------------------------------------------------------------------------------------
// Upload

#[tokio::test]
async fn a_file_is_uploaded_as_it_is_read_with_its_length_and_signed_unsigned_payload() {
    let bytes = pattern(300 * KIB);
    let file = TempFile::with("upload-file", &bytes);
    let body = ByteStream::from_path(&file.0)
        .await
        .expect("the file is there");
    let (outcome, server) = upload_to(vec![uploaded()], body).await;
    let output = outcome.expect("the upload succeeds");
    assert_eq!(output.version(), Some("v1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_signed_upload(&server, &requests[0], &bytes, true);
}

#[tokio::test]
async fn bytes_in_memory_are_uploaded_signed_with_their_hash() {
    let bytes = pattern(10 * KIB);
    let (outcome, server) = upload_to(vec![uploaded()], ByteStream::from(bytes.clone())).await;
    outcome.expect("the upload succeeds");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_signed_upload(&server, &requests[0], &bytes, false);
}

#[tokio::test]
async fn a_file_is_read_again_from_the_start_when_the_upload_is_retried() {
    let bytes = pattern(300 * KIB);
    let file = TempFile::with("upload-retried", &bytes);
    let body = ByteStream::from_path(&file.0)
        .await
        .expect("the file is there");
    let (outcome, server) = upload_to(vec![unavailable(), uploaded()], body).await;
    let output = outcome.expect("the retry succeeds");
    assert_eq!(output.version(), Some("v1"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "one retry after the 503");
    for recorded in &requests {
        assert_signed_upload(&server, recorded, &bytes, true);
    }
}

#[tokio::test]
async fn a_reader_is_sent_once_and_the_503_is_returned_without_a_retry() {
    let bytes = pattern(300 * KIB);
    let reader = std::io::Cursor::new(bytes.clone());
    let body = ByteStream::from_reader(reader, bytes.len() as u64);
    let (outcome, server) = upload_to(vec![unavailable(), uploaded()], body).await;
    let error = outcome.expect_err("the 503 is returned");
    assert!(error.is_unknown(), "{error:?}");
    assert_eq!(error.code(), Some("ServiceUnavailable"));
    assert_eq!(error.message(), Some("busy"));
    assert_eq!(error.status(), Some(503));
    assert_eq!(error.attempts(), 1, "{error}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "a reader cannot be read again: no retry");
    assert_signed_upload(&server, &requests[0], &bytes, true);
}

/// The `Request` error of an `Upload` that failed before the service answered.
fn request_error(error: UploadError) -> RequestError {
    match error {
        UploadError::Request(error) => error,
        other => panic!("expected a Request error, got {other:?}"),
    }
}

/// The error of an `Upload` of `body`, whose reading fails: a `Transport` error after one
/// attempt (a body that cannot be read is not retried), and no whole request reached the
/// server.
async fn failed_upload(body: ByteStream) -> RequestError {
    let (outcome, server) = upload_to(vec![uploaded()], body).await;
    let error = request_error(outcome.expect_err("the body fails"));
    assert_eq!(error.kind(), RequestErrorKind::Transport, "{error}");
    assert_eq!(error.attempts(), 1, "{error}");
    assert!(server.requests().is_empty(), "a whole request arrived");
    error
}

#[tokio::test]
async fn a_reader_shorter_than_its_length_fails_the_upload_with_a_typed_error() {
    // 1000 bytes are announced in `Content-Length`; 16 come.
    let body = ByteStream::from_reader(&b"only sixteen b.."[..], 1000);
    let error = failed_upload(body).await;
    let text = error.to_string();
    assert!(
        text.contains("the reader ended after 16 of its 1000 bytes"),
        "{text}"
    );
}

/// A reader that fails at once with an `InvalidData` error: the kind hyper's own framing
/// errors have, which must not make the application's failure look like the server's.
struct FailingReader;

impl tokio::io::AsyncRead for FailingReader {
    fn poll_read(
        self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
        _buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let error = std::io::Error::new(std::io::ErrorKind::InvalidData, "the source is corrupt");
        std::task::Poll::Ready(Err(error))
    }
}

#[tokio::test]
async fn a_reader_that_fails_fails_the_upload_with_its_error() {
    let error = failed_upload(ByteStream::from_reader(FailingReader, 1000)).await;
    let text = error.to_string();
    assert!(
        text.contains("reading the request body failed: the source is corrupt"),
        "{text}"
    );
}

#[tokio::test]
async fn a_stream_without_a_length_is_refused_before_anything_is_sent() {
    // A response body without `Content-Length` is a stream of unknown length.
    let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
    let server = ScriptedServer::start(vec![Reply::Raw(chunked.to_vec()), uploaded()]).await;
    let client = Client::new(builder(&server).build());
    let download = client.download().key("k0").send();
    let downloaded = tokio::time::timeout(PATIENCE, download)
        .await
        .expect("the download finished in time")
        .expect("the download succeeds");
    assert_eq!(downloaded.body().length(), None);
    let refused = upload(&client, downloaded.body).await;
    let error = request_error(refused.expect_err("a stream without a length is refused"));
    assert_eq!(error.kind(), RequestErrorKind::InvalidInput, "{error}");
    assert!(error.to_string().contains("`@requiresLength`"), "{error}");
    assert_eq!(server.requests().len(), 1, "only the download was sent");
}

// ---------------------------------------------------------------------------------------------
// Download

#[tokio::test]
async fn a_2_mib_download_is_read_chunk_by_chunk_beyond_max_response_bytes() {
    let bytes = pattern(2 * 1024 * KIB);
    let answer = Reply::respond(200, &bytes)
        .header("content-type", "application/octet-stream")
        .header("x-object-version", "v9");
    let server = ScriptedServer::start(vec![answer]).await;
    // A limit for whole bodies far below the stream's length: a stream is not bound by it.
    let client = Client::new(builder(&server).max_response_bytes(64 * KIB).build());
    let download = client.download().key("big").send();
    let output = tokio::time::timeout(PATIENCE, download)
        .await
        .expect("the download finished in time")
        .expect("the download succeeds");
    assert_eq!(output.version(), Some("v9"));
    assert_eq!(output.body().length(), Some(bytes.len() as u64));
    let mut body = output.body;
    let mut read = Vec::with_capacity(bytes.len());
    let mut chunks = 0;
    while let Some(chunk) = tokio::time::timeout(PATIENCE, body.next())
        .await
        .expect("each chunk arrives in time")
    {
        read.extend_from_slice(&chunk.expect("the chunk arrived"));
        chunks += 1;
    }
    assert_eq!(read.len(), bytes.len());
    assert!(read == bytes, "the downloaded bytes differ");
    assert!(chunks > 1, "read chunk by chunk, not whole: {chunks}");
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/objects/big");
}
