//! The client bench's baselines and server: raw hyper, the hand-written floor (serde_json,
//! aws-sigv4, hyper) and the local HTTP/1.1 server all three call.

use super::*;

/// The baseline: the same POST with a bare hyper client, connector set up as the generated
/// transport's (no TLS on plain HTTP, `TCP_NODELAY`), reading the whole answer.
pub(super) struct RawHyper {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    uri: hyper::Uri,
}

impl RawHyper {
    pub(super) fn new(endpoint: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .build(connector),
            uri: format!("{endpoint}/").parse().expect("a valid URI"),
        }
    }

    pub(super) async fn post(&mut self) {
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

/// The input's wire form, as a hand-written call would write it.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SendTaskFailureRequest<'a> {
    task_token: &'a str,
    error: &'a str,
    cause: &'a str,
}

/// The output's wire form (`SendTaskFailure` answers with no members).
#[derive(serde::Deserialize)]
struct SendTaskFailureResponse {}

/// The floor: `SendTaskFailure` written by hand on the generated client's stack (see the module
/// docs). What is the same for every call (the URI, the `Host` value) is made once, as a
/// hand-written client would.
pub(super) struct Floor {
    client: hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>,
    uri: hyper::Uri,
    host: http::HeaderValue,
}

impl Floor {
    pub(super) fn new(endpoint: &str) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let uri: hyper::Uri = format!("{endpoint}/").parse().expect("a valid URI");
        let host = http::HeaderValue::from_str(uri.authority().expect("a host").as_str())
            .expect("a valid Host");
        Self {
            client: hyper_util::client::legacy::Client::builder(TokioExecutor::new())
                .build(connector),
            uri,
            host,
        }
    }

    /// One call: body, request, signature (`sign`), exchange, answer parsed.
    pub(super) async fn call(&self, sign: &impl Fn(&mut http::Request<Bytes>)) {
        let body = serde_json::to_vec(&SendTaskFailureRequest {
            task_token: TOKEN,
            error: "Bench.Error",
            cause: "a benchmark",
        })
        .expect("a JSON body");
        let mut request = request_with_client_headers(self.uri.clone(), self.host.clone())
            .body(Bytes::from(body))
            .expect("a valid request");
        sign(&mut request);
        let response = self
            .client
            .request(request.map(Full::new))
            .await
            .expect("a response");
        assert_eq!(response.status(), 200);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        let output: SendTaskFailureResponse =
            serde_json::from_slice(&body).expect("the answer's JSON");
        std::hint::black_box(output);
    }
}

/// SigV4 with `aws-sigv4` directly, as its documentation shows: the credentials become a
/// signing identity once; each request is signed at the current time and the signature's
/// headers are applied to it.
pub(super) fn sigv4_signer(
    credentials: aws_credential_types::Credentials,
) -> impl Fn(&mut http::Request<Bytes>) {
    let identity = credentials.into();
    move |request| {
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(REGION)
            .name("states")
            .time(SystemTime::now())
            .settings(SigningSettings::default())
            .build()
            .expect("signing parameters")
            .into();
        let signable = SignableRequest::new(
            request.method().as_str(),
            request.uri().to_string(),
            request
                .headers()
                .iter()
                .map(|(name, value)| (name.as_str(), value.to_str().expect("an ASCII value"))),
            SignableBody::Bytes(request.body()),
        )
        .expect("a signable request");
        let (instructions, _signature) = sign(signable, &params).expect("a signature").into_parts();
        instructions.apply_to_request_http1x(request);
    }
}

/// Signs the request the client sends (same method, URI and headers as the generated
/// orchestrator builds) with the generated crate's signing module.
pub(super) struct Signer {
    request: http::Request<Vec<u8>>,
    credentials: credentials::Credentials,
}

impl Signer {
    pub(super) fn new(endpoint: &str) -> Self {
        let uri: http::Uri = format!("{endpoint}/").parse().expect("a valid URI");
        let host = uri.authority().expect("a host").as_str().to_owned();
        let request = request_with_client_headers(uri, host)
            .body(BODY.as_bytes().to_vec())
            .expect("a valid request");
        Self {
            request,
            credentials: credentials::Credentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                None,
                None,
                "test",
            ),
        }
    }

    /// One signing; the module drops the previous signature's headers first, as on a retry.
    pub(super) fn sign(&mut self) {
        smithy_rust_runtime::sign::sign_request(
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
pub(super) fn start_server() -> SocketAddr {
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
/// `Content-Length` body, answers `200 {}` to `SendTaskFailure` (`POST /`) and the fixed
/// `GetFunction` answer to Lambda's `GET /2015-03-31/functions/bench-function`.
async fn serve_connection(stream: tokio::net::TcpStream) {
    stream.set_nodelay(true).expect("TCP_NODELAY");
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    let mut answered: u64 = 0;
    loop {
        let mut content_length = 0usize;
        let mut first = true;
        let mut get_function = false;
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
                get_function = line == format!("GET {GET_FUNCTION_PATH} HTTP/1.1\r\n");
                assert!(
                    get_function || line.starts_with("POST / HTTP/1.1"),
                    "unexpected {line:?}"
                );
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
        answered += 1;
        let response = if get_function {
            assert!(body.is_empty(), "GetFunction sends no body");
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-amzn-requestid: bench-{answered}\r\ncontent-length: {}\r\n\r\n{GET_FUNCTION_ANSWER}",
                GET_FUNCTION_ANSWER.len()
            )
        } else {
            assert_eq!(body, BODY.as_bytes(), "the body the client sent");
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: {CONTENT_TYPE}\r\nx-amzn-requestid: bench-{answered}\r\ncontent-length: 2\r\n\r\n{{}}"
            )
        };
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

/// A POST to `uri` with the headers the generated client sends (`Host` is `host`).
fn request_with_client_headers(
    uri: http::Uri,
    host: impl TryInto<http::HeaderValue, Error: Into<http::Error>>,
) -> http::request::Builder {
    http::Request::builder()
        .method(http::Method::POST)
        .uri(uri)
        .header(http::header::HOST, host)
        .header(http::header::CONTENT_TYPE, CONTENT_TYPE)
        .header("x-amz-target", TARGET)
        .header(http::header::USER_AGENT, USER_AGENT)
        .header(
            "amz-sdk-invocation-id",
            "00000000-0000-4000-8000-000000000000",
        )
        .header("amz-sdk-request", "attempt=1; max=3")
}
