//! A scripted HTTP/1.1 server on 127.0.0.1 for one test.
//!
//! It reads each request (head and `Content-Length` body), records it, and answers with the
//! next [`Reply`] of its script; once the script is used up it answers `418` with the body
//! `script exhausted`. Its tasks never panic, every loop is bounded, and dropping (or
//! [`ScriptedServer::stop`]) ends them and closes its port.
//!
//! Shared, by `#[path]`, by the runtime's `tests/transport.rs` and by the generated client's
//! tests in `tests/tests/` (`failure_behaviour.rs`, `hostile_responses.rs`), each of which uses
//! only part of it. It needs nothing but std and tokio.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::AbortHandle;

/// The largest request head read.
const MAX_HEAD: usize = 64 * 1024;
/// The largest request body read.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// The most requests served on one connection.
const MAX_REQUESTS_PER_CONNECTION: usize = 64;
/// The most connections accepted.
const MAX_CONNECTIONS: usize = 64;
/// How long a stalled answer waits for the client to give up.
const STALL_LIMIT: Duration = Duration::from_secs(30);

/// One answer of the script.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A complete response. `Content-Length` is added unless a header sets it or sets
    /// `Transfer-Encoding` (then `body` is written as it is, chunk framing included).
    Respond {
        status: u16,
        headers: Vec<(String, Vec<u8>)>,
        body: Vec<u8>,
    },
    /// Never answers; waits for the client to close the connection.
    Stall,
    /// A 200 head announcing 100 bytes, then 10 bytes, then the connection is closed.
    CloseMidBody,
    /// A response whose body is sent one byte at a time, `every` apart.
    SlowBody {
        status: u16,
        body: Vec<u8>,
        every: Duration,
    },
    /// A 200 with `Content-Length: n` and `n` zero bytes, streamed.
    Huge(u64),
    /// A 200 without a length (delimited by closing the connection) and `n` zero bytes.
    HugeUndeclared(u64),
    /// These bytes as they are, then the connection is closed.
    Raw(Vec<u8>),
    /// These bytes as they are, then nothing more: waits for the client to close the
    /// connection (as [`Reply::Stall`] does).
    RawThenStall(Vec<u8>),
    /// A 200 with `Transfer-Encoding: chunked` and `n` zero bytes in 64 KiB chunks, streamed.
    HugeChunked(u64),
    /// The reply, after a pause.
    Delayed(Duration, Box<Reply>),
}

impl Reply {
    /// A complete response with this status and body and no headers yet.
    pub fn respond(status: u16, body: impl AsRef<[u8]>) -> Self {
        Reply::Respond {
            status,
            headers: Vec::new(),
            body: body.as_ref().to_vec(),
        }
    }

    /// Adds a header (the value may be any bytes) to a `Respond`; other replies are returned
    /// unchanged.
    pub fn header(mut self, name: &str, value: impl Into<Vec<u8>>) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.into()));
        }
        self
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// 1 for the first request the server received, 2 for the next, ...: the server's count
    /// of attempts.
    pub index: usize,
    /// Which connection it came on (1-based, in accept order).
    pub connection: usize,
    pub method: String,
    pub path: String,
    /// `HTTP/1.1`, as the request line says.
    pub version: String,
    /// Names lowercased; values decoded lossily.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of the header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What the server has seen so far.
#[derive(Debug, Default)]
pub struct State {
    script: VecDeque<Reply>,
    pub requests: Vec<Recorded>,
    pub connections: usize,
    /// Stalled answers whose connection the client closed.
    pub closed_while_stalled: usize,
    /// Streamed bodies (`Huge`, `HugeUndeclared`, `HugeChunked`) the client stopped reading:
    /// how many bytes of each had been written when it did.
    pub cut_off_bodies: Vec<u64>,
}

struct Shared {
    state: Mutex<State>,
    changed: Notify,
    tasks: Mutex<Vec<AbortHandle>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn update<R>(&self, change: impl FnOnce(&mut State) -> R) -> R {
        let result = change(&mut lock(&self.state));
        self.changed.notify_waiters();
        result
    }
}

pub struct ScriptedServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl ScriptedServer {
    /// Starts a server on 127.0.0.1 with a free port that answers with `script`.
    pub async fn start(script: Vec<Reply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("the listener's address");
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                script: script.into(),
                ..State::default()
            }),
            changed: Notify::new(),
            tasks: Mutex::new(Vec::new()),
        });
        let accept = tokio::spawn(accept_loop(listener, shared.clone()));
        lock(&shared.tasks).push(accept.abort_handle());
        Self { addr, shared }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `127.0.0.1:PORT`, as the `Host` header should say.
    pub fn authority(&self) -> String {
        self.addr.to_string()
    }

    /// The requests received so far, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared.state).requests.clone()
    }

    /// The connections accepted so far.
    pub fn connections(&self) -> usize {
        lock(&self.shared.state).connections
    }

    /// The streamed bodies the client stopped reading so far: the bytes written of each.
    pub fn cut_off_bodies(&self) -> Vec<u64> {
        lock(&self.shared.state).cut_off_bodies.clone()
    }

    /// Waits until `done` holds for the server's state; `false` if it does not `within`.
    pub async fn wait_for(&self, within: Duration, done: impl Fn(&State) -> bool) -> bool {
        let wait = async {
            loop {
                let changed = self.shared.changed.notified();
                let mut changed = std::pin::pin!(changed);
                changed.as_mut().enable();
                if done(&lock(&self.shared.state)) {
                    return;
                }
                changed.await;
            }
        };
        tokio::time::timeout(within, wait).await.is_ok()
    }

    /// Stops accepting, closes every connection and the port, and waits (briefly) until the
    /// server's tasks have ended.
    pub async fn stop(self) {
        let tasks: Vec<AbortHandle> = lock(&self.shared.tasks).drain(..).collect();
        for task in &tasks {
            task.abort();
        }
        for _ in 0..1000 {
            if tasks.iter().all(AbortHandle::is_finished) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

impl Drop for ScriptedServer {
    fn drop(&mut self) {
        for task in lock(&self.shared.tasks).drain(..) {
            task.abort();
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for _ in 0..MAX_CONNECTIONS {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let _ = stream.set_nodelay(true);
        let id = shared.update(|state| {
            state.connections += 1;
            state.connections
        });
        let task = tokio::spawn(serve_connection(stream, id, shared.clone()));
        let mut tasks = lock(&shared.tasks);
        tasks.retain(|t| !t.is_finished());
        tasks.push(task.abort_handle());
    }
}

struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

async fn serve_connection(stream: TcpStream, id: usize, shared: Arc<Shared>) {
    let mut conn = Conn {
        stream,
        buf: Vec::new(),
    };
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let Some(mut request) = conn.read_request().await else {
            return;
        };
        request.connection = id;
        let reply = shared.update(|state| {
            request.index = state.requests.len() + 1;
            state.requests.push(request);
            state.script.pop_front()
        });
        let mut reply = reply.unwrap_or_else(|| Reply::respond(418, "script exhausted"));
        while let Reply::Delayed(pause, next) = reply {
            tokio::time::sleep(pause).await;
            reply = *next;
        }
        let keep_alive = match reply {
            Reply::Respond {
                status,
                headers,
                body,
            } => conn.respond(status, &headers, &body).await,
            Reply::Stall => {
                if conn.closed_by_client(STALL_LIMIT).await {
                    shared.update(|state| state.closed_while_stalled += 1);
                }
                false
            }
            Reply::CloseMidBody => {
                let mut bytes = head(200, &[], Some(100));
                bytes.extend_from_slice(br#"{"partial""#);
                let _ = conn.write(&bytes).await;
                false
            }
            Reply::SlowBody {
                status,
                body,
                every,
            } => conn.trickle(status, &body, every).await,
            Reply::Huge(n) => {
                let streamed = conn.zeros(n, true).await;
                note_cut_off(&shared, streamed);
                false
            }
            Reply::HugeUndeclared(n) => {
                let streamed = conn.zeros(n, false).await;
                note_cut_off(&shared, streamed);
                false
            }
            Reply::Raw(bytes) => {
                let _ = conn.write(&bytes).await;
                false
            }
            Reply::RawThenStall(bytes) => {
                if conn.write(&bytes).await && conn.closed_by_client(STALL_LIMIT).await {
                    shared.update(|state| state.closed_while_stalled += 1);
                }
                false
            }
            Reply::HugeChunked(n) => {
                let streamed = conn.zeros_chunked(n).await;
                note_cut_off(&shared, streamed);
                false
            }
            Reply::Delayed(..) => false,
        };
        if !keep_alive {
            let _ = conn.stream.shutdown().await;
            return;
        }
    }
}

/// Records a streamed body the client stopped reading (`Err` with the bytes written).
fn note_cut_off(shared: &Shared, streamed: Result<(), u64>) {
    if let Err(written) = streamed {
        shared.update(|state| state.cut_off_bodies.push(written));
    }
}

/// A response head; `Content-Length: length` is added when given and no header sets it or
/// `Transfer-Encoding`.
fn head(status: u16, headers: &[(String, Vec<u8>)], length: Option<u64>) -> Vec<u8> {
    let mut bytes = format!("HTTP/1.1 {status} Scripted\r\n").into_bytes();
    for (name, value) in headers {
        bytes.extend_from_slice(name.as_bytes());
        bytes.extend_from_slice(b": ");
        bytes.extend_from_slice(value);
        bytes.extend_from_slice(b"\r\n");
    }
    let has_length = headers.iter().any(|(name, _)| {
        name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding")
    });
    if let (Some(length), false) = (length, has_length) {
        bytes.extend_from_slice(format!("Content-Length: {length}\r\n").as_bytes());
    }
    bytes.extend_from_slice(b"\r\n");
    bytes
}

impl Conn {
    /// Reads one request; `None` at end of stream or on anything unreadable.
    async fn read_request(&mut self) -> Option<Recorded> {
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if self.buf.len() > MAX_HEAD || !self.fill().await {
                return None;
            }
        };
        let text = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        let mut lines = text.split("\r\n");
        let mut start = lines.next()?.split(' ');
        let method = start.next()?.to_owned();
        let path = start.next()?.to_owned();
        let version = start.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| {
                let (name, value) = line.split_once(':')?;
                Some((name.trim().to_ascii_lowercase(), value.trim().to_owned()))
            })
            .collect();
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(0);
        if length > MAX_BODY {
            return None;
        }
        while self.buf.len() < head_end + length {
            if !self.fill().await {
                return None;
            }
        }
        let body = self.buf[head_end..head_end + length].to_vec();
        self.buf.drain(..head_end + length);
        Some(Recorded {
            index: 0,
            connection: 0,
            method,
            path,
            version,
            headers,
            body,
        })
    }

    async fn fill(&mut self) -> bool {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk).await {
            Ok(0) | Err(_) => false,
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                true
            }
        }
    }

    async fn write(&mut self, bytes: &[u8]) -> bool {
        self.stream.write_all(bytes).await.is_ok() && self.stream.flush().await.is_ok()
    }

    async fn respond(&mut self, status: u16, headers: &[(String, Vec<u8>)], body: &[u8]) -> bool {
        // Two writes rather than one copy: a large body is not duplicated in this process,
        // whose allocations hostile_responses.rs counts.
        self.write(&head(status, headers, Some(body.len() as u64)))
            .await
            && self.write(body).await
    }

    async fn trickle(&mut self, status: u16, body: &[u8], every: Duration) -> bool {
        let headers = [(
            "Content-Type".to_owned(),
            b"application/x-amz-json-1.0".to_vec(),
        )];
        if !self
            .write(&head(status, &headers, Some(body.len() as u64)))
            .await
        {
            return false;
        }
        for byte in body {
            tokio::time::sleep(every).await;
            if !self.write(std::slice::from_ref(byte)).await {
                return false;
            }
        }
        true
    }

    /// A 200 head (with `Content-Length: n` when `declared`) and `n` zeros; `Err` with the
    /// body bytes written when the client stops reading.
    async fn zeros(&mut self, n: u64, declared: bool) -> Result<(), u64> {
        if !self.write(&head(200, &[], declared.then_some(n))).await {
            return Err(0);
        }
        self.zeros_in_pieces(n, false).await?;
        if self.stream.flush().await.is_ok() {
            Ok(())
        } else {
            Err(n)
        }
    }

    /// A 200 head with `Transfer-Encoding: chunked`, `n` zeros in 64 KiB chunks and the last
    /// chunk; `Err` with the body bytes written when the client stops reading.
    async fn zeros_chunked(&mut self, n: u64) -> Result<(), u64> {
        let headers = [("Transfer-Encoding".to_owned(), b"chunked".to_vec())];
        if !self.write(&head(200, &headers, None)).await {
            return Err(0);
        }
        self.zeros_in_pieces(n, true).await?;
        if self.write(b"0\r\n\r\n").await {
            Ok(())
        } else {
            Err(n)
        }
    }

    /// `n` zeros in 64 KiB pieces, each framed as a chunk when `chunked`; `Err` with the bytes
    /// of zeros written when a write fails (the client stopped reading).
    async fn zeros_in_pieces(&mut self, n: u64, chunked: bool) -> Result<(), u64> {
        let piece = [0u8; 64 * 1024];
        let mut written = 0;
        while written < n {
            let size = (n - written).min(piece.len() as u64) as usize;
            let sent = if chunked {
                let mut framed = format!("{size:x}\r\n").into_bytes();
                framed.extend_from_slice(&piece[..size]);
                framed.extend_from_slice(b"\r\n");
                self.stream.write_all(&framed).await
            } else {
                // Unframed, not copied: hostile_responses.rs counts this process's allocations.
                self.stream.write_all(&piece[..size]).await
            };
            if sent.is_err() {
                return Err(written);
            }
            written += size as u64;
        }
        Ok(())
    }

    /// Waits until the client closes (or resets) the connection; `true` if it did `within`.
    async fn closed_by_client(&mut self, within: Duration) -> bool {
        let mut chunk = [0u8; 4096];
        let stream = &mut self.stream;
        tokio::time::timeout(within, async {
            loop {
                match stream.read(&mut chunk).await {
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
