//! The restJson1 load of the client bench: Lambda's `GetFunction`, through a client generated
//! from the official model (`tests/generated/lambda`, `GetFunction` alone), against the same
//! local server as the awsJson1_0 `SendTaskFailure` load. The server answers
//! `GET /2015-03-31/functions/{FunctionName}` with [`GET_FUNCTION_ANSWER`] (a function's
//! configuration, code location, tags and concurrency, as Lambda answers) as `application/json`.

use lambda::{Client, Config};

/// The function every call asks for.
const FUNCTION_NAME: &str = "bench-function";
/// The path the client requests for it (the server checks it).
pub(super) const GET_FUNCTION_PATH: &str = "/2015-03-31/functions/bench-function";
/// The fixed answer: what Lambda sends for a small Node.js function.
pub(super) const GET_FUNCTION_ANSWER: &str = r#"{"Configuration":{"FunctionName":"bench-function","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:bench-function","Runtime":"nodejs20.x","Role":"arn:aws:iam::123456789012:role/bench-role","Handler":"index.handler","CodeSize":2843,"Description":"A function for the client bench","Timeout":30,"MemorySize":256,"LastModified":"2024-05-01T12:34:56.789+0000","CodeSha256":"fpmFyOuR3mBzSjCfQOVsb6r5KZi1M1z4SBxm+FIpWzg=","Version":"$LATEST","Environment":{"Variables":{"STAGE":"bench","LOG_LEVEL":"info"}},"TracingConfig":{"Mode":"PassThrough"},"RevisionId":"0a0c7a1e-7e55-4c2b-9c2f-1a2b3c4d5e6f","Layers":[{"Arn":"arn:aws:lambda:us-east-1:123456789012:layer:shared:3","CodeSize":1024}],"State":"Active","LastUpdateStatus":"Successful","PackageType":"Zip","Architectures":["arm64"],"EphemeralStorage":{"Size":512},"SnapStart":{"ApplyOn":"None","OptimizationStatus":"Off"},"RuntimeVersionConfig":{"RuntimeVersionArn":"arn:aws:lambda:us-east-1::runtime:0123456789abcdef"},"LoggingConfig":{"LogFormat":"Text","LogGroup":"/aws/lambda/bench-function"}},"Code":{"RepositoryType":"S3","Location":"https://awslambda-us-east-1-tasks.s3.us-east-1.amazonaws.com/snapshots/123456789012/bench-function-0a0c7a1e"},"Tags":{"team":"bench","cost-center":"42"},"Concurrency":{"ReservedConcurrentExecutions":10}}"#;

/// A Lambda client of `endpoint` with the same fixed credentials as the SFN client.
pub(super) fn client(endpoint: &str, access_key_id: &str, secret_access_key: &str) -> Client {
    Client::new(
        Config::builder()
            .region(super::REGION)
            .endpoint_url(endpoint)
            .credentials(lambda::credentials::Credentials::new(
                access_key_id,
                secret_access_key,
                None,
                None,
                "test",
            ))
            .build(),
    )
}

/// One `GetFunction` call; panics unless it succeeds with the answer's function.
pub(super) async fn call(client: &Client) {
    let output = client
        .get_function()
        .function_name(FUNCTION_NAME)
        .send()
        .await
        .unwrap_or_else(|e| panic!("the GetFunction call failed: {e}"));
    let name = output.configuration().and_then(|c| c.function_name());
    assert_eq!(name, Some(FUNCTION_NAME), "the decoded answer");
}
