//! The generated crate's front page, beside `lib_rs.rs`: the service's own documentation, and
//! what a new user looks for first (making a client, one call, handling its error, a mock), as
//! `no_run` doc tests, which rustdoc compiles when the crate's doc tests run.
//!
//! The examples name items by path (`sfn::Client`, `sfn::operation::...`), never through the
//! prelude, so they read the same in a program that uses several services.

use crate::docs::to_markdown;
use crate::ir::{Crate, Operation, Presence, Type};

/// The service shape's documentation as Markdown paragraphs, each line as written, followed by a
/// blank line; empty when the model documents nothing.
pub fn service_docs(krate: &Crate) -> String {
    let text = krate
        .service
        .docs
        .as_deref()
        .map(to_markdown)
        .unwrap_or_default();
    if text.is_empty() {
        text
    } else {
        format!("{text}\n\n")
    }
}

/// The sections from "Making a client" to "Testing with a mock", each starting with a blank
/// line.
pub fn getting_started(krate: &Crate) -> String {
    let mut text = making_a_client(krate);
    if let Some(op) = example_operation(krate) {
        text.push_str(&calling(krate, op));
        text.push_str(&handling_errors(krate, op));
        text.push_str(&mocking(krate, mock_operation(krate, op)));
    }
    text
}

/// The operation the examples call: a `List...`, `Describe...` or `Get...` call that needs no
/// input if there is one (the first thing a reader tries, and harmless), else the first whose
/// required members are all strings (the examples set those), else the first.
fn example_operation(krate: &Crate) -> Option<&Operation> {
    let ops = &krate.operations;
    ops.iter()
        .find(|op| reads_only(op) && !needs_input(op))
        .or_else(|| ops.iter().find(|op| strings_only(op)))
        .or_else(|| ops.first())
}

/// The operation the mock implements: the example's if the mock can build its output without
/// setting anything, else the first such operation, else the example's (whose output it then
/// builds with `expect`). Its types must not shadow the names the mock also uses.
fn mock_operation<'a>(krate: &'a Crate, example: &'a Operation) -> &'a Operation {
    let fits = |op: &&Operation| !op.output.fallible_build && importable(op) && strings_only(op);
    Some(example)
        .filter(fits)
        .or_else(|| {
            krate
                .operations
                .iter()
                .find(|op| reads_only(op) && fits(op))
        })
        .or_else(|| krate.operations.iter().find(fits))
        .unwrap_or(example)
}

fn reads_only(op: &Operation) -> bool {
    ["List", "Describe", "Get"]
        .iter()
        .any(|verb| op.wire_name.starts_with(verb))
}

fn needs_input(op: &Operation) -> bool {
    op.input
        .fields
        .iter()
        .any(|f| f.presence == Presence::Required)
}

/// Every required member of the input is a string.
fn strings_only(op: &Operation) -> bool {
    op.input
        .fields
        .iter()
        .all(|f| f.presence != Presence::Required || f.ty == Type::String)
}

/// The mock imports the input, output and error types: none may shadow what it also names.
fn importable(op: &Operation) -> bool {
    [&op.input.name, &op.output.name, &op.error_enum]
        .iter()
        .all(|name| {
            !matches!(
                name.as_str(),
                "Result" | "Box" | "Ok" | "BoxFuture" | "Mock"
            )
        })
}

/// The package as Rust names it: `my_service` for `my-service`.
fn crate_name(krate: &Crate) -> String {
    krate.package.replace('-', "_")
}

/// `.name("...")` for each required string member of the input, each after `before` (a line
/// break and indentation for a chain of calls on several lines, or nothing).
fn required_setters(op: &Operation, before: &str) -> String {
    op.input
        .fields
        .iter()
        .filter(|f| f.presence == Presence::Required && f.ty == Type::String)
        .map(|f| format!("{before}.{}(\"...\")", f.setter))
        .collect()
}

fn making_a_client(krate: &Crate) -> String {
    let name = crate_name(krate);
    let env = &krate.service.env_name;
    let region = "A call without a region fails with\n\
                  an error that says to set `AWS_REGION` or call `.region(..)`.";
    let without = if krate.service.endpoint_rules.is_some() {
        region.to_owned()
    } else {
        format!(
            "{region} The model has no\n\
             endpoint rules, so an endpoint URL is needed too (`AWS_ENDPOINT_URL_{env}` or\n\
             `.endpoint_url(..)`)."
        )
    };
    let comment = if krate.service.endpoint_rules.is_some() {
        "// Or explicitly: the region, and an endpoint such as a local emulator (leave it out for\n\
         // the service's own endpoint in that region)."
    } else {
        "// Or explicitly: the region, and the endpoint (this service's model has no endpoint rules)."
    };
    format!(
        "\n# Making a client\n\n\
         Make a client once and reuse it: clones are cheap and share its connections.\n\
         [`Client::from_env`] reads the region, credentials and endpoint the way the AWS CLI and\n\
         SDKs do (`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_{env}`, ..., see\n\
         [Configuration](#configuration)); a [`Config`] built in code sets them explicitly. {without}\n\n\
         ```no_run\n\
         let client = {name}::Client::from_env();\n\n\
         {comment}\n\
         let config = {name}::Config::builder()\n    \
         .region(\"us-east-1\")\n    \
         .endpoint_url(\"http://127.0.0.1:5000\")\n    \
         .build();\n\
         let client = {name}::Client::new(&config);\n\
         ```\n"
    )
}

fn calling(krate: &Crate, op: &Operation) -> String {
    let name = crate_name(krate);
    format!(
        "\n# Calling an operation\n\n\
         Each operation is a method of [`Client`] that starts a builder: set the input's members,\n\
         then `.send().await`. The builders and the input and output types live in\n\
         [`operation::{module}`] and its siblings.\n\n\
         ```no_run\n\
         #[tokio::main(flavor = \"current_thread\")]\n\
         async fn main() -> Result<(), Box<dyn std::error::Error>> {{\n    \
         let client = {name}::Client::from_env();\n    \
         let output = client\n        .{fn_name}(){setters}\n        .send()\n        .await?;\n    \
         println!(\"{{output:?}}\");\n    \
         Ok(())\n\
         }}\n\
         ```\n",
        module = op.module,
        fn_name = op.fn_name,
        setters = required_setters(op, "\n        "),
    )
}

fn handling_errors(krate: &Crate, op: &Operation) -> String {
    let name = crate_name(krate);
    let error = &op.error_enum;
    let modeled = op
        .errors
        .first()
        .map(|case| {
            format!(
                "        // One variant (and one `is_...` method) per error the model lists.\n        \
                 Err({error}::{variant}(error)) => eprintln!(\"{code}: {{error}}\"),\n",
                variant = case.variant,
                code = case.code,
            )
        })
        .unwrap_or_default();
    format!(
        "\n# Handling errors\n\n\
         A call fails with the operation's error enum,\n\
         [`operation::{module}::{error}`]: a variant per modeled error, `Unknown` for other\n\
         error answers, and `Request` when no answer came (the input was invalid, no region was\n\
         set, the request could not be sent or timed out).\n\
         Every error gives its code, message and request id, and `Display` shows all three.\n\n\
         ```no_run\n\
         use {name}::operation::{module}::{error};\n\n\
         async fn call(client: &{name}::Client) -> Result<(), {error}> {{\n    \
         match client.{fn_name}(){setters}.send().await {{\n        \
         Ok(output) => println!(\"{{output:?}}\"),\n\
         {modeled}        \
         Err(error) => {{\n            \
         eprintln!(\"{{error}} (code {{:?}}, request id {{:?}})\", error.code(), error.request_id());\n            \
         return Err(error);\n        \
         }}\n    \
         }}\n    \
         Ok(())\n\
         }}\n\
         ```\n",
        module = op.module,
        fn_name = op.fn_name,
        setters = required_setters(op, ""),
    )
}

fn mocking(krate: &Crate, op: &Operation) -> String {
    let name = crate_name(krate);
    let api = &krate.service.trait_name;
    let ext = &krate.service.ext_trait_name;
    let module = &op.module;
    let (input, output, error) = (&op.input.name, &op.output.name, &op.error_enum);
    format!(
        "\n# Testing with a mock\n\n\
         Write application code against the [`{api}`] trait (`&dyn {api}`), which [`Client`]\n\
         implements, and hand it a mock in tests: the mock implements only the operations the test\n\
         uses (one method each, taking the whole input; the others answer \"not mocked\"), and\n\
         [`{ext}`] gives it the same fluent calls as the client.\n\n\
         ```no_run\n\
         use {name}::operation::{module}::{{{error}, {input}, {output}}};\n\
         use {name}::{{BoxFuture, {api}, {ext}}};\n\n\
         async fn app(service: &dyn {api}) -> bool {{\n    \
         service.{fn_name}(){setters}.send().await.is_ok()\n\
         }}\n\n\
         struct Mock;\n\n\
         impl {api} for Mock {{\n    \
         fn {with}(\n        \
         &self,\n        \
         _input: {input},\n    \
         ) -> BoxFuture<'_, Result<{output}, {error}>> {{\n        \
         Box::pin(async {{ Ok({output}::builder().build(){build}) }})\n    \
         }}\n\
         }}\n\n\
         // In a test (`#[tokio::test]`):\n\
         async fn app_succeeds() {{\n    \
         assert!(app(&Mock).await);\n\
         }}\n\
         ```\n",
        fn_name = op.fn_name,
        with = op.call_fn,
        setters = required_setters(op, ""),
        build = if op.output.fallible_build {
            ".expect(\"the output's required members are set\")"
        } else {
            ""
        },
    )
}
