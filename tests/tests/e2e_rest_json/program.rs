//! Lambda and API Gateway (restJson1) against moto, with clients generated from the official
//! models onto one exported runtime, one `Config` for both.
//!
//! Lambda: `CreateFunction` (a zip archive as the `ZipFile` blob, base64 in the JSON body; tags,
//! environment), `GetFunction` (a label), `GetFunctionConfiguration` (`Qualifier=$LATEST`, a query
//! value that needs percent-encoding), `ListFunctions` (`MaxItems`), `TagResource`, `ListTags` and
//! `UntagResource` (the function's ARN as a label: its `:`s are percent-encoded; `tagKeys`
//! repeated in the query), `UpdateFunctionConfiguration` (PUT with a JSON body), `Invoke`
//! (request headers `X-Amz-Invocation-Type` and `X-Amz-Log-Type`, a blob payload each way, the
//! status code and `X-Amz-Executed-Version` from the response), `InvokeAsync` (a `@streaming`
//! blob payload read from a file as it is sent: `ByteStream::from_path`), `DeleteFunction`, and
//! `GetFunction` of a missing function: `ResourceNotFoundException`.
//!
//! API Gateway: `CreateRestApi` (tags), `GetRestApi`, `GetRestApis` (`limit`), `GetResources`
//! (`limit`, `embed` list), `CreateResource`, `PutMethod` and `GetMethod` (three labels),
//! `PutIntegration`, `CreateDeployment`, `TagResource` and `GetTags` on the stage's ARN (a label holding `:` and
//! `/`), `GetExport` (the `Accept` request header, `Content-Type` and `Content-Disposition`
//! response headers, the blob payload, `@httpQueryParams`), `PutRestApi` (an OpenAPI document as
//! the blob payload, `mode` and `failonwarnings` in the query, `@httpQueryParams`),
//! `ImportRestApi` (the literal query `mode=import` in the URI pattern, a payload),
//! `DeleteRestApi`, and `GetRestApi` of a deleted API: `NotFoundException`.
//!
//! Built and run by `tests/tests/e2e_rest_json.rs`: `PROGRAM ENDPOINT REGION KEY SECRET ROLE_ARN`.
//! Checks every answer itself; prints one JSON line on stdout with what it saw; exits non-zero
//! with a message on stderr when a check or a call fails.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use apigateway_official::operation::get_rest_api::GetRestApiError;
use lambda_official::operation::get_function::GetFunctionError;
use lambda_official::primitives::{Blob, DateTime, TimestampFormat};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [endpoint, region, key, secret, role] = args.as_slice() else {
        fail(format!(
            "usage: e2e-rest-json ENDPOINT REGION KEY SECRET ROLE_ARN (got {args:?})"
        ));
    };
    // One Config for both services: the crates share the exported runtime.
    let config = lambda_official::Config::builder()
        .region(region.as_str())
        .endpoint_url(endpoint.as_str())
        .credentials(lambda_official::credentials::Credentials::new(
            key.as_str(),
            secret.as_str(),
            None,
            None,
            "test",
        ))
        .build();
    let lambda = lambda(&lambda_official::Client::new(&config), role).await;
    let apigateway = apigateway(&apigateway_official::Client::new(&config), region).await;
    println!(
        "{}",
        serde_json::json!({ "lambda": lambda, "apigateway": apigateway })
    );
}

/// A zip archive with no entries whose comment holds every byte value: valid for any zip reader,
/// and a blob whose base64 has `+` and `/` and which is not UTF-8.
fn zip_archive() -> Vec<u8> {
    let comment: Vec<u8> = (0..=255u8).collect();
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend_from_slice(&[0; 16]); // disk numbers, entry counts, directory size and offset
    zip.extend_from_slice(&(comment.len() as u16).to_le_bytes());
    zip.extend_from_slice(&comment);
    zip
}

fn strings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

async fn lambda(client: &lambda_official::Client, role: &str) -> serde_json::Value {
    use lambda_official::types::{Environment, FunctionCode, InvocationType, LogType, Runtime};

    let name = format!("rest-json-{}", std::process::id());
    let zip = zip_archive();

    // CreateFunction: POST /2015-03-31/functions, everything in the JSON body.
    let created = client
        .create_function()
        .function_name(&name)
        .runtime(Runtime::Python312)
        .role(role)
        .handler("index.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(zip.clone()))
                .build(),
        )
        .description("created by e2e_rest_json")
        .timeout(7)
        .memory_size(256)
        .environment(
            Environment::builder()
                .variables(strings(&[("GREETING", "hello wörld")]))
                .build(),
        )
        .tags(strings(&[("team", "codegen"), ("stage", "e2e")]))
        .send()
        .await
        .or_fail("CreateFunction");
    check_eq("CreateFunction name", created.function_name(), Some(&*name));
    let arn = created
        .function_arn()
        .unwrap_or_else(|| fail("CreateFunction: no FunctionArn".into()))
        .to_owned();
    check(
        arn.starts_with("arn:aws:lambda:") && arn.ends_with(&format!(":function:{name}")),
        format!("CreateFunction ARN {arn}"),
    );
    check_eq("CreateFunction role", created.role(), Some(role));
    check_eq(
        "CreateFunction code size",
        created.code_size(),
        zip.len() as i64,
    );
    check_eq(
        "CreateFunction runtime",
        created.runtime(),
        Some(&Runtime::Python312),
    );
    // LastModified is a string in the model; moto writes RFC 3339 (AWS writes `+0000`).
    let last_modified = created.last_modified().unwrap_or_default().to_owned();
    let modified = DateTime::parse(&last_modified, TimestampFormat::DateTime)
        .unwrap_or_else(|e| {
            fail(format!(
                "CreateFunction LastModified {last_modified:?}: {e}"
            ))
        })
        .as_secs_f64();
    check(
        (now_secs() - 300.0..now_secs() + 5.0).contains(&modified),
        format!("CreateFunction LastModified {last_modified} is now"),
    );

    // GetFunction: the name as a label; tags and configuration from the JSON body.
    let got = client
        .get_function()
        .function_name(&name)
        .send()
        .await
        .or_fail("GetFunction");
    let configuration = got
        .configuration()
        .unwrap_or_else(|| fail("GetFunction: no Configuration".into()));
    check_eq("GetFunction ARN", configuration.function_arn(), Some(&*arn));
    check_eq(
        "GetFunction handler",
        configuration.handler(),
        Some("index.handler"),
    );
    check_eq("GetFunction timeout", configuration.timeout(), Some(7));
    check_eq(
        "GetFunction environment",
        configuration
            .environment()
            .and_then(|e| e.variables())
            .and_then(|v| v.get("GREETING"))
            .map(String::as_str),
        Some("hello wörld"),
    );
    check_eq(
        "GetFunction tags",
        got.tags(),
        Some(&strings(&[("team", "codegen"), ("stage", "e2e")])),
    );

    // GetFunctionConfiguration: `Qualifier=%24LATEST` in the query.
    let latest = client
        .get_function_configuration()
        .function_name(&name)
        .qualifier("$LATEST")
        .send()
        .await
        .or_fail("GetFunctionConfiguration");
    check_eq(
        "GetFunctionConfiguration version",
        latest.version(),
        Some("$LATEST"),
    );
    check_eq(
        "GetFunctionConfiguration memory",
        latest.memory_size(),
        Some(256),
    );

    // ListFunctions: `MaxItems` in the query.
    let listed = client
        .list_functions()
        .max_items(50)
        .send()
        .await
        .or_fail("ListFunctions");
    check(
        listed
            .functions()
            .iter()
            .any(|f| f.function_name() == Some(&*name)),
        format!("ListFunctions lists {name}"),
    );

    // TagResource, ListTags, UntagResource: the ARN (with its `:`s) as a label.
    client
        .tag_resource()
        .resource(&arn)
        .tags(strings(&[("owner", "rest json"), ("temp", "1")]))
        .send()
        .await
        .or_fail("TagResource");
    let tags = client
        .list_tags()
        .resource(&arn)
        .send()
        .await
        .or_fail("ListTags");
    check_eq(
        "ListTags after TagResource",
        tags.tags(),
        Some(&strings(&[
            ("team", "codegen"),
            ("stage", "e2e"),
            ("owner", "rest json"),
            ("temp", "1"),
        ])),
    );
    client
        .untag_resource()
        .resource(&arn)
        .tag_keys(vec!["temp".to_owned(), "stage".to_owned()])
        .send()
        .await
        .or_fail("UntagResource");
    let tags = client
        .list_tags()
        .resource(&arn)
        .send()
        .await
        .or_fail("ListTags");
    check_eq(
        "ListTags after UntagResource",
        tags.tags(),
        Some(&strings(&[("team", "codegen"), ("owner", "rest json")])),
    );

    // UpdateFunctionConfiguration: PUT with a JSON body.
    let updated = client
        .update_function_configuration()
        .function_name(&name)
        .description("updated")
        .timeout(30)
        .send()
        .await
        .or_fail("UpdateFunctionConfiguration");
    check_eq(
        "UpdateFunctionConfiguration description",
        updated.description(),
        Some("updated"),
    );
    check_eq(
        "UpdateFunctionConfiguration timeout",
        updated.timeout(),
        Some(30),
    );

    // Invoke: headers in, the payload as the body both ways, the status code and a header out.
    let payload = br#"{"hello":"world","n":[1,2,3]}"#;
    let invoked = client
        .invoke()
        .function_name(&name)
        .invocation_type(InvocationType::RequestResponse)
        .log_type(LogType::Tail)
        .payload(Blob::new(payload.to_vec()))
        .send()
        .await
        .or_fail("Invoke");
    check_eq("Invoke status code", invoked.status_code(), 200);
    check_eq(
        "Invoke payload",
        invoked.payload().map(|p| p.as_ref()),
        Some(&payload[..]),
    );

    // An asynchronous Invoke: the status code (`@httpResponseCode`) is 202. (AWS answers no
    // payload; moto echoes it here too.)
    let queued = client
        .invoke()
        .function_name(&name)
        .invocation_type(InvocationType::Event)
        .payload(Blob::new(payload.to_vec()))
        .send()
        .await
        .or_fail("Invoke (Event)");
    check_eq("Invoke (Event) status code", queued.status_code(), 202);

    // InvokeAsync: its `InvokeArgs` is a `@streaming` blob, here a file streamed with its
    // length, signed `UNSIGNED-PAYLOAD`. The status (`@httpResponseCode`) is 202.
    let args_path = std::env::temp_dir().join(format!("e2e-rest-json-args-{}.json", std::process::id()));
    std::fs::write(&args_path, payload).unwrap_or_else(|e| fail(format!("writing {args_path:?}: {e}")));
    let args = lambda_official::primitives::ByteStream::from_path(&args_path)
        .await
        .unwrap_or_else(|e| fail(format!("ByteStream::from_path: {e}")));
    let invoked_async = client
        .invoke_async()
        .function_name(&name)
        .invoke_args(args)
        .send()
        .await
        .or_fail("InvokeAsync");
    let _ = std::fs::remove_file(&args_path);
    check_eq("InvokeAsync status", invoked_async.status(), 202);

    // DeleteFunction, then GetFunction: the modeled error.
    client
        .delete_function()
        .function_name(&name)
        .send()
        .await
        .or_fail("DeleteFunction");
    let missing = match client.get_function().function_name(&name).send().await {
        Ok(output) => fail(format!("GetFunction after DeleteFunction: {output:?}")),
        Err(error) => error,
    };
    let GetFunctionError::ResourceNotFoundException(ref not_found) = missing else {
        fail(format!(
            "GetFunction after DeleteFunction: not ResourceNotFoundException: {missing:?}"
        ));
    };
    check_eq(
        "ResourceNotFoundException code",
        missing.code(),
        Some("ResourceNotFoundException"),
    );
    check(
        missing.message().is_some_and(|m| m.contains(&name)),
        format!("ResourceNotFoundException message names the function: {missing:?}"),
    );
    check_eq(
        "ResourceNotFoundException status",
        missing.status(),
        Some(404),
    );

    serde_json::json!({
        "name": name,
        "arn": arn,
        "lastModified": last_modified,
        "executedVersion": invoked.executed_version(),
        "logResult": invoked.log_result(),
        "functionError": invoked.function_error(),
        "error": {
            "code": missing.code(),
            "message": missing.message(),
            "requestId": missing.request_id(),
            "type": not_found.r#type(),
        },
    })
}

async fn apigateway(client: &apigateway_official::Client, region: &str) -> serde_json::Value {
    use apigateway_official::types::{IntegrationType, PutMode};

    let name = format!("rest-json-{}", std::process::id());
    let before = now_secs();

    // CreateRestApi: a JSON body with a map; createdDate as epoch seconds.
    let api = client
        .create_rest_api()
        .name(&name)
        .description("an API from e2e_rest_json")
        .tags(strings(&[("team", "codegen")]))
        .send()
        .await
        .or_fail("CreateRestApi");
    let id = api
        .id()
        .unwrap_or_else(|| fail("CreateRestApi: no id".into()))
        .to_owned();
    let created = api
        .created_date()
        .unwrap_or_else(|| fail("CreateRestApi: no createdDate".into()))
        .as_secs_f64();
    check(
        (before - 5.0..now_secs() + 5.0).contains(&created),
        format!("CreateRestApi createdDate {created} is now ({before})"),
    );

    // GetRestApi: the id as a label.
    let got = client
        .get_rest_api()
        .rest_api_id(&id)
        .send()
        .await
        .or_fail("GetRestApi");
    check_eq("GetRestApi name", got.name(), Some(&*name));
    check_eq(
        "GetRestApi tags",
        got.tags(),
        Some(&strings(&[("team", "codegen")])),
    );
    let root = got
        .root_resource_id()
        .unwrap_or_else(|| fail("GetRestApi: no rootResourceId".into()))
        .to_owned();

    // GetRestApis: `limit` in the query.
    let apis = client
        .get_rest_apis()
        .limit(25)
        .send()
        .await
        .or_fail("GetRestApis");
    check(
        apis.items().iter().any(|a| a.id() == Some(&*id)),
        format!("GetRestApis lists {id}"),
    );

    // CreateResource: two labels and a JSON body.
    let pets = client
        .create_resource()
        .rest_api_id(&id)
        .parent_id(&root)
        .path_part("pets")
        .send()
        .await
        .or_fail("CreateResource");
    check_eq("CreateResource path", pets.path(), Some("/pets"));
    let pets_id = pets.id().unwrap_or_default().to_owned();

    // PutMethod and GetMethod: three labels.
    let put = client
        .put_method()
        .rest_api_id(&id)
        .resource_id(&pets_id)
        .http_method("GET")
        .authorization_type("NONE")
        .request_parameters(HashMap::from([(
            "method.request.querystring.kind".to_owned(),
            false,
        )]))
        .send()
        .await
        .or_fail("PutMethod");
    check_eq("PutMethod httpMethod", put.http_method(), Some("GET"));
    let method = client
        .get_method()
        .rest_api_id(&id)
        .resource_id(&pets_id)
        .http_method("GET")
        .send()
        .await
        .or_fail("GetMethod");
    check_eq(
        "GetMethod authorizationType",
        method.authorization_type(),
        Some("NONE"),
    );
    check_eq(
        "GetMethod requestParameters",
        method.request_parameters(),
        Some(&HashMap::from([(
            "method.request.querystring.kind".to_owned(),
            false,
        )])),
    );

    // PutIntegration: a MOCK integration (CreateDeployment refuses a method without one).
    let integration = client
        .put_integration()
        .rest_api_id(&id)
        .resource_id(&pets_id)
        .http_method("GET")
        .r#type(IntegrationType::Mock)
        .request_templates(strings(&[("application/json", r#"{"statusCode": 200}"#)]))
        .send()
        .await
        .or_fail("PutIntegration");
    check_eq(
        "PutIntegration type",
        integration.r#type(),
        Some(&IntegrationType::Mock),
    );

    // GetResources: `limit` and a repeated `embed` in the query.
    let resources = client
        .get_resources()
        .rest_api_id(&id)
        .limit(100)
        .embed(vec!["methods".to_owned()])
        .send()
        .await
        .or_fail("GetResources");
    let mut paths: Vec<&str> = resources.items().iter().filter_map(|r| r.path()).collect();
    paths.sort_unstable();
    check_eq("GetResources paths", paths, vec!["/", "/pets"]);

    // CreateDeployment makes the stage; the stage's ARN (`:` and `/`) is a label of the tag calls.
    client
        .create_deployment()
        .rest_api_id(&id)
        .stage_name("test")
        .send()
        .await
        .or_fail("CreateDeployment");
    let stage_arn = format!("arn:aws:apigateway:{region}::/restapis/{id}/stages/test");
    client
        .tag_resource()
        .resource_arn(&stage_arn)
        .tags(strings(&[("env", "e2e"), ("with space", "a/b:c")]))
        .send()
        .await
        .or_fail("TagResource");
    let stage_tags = client
        .get_tags()
        .resource_arn(&stage_arn)
        .send()
        .await
        .or_fail("GetTags");
    check_eq(
        "GetTags",
        stage_tags.tags(),
        Some(&strings(&[("env", "e2e"), ("with space", "a/b:c")])),
    );

    // GetExport: `Accept` out; `Content-Type`, `Content-Disposition` and the payload back.
    let export = client
        .get_export()
        .rest_api_id(&id)
        .stage_name("test")
        .export_type("swagger")
        .accepts("application/json")
        .parameters(strings(&[("extensions", "integrations")]))
        .send()
        .await
        .or_fail("GetExport");
    let document: serde_json::Value = serde_json::from_slice(
        export
            .body()
            .unwrap_or_else(|| fail("GetExport: no body".into()))
            .as_ref(),
    )
    .unwrap_or_else(|e| fail(format!("GetExport: the body is not JSON: {e}")));
    check(
        document["paths"].get("/pets").is_some(),
        format!("GetExport: the document has /pets: {document}"),
    );
    check(
        export
            .content_disposition()
            .is_some_and(|d| d.starts_with("attachment")),
        format!(
            "GetExport Content-Disposition {:?}",
            export.content_disposition()
        ),
    );

    // PutRestApi: an OpenAPI document as the payload, `mode` and `failonwarnings` in the query.
    let openapi = serde_json::json!({
        "openapi": "3.0.1",
        // moto's ImportRestApi fails with 500 (a KeyError) on a document without a description.
        "info": {"title": name, "description": "from e2e_rest_json", "version": "2"},
        "paths": {
            "/owners": {"get": {"responses": {"200": {"description": "ok"}}}},
            "/owners/{ownerId}": {"get": {
                "parameters": [
                    {"name": "ownerId", "in": "path", "required": true, "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "ok"}},
            }},
        },
    });
    client
        .put_rest_api()
        .rest_api_id(&id)
        .mode(PutMode::Overwrite)
        .fail_on_warnings(true)
        .parameters(strings(&[("ignore", "documentation")]))
        .body(Blob::new(openapi.to_string()))
        .send()
        .await
        .or_fail("PutRestApi");
    let resources = client
        .get_resources()
        .rest_api_id(&id)
        .send()
        .await
        .or_fail("GetResources");
    let mut after_put: Vec<&str> = resources.items().iter().filter_map(|r| r.path()).collect();
    after_put.sort_unstable();
    check_eq(
        "GetResources after PutRestApi overwrite",
        after_put.clone(),
        vec!["/", "/owners", "/owners/{ownerId}"],
    );

    // ImportRestApi: `?mode=import` from the URI pattern, the document as the payload.
    let imported_name = format!("{name}-imported");
    let mut document = openapi.clone();
    document["info"]["title"] = serde_json::Value::from(imported_name.clone());
    let imported = client
        .import_rest_api()
        .fail_on_warnings(false)
        .body(Blob::new(document.to_string()))
        .send()
        .await
        .or_fail("ImportRestApi");
    check_eq("ImportRestApi name", imported.name(), Some(&*imported_name));
    let imported_id = imported.id().unwrap_or_default().to_owned();

    // DeleteRestApi, then GetRestApi: the modeled error.
    for api in [&id, &imported_id] {
        client
            .delete_rest_api()
            .rest_api_id(api)
            .send()
            .await
            .or_fail(&format!("DeleteRestApi {api}"));
    }
    let missing = match client.get_rest_api().rest_api_id(&id).send().await {
        Ok(output) => fail(format!("GetRestApi after DeleteRestApi: {output:?}")),
        Err(error) => error,
    };
    check(
        matches!(missing, GetRestApiError::NotFoundException(_)),
        format!("GetRestApi after DeleteRestApi: not NotFoundException: {missing:?}"),
    );
    check_eq(
        "NotFoundException code",
        missing.code(),
        Some("NotFoundException"),
    );
    check_eq("NotFoundException status", missing.status(), Some(404));

    serde_json::json!({
        "id": id,
        "createdDate": created,
        "stageArn": stage_arn,
        "exportContentType": export.content_type(),
        "pathsAfterPut": after_put,
        "error": {
            "code": missing.code(),
            "message": missing.message(),
            "requestId": missing.request_id(),
        },
    })
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or(Duration::ZERO)
        .as_secs_f64()
}

/// `Result::unwrap` for the calls, failing the program with the operation's name and the error.
trait OrFail<T> {
    fn or_fail(self, what: &str) -> T;
}

impl<T, E: std::fmt::Debug> OrFail<T> for Result<T, E> {
    fn or_fail(self, what: &str) -> T {
        self.unwrap_or_else(|e| fail(format!("{what}: {e:?}")))
    }
}

fn check(ok: bool, what: String) {
    if !ok {
        fail(format!("check failed: {what}"));
    }
}

fn check_eq<T: PartialEq + std::fmt::Debug>(what: &str, actual: T, expected: T) {
    if actual != expected {
        fail(format!("{what}: expected {expected:?}, got {actual:?}"));
    }
}

fn fail(message: String) -> ! {
    eprintln!("e2e-rest-json: {message}");
    std::process::exit(1)
}
