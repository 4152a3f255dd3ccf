//! restJson1 end to end: Lambda and API Gateway clients generated from the official models (a
//! subset of operations each) onto one exported runtime, the way a project outside this
//! repository generates them (the helpers of `support/three_services.rs`), and the program
//! `tests/tests/e2e_rest_json/program.rs` that calls them against moto: URI labels (ARNs whose
//! `:` and `/` are percent-encoded), query strings (lists, `@httpQueryParams`, the pattern's
//! literal `mode=import`), request and response headers, JSON bodies, blob payloads both ways,
//! `@httpResponseCode`, and a modeled error of each service with its code, message and request id.
//! The program checks each answer itself and prints what it saw as one JSON line, checked here
//! again.
//!
//! moto's Lambda runs without Docker here (`{"lambda":{"use_docker":false}}`: `Invoke` answers
//! with the payload it was given), and its `CreateFunction` wants a role that its IAM holds, made
//! with boto3 (`tests/moto/lambda_role.py`). What moto does and does not do for these services is
//! written up in `tests/tests/e2e_rest_json/README.md`.
//!
//! Needs the official models and moto (`tests/moto/install.py`); with `CI=true` a missing one is
//! a failure, not a skip.

#[path = "support/three_services.rs"]
mod three_services;

use tests::moto::{self, Moto};
use three_services::{Runtime, Service, RUNTIME_DIR};

const LAMBDA: Service = Service {
    model: "lambda.json",
    package: "lambda-official",
    operations: &[
        "CreateFunction",
        "GetFunction",
        "GetFunctionConfiguration",
        "ListFunctions",
        "TagResource",
        "ListTags",
        "UntagResource",
        "UpdateFunctionConfiguration",
        "Invoke",
        "InvokeAsync",
        "DeleteFunction",
    ],
};
const API_GATEWAY: Service = Service {
    model: "api-gateway.json",
    package: "apigateway-official",
    operations: &[
        "CreateRestApi",
        "GetRestApi",
        "GetRestApis",
        "CreateResource",
        "GetResources",
        "PutMethod",
        "GetMethod",
        "PutIntegration",
        "CreateDeployment",
        "TagResource",
        "GetTags",
        "GetExport",
        "PutRestApi",
        "ImportRestApi",
        "DeleteRestApi",
    ],
};
const PROGRAM: &str = "e2e-rest-json";

#[test]
fn lambda_and_api_gateway_against_moto() {
    let Some(models) = tests::aws_models_dir() else {
        return;
    };
    let Some(moto) = Moto::start() else { return };
    moto.configure(r#"{"lambda":{"use_docker":false}}"#);
    let role = moto.run_python("lambda_role.py", &[]);
    let role = role["arn"].as_str().expect("lambda_role.py prints the ARN");

    let root = tests::temp_path("e2e-rest-json");
    three_services::export_runtime(&root.join(RUNTIME_DIR)).unwrap_or_else(|e| panic!("{e}"));
    for service in [&LAMBDA, &API_GATEWAY] {
        three_services::generate_crate(&models, &root, service, Runtime::Shared)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let stdout = three_services::build_and_run(
        &root,
        PROGRAM,
        "tests/tests/e2e_rest_json/program.rs",
        &[LAMBDA.package, API_GATEWAY.package],
        &[
            moto.endpoint().as_str(),
            moto::REGION,
            moto::ACCESS_KEY_ID,
            moto::SECRET_ACCESS_KEY,
            role,
        ],
    );
    let _ = std::fs::remove_dir_all(&root);

    let line = stdout.lines().last().expect("the program prints one line");
    let result: serde_json::Value = serde_json::from_str(line)
        .unwrap_or_else(|e| panic!("the program printed no JSON ({e}): {stdout}"));

    let lambda = &result["lambda"];
    let name = lambda["name"].as_str().expect("the function's name");
    assert_eq!(
        lambda["arn"],
        format!(
            "arn:aws:lambda:{}:123456789012:function:{name}",
            moto::REGION
        ),
        "{result}"
    );
    let error = &lambda["error"];
    assert_eq!(error["code"], "ResourceNotFoundException", "{result}");
    assert_eq!(
        error["message"],
        format!(
            "Function not found: {}",
            lambda["arn"].as_str().unwrap_or_default()
        ),
        "{result}"
    );
    assert!(request_id(&error["requestId"]), "{result}");

    let apigateway = &result["apigateway"];
    let id = apigateway["id"].as_str().expect("the API's id");
    assert_eq!(
        apigateway["stageArn"],
        format!(
            "arn:aws:apigateway:{}::/restapis/{id}/stages/test",
            moto::REGION
        ),
        "{result}"
    );
    assert_eq!(
        apigateway["exportContentType"], "application/octet-stream",
        "{result}"
    );
    let error = &apigateway["error"];
    assert_eq!(error["code"], "NotFoundException", "{result}");
    assert_eq!(
        error["message"], "Invalid Rest API Id specified",
        "{result}"
    );
    assert!(request_id(&error["requestId"]), "{result}");
}

/// A request id as moto makes them (`x-amzn-requestid`): 52 letters and digits.
fn request_id(value: &serde_json::Value) -> bool {
    value
        .as_str()
        .is_some_and(|id| id.len() == 52 && id.chars().all(|c| c.is_ascii_alphanumeric()))
}
