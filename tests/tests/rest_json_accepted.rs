//! restJson1 shapes of official AWS models that Smithy flags but accepts, which the generator
//! accepts too, as the AWS SDKs do (found generating every restJson1 service of the official
//! models): a GET whose unbound input members go in a JSON body (EFS
//! `DescribeAccountPreferences`), a greedy label followed by literal segments (WorkSpaces Web
//! `/portals/{portalArn+}/browserSettings`), and `@idempotencyToken` on an output member (Macie2
//! `DescribeClassificationJobResponse$clientToken`), which is a plain member there.

/// A restJson1 service with one operation, `@http(method: METHOD, uri: URI)`, whose input has
/// the members `INPUT` and whose output has the members `OUTPUT`.
fn model(method: &str, uri: &str, input: &str, output: &str) -> String {
    format!(
        r##"{{
  "smithy": "2.0",
  "shapes": {{
    "com.example#Widgets": {{
      "type": "service",
      "version": "2024-01-01",
      "operations": [{{ "target": "com.example#GetWidget" }}],
      "traits": {{ "aws.protocols#restJson1": {{}} }}
    }},
    "com.example#GetWidget": {{
      "type": "operation",
      "input": {{ "target": "com.example#GetWidgetInput" }},
      "output": {{ "target": "com.example#GetWidgetOutput" }},
      "traits": {{ "smithy.api#http": {{ "method": "{method}", "uri": "{uri}" }} }}
    }},
    "com.example#GetWidgetInput": {{
      "type": "structure",
      "members": {{ {input} }},
      "traits": {{ "smithy.api#input": {{}} }}
    }},
    "com.example#GetWidgetOutput": {{
      "type": "structure",
      "members": {{ {output} }},
      "traits": {{ "smithy.api#output": {{}} }}
    }}
  }}
}}"##
    )
}

/// The text of the generated file at `path`.
fn generated(model: &str, path: &str) -> String {
    let files = codegen::generate(model, &codegen::Settings::new("widgets", "widgets.json"))
        .unwrap_or_else(|e| panic!("refused: {e}"));
    files
        .into_iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no {path}"))
        .contents
}

#[test]
fn a_get_sends_its_unbound_members_in_a_json_body() {
    let model = model(
        "GET",
        "/widgets",
        r#""NextToken": { "target": "smithy.api#String" }"#,
        "",
    );
    let codec = generated(&model, "src/codec.rs");
    let request = codec
        .split("fn http_request_get_widget")
        .nth(1)
        .expect("the request function");
    let request = request.split("\nfn ").next().unwrap_or(request);
    assert!(
        request.contains("application/json") && request.contains("ser_get_widget_input"),
        "{request}"
    );
    // A payload on a GET is still refused.
    let payload = self::model(
        "GET",
        "/widgets",
        r#""data": { "target": "smithy.api#Blob", "traits": { "smithy.api#httpPayload": {} } }"#,
        "",
    );
    let settings = codegen::Settings::new("widgets", "widgets.json");
    let error = codegen::generate(&payload, &settings).expect_err("refused");
    assert!(
        error.to_string().contains("is a `GET` request with a body"),
        "{error}"
    );
}

#[test]
fn a_greedy_label_may_be_followed_by_literal_segments_but_not_by_a_label() {
    let label = r#"{ "target": "smithy.api#String", "traits": { "smithy.api#httpLabel": {}, "smithy.api#required": {} } }"#;
    let model = model(
        "POST",
        "/portals/{portalArn+}/browserSettings",
        &format!(r#""portalArn": {label}"#),
        "",
    );
    let codec = generated(&model, "src/codec.rs");
    assert!(
        codec.contains("crate::rest::push_label(&mut path, &text, true);")
            && codec.contains("path.push_str(\"/browserSettings\");"),
        "{codec}"
    );
    let after = self::model(
        "POST",
        "/portals/{portalArn+}/{name}",
        &format!(r#""portalArn": {label}, "name": {label}"#),
        "",
    );
    let settings = codegen::Settings::new("widgets", "widgets.json");
    let error = codegen::generate(&after, &settings).expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("has the label `{name}` after the greedy label `{portalArn+}`"),
        "{error}"
    );
}

#[test]
fn an_idempotency_token_on_an_output_is_a_plain_member() {
    let model = model(
        "POST",
        "/widgets",
        "",
        r#""clientToken": { "target": "smithy.api#String", "traits": { "smithy.api#idempotencyToken": {} } }"#,
    );
    let output = generated(&model, "src/operation/get_widget.rs");
    assert!(output.contains("pub client_token:"), "{output}");
    assert!(!output.contains("Idempotency token"), "{output}");
}
