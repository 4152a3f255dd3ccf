//! Written by tests/tests/property_roundtrip.rs (the `// CASES` line becomes one check per random
//! value): for each value of each random model, reads the `Echo` input from JSON with the `serde`
//! feature, sends it through the generated client with a transport that echoes the request body
//! back as the response body, and compares the output (as JSON, via `serde`) with the value.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

/// The outcome of one call: the output as JSON, or why there is none.
type Outcome = Result<Value, String>;

/// A transport that answers every request with its own body.
#[derive(Debug, Clone)]
struct Echo;

/// Implements the transport trait for [`Echo`], named through one generated crate: they all
/// re-export the one trait of the runtime they share.
macro_rules! echo_transport {
    ($krate:ident) => {
        impl $krate::transport::HttpClient for Echo {
            fn send(
                &self,
                request: http::Request<Vec<u8>>,
                _limits: $krate::transport::Limits,
            ) -> Pin<
                Box<
                    dyn Future<
                            Output = Result<
                                http::Response<Vec<u8>>,
                                $krate::transport::TransportError,
                            >,
                        > + Send
                        + '_,
                >,
            > {
                let response = http::Response::builder()
                    .status(200)
                    .header("content-type", "application/x-amz-json-1.0")
                    .body(request.into_body())
                    .unwrap();
                Box::pin(async move { Ok(response) })
            }
        }
    };
}

/// Reads the input from `$value` with serde, calls `Echo` through an echoing client, and returns
/// the output as JSON.
macro_rules! round_trip {
    ($krate:ident, $value:expr) => {{
        use $krate::client::PropApi as _;
        async move {
            let input: $krate::operation::echo::EchoInput = serde_json::from_value($value)
                .map_err(|e| format!("serde cannot read the value as the input: {e}"))?;
            let config = $krate::Config::builder()
                .region("us-east-1")
                .endpoint_url("https://example.com")
                .credentials($krate::credentials::Credentials::new(
                    "AKID", "SECRET", None,
                    None,
                    "test",
                ))
                .retry_config($krate::retry::RetryConfig::disabled())
                .http_client(Echo)
                .build();
            let client = $krate::Client::new(config);
            let output = client
                .call_echo(input)
                .await
                .map_err(|e| format!("the call failed: {e:?}"))?;
            serde_json::to_value(&output).map_err(|e| format!("serde cannot write the output: {e}"))
        }
    }};
}

/// Runs one case; returns 1 (after printing it) when the round trip does not hold.
fn check<F: Future<Output = Outcome>>(
    runtime: &tokio::runtime::Runtime,
    model: usize,
    text: &str,
    call: impl FnOnce(Value) -> F,
) -> usize {
    let value: Value = serde_json::from_str(text).unwrap();
    match runtime.block_on(call(value.clone())) {
        Ok(output) if output == value => 0,
        Ok(output) => {
            println!("FAIL model {model}: value {value}\n  came back as {output}");
            1
        }
        Err(e) => {
            println!("FAIL model {model}: value {value}\n  {e}");
            1
        }
    }
}

// ECHO_TRANSPORTS

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut failures = 0;
    // CASES
    if failures > 0 {
        eprintln!("{failures} round trips failed");
        std::process::exit(1);
    }
    println!("all round trips hold");
}
